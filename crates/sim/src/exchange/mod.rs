//! The exchange: markets with their books, accounts, order groups, and the event outbox.
//!
//! Every command takes the current time as `now_ms` (Unix ms) and first runs
//! [`Exchange::advance`]: orders whose expiration time has come are canceled and markets open or
//! close on schedule, so nothing stale ever trades. A command either succeeds or returns a
//! [`SimError`] having changed nothing beyond what that `advance` applied. Every change is
//! reported as an [`Event`]; drain them with [`Exchange::drain_events`]. Reads take `&self`
//! and do not advance the clock: a server should call `advance(now)` before answering them.
//!
//! Commands live in `orders` (create and matching), `modify` (amend, decrease, cancel),
//! `admin` (markets, settlement, order groups) and `reads` (queries).

mod admin;
mod modify;
mod orders;
mod reads;
#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap};

use kmm_model::{ClientOrderId, MarketTicker, Money, OrderId, OrderStatus, Price, Qty, Side};

use crate::accounts::Accounts;
use crate::error::SimError;
use crate::events::{Event, TradeRecord};
use crate::groups::OrderGroup;
use crate::ids::{IdGen, OrderGroupId, UserId};
use crate::market::{MarketConfig, MarketStatus, SettlementResult};
use crate::matching::{Book, OrderKey, RestingOrder, ladder_of};
use crate::order::{CancelReason, OrderRecord};

/// One listed market.
#[derive(Debug, Clone)]
struct Market {
    config: MarketConfig,
    status: MarketStatus,
    book: Book,
    trades: Vec<TradeRecord>,
    volume: i64,
    open_interest: i64,
    last_price: Option<Price>,
    result: Option<SettlementResult>,
    closed_ms: Option<i64>,
    settled_ms: Option<i64>,
}

/// A user's orders, for listings and client-order-id lookups.
#[derive(Debug, Clone, Default)]
struct UserOrders {
    keys: Vec<OrderKey>,
    by_client: HashMap<ClientOrderId, OrderKey>,
}

/// The simulated exchange.
#[derive(Debug, Clone)]
pub struct Exchange {
    markets: HashMap<MarketTicker, Market>,
    accounts: Accounts,
    /// Every order ever accepted; order key `k` (the id counter, from 1) is at index `k − 1`.
    orders: Vec<OrderRecord>,
    order_keys: HashMap<OrderId, OrderKey>,
    user_orders: HashMap<UserId, UserOrders>,
    groups: HashMap<OrderGroupId, OrderGroup>,
    /// Resting orders with an expiration time, by that time.
    expiries: BTreeSet<(i64, OrderKey)>,
    ids: IdGen,
    next_priority: u64,
    /// Earliest scheduled market open or close not yet applied.
    next_schedule_ms: i64,
    events: Vec<Event>,
}

impl Default for Exchange {
    fn default() -> Self {
        Self::new()
    }
}

/// Largest order count accepted: a million contracts.
const MAX_COUNT_UNITS: i64 = 100_000_000;

/// Longest client order id accepted.
const MAX_CLIENT_ORDER_ID_LEN: usize = 64;

impl Exchange {
    /// An empty exchange whose ids start at namespace 0.
    pub fn new() -> Self {
        Self::with_id_namespace(0)
    }

    /// An empty exchange whose ids carry `namespace` in their first eight hex digits, so two
    /// runs (e.g. before and after a restart) never reuse an order or trade id.
    pub fn with_id_namespace(namespace: u32) -> Self {
        Self {
            markets: HashMap::new(),
            accounts: Accounts::new(),
            orders: Vec::new(),
            order_keys: HashMap::new(),
            user_orders: HashMap::new(),
            groups: HashMap::new(),
            expiries: BTreeSet::new(),
            ids: IdGen::new(namespace),
            next_priority: 0,
            next_schedule_ms: i64::MAX,
            events: Vec::new(),
        }
    }

    /// Takes every event produced since the last drain, oldest first.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Opens an account with a first deposit.
    pub fn add_user(&mut self, user: UserId, deposit: Money) -> Result<(), SimError> {
        self.accounts.add_user(user.clone(), deposit)?;
        self.user_orders.insert(user, UserOrders::default());
        Ok(())
    }

    /// Adds cash to an account.
    pub fn deposit(&mut self, user: &UserId, amount: Money) -> Result<(), SimError> {
        self.accounts.deposit(user, amount)
    }

    /// Applies everything due by `now_ms`: cancels orders whose expiration time has come
    /// (`now_ms >= expiration`), opens markets whose open time has come and closes markets
    /// whose close time has come. Commands call it first; a driver may also call it on a timer.
    pub fn advance(&mut self, now_ms: i64) -> Result<(), SimError> {
        self.expire(now_ms)?;
        if now_ms >= self.next_schedule_ms {
            self.run_schedule(now_ms)?;
        }
        Ok(())
    }

    /// Cancels every resting order whose expiration time is at or before `now_ms`.
    pub fn expire(&mut self, now_ms: i64) -> Result<(), SimError> {
        while let Some(&(ts, key)) = self.expiries.first() {
            if ts > now_ms {
                break;
            }
            self.expiries.pop_first();
            self.cancel_resting(key, CancelReason::Expired, now_ms)?;
        }
        Ok(())
    }

    fn run_schedule(&mut self, now_ms: i64) -> Result<(), SimError> {
        let mut tickers: Vec<MarketTicker> = self.markets.keys().cloned().collect();
        tickers.sort();
        for ticker in tickers {
            let Some(market) = self.markets.get_mut(&ticker) else { continue };
            if market.status == MarketStatus::Unopened && market.config.open_time_ms <= now_ms {
                self.set_status(&ticker, MarketStatus::Open, now_ms)?;
            }
            let closes = self.markets.get(&ticker).is_some_and(|m| {
                matches!(m.status, MarketStatus::Unopened | MarketStatus::Open | MarketStatus::Paused)
                    && m.config.close_time_ms.is_some_and(|t| t <= now_ms)
            });
            if closes {
                self.close_now(&ticker, now_ms)?;
            }
        }
        self.reschedule();
        Ok(())
    }

    /// Recomputes the earliest pending open/close time.
    fn reschedule(&mut self) {
        self.next_schedule_ms = self
            .markets
            .values()
            .filter_map(|m| match m.status {
                MarketStatus::Unopened => Some(m.config.open_time_ms),
                MarketStatus::Open | MarketStatus::Paused => m.config.close_time_ms,
                MarketStatus::Closed | MarketStatus::Settled => None,
            })
            .min()
            .unwrap_or(i64::MAX);
    }

    fn market(&self, ticker: &MarketTicker) -> Result<&Market, SimError> {
        self.markets.get(ticker).ok_or_else(|| SimError::not_found("market", ticker))
    }

    fn market_mut(&mut self, ticker: &MarketTicker) -> Result<&mut Market, SimError> {
        self.markets.get_mut(ticker).ok_or_else(|| SimError::not_found("market", ticker))
    }

    fn index(key: OrderKey) -> Option<usize> {
        usize::try_from(key).ok()?.checked_sub(1)
    }

    fn get_record(&self, key: OrderKey) -> Option<&OrderRecord> {
        self.orders.get(Self::index(key)?)
    }

    fn record(&self, key: OrderKey) -> Result<&OrderRecord, SimError> {
        self.get_record(key).ok_or_else(|| SimError::Internal(format!("order key {key} has no record")))
    }

    fn record_mut(&mut self, key: OrderKey) -> Result<&mut OrderRecord, SimError> {
        Self::index(key)
            .and_then(|i| self.orders.get_mut(i))
            .ok_or_else(|| SimError::Internal(format!("order key {key} has no record")))
    }

    /// The key of one of `user`'s orders.
    fn user_order_key(&self, user: &UserId, order_id: &OrderId) -> Result<OrderKey, SimError> {
        self.order_keys
            .get(order_id)
            .copied()
            .filter(|key| self.get_record(*key).is_some_and(|o| o.user == *user))
            .ok_or_else(|| SimError::not_found("order", order_id))
    }

    /// Rejects commands on a market that is not open.
    fn require_open(&self, ticker: &MarketTicker) -> Result<&Market, SimError> {
        let market = self.market(ticker)?;
        match market.status {
            MarketStatus::Open => Ok(market),
            MarketStatus::Paused => Err(SimError::TradingPaused(ticker.to_string())),
            MarketStatus::Unopened | MarketStatus::Closed | MarketStatus::Settled => {
                Err(SimError::MarketClosed(ticker.to_string()))
            }
        }
    }

    /// Checks a count against the market's granularity and the size cap.
    fn check_count(market: &Market, count: Qty, what: &str) -> Result<(), SimError> {
        if !count.is_positive() || count.units() > MAX_COUNT_UNITS {
            return Err(SimError::invalid(format!("{what} must be between 0.01 and 1000000 contracts, got {count}")));
        }
        if !market.config.fractional_trading && count.units() % Qty::SCALE != 0 {
            return Err(SimError::invalid(format!("{what} {count} is fractional; this market trades whole contracts")));
        }
        Ok(())
    }

    fn check_price(market: &Market, price: Price) -> Result<(), SimError> {
        if market.config.tick_grid.contains(price) {
            Ok(())
        } else {
            Err(SimError::invalid(format!(
                "price {price} is not a valid {} price strictly between 0 and 1",
                market.config.tick_grid.structure()
            )))
        }
    }

    /// A client order id must be 1 to 64 characters (Kalshi's FIX limit) and new among the
    /// user's orders, including finished ones.
    fn check_new_client_order_id(&self, user: &UserId, coid: &ClientOrderId) -> Result<(), SimError> {
        if coid.as_str().is_empty() || coid.as_str().len() > MAX_CLIENT_ORDER_ID_LEN {
            return Err(SimError::invalid("client_order_id must be 1 to 64 characters"));
        }
        if self.user_orders.get(user).is_some_and(|u| u.by_client.contains_key(coid)) {
            return Err(SimError::OrderAlreadyExists(coid.to_string()));
        }
        Ok(())
    }

    fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    fn emit_order(&mut self, key: OrderKey) -> Result<(), SimError> {
        let order = self.record(key)?.clone();
        self.emit(Event::OrderUpdated { user: order.user.clone(), order });
        Ok(())
    }

    /// Reports a change of `delta` contracts of order `key` resting at `price` on `side`.
    fn emit_book(&mut self, key: OrderKey, side: Side, price: Price, delta: i64) -> Result<(), SimError> {
        let order = self.record(key)?;
        let (outcome, ladder_price) = ladder_of(side, price);
        let event = Event::BookChanged {
            ticker: order.ticker.clone(),
            outcome,
            price: ladder_price,
            delta: Qty::from_units(delta),
            user: order.user.clone(),
            client_order_id: order.client_order_id.clone(),
        };
        self.emit(event);
        Ok(())
    }

    /// Puts an order's remaining count on the book at the back of its level.
    fn rest(&mut self, key: OrderKey, now_ms: i64) -> Result<(), SimError> {
        self.next_priority += 1;
        let priority = self.next_priority;
        let order = self.record_mut(key)?;
        order.updated_ms = now_ms;
        let resting = RestingOrder {
            key,
            user: order.user.clone(),
            side: order.side,
            price: order.price,
            remaining: order.remaining,
            priority,
        };
        let (ticker, expiration, group) = (order.ticker.clone(), order.expiration_ms, order.order_group_id.clone());
        self.market_mut(&ticker)?.book.insert(resting.clone());
        self.emit_book(key, resting.side, resting.price, resting.remaining.units())?;
        if let Some(ts) = expiration {
            self.expiries.insert((ts, key));
        }
        if let Some(group) = group.and_then(|g| self.groups.get_mut(&g)) {
            group.resting.insert(key);
        }
        Ok(())
    }

    /// Marks an order canceled: releases the collateral of its remaining count and forgets
    /// it in the expiry and group indexes. The caller has taken it off the book (or it never
    /// rested).
    fn finish_canceled(&mut self, key: OrderKey, reason: CancelReason, now_ms: i64) -> Result<Qty, SimError> {
        let order = self.record_mut(key)?;
        let removed = order.remaining;
        order.remaining = Qty::ZERO;
        order.status = OrderStatus::Canceled;
        order.cancel_reason = Some(reason);
        order.updated_ms = now_ms;
        let (user, ticker, side, price) = (order.user.clone(), order.ticker.clone(), order.side, order.price);
        let (expiration, group) = (order.expiration_ms, order.order_group_id.clone());
        self.forget_resting(key, expiration, group.as_ref());
        if removed.is_positive() {
            let fees = self.market(&ticker)?.config.fee_schedule;
            self.accounts.reserve(&user, &ticker, &fees, &[(side, price, Qty::from_units(-removed.units()))], false)?;
        }
        Ok(removed)
    }

    fn forget_resting(&mut self, key: OrderKey, expiration: Option<i64>, group: Option<&OrderGroupId>) {
        if let Some(ts) = expiration {
            self.expiries.remove(&(ts, key));
        }
        if let Some(group) = group.and_then(|g| self.groups.get_mut(g)) {
            group.resting.remove(&key);
        }
    }

    /// Takes a resting order off the book and cancels it; returns the contracts removed
    /// (zero if it was not resting).
    fn cancel_resting(&mut self, key: OrderKey, reason: CancelReason, now_ms: i64) -> Result<Qty, SimError> {
        let ticker = self.record(key)?.ticker.clone();
        let Some(resting) = self.market_mut(&ticker)?.book.remove(key) else {
            return Ok(Qty::ZERO);
        };
        self.emit_book(key, resting.side, resting.price, -resting.remaining.units())?;
        let removed = self.finish_canceled(key, reason, now_ms)?;
        tracing::debug!(order_key = key, ?reason, %removed, "order canceled");
        self.emit_order(key)?;
        Ok(removed)
    }

    /// Cancels every resting order of a market (sorted by key, for deterministic events),
    /// or only those matching `pick`.
    fn cancel_market_orders(
        &mut self,
        ticker: &MarketTicker,
        reason: CancelReason,
        now_ms: i64,
        pick: impl Fn(&OrderRecord) -> bool,
    ) -> Result<(), SimError> {
        let mut keys: Vec<OrderKey> = self.market(ticker)?.book.orders().map(|o| o.key).collect();
        keys.sort_unstable();
        for key in keys {
            if pick(self.record(key)?) {
                self.cancel_resting(key, reason, now_ms)?;
            }
        }
        Ok(())
    }
}
