//! Property tests of the exchange over random command sequences from several users, on
//! `linear_cent` and `deci_cent` markets.
//!
//! `matches_reference_model` replays orders, cancels, amends and decreases against a naive
//! reference matcher (a flat list of orders, scanned for the best price then the earliest
//! priority) and requires the same trades, in the same order, at the resting orders' prices,
//! the same resting orders and the same queue positions. Both property tests then check,
//! after every command:
//! * the book is never crossed (best bid < best ask);
//! * contracts are conserved: positions in a market sum to zero (YES positive, NO negative;
//!   every trade has a YES buyer and a NO buyer, both users of the exchange);
//! * cash is conserved: Σ available + Σ locked + fees collected + escrow = Σ deposits, where
//!   escrow is $1 per outstanding contract pair (Σ long-YES positions), computed here from
//!   the positions, not taken from the exchange;
//! * each user's position (count and fees) equals the sum of their fills;
//! * the aggregate book rebuilt from the `BookChanged` events equals `book_snapshot`;
//! * the books agree with the order records.
//!
//! Settling at the end must pay out the escrow exactly and leave every position flat.

use std::collections::HashMap;

use kmm_model::{Money, OrderBook, OrderId, OrderStatus, Price, Qty, Side};
use kmm_sim::{
    AmendRequest, Decrease, Event, Exchange, ExpirationChange, MarketConfig, OrderFilter, OrderRequest,
    SelfTradePrevention, SettlementResult, SimError, TickGrid, TimeInForce, UserId,
};
use proptest::prelude::*;

const TICKER: &str = "KXPROP-26JAN01-T50";
const USERS: usize = 4;

fn user(i: usize) -> UserId {
    UserId::new(format!("user{i}"))
}

#[derive(Debug, Clone)]
enum Op {
    Place {
        user: usize,
        bid: bool,
        level: i64,
        units: i64,
        tif: u8,
        post_only: bool,
        stp_maker: bool,
    },
    Cancel {
        pick: usize,
    },
    Amend {
        pick: usize,
        level: i64,
        extra_units: i64,
    },
    Decrease {
        pick: usize,
        by_units: i64,
    },
    /// Only in the chaos test: time jumps, expiring orders, reduce-only, pauses, groups.
    Chaos {
        kind: u8,
        user: usize,
        level: i64,
        units: i64,
    },
}

fn place_op() -> impl Strategy<Value = Op> {
    (0..USERS, any::<bool>(), 0i64..=300, 1i64..=2_000, 0u8..6, prop::bool::weighted(0.15), any::<bool>()).prop_map(
        |(user, bid, level, units, tif, post_only, stp_maker)| Op::Place {
            user,
            bid,
            level,
            units,
            tif,
            post_only,
            stp_maker,
        },
    )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => place_op(),
        2 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        2 => (any::<usize>(), 0i64..=300, 0i64..=2_000).prop_map(|(pick, level, extra_units)| Op::Amend { pick, level, extra_units }),
        1 => (any::<usize>(), 1i64..=1_500).prop_map(|(pick, by_units)| Op::Decrease { pick, by_units }),
    ]
}

fn chaos_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => op(),
        2 => (0u8..8, 0..USERS, 0i64..=300, 1i64..=2_000).prop_map(|(kind, user, level, units)| Op::Chaos { kind, user, level, units }),
    ]
}

fn ticker() -> kmm_model::MarketTicker {
    TICKER.into()
}

fn tif_of(code: u8) -> TimeInForce {
    match code {
        0..=3 => TimeInForce::GoodTillCanceled,
        4 => TimeInForce::ImmediateOrCancel,
        _ => TimeInForce::FillOrKill,
    }
}

/// The naive reference matcher.
#[derive(Debug, Clone)]
struct RefOrder {
    id: OrderId,
    user: usize,
    side: Side,
    price: Price,
    remaining: i64,
    filled: i64,
    priority: u64,
    stp: SelfTradePrevention,
}

#[derive(Debug, Default)]
struct Reference {
    book: Vec<RefOrder>,
    done: HashMap<OrderId, i64>, // filled counts of orders no longer resting
    next_priority: u64,
}

impl Reference {
    /// Index of the best resting order a taker on `side` at `limit` would meet.
    fn best(&self, side: Side, limit: Price) -> Option<usize> {
        let crosses = |o: &RefOrder| match side {
            Side::Bid => o.side == Side::Ask && o.price <= limit,
            Side::Ask => o.side == Side::Bid && o.price >= limit,
        };
        let rank = |o: &RefOrder| match side {
            Side::Bid => (o.price.units(), o.priority),
            Side::Ask => (-o.price.units(), o.priority),
        };
        (0..self.book.len()).filter(|&i| crosses(&self.book[i])).min_by_key(|&i| rank(&self.book[i]))
    }

    /// Contracts a fill-or-kill order could get, as self-trade prevention lets it.
    fn fillable(&self, user: usize, side: Side, limit: Price, stp: SelfTradePrevention) -> i64 {
        let mut order: Vec<&RefOrder> = self
            .book
            .iter()
            .filter(|o| o.side != side && if side == Side::Bid { o.price <= limit } else { o.price >= limit })
            .collect();
        order.sort_by_key(|o| {
            if side == Side::Bid { (o.price.units(), o.priority) } else { (-o.price.units(), o.priority) }
        });
        let mut total = 0;
        for o in order {
            if o.user == user {
                match stp {
                    SelfTradePrevention::TakerAtCross => break,
                    SelfTradePrevention::Maker => continue,
                }
            }
            total += o.remaining;
        }
        total
    }

    /// Runs a taker; returns the trades as (maker id, price, count).
    fn take(&mut self, mut taker: RefOrder, tif: TimeInForce) -> Vec<(OrderId, Price, i64)> {
        let mut trades = Vec::new();
        while taker.remaining > 0 {
            let Some(i) = self.best(taker.side, taker.price) else { break };
            if self.book[i].user == taker.user {
                match taker.stp {
                    SelfTradePrevention::TakerAtCross => {
                        taker.remaining = 0;
                        break;
                    }
                    SelfTradePrevention::Maker => {
                        let gone = self.book.remove(i);
                        self.done.insert(gone.id, gone.filled);
                        continue;
                    }
                }
            }
            let q = taker.remaining.min(self.book[i].remaining);
            trades.push((self.book[i].id.clone(), self.book[i].price, q));
            taker.remaining -= q;
            taker.filled += q;
            self.book[i].remaining -= q;
            self.book[i].filled += q;
            if self.book[i].remaining == 0 {
                let gone = self.book.remove(i);
                self.done.insert(gone.id, gone.filled);
            }
        }
        if taker.remaining > 0 && tif == TimeInForce::GoodTillCanceled {
            self.next_priority += 1;
            taker.priority = self.next_priority;
            self.book.push(taker);
        } else {
            self.done.insert(taker.id.clone(), taker.filled);
        }
        trades
    }

    fn remove(&mut self, id: &OrderId) -> Option<RefOrder> {
        let i = self.book.iter().position(|o| o.id == *id)?;
        let gone = self.book.remove(i);
        self.done.insert(gone.id.clone(), gone.filled);
        Some(gone)
    }

    fn queue_position(&self, o: &RefOrder) -> i64 {
        self.book
            .iter()
            .filter(|x| x.side == o.side && x.price == o.price && x.priority < o.priority)
            .map(|x| x.remaining)
            .sum()
    }
}

struct World {
    ex: Exchange,
    /// `deci_cent` grid ($0.001 ticks) instead of `linear_cent`.
    deci: bool,
    now: i64,
    ids: Vec<(usize, OrderId)>,
    rebuilt: OrderBook,
    deposits: Money,
}

impl World {
    fn new(deposits: &[i64], deci: bool) -> Self {
        let mut ex = Exchange::new();
        let mut config = MarketConfig::binary(TICKER, "KXPROP-26JAN01", "KXPROP");
        if deci {
            config.tick_grid = TickGrid::deci_cent();
        }
        ex.add_market(config, 0).unwrap();
        let mut total = 0;
        for (i, dollars) in deposits.iter().enumerate() {
            ex.add_user(user(i), Money::from_cents(dollars * 100).unwrap()).unwrap();
            total += dollars * 1_000_000;
        }
        Self { ex, deci, now: 1, ids: Vec::new(), rebuilt: OrderBook::new(), deposits: Money::from_micros(total) }
    }

    /// Level 0..=300 as a price between 35¢ and 65¢: every $0.001 on the deci grid, every
    /// cent (ten levels per cent) on the cent grid.
    fn price(&self, level: i64) -> Price {
        let units = if self.deci { 3_500 + level * 10 } else { 3_500 + level / 10 * 100 };
        Price::from_units(units).unwrap()
    }

    fn pick(&self, pick: usize) -> Option<(usize, OrderId)> {
        (!self.ids.is_empty()).then(|| self.ids[pick % self.ids.len()].clone())
    }

    fn request(&self, bid: bool, level: i64, units: i64, tif: u8, post_only: bool, stp_maker: bool) -> OrderRequest {
        let side = if bid { Side::Bid } else { Side::Ask };
        let time_in_force = tif_of(tif);
        OrderRequest {
            time_in_force,
            post_only: post_only && time_in_force == TimeInForce::GoodTillCanceled,
            self_trade_prevention: if stp_maker {
                SelfTradePrevention::Maker
            } else {
                SelfTradePrevention::TakerAtCross
            },
            ..OrderRequest::new(ticker(), side, self.price(level), Qty::from_units(units))
        }
    }

    /// Drains events and checks every invariant; returns the trades as (maker id, price, count).
    fn check(&mut self) -> Result<Vec<(OrderId, Price, i64)>, TestCaseError> {
        self.check_with(false)
    }

    /// `settled`: the market has settled, so positions are flat whatever the fills were.
    fn check_with(&mut self, settled: bool) -> Result<Vec<(OrderId, Price, i64)>, TestCaseError> {
        let mut trades = Vec::new();
        for event in self.ex.drain_events() {
            match event {
                Event::BookChanged { outcome, price, delta, .. } => {
                    let applied = self.rebuilt.apply_delta(outcome, price, delta);
                    prop_assert!(applied.is_ok(), "a BookChanged drove a level negative");
                }
                Event::Fill { fill, .. } if !fill.fill.is_taker => {
                    trades.push((fill.fill.order_id, fill.fill.price, fill.fill.count.units()));
                }
                _ => {}
            }
        }
        let snapshot = self.ex.book_snapshot(&ticker()).unwrap();
        prop_assert_eq!(&self.rebuilt, &snapshot.to_order_book().unwrap(), "rebuilt book != snapshot");
        let market = self.ex.market_info(&ticker()).unwrap();
        if let (Some((bid, _)), Some((ask, _))) = (market.yes_bid, market.yes_ask) {
            prop_assert!(bid < ask, "crossed book: bid {} >= ask {}", bid, ask);
        }
        prop_assert_eq!(self.ex.check_consistency(), Ok(()));

        let mut net = 0;
        let mut escrow = 0;
        let mut cash = 0;
        for i in 0..USERS {
            let position = self.ex.position(&user(i), &ticker()).unwrap();
            net += position.qty.units();
            escrow += position.qty.units().max(0) * Price::ONE.units();
            let fills = self.ex.fills(&user(i)).unwrap();
            let from_fills: i64 = fills.iter().map(|f| f.fill.count.units() * f.fill.side.sign()).sum();
            let fees: i64 = fills.iter().map(|f| f.fill.fee.micros()).sum();
            let expected = if settled { 0 } else { from_fills };
            prop_assert_eq!(position.qty.units(), expected, "position != sum of fills for user{}", i);
            prop_assert_eq!(position.fees.micros(), fees, "position fees != fill fees for user{}", i);
            let balance = self.ex.balance(&user(i)).unwrap();
            prop_assert_eq!(balance.available.micros() + balance.locked.micros(), balance.cash.micros());
            prop_assert!(balance.available.micros() >= -100 * fills.len() as i64, "user{} overdrawn: {:?}", i, balance);
            cash += balance.available.micros() + balance.locked.micros();
        }
        prop_assert_eq!(net, 0, "positions must sum to zero");
        let fees = self.ex.ledger().fees_collected.micros();
        prop_assert_eq!(cash + fees + escrow, self.deposits.micros(), "cash not conserved");
        prop_assert!(self.ex.ledger().is_balanced());
        Ok(trades)
    }

    fn settle_and_check(&mut self, result: SettlementResult) -> Result<(), TestCaseError> {
        self.ex.settle_market(&ticker(), result, self.now).unwrap();
        self.check_with(true)?;
        let ledger = self.ex.ledger();
        prop_assert_eq!(ledger.escrow, Money::ZERO);
        prop_assert_eq!(ledger.locked, Money::ZERO);
        prop_assert_eq!(ledger.cash.micros() + ledger.fees_collected.micros(), self.deposits.micros());
        for i in 0..USERS {
            prop_assert_eq!(self.ex.position(&user(i), &ticker()).unwrap().qty, Qty::ZERO);
        }
        Ok(())
    }
}

fn resting_orders(ex: &Exchange) -> Vec<(OrderId, Price, i64)> {
    let filter = OrderFilter { status: Some(OrderStatus::Resting), ..Default::default() };
    let mut out: Vec<_> = (0..USERS)
        .flat_map(|i| ex.orders(&user(i), &filter).unwrap())
        .map(|o| (o.order_id, o.price, o.remaining.units()))
        .collect();
    out.sort();
    out
}

fn run_against_reference(
    deposits: &[i64],
    deci: bool,
    ops: &[Op],
    result: SettlementResult,
) -> Result<(), TestCaseError> {
    let mut world = World::new(deposits, deci);
    let mut reference = Reference::default();
    for op in ops {
        world.now += 1;
        let now = world.now;
        let expected = match op.clone() {
            Op::Place { user: who, bid, level, units, tif, post_only, stp_maker } => {
                let req = world.request(bid, level, units, tif, post_only, stp_maker);
                let (side, price, stp, tif) = (req.side, req.price, req.self_trade_prevention, req.time_in_force);
                let crosses = reference.best(side, price).is_some();
                let fillable = reference.fillable(who, side, price, stp);
                match world.ex.create_order(&user(who), req.clone(), now) {
                    Ok(order) => {
                        prop_assert!(!(req.post_only && crosses), "post-only order accepted across the book");
                        if tif == TimeInForce::FillOrKill {
                            prop_assert!(fillable >= units, "FOK accepted without volume");
                        }
                        world.ids.push((who, order.order_id.clone()));
                        let taker = RefOrder {
                            id: order.order_id,
                            user: who,
                            side,
                            price,
                            remaining: units,
                            filled: 0,
                            priority: 0,
                            stp,
                        };
                        reference.take(taker, tif)
                    }
                    Err(SimError::PostOnlyCross) => {
                        prop_assert!(crosses, "post_only_cross without a cross");
                        Vec::new()
                    }
                    Err(SimError::FokInsufficientVolume(_)) => {
                        prop_assert!(fillable < units, "FOK rejected with {} available for {}", fillable, units);
                        Vec::new()
                    }
                    Err(SimError::InsufficientBalance { .. }) => Vec::new(),
                    Err(other) => return Err(TestCaseError::fail(format!("unexpected rejection {other}"))),
                }
            }
            Op::Cancel { pick } => {
                let Some((who, id)) = world.pick(pick) else { continue };
                let canceled = world.ex.cancel_order(&user(who), &id, now).unwrap();
                let removed = reference.remove(&id).map_or(0, |o| o.remaining);
                prop_assert_eq!(canceled.reduced_by.units(), removed);
                Vec::new()
            }
            Op::Amend { pick, level, extra_units } => {
                let Some((who, id)) = world.pick(pick) else { continue };
                let order = world.ex.order(&user(who), &id).unwrap();
                let total = order.filled.units() + extra_units;
                let req = AmendRequest {
                    ticker: ticker(),
                    side: order.side,
                    price: world.price(level),
                    count: Qty::from_units(total),
                    updated_client_order_id: None,
                    expiration: ExpirationChange::Keep,
                };
                match world.ex.amend_order(&user(who), &id, req.clone(), now) {
                    Ok(_) => {
                        let i = reference.book.iter().position(|o| o.id == id);
                        prop_assert!(i.is_some(), "amend accepted for an order the reference has not resting");
                        let i = i.unwrap_or_default();
                        let remaining = total - reference.book[i].filled;
                        let requeue = req.price != reference.book[i].price || remaining > reference.book[i].remaining;
                        if requeue {
                            let mut taker = reference.book.remove(i);
                            taker.price = req.price;
                            taker.remaining = remaining;
                            reference.take(taker, TimeInForce::GoodTillCanceled)
                        } else {
                            reference.book[i].remaining = remaining;
                            Vec::new()
                        }
                    }
                    Err(err) => {
                        let resting = reference.book.iter().any(|o| o.id == id);
                        let allowed = match err {
                            SimError::OrderNotModifiable(_) => !resting,
                            SimError::InvalidOrder(_) => extra_units == 0,
                            SimError::PostOnlyCross | SimError::InsufficientBalance { .. } => resting,
                            _ => false,
                        };
                        prop_assert!(allowed, "unexpected amend rejection {}", err);
                        Vec::new()
                    }
                }
            }
            Op::Decrease { pick, by_units } => {
                let Some((who, id)) = world.pick(pick) else { continue };
                let result = world.ex.decrease_order(&user(who), &id, Decrease::By(Qty::from_units(by_units)), now);
                match reference.book.iter().position(|o| o.id == id) {
                    Some(i) => {
                        prop_assert!(result.is_ok());
                        reference.book[i].remaining -= by_units.min(reference.book[i].remaining);
                        if reference.book[i].remaining == 0 {
                            reference.remove(&id);
                        }
                    }
                    None => {
                        prop_assert_eq!(result.map(|_| ()).map_err(|e| e.code()), Err("cannot_update_filled_order"))
                    }
                }
                Vec::new()
            }
            Op::Chaos { .. } => continue,
        };
        let trades = world.check()?;
        prop_assert_eq!(trades, expected, "trades differ from the reference matcher after {:?}", op);
        let mut want: Vec<_> = reference.book.iter().map(|o| (o.id.clone(), o.price, o.remaining)).collect();
        want.sort();
        prop_assert_eq!(resting_orders(&world.ex), want, "resting orders differ after {:?}", op);
        for o in &reference.book {
            let queue = world.ex.queue_position(&user(o.user), &o.id).unwrap().units();
            prop_assert_eq!(queue, reference.queue_position(o), "queue position of {}", o.id);
        }
    }
    world.settle_and_check(result)
}

/// Commands the reference does not model; only the invariants are checked.
fn run_chaos(deposits: &[i64], deci: bool, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut world = World::new(deposits, deci);
    let groups: Vec<_> =
        (0..USERS).map(|i| world.ex.create_order_group(&user(i), Qty::from_units(1_500), 0).unwrap()).collect();
    for op in ops {
        world.now += 1;
        let now = world.now;
        match op.clone() {
            Op::Place { user: who, bid, level, units, tif, post_only, stp_maker } => {
                let req = world.request(bid, level, units, tif, post_only, stp_maker);
                if let Ok(order) = world.ex.create_order(&user(who), req, now) {
                    world.ids.push((who, order.order_id));
                }
            }
            Op::Cancel { pick } => {
                if let Some((who, id)) = world.pick(pick) {
                    world.ex.cancel_order(&user(who), &id, now).unwrap();
                }
            }
            Op::Amend { pick, level, extra_units } => {
                if let Some((who, id)) = world.pick(pick) {
                    let order = world.ex.order(&user(who), &id).unwrap();
                    let req = AmendRequest {
                        ticker: ticker(),
                        side: order.side,
                        price: world.price(level),
                        count: Qty::from_units(order.filled.units() + extra_units),
                        updated_client_order_id: None,
                        expiration: ExpirationChange::Keep,
                    };
                    let _ = world.ex.amend_order(&user(who), &id, req, now);
                }
            }
            Op::Decrease { pick, by_units } => {
                if let Some((who, id)) = world.pick(pick) {
                    let _ = world.ex.decrease_order(&user(who), &id, Decrease::By(Qty::from_units(by_units)), now);
                }
            }
            Op::Chaos { kind, user: who, level, units } => {
                let side = if units % 2 == 0 { Side::Bid } else { Side::Ask };
                let base = OrderRequest::new(ticker(), side, world.price(level), Qty::from_units(units));
                let req = match kind {
                    0 => OrderRequest { expiration_ms: Some(now + units % 50 + 1), ..base },
                    1 => OrderRequest { reduce_only: true, time_in_force: TimeInForce::ImmediateOrCancel, ..base },
                    2 => OrderRequest { order_group_id: Some(groups[who].clone()), ..base },
                    3 => OrderRequest { cancel_order_on_pause: true, ..base },
                    _ => base,
                };
                match kind {
                    4 => world.now += units * 20, // up to 40 s: expiries and group windows roll
                    5 => {
                        let _ = world.ex.pause_trading(&ticker(), now);
                    }
                    6 => {
                        let _ = world.ex.resume_trading(&ticker(), now);
                    }
                    7 => {
                        let _ = world.ex.reset_order_group(&user(who), &groups[who], now);
                    }
                    _ => {
                        if let Ok(order) = world.ex.create_order(&user(who), req, now) {
                            world.ids.push((who, order.order_id));
                        }
                    }
                }
                world.ex.advance(world.now).unwrap();
            }
        }
        world.check()?;
    }
    world.settle_and_check(SettlementResult::No)
}

fn deposits() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(prop_oneof![Just(15i64), Just(60), Just(1_000)], USERS)
}

fn result() -> impl Strategy<Value = SettlementResult> {
    prop_oneof![Just(SettlementResult::Yes), Just(SettlementResult::No)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn matches_reference_model(
        deposits in deposits(),
        deci in prop::bool::weighted(0.3),
        ops in prop::collection::vec(op(), 1..80),
        result in result(),
    ) {
        run_against_reference(&deposits, deci, &ops, result)?;
    }

    #[test]
    fn invariants_hold_under_every_command(
        deposits in deposits(),
        deci in prop::bool::weighted(0.3),
        ops in prop::collection::vec(chaos_op(), 1..80),
    ) {
        run_chaos(&deposits, deci, &ops)?;
    }
}
