//! Order entry and matching rules.

use kmm_model::{ClientOrderId, FeeSchedule, Money, OrderStatus, Price, Qty, Side};

use super::*;
use crate::market::{MarketConfig, TickGrid};
use crate::order::{CancelReason, SelfTradePrevention, TimeInForce};

#[test]
fn trades_at_the_resting_price_and_rests_the_rest() {
    let mut h = Harness::new();
    let bid = h.place("a", req(Side::Bid, 40, 10));
    assert_eq!((bid.status, bid.remaining), (OrderStatus::Resting, c(10)));
    let ask = h.place("b", req(Side::Ask, 35, 4));
    let events = h.check();
    assert_eq!(trades(&events), vec![(p(40), c(4))], "an ask at 35 hitting a bid at 40 trades at 40");
    assert_eq!((ask.status, ask.filled, ask.remaining), (OrderStatus::Executed, c(4), Qty::ZERO));
    let bid = h.order("a", &bid);
    assert_eq!((bid.status, bid.filled, bid.remaining), (OrderStatus::Resting, c(4), c(6)));
    assert_eq!((h.position("a"), h.position("b")), (c(4), c(-4)));
    assert_eq!(
        ask.taker_fill_cost,
        dollars(4).checked_sub(Money::from_cents(160).unwrap()).unwrap(),
        "NO side pays 60¢"
    );
    assert_eq!(bid.maker_fill_cost, Money::from_cents(160).unwrap());
    let market = h.ex.market_info(&t()).unwrap();
    assert_eq!((market.last_price, market.volume, market.open_interest), (Some(p(40)), c(4), c(4)));
}

#[test]
fn price_then_time_priority_across_levels() {
    let mut h = Harness::new();
    let a = h.place("a", req(Side::Ask, 45, 5));
    let b = h.place("b", req(Side::Ask, 44, 5));
    let c1 = h.place("c", req(Side::Ask, 44, 5));
    h.check();
    h.ex.add_user(u("d"), dollars(1_000)).unwrap();
    let taker = h.place("d", req(Side::Bid, 45, 12));
    let events = h.check();
    assert_eq!(trades(&events), vec![(p(44), c(5)), (p(44), c(5)), (p(45), c(2))]);
    assert_eq!(h.order("b", &b).status, OrderStatus::Executed, "first at 44");
    assert_eq!(h.order("c", &c1).status, OrderStatus::Executed, "second at 44");
    assert_eq!(h.order("a", &a).remaining, c(3), "the dearer ask fills last");
    assert_eq!(taker.status, OrderStatus::Executed);
    assert_eq!(taker.taker_fill_cost.to_string(), "5.300000", "10 × 44¢ + 2 × 45¢");
}

#[test]
fn ioc_fills_what_it_can_and_cancels_the_rest() {
    let mut h = Harness::new();
    h.place("a", req(Side::Ask, 50, 3));
    let ioc = h.place("b", OrderRequest { time_in_force: TimeInForce::ImmediateOrCancel, ..req(Side::Bid, 55, 10) });
    assert_eq!((ioc.status, ioc.filled, ioc.remaining), (OrderStatus::Canceled, c(3), Qty::ZERO));
    assert_eq!(ioc.cancel_reason, Some(CancelReason::ImmediateOrCancel));
    assert!(h.ex.book_snapshot(&t()).unwrap().yes.is_empty(), "nothing rests");
    let balance = h.ex.balance(&u("b")).unwrap();
    assert_eq!(balance.locked, Money::ZERO, "the canceled remainder releases its collateral");
    let nothing = h.place("c", OrderRequest { time_in_force: TimeInForce::ImmediateOrCancel, ..req(Side::Bid, 40, 1) });
    assert_eq!((nothing.status, nothing.filled), (OrderStatus::Canceled, Qty::ZERO));
    h.check();
}

#[test]
fn fill_or_kill_is_all_or_nothing() {
    let mut h = Harness::new();
    h.place("a", req(Side::Ask, 50, 3));
    h.place("a", req(Side::Ask, 52, 3));
    h.check();
    let fok = |n| OrderRequest { time_in_force: TimeInForce::FillOrKill, ..req(Side::Bid, 51, n) };
    let err = h.try_place("b", fok(4)).unwrap_err();
    assert_eq!(err.code(), "fok_insufficient_volume", "only 3 within the limit of 51");
    assert!(h.check().is_empty(), "a rejected FOK changes nothing");
    assert!(h.ex.orders(&u("b"), &Default::default()).unwrap().is_empty(), "no order record either");
    let done = h.place("b", fok(3));
    assert_eq!((done.status, done.filled), (OrderStatus::Executed, c(3)));
    h.check();
}

#[test]
fn buy_max_cost_is_fok_with_a_cost_cap() {
    let mut h = Harness::new();
    h.place("a", req(Side::Ask, 40, 5));
    h.place("a", req(Side::Ask, 50, 5));
    h.check();
    let capped = |cap_cents| OrderRequest {
        buy_max_cost: Some(Money::from_cents(cap_cents).unwrap()),
        ..req(Side::Bid, 50, 8) // costs 5 × 40¢ + 3 × 50¢ = $3.50
    };
    assert_eq!(h.try_place("b", capped(349)).unwrap_err().code(), "fok_insufficient_volume");
    let ok = h.place("b", capped(350));
    assert_eq!((ok.time_in_force, ok.status, ok.filled), (TimeInForce::FillOrKill, OrderStatus::Executed, c(8)));
    // An ask buys NO, so its cost is in NO prices: 2 NO at $1 − 45¢ = $1.10.
    h.place("c", req(Side::Bid, 45, 2));
    let no_cost =
        |cap_cents| OrderRequest { buy_max_cost: Some(Money::from_cents(cap_cents).unwrap()), ..req(Side::Ask, 45, 2) };
    assert_eq!(h.try_place("b", no_cost(109)).unwrap_err().code(), "fok_insufficient_volume");
    assert_eq!(h.place("b", no_cost(110)).filled, c(2));
    h.check();
}

#[test]
fn post_only_never_takes() {
    let mut h = Harness::new();
    h.place("a", req(Side::Ask, 50, 5));
    h.check();
    let post = |cents| OrderRequest { post_only: true, ..req(Side::Bid, cents, 5) };
    assert_eq!(h.try_place("b", post(50)).unwrap_err().code(), "post_only_cross");
    assert!(h.check().is_empty(), "nothing rests, nothing trades");
    let rests = h.place("b", post(49));
    assert_eq!(rests.status, OrderStatus::Resting);
    let ioc = OrderRequest { time_in_force: TimeInForce::ImmediateOrCancel, ..post(40) };
    assert_eq!(h.try_place("b", ioc).unwrap_err().code(), "invalid_order");
    h.check();
}

#[test]
fn self_trade_taker_at_cross_cancels_the_taker_keeping_fills() {
    let mut h = Harness::new();
    h.place("b", req(Side::Ask, 40, 3));
    let own = h.place("a", req(Side::Ask, 41, 5));
    h.place("c", req(Side::Ask, 41, 5));
    h.check();
    let taker = h.place("a", req(Side::Bid, 42, 10));
    let events = h.check();
    assert_eq!(trades(&events), vec![(p(40), c(3))]);
    assert_eq!((taker.status, taker.filled, taker.remaining), (OrderStatus::Canceled, c(3), Qty::ZERO));
    assert_eq!(taker.cancel_reason, Some(CancelReason::SelfTradeTaker));
    assert_eq!(h.order("a", &own).status, OrderStatus::Resting, "the user's resting order is untouched");
}

#[test]
fn self_trade_maker_cancels_the_resting_order_and_continues() {
    let mut h = Harness::new();
    h.place("b", req(Side::Ask, 40, 3));
    let own = h.place("a", req(Side::Ask, 41, 5));
    h.place("c", req(Side::Ask, 41, 5));
    h.check();
    let stp = OrderRequest { self_trade_prevention: SelfTradePrevention::Maker, ..req(Side::Bid, 42, 10) };
    let taker = h.place("a", stp);
    let events = h.check();
    assert_eq!(trades(&events), vec![(p(40), c(3)), (p(41), c(5))]);
    let own = h.order("a", &own);
    assert_eq!((own.status, own.cancel_reason), (OrderStatus::Canceled, Some(CancelReason::SelfTradeMaker)));
    assert_eq!((taker.status, taker.filled, taker.remaining), (OrderStatus::Resting, c(8), c(2)));
}

#[test]
fn fok_accounts_for_self_trade_prevention() {
    let mut h = Harness::new();
    h.place("a", req(Side::Ask, 40, 5));
    h.place("b", req(Side::Ask, 41, 5));
    h.check();
    let fok = |stp| OrderRequest {
        time_in_force: TimeInForce::FillOrKill,
        self_trade_prevention: stp,
        ..req(Side::Bid, 41, 5)
    };
    let err = h.try_place("a", fok(SelfTradePrevention::TakerAtCross)).unwrap_err();
    assert_eq!(err.code(), "fok_insufficient_volume", "the own order comes first and would cancel the taker");
    assert!(h.check().is_empty());
    let done = h.place("a", fok(SelfTradePrevention::Maker));
    assert_eq!(done.filled, c(5), "own order skipped (and canceled), b's 5 fill it");
    h.check();
}

#[test]
fn reduce_only_is_ioc_and_capped_to_the_position() {
    let mut h = Harness::new();
    let ro =
        |side, n| OrderRequest { reduce_only: true, time_in_force: TimeInForce::ImmediateOrCancel, ..req(side, 50, n) };
    assert_eq!(
        h.try_place("a", OrderRequest { reduce_only: true, ..req(Side::Ask, 50, 1) }).unwrap_err().code(),
        "invalid_order"
    );
    let none = h.place("a", ro(Side::Ask, 5));
    assert_eq!((none.status, none.cancel_reason), (OrderStatus::Canceled, Some(CancelReason::ReduceOnly)));
    h.place("b", req(Side::Ask, 50, 3));
    h.place("a", req(Side::Bid, 50, 3));
    h.place("c", req(Side::Bid, 50, 10));
    h.check();
    let sold = h.place("a", ro(Side::Ask, 10));
    assert_eq!((sold.initial, sold.filled), (c(3), c(3)), "capped to the 3 held, never flips");
    assert_eq!(h.position("a"), Qty::ZERO);
    let wrong_way = h.place(
        "a",
        OrderRequest { reduce_only: true, time_in_force: TimeInForce::ImmediateOrCancel, ..req(Side::Bid, 99, 1) },
    );
    assert_eq!(wrong_way.filled, Qty::ZERO, "flat: nothing to reduce");
    h.check();
}

#[test]
fn client_order_ids_are_unique_per_user() {
    let mut h = Harness::new();
    let with_id = |id: &str| OrderRequest { client_order_id: Some(ClientOrderId::new(id)), ..req(Side::Bid, 30, 1) };
    let first = h.place("a", with_id("x1"));
    let err = h.try_place("a", with_id("x1")).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("order_already_exists", 409));
    h.place("b", with_id("x1"));
    h.ex.cancel_order(&u("a"), &first.order_id, h.now).unwrap();
    assert_eq!(h.try_place("a", with_id("x1")).unwrap_err().code(), "order_already_exists", "even once canceled");
    assert_eq!(h.ex.order_by_client_id(&u("a"), &ClientOrderId::new("x1")).unwrap().order_id, first.order_id);
    assert_eq!(h.try_place("a", with_id("")).unwrap_err().code(), "invalid_order");
    h.check();
}

#[test]
fn prices_and_counts_are_validated() {
    let mut h = Harness::new();
    let at = |units: i64| OrderRequest::new(t(), Side::Bid, Price::from_units(units).unwrap(), c(1));
    for units in [0, 10_000, 4_250, 1] {
        assert_eq!(h.try_place("a", at(units)).unwrap_err().code(), "invalid_order", "price units {units}");
    }
    assert!(h.try_place("a", at(100)).is_ok() && h.try_place("a", at(9_900)).is_ok());
    let zero = OrderRequest { count: Qty::ZERO, ..req(Side::Bid, 40, 1) };
    assert_eq!(h.try_place("a", zero).unwrap_err().code(), "invalid_order");
    let huge = OrderRequest { count: c(1_000_001), ..req(Side::Bid, 40, 1) };
    assert_eq!(h.try_place("a", huge).unwrap_err().code(), "invalid_order");
    let unknown = OrderRequest { ticker: "NOPE".into(), ..req(Side::Bid, 40, 1) };
    assert_eq!(h.try_place("a", unknown).unwrap_err().http_status(), 404);
    assert_eq!(h.ex.create_order(&u("zed"), req(Side::Bid, 40, 1), h.now).unwrap_err().code(), "not_found");
    h.check();

    let mut config = MarketConfig::binary("TAPER", "E", "S");
    config.tick_grid = TickGrid::tapered_deci_cent();
    config.fractional_trading = false;
    h.ex.add_market(config, h.now).unwrap();
    let taper =
        |units: i64, count: Qty| OrderRequest::new("TAPER".into(), Side::Bid, Price::from_units(units).unwrap(), count);
    assert!(h.try_place("a", taper(50, c(1))).is_ok(), "$0.005 is on the tail grid");
    assert_eq!(
        h.try_place("a", taper(5_050, c(1))).unwrap_err().code(),
        "invalid_order",
        "$0.505 is off the middle grid"
    );
    assert_eq!(
        h.try_place("a", taper(5_000, Qty::from_units(150))).unwrap_err().code(),
        "invalid_order",
        "whole contracts only"
    );
    h.check();
}

#[test]
fn both_sides_pay_the_schedule_fee() {
    let mut h = Harness::new();
    h.place("a", req(Side::Bid, 50, 10));
    h.place("b", req(Side::Ask, 50, 10));
    let events = h.check();
    let schedule = FeeSchedule::default();
    let fills: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Fill { user, fill } => Some((user.clone(), fill.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(fills.len(), 2, "one fill per party");
    for (user, fill) in &fills {
        let expected = schedule.fee(c(10), p(50), fill.fill.is_taker).unwrap();
        assert_eq!(fill.fill.fee, expected, "{user}");
    }
    let (maker, taker) = (&fills[0].1.fill, &fills[1].1.fill);
    assert_eq!((maker.fee.to_string(), taker.fee.to_string()), ("0.043800".into(), "0.175000".into()));
    assert_eq!(maker.trade_id, taker.trade_id);
    assert_eq!(h.ex.balance(&u("a")).unwrap().cash.to_string(), "994.956200", "1000 − 5 − fee");
    assert_eq!(h.ex.balance(&u("b")).unwrap().cash.to_string(), "994.825000");
    assert_eq!(h.ex.ledger().fees_collected.to_string(), "0.218800");
    assert_eq!(h.ex.fills(&u("a")).unwrap()[0].post_position, c(10));
}

#[test]
fn collateral_limits_new_orders() {
    let mut h = Harness::new();
    h.ex.add_user(u("poor"), dollars(5)).unwrap();
    // 10 @ 45¢ = $4.50 + taker fee ceil(0.07 × 10 × 0.45 × 0.55) = $0.1733.
    let first = h.place("poor", req(Side::Bid, 45, 10));
    assert_eq!(h.ex.balance(&u("poor")).unwrap().locked.to_string(), "4.673300");
    let err = h.try_place("poor", req(Side::Ask, 60, 1)).unwrap_err();
    assert_eq!(err.code(), "insufficient_balance", "an ask at 60 needs 40¢ + fee, 32.67¢ left");
    let cents = h.ex.balance(&u("poor")).unwrap().balance_cents();
    assert_eq!(cents, 32, "available floored to cents");
    h.ex.cancel_order(&u("poor"), &first.order_id, h.now).unwrap();
    let balance = h.ex.balance(&u("poor")).unwrap();
    assert_eq!((balance.locked, balance.available), (Money::ZERO, dollars(5)));
    // Held contracts can be sold with no cash at all.
    h.place("poor", req(Side::Bid, 45, 10));
    h.place("a", req(Side::Ask, 45, 10));
    h.check();
    assert_eq!(h.position("poor"), c(10));
    let sell = h.place("poor", req(Side::Ask, 60, 10));
    assert_eq!(sell.status, OrderStatus::Resting, "closing the held 10 needs no collateral");
    h.check();
}

#[test]
fn closed_paused_and_unopened_markets_reject_orders() {
    let mut config = MarketConfig::binary("LATER", "E", "S");
    config.open_time_ms = 5_000;
    let mut h = Harness::new();
    h.ex.add_market(config, h.now).unwrap();
    let later = |side| OrderRequest::new("LATER".into(), side, p(50), c(1));
    assert_eq!(h.try_place("a", later(Side::Bid)).unwrap_err().code(), "market_closed");
    h.now = 5_000;
    assert!(h.try_place("a", later(Side::Bid)).is_ok(), "opens at its open time");
    h.ex.pause_trading(&t(), h.now).unwrap();
    assert_eq!(h.try_place("a", req(Side::Bid, 50, 1)).unwrap_err().code(), "trading_paused");
    h.ex.close_market(&t(), h.now).unwrap();
    assert_eq!(h.try_place("a", req(Side::Bid, 50, 1)).unwrap_err().code(), "market_closed");
    h.check();
}

#[test]
fn good_till_time_orders_expire() {
    let mut h = Harness::new();
    let gtt = |ts| OrderRequest { expiration_ms: Some(ts), ..req(Side::Bid, 40, 2) };
    assert_eq!(h.try_place("a", gtt(h.now)).unwrap_err().code(), "invalid_order", "already expired");
    let ioc = OrderRequest { time_in_force: TimeInForce::ImmediateOrCancel, ..gtt(9_000) };
    assert_eq!(h.try_place("a", ioc).unwrap_err().code(), "invalid_order", "no expiry on IOC");
    let order = h.place("a", gtt(2_000));
    h.ex.expire(1_999).unwrap();
    assert_eq!(h.order("a", &order).status, OrderStatus::Resting);
    h.ex.expire(2_000).unwrap();
    let order = h.order("a", &order);
    assert_eq!((order.status, order.cancel_reason), (OrderStatus::Canceled, Some(CancelReason::Expired)));
    assert_eq!(h.ex.balance(&u("a")).unwrap().locked, Money::ZERO);
    // Commands sweep first: an expired order never trades.
    let stale = h.place("a", OrderRequest { expiration_ms: Some(3_000), ..req(Side::Ask, 60, 1) });
    let taker = h.ex.create_order(&u("b"), req(Side::Bid, 60, 1), 3_000).unwrap();
    assert_eq!(taker.filled, Qty::ZERO);
    assert_eq!(h.order("a", &stale).status, OrderStatus::Canceled);
    h.check();
}

#[test]
fn events_report_each_change_once() {
    let mut h = Harness::new();
    let coid = ClientOrderId::new("q1");
    h.place("a", OrderRequest { client_order_id: Some(coid.clone()), ..req(Side::Bid, 40, 5) });
    let events = h.check();
    let book: Vec<_> = events.iter().filter(|e| matches!(e, Event::BookChanged { .. })).collect();
    assert_eq!(book.len(), 1);
    let Event::BookChanged { outcome, price, delta, user, client_order_id, .. } = book[0] else { unreachable!() };
    assert_eq!((*outcome, *price, *delta), (kmm_model::Outcome::Yes, p(40), c(5)));
    assert_eq!((user, client_order_id), (&u("a"), &Some(coid)));
    h.place("b", req(Side::Ask, 40, 2));
    let events = h.check();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| match e {
            Event::BookChanged { .. } => "book",
            Event::Trade(_) => "trade",
            Event::Fill { .. } => "fill",
            Event::PositionChanged { .. } => "position",
            Event::OrderUpdated { .. } => "order",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, vec!["book", "trade", "fill", "position", "fill", "position", "order", "order"]);
}
