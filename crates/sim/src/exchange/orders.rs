//! Order entry and matching: validation, time in force, post-only, reduce-only, fill-or-kill,
//! self-trade prevention, trades at the resting price, fees on both sides.

use kmm_model::{Fill, Money, OrderStatus, Price, Qty, Side};

use super::{Exchange, Market};
use crate::error::SimError;
use crate::events::{Event, TradeRecord};
use crate::ids::{OrderGroupId, UserId};
use crate::matching::OrderKey;
use crate::order::{CancelReason, OrderRecord, OrderRequest, SelfTradePrevention, TimeInForce};

/// What a buyer of `side` pays per contract at YES price `price`.
pub(super) fn outcome_price(side: Side, price: Price) -> Price {
    match side {
        Side::Bid => price,
        Side::Ask => price.complement(),
    }
}

impl Exchange {
    /// Places an order. It trades at once against crossing resting orders (at their prices,
    /// best price first, oldest first at a price), then rests (GTC), or has its remainder
    /// canceled (IOC). Returns the order after matching.
    ///
    /// Rejected with nothing changed: unknown user or market, market not open
    /// (`market_closed`, `trading_paused`), price off the grid or count out of range
    /// (`invalid_order`), expiration on a non-GTC order or in the past, reduce-only without
    /// IOC, post-only without GTC, a duplicate client order id (`order_already_exists`), a
    /// crossing post-only order (`post_only_cross`), a fill-or-kill or `buy_max_cost` order
    /// that cannot fill completely within its limit and cost cap (`fok_insufficient_volume`),
    /// a triggered order group, or collateral above the available cash (`insufficient_balance`).
    pub fn create_order(&mut self, user: &UserId, req: OrderRequest, now_ms: i64) -> Result<OrderRecord, SimError> {
        self.advance(now_ms)?;
        if !self.accounts.contains(user) {
            return Err(SimError::not_found("user", user));
        }
        let market = self.require_open(&req.ticker)?;
        Self::check_price(market, req.price)?;
        Self::check_count(market, req.count, "count")?;
        let tif = if req.buy_max_cost.is_some() { TimeInForce::FillOrKill } else { req.time_in_force };
        if let Some(ts) = req.expiration_ms {
            if tif != TimeInForce::GoodTillCanceled {
                return Err(SimError::invalid("expiration_time is only allowed on good_till_canceled orders"));
            }
            if ts <= now_ms {
                return Err(SimError::invalid("expiration_time must be in the future"));
            }
        }
        if req.reduce_only && tif != TimeInForce::ImmediateOrCancel {
            return Err(SimError::invalid("reduce_only orders must be immediate_or_cancel"));
        }
        if req.post_only && tif != TimeInForce::GoodTillCanceled {
            return Err(SimError::invalid("post_only orders must be good_till_canceled"));
        }
        if req.buy_max_cost.is_some_and(|m| m.micros() <= 0) {
            return Err(SimError::invalid("buy_max_cost must be positive"));
        }
        if let Some(coid) = &req.client_order_id {
            self.check_new_client_order_id(user, coid)?;
        }
        if let Some(group_id) = &req.order_group_id {
            let group = self.groups.get(group_id).filter(|g| g.user == *user);
            let group = group.ok_or_else(|| SimError::not_found("order group", group_id))?;
            if group.triggered {
                return Err(SimError::OrderGroupLimitExceeded(group_id.to_string()));
            }
        }
        // Reduce-only: never more than the position in the opposite direction.
        let count = if req.reduce_only {
            let q = self.accounts.position(user, &req.ticker)?.qty.units();
            let reducible = match req.side {
                Side::Bid => (-q).max(0),
                Side::Ask => q.max(0),
            };
            Qty::from_units(req.count.units().min(reducible))
        } else {
            req.count
        };
        if req.post_only && market.book.crosses(req.side, req.price) {
            return Err(SimError::PostOnlyCross);
        }
        if tif == TimeInForce::FillOrKill {
            Self::check_fok(market, user, &req, count)?;
        }
        let fees = market.config.fee_schedule;
        let event_ticker = market.config.event_ticker.clone();
        if count.is_positive() {
            self.accounts.reserve(user, &req.ticker, &fees, &[(req.side, req.price, count)], true)?;
        }

        // Accepted: from here on the command succeeds.
        let (order_id, key) = self.ids.next_order();
        let record = OrderRecord {
            order_id: order_id.clone(),
            user: user.clone(),
            client_order_id: req.client_order_id.clone(),
            ticker: req.ticker.clone(),
            event_ticker,
            side: req.side,
            price: req.price,
            initial: count,
            filled: Qty::ZERO,
            remaining: count,
            status: OrderStatus::Resting,
            time_in_force: tif,
            self_trade_prevention: req.self_trade_prevention,
            post_only: req.post_only,
            reduce_only: req.reduce_only,
            cancel_order_on_pause: req.cancel_order_on_pause,
            order_group_id: req.order_group_id.clone(),
            expiration_ms: req.expiration_ms,
            created_ms: now_ms,
            updated_ms: now_ms,
            taker_fill_cost: Money::ZERO,
            maker_fill_cost: Money::ZERO,
            taker_fees: Money::ZERO,
            maker_fees: Money::ZERO,
            cancel_reason: None,
        };
        tracing::debug!(order = %order_id, ticker = %req.ticker, side = ?req.side, price = %req.price, %count, "order accepted");
        if Self::index(key) != Some(self.orders.len()) {
            return Err(SimError::Internal(format!("order key {key} out of sequence")));
        }
        self.orders.push(record);
        self.order_keys.insert(order_id, key);
        let orders = self.user_orders.entry(user.clone()).or_default();
        orders.keys.push(key);
        if let Some(coid) = req.client_order_id {
            orders.by_client.insert(coid, key);
        }
        if count.is_positive() {
            self.match_incoming(key, now_ms)?;
        } else {
            self.finish_canceled(key, CancelReason::ReduceOnly, now_ms)?;
            self.emit_order(key)?;
        }
        Ok(self.record(key)?.clone())
    }

    /// Places several orders in turn; one result per request.
    pub fn batch_create_orders(
        &mut self,
        user: &UserId,
        requests: Vec<OrderRequest>,
        now_ms: i64,
    ) -> Vec<Result<OrderRecord, SimError>> {
        requests.into_iter().map(|req| self.create_order(user, req, now_ms)).collect()
    }

    /// Fill-or-kill feasibility: enough volume within the limit, as self-trade prevention
    /// will let the order reach it, and within the cost cap.
    fn check_fok(market: &Market, user: &UserId, req: &OrderRequest, count: Qty) -> Result<(), SimError> {
        let mut need = count.units();
        let mut cost: i64 = 0;
        for resting in market.book.matching(req.side, req.price) {
            if need == 0 {
                break;
            }
            if resting.user == *user {
                match req.self_trade_prevention {
                    SelfTradePrevention::TakerAtCross => break,
                    SelfTradePrevention::Maker => continue,
                }
            }
            let take = need.min(resting.remaining.units());
            cost += outcome_price(req.side, resting.price).units() * take;
            need -= take;
        }
        if need > 0 {
            let got = Qty::from_units(count.units() - need);
            return Err(SimError::FokInsufficientVolume(format!("only {got} of {count} available within the limit")));
        }
        if let Some(cap) = req.buy_max_cost
            && cost > cap.micros()
        {
            let cost = Money::from_micros(cost);
            return Err(SimError::FokInsufficientVolume(format!("filling costs {cost}, above buy_max_cost {cap}")));
        }
        Ok(())
    }

    /// Runs an accepted order (not on the book, collateral reserved for its remaining
    /// count) against the book, then rests or cancels what is left.
    pub(super) fn match_incoming(&mut self, key: OrderKey, now_ms: i64) -> Result<(), SimError> {
        let order = self.record(key)?;
        let (ticker, user, side, limit) = (order.ticker.clone(), order.user.clone(), order.side, order.price);
        let (stp, tif) = (order.self_trade_prevention, order.time_in_force);
        let mut triggered: Vec<OrderGroupId> = Vec::new();
        let mut self_trade = false;
        loop {
            let remaining = self.record(key)?.remaining;
            if !remaining.is_positive() {
                break;
            }
            let Some(maker) = self.market(&ticker)?.book.first_match(side, limit) else { break };
            let (maker_key, price, available) = (maker.key, maker.price, maker.remaining);
            if maker.user == user {
                match stp {
                    SelfTradePrevention::TakerAtCross => {
                        self_trade = true;
                        break;
                    }
                    SelfTradePrevention::Maker => {
                        self.cancel_resting(maker_key, CancelReason::SelfTradeMaker, now_ms)?;
                        continue;
                    }
                }
            }
            self.trade(key, maker_key, price, remaining.min(available), now_ms, &mut triggered)?;
        }
        if self.record(key)?.remaining.is_positive() {
            if self_trade {
                self.finish_canceled(key, CancelReason::SelfTradeTaker, now_ms)?;
            } else if tif == TimeInForce::GoodTillCanceled {
                self.rest(key, now_ms)?;
            } else {
                self.finish_canceled(key, CancelReason::ImmediateOrCancel, now_ms)?;
            }
        }
        self.emit_order(key)?;
        for group in triggered {
            self.trigger_group_now(&group, now_ms)?;
        }
        Ok(())
    }

    /// One trade of `count` at the resting order's `price` between an incoming order and a
    /// resting one.
    fn trade(
        &mut self,
        taker_key: OrderKey,
        maker_key: OrderKey,
        price: Price,
        count: Qty,
        now_ms: i64,
        triggered: &mut Vec<OrderGroupId>,
    ) -> Result<(), SimError> {
        let ticker = self.record(taker_key)?.ticker.clone();
        let market = self.market_mut(&ticker)?;
        let fees = market.config.fee_schedule;
        market.book.reduce(maker_key, count);
        let maker_side = self.record(maker_key)?.side;
        self.emit_book(maker_key, maker_side, price, -count.units())?;
        let trade_id = self.ids.next_trade();
        let mut parties = Vec::with_capacity(2);
        for (key, is_taker) in [(maker_key, false), (taker_key, true)] {
            let fee = fees.fee(count, price, is_taker)?;
            let cost = Money::notional(outcome_price(self.record(key)?.side, price), count)?;
            let order = self.record_mut(key)?;
            order.filled = order.filled.checked_add(count)?;
            order.remaining = order.remaining.checked_sub(count)?;
            order.updated_ms = now_ms;
            if is_taker {
                order.taker_fill_cost = order.taker_fill_cost.checked_add(cost)?;
                order.taker_fees = order.taker_fees.checked_add(fee)?;
            } else {
                order.maker_fill_cost = order.maker_fill_cost.checked_add(cost)?;
                order.maker_fees = order.maker_fees.checked_add(fee)?;
            }
            if !order.remaining.is_positive() {
                order.status = OrderStatus::Executed;
            }
            let fill = Fill {
                trade_id: trade_id.clone(),
                order_id: order.order_id.clone(),
                ticker: ticker.clone(),
                side: order.side,
                price,
                count,
                is_taker,
                fee,
                ts_ms: Some(now_ms),
            };
            let (user, order_price, coid) = (order.user.clone(), order.price, order.client_order_id.clone());
            let (executed, expiration, group) =
                (order.status == OrderStatus::Executed, order.expiration_ms, order.order_group_id.clone());
            if executed && !is_taker {
                self.forget_resting(key, expiration, group.as_ref());
            }
            if let Some(g) = group.as_ref().and_then(|g| self.groups.get_mut(g))
                && g.record(now_ms, count)
            {
                triggered.push(g.id.clone());
            }
            let before = self.accounts.position(&user, &ticker)?.qty.units().max(0);
            let (position, record) = self.accounts.apply_fill(&user, &fees, order_price, fill, coid)?;
            let open_interest_change = position.qty.units().max(0) - before;
            parties.push((user, position, record, open_interest_change));
        }
        let market = self.market_mut(&ticker)?;
        market.volume += count.units();
        market.last_price = Some(price);
        let taker_side = maker_side.opposite();
        let trade = TradeRecord { trade_id, ticker: ticker.clone(), price, count, taker_side, ts_ms: now_ms };
        market.trades.push(trade.clone());
        market.open_interest += parties.iter().map(|p| p.3).sum::<i64>();
        self.emit(Event::Trade(trade));
        for (user, position, fill, _) in parties {
            self.emit(Event::Fill { user: user.clone(), fill });
            self.emit(Event::PositionChanged { user, ticker: ticker.clone(), position });
        }
        self.emit_order(maker_key)
    }
}
