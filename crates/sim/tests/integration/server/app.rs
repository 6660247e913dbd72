//! `SimServer` itself: `start_with_new_key` registers a fresh key for a new funded user,
//! synthetic markets exist as soon as `start` returns, the URLs and endpoints agree, and
//! `shutdown` closes the port.

use std::time::{Duration, Instant};

use kmm_kalshi::rest::{MarketsQuery, RetryPolicy};
use kmm_kalshi::signer::KeyKind;
use kmm_kalshi::{RestClient, RestConfig};
use kmm_sim::Exchange;
use kmm_sim::flow::FlowConfig;
use kmm_sim::server::SimConfig;
use kmm_sim::server::app::SimServer;

#[tokio::test]
async fn start_with_new_key_and_synthetic_markets() {
    let mut config = SimConfig::new(Vec::new());
    config.flow = Some(FlowConfig { markets: 3, orders_per_sec: 0.0, ..FlowConfig::default() });
    let (server, signer) = SimServer::start_with_new_key(config, Exchange::new(), KeyKind::Ed25519).await.unwrap();
    let endpoints = server.endpoints();
    assert_eq!(endpoints.rest_base(), server.rest_url());
    assert_eq!(endpoints.ws_url(), server.ws_url());
    assert_eq!(server.rest_url(), format!("http://{}/trade-api/v2", server.addr()));
    assert_eq!(server.ws_url(), format!("ws://{}/trade-api/ws/v2", server.addr()));
    assert!(server.addr().ip().is_loopback() && server.addr().port() != 0);

    let key = server.state().key(signer.key_id()).expect("the new key is registered");
    assert!(key.user.as_str().starts_with("user-"), "{:?}", key.user);
    let retry = RetryPolicy { max_attempts: 1, ..RetryPolicy::default() };
    let client = RestClient::new(RestConfig { retry, ..RestConfig::new(endpoints) }, Some(signer)).unwrap();
    let markets = client.markets(&MarketsQuery::default()).await.unwrap().markets;
    assert!(markets.len() >= 3, "synthetic markets are listed before start returns: {}", markets.len());
    let balance = client.balance().await.unwrap();
    assert_eq!(balance.balance, 1_000_000, "the new user starts with $10 000");

    let addr = server.addr();
    let started = Instant::now();
    server.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(3), "shutdown is prompt");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "the port is closed after shutdown");
}
