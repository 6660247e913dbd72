//! Commands that drive the engine: quoting on/off and the kill switch.

use super::CoreState;
use crate::error::IpcError;

/// Starts quoting.
#[tauri::command]
#[specta::specta]
pub async fn start_quoting(core: CoreState<'_>) -> Result<(), IpcError> {
    core.start_quoting().await
}

/// Stops quoting and cancels our resting orders (books keep updating).
#[tauri::command]
#[specta::specta]
pub async fn stop_quoting(core: CoreState<'_>) -> Result<(), IpcError> {
    core.stop_quoting().await
}

/// Engages the kill switch: halts trading and cancels every order until a person resets it.
/// The same function as the tray's and the shortcut's kill switch. Returns the cancels sent.
#[tauri::command]
#[specta::specta]
pub async fn kill_switch(core: CoreState<'_>, reason: String) -> Result<u32, IpcError> {
    core.kill_switch(&reason).await
}

/// Releases the kill switch; `by` names the person (required).
#[tauri::command]
#[specta::specta]
pub async fn reset_kill_switch(core: CoreState<'_>, by: String) -> Result<(), IpcError> {
    core.reset_kill_switch(&by).await
}
