//! The Tauri shell of the Kalshi market maker: adapters between the UI and the engine only;
//! no trading logic lives here.

pub mod bindings;
pub mod commands;
pub mod dto;

use tracing_subscriber::EnvFilter;

/// Starts the desktop app and blocks until it exits.
pub fn run() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .try_init();

    let builder = bindings::builder();
    let result = tauri::Builder::default()
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "desktop app started");
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "desktop app failed");
        std::process::exit(1);
    }
}
