//! Kalshi's WebSocket API (`/trade-api/ws/v2`) over the exchange's event stream.
//!
//! **Handshake**: the upgrade request must carry Kalshi's three `KALSHI-ACCESS-*` headers,
//! signed over `timestamp + "GET" + "/trade-api/ws/v2"`; anything else is refused with 401
//! before upgrading. The key's user is the connection's user for private channels.
//!
//! **Commands** (`commands.rs`): `subscribe`, `unsubscribe`, `update_subscription`
//! (`add_markets`, `delete_markets`, `get_snapshot`) and `list_subscriptions`, with Kalshi's
//! replies (`subscribed` per channel, `unsubscribed` with `sid`/`seq`, `ok` with `sid`, `seq` and
//! the sorted `market_tickers`) and error codes 1–8 and 11–16.
//!
//! **Channels** (`session.rs`, `frames.rs`): `orderbook_delta` (market filter required;
//! `orderbook_snapshot` per market, then `orderbook_delta` per book change, one `seq` counter
//! per sid shared with the `ok`/`unsubscribed` acks), `ticker`/`ticker_v2` (coalesced: sent when
//! the top of book, last trade, volume or open interest changed), `trade`, and the private
//! `fill`, `market_positions`, `user_orders` and `order_group_updates` (only the connection
//! user's events), and `market_lifecycle_v2` (all markets). A delta caused by the connection
//! user's own order carries its `client_order_id` and `subaccount`.
//!
//! **Heartbeat**: a Ping with payload `heartbeat` every [`WsOptions::heartbeat_interval`]
//! (10 s, as Kalshi); client pings are answered.
//!
//! **Faults** (`AppState::faults`): every data frame may skip a `seq` (order-book frames) or be
//! sent twice; every frame may be delayed; every [`WsOptions::fault_check_interval`] the
//! connection may be dropped without a close frame.
//!
//! **Lag policy**: each session reads its own broadcast receiver, so a slow client never
//! blocks the exchange. If the receiver overflows (`Lagged`), a session with a private
//! subscription is closed (code 1011): fills cannot be replayed, and the client reconnects,
//! resubscribes and reconciles over REST. A session with only public subscriptions gets a
//! fresh snapshot of every subscribed book, numbered on from the subscription's `seq`, so it
//! never continues silently with a broken book.

mod commands;
mod connection;
mod frames;
mod session;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use frames::market_id;
use session::Session;

use super::{AppState, auth};

/// The WebSocket path, as signed on the handshake.
pub const WS_PATH: &str = "/trade-api/ws/v2";

/// Timing of the WebSocket server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsOptions {
    /// How often the server pings (`heartbeat` payload). Kalshi: 10 s.
    pub heartbeat_interval: Duration,
    /// How often the connection-drop fault is drawn (`ws_drop_per_sec` × this interval).
    pub fault_check_interval: Duration,
}

impl Default for WsOptions {
    fn default() -> Self {
        Self { heartbeat_interval: Duration::from_secs(10), fault_check_interval: Duration::from_millis(250) }
    }
}

/// The `/trade-api/ws/v2` route with the default [`WsOptions`].
pub fn router() -> Router<Arc<AppState>> {
    router_with(WsOptions::default())
}

/// The `/trade-api/ws/v2` route with `options` (tests use a short heartbeat).
pub fn router_with(options: WsOptions) -> Router<Arc<AppState>> {
    Router::new().route(
        WS_PATH,
        get(
            move |State(state): State<Arc<AppState>>,
                  headers: HeaderMap,
                  upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>| {
                let options = options.clone();
                async move { handshake(state, options, &headers, upgrade) }
            },
        ),
    )
}

/// Authenticates, then upgrades; an unauthenticated request gets 401 and no WebSocket.
fn handshake(
    state: Arc<AppState>,
    options: WsOptions,
    headers: &HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let user = match auth::authenticate(&state, &Method::GET, WS_PATH, headers) {
        Ok(key) => key.user.clone(),
        Err(error) => return error.into_response(),
    };
    match upgrade {
        Ok(upgrade) => upgrade.on_upgrade(move |socket| connection::run(socket, Session::new(state, user), options)),
        Err(rejection) => rejection.into_response(),
    }
}
