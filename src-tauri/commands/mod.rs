//! Thin async commands the UI invokes, one module per area.

pub mod app;
