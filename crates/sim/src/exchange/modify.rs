//! Changing resting orders: amend, decrease, cancel, cancel-all, batch cancel.

use kmm_model::{MarketTicker, OrderId, Qty};

use super::Exchange;
use crate::error::SimError;
use crate::ids::UserId;
use crate::matching::OrderKey;
use crate::order::{AmendRequest, Amended, CancelReason, Canceled, Decrease, ExpirationChange, OrderRecord};

impl Exchange {
    /// Changes a resting order's price and/or total count (filled + remaining).
    ///
    /// A lower count at the same price keeps the queue position; a new price or a higher
    /// count re-queues the order, and a new price that crosses the book trades first, like a
    /// new incoming order with the order's own self-trade prevention (a post-only order is
    /// rejected instead, `post_only_cross`). An expiry-only amend keeps the queue position.
    /// The order keeps its id. Rejected: not the user's order (`not_found`), not resting
    /// (`cannot_update_filled_order`), market not open, other ticker or side, bad price,
    /// total count not above the filled count (`invalid_order`), a taken client order id,
    /// or more collateral than available.
    pub fn amend_order(
        &mut self,
        user: &UserId,
        order_id: &OrderId,
        req: AmendRequest,
        now_ms: i64,
    ) -> Result<Amended, SimError> {
        self.advance(now_ms)?;
        let key = self.user_order_key(user, order_id)?;
        let old = self.record(key)?.clone();
        if !old.is_resting() {
            return Err(SimError::OrderNotModifiable(order_id.to_string()));
        }
        let market = self.require_open(&old.ticker)?;
        if req.ticker != old.ticker || req.side != old.side {
            return Err(SimError::invalid("amend must keep the order's ticker and side"));
        }
        Self::check_price(market, req.price)?;
        Self::check_count(market, req.count, "count")?;
        if req.count <= old.filled {
            return Err(SimError::invalid(format!(
                "new total count {} must exceed the filled count {}",
                req.count, old.filled
            )));
        }
        let expiration_ms = match req.expiration {
            ExpirationChange::Keep => old.expiration_ms,
            ExpirationChange::Remove => None,
            ExpirationChange::Set(ts) if ts > now_ms => Some(ts),
            ExpirationChange::Set(_) => return Err(SimError::invalid("expiration_time must be in the future")),
        };
        let new_coid = req.updated_client_order_id.filter(|c| Some(c) != old.client_order_id.as_ref());
        if let Some(coid) = &new_coid {
            self.check_new_client_order_id(user, coid)?;
        }
        let remaining = req.count.checked_sub(old.filled)?;
        let repriced = req.price != old.price;
        let requeue = repriced || remaining > old.remaining;
        if old.post_only && repriced && market.book.crosses(old.side, req.price) {
            return Err(SimError::PostOnlyCross);
        }
        let fees = market.config.fee_schedule;
        let changes =
            [(old.side, old.price, Qty::from_units(-old.remaining.units())), (old.side, req.price, remaining)];
        self.accounts.reserve(user, &old.ticker, &fees, &changes, true)?;

        // Accepted.
        if let Some(coid) = new_coid {
            let orders = self.user_orders.entry(user.clone()).or_default();
            if let Some(previous) = &old.client_order_id {
                orders.by_client.remove(previous);
            }
            orders.by_client.insert(coid.clone(), key);
            self.record_mut(key)?.client_order_id = Some(coid);
        }
        if requeue {
            let market = self.market_mut(&old.ticker)?;
            market.book.remove(key);
            self.emit_book(key, old.side, old.price, -old.remaining.units())?;
            self.forget_resting(key, old.expiration_ms, old.order_group_id.as_ref());
            let order = self.record_mut(key)?;
            order.price = req.price;
            order.initial = req.count;
            order.remaining = remaining;
            order.expiration_ms = expiration_ms;
            order.updated_ms = now_ms;
            self.match_incoming(key, now_ms)?;
        } else {
            let cut = old.remaining.checked_sub(remaining)?;
            if cut.is_positive() {
                self.market_mut(&old.ticker)?.book.reduce(key, cut);
                self.emit_book(key, old.side, old.price, -cut.units())?;
            }
            if let Some(ts) = old.expiration_ms {
                self.expiries.remove(&(ts, key));
            }
            if let Some(ts) = expiration_ms {
                self.expiries.insert((ts, key));
            }
            let order = self.record_mut(key)?;
            order.initial = req.count;
            order.remaining = remaining;
            order.expiration_ms = expiration_ms;
            order.updated_ms = now_ms;
            self.emit_order(key)?;
        }
        Ok(Amended { old, order: self.record(key)?.clone() })
    }

    /// Takes contracts off a resting order, keeping its queue position; down to zero it is a
    /// cancel. Allowed while trading is paused. `By` more than the remaining count cancels;
    /// `To` above the remaining count is `invalid_order`.
    pub fn decrease_order(
        &mut self,
        user: &UserId,
        order_id: &OrderId,
        decrease: Decrease,
        now_ms: i64,
    ) -> Result<OrderRecord, SimError> {
        self.advance(now_ms)?;
        let key = self.user_order_key(user, order_id)?;
        let order = self.record(key)?;
        if !order.is_resting() {
            return Err(SimError::OrderNotModifiable(order_id.to_string()));
        }
        let remaining = order.remaining.units();
        let target = match decrease {
            Decrease::By(by) if by.is_positive() => (remaining - by.units()).max(0),
            Decrease::By(_) => return Err(SimError::invalid("reduce_by must be positive")),
            Decrease::To(to) if to.units() >= 0 && to.units() <= remaining => to.units(),
            Decrease::To(_) => return Err(SimError::invalid("reduce_to must be between 0 and the remaining count")),
        };
        if target == 0 {
            self.cancel_resting(key, CancelReason::Decreased, now_ms)?;
            return Ok(self.record(key)?.clone());
        }
        let cut = Qty::from_units(remaining - target);
        if cut.is_positive() {
            let (ticker, side, price) = (order.ticker.clone(), order.side, order.price);
            let fees = self.market(&ticker)?.config.fee_schedule;
            self.market_mut(&ticker)?.book.reduce(key, cut);
            self.emit_book(key, side, price, -cut.units())?;
            self.accounts.reserve(user, &ticker, &fees, &[(side, price, Qty::from_units(-cut.units()))], false)?;
            let order = self.record_mut(key)?;
            // Like Kalshi, `initial` keeps the placed count: initial = filled + remaining
            // holds only until the order is decreased or canceled.
            order.remaining = Qty::from_units(target);
            order.updated_ms = now_ms;
            self.emit_order(key)?;
        }
        Ok(self.record(key)?.clone())
    }

    /// Cancels one of the user's orders. An order that already executed or was canceled is
    /// not an error: it comes back with `reduced_by` zero. Allowed in any market state.
    pub fn cancel_order(&mut self, user: &UserId, order_id: &OrderId, now_ms: i64) -> Result<Canceled, SimError> {
        self.advance(now_ms)?;
        let key = self.user_order_key(user, order_id)?;
        let reduced_by = self.cancel_resting(key, CancelReason::User, now_ms)?;
        Ok(Canceled { order: self.record(key)?.clone(), reduced_by })
    }

    /// Cancels several orders in turn; one result per id.
    pub fn batch_cancel_orders(
        &mut self,
        user: &UserId,
        order_ids: &[OrderId],
        now_ms: i64,
    ) -> Vec<Result<Canceled, SimError>> {
        order_ids.iter().map(|id| self.cancel_order(user, id, now_ms)).collect()
    }

    /// Cancels all of the user's resting orders (in one market, if given), oldest first.
    pub fn cancel_all(
        &mut self,
        user: &UserId,
        ticker: Option<&MarketTicker>,
        now_ms: i64,
    ) -> Result<Vec<Canceled>, SimError> {
        self.advance(now_ms)?;
        let keys: Vec<OrderKey> = self
            .user_orders
            .get(user)
            .ok_or_else(|| SimError::not_found("user", user))?
            .keys
            .iter()
            .copied()
            .filter(|k| self.get_record(*k).is_some_and(|o| o.is_resting() && ticker.is_none_or(|t| *t == o.ticker)))
            .collect();
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let reduced_by = self.cancel_resting(key, CancelReason::User, now_ms)?;
            out.push(Canceled { order: self.record(key)?.clone(), reduced_by });
        }
        Ok(out)
    }
}
