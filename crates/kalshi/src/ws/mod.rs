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
