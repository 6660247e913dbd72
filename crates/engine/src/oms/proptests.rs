//! Random interleavings of requests, answers (delayed, reordered, duplicated or lost), fills,
//! order updates and reconciliations against a tiny model exchange. Invariants after every
//! step: no negative remaining, filled ≤ total, and the tracker's worst case covers whatever
//! the exchange could still do to the position.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use kmm_model::{ClientOrderId, Fill, Money, Order, OrderId, OrderStatus, Qty, Side, TradeId};
use proptest::prelude::*;

use super::tests::{m, px, quote, tracker};
use super::*;
use crate::intent::OrderAction;

#[derive(Debug, Clone)]
enum Op {
    Place {
        bid: bool,
        size: i64,
        created: bool,
        answered: bool,
    },
    Fill {
        slot: usize,
        amount: i64,
    },
    Deliver {
        idx: usize,
        dup: bool,
    },
    Cancel {
        slot: usize,
    },
    Amend {
        slot: usize,
        size: i64,
    },
    Update {
        slot: usize,
    },
    /// `only_resting`: a read of resting orders plus the unknown creates (looked up by client
    /// id); otherwise every order including executed and canceled ones.
    Reconcile {
        only_resting: bool,
    },
    Tick {
        ms: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (any::<bool>(), 1i64..10, prop::bool::weighted(0.85), prop::bool::weighted(0.8))
            .prop_map(|(bid, size, created, answered)| Op::Place { bid, size, created, answered }),
        3 => (any::<usize>(), 1i64..6).prop_map(|(slot, amount)| Op::Fill { slot, amount }),
        5 => (any::<usize>(), prop::bool::weighted(0.2)).prop_map(|(idx, dup)| Op::Deliver { idx, dup }),
        1 => any::<usize>().prop_map(|slot| Op::Cancel { slot }),
        1 => (any::<usize>(), 1i64..10).prop_map(|(slot, size)| Op::Amend { slot, size }),
        1 => any::<usize>().prop_map(|slot| Op::Update { slot }),
        1 => any::<bool>().prop_map(|only_resting| Op::Reconcile { only_resting }),
        1 => (0i64..100).prop_map(|ms| Op::Tick { ms }),
    ]
}

#[derive(Debug, Clone)]
struct ExOrder {
    oid: OrderId,
    side: Side,
    total: i64,
    filled: i64,
    status: OrderStatus,
}

impl ExOrder {
    fn remaining(&self) -> i64 {
        if self.status == OrderStatus::Resting { self.total - self.filled } else { 0 }
    }
}

#[derive(Debug, Clone)]
enum Event {
    CreateAck { cid: ClientOrderId, oid: OrderId, filled: i64, remaining: i64 },
    Reject { action: OrderAction, kind: RejectKind },
    AmendAck { oid: OrderId, filled: i64, remaining: i64 },
    CancelAck { oid: OrderId, reduced: i64 },
    Fill(Fill),
    Snapshot(Order),
}

struct World {
    tr: OrderTracker,
    now: i64,
    slots: Vec<(ClientOrderId, Side, Option<usize>)>,
    exchange: Vec<ExOrder>,
    queue: Vec<Event>,
    engine_pos: i64,
    exchange_pos: i64,
    trades: u64,
}

impl World {
    fn snapshot(&self, slot: usize) -> Option<Order> {
        let (cid, _, ex) = &self.slots[slot];
        let e = &self.exchange[(*ex)?];
        Some(Order {
            order_id: e.oid.clone(),
            client_order_id: Some(cid.clone()),
            ticker: m(),
            side: e.side,
            price: px(50),
            initial: Qty::from_units(e.total),
            filled: Qty::from_units(e.filled),
            remaining: Qty::from_units(e.remaining()),
            status: e.status,
        })
    }

    fn step(&mut self, op: Op) {
        let now = self.now;
        let pick = |slot: usize, n: usize| (n > 0).then(|| slot % n);
        match op {
            Op::Place { bid, size, created, answered } => {
                let side = if bid { Side::Bid } else { Side::Ask };
                let cid = self.tr.next_client_order_id();
                let action = OrderAction::Place { client_order_id: cid.clone(), quote: quote(side, 50, size) };
                self.tr.on_sent(&action, now).unwrap();
                let ex = created.then(|| {
                    let oid = OrderId::from(format!("o{}", self.exchange.len()));
                    self.exchange.push(ExOrder {
                        oid,
                        side,
                        total: size * 100,
                        filled: 0,
                        status: OrderStatus::Resting,
                    });
                    self.exchange.len() - 1
                });
                match (answered, ex) {
                    (true, Some(i)) => self.queue.push(Event::CreateAck {
                        cid: cid.clone(),
                        oid: self.exchange[i].oid.clone(),
                        filled: 0,
                        remaining: size * 100,
                    }),
                    (true, None) => self.queue.push(Event::Reject { action, kind: RejectKind::Refused }),
                    (false, _) => self.tr.on_request_failed(&action, Delivery::Unknown, now).unwrap(),
                }
                self.slots.push((cid, side, ex));
            }
            Op::Fill { slot, amount } => {
                let Some(i) = pick(slot, self.exchange.len()) else { return };
                let e = &mut self.exchange[i];
                let k = (amount * 100).min(e.remaining());
                if k == 0 {
                    return;
                }
                e.filled += k;
                if e.filled == e.total {
                    e.status = OrderStatus::Executed;
                }
                self.exchange_pos += k * e.side.sign();
                self.trades += 1;
                self.queue.push(Event::Fill(Fill {
                    trade_id: TradeId::from(format!("t{}", self.trades)),
                    order_id: e.oid.clone(),
                    ticker: m(),
                    side: e.side,
                    price: px(50),
                    count: Qty::from_units(k),
                    is_taker: false,
                    fee: Money::ZERO,
                    ts_ms: None,
                }));
            }
            Op::Deliver { idx, dup } => {
                let Some(i) = pick(idx, self.queue.len()) else { return };
                let event = if dup && matches!(self.queue[i], Event::Fill(_)) {
                    self.queue[i].clone()
                } else {
                    self.queue.remove(i)
                };
                self.deliver(event);
            }
            Op::Cancel { slot } => {
                let Some(s) = pick(slot, self.slots.len()) else { return };
                let Some(order) = self.tr.get(&self.slots[s].0).filter(|o| o.is_actionable()) else { return };
                let oid = order.order_id.clone().unwrap();
                self.tr.on_sent(&OrderAction::Cancel { order_id: oid.clone(), ticker: m() }, now).unwrap();
                let e = self.exchange.iter_mut().find(|e| e.oid == oid).unwrap();
                let reduced = e.remaining();
                if e.status == OrderStatus::Resting {
                    e.status = OrderStatus::Canceled;
                }
                self.queue.push(Event::CancelAck { oid, reduced });
            }
            Op::Amend { slot, size } => {
                let Some(s) = pick(slot, self.slots.len()) else { return };
                let Some(order) = self.tr.get(&self.slots[s].0).filter(|o| o.is_actionable()) else { return };
                let (oid, cid, side) = (order.order_id.clone().unwrap(), order.client_order_id.clone(), order.side);
                let count = order.amend_total(Qty::from_units(size * 100)).units();
                let action =
                    OrderAction::Amend { order_id: oid.clone(), client_order_id: cid, quote: quote(side, 50, size) };
                self.tr.on_sent(&action, now).unwrap();
                let e = self.exchange.iter_mut().find(|e| e.oid == oid).unwrap();
                if e.status != OrderStatus::Resting {
                    self.queue.push(Event::Reject { action, kind: RejectKind::NotFound });
                } else {
                    if count <= e.filled {
                        e.status = OrderStatus::Canceled;
                    } else {
                        e.total = count;
                    }
                    self.queue.push(Event::AmendAck { oid, filled: e.filled, remaining: e.remaining() });
                }
            }
            Op::Update { slot } => {
                let Some(s) = pick(slot, self.slots.len()) else { return };
                if let Some(snap) = self.snapshot(s) {
                    self.queue.push(Event::Snapshot(snap));
                }
            }
            Op::Reconcile { only_resting } => {
                let unknown_create = |cid: &ClientOrderId| self.tr.get(cid).is_some_and(|o| o.order_id.is_none());
                let orders: Vec<Order> = (0..self.slots.len())
                    .filter_map(|s| self.snapshot(s))
                    .filter(|o| {
                        !only_resting
                            || o.status == OrderStatus::Resting
                            || o.client_order_id.as_ref().is_some_and(unknown_create)
                    })
                    .collect();
                let ex = BTreeMap::from([(m(), Qty::from_units(self.exchange_pos))]);
                let ours = BTreeMap::from([(m(), Qty::from_units(self.engine_pos))]);
                let rec = self.tr.reconcile(None, &orders, &ex, &ours, now);
                assert!(rec.adopted.is_empty() && rec.foreign == 0, "every exchange order is known: {rec:?}");
            }
            Op::Tick { ms } => self.now += ms,
        }
    }

    fn deliver(&mut self, event: Event) {
        let now = self.now;
        // Answers for orders already resolved otherwise are allowed to be refused.
        let _ = match event {
            Event::CreateAck { cid, oid, filled, remaining } => {
                self.tr.on_create_ack(&cid, &oid, Qty::from_units(filled), Qty::from_units(remaining), now)
            }
            Event::Reject { action, kind } => self.tr.on_reject(&action, kind, now),
            Event::AmendAck { oid, filled, remaining } => {
                self.tr.on_amend_ack(&oid, Some(Qty::from_units(filled)), Some(Qty::from_units(remaining)), now)
            }
            Event::CancelAck { oid, reduced } => self.tr.on_cancel_ack(&oid, Qty::from_units(reduced), now),
            Event::Fill(fill) => {
                if self.tr.on_fill(&fill, now) {
                    self.engine_pos += fill.count.units() * fill.side.sign();
                }
                Ok(())
            }
            Event::Snapshot(order) => {
                self.tr.on_order_update(&order, now);
                Ok(())
            }
        };
    }

    fn check(&self) -> Result<(), TestCaseError> {
        for (cid, _, _) in &self.slots {
            let Some(o) = self.tr.get(cid) else { continue };
            prop_assert!(o.remaining().units() >= 0, "negative remaining: {o:?}");
            prop_assert!(o.filled() <= o.total, "filled above the order's size: {o:?}");
            prop_assert!(o.counted_filled.units() >= 0 && o.worst_remaining().units() >= 0, "{o:?}");
        }
        let wc = self.tr.worst_case(&m());
        let resting =
            |side: Side| -> i64 { self.exchange.iter().filter(|e| e.side == side).map(ExOrder::remaining).sum() };
        let real_long = self.exchange_pos + resting(Side::Bid);
        let real_short = resting(Side::Ask) - self.exchange_pos;
        prop_assert!(
            self.engine_pos + wc.bid.units() >= real_long,
            "worst-case long {} + {} understates the exchange's {real_long}",
            self.engine_pos,
            wc.bid.units()
        );
        prop_assert!(
            wc.ask.units() - self.engine_pos >= real_short,
            "worst-case short {} - {} understates the exchange's {real_short}",
            wc.ask.units(),
            self.engine_pos
        );
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_interleavings_keep_counts_sane_and_worst_case_covering(ops in prop::collection::vec(op(), 1..160)) {
        let mut world = World {
            tr: tracker(),
            now: 1_000,
            slots: Vec::new(),
            exchange: Vec::new(),
            queue: Vec::new(),
            engine_pos: 0,
            exchange_pos: 0,
            trades: 0,
        };
        for op in ops {
            world.step(op);
            world.check()?;
        }
        // Deliver everything still queued: positions converge.
        while let Some(event) = world.queue.pop() {
            world.deliver(event);
            world.check()?;
        }
        prop_assert_eq!(world.engine_pos, world.exchange_pos, "every fill delivered once");
    }
}
