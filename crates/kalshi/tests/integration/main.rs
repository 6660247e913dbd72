//! Integration tests of the Kalshi wire layer, one binary: golden fixtures from real Kalshi
//! payloads, and the REST and WebSocket clients against real servers on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod rest_client;
mod wire_golden;
mod ws_client;
mod ws_golden;
