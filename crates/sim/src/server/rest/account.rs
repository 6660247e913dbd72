//! `GET /account/limits` (signed) and `GET /account/endpoint_costs` (public): the tier the
//! simulator enforces, and the per-item batch costs its gate charges.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use kmm_kalshi::ratelimit::{BATCH_CANCEL_ITEM_COST, DEFAULT_COST, Tier};
use kmm_kalshi::wire::{BucketLimit, EndpointCost, GetAccountApiLimitsResponse, GetAccountEndpointCostsResponse};

use super::guard::Caller;
use crate::server::AppState;

/// Kalshi's name for a tier; a tier with other numbers is `custom`.
fn tier_name(tier: Tier) -> &'static str {
    match tier {
        t if t == Tier::BASIC => "basic",
        t if t == Tier::ADVANCED => "advanced",
        t if t == Tier::PREMIER => "premier",
        t if t == Tier::PARAGON => "paragon",
        t if t == Tier::PRIME => "prime",
        _ => "custom",
    }
}

/// `GET /account/limits`.
pub(super) async fn limits(State(state): State<Arc<AppState>>, _caller: Caller) -> Json<GetAccountApiLimitsResponse> {
    let tier = state.tier;
    Json(GetAccountApiLimitsResponse {
        usage_tier: tier_name(tier).to_owned(),
        read: BucketLimit { refill_rate: tier.read_per_sec.into(), bucket_capacity: tier.read_capacity.into() },
        write: BucketLimit { refill_rate: tier.write_per_sec.into(), bucket_capacity: tier.write_capacity.into() },
        grants: Vec::new(),
    })
}

/// `GET /account/endpoint_costs`: batch cancels cost [`BATCH_CANCEL_ITEM_COST`] per order
/// (batch creates cost the default per order, so they are not listed).
pub(super) async fn endpoint_costs() -> Json<GetAccountEndpointCostsResponse> {
    let cancel = |path: &str| EndpointCost {
        method: "DELETE".to_owned(),
        path: path.to_owned(),
        cost: BATCH_CANCEL_ITEM_COST.into(),
    };
    Json(GetAccountEndpointCostsResponse {
        default_cost: DEFAULT_COST.into(),
        endpoint_costs: vec![
            cancel("/trade-api/v2/portfolio/events/orders/batched"),
            cancel("/trade-api/v2/portfolio/orders/batched"),
        ],
    })
}
