//! Kalshi-shaped error replies: `{"error": {"code", "message", "details"}}` with the status
//! Kalshi uses, and the bare `{"error": "too many requests"}` for 429.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kmm_kalshi::wire::ErrorBody;

use crate::SimError;

/// An error reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The body.
    pub body: ErrorBody,
}

impl ApiError {
    /// A reply with a code and message.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self { status, body: ErrorBody::new(code, message, None) }
    }

    /// 400 `bad_request` with details.
    pub fn bad_request(details: impl Into<String>) -> Self {
        Self { status: 400, body: ErrorBody::new("bad_request", "bad request", Some(details.into())) }
    }

    /// 401: missing or invalid credentials.
    pub fn unauthorized(details: impl Into<String>) -> Self {
        Self {
            status: 401,
            body: ErrorBody::new("authentication_error", "authentication failed", Some(details.into())),
        }
    }

    /// 404 for a path or object that does not exist.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self { status: 404, body: ErrorBody::new("not_found", "not found", Some(what.into())) }
    }

    /// 429, Kalshi's bare body.
    pub fn rate_limited() -> Self {
        Self { status: 429, body: ErrorBody::rate_limited() }
    }

    /// An injected or real server error.
    pub fn server_error(status: u16) -> Self {
        Self { status, body: ErrorBody::new("internal_server_error", "internal server error", None) }
    }
}

impl From<SimError> for ApiError {
    fn from(error: SimError) -> Self {
        Self {
            status: error.http_status(),
            body: ErrorBody::new(error.code(), error.code().replace('_', " "), Some(error.to_string())),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.body)).into_response()
    }
}
