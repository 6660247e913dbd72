//! App-level commands.

use super::CoreState;
use crate::dto::AppInfo;

/// The app's version and active environment.
#[tauri::command]
#[specta::specta]
pub fn app_info(core: CoreState<'_>) -> AppInfo {
    core.app_info()
}
