//! Market lifecycle (list, pause, resume, close, settle) and order groups.

use kmm_model::{MarketTicker, Qty};

use super::{Exchange, Market};
use crate::error::SimError;
use crate::events::{Event, GroupChange};
use crate::groups::{OrderGroup, OrderGroupInfo};
use crate::ids::{OrderGroupId, UserId};
use crate::market::{MarketConfig, MarketStatus, MarketType, SettlementResult};
use crate::matching::{Book, OrderKey};
use crate::order::CancelReason;

impl Exchange {
    /// Lists a market. It is open at once if `open_time_ms <= now_ms`, else it opens then;
    /// it closes at `close_time_ms`, if set.
    pub fn add_market(&mut self, config: MarketConfig, now_ms: i64) -> Result<(), SimError> {
        if self.markets.contains_key(&config.ticker) {
            return Err(SimError::BadRequest(format!("market {} already exists", config.ticker)));
        }
        let ticker = config.ticker.clone();
        let market = Market {
            config,
            status: MarketStatus::Unopened,
            book: Book::new(),
            trades: Vec::new(),
            volume: 0,
            open_interest: 0,
            last_price: None,
            result: None,
            closed_ms: None,
            settled_ms: None,
        };
        self.markets.insert(ticker, market);
        self.reschedule();
        self.advance(now_ms)
    }

    /// Changes a market's status and reports it.
    pub(super) fn set_status(
        &mut self,
        ticker: &MarketTicker,
        status: MarketStatus,
        now_ms: i64,
    ) -> Result<(), SimError> {
        self.market_mut(ticker)?.status = status;
        tracing::info!(%ticker, ?status, "market status");
        self.emit(Event::MarketStatusChanged { ticker: ticker.clone(), status, ts_ms: now_ms });
        Ok(())
    }

    /// Pauses trading: new orders and amends are rejected (`trading_paused`), resting orders
    /// with `cancel_order_on_pause` are canceled, the others stay. Only an open market pauses.
    pub fn pause_trading(&mut self, ticker: &MarketTicker, now_ms: i64) -> Result<(), SimError> {
        self.advance(now_ms)?;
        if self.market(ticker)?.status != MarketStatus::Open {
            return Err(SimError::BadRequest(format!("market {ticker} is not open")));
        }
        self.set_status(ticker, MarketStatus::Paused, now_ms)?;
        self.cancel_market_orders(ticker, CancelReason::TradingPaused, now_ms, |o| o.cancel_order_on_pause)
    }

    /// Resumes trading on a paused market.
    pub fn resume_trading(&mut self, ticker: &MarketTicker, now_ms: i64) -> Result<(), SimError> {
        self.advance(now_ms)?;
        if self.market(ticker)?.status != MarketStatus::Paused {
            return Err(SimError::BadRequest(format!("market {ticker} is not paused")));
        }
        self.set_status(ticker, MarketStatus::Open, now_ms)
    }

    /// Closes a market now: every resting order is canceled, new orders get `market_closed`.
    /// Closing a closed market does nothing; a settled one is an error.
    pub fn close_market(&mut self, ticker: &MarketTicker, now_ms: i64) -> Result<(), SimError> {
        self.advance(now_ms)?;
        match self.market(ticker)?.status {
            MarketStatus::Closed => Ok(()),
            MarketStatus::Settled => Err(SimError::BadRequest(format!("market {ticker} is settled"))),
            MarketStatus::Unopened | MarketStatus::Open | MarketStatus::Paused => self.close_now(ticker, now_ms),
        }
    }

    pub(super) fn close_now(&mut self, ticker: &MarketTicker, now_ms: i64) -> Result<(), SimError> {
        self.cancel_market_orders(ticker, CancelReason::MarketClosed, now_ms, |_| true)?;
        self.market_mut(ticker)?.closed_ms = Some(now_ms);
        self.set_status(ticker, MarketStatus::Closed, now_ms)?;
        self.reschedule();
        Ok(())
    }

    /// Settles a market (closing it first if needed): each YES contract pays the result's
    /// value ($1 for `Yes`, $0 for `No`, the value for `Scalar`) and each NO contract $1
    /// minus it; every position is zeroed and a settlement record is kept per holder. A
    /// binary market takes `Yes`/`No`, a scalar market `Scalar`.
    pub fn settle_market(
        &mut self,
        ticker: &MarketTicker,
        result: SettlementResult,
        now_ms: i64,
    ) -> Result<(), SimError> {
        self.advance(now_ms)?;
        let market = self.market(ticker)?;
        if market.status == MarketStatus::Settled {
            return Err(SimError::BadRequest(format!("market {ticker} is already settled")));
        }
        let fits = matches!(
            (market.config.market_type, result),
            (MarketType::Binary, SettlementResult::Yes | SettlementResult::No)
                | (MarketType::Scalar, SettlementResult::Scalar(_))
        );
        if !fits {
            return Err(SimError::BadRequest(format!(
                "result {} does not fit a {:?} market",
                result.as_str(),
                market.config.market_type
            )));
        }
        if market.status != MarketStatus::Closed {
            self.close_now(ticker, now_ms)?;
        }
        let market = self.market(ticker)?;
        let (event_ticker, fees) = (market.config.event_ticker.clone(), market.config.fee_schedule);
        let paid = self.accounts.settle(ticker, &event_ticker, result, &fees, now_ms)?;
        for (user, position, _) in paid {
            self.emit(Event::PositionChanged { user, ticker: ticker.clone(), position });
        }
        let market = self.market_mut(ticker)?;
        market.result = Some(result);
        market.settled_ms = Some(now_ms);
        market.open_interest = 0;
        self.set_status(ticker, MarketStatus::Settled, now_ms)?;
        self.emit(Event::Settled { ticker: ticker.clone(), result, ts_ms: now_ms });
        Ok(())
    }

    /// Creates an order group that triggers when `contracts_limit` contracts of its orders
    /// match within 15 seconds.
    pub fn create_order_group(
        &mut self,
        user: &UserId,
        contracts_limit: Qty,
        now_ms: i64,
    ) -> Result<OrderGroupId, SimError> {
        self.advance(now_ms)?;
        if !self.accounts.contains(user) {
            return Err(SimError::not_found("user", user));
        }
        if !contracts_limit.is_positive() {
            return Err(SimError::BadRequest("contracts_limit must be positive".into()));
        }
        let id = self.ids.next_group();
        self.groups.insert(id.clone(), OrderGroup::new(id.clone(), user.clone(), contracts_limit));
        self.emit_group(user, &id, GroupChange::Created);
        Ok(id)
    }

    fn user_group(&mut self, user: &UserId, id: &OrderGroupId) -> Result<&mut OrderGroup, SimError> {
        self.groups.get_mut(id).filter(|g| g.user == *user).ok_or_else(|| SimError::not_found("order group", id))
    }

    fn emit_group(&mut self, user: &UserId, id: &OrderGroupId, change: GroupChange) {
        self.emit(Event::OrderGroupUpdated { user: user.clone(), group_id: id.clone(), change });
    }

    /// Triggers a group by hand: its orders are canceled and it rejects orders until reset.
    pub fn trigger_order_group(&mut self, user: &UserId, id: &OrderGroupId, now_ms: i64) -> Result<(), SimError> {
        self.advance(now_ms)?;
        self.user_group(user, id)?;
        self.trigger_group_now(id, now_ms)
    }

    /// Marks a group triggered and cancels its resting orders.
    pub(super) fn trigger_group_now(&mut self, id: &OrderGroupId, now_ms: i64) -> Result<(), SimError> {
        let Some(group) = self.groups.get_mut(id) else { return Ok(()) };
        group.triggered = true;
        let user = group.user.clone();
        let keys: Vec<OrderKey> = group.resting.iter().copied().collect();
        tracing::info!(group = %id, orders = keys.len(), "order group triggered");
        for key in keys {
            self.cancel_resting(key, CancelReason::OrderGroup, now_ms)?;
        }
        self.emit_group(&user, id, GroupChange::Triggered);
        Ok(())
    }

    /// Resets a group: it accepts orders again with an empty window.
    pub fn reset_order_group(&mut self, user: &UserId, id: &OrderGroupId, now_ms: i64) -> Result<(), SimError> {
        self.advance(now_ms)?;
        self.user_group(user, id)?.reset();
        self.emit_group(user, id, GroupChange::Reset);
        Ok(())
    }

    /// Changes a group's limit; a limit at or below the current window's usage triggers it.
    pub fn set_order_group_limit(
        &mut self,
        user: &UserId,
        id: &OrderGroupId,
        contracts_limit: Qty,
        now_ms: i64,
    ) -> Result<(), SimError> {
        self.advance(now_ms)?;
        if !contracts_limit.is_positive() {
            return Err(SimError::BadRequest("contracts_limit must be positive".into()));
        }
        let group = self.user_group(user, id)?;
        group.limit = contracts_limit;
        let hit = !group.triggered && group.usage(now_ms) >= contracts_limit;
        self.emit_group(user, id, GroupChange::LimitUpdated);
        if hit {
            self.trigger_group_now(id, now_ms)?;
        }
        Ok(())
    }

    /// Deletes a group, canceling its resting orders.
    pub fn delete_order_group(&mut self, user: &UserId, id: &OrderGroupId, now_ms: i64) -> Result<(), SimError> {
        self.advance(now_ms)?;
        let keys: Vec<OrderKey> = self.user_group(user, id)?.resting.iter().copied().collect();
        for key in keys {
            self.cancel_resting(key, CancelReason::OrderGroup, now_ms)?;
        }
        self.groups.remove(id);
        self.emit_group(user, id, GroupChange::Deleted);
        Ok(())
    }

    /// One of the user's order groups.
    pub fn order_group(&self, user: &UserId, id: &OrderGroupId, now_ms: i64) -> Result<OrderGroupInfo, SimError> {
        let group =
            self.groups.get(id).filter(|g| g.user == *user).ok_or_else(|| SimError::not_found("order group", id))?;
        let orders = group.resting.iter().filter_map(|k| self.get_record(*k)).map(|o| o.order_id.clone()).collect();
        Ok(OrderGroupInfo {
            id: group.id.clone(),
            user: group.user.clone(),
            contracts_limit: group.limit,
            triggered: group.triggered,
            matched_in_window: group.usage_at(now_ms),
            orders,
        })
    }

    /// The user's order groups, by id.
    pub fn order_groups(&self, user: &UserId, now_ms: i64) -> Vec<OrderGroupInfo> {
        let mut ids: Vec<&OrderGroupId> = self.groups.values().filter(|g| g.user == *user).map(|g| &g.id).collect();
        ids.sort();
        ids.into_iter().filter_map(|id| self.order_group(user, id, now_ms).ok()).collect()
    }
}
