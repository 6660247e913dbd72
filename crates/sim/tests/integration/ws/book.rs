//! Order-book frames: snapshot = REST book, deltas for every change, shapes of Kalshi's
//! captured frames, and the rebuild property.

use std::time::Duration;

use kmm_kalshi::ws::messages::Frame;
use kmm_model::{ClientOrderId, OrderId, Outcome, Qty, Side};
use kmm_sim::faults::FaultConfig;
use kmm_sim::server::now_ms;
use kmm_sim::{AmendRequest, Decrease, ExpirationChange, UserId};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::support::{Books, M1, M2, Sim, cents, contracts, model, t};

/// Captured July 2026 session (Kalshi demo), one frame per line.
const JULY: &str = include_str!("../../../../kalshi/tests/fixtures/ws/ws-session-2026-07-01.jsonl");

/// The first captured frame of `kind`.
pub fn captured(kind: &str) -> Value {
    JULY.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["type"] == kind)
        .unwrap_or_else(|| panic!("no captured {kind} frame"))
}

/// A value's shape: objects keep their keys, arrays their first element's shape, strings are
/// classified (`uuid`, `decimal4`, `rfc3339`, ...), numbers are `int` or `float`.
pub fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::String(s) => Value::String(classify(s)),
        Value::Number(n) => Value::String(if n.is_i64() || n.is_u64() { "int" } else { "float" }.into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Null => Value::String("null".into()),
    }
}

fn classify(s: &str) -> String {
    let hex_groups: Vec<usize> = s.split('-').map(str::len).collect();
    if hex_groups == [8, 4, 4, 4, 12] && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit()) {
        return "uuid".into();
    }
    if let Some((whole, frac)) = s.trim_start_matches('-').split_once('.')
        && !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
    {
        return format!("decimal{}", frac.len());
    }
    if s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T') && s.ends_with('Z') {
        return "rfc3339".into();
    }
    "string".into()
}

#[tokio::test]
async fn snapshot_equals_the_rest_book_and_every_change_sends_a_delta() {
    let sim = Sim::start(FaultConfig::default()).await;
    sim.place("carol", M1, Side::Bid, 40, 10, None);
    sim.place("carol", M1, Side::Bid, 38, 5, None);
    sim.place("bob", M1, Side::Ask, 55, 3, Some("bob-1"));
    let mut alice = sim.connect(&sim.alice).await;
    let mut bob = sim.connect(&sim.bob).await;
    for ws in [&mut alice, &mut bob] {
        ws.send(
            json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_tickers": [M1]}}),
        )
        .await;
        let Frame::Subscribed(_) = ws.frame().await else { panic!("subscribed") };
        let Frame::OrderbookSnapshot(snap) = ws.frame().await else { panic!("snapshot") };
        assert_eq!(snap.seq, Some(1), "a sid's first frame is seq 1");
        assert_eq!(snap.msg.yes_levels(), sim.book(M1).yes.as_slice(), "YES bids as the REST book, ascending");
        assert_eq!(snap.msg.no_levels(), sim.book(M1).no.as_slice(), "NO bids as the REST book");
        assert_eq!(snap.msg.no_levels(), [(cents(45), contracts(3))], "an ask at 55 is a NO bid at 45");
    }

    // Bob's own order: he sees its client order id, alice does not.
    sim.place("bob", M1, Side::Bid, 41, 2, Some("bob-2"));
    let Frame::OrderbookDelta(d) = bob.frame().await else { panic!() };
    assert_eq!(
        (d.seq, d.msg.side, d.msg.price_dollars, d.msg.delta_fp),
        (Some(2), Outcome::Yes, cents(41), contracts(2))
    );
    assert_eq!((d.msg.client_order_id.as_ref().map(ClientOrderId::as_str), d.msg.subaccount), (Some("bob-2"), Some(0)));
    let Frame::OrderbookDelta(d) = alice.frame().await else { panic!() };
    assert_eq!((d.msg.client_order_id, d.msg.subaccount), (None, None), "another user's order is anonymous");

    // A taker sweeping two levels: one delta per level, negative.
    sim.place("alice", M1, Side::Ask, 40, 4, None);
    let mut books = Books::default();
    let snapshot = sim.book(M1);
    let mut deltas = Vec::new();
    for _ in 0..2 {
        let Frame::OrderbookDelta(d) = alice.frame().await else { panic!() };
        deltas.push((d.msg.side, d.msg.price_dollars, d.msg.delta_fp));
    }
    assert_eq!(deltas, [(Outcome::Yes, cents(41), contracts(-2)), (Outcome::Yes, cents(40), contracts(-2))]);
    let Frame::OrderbookDelta(d) = bob.frame().await else { panic!() };
    assert_eq!(d.msg.client_order_id.as_ref().map(ClientOrderId::as_str), Some("bob-2"), "his order was hit");
    // get_snapshot agrees with the REST book.
    alice.send(json!({"id": 2, "cmd": "update_subscription", "params": {"sid": 1, "action": "get_snapshot"}})).await;
    let ok = alice.frame().await;
    assert!(matches!(ok, Frame::Ok(_)), "{ok:?}");
    let snap = alice.frame().await;
    books.apply(&snap);
    assert_eq!(books.book(M1), model(&snapshot));
}

#[tokio::test]
async fn book_frames_have_the_captured_shapes() {
    let sim = Sim::start(FaultConfig::default()).await;
    sim.place("carol", M1, Side::Bid, 40, 10, None);
    sim.place("carol", M1, Side::Ask, 60, 5, None);
    let mut ws = sim.connect(&sim.alice).await;
    ws.send(json!({"id": 2, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_tickers": [M1]}}))
        .await;
    let (subscribed, _) = ws.next().await;
    let (snapshot, _) = ws.next().await;
    sim.place("carol", M1, Side::Bid, 41, 1, None);
    let (delta, _) = ws.next().await;
    ws.send(json!({"id": 6, "cmd": "update_subscription", "params": {"sid": 1, "action": "add_markets", "market_tickers": [M2]}})).await;
    let (ok, _) = ws.next().await;
    for (kind, ours) in
        [("subscribed", subscribed), ("orderbook_snapshot", snapshot), ("orderbook_delta", delta), ("ok", ok)]
    {
        let ours: Value = serde_json::from_str(&ours).unwrap();
        assert_eq!(shape(&ours), shape(&captured(kind)), "{kind}: same keys and value formats as Kalshi's");
    }
}

// ---------------------------------------------------------------------------------------------
// The rebuild property
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Place { user: usize, market: usize, bid: bool, price: i64, units: i64, coid: bool },
    Cancel { pick: usize },
    Amend { pick: usize, price_move: i64, extra_units: i64 },
    Decrease { pick: usize, by_units: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..3_usize, 0..2_usize, any::<bool>(), 35..66_i64, 1..2_000_i64, any::<bool>())
            .prop_map(|(user, market, bid, price, units, coid)| Op::Place { user, market, bid, price, units, coid }),
        2 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        2 => (any::<usize>(), -3..4_i64, 0..500_i64)
            .prop_map(|(pick, price_move, extra_units)| Op::Amend { pick, price_move, extra_units }),
        1 => (any::<usize>(), 1..300_i64).prop_map(|(pick, by_units)| Op::Decrease { pick, by_units }),
    ]
}

const USERS: [&str; 3] = ["alice", "bob", "carol"];
const MARKETS: [&str; 2] = [M1, M2];

/// Runs `ops` against the exchange while alice's socket is subscribed to both markets, then
/// checks that snapshot + deltas rebuild the REST book, with no seq gap.
async fn rebuild_case(ops: Vec<Op>) {
    let sim = Sim::start(FaultConfig::default()).await;
    // Some resting liquidity before the subscription, so the snapshot is not empty.
    sim.place("carol", M1, Side::Bid, 45, 7, None);
    sim.place("bob", M2, Side::Ask, 52, 3, None);
    let mut ws = sim.connect(&sim.alice).await;
    ws.send(
        json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_tickers": MARKETS}}),
    )
    .await;
    let mut books = Books::default();
    let mut orders: Vec<(UserId, OrderId)> = Vec::new();
    let mut alice_coids = Vec::new();
    for (i, op) in ops.into_iter().enumerate() {
        sim.state.mutate(|ex| {
            let now = now_ms();
            match op {
                Op::Place { user, market, bid, price, units, coid } => {
                    let user = UserId::new(USERS[user]);
                    let side = if bid { Side::Bid } else { Side::Ask };
                    let mut request =
                        kmm_sim::OrderRequest::new(t(MARKETS[market]), side, cents(price), Qty::from_units(units));
                    if coid {
                        let id = ClientOrderId::new(format!("{user}-{i}"));
                        if user.as_str() == "alice" {
                            alice_coids.push(id.clone());
                        }
                        request.client_order_id = Some(id);
                    }
                    if let Ok(order) = ex.create_order(&user, request, now) {
                        orders.push((user, order.order_id));
                    }
                }
                Op::Cancel { pick } if !orders.is_empty() => {
                    let (user, id) = &orders[pick % orders.len()];
                    let _ = ex.cancel_order(user, id, now);
                }
                Op::Amend { pick, price_move, extra_units } if !orders.is_empty() => {
                    let (user, id) = &orders[pick % orders.len()];
                    if let Ok(order) = ex.order(user, id) {
                        let price = cents((order.price.units() / 100 + price_move).clamp(1, 99));
                        let count = Qty::from_units(order.initial.units() + extra_units);
                        let request = AmendRequest {
                            ticker: order.ticker,
                            side: order.side,
                            price,
                            count,
                            updated_client_order_id: None,
                            expiration: ExpirationChange::Keep,
                        };
                        let _ = ex.amend_order(user, id, request, now);
                    }
                }
                Op::Decrease { pick, by_units } if !orders.is_empty() => {
                    let (user, id) = &orders[pick % orders.len()];
                    let _ = ex.decrease_order(user, id, Decrease::By(Qty::from_units(by_units)), now);
                }
                Op::Cancel { .. } | Op::Amend { .. } | Op::Decrease { .. } => {}
            }
        });
    }
    // get_snapshot is a barrier: its `ok` comes after every delta of the changes above.
    ws.send(json!({"id": 2, "cmd": "update_subscription", "params": {"sid": 1, "action": "get_snapshot", "market_tickers": [M1]}})).await;
    loop {
        let frame = ws.frame().await;
        if let Frame::OrderbookDelta(d) = &frame
            && let Some(coid) = &d.msg.client_order_id
        {
            assert!(alice_coids.contains(coid), "alice saw someone else's client order id {coid}");
        }
        let done = matches!(&frame, Frame::Ok(ok) if ok.id == Some(2));
        books.apply(&frame);
        if done {
            break;
        }
    }
    for market in MARKETS {
        assert_eq!(books.book(market), model(&sim.book(market)), "{market}: snapshot + deltas = the REST book");
    }
    let Frame::OrderbookSnapshot(fresh) = ws.frame().await else { panic!("get_snapshot's snapshot") };
    assert_eq!(fresh.msg.yes_levels(), sim.book(M1).yes.as_slice());
    assert_eq!(books.last_seq[&1] + 1, fresh.seq.unwrap(), "no gap before the fresh snapshot either");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn snapshot_plus_deltas_rebuild_the_rest_book(ops in prop::collection::vec(op(), 1..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), rebuild_case(ops)).await })
            .expect("case finished in time");
    }
}
