//! Exchange unit tests. Every test drives a [`Harness`] whose `check` drains the events,
//! rebuilds the aggregate book from `BookChanged` and compares it with the snapshot, and
//! checks the books' consistency and the money ledger.

#![allow(clippy::unwrap_used)]

mod admin;
mod modify;
mod orders;

use std::collections::HashMap;

use kmm_model::{MarketTicker, Money, OrderBook, OrderStatus, Price, Qty, Side};

use super::Exchange;
use crate::events::Event;
use crate::ids::UserId;
use crate::market::MarketConfig;
use crate::order::{OrderRecord, OrderRequest};

pub(super) const T: &str = "KXTEST-26JAN01-B50";

pub(super) fn c(n: i64) -> Qty {
    Qty::from_contracts(n).unwrap()
}
pub(super) fn p(cents: i64) -> Price {
    Price::from_cents(cents).unwrap()
}
pub(super) fn dollars(n: i64) -> Money {
    Money::from_cents(n * 100).unwrap()
}
pub(super) fn u(name: &str) -> UserId {
    UserId::new(name)
}
pub(super) fn t() -> MarketTicker {
    MarketTicker::new(T)
}
pub(super) fn req(side: Side, cents: i64, n: i64) -> OrderRequest {
    OrderRequest::new(t(), side, p(cents), c(n))
}

pub(super) struct Harness {
    pub ex: Exchange,
    pub now: i64,
    books: HashMap<MarketTicker, OrderBook>,
}

impl Harness {
    /// One open market `T` (default fees, cent grid) and users a, b, c with $1 000 each.
    pub fn new() -> Self {
        Self::with_market(MarketConfig::binary(T, "KXTEST-26JAN01", "KXTEST"))
    }

    pub fn with_market(config: MarketConfig) -> Self {
        let mut ex = Exchange::new();
        ex.add_market(config, 0).unwrap();
        for name in ["a", "b", "c"] {
            ex.add_user(u(name), dollars(1_000)).unwrap();
        }
        let mut h = Self { ex, now: 1_000, books: HashMap::new() };
        h.check();
        h
    }

    pub fn place(&mut self, user: &str, req: OrderRequest) -> OrderRecord {
        self.ex.create_order(&u(user), req, self.now).unwrap()
    }

    pub fn try_place(&mut self, user: &str, req: OrderRequest) -> Result<OrderRecord, crate::SimError> {
        self.ex.create_order(&u(user), req, self.now)
    }

    pub fn order(&self, user: &str, order: &OrderRecord) -> OrderRecord {
        self.ex.order(&u(user), &order.order_id).unwrap()
    }

    pub fn position(&self, user: &str) -> Qty {
        self.ex.position(&u(user), &t()).unwrap().qty
    }

    /// Drains events, checks the invariants, returns the events.
    pub fn check(&mut self) -> Vec<Event> {
        let events = self.ex.drain_events();
        for event in &events {
            if let Event::BookChanged { ticker, outcome, price, delta, .. } = event {
                let book = self.books.entry(ticker.clone()).or_default();
                book.apply_delta(*outcome, *price, *delta).expect("BookChanged never drives a level negative");
            }
        }
        for market in self.ex.markets() {
            let ticker = market.config.ticker;
            let snapshot = self.ex.book_snapshot(&ticker).unwrap().to_order_book().unwrap();
            let rebuilt = self.books.get(&ticker).cloned().unwrap_or_default();
            assert_eq!(rebuilt, snapshot, "book rebuilt from BookChanged must equal the snapshot");
            if let (Some((bid, _)), Some((ask, _))) = (market.yes_bid, market.yes_ask) {
                assert!(bid < ask, "book crossed: bid {bid} ask {ask}");
            }
        }
        self.ex.check_consistency().unwrap();
        let ledger = self.ex.ledger();
        assert!(ledger.is_balanced(), "money created or lost: {ledger:?}");
        events
    }

    pub fn resting(&self, user: &str) -> Vec<OrderRecord> {
        let filter = crate::OrderFilter { status: Some(OrderStatus::Resting), ..Default::default() };
        self.ex.orders(&u(user), &filter).unwrap()
    }
}

/// Trades among the events, as (price, count) pairs.
pub(super) fn trades(events: &[Event]) -> Vec<(Price, Qty)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Trade(t) => Some((t.price, t.count)),
            _ => None,
        })
        .collect()
}
