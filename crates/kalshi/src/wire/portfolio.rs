//! The account's portfolio: `GET /portfolio/balance`, `/portfolio/positions`,
//! `/portfolio/fills`, `/portfolio/settlements`, `/portfolio/summary/total_resting_order_value`.
//!
//! Money here is written with six decimals (`"4.950000"`, fees `"0.054600"`), as the captured
//! positions, fills and settlements show.

use kmm_model::{
    ClientOrderId, EventTicker, MarketTicker, Money, OrderId, Outcome, Position, Price, Qty, Side, TradeId,
};
use serde::{Deserialize, Serialize};

use super::codec::null_as_default;
use super::market::MarketResult;
use super::order::{Action, legacy_book_side};
use crate::error::{Error, Result};

/// `GET /portfolio/balance`. `balance` and `portfolio_value` are integer **cents**;
/// `balance_dollars` (added May 2026) is the exact dollar form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetBalanceResponse {
    /// Available balance in cents.
    pub balance: i64,
    /// Available balance in dollars (required by SDK 3.34; absent from older replies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_dollars: Option<Money>,
    /// Value of positions in cents.
    #[serde(default, deserialize_with = "null_as_default")]
    pub portfolio_value: i64,
    /// Unix seconds of the last balance change.
    #[serde(default, deserialize_with = "null_as_default")]
    pub updated_ts: i64,
    /// Per-shard balances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_breakdown: Option<Vec<ShardBalance>>,
}

impl GetBalanceResponse {
    /// Available balance: `balance_dollars` when present, else the integer cents.
    pub fn available(&self) -> Result<Money> {
        match self.balance_dollars {
            Some(m) => Ok(m),
            None => Money::from_cents(self.balance).map_err(|e| Error::decode("balance", e)),
        }
    }

    /// Value of positions (from integer cents).
    pub fn portfolio_value(&self) -> Result<Money> {
        Money::from_cents(self.portfolio_value).map_err(|e| Error::decode("portfolio_value", e))
    }
}

/// One shard's balance (`balance_breakdown`, `resting_order_value_breakdown`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardBalance {
    /// The shard.
    pub exchange_index: i64,
    /// Its amount in dollars.
    pub balance: Money,
}

/// `GET /portfolio/summary/total_resting_order_value` (FCM members only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetRestingOrderTotalValueResponse {
    /// Value of resting orders in cents.
    pub total_resting_order_value: i64,
    /// Per shard.
    #[serde(default, deserialize_with = "null_as_default")]
    pub resting_order_value_breakdown: Vec<ShardBalance>,
}

/// A position in one market (`market_positions` of `GET /portfolio/positions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketPosition {
    /// The market.
    pub ticker: MarketTicker,
    /// Shard (required by SDK 3.34, absent from real Jul-2026 payloads; emitted as 0).
    #[serde(default, deserialize_with = "null_as_default")]
    pub exchange_index: i64,
    /// Dollars traded in this market.
    pub total_traded_dollars: Money,
    /// Net contracts: + YES, − NO.
    pub position_fp: Qty,
    /// Cost of the open position.
    pub market_exposure_dollars: Money,
    /// Realised P&L.
    pub realized_pnl_dollars: Money,
    /// Fees paid.
    pub fees_paid_dollars: Money,
    /// Last change (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub last_updated_ts: String,
    /// Legacy count of resting orders (still sent by the demo in Jul 2026).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resting_orders_count: Option<i64>,
}

impl MarketPosition {
    /// The domain position. `market_exposure_dollars` is taken as the cost of the open
    /// contracts (YES cost when long; NO cost when short, turned into YES terms as
    /// `−(|qty| × $1 − exposure)`, i.e. the YES-price proceeds).
    pub fn to_model(&self) -> Result<Position> {
        let fail = |e| Error::decode("market position", e);
        let qty = self.position_fp;
        let cost = if qty.units() >= 0 {
            self.market_exposure_dollars
        } else {
            let payout = Money::notional(Price::ONE, qty.abs()).map_err(fail)?;
            self.market_exposure_dollars.checked_sub(payout).map_err(fail)?
        };
        Ok(Position {
            ticker: self.ticker.clone(),
            qty,
            cost,
            realized: self.realized_pnl_dollars,
            fees: self.fees_paid_dollars,
        })
    }
}

/// A position summed over one event (`event_positions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPosition {
    /// The event.
    pub event_ticker: EventTicker,
    /// Total cost.
    pub total_cost_dollars: Money,
    /// Total contracts bought.
    pub total_cost_shares_fp: Qty,
    /// Exposure.
    pub event_exposure_dollars: Money,
    /// Realised P&L.
    pub realized_pnl_dollars: Money,
    /// Fees paid.
    pub fees_paid_dollars: Money,
}

/// `GET /portfolio/positions`. Both lists are always emitted (`[]` when empty).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GetPositionsResponse {
    /// Per-market positions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub market_positions: Vec<MarketPosition>,
    /// Per-event positions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub event_positions: Vec<EventPosition>,
    /// Next-page token (optional here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// One of our fills (`GET /portfolio/fills`).
///
/// SDK 3.34 requires `fill_id`/`trade_id`, `market_ticker`, sides and `no_price_dollars`; they
/// are optional here because the captured (sanitised) fills keep only `ticker`, `order_id`,
/// `is_taker`, `count_fp`, `yes_price_dollars` and `fee_cost`. Use the accessors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fill {
    /// Fill id (equals `trade_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_id: Option<TradeId>,
    /// Trade id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_id: Option<TradeId>,
    /// The order that filled.
    pub order_id: OrderId,
    /// Market.
    pub ticker: MarketTicker,
    /// Twin of `ticker`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<MarketTicker>,
    /// Our client order id (not in SDK 3.34; sent by some versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
    /// Outcome we bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_side: Option<Outcome>,
    /// Our book side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book_side: Option<Side>,
    /// Deprecated: the legacy `side` (yes/no) ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Outcome>,
    /// ... and `action` (buy/sell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Contracts.
    pub count_fp: Qty,
    /// YES price.
    pub yes_price_dollars: Price,
    /// NO price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_price_dollars: Option<Price>,
    /// We took liquidity.
    pub is_taker: bool,
    /// Fee charged (`"0.054600"`).
    pub fee_cost: Money,
    /// Fill time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    /// Fill time, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
    /// Subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount_number: Option<i64>,
}

impl Fill {
    /// The trade id (`trade_id`, else `fill_id`).
    pub fn trade_id(&self) -> Option<&TradeId> {
        self.trade_id.as_ref().or(self.fill_id.as_ref())
    }

    /// Our book side: `book_side`, else from `outcome_side`, else from legacy `side` + `action`.
    pub fn book_side(&self) -> Option<Side> {
        self.book_side
            .or_else(|| self.outcome_side.map(Outcome::buying_side))
            .or_else(|| legacy_book_side(self.side?, self.action?))
    }

    /// The NO price: `no_price_dollars`, else $1 − YES price.
    pub fn no_price(&self) -> Price {
        self.no_price_dollars.unwrap_or(self.yes_price_dollars.complement())
    }

    /// Fill time in Unix milliseconds (from `ts`, else `created_time`).
    pub fn ts_ms(&self) -> Option<i64> {
        self.ts.and_then(|s| s.checked_mul(1000)).or_else(|| self.created_time.as_deref().and_then(rfc3339_ms))
    }

    /// The domain fill. Fails when the trade id or the side is missing.
    pub fn to_model(&self) -> Result<kmm_model::Fill> {
        let trade_id = self.trade_id().cloned().ok_or_else(|| Error::decode("fill", "missing trade_id/fill_id"))?;
        let side = self.book_side().ok_or_else(|| Error::decode("fill", format!("{trade_id}: missing book_side")))?;
        Ok(kmm_model::Fill {
            trade_id,
            order_id: self.order_id.clone(),
            ticker: self.ticker.clone(),
            side,
            price: self.yes_price_dollars,
            count: self.count_fp,
            is_taker: self.is_taker,
            fee: self.fee_cost,
            ts_ms: self.ts_ms(),
        })
    }
}

/// RFC 3339 → Unix milliseconds, `None` when it does not parse.
pub(crate) fn rfc3339_ms(text: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// `GET /portfolio/fills`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GetFillsResponse {
    /// One page of fills.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fills: Vec<Fill>,
    /// Next-page token, `""` on the last page.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cursor: String,
}

/// A settled position (`GET /portfolio/settlements`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// Market.
    pub ticker: MarketTicker,
    /// Its event.
    pub event_ticker: EventTicker,
    /// Shard (required by SDK 3.34, absent from real payloads; emitted as 0).
    #[serde(default, deserialize_with = "null_as_default")]
    pub exchange_index: i64,
    /// How the market resolved.
    pub market_result: MarketResult,
    /// YES contracts held at settlement.
    pub yes_count_fp: Qty,
    /// What they cost.
    pub yes_total_cost_dollars: Money,
    /// NO contracts held at settlement.
    pub no_count_fp: Qty,
    /// What they cost.
    pub no_total_cost_dollars: Money,
    /// Payout in **cents**.
    pub revenue: i64,
    /// Settlement time (RFC 3339).
    #[serde(default, deserialize_with = "null_as_default")]
    pub settled_time: String,
    /// Fees paid on the market.
    pub fee_cost: Money,
    /// Payout per YES contract in cents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
}

impl Settlement {
    /// The payout as money.
    pub fn revenue(&self) -> Result<Money> {
        Money::from_cents(self.revenue).map_err(|e| Error::decode("settlement revenue", e))
    }
}

/// `GET /portfolio/settlements`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GetSettlementsResponse {
    /// One page of settlements.
    #[serde(default, deserialize_with = "null_as_default")]
    pub settlements: Vec<Settlement>,
    /// Next-page token (optional here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}
