//! Markets and public trades: `GET /markets`, `/markets/{ticker}`, `/markets/trades`.
//!
//! Only the current `*_dollars` / `*_fp` fields are modelled: Kalshi removed the integer
//! cent/count twins (`yes_bid`, `volume`, ...) from every response on 12 March 2026, and every
//! captured payload since has the current fields only; a stray legacy key is ignored like any
//! unknown key. Fields the market maker quotes from (ticker, status, prices, sizes) are
//! required; descriptive ones default when absent (real payloads lack some fields SDK 3.34
//! requires, e.g. `settlement_bounds_type`) but are always emitted, so the simulator's output
//! satisfies the SDK.

use kmm_model::{EventTicker, MarketTicker, Money, Outcome, Price, Qty, Side, TradeId};
use serde::{Deserialize, Serialize};

use super::codec::{money4, null_as_default, option_money4};

/// `market_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketType {
    /// Pays $1 to YES or to NO.
    Binary,
    /// Pays a fraction between 0 and 1 per YES contract.
    Scalar,
    /// A value this client does not know (or the key was missing).
    #[default]
    #[serde(other)]
    Unknown,
}

/// A market's `status` (the values differ from the `status` *filter* of `GET /markets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketStatus {
    /// Created, not yet open.
    Initialized,
    /// Paused (deactivated) while otherwise open.
    Inactive,
    /// Open for trading.
    Active,
    /// Closed to trading, outcome not yet determined.
    Closed,
    /// Outcome determined, not yet settled.
    Determined,
    /// Determination disputed.
    Disputed,
    /// Determination amended.
    Amended,
    /// Settled and final.
    Finalized,
    /// Older API value for a market not yet open.
    Unopened,
    /// Older API value for an open market.
    Open,
    /// Older API value for a settled market.
    Settled,
    /// A status this client does not know.
    #[serde(other)]
    Unknown,
}

impl MarketStatus {
    /// True when the market accepts orders.
    pub const fn is_open(self) -> bool {
        matches!(self, MarketStatus::Active | MarketStatus::Open)
    }

    /// True once trading has ended for good (closed, determined, settled, ...).
    pub const fn is_closed(self) -> bool {
        matches!(
            self,
            MarketStatus::Closed
                | MarketStatus::Determined
                | MarketStatus::Disputed
                | MarketStatus::Amended
                | MarketStatus::Finalized
                | MarketStatus::Settled
        )
    }
}

/// A market's `result` (also a settlement's `market_result`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketResult {
    /// Not determined yet: Kalshi sends `""`.
    #[default]
    #[serde(rename = "")]
    Undetermined,
    /// YES won.
    Yes,
    /// NO won.
    No,
    /// A scalar market settled at `settlement_value_dollars`.
    Scalar,
    /// Voided (older settlements).
    Void,
    /// A value this client does not know.
    #[serde(other)]
    Unknown,
}

impl MarketResult {
    /// The winning outcome of a binary result.
    pub const fn outcome(self) -> Option<Outcome> {
        match self {
            MarketResult::Yes => Some(Outcome::Yes),
            MarketResult::No => Some(Outcome::No),
            _ => None,
        }
    }
}

/// `strike_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrikeType {
    /// Above the strike.
    Greater,
    /// At or above the strike.
    GreaterOrEqual,
    /// Below the strike.
    Less,
    /// At or below the strike.
    LessOrEqual,
    /// Between floor and cap.
    Between,
    /// Given by `functional_strike`.
    Functional,
    /// Given by `custom_strike`.
    Custom,
    /// Structured target (e.g. a team).
    Structured,
    /// A value this client does not know.
    #[serde(other)]
    Unknown,
}

/// `settlement_bounds_type` (new in SDK 3.34; absent from real Aug-2026 payloads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementBoundsType {
    /// The usual bounds.
    #[default]
    Default,
    /// Floor bounds.
    Floor,
    /// A value this client does not know.
    #[serde(other)]
    Unknown,
}

/// One band of a market's price grid: prices from `start` to `end` in steps of `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PriceRange {
    /// Lowest price of the band.
    pub start: Price,
    /// Highest price of the band.
    pub end: Price,
    /// Tick size within the band.
    pub step: Price,
}

impl PriceRange {
    /// True when `price` lies in this band and on its grid.
    pub fn contains(&self, price: Price) -> bool {
        let step = self.step.units();
        price >= self.start && price <= self.end && step > 0 && (price.units() - self.start.units()) % step == 0
    }
}

/// One leg of a multivariate market (`mve_selected_legs`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MveSelectedLeg {
    /// The leg's event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_ticker: Option<EventTicker>,
    /// The leg's market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<MarketTicker>,
    /// `yes` or `no`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    /// Settlement value of the leg's YES side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_settlement_value_dollars: Option<Price>,
}

/// A market, as `GET /markets`, `/markets/{ticker}` and `/events` (nested) return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Market {
    /// Market ticker.
    pub ticker: MarketTicker,
    /// Its event.
    pub event_ticker: EventTicker,
    /// Binary or scalar.
    #[serde(default, deserialize_with = "null_as_default")]
    pub market_type: MarketType,
    /// Title (optional in the SDK).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Legacy subtitle (still sent on some markets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// What YES means, short.
    #[serde(default, deserialize_with = "null_as_default")]
    pub yes_sub_title: String,
    /// What NO means, short.
    #[serde(default, deserialize_with = "null_as_default")]
    pub no_sub_title: String,
    /// Creation time (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_time: String,
    /// Last update (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub updated_time: String,
    /// Trading opens (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub open_time: String,
    /// Trading closes (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub close_time: String,
    /// Expected expiration (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_expiration_time: Option<String>,
    /// Expiration (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<String>,
    /// Latest possible expiration (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub latest_expiration_time: String,
    /// Seconds between determination and settlement.
    #[serde(default, deserialize_with = "null_as_default")]
    pub settlement_timer_seconds: i64,
    /// Life-cycle status.
    pub status: MarketStatus,
    /// Best YES bid ($0 when none).
    pub yes_bid_dollars: Price,
    /// Size at the best YES bid.
    pub yes_bid_size_fp: Qty,
    /// Best YES ask ($1 when none).
    pub yes_ask_dollars: Price,
    /// Size at the best YES ask.
    pub yes_ask_size_fp: Qty,
    /// Best NO bid.
    pub no_bid_dollars: Price,
    /// Best NO ask.
    pub no_ask_dollars: Price,
    /// Last trade price.
    pub last_price_dollars: Price,
    /// Contracts traded in all.
    pub volume_fp: Qty,
    /// Contracts traded in the last 24 hours.
    pub volume_24h_fp: Qty,
    /// Outcome, `""` until determined.
    #[serde(default, deserialize_with = "null_as_default")]
    pub result: MarketResult,
    /// Whether the market may close before its close time.
    #[serde(default, deserialize_with = "null_as_default")]
    pub can_close_early: bool,
    /// Contracts open.
    pub open_interest_fp: Qty,
    /// Payout of one contract (`"1.0000"`).
    #[serde(default = "one_dollar", with = "money4")]
    pub notional_value_dollars: Money,
    /// YES bid 24 hours ago.
    #[serde(default, deserialize_with = "null_as_default")]
    pub previous_yes_bid_dollars: Price,
    /// YES ask 24 hours ago.
    #[serde(default, deserialize_with = "null_as_default")]
    pub previous_yes_ask_dollars: Price,
    /// Last price 24 hours ago.
    #[serde(default, deserialize_with = "null_as_default")]
    pub previous_price_dollars: Price,
    /// Not in SDK 3.34 but still sent (`"0.0000"`).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "option_money4")]
    pub liquidity_dollars: Option<Money>,
    /// Settlement bounds (new in SDK 3.34; absent in real payloads, emitted as `default`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub settlement_bounds_type: SettlementBoundsType,
    /// The value the market expired at, `""` before.
    #[serde(default, deserialize_with = "null_as_default")]
    pub expiration_value: String,
    /// Main rules.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rules_primary: String,
    /// Secondary rules.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rules_secondary: String,
    /// Label of the price grid (`linear_cent`, ...). Use `price_ranges`, not this label.
    #[serde(default, deserialize_with = "null_as_default")]
    pub price_level_structure: String,
    /// The valid price grid.
    #[serde(default, deserialize_with = "null_as_default")]
    pub price_ranges: Vec<PriceRange>,
    /// When the market may close early.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_close_condition: Option<String>,
    /// Settlement value of one YES contract, once settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_value_dollars: Option<Price>,
    /// Settlement time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_ts: Option<String>,
    /// Settlement floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_floor_dollars: Option<Price>,
    /// When the underlying event occurs (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence_datetime: Option<String>,
    /// End of a fee waiver (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_waiver_expiration_time: Option<String>,
    /// How the strike is expressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_type: Option<StrikeType>,
    /// Lower strike (a JSON number, kept exactly as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_strike: Option<serde_json::Number>,
    /// Upper strike (a JSON number, kept exactly as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_strike: Option<serde_json::Number>,
    /// Functional strike expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functional_strike: Option<String>,
    /// Free-form strike object, e.g. `{"football_team": "<uuid>"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_strike: Option<serde_json::Value>,
    /// Multivariate collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mve_collection_ticker: Option<String>,
    /// Multivariate legs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mve_selected_legs: Option<Vec<MveSelectedLeg>>,
    /// Primary participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_participant_key: Option<String>,
    /// Provisional market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_provisional: Option<bool>,
    /// Whether fractional counts are accepted (docs; not in the SDK model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fractional_trading_enabled: Option<bool>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

fn one_dollar() -> Money {
    Money::from_micros(Money::SCALE)
}

impl Market {
    /// True when `price` is on the market's grid. With no `price_ranges`, the default
    /// one-cent grid strictly inside (0, 1) applies.
    pub fn is_valid_price(&self, price: Price) -> bool {
        if !price.is_tradable() {
            return false;
        }
        if self.price_ranges.is_empty() {
            return price.units() % 100 == 0;
        }
        self.price_ranges.iter().any(|r| r.contains(price))
    }

    /// The smallest tick of the grid ($0.01 without `price_ranges`).
    pub fn min_tick(&self) -> Price {
        self.price_ranges
            .iter()
            .map(|r| r.step)
            .filter(|s| s.units() > 0)
            .min()
            .unwrap_or_else(|| Price::from_units(100).unwrap_or(Price::MIN_INCREMENT))
    }

    /// Best YES bid as `(price, size)`, `None` when the side is empty.
    pub fn best_yes_bid(&self) -> Option<(Price, Qty)> {
        (self.yes_bid_size_fp.is_positive() || self.yes_bid_dollars > Price::ZERO)
            .then_some((self.yes_bid_dollars, self.yes_bid_size_fp))
    }

    /// Best YES ask as `(price, size)`, `None` when the side is empty.
    pub fn best_yes_ask(&self) -> Option<(Price, Qty)> {
        (self.yes_ask_size_fp.is_positive() || self.yes_ask_dollars < Price::ONE)
            .then_some((self.yes_ask_dollars, self.yes_ask_size_fp))
    }
}

/// `GET /markets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetMarketsResponse {
    /// One page of markets.
    #[serde(default, deserialize_with = "null_as_default")]
    pub markets: Vec<Market>,
    /// Next-page token, `""` on the last page.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cursor: String,
}

/// `GET /markets/{ticker}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetMarketResponse {
    /// The market.
    pub market: Market,
}

/// A public trade (`GET /markets/trades`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trade {
    /// Trade id.
    pub trade_id: TradeId,
    /// Market.
    pub ticker: MarketTicker,
    /// Contracts traded.
    pub count_fp: Qty,
    /// YES price.
    pub yes_price_dollars: Price,
    /// NO price ($1 − YES price).
    pub no_price_dollars: Price,
    /// Outcome the taker bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_outcome_side: Option<Outcome>,
    /// Book side the taker hit with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_book_side: Option<Side>,
    /// Deprecated twin of `taker_outcome_side`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_side: Option<Outcome>,
    /// Trade time (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_time: String,
    /// Block trade.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_block_trade: bool,
}

impl Trade {
    /// The taker's book side: `taker_book_side`, else derived from the taker's outcome.
    pub fn aggressor_side(&self) -> Option<Side> {
        self.taker_book_side.or_else(|| self.taker_outcome_side.or(self.taker_side).map(Outcome::buying_side))
    }
}

/// `GET /markets/trades`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetTradesResponse {
    /// One page of trades.
    #[serde(default, deserialize_with = "null_as_default")]
    pub trades: Vec<Trade>,
    /// Next-page token, `""` on the last page.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cursor: String,
}
