//! The REST client: signed, rate-limited, retrying on 429 and (for safe requests) 5xx.

mod client;
mod endpoints;
mod query;

pub use client::{RestClient, RestConfig, RetryPolicy};
pub use query::{EventsQuery, FillsQuery, MarketFilter, MarketsQuery, OrdersQuery, PortfolioQuery};
