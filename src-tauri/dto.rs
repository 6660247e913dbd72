//! UI-facing types, exported to TypeScript by specta. Prices, counts and money cross the
//! bridge as the exchange's decimal strings ("0.4300", "10.00", "1.250000") so no value is
//! ever rounded by a JavaScript number; times are Unix milliseconds as numbers (exact in f64).

use serde::{Deserialize, Serialize};
use specta::Type;

/// Which exchange the app trades on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// The local simulator: no real money.
    Paper,
    /// Kalshi's demo exchange.
    Demo,
    /// Kalshi's production exchange: real money.
    Production,
}

/// What the UI shows in its header and status bar.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The app's version.
    pub version: String,
    /// The active environment.
    pub environment: Environment,
}

/// Trading state of the engine or a market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum TradingStateDto {
    /// Quoting within limits.
    Active,
    /// Only orders that reduce positions.
    Reducing,
    /// Cancels only (kill switch or a limit).
    Halted,
}

/// Connection to the exchange feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionDto {
    /// Live.
    Connected,
    /// Connecting or reconnecting.
    Connecting,
    /// Down.
    Disconnected,
}

/// One row of the markets table.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MarketRow {
    /// Ticker.
    pub ticker: String,
    /// Title.
    pub title: String,
    /// Best YES bid ("0.4200"), if any.
    pub bid: Option<String>,
    /// Best YES ask, if any.
    pub ask: Option<String>,
    /// Mid, if both sides exist.
    pub mid: Option<String>,
    /// Ask − bid, if both sides exist.
    pub spread: Option<String>,
    /// Our resting bid price, if any.
    pub our_bid: Option<String>,
    /// Our resting ask price, if any.
    pub our_ask: Option<String>,
    /// Net position in contracts ("-6.00").
    pub position: String,
    /// Net P&L of the market in dollars ("1.250000").
    pub pnl: String,
    /// Trading state.
    pub state: TradingStateDto,
    /// Whether the book is live.
    pub live: bool,
}

/// One price level of a ladder.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LevelDto {
    /// YES price.
    pub price: String,
    /// Resting size.
    pub size: String,
    /// Our own resting size at this price.
    pub ours: String,
}

/// A market's book ladder.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BookDto {
    /// Ticker.
    pub ticker: String,
    /// YES bids, best first.
    pub bids: Vec<LevelDto>,
    /// YES asks, best first.
    pub asks: Vec<LevelDto>,
    /// Whether the book is live.
    pub live: bool,
}

/// One of our orders.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderDto {
    /// Our client order id.
    pub client_order_id: String,
    /// Exchange id, once acknowledged.
    pub order_id: Option<String>,
    /// Ticker.
    pub ticker: String,
    /// "bid" or "ask".
    pub side: String,
    /// YES price.
    pub price: String,
    /// Resting size.
    pub remaining: String,
    /// Filled size.
    pub filled: String,
    /// Life-cycle state (open, pending_new, unknown, ...).
    pub state: String,
}

/// One of our fills.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FillDto {
    /// Trade id.
    pub trade_id: String,
    /// Ticker.
    pub ticker: String,
    /// "bid" (bought YES) or "ask" (sold YES).
    pub side: String,
    /// YES price.
    pub price: String,
    /// Contracts.
    pub count: String,
    /// Fee paid.
    pub fee: String,
    /// Whether we took liquidity.
    pub is_taker: bool,
    /// Exchange time, Unix ms.
    pub ts_ms: Option<f64>,
}

/// Risk limits and how much of each is used, for the risk panel.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RiskDto {
    /// Global trading state.
    pub state: TradingStateDto,
    /// Why it is not active, if it isn't.
    pub reason: Option<String>,
    /// Whether the kill switch is latched.
    pub kill_switch: bool,
    /// Daily loss limit in dollars.
    pub daily_loss_limit: String,
    /// Net P&L in dollars.
    pub pnl: String,
    /// Per-market position limit in contracts.
    pub max_position: String,
    /// Largest absolute position held.
    pub largest_position: String,
    /// Open-order limit.
    pub max_open_orders: u32,
    /// Open orders now.
    pub open_orders: u32,
    /// Denials this session.
    pub denials: u32,
}

/// The periodic dashboard snapshot (a few times per second).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DashboardDto {
    /// Active environment.
    pub environment: Environment,
    /// Whether quoting is on.
    pub quoting: bool,
    /// Feed connection.
    pub connection: ConnectionDto,
    /// Milliseconds since the last book update, if any.
    pub feed_age_ms: Option<f64>,
    /// Seconds since the engine started.
    pub uptime_s: f64,
    /// Markets table.
    pub markets: Vec<MarketRow>,
    /// Our live orders.
    pub orders: Vec<OrderDto>,
    /// Risk panel.
    pub risk: RiskDto,
    /// Realised P&L in dollars.
    pub realized: String,
    /// Net P&L (realised + marked − fees) in dollars.
    pub net_pnl: String,
    /// Fees paid in dollars.
    pub fees: String,
    /// Fills this session.
    pub fills: u32,
}

/// A point of the P&L chart.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PnlPoint {
    /// Unix ms.
    pub ts_ms: f64,
    /// Net P&L in dollars.
    pub net: String,
}

/// A log line for the logs view.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LogDto {
    /// Unix ms.
    pub ts_ms: f64,
    /// info, warn, error.
    pub level: String,
    /// The message.
    pub message: String,
}

/// Which environments have a key in the OS keychain (never the key itself).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyStatusDto {
    /// Demo key id, if stored.
    pub demo: Option<String>,
    /// Production key id, if stored.
    pub production: Option<String>,
}

/// Editable strategy and risk settings (decimal strings as the exchange writes them).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsDto {
    /// Minimum spread to quote, dollars ("0.0500").
    pub min_spread: String,
    /// Order size, contracts ("10.00").
    pub order_amount: String,
    /// Quote refresh interval, ms.
    pub order_refresh_time_ms: f64,
    /// Whether inventory skew is on.
    pub inventory_skew_enabled: bool,
    /// Per-market position limit, contracts.
    pub max_position: String,
    /// Daily loss limit, dollars.
    pub daily_loss_limit: String,
    /// Open-order limit.
    pub max_open_orders: f64,
    /// Fill notifications on.
    pub notifications: bool,
}
