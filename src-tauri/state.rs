//! The app's state ([`Core`], managed by Tauri as `Arc<Core>`): the current engine session,
//! the settings, the keychain and the bridge's memory. Every command, the tray and the global
//! shortcut call the methods here, so the UI's kill switch and the tray's are one function.
//! Locks are only held to clone a handle out, never across an engine call.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock as StdRwLock};
use std::time::Duration;

use kmm_engine::quoting::QuoteParams;
use kmm_engine::risk::RiskLimits;
use kmm_engine::runner::{EngineHandle, EngineStatus, ShutdownReport};
use kmm_engine::venue::LiveVenue;
use kmm_model::MarketTicker;
use kmm_secrets::{KeyStore, SecretsError};
use kmm_sim::server::app::SimServer;
use tokio::sync::{OnceCell, RwLock, mpsc};

use crate::convert::{self, DashboardContext};
use crate::dto::{AppInfo, BookDto, DashboardDto, Environment, LogDto, SettingsDto};
use crate::error::{FieldError, IpcError};
use crate::events::{BridgeInput, NullSink, SessionInfo, UiSink};
use crate::feed::{Feed, now_ms};
use crate::session::{self, StartFailed, Started};
use crate::settings::{self, SettingsFile, StoredSettings};

/// How long the shutdown sweep may take before the app gives up waiting.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(20);

/// The running engine and what belongs to it.
struct Session {
    info: SessionInfo,
    venue: LiveVenue,
    sim: Option<SimServer>,
}

/// The settings and the engine parameters parsed from them.
struct Current {
    /// The running session's environment.
    running: Option<Environment>,
    stored: StoredSettings,
    quote: QuoteParams,
    risk: RiskLimits,
}

/// The desktop app's state.
pub struct Core {
    pub(crate) keystore: KeyStore,
    file: SettingsFile,
    current: Mutex<Current>,
    session: RwLock<Option<Session>>,
    /// Serialises startup, environment switches and shutdown.
    lifecycle: tokio::sync::Mutex<()>,
    feed: Arc<Feed>,
    sink: StdRwLock<Arc<dyn UiSink>>,
    bridge: mpsc::UnboundedSender<BridgeInput>,
    shut_down: AtomicBool,
    shutdown_report: OnceCell<Option<ShutdownReport>>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core").field("keystore", &self.keystore).field("file", &self.file).finish_non_exhaustive()
    }
}

fn not_running<E>(_: E) -> IpcError {
    IpcError::NotRunning
}

/// One validation error.
pub fn invalid(field: &str, message: impl Into<String>) -> IpcError {
    IpcError::Validation { fields: vec![FieldError { field: field.to_owned(), message: message.into() }] }
}

impl Core {
    /// A core with its settings loaded from `file`, and the receiver its bridge task reads.
    pub fn new(keystore: KeyStore, file: SettingsFile) -> (Arc<Self>, mpsc::UnboundedReceiver<BridgeInput>) {
        let stored = file.load();
        let (quote, risk) = match settings::parse(&stored.settings, &QuoteParams::default(), &RiskLimits::default()) {
            Ok(parsed) => parsed,
            Err(errors) => {
                tracing::warn!(?errors, "stored settings are invalid; using the defaults");
                (QuoteParams::default(), RiskLimits::default())
            }
        };
        let (bridge, inputs) = mpsc::unbounded_channel();
        let core = Self {
            keystore,
            file,
            current: Mutex::new(Current { running: None, stored, quote, risk }),
            session: RwLock::new(None),
            lifecycle: tokio::sync::Mutex::new(()),
            feed: Arc::new(Feed::default()),
            sink: StdRwLock::new(Arc::new(NullSink)),
            bridge,
            shut_down: AtomicBool::new(false),
            shutdown_report: OnceCell::new(),
        };
        (Arc::new(core), inputs)
    }

    fn current(&self) -> std::sync::MutexGuard<'_, Current> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Where the bridge's output goes from now on.
    pub fn set_sink(&self, sink: Arc<dyn UiSink>) {
        *self.sink.write().unwrap_or_else(PoisonError::into_inner) = sink;
    }

    /// The current output.
    pub fn sink(&self) -> Arc<dyn UiSink> {
        self.sink.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The bridge's memory.
    pub fn feed(&self) -> &Feed {
        &self.feed
    }

    /// Whether notifications are on.
    pub fn notifications_enabled(&self) -> bool {
        self.current().stored.settings.notifications
    }

    /// Records a log line for the logs view and sends it to the UI (no `tracing` line: the
    /// engine's lines are traced where they happen).
    pub fn record_log(&self, level: &str, message: String) {
        let log = LogDto { ts_ms: now_ms(), level: level.to_owned(), message };
        self.sink().log(&log);
        self.feed.push_log(log);
    }

    /// A desktop log line: traced, kept and shown.
    pub fn log(&self, level: &str, message: String) {
        match level {
            "error" => tracing::error!("{message}"),
            "warn" => tracing::warn!("{message}"),
            _ => tracing::info!("{message}"),
        }
        self.record_log(level, message);
    }

    // ---- engine session -------------------------------------------------------------------

    /// The running engine's handle, cloned out of the lock.
    pub async fn handle(&self) -> Result<EngineHandle, IpcError> {
        self.session.read().await.as_ref().map(|s| s.info.handle.clone()).ok_or(IpcError::NotRunning)
    }

    /// The running session as the bridge sees it.
    pub async fn session_info(&self) -> Option<SessionInfo> {
        self.session.read().await.as_ref().map(|s| s.info.clone())
    }

    /// The running session's exchange client.
    pub async fn venue(&self) -> Option<LiveVenue> {
        self.session.read().await.as_ref().map(|s| s.venue.clone())
    }

    /// The environment being traded (the configured one while nothing runs).
    pub fn environment(&self) -> Environment {
        let current = self.current();
        current.running.unwrap_or(current.stored.environment)
    }

    /// The app's version and environment.
    pub fn app_info(&self) -> AppInfo {
        AppInfo { version: env!("CARGO_PKG_VERSION").to_owned(), environment: self.environment() }
    }

    /// Starts the configured environment: demo or production when the keychain has its key,
    /// paper otherwise (and whenever a real exchange cannot be reached).
    pub async fn startup(self: &Arc<Self>) {
        let _guard = self.lifecycle.lock().await;
        let wanted = self.current().stored.environment;
        if wanted != Environment::Paper {
            match self.signer(wanted).await {
                Ok(Some(signer)) => match self.start_live(wanted, signer).await {
                    Ok(()) => return,
                    Err(e) => self.log("error", format!("could not start {wanted:?}: {e}; paper trading instead")),
                },
                Ok(None) => self.log("warn", format!("no {wanted:?} key in the keychain: paper trading instead")),
                Err(e) => self.log("warn", format!("keychain unavailable ({e}): paper trading instead")),
            }
        }
        if let Err(e) = self.start_paper().await {
            self.log("error", format!("paper trading could not start: {e}"));
        }
    }

    /// The keychain's signer for `environment`, read on a blocking thread (the keychain is a
    /// synchronous D-Bus call).
    async fn signer(&self, environment: Environment) -> Result<Option<kmm_kalshi::Signer>, SecretsError> {
        let store = self.keystore.clone();
        tokio::task::spawn_blocking(move || store.signer(environment.into()))
            .await
            .unwrap_or_else(|e| Err(SecretsError::Keychain(e.to_string())))
    }

    async fn start_paper(self: &Arc<Self>) -> Result<(), StartFailed> {
        let (quote, risk) = self.params();
        let started = session::start_paper(&quote, &risk).await?;
        self.install(started).await;
        self.log("info", "paper trading on the built-in simulator (no real money)".to_owned());
        Ok(())
    }

    async fn start_live(
        self: &Arc<Self>,
        environment: Environment,
        signer: kmm_kalshi::Signer,
    ) -> Result<(), StartFailed> {
        let (quote, risk) = self.params();
        let started = session::start_live(environment, signer, &quote, &risk).await?;
        self.install(started).await;
        self.log("warn", format!("connected to Kalshi {environment:?}: press Start quoting to trade"));
        Ok(())
    }

    fn params(&self) -> (QuoteParams, RiskLimits) {
        let current = self.current();
        (current.quote.clone(), current.risk.clone())
    }

    /// Makes `started` the current session and points the bridge at it.
    async fn install(self: &Arc<Self>, started: Started) {
        let Started { info, events, venue, sim } = started;
        self.feed.new_session();
        self.current().running = Some(info.environment);
        let handle = info.handle.clone();
        *self.session.write().await = Some(Session { info: info.clone(), venue: venue.clone(), sim });
        let _ = self.bridge.send(BridgeInput::Session(Some((info, events))));
        // Titles are for display only: fetched in the background.
        let feed = self.feed.clone();
        tokio::spawn(async move {
            if let Ok(status) = handle.status().await {
                let titles = session::titles(&venue, &status.markets).await;
                feed.lock().markets.titles.extend(titles);
            }
        });
    }

    /// Stops the current engine with its verified sweep (stop quoting, cancel until the
    /// exchange confirms none of our orders remain) and the paper simulator, if any.
    async fn stop_session(&self) -> Option<ShutdownReport> {
        let session = self.session.write().await.take()?;
        let _ = self.bridge.send(BridgeInput::Session(None));
        let environment = session.info.environment;
        let report = match tokio::time::timeout(SHUTDOWN_TIMEOUT, session.info.handle.shutdown()).await {
            Ok(Ok(report)) => Some(report),
            Ok(Err(_)) => None,
            Err(_) => {
                self.log(
                    "error",
                    format!("{environment:?}: the shutdown sweep did not finish in {SHUTDOWN_TIMEOUT:?}"),
                );
                None
            }
        };
        match &report {
            Some(r) if r.confirmed_flat => {
                self.log("info", format!("{environment:?}: engine stopped; the exchange confirms no orders left"));
            }
            _ => self.log(
                "error",
                format!("{environment:?}: could not confirm that all our orders were canceled: check the exchange"),
            ),
        }
        if let Some(sim) = session.sim {
            sim.shutdown().await;
        }
        report
    }

    /// Shuts everything down before the app exits. Runs once: concurrent and later calls wait
    /// for that one sweep and get its report.
    pub async fn shutdown(&self) -> Option<ShutdownReport> {
        self.shut_down.store(true, Ordering::SeqCst);
        self.shutdown_report
            .get_or_init(|| async {
                let _guard = self.lifecycle.lock().await;
                self.stop_session().await
            })
            .await
            .clone()
    }

    /// True once [`Core::shutdown`] has started.
    pub fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::SeqCst)
    }

    /// Switches to `environment`: production needs `confirm_production`, demo and production
    /// need a key in the keychain. The current engine is shut down with its verified sweep
    /// first. If the new one cannot start, paper trading starts instead and the error is
    /// returned. The choice is saved on success.
    pub async fn switch_environment(
        self: &Arc<Self>,
        environment: Environment,
        confirm_production: bool,
    ) -> Result<(), IpcError> {
        if environment == Environment::Production && !confirm_production {
            return Err(IpcError::ConfirmationRequired {
                message: "Production trades real money on Kalshi. Confirm to switch.".to_owned(),
            });
        }
        let signer = match environment {
            Environment::Paper => None,
            live => {
                Some(self.signer(live).await.map_err(|e| IpcError::Keychain { message: e.to_string() })?.ok_or_else(
                    || IpcError::Keychain { message: format!("no {live:?} API key in the keychain: import one first") },
                )?)
            }
        };
        let _guard = self.lifecycle.lock().await;
        if self.is_shut_down() {
            return Err(IpcError::NotRunning);
        }
        self.log("info", format!("switching to {environment:?}"));
        self.stop_session().await;
        let result = match signer {
            None => self.start_paper().await,
            Some(signer) => self.start_live(environment, signer).await,
        };
        match result {
            Ok(()) => {
                let stored = {
                    let mut current = self.current();
                    current.stored.environment = environment;
                    current.stored.clone()
                };
                self.persist(&stored)
            }
            Err(e) => {
                self.log("error", format!("could not start {environment:?}: {e}; paper trading instead"));
                if environment != Environment::Paper
                    && let Err(paper) = self.start_paper().await
                {
                    self.log("error", format!("paper trading could not start either: {paper}"));
                }
                Err(IpcError::Engine { message: e.0 })
            }
        }
    }

    fn persist(&self, stored: &StoredSettings) -> Result<(), IpcError> {
        self.file.save(stored).map_err(|e| IpcError::Engine { message: format!("could not save the settings: {e}") })
    }

    // ---- engine actions -------------------------------------------------------------------

    /// Engages the kill switch: halts trading and cancels every order, until a person resets
    /// it. The UI's command, the tray menu and the global shortcut all call this. Returns the
    /// number of cancels sent.
    pub async fn kill_switch(&self, reason: &str) -> Result<u32, IpcError> {
        let reason = match reason.trim() {
            "" => "kill switch",
            reason => reason,
        };
        let handle = self.handle().await?;
        let cancels = handle.kill(reason).await.map_err(not_running)?;
        Ok(u32::try_from(cancels).unwrap_or(u32::MAX))
    }

    /// Releases the kill switch; `by` names the person.
    pub async fn reset_kill_switch(&self, by: &str) -> Result<(), IpcError> {
        if by.trim().is_empty() {
            return Err(invalid("by", "say who resets the kill switch"));
        }
        let handle = self.handle().await?;
        handle.reset(by.trim()).await.map_err(not_running)?.map_err(|message| IpcError::Engine { message })?;
        Ok(())
    }

    /// Starts quoting.
    pub async fn start_quoting(&self) -> Result<(), IpcError> {
        self.handle().await?.start().await.map_err(not_running)
    }

    /// Stops quoting and cancels our orders.
    pub async fn stop_quoting(&self) -> Result<(), IpcError> {
        self.handle().await?.stop().await.map_err(not_running)
    }

    /// Starts following and quoting `ticker`.
    pub async fn add_market(&self, ticker: &str) -> Result<(), IpcError> {
        let ticker = parse_ticker(ticker)?;
        let handle = self.handle().await?;
        handle
            .add_market(ticker.clone())
            .await
            .map_err(not_running)?
            .map_err(|message| IpcError::Engine { message })?;
        if let Some(venue) = self.venue().await {
            let titles = session::titles(&venue, std::slice::from_ref(&ticker)).await;
            self.feed.lock().markets.titles.extend(titles);
        }
        Ok(())
    }

    /// Stops quoting `ticker` (its orders are canceled).
    pub async fn remove_market(&self, ticker: &str) -> Result<(), IpcError> {
        let ticker = parse_ticker(ticker)?;
        self.handle().await?.remove_market(ticker).await.map_err(not_running)
    }

    /// A dashboard snapshot now.
    pub async fn dashboard(&self) -> Result<DashboardDto, IpcError> {
        let session = self.session_info().await.ok_or(IpcError::NotRunning)?;
        let status = session.handle.status().await.map_err(not_running)?;
        Ok(self.dashboard_from(&status, &session))
    }

    /// The dashboard for `status` of `session`, with what the bridge collected.
    pub fn dashboard_from(&self, status: &EngineStatus, session: &SessionInfo) -> DashboardDto {
        let limits = self.current().risk.clone();
        let state = self.feed.lock();
        let context = DashboardContext {
            environment: session.environment,
            limits,
            reason: state.reason.clone(),
            // Milliseconds fit an f64 exactly.
            #[allow(clippy::cast_precision_loss)]
            feed_age_ms: state.last_book.map(|t| t.elapsed().as_millis() as f64),
            uptime_s: session.started.elapsed().as_secs_f64(),
            markets: state.markets.clone(),
        };
        drop(state);
        convert::dashboard(status, &context)
    }

    /// The latest book of `ticker` (empty and not live until one arrives).
    pub async fn book(&self, ticker: &str) -> Result<BookDto, IpcError> {
        let ticker = parse_ticker(ticker)?;
        self.handle().await?;
        Ok(self.feed.book(ticker.as_str()).unwrap_or_else(|| BookDto {
            ticker: ticker.as_str().to_owned(),
            bids: Vec::new(),
            asks: Vec::new(),
            live: false,
        }))
    }

    // ---- settings ---------------------------------------------------------------------------

    /// The editable settings.
    pub fn settings(&self) -> SettingsDto {
        self.current().stored.settings.clone()
    }

    /// Validates `dto`, applies it to the running engine and saves it.
    pub async fn save_settings(&self, dto: SettingsDto) -> Result<(), IpcError> {
        let (quote, risk) = {
            let current = self.current();
            settings::parse(&dto, &current.quote, &current.risk)
        }
        .map_err(|fields| IpcError::Validation { fields })?;
        if let Ok(handle) = self.handle().await {
            let engine = |message| IpcError::Engine { message };
            handle.set_quote_params(quote.clone()).await.map_err(not_running)?.map_err(engine)?;
            handle.set_limits(risk.clone()).await.map_err(not_running)?.map_err(engine)?;
        }
        let stored = {
            let mut current = self.current();
            current.quote = quote;
            current.risk = risk;
            current.stored.settings = dto;
            current.stored.clone()
        };
        self.persist(&stored)?;
        self.log("info", "settings saved and applied".to_owned());
        Ok(())
    }
}

/// A market ticker from the UI.
fn parse_ticker(ticker: &str) -> Result<MarketTicker, IpcError> {
    let ticker = ticker.trim();
    let valid = !ticker.is_empty()
        && ticker.len() <= 128
        && ticker.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(MarketTicker::new(ticker))
    } else {
        Err(invalid("ticker", "enter a market ticker such as KXFED-26DEC-T4.00"))
    }
}
