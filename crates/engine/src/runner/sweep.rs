//! Keeping the engine equal to the exchange: the startup sweep, periodic reconciliation,
//! book audits, fill backfill after a reconnect, and the verified shutdown sweep.

use std::collections::BTreeMap;
use std::time::Duration;

use kmm_model::{MarketTicker, Order, Position, Qty};

use super::{Engine, EngineEvent, IoResult, ShutdownReport, orders::Reply};
use crate::intent::OrderAction;
use crate::venue::VenueError;

/// How far back the reconciliation reads finished orders (they resolve unknown creates).
const RECENT_ORDERS_S: i64 = 600;
/// How far before the last fill the backfill starts, for fills reported late.
const BACKFILL_MARGIN_S: i64 = 60;
/// Cancel-and-verify rounds before a shutdown gives up.
const SHUTDOWN_ROUNDS: usize = 20;

fn net(positions: impl IntoIterator<Item = (MarketTicker, Qty)>) -> BTreeMap<MarketTicker, Qty> {
    positions.into_iter().filter(|(_, q)| !q.is_zero()).collect()
}

impl Engine {
    fn our_positions(&self) -> BTreeMap<MarketTicker, Qty> {
        net(self.portfolio.positions().map(|p| (p.ticker.clone(), p.qty)))
    }

    /// Before quoting: adopt the exchange's positions and sweep our leftover orders.
    pub(super) async fn startup_sweep(&mut self) {
        let started = self.now();
        // Fills up to now are inside the positions adopted below: remember their ids so the
        // REST fill reads that recover lost fill frames never book them twice.
        match self.venue.fills_since(started / 1_000 - RECENT_ORDERS_S).await {
            Ok(fills) => self.portfolio.mark_seen(fills.into_iter().map(|f| f.trade_id)),
            Err(e) => self.log("warn", format!("startup: fills unreadable: {e}")),
        }
        match self.venue.positions().await {
            Ok(positions) => positions.into_iter().filter(|p| !p.qty.is_zero()).for_each(|p| self.portfolio.adopt(p)),
            Err(e) => self.log("warn", format!("startup: positions unreadable: {e}")),
        }
        let orders = self.venue.open_orders(None).await;
        let positions = Ok(self.portfolio.positions().cloned().collect());
        self.on_reconcile(started, orders, positions);
    }

    /// Reads orders and positions on a separate task; the result comes back as an event.
    pub(super) fn start_reconcile(&self) {
        let (venue, io, started_ms) = (self.venue.clone(), self.io_tx.clone(), self.now());
        let fills_since_s = self.fills_synced_ms / 1_000 - BACKFILL_MARGIN_S;
        tokio::spawn(async move {
            // Fills first: a fill the feed lost then explains the position difference below.
            let fills = venue.fills_since(fills_since_s).await;
            let resting = venue.open_orders(None).await;
            let recent = venue.orders_since(started_ms / 1_000 - RECENT_ORDERS_S).await;
            let orders = match (resting, recent) {
                (Ok(mut resting), Ok(recent)) => {
                    let known: std::collections::HashSet<_> = resting.iter().map(|o| o.order_id.clone()).collect();
                    resting.extend(recent.into_iter().filter(|o| !known.contains(&o.order_id)));
                    Ok(resting)
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            let positions = venue.positions().await;
            let _ = io.send(IoResult::Reconcile { started_ms, fills, orders, positions }).await;
        });
    }

    pub(super) fn on_reconcile(
        &mut self,
        started_ms: i64,
        orders: Result<Vec<Order>, VenueError>,
        positions: Result<Vec<Position>, VenueError>,
    ) {
        let (orders, positions) = match (orders, positions) {
            (Ok(o), Ok(p)) => (o, p),
            (Err(e), _) | (_, Err(e)) => {
                self.log("warn", format!("reconciliation skipped: {e}"));
                return;
            }
        };
        let exchange = net(positions.into_iter().map(|p| (p.ticker, p.qty)));
        let ours = self.our_positions();
        let report = self.tracker.reconcile(None, &orders, &exchange, &ours, started_ms);
        let cancels = report.to_cancel.len();
        self.send_all(report.to_cancel);
        for drift in &report.drift {
            self.log("warn", format!("position drift: {drift:?}"));
        }
        self.emit(EngineEvent::Reconciled {
            adopted: report.adopted.len(),
            vanished: report.vanished.len(),
            drift: report.drift.len(),
            halted: report.halt,
        });
        if cancels > 0 {
            self.log("info", format!("reconciliation canceled {cancels} leftover orders"));
        }
        if report.halt {
            self.kill("positions differ from the exchange's (confirmed twice)");
        }
    }

    /// Reads one market's REST book (round robin) to audit the live book.
    pub(super) fn start_audit(&mut self) {
        let tickers = self.tickers();
        if tickers.is_empty() {
            return;
        }
        let ticker = tickers[self.audit_cursor % tickers.len()].clone();
        self.audit_cursor = self.audit_cursor.wrapping_add(1);
        if self.books.live_book(&ticker).is_none() {
            return;
        }
        let (venue, io) = (self.venue.clone(), self.io_tx.clone());
        tokio::spawn(async move {
            let book = venue.orderbook(&ticker).await;
            let _ = io.send(IoResult::Audit { ticker, book }).await;
        });
    }

    /// Fetches fills since shortly before the last one we saw (after a reconnect).
    pub(super) fn start_backfill(&self) {
        let since = self.last_fill_ms.map_or(self.now() / 1_000 - RECENT_ORDERS_S, |ms| ms / 1_000 - BACKFILL_MARGIN_S);
        let (venue, io) = (self.venue.clone(), self.io_tx.clone());
        tokio::spawn(async move {
            let fills = venue.fills_since(since).await;
            let _ = io.send(IoResult::Backfill(fills)).await;
        });
    }

    /// Stops quoting and cancels until the exchange shows none of our orders, then compares
    /// positions. Runs on the engine task: replies are awaited in place.
    pub(super) async fn shutdown_sweep(&mut self) -> ShutdownReport {
        self.quoting = false;
        self.emit(EngineEvent::QuotingChanged { active: false });
        // Unknown until one read of the exchange succeeds.
        let mut resting_left: Option<usize> = None;
        for round in 0..SHUTDOWN_ROUNDS {
            let cancels = self.tracker.cancel_all_actions();
            for action in cancels {
                self.cancel_now(action).await;
            }
            match self.venue.open_orders(None).await {
                Ok(orders) => {
                    let ours: Vec<_> = orders
                        .iter()
                        .filter(|o| o.client_order_id.as_ref().is_some_and(|c| self.tracker.is_ours(c)))
                        .collect();
                    resting_left = Some(ours.len());
                    if ours.is_empty() {
                        break;
                    }
                    for order in ours {
                        if let Err(e) = self.venue.cancel(&order.order_id).await {
                            self.log("warn", format!("shutdown cancel of {} failed: {e}", order.order_id));
                        }
                    }
                }
                Err(e) => self.log("warn", format!("shutdown: open orders unreadable (round {round}): {e}")),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        match self.venue.fills_since(self.fills_synced_ms / 1_000 - BACKFILL_MARGIN_S).await {
            Ok(fills) => self.apply_backfill(fills),
            Err(e) => self.log("warn", format!("shutdown: fills unreadable: {e}")),
        }
        let positions_match = match self.venue.positions().await {
            Ok(positions) => net(positions.into_iter().map(|p| (p.ticker, p.qty))) == self.our_positions(),
            Err(_) => false,
        };
        ShutdownReport {
            confirmed_flat: resting_left == Some(0),
            resting_left,
            positions_match,
            status: Box::new(self.status()),
        }
    }

    /// Sends a cancel and applies its reply before returning.
    async fn cancel_now(&mut self, action: OrderAction) {
        let OrderAction::Cancel { order_id, .. } = &action else { return };
        let now = self.now();
        if self.tracker.on_sent(&action, now).is_err() {
            return;
        }
        let result = self.venue.cancel(order_id).await.map(Reply::Canceled);
        self.on_reply(action, result);
    }
}
