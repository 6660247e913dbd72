#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use kmm_model::{MarketTicker, Money, OrderId, Position, Qty, Side};

use super::*;
use crate::clock::{Clock, ManualClock};
use crate::intent::{OrderAction, Quote};
use crate::oms::tests::{m, px, q, rest, send_place, tracker};
use crate::oms::{Delivery, OrderTracker};

const NOW: i64 = 1_000_000;

fn dollars(d: i64) -> Money {
    Money::from_micros(d * Money::SCALE)
}

/// Roomy limits so that only the limit under test binds.
fn limits() -> RiskLimits {
    RiskLimits {
        max_position: q(10),
        max_total_exposure: dollars(1_000),
        max_orders_per_sec: 1_000,
        order_burst: 1_000,
        ..RiskLimits::default()
    }
}

fn gate(limits: RiskLimits) -> RiskGate {
    RiskGate::new(limits).unwrap()
}

fn fresh(_: &MarketTicker) -> Option<i64> {
    Some(NOW)
}

fn view<'a>(tr: &'a OrderTracker, positions: &'a BTreeMap<MarketTicker, Position>, pnl: Money) -> RiskView<'a> {
    RiskView { orders: tr, positions, pnl, book_time_ms: &fresh }
}

/// A position built from one fill.
fn positioned(ticker: &MarketTicker, side: Side, cents: i64, contracts: i64) -> BTreeMap<MarketTicker, Position> {
    let mut p = Position::flat(ticker.clone());
    p.apply(side, px(cents), q(contracts), Money::ZERO).unwrap();
    BTreeMap::from([(ticker.clone(), p)])
}

fn place_in(tr: &mut OrderTracker, ticker: &MarketTicker, side: Side, cents: i64, contracts: i64) -> OrderAction {
    let quote = Quote { ticker: ticker.clone(), side, price: px(cents), size: q(contracts) };
    OrderAction::Place { client_order_id: tr.next_client_order_id(), quote }
}

fn place(tr: &mut OrderTracker, side: Side, cents: i64, contracts: i64) -> OrderAction {
    place_in(tr, &m(), side, cents, contracts)
}

fn rest_in(tr: &mut OrderTracker, ticker: &MarketTicker, side: Side, oid: &str) -> OrderId {
    let action = place_in(tr, ticker, side, 50, 1);
    tr.on_sent(&action, 0).unwrap();
    let OrderAction::Place { client_order_id, .. } = &action else { unreachable!() };
    tr.on_create_ack(client_order_id, &OrderId::new(oid), Qty::ZERO, q(1), 1).unwrap();
    OrderId::new(oid)
}

fn cancel(oid: &OrderId, ticker: &MarketTicker) -> OrderAction {
    OrderAction::Cancel { order_id: oid.clone(), ticker: ticker.clone() }
}

#[test]
fn position_limit_counts_resting_in_flight_and_unknown_orders_at_worst_case() {
    // Limit 10, long 6, a bid of 3 resting / just sent / of unknown outcome.
    for how in ["resting", "in flight", "unknown"] {
        let mut tr = tracker();
        match how {
            "resting" => drop(rest(&mut tr, Side::Bid, 40, 3, "o1")),
            "in flight" => drop(send_place(&mut tr, Side::Bid, 40, 3, 0)),
            _ => {
                let sent = send_place(&mut tr, Side::Bid, 40, 3, 0);
                tr.on_request_failed(&sent, Delivery::Unknown, 1).unwrap();
            }
        }
        let positions = positioned(&m(), Side::Bid, 50, 6);
        let (bid2, bid1, ask2) =
            (place(&mut tr, Side::Bid, 41, 2), place(&mut tr, Side::Bid, 41, 1), place(&mut tr, Side::Ask, 60, 2));
        let mut g = gate(limits());
        let v = view(&tr, &positions, Money::ZERO);
        assert_eq!(
            g.check(&bid2, &v, NOW),
            Err(Denial::PositionLimit { ticker: m(), side: Side::Bid, worst_case: q(11), limit: q(10) }),
            "{how}: 6 + 3 + 2 > 10"
        );
        assert_eq!(g.check(&bid1, &v, NOW), Ok(()), "{how}: 6 + 3 + 1 = 10 is at the limit");
        assert_eq!(g.check(&ask2, &v, NOW), Ok(()), "{how}: an ask only lowers the long worst case");
    }
}

#[test]
fn position_limit_checks_the_short_side_independently() {
    let mut tr = tracker();
    rest(&mut tr, Side::Ask, 60, 3, "o1");
    let positions = positioned(&m(), Side::Ask, 50, 6);
    let (ask2, ask1, bid5) =
        (place(&mut tr, Side::Ask, 59, 2), place(&mut tr, Side::Ask, 59, 1), place(&mut tr, Side::Bid, 40, 5));
    let mut g = gate(limits());
    let v = view(&tr, &positions, Money::ZERO);
    assert_eq!(
        g.check(&ask2, &v, NOW),
        Err(Denial::PositionLimit { ticker: m(), side: Side::Ask, worst_case: q(11), limit: q(10) })
    );
    assert_eq!(g.check(&ask1, &v, NOW), Ok(()));
    assert_eq!(g.check(&bid5, &v, NOW), Ok(()), "bids reduce a short");
}

#[test]
fn amend_counts_the_larger_of_old_and_new_size() {
    let mut tr = tracker();
    let (c, o) = rest(&mut tr, Side::Bid, 40, 3, "o1");
    let amend = |size| OrderAction::Amend {
        order_id: o.clone(),
        client_order_id: c.clone(),
        quote: Quote { ticker: m(), side: Side::Bid, price: px(41), size: q(size) },
    };
    let mut g = gate(limits());
    let positions = positioned(&m(), Side::Bid, 50, 6);
    let v = view(&tr, &positions, Money::ZERO);
    assert_eq!(g.check(&amend(4), &v, NOW), Ok(()), "6 + 4 = 10");
    assert!(
        matches!(g.check(&amend(5), &v, NOW), Err(Denial::PositionLimit { worst_case, .. }) if worst_case == q(11))
    );
    // Already over the limit (fills can overshoot): shrinking is allowed, growing is not.
    let over = positioned(&m(), Side::Bid, 50, 12);
    let v = view(&tr, &over, Money::ZERO);
    assert_eq!(g.check(&amend(1), &v, NOW), Ok(()), "an amend down never adds risk");
}

#[test]
fn exposure_limit_sums_worst_case_loss_over_markets() {
    let mut tr = tracker();
    rest(&mut tr, Side::Bid, 50, 10, "o1"); // $5 at risk if it fills and settles NO
    let mut g = gate(RiskLimits { max_position: q(1_000), max_total_exposure: dollars(10), ..limits() });
    let at_50 = place(&mut tr, Side::Bid, 50, 10);
    let at_51 = place(&mut tr, Side::Bid, 51, 10);
    let ask = place(&mut tr, Side::Ask, 50, 10);
    let none = BTreeMap::new();
    let v = view(&tr, &none, Money::ZERO);
    assert_eq!(g.check(&at_50, &v, NOW), Ok(()), "$5 + $5 = $10 is at the limit");
    assert_eq!(
        g.check(&at_51, &v, NOW),
        Err(Denial::ExposureLimit { exposure: Money::from_micros(10_100_000), limit: dollars(10) })
    );
    assert_eq!(g.check(&ask, &v, NOW), Ok(()), "bids and asks cannot both fill against us: max($5, $5)");

    // Another market long 10 at 50¢ puts $5 more at risk: now $10 in all.
    let other = MarketTicker::new("N");
    let positions = positioned(&other, Side::Bid, 50, 10);
    let tiny = place(&mut tr, Side::Bid, 1, 1);
    let v = view(&tr, &positions, Money::ZERO);
    assert!(matches!(g.check(&tiny, &v, NOW), Err(Denial::ExposureLimit { .. })), "$10.0001 > $10");
    assert_eq!(g.check(&ask, &v, NOW), Ok(()), "an order that adds no exposure passes at the limit");
    assert_eq!(RiskGate::exposure(&v), dollars(10));
}

#[test]
fn daily_loss_denies_at_the_limit_and_latches_until_reset() {
    let mut tr = tracker();
    let (_, o1) = rest(&mut tr, Side::Bid, 40, 1, "o1");
    let order = place(&mut tr, Side::Bid, 40, 1);
    let mut g = gate(limits()); // $50 limit
    let none = BTreeMap::new();

    let v = view(&tr, &none, Money::from_micros(-49_999_999));
    assert_eq!(g.check(&order, &v, NOW), Ok(()), "just above the limit");
    assert!(g.evaluate(&v, NOW).is_empty());

    let v = view(&tr, &none, dollars(-50));
    assert_eq!(g.check(&order, &v, NOW), Err(Denial::DailyLoss { pnl: dollars(-50), limit: dollars(50) }));
    let events = g.evaluate(&v, NOW);
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!((&e.scope, e.from, e.to), (&Scope::Global, TradingState::Active, TradingState::Halted));
    assert!(e.reason.contains("daily loss"), "{}", e.reason);
    assert_eq!(e.cancels, vec![cancel(&o1, &m())], "halting cancels every live order");

    let recovered = view(&tr, &none, Money::ZERO);
    assert!(matches!(g.check(&order, &recovered, NOW), Err(Denial::Halted { scope: Scope::Global, .. })), "latched");
    assert_eq!(g.check(&cancel(&o1, &m()), &recovered, NOW), Ok(()), "cancels always pass");
    assert!(g.evaluate(&recovered, NOW + 1).is_empty(), "no automatic recovery");
    assert_eq!(g.reset(&Scope::Global, "risk-officer"), Ok(true));
    let events = g.evaluate(&recovered, NOW + 2);
    assert_eq!(events.iter().map(|e| e.to).collect::<Vec<_>>(), [TradingState::Active]);
    assert_eq!(g.check(&order, &recovered, NOW + 2), Ok(()));
}

#[test]
fn kill_switch_latches_cancels_everything_and_needs_a_named_reset() {
    let mut tr = tracker();
    let other = MarketTicker::new("N");
    let o1 = rest_in(&mut tr, &m(), Side::Bid, "o1");
    let unacked = send_place(&mut tr, Side::Ask, 60, 1, 2);
    let o2 = rest_in(&mut tr, &other, Side::Ask, "o2");
    let mut g = gate(limits());
    let cancels = g.kill(&Scope::Global, "tray", NOW, &tr);
    assert_eq!(cancels, vec![cancel(&o1, &m()), cancel(&o2, &other)], "every order with an exchange id");
    assert_eq!(tr.unresolved_creates().len(), 1, "the unacknowledged create is the sweep's to chase: {unacked:?}");

    let (in_m, in_n) = (place(&mut tr, Side::Bid, 40, 1), place_in(&mut tr, &other, Side::Bid, 40, 1));
    let none = BTreeMap::new();
    let v = view(&tr, &none, Money::ZERO);
    let halted = Err(Denial::Halted { scope: Scope::Global, reason: "kill switch: tray".into() });
    assert_eq!(g.check(&in_m, &v, NOW), halted);
    assert_eq!(g.check(&in_n, &v, NOW), halted);
    assert_eq!(g.check(&cancel(&o1, &m()), &v, NOW), Ok(()));
    g.kill(&Scope::Global, "cli", NOW + 1, &tr);
    assert_eq!(g.check(&in_m, &v, NOW), halted, "engaging again keeps the first reason");
    assert_eq!(g.state(&m(), NOW), TradingState::Halted);

    assert_eq!(g.reset(&Scope::Global, " "), Err(ResetError::Anonymous));
    assert_eq!(g.check(&in_m, &v, NOW), halted, "still latched");
    assert_eq!(g.reset(&Scope::Global, "alice"), Ok(true));
    assert_eq!(g.check(&in_m, &v, NOW), Ok(()));
    assert_eq!(g.denials().get(&DenialKind::Halted), Some(&4), "every refusal is counted");
}

#[test]
fn market_kill_switch_leaves_other_markets_active() {
    let mut tr = tracker();
    let other = MarketTicker::new("N");
    let o1 = rest_in(&mut tr, &m(), Side::Bid, "o1");
    rest_in(&mut tr, &other, Side::Bid, "o2");
    let mut g = gate(limits());
    let cancels = g.kill(&Scope::Market(m()), "bad fills", NOW, &tr);
    assert_eq!(cancels, vec![cancel(&o1, &m())], "only that market's orders");
    let (in_m, in_n) = (place(&mut tr, Side::Bid, 40, 1), place_in(&mut tr, &other, Side::Bid, 40, 1));
    let none = BTreeMap::new();
    let v = view(&tr, &none, Money::ZERO);
    assert!(matches!(g.check(&in_m, &v, NOW), Err(Denial::Halted { scope: Scope::Market(t), .. }) if t == m()));
    assert_eq!(g.check(&in_n, &v, NOW), Ok(()));
    assert_eq!((g.state(&m(), NOW), g.state(&other, NOW)), (TradingState::Halted, TradingState::Active));
    assert_eq!(g.halt_reason(&m(), NOW).as_deref(), Some("kill switch: bad fills"));
    let events = g.evaluate(&v, NOW);
    assert_eq!(events.len(), 1, "the UI hears about it: {events:?}");
    assert_eq!((events[0].scope.clone(), events[0].to), (Scope::Market(m()), TradingState::Halted));
}

#[test]
fn fill_rate_moves_a_market_to_reducing_which_allows_only_reducing_orders() {
    let mut tr = tracker();
    let (_, bid) = rest(&mut tr, Side::Bid, 40, 1, "o1");
    let (ask_c, ask) = rest(&mut tr, Side::Ask, 60, 2, "o2");
    let positions = positioned(&m(), Side::Bid, 50, 5);
    let mut g = gate(RiskLimits { max_fills_per_min: 3, fill_cooldown_ms: 10_000, ..limits() });
    let (books_10s, books_70s) = (|_: &MarketTicker| Some(NOW + 10_000), |_: &MarketTicker| Some(NOW + 70_000));
    for _ in 0..3 {
        g.record_fill(&m(), NOW);
    }
    let v = view(&tr, &positions, Money::ZERO);
    assert!(g.evaluate(&v, NOW).is_empty(), "3 fills a minute is at the limit");
    g.record_fill(&m(), NOW);
    let events = g.evaluate(&v, NOW);
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].scope.clone(), events[0].to), (Scope::Market(m()), TradingState::Reducing));
    assert_eq!(events[0].cancels, vec![cancel(&bid, &m())], "the bid would grow the long position");

    // Long 5 with an ask of 2 resting: asks up to 3 more close it, 4 would flip it short.
    let (ask3, ask4, bid1) =
        (place(&mut tr, Side::Ask, 55, 3), place(&mut tr, Side::Ask, 55, 4), place(&mut tr, Side::Bid, 40, 1));
    let shrink = OrderAction::Amend {
        order_id: ask,
        client_order_id: ask_c,
        quote: Quote { ticker: m(), side: Side::Ask, price: px(61), size: q(1) },
    };
    let v = view(&tr, &positions, Money::ZERO);
    assert_eq!(g.check(&ask3, &v, NOW), Ok(()));
    let reducing = Err(Denial::ReducingOnly { ticker: m(), scope: Scope::Market(m()) });
    assert_eq!(g.check(&ask4, &v, NOW), reducing);
    assert_eq!(g.check(&bid1, &v, NOW), reducing);
    assert_eq!(g.check(&shrink, &v, NOW), Ok(()), "shrinking an order grows nothing");
    let v = RiskView { book_time_ms: &books_10s, ..v };
    assert!(g.evaluate(&v, NOW + 10_000).is_empty(), "the rate is still high: the cool-down restarts");
    assert_eq!(g.state(&m(), NOW + 10_000), TradingState::Reducing);

    let later = RiskView { book_time_ms: &books_70s, ..v };
    let events = g.evaluate(&later, NOW + 70_000);
    assert_eq!(events.iter().map(|e| e.to).collect::<Vec<_>>(), [TradingState::Active], "cool-down over");
    assert_eq!(g.check(&bid1, &later, NOW + 70_000), Ok(()));
}

#[test]
fn order_rate_is_a_token_bucket_on_the_engine_clock() {
    let clock = ManualClock::new(NOW);
    let mut tr = tracker();
    let o1 = rest_in(&mut tr, &m(), Side::Bid, "o1");
    let orders: Vec<_> = (0..4).map(|_| place(&mut tr, Side::Bid, 40, 1)).collect();
    let mut g = gate(RiskLimits { max_orders_per_sec: 2, order_burst: 2, ..limits() });
    let none = BTreeMap::new();
    let v = view(&tr, &none, Money::ZERO);
    assert_eq!(g.check(&orders[0], &v, clock.now_ms()), Ok(()));
    assert_eq!(g.check(&orders[1], &v, clock.now_ms()), Ok(()));
    assert_eq!(g.check(&orders[2], &v, clock.now_ms()), Err(Denial::OrderRate { per_sec: 2 }));
    assert_eq!(g.check(&cancel(&o1, &m()), &v, clock.now_ms()), Ok(()), "cancels are never rate limited");
    clock.advance(499);
    assert_eq!(g.check(&orders[2], &v, clock.now_ms()), Err(Denial::OrderRate { per_sec: 2 }));
    clock.advance(1);
    assert_eq!(g.check(&orders[2], &v, clock.now_ms()), Ok(()), "one token per 500 ms at 2/s");
    assert_eq!(g.denials().get(&DenialKind::OrderRate), Some(&2));
}

#[test]
fn open_order_limits_per_market_and_in_total() {
    let mut tr = tracker();
    let other = MarketTicker::new("N");
    rest_in(&mut tr, &m(), Side::Bid, "o1");
    let mut g = gate(RiskLimits { max_open_orders_per_market: 2, max_open_orders: 3, ..limits() });
    let none = BTreeMap::new();
    let second = place(&mut tr, Side::Bid, 40, 1);
    assert_eq!(g.check(&second, &view(&tr, &none, Money::ZERO), NOW), Ok(()), "1 open, limit 2");
    tr.on_sent(&second, 1).unwrap();
    let third = place(&mut tr, Side::Bid, 39, 1);
    assert_eq!(
        g.check(&third, &view(&tr, &none, Money::ZERO), NOW),
        Err(Denial::MaxOpenOrders { scope: Scope::Market(m()), open: 2, limit: 2 }),
        "an order in flight counts as open"
    );
    rest_in(&mut tr, &other, Side::Bid, "o3");
    let in_other = place_in(&mut tr, &other, Side::Bid, 40, 1);
    assert_eq!(
        g.check(&in_other, &view(&tr, &none, Money::ZERO), NOW),
        Err(Denial::MaxOpenOrders { scope: Scope::Global, open: 3, limit: 3 })
    );
}

#[test]
fn stale_book_denies_quoting_and_halts_the_market_until_fresh() {
    let mut tr = tracker();
    let o1 = rest_in(&mut tr, &m(), Side::Bid, "o1");
    let order = place(&mut tr, Side::Bid, 40, 1);
    let mut g = gate(limits()); // 5 000 ms
    let none = BTreeMap::new();
    let at = |book_ms: Option<i64>| move |_: &MarketTicker| book_ms;
    let (edge, old, missing) = (at(Some(NOW - 5_000)), at(Some(NOW - 5_001)), at(None));
    let v = RiskView { orders: &tr, positions: &none, pnl: Money::ZERO, book_time_ms: &edge };
    assert_eq!(g.check(&order, &v, NOW), Ok(()), "exactly 5 000 ms old is still fresh");
    let v = RiskView { book_time_ms: &old, ..v };
    assert_eq!(g.check(&order, &v, NOW), Err(Denial::StaleBook { ticker: m(), age_ms: Some(5_001) }));
    let events = g.evaluate(&v, NOW);
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].scope.clone(), events[0].to), (Scope::Market(m()), TradingState::Halted));
    assert!(events[0].reason.contains("stale book"), "{}", events[0].reason);
    assert_eq!(events[0].cancels, vec![cancel(&o1, &m())]);
    let v = RiskView { book_time_ms: &missing, ..v };
    assert_eq!(g.check(&order, &v, NOW), Err(Denial::StaleBook { ticker: m(), age_ms: None }));
    let v = RiskView { book_time_ms: &edge, ..v };
    let events = g.evaluate(&v, NOW);
    assert_eq!(events.iter().map(|e| e.to).collect::<Vec<_>>(), [TradingState::Active], "fresh again");
}

#[test]
fn malformed_actions_are_invalid() {
    let mut tr = tracker();
    let zero = place(&mut tr, Side::Bid, 40, 0);
    let free = OrderAction::Place {
        client_order_id: tr.next_client_order_id(),
        quote: Quote { ticker: m(), side: Side::Bid, price: kmm_model::Price::ZERO, size: q(1) },
    };
    let ghost = OrderAction::Amend {
        order_id: OrderId::new("nope"),
        client_order_id: tr.next_client_order_id(),
        quote: Quote { ticker: m(), side: Side::Bid, price: px(40), size: q(1) },
    };
    let mut g = gate(limits());
    let none = BTreeMap::new();
    let v = view(&tr, &none, Money::ZERO);
    for action in [&zero, &free, &ghost] {
        assert!(matches!(g.check(action, &v, NOW), Err(Denial::Invalid { .. })), "{action:?}");
    }
    assert_eq!(g.denials().get(&DenialKind::Invalid), Some(&3));
    let text = Denial::PositionLimit { ticker: m(), side: Side::Ask, worst_case: q(11), limit: q(10) }.to_string();
    assert_eq!(text, "M: worst-case short position 11.00 would exceed the limit 10.00");
}
