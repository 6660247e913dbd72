//! A Kalshi-compatible exchange simulator: one price-time-priority book per market, fully
//! collateralised accounts, Kalshi's fees, order groups, market lifecycle and settlement.
//!
//! The exchange never knows the market maker: this crate depends on `kmm-model` only (and,
//! on `kmm-kalshi`'s wire types and signature verification for its server), never on the engine
//! or a front end.
//!
//! The core is sans-IO and deterministic: [`Exchange`] takes the time as `now_ms` on every
//! call, generates ids from counters, and reports every state change as an [`Event`] in an
//! outbox the caller drains. Money is fixed-point ([`kmm_model::Money`]), never a float.

pub mod accounts;
pub mod error;
pub mod events;
pub mod exchange;
pub mod faults;
pub mod flow;
pub mod groups;
pub mod ids;
pub mod market;
pub mod matching;
pub mod order;
pub mod server;

pub use accounts::{Balance, FillRecord, Ledger, SettlementRecord};
pub use error::SimError;
pub use events::{Event, GroupChange, TradeRecord};
pub use exchange::Exchange;
pub use groups::OrderGroupInfo;
pub use ids::{OrderGroupId, UserId};
pub use market::{MarketConfig, MarketInfo, MarketStatus, MarketType, PriceRange, SettlementResult, TickGrid};
pub use matching::{Book, BookSnapshot, OrderKey, RestingOrder};
pub use order::{
    AmendRequest, Amended, CancelReason, Canceled, Decrease, ExpirationChange, OrderFilter, OrderRecord, OrderRequest,
    SelfTradePrevention, TimeInForce,
};
