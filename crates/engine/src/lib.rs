//! The market-making engine: live books, quoting, risk, order tracking and portfolio.
//!
//! The core (`book_sync`, `quoting`, `risk`, `oms`, `portfolio`) is sans-IO and
//! deterministic: plain structs fed events, with time passed in as Unix milliseconds from a
//! [`clock::Clock`]. Async code lives only in the runner. Depends on `kmm-model` and
//! `kmm-kalshi`; never on a front end (Tauri, CLI) and never on the simulator except through
//! the exchange port.

pub mod book_sync;
pub mod clock;
pub mod intent;
pub mod oms;
pub mod portfolio;
pub mod quoting;
pub mod risk;
pub mod runner;
pub mod venue;
