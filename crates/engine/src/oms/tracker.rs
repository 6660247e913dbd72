//! [`OrderTracker`]: every order the engine has sent or adopted, fed with requests sent,
//! acknowledgements, rejections, failures, order updates and fills.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use kmm_model::{ClientOrderId, Fill, MarketTicker, Order, OrderId, OrderStatus, Price, Qty, Side};

use super::dedupe::FillDedupe;
use super::ids::ClientIdGen;
use super::lifecycle::{AmendTarget, Leg, LiveOrder, OrderState, UnknownOp, WorstCase};
use super::{Delivery, RejectKind, TrackError, TrackerConfig};
use crate::intent::OrderAction;

/// Fills the exchange reported for a finished order that have not arrived as fill events yet.
#[derive(Debug, Clone)]
pub(super) struct Settling {
    pub(super) client_order_id: ClientOrderId,
    pub(super) ticker: MarketTicker,
    pub(super) side: Side,
    pub(super) price: Price,
    /// Contracts that may still arrive as fills (risk counts these).
    pub(super) owed: Qty,
    /// The part of `owed` the exchange confirmed as filled (drift counts these).
    pub(super) confirmed: Qty,
    pub(super) since_ms: i64,
}

/// How much of a finished order may still turn up as fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Settle {
    /// The exchange said exactly how much filled (`reported_filled`).
    Exact,
    /// The order is gone without a final count (vanished, 404): all of its worst-case
    /// remainder may have filled.
    Possible,
}

/// The order tracker. Deterministic: keyed by client order id in sorted maps.
#[derive(Debug, Clone)]
pub struct OrderTracker {
    pub(super) config: TrackerConfig,
    pub(super) ids: ClientIdGen,
    pub(super) live: BTreeMap<ClientOrderId, LiveOrder>,
    pub(super) by_order_id: HashMap<OrderId, ClientOrderId>,
    pub(super) finished: BTreeMap<ClientOrderId, LiveOrder>,
    finished_order: VecDeque<ClientOrderId>,
    pub(super) settling: BTreeMap<OrderId, Settling>,
    orphans: BTreeMap<OrderId, Qty>,
    orphan_order: VecDeque<OrderId>,
    dedupe: FillDedupe,
    pub(super) drift_streak: BTreeMap<MarketTicker, u32>,
}

impl OrderTracker {
    /// A tracker with no orders.
    pub fn new(config: TrackerConfig) -> Result<Self, TrackError> {
        let ids = ClientIdGen::new(&config.prefix, &config.session)?;
        let dedupe = FillDedupe::new(config.fill_ids_per_market);
        Ok(Self {
            config,
            ids,
            live: BTreeMap::new(),
            by_order_id: HashMap::new(),
            finished: BTreeMap::new(),
            finished_order: VecDeque::new(),
            settling: BTreeMap::new(),
            orphans: BTreeMap::new(),
            orphan_order: VecDeque::new(),
            dedupe,
            drift_streak: BTreeMap::new(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &TrackerConfig {
        &self.config
    }

    /// A fresh client order id (used by [`plan`](Self::plan); exposed for manual orders).
    pub fn next_client_order_id(&mut self) -> ClientOrderId {
        self.ids.next_id()
    }

    /// True when `id` carries our prefix (this or an earlier session).
    pub fn is_ours(&self, id: &ClientOrderId) -> bool {
        self.ids.is_ours(id)
    }

    // ----- queries -------------------------------------------------------------------------

    /// A live or recently finished order by client id.
    pub fn get(&self, id: &ClientOrderId) -> Option<&LiveOrder> {
        self.live.get(id).or_else(|| self.finished.get(id))
    }

    /// A live or recently finished order by exchange id.
    pub fn get_by_order_id(&self, id: &OrderId) -> Option<&LiveOrder> {
        match self.by_order_id.get(id) {
            Some(cid) => self.live.get(cid),
            None => self.finished.values().find(|o| o.order_id.as_ref() == Some(id)),
        }
    }

    /// Every live (non-terminal) order, by client id.
    pub fn all_live(&self) -> impl Iterator<Item = &LiveOrder> {
        self.live.values()
    }

    /// Live orders in one market, including those in flight or of unknown outcome.
    pub fn live_orders<'a>(&'a self, ticker: &'a MarketTicker) -> impl Iterator<Item = &'a LiveOrder> + 'a {
        self.live.values().filter(move |o| &o.ticker == ticker)
    }

    /// Markets with live orders or unsettled fills.
    pub fn tickers(&self) -> BTreeSet<MarketTicker> {
        self.live.values().map(|o| o.ticker.clone()).chain(self.settling.values().map(|s| s.ticker.clone())).collect()
    }

    /// Everything that could still change the position in `ticker`: one leg per live order and
    /// per finished order whose reported fills have not all arrived.
    pub fn legs(&self, ticker: &MarketTicker) -> Vec<Leg> {
        self.live_orders(ticker)
            .map(LiveOrder::leg)
            .chain(self.settling.values().filter(|s| &s.ticker == ticker).map(|s| Leg {
                side: s.side,
                price: s.price,
                qty: s.owed,
            }))
            .collect()
    }

    /// Contracts that could still be bought and sold in `ticker` if everything filled.
    pub fn worst_case(&self, ticker: &MarketTicker) -> WorstCase {
        WorstCase::of(self.legs(ticker))
    }

    /// Live orders across all markets.
    pub fn open_count(&self) -> usize {
        self.live.len()
    }

    /// Live orders in one market.
    pub fn open_count_in(&self, ticker: &MarketTicker) -> usize {
        self.live_orders(ticker).count()
    }

    /// Live orders whose create was never acknowledged (no exchange id): a shutdown sweep is
    /// not complete while any remain.
    pub fn unresolved_creates(&self) -> Vec<ClientOrderId> {
        self.live.values().filter(|o| o.order_id.is_none()).map(|o| o.client_order_id.clone()).collect()
    }

    // ----- shutdown sweep ------------------------------------------------------------------

    /// Cancels for every live order matching `filter` that has an exchange id and no cancel in
    /// flight (open, amending, or of unknown outcome).
    pub fn cancel_actions(&self, filter: impl Fn(&LiveOrder) -> bool) -> Vec<OrderAction> {
        self.live
            .values()
            .filter(|o| o.state != OrderState::PendingCancel && !o.state.is_terminal() && filter(o))
            .filter_map(|o| {
                o.order_id.clone().map(|order_id| OrderAction::Cancel { order_id, ticker: o.ticker.clone() })
            })
            .collect()
    }

    /// Cancels for every live order the tracker knows (kill switch, shutdown).
    pub fn cancel_all_actions(&self) -> Vec<OrderAction> {
        self.cancel_actions(|_| true)
    }

    /// Cancels for every live order in one market.
    pub fn cancel_actions_in(&self, ticker: &MarketTicker) -> Vec<OrderAction> {
        self.cancel_actions(|o| &o.ticker == ticker)
    }

    /// True when none of `exchange_orders` (a fresh read of resting orders) is ours: neither
    /// carrying our prefix nor an id we know. The verified shutdown loops cancel → re-read
    /// until this holds and [`unresolved_creates`](Self::unresolved_creates) is empty.
    pub fn is_flat_on_exchange(&self, exchange_orders: &[Order]) -> bool {
        !exchange_orders.iter().any(|o| {
            o.status == OrderStatus::Resting
                && (o.client_order_id.as_ref().is_some_and(|c| self.ids.is_ours(c))
                    || self.get_by_order_id(&o.order_id).is_some())
        })
    }

    // ----- inputs: requests ----------------------------------------------------------------

    /// Records a request the runner has just sent (after the risk gate approved it).
    pub fn on_sent(&mut self, action: &OrderAction, now_ms: i64) -> Result<(), TrackError> {
        match action {
            OrderAction::Place { client_order_id, quote } => {
                if self.get(client_order_id).is_some() {
                    return Err(TrackError::DuplicateClientOrderId(client_order_id.clone()));
                }
                let order = LiveOrder {
                    client_order_id: client_order_id.clone(),
                    order_id: None,
                    ticker: quote.ticker.clone(),
                    side: quote.side,
                    price: quote.price,
                    total: quote.size,
                    counted_filled: Qty::ZERO,
                    reported_filled: Qty::ZERO,
                    state: OrderState::PendingNew,
                    amend: None,
                    unknown: None,
                    before_cancel: None,
                    adopted: false,
                    created_ms: now_ms,
                    updated_ms: now_ms,
                    priced_ms: now_ms,
                };
                self.live.insert(client_order_id.clone(), order);
            }
            OrderAction::Amend { order_id, client_order_id, quote } => {
                let order = self.live.get_mut(client_order_id).ok_or_else(|| unknown(client_order_id))?;
                if order.order_id.as_ref() != Some(order_id) || !order.is_actionable() {
                    return Err(TrackError::NotActionable { id: client_order_id.to_string(), state: order.state });
                }
                order.state = OrderState::PendingAmend;
                let total = order.amend_total(quote.size);
                order.amend = Some(AmendTarget { price: quote.price, size: quote.size, total });
                order.updated_ms = now_ms;
            }
            OrderAction::Cancel { order_id, .. } => {
                let cid = self.cid_of(order_id)?;
                let order = self.live.get_mut(&cid).ok_or_else(|| unknown(&cid))?;
                if matches!(order.state, OrderState::PendingCancel) {
                    return Err(TrackError::NotActionable { id: cid.to_string(), state: order.state });
                }
                order.before_cancel = Some(order.state);
                order.state = OrderState::PendingCancel;
                order.updated_ms = now_ms;
            }
        }
        Ok(())
    }

    /// A create was acknowledged: `filled` on arrival, `remaining` resting.
    pub fn on_create_ack(
        &mut self,
        client_order_id: &ClientOrderId,
        order_id: &OrderId,
        filled: Qty,
        remaining: Qty,
        now_ms: i64,
    ) -> Result<(), TrackError> {
        if !self.live.contains_key(client_order_id) {
            let resurrect = self
                .finished
                .get(client_order_id)
                .is_some_and(|o| o.state == OrderState::Rejected && remaining.is_positive());
            if !resurrect {
                return if self.finished.contains_key(client_order_id) {
                    Ok(())
                } else {
                    Err(unknown(client_order_id))
                };
            }
            // Declared absent by a reconciliation, yet the exchange acknowledged it: it exists.
            tracing::warn!(client_order_id = %client_order_id, %order_id, "late ack for an order thought absent");
            if let Some(mut order) = self.finished.remove(client_order_id) {
                order.state = OrderState::Unknown;
                self.live.insert(client_order_id.clone(), order);
            }
        }
        self.index(client_order_id, order_id);
        let Some(order) = self.live.get_mut(client_order_id) else { return Err(unknown(client_order_id)) };
        order.reported_filled = order.reported_filled.max(filled);
        if matches!(order.state, OrderState::PendingNew | OrderState::Unknown) {
            order.total = Qty::from_units(filled.units() + remaining.units());
            order.state = OrderState::Open;
            order.unknown = None;
        }
        order.cover_fills();
        order.updated_ms = now_ms;
        if remaining.is_zero() && order.state == OrderState::Open {
            let state = if order.reported_filled >= order.total { OrderState::Filled } else { OrderState::Canceled };
            self.finish(client_order_id, state, now_ms, Settle::Exact);
        } else {
            self.check_filled(client_order_id, now_ms);
        }
        Ok(())
    }

    /// An amend was acknowledged (V2 reply counts are optional).
    pub fn on_amend_ack(
        &mut self,
        order_id: &OrderId,
        filled: Option<Qty>,
        remaining: Option<Qty>,
        now_ms: i64,
    ) -> Result<(), TrackError> {
        let Some(cid) = self.by_order_id.get(order_id).cloned() else {
            return self.known_finished(order_id);
        };
        let Some(order) = self.live.get_mut(&cid) else { return Err(unknown(&cid)) };
        let Some(target) = order.amend.take() else { return Ok(()) };
        order.price = target.price;
        if let Some(f) = filled {
            order.reported_filled = order.reported_filled.max(f);
        }
        order.priced_ms = now_ms;
        order.total = match (filled, remaining) {
            (Some(f), Some(r)) => Qty::from_units(f.units() + r.units()),
            (None, Some(r)) => Qty::from_units(order.filled().units() + r.units()),
            (_, None) => target.total,
        };
        order.cover_fills();
        let left = order.remaining();
        if matches!(order.state, OrderState::PendingAmend | OrderState::Unknown) {
            order.state = OrderState::Open;
            order.unknown = None;
        }
        order.updated_ms = now_ms;
        if left.is_zero() && order.state == OrderState::Open {
            self.finish(&cid, OrderState::Canceled, now_ms, Settle::Exact);
        } else {
            self.check_filled(&cid, now_ms);
        }
        Ok(())
    }

    /// A cancel was acknowledged; `reduced_by` contracts were removed (0: already gone).
    pub fn on_cancel_ack(&mut self, order_id: &OrderId, reduced_by: Qty, now_ms: i64) -> Result<(), TrackError> {
        let Some(cid) = self.by_order_id.get(order_id).cloned() else {
            return self.known_finished(order_id);
        };
        let mut settle = Settle::Possible;
        if let Some(order) = self.live.get_mut(&cid)
            && order.amend.is_none()
        {
            // Whatever was not removed had filled (its fills may still be on their way).
            let inferred = (order.total.units() - reduced_by.units()).max(0);
            order.reported_filled = order.reported_filled.max(Qty::from_units(inferred));
            settle = Settle::Exact;
        }
        // With an amend in flight the total is ambiguous: keep all of it possible.
        self.finish(&cid, OrderState::Canceled, now_ms, settle);
        Ok(())
    }

    /// The exchange refused the request `action` (the runner maps API errors to `kind`).
    pub fn on_reject(&mut self, action: &OrderAction, kind: RejectKind, now_ms: i64) -> Result<(), TrackError> {
        tracing::info!(market = %action.ticker(), ?kind, "order request rejected");
        let cid = self.cid_of_action(action)?;
        let Some(order) = self.live.get_mut(&cid) else { return Ok(()) };
        order.updated_ms = now_ms;
        match (action, kind) {
            // 409: an order with this id exists, e.g. our own retried create: not absent.
            (OrderAction::Place { .. }, RejectKind::DuplicateClientOrderId) => {
                order.state = OrderState::Unknown;
                order.unknown = Some(UnknownOp::Create);
            }
            (OrderAction::Place { .. }, _) => self.finish(&cid, OrderState::Rejected, now_ms, Settle::Exact),
            // The order is gone, filled or canceled we cannot tell: until its fills arrive
            // (or the settle timeout), all of it may have filled.
            (_, RejectKind::NotFound) => self.finish(&cid, OrderState::Canceled, now_ms, Settle::Possible),
            (OrderAction::Amend { .. }, _) => {
                order.amend = None;
                if matches!(order.state, OrderState::PendingAmend | OrderState::Unknown) {
                    order.state = OrderState::Open;
                    order.unknown = None;
                }
                self.check_filled(&cid, now_ms);
            }
            (OrderAction::Cancel { .. }, _) => {
                order.state = order.before_cancel.take().unwrap_or(OrderState::Open);
                if order.state == OrderState::PendingAmend && order.amend.is_none() {
                    order.state = OrderState::Open;
                }
                self.check_filled(&cid, now_ms);
            }
        }
        Ok(())
    }

    /// A request failed without a definite answer. `NotSent` undoes it; `Unknown` (timeout,
    /// 5xx, broken connection) moves the order to `Unknown` until reconciliation resolves it.
    pub fn on_request_failed(
        &mut self,
        action: &OrderAction,
        delivery: Delivery,
        now_ms: i64,
    ) -> Result<(), TrackError> {
        if delivery == Delivery::NotSent {
            return self.on_reject(action, RejectKind::Refused, now_ms);
        }
        let cid = self.cid_of_action(action)?;
        let Some(order) = self.live.get_mut(&cid) else { return Ok(()) };
        tracing::warn!(market = %order.ticker, client_order_id = %cid, "request outcome unknown");
        order.state = OrderState::Unknown;
        order.unknown = Some(match action {
            OrderAction::Place { .. } => UnknownOp::Create,
            OrderAction::Amend { .. } => UnknownOp::Amend,
            OrderAction::Cancel { .. } => UnknownOp::Cancel,
        });
        order.updated_ms = now_ms;
        Ok(())
    }

    // ----- inputs: exchange state ----------------------------------------------------------

    /// An order snapshot (WS `user_orders` or REST). Returns false when it is not a tracked
    /// order (reconciliation decides about those).
    pub fn on_order_update(&mut self, snapshot: &Order, now_ms: i64) -> bool {
        let cid = match snapshot.client_order_id.as_ref().filter(|c| self.live.contains_key(*c)) {
            Some(c) => c.clone(),
            None => match self.by_order_id.get(&snapshot.order_id) {
                Some(c) => c.clone(),
                None => return self.resurrect(snapshot, now_ms),
            },
        };
        self.apply_snapshot(&cid, snapshot, now_ms);
        true
    }

    /// A fill. Returns false for a duplicate trade id (the runner then does not pass it on to
    /// the portfolio). Fills of orders whose id is not known yet are kept until it is.
    pub fn on_fill(&mut self, fill: &Fill, now_ms: i64) -> bool {
        if !self.dedupe.insert(&fill.ticker, &fill.trade_id) {
            tracing::debug!(market = %fill.ticker, trade_id = %fill.trade_id, "duplicate fill ignored");
            return false;
        }
        self.credit(&fill.order_id, fill.count.abs(), now_ms);
        true
    }

    // ----- internals -----------------------------------------------------------------------

    pub(super) fn credit(&mut self, order_id: &OrderId, count: Qty, now_ms: i64) {
        if let Some(cid) = self.by_order_id.get(order_id).cloned()
            && let Some(order) = self.live.get_mut(&cid)
        {
            order.counted_filled = Qty::from_units(order.counted_filled.units() + count.units());
            if order.counted_filled > order.total {
                if order.amend.is_none() {
                    tracing::warn!(client_order_id = %cid, "fills exceed the order's size; growing it");
                }
                order.total = order.counted_filled;
            }
            order.updated_ms = order.updated_ms.max(now_ms);
            self.check_filled(&cid, now_ms);
        } else if let Some(s) = self.settling.get_mut(order_id) {
            s.owed = Qty::from_units((s.owed.units() - count.units()).max(0));
            s.confirmed = Qty::from_units((s.confirmed.units() - count.units()).max(0));
            if let Some(done) = self.finished.get_mut(&s.client_order_id) {
                done.counted_filled = Qty::from_units(done.counted_filled.units() + count.units());
                done.cover_fills();
            }
            if s.owed.is_zero() {
                self.settling.remove(order_id);
            }
        } else {
            let slot = self.orphans.entry(order_id.clone()).or_insert_with(|| {
                self.orphan_order.push_back(order_id.clone());
                Qty::ZERO
            });
            *slot = Qty::from_units(slot.units() + count.units());
            while self.orphan_order.len() > self.config.finished_cap {
                if let Some(old) = self.orphan_order.pop_front() {
                    self.orphans.remove(&old);
                }
            }
        }
    }

    /// Links an exchange id to a live order and credits fills that arrived before it.
    pub(super) fn index(&mut self, cid: &ClientOrderId, order_id: &OrderId) {
        let Some(order) = self.live.get_mut(cid) else { return };
        if let Some(old) = order.order_id.replace(order_id.clone())
            && &old != order_id
        {
            self.by_order_id.remove(&old);
        }
        self.by_order_id.insert(order_id.clone(), cid.clone());
        if let Some(early) = self.orphans.remove(order_id) {
            self.orphan_order.retain(|o| o != order_id);
            order.counted_filled = Qty::from_units(order.counted_filled.units() + early.units());
            order.total = order.total.max(order.counted_filled);
        }
    }

    /// Applies an exchange snapshot to a live order.
    pub(super) fn apply_snapshot(&mut self, cid: &ClientOrderId, snap: &Order, now_ms: i64) {
        self.index(cid, &snap.order_id);
        let Some(order) = self.live.get_mut(cid) else { return };
        order.reported_filled = order.reported_filled.max(snap.filled);
        order.cover_fills();
        if matches!(order.state, OrderState::PendingNew | OrderState::Open | OrderState::Unknown) {
            order.price = snap.price;
            // Never shrink on a snapshot: one delivered out of order (older than an amend ack)
            // must not understate what can still fill. Exchange-side decreases are thus
            // overstated until the order finishes, which errs on the safe side.
            let snap_total = Qty::from_units(snap.filled.units() + snap.remaining.units());
            order.total = order.total.max(snap_total).max(order.filled());
        }
        order.updated_ms = order.updated_ms.max(now_ms);
        match snap.status {
            OrderStatus::Resting => {
                if matches!(order.state, OrderState::PendingNew | OrderState::Unknown) {
                    order.state = OrderState::Open;
                    order.unknown = None;
                    order.amend = None;
                    order.before_cancel = None;
                }
                self.check_filled(cid, now_ms);
            }
            OrderStatus::Canceled => self.finish(cid, OrderState::Canceled, now_ms, Settle::Exact),
            OrderStatus::Executed => self.finish(cid, OrderState::Filled, now_ms, Settle::Exact),
        }
    }

    /// A resting snapshot of an order we had given up on (declared absent or gone): it lives.
    fn resurrect(&mut self, snap: &Order, now_ms: i64) -> bool {
        let Some(cid) = snap.client_order_id.clone().filter(|c| self.finished.contains_key(c)) else {
            return false;
        };
        if snap.status != OrderStatus::Resting {
            return false;
        }
        if let Some(mut order) = self.finished.remove(&cid) {
            tracing::warn!(client_order_id = %cid, order_id = %snap.order_id, "order thought gone is resting");
            order.state = OrderState::Unknown;
            // What was still owed when it finished (e.g. a lost amend's larger total) stays at risk.
            let owed: i64 = self.settling.values().filter(|s| s.client_order_id == cid).map(|s| s.owed.units()).sum();
            order.total = order.total.max(Qty::from_units(order.counted_filled.units() + owed));
            self.settling.retain(|_, s| s.client_order_id != cid);
            self.live.insert(cid.clone(), order);
            self.apply_snapshot(&cid, snap, now_ms);
        }
        true
    }

    /// Marks the order `Filled` once every contract has been counted.
    fn check_filled(&mut self, cid: &ClientOrderId, now_ms: i64) {
        let done = self.live.get(cid).is_some_and(|o| {
            o.order_id.is_some() && o.amend.is_none() && o.total.is_positive() && o.counted_filled >= o.total
        });
        if done {
            self.finish(cid, OrderState::Filled, now_ms, Settle::Exact);
        }
    }

    /// Moves a live order to a terminal state; fills reported (or, for [`Settle::Possible`],
    /// possible) but not received yet stay at risk until they arrive.
    pub(super) fn finish(&mut self, cid: &ClientOrderId, state: OrderState, now_ms: i64, settle: Settle) {
        let Some(mut order) = self.live.remove(cid) else { return };
        let possible = order.worst_remaining();
        order.state = state;
        order.amend = None;
        order.unknown = None;
        order.before_cancel = None;
        order.updated_ms = now_ms;
        tracing::debug!(market = %order.ticker, client_order_id = %cid, ?state, "order finished");
        if let Some(order_id) = &order.order_id {
            self.by_order_id.remove(order_id);
            let confirmed = (order.reported_filled.units() - order.counted_filled.units()).max(0);
            let owed = match settle {
                Settle::Exact => confirmed,
                Settle::Possible => possible.units().max(confirmed),
            };
            if owed > 0 {
                self.settling.insert(
                    order_id.clone(),
                    Settling {
                        client_order_id: cid.clone(),
                        ticker: order.ticker.clone(),
                        side: order.side,
                        price: order.price,
                        owed: Qty::from_units(owed),
                        confirmed: Qty::from_units(confirmed),
                        since_ms: now_ms,
                    },
                );
            }
        }
        self.finished.insert(cid.clone(), order);
        self.finished_order.push_back(cid.clone());
        while self.finished_order.len() > self.config.finished_cap {
            if let Some(old) = self.finished_order.pop_front() {
                self.finished.remove(&old);
            }
        }
    }

    fn cid_of(&self, order_id: &OrderId) -> Result<ClientOrderId, TrackError> {
        self.by_order_id.get(order_id).cloned().ok_or_else(|| TrackError::UnknownOrder(order_id.to_string()))
    }

    fn cid_of_action(&self, action: &OrderAction) -> Result<ClientOrderId, TrackError> {
        match action {
            OrderAction::Place { client_order_id, .. } | OrderAction::Amend { client_order_id, .. } => {
                if self.get(client_order_id).is_some() {
                    Ok(client_order_id.clone())
                } else {
                    Err(unknown(client_order_id))
                }
            }
            OrderAction::Cancel { order_id, .. } => self
                .cid_of(order_id)
                .or_else(|e| self.get_by_order_id(order_id).map(|o| o.client_order_id.clone()).ok_or(e)),
        }
    }

    fn known_finished(&self, order_id: &OrderId) -> Result<(), TrackError> {
        if self.get_by_order_id(order_id).is_some() {
            Ok(())
        } else {
            Err(TrackError::UnknownOrder(order_id.to_string()))
        }
    }
}

fn unknown(cid: &ClientOrderId) -> TrackError {
    TrackError::UnknownOrder(cid.to_string())
}
