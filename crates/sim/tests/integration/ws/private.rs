//! Private channels go only to their owner; public trade, ticker and lifecycle frames.

use std::time::Duration;

use kmm_kalshi::ws::messages::{Action, Frame};
use kmm_model::{Outcome, Side};
use kmm_sim::faults::FaultConfig;
use kmm_sim::server::now_ms;
use kmm_sim::{SettlementResult, UserId};
use serde_json::{Value, json};

use super::book::{captured, shape};
use super::support::{M1, M2, Raw, Sim, cents, contracts, t};

async fn subscribe(ws: &mut Raw, channels: &[&str]) {
    ws.send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": channels}})).await;
    for _ in channels {
        let Frame::Subscribed(_) = ws.frame().await else { panic!("subscribed") };
    }
}

#[tokio::test]
async fn fills_go_only_to_their_owner_with_the_captured_shape_sides_and_fees() {
    let sim = Sim::start(FaultConfig::default()).await;
    let mut alice = sim.connect(&sim.alice).await;
    let mut bob = sim.connect(&sim.bob).await;
    subscribe(&mut alice, &["fill"]).await;
    subscribe(&mut bob, &["fill"]).await;

    // Bob rests an ask (sells YES = buys NO); alice lifts it: alice is the YES-buying taker.
    let bob_order = sim.place("bob", M1, Side::Ask, 17, 10, None);
    let alice_order = sim.place("alice", M1, Side::Bid, 17, 4, None);

    let (alice_text, Frame::Fill(a)) = alice.next().await else { panic!("alice's fill") };
    let (bob_text, Frame::Fill(b)) = bob.next().await else { panic!("bob's fill") };
    let (alice_fills, bob_fills) = sim.state.mutate(|ex| {
        (ex.fills(&UserId::new("alice")).unwrap().to_vec(), ex.fills(&UserId::new("bob")).unwrap().to_vec())
    });

    assert_eq!(a.msg.order_id, alice_order.order_id);
    assert!(a.msg.is_taker);
    assert_eq!(
        (a.msg.side, a.msg.purchased_side, a.msg.action),
        (Some(Outcome::Yes), Some(Outcome::Yes), Some(Action::Buy))
    );
    assert_eq!(
        (a.msg.yes_price_dollars, a.msg.count_fp, a.msg.post_position_fp),
        (cents(17), contracts(4), Some(contracts(4)))
    );
    assert_eq!(a.msg.fee_cost, Some(alice_fills[0].fill.fee), "the exchange's taker fee");
    assert_eq!(a.msg.fee_cost.unwrap().to_string(), "0.039600", "ceil(0.07 × 4 × 0.17 × 0.83) to $0.0001");

    assert_eq!(b.msg.order_id, bob_order.order_id);
    assert!(!b.msg.is_taker);
    assert_eq!(b.msg.side, Some(Outcome::Yes), "`side` is the taker's side, inverted on a maker fill");
    assert_eq!(b.msg.purchased_side, Some(Outcome::No), "bob bought NO");
    assert_eq!(b.msg.purchased(), Some(Outcome::No));
    assert_eq!(b.msg.action, Some(Action::Sell), "sold YES = bought NO");
    assert_eq!(b.msg.book_side, Some(Side::Ask));
    assert_eq!(b.msg.post_position_fp, Some(contracts(-4)), "NO is a negative position");
    assert_eq!(b.msg.fee_cost, Some(bob_fills[0].fill.fee), "the exchange's maker fee");
    assert_eq!(a.msg.trade_id, b.msg.trade_id, "one trade, two fills");

    // The shape of Kalshi's captured fill frames: same keys, same value formats, no seq.
    let reference = shape(&captured("fill"));
    for text in [&alice_text, &bob_text] {
        let ours: Value = serde_json::from_str(text).unwrap();
        assert_eq!(shape(&ours), reference, "fill frame shape: {text}");
    }

    // Nobody sees another user's fills: a trade between bob and carol reaches only bob.
    sim.place("carol", M1, Side::Bid, 17, 1, None);
    let Frame::Fill(b2) = bob.frame().await else { panic!() };
    assert_eq!(b2.msg.count_fp, contracts(1));
    let leaked = alice.drain(Duration::from_millis(150)).await;
    assert!(leaked.is_empty(), "alice received someone else's fill: {leaked:?}");
}

#[tokio::test]
async fn positions_and_order_updates_are_private_and_filtered_by_market() {
    let sim = Sim::start(FaultConfig::default()).await;
    let mut alice = sim.connect(&sim.alice).await;
    alice.send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["market_positions", "user_orders"], "market_tickers": [M1]}})).await;
    for _ in 0..2 {
        let Frame::Subscribed(_) = alice.frame().await else { panic!() };
    }
    sim.place("bob", M1, Side::Ask, 60, 5, None);
    let order = sim.place("alice", M1, Side::Bid, 60, 2, Some("a-1"));
    sim.place("alice", M2, Side::Bid, 30, 2, None); // another market: filtered out
    sim.place("carol", M1, Side::Bid, 30, 2, None); // another user: not shown
    let frames = alice.drain(Duration::from_millis(200)).await;
    let positions: Vec<_> =
        frames.iter().filter_map(|f| if let Frame::MarketPosition(p) = f { Some(&p.msg) } else { None }).collect();
    let orders: Vec<_> =
        frames.iter().filter_map(|f| if let Frame::UserOrder(o) = f { Some(&o.msg) } else { None }).collect();
    assert_eq!(positions.len(), 1, "{frames:?}");
    assert_eq!((positions[0].market_ticker.as_str(), positions[0].position_fp), (M1, contracts(2)));
    assert_eq!(positions[0].position_cost_dollars.unwrap().to_string(), "1.200000", "2 YES at 0.60");
    assert_eq!(orders.len(), 1, "one update of alice's M1 order: {frames:?}");
    assert_eq!(orders[0].order_id, order.order_id);
    assert_eq!(orders[0].status.as_deref(), Some("executed"));
    assert_eq!(orders[0].client_order_id.as_ref().map(|c| c.as_str()), Some("a-1"));
    assert_eq!(orders[0].fill_count_fp, Some(contracts(2)));
}

#[tokio::test]
async fn trades_tickers_and_lifecycle_are_public() {
    let sim = Sim::start(FaultConfig::default()).await;
    sim.place("bob", M1, Side::Ask, 55, 5, None);
    sim.place("bob", M1, Side::Bid, 45, 5, None);
    let mut alice = sim.connect(&sim.alice).await;
    alice.send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["ticker"], "market_tickers": [M1], "send_initial_snapshot": true}})).await;
    let Frame::Subscribed(_) = alice.frame().await else { panic!() };
    let Frame::Ticker(initial) = alice.frame().await else { panic!("initial ticker") };
    assert_eq!((initial.msg.yes_bid_dollars, initial.msg.yes_ask_dollars), (Some(cents(45)), Some(cents(55))));
    subscribe(&mut alice, &["trade", "market_lifecycle_v2"]).await;

    sim.place("carol", M1, Side::Bid, 55, 2, None);
    let frames = alice.drain(Duration::from_millis(200)).await;
    let trade = frames.iter().find_map(|f| if let Frame::Trade(t) = f { Some(&t.msg) } else { None }).expect("a trade");
    assert_eq!(
        (trade.yes_price_dollars, trade.count_fp, trade.taker_outcome_side),
        (cents(55), contracts(2), Some(Outcome::Yes))
    );
    assert_eq!(trade.no_price_dollars, Some(cents(45)));
    let ticker =
        frames.iter().find_map(|f| if let Frame::Ticker(t) = f { Some(&t.msg) } else { None }).expect("a ticker");
    assert_eq!(
        (ticker.price_dollars, ticker.yes_ask_size_fp, ticker.volume_fp),
        (Some(cents(55)), Some(contracts(3)), Some(contracts(2)))
    );

    sim.state.mutate(|ex| ex.settle_market(&t(M1), SettlementResult::Yes, now_ms())).unwrap();
    let frames = alice.drain(Duration::from_millis(200)).await;
    let events: Vec<&str> = frames
        .iter()
        .filter_map(|f| if let Frame::MarketLifecycle(l) = f { Some(l.msg.event_type.as_str()) } else { None })
        .collect();
    assert_eq!(events, ["close_date_updated", "determined", "settled"], "{frames:?}");
    let determined = frames
        .iter()
        .find_map(|f| match f {
            Frame::MarketLifecycle(l) if l.msg.event_type == "determined" => Some(&l.msg),
            _ => None,
        })
        .unwrap();
    assert_eq!((determined.result.as_deref(), determined.settlement_value), (Some("yes"), Some(cents(100))));
}

#[tokio::test]
async fn order_group_updates_reach_their_owner() {
    let sim = Sim::start(FaultConfig::default()).await;
    let mut alice = sim.connect(&sim.alice).await;
    let mut bob = sim.connect(&sim.bob).await;
    subscribe(&mut alice, &["order_group_updates"]).await;
    subscribe(&mut bob, &["order_group_updates"]).await;
    let group = sim.state.mutate(|ex| ex.create_order_group(&UserId::new("alice"), contracts(10), now_ms())).unwrap();
    let (text, frame) = alice.next().await;
    assert_eq!(frame.type_name(), "order_group_updates", "{text}");
    let raw: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(raw["msg"]["event_type"], "created");
    assert_eq!(raw["msg"]["order_group_id"], group.as_str());
    let leaked = bob.drain(Duration::from_millis(150)).await;
    assert!(leaked.is_empty(), "bob saw alice's group: {leaked:?}");
}
