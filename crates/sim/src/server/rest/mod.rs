//! Kalshi's REST endpoints over the exchange.

use std::sync::Arc;

use axum::Router;

use super::AppState;

/// Routes below `/trade-api/v2`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
}
