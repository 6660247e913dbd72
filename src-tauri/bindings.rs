//! The tauri-specta builder: every command and event the UI can use, and the TypeScript export.

use tauri_specta::{Builder, collect_commands, collect_events};

use crate::commands::{app, credentials, engine, markets, settings};
use crate::events::{BookEvent, DashboardEvent, FillEvent, KillSwitchEvent, LogEvent};

/// Where the generated TypeScript bindings live, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

/// The specta builder shared by the app and the bindings test.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        // One TypeScript type per DTO: the DTOs have no serde attributes that differ by
        // direction, so the phase split would only add `_Serialize`/`_Deserialize` twins.
        .disable_serde_phases()
        .commands(collect_commands![
            app::app_info,
            markets::dashboard,
            markets::book,
            markets::fills,
            markets::pnl_history,
            markets::logs,
            markets::add_market,
            markets::remove_market,
            engine::start_quoting,
            engine::stop_quoting,
            engine::kill_switch,
            engine::reset_kill_switch,
            settings::get_settings,
            settings::save_settings,
            settings::switch_environment,
            credentials::key_status,
            credentials::import_key,
            credentials::delete_key,
        ])
        .events(collect_events![DashboardEvent, BookEvent, FillEvent, LogEvent, KillSwitchEvent])
}

/// Renders the TypeScript bindings.
pub fn export_to(path: &std::path::Path) -> Result<(), specta_typescript::Error> {
    builder().export(specta_typescript::Typescript::default().header("// @ts-nocheck\n/* eslint-disable */"), path)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// Writes `ui/src/lib/bindings.ts` and fails when the committed file was stale, so CI
    /// catches a Rust type change that was not carried to the UI.
    #[test]
    fn bindings_are_current() -> Result<(), Box<dyn std::error::Error>> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let path = root.join(super::BINDINGS_PATH);
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        super::export_to(&path)?;
        let after = std::fs::read_to_string(&path)?;
        for name in ["appInfo", "killSwitch", "switchEnvironment", "importKey", "dashboardEvent", "bookEvent"] {
            assert!(after.contains(name), "bindings must expose {name}");
        }
        assert!(
            before == after || std::env::var_os("CI").is_none(),
            "ui/src/lib/bindings.ts was stale; it has been regenerated: commit it"
        );
        Ok(())
    }
}
