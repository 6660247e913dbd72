//! The request core shared by every endpoint.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::{Method, StatusCode, header::HeaderMap};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::env::Endpoints;
use crate::error::{Error, Result};
use crate::ratelimit::{Bucket, RateLimiter, Tier};
use crate::signer::Signer;
use crate::wire::error_body::ErrorBody;

/// When and how often to retry.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, including the first.
    pub max_attempts: u32,
    /// First back-off; doubled each retry.
    pub base_delay: Duration,
    /// Longest back-off.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 4, base_delay: Duration::from_millis(200), max_delay: Duration::from_secs(5) }
    }
}

impl RetryPolicy {
    fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// How to build a [`RestClient`].
#[derive(Debug, Clone)]
pub struct RestConfig {
    /// Where the exchange is.
    pub endpoints: Endpoints,
    /// Rate-limit tier of the key.
    pub tier: Tier,
    /// Retry behaviour.
    pub retry: RetryPolicy,
    /// Whole-request timeout.
    pub timeout: Duration,
}

impl RestConfig {
    /// Defaults for an exchange: Basic tier, 4 attempts, 15 s timeout.
    pub fn new(endpoints: Endpoints) -> Self {
        Self { endpoints, tier: Tier::BASIC, retry: RetryPolicy::default(), timeout: Duration::from_secs(15) }
    }
}

/// One request's description.
pub(crate) struct Call {
    pub method: Method,
    /// Path below the REST base, e.g. `/portfolio/orders`.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    /// Needs the signed headers.
    pub private: bool,
    pub bucket: Bucket,
    pub cost: u32,
    /// Safe to resend after a 5xx or a transport error (reads and cancels).
    pub idempotent: bool,
}

impl Call {
    pub(crate) fn get(path: impl Into<String>) -> Self {
        Call {
            method: Method::GET,
            path: path.into(),
            query: Vec::new(),
            body: None,
            private: false,
            bucket: Bucket::Read,
            cost: crate::ratelimit::DEFAULT_COST,
            idempotent: true,
        }
    }

    pub(crate) fn write(method: Method, path: impl Into<String>) -> Self {
        Call {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            private: true,
            bucket: Bucket::Write,
            cost: crate::ratelimit::DEFAULT_COST,
            idempotent: false,
        }
    }

    pub(crate) fn private(mut self) -> Self {
        self.private = true;
        self
    }

    pub(crate) fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    pub(crate) fn cost(mut self, cost: u32) -> Self {
        self.cost = cost;
        self
    }

    pub(crate) fn query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    pub(crate) fn query_opt(self, key: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    pub(crate) fn json<B: Serialize>(mut self, body: &B) -> Result<Self> {
        self.body = Some(serde_json::to_vec(body).map_err(|e| Error::decode("request body", e))?);
        Ok(self)
    }
}

/// A Kalshi REST client. Cheap to clone; clones share the connection pool and rate limiter.
#[derive(Clone)]
pub struct RestClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoints: Endpoints,
    signer: Option<Signer>,
    limiter: RateLimiter,
    retry: RetryPolicy,
}

impl std::fmt::Debug for RestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClient")
            .field("endpoints", &self.inner.endpoints)
            .field("signer", &self.inner.signer)
            .finish_non_exhaustive()
    }
}

impl RestClient {
    /// A client; without a signer only public endpoints work.
    pub fn new(config: RestConfig, signer: Option<Signer>) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("kalshi-mm/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                endpoints: config.endpoints,
                signer,
                limiter: RateLimiter::new(config.tier),
                retry: config.retry,
            }),
        })
    }

    /// Where this client sends requests.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// True when requests are signed.
    pub fn has_signer(&self) -> bool {
        self.inner.signer.is_some()
    }

    /// Sends `call`, retrying what is safe to retry, and decodes a JSON answer.
    pub(crate) async fn send<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let bytes = self.send_raw(&call).await?;
        let body: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
        serde_json::from_slice(body).map_err(|e| Error::decode(format!("{} {}", call.method, call.path), e))
    }

    async fn send_raw(&self, call: &Call) -> Result<Vec<u8>> {
        let inner = &self.inner;
        let mut attempt = 0;
        loop {
            attempt += 1;
            inner.limiter.acquire(call.bucket, call.cost).await;
            let outcome = self.send_once(call).await;
            let retry_after = match &outcome {
                Ok(_) => return outcome,
                Err(Error::RateLimited { retry_after }) => {
                    Some(retry_after.unwrap_or_else(|| inner.retry.delay(attempt)))
                }
                Err(e) if call.idempotent && e.is_retryable() => Some(inner.retry.delay(attempt)),
                Err(_) => None,
            };
            match retry_after {
                Some(delay) if attempt < inner.retry.max_attempts => {
                    tracing::warn!(method = %call.method, path = %call.path, attempt, ?delay, error = %outcome.as_ref().err().map(ToString::to_string).unwrap_or_default(), "retrying request");
                    tokio::time::sleep(delay).await;
                }
                _ => return outcome,
            }
        }
    }

    async fn send_once(&self, call: &Call) -> Result<Vec<u8>> {
        let inner = &self.inner;
        let url = format!("{}{}", inner.endpoints.rest_base(), call.path);
        let mut request = inner.http.request(call.method.clone(), &url);
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if let Some(body) = &call.body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
        }
        if call.private {
            let signer = inner
                .signer
                .as_ref()
                .ok_or_else(|| Error::Config(format!("{} needs an API key; none is configured", call.path)))?;
            let signed_path = format!("{}{}", inner.endpoints.rest_path(), call.path);
            let headers = signer.headers(now_ms(), call.method.as_str(), &signed_path)?;
            for (name, value) in headers.pairs() {
                request = request.header(name, value);
            }
        }
        let response = request.send().await.map_err(|e| Error::Transport(describe_transport(&e)))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(|e| Error::Transport(describe_transport(&e)))?.to_vec();
        if status.is_success() {
            return Ok(bytes);
        }
        Err(error_from(status, retry_after, &bytes))
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A transport error's description without the URL's query (which never holds secrets, but
/// keeps log lines short) and without any header.
fn describe_transport(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "broken response body"
    } else {
        "request failed"
    };
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(error);
    let mut root = String::new();
    while let Some(s) = source {
        root = s.to_string();
        source = s.source();
    }
    let host =
        error.url().and_then(|u| u.host_str().map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0))));
    match (host, root.is_empty()) {
        (Some(h), false) => format!("{kind} ({h}): {root}"),
        (Some(h), true) => format!("{kind} ({h})"),
        (None, false) => format!("{kind}: {root}"),
        (None, true) => kind.to_owned(),
    }
}

fn error_from(status: StatusCode, retry_after: Option<Duration>, body: &[u8]) -> Error {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Error::RateLimited { retry_after };
    }
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    let (code, message, details) = match parsed {
        Some(body) => body.into_parts(),
        None => {
            let text = String::from_utf8_lossy(body);
            let snippet: String = text.chars().take(200).collect();
            ("unknown".to_owned(), if snippet.is_empty() { status.to_string() } else { snippet }, None)
        }
    };
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return Error::Auth { status: status.as_u16(), message };
    }
    Error::Api { status: status.as_u16(), code, message, details }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p =
            RetryPolicy { max_attempts: 10, base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1) };
        assert_eq!(p.delay(1), Duration::from_millis(100));
        assert_eq!(p.delay(2), Duration::from_millis(200));
        assert_eq!(p.delay(4), Duration::from_millis(800));
        assert_eq!(p.delay(5), Duration::from_secs(1));
        assert_eq!(p.delay(60), Duration::from_secs(1));
    }

    #[test]
    fn error_bodies_map_to_typed_errors() {
        let body = br#"{"error":{"code":"invalid_order","message":"invalid order","details":"bad tick"}}"#;
        match error_from(StatusCode::BAD_REQUEST, None, body) {
            Error::Api { status: 400, code, details: Some(d), .. } => {
                assert_eq!(code, "invalid_order");
                assert_eq!(d, "bad tick");
            }
            other => panic!("expected Api error, got {other:?}"),
        }
        assert!(matches!(
            error_from(StatusCode::TOO_MANY_REQUESTS, Some(Duration::from_secs(2)), br#"{"error":"too many requests"}"#),
            Error::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(2)
        ));
        assert!(matches!(error_from(StatusCode::UNAUTHORIZED, None, b""), Error::Auth { status: 401, .. }));
        assert!(matches!(error_from(StatusCode::BAD_GATEWAY, None, b"<html>"), Error::Api { status: 502, .. }));
    }
}
