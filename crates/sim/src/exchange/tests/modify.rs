//! Amend, decrease, cancel, batches and queue position.

use kmm_model::{ClientOrderId, Money, OrderStatus, Qty, Side};

use super::*;
use crate::order::{AmendRequest, CancelReason, Decrease, ExpirationChange};

fn amend(order: &OrderRecord, cents: i64, total: i64) -> AmendRequest {
    AmendRequest {
        ticker: order.ticker.clone(),
        side: order.side,
        price: p(cents),
        count: c(total),
        updated_client_order_id: None,
        expiration: ExpirationChange::Keep,
    }
}

/// Three bids at 40 from a, b, c (5 each), in that order.
fn queue() -> (Harness, [OrderRecord; 3]) {
    let mut h = Harness::new();
    let orders = ["a", "b", "c"].map(|user| h.place(user, req(Side::Bid, 40, 5)));
    h.check();
    (h, orders)
}

fn queue_positions(h: &Harness, orders: &[OrderRecord; 3]) -> Vec<Qty> {
    orders.iter().map(|o| h.ex.queue_position(&o.user, &o.order_id).unwrap()).collect()
}

#[test]
fn queue_position_counts_contracts_ahead_at_the_price() {
    let (h, orders) = queue();
    assert_eq!(queue_positions(&h, &orders), vec![Qty::ZERO, c(5), c(10)]);
}

#[test]
fn size_down_keeps_priority_size_up_and_reprice_lose_it() {
    let (mut h, orders) = queue();
    let down = h.ex.amend_order(&u("a"), &orders[0].order_id, amend(&orders[0], 40, 3), h.now).unwrap();
    assert_eq!((down.old.remaining, down.order.remaining, down.order.initial), (c(5), c(3), c(3)));
    assert_eq!(queue_positions(&h, &orders), vec![Qty::ZERO, c(3), c(8)], "a keeps the front");
    h.ex.amend_order(&u("a"), &orders[0].order_id, amend(&orders[0], 40, 6), h.now).unwrap();
    assert_eq!(queue_positions(&h, &orders), vec![c(10), Qty::ZERO, c(5)], "size-up goes to the back");
    h.ex.amend_order(&u("b"), &orders[1].order_id, amend(&orders[1], 39, 5), h.now).unwrap();
    h.ex.amend_order(&u("b"), &orders[1].order_id, amend(&orders[1], 40, 5), h.now).unwrap();
    assert_eq!(queue_positions(&h, &orders), vec![c(5), c(11), Qty::ZERO], "a reprice re-queues");
    let expiry_only = AmendRequest { expiration: ExpirationChange::Set(50_000), ..amend(&orders[2], 40, 5) };
    h.ex.amend_order(&u("c"), &orders[2].order_id, expiry_only, h.now).unwrap();
    assert_eq!(h.ex.queue_position(&u("c"), &orders[2].order_id).unwrap(), Qty::ZERO, "expiry-only keeps the queue");
    h.check();
}

#[test]
fn amend_to_a_crossing_price_trades_like_a_taker() {
    let mut h = Harness::new();
    h.place("a", req(Side::Ask, 45, 3));
    let bid = h.place("b", req(Side::Bid, 40, 5));
    h.check();
    let amended = h.ex.amend_order(&u("b"), &bid.order_id, amend(&bid, 46, 5), h.now).unwrap();
    let events = h.check();
    assert_eq!(trades(&events), vec![(p(45), c(3))], "executes at the resting ask's price");
    assert_eq!((amended.order.filled, amended.order.remaining, amended.order.price), (c(3), c(2), p(46)));
    assert_eq!(amended.order.order_id, bid.order_id, "an amend keeps the order id");
    assert_eq!(amended.order.taker_fill_cost, Money::from_cents(135).unwrap());
    // Post-only orders may not amend into a cross.
    let post = h.place("c", OrderRequest { post_only: true, ..req(Side::Ask, 50, 1) });
    let err = h.ex.amend_order(&u("c"), &post.order_id, amend(&post, 46, 1), h.now).unwrap_err();
    assert_eq!(err.code(), "post_only_cross");
    assert_eq!(h.order("c", &post).price, p(50), "unchanged");
    h.check();
}

#[test]
fn amend_rejections() {
    let mut h = Harness::new();
    h.place("a", req(Side::Ask, 40, 2));
    let bid = h.place("b", req(Side::Bid, 40, 5));
    h.check();
    let err = h.ex.amend_order(&u("b"), &bid.order_id, amend(&bid, 40, 2), h.now).unwrap_err();
    assert_eq!(err.code(), "invalid_order", "total 2 is not above the 2 filled");
    let wrong_side = AmendRequest { side: Side::Ask, ..amend(&bid, 40, 5) };
    assert_eq!(h.ex.amend_order(&u("b"), &bid.order_id, wrong_side, h.now).unwrap_err().code(), "invalid_order");
    assert_eq!(h.ex.amend_order(&u("a"), &bid.order_id, amend(&bid, 40, 5), h.now).unwrap_err().code(), "not_found");
    let ok = h.ex.amend_order(&u("b"), &bid.order_id, amend(&bid, 40, 3), h.now).unwrap().order;
    assert_eq!((ok.initial, ok.filled, ok.remaining), (c(3), c(2), c(1)), "count is the new total");
    h.ex.cancel_order(&u("b"), &bid.order_id, h.now).unwrap();
    let err = h.ex.amend_order(&u("b"), &bid.order_id, amend(&bid, 40, 5), h.now).unwrap_err();
    assert_eq!((err.code(), err.http_status()), ("cannot_update_filled_order", 409));
    let big = h.place("c", req(Side::Bid, 10, 1));
    let err = h.ex.amend_order(&u("c"), &big.order_id, amend(&big, 10, 1_000_000), h.now).unwrap_err();
    assert_eq!(err.code(), "insufficient_balance");
    h.check();
}

#[test]
fn amend_can_change_the_client_order_id() {
    let mut h = Harness::new();
    let with_id = |id: &str| OrderRequest { client_order_id: Some(ClientOrderId::new(id)), ..req(Side::Bid, 30, 1) };
    let first = h.place("a", with_id("one"));
    h.place("a", with_id("two"));
    let taken = AmendRequest { updated_client_order_id: Some(ClientOrderId::new("two")), ..amend(&first, 30, 1) };
    assert_eq!(h.ex.amend_order(&u("a"), &first.order_id, taken, h.now).unwrap_err().code(), "order_already_exists");
    let renamed = AmendRequest { updated_client_order_id: Some(ClientOrderId::new("three")), ..amend(&first, 30, 1) };
    h.ex.amend_order(&u("a"), &first.order_id, renamed, h.now).unwrap();
    assert_eq!(h.ex.order_by_client_id(&u("a"), &ClientOrderId::new("three")).unwrap().order_id, first.order_id);
    assert!(h.ex.order_by_client_id(&u("a"), &ClientOrderId::new("one")).is_err());
    h.check();
}

#[test]
fn decrease_keeps_priority_and_zero_cancels() {
    let (mut h, orders) = queue();
    let a = h.ex.decrease_order(&u("a"), &orders[0].order_id, Decrease::By(c(2)), h.now).unwrap();
    assert_eq!((a.remaining, a.initial), (c(3), c(5)), "initial keeps the placed count");
    assert_eq!(queue_positions(&h, &orders), vec![Qty::ZERO, c(3), c(8)]);
    let b = h.ex.decrease_order(&u("b"), &orders[1].order_id, Decrease::To(c(1)), h.now).unwrap();
    assert_eq!(b.remaining, c(1));
    let err = h.ex.decrease_order(&u("b"), &orders[1].order_id, Decrease::To(c(2)), h.now).unwrap_err();
    assert_eq!(err.code(), "invalid_order", "reduce_to above remaining");
    let gone = h.ex.decrease_order(&u("b"), &orders[1].order_id, Decrease::By(c(10)), h.now).unwrap();
    assert_eq!((gone.status, gone.cancel_reason), (OrderStatus::Canceled, Some(CancelReason::Decreased)));
    let gone = h.ex.decrease_order(&u("c"), &orders[2].order_id, Decrease::To(Qty::ZERO), h.now).unwrap();
    assert_eq!(gone.status, OrderStatus::Canceled);
    assert_eq!(h.ex.balance(&u("c")).unwrap().locked, Money::ZERO);
    h.check();
}

#[test]
fn cancel_reports_what_it_removed() {
    let mut h = Harness::new();
    let bid = h.place("a", req(Side::Bid, 40, 5));
    h.place("b", req(Side::Ask, 40, 2));
    h.check();
    let first = h.ex.cancel_order(&u("a"), &bid.order_id, h.now).unwrap();
    assert_eq!((first.reduced_by, first.order.status, first.order.filled), (c(3), OrderStatus::Canceled, c(2)));
    let again = h.ex.cancel_order(&u("a"), &bid.order_id, h.now).unwrap();
    assert_eq!(again.reduced_by, Qty::ZERO, "already canceled: nothing removed, not an error");
    assert_eq!(h.ex.cancel_order(&u("b"), &bid.order_id, h.now).unwrap_err().code(), "not_found", "not b's order");
    h.check();
}

#[test]
fn cancel_all_and_batches() {
    let mut h = Harness::new();
    let results = h.ex.batch_create_orders(
        &u("a"),
        vec![req(Side::Bid, 40, 1), req(Side::Bid, 0, 1), req(Side::Ask, 60, 1), req(Side::Bid, 41, 1)],
        h.now,
    );
    let codes: Vec<_> = results.iter().map(|r| r.as_ref().map(|_| "ok").unwrap_or_else(|e| e.code())).collect();
    assert_eq!(codes, vec!["ok", "invalid_order", "ok", "ok"]);
    let ids: Vec<_> = results.iter().flatten().map(|o| o.order_id.clone()).collect();
    let canceled = h.ex.batch_cancel_orders(&u("a"), &[ids[0].clone(), "missing".into()], h.now);
    assert_eq!(canceled[0].as_ref().unwrap().reduced_by, c(1));
    assert_eq!(canceled[1].as_ref().unwrap_err().code(), "not_found");
    let all = h.ex.cancel_all(&u("a"), Some(&t()), h.now).unwrap();
    assert_eq!(all.iter().map(|x| x.order.order_id.clone()).collect::<Vec<_>>(), ids[1..].to_vec());
    assert!(h.resting("a").is_empty());
    h.check();
}
