//! Commands for API keys in the OS keychain. The UI can store, delete and ask which key ids
//! exist; it can never read a key back. Keychain calls are blocking, so they run off the
//! async workers.

use super::CoreState;
use crate::dto::{Environment, KeyStatusDto};
use crate::error::IpcError;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, IpcError> + Send + 'static) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| IpcError::Keychain { message: e.to_string() })?
}

/// Which environments have a key (key ids only).
#[tauri::command]
#[specta::specta]
pub async fn key_status(core: CoreState<'_>) -> Result<KeyStatusDto, IpcError> {
    let core = core.inner().clone();
    blocking(move || core.key_status()).await
}

/// Stores the private key in `pemPath` for `environment` under `keyId`; deletes the file
/// afterwards when `deleteFile` is set. Errors name the field (`environment`, `keyId`,
/// `pemPath`) and never contain key text.
#[tauri::command]
#[specta::specta]
pub async fn import_key(
    core: CoreState<'_>,
    environment: Environment,
    key_id: String,
    pem_path: String,
    delete_file: bool,
) -> Result<(), IpcError> {
    let core = core.inner().clone();
    blocking(move || core.import_key(environment, &key_id, &pem_path, delete_file)).await
}

/// Deletes the stored key of `environment`.
#[tauri::command]
#[specta::specta]
pub async fn delete_key(core: CoreState<'_>, environment: Environment) -> Result<(), IpcError> {
    let core = core.inner().clone();
    blocking(move || core.delete_key(environment)).await
}
