//! The Tauri shell of the Kalshi market maker: adapters between the UI and the engine only;
//! no trading logic lives here. On startup it trades the configured environment when the
//! keychain has its key, and paper (the built-in simulator) otherwise.
//!
//! Depends on the engine, the simulator (paper mode), the secrets store and the Kalshi client;
//! nothing depends on it.

pub mod bindings;
pub mod commands;
pub mod convert;
pub mod dto;
pub mod error;
pub mod events;
pub mod feed;
pub mod keys;
pub mod notify;
pub mod session;
pub mod settings;
pub mod shell;
pub mod state;
pub mod tray;

use std::sync::Arc;

use tauri::Manager;
use tracing_subscriber::EnvFilter;

use crate::settings::SettingsFile;
use crate::state::Core;

/// Starts the desktop app and blocks until it exits.
pub fn run() {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Whatever level is asked for, never log the WebSocket upgrade (it carries the signature).
    for directive in kmm_kalshi::ws::LOG_REDACTIONS {
        if let Ok(directive) = directive.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();

    let builder = bindings::builder();
    let window_state = tauri_plugin_window_state::Builder::new()
        // A window hidden to the tray must not come back hidden.
        .with_state_flags(tauri_plugin_window_state::StateFlags::all() - tauri_plugin_window_state::StateFlags::VISIBLE)
        .build();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| tray::show_window(app)))
        .plugin(tauri_plugin_notification::init())
        .plugin(window_state)
        .invoke_handler(builder.invoke_handler())
        .on_window_event(shell::on_window_event)
        .setup(move |app| {
            builder.mount_events(app);
            let config_dir = app.path().app_config_dir()?;
            let (core, inputs) = Core::new(kmm_secrets::KeyStore::default(), SettingsFile::in_dir(&config_dir));
            core.set_sink(Arc::new(shell::AppSink::new(app.handle().clone())));
            app.manage(core.clone());
            tray::build(app.handle())?;
            shell::register_kill_shortcut(app.handle());
            shell::quit_on_signals(app.handle());
            tauri::async_runtime::spawn(events::run_bridge(core.clone(), inputs));
            tauri::async_runtime::spawn(async move { core.startup().await });
            tracing::info!(version = env!("CARGO_PKG_VERSION"), config = %config_dir.display(), "desktop app started");
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(shell::on_run_event),
        Err(error) => {
            tracing::error!(%error, "desktop app failed");
            std::process::exit(1);
        }
    }
}
