//! Reconciliation with the exchange: the startup sweep (adopt or cancel leftover orders),
//! resolution of orders of unknown outcome, orders that vanished, and position drift.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use kmm_model::{ClientOrderId, MarketTicker, Order, OrderId, OrderStatus, Qty};
use serde::Serialize;

use super::LeftoverPolicy;
use super::lifecycle::{LiveOrder, OrderState};
use super::tracker::{OrderTracker, Settle};
use crate::intent::OrderAction;

/// How an order of unknown outcome was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnknownResolution {
    /// The exchange has it; this is its state now.
    Found(OrderState),
    /// The exchange does not have it (after the grace period): removed.
    Absent,
}

/// A position the engine cannot explain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// The market.
    pub ticker: MarketTicker,
    /// The engine's position.
    pub engine: Qty,
    /// The exchange's position.
    pub exchange: Qty,
    /// The part explained by fills the exchange reported but the engine has not received.
    pub explained: Qty,
    /// `exchange − engine − explained`.
    pub unexplained: Qty,
    /// Consecutive reconciliations that found unexplained drift in this market.
    pub streak: u32,
}

/// What a reconciliation found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// Resting orders with our prefix the tracker did not know, now tracked as `Open`.
    pub adopted: Vec<ClientOrderId>,
    /// Under [`LeftoverPolicy::Cancel`], cancels for the adopted orders (send them like any
    /// other action: risk never refuses a cancel).
    pub to_cancel: Vec<OrderAction>,
    /// Orders we thought live that the exchange no longer rests: now `Canceled`.
    pub vanished: Vec<ClientOrderId>,
    /// Orders of unknown outcome that were resolved.
    pub unknown_resolved: Vec<(ClientOrderId, UnknownResolution)>,
    /// Unknown creates still within their grace period (resolved by a later reconciliation).
    pub still_unknown: Vec<ClientOrderId>,
    /// Markets whose position differs from the exchange's beyond what pending fills explain.
    pub drift: Vec<Drift>,
    /// Resting orders that are not ours (no or another prefix): never touched.
    pub foreign: usize,
    /// True when some drift has persisted for the configured number of reconciliations:
    /// the runner halts (kill switch) and asks a person.
    pub halt: bool,
}

impl OrderTracker {
    /// Compares the tracker with a fresh read of the exchange.
    ///
    /// * `scope`: one market, or `None` for all; orders and positions outside it are ignored.
    /// * `exchange_orders`: the exchange's orders in scope: all resting ones, plus any recent
    ///   canceled/executed ones the runner fetched (they resolve unknown creates precisely).
    /// * `exchange_positions`, `our_positions`: net positions (absent = flat).
    /// * `as_of_ms`: engine time at which the runner **started** the reads. Orders touched at
    ///   or after it are not judged missing (the read may predate them), and an unknown create
    ///   is declared absent only once `unknown_grace_ms` has passed before it.
    pub fn reconcile(
        &mut self,
        scope: Option<&MarketTicker>,
        exchange_orders: &[Order],
        exchange_positions: &BTreeMap<MarketTicker, Qty>,
        our_positions: &BTreeMap<MarketTicker, Qty>,
        as_of_ms: i64,
    ) -> Reconciliation {
        let in_scope = |t: &MarketTicker| scope.is_none_or(|s| s == t);
        let exchange: Vec<&Order> = exchange_orders.iter().filter(|o| in_scope(&o.ticker)).collect();
        let by_order_id: HashMap<&OrderId, &Order> = exchange.iter().map(|o| (&o.order_id, *o)).collect();
        let by_client_id: HashMap<&ClientOrderId, &Order> =
            exchange.iter().filter_map(|o| o.client_order_id.as_ref().map(|c| (c, *o))).collect();
        let mut report = Reconciliation::default();
        let mut matched: HashSet<OrderId> = HashSet::new();

        // 1. Our live orders against the exchange.
        let ours: Vec<LiveOrder> = self.live.values().filter(|o| in_scope(&o.ticker)).cloned().collect();
        for order in ours {
            let cid = &order.client_order_id;
            let snapshot =
                order.order_id.as_ref().and_then(|id| by_order_id.get(id)).or_else(|| by_client_id.get(cid)).copied();
            if let Some(snap) = snapshot {
                matched.insert(snap.order_id.clone());
                self.apply_snapshot(cid, snap, as_of_ms);
                if order.state == OrderState::Unknown {
                    let now = self.get(cid).map_or(OrderState::Canceled, |o| o.state);
                    tracing::info!(client_order_id = %cid, state = ?now, "unknown order found on the exchange");
                    report.unknown_resolved.push((cid.clone(), UnknownResolution::Found(now)));
                }
                continue;
            }
            if order.updated_ms >= as_of_ms || order.state == OrderState::PendingNew {
                continue; // newer than the read, or its answer is still on the way
            }
            if order.order_id.is_none() {
                // An unknown create: absent only after the grace period.
                if order.updated_ms.saturating_add(self.config.unknown_grace_ms) <= as_of_ms {
                    tracing::warn!(client_order_id = %cid, "unknown create not on the exchange: absent");
                    self.finish(cid, OrderState::Rejected, as_of_ms, Settle::Exact);
                    report.unknown_resolved.push((cid.clone(), UnknownResolution::Absent));
                } else {
                    report.still_unknown.push(cid.clone());
                }
                continue;
            }
            tracing::warn!(market = %order.ticker, client_order_id = %cid, "order vanished from the exchange");
            // Filled or canceled, the read cannot tell: its fills may still arrive.
            self.finish(cid, OrderState::Canceled, as_of_ms, Settle::Possible);
            if order.state == OrderState::Unknown {
                report.unknown_resolved.push((cid.clone(), UnknownResolution::Absent));
            } else {
                report.vanished.push(cid.clone());
            }
        }

        // 2. Resting orders we do not track: ours are adopted (and maybe canceled).
        for snap in exchange.iter().filter(|o| o.status == OrderStatus::Resting && !matched.contains(&o.order_id)) {
            let Some(cid) = snap.client_order_id.clone().filter(|c| self.is_ours(c)) else {
                report.foreign += 1;
                continue;
            };
            if self.live.contains_key(&cid) {
                continue;
            }
            if self.finished.contains_key(&cid) {
                // Ours, given up on too early (e.g. declared absent): it lives.
                self.on_order_update(snap, as_of_ms);
            } else {
                self.adopt(&cid, snap, as_of_ms);
            }
            tracing::warn!(market = %snap.ticker, client_order_id = %cid, "adopted a leftover order");
            report.adopted.push(cid);
            if self.config.leftover == LeftoverPolicy::Cancel {
                report
                    .to_cancel
                    .push(OrderAction::Cancel { order_id: snap.order_id.clone(), ticker: snap.ticker.clone() });
            }
        }

        // 3. Positions.
        let tickers: BTreeSet<MarketTicker> = exchange_positions
            .keys()
            .chain(our_positions.keys())
            .cloned()
            .chain(self.tickers())
            .filter(|t| in_scope(t))
            .collect();
        for ticker in tickers {
            let exchange_pos = exchange_positions.get(&ticker).copied().unwrap_or_default();
            let engine_pos = our_positions.get(&ticker).copied().unwrap_or_default();
            let explained = self.unreceived_fills(&ticker);
            let unexplained = exchange_pos.units() - engine_pos.units() - explained.units();
            if unexplained == 0 {
                self.drift_streak.remove(&ticker);
                continue;
            }
            let streak = self.drift_streak.entry(ticker.clone()).or_default();
            *streak += 1;
            tracing::error!(market = %ticker, engine = %engine_pos, exchange = %exchange_pos, %explained, streak = *streak, "position drift");
            report.drift.push(Drift {
                ticker,
                engine: engine_pos,
                exchange: exchange_pos,
                explained,
                unexplained: Qty::from_units(unexplained),
                streak: *streak,
            });
        }
        report.halt = report.drift.iter().any(|d| d.streak >= self.config.drift_confirmations);

        // 4. Fills reported long ago that never arrived stop counting as pending.
        let timeout = self.config.settle_timeout_ms;
        self.settling.retain(|order_id, s| {
            let keep = !in_scope(&s.ticker) || s.since_ms.saturating_add(timeout) > as_of_ms;
            if !keep {
                tracing::warn!(%order_id, owed = %s.owed, "reported fills never arrived; no longer pending");
            }
            keep
        });
        report
    }

    /// Signed contracts the exchange reported filled in `ticker` that have not arrived as
    /// fills: bids add, asks subtract.
    pub fn unreceived_fills(&self, ticker: &MarketTicker) -> Qty {
        let live: i64 = self
            .live_orders(ticker)
            .map(|o| (o.reported_filled.units() - o.counted_filled.units()).max(0) * o.side.sign())
            .sum();
        let settling: i64 =
            self.settling.values().filter(|s| &s.ticker == ticker).map(|s| s.confirmed.units() * s.side.sign()).sum();
        Qty::from_units(live + settling)
    }

    /// Tracks a leftover order: its fills so far are already in the exchange's position.
    fn adopt(&mut self, cid: &ClientOrderId, snap: &Order, now_ms: i64) {
        let order = LiveOrder {
            client_order_id: cid.clone(),
            order_id: None,
            ticker: snap.ticker.clone(),
            side: snap.side,
            price: snap.price,
            total: Qty::from_units(snap.filled.units() + snap.remaining.units()),
            counted_filled: snap.filled,
            reported_filled: snap.filled,
            state: OrderState::Open,
            amend: None,
            unknown: None,
            before_cancel: None,
            adopted: true,
            created_ms: now_ms,
            updated_ms: now_ms,
            priced_ms: now_ms,
        };
        self.live.insert(cid.clone(), order);
        self.index(cid, &snap.order_id);
    }
}
