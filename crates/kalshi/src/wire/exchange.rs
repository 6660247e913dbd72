//! Exchange-wide state: `GET /exchange/status`, `/exchange/schedule`,
//! `/exchange/user_data_timestamp` and `/historical/cutoff`.
//!
//! Timestamps stay RFC 3339 strings, exactly as sent.

use serde::{Deserialize, Serialize};

use super::codec::null_as_default;

/// `GET /exchange/status` (also the body of a 500/503/504 from that endpoint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeStatus {
    /// The exchange is up (false during maintenance).
    pub exchange_active: bool,
    /// Trading is allowed (false while trading is paused).
    pub trading_active: bool,
    /// Transfers between shards are allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intra_exchange_transfers_active: Option<bool>,
    /// When the exchange expects to resume, if it is down (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_estimated_resume_time: Option<String>,
    /// Per-shard status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index_statuses: Option<Vec<ExchangeIndexStatus>>,
}

impl ExchangeStatus {
    /// True when orders can be placed: exchange up and trading active.
    pub fn is_trading(&self) -> bool {
        self.exchange_active && self.trading_active
    }
}

/// One shard's status in [`ExchangeStatus::exchange_index_statuses`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeIndexStatus {
    /// The shard.
    pub exchange_index: i64,
    /// Its description.
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
    /// The shard is up.
    pub exchange_active: bool,
    /// Trading is allowed on it.
    pub trading_active: bool,
    /// Transfers are allowed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub intra_exchange_transfers_active: bool,
}

/// `GET /exchange/schedule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetExchangeScheduleResponse {
    /// The schedule.
    pub schedule: ExchangeSchedule,
}

/// Trading hours and maintenance windows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExchangeSchedule {
    /// Weekly trading hours, each valid for a date range.
    #[serde(default, deserialize_with = "null_as_default")]
    pub standard_hours: Vec<WeeklySchedule>,
    /// Planned maintenance windows.
    #[serde(default, deserialize_with = "null_as_default")]
    pub maintenance_windows: Vec<MaintenanceWindow>,
}

/// Weekly trading sessions (Eastern time) valid from `start_time` to `end_time`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WeeklySchedule {
    /// Start of validity (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub start_time: String,
    /// End of validity (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub end_time: String,
    /// Monday's sessions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub monday: Vec<DailySession>,
    /// Tuesday's sessions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tuesday: Vec<DailySession>,
    /// Wednesday's sessions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub wednesday: Vec<DailySession>,
    /// Thursday's sessions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub thursday: Vec<DailySession>,
    /// Friday's sessions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub friday: Vec<DailySession>,
    /// Saturday's sessions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub saturday: Vec<DailySession>,
    /// Sunday's sessions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub sunday: Vec<DailySession>,
}

/// One trading session of a day, `"HH:MM"` Eastern time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySession {
    /// Opening time, e.g. `"08:00"`.
    pub open_time: String,
    /// Closing time, e.g. `"03:00"` (may be past midnight).
    pub close_time: String,
}

/// A maintenance window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    /// Start (RFC 3339).
    pub start_datetime: String,
    /// End (RFC 3339).
    pub end_datetime: String,
}

/// `GET /exchange/user_data_timestamp`: how fresh portfolio reads are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUserDataTimestampResponse {
    /// Balance, orders, fills and positions reflect everything up to this time (RFC 3339).
    pub as_of_time: String,
}

/// `GET /historical/cutoff`: older data lives under `/historical/*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetHistoricalCutoffResponse {
    /// Markets settled before this are only in `/historical/markets`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub market_settled_ts: String,
    /// Trades before this are only in `/historical/trades`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub trades_created_ts: String,
    /// Orders last updated before this are only in `/historical/orders`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orders_updated_ts: String,
    /// Positions last updated before this are only in `/historical/positions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_positions_last_updated_ts: Option<String>,
}
