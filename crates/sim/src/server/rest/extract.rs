//! Request parsing with Kalshi-shaped errors: JSON bodies, query strings, cursor pagination,
//! and the RFC 3339 timestamps responses carry.

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::server::error::ApiError;

/// A JSON request body. An empty body reads as `{}`; a body that does not parse is a 400
/// `bad_request` naming serde's reason (e.g. "missing field `ticker`").
#[derive(Debug, Clone)]
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(format!("unreadable request body: {}", e.body_text())))?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
        serde_json::from_slice(text).map(JsonBody).map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
    }
}

/// The query string as `(key, value)` pairs, percent-decoded, in order (repeated keys kept).
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Self::parse(parts.uri.query().unwrap_or("")))
    }
}

impl Params {
    /// Parses a raw query string.
    pub(crate) fn parse(query: &str) -> Self {
        Self(url::form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The first non-empty value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, v)| k == key && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, repeated keys and comma lists both split into items.
    pub(crate) fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// `key` parsed as `T`; a value that does not parse is a 400 naming the parameter.
    pub(crate) fn parsed<T: FromStr>(&self, key: &str) -> Result<Option<T>, ApiError> {
        self.get(key)
            .map(|v| v.parse::<T>().map_err(|_| ApiError::bad_request(format!("invalid {key}: {v:?}"))))
            .transpose()
    }

    /// A boolean flag (`true`/`false`), false when absent.
    pub(crate) fn flag(&self, key: &str) -> Result<bool, ApiError> {
        Ok(self.parsed::<bool>(key)?.unwrap_or(false))
    }

    /// The page size: `default` when absent or 0, at most `max`.
    pub(crate) fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.parsed::<i64>("limit")? {
            None | Some(0) => Ok(default),
            Some(n) if n > 0 && usize::try_from(n).is_ok_and(|n| n <= max) => Ok(usize::try_from(n).unwrap_or(max)),
            Some(n) => Err(ApiError::bad_request(format!("limit must be between 1 and {max}, got {n}"))),
        }
    }

    /// A Unix-seconds filter, as Unix milliseconds.
    pub(crate) fn seconds_as_ms(&self, key: &str) -> Result<Option<i64>, ApiError> {
        Ok(self.parsed::<i64>(key)?.map(|s| s.saturating_mul(1_000)))
    }

    /// Refuses a non-primary `subaccount` (the simulator has one account per user).
    pub(crate) fn primary_subaccount(&self) -> Result<(), ApiError> {
        match self.parsed::<i64>("subaccount")? {
            None | Some(0) => Ok(()),
            Some(n) => Err(ApiError::bad_request(format!("subaccount {n} does not exist (only 0, the primary)"))),
        }
    }
}

/// One page of `items` (already in response order) after the item whose key is `cursor`, and
/// the cursor of the next page (`""` on the last page). An unknown cursor is a 400.
pub(crate) fn paginate<T>(
    items: Vec<T>,
    limit: usize,
    cursor: Option<&str>,
    key: impl Fn(&T) -> &str,
) -> Result<(Vec<T>, String), ApiError> {
    let start = match cursor {
        None => 0,
        Some(c) => items
            .iter()
            .position(|t| key(t) == c)
            .map(|i| i + 1)
            .ok_or_else(|| ApiError::bad_request("invalid cursor"))?,
    };
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let next = if start + page.len() < total {
        page.last().map(|t| key(t).to_owned()).unwrap_or_default()
    } else {
        String::new()
    };
    Ok((page, next))
}

/// Unix milliseconds as RFC 3339 in UTC (`2026-07-01T02:19:16.097Z`).
pub(crate) fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn query_lists_and_numbers() {
        let p = Params::parse("tickers=A&tickers=B%2CC&limit=5&status=open&empty=&min_ts=10");
        assert_eq!(p.list("tickers"), ["A", "B", "C"]);
        assert_eq!(p.limit(100, 1000).unwrap(), 5);
        assert_eq!(p.get("empty"), None);
        assert_eq!(p.seconds_as_ms("min_ts").unwrap(), Some(10_000));
        assert!(Params::parse("limit=x").limit(100, 1000).is_err());
        assert!(Params::parse("limit=1001").limit(100, 1000).is_err());
        assert_eq!(Params::parse("limit=0").limit(100, 1000).unwrap(), 100);
        assert!(Params::parse("subaccount=3").primary_subaccount().is_err());
    }

    #[test]
    fn pages_follow_the_cursor_to_an_empty_one() {
        let items: Vec<String> = (0..5).map(|i| format!("k{i}")).collect();
        let (page, next) = paginate(items.clone(), 2, None, String::as_str).unwrap();
        assert_eq!((page.len(), next.as_str()), (2, "k1"));
        let (page, next) = paginate(items.clone(), 2, Some("k3"), String::as_str).unwrap();
        assert_eq!((page, next.as_str()), (vec!["k4".to_owned()], ""));
        let (page, next) = paginate(items.clone(), 5, None, String::as_str).unwrap();
        assert_eq!((page.len(), next.as_str()), (5, ""), "a full last page has no next cursor");
        assert!(paginate(items, 2, Some("nope"), String::as_str).is_err());
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600_123), "2026-01-01T00:00:00.123Z");
    }
}
