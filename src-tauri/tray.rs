//! The tray icon: its picture reflects trading (active, halted, disconnected), a status line
//! and the tooltip show net P&L and open positions, and the menu reaches the kill switch even
//! when the window is hidden. The menu's engine actions call the same [`Core`] functions as the
//! UI's commands ([`run_engine_item`]).

use std::sync::Arc;

use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::dto::{ConnectionDto, DashboardDto, Environment, TradingStateDto};
use crate::error::IpcError;
use crate::state::Core;

/// The tray icon's id.
pub const TRAY_ID: &str = "main";
/// The reason the tray's kill switch gives.
pub const KILL_REASON: &str = "kill switch from the tray menu";

/// Every tray menu entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayItem {
    /// The status line (P&L, positions); not clickable.
    Status,
    /// Engage the kill switch.
    KillSwitch,
    /// Start quoting.
    StartQuoting,
    /// Stop quoting.
    StopQuoting,
    /// Show or hide the main window.
    ToggleWindow,
    /// Cancel everything and quit.
    Quit,
}

impl TrayItem {
    /// Every item, in menu order.
    pub const ALL: [TrayItem; 6] = [
        TrayItem::Status,
        TrayItem::KillSwitch,
        TrayItem::StartQuoting,
        TrayItem::StopQuoting,
        TrayItem::ToggleWindow,
        TrayItem::Quit,
    ];

    /// The menu id.
    pub const fn id(self) -> &'static str {
        match self {
            TrayItem::Status => "status",
            TrayItem::KillSwitch => "kill-switch",
            TrayItem::StartQuoting => "start-quoting",
            TrayItem::StopQuoting => "stop-quoting",
            TrayItem::ToggleWindow => "toggle-window",
            TrayItem::Quit => "quit",
        }
    }

    /// The item with menu id `id`.
    pub fn from_id(id: &str) -> Option<TrayItem> {
        TrayItem::ALL.into_iter().find(|item| item.id() == id)
    }

    fn label(self) -> &'static str {
        match self {
            TrayItem::Status => "Starting…",
            TrayItem::KillSwitch => "Kill switch (cancel all)",
            TrayItem::StartQuoting => "Start quoting",
            TrayItem::StopQuoting => "Stop quoting",
            TrayItem::ToggleWindow => "Hide window",
            TrayItem::Quit => "Quit (cancel all orders)",
        }
    }
}

/// What the tray icon shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayState {
    /// Quoting, connected, within limits.
    Active,
    /// Not quoting: halted by the kill switch or a limit, or stopped.
    Halted,
    /// No exchange feed (or no engine).
    Disconnected,
}

/// The tray's icon and texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayStatus {
    /// The icon.
    pub state: TrayState,
    /// One line for the menu's status entry.
    pub summary: String,
    /// The tooltip.
    pub tooltip: String,
}

impl TrayStatus {
    /// No engine running.
    pub fn stopped() -> Self {
        Self {
            state: TrayState::Disconnected,
            summary: "Engine stopped".to_owned(),
            tooltip: "Kalshi MM: engine stopped".to_owned(),
        }
    }

    /// The tray for a dashboard snapshot.
    pub fn from_dashboard(dashboard: &DashboardDto) -> Self {
        let state = if dashboard.connection != ConnectionDto::Connected {
            TrayState::Disconnected
        } else if dashboard.risk.state == TradingStateDto::Halted || !dashboard.quoting {
            TrayState::Halted
        } else {
            TrayState::Active
        };
        let positions = dashboard.markets.iter().filter(|m| m.position.trim_start_matches('-') != "0.00").count();
        let environment = match dashboard.environment {
            Environment::Paper => "Paper",
            Environment::Demo => "Demo",
            Environment::Production => "PRODUCTION",
        };
        let doing = match state {
            TrayState::Active => "quoting",
            TrayState::Halted if dashboard.risk.kill_switch => "HALTED",
            TrayState::Halted => "not quoting",
            TrayState::Disconnected => "disconnected",
        };
        let plural = if positions == 1 { "" } else { "s" };
        let summary = format!("Net P&L ${} · {positions} position{plural}", dashboard.net_pnl);
        Self { state, tooltip: format!("Kalshi MM ({environment}, {doing})\n{summary}"), summary }
    }

    fn icon(&self) -> &'static [u8] {
        match self.state {
            TrayState::Active => include_bytes!("../icons/tray/active.png"),
            TrayState::Halted => include_bytes!("../icons/tray/halted.png"),
            TrayState::Disconnected => include_bytes!("../icons/tray/disconnected.png"),
        }
    }
}

/// Runs the engine side of a tray item: the kill switch (returning its cancels) and
/// start/stop quoting, through the same [`Core`] functions the UI's commands use. `None` for
/// the items that only concern the window or the app.
pub async fn run_engine_item(core: &Core, item: TrayItem) -> Option<Result<u32, IpcError>> {
    match item {
        TrayItem::KillSwitch => Some(core.kill_switch(KILL_REASON).await),
        TrayItem::StartQuoting => Some(core.start_quoting().await.map(|()| 0)),
        TrayItem::StopQuoting => Some(core.stop_quoting().await.map(|()| 0)),
        TrayItem::Status | TrayItem::ToggleWindow | TrayItem::Quit => None,
    }
}

/// The menu entries whose text changes.
struct TrayMenu {
    status: MenuItem<Wry>,
    toggle: MenuItem<Wry>,
}

/// Builds the tray icon and its menu.
pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let item = |item: TrayItem| MenuItem::with_id(app, item.id(), item.label(), item != TrayItem::Status, None::<&str>);
    let status = item(TrayItem::Status)?;
    let toggle = item(TrayItem::ToggleWindow)?;
    let menu = Menu::with_items(
        app,
        &[
            &status,
            &PredefinedMenuItem::separator(app)?,
            &item(TrayItem::KillSwitch)?,
            &item(TrayItem::StartQuoting)?,
            &item(TrayItem::StopQuoting)?,
            &PredefinedMenuItem::separator(app)?,
            &toggle,
            &item(TrayItem::Quit)?,
        ],
    )?;
    let initial = TrayStatus::stopped();
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(initial.icon())?)
        .tooltip(&initial.tooltip)
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| match TrayItem::from_id(event.id().as_ref()) {
            Some(item) => on_item(app, item),
            None => tracing::warn!(id = ?event.id(), "unknown tray menu item"),
        })
        .build(app)?;
    app.manage(TrayMenu { status, toggle });
    Ok(())
}

fn on_item(app: &AppHandle, item: TrayItem) {
    match item {
        TrayItem::ToggleWindow => toggle_window(app),
        TrayItem::Quit => crate::shell::quit(app),
        TrayItem::Status => {}
        engine => {
            let core = app.state::<Arc<Core>>().inner().clone();
            tauri::async_runtime::spawn(async move {
                if let Some(Err(error)) = run_engine_item(&core, engine).await {
                    core.log("error", format!("tray {engine:?} failed: {error}"));
                }
            });
        }
    }
}

/// Shows the main window (focused) if hidden, hides it otherwise.
pub fn toggle_window(app: &AppHandle) {
    let Some(window) = app.get_webview_window("main") else { return };
    if window.is_visible().unwrap_or(false) {
        let _ = window.hide();
    } else {
        show_window(app);
    }
    sync_toggle_label(app);
}

/// Shows and focuses the main window.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    sync_toggle_label(app);
}

/// "Show window" or "Hide window", as the window is.
pub fn sync_toggle_label(app: &AppHandle) {
    let visible = app.get_webview_window("main").and_then(|w| w.is_visible().ok()).unwrap_or(false);
    if let Some(menu) = app.try_state::<TrayMenu>() {
        let _ = menu.toggle.set_text(if visible { "Hide window" } else { "Show window" });
    }
}

/// Shows `status` on the tray.
pub fn apply(app: &AppHandle, status: &TrayStatus) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        if let Ok(icon) = Image::from_bytes(status.icon()) {
            let _ = tray.set_icon(Some(icon));
        }
        let _ = tray.set_tooltip(Some(&status.tooltip));
    }
    if let Some(menu) = app.try_state::<TrayMenu>() {
        let _ = menu.status.set_text(&status.summary);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::RiskDto;

    fn dashboard(connection: ConnectionDto, quoting: bool, state: TradingStateDto) -> DashboardDto {
        DashboardDto {
            environment: Environment::Paper,
            quoting,
            connection,
            feed_age_ms: None,
            uptime_s: 1.0,
            markets: Vec::new(),
            orders: Vec::new(),
            risk: RiskDto {
                state,
                reason: None,
                kill_switch: state == TradingStateDto::Halted,
                daily_loss_limit: "50.000000".into(),
                pnl: "1.250000".into(),
                max_position: "100.00".into(),
                largest_position: "0.00".into(),
                max_open_orders: 100,
                open_orders: 0,
                denials: 0,
            },
            realized: "0.000000".into(),
            net_pnl: "1.250000".into(),
            fees: "0.000000".into(),
            fills: 0,
        }
    }

    #[test]
    fn items_round_trip_through_their_ids() {
        for item in TrayItem::ALL {
            assert_eq!(TrayItem::from_id(item.id()), Some(item));
        }
        assert_eq!(TrayItem::from_id("nope"), None);
    }

    #[test]
    fn the_icon_follows_the_trading_state() {
        let icon = |c, q, s| TrayStatus::from_dashboard(&dashboard(c, q, s)).state;
        assert_eq!(icon(ConnectionDto::Connected, true, TradingStateDto::Active), TrayState::Active);
        assert_eq!(icon(ConnectionDto::Connected, true, TradingStateDto::Reducing), TrayState::Active);
        assert_eq!(icon(ConnectionDto::Connected, true, TradingStateDto::Halted), TrayState::Halted);
        assert_eq!(icon(ConnectionDto::Connected, false, TradingStateDto::Active), TrayState::Halted);
        assert_eq!(icon(ConnectionDto::Connecting, true, TradingStateDto::Active), TrayState::Disconnected);
        let status = TrayStatus::from_dashboard(&dashboard(ConnectionDto::Connected, true, TradingStateDto::Halted));
        assert!(status.tooltip.contains("HALTED"), "{}", status.tooltip);
        assert!(status.tooltip.contains("Net P&L $1.250000 · 0 positions"), "{}", status.tooltip);
    }
}
