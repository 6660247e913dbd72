//! The REST client against a real HTTP server on 127.0.0.1: every endpoint's request shape
//! (method, path, query, body, signature) and response parsing, plus the failure paths
//! (429, 5xx, error bodies, a wrong key, a malformed body, an unreachable host).
//!
//! The server answers with the golden fixtures (real Kalshi payloads where captured), so the
//! client is tested against Kalshi's shapes, not against our own simulator's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use kmm_kalshi::rest::{FillsQuery, MarketFilter, MarketsQuery, OrdersQuery, PortfolioQuery, RetryPolicy};
use kmm_kalshi::signer::{self, HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, PublicKey};
use kmm_kalshi::wire::{self, BatchCancelOrdersRequest, CancelOrderItem};
use kmm_kalshi::{Endpoints, Error, RestClient, RestConfig, Signer};
use kmm_model::{MarketTicker, OrderId, OrderStatus, Qty, SeriesTicker};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rest/");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}{name}.json")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

#[derive(Clone)]
struct Reply {
    status: u16,
    retry_after: Option<&'static str>,
    body: String,
}

fn ok(body: String) -> Reply {
    Reply { status: 200, retry_after: None, body }
}

fn status(status: u16, body: &str) -> Reply {
    Reply { status, retry_after: None, body: body.to_owned() }
}

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    body: String,
    key: Option<String>,
    /// `Some(valid)` when the request carried a signature.
    signature_valid: Option<bool>,
}

#[derive(Default)]
struct MockState {
    routes: HashMap<(String, String), VecDeque<Reply>>,
    seen: Vec<Seen>,
    public_key: Option<PublicKey>,
}

/// A scripted Kalshi: each (method, path) answers its queued replies in order, repeating
/// the last one; every request is recorded with its signature checked.
#[derive(Clone, Default)]
struct Mock(Arc<Mutex<MockState>>);

impl Mock {
    fn on(&self, method: &str, path: &str, replies: impl IntoIterator<Item = Reply>) {
        let key = (method.to_owned(), format!("/trade-api/v2{path}"));
        self.0.lock().unwrap().routes.insert(key, replies.into_iter().collect());
    }

    fn seen(&self) -> Vec<Seen> {
        self.0.lock().unwrap().seen.clone()
    }

    fn last(&self) -> Seen {
        self.seen().pop().expect("a request was made")
    }

    fn clear(&self) {
        self.0.lock().unwrap().seen.clear();
    }
}

async fn handle(State(mock): State<Mock>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut state = mock.0.lock().unwrap();
    let signature_valid = match (header(HEADER_TIMESTAMP), header(HEADER_SIGNATURE), &state.public_key) {
        (Some(ts), Some(sig), Some(key)) => {
            Some(key.verify_request(&ts, parts.method.as_str(), parts.uri.path(), &sig).is_ok())
        }
        (_, Some(_), None) => Some(false),
        _ => None,
    };
    state.seen.push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        body: String::from_utf8_lossy(&body).into_owned(),
        key: header(HEADER_KEY),
        signature_valid,
    });
    if signature_valid == Some(false) {
        return reply(&status(401, r#"{"error":{"code":"authentication_error","message":"invalid signature"}}"#));
    }
    let route = (parts.method.to_string(), parts.uri.path().to_owned());
    let next = match state.routes.get_mut(&route) {
        Some(queue) if queue.len() > 1 => queue.pop_front(),
        Some(queue) => queue.front().cloned(),
        None => None,
    };
    reply(&next.unwrap_or_else(|| status(404, r#"{"error":{"code":"not_found","message":"not found"}}"#)))
}

fn reply(r: &Reply) -> Response {
    let mut response = Response::new(Body::from(r.body.clone()));
    *response.status_mut() = StatusCode::from_u16(r.status).unwrap();
    if !r.body.is_empty() {
        response.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    }
    if let Some(after) = r.retry_after {
        response.headers_mut().insert("retry-after", HeaderValue::from_static(after));
    }
    response
}

async fn serve(mock: Mock) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().fallback(handle).with_state(mock);
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(5), max_delay: Duration::from_millis(20) }
}

fn client_for(addr: SocketAddr, signer: Option<Signer>) -> RestClient {
    let endpoints =
        Endpoints::custom(&format!("http://{addr}/trade-api/v2"), &format!("ws://{addr}/trade-api/ws/v2")).unwrap();
    let mut config = RestConfig::new(endpoints);
    config.retry = fast_retry();
    config.tier = kmm_kalshi::ratelimit::Tier::PRIME;
    RestClient::new(config, signer).unwrap()
}

/// A mock whose registered key is `signer`'s, and a client signing with it.
async fn signed_pair(kind: signer::KeyKind) -> (Mock, RestClient) {
    let key = match kind {
        signer::KeyKind::Rsa => signer::generate_rsa_pem(2048).unwrap(),
        signer::KeyKind::Ed25519 => signer::generate_ed25519_pem().unwrap(),
    };
    let signer = Signer::from_pem("test-key-id", &key.private_pem).unwrap();
    let mock = Mock::default();
    mock.0.lock().unwrap().public_key = Some(PublicKey::from_pem(&key.public_pem).unwrap());
    let addr = serve(mock.clone()).await;
    (mock, client_for(addr, Some(signer)))
}

fn assert_signed(seen: &Seen) {
    assert_eq!(seen.key.as_deref(), Some("test-key-id"), "{} {} must carry the key id", seen.method, seen.path);
    assert_eq!(seen.signature_valid, Some(true), "{} {} must carry a valid signature", seen.method, seen.path);
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn public_market_data_endpoints() {
    let (mock, client) = signed_pair(signer::KeyKind::Ed25519).await;
    mock.on("GET", "/exchange/status", [ok(fixture("synthetic-exchange_status"))]);
    mock.on("GET", "/exchange/schedule", [ok(fixture("synthetic-exchange_schedule"))]);
    let status = client.exchange_status().await.unwrap();
    assert!(status.exchange_active && status.trading_active);
    assert_eq!(mock.last().signature_valid, None, "public endpoints are sent unsigned");
    client.exchange_schedule().await.unwrap();

    // Two pages of the 44 captured settled markets, chained by cursor.
    let markets: Vec<serde_json::Value> =
        serde_json::from_str(&fixture("prod-2026-08-08-markets_settled-markets")).unwrap();
    let page1 = serde_json::json!({"markets": markets[..30], "cursor": "page-2"}).to_string();
    let page2 = serde_json::json!({"markets": markets[30..], "cursor": ""}).to_string();
    mock.on("GET", "/markets", [ok(page1), ok(page2)]);
    mock.clear();
    let query = MarketsQuery {
        series_ticker: Some(SeriesTicker::new("KXMLBGAME")),
        status: Some(MarketFilter::Settled),
        limit: Some(30),
        ..MarketsQuery::default()
    };
    let all = client.markets_all(&query).await.unwrap();
    assert_eq!(all.len(), markets.len(), "every page collected");
    let seen = mock.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].query.as_deref(), Some("limit=30&series_ticker=KXMLBGAME&status=settled"));
    assert_eq!(seen[1].query.as_deref(), Some("limit=30&cursor=page-2&series_ticker=KXMLBGAME&status=settled"));

    let single = json(&fixture("prod-2026-08-09-market_single"));
    let ticker = MarketTicker::new(single["market"]["ticker"].as_str().unwrap());
    mock.on("GET", &format!("/markets/{ticker}"), [ok(single.to_string())]);
    let market = client.market(&ticker).await.unwrap();
    assert_eq!(market.ticker, ticker);

    mock.on(
        "GET",
        &format!("/markets/{ticker}/orderbook"),
        [ok(fixture("prod-2026-08-09-orderbook-KXNCAAFGAME-26SEP19MSUND-ND"))],
    );
    let book = client.orderbook(&ticker, Some(10)).await.unwrap();
    assert_eq!(mock.last().query.as_deref(), Some("depth=10"));
    assert!(book.orderbook_fp.to_book().is_ok(), "the captured book converts to a model book");

    mock.on("GET", "/markets/orderbooks", [ok(fixture("synthetic-orderbooks-batch"))]);
    let tickers = [MarketTicker::new("A-1"), MarketTicker::new("B-2")];
    client.orderbooks(&tickers).await.unwrap();
    assert_eq!(mock.last().query.as_deref(), Some("tickers=A-1&tickers=B-2"), "repeated key, as Kalshi wants");

    mock.on("GET", "/markets/trades", [ok(fixture("synthetic-markets_trades"))]);
    client.trades(&ticker, Some(5), None).await.unwrap();
    assert_eq!(mock.last().query.as_deref(), Some(format!("ticker={ticker}&limit=5").as_str()));

    mock.on("GET", "/events", [ok(fixture("synthetic-events"))]);
    client.events(&kmm_kalshi::rest::EventsQuery { with_nested_markets: true, ..Default::default() }).await.unwrap();
    assert_eq!(mock.last().query.as_deref(), Some("with_nested_markets=true"));
    let event = json(&fixture("synthetic-event"));
    let event_ticker = event["event"]["event_ticker"].as_str().unwrap().to_owned();
    mock.on("GET", &format!("/events/{event_ticker}"), [ok(event.to_string())]);
    client.event(&event_ticker).await.unwrap();

    mock.on("GET", "/series/KXMLBGAME", [ok(fixture("prod-2026-08-20-series-KXMLBGAME"))]);
    let series = client.series(&SeriesTicker::new("KXMLBGAME")).await.unwrap();
    assert!(series.series.fee_schedule().is_ok(), "captured series carries a usable fee schedule");
    let list =
        serde_json::json!({"series": [json(&fixture("prod-2026-08-20-series-KXMLBGAME"))["series"]]}).to_string();
    mock.on("GET", "/series", [ok(list)]);
    assert_eq!(client.series_list(Some("Sports")).await.unwrap().series.len(), 1);
    assert_eq!(mock.last().query.as_deref(), Some("category=Sports"));

    mock.on("GET", "/account/endpoint_costs", [ok(fixture("synthetic-account_endpoint_costs"))]);
    client.endpoint_costs().await.unwrap();
}

#[tokio::test]
async fn portfolio_reads_are_signed_with_rsa() {
    let (mock, client) = signed_pair(signer::KeyKind::Rsa).await;
    mock.on("GET", "/portfolio/balance", [ok(fixture("synthetic-portfolio_balance"))]);
    mock.on("GET", "/portfolio/positions", [ok(fixture("demo-2026-07-01-portfolio_positions"))]);
    mock.on("GET", "/portfolio/fills", [ok(fixture("synthetic-portfolio_fills"))]);
    mock.on("GET", "/portfolio/settlements", [ok(fixture("prod-2026-08-portfolio_settlements_redacted"))]);
    mock.on("GET", "/portfolio/orders", [ok(fixture("synthetic-portfolio_orders"))]);
    mock.on("GET", "/account/limits", [ok(fixture("synthetic-account_limits"))]);
    mock.on("GET", "/portfolio/order_groups", [ok(fixture("synthetic-order_groups"))]);
    mock.on("GET", "/portfolio/order_groups/og-1", [ok(fixture("synthetic-order_group"))]);
    let order = json(&fixture("synthetic-portfolio_order"));
    let order_id = OrderId::new(order["order"]["order_id"].as_str().unwrap());
    mock.on("GET", &format!("/portfolio/orders/{order_id}"), [ok(order.to_string())]);

    let balance = client.balance().await.unwrap();
    assert!(balance.balance >= 0);
    client.positions(&PortfolioQuery { limit: Some(100), ..Default::default() }).await.unwrap();
    assert_eq!(mock.last().query.as_deref(), Some("limit=100"));
    let fills = client
        .fills(&FillsQuery { tickers: vec![MarketTicker::new("A-1"), MarketTicker::new("B-2")], ..Default::default() })
        .await
        .unwrap();
    assert_eq!(mock.last().query.as_deref(), Some("ticker=A-1%2CB-2"));
    assert!(!fills.fills.is_empty());
    client.settlements(&PortfolioQuery::default()).await.unwrap();
    let orders =
        client.orders_all(&OrdersQuery { status: Some(OrderStatus::Resting), ..Default::default() }).await.unwrap();
    assert_eq!(mock.last().query.as_deref(), Some("status=resting"));
    assert!(!orders.is_empty());
    assert_eq!(client.order(&order_id).await.unwrap().order_id, order_id);
    client.account_limits().await.unwrap();
    client.order_groups().await.unwrap();
    client.order_group("og-1").await.unwrap();

    let seen = mock.seen();
    assert_eq!(seen.len(), 9, "one request per call");
    seen.iter().for_each(assert_signed);
    assert!(seen.iter().all(|s| s.path.starts_with("/trade-api/v2/")), "paths carry the API prefix");
}

#[tokio::test]
async fn order_writes_send_kalshi_shaped_bodies() {
    let (mock, client) = signed_pair(signer::KeyKind::Ed25519).await;
    let id = OrderId::new("ee6f0c1a-0000-4000-8000-000000000001");

    let create: wire::CreateOrderV2Request =
        serde_json::from_str(&fixture("synthetic-create_order_v2-request")).unwrap();
    mock.on(
        "POST",
        "/portfolio/events/orders",
        [Reply { status: 201, ..ok(fixture("synthetic-create_order_v2-response")) }],
    );
    let created = client.create_order(&create).await.unwrap();
    assert_eq!(created.remaining_count, Qty::from_contracts(10).unwrap());
    let sent = mock.last();
    assert_eq!(json(&sent.body)["price"], "0.4200", "prices go out as dollar strings");
    assert_eq!(json(&sent.body)["count"], "10.00");
    assert_eq!(json(&sent.body)["side"], "bid");

    let amend: wire::AmendOrderV2Request = serde_json::from_str(&fixture("synthetic-amend_order_v2-request")).unwrap();
    mock.on(
        "POST",
        &format!("/portfolio/events/orders/{id}/amend"),
        [ok(fixture("synthetic-amend_order_v2-response"))],
    );
    client.amend_order(&id, &amend).await.unwrap();
    assert_eq!(json(&mock.last().body), serde_json::to_value(&amend).unwrap());

    let decrease: wire::DecreaseOrderV2Request =
        serde_json::from_str(&fixture("synthetic-decrease_order_v2-request")).unwrap();
    mock.on(
        "POST",
        &format!("/portfolio/events/orders/{id}/decrease"),
        [ok(fixture("synthetic-decrease_order_v2-response"))],
    );
    client.decrease_order(&id, &decrease).await.unwrap();

    mock.on("DELETE", &format!("/portfolio/events/orders/{id}"), [ok(fixture("synthetic-cancel_order_v2-response"))]);
    client.cancel_order(&id).await.unwrap();

    let batch: wire::BatchCreateOrdersV2Request =
        serde_json::from_str(&fixture("synthetic-batch_create_orders_v2-request")).unwrap();
    mock.on(
        "POST",
        "/portfolio/events/orders/batched",
        [Reply { status: 201, ..ok(fixture("synthetic-batch_create_orders_v2-response")) }],
    );
    let results = client.batch_create_orders(&batch).await.unwrap();
    assert!(results.orders.iter().any(|o| o.error.is_some()), "per-item errors survive");

    let cancels: wire::BatchCancelOrdersV2Request =
        serde_json::from_str(&fixture("synthetic-batch_cancel_orders_v2-request")).unwrap();
    mock.on("DELETE", "/portfolio/events/orders/batched", [ok(fixture("synthetic-batch_cancel_orders_v2-response"))]);
    client.batch_cancel_orders(&cancels).await.unwrap();
    assert_eq!(json(&mock.last().body), serde_json::to_value(&cancels).unwrap(), "DELETE carries its body");

    mock.on("DELETE", "/portfolio/events/orders", [status(204, "")]);
    client.cancel_all_orders().await.unwrap();

    // Legacy endpoints.
    let legacy: wire::CreateOrderRequest =
        serde_json::from_str(&fixture("synthetic-create_order-legacy-request")).unwrap();
    mock.on(
        "POST",
        "/portfolio/orders",
        [Reply { status: 201, ..ok(fixture("synthetic-create_order-legacy-response")) }],
    );
    client.create_order_v1(&legacy).await.unwrap();
    let legacy_order = json(&fixture("synthetic-create_order-legacy-response"));
    let cancel_body = serde_json::json!({"order": legacy_order["order"], "reduced_by_fp": "10.00"}).to_string();
    mock.on("DELETE", &format!("/portfolio/orders/{id}"), [ok(cancel_body)]);
    client.cancel_order_v1(&id).await.unwrap();
    mock.on("POST", &format!("/portfolio/orders/{id}/amend"), [ok(fixture("synthetic-amend_order-legacy-response"))]);
    let amend_v1 = wire::AmendOrderRequest {
        ticker: MarketTicker::new("KXHIGHNY-25JAN01-B45.5"),
        ..serde_json::from_value(
            serde_json::json!({"ticker": "X", "side": "yes", "action": "buy", "yes_price": 43, "count": 10}),
        )
        .unwrap()
    };
    client.amend_order_v1(&id, &amend_v1).await.unwrap();
    mock.on(
        "POST",
        &format!("/portfolio/orders/{id}/decrease"),
        [ok(fixture("synthetic-create_order-legacy-response"))],
    );
    let decrease_v1: wire::DecreaseOrderRequest = serde_json::from_value(serde_json::json!({"reduce_by": 2})).unwrap();
    client.decrease_order_v1(&id, &decrease_v1).await.unwrap();
    assert_eq!(json(&mock.last().body)["reduce_by"], 2);
    let batch_v1 = wire::BatchCreateOrdersRequest { orders: vec![legacy.clone(), legacy] };
    let batch_v1_reply =
        serde_json::json!({"orders": [{"order": legacy_order["order"]}, {"error": {"code": "invalid_order"}}]})
            .to_string();
    mock.on("POST", "/portfolio/orders/batched", [Reply { status: 201, ..ok(batch_v1_reply) }]);
    assert_eq!(client.batch_create_orders_v1(&batch_v1).await.unwrap().orders.len(), 2);
    mock.on("DELETE", "/portfolio/orders/batched", [ok(fixture("synthetic-batch_cancel_orders-legacy-response"))]);
    let cancel_v1 = BatchCancelOrdersRequest { ids: None, orders: Some(vec![CancelOrderItem::new(id.clone())]) };
    client.batch_cancel_orders_v1(&cancel_v1).await.unwrap();

    // Order groups.
    mock.on(
        "POST",
        "/portfolio/order_groups/create",
        [Reply { status: 201, ..ok(fixture("synthetic-order_group-create-response")) }],
    );
    let group: wire::CreateOrderGroupRequest =
        serde_json::from_value(serde_json::json!({"contracts_limit_fp": "50.00"})).unwrap();
    client.create_order_group(&group).await.unwrap();
    for action in ["reset", "trigger", "limit"] {
        mock.on("PUT", &format!("/portfolio/order_groups/og-1/{action}"), [ok("{}".to_owned())]);
    }
    mock.on("DELETE", "/portfolio/order_groups/og-1", [ok("{}".to_owned())]);
    client.reset_order_group("og-1").await.unwrap();
    client.trigger_order_group("og-1").await.unwrap();
    let limit: wire::UpdateOrderGroupLimitRequest =
        serde_json::from_value(serde_json::json!({"contracts_limit": 20})).unwrap();
    client.set_order_group_limit("og-1", &limit).await.unwrap();
    client.delete_order_group("og-1").await.unwrap();

    let seen = mock.seen();
    assert_eq!(seen.len(), 18, "one request per call: no retries on success");
    seen.iter().for_each(assert_signed);
}

#[tokio::test]
async fn rate_limit_is_retried_then_reported() {
    let (mock, client) = signed_pair(signer::KeyKind::Ed25519).await;
    let limited = Reply { status: 429, retry_after: Some("0"), body: fixture("synthetic-error_429_rate_limit") };
    mock.on("GET", "/portfolio/balance", [limited.clone(), ok(fixture("synthetic-portfolio_balance"))]);
    client.balance().await.expect("a 429 followed by 200 succeeds");
    assert_eq!(mock.seen().len(), 2, "retried once");
    // Each retry is signed afresh and still verifies.
    mock.seen().iter().for_each(assert_signed);

    mock.clear();
    mock.on("POST", "/portfolio/events/orders", [limited]);
    let create: wire::CreateOrderV2Request =
        serde_json::from_str(&fixture("synthetic-create_order_v2-request")).unwrap();
    match client.create_order(&create).await {
        Err(Error::RateLimited { retry_after }) => assert_eq!(retry_after, Some(Duration::ZERO)),
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(mock.seen().len(), 3, "a 429 is retried even for writes (nothing was executed), up to max_attempts");
}

#[tokio::test]
async fn server_errors_retry_reads_but_never_order_creation() {
    let (mock, client) = signed_pair(signer::KeyKind::Ed25519).await;
    let unavailable = status(503, r#"{"error":{"code":"service_unavailable","message":"maintenance"}}"#);
    mock.on("GET", "/exchange/status", [unavailable.clone(), ok(fixture("synthetic-exchange_status"))]);
    client.exchange_status().await.expect("a read is retried after a 503");
    assert_eq!(mock.seen().len(), 2);

    mock.clear();
    mock.on("POST", "/portfolio/events/orders", [status(500, r#"{"error":{"code":"internal","message":"boom"}}"#)]);
    let create: wire::CreateOrderV2Request =
        serde_json::from_str(&fixture("synthetic-create_order_v2-request")).unwrap();
    match client.create_order(&create).await {
        Err(e @ Error::Api { status: 500, .. }) => {
            assert!(e.is_retryable(), "the caller may retry with the same client_order_id")
        }
        other => panic!("expected Api 500, got {other:?}"),
    }
    assert_eq!(mock.seen().len(), 1, "an order is never resent blindly: it might have been placed");
}

#[tokio::test]
async fn error_bodies_become_typed_errors() {
    let (mock, client) = signed_pair(signer::KeyKind::Ed25519).await;
    mock.on("POST", "/portfolio/events/orders", [status(400, &fixture("synthetic-error_400_invalid_order"))]);
    let create: wire::CreateOrderV2Request =
        serde_json::from_str(&fixture("synthetic-create_order_v2-request")).unwrap();
    match client.create_order(&create).await {
        Err(Error::Api { status: 400, code, .. }) => assert_eq!(code, "invalid_order"),
        other => panic!("expected Api 400 invalid_order, got {other:?}"),
    }
    mock.on("GET", "/markets", [status(400, &fixture("prod-2026-08-08-error_400_invalid_status_filter"))]);
    match client.markets(&MarketsQuery::default()).await {
        Err(Error::Api { status: 400, code, details, .. }) => {
            assert_eq!(code, "bad_request", "the real production 400 body");
            assert!(details.is_some());
        }
        other => panic!("expected Api 400, got {other:?}"),
    }
    mock.on(
        "GET",
        "/portfolio/orders/nope",
        [status(404, r#"{"error":{"code":"not_found","message":"order not found"}}"#)],
    );
    assert!(matches!(client.order(&OrderId::new("nope")).await, Err(Error::Api { status: 404, .. })));
    mock.on("GET", "/exchange/status", [ok("{\"exchange_active\": tru".to_owned())]);
    match client.exchange_status().await {
        Err(Error::Decode { context, .. }) => {
            assert!(context.contains("/exchange/status"), "names the endpoint: {context}")
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_key_is_an_auth_error_without_secrets() {
    let (mock, _) = signed_pair(signer::KeyKind::Ed25519).await;
    // Same key id, different private key: the server's verification fails.
    let other = signer::generate_ed25519_pem().unwrap();
    let wrong = Signer::from_pem("test-key-id", &other.private_pem).unwrap();
    let addr = serve(mock.clone()).await;
    let client = client_for(addr, Some(wrong));
    let error = client.balance().await.expect_err("a wrong key must fail");
    assert!(matches!(error, Error::Auth { status: 401, .. }), "got {error:?}");
    assert_eq!(mock.seen().len(), 1, "auth failures are not retried");
    let signature = mock.last();
    let text = format!("{error} {error:?}");
    assert!(!text.contains("PRIVATE KEY") && !text.contains(&other.private_pem[30..60]), "no key material in errors");
    assert_eq!(signature.signature_valid, Some(false));
}

#[tokio::test]
async fn private_calls_need_a_key_and_bad_hosts_are_transport_errors() {
    let mock = Mock::default();
    let addr = serve(mock.clone()).await;
    let unsigned = client_for(addr, None);
    assert!(matches!(unsigned.balance().await, Err(Error::Config(_))), "no key: refused before sending");
    assert!(mock.seen().is_empty());

    // A port that was just freed: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = listener.local_addr().unwrap();
    drop(listener);
    match client_for(dead, None).exchange_status().await {
        Err(Error::Transport(message)) => assert!(message.contains("could not connect"), "{message}"),
        other => panic!("expected Transport, got {other:?}"),
    }
}

#[tokio::test]
async fn path_ids_cannot_inject_paths() {
    let mock = Mock::default();
    let client = client_for(serve(mock.clone()).await, None);
    assert!(matches!(client.market(&MarketTicker::new("../portfolio/balance")).await, Err(Error::Config(_))));
    assert!(mock.seen().is_empty());
}
