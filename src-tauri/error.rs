//! The one error type every command returns; the UI switches on `kind`, never on text.

use serde::Serialize;
use specta::Type;

/// A field that failed validation, for display next to the input.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The settings field (camelCase, as in `SettingsDto`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Why a command failed.
#[derive(Debug, Clone, Serialize, Type, thiserror::Error)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum IpcError {
    /// Input was refused; each bad field is listed.
    #[error("invalid input")]
    Validation {
        /// The bad fields.
        fields: Vec<FieldError>,
    },
    /// The engine is not running (starting up, or stopped).
    #[error("the engine is not running")]
    NotRunning,
    /// The engine refused or failed the request.
    #[error("{message}")]
    Engine {
        /// What happened.
        message: String,
    },
    /// The OS keychain failed or refused.
    #[error("{message}")]
    Keychain {
        /// What happened (never key material).
        message: String,
    },
    /// A dangerous action needs an explicit confirmation first.
    #[error("{message}")]
    ConfirmationRequired {
        /// What must be confirmed.
        message: String,
    },
}
