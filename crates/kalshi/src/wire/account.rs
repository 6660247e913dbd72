//! API budgets: `GET /account/limits` and `GET /account/endpoint_costs`.

use serde::{Deserialize, Serialize};

use super::codec::null_as_default;

/// One token bucket: `refill_rate` tokens per second, up to `bucket_capacity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BucketLimit {
    /// Tokens added per second.
    pub refill_rate: i64,
    /// Largest balance (burst).
    pub bucket_capacity: i64,
}

/// A usage-level grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiGrant {
    /// `event_contract` or `margined`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub exchange_instance: String,
    /// Tier granted, e.g. `advanced`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub level: String,
    /// `volume` or `manual`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub source: String,
    /// Expiry, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_ts: Option<i64>,
}

/// `GET /account/limits`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAccountApiLimitsResponse {
    /// Tier: basic, advanced, expert, premier, paragon, prime, prestige.
    #[serde(default, deserialize_with = "null_as_default")]
    pub usage_tier: String,
    /// The read bucket.
    pub read: BucketLimit,
    /// The write bucket.
    pub write: BucketLimit,
    /// Grants.
    #[serde(default, deserialize_with = "null_as_default")]
    pub grants: Vec<ApiGrant>,
}

/// A non-default endpoint cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointCost {
    /// HTTP method.
    pub method: String,
    /// Path, e.g. `/trade-api/v2/portfolio/orders/{order_id}`.
    pub path: String,
    /// Tokens per request.
    pub cost: i64,
}

/// `GET /account/endpoint_costs`: only endpoints that differ from `default_cost` are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAccountEndpointCostsResponse {
    /// Tokens per request for unlisted endpoints (10).
    pub default_cost: i64,
    /// The exceptions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub endpoint_costs: Vec<EndpointCost>,
}

impl GetAccountEndpointCostsResponse {
    /// The cost of `method path` (exact match on both, method case-insensitive).
    pub fn cost_of(&self, method: &str, path: &str) -> i64 {
        self.endpoint_costs
            .iter()
            .find(|c| c.method.eq_ignore_ascii_case(method) && c.path == path)
            .map_or(self.default_cost, |c| c.cost)
    }
}
