//! Risk as a gate. Every outbound order action passes [`RiskGate::check`] and is either
//! approved or refused with a typed [`Denial`] (logged and counted); cancels always pass.
//! [`RiskGate::evaluate`] moves the [`TradingState`] of the whole book and of each market on
//! P&L, fill rate and book staleness, and the latched [`KillSwitch`] halts until a person
//! resets it.
//!
//! | state      | allowed                                      |
//! |------------|----------------------------------------------|
//! | `Active`   | anything within the limits                   |
//! | `Reducing` | orders that shrink the position, and cancels |
//! | `Halted`   | cancels only                                 |

mod denial;
mod limits;
mod rate;
mod state;
mod view;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use kmm_model::{MarketTicker, Money, Side};

pub use denial::{Denial, DenialKind};
pub use limits::{InvalidLimits, LimitProblem, RiskLimits};
pub use rate::{FILL_WINDOW_MS, FillRate, TokenBucket};
pub use state::{KillSwitch, Latch, LatchCause, ResetError, Scope, TradingState};
pub use view::{LegSums, Positions, RiskView};

use crate::intent::OrderAction;
use crate::oms::{Leg, OrderTracker};

/// A change of trading state, with the cancels the new state requires (all orders in scope
/// for `Halted`, orders that would grow the position for `Reducing`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskEvent {
    /// Where the state changed.
    pub scope: Scope,
    /// Before.
    pub from: TradingState,
    /// After.
    pub to: TradingState,
    /// Why, for the UI and the log.
    pub reason: String,
    /// Cancels to send now.
    pub cancels: Vec<OrderAction>,
}

/// The risk gate: limits, kill switch, rate limiters, per-market states and denial counters.
#[derive(Debug, Clone)]
pub struct RiskGate {
    limits: RiskLimits,
    kill: KillSwitch,
    orders: TokenBucket,
    fills: FillRate,
    reducing_until: BTreeMap<MarketTicker, i64>,
    stale: BTreeMap<MarketTicker, Option<i64>>,
    reported: BTreeMap<Scope, TradingState>,
    denials: BTreeMap<DenialKind, u64>,
}

impl RiskGate {
    /// A gate with validated limits, everything `Active`.
    pub fn new(limits: RiskLimits) -> Result<Self, InvalidLimits> {
        limits.validate()?;
        Ok(Self {
            orders: TokenBucket::new(limits.max_orders_per_sec, limits.order_burst),
            limits,
            kill: KillSwitch::default(),
            fills: FillRate::default(),
            reducing_until: BTreeMap::new(),
            stale: BTreeMap::new(),
            reported: BTreeMap::new(),
            denials: BTreeMap::new(),
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> &RiskLimits {
        &self.limits
    }

    /// Replaces the limits (validated first; the order-rate bucket starts full).
    pub fn set_limits(&mut self, limits: RiskLimits) -> Result<(), InvalidLimits> {
        limits.validate()?;
        self.orders = TokenBucket::new(limits.max_orders_per_sec, limits.order_burst);
        self.limits = limits;
        Ok(())
    }

    /// Denials so far, by kind.
    pub fn denials(&self) -> &BTreeMap<DenialKind, u64> {
        &self.denials
    }

    /// The kill switch (read-only; engage with [`kill`](Self::kill)).
    pub fn kill_switch(&self) -> &KillSwitch {
        &self.kill
    }

    /// Engages the kill switch for `scope` (idempotent; the first reason is kept) and returns
    /// cancels for every order in scope the tracker knows. Stays `Halted` until
    /// [`reset`](Self::reset).
    pub fn kill(&mut self, scope: &Scope, reason: &str, now_ms: i64, orders: &OrderTracker) -> Vec<OrderAction> {
        self.kill.engage(scope, LatchCause::Manual(reason.to_owned()), now_ms);
        orders.cancel_actions(|o| scope.covers(&o.ticker))
    }

    /// Clears `scope`'s latch (kill switch or daily loss); `by` names the person. Returns
    /// whether a latch was engaged. A daily loss still below the limit latches again at the
    /// next [`evaluate`](Self::evaluate).
    pub fn reset(&mut self, scope: &Scope, by: &str) -> Result<bool, ResetError> {
        self.kill.reset(scope, by).map(|l| l.is_some())
    }

    /// Counts a fill toward the fill-rate limit.
    pub fn record_fill(&mut self, ticker: &MarketTicker, now_ms: i64) {
        self.fills.record(ticker, now_ms);
    }

    /// The state of one scope on its own (a market's ignores the global state).
    pub fn scope_state(&self, scope: &Scope, now_ms: i64) -> TradingState {
        match scope {
            Scope::Global => {
                if self.kill.latch(scope).is_some() {
                    TradingState::Halted
                } else {
                    TradingState::Active
                }
            }
            Scope::Market(t) => {
                if self.kill.latch(scope).is_some() || self.stale.contains_key(t) {
                    TradingState::Halted
                } else if self.reducing_until.get(t).is_some_and(|until| *until > now_ms) {
                    TradingState::Reducing
                } else {
                    TradingState::Active
                }
            }
        }
    }

    /// The effective state of a market: the more severe of the global and its own.
    pub fn state(&self, ticker: &MarketTicker, now_ms: i64) -> TradingState {
        self.scope_state(&Scope::Global, now_ms).max(self.scope_state(&Scope::Market(ticker.clone()), now_ms))
    }

    /// Approves `action` or says why not. Cancels always pass; a refusal is logged (with the
    /// market and client order id) and counted. An approved place or amend takes an
    /// order-rate token.
    pub fn check(&mut self, action: &OrderAction, view: &RiskView<'_>, now_ms: i64) -> Result<(), Denial> {
        let result = self.check_inner(action, view, now_ms);
        if let Err(denial) = &result {
            *self.denials.entry(denial.kind()).or_default() += 1;
            let client_order_id = match action {
                OrderAction::Place { client_order_id, .. } | OrderAction::Amend { client_order_id, .. } => {
                    client_order_id.as_str()
                }
                OrderAction::Cancel { .. } => "",
            };
            tracing::warn!(
                market = %action.ticker(),
                client_order_id,
                kind = ?denial.kind(),
                "order denied: {denial}"
            );
        }
        result
    }

    fn check_inner(&mut self, action: &OrderAction, view: &RiskView<'_>, now_ms: i64) -> Result<(), Denial> {
        let (quote, amended) = match action {
            OrderAction::Cancel { .. } => return Ok(()),
            OrderAction::Place { quote, .. } => (quote, None),
            OrderAction::Amend { client_order_id, order_id, quote } => {
                let order = view
                    .orders
                    .get(client_order_id)
                    .filter(|o| !o.state.is_terminal() && o.order_id.as_ref() == Some(order_id))
                    .ok_or(Denial::Invalid { reason: "amend of an order that is not live" })?;
                if order.side != quote.side || order.ticker != quote.ticker {
                    return Err(Denial::Invalid { reason: "amend changes the side or market" });
                }
                (quote, Some(order))
            }
        };
        let ticker = &quote.ticker;
        if !quote.size.is_positive() {
            return Err(Denial::Invalid { reason: "size must be above zero" });
        }
        if !quote.price.is_tradable() {
            return Err(Denial::Invalid { reason: "price must be strictly between $0 and $1" });
        }
        if let Some((scope, latch)) = self.kill.halting(ticker) {
            return Err(Denial::Halted { scope, reason: latch.cause.to_string() });
        }
        let age = (view.book_time_ms)(ticker).map(|t| now_ms.saturating_sub(t));
        if age.is_none_or(|a| a > self.limits.stale_book_ms) {
            return Err(Denial::StaleBook { ticker: ticker.clone(), age_ms: age });
        }
        let limit = self.limits.daily_loss_limit;
        if view.pnl.micros() <= -limit.micros() {
            return Err(Denial::DailyLoss { pnl: view.pnl, limit });
        }

        let position = view.position_qty(ticker);
        let before = LegSums::of(&view.orders.legs(ticker));
        let mut after = before;
        let new_leg = match amended {
            Some(order) => {
                after.sub(&order.leg());
                order.leg_after_amend(quote.price, quote.size)
            }
            None => Leg { side: quote.side, price: quote.price, qty: quote.size },
        };
        after.add(&new_leg);
        let (long_before, long_after) = (before.max_long(position), after.max_long(position));
        let (short_before, short_after) = (before.max_short(position), after.max_short(position));

        if self.state(ticker, now_ms) == TradingState::Reducing {
            let grows_nothing = long_after <= long_before && short_after <= short_before;
            let reduces = match quote.side {
                Side::Bid => position.units() < 0 && long_after <= 0,
                Side::Ask => position.units() > 0 && short_after <= 0,
            };
            if !grows_nothing && !reduces {
                let scope = if self.scope_state(&Scope::Global, now_ms) == TradingState::Reducing {
                    Scope::Global
                } else {
                    Scope::Market(ticker.clone())
                };
                return Err(Denial::ReducingOnly { ticker: ticker.clone(), scope });
            }
        }

        let max = self.limits.max_position.units();
        for (side, before, after) in [(Side::Bid, long_before, long_after), (Side::Ask, short_before, short_after)] {
            if after > max && after > before {
                return Err(Denial::PositionLimit {
                    ticker: ticker.clone(),
                    side,
                    worst_case: kmm_model::Qty::from_units(after),
                    limit: self.limits.max_position,
                });
            }
        }

        let total_before = view.total_at_risk();
        let total_after = total_before - view.market_at_risk(ticker, &before) + view.market_at_risk(ticker, &after);
        let exposure_limit = i128::from(self.limits.max_total_exposure.micros());
        if total_after > exposure_limit && total_after > total_before {
            return Err(Denial::ExposureLimit {
                exposure: view::money(total_after),
                limit: self.limits.max_total_exposure,
            });
        }

        if amended.is_none() {
            let in_market = u32::try_from(view.orders.open_count_in(ticker)).unwrap_or(u32::MAX);
            if in_market >= self.limits.max_open_orders_per_market {
                return Err(Denial::MaxOpenOrders {
                    scope: Scope::Market(ticker.clone()),
                    open: in_market,
                    limit: self.limits.max_open_orders_per_market,
                });
            }
            let total = u32::try_from(view.orders.open_count()).unwrap_or(u32::MAX);
            if total >= self.limits.max_open_orders {
                return Err(Denial::MaxOpenOrders {
                    scope: Scope::Global,
                    open: total,
                    limit: self.limits.max_open_orders,
                });
            }
        }

        if !self.orders.try_take(now_ms) {
            return Err(Denial::OrderRate { per_sec: self.limits.max_orders_per_sec });
        }
        Ok(())
    }

    /// Re-evaluates the state-driving conditions and reports every state change since the
    /// last call (including kill-switch engagements and resets):
    /// * daily P&L at or below −limit → global `Halted`, latched (reset by a person);
    /// * more than `max_fills_per_min` fills in a market within a minute → that market
    ///   `Reducing` until `fill_cooldown_ms` after the last trip;
    /// * a market with live orders whose book is older than `stale_book_ms` (or missing) →
    ///   that market `Halted` until its book is fresh again.
    pub fn evaluate(&mut self, view: &RiskView<'_>, now_ms: i64) -> Vec<RiskEvent> {
        let limit = self.limits.daily_loss_limit;
        if view.pnl.micros() <= -limit.micros() {
            self.kill.engage(&Scope::Global, LatchCause::DailyLoss { pnl: view.pnl, limit }, now_ms);
        }

        let max_fills = usize::try_from(self.limits.max_fills_per_min).unwrap_or(usize::MAX);
        for ticker in self.fills.markets() {
            if self.fills.count(&ticker, now_ms) > max_fills {
                self.reducing_until.insert(ticker, now_ms.saturating_add(self.limits.fill_cooldown_ms));
            }
        }
        self.reducing_until.retain(|_, until| *until > now_ms);

        let watched: BTreeSet<MarketTicker> =
            view.orders.tickers().into_iter().chain(self.stale.keys().cloned()).collect();
        for ticker in watched {
            let age = (view.book_time_ms)(&ticker).map(|t| now_ms.saturating_sub(t));
            if age.is_none_or(|a| a > self.limits.stale_book_ms) {
                self.stale.insert(ticker, age);
            } else {
                self.stale.remove(&ticker);
            }
        }

        let scopes: BTreeSet<Scope> = std::iter::once(Scope::Global)
            .chain(self.kill.latched_markets().cloned().map(Scope::Market))
            .chain(self.reducing_until.keys().cloned().map(Scope::Market))
            .chain(self.stale.keys().cloned().map(Scope::Market))
            .chain(self.reported.keys().cloned())
            .collect();
        let mut events = Vec::new();
        for scope in scopes {
            let to = self.scope_state(&scope, now_ms);
            let from = self.reported.get(&scope).copied().unwrap_or_default();
            if to == from {
                continue;
            }
            let reason = self.reason(&scope, to);
            let cancels = match to {
                TradingState::Halted => view.orders.cancel_actions(|o| scope.covers(&o.ticker)),
                TradingState::Reducing => view.orders.cancel_actions(|o| {
                    scope.covers(&o.ticker) && o.side.sign() * view.position_qty(&o.ticker).units() >= 0
                }),
                TradingState::Active => Vec::new(),
            };
            tracing::warn!(scope = %scope, %from, %to, %reason, cancels = cancels.len(), "trading state changed");
            if to == TradingState::Active {
                self.reported.remove(&scope);
            } else {
                self.reported.insert(scope.clone(), to);
            }
            events.push(RiskEvent { scope, from, to, reason, cancels });
        }
        events
    }

    fn reason(&self, scope: &Scope, state: TradingState) -> String {
        match (state, scope) {
            (TradingState::Active, _) => "cleared".to_owned(),
            (TradingState::Halted, _) if self.kill.latch(scope).is_some() => {
                self.kill.latch(scope).map(|l| l.cause.to_string()).unwrap_or_default()
            }
            (TradingState::Halted, Scope::Market(t)) => match self.stale.get(t) {
                Some(Some(age)) => format!("stale book: {age} ms old (limit {} ms)", self.limits.stale_book_ms),
                _ => "no order book".to_owned(),
            },
            (TradingState::Reducing, _) => {
                format!(
                    "fill rate above {}/min; reducing for {} ms",
                    self.limits.max_fills_per_min, self.limits.fill_cooldown_ms
                )
            }
            (TradingState::Halted, Scope::Global) => "halted".to_owned(),
        }
    }

    /// Why `ticker` is halted, if it is: the latch's reason or the stale book.
    pub fn halt_reason(&self, ticker: &MarketTicker, now_ms: i64) -> Option<String> {
        if let Some((_, latch)) = self.kill.halting(ticker) {
            return Some(latch.cause.to_string());
        }
        (self.state(ticker, now_ms) == TradingState::Halted)
            .then(|| self.reason(&Scope::Market(ticker.clone()), TradingState::Halted))
    }

    /// The current worst-case exposure summed over markets (for the UI).
    pub fn exposure(view: &RiskView<'_>) -> Money {
        view::money(view.total_at_risk())
    }
}
