//! Typed UI events and the one bridge task that turns the engine's broadcast into them.
//!
//! The bridge subscribes to the current engine's events, keeps the latest book per market and
//! flushes them on a 50 ms tick (so each market's book reaches the UI at most 20 times a
//! second), sends a dashboard snapshot four times a second, forwards fills, log lines and the
//! kill switch, feeds the notifier and the tray, and keeps the ring buffers the commands read.
//! When it falls behind the broadcast (`Lagged`) it skips to the newest events: the next
//! snapshot and book updates are complete, so nothing stale is shown.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kmm_engine::risk::TradingState;
use kmm_engine::runner::{BookView, EngineEvent, EngineHandle};
use serde::Serialize;
use specta::Type;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::mpsc;

use crate::convert;
use crate::dto::{BookDto, DashboardDto, Environment, FillDto, LogDto, PnlPoint};
use crate::feed::now_ms;
use crate::notify::{Notice, Notifier};
use crate::state::Core;
use crate::tray::TrayStatus;

/// The dashboard snapshot, at most 4 times a second.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct DashboardEvent(pub DashboardDto);

/// A market's book, coalesced to the latest, at most 20 times a second per market.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct BookEvent(pub BookDto);

/// One of our fills.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct FillEvent(pub FillDto);

/// A log line.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct LogEvent(pub LogDto);

/// The kill switch was engaged.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct KillSwitchEvent {
    /// Why.
    pub reason: String,
    /// Cancels sent.
    pub cancels: u32,
}

/// Where the bridge's output goes: the app's window, tray and notifications, or a test.
pub trait UiSink: Send + Sync + 'static {
    /// A dashboard snapshot.
    fn dashboard(&self, dashboard: &DashboardDto);
    /// A coalesced book.
    fn book(&self, book: &BookDto);
    /// A fill.
    fn fill(&self, fill: &FillDto);
    /// A log line.
    fn log(&self, log: &LogDto);
    /// The kill switch was engaged.
    fn kill_switch(&self, event: &KillSwitchEvent);
    /// The tray's state changed.
    fn tray(&self, status: &TrayStatus);
    /// A notification to show.
    fn notify(&self, notice: &Notice);
}

/// A sink that drops everything (before the app is up).
#[derive(Debug, Default)]
pub struct NullSink;

impl UiSink for NullSink {
    fn dashboard(&self, _: &DashboardDto) {}
    fn book(&self, _: &BookDto) {}
    fn fill(&self, _: &FillDto) {}
    fn log(&self, _: &LogDto) {}
    fn kill_switch(&self, _: &KillSwitchEvent) {}
    fn tray(&self, _: &TrayStatus) {}
    fn notify(&self, _: &Notice) {}
}

/// How often coalesced books are flushed (and so the fastest a market's book is sent).
pub const BOOK_INTERVAL: Duration = Duration::from_millis(50);
/// Flush ticks per dashboard snapshot (4 Hz).
const DASHBOARD_EVERY: u64 = 5;
/// Flush ticks per P&L sample (1 Hz).
const PNL_EVERY: u64 = 20;

/// Keeps the latest book per market and releases each market at most once per interval.
#[derive(Debug)]
pub struct BookCoalescer {
    interval: Duration,
    pending: BTreeMap<String, BookView>,
    last_sent: HashMap<String, Instant>,
}

impl BookCoalescer {
    /// A coalescer releasing each market at most once per `interval`.
    pub fn new(interval: Duration) -> Self {
        Self { interval, pending: BTreeMap::new(), last_sent: HashMap::new() }
    }

    /// Remembers `view` as the latest book of its market (replacing an unsent one).
    pub fn push(&mut self, view: BookView) {
        self.pending.insert(view.ticker.as_str().to_owned(), view);
    }

    /// The latest pending book of every market whose interval has passed.
    pub fn flush(&mut self, now: Instant) -> Vec<BookView> {
        let due: Vec<String> = self
            .pending
            .keys()
            .filter(|t| self.last_sent.get(*t).is_none_or(|last| now.saturating_duration_since(*last) >= self.interval))
            .cloned()
            .collect();
        due.into_iter()
            .filter_map(|ticker| {
                let view = self.pending.remove(&ticker)?;
                self.last_sent.insert(ticker, now);
                Some(view)
            })
            .collect()
    }

    /// Forgets everything (a new session).
    pub fn clear(&mut self) {
        self.pending.clear();
        self.last_sent.clear();
    }
}

/// A running engine as the bridge sees it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// Its environment.
    pub environment: Environment,
    /// The engine.
    pub handle: EngineHandle,
    /// When it started.
    pub started: Instant,
}

/// What the bridge is told besides engine events.
#[derive(Debug)]
pub enum BridgeInput {
    /// A new engine (with a receiver subscribed right after it started), or none.
    Session(Option<(SessionInfo, broadcast::Receiver<EngineEvent>)>),
}

/// The bridge task's state.
struct Bridge {
    core: Arc<Core>,
    session: Option<SessionInfo>,
    events: Option<broadcast::Receiver<EngineEvent>>,
    books: BookCoalescer,
    notifier: Notifier,
    tray: Option<TrayStatus>,
    last_kill_reason: Option<String>,
}

async fn next_event(events: &mut Option<broadcast::Receiver<EngineEvent>>) -> Result<EngineEvent, RecvError> {
    match events {
        Some(events) => events.recv().await,
        None => std::future::pending().await,
    }
}

/// Runs the bridge until `inputs` closes.
pub async fn run_bridge(core: Arc<Core>, mut inputs: mpsc::UnboundedReceiver<BridgeInput>) {
    let notifier = Notifier::new(core.notifications_enabled());
    let mut bridge = Bridge {
        core,
        session: None,
        events: None,
        books: BookCoalescer::new(BOOK_INTERVAL),
        notifier,
        tray: None,
        last_kill_reason: None,
    };
    let mut tick = tokio::time::interval(BOOK_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut ticks: u64 = 0;
    loop {
        tokio::select! {
            input = inputs.recv() => match input {
                Some(BridgeInput::Session(next)) => bridge.on_session(next),
                None => break,
            },
            event = next_event(&mut bridge.events) => match event {
                Ok(event) => bridge.on_event(event),
                Err(RecvError::Lagged(skipped)) => {
                    // Skip to the newest: books and the next snapshot are complete in themselves.
                    bridge.events = bridge.events.as_ref().map(broadcast::Receiver::resubscribe);
                    tracing::warn!(skipped, "event bridge fell behind; skipped to the latest events");
                }
                Err(RecvError::Closed) => bridge.events = None,
            },
            at = tick.tick() => {
                ticks += 1;
                bridge.on_tick(at.into_std(), ticks).await;
            }
        }
    }
}

impl Bridge {
    fn sink(&self) -> Arc<dyn UiSink> {
        self.core.sink()
    }

    fn on_session(&mut self, next: Option<(SessionInfo, broadcast::Receiver<EngineEvent>)>) {
        self.books.clear();
        self.last_kill_reason = None;
        match next {
            Some((session, events)) => {
                self.session = Some(session);
                self.events = Some(events);
            }
            None => {
                self.session = None;
                self.events = None;
            }
        }
    }

    fn log(&self, level: &str, message: String) {
        self.core.log(level, message);
    }

    fn show(&self, notice: Option<Notice>) {
        if let Some(notice) = notice {
            self.sink().notify(&notice);
        }
    }

    fn on_event(&mut self, event: EngineEvent) {
        let now = Instant::now();
        let feed = self.core.feed();
        match event {
            EngineEvent::BookUpdated(view) => {
                feed.book_updated(&view, now);
                self.books.push(view);
            }
            EngineEvent::OrderChanged(order) => feed.order_changed(order),
            EngineEvent::Filled(fill) => {
                let dto = convert::fill_dto(&fill);
                feed.push_fill(dto.clone());
                self.sink().fill(&dto);
                self.notifier.on_fill(dto, now);
            }
            EngineEvent::KillSwitch { reason, cancels } => {
                let cancels = u32::try_from(cancels).unwrap_or(u32::MAX);
                self.sink().kill_switch(&KillSwitchEvent { reason: reason.clone(), cancels });
                let notice = self.notifier.on_kill_switch(&reason, cancels, now);
                self.show(notice);
                self.last_kill_reason = Some(reason);
            }
            EngineEvent::RiskStateChanged { ticker, state, reason } => match ticker {
                Some(ticker) => {
                    feed.lock().markets.states.insert(ticker.as_str().to_owned(), state);
                }
                None => {
                    let from_kill = self.last_kill_reason.as_deref() == Some(reason.as_str());
                    if state == TradingState::Halted && !from_kill {
                        let notice = self.notifier.on_risk_halt(&reason, now);
                        self.show(notice);
                    }
                    if state == TradingState::Active {
                        self.last_kill_reason = None;
                    }
                    feed.lock().reason = Some(reason);
                }
            },
            EngineEvent::ConnectionChanged { connection, reason } => {
                let notice = self.notifier.on_connection(connection.into(), reason.as_deref(), now);
                self.show(notice);
            }
            EngineEvent::Log { level, message } => self.log(&level, message),
            EngineEvent::OrderError { ticker, message } => self.log("warn", format!("{ticker}: {message}")),
            EngineEvent::Started { markets } => self.log("info", format!("engine following {} markets", markets.len())),
            EngineEvent::QuotingChanged { active } => {
                self.log("info", if active { "quoting started" } else { "quoting stopped" }.to_owned());
            }
            EngineEvent::Reconciled { adopted, vanished, drift, halted } => {
                if adopted + vanished + drift > 0 || halted {
                    self.log(
                        if halted { "error" } else { "warn" },
                        format!("reconciled: {adopted} adopted, {vanished} vanished, {drift} positions drifted"),
                    );
                }
            }
            EngineEvent::Stopped(report) => self.log(
                if report.confirmed_flat { "info" } else { "error" },
                format!(
                    "engine stopped: {} (resting orders left: {})",
                    if report.confirmed_flat { "no orders left on the exchange" } else { "NOT confirmed flat" },
                    report.resting_left.map_or("unknown".to_owned(), |n| n.to_string())
                ),
            ),
            EngineEvent::PortfolioChanged(_) | EngineEvent::Denied { .. } => {}
        }
    }

    async fn on_tick(&mut self, now: Instant, ticks: u64) {
        let sink = self.sink();
        let due = self.books.flush(now);
        if !due.is_empty() {
            let feed = self.core.feed();
            let books: Vec<BookDto> = {
                let state = feed.lock();
                due.iter().map(|view| convert::book_dto(view, state.orders.values())).collect()
            };
            for book in &books {
                sink.book(book);
            }
        }
        self.notifier.set_enabled(self.core.notifications_enabled());
        let notice = self.notifier.poll(now);
        self.show(notice);
        if !ticks.is_multiple_of(DASHBOARD_EVERY) {
            return;
        }
        let Some(session) = self.session.clone() else {
            self.set_tray(TrayStatus::stopped());
            return;
        };
        let Ok(status) = session.handle.status().await else {
            self.set_tray(TrayStatus::stopped());
            return;
        };
        self.core.feed().set_orders(&status.orders);
        let dashboard = self.core.dashboard_from(&status, &session);
        sink.dashboard(&dashboard);
        self.set_tray(TrayStatus::from_dashboard(&dashboard));
        if ticks.is_multiple_of(PNL_EVERY) {
            self.core.feed().push_pnl(PnlPoint { ts_ms: now_ms(), net: dashboard.net_pnl.clone() });
        }
    }

    fn set_tray(&mut self, status: TrayStatus) {
        if self.tray.as_ref() != Some(&status) {
            self.sink().tray(&status);
            self.tray = Some(status);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use kmm_engine::runner::BookLevel;
    use kmm_model::{MarketTicker, Price, Qty};

    use super::*;

    fn view(ticker: &str, size: i64) -> BookView {
        BookView {
            ticker: MarketTicker::new(ticker),
            bids: vec![BookLevel { price: Price::from_cents(40).unwrap(), size: Qty::from_contracts(size).unwrap() }],
            asks: Vec::new(),
            live: true,
        }
    }

    fn sizes(books: &[BookView]) -> Vec<(String, i64)> {
        books.iter().map(|b| (b.ticker.as_str().to_owned(), b.bids[0].size.units() / 100)).collect()
    }

    #[test]
    fn coalescing_keeps_the_latest_book_per_market() {
        let t0 = Instant::now();
        let mut c = BookCoalescer::new(BOOK_INTERVAL);
        for size in 1..=100 {
            c.push(view("KXA", size));
            c.push(view("KXB", 1_000 + size));
        }
        let sent = c.flush(t0);
        assert_eq!(sizes(&sent), [("KXA".into(), 100), ("KXB".into(), 1_100)], "one book per market, the latest");
        assert!(c.flush(t0 + Duration::from_millis(10)).is_empty(), "nothing new, nothing sent");
    }

    #[test]
    fn coalescing_respects_the_rate_per_market() {
        let t0 = Instant::now();
        let mut c = BookCoalescer::new(BOOK_INTERVAL);
        c.push(view("KXA", 1));
        assert_eq!(c.flush(t0).len(), 1);
        c.push(view("KXA", 2));
        c.push(view("KXB", 7));
        let early = c.flush(t0 + Duration::from_millis(20));
        assert_eq!(sizes(&early), [("KXB".into(), 7)], "KXA waits for its 50 ms; KXB was never sent");
        c.push(view("KXA", 3));
        let later = c.flush(t0 + BOOK_INTERVAL);
        assert_eq!(sizes(&later), [("KXA".into(), 3)], "after the interval the latest KXA book goes out");

        // Over one simulated second of updates every 5 ms, a market is sent at most 20 times.
        let mut sent = 0;
        for ms in (100..1_100).step_by(5) {
            c.push(view("KXA", ms));
            sent += c.flush(t0 + Duration::from_millis(u64::try_from(ms).unwrap())).len();
        }
        assert!(sent <= 20, "at most 20 books per second per market, got {sent}");
        assert!(sent >= 19, "but the rate is used, got {sent}");
    }
}
