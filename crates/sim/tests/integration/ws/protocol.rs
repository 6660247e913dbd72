//! Handshake, command replies and error codes.

use kmm_kalshi::Signer;
use kmm_kalshi::signer::generate_ed25519_pem;
use kmm_kalshi::ws::messages::Frame;
use kmm_kalshi::ws::{Channel, OkMsg};
use kmm_model::Side;
use kmm_sim::faults::FaultConfig;
use kmm_sim::server::now_ms;
use serde_json::json;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self};

use super::support::{M1, M2, M3, Sim, WAIT, WS_PATH, t};

/// The HTTP status of an upgrade attempt with these headers.
async fn upgrade_status(sim: &Sim, headers: &[(&'static str, String)]) -> u16 {
    let mut request = sim.url().into_client_request().unwrap();
    for (name, value) in headers {
        request.headers_mut().insert(*name, HeaderValue::from_str(value).unwrap());
    }
    match timeout(WAIT, tokio_tungstenite::connect_async(request)).await.unwrap() {
        Ok(_) => 101,
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected upgrade failure {other}"),
    }
}

fn signed(signer: &Signer, method: &str, path: &str) -> Vec<(&'static str, String)> {
    let headers = signer.headers(u64::try_from(now_ms()).unwrap(), method, path).unwrap();
    headers.pairs().iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

#[tokio::test]
async fn unauthenticated_or_wrongly_signed_upgrades_get_401() {
    let sim = Sim::start(FaultConfig::default()).await;
    assert_eq!(upgrade_status(&sim, &[]).await, 401, "no headers");
    assert_eq!(upgrade_status(&sim, &signed(&sim.alice, "GET", "/trade-api/v2")).await, 401, "REST path signed");
    assert_eq!(upgrade_status(&sim, &signed(&sim.alice, "POST", WS_PATH)).await, 401, "wrong method signed");
    let impostor = Signer::from_pem("alice-key", &generate_ed25519_pem().unwrap().private_pem).unwrap();
    assert_eq!(upgrade_status(&sim, &signed(&impostor, "GET", WS_PATH)).await, 401, "alice's key id, another key");
    let stranger = Signer::from_pem("nobody-key", &generate_ed25519_pem().unwrap().private_pem).unwrap();
    assert_eq!(upgrade_status(&sim, &signed(&stranger, "GET", WS_PATH)).await, 401, "unknown key id");
    let stale = sim.alice.headers(1_000, "GET", WS_PATH).unwrap();
    let stale: Vec<_> = stale.pairs().iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    assert_eq!(upgrade_status(&sim, &stale).await, 401, "timestamp far outside the window");
    assert_eq!(upgrade_status(&sim, &signed(&sim.alice, "GET", WS_PATH)).await, 101, "properly signed");
}

#[tokio::test]
async fn subscribe_replies_once_per_channel_with_new_sids_and_lists_them() {
    let sim = Sim::start(FaultConfig::default()).await;
    let mut ws = sim.connect(&sim.alice).await;
    ws.send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["fill", "ticker", "market_lifecycle_v2"]}}))
        .await;
    let mut sids = Vec::new();
    for channel in [Channel::Fill, Channel::Ticker, Channel::MarketLifecycleV2] {
        let Frame::Subscribed(s) = ws.frame().await else { panic!("subscribed") };
        assert_eq!((s.id, &s.msg.channel), (Some(1), &channel));
        sids.push(s.msg.sid);
    }
    assert_eq!(sids, [1, 2, 3], "sids are new and increasing");
    ws.send(json!({"id": 2, "cmd": "list_subscriptions"})).await;
    let Frame::Ok(ok) = ws.frame().await else { panic!("ok") };
    let Some(OkMsg::Subscriptions(items)) = ok.msg else { panic!("{ok:?}") };
    assert_eq!(
        items.iter().map(|i| (i.channel.clone(), i.sid)).collect::<Vec<_>>(),
        [(Channel::Fill, 1), (Channel::Ticker, 2), (Channel::MarketLifecycleV2, 3)]
    );
    ws.send(json!({"id": 3, "cmd": "unsubscribe", "params": {"sids": [1, 3]}})).await;
    for sid in [1, 3] {
        let Frame::Unsubscribed(u) = ws.frame().await else { panic!("unsubscribed") };
        assert_eq!((u.id, u.sid, u.seq), (Some(3), sid, Some(1)), "the ack takes the sid's next seq");
    }
    ws.send(json!({"id": 4, "cmd": "subscribe", "params": {"channels": ["fill"]}})).await;
    let Frame::Subscribed(s) = ws.frame().await else { panic!("subscribed") };
    assert_eq!(s.msg.sid, 4, "sids are never reused on a connection");
}

#[tokio::test]
async fn update_subscription_adds_deletes_and_resnapshots_markets() {
    let sim = Sim::start(FaultConfig::default()).await;
    sim.place("carol", M1, Side::Bid, 40, 10, None);
    sim.place("carol", M2, Side::Ask, 60, 7, None);
    let mut ws = sim.connect(&sim.alice).await;
    ws.send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_ticker": M1}}))
        .await;
    let Frame::Subscribed(s) = ws.frame().await else { panic!() };
    let sid = s.msg.sid;
    let Frame::OrderbookSnapshot(snap) = ws.frame().await else { panic!() };
    assert_eq!((snap.seq, snap.msg.market_ticker.as_str()), (Some(1), M1));

    // add_markets: ok (seq 2, sorted list), then the new market's snapshot (seq 3).
    ws.send(json!({"id": 2, "cmd": "update_subscription", "params": {"sids": [sid], "action": "add_markets", "market_tickers": [M3, M2]}})).await;
    let Frame::Ok(ok) = ws.frame().await else { panic!() };
    assert_eq!((ok.id, ok.sid, ok.seq), (Some(2), Some(sid), Some(2)));
    assert_eq!(ok.msg, Some(OkMsg::Markets { market_tickers: vec![t(M1), t(M2), t(M3)] }), "whole list, sorted");
    for (seq, market) in [(3, M3), (4, M2)] {
        let Frame::OrderbookSnapshot(snap) = ws.frame().await else { panic!() };
        assert_eq!((snap.seq, snap.msg.market_ticker.as_str()), (Some(seq), market), "snapshots in the order asked");
    }

    // delete_markets: M1's changes stop, M2's continue.
    ws.send(json!({"id": 3, "cmd": "update_subscription", "params": {"sid": sid, "action": "delete_markets", "market_tickers": [M1]}})).await;
    let Frame::Ok(ok) = ws.frame().await else { panic!() };
    assert_eq!((ok.seq, ok.msg), (Some(5), Some(OkMsg::Markets { market_tickers: vec![t(M2), t(M3)] })));
    sim.place("carol", M1, Side::Bid, 41, 1, None);
    sim.place("carol", M2, Side::Bid, 41, 1, None);
    let Frame::OrderbookDelta(d) = ws.frame().await else { panic!() };
    assert_eq!((d.seq, d.msg.market_ticker.as_str()), (Some(6), M2), "no delta for the removed market");

    // get_snapshot: ok then a fresh snapshot per market asked (all of the sub's by default).
    ws.send(json!({"id": 4, "cmd": "update_subscription", "params": {"sid": sid, "action": "get_snapshot"}})).await;
    let Frame::Ok(ok) = ws.frame().await else { panic!() };
    assert_eq!(ok.seq, Some(7));
    let mut got = Vec::new();
    for seq in [8, 9] {
        let Frame::OrderbookSnapshot(snap) = ws.frame().await else { panic!() };
        assert_eq!(snap.seq, Some(seq));
        got.push(snap.msg.market_ticker.clone());
    }
    assert_eq!(got, [t(M2), t(M3)]);
    ws.send(json!({"id": 5, "cmd": "update_subscription", "params": {"sid": sid, "action": "get_snapshot", "market_tickers": [M3]}})).await;
    let Frame::Ok(ok) = ws.frame().await else { panic!() };
    assert_eq!(ok.seq, Some(10));
    let Frame::OrderbookSnapshot(snap) = ws.frame().await else { panic!() };
    assert_eq!((snap.seq, snap.msg.market_ticker.as_str()), (Some(11), M3));
    assert!(snap.msg.yes_dollars_fp.is_none() && snap.msg.no_dollars_fp.is_none(), "empty sides are absent");

    // unsubscribe: the ack takes the next seq; no more deltas.
    ws.send(json!({"id": 6, "cmd": "unsubscribe", "params": {"sids": [sid]}})).await;
    let Frame::Unsubscribed(u) = ws.frame().await else { panic!() };
    assert_eq!((u.sid, u.seq), (sid, Some(12)));
    sim.place("carol", M2, Side::Bid, 42, 1, None);
    let late = ws.drain(std::time::Duration::from_millis(150)).await;
    assert!(late.is_empty(), "nothing after unsubscribing: {late:?}");
}

#[tokio::test]
async fn bad_commands_get_kalshis_error_codes() {
    let sim = Sim::start(FaultConfig::default()).await;
    let mut ws = sim.connect(&sim.alice).await;
    ws.send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_tickers": [M1]}}))
        .await;
    let _subscribed = ws.frame().await;
    let _snapshot = ws.frame().await;
    let cases = [
        (json!("not an object").to_string(), 1, "not a command"),
        ("{\"id\":2,\"cmd\":".to_owned(), 1, "not JSON"),
        (json!({"id": 3, "cmd": "launch"}).to_string(), 5, "unknown command"),
        (json!({"id": 4, "cmd": "subscribe"}).to_string(), 2, "params required"),
        (json!({"id": 5, "cmd": "subscribe", "params": {"channels": []}}).to_string(), 3, "channels required"),
        (json!({"id": 6, "cmd": "unsubscribe", "params": {"sids": []}}).to_string(), 4, "sids required"),
        (json!({"id": 7, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_ticker": M1}}).to_string(), 6, "already subscribed"),
        (json!({"id": 8, "cmd": "unsubscribe", "params": {"sids": [99]}}).to_string(), 7, "unknown sid"),
        (json!({"id": 9, "cmd": "subscribe", "params": {"channels": ["weather"]}}).to_string(), 8, "unknown channel"),
        (json!({"id": 10, "cmd": "update_subscription", "params": {"sids": [1, 2], "action": "add_markets", "market_tickers": [M2]}}).to_string(), 12, "one sid"),
        (json!({"id": 11, "cmd": "update_subscription", "params": {"sid": 1, "action": "rename"}}).to_string(), 13, "unsupported action"),
        (json!({"id": 12, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"]}}).to_string(), 14, "market required"),
        (json!({"id": 13, "cmd": "update_subscription", "params": {"sid": 1, "action": "add_markets"}}).to_string(), 14, "market required to add"),
        (json!({"id": 14, "cmd": "update_subscription", "params": {"sid": 1}}).to_string(), 15, "action required"),
        (json!({"id": 15, "cmd": "subscribe", "params": {"channels": ["trade"], "market_tickers": ["NOPE-1"]}}).to_string(), 16, "market not found"),
        (json!({"id": 16, "cmd": "update_subscription", "params": {"sid": 1, "action": "add_markets", "market_tickers": ["NOPE-1"]}}).to_string(), 16, "market not found on add"),
        (json!({"id": 17, "cmd": "update_subscription", "params": {"action": "get_snapshot"}}).to_string(), 4, "no sid"),
        (json!({"id": 18, "cmd": "update_subscription", "params": {"sid": 42, "action": "get_snapshot"}}).to_string(), 7, "unknown sid to update"),
    ];
    for (text, code, why) in cases {
        ws.send_text(&text).await;
        let Frame::Error(error) = ws.frame().await else { panic!("{why}: expected an error") };
        assert_eq!(error.msg.code, code, "{why}: {text} -> {error:?}");
        if code == 16 {
            assert_eq!(error.msg.market_ticker, Some(t("NOPE-1")), "{why}: the error names the market");
        }
    }
    // The connection survives every error and the subscription is intact.
    ws.send(json!({"id": 19, "cmd": "list_subscriptions"})).await;
    let Frame::Ok(ok) = ws.frame().await else { panic!() };
    assert!(matches!(ok.msg, Some(OkMsg::Subscriptions(ref items)) if items.len() == 1), "{ok:?}");
    // A refused subscribe subscribed nothing, not even its valid channels.
    ws.send(json!({"id": 20, "cmd": "subscribe", "params": {"channels": ["trade", "weather"]}})).await;
    assert_eq!(ws.error_code().await, 8);
    ws.send(json!({"id": 21, "cmd": "subscribe", "params": {"channels": ["trade"]}})).await;
    let Frame::Subscribed(s) = ws.frame().await else { panic!("trade was not subscribed by the refused command") };
    assert_eq!(s.msg.channel, Channel::Trade);
}
