//! Order groups, the per-group kill switch: create (201), list, get, reset, trigger, limit,
//! delete (the last four answer `{}`). `is_auto_cancel_enabled` reports whether the group has
//! triggered (its orders were canceled and it rejects new ones until reset).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kmm_kalshi::wire::{
    CreateOrderGroupRequest, CreateOrderGroupResponse, EmptyResponse, GetOrderGroupResponse, GetOrderGroupsResponse,
    OrderGroup, UpdateOrderGroupLimitRequest,
};
use kmm_model::Qty;

use super::extract::{JsonBody, Params};
use super::guard::Caller;
use super::orders_v2::check_routing;
use crate::error::SimError;
use crate::ids::OrderGroupId;
use crate::server::error::ApiError;
use crate::server::{AppState, now_ms};

/// The limit from `contracts_limit_fp` and/or `contracts_limit` (both given must agree).
fn limit(fp: Option<Qty>, whole: Option<i64>) -> Result<Qty, ApiError> {
    let whole = whole
        .map(|n| Qty::from_contracts(n).map_err(|e| ApiError::bad_request(format!("contracts_limit: {e}"))))
        .transpose()?;
    match (fp, whole) {
        (Some(a), Some(b)) if a != b => {
            Err(ApiError::bad_request(format!("contracts_limit_fp {a} and contracts_limit {b} disagree")))
        }
        (a, b) => a.or(b).ok_or_else(|| ApiError::bad_request("contracts_limit or contracts_limit_fp is required")),
    }
}

/// `POST /portfolio/order_groups/create` → 201.
pub(super) async fn create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    JsonBody(req): JsonBody<CreateOrderGroupRequest>,
) -> Result<(StatusCode, Json<CreateOrderGroupResponse>), ApiError> {
    check_routing(req.subaccount, req.exchange_index)?;
    let contracts = limit(req.contracts_limit_fp, req.contracts_limit)?;
    let id = state.mutate(|ex| ex.create_order_group(&caller.user, contracts, now_ms()))?;
    Ok((
        StatusCode::CREATED,
        Json(CreateOrderGroupResponse { order_group_id: id.to_string(), subaccount: 0, exchange_index: Some(0) }),
    ))
}

/// `GET /portfolio/order_groups`.
pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    params: Params,
) -> Result<Json<GetOrderGroupsResponse>, ApiError> {
    params.primary_subaccount()?;
    let groups = state.read(|ex| ex.order_groups(&caller.user, now_ms()));
    let order_groups = groups
        .into_iter()
        .map(|g| OrderGroup {
            id: g.id.to_string(),
            is_auto_cancel_enabled: g.triggered,
            contracts_limit_fp: Some(g.contracts_limit),
            exchange_index: Some(0),
        })
        .collect();
    Ok(Json(GetOrderGroupsResponse { order_groups }))
}

/// `GET /portfolio/order_groups/{id}`.
pub(super) async fn one(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<GetOrderGroupResponse>, ApiError> {
    params.primary_subaccount()?;
    let group = state.read(|ex| ex.order_group(&caller.user, &OrderGroupId::new(id), now_ms()))?;
    Ok(Json(GetOrderGroupResponse {
        is_auto_cancel_enabled: group.triggered,
        orders: group.orders,
        contracts_limit_fp: Some(group.contracts_limit),
        exchange_index: Some(0),
    }))
}

fn done(result: Result<(), SimError>) -> Result<Json<EmptyResponse>, ApiError> {
    result.map(|()| Json(EmptyResponse {})).map_err(ApiError::from)
}

/// `PUT /portfolio/order_groups/{id}/reset` → `{}`.
pub(super) async fn reset(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<EmptyResponse>, ApiError> {
    params.primary_subaccount()?;
    done(state.mutate(|ex| ex.reset_order_group(&caller.user, &OrderGroupId::new(id), now_ms())))
}

/// `PUT /portfolio/order_groups/{id}/trigger` → `{}`: cancels the group's orders now.
pub(super) async fn trigger(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<EmptyResponse>, ApiError> {
    params.primary_subaccount()?;
    done(state.mutate(|ex| ex.trigger_order_group(&caller.user, &OrderGroupId::new(id), now_ms())))
}

/// `PUT /portfolio/order_groups/{id}/limit` → `{}`.
pub(super) async fn set_limit(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
    JsonBody(req): JsonBody<UpdateOrderGroupLimitRequest>,
) -> Result<Json<EmptyResponse>, ApiError> {
    params.primary_subaccount()?;
    let contracts = limit(req.contracts_limit_fp, req.contracts_limit)?;
    done(state.mutate(|ex| ex.set_order_group_limit(&caller.user, &OrderGroupId::new(id), contracts, now_ms())))
}

/// `DELETE /portfolio/order_groups/{id}` → `{}`: cancels its orders and removes it.
pub(super) async fn delete(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<EmptyResponse>, ApiError> {
    params.primary_subaccount()?;
    done(state.mutate(|ex| ex.delete_order_group(&caller.user, &OrderGroupId::new(id), now_ms())))
}
