//! Where the exchange is: production, demo, or any Kalshi-compatible URL (the simulator).

use std::fmt;

use crate::error::{Error, Result};

/// Production REST base.
pub const PRODUCTION_REST: &str = "https://api.elections.kalshi.com/trade-api/v2";
/// Production WebSocket URL.
pub const PRODUCTION_WS: &str = "wss://api.elections.kalshi.com/trade-api/ws/v2";
/// Demo REST base.
pub const DEMO_REST: &str = "https://demo-api.kalshi.co/trade-api/v2";
/// Demo WebSocket URL.
pub const DEMO_WS: &str = "wss://demo-api.kalshi.co/trade-api/ws/v2";

/// Which exchange the user trades on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// The local simulator: no real money, no key needed.
    Paper,
    /// Kalshi's demo exchange (demo keys only).
    Demo,
    /// Kalshi's production exchange: real money.
    Production,
}

impl Environment {
    /// The lowercase name (`paper`, `demo`, `production`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Environment::Paper => "paper",
            Environment::Demo => "demo",
            Environment::Production => "production",
        }
    }

    /// Kalshi's endpoints for demo and production; `None` for paper (the simulator's
    /// address is only known once it runs).
    pub fn endpoints(self) -> Option<Endpoints> {
        match self {
            Environment::Paper => None,
            Environment::Demo => Some(Endpoints::demo()),
            Environment::Production => Some(Endpoints::production()),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for Environment {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "paper" => Ok(Environment::Paper),
            "demo" => Ok(Environment::Demo),
            "production" | "prod" => Ok(Environment::Production),
            other => Err(Error::Config(format!("unknown environment {other:?}: use paper, demo or production"))),
        }
    }
}

/// The REST base and WebSocket URL of one exchange.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoints {
    rest_base: String,
    ws_url: String,
    rest_path: String,
    ws_path: String,
}

impl Endpoints {
    /// Kalshi production (real money).
    pub fn production() -> Self {
        Self::parse_known(PRODUCTION_REST, PRODUCTION_WS)
    }

    /// Kalshi demo.
    pub fn demo() -> Self {
        Self::parse_known(DEMO_REST, DEMO_WS)
    }

    fn parse_known(rest: &str, ws: &str) -> Self {
        // The constants above are valid by construction; this split cannot fail on them.
        Self {
            rest_base: rest.to_owned(),
            ws_url: ws.to_owned(),
            rest_path: path_of(rest).unwrap_or_default(),
            ws_path: path_of(ws).unwrap_or_default(),
        }
    }

    /// Any Kalshi-compatible exchange, e.g. `http://127.0.0.1:8080/trade-api/v2` and
    /// `ws://127.0.0.1:8080/trade-api/ws/v2`.
    pub fn custom(rest_base: &str, ws_url: &str) -> Result<Self> {
        let rest_base = rest_base.trim_end_matches('/');
        if !(rest_base.starts_with("http://") || rest_base.starts_with("https://")) {
            return Err(Error::Config(format!("REST base must be an http(s) URL, got {rest_base:?}")));
        }
        if !(ws_url.starts_with("ws://") || ws_url.starts_with("wss://")) {
            return Err(Error::Config(format!("WebSocket URL must be a ws(s) URL, got {ws_url:?}")));
        }
        let rest_path = path_of(rest_base).ok_or_else(|| Error::Config(format!("no host in {rest_base:?}")))?;
        let ws_path = path_of(ws_url).ok_or_else(|| Error::Config(format!("no host in {ws_url:?}")))?;
        Ok(Self { rest_base: rest_base.to_owned(), ws_url: ws_url.to_owned(), rest_path, ws_path })
    }

    /// The REST base URL, without a trailing slash.
    pub fn rest_base(&self) -> &str {
        &self.rest_base
    }

    /// The WebSocket URL.
    pub fn ws_url(&self) -> &str {
        &self.ws_url
    }

    /// The path part of the REST base (`/trade-api/v2`), the prefix of every signed path.
    pub fn rest_path(&self) -> &str {
        &self.rest_path
    }

    /// The path of the WebSocket URL (`/trade-api/ws/v2`), signed on the handshake.
    pub fn ws_path(&self) -> &str {
        &self.ws_path
    }

    /// True for Kalshi's production hosts.
    pub fn is_production(&self) -> bool {
        self.rest_base.contains("api.elections.kalshi.com") || self.rest_base.contains("external-api.kalshi.com")
    }
}

impl fmt::Debug for Endpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoints({} | {})", self.rest_base, self.ws_url)
    }
}

/// The path of an absolute URL (`scheme://host[:port]/path?query` → `/path`).
fn path_of(url: &str) -> Option<String> {
    let after_scheme = url.split_once("://")?.1;
    if after_scheme.is_empty() || after_scheme.starts_with('/') {
        return None;
    }
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("");
    Some(path.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn paths_are_extracted_for_signing() {
        let e =
            Endpoints::custom("http://127.0.0.1:9000/trade-api/v2/", "ws://127.0.0.1:9000/trade-api/ws/v2").unwrap();
        assert_eq!(e.rest_base(), "http://127.0.0.1:9000/trade-api/v2");
        assert_eq!(e.rest_path(), "/trade-api/v2");
        assert_eq!(e.ws_path(), "/trade-api/ws/v2");
        assert!(!e.is_production());
        assert!(Endpoints::production().is_production());
        assert_eq!(Endpoints::demo().ws_path(), "/trade-api/ws/v2");
    }

    #[test]
    fn environments_parse_and_name_their_endpoints() {
        assert_eq!("PROD".parse::<Environment>().unwrap(), Environment::Production);
        assert_eq!("paper".parse::<Environment>().unwrap().endpoints(), None);
        assert!(Environment::Production.endpoints().unwrap().is_production());
        assert!(!Environment::Demo.endpoints().unwrap().is_production());
        assert!(matches!("live".parse::<Environment>(), Err(Error::Config(_))));
    }

    #[test]
    fn bad_urls_are_config_errors() {
        assert!(matches!(Endpoints::custom("127.0.0.1:9000", "ws://x/y"), Err(Error::Config(_))));
        assert!(matches!(Endpoints::custom("http://x/trade-api/v2", "http://x/ws"), Err(Error::Config(_))));
        assert!(matches!(Endpoints::custom("http:///nohost", "ws://x/ws"), Err(Error::Config(_))));
    }
}
