//! The simulator's WebSocket server (`/trade-api/ws/v2`) on 127.0.0.1:0, driven by raw
//! tokio-tungstenite clients and by the real `kmm_kalshi::WsClient`.
//!
//! * `protocol`: the signed handshake (401 before upgrading), command replies, `seq` of
//!   acks, `update_subscription` (add/delete markets, get_snapshot), `unsubscribe`,
//!   `list_subscriptions` and Kalshi's error codes;
//! * `book`: snapshots equal to the REST book, deltas for every change, the own-order
//!   `client_order_id`, frame shapes equal to the captured Kalshi frames, and a property test
//!   that snapshot + deltas rebuild the exchange's book after any sequence of orders, cancels,
//!   amends and decreases, with no `seq` gap;
//! * `private`: fills, positions and order updates go only to their owner, fills with
//!   the captured shape, the right sides and the exchange's fees; tickers, trades, lifecycle;
//! * `faults`: seq gaps recovered by the real client, dropped connections re-established,
//!   duplicates seen as stale, heartbeat pings, pongs, and the lag policy.
//!
//! Every wait is bounded, so a bug fails a test instead of hanging it.

mod book;
mod faults;
mod live;
mod private;
mod protocol;
mod support;
