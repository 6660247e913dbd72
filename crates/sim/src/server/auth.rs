//! Kalshi request authentication: the three `KALSHI-ACCESS-*` headers, a signature over
//! `timestamp + METHOD + path` verified with the key's registered public key, and a bound on
//! clock skew so a captured request cannot be replayed later.

use axum::http::{HeaderMap, Method};
use kmm_kalshi::signer::{HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP};

use super::error::ApiError;
use super::{ApiKey, AppState, now_ms};

/// Checks a request's credentials and returns the key it was signed with.
///
/// `path` is the request path as received (query excluded), e.g. `/trade-api/v2/portfolio/balance`.
pub fn authenticate<'a>(
    state: &'a AppState,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<&'a ApiKey, ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(key_id), Some(timestamp), Some(signature)) =
        (header(HEADER_KEY), header(HEADER_TIMESTAMP), header(HEADER_SIGNATURE))
    else {
        return Err(ApiError::unauthorized(
            "missing KALSHI-ACCESS-KEY, KALSHI-ACCESS-TIMESTAMP or KALSHI-ACCESS-SIGNATURE",
        ));
    };
    let key = state.key(key_id).ok_or_else(|| ApiError::unauthorized("unknown API key"))?;
    let ts: i64 = timestamp.parse().map_err(|_| ApiError::unauthorized("timestamp must be Unix milliseconds"))?;
    if (now_ms() - ts).abs() > state.max_clock_skew_ms {
        return Err(ApiError::unauthorized("timestamp outside the accepted window"));
    }
    key.public_key
        .verify_request(timestamp, method.as_str(), path, signature)
        .map_err(|_| ApiError::unauthorized("invalid signature"))?;
    Ok(key)
}
