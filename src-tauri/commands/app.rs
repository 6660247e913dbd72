//! App-level commands.

use crate::dto::{AppInfo, Environment};

/// The app's version and active environment.
#[tauri::command]
#[specta::specta]
pub fn app_info() -> AppInfo {
    AppInfo { version: env!("CARGO_PKG_VERSION").to_owned(), environment: Environment::Paper }
}
