//! Thin commands the UI invokes, one module per area. Each converts its arguments, calls one
//! [`Core`](crate::state::Core) method (the same ones the tray and shortcut use) and returns
//! its DTO or [`IpcError`](crate::error::IpcError).

pub mod app;
pub mod credentials;
pub mod engine;
pub mod markets;
pub mod settings;

/// The app's state as commands receive it.
pub type CoreState<'a> = tauri::State<'a, std::sync::Arc<crate::state::Core>>;
