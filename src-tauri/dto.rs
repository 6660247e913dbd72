//! UI-facing types, exported to TypeScript by specta.

use serde::Serialize;
use specta::Type;

/// Which exchange the app trades on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// The local simulator: no real money.
    Paper,
    /// Kalshi's demo exchange.
    Demo,
    /// Kalshi's production exchange: real money.
    Production,
}

/// What the UI shows in its header and status bar.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The app's version.
    pub version: String,
    /// The active environment.
    pub environment: Environment,
}
