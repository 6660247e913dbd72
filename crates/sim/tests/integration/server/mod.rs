//! The harness: a simulator with five markets and three users (alice signs with RSA, bob and
//! carol with Ed25519), clients for them, and raw HTTP helpers for what the client hides
//! (status codes, content types, hand-made requests). The RSA key is generated once per
//! test binary.

mod admin;
mod app;
mod client;
mod failures;
mod sdk;
mod shapes;

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use kmm_kalshi::ratelimit::Tier;
use kmm_kalshi::rest::RetryPolicy;
use kmm_kalshi::signer::{GeneratedKey, KeyKind, generate_ed25519_pem, generate_rsa_pem};
use kmm_kalshi::{RestClient, RestConfig, Signer};
use kmm_model::{FeeSchedule, Money, Price, Qty};
use kmm_sim::server::app::SimServer;
use kmm_sim::server::{ApiKey, SimConfig, now_ms};
use kmm_sim::{Exchange, MarketConfig, UserId};
use reqwest::Method;
use serde_json::Value;

/// The market most tests trade.
pub const TICKER: &str = "KXSIM-26JAN01-T50";
/// Its event and series.
pub const EVENT: &str = "KXSIM-26JAN01";
pub const SERIES: &str = "KXSIM";

/// `(ticker, event, series)` of every listed market, in ticker order.
pub const MARKETS: [(&str, &str, &str); 5] = [
    ("KXOTHER-26JAN01-A", "KXOTHER-26JAN01", "KXOTHER"),
    ("KXSIM-26JAN01-T50", EVENT, SERIES),
    ("KXSIM-26JAN01-T60", EVENT, SERIES),
    ("KXSIM-26JAN01-T70", EVENT, SERIES),
    ("KXSIM-26JAN02-T50", "KXSIM-26JAN02", SERIES),
];

/// Users and their key kinds.
pub const USERS: [(&str, KeyKind); 3] =
    [("alice", KeyKind::Rsa), ("bob", KeyKind::Ed25519), ("carol", KeyKind::Ed25519)];

/// The one RSA key pair of this test binary.
pub fn rsa_key() -> &'static GeneratedKey {
    static RSA: OnceLock<GeneratedKey> = OnceLock::new();
    RSA.get_or_init(|| generate_rsa_pem(2048).expect("RSA key generation"))
}

/// A key for `name`: id `key-<name>`, RSA (shared pair) or a fresh Ed25519 pair.
pub fn key(name: &str, kind: KeyKind) -> (ApiKey, Signer) {
    let pem = match kind {
        KeyKind::Rsa => rsa_key().private_pem.clone(),
        KeyKind::Ed25519 => generate_ed25519_pem().unwrap().private_pem,
    };
    let signer = Signer::from_pem(format!("key-{name}"), &pem).unwrap();
    let key = ApiKey { key_id: signer.key_id().to_owned(), public_key: signer.public_key(), user: UserId::new(name) };
    (key, signer)
}

/// A running simulator and its users' signers.
pub struct Sim {
    pub server: SimServer,
    pub signers: HashMap<&'static str, Signer>,
    http: reqwest::Client,
}

/// A raw HTTP answer.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub content_type: Option<String>,
    pub text: String,
}

impl Raw {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// The `error.code` of a Kalshi error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
    }
}

/// Every market's configuration (binary, linear cent, default fees, open now).
pub fn market_configs() -> Vec<MarketConfig> {
    MARKETS.iter().map(|(t, e, s)| MarketConfig::binary(t, e, s)).collect()
}

/// Starts a simulator with the five markets and three users; `tweak` adjusts the config.
pub async fn start(tweak: impl FnOnce(&mut SimConfig)) -> Sim {
    start_with(market_configs(), tweak).await
}

/// Starts a simulator listing `markets`.
pub async fn start_with(markets: Vec<MarketConfig>, tweak: impl FnOnce(&mut SimConfig)) -> Sim {
    let mut keys = Vec::new();
    let mut signers = HashMap::new();
    for (name, kind) in USERS {
        let (key, signer) = key(name, kind);
        keys.push(key);
        signers.insert(name, signer);
    }
    let mut config = SimConfig::new(keys);
    tweak(&mut config);
    let mut exchange = Exchange::new();
    for market in markets {
        exchange.add_market(market, now_ms()).unwrap();
    }
    let server = SimServer::start(config, exchange).await.unwrap();
    Sim { server, signers, http: reqwest::Client::new() }
}

/// One attempt, no waiting: failures surface at once.
pub fn no_retry() -> RetryPolicy {
    RetryPolicy { max_attempts: 1, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(1) }
}

impl Sim {
    /// A client for `name` (PRIME client-side tier so the client never waits; one attempt).
    pub fn client(&self, name: &str) -> RestClient {
        self.client_with(Some(name), no_retry())
    }

    /// An unsigned client.
    pub fn public(&self) -> RestClient {
        self.client_with(None, no_retry())
    }

    /// A client with a retry policy.
    pub fn client_with(&self, name: Option<&str>, retry: RetryPolicy) -> RestClient {
        let signer = name.map(|n| self.signers.get(n).unwrap_or_else(|| panic!("no user {n}")).clone());
        let config = RestConfig {
            endpoints: self.server.endpoints(),
            tier: Tier::PRIME,
            retry,
            timeout: Duration::from_secs(10),
        };
        RestClient::new(config, signer).unwrap()
    }

    /// A request below the REST base, signed by `user` (when given) at `ts_ms` (now when None).
    pub async fn raw_at(
        &self,
        user: Option<&Signer>,
        ts_ms: Option<u64>,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> Raw {
        let url = format!("{}{path}", self.server.rest_url());
        let mut request = self.http.request(method.clone(), &url);
        if let Some(signer) = user {
            let signed_path = format!("/trade-api/v2{}", path.split('?').next().unwrap_or(path));
            let ts = ts_ms.unwrap_or_else(|| u64::try_from(now_ms()).unwrap());
            for (name, value) in signer.headers(ts, method.as_str(), &signed_path).unwrap().pairs() {
                request = request.header(name, value);
            }
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_owned());
        }
        into_raw(request.send().await.unwrap()).await
    }

    /// A request signed now by user `name` (or unsigned when `None`).
    pub async fn raw(&self, name: Option<&str>, method: Method, path: &str, body: Option<&str>) -> Raw {
        let signer = name.map(|n| self.signers.get(n).unwrap().clone());
        self.raw_at(signer.as_ref(), None, method, path, body).await
    }

    /// A request to the admin API (`path` below `/sim`).
    pub async fn admin(&self, method: Method, path: &str, body: Option<&str>) -> Raw {
        let mut request = self.http.request(method, format!("{}{path}", self.server.admin_url()));
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_owned());
        }
        into_raw(request.send().await.unwrap()).await
    }

    /// A request to any path of the server (for routes outside the REST base).
    pub async fn raw_url(&self, method: Method, path: &str) -> Raw {
        let url = format!("http://{}{path}", self.server.addr());
        into_raw(self.http.request(method, url).send().await.unwrap()).await
    }
}

async fn into_raw(response: reqwest::Response) -> Raw {
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(ToOwned::to_owned);
    let text = response.text().await.unwrap();
    Raw { status, content_type, text }
}

/// Whole contracts.
pub fn qty(contracts: i64) -> Qty {
    Qty::from_contracts(contracts).unwrap()
}

/// A price in cents.
pub fn cents(c: i64) -> Price {
    Price::from_cents(c).unwrap()
}

/// A dollar amount from its string.
pub fn money(s: &str) -> Money {
    s.parse().unwrap()
}

/// `a − b`.
pub fn sub(a: Money, b: Money) -> Money {
    a.checked_sub(b).unwrap()
}

/// `a + b`.
pub fn add(a: Money, b: Money) -> Money {
    a.checked_add(b).unwrap()
}

/// `price × count`.
pub fn notional(price: Price, count: Qty) -> Money {
    Money::notional(price, count).unwrap()
}

/// The default (quadratic with maker fees, ×1) fee of one fill.
pub fn fee(count: Qty, price: Price, taker: bool) -> Money {
    FeeSchedule::default().fee(count, price, taker).unwrap()
}

/// The starting balance of every user ($10 000).
pub fn start_balance() -> Money {
    money("10000")
}
