//! Kalshi's REST error bodies.
//!
//! * A normal error wraps the details: `{"error": {"code": "bad_request", "message": "bad request",
//!   "details": "invalid status filter"}}` (captured from production, HTTP 400).
//! * The rate-limit reply (HTTP 429) carries a bare string: `{"error": "too many requests"}`.
//! * Batch items carry the *flat* form `{code, message, details}` (all optional) as their
//!   `error`: that is [`ErrorDetail`].
//!
//! [`ErrorBody`] parses both top-level shapes.

use serde::{Deserialize, Deserializer, Serialize};

/// The flat error object: a batch item's `error`, and the inside of [`ErrorBody`].
/// Every field is optional, as in the SDK's `ErrorResponse` model.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `invalid_order`, `bad_request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable message, e.g. `"invalid order"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Extra explanation. A non-string value is kept as its JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "details_text")]
    pub details: Option<String>,
}

impl ErrorDetail {
    /// A detail with a code and a message (what the simulator emits).
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: Some(code.into()), message: Some(message.into()), details: None }
    }

    /// The same detail with `details` set.
    #[must_use]
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }
}

/// Reads `details` as a string whatever JSON it holds (`null` is `None`).
fn details_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

/// What the top-level `error` key holds: the detail object, or (rate limit) a bare message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorPayload {
    /// `{"code", "message", "details"}`.
    Detail(ErrorDetail),
    /// A bare string, e.g. `"too many requests"`.
    Message(String),
}

/// A REST error body, either shape: `{"error": {code, message, details}}` or `{"error": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorPayload,
}

impl ErrorBody {
    /// The body Kalshi sends with HTTP 429.
    pub const TOO_MANY_REQUESTS: &'static str = "too many requests";

    /// A wrapped error body (what the simulator emits for a 4xx/5xx).
    pub fn new(code: impl Into<String>, message: impl Into<String>, details: Option<String>) -> Self {
        Self {
            error: ErrorPayload::Detail(ErrorDetail {
                code: Some(code.into()),
                message: Some(message.into()),
                details,
            }),
        }
    }

    /// The HTTP 429 body, `{"error": "too many requests"}`.
    pub fn rate_limited() -> Self {
        Self { error: ErrorPayload::Message(Self::TOO_MANY_REQUESTS.to_owned()) }
    }

    /// The error code, when the body has one.
    pub fn code(&self) -> Option<&str> {
        match &self.error {
            ErrorPayload::Detail(d) => d.code.as_deref(),
            ErrorPayload::Message(_) => None,
        }
    }

    /// The message: the detail's `message`, or the bare string.
    pub fn message(&self) -> Option<&str> {
        match &self.error {
            ErrorPayload::Detail(d) => d.message.as_deref(),
            ErrorPayload::Message(m) => Some(m),
        }
    }

    /// The details, when given.
    pub fn details(&self) -> Option<&str> {
        match &self.error {
            ErrorPayload::Detail(d) => d.details.as_deref(),
            ErrorPayload::Message(_) => None,
        }
    }

    /// True for the rate-limit body (`{"error": "too many requests"}`).
    pub fn is_rate_limited(&self) -> bool {
        matches!(&self.error, ErrorPayload::Message(m) if m.eq_ignore_ascii_case(Self::TOO_MANY_REQUESTS))
    }

    /// `(code, message, details)` for [`crate::Error::Api`]: code `"unknown"` when absent,
    /// message falling back to the code (or `"unknown error"`).
    pub fn into_parts(self) -> (String, String, Option<String>) {
        match self.error {
            ErrorPayload::Detail(d) => {
                let message = d.message.or_else(|| d.code.clone()).unwrap_or_else(|| "unknown error".to_owned());
                (d.code.unwrap_or_else(|| "unknown".to_owned()), message, d.details)
            }
            ErrorPayload::Message(m) => ("unknown".to_owned(), m, None),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn both_shapes_parse() {
        let wrapped: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"invalid_order","message":"invalid order","details":"x"}}"#)
                .unwrap();
        assert_eq!(wrapped.code(), Some("invalid_order"));
        assert_eq!(wrapped.details(), Some("x"));
        let limited: ErrorBody = serde_json::from_str(r#"{"error":"too many requests"}"#).unwrap();
        assert!(limited.is_rate_limited());
        assert_eq!(limited.into_parts(), ("unknown".into(), "too many requests".into(), None));
        let odd: ErrorBody = serde_json::from_str(r#"{"error":{"details":{"field":"price"}}}"#).unwrap();
        assert_eq!(odd.details(), Some(r#"{"field":"price"}"#));
        assert_eq!(odd.into_parts().0, "unknown");
    }
}
