//! The synthetic flow running against the server: books stay in sync over the socket.

use std::collections::BTreeMap;
use std::time::Duration;

use kmm_kalshi::ws::messages::Frame;
use kmm_sim::faults::FaultConfig;
use kmm_sim::flow::{self, FlowConfig, SyntheticFlow};
use kmm_sim::server::now_ms;
use serde_json::json;

use super::support::{Books, Sim, model, options};

#[tokio::test]
async fn books_stay_in_sync_while_the_synthetic_flow_trades() {
    let config = FlowConfig { markets: 3, orders_per_sec: 200.0, ..FlowConfig::default() };
    let mut synthetic = SyntheticFlow::new(config, 5);
    // Set up before the server state exists, as `SimServer::start` does: the setup's events
    // are still in the exchange's outbox when the first client subscribes.
    let sim = Sim::start_over(FaultConfig::default(), options(), |ex| synthetic.setup(ex, now_ms()).unwrap()).await;
    let markets = synthetic.markets();
    let mut ws = sim.connect(&sim.alice).await;
    ws.send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta", "trade"], "market_tickers": markets}}))
        .await;
    let task = flow::spawn(sim.state.clone(), synthetic, Duration::from_millis(5));
    let mut books = Books::default();
    let mut trades = 0;
    let until = tokio::time::Instant::now() + Duration::from_millis(600);
    while tokio::time::Instant::now() < until {
        let frame = ws.frame().await;
        trades += usize::from(matches!(frame, Frame::Trade(_)));
        books.apply(&frame);
    }
    task.abort();
    let _ = task.await;
    ws.send(json!({"id": 2, "cmd": "update_subscription", "params": {"sid": 1, "action": "get_snapshot", "market_tickers": [markets[0].clone()]}})).await;
    loop {
        let frame = ws.frame().await;
        let done = matches!(&frame, Frame::Ok(ok) if ok.id == Some(2));
        books.apply(&frame);
        if done {
            break;
        }
    }
    assert!(trades > 0, "the flow traded");
    let mut sizes = BTreeMap::new();
    for ticker in &markets {
        let rest = sim.state.mutate(|ex| ex.book_snapshot(ticker)).unwrap();
        assert_eq!(books.book(ticker.as_str()), model(&rest), "{ticker}: the socket's book is the exchange's");
        sizes.insert(ticker.to_string(), rest.yes.len() + rest.no.len());
    }
    assert!(sizes.values().all(|levels| *levels >= 4), "the flow keeps books deep: {sizes:?}");
}
