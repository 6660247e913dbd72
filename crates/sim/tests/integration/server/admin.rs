//! The `/sim` admin API: fault settings (read, replace, refuse invalid), market pause/resume,
//! close and settle as clients see them, and the consistency check.

use kmm_kalshi::Error;
use kmm_kalshi::rest::PortfolioQuery;
use kmm_kalshi::wire::{self, CreateOrderV2Request, TimeInForce};
use kmm_model::{MarketTicker, Side};
use kmm_sim::faults::FaultConfig;
use reqwest::Method;

use super::*;

fn order(side: Side, price: i64, count: i64) -> CreateOrderV2Request {
    CreateOrderV2Request::limit(MarketTicker::new(TICKER), side, cents(price), qty(count))
}

fn code(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Api { code, .. }) => code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn faults_are_read_replaced_and_validated() {
    let sim = start(|_| {}).await;
    let current = sim.admin(Method::GET, "/faults", None).await;
    assert_eq!(current.status, 200);
    let config: FaultConfig = serde_json::from_str(&current.text).unwrap();
    assert_eq!(config, FaultConfig::default());

    let put = sim.admin(Method::PUT, "/faults", Some(r#"{"reject_order_rate": 1.0}"#)).await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(sim.server.state().faults.get().reject_order_rate, 1.0);
    assert_eq!(code(sim.client("alice").create_order(&order(Side::Bid, 30, 1)).await), "order_rejected");

    let invalid = sim.admin(Method::PUT, "/faults", Some(r#"{"http_5xx_rate": 2.0}"#)).await;
    assert_eq!((invalid.status, invalid.code().as_str()), (400, "bad_request"));
    assert!(invalid.text.contains("http_5xx_rate"), "{}", invalid.text);
    let garbage = sim.admin(Method::PUT, "/faults", Some("[1,2")).await;
    assert_eq!(garbage.status, 400);
    assert_eq!(sim.server.state().faults.get().reject_order_rate, 1.0, "refused settings change nothing");

    let reset = sim.admin(Method::PUT, "/faults", Some("{}")).await;
    assert_eq!(reset.status, 200);
    sim.client("alice").create_order(&order(Side::Bid, 30, 1)).await.unwrap();
    assert_eq!(sim.admin(Method::GET, "/nothing", None).await.status, 404);
    sim.server.shutdown().await;
}

#[tokio::test]
async fn market_lifecycle_and_settlement() {
    let sim = start(|_| {}).await;
    let (alice, bob) = (sim.client("alice"), sim.client("bob"));
    let resting = alice.create_order(&order(Side::Bid, 30, 2)).await.unwrap();
    let mut take = order(Side::Ask, 30, 1);
    take.time_in_force = TimeInForce::ImmediateOrCancel;
    bob.create_order(&take).await.unwrap();

    let paused = sim.admin(Method::POST, &format!("/markets/{TICKER}/pause"), None).await;
    assert_eq!((paused.status, paused.json()["market"]["status"].as_str()), (200, Some("inactive")));
    assert_eq!(code(bob.create_order(&order(Side::Ask, 30, 1)).await), "trading_paused");
    assert_eq!(alice.order(&resting.order_id).await.unwrap().status, wire::OrderStatus::Resting, "orders stay");
    let resumed = sim.admin(Method::POST, &format!("/markets/{TICKER}/resume"), None).await;
    assert_eq!(resumed.json()["market"]["status"], "active");
    assert_eq!(sim.admin(Method::POST, &format!("/markets/{TICKER}/resume"), None).await.status, 400, "not paused");

    let closed = sim.admin(Method::POST, &format!("/markets/{TICKER}/close"), None).await;
    assert_eq!(closed.json()["market"]["status"], "closed");
    assert_eq!(alice.order(&resting.order_id).await.unwrap().status, wire::OrderStatus::Canceled, "close cancels");
    assert_eq!(code(alice.create_order(&order(Side::Bid, 30, 1)).await), "market_closed");

    let bad = sim.admin(Method::POST, &format!("/markets/{TICKER}/settle"), Some(r#"{"result":"maybe"}"#)).await;
    assert_eq!(bad.status, 400);
    let settled = sim.admin(Method::POST, &format!("/markets/{TICKER}/settle"), Some(r#"{"result":"no"}"#)).await;
    assert_eq!(settled.status, 200, "{}", settled.text);
    let market = &settled.json()["market"];
    assert_eq!((market["status"].as_str(), market["result"].as_str()), (Some("finalized"), Some("no")));
    assert_eq!(market["settlement_value_dollars"], "0.0000");

    // Bob held 1 NO bought at $0.70: it pays $1.
    let settlements = bob.settlements(&PortfolioQuery::default()).await.unwrap().settlements;
    assert_eq!(settlements.len(), 1);
    let s = &settlements[0];
    assert_eq!((s.market_result, s.no_count_fp, s.revenue), (wire::MarketResult::No, qty(1), 100));
    assert_eq!(s.no_total_cost_dollars, money("0.70"));
    assert_eq!(s.fee_cost, fee(qty(1), cents(30), true));
    let alice_settlement = &alice.settlements(&PortfolioQuery::default()).await.unwrap().settlements[0];
    assert_eq!((alice_settlement.yes_count_fp, alice_settlement.revenue), (qty(1), 0));
    let positions = bob.positions(&PortfolioQuery::default()).await.unwrap();
    assert!(positions.market_positions.is_empty(), "settled markets are not in the default (unsettled) view");
    let all = sim.raw(Some("bob"), Method::GET, "/portfolio/positions?settlement_status=settled", None).await.json();
    assert_eq!(all["market_positions"][0]["position_fp"], "0.00");
    assert_eq!(sim.admin(Method::POST, "/markets/NOPE/close", None).await.status, 404);

    let consistency = sim.admin(Method::GET, "/consistency", None).await;
    assert_eq!(
        (consistency.status, consistency.json()["consistent"].as_bool()),
        (200, Some(true)),
        "{}",
        consistency.text
    );
    sim.server.shutdown().await;
}
