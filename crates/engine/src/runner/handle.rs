//! [`EngineHandle`]: how front ends (desktop, CLI) drive the engine.

use kmm_model::MarketTicker;
use tokio::sync::{broadcast, mpsc, oneshot};

use super::events::{EngineEvent, EngineStatus, ShutdownReport};
use crate::quoting::QuoteParams;
use crate::risk::RiskLimits;

/// A request to the engine task.
#[derive(Debug)]
pub(crate) enum Command {
    SetQuoting(bool),
    Kill { reason: String, reply: oneshot::Sender<usize> },
    Reset { by: String, reply: oneshot::Sender<Result<bool, String>> },
    AddMarket { ticker: MarketTicker, reply: oneshot::Sender<Result<(), String>> },
    RemoveMarket(MarketTicker),
    SetQuoteParams { params: Box<QuoteParams>, reply: oneshot::Sender<Result<(), String>> },
    SetLimits { limits: Box<RiskLimits>, reply: oneshot::Sender<Result<(), String>> },
    Status(oneshot::Sender<EngineStatus>),
    Shutdown(oneshot::Sender<ShutdownReport>),
}

/// The engine is gone (it shut down or failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the engine is not running")]
pub struct EngineGone;

/// A handle to a running engine; cheap to clone.
#[derive(Debug, Clone)]
pub struct EngineHandle {
    pub(crate) commands: mpsc::Sender<Command>,
    pub(crate) events: broadcast::Sender<EngineEvent>,
}

impl EngineHandle {
    async fn send(&self, command: Command) -> Result<(), EngineGone> {
        self.commands.send(command).await.map_err(|_| EngineGone)
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, EngineGone> {
        let (tx, rx) = oneshot::channel();
        self.send(make(tx)).await?;
        rx.await.map_err(|_| EngineGone)
    }

    /// Every engine event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.events.subscribe()
    }

    /// Starts quoting.
    pub async fn start(&self) -> Result<(), EngineGone> {
        self.send(Command::SetQuoting(true)).await
    }

    /// Stops quoting and cancels our resting orders (the engine keeps following books).
    pub async fn stop(&self) -> Result<(), EngineGone> {
        self.send(Command::SetQuoting(false)).await
    }

    /// Engages the kill switch: halts and cancels everything until [`EngineHandle::reset`].
    /// Returns the number of cancels sent.
    pub async fn kill(&self, reason: impl Into<String>) -> Result<usize, EngineGone> {
        let reason = reason.into();
        self.ask(|reply| Command::Kill { reason, reply }).await
    }

    /// Releases the kill switch; `by` names the person (required).
    pub async fn reset(&self, by: impl Into<String>) -> Result<Result<bool, String>, EngineGone> {
        let by = by.into();
        self.ask(|reply| Command::Reset { by, reply }).await
    }

    /// Starts following and quoting a market.
    pub async fn add_market(&self, ticker: MarketTicker) -> Result<Result<(), String>, EngineGone> {
        self.ask(|reply| Command::AddMarket { ticker, reply }).await
    }

    /// Stops quoting a market (its orders are canceled).
    pub async fn remove_market(&self, ticker: MarketTicker) -> Result<(), EngineGone> {
        self.send(Command::RemoveMarket(ticker)).await
    }

    /// Replaces the strategy parameters after validation.
    pub async fn set_quote_params(&self, params: QuoteParams) -> Result<Result<(), String>, EngineGone> {
        self.ask(|reply| Command::SetQuoteParams { params: Box::new(params), reply }).await
    }

    /// Replaces the risk limits after validation.
    pub async fn set_limits(&self, limits: RiskLimits) -> Result<Result<(), String>, EngineGone> {
        self.ask(|reply| Command::SetLimits { limits: Box::new(limits), reply }).await
    }

    /// A consistent snapshot of the engine.
    pub async fn status(&self) -> Result<EngineStatus, EngineGone> {
        self.ask(Command::Status).await
    }

    /// Stops quoting, cancels until the exchange confirms none of our orders remain, checks
    /// positions, and ends the engine task.
    pub async fn shutdown(&self) -> Result<ShutdownReport, EngineGone> {
        self.ask(Command::Shutdown).await
    }
}
