//! One market's book of individual resting orders, in YES prices, with price-time priority.
//!
//! Bids buy YES; asks sell YES (≡ buy NO at $1 − price). Each price level keeps its orders in
//! a queue ordered by a priority number the exchange hands out (lower = earlier); an order
//! that keeps its priority (a decrease, a size-down amend) keeps its number. A taker at limit
//! `L` matches the first order of [`Book::matching`]: for a bid, asks at or below `L`,
//! cheapest first; for an ask, bids at or above `L`, dearest first. Trades execute at the
//! resting order's price. The book holds no rules beyond priority: time in force,
//! self-trade prevention and accounts are the exchange's.

use std::collections::{BTreeMap, HashMap};

use kmm_model::{ModelError, OrderBook, Outcome, Price, Qty, Side};
use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// The book's handle of an order (the exchange's order sequence number).
pub type OrderKey = u64;

/// One order on the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestingOrder {
    /// Handle.
    pub key: OrderKey,
    /// Owner (for self-trade prevention).
    pub user: UserId,
    /// Bid or ask.
    pub side: Side,
    /// Limit (YES price).
    pub price: Price,
    /// Contracts on the book (> 0).
    pub remaining: Qty,
    /// Time priority: lower numbers trade first at a price.
    pub priority: u64,
}

#[derive(Debug, Clone, Default)]
struct Level {
    total: i64,
    queue: BTreeMap<u64, OrderKey>,
}

/// Resting orders of one market.
#[derive(Debug, Clone, Default)]
pub struct Book {
    bids: BTreeMap<Price, Level>,
    asks: BTreeMap<Price, Level>,
    orders: HashMap<OrderKey, RestingOrder>,
}

/// The aggregate book in Kalshi's REST form: two ascending ladders of bids.
///
/// `yes` holds the bids' levels (YES price), `no` the asks' levels at the NO price $1 − p.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookSnapshot {
    /// YES bids, ascending by price.
    pub yes: Vec<(Price, Qty)>,
    /// NO bids (= YES asks at $1 − price), ascending by NO price.
    pub no: Vec<(Price, Qty)>,
}

impl BookSnapshot {
    /// The same levels in the model's aggregate book.
    pub fn to_order_book(&self) -> Result<OrderBook, ModelError> {
        let mut book = OrderBook::new();
        book.apply_snapshot(&self.yes, &self.no)?;
        Ok(book)
    }
}

/// Which ladder and price a resting order shows on in the aggregate book.
pub fn ladder_of(side: Side, price: Price) -> (Outcome, Price) {
    match side {
        Side::Bid => (Outcome::Yes, price),
        Side::Ask => (Outcome::No, price.complement()),
    }
}

impl Book {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    fn levels_mut(&mut self, side: Side) -> &mut BTreeMap<Price, Level> {
        match side {
            Side::Bid => &mut self.bids,
            Side::Ask => &mut self.asks,
        }
    }

    /// Adds an order at the back of its level (by priority). Its key must be new and its
    /// remaining count positive.
    pub fn insert(&mut self, order: RestingOrder) {
        debug_assert!(order.remaining.is_positive(), "only orders with size rest");
        let level = self.levels_mut(order.side).entry(order.price).or_default();
        level.total += order.remaining.units();
        level.queue.insert(order.priority, order.key);
        if let Some(old) = self.orders.insert(order.key, order) {
            debug_assert!(false, "order {} inserted twice", old.key);
        }
    }

    /// Takes an order off the book.
    pub fn remove(&mut self, key: OrderKey) -> Option<RestingOrder> {
        let order = self.orders.remove(&key)?;
        let levels = self.levels_mut(order.side);
        if let Some(level) = levels.get_mut(&order.price) {
            level.total -= order.remaining.units();
            level.queue.remove(&order.priority);
            if level.queue.is_empty() {
                levels.remove(&order.price);
            }
        }
        Some(order)
    }

    /// Takes `by` contracts off an order, keeping its priority; at zero it leaves the book.
    /// Returns the new remaining count, or `None` for an unknown order. `by` is capped at the
    /// remaining count.
    pub fn reduce(&mut self, key: OrderKey, by: Qty) -> Option<Qty> {
        let order = self.orders.get_mut(&key)?;
        let by = by.units().clamp(0, order.remaining.units());
        let left = order.remaining.units() - by;
        let (side, price) = (order.side, order.price);
        if left == 0 {
            self.remove(key);
        } else {
            order.remaining = Qty::from_units(left);
            if let Some(level) = self.levels_mut(side).get_mut(&price) {
                level.total -= by;
            }
        }
        Some(Qty::from_units(left))
    }

    /// An order on the book.
    pub fn get(&self, key: OrderKey) -> Option<&RestingOrder> {
        self.orders.get(&key)
    }

    /// Number of resting orders.
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    /// True when nothing rests.
    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }

    /// All resting orders, in no particular order.
    pub fn orders(&self) -> impl Iterator<Item = &RestingOrder> {
        self.orders.values()
    }

    /// Highest bid and the size there.
    pub fn best_bid(&self) -> Option<(Price, Qty)> {
        self.bids.iter().next_back().map(|(p, l)| (*p, Qty::from_units(l.total)))
    }

    /// Lowest ask and the size there.
    pub fn best_ask(&self) -> Option<(Price, Qty)> {
        self.asks.iter().next().map(|(p, l)| (*p, Qty::from_units(l.total)))
    }

    /// Resting orders a taker on `side` with limit `limit` would trade with, in priority order.
    pub fn matching(&self, side: Side, limit: Price) -> impl Iterator<Item = &RestingOrder> + '_ {
        let levels: Box<dyn Iterator<Item = &Level>> = match side {
            Side::Bid => Box::new(self.asks.range(..=limit).map(|(_, l)| l)),
            Side::Ask => Box::new(self.bids.range(limit..).rev().map(|(_, l)| l)),
        };
        levels.flat_map(|l| l.queue.values()).filter_map(|key| self.orders.get(key))
    }

    /// The first order a taker on `side` at `limit` would trade with.
    pub fn first_match(&self, side: Side, limit: Price) -> Option<&RestingOrder> {
        let level = match side {
            Side::Bid => self.asks.first_key_value().filter(|(p, _)| **p <= limit),
            Side::Ask => self.bids.last_key_value().filter(|(p, _)| **p >= limit),
        }?;
        level.1.queue.first_key_value().and_then(|(_, key)| self.orders.get(key))
    }

    /// True when an order on `side` at `limit` would trade with something on the book.
    pub fn crosses(&self, side: Side, limit: Price) -> bool {
        match side {
            Side::Bid => self.best_ask().is_some_and(|(p, _)| p <= limit),
            Side::Ask => self.best_bid().is_some_and(|(p, _)| p >= limit),
        }
    }

    /// Contracts ahead of the order at its price level (orders with better time priority).
    pub fn queue_position(&self, key: OrderKey) -> Option<Qty> {
        let order = self.orders.get(&key)?;
        let levels = match order.side {
            Side::Bid => &self.bids,
            Side::Ask => &self.asks,
        };
        let level = levels.get(&order.price)?;
        let ahead = level.queue.range(..order.priority).filter_map(|(_, k)| self.orders.get(k));
        Some(Qty::from_units(ahead.map(|o| o.remaining.units()).sum()))
    }

    /// The aggregate book in Kalshi's form.
    pub fn snapshot(&self) -> BookSnapshot {
        let level = |(p, l): (&Price, &Level)| (*p, Qty::from_units(l.total));
        BookSnapshot {
            yes: self.bids.iter().map(level).collect(),
            no: self.asks.iter().rev().map(|(p, l)| (p.complement(), Qty::from_units(l.total))).collect(),
        }
    }

    /// Checks the level totals and queues against the orders (for tests and debugging).
    pub fn check_consistency(&self) -> Result<(), String> {
        let mut counted = 0;
        for (side, levels) in [(Side::Bid, &self.bids), (Side::Ask, &self.asks)] {
            for (price, level) in levels {
                let mut total = 0;
                for (prio, key) in &level.queue {
                    let o = self.orders.get(key).ok_or(format!("queued order {key} missing"))?;
                    if o.side != side || o.price != *price || o.priority != *prio || !o.remaining.is_positive() {
                        return Err(format!("order {key} misfiled: {o:?}"));
                    }
                    total += o.remaining.units();
                    counted += 1;
                }
                if total != level.total || level.queue.is_empty() {
                    return Err(format!("level {side:?} {price}: total {} != {total}", level.total));
                }
            }
        }
        if counted != self.orders.len() {
            return Err(format!("{} orders but {counted} queued", self.orders.len()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn c(n: i64) -> Qty {
        Qty::from_contracts(n).unwrap()
    }
    fn p(cents: i64) -> Price {
        Price::from_cents(cents).unwrap()
    }
    fn order(key: u64, user: &str, side: Side, cents: i64, n: i64) -> RestingOrder {
        RestingOrder { key, user: UserId::new(user), side, price: p(cents), remaining: c(n), priority: key }
    }

    #[test]
    fn price_then_time_priority() {
        let mut book = Book::new();
        book.insert(order(1, "a", Side::Ask, 45, 5));
        book.insert(order(2, "b", Side::Ask, 44, 5));
        book.insert(order(3, "c", Side::Ask, 44, 5));
        book.insert(order(4, "d", Side::Bid, 40, 5));
        let keys: Vec<_> = book.matching(Side::Bid, p(45)).map(|o| o.key).collect();
        assert_eq!(keys, vec![2, 3, 1], "cheapest ask first, then earliest at the price");
        assert_eq!(book.first_match(Side::Bid, p(43)), None, "a bid at 43 crosses nothing");
        assert_eq!(book.first_match(Side::Ask, p(40)).map(|o| o.key), Some(4));
        assert!(book.crosses(Side::Bid, p(44)) && !book.crosses(Side::Ask, p(41)));
        assert_eq!(book.queue_position(3), Some(c(5)));
        assert_eq!(book.queue_position(2), Some(Qty::ZERO));
        book.check_consistency().unwrap();
    }

    #[test]
    fn reduce_keeps_priority_and_removes_at_zero() {
        let mut book = Book::new();
        book.insert(order(1, "a", Side::Bid, 40, 5));
        book.insert(order(2, "b", Side::Bid, 40, 5));
        assert_eq!(book.reduce(1, c(2)), Some(c(3)));
        assert_eq!(book.first_match(Side::Ask, p(40)).map(|o| o.key), Some(1), "still first");
        assert_eq!(book.best_bid(), Some((p(40), c(8))));
        assert_eq!(book.reduce(1, c(10)), Some(Qty::ZERO), "over-reduce is capped");
        assert!(book.get(1).is_none());
        assert_eq!(book.remove(2).map(|o| o.key), Some(2));
        assert!(book.is_empty() && book.best_bid().is_none());
        book.check_consistency().unwrap();
    }

    #[test]
    fn snapshot_shows_asks_as_no_bids_ascending() {
        let mut book = Book::new();
        book.insert(order(1, "a", Side::Bid, 40, 5));
        book.insert(order(2, "a", Side::Bid, 42, 1));
        book.insert(order(3, "b", Side::Ask, 45, 2));
        book.insert(order(4, "b", Side::Ask, 47, 3));
        let snap = book.snapshot();
        assert_eq!(snap.yes, vec![(p(40), c(5)), (p(42), c(1))]);
        assert_eq!(snap.no, vec![(p(53), c(3)), (p(55), c(2))], "ask 47 = NO bid 53, ask 45 = NO bid 55");
        let agg = snap.to_order_book().unwrap();
        assert_eq!(agg.best_ask(Outcome::Yes), Some((p(45), c(2))));
        assert_eq!(ladder_of(Side::Ask, p(45)), (Outcome::No, p(55)));
    }
}
