//! The `msg` payloads of Kalshi's data frames, one struct per message type.
//!
//! Fields a market maker does not need are optional; unknown keys are ignored. Every field
//! keeps Kalshi's name so serialising reproduces the exchange's shape.

use kmm_model::{ClientOrderId, MarketTicker, Money, OrderId, Outcome, Price, Qty, Side, TradeId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Action, Timestamp};

/// `orderbook_snapshot.msg`: both bid ladders of one market, ascending. A side key is
/// absent when that side is empty (kept as `None` so re-serialising reproduces it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderbookSnapshot {
    /// The market.
    pub market_ticker: MarketTicker,
    /// The market's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
    /// YES bids `[price, size]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_dollars_fp: Option<Vec<(Price, Qty)>>,
    /// NO bids `[price, size]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_dollars_fp: Option<Vec<(Price, Qty)>>,
}

impl OrderbookSnapshot {
    /// The YES bid levels (empty when the key was absent).
    pub fn yes_levels(&self) -> &[(Price, Qty)] {
        self.yes_dollars_fp.as_deref().unwrap_or_default()
    }

    /// The NO bid levels (empty when the key was absent).
    pub fn no_levels(&self) -> &[(Price, Qty)] {
        self.no_dollars_fp.as_deref().unwrap_or_default()
    }
}

/// `orderbook_delta.msg`: the size at one price of one ladder changed by `delta_fp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderbookDelta {
    /// The market.
    pub market_ticker: MarketTicker,
    /// The market's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
    /// The level's YES (or NO, per `side`) bid price.
    pub price_dollars: Price,
    /// Signed change of the resting size (new = old + delta; 0 removes the level).
    pub delta_fp: Qty,
    /// Which bid ladder.
    pub side: Outcome,
    /// When (RFC 3339 in captures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<Timestamp>,
    /// When, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
    /// Present when one of this account's orders caused the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Present when one of this account's orders caused the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i64>,
}

/// `ticker.msg`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticker {
    /// The market.
    pub market_ticker: MarketTicker,
    /// The market's UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
    /// Last trade price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_dollars: Option<Price>,
    /// Best YES bid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_bid_dollars: Option<Price>,
    /// Best YES ask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_ask_dollars: Option<Price>,
    /// Size at the best YES bid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_bid_size_fp: Option<Qty>,
    /// Size at the best YES ask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_ask_size_fp: Option<Qty>,
    /// Size of the last trade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_trade_size_fp: Option<Qty>,
    /// Contracts traded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_fp: Option<Qty>,
    /// Open interest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_interest_fp: Option<Qty>,
    /// Dollar volume (integer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dollar_volume: Option<i64>,
    /// Dollar open interest (integer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dollar_open_interest: Option<i64>,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<Timestamp>,
    /// Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

/// `trade.msg`: a public trade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    /// The trade id.
    pub trade_id: TradeId,
    /// The market.
    pub market_ticker: MarketTicker,
    /// YES price.
    pub yes_price_dollars: Price,
    /// NO price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_price_dollars: Option<Price>,
    /// Contracts.
    pub count_fp: Qty,
    /// The taker's outcome (deprecated name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_side: Option<Outcome>,
    /// The taker's outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_outcome_side: Option<Outcome>,
    /// The taker's book side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_book_side: Option<Side>,
    /// Block trade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_block_trade: Option<bool>,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<Timestamp>,
    /// Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
}

/// `fill.msg`: one of this account's fills.
///
/// Book fills by [`Fill::purchased`], not by `side`: `side` is the **taker's** side and is
/// inverted on a maker fill (seen live by jfreun123), while `purchased_side` is what this
/// account bought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    /// The trade id: a fill's identity for de-duplication.
    pub trade_id: TradeId,
    /// This account's order.
    pub order_id: OrderId,
    /// This account's client order id, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// The market.
    pub market_ticker: MarketTicker,
    /// True when this account was the taker.
    pub is_taker: bool,
    /// The **taker's** outcome side (inverts on maker fills).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Outcome>,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<Timestamp>,
    /// Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
    /// YES price of the trade.
    pub yes_price_dollars: Price,
    /// NO price of the trade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_price_dollars: Option<Price>,
    /// Contracts filled.
    pub count_fp: Qty,
    /// Fee charged for this fill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_cost: Option<Money>,
    /// Legacy action (`buy`/`sell`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Signed position after the fill (+ YES, − NO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_position_fp: Option<Qty>,
    /// The outcome this account bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchased_side: Option<Outcome>,
    /// This account's order's outcome side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_side: Option<Outcome>,
    /// This account's order's book side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book_side: Option<Side>,
    /// Subaccount number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i64>,
    /// Exchange index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

impl Fill {
    /// What this account bought: `purchased_side`, else `outcome_side`, else the outcome of
    /// `book_side`. Never the taker's `side`.
    pub fn purchased(&self) -> Option<Outcome> {
        self.purchased_side.or(self.outcome_side).or(self.book_side.map(Side::outcome))
    }
}

/// `market_position.msg` (channel `market_positions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketPosition {
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The market.
    pub market_ticker: MarketTicker,
    /// Signed position (+ YES, − NO).
    pub position_fp: Qty,
    /// Cost of the position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_cost_dollars: Option<Money>,
    /// Realised P&L.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realized_pnl_dollars: Option<Money>,
    /// Fees paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees_paid_dollars: Option<Money>,
    /// Fee cost attributed to the position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_fee_cost_dollars: Option<Money>,
    /// Contracts traded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_fp: Option<Qty>,
    /// Subaccount number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i64>,
}

/// `user_order.msg` (channel `user_orders`; field list third-party).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserOrder {
    /// The order.
    pub order_id: OrderId,
    /// The market (`ticker` in third-party notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticker: Option<MarketTicker>,
    /// The market, if sent under this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<MarketTicker>,
    /// `resting` | `canceled` | `executed` (kept as text: new values must not break parsing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Outcome side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_side: Option<Outcome>,
    /// Book side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book_side: Option<Side>,
    /// YES price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_price_dollars: Option<Price>,
    /// Contracts filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_count_fp: Option<Qty>,
    /// Contracts still resting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_count_fp: Option<Qty>,
    /// Contracts at placement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_count_fp: Option<Qty>,
    /// Cost of taker fills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_fill_cost_dollars: Option<Money>,
    /// Cost of maker fills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maker_fill_cost_dollars: Option<Money>,
    /// Taker fees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_fees_dollars: Option<Money>,
    /// Maker fees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maker_fees_dollars: Option<Money>,
    /// Client order id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Created, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_ts_ms: Option<i64>,
    /// Last update, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_ts_ms: Option<i64>,
    /// Expiry, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_ts_ms: Option<i64>,
}

/// `market_lifecycle_v2.msg`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketLifecycle {
    /// `created`, `activated`, `deactivated`, `close_date_updated`, `determined`, `settled`, ...
    pub event_type: String,
    /// The market.
    pub market_ticker: MarketTicker,
    /// Open time, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_ts: Option<i64>,
    /// Close time, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_ts: Option<i64>,
    /// Result (`yes`, `no`, ...), on `determined`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Determination time, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub determination_ts: Option<i64>,
    /// Settlement value per YES contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlement_value: Option<Price>,
    /// Settlement time, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_ts: Option<i64>,
    /// Paused (true) or unpaused (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_deactivated: Option<bool>,
    /// Whether fractional counts are accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fractional_trading_enabled: Option<bool>,
    /// `linear_cent` | `deci_cent` | `tapered_deci_cent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_level_structure: Option<String>,
    /// Extra metadata on `created` (title, rules, strikes, ...), kept whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_metadata: Option<Value>,
}

/// `event_lifecycle.msg`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventLifecycle {
    /// The event.
    pub event_ticker: String,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Subtitle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Collateral return type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collateral_return_type: Option<String>,
    /// The series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_ticker: Option<String>,
    /// Strike date, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_date: Option<i64>,
    /// Strike period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_period: Option<String>,
}
