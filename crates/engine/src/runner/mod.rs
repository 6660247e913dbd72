//! The runner: one task owns all engine state and reacts to the WebSocket feed, order
//! replies, timers and front-end commands. The sans-IO core (books, quoting, risk, order
//! tracking, portfolio) does the deciding; this module only moves messages and spawns the
//! HTTP calls, whose results come back to the same task, so nothing is ever shared or locked.

mod config;
mod events;
mod feed;
mod handle;
mod orders;
mod sweep;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use kmm_kalshi::ws::{Channel, SubscriptionId, WsClient, WsConfig, WsEvent};
use kmm_model::{FeeSchedule, MarketTicker, Order, OrderBook, Position, Price, Side};
use tokio::sync::{broadcast, mpsc};

pub use config::{ConfigError, EngineConfig};
pub use events::{BookLevel, BookView, Connection, EngineEvent, EngineStatus, OrderView, ShutdownReport};
pub use handle::{EngineGone, EngineHandle};

use crate::book_sync::BookSync;
use crate::clock::Clock;
use crate::intent::OrderAction;
use crate::oms::{OrderTracker, TrackerConfig, session_tag};
use crate::portfolio::Portfolio;
use crate::quoting::{Quoter, VolatilityEstimator};
use crate::risk::RiskGate;
use crate::venue::{LiveVenue, MarketMeta, VenueError};
use handle::Command;

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The exchange could not be read at startup.
    #[error("exchange: {0}")]
    Venue(#[from] VenueError),
    /// No market could be found to quote.
    #[error("no open market to quote")]
    NoMarkets,
}

/// Per-market state the core modules do not keep.
#[derive(Debug)]
struct MarketState {
    meta: MarketMeta,
    fees: FeeSchedule,
    volatility: VolatilityEstimator,
    last_fill: Option<(Side, i64)>,
    last_trade: Option<Price>,
}

/// Results of spawned I/O, delivered back to the engine task.
#[derive(Debug)]
enum IoResult {
    /// An order action's reply.
    Sent { action: OrderAction, result: Result<orders::Reply, VenueError> },
    /// A reconciliation read.
    Reconcile {
        started_ms: i64,
        fills: Result<Vec<kmm_model::Fill>, VenueError>,
        orders: Result<Vec<Order>, VenueError>,
        positions: Result<Vec<Position>, VenueError>,
    },
    /// Fills fetched after a reconnect.
    Backfill(Result<Vec<kmm_model::Fill>, VenueError>),
    /// A REST book for the audit.
    Audit { ticker: MarketTicker, book: Result<OrderBook, VenueError> },
    /// A market to start following.
    MarketAdded(MarketMeta),
}

/// The engine task's state.
struct Engine {
    config: EngineConfig,
    clock: Arc<dyn Clock>,
    venue: LiveVenue,
    ws: WsClient,
    book_sub: Option<SubscriptionId>,
    books: BookSync,
    quoter: Quoter,
    risk: RiskGate,
    tracker: OrderTracker,
    portfolio: Portfolio,
    markets: BTreeMap<MarketTicker, MarketState>,
    quoting: bool,
    connection: Connection,
    was_disconnected: bool,
    last_fill_ms: Option<i64>,
    /// Every fill before this time (Unix ms) has been read over REST: the next read starts
    /// just before it, so a fill frame lost on the feed is always recovered.
    fills_synced_ms: i64,
    fills: u64,
    audit_cursor: usize,
    events: broadcast::Sender<EngineEvent>,
    io_tx: mpsc::Sender<IoResult>,
}

/// Starts an engine against `venue` and the WebSocket described by `ws_config`: picks the
/// markets, sweeps leftover orders, subscribes, and returns a handle. Quoting starts at once
/// when `config.autostart` is set.
pub async fn spawn(
    config: EngineConfig,
    venue: LiveVenue,
    ws_config: WsConfig,
    clock: Arc<dyn Clock>,
) -> Result<EngineHandle, StartError> {
    config.validate()?;
    let quoter = Quoter::new(config.quote.clone()).map_err(|errors| {
        ConfigError::Invalid(
            errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "),
        )
    })?;
    let risk = RiskGate::new(config.risk.clone()).map_err(|e| ConfigError::Invalid(e.to_string()))?;
    let now = clock.now_ms();
    let mut tracker_config = TrackerConfig::new(config.client_id_prefix.clone(), session_tag(now, rand_nonce()));
    tracker_config.leftover = config.leftover;
    let tracker = OrderTracker::new(tracker_config).map_err(|e| ConfigError::Invalid(e.to_string()))?;

    let metas = pick_markets(&venue, &config).await?;
    let (ws, ws_events) = WsClient::spawn(ws_config);
    let (events, _) = broadcast::channel(4_096);
    let (io_tx, io_rx) = mpsc::channel(1_024);
    let (commands, command_rx) = mpsc::channel(64);

    let mut engine = Engine {
        books: BookSync::new(config.risk.stale_book_ms),
        quoting: false,
        config,
        clock,
        venue,
        ws,
        book_sub: None,
        quoter,
        risk,
        tracker,
        portfolio: Portfolio::new(),
        markets: BTreeMap::new(),
        connection: Connection::Connecting,
        was_disconnected: false,
        last_fill_ms: None,
        fills_synced_ms: now,
        fills: 0,
        audit_cursor: 0,
        events: events.clone(),
        io_tx,
    };
    for meta in metas {
        engine.track_market(meta);
    }
    engine.startup_sweep().await;
    engine.subscribe().await;
    let handle = EngineHandle { commands, events };
    tokio::spawn(engine.run(ws_events, io_rx, command_rx));
    Ok(handle)
}

/// A per-process nonce for the session tag, so two sessions in the same millisecond differ.
fn rand_nonce() -> u64 {
    u64::from(std::process::id()) ^ (rand_seed() << 20)
}

fn rand_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u8(0);
    hasher.finish() & 0xFFFF_FFFF
}

/// The configured markets, or the open markets with the widest spreads.
async fn pick_markets(venue: &LiveVenue, config: &EngineConfig) -> Result<Vec<MarketMeta>, StartError> {
    if !config.markets.is_empty() {
        let mut metas = Vec::new();
        for ticker in &config.markets {
            metas.push(venue.market(ticker).await?);
        }
        return Ok(metas);
    }
    let mut open = venue.open_markets().await?;
    open.sort_by_key(|m| std::cmp::Reverse(m.spread.map_or(0, Price::units)));
    open.truncate(config.auto_markets);
    if open.is_empty() {
        return Err(StartError::NoMarkets);
    }
    Ok(open)
}

impl Engine {
    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    fn emit(&self, event: EngineEvent) {
        // No subscriber is fine: front ends come and go.
        let _ = self.events.send(event);
    }

    fn log(&self, level: &str, message: String) {
        match level {
            "error" => tracing::error!("{message}"),
            "warn" => tracing::warn!("{message}"),
            _ => tracing::info!("{message}"),
        }
        self.emit(EngineEvent::Log { level: level.to_owned(), message });
    }

    fn track_market(&mut self, meta: MarketMeta) {
        self.books.add_market(meta.ticker.clone());
        let volatility = VolatilityEstimator::from_params(&self.config.quote);
        self.markets.insert(
            meta.ticker.clone(),
            MarketState { meta, fees: FeeSchedule::default(), volatility, last_fill: None, last_trade: None },
        );
    }

    fn tickers(&self) -> Vec<MarketTicker> {
        self.markets.keys().cloned().collect()
    }

    /// Subscribes the order books of every market and our private fills.
    async fn subscribe(&mut self) {
        let tickers = self.tickers();
        match self.ws.subscribe(Channel::OrderbookDelta, tickers).await {
            Ok(subscription) => self.book_sub = Some(subscription.id),
            Err(e) => self.log("error", format!("order book subscription failed: {e}")),
        }
        if let Err(e) = self.ws.subscribe(Channel::Fill, Vec::new()).await {
            self.log("error", format!("fill subscription failed: {e}"));
        }
    }

    async fn run(
        mut self,
        mut ws_events: mpsc::Receiver<WsEvent>,
        mut io_rx: mpsc::Receiver<IoResult>,
        mut commands: mpsc::Receiver<Command>,
    ) {
        self.emit(EngineEvent::Started { markets: self.tickers() });
        if self.config.autostart {
            self.set_quoting(true);
        }
        let mut decide = tokio::time::interval(Duration::from_millis(self.config.decide_interval_ms));
        let mut reconcile = tokio::time::interval(Duration::from_millis(self.config.reconcile_interval_ms));
        let mut audit = tokio::time::interval(Duration::from_millis(self.config.audit_interval_ms));
        for timer in [&mut decide, &mut reconcile, &mut audit] {
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        }
        reconcile.reset();
        audit.reset();
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(Command::Shutdown(reply)) => {
                        let report = self.shutdown_sweep().await;
                        self.emit(EngineEvent::Stopped(report.clone()));
                        let _ = reply.send(report);
                        break;
                    }
                    Some(command) => self.on_command(command),
                    None => {
                        // Every handle is gone: leave nothing resting.
                        let report = self.shutdown_sweep().await;
                        self.emit(EngineEvent::Stopped(report));
                        break;
                    }
                },
                Some(event) = ws_events.recv() => self.on_ws_event(event),
                Some(result) = io_rx.recv() => self.on_io(result),
                _ = decide.tick() => self.on_tick(),
                _ = reconcile.tick() => self.start_reconcile(),
                _ = audit.tick() => self.start_audit(),
            }
        }
        let _ = self.ws.close().await;
    }

    fn on_command(&mut self, command: Command) {
        let now = self.now();
        match command {
            Command::SetQuoting(on) => self.set_quoting(on),
            Command::Kill { reason, reply } => {
                let cancels = self.kill(&reason);
                let _ = reply.send(cancels);
            }
            Command::Reset { by, reply } => {
                let result = self.risk.reset(&crate::risk::Scope::Global, &by).map_err(|e| e.to_string());
                if let Ok(true) = result {
                    self.emit(EngineEvent::RiskStateChanged {
                        ticker: None,
                        state: self.risk.scope_state(&crate::risk::Scope::Global, now),
                        reason: format!("kill switch reset by {by}"),
                    });
                }
                let _ = reply.send(result);
            }
            Command::AddMarket { ticker, reply } => {
                if self.markets.contains_key(&ticker) {
                    let _ = reply.send(Err(format!("{ticker} is already followed")));
                } else {
                    let (venue, io) = (self.venue.clone(), self.io_tx.clone());
                    tokio::spawn(async move {
                        let result = venue.market(&ticker).await;
                        let _ = reply.send(result.as_ref().map(|_| ()).map_err(ToString::to_string));
                        if let Ok(meta) = result {
                            let _ = io.send(IoResult::MarketAdded(meta)).await;
                        }
                    });
                }
            }
            Command::RemoveMarket(ticker) => {
                let cancels = self.tracker.cancel_actions_in(&ticker);
                self.send_all(cancels);
                self.markets.remove(&ticker);
                self.books.remove_market(&ticker);
                if let Some(sub) = self.book_sub {
                    let ws = self.ws.clone();
                    tokio::spawn(async move {
                        let _ = ws.remove_markets(sub, vec![ticker]).await;
                    });
                }
            }
            Command::SetQuoteParams { params, reply } => {
                let result = Quoter::new(*params.clone())
                    .map(|quoter| {
                        self.quoter = quoter;
                        self.config.quote = *params;
                    })
                    .map_err(|errors| {
                        errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
                    });
                let _ = reply.send(result);
            }
            Command::SetLimits { limits, reply } => {
                let result = self
                    .risk
                    .set_limits(*limits.clone())
                    .map(|()| self.config.risk = *limits)
                    .map_err(|e| e.to_string());
                let _ = reply.send(result);
            }
            Command::Status(reply) => {
                let _ = reply.send(self.status());
            }
            Command::Shutdown(_) => {}
        }
    }

    fn set_quoting(&mut self, on: bool) {
        if self.quoting == on {
            return;
        }
        self.quoting = on;
        if !on {
            let cancels = self.tracker.cancel_all_actions();
            self.send_all(cancels);
        }
        self.emit(EngineEvent::QuotingChanged { active: on });
    }

    fn kill(&mut self, reason: &str) -> usize {
        let now = self.now();
        let cancels = self.risk.kill(&crate::risk::Scope::Global, reason, now, &self.tracker);
        let count = cancels.len();
        self.send_all(cancels);
        self.log("warn", format!("kill switch engaged: {reason} ({count} cancels)"));
        self.emit(EngineEvent::KillSwitch { reason: reason.to_owned(), cancels: count });
        self.emit(EngineEvent::RiskStateChanged {
            ticker: None,
            state: crate::risk::TradingState::Halted,
            reason: reason.to_owned(),
        });
        count
    }

    fn marks(&self) -> impl Fn(&MarketTicker) -> Option<Price> + '_ {
        move |ticker| {
            let book = self.books.market(ticker).map(|m| m.book());
            let last = self.markets.get(ticker).and_then(|m| m.last_trade);
            book.and_then(|b| crate::portfolio::mark_price(b, last)).or(last)
        }
    }

    fn status(&self) -> EngineStatus {
        let now = self.now();
        let portfolio = self.portfolio_snapshot();
        EngineStatus {
            markets: self.tickers(),
            quoting: self.quoting,
            state: self.risk.scope_state(&crate::risk::Scope::Global, now),
            connection: self.connection,
            orders: self.tracker.all_live().map(orders::view).collect(),
            fills: self.fills,
            fees: portfolio.fees,
            denials: self.risk.denials().values().sum(),
            tops: self
                .tickers()
                .into_iter()
                .map(|t| {
                    let (bid, ask) = self.books.top(&t).unwrap_or((None, None));
                    (t, bid, ask)
                })
                .collect(),
            portfolio,
        }
    }
}
