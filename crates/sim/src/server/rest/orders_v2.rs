//! The current order endpoints under `/portfolio/events/orders`: create (201), amend,
//! decrease, cancel, batch create (201, per-item results), batch cancel, cancel-all (204).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kmm_kalshi::wire::{
    self, AmendOrderV2Request, AmendOrderV2Response, BatchCancelOrderV2Result, BatchCancelOrdersV2Request,
    BatchCancelOrdersV2Response, BatchCreateOrderV2Result, BatchCreateOrdersV2Request, BatchCreateOrdersV2Response,
    CancelOrderV2Response, CreateOrderV2Request, CreateOrderV2Response, DecreaseOrderV2Request,
    DecreaseOrderV2Response, ErrorDetail, ErrorPayload,
};
use kmm_model::{Money, OrderId, Qty, Side};

use super::extract::{JsonBody, Params};
use super::guard::Caller;
use crate::error::SimError;
use crate::ids::OrderGroupId;
use crate::order::{
    AmendRequest, Decrease, ExpirationChange, OrderRecord, OrderRequest, SelfTradePrevention, TimeInForce,
};
use crate::server::error::ApiError;
use crate::server::{AppState, now_ms};

/// The exchange's time in force; an unknown value is `invalid_order`.
pub(super) fn time_in_force(value: wire::TimeInForce) -> Result<TimeInForce, SimError> {
    match value {
        wire::TimeInForce::GoodTillCanceled => Ok(TimeInForce::GoodTillCanceled),
        wire::TimeInForce::ImmediateOrCancel => Ok(TimeInForce::ImmediateOrCancel),
        wire::TimeInForce::FillOrKill => Ok(TimeInForce::FillOrKill),
        wire::TimeInForce::Unknown => Err(SimError::InvalidOrder(
            "time_in_force must be fill_or_kill, good_till_canceled or immediate_or_cancel".into(),
        )),
    }
}

/// The exchange's self-trade prevention; an unknown value is `invalid_order`.
pub(super) fn self_trade_prevention(value: wire::SelfTradePrevention) -> Result<SelfTradePrevention, SimError> {
    match value {
        wire::SelfTradePrevention::TakerAtCross => Ok(SelfTradePrevention::TakerAtCross),
        wire::SelfTradePrevention::Maker => Ok(SelfTradePrevention::Maker),
        wire::SelfTradePrevention::Unknown => {
            Err(SimError::InvalidOrder("self_trade_prevention_type must be taker_at_cross or maker".into()))
        }
    }
}

/// Only the primary subaccount (0) and shard 0 (or auto-routing, −1) exist.
pub(super) fn check_routing(subaccount: Option<i64>, exchange_index: Option<i64>) -> Result<(), SimError> {
    if subaccount.is_some_and(|s| s != 0) {
        return Err(SimError::BadRequest("only subaccount 0 (the primary) exists".into()));
    }
    if exchange_index.is_some_and(|i| i != 0 && i != -1) {
        return Err(SimError::BadRequest("only exchange_index 0 (or -1, auto-route) exists".into()));
    }
    Ok(())
}

/// Unix seconds to Unix milliseconds, refusing values that overflow.
pub(super) fn seconds_to_ms(seconds: i64) -> Result<i64, SimError> {
    seconds
        .checked_mul(1_000)
        .ok_or_else(|| SimError::InvalidOrder(format!("expiration time {seconds} is out of range")))
}

/// A V2 create request as an exchange order request.
pub(super) fn order_request(req: &CreateOrderV2Request) -> Result<OrderRequest, SimError> {
    check_routing(req.subaccount, req.exchange_index)?;
    Ok(OrderRequest {
        ticker: req.ticker.clone(),
        side: req.side,
        price: req.price,
        count: req.count,
        time_in_force: time_in_force(req.time_in_force)?,
        self_trade_prevention: self_trade_prevention(req.self_trade_prevention_type)?,
        client_order_id: req.client_order_id.clone(),
        expiration_ms: req.expiration_time.map(seconds_to_ms).transpose()?,
        post_only: req.post_only.unwrap_or(false),
        reduce_only: req.reduce_only.unwrap_or(false),
        buy_max_cost: None,
        cancel_order_on_pause: req.cancel_order_on_pause.unwrap_or(false),
        order_group_id: req.order_group_id.as_deref().map(OrderGroupId::new),
    })
}

/// `total / count` per contract (floored to $0.000001), `None` when nothing filled.
fn per_contract(total: Money, count: Qty) -> Option<Money> {
    let units = count.units();
    (units > 0).then(|| Money::from_micros(total.micros().saturating_mul(Qty::SCALE) / units))
}

/// Average YES price of the order's fills: the bought outcome's average cost, turned into a
/// YES price for an ask.
pub(super) fn average_fill_price(o: &OrderRecord) -> Option<Money> {
    let cost = o.taker_fill_cost.micros().saturating_add(o.maker_fill_cost.micros());
    let avg = per_contract(Money::from_micros(cost), o.filled)?;
    Some(match o.side {
        Side::Bid => avg,
        Side::Ask => Money::from_micros(Money::SCALE - avg.micros()),
    })
}

/// Average fee per filled contract.
pub(super) fn average_fee_paid(o: &OrderRecord) -> Option<Money> {
    per_contract(Money::from_micros(o.taker_fees.micros().saturating_add(o.maker_fees.micros())), o.filled)
}

fn create_ack(o: &OrderRecord, ts_ms: i64) -> CreateOrderV2Response {
    CreateOrderV2Response {
        order_id: o.order_id.clone(),
        client_order_id: o.client_order_id.clone(),
        fill_count: o.filled,
        remaining_count: o.remaining,
        average_fill_price: average_fill_price(o),
        average_fee_paid: average_fee_paid(o),
        ts_ms,
    }
}

/// The flat `{code, message, details}` of a batch item's error.
pub(super) fn error_detail(error: SimError) -> ErrorDetail {
    match ApiError::from(error).body.error {
        ErrorPayload::Detail(detail) => detail,
        ErrorPayload::Message(message) => ErrorDetail::new("error", message),
    }
}

/// `POST /portfolio/events/orders` → 201.
pub(super) async fn create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    JsonBody(req): JsonBody<CreateOrderV2Request>,
) -> Result<(StatusCode, Json<CreateOrderV2Response>), ApiError> {
    let request = order_request(&req)?;
    let now = now_ms();
    let order = state.mutate(|ex| ex.create_order(&caller.user, request, now))?;
    Ok((StatusCode::CREATED, Json(create_ack(&order, now))))
}

/// `POST /portfolio/events/orders/{order_id}/amend`.
pub(super) async fn amend(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(order_id): Path<String>,
    params: Params,
    JsonBody(req): JsonBody<AmendOrderV2Request>,
) -> Result<Json<AmendOrderV2Response>, ApiError> {
    params.primary_subaccount()?;
    check_routing(None, req.exchange_index)?;
    let expiration = match req.expiration_time {
        None => ExpirationChange::Keep,
        Some(0) => ExpirationChange::Remove,
        Some(s) => ExpirationChange::Set(seconds_to_ms(s)?),
    };
    let amend = AmendRequest {
        ticker: req.ticker,
        side: req.side,
        price: req.price,
        count: req.count,
        updated_client_order_id: req.updated_client_order_id,
        expiration,
    };
    let now = now_ms();
    let amended = state.mutate(|ex| ex.amend_order(&caller.user, &OrderId::new(order_id), amend, now))?;
    let o = &amended.order;
    Ok(Json(AmendOrderV2Response {
        order_id: o.order_id.clone(),
        client_order_id: o.client_order_id.clone(),
        remaining_count: Some(o.remaining),
        fill_count: Some(o.filled),
        average_fill_price: average_fill_price(o),
        average_fee_paid: average_fee_paid(o),
        ts_ms: now,
    }))
}

/// `POST /portfolio/events/orders/{order_id}/decrease`: exactly one of `reduce_by`/`reduce_to`.
pub(super) async fn decrease(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(order_id): Path<String>,
    params: Params,
    JsonBody(req): JsonBody<DecreaseOrderV2Request>,
) -> Result<Json<DecreaseOrderV2Response>, ApiError> {
    params.primary_subaccount()?;
    check_routing(None, req.exchange_index)?;
    let decrease = match (req.reduce_by, req.reduce_to) {
        (Some(by), None) => Decrease::By(by),
        (None, Some(to)) => Decrease::To(to),
        _ => return Err(SimError::invalid("exactly one of reduce_by or reduce_to should be provided").into()),
    };
    let now = now_ms();
    let o = state.mutate(|ex| ex.decrease_order(&caller.user, &OrderId::new(order_id), decrease, now))?;
    Ok(Json(DecreaseOrderV2Response {
        order_id: o.order_id,
        client_order_id: o.client_order_id,
        remaining_count: o.remaining,
        ts_ms: now,
    }))
}

/// `DELETE /portfolio/events/orders/{order_id}`: `reduced_by` is `"0.00"` for an order that
/// had already executed or been canceled.
pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(order_id): Path<String>,
    params: Params,
) -> Result<Json<CancelOrderV2Response>, ApiError> {
    params.primary_subaccount()?;
    let now = now_ms();
    let canceled = state.mutate(|ex| ex.cancel_order(&caller.user, &OrderId::new(order_id), now))?;
    Ok(Json(CancelOrderV2Response {
        order_id: canceled.order.order_id,
        client_order_id: canceled.order.client_order_id,
        reduced_by: canceled.reduced_by,
        ts_ms: now,
    }))
}

/// `POST /portfolio/events/orders/batched` → 201 with one result per order, in order.
pub(super) async fn batch_create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    JsonBody(req): JsonBody<BatchCreateOrdersV2Request>,
) -> (StatusCode, Json<BatchCreateOrdersV2Response>) {
    let now = now_ms();
    let orders = state.mutate(|ex| {
        req.orders
            .iter()
            .map(|item| {
                let placed = order_request(item).and_then(|r| ex.create_order(&caller.user, r, now));
                match placed {
                    Ok(o) => {
                        let ack = create_ack(&o, now);
                        BatchCreateOrderV2Result {
                            order_id: Some(ack.order_id),
                            client_order_id: ack.client_order_id,
                            fill_count: Some(ack.fill_count),
                            remaining_count: Some(ack.remaining_count),
                            average_fill_price: ack.average_fill_price,
                            average_fee_paid: ack.average_fee_paid,
                            ts_ms: Some(now),
                            error: None,
                        }
                    }
                    Err(e) => BatchCreateOrderV2Result {
                        client_order_id: item.client_order_id.clone(),
                        error: Some(error_detail(e)),
                        ..BatchCreateOrderV2Result::default()
                    },
                }
            })
            .collect()
    });
    (StatusCode::CREATED, Json(BatchCreateOrdersV2Response { orders }))
}

/// `DELETE /portfolio/events/orders/batched`: one result per order; `reduced_by` is always
/// present (`"0.00"` on error).
pub(super) async fn batch_cancel(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    JsonBody(req): JsonBody<BatchCancelOrdersV2Request>,
) -> Json<BatchCancelOrdersV2Response> {
    let now = now_ms();
    let orders = state.mutate(|ex| {
        req.orders
            .iter()
            .map(|item| {
                let canceled = check_routing(item.subaccount, item.exchange_index)
                    .and_then(|()| ex.cancel_order(&caller.user, &item.order_id, now));
                match canceled {
                    Ok(c) => BatchCancelOrderV2Result {
                        order_id: c.order.order_id,
                        client_order_id: c.order.client_order_id,
                        reduced_by: c.reduced_by,
                        ts_ms: Some(now),
                        error: None,
                    },
                    Err(e) => BatchCancelOrderV2Result {
                        order_id: item.order_id.clone(),
                        client_order_id: None,
                        reduced_by: Qty::ZERO,
                        ts_ms: None,
                        error: Some(error_detail(e)),
                    },
                }
            })
            .collect()
    });
    Json(BatchCancelOrdersV2Response { orders })
}

/// `DELETE /portfolio/events/orders` → 204, no body: cancels every resting order.
pub(super) async fn cancel_all(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Params,
) -> Result<StatusCode, ApiError> {
    params.primary_subaccount()?;
    let now = now_ms();
    let canceled = state.mutate(|ex| ex.cancel_all(&caller.user, None, now))?;
    tracing::debug!(user = %caller.user, canceled = canceled.len(), "cancel-all");
    Ok(StatusCode::NO_CONTENT)
}
