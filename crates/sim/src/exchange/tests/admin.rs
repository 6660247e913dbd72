//! Order groups, pause, close and settlement.

use kmm_model::{Money, OrderStatus, Qty, Side};

use super::*;
use crate::events::GroupChange;
use crate::market::{MarketStatus, MarketType, SettlementResult};
use crate::order::CancelReason;

#[test]
fn order_group_triggers_at_its_limit_within_fifteen_seconds() {
    let mut h = Harness::new();
    let group = h.ex.create_order_group(&u("a"), c(10), h.now).unwrap();
    let in_group = |side, cents, n| OrderRequest { order_group_id: Some(group.clone()), ..req(side, cents, n) };
    let bid = h.place("a", in_group(Side::Bid, 40, 6));
    let ask = h.place("a", in_group(Side::Ask, 60, 20));
    h.place("b", req(Side::Ask, 40, 6));
    assert_eq!(h.ex.order_group(&u("a"), &group, h.now).unwrap().matched_in_window, c(6));
    h.now += 16_000; // the first 6 leave the window
    h.place("b", req(Side::Bid, 60, 9));
    let info = h.ex.order_group(&u("a"), &group, h.now).unwrap();
    assert_eq!((info.matched_in_window, info.triggered), (c(9), false));
    assert_eq!(h.order("a", &bid).status, OrderStatus::Executed);
    h.place("c", req(Side::Bid, 60, 1));
    let events = h.check();
    assert!(events.contains(&Event::OrderGroupUpdated {
        user: u("a"),
        group_id: group.clone(),
        change: GroupChange::Triggered
    }));
    let ask = h.order("a", &ask);
    assert_eq!(
        (ask.status, ask.filled, ask.cancel_reason),
        (OrderStatus::Canceled, c(10), Some(CancelReason::OrderGroup))
    );
    let err = h.try_place("a", in_group(Side::Bid, 30, 1)).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("exceeded_order_group_risk_limit", 400));
    assert!(h.try_place("a", req(Side::Bid, 30, 1)).is_ok(), "orders outside the group are unaffected");
    h.ex.reset_order_group(&u("a"), &group, h.now).unwrap();
    assert!(h.try_place("a", in_group(Side::Bid, 30, 1)).is_ok(), "reset accepts orders again");
    h.check();
}

#[test]
fn an_incoming_order_finishes_matching_before_its_group_triggers() {
    let mut h = Harness::new();
    let group = h.ex.create_order_group(&u("a"), c(5), h.now).unwrap();
    h.place("b", req(Side::Ask, 40, 4));
    h.place("b", req(Side::Ask, 41, 4));
    let taker = h.place("a", OrderRequest { order_group_id: Some(group.clone()), ..req(Side::Bid, 41, 10) });
    assert_eq!(taker.filled, c(8), "the sweep completes");
    assert_eq!((taker.status, taker.cancel_reason), (OrderStatus::Canceled, Some(CancelReason::OrderGroup)));
    assert!(h.ex.order_group(&u("a"), &group, h.now).unwrap().triggered);
    h.check();
}

#[test]
fn order_group_admin() {
    let mut h = Harness::new();
    let group = h.ex.create_order_group(&u("a"), c(10), h.now).unwrap();
    assert_eq!(h.ex.create_order_group(&u("a"), Qty::ZERO, h.now).unwrap_err().code(), "bad_request");
    let in_group = |cents| OrderRequest { order_group_id: Some(group.clone()), ..req(Side::Bid, cents, 3) };
    let first = h.place("a", in_group(40));
    h.place("b", req(Side::Ask, 40, 3));
    let second = h.place("a", in_group(30));
    assert_eq!(h.ex.order_group(&u("a"), &group, h.now).unwrap().orders, vec![second.order_id.clone()]);
    assert_eq!(h.ex.order_group(&u("b"), &group, h.now).unwrap_err().code(), "not_found", "another user's group");
    h.ex.set_order_group_limit(&u("a"), &group, c(3), h.now).unwrap();
    assert!(h.ex.order_group(&u("a"), &group, h.now).unwrap().triggered, "limit at the usage triggers at once");
    assert_eq!(h.order("a", &second).status, OrderStatus::Canceled);
    assert_eq!(h.order("a", &first).status, OrderStatus::Executed);
    h.ex.reset_order_group(&u("a"), &group, h.now).unwrap();
    let third = h.place("a", in_group(30));
    h.ex.trigger_order_group(&u("a"), &group, h.now).unwrap();
    assert_eq!(h.order("a", &third).status, OrderStatus::Canceled);
    h.ex.reset_order_group(&u("a"), &group, h.now).unwrap();
    let fourth = h.place("a", in_group(30));
    h.ex.delete_order_group(&u("a"), &group, h.now).unwrap();
    assert_eq!(h.order("a", &fourth).status, OrderStatus::Canceled);
    assert_eq!(h.try_place("a", in_group(30)).unwrap_err().code(), "not_found");
    assert!(h.ex.order_groups(&u("a"), h.now).is_empty());
    h.check();
}

#[test]
fn pause_cancels_only_cancel_on_pause_orders() {
    let mut h = Harness::new();
    let keep = h.place("a", req(Side::Bid, 40, 1));
    let drop = h.place("a", OrderRequest { cancel_order_on_pause: true, ..req(Side::Bid, 41, 1) });
    h.ex.pause_trading(&t(), h.now).unwrap();
    assert_eq!(h.ex.market_info(&t()).unwrap().status, MarketStatus::Paused);
    assert_eq!(h.order("a", &keep).status, OrderStatus::Resting);
    let dropped = h.order("a", &drop);
    assert_eq!((dropped.status, dropped.cancel_reason), (OrderStatus::Canceled, Some(CancelReason::TradingPaused)));
    let amend = crate::order::AmendRequest {
        ticker: t(),
        side: Side::Bid,
        price: p(42),
        count: c(1),
        updated_client_order_id: None,
        expiration: Default::default(),
    };
    assert_eq!(h.ex.amend_order(&u("a"), &keep.order_id, amend, h.now).unwrap_err().code(), "trading_paused");
    h.ex.decrease_order(&u("a"), &keep.order_id, crate::order::Decrease::By(Qty::from_units(50)), h.now).unwrap();
    h.ex.resume_trading(&t(), h.now).unwrap();
    assert!(
        h.try_place("b", req(Side::Ask, 40, 1)).unwrap().filled.is_positive(),
        "the kept order trades after resume"
    );
    assert_eq!(h.ex.resume_trading(&t(), h.now).unwrap_err().code(), "bad_request");
    h.check();
}

#[test]
fn close_cancels_everything_and_the_schedule_closes_too() {
    let mut config = crate::market::MarketConfig::binary("SOON", "E", "S");
    config.close_time_ms = Some(10_000);
    let mut h = Harness::new();
    h.ex.add_market(config, h.now).unwrap();
    let soon = h.place("a", OrderRequest::new("SOON".into(), Side::Bid, p(50), c(2)));
    let here = h.place("a", req(Side::Bid, 50, 2));
    h.ex.advance(10_000).unwrap();
    let soon = h.order("a", &soon);
    assert_eq!((soon.status, soon.cancel_reason), (OrderStatus::Canceled, Some(CancelReason::MarketClosed)));
    assert_eq!(h.ex.market_info(&"SOON".into()).unwrap().status, MarketStatus::Closed);
    assert_eq!(h.order("a", &here).status, OrderStatus::Resting, "other markets are untouched");
    h.ex.close_market(&t(), 10_000).unwrap();
    assert_eq!(h.order("a", &here).status, OrderStatus::Canceled);
    assert!(h.ex.book_snapshot(&t()).unwrap().yes.is_empty());
    assert_eq!(h.ex.balance(&u("a")).unwrap().locked, Money::ZERO);
    let events = h.check();
    assert!(events.iter().any(|e| matches!(e, Event::MarketStatusChanged { status: MarketStatus::Closed, .. })));
}

#[test]
fn settlement_pays_one_dollar_per_winning_contract() {
    let mut h = Harness::new();
    h.place("a", req(Side::Bid, 30, 10));
    h.place("b", req(Side::Ask, 30, 6));
    h.place("c", req(Side::Ask, 30, 4));
    h.place("c", req(Side::Bid, 20, 4)); // rests, canceled at close
    h.check();
    let before: Vec<Money> = ["a", "b", "c"].iter().map(|x| h.ex.balance(&u(x)).unwrap().cash).collect();
    assert_eq!(h.ex.ledger().escrow, dollars(10));
    assert_eq!(h.ex.settle_market(&t(), SettlementResult::Scalar(p(50)), h.now).unwrap_err().code(), "bad_request");
    h.ex.settle_market(&t(), SettlementResult::Yes, h.now).unwrap();
    let events = h.check();
    let after: Vec<Money> = ["a", "b", "c"].iter().map(|x| h.ex.balance(&u(x)).unwrap().cash).collect();
    assert_eq!(after[0].checked_sub(before[0]).unwrap(), dollars(10), "a held 10 YES");
    assert_eq!((after[1], after[2]), (before[1], before[2]), "NO holders get nothing on YES");
    for user in ["a", "b", "c"] {
        assert_eq!(h.position(user), Qty::ZERO);
        assert_eq!(h.ex.balance(&u(user)).unwrap().locked, Money::ZERO);
    }
    let record = &h.ex.settlements(&u("a")).unwrap()[0];
    assert_eq!((record.yes_count, record.yes_total_cost, record.revenue), (c(10), dollars(3), dollars(10)));
    assert_eq!(record.fee_cost, h.ex.position(&u("a"), &t()).unwrap().fees);
    let b_record = &h.ex.settlements(&u("b")).unwrap()[0];
    assert_eq!(
        (b_record.no_count, b_record.no_total_cost, b_record.revenue),
        (c(6), Money::from_cents(420).unwrap(), Money::ZERO)
    );
    assert_eq!(h.ex.ledger().escrow, Money::ZERO);
    assert_eq!(events.iter().filter(|e| matches!(e, Event::PositionChanged { .. })).count(), 3);
    assert!(events.contains(&Event::Settled { ticker: t(), result: SettlementResult::Yes, ts_ms: h.now }));
    let info = h.ex.market_info(&t()).unwrap();
    assert_eq!(
        (info.status, info.result, info.open_interest),
        (MarketStatus::Settled, Some(SettlementResult::Yes), Qty::ZERO)
    );
    assert_eq!(h.try_place("a", req(Side::Bid, 30, 1)).unwrap_err().code(), "market_closed");
    assert_eq!(h.ex.settle_market(&t(), SettlementResult::No, h.now).unwrap_err().code(), "bad_request");
}

#[test]
fn scalar_settlement() {
    let mut config = crate::market::MarketConfig::binary(T, "E", "S");
    config.market_type = MarketType::Scalar;
    let mut h = Harness::with_market(config);
    h.place("a", req(Side::Bid, 50, 10));
    h.place("b", req(Side::Ask, 50, 10));
    let before = [h.ex.balance(&u("a")).unwrap().cash, h.ex.balance(&u("b")).unwrap().cash];
    h.ex.settle_market(&t(), SettlementResult::Scalar(p(37)), h.now).unwrap();
    h.check();
    let gain = |i: usize, user: &str| h.ex.balance(&u(user)).unwrap().cash.checked_sub(before[i]).unwrap();
    assert_eq!((gain(0, "a"), gain(1, "b")), (Money::from_cents(370).unwrap(), Money::from_cents(630).unwrap()));
    assert_eq!(h.ex.settlements(&u("b")).unwrap()[0].value, p(37));
}
