//! The engine end to end over real sockets: the runner against the simulator's REST and
//! WebSocket servers on 127.0.0.1 with synthetic flow (paper trading exactly as users run it),
//! with and without injected faults, and the kill switch.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod paper;
