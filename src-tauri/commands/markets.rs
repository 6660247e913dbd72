//! Commands that read the live picture (dashboard, books, fills, P&L, logs) and choose markets.

use super::CoreState;
use crate::dto::{BookDto, DashboardDto, FillDto, LogDto, PnlPoint};
use crate::error::IpcError;

/// A dashboard snapshot now (the `DashboardEvent` brings one 4 times a second).
#[tauri::command]
#[specta::specta]
pub async fn dashboard(core: CoreState<'_>) -> Result<DashboardDto, IpcError> {
    core.dashboard().await
}

/// The latest book of a market (empty and not live until one arrives).
#[tauri::command]
#[specta::specta]
pub async fn book(core: CoreState<'_>, ticker: String) -> Result<BookDto, IpcError> {
    core.book(&ticker).await
}

/// Recent fills of this session, newest first (at most 500).
#[tauri::command]
#[specta::specta]
pub fn fills(core: CoreState<'_>) -> Result<Vec<FillDto>, IpcError> {
    Ok(core.feed().fills())
}

/// Net P&L of this session, one point a second, oldest first (at most an hour).
#[tauri::command]
#[specta::specta]
pub fn pnl_history(core: CoreState<'_>) -> Result<Vec<PnlPoint>, IpcError> {
    Ok(core.feed().pnl())
}

/// Recent log lines, newest first (at most 1000).
#[tauri::command]
#[specta::specta]
pub fn logs(core: CoreState<'_>) -> Result<Vec<LogDto>, IpcError> {
    Ok(core.feed().logs())
}

/// Starts following and quoting a market.
#[tauri::command]
#[specta::specta]
pub async fn add_market(core: CoreState<'_>, ticker: String) -> Result<(), IpcError> {
    core.add_market(&ticker).await
}

/// Stops quoting a market (its orders are canceled).
#[tauri::command]
#[specta::specta]
pub async fn remove_market(core: CoreState<'_>, ticker: String) -> Result<(), IpcError> {
    core.remove_market(&ticker).await
}
