//! The WebSocket side: frame types, per-subscription sequence tracking and the client.
//!
//! * [`messages`]: typed frames ([`Frame`]) and commands ([`Command`]), serialised in
//!   Kalshi's exact shapes so the simulator can emit and parse them too.
//! * [`seq`]: per-`sid` sequence checking ([`SeqTracker`]).
//! * [`client`]: the reconnecting, resubscribing client ([`WsClient`], [`WsEvent`]).

pub mod client;
pub mod messages;
pub mod seq;
mod task;

pub use client::{Backoff, DisconnectReason, Subscription, SubscriptionId, WsClient, WsConfig, WsEvent};
pub use messages::{Channel, Command, CommandBody, Frame, OkMsg, UpdateAction};
pub use seq::{SeqCheck, SeqTracker};

/// `tracing` filter directives every front end must add to its log filter, whatever level the
/// user asks for: at `trace`, tungstenite prints the WebSocket upgrade request verbatim, and
/// with it the `KALSHI-ACCESS-SIGNATURE` header (replayable until its timestamp expires).
pub const LOG_REDACTIONS: &[&str] = &["tungstenite::handshake::client=debug"];
