//! The simulator's own controls under `/sim` (no Kalshi equivalent, unauthenticated, answered
//! only to loopback peers): fault settings, market close/settle/pause/resume, and a
//! consistency check of books, orders and money.
//!
//! * `GET /sim/faults` → the [`FaultConfig`]; `PUT /sim/faults` replaces it (missing fields
//!   take their defaults; a rate outside [0, 1] is a 400).
//! * `POST /sim/markets/{ticker}/close|pause|resume` → `{"market": Market}`.
//! * `POST /sim/markets/{ticker}/settle` with `{"result": "yes"|"no"}` (or
//!   `{"result": "scalar", "value": "0.2500"}`) → `{"market": Market}`.
//! * `GET /sim/consistency` → 200 `{"consistent": true, "ledger": {...}}`, or 500 naming the
//!   broken invariant.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kmm_kalshi::wire::GetMarketResponse;
use kmm_model::{MarketTicker, Price};
use serde::{Deserialize, Serialize};

use super::extract::JsonBody;
use super::{api_error, convert};
use crate::faults::FaultConfig;
use crate::market::SettlementResult;
use crate::server::error::ApiError;
use crate::server::{AppState, now_ms};
use crate::{Exchange, Ledger, SimError};

/// Routes below `/sim`.
pub(crate) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/faults", get(get_faults).put(put_faults))
        .route("/markets/{ticker}/close", post(close))
        .route("/markets/{ticker}/settle", post(settle))
        .route("/markets/{ticker}/pause", post(pause))
        .route("/markets/{ticker}/resume", post(resume))
        .route("/consistency", get(consistency))
        .route_layer(middleware::from_fn(loopback_only))
}

/// Refuses peers that are not on this machine.
async fn loopback_only(req: Request, next: Next) -> Response {
    match req.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(peer)) if !peer.ip().is_loopback() => {
            api_error(403, "forbidden", "the /sim admin API only answers loopback clients").into_response()
        }
        _ => next.run(req).await,
    }
}

async fn get_faults(State(state): State<Arc<AppState>>) -> Json<FaultConfig> {
    Json(state.faults.get())
}

async fn put_faults(
    State(state): State<Arc<AppState>>,
    JsonBody(config): JsonBody<FaultConfig>,
) -> Result<Json<FaultConfig>, ApiError> {
    state.faults.set(config).map_err(ApiError::bad_request)?;
    tracing::info!(faults = ?state.faults.get(), "fault settings changed");
    Ok(Json(state.faults.get()))
}

/// Runs an admin command on a market and answers the market afterwards.
fn on_market(
    state: &AppState,
    ticker: String,
    command: impl FnOnce(&mut Exchange, &MarketTicker, i64) -> Result<(), SimError>,
) -> Result<Json<GetMarketResponse>, ApiError> {
    let ticker = MarketTicker::new(ticker);
    let now = now_ms();
    state.mutate(|ex| {
        command(ex, &ticker, now)?;
        let info = ex.market_info(&ticker)?;
        let market = convert::market(&info, ex.trades(&ticker)?, now);
        Ok(Json(GetMarketResponse { market }))
    })
}

async fn close(
    State(state): State<Arc<AppState>>,
    Path(ticker): Path<String>,
) -> Result<Json<GetMarketResponse>, ApiError> {
    on_market(&state, ticker, |ex, t, now| ex.close_market(t, now))
}

async fn pause(
    State(state): State<Arc<AppState>>,
    Path(ticker): Path<String>,
) -> Result<Json<GetMarketResponse>, ApiError> {
    on_market(&state, ticker, |ex, t, now| ex.pause_trading(t, now))
}

async fn resume(
    State(state): State<Arc<AppState>>,
    Path(ticker): Path<String>,
) -> Result<Json<GetMarketResponse>, ApiError> {
    on_market(&state, ticker, |ex, t, now| ex.resume_trading(t, now))
}

/// Body of `POST /sim/markets/{ticker}/settle`.
#[derive(Debug, Deserialize)]
struct SettleBody {
    /// `yes`, `no` or `scalar`.
    result: String,
    /// YES payout of a scalar result.
    #[serde(default)]
    value: Option<Price>,
}

async fn settle(
    State(state): State<Arc<AppState>>,
    Path(ticker): Path<String>,
    JsonBody(body): JsonBody<SettleBody>,
) -> Result<Json<GetMarketResponse>, ApiError> {
    let result = match (body.result.as_str(), body.value) {
        ("yes", None) => SettlementResult::Yes,
        ("no", None) => SettlementResult::No,
        ("scalar", Some(value)) => SettlementResult::Scalar(value),
        _ => {
            return Err(ApiError::bad_request(
                "result must be \"yes\" or \"no\", or \"scalar\" with a \"value\" such as \"0.2500\"",
            ));
        }
    };
    on_market(&state, ticker, |ex, t, now| ex.settle_market(t, result, now))
}

/// Reply of `GET /sim/consistency`.
#[derive(Debug, Serialize)]
struct Consistency {
    consistent: bool,
    ledger: Ledger,
}

async fn consistency(State(state): State<Arc<AppState>>) -> Result<Json<Consistency>, ApiError> {
    let (books, ledger) = state.read(|ex| (ex.check_consistency(), ex.ledger()));
    books.map_err(|e| api_error(500, "inconsistent", format!("books and orders disagree: {e}")))?;
    if !ledger.is_balanced() {
        return Err(api_error(500, "inconsistent", format!("money was created or lost: {ledger:?}")));
    }
    Ok(Json(Consistency { consistent: true, ledger }))
}
