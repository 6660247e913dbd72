//! Kalshi's REST endpoints over the exchange, below `/trade-api/v2`, plus the simulator's
//! admin routes below `/sim`.
//!
//! Every Kalshi route passes one gate (the `guard` middleware): fault injection,
//! authentication of the private routes (`/portfolio/*`, `/account/limits`), per-key rate
//! limiting (public routes are not rate limited) and the order-entry faults. Responses are built from the client
//! crate's wire types, so the simulator emits exactly the shapes the client and the official
//! SDK parse. Errors are Kalshi's bodies (`{"error": {"code", "message", "details"}}`, or
//! `{"error": "too many requests"}` with 429).
//!
//! | Area | Routes |
//! |---|---|
//! | exchange | `GET /exchange/status`, `/exchange/schedule`, `/exchange/user_data_timestamp` |
//! | markets (public) | `GET /markets`, `/markets/{ticker}`, `/markets/{ticker}/orderbook`, `/markets/orderbooks`, `/markets/trades`, `/events`, `/events/{event_ticker}`, `/series`, `/series/{series_ticker}` |
//! | account | `GET /account/limits` (signed), `/account/endpoint_costs` |
//! | portfolio | `GET /portfolio/balance`, `/positions`, `/fills`, `/settlements`, `/orders`, `/orders/{id}`, `/orders/{id}/queue_position`, `/orders/queue_positions`, `/summary/total_resting_order_value` |
//! | V2 orders | `POST /portfolio/events/orders` (201), `POST .../{id}/amend`, `POST .../{id}/decrease`, `DELETE .../{id}`, `POST .../batched` (201), `DELETE .../batched`, `DELETE /portfolio/events/orders` (204) |
//! | legacy orders | `POST /portfolio/orders` (201), `DELETE /portfolio/orders/{id}`, `POST .../{id}/amend`, `POST .../{id}/decrease`, `POST /portfolio/orders/batched` (201), `DELETE /portfolio/orders/batched` |
//! | order groups | `POST /portfolio/order_groups/create` (201), `GET /portfolio/order_groups`, `GET`/`DELETE .../{id}`, `PUT .../{id}/reset`, `/trigger`, `/limit` |

mod account;
mod admin;
mod convert;
mod exchange;
mod extract;
mod guard;
mod markets;
mod order_groups;
mod orders_legacy;
mod orders_v2;
mod portfolio;

use std::sync::Arc;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::Method;
use axum::middleware;
use axum::routing::{delete, get, post, put};
use kmm_kalshi::wire::ErrorBody;

use super::AppState;
use super::error::ApiError;

/// An error reply with a code and details; the message is the code in words.
pub(crate) fn api_error(status: u16, code: &str, details: impl Into<String>) -> ApiError {
    ApiError { status, body: ErrorBody::new(code, code.replace('_', " "), Some(details.into())) }
}

/// Routes below `/trade-api/v2`, behind the gate (which needs the state to authenticate).
pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let public = Router::new()
        .route("/exchange/status", get(exchange::status))
        .route("/exchange/schedule", get(exchange::schedule))
        .route("/exchange/user_data_timestamp", get(exchange::user_data_timestamp))
        .route("/markets", get(markets::list))
        .route("/markets/trades", get(markets::trades))
        .route("/markets/orderbooks", get(markets::orderbooks))
        .route("/markets/{ticker}", get(markets::one))
        .route("/markets/{ticker}/orderbook", get(markets::orderbook))
        .route("/events", get(markets::events))
        .route("/events/{event_ticker}", get(markets::event))
        .route("/series", get(markets::series_list))
        .route("/series/{series_ticker}", get(markets::series))
        .route("/account/endpoint_costs", get(account::endpoint_costs));
    let private = Router::new()
        .route("/account/limits", get(account::limits))
        .route("/portfolio/balance", get(portfolio::balance))
        .route("/portfolio/positions", get(portfolio::positions))
        .route("/portfolio/fills", get(portfolio::fills))
        .route("/portfolio/settlements", get(portfolio::settlements))
        .route("/portfolio/summary/total_resting_order_value", get(portfolio::resting_order_value))
        .route("/portfolio/orders", get(portfolio::orders).post(orders_legacy::create))
        .route("/portfolio/orders/queue_positions", get(portfolio::queue_positions))
        .route("/portfolio/orders/batched", post(orders_legacy::batch_create).delete(orders_legacy::batch_cancel))
        .route("/portfolio/orders/{order_id}", get(portfolio::order).delete(orders_legacy::cancel))
        .route("/portfolio/orders/{order_id}/queue_position", get(portfolio::queue_position))
        .route("/portfolio/orders/{order_id}/amend", post(orders_legacy::amend))
        .route("/portfolio/orders/{order_id}/decrease", post(orders_legacy::decrease))
        .route("/portfolio/events/orders", post(orders_v2::create).delete(orders_v2::cancel_all))
        .route("/portfolio/events/orders/batched", post(orders_v2::batch_create).delete(orders_v2::batch_cancel))
        .route("/portfolio/events/orders/{order_id}", delete(orders_v2::cancel))
        .route("/portfolio/events/orders/{order_id}/amend", post(orders_v2::amend))
        .route("/portfolio/events/orders/{order_id}/decrease", post(orders_v2::decrease))
        .route("/portfolio/order_groups", get(order_groups::list))
        .route("/portfolio/order_groups/create", post(order_groups::create))
        .route("/portfolio/order_groups/{id}", get(order_groups::one).delete(order_groups::delete))
        .route("/portfolio/order_groups/{id}/reset", put(order_groups::reset))
        .route("/portfolio/order_groups/{id}/trigger", put(order_groups::trigger))
        .route("/portfolio/order_groups/{id}/limit", put(order_groups::set_limit));
    public.merge(private).route_layer(middleware::from_fn_with_state(state, guard::guard))
}

/// Routes below `/sim`: the simulator's admin API (faults, market lifecycle, consistency).
pub fn admin_router() -> Router<Arc<AppState>> {
    admin::router()
}

/// The reply to a path no route matches: Kalshi's 404 body.
pub async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("no route for {method} {}", uri.path()))
}

/// The reply to a known path with the wrong method: a Kalshi-shaped 405.
pub async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    api_error(405, "method_not_allowed", format!("{method} is not allowed on {}", uri.path()))
}
