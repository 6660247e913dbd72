//! The desktop conventions around the engine: where the bridge's output goes in the app
//! (typed events, tray, native notifications), the kill-switch shortcut, hide-on-close, and
//! quitting only after the engine's verified shutdown sweep.

use std::sync::Arc;

use tauri::{AppHandle, Manager, RunEvent, WindowEvent};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, ShortcutState};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

use crate::dto::{BookDto, DashboardDto, FillDto, LogDto};
use crate::events::{BookEvent, DashboardEvent, FillEvent, KillSwitchEvent, LogEvent, UiSink};
use crate::notify::Notice;
use crate::state::Core;
use crate::tray::{self, TrayStatus};

/// The global shortcut that engages the kill switch.
pub const KILL_SHORTCUT: &str = "CmdOrCtrl+Shift+K";
/// The reason the shortcut's kill switch gives.
pub const SHORTCUT_REASON: &str = "kill switch from the keyboard shortcut";

/// The bridge's output in the running app.
pub struct AppSink {
    app: AppHandle,
}

impl AppSink {
    /// Output to `app`'s window, tray and notifications.
    pub fn new(app: AppHandle) -> Self {
        Self { app }
    }
}

impl UiSink for AppSink {
    fn dashboard(&self, dashboard: &DashboardDto) {
        let _ = DashboardEvent(dashboard.clone()).emit(&self.app);
    }

    fn book(&self, book: &BookDto) {
        let _ = BookEvent(book.clone()).emit(&self.app);
    }

    fn fill(&self, fill: &FillDto) {
        let _ = FillEvent(fill.clone()).emit(&self.app);
    }

    fn log(&self, log: &LogDto) {
        let _ = LogEvent(log.clone()).emit(&self.app);
    }

    fn kill_switch(&self, event: &KillSwitchEvent) {
        let _ = event.emit(&self.app);
    }

    fn tray(&self, status: &TrayStatus) {
        tray::apply(&self.app, status);
    }

    fn notify(&self, notice: &Notice) {
        if let Err(error) = self.app.notification().builder().title(&notice.title).body(&notice.body).show() {
            tracing::warn!(%error, kind = ?notice.kind, "notification not shown");
        }
    }
}

/// Registers the kill-switch shortcut. A desktop without global shortcuts (Wayland, a bare X
/// server) only loses the shortcut: the failure is logged, never fatal.
pub fn register_kill_shortcut(app: &AppHandle) {
    let plugin = tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state == ShortcutState::Pressed {
                let core = app.state::<Arc<Core>>().inner().clone();
                tauri::async_runtime::spawn(async move {
                    if let Err(error) = core.kill_switch(SHORTCUT_REASON).await {
                        core.log("error", format!("kill switch from the shortcut failed: {error}"));
                    }
                });
            }
        })
        .build();
    let result = app
        .plugin(plugin)
        .map_err(|e| e.to_string())
        .and_then(|()| app.global_shortcut().register(KILL_SHORTCUT).map_err(|e| e.to_string()));
    let core = app.state::<Arc<Core>>();
    match result {
        Ok(()) => core.log("info", format!("{KILL_SHORTCUT} engages the kill switch")),
        Err(error) => core.log("warn", format!("global shortcut {KILL_SHORTCUT} unavailable: {error}")),
    }
}

/// Closing the main window hides it: the engine and the tray's kill switch keep running.
pub fn on_window_event(window: &tauri::Window, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event
        && window.label() == "main"
    {
        api.prevent_close();
        let _ = window.hide();
        tray::sync_toggle_label(window.app_handle());
    }
}

/// Quits after the engine's shutdown sweep (stop quoting, cancel until the exchange confirms
/// none of our orders remain).
pub fn quit(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let core = app.state::<Arc<Core>>().inner().clone();
        core.log("info", "quitting: canceling all orders first".to_owned());
        core.shutdown().await;
        app.exit(0);
    });
}

/// Any exit request (the OS, Ctrl-C handlers, a last window) goes through [`quit`] first.
pub fn on_run_event(app: &AppHandle, event: RunEvent) {
    if let RunEvent::ExitRequested { api, .. } = event
        && !app.state::<Arc<Core>>().is_shut_down()
    {
        api.prevent_exit();
        quit(app);
    }
}

/// SIGINT and SIGTERM quit cleanly too (the sweep runs before the process ends).
pub fn quit_on_signals(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
                return;
            };
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        quit(&app);
    });
}
