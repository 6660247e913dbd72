//! Commands for the strategy and risk settings and the environment.

use super::CoreState;
use crate::dto::{Environment, SettingsDto};
use crate::error::IpcError;

/// The editable settings.
#[tauri::command]
#[specta::specta]
pub fn get_settings(core: CoreState<'_>) -> SettingsDto {
    core.settings()
}

/// Validates the settings (per-field errors keyed by their camelCase names), applies them to
/// the running engine and saves them.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(core: CoreState<'_>, settings: SettingsDto) -> Result<(), IpcError> {
    core.save_settings(settings).await
}

/// Shuts the current engine down with its verified sweep and starts `environment`.
/// Production needs `confirmProduction: true` (else `ConfirmationRequired`); demo and
/// production need a key in the keychain.
#[tauri::command]
#[specta::specta]
pub async fn switch_environment(
    core: CoreState<'_>,
    environment: Environment,
    confirm_production: bool,
) -> Result<(), IpcError> {
    core.inner().clone().switch_environment(environment, confirm_production).await
}
