//! Everything the exchange reports: one [`Event`] per state change, in the order they happened.
//!
//! The server turns these into WebSocket frames: `BookChanged` into `orderbook_delta`,
//! `Trade` into `trade`, `Fill` into `fill`, `OrderUpdated` into `user_order`,
//! `PositionChanged` into `market_position`, `MarketStatusChanged`/`Settled` into
//! `market_lifecycle_v2`, `OrderGroupUpdated` into `order_group_updates`. Applying every
//! `BookChanged` of a market to an empty [`kmm_model::OrderBook`] gives
//! [`crate::Exchange::book_snapshot`].

use kmm_model::{ClientOrderId, MarketTicker, Outcome, Position, Price, Qty, Side, TradeId};
use serde::{Deserialize, Serialize};

use crate::accounts::FillRecord;
use crate::ids::{OrderGroupId, UserId};
use crate::market::{MarketStatus, SettlementResult};
use crate::order::OrderRecord;

/// A public trade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeRecord {
    /// Trade id (shared by both parties' fills).
    pub trade_id: TradeId,
    /// Market.
    pub ticker: MarketTicker,
    /// YES price (the resting order's price).
    pub price: Price,
    /// Contracts.
    pub count: Qty,
    /// The taker's side: bid = bought YES, ask = bought NO.
    pub taker_side: Side,
    /// Execution time (Unix ms).
    pub ts_ms: i64,
}

/// What happened to an order group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupChange {
    /// Created.
    Created,
    /// Hit its limit or was triggered by hand: its orders were canceled.
    Triggered,
    /// Reset: accepts orders again.
    Reset,
    /// Its contracts limit changed.
    LimitUpdated,
    /// Deleted: its orders were canceled.
    Deleted,
}

/// One state change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Resting size changed at one level of the aggregate book.
    BookChanged {
        /// Market.
        ticker: MarketTicker,
        /// Which ladder: YES (bids) or NO (asks at $1 − price).
        outcome: Outcome,
        /// Price on that ladder.
        price: Price,
        /// Signed change of the level's size.
        delta: Qty,
        /// Owner of the order whose resting size changed.
        user: UserId,
        /// That order's client order id: Kalshi shows it only to `user`.
        client_order_id: Option<ClientOrderId>,
    },
    /// A trade printed.
    Trade(TradeRecord),
    /// One party's side of a trade.
    Fill {
        /// The party.
        user: UserId,
        /// The fill.
        fill: FillRecord,
    },
    /// An order was created, filled, amended, decreased or canceled.
    OrderUpdated {
        /// Owner.
        user: UserId,
        /// The order after the change.
        order: OrderRecord,
    },
    /// A position changed (a fill or a settlement).
    PositionChanged {
        /// Owner.
        user: UserId,
        /// Market.
        ticker: MarketTicker,
        /// The position after the change.
        position: Position,
    },
    /// A market opened, paused, resumed, closed or settled.
    MarketStatusChanged {
        /// Market.
        ticker: MarketTicker,
        /// New status.
        status: MarketStatus,
        /// When (Unix ms).
        ts_ms: i64,
    },
    /// A market settled (positions were paid and zeroed just before).
    Settled {
        /// Market.
        ticker: MarketTicker,
        /// Result.
        result: SettlementResult,
        /// When (Unix ms).
        ts_ms: i64,
    },
    /// An order group changed.
    OrderGroupUpdated {
        /// Owner.
        user: UserId,
        /// Group.
        group_id: OrderGroupId,
        /// What happened.
        change: GroupChange,
    },
}
