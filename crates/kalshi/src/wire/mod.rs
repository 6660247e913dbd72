//! Serde mirrors of Kalshi's REST bodies: current `*_dollars` / `*_fp` fields first, legacy
//! fields tolerated, unknown fields and enum values never fatal.
//!
//! Prices, counts and money are the model's fixed-point types ([`kmm_model::Price`] "0.5600",
//! [`kmm_model::Qty`] "10.00", [`kmm_model::Money`] "4.950000"), never floats. Timestamps stay
//! RFC 3339 strings exactly as sent. The same types serialise to the API's shapes, so the
//! simulator emits what Kalshi emits; `tests/wire_golden.rs` pins both directions against
//! captured payloads.
//!
//! One module per concept; every type is also re-exported here.

mod codec;

pub mod account;
pub mod error_body;
pub mod event;
pub mod exchange;
pub mod market;
pub mod order;
pub mod order_group;
pub mod order_legacy;
pub mod order_v2;
pub mod orderbook;
pub mod portfolio;

pub use account::*;
pub use error_body::*;
pub use event::*;
pub use exchange::*;
pub use market::*;
pub use order::*;
pub use order_group::*;
pub use order_legacy::*;
pub use order_v2::*;
pub use orderbook::*;
pub use portfolio::*;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Parses a JSON body into `T`, naming `context` (e.g. the endpoint) in the error.
pub fn decode<T: DeserializeOwned>(context: &str, body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| Error::decode(context, e))
}
