//! The legacy ("v1") order endpoints under `/portfolio/orders`, deprecated by Kalshi but still
//! accepted: `side` yes/no + `action` buy/sell become a book side (buy YES / sell NO = bid,
//! buy NO / sell YES = ask), one of four price fields becomes the YES price, `count` or
//! `count_fp` the count. Replies carry the full `Order`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kmm_kalshi::wire::{
    AmendOrderRequest, AmendOrderResponse, BatchCancelOrderResult, BatchCancelOrdersRequest, BatchCancelOrdersResponse,
    BatchCreateOrderResult, BatchCreateOrdersRequest, BatchCreateOrdersResponse, CancelOrderResponse,
    CreateOrderRequest, CreateOrderResponse, DecreaseOrderRequest, DecreaseOrderResponse,
};
use kmm_model::{Money, OrderId, Qty};

use super::convert;
use super::extract::JsonBody;
use super::guard::Caller;
use super::orders_v2::{check_routing, error_detail, order_request};
use crate::error::SimError;
use crate::order::{AmendRequest, Decrease, ExpirationChange, OrderRequest};
use crate::server::error::ApiError;
use crate::server::{AppState, now_ms};

/// A legacy field-resolution error (`exactly one of yes_price, ...`) as `invalid_order`.
fn invalid(error: kmm_kalshi::Error) -> SimError {
    match error {
        kmm_kalshi::Error::Decode { message, .. } => SimError::InvalidOrder(message),
        other => SimError::InvalidOrder(other.to_string()),
    }
}

/// A legacy create request as an exchange order request (`buy_max_cost` in cents makes it
/// fill-or-kill with a cost cap).
fn legacy_request(req: &CreateOrderRequest) -> Result<OrderRequest, SimError> {
    if req.sell_position_floor.is_some_and(|f| f != 0) {
        return Err(SimError::InvalidOrder("sell_position_floor is deprecated; only 0 is accepted".into()));
    }
    let mut order = order_request(&req.to_v2().map_err(invalid)?)?;
    if let Some(cents) = req.buy_max_cost {
        let cap = Money::from_cents(cents).map_err(|e| SimError::InvalidOrder(format!("buy_max_cost: {e}")))?;
        order.buy_max_cost = Some(cap);
    }
    Ok(order)
}

/// `POST /portfolio/orders` → 201 `{order}`.
pub(super) async fn create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    JsonBody(req): JsonBody<CreateOrderRequest>,
) -> Result<(StatusCode, Json<CreateOrderResponse>), ApiError> {
    let request = legacy_request(&req)?;
    let now = now_ms();
    let order = state.mutate(|ex| ex.create_order(&caller.user, request, now))?;
    Ok((StatusCode::CREATED, Json(CreateOrderResponse { order: convert::order(&order) })))
}

/// `DELETE /portfolio/orders/{order_id}` → `{order, reduced_by_fp}`.
pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(order_id): Path<String>,
) -> Result<Json<CancelOrderResponse>, ApiError> {
    let canceled = state.mutate(|ex| ex.cancel_order(&caller.user, &OrderId::new(order_id), now_ms()))?;
    Ok(Json(CancelOrderResponse {
        order: convert::order(&canceled.order),
        reduced_by: None,
        reduced_by_fp: Some(canceled.reduced_by),
    }))
}

/// `POST /portfolio/orders/{order_id}/amend` → `{old_order, order}`; `count` is the new total.
pub(super) async fn amend(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(order_id): Path<String>,
    JsonBody(req): JsonBody<AmendOrderRequest>,
) -> Result<Json<AmendOrderResponse>, ApiError> {
    check_routing(req.subaccount, req.exchange_index)?;
    let amend = AmendRequest {
        ticker: req.ticker.clone(),
        side: req.book_side().map_err(invalid)?,
        price: req.yes_price().map_err(invalid)?,
        count: req.count().map_err(invalid)?,
        updated_client_order_id: req.updated_client_order_id.clone(),
        expiration: ExpirationChange::Keep,
    };
    let amended = state.mutate(|ex| ex.amend_order(&caller.user, &OrderId::new(order_id), amend, now_ms()))?;
    Ok(Json(AmendOrderResponse { old_order: convert::order(&amended.old), order: convert::order(&amended.order) }))
}

/// `POST /portfolio/orders/{order_id}/decrease` → `{order}`.
pub(super) async fn decrease(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(order_id): Path<String>,
    JsonBody(req): JsonBody<DecreaseOrderRequest>,
) -> Result<Json<DecreaseOrderResponse>, ApiError> {
    let decrease = match req.decrease().map_err(invalid)? {
        kmm_kalshi::wire::Decrease::By(q) => Decrease::By(q),
        kmm_kalshi::wire::Decrease::To(q) => Decrease::To(q),
    };
    let order = state.mutate(|ex| ex.decrease_order(&caller.user, &OrderId::new(order_id), decrease, now_ms()))?;
    Ok(Json(DecreaseOrderResponse { order: convert::order(&order) }))
}

/// `POST /portfolio/orders/batched` → 201 with one `{client_order_id, order | error}` per order.
pub(super) async fn batch_create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    JsonBody(req): JsonBody<BatchCreateOrdersRequest>,
) -> (StatusCode, Json<BatchCreateOrdersResponse>) {
    let now = now_ms();
    let orders = state.mutate(|ex| {
        req.orders
            .iter()
            .map(|item| match legacy_request(item).and_then(|r| ex.create_order(&caller.user, r, now)) {
                Ok(o) => BatchCreateOrderResult {
                    client_order_id: o.client_order_id.clone(),
                    order: Some(convert::order(&o)),
                    error: None,
                },
                Err(e) => BatchCreateOrderResult {
                    client_order_id: item.client_order_id.clone(),
                    order: None,
                    error: Some(error_detail(e)),
                },
            })
            .collect()
    });
    (StatusCode::CREATED, Json(BatchCreateOrdersResponse { orders }))
}

/// `DELETE /portfolio/orders/batched` (`{ids}` or `{orders}`) → one result per order.
pub(super) async fn batch_cancel(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    JsonBody(req): JsonBody<BatchCancelOrdersRequest>,
) -> Json<BatchCancelOrdersResponse> {
    let now = now_ms();
    let orders = state.mutate(|ex| {
        req.order_ids()
            .into_iter()
            .map(|id| match ex.cancel_order(&caller.user, &id, now) {
                Ok(c) => BatchCancelOrderResult {
                    order_id: id,
                    order: Some(convert::order(&c.order)),
                    reduced_by_fp: c.reduced_by,
                    error: None,
                },
                Err(e) => BatchCancelOrderResult {
                    order_id: id,
                    order: None,
                    reduced_by_fp: Qty::ZERO,
                    error: Some(error_detail(e)),
                },
            })
            .collect()
    });
    Json(BatchCancelOrdersResponse { orders })
}
