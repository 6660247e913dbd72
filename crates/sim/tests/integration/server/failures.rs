//! What goes wrong, and what the client sees: authentication failures (unsigned, unknown key,
//! wrong private key, stale timestamp, wrong signed path), rate limits, injected 429/5xx and
//! order rejections, post-only crosses, insufficient balance, malformed input, unknown routes.

use std::time::Duration;

use kmm_kalshi::ratelimit::Tier;
use kmm_kalshi::rest::{MarketsQuery, RetryPolicy};
use kmm_kalshi::signer::generate_ed25519_pem;
use kmm_kalshi::wire::CreateOrderV2Request;
use kmm_kalshi::{Error, RestClient, RestConfig, Signer};
use kmm_model::{MarketTicker, Money, Side};
use kmm_sim::faults::FaultConfig;
use reqwest::Method;

use super::*;

fn order(price: i64, count: i64) -> CreateOrderV2Request {
    CreateOrderV2Request::limit(MarketTicker::new(TICKER), Side::Bid, cents(price), qty(count))
}

fn client_for(sim: &Sim, signer: Signer) -> RestClient {
    let config = RestConfig {
        endpoints: sim.server.endpoints(),
        tier: Tier::PRIME,
        retry: no_retry(),
        timeout: Duration::from_secs(5),
    };
    RestClient::new(config, Some(signer)).unwrap()
}

fn assert_auth(result: Result<impl std::fmt::Debug, Error>, why: &str) {
    match result {
        Err(Error::Auth { status: 401, .. }) => {}
        other => panic!("{why}: expected a 401 auth error, got {other:?}"),
    }
}

fn assert_api(result: Result<impl std::fmt::Debug, Error>, status: u16, code: &str) {
    match result {
        Err(Error::Api { status: s, code: c, .. }) if s == status && c == code => {}
        other => panic!("expected HTTP {status} {code}, got {other:?}"),
    }
}

#[tokio::test]
async fn authentication_failures_are_401() {
    let sim = start(|_| {}).await;
    let unsigned = sim.raw(None, Method::GET, "/portfolio/balance", None).await;
    assert_eq!((unsigned.status, unsigned.code().as_str()), (401, "authentication_error"));
    assert_eq!(unsigned.content_type.as_deref(), Some("application/json"));

    let stranger = Signer::from_pem("key-nobody", &generate_ed25519_pem().unwrap().private_pem).unwrap();
    assert_auth(client_for(&sim, stranger).balance().await, "unknown key id");
    let impostor = Signer::from_pem("key-bob", &generate_ed25519_pem().unwrap().private_pem).unwrap();
    assert_auth(client_for(&sim, impostor).balance().await, "bob's key id with another private key");
    let rsa_as_bob = Signer::from_pem("key-bob", &rsa_key().private_pem).unwrap();
    assert_auth(client_for(&sim, rsa_as_bob).create_order(&order(30, 1)).await, "wrong key type");

    let alice = sim.signers["alice"].clone();
    let now = u64::try_from(now_ms()).unwrap();
    let stale = sim.raw_at(Some(&alice), Some(now - 120_000), Method::GET, "/portfolio/balance", None).await;
    assert_eq!(stale.status, 401, "a two-minute-old timestamp is refused: {}", stale.text);
    assert!(stale.text.contains("timestamp"), "{}", stale.text);
    let future = sim.raw_at(Some(&alice), Some(now + 120_000), Method::GET, "/portfolio/balance", None).await;
    assert_eq!(future.status, 401);
    let fresh = sim.raw_at(Some(&alice), Some(now - 5_000), Method::GET, "/portfolio/balance", None).await;
    assert_eq!(fresh.status, 200, "a few seconds of skew are fine");

    // Signed over the path without the /trade-api/v2 prefix: refused.
    let headers = alice.headers(now, "GET", "/portfolio/balance").unwrap();
    let mut request = reqwest::Client::new().get(format!("{}/portfolio/balance", sim.server.rest_url()));
    for (name, value) in headers.pairs() {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await.unwrap().status(), 401);
    // The query is not signed: the same signature works with any query.
    let with_query =
        sim.raw(Some("alice"), Method::GET, "/portfolio/positions?limit=5&settlement_status=all", None).await;
    assert_eq!(with_query.status, 200, "{}", with_query.text);
    // Public endpoints need no signature.
    assert!(sim.public().markets(&MarketsQuery::default()).await.is_ok());
    sim.server.shutdown().await;
}

#[tokio::test]
async fn rate_limits_answer_429_after_the_burst() {
    let tiny = Tier { read_per_sec: 1, read_capacity: 30, write_per_sec: 1, write_capacity: 40 };
    let sim = start(|c| c.tier = tiny).await;
    let alice = sim.client("alice");
    for i in 0..3 {
        alice.balance().await.unwrap_or_else(|e| panic!("read {i} fits the 30-token burst: {e}"));
    }
    assert!(matches!(alice.balance().await, Err(Error::RateLimited { .. })), "the fourth read exceeds the burst");
    let raw = sim.raw(Some("alice"), Method::GET, "/portfolio/balance", None).await;
    assert_eq!((raw.status, raw.json()), (429, serde_json::json!({"error": "too many requests"})));
    // Buckets are per key and per kind: bob reads, alice writes.
    sim.client("bob").balance().await.unwrap();
    alice.create_order(&order(30, 1)).await.unwrap();
    // A batch larger than the write bucket can never pass: 400, not an endless 429.
    let five = format!(r#"{{"orders":[{}]}}"#, vec![serde_json::to_string(&order(30, 1)).unwrap(); 5].join(","));
    let big = sim.raw(Some("carol"), Method::POST, "/portfolio/events/orders/batched", Some(&five)).await;
    assert_eq!((big.status, big.code().as_str()), (400, "bad_request"), "{}", big.text);
    // Public market data is not rate limited.
    for _ in 0..10 {
        sim.public().markets(&MarketsQuery::default()).await.unwrap();
    }
    sim.server.shutdown().await;
}

#[tokio::test]
async fn injected_faults_reach_the_client() {
    let sim = start(|c| c.faults = FaultConfig { http_429_rate: 1.0, ..FaultConfig::default() }).await;
    assert!(matches!(sim.public().exchange_status().await, Err(Error::RateLimited { .. })));
    let faults = &sim.server.state().faults;
    faults.set(FaultConfig { http_5xx_rate: 1.0, ..FaultConfig::default() }).unwrap();
    match sim.client("alice").balance().await {
        Err(Error::Api { status: 500 | 503, .. }) => {}
        other => panic!("expected an injected 5xx, got {other:?}"),
    }
    // Half the requests fail: a retrying client gets through.
    faults.set(FaultConfig { http_5xx_rate: 0.3, http_429_rate: 0.2, ..FaultConfig::default() }).unwrap();
    let patient =
        RetryPolicy { max_attempts: 30, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(2) };
    let client = sim.client_with(Some("alice"), patient);
    for _ in 0..10 {
        client.balance().await.unwrap();
        client.markets(&MarketsQuery::default()).await.unwrap();
    }

    faults.set(FaultConfig { reject_order_rate: 1.0, ..FaultConfig::default() }).unwrap();
    assert_api(sim.client("alice").create_order(&order(30, 1)).await, 400, "order_rejected");
    faults.set(FaultConfig { trading_paused: true, ..FaultConfig::default() }).unwrap();
    assert_api(sim.client("alice").create_order(&order(30, 1)).await, 400, "trading_paused");
    assert!(!sim.public().exchange_status().await.unwrap().trading_active);
    faults.set(FaultConfig::default()).unwrap();
    sim.client("alice").create_order(&order(30, 1)).await.unwrap();
    sim.server.shutdown().await;
}

#[tokio::test]
async fn order_rejections() {
    let sim = start(|c| c.starting_balance = Money::from_micros(5 * Money::SCALE)).await;
    let (alice, bob) = (sim.client("alice"), sim.client("bob"));
    alice.create_order(&order(40, 2)).await.unwrap();
    let mut cross = CreateOrderV2Request::limit(MarketTicker::new(TICKER), Side::Ask, cents(40), qty(1));
    cross.post_only = Some(true);
    assert_api(bob.create_order(&cross).await, 400, "post_only_cross");
    assert_api(bob.create_order(&order(50, 20)).await, 400, "insufficient_balance");
    assert_api(bob.create_order(&order(0, 1)).await, 400, "invalid_order");
    let mut fok = CreateOrderV2Request::limit(MarketTicker::new(TICKER), Side::Ask, cents(40), qty(5));
    fok.time_in_force = kmm_kalshi::wire::TimeInForce::FillOrKill;
    assert_api(bob.create_order(&fok).await, 400, "fok_insufficient_volume");
    let mut named = order(10, 1);
    named.client_order_id = Some("dup".into());
    bob.create_order(&named).await.unwrap();
    assert_api(bob.create_order(&named).await, 409, "order_already_exists");
    assert_api(
        bob.create_order(&CreateOrderV2Request::limit(MarketTicker::new("NOPE"), Side::Bid, cents(10), qty(1))).await,
        404,
        "not_found",
    );
    let unknown_tif = r#"{"ticker":"KXSIM-26JAN01-T50","side":"bid","count":"1","price":"0.10","time_in_force":"good_till_time","self_trade_prevention_type":"maker"}"#;
    let raw = sim.raw(Some("bob"), Method::POST, "/portfolio/events/orders", Some(unknown_tif)).await;
    assert_eq!((raw.status, raw.code().as_str()), (400, "invalid_order"));
    sim.server.shutdown().await;
}

#[tokio::test]
async fn malformed_requests_and_unknown_routes() {
    let sim = start(|_| {}).await;
    let bad = sim.raw(Some("alice"), Method::POST, "/portfolio/events/orders", Some("{not json")).await;
    assert_eq!((bad.status, bad.code().as_str()), (400, "bad_request"));
    let missing = sim.raw(Some("alice"), Method::POST, "/portfolio/events/orders", Some(r#"{"side":"bid"}"#)).await;
    assert_eq!(missing.status, 400);
    assert!(missing.json()["error"]["details"].as_str().unwrap().contains("ticker"), "{}", missing.text);
    let bad_price = r#"{"ticker":"T","side":"bid","count":"1","price":"1.5","time_in_force":"good_till_canceled","self_trade_prevention_type":"maker"}"#;
    assert_eq!(sim.raw(Some("alice"), Method::POST, "/portfolio/events/orders", Some(bad_price)).await.status, 400);

    let finalized = sim.raw(None, Method::GET, "/markets?status=finalized", None).await;
    assert_eq!(finalized.status, 400);
    assert_eq!(
        finalized.json(),
        serde_json::json!({"error": {"code": "bad_request", "message": "bad request", "details": "invalid status filter"}}),
        "the exact body production sends"
    );
    assert_eq!(sim.raw(None, Method::GET, "/markets?limit=5000", None).await.status, 400);
    assert_eq!(sim.raw(None, Method::GET, "/markets?cursor=nonsense", None).await.status, 400);
    assert_eq!(sim.raw(None, Method::GET, "/markets/orderbooks", None).await.status, 400, "tickers required");

    let unknown = sim.raw(None, Method::GET, "/no/such/route", None).await;
    assert_eq!((unknown.status, unknown.code().as_str()), (404, "not_found"));
    assert_eq!(unknown.content_type.as_deref(), Some("application/json"));
    let outside = sim.raw_url(Method::GET, "/favicon.ico").await;
    assert_eq!((outside.status, outside.code().as_str()), (404, "not_found"));
    let wrong_method = sim.raw(None, Method::PATCH, "/markets", None).await;
    assert_eq!((wrong_method.status, wrong_method.code().as_str()), (405, "method_not_allowed"));
    let wrong_method = sim.raw(Some("alice"), Method::PUT, "/portfolio/balance", None).await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(sim.raw(Some("alice"), Method::GET, "/portfolio/balance?subaccount=2", None).await.status, 400);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn odd_inputs_never_cause_a_server_error() {
    let sim = start(|_| {}).await;
    let create = "/portfolio/events/orders";
    let order = |count: &str, price: &str, extra: &str| {
        format!(
            r#"{{"ticker":"{TICKER}","side":"bid","count":"{count}","price":"{price}","time_in_force":"good_till_canceled","self_trade_prevention_type":"maker"{extra}}}"#
        )
    };
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let huge = format!(r#"{{"orders":[{}]}}"#, vec![order("1", "0.10", ""); 20_000].join(","));
    let bodies = [
        order("-1", "0.10", ""),
        order("0", "0.10", ""),
        order("99999999999", "0.10", ""),
        order("1", "0", ""),
        order("1", "0.999", ""),
        order("1", "0.10", r#","expiration_time":9223372036854775807"#),
        order("1", "0.10", r#","expiration_time":-5"#),
        order("1", "0.10", r#","subaccount":7"#),
        order("1", "0.10", r#","order_group_id":"no-such-group""#),
        order("1", "0.10", r#","reduce_only":true"#),
        order("1", "0.10", r#","client_order_id":"""#),
        deep,
        "null".to_owned(),
        "\u{0}".to_owned(),
    ];
    for body in &bodies {
        let raw = sim.raw(Some("alice"), Method::POST, create, Some(body)).await;
        assert!((400..500).contains(&raw.status), "{} for {:.80}: {}", raw.status, body, raw.text);
    }
    let big = sim.raw(Some("alice"), Method::POST, "/portfolio/events/orders/batched", Some(&huge)).await;
    assert!((400..500).contains(&big.status), "{}", big.status);
    let queries = [
        "/markets?limit=-1",
        "/markets?limit=99999999999999999999",
        "/markets/%00%ff/orderbook?depth=abc",
        "/markets/trades?min_ts=x",
        "/markets/orderbooks?tickers=NOPE",
        "/events/NOPE",
        "/series/NOPE",
        "/events?status=closed&limit=201",
    ];
    for path in queries {
        let raw = sim.raw(None, Method::GET, path, None).await;
        assert!((400..500).contains(&raw.status), "{} for {path}: {}", raw.status, raw.text);
    }
    for path in [
        "/portfolio/orders/%2e%2e/amend",
        "/portfolio/order_groups/x/limit",
        "/portfolio/events/orders/x/decrease",
        "/portfolio/fills?cursor=zzz",
        "/portfolio/positions?settlement_status=sometimes",
        "/portfolio/orders?status=open",
    ] {
        let method = if path.contains('?') {
            Method::GET
        } else if path.ends_with("limit") {
            Method::PUT
        } else {
            Method::POST
        };
        let raw = sim.raw(Some("alice"), method, path, Some("{}")).await;
        assert!((400..500).contains(&raw.status), "{} for {path}: {}", raw.status, raw.text);
    }
    // Still serving, and still consistent.
    assert_eq!(sim.admin(Method::GET, "/consistency", None).await.status, 200);
    sim.client("alice").balance().await.unwrap();
    sim.server.shutdown().await;
}
