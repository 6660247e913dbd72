//! Domain types of the Kalshi market maker: fixed-point [`Price`], [`Qty`] and [`Money`],
//! [`Side`], identifier newtypes, [`Order`], [`Fill`], [`Position`], [`OrderBook`] and fees.
//!
//! This crate does no I/O and depends on no other crate of the workspace; every other crate
//! depends on it. Money is never a float here.

mod book;
mod error;
pub mod fees;
mod fixed;
mod ids;
mod order;
mod side;
mod units;

pub use book::OrderBook;
pub use error::{ModelError, ParseError};
pub use fees::{FeeSchedule, FeeType};
pub use ids::{ClientOrderId, EventTicker, MarketTicker, OrderId, SeriesTicker, TradeId};
pub use order::{Fill, Order, OrderStatus, Position};
pub use side::{Outcome, Side};
pub use units::{Money, Price, Qty};
