//! The crate's one error type. Variants carry what a caller acts on; none carries a secret.

use std::time::Duration;

/// Everything that can go wrong talking to Kalshi (or a Kalshi-compatible exchange).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The exchange answered with an error body (`{"error": {"code", "message", "details"}}`).
    #[error("HTTP {status}: {code}: {message}{}", details.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Api {
        /// HTTP status.
        status: u16,
        /// Kalshi's error code, e.g. `invalid_order`; `"unknown"` when the body had none.
        code: String,
        /// Human-readable message.
        message: String,
        /// Extra details, when given.
        details: Option<String>,
    },
    /// HTTP 429: too many requests. `retry_after` is the server's hint when it sent one.
    #[error("rate limited by the exchange (retry after {retry_after:?})")]
    RateLimited {
        /// How long the server asked us to wait, if it said.
        retry_after: Option<Duration>,
    },
    /// HTTP 401/403: the key was refused (wrong key id, wrong private key, clock skew, revoked).
    #[error("authentication failed (HTTP {status}): {message}")]
    Auth {
        /// HTTP status.
        status: u16,
        /// The server's message.
        message: String,
    },
    /// The request could not be signed.
    #[error("signing failed: {0}")]
    Signer(#[from] crate::signer::SignerError),
    /// The request never got an HTTP answer: DNS, refused connection, TLS, timeout.
    #[error("transport error: {0}")]
    Transport(String),
    /// A body or frame could not be decoded into the expected shape.
    #[error("could not decode {context}: {message}")]
    Decode {
        /// What was being decoded (endpoint or frame type).
        context: String,
        /// The decoder's message (never the whole body).
        message: String,
    },
    /// A WebSocket failure: handshake refused, connection dropped, protocol error.
    #[error("websocket: {0}")]
    WebSocket(String),
    /// The exchange answered a WebSocket command with an error (`{"type":"error"}`).
    #[error("websocket command {id:?} failed: code {code}: {message}")]
    Command {
        /// The command id, if the error carried one.
        id: Option<u64>,
        /// Kalshi's numeric WebSocket error code.
        code: i64,
        /// Its message.
        message: String,
    },
    /// Bad client configuration (an invalid base URL, a missing key for a private call).
    #[error("configuration: {0}")]
    Config(String),
}

impl Error {
    /// True when retrying the same request later may succeed (429, 5xx, transport).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Transport(_) | Error::WebSocket(_) => true,
            Error::Api { status, .. } => *status >= 500,
            _ => false,
        }
    }

    pub(crate) fn decode(context: impl Into<String>, err: impl std::fmt::Display) -> Self {
        let mut message = err.to_string();
        message.truncate(300);
        Error::Decode { context: context.into(), message }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
