//! Kalshi Trade API v2 wire layer: wire types (serde mirrors of the API), the request
//! [`signer`], the rate limiter, and the REST and WebSocket clients.
//!
//! Depends only on `kmm-model` inside the workspace; it knows nothing of the engine, the
//! simulator or any front end.

pub mod env;
pub mod error;
pub mod ratelimit;
pub mod rest;
pub mod signer;
pub mod wire;
pub mod ws;

pub use env::{Endpoints, Environment};
pub use error::{Error, Result};
pub use rest::{RestClient, RestConfig};
pub use signer::Signer;
pub use ws::{Frame, WsClient, WsConfig, WsEvent};
