#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use kmm_model::{ClientOrderId, Fill, MarketTicker, Money, Order, OrderId, OrderStatus, Price, Qty, Side, TradeId};

use super::*;
use crate::intent::{OrderAction, Quote};

pub(crate) fn q(contracts: i64) -> Qty {
    Qty::from_contracts(contracts).unwrap()
}

pub(crate) fn px(cents: i64) -> Price {
    Price::from_cents(cents).unwrap()
}

pub(crate) fn m() -> MarketTicker {
    MarketTicker::new("M")
}

pub(crate) fn tracker() -> OrderTracker {
    OrderTracker::new(TrackerConfig::new("kmm", "s1")).unwrap()
}

pub(crate) fn quote(side: Side, cents: i64, contracts: i64) -> Quote {
    Quote { ticker: m(), side, price: px(cents), size: q(contracts) }
}

/// Sends a place and returns its action.
pub(crate) fn send_place(tr: &mut OrderTracker, side: Side, cents: i64, contracts: i64, now: i64) -> OrderAction {
    let action =
        OrderAction::Place { client_order_id: tr.next_client_order_id(), quote: quote(side, cents, contracts) };
    tr.on_sent(&action, now).unwrap();
    action
}

pub(crate) fn cid(action: &OrderAction) -> ClientOrderId {
    match action {
        OrderAction::Place { client_order_id, .. } | OrderAction::Amend { client_order_id, .. } => {
            client_order_id.clone()
        }
        OrderAction::Cancel { .. } => panic!("cancel has no client id"),
    }
}

/// Places and acknowledges a resting order; returns (client id, order id).
pub(crate) fn rest(
    tr: &mut OrderTracker,
    side: Side,
    cents: i64,
    contracts: i64,
    oid: &str,
) -> (ClientOrderId, OrderId) {
    let action = send_place(tr, side, cents, contracts, 0);
    let (c, o) = (cid(&action), OrderId::new(oid));
    tr.on_create_ack(&c, &o, Qty::ZERO, q(contracts), 1).unwrap();
    (c, o)
}

pub(crate) fn fill(trade: &str, oid: &str, side: Side, cents: i64, contracts: i64) -> Fill {
    Fill {
        trade_id: TradeId::new(trade),
        order_id: OrderId::new(oid),
        ticker: m(),
        side,
        price: px(cents),
        count: q(contracts),
        is_taker: false,
        fee: Money::ZERO,
        ts_ms: None,
    }
}

pub(crate) fn exchange_order(
    oid: &str,
    cid: Option<&str>,
    side: Side,
    cents: i64,
    filled: i64,
    remaining: i64,
) -> Order {
    Order {
        order_id: OrderId::new(oid),
        client_order_id: cid.map(ClientOrderId::new),
        ticker: m(),
        side,
        price: px(cents),
        initial: q(filled + remaining),
        filled: q(filled),
        remaining: q(remaining),
        status: if remaining > 0 { OrderStatus::Resting } else { OrderStatus::Executed },
    }
}

fn positions(ex: i64, ours: i64) -> (BTreeMap<MarketTicker, Qty>, BTreeMap<MarketTicker, Qty>) {
    (BTreeMap::from([(m(), q(ex))]), BTreeMap::from([(m(), q(ours))]))
}

#[test]
fn full_lifecycle_place_ack_partial_fill_amend_fill_cancel() {
    let mut tr = tracker();
    let place = send_place(&mut tr, Side::Bid, 40, 10, 100);
    let c = cid(&place);
    assert_eq!(tr.get(&c).unwrap().state, OrderState::PendingNew);
    assert_eq!(tr.worst_case(&m()).bid, q(10), "an unacknowledged create counts in full");

    let o = OrderId::new("o1");
    tr.on_create_ack(&c, &o, Qty::ZERO, q(10), 110).unwrap();
    let live = tr.get(&c).unwrap();
    assert_eq!((live.state, live.order_id.clone(), live.remaining()), (OrderState::Open, Some(o.clone()), q(10)));

    assert!(tr.on_fill(&fill("t1", "o1", Side::Bid, 40, 4), 120));
    assert_eq!(tr.get(&c).unwrap().remaining(), q(6));
    assert_eq!(tr.worst_case(&m()).bid, q(6));

    let amend = OrderAction::Amend { order_id: o.clone(), client_order_id: c.clone(), quote: quote(Side::Bid, 41, 8) };
    tr.on_sent(&amend, 130).unwrap();
    assert_eq!(tr.get(&c).unwrap().state, OrderState::PendingAmend);
    assert_eq!(tr.worst_case(&m()).bid, q(8), "in flight: the larger of old remaining (6) and new size (8)");
    tr.on_amend_ack(&o, Some(q(4)), Some(q(8)), 140).unwrap();
    let live = tr.get(&c).unwrap();
    assert_eq!((live.state, live.price, live.total, live.remaining()), (OrderState::Open, px(41), q(12), q(8)));
    assert_eq!(live.priced_ms, 140);

    let cancel = OrderAction::Cancel { order_id: o.clone(), ticker: m() };
    tr.on_sent(&cancel, 150).unwrap();
    assert_eq!(tr.get(&c).unwrap().state, OrderState::PendingCancel);
    assert!(tr.on_sent(&cancel, 151).is_err(), "never two cancels in flight for one order");
    tr.on_cancel_ack(&o, q(8), 160).unwrap();
    let done = tr.get(&c).unwrap();
    assert_eq!((done.state, done.filled()), (OrderState::Canceled, q(4)));
    assert_eq!(tr.open_count(), 0);
    assert_eq!(tr.worst_case(&m()), WorstCase::default());
}

#[test]
fn order_filled_completely_becomes_filled() {
    let mut tr = tracker();
    let (c, _) = rest(&mut tr, Side::Ask, 60, 5, "o1");
    assert!(tr.on_fill(&fill("t1", "o1", Side::Ask, 60, 2), 2));
    assert!(tr.on_fill(&fill("t2", "o1", Side::Ask, 60, 3), 3));
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Filled);
    assert_eq!(tr.open_count(), 0);
}

#[test]
fn duplicate_fill_is_ignored() {
    let mut tr = tracker();
    let (c, _) = rest(&mut tr, Side::Bid, 40, 10, "o1");
    assert!(tr.on_fill(&fill("t1", "o1", Side::Bid, 40, 3), 2));
    assert!(!tr.on_fill(&fill("t1", "o1", Side::Bid, 40, 3), 3), "same trade id again (e.g. REST backfill)");
    assert_eq!(tr.get(&c).unwrap().filled(), q(3), "counted once");
}

#[test]
fn fill_before_the_ack_is_credited_when_the_order_id_arrives() {
    let mut tr = tracker();
    let c = cid(&send_place(&mut tr, Side::Bid, 40, 10, 0));
    assert!(tr.on_fill(&fill("t1", "o1", Side::Bid, 40, 3), 1), "WS fill raced ahead of the REST ack");
    tr.on_create_ack(&c, &OrderId::new("o1"), q(3), q(7), 2).unwrap();
    let live = tr.get(&c).unwrap();
    assert_eq!((live.counted_filled, live.remaining()), (q(3), q(7)));
    assert_eq!(tr.worst_case(&m()).bid, q(7), "the early fill is not counted twice");
}

#[test]
fn cancel_ack_keeps_reported_but_unreceived_fills_at_risk() {
    let mut tr = tracker();
    let (c, o) = rest(&mut tr, Side::Bid, 40, 10, "o1");
    tr.on_sent(&OrderAction::Cancel { order_id: o.clone(), ticker: m() }, 2).unwrap();
    tr.on_cancel_ack(&o, q(6), 3).unwrap();
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Canceled);
    assert_eq!(tr.worst_case(&m()).bid, q(4), "4 filled on the exchange, fills not here yet");
    assert_eq!(tr.unreceived_fills(&m()), q(4));
    assert!(tr.on_fill(&fill("t1", "o1", Side::Bid, 40, 4), 4));
    assert_eq!(tr.worst_case(&m()), WorstCase::default(), "settled once the fills arrive");
}

#[test]
fn timed_out_create_becomes_unknown_blocks_its_side_and_is_found_by_reconciliation() {
    let mut tr = tracker();
    let place = send_place(&mut tr, Side::Bid, 40, 10, 1_000);
    let c = cid(&place);
    tr.on_request_failed(&place, Delivery::Unknown, 2_000).unwrap();
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Unknown);
    assert_eq!(tr.worst_case(&m()).bid, q(10), "it may exist: counted in full");
    assert!(tr.cancel_all_actions().is_empty() && tr.unresolved_creates() == vec![c.clone()]);

    let desired = [quote(Side::Bid, 41, 10), quote(Side::Bid, 40, 5), quote(Side::Ask, 60, 10)];
    let actions = tr.plan(&m(), &desired, simple_reprice);
    assert_eq!(actions.len(), 1, "only the ask side may place: {actions:?}");
    assert!(matches!(&actions[0], OrderAction::Place { quote, .. } if quote.side == Side::Ask));

    let on_exchange = exchange_order("o9", Some(c.as_str()), Side::Bid, 40, 2, 8);
    let (ex, ours) = positions(2, 0);
    let rec = tr.reconcile(Some(&m()), &[on_exchange], &ex, &ours, 3_000);
    assert_eq!(rec.unknown_resolved, vec![(c.clone(), UnknownResolution::Found(OrderState::Open))]);
    let live = tr.get(&c).unwrap();
    assert_eq!(
        (live.state, live.order_id.clone(), live.remaining()),
        (OrderState::Open, Some(OrderId::new("o9")), q(8))
    );
    assert!(rec.drift.is_empty(), "its 2 filled contracts explain the position: {:?}", rec.drift);
    assert_eq!(tr.worst_case(&m()).bid, q(10), "the 2 fills are not received yet, so still 10 at risk");
}

#[test]
fn timed_out_create_missing_from_the_exchange_is_removed_after_the_grace_period() {
    let mut tr = tracker();
    let place = send_place(&mut tr, Side::Ask, 60, 10, 1_000);
    let c = cid(&place);
    tr.on_request_failed(&place, Delivery::Unknown, 2_000).unwrap();
    let (ex, ours) = positions(0, 0);
    let early = tr.reconcile(None, &[], &ex, &ours, 6_999);
    assert_eq!(early.still_unknown, vec![c.clone()], "within 5 s of the failure it may still arrive");
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Unknown);
    let late = tr.reconcile(None, &[], &ex, &ours, 7_000);
    assert_eq!(late.unknown_resolved, vec![(c.clone(), UnknownResolution::Absent)]);
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Rejected);
    assert_eq!(tr.open_count(), 0);
    assert_eq!(tr.plan(&m(), &[quote(Side::Ask, 60, 10)], simple_reprice).len(), 1, "the side is free again");

    // It turns up after all: a late order update brings it back.
    let snap = exchange_order("o5", Some(c.as_str()), Side::Ask, 60, 0, 10);
    assert!(tr.on_order_update(&snap, 8_000));
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Open);
}

#[test]
fn request_not_sent_is_undone() {
    let mut tr = tracker();
    let place = send_place(&mut tr, Side::Bid, 40, 10, 0);
    tr.on_request_failed(&place, Delivery::NotSent, 1).unwrap();
    assert_eq!(tr.get(&cid(&place)).unwrap().state, OrderState::Rejected);
    assert_eq!(tr.open_count(), 0);
}

#[test]
fn rejections_map_to_the_right_states() {
    let mut tr = tracker();
    // 409 on a create: an order with this id exists (a retried create): not absent.
    let place = send_place(&mut tr, Side::Bid, 40, 10, 0);
    tr.on_reject(&place, RejectKind::DuplicateClientOrderId, 1).unwrap();
    assert_eq!(tr.get(&cid(&place)).unwrap().state, OrderState::Unknown);
    // A refused create is removed.
    let place = send_place(&mut tr, Side::Ask, 99, 1, 0);
    tr.on_reject(&place, RejectKind::Refused, 1).unwrap();
    assert_eq!(tr.get(&cid(&place)).unwrap().state, OrderState::Rejected);
    // A refused cancel (e.g. rate limited) leaves the order open; 404 on a cancel means gone.
    let (c, o) = rest(&mut tr, Side::Ask, 70, 3, "o2");
    let cancel = OrderAction::Cancel { order_id: o.clone(), ticker: m() };
    tr.on_sent(&cancel, 2).unwrap();
    tr.on_reject(&cancel, RejectKind::Refused, 3).unwrap();
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Open);
    tr.on_sent(&cancel, 4).unwrap();
    tr.on_reject(&cancel, RejectKind::NotFound, 5).unwrap();
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Canceled);
    // A refused amend returns to open at the old price.
    let (c, o) = rest(&mut tr, Side::Bid, 30, 3, "o3");
    let amend = OrderAction::Amend { order_id: o, client_order_id: c.clone(), quote: quote(Side::Bid, 31, 3) };
    tr.on_sent(&amend, 6).unwrap();
    tr.on_reject(&amend, RejectKind::Refused, 7).unwrap();
    let live = tr.get(&c).unwrap();
    assert_eq!((live.state, live.price, live.amend), (OrderState::Open, px(30), None));
}

#[test]
fn order_updates_drive_the_lifecycle() {
    let mut tr = tracker();
    let c = cid(&send_place(&mut tr, Side::Bid, 40, 10, 0));
    let snap = exchange_order("o1", Some(c.as_str()), Side::Bid, 40, 0, 10);
    assert!(tr.on_order_update(&snap, 1), "WS update before the REST ack");
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Open);
    tr.on_create_ack(&c, &OrderId::new("o1"), Qty::ZERO, q(10), 2).unwrap();
    let canceled = Order { status: OrderStatus::Canceled, remaining: Qty::ZERO, ..snap };
    assert!(tr.on_order_update(&canceled, 3));
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Canceled);
    assert!(!tr.on_order_update(&exchange_order("x", Some("manual-1"), Side::Bid, 1, 0, 1), 4), "not ours");
}

#[test]
fn plan_amends_first_keeps_matching_prices_and_cancels_surplus() {
    let mut tr = tracker();
    let (b1, o1) = rest(&mut tr, Side::Bid, 40, 10, "o1");
    let (b2, o2) = rest(&mut tr, Side::Bid, 39, 10, "o2");
    let (_b3, o3) = rest(&mut tr, Side::Bid, 30, 10, "o3");
    // Wanted: 41 and 40. The order at 40 keeps its place; the best spare (39) is amended to 41;
    // the order at 30 is surplus.
    let desired = [quote(Side::Bid, 40, 10), quote(Side::Bid, 41, 10)];
    let actions = tr.plan(&m(), &desired, simple_reprice);
    assert_eq!(
        actions,
        vec![
            OrderAction::Cancel { order_id: o3, ticker: m() },
            OrderAction::Amend { order_id: o2.clone(), client_order_id: b2.clone(), quote: quote(Side::Bid, 41, 10) },
        ],
        "cancels first, then amends; nothing placed"
    );
    for a in &actions {
        tr.on_sent(a, 5).unwrap();
    }
    // While those are in flight, planning again must not touch the same orders.
    let desired = [quote(Side::Bid, 40, 10), quote(Side::Bid, 42, 10)];
    let again = tr.plan(&m(), &desired, simple_reprice);
    assert!(again.is_empty(), "the order amending to 41 stands for the top level until answered: {again:?}");
    // More size wanted on the order at 40: amended in place (same id).
    let actions = tr.plan(&m(), &[quote(Side::Bid, 40, 12), quote(Side::Bid, 41, 10)], simple_reprice);
    assert_eq!(
        actions,
        vec![OrderAction::Amend { order_id: o1, client_order_id: b1, quote: quote(Side::Bid, 40, 12) }]
    );
}

#[test]
fn plan_places_missing_levels_and_honours_replace_and_keep() {
    let mut tr = tracker();
    let desired = [quote(Side::Bid, 40, 5), quote(Side::Ask, 60, 5)];
    let first = tr.plan(&m(), &desired, simple_reprice);
    assert_eq!(first.len(), 2);
    for a in &first {
        tr.on_sent(a, 0).unwrap();
    }
    assert!(tr.plan(&m(), &desired, simple_reprice).is_empty(), "pending creates stand for their levels");
    let ids: Vec<_> = first.iter().map(cid).collect();
    tr.on_create_ack(&ids[0], &OrderId::new("b"), Qty::ZERO, q(5), 1).unwrap();
    tr.on_create_ack(&ids[1], &OrderId::new("a"), Qty::ZERO, q(5), 1).unwrap();
    let moved = [quote(Side::Bid, 39, 5), quote(Side::Ask, 61, 5)];
    let replaced =
        tr.plan(&m(), &moved, |o, _| if o.side == Side::Bid { RepriceAction::Replace } else { RepriceAction::Keep });
    assert_eq!(replaced.len(), 2, "{replaced:?}");
    assert!(matches!(&replaced[0], OrderAction::Cancel { order_id, .. } if order_id.as_str() == "b"));
    assert!(matches!(&replaced[1], OrderAction::Place { quote, .. } if *quote == moved[0]));
    assert!(tr.plan(&MarketTicker::new("other"), &moved, simple_reprice).is_empty(), "other markets' quotes ignored");
}

#[test]
fn reconcile_adopts_or_cancels_leftovers_and_never_touches_foreign_orders() {
    let leftover = exchange_order("old1", Some("kmm-prevsession-4"), Side::Bid, 35, 1, 4);
    let foreign = exchange_order("man1", Some("manual-7"), Side::Ask, 80, 0, 2);
    let anonymous = exchange_order("man2", None, Side::Ask, 81, 0, 2);
    let orders = [leftover.clone(), foreign, anonymous];
    let (ex, ours) = positions(1, 1);

    let mut cfg = TrackerConfig::new("kmm", "s1");
    cfg.leftover = LeftoverPolicy::Adopt;
    let mut tr = OrderTracker::new(cfg).unwrap();
    let rec = tr.reconcile(None, &orders, &ex, &ours, 1_000);
    let cid = ClientOrderId::new("kmm-prevsession-4");
    assert_eq!((rec.adopted.clone(), rec.to_cancel.len(), rec.foreign), (vec![cid.clone()], 0, 2));
    let adopted = tr.get(&cid).unwrap();
    assert!(adopted.adopted && adopted.state == OrderState::Open && adopted.remaining() == q(4));
    assert_eq!(tr.worst_case(&m()).bid, q(4), "its earlier fill is already in the position");
    assert!(rec.drift.is_empty());
    assert!(!tr.is_flat_on_exchange(&orders), "the adopted order rests");

    let mut tr = tracker(); // default policy: cancel
    let rec = tr.reconcile(None, &orders, &ex, &ours, 1_000);
    assert_eq!(rec.to_cancel, vec![OrderAction::Cancel { order_id: OrderId::new("old1"), ticker: m() }]);
    for a in &rec.to_cancel {
        tr.on_sent(a, 1_001).unwrap();
    }
    tr.on_cancel_ack(&OrderId::new("old1"), q(4), 1_002).unwrap();
    assert!(tr.is_flat_on_exchange(&orders[1..]), "only foreign orders remain");
}

#[test]
fn reconcile_marks_vanished_orders_and_confirms_drift_before_halting() {
    let mut tr = tracker();
    let (c, _) = rest(&mut tr, Side::Bid, 40, 10, "o1");
    let (ex, ours) = positions(3, 0);
    // The read started before the ack (at 1): the order may simply postdate it.
    let rec = tr.reconcile(None, &[], &BTreeMap::new(), &BTreeMap::new(), 1);
    assert!(rec.vanished.is_empty() && tr.get(&c).unwrap().state == OrderState::Open);
    let rec = tr.reconcile(None, &[], &ex, &ours, 10);
    assert_eq!(rec.vanished, vec![c.clone()]);
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Canceled);
    assert_eq!(tr.worst_case(&m()).bid, q(10), "filled or canceled, the read cannot tell: still at risk");
    assert_eq!(rec.drift.len(), 1);
    let d = &rec.drift[0];
    assert_eq!((d.engine, d.exchange, d.explained, d.unexplained, d.streak), (q(0), q(3), q(0), q(3), 1));
    assert!(!rec.halt, "one sighting could be reads taken at different moments");
    let rec = tr.reconcile(None, &[], &ex, &ours, 20);
    assert!(rec.halt && rec.drift[0].streak == 2, "persistent drift halts");
    let (ex, ours) = positions(3, 3);
    let rec = tr.reconcile(None, &[], &ex, &ours, 30);
    assert!(rec.drift.is_empty() && !rec.halt, "streak resets once explained");
    tr.reconcile(None, &[], &ex, &ours, 10 + 60_000);
    assert_eq!(tr.worst_case(&m()), WorstCase::default(), "no fills within the settle timeout: released");
}

#[test]
fn a_stale_resting_update_revives_a_vanished_order_without_forgetting_its_worst_case() {
    let mut tr = tracker();
    let (c, o) = rest(&mut tr, Side::Ask, 50, 1, "o0");
    let amend = OrderAction::Amend { order_id: o, client_order_id: c.clone(), quote: quote(Side::Ask, 50, 2) };
    tr.on_sent(&amend, 2).unwrap();
    // The exchange applied the amend and the order then filled; a read of resting orders misses it.
    let rec = tr.reconcile(None, &[], &BTreeMap::new(), &BTreeMap::new(), 10);
    assert_eq!(rec.vanished, vec![c.clone()]);
    assert_eq!(tr.worst_case(&m()).ask, q(2), "the amend may have landed and filled completely");
    // An update from before the amend arrives late.
    let stale = exchange_order("o0", Some(c.as_str()), Side::Ask, 50, 0, 1);
    assert!(tr.on_order_update(&stale, 11));
    assert_eq!(tr.get(&c).unwrap().state, OrderState::Open, "a resting order is never ignored");
    assert_eq!(tr.worst_case(&m()).ask, q(2), "revived with the larger total it may have");
}

#[test]
fn reconcile_scope_leaves_other_markets_alone() {
    let mut tr = tracker();
    let (c, _) = rest(&mut tr, Side::Bid, 40, 10, "o1");
    let other = MarketTicker::new("OTHER");
    let rec = tr.reconcile(Some(&other), &[], &BTreeMap::new(), &BTreeMap::new(), 100);
    assert!(rec.vanished.is_empty() && tr.get(&c).unwrap().state == OrderState::Open);
}

#[test]
fn shutdown_sweep_cancels_everything_and_verifies() {
    let mut tr = tracker();
    let (_, o1) = rest(&mut tr, Side::Bid, 40, 10, "o1");
    let (c2, o2) = rest(&mut tr, Side::Ask, 60, 10, "o2");
    let pending = send_place(&mut tr, Side::Ask, 65, 1, 2);
    let sweep = tr.cancel_all_actions();
    assert_eq!(
        sweep,
        vec![
            OrderAction::Cancel { order_id: o1.clone(), ticker: m() },
            OrderAction::Cancel { order_id: o2.clone(), ticker: m() },
        ]
    );
    assert_eq!(tr.unresolved_creates(), vec![cid(&pending)], "a create without an id cannot be canceled yet");
    for a in &sweep {
        tr.on_sent(a, 3).unwrap();
    }
    assert!(tr.cancel_all_actions().is_empty(), "no second cancel while one is in flight");
    // The exchange still shows o2 resting (our cancel for it was lost): not flat.
    let still = [exchange_order("o2", Some(c2.as_str()), Side::Ask, 60, 0, 10)];
    assert!(!tr.is_flat_on_exchange(&still));
    assert!(tr.is_flat_on_exchange(&[]));
}

#[test]
fn batches_split_by_kind_and_size() {
    let mut tr = tracker();
    let actions: Vec<_> = (0..5)
        .map(|i| OrderAction::Place { client_order_id: tr.next_client_order_id(), quote: quote(Side::Bid, 10 + i, 1) })
        .collect();
    let mut all = actions.clone();
    all.push(OrderAction::Cancel { order_id: OrderId::new("x"), ticker: m() });
    let b = Batches::split(all, 2);
    assert_eq!(b.places.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    assert_eq!((b.amends.len(), b.cancels.len()), (0, 1));
}
