//! The one gate in front of every REST endpoint, in this order:
//!
//! 1. **Fault injection**: `faults.rest_fault()` answers 429 or 500/503 before anything else.
//! 2. **Authentication** of private endpoints (everything under `/portfolio` and
//!    `/account/limits`): the signature is verified over the full path as received.
//! 3. **Rate limiting** per key: [`DEFAULT_COST`] tokens from the read (GET) or write bucket,
//!    or per item for the batch endpoints ([`DEFAULT_COST`] per created order,
//!    [`BATCH_CANCEL_ITEM_COST`] per canceled one). An empty bucket answers 429; a batch that
//!    could never fit the tier's bucket is a 400. Public endpoints are not rate limited.
//! 4. **Order-entry faults** on order creation (and amend): `trading_paused` and injected
//!    rejections (`order_rejected`).
//!
//! The authenticated user reaches handlers as a [`Caller`].

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, OriginalUri, Request, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kmm_kalshi::ratelimit::{BATCH_CANCEL_ITEM_COST, Bucket, DEFAULT_COST};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::api_error;
use crate::faults::RestFault;
use crate::ids::UserId;
use crate::server::AppState;
use crate::server::auth::authenticate;
use crate::server::error::ApiError;

/// Largest request body read by the gate (batch bodies), 4 MiB.
const MAX_BODY: usize = 4 << 20;

/// The user a private request was signed for.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The account.
    pub user: UserId,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| ApiError::unauthorized("request is not signed"))
    }
}

/// What a request costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cost {
    /// [`DEFAULT_COST`].
    Default,
    /// [`DEFAULT_COST`] per order in the body.
    PerCreatedOrder,
    /// [`BATCH_CANCEL_ITEM_COST`] per order in the body.
    PerCanceledOrder,
}

/// Order-entry checks a route gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// Not order entry.
    None,
    /// Creates orders: trading-paused and injected rejections.
    Create,
    /// Amends an order: trading-paused.
    Amend,
}

/// How the gate treats one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RouteClass {
    private: bool,
    bucket: Bucket,
    cost: Cost,
    entry: Entry,
}

/// Classifies a request by method and path below `/trade-api/v2`.
fn classify(method: &Method, path: &str) -> RouteClass {
    let private = path.starts_with("/portfolio/") || path == "/account/limits";
    let bucket = if *method == Method::GET || *method == Method::HEAD { Bucket::Read } else { Bucket::Write };
    let batch = path == "/portfolio/events/orders/batched" || path == "/portfolio/orders/batched";
    let cost = match (batch, method) {
        (true, &Method::POST) => Cost::PerCreatedOrder,
        (true, &Method::DELETE) => Cost::PerCanceledOrder,
        _ => Cost::Default,
    };
    let creates =
        *method == Method::POST && (batch || path == "/portfolio/events/orders" || path == "/portfolio/orders");
    let amends = *method == Method::POST && path.starts_with("/portfolio/") && path.ends_with("/amend");
    let entry = if creates {
        Entry::Create
    } else if amends {
        Entry::Amend
    } else {
        Entry::None
    };
    RouteClass { private, bucket, cost, entry }
}

/// The middleware (see the module docs).
pub(crate) async fn guard(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    match check(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(error) => error.into_response(),
    }
}

async fn check(state: &AppState, req: Request) -> Result<Request, ApiError> {
    match state.faults.rest_fault() {
        Some(RestFault::RateLimited) => return Err(ApiError::rate_limited()),
        Some(RestFault::ServerError(status)) => return Err(ApiError::server_error(status)),
        None => {}
    }
    let class = classify(req.method(), req.uri().path());
    if !class.private {
        return Ok(req);
    }
    let full_path = match req.extensions().get::<OriginalUri>() {
        Some(original) => original.0.path().to_owned(),
        None => req.uri().path().to_owned(),
    };
    let key = authenticate(state, req.method(), &full_path, req.headers())?;
    let (key_id, user) = (key.key_id.clone(), key.user.clone());

    let (mut req, tokens) = cost(state, class, req).await?;
    let limiter = state.limiter(&key_id).ok_or_else(|| ApiError::unauthorized("unknown API key"))?;
    if !limiter.try_acquire(class.bucket, tokens) {
        tracing::debug!(key = %key_id, tokens, bucket = ?class.bucket, "rate limited");
        return Err(ApiError::rate_limited());
    }
    if class.entry != Entry::None && state.faults.trading_paused() {
        return Err(api_error(400, "trading_paused", "trading is paused on the exchange"));
    }
    if class.entry == Entry::Create && state.faults.reject_order() {
        return Err(api_error(400, "order_rejected", "simulated rejection (fault injection: reject_order_rate)"));
    }
    req.extensions_mut().insert(Caller { user });
    Ok(req)
}

/// Counts the items of a batch body (either batch form: `orders` or legacy `ids`).
#[derive(Deserialize)]
struct BatchItems {
    #[serde(default)]
    orders: Vec<IgnoredAny>,
    #[serde(default)]
    ids: Vec<IgnoredAny>,
}

/// The tokens `req` costs; batch bodies are read (and put back) to count their items.
async fn cost(state: &AppState, class: RouteClass, req: Request) -> Result<(Request, u32), ApiError> {
    let per_item = match class.cost {
        Cost::Default => return Ok((req, DEFAULT_COST)),
        Cost::PerCreatedOrder => DEFAULT_COST,
        Cost::PerCanceledOrder => BATCH_CANCEL_ITEM_COST,
    };
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::bad_request("request body is unreadable or larger than 4 MiB"))?;
    // A body that does not parse costs one item; the handler answers its 400.
    let items = serde_json::from_slice::<BatchItems>(&bytes).map_or(1, |b| b.orders.len() + b.ids.len()).max(1);
    let tokens = u32::try_from(items).unwrap_or(u32::MAX).saturating_mul(per_item);
    let capacity = match class.bucket {
        Bucket::Read => state.tier.read_capacity,
        Bucket::Write => state.tier.write_capacity,
    };
    if tokens > capacity {
        let max = capacity / per_item.max(1);
        return Err(ApiError::bad_request(format!(
            "batch of {items} orders exceeds the tier's write budget (at most {max} per batch)"
        )));
    }
    Ok((Request::from_parts(parts, Body::from(bytes)), tokens))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_classified() {
        let c = classify(&Method::GET, "/markets");
        assert!(!c.private, "market data is public");
        let c = classify(&Method::GET, "/portfolio/balance");
        assert!(c.private && c.bucket == Bucket::Read && c.entry == Entry::None);
        assert!(classify(&Method::GET, "/account/limits").private);
        assert!(!classify(&Method::GET, "/account/endpoint_costs").private);
        let c = classify(&Method::POST, "/portfolio/events/orders");
        assert_eq!((c.bucket, c.cost, c.entry), (Bucket::Write, Cost::Default, Entry::Create));
        let c = classify(&Method::POST, "/portfolio/orders/batched");
        assert_eq!((c.cost, c.entry), (Cost::PerCreatedOrder, Entry::Create));
        let c = classify(&Method::DELETE, "/portfolio/events/orders/batched");
        assert_eq!((c.cost, c.entry), (Cost::PerCanceledOrder, Entry::None));
        assert_eq!(classify(&Method::POST, "/portfolio/events/orders/x/amend").entry, Entry::Amend);
        assert_eq!(classify(&Method::POST, "/portfolio/events/orders/x/decrease").entry, Entry::None);
        assert_eq!(classify(&Method::PUT, "/portfolio/order_groups/g/reset").bucket, Bucket::Write);
    }
}
