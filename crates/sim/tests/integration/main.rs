//! Integration tests of the simulator, one binary: matching invariants (proptest), the
//! synthetic flow, and the REST and WebSocket servers on 127.0.0.1 driven by the real
//! Kalshi clients (Rust and Kalshi's official Python SDK).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod flow;
mod invariants;
mod server;
mod ws;
