//! Kalshi's WebSocket API over the exchange's event stream.

use std::sync::Arc;

use axum::Router;

use super::AppState;

/// The `/trade-api/ws/v2` route.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
}
