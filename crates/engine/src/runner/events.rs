//! What the engine tells its front ends: typed events on a broadcast channel.

use kmm_model::{ClientOrderId, Fill, MarketTicker, Money, OrderId, Price, Qty, Side};
use serde::Serialize;

use crate::portfolio::PortfolioSnapshot;
use crate::risk::TradingState;

/// Connection to the exchange's WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    /// Connected and subscribed.
    Connected,
    /// Connecting or reconnecting.
    Connecting,
    /// Not connected.
    Disconnected,
}

/// One level of a book for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookLevel {
    /// YES price.
    pub price: Price,
    /// Resting size.
    pub size: Qty,
}

/// A market's book as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookView {
    /// Market.
    pub ticker: MarketTicker,
    /// YES bids, best first.
    pub bids: Vec<BookLevel>,
    /// YES asks (from NO bids), best first.
    pub asks: Vec<BookLevel>,
    /// Whether the book is live (quotable).
    pub live: bool,
}

/// An order's state for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderView {
    /// Our id.
    pub client_order_id: ClientOrderId,
    /// The exchange's id, once acknowledged.
    pub order_id: Option<OrderId>,
    /// Market.
    pub ticker: MarketTicker,
    /// Side.
    pub side: Side,
    /// Price.
    pub price: Price,
    /// Resting size.
    pub remaining: Qty,
    /// Filled so far.
    pub filled: Qty,
    /// Life-cycle state name (`open`, `pending_new`, `unknown`, ...).
    pub state: String,
}

/// Everything that happens in the engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EngineEvent {
    /// The engine is up and following these markets.
    Started {
        /// Markets followed.
        markets: Vec<MarketTicker>,
    },
    /// Quoting was switched on or off.
    QuotingChanged {
        /// Whether quotes are being placed.
        active: bool,
    },
    /// WebSocket state.
    ConnectionChanged {
        /// The new state.
        connection: Connection,
        /// Why, when it is not connected.
        reason: Option<String>,
    },
    /// A book changed (front ends coalesce these).
    BookUpdated(BookView),
    /// An order changed.
    OrderChanged(OrderView),
    /// One of our orders filled.
    Filled(Fill),
    /// Positions and P&L.
    PortfolioChanged(PortfolioSnapshot),
    /// Risk state of a scope changed.
    RiskStateChanged {
        /// `None` = global.
        ticker: Option<MarketTicker>,
        /// The new state.
        state: TradingState,
        /// Why.
        reason: String,
    },
    /// An order action was refused by the risk gate.
    Denied {
        /// Market.
        ticker: MarketTicker,
        /// The denial, as text.
        reason: String,
    },
    /// The exchange refused or failed an order request.
    OrderError {
        /// Market.
        ticker: MarketTicker,
        /// What went wrong.
        message: String,
    },
    /// The kill switch was engaged (everything in scope is being canceled).
    KillSwitch {
        /// Why.
        reason: String,
        /// Cancels sent.
        cancels: usize,
    },
    /// Reconciliation with the exchange finished.
    Reconciled {
        /// Leftover or unknown orders adopted.
        adopted: usize,
        /// Orders that had vanished from the exchange.
        vanished: usize,
        /// Markets where positions disagreed.
        drift: usize,
        /// Whether the disagreement halted trading.
        halted: bool,
    },
    /// A human-readable log line.
    Log {
        /// `info`, `warn` or `error`.
        level: String,
        /// The message.
        message: String,
    },
    /// The engine stopped.
    Stopped(ShutdownReport),
}

/// A consistent picture of the engine, for status lines and `--json` summaries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngineStatus {
    /// Markets followed.
    pub markets: Vec<MarketTicker>,
    /// Whether quotes are being placed.
    pub quoting: bool,
    /// Global trading state.
    pub state: TradingState,
    /// WebSocket state.
    pub connection: Connection,
    /// Our live orders.
    pub orders: Vec<OrderView>,
    /// Fills received this session.
    pub fills: u64,
    /// Fees paid this session.
    pub fees: Money,
    /// Positions and P&L.
    pub portfolio: PortfolioSnapshot,
    /// Risk denials this session.
    pub denials: u64,
    /// Best bid and ask per market.
    pub tops: Vec<(MarketTicker, Option<Price>, Option<Price>)>,
}

/// How a shutdown went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShutdownReport {
    /// Whether the exchange confirmed none of our orders remain.
    pub confirmed_flat: bool,
    /// Our orders still resting at the last read (`None` if the exchange could not be read).
    pub resting_left: Option<usize>,
    /// Whether the engine's positions equal the exchange's at the end.
    pub positions_match: bool,
    /// The engine's final state.
    pub status: Box<EngineStatus>,
}
