//! What the event bridge remembers for the commands: recent fills, log lines and the P&L
//! history (bounded ring buffers), the latest book and live orders per market, titles and
//! per-market risk states. Behind a std mutex that is only held for plain reads and writes,
//! never across an `.await`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use kmm_engine::runner::{BookView, OrderView};

use crate::convert::{self, MarketContext};
use crate::dto::{BookDto, FillDto, LogDto, PnlPoint};

/// Fills kept for `fills()`.
pub const MAX_FILLS: usize = 500;
/// Log lines kept for `logs()`.
pub const MAX_LOGS: usize = 1_000;
/// P&L points kept for `pnl_history()` (one a second: an hour).
pub const MAX_PNL_POINTS: usize = 3_600;

/// The bridge's memory.
#[derive(Debug, Default)]
pub struct FeedState {
    /// Recent fills, newest first.
    pub fills: VecDeque<FillDto>,
    /// Recent log lines, newest first.
    pub logs: VecDeque<LogDto>,
    /// Net P&L samples, oldest first.
    pub pnl: VecDeque<PnlPoint>,
    /// The latest book of each market.
    pub books: BTreeMap<String, BookView>,
    /// Our live orders by client order id.
    pub orders: BTreeMap<String, OrderView>,
    /// Titles, live flags and market states for the market rows.
    pub markets: MarketContext,
    /// The latest global risk reason.
    pub reason: Option<String>,
    /// When the last book update arrived.
    pub last_book: Option<Instant>,
}

/// Shared, bounded memory of the current session.
#[derive(Debug, Default)]
pub struct Feed {
    state: Mutex<FeedState>,
}

/// Now as Unix milliseconds (exact in an f64).
pub fn now_ms() -> f64 {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    // Unix ms stay below 2^53 for the next 285 000 years.
    #[allow(clippy::cast_precision_loss)]
    let ms = ms as f64;
    ms
}

fn push_bounded<T>(ring: &mut VecDeque<T>, item: T, max: usize, newest_first: bool) {
    if newest_first {
        ring.push_front(item);
        ring.truncate(max);
    } else {
        ring.push_back(item);
        while ring.len() > max {
            ring.pop_front();
        }
    }
}

impl Feed {
    /// The state, for a short read or write (a poisoned lock is recovered: the data is plain).
    pub fn lock(&self) -> MutexGuard<'_, FeedState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets everything of the previous session except the log.
    pub fn new_session(&self) {
        let mut state = self.lock();
        let logs = std::mem::take(&mut state.logs);
        *state = FeedState { logs, ..FeedState::default() };
    }

    /// Records a fill.
    pub fn push_fill(&self, fill: FillDto) {
        push_bounded(&mut self.lock().fills, fill, MAX_FILLS, true);
    }

    /// Records a log line.
    pub fn push_log(&self, log: LogDto) {
        push_bounded(&mut self.lock().logs, log, MAX_LOGS, true);
    }

    /// Records a P&L sample.
    pub fn push_pnl(&self, point: PnlPoint) {
        push_bounded(&mut self.lock().pnl, point, MAX_PNL_POINTS, false);
    }

    /// Recent fills, newest first.
    pub fn fills(&self) -> Vec<FillDto> {
        self.lock().fills.iter().cloned().collect()
    }

    /// Recent log lines, newest first.
    pub fn logs(&self) -> Vec<LogDto> {
        self.lock().logs.iter().cloned().collect()
    }

    /// The P&L history, oldest first.
    pub fn pnl(&self) -> Vec<PnlPoint> {
        self.lock().pnl.iter().cloned().collect()
    }

    /// The latest book of `ticker` with our own sizes, if one arrived.
    pub fn book(&self, ticker: &str) -> Option<BookDto> {
        let state = self.lock();
        state.books.get(ticker).map(|view| convert::book_dto(view, state.orders.values()))
    }

    /// Records an order change (orders that can no longer rest are forgotten).
    pub fn order_changed(&self, order: OrderView) {
        let mut state = self.lock();
        let key = order.client_order_id.as_str().to_owned();
        if convert::is_done(&order) {
            state.orders.remove(&key);
        } else {
            state.orders.insert(key, order);
        }
    }

    /// Replaces the live orders with the engine's own list (from a status snapshot).
    pub fn set_orders(&self, orders: &[OrderView]) {
        self.lock().orders = orders
            .iter()
            .filter(|o| !convert::is_done(o))
            .map(|o| (o.client_order_id.as_str().to_owned(), o.clone()))
            .collect();
    }

    /// Records a book update.
    pub fn book_updated(&self, view: &BookView, now: Instant) {
        let mut state = self.lock();
        let ticker = view.ticker.as_str().to_owned();
        state.markets.live.insert(ticker.clone(), view.live);
        state.books.insert(ticker, view.clone());
        state.last_book = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(i: usize) -> LogDto {
        LogDto { ts_ms: 0.0, level: "info".into(), message: format!("line {i}") }
    }

    #[test]
    fn rings_are_bounded_and_ordered() {
        let feed = Feed::default();
        for i in 0..MAX_LOGS + 10 {
            feed.push_log(log(i));
        }
        let logs = feed.logs();
        assert_eq!(logs.len(), MAX_LOGS, "the log keeps at most MAX_LOGS lines");
        assert_eq!(logs[0].message, format!("line {}", MAX_LOGS + 9), "newest first");
        for i in 0..MAX_PNL_POINTS + 5 {
            #[allow(clippy::cast_precision_loss)]
            feed.push_pnl(PnlPoint { ts_ms: i as f64, net: "0.000000".into() });
        }
        let pnl = feed.pnl();
        assert_eq!(pnl.len(), MAX_PNL_POINTS);
        assert!(pnl[0].ts_ms < pnl[1].ts_ms, "the chart's points are oldest first");
        feed.new_session();
        assert!(feed.pnl().is_empty(), "a new session starts a new P&L history");
        assert_eq!(feed.logs().len(), MAX_LOGS, "the log survives a session change");
    }
}
