//! Orders as Kalshi reports them (`GET /portfolio/orders`, `/portfolio/orders/{id}`, queue
//! positions) and the enums shared by order requests. The V2 write endpoints are in
//! [`super::order_v2`], the legacy v1 ones in [`super::order_legacy`].

use kmm_model::{ClientOrderId, MarketTicker, Money, OrderId, Outcome, Price, Qty, Side};
use serde::{Deserialize, Serialize};

use super::codec::{empty_as_none, money4, null_as_default};
use crate::error::{Error, Result};

/// An order's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// On the book, possibly partly filled.
    Resting,
    /// Off the book without filling completely.
    #[serde(alias = "cancelled")]
    Canceled,
    /// Completely filled.
    Executed,
    /// Accepted, not yet on the book (FIX has it; REST should not send it).
    Pending,
    /// A status this client does not know.
    #[serde(other)]
    Unknown,
}

impl OrderStatus {
    /// The domain status; `None` for `Pending` and `Unknown`.
    pub const fn to_model(self) -> Option<kmm_model::OrderStatus> {
        match self {
            OrderStatus::Resting => Some(kmm_model::OrderStatus::Resting),
            OrderStatus::Canceled => Some(kmm_model::OrderStatus::Canceled),
            OrderStatus::Executed => Some(kmm_model::OrderStatus::Executed),
            OrderStatus::Pending | OrderStatus::Unknown => None,
        }
    }
}

impl From<kmm_model::OrderStatus> for OrderStatus {
    fn from(value: kmm_model::OrderStatus) -> Self {
        match value {
            kmm_model::OrderStatus::Resting => OrderStatus::Resting,
            kmm_model::OrderStatus::Canceled => OrderStatus::Canceled,
            kmm_model::OrderStatus::Executed => OrderStatus::Executed,
        }
    }
}

/// An order's `type`. Every current order is a priced limit order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderType {
    /// A limit order.
    #[default]
    Limit,
    /// Legacy "market" order (still carried a price).
    Market,
    /// A type this client does not know.
    #[serde(other)]
    Unknown,
}

/// `time_in_force`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeInForce {
    /// Fill completely at once or cancel.
    FillOrKill,
    /// Rest until filled, canceled or expired.
    #[default]
    GoodTillCanceled,
    /// Fill what crosses now, cancel the rest.
    ImmediateOrCancel,
    /// A value this client does not know (the simulator rejects it).
    #[serde(other)]
    Unknown,
}

/// `self_trade_prevention_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfTradePrevention {
    /// Cancel the incoming (taker) order (FIX default).
    #[default]
    TakerAtCross,
    /// Cancel the resting (maker) order; the taker keeps matching.
    Maker,
    /// A value this client does not know (the simulator rejects it).
    #[serde(other)]
    Unknown,
}

/// Legacy `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Buy the `side` outcome.
    Buy,
    /// Sell the `side` outcome.
    Sell,
    /// A value this client does not know.
    #[serde(other)]
    Unknown,
}

/// The book side of a legacy (`side` yes/no, `action` buy/sell) order:
/// buy YES / sell NO rest on the bid, buy NO / sell YES on the ask.
pub fn legacy_book_side(side: Outcome, action: Action) -> Option<Side> {
    match (side, action) {
        (Outcome::Yes, Action::Buy) | (Outcome::No, Action::Sell) => Some(Side::Bid),
        (Outcome::No, Action::Buy) | (Outcome::Yes, Action::Sell) => Some(Side::Ask),
        (_, Action::Unknown) => None,
    }
}

/// The legacy `(side, action)` of a book side, buying the outcome (bid = buy YES, ask = buy NO).
pub const fn legacy_side_action(side: Side) -> (Outcome, Action) {
    (side.outcome(), Action::Buy)
}

/// An order (`GET /portfolio/orders`, and inside the legacy write responses).
///
/// Money fields are written with four decimals (more only when needed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Exchange order id.
    pub order_id: OrderId,
    /// Owner.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_id: String,
    /// Our id; Kalshi sends `""` for none (and this type writes `""` for `None`).
    #[serde(default, with = "empty_as_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Market.
    pub ticker: MarketTicker,
    /// Outcome bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_side: Option<Outcome>,
    /// Book side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub book_side: Option<Side>,
    /// Deprecated legacy `side` (yes/no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Outcome>,
    /// Deprecated legacy `action` (buy/sell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Order type.
    #[serde(default, rename = "type", deserialize_with = "null_as_default")]
    pub order_type: OrderType,
    /// Status.
    pub status: OrderStatus,
    /// YES limit price.
    pub yes_price_dollars: Price,
    /// NO limit price ($1 − YES).
    pub no_price_dollars: Price,
    /// Filled so far.
    pub fill_count_fp: Qty,
    /// Still resting.
    pub remaining_count_fp: Qty,
    /// Size when placed (or last amended).
    pub initial_count_fp: Qty,
    /// Cost of taker fills.
    #[serde(default, with = "money4")]
    pub taker_fill_cost_dollars: Money,
    /// Cost of maker fills.
    #[serde(default, with = "money4")]
    pub maker_fill_cost_dollars: Money,
    /// Taker fees paid.
    #[serde(default, with = "money4")]
    pub taker_fees_dollars: Money,
    /// Maker fees paid.
    #[serde(default, with = "money4")]
    pub maker_fees_dollars: Money,
    /// Expiry (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<String>,
    /// Creation (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    /// Last update (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<String>,
    /// Self-trade prevention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_trade_prevention_type: Option<SelfTradePrevention>,
    /// Order group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_group_id: Option<String>,
    /// Canceled if trading pauses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_order_on_pause: Option<bool>,
    /// Subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount_number: Option<i64>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

impl Order {
    /// Book side: `book_side`, else from `outcome_side`, else from legacy `side` + `action`.
    pub fn book_side(&self) -> Option<Side> {
        self.book_side
            .or_else(|| self.outcome_side.map(Outcome::buying_side))
            .or_else(|| legacy_book_side(self.side?, self.action?))
    }

    /// The domain order. Fails when the side or status is unknown.
    pub fn to_model(&self) -> Result<kmm_model::Order> {
        let side =
            self.book_side().ok_or_else(|| Error::decode("order", format!("{}: missing side", self.order_id)))?;
        let status = self
            .status
            .to_model()
            .ok_or_else(|| Error::decode("order", format!("{}: status {:?}", self.order_id, self.status)))?;
        Ok(kmm_model::Order {
            order_id: self.order_id.clone(),
            client_order_id: self.client_order_id.clone(),
            ticker: self.ticker.clone(),
            side,
            price: self.yes_price_dollars,
            initial: self.initial_count_fp,
            filled: self.fill_count_fp,
            remaining: self.remaining_count_fp,
            status,
        })
    }

    /// The wire form of a domain order (what the simulator emits), with both current and
    /// legacy side fields and zero costs; set the other fields afterwards.
    pub fn from_model(order: &kmm_model::Order, user_id: impl Into<String>) -> Self {
        let (side, action) = legacy_side_action(order.side);
        Self {
            order_id: order.order_id.clone(),
            user_id: user_id.into(),
            client_order_id: order.client_order_id.clone(),
            ticker: order.ticker.clone(),
            outcome_side: Some(order.side.outcome()),
            book_side: Some(order.side),
            side: Some(side),
            action: Some(action),
            order_type: OrderType::Limit,
            status: order.status.into(),
            yes_price_dollars: order.price,
            no_price_dollars: order.price.complement(),
            fill_count_fp: order.filled,
            remaining_count_fp: order.remaining,
            initial_count_fp: order.initial,
            taker_fill_cost_dollars: Money::ZERO,
            maker_fill_cost_dollars: Money::ZERO,
            taker_fees_dollars: Money::ZERO,
            maker_fees_dollars: Money::ZERO,
            expiration_time: None,
            created_time: None,
            last_update_time: None,
            self_trade_prevention_type: None,
            order_group_id: None,
            cancel_order_on_pause: None,
            subaccount_number: None,
            exchange_index: None,
        }
    }
}

/// `GET /portfolio/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GetOrdersResponse {
    /// One page of orders.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orders: Vec<Order>,
    /// Next-page token, `""` on the last page.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cursor: String,
}

/// `GET /portfolio/orders/{order_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrderResponse {
    /// The order.
    pub order: Order,
}

/// `GET /portfolio/orders/{order_id}/queue_position`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrderQueuePositionResponse {
    /// Contracts ahead of the order at its price.
    pub queue_position_fp: Qty,
}

/// One order's queue position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePosition {
    /// The order.
    pub order_id: OrderId,
    /// Its market.
    pub market_ticker: MarketTicker,
    /// Contracts ahead of it.
    pub queue_position_fp: Qty,
}

/// `GET /portfolio/orders/queue_positions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GetOrderQueuePositionsResponse {
    /// Queue positions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub queue_positions: Vec<QueuePosition>,
}
