//! Order commands (create, amend, decrease), their results, and the exchange's record of an order.

use kmm_model::{ClientOrderId, EventTicker, MarketTicker, Money, Order, OrderId, OrderStatus, Price, Qty, Side};
use serde::{Deserialize, Serialize};

use crate::ids::{OrderGroupId, UserId};

/// How long an order may rest (Kalshi's `time_in_force`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeInForce {
    /// Rests until filled, canceled or expired (the default when a request omits it).
    #[default]
    GoodTillCanceled,
    /// Fills what it can at once; the rest is canceled.
    ImmediateOrCancel,
    /// Fills completely at once or is rejected with nothing filled.
    FillOrKill,
}

/// What happens when an order would trade with the same user's resting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfTradePrevention {
    /// The incoming order is canceled (fills already made stand). Kalshi's FIX default.
    #[default]
    TakerAtCross,
    /// The resting order is canceled and the incoming order keeps matching.
    Maker,
}

/// Why an order left the book without filling completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// Canceled by its owner (cancel, cancel-all, batch cancel).
    User,
    /// Decreased to zero.
    Decreased,
    /// The unfilled part of an immediate-or-cancel order.
    ImmediateOrCancel,
    /// Its expiration time passed.
    Expired,
    /// Self-trade prevention `taker_at_cross`: it would have hit the same user's order.
    SelfTradeTaker,
    /// Self-trade prevention `maker`: a same-user taker arrived.
    SelfTradeMaker,
    /// The market closed.
    MarketClosed,
    /// Trading paused and the order had `cancel_order_on_pause`.
    TradingPaused,
    /// Its order group hit its limit, was triggered or was deleted.
    OrderGroup,
    /// A reduce-only order found no position to reduce.
    ReduceOnly,
}

/// A new order (Kalshi's `CreateOrderV2Request`, in domain types).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    /// Market.
    pub ticker: MarketTicker,
    /// Bid buys YES, ask sells YES (buys NO at $1 − price).
    pub side: Side,
    /// Limit, as a YES price.
    pub price: Price,
    /// Contracts.
    pub count: Qty,
    /// Time in force.
    pub time_in_force: TimeInForce,
    /// Self-trade prevention.
    pub self_trade_prevention: SelfTradePrevention,
    /// The user's own id for the order, unique among the user's orders.
    pub client_order_id: Option<ClientOrderId>,
    /// Good-till-time: the order is canceled once `now_ms >= expiration_ms` (GTC only).
    pub expiration_ms: Option<i64>,
    /// Reject instead of taking liquidity.
    pub post_only: bool,
    /// Only reduce the position (immediate-or-cancel only); the count is capped to it.
    pub reduce_only: bool,
    /// Fill-or-kill with a cap on the total cost of the bought side (YES cost for a bid, NO
    /// cost for an ask; fees excluded). Forces `FillOrKill`.
    pub buy_max_cost: Option<Money>,
    /// Cancel the order if trading on the market is paused.
    pub cancel_order_on_pause: bool,
    /// The order group it belongs to.
    pub order_group_id: Option<OrderGroupId>,
}

impl OrderRequest {
    /// A plain good-till-canceled limit order with `taker_at_cross` self-trade prevention.
    pub fn new(ticker: MarketTicker, side: Side, price: Price, count: Qty) -> Self {
        Self {
            ticker,
            side,
            price,
            count,
            time_in_force: TimeInForce::GoodTillCanceled,
            self_trade_prevention: SelfTradePrevention::TakerAtCross,
            client_order_id: None,
            expiration_ms: None,
            post_only: false,
            reduce_only: false,
            buy_max_cost: None,
            cancel_order_on_pause: false,
            order_group_id: None,
        }
    }
}

/// What an amend does to the expiration time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpirationChange {
    /// Leave it as it is.
    #[default]
    Keep,
    /// Make the order good-till-canceled.
    Remove,
    /// Expire at this time (Unix ms, must be in the future).
    Set(i64),
}

/// A change of price and/or size of a resting order (Kalshi's `AmendOrderV2Request`).
///
/// Lowering the size at the same price keeps the queue position; a price change or a size
/// increase re-queues the order at the back, and a new price that crosses the book trades
/// like a new taker order. An expiry-only amend keeps the queue position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendRequest {
    /// Must be the order's market.
    pub ticker: MarketTicker,
    /// Must be the order's side.
    pub side: Side,
    /// New limit (YES price).
    pub price: Price,
    /// New **total** count: filled so far plus the desired remaining; must exceed the filled count.
    pub count: Qty,
    /// A new client order id, unique among the user's orders.
    pub updated_client_order_id: Option<ClientOrderId>,
    /// Expiration change.
    pub expiration: ExpirationChange,
}

/// How much to take off a resting order (Kalshi's decrease: exactly one of `reduce_by`/`reduce_to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decrease {
    /// Remove this many contracts (more than remaining cancels the order).
    By(Qty),
    /// Leave this many contracts resting (at most the current remaining; 0 cancels).
    To(Qty),
}

/// The exchange's full record of one order, as the REST and WebSocket layers report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    /// Exchange id.
    pub order_id: OrderId,
    /// Owner.
    pub user: UserId,
    /// Owner's id, if given.
    pub client_order_id: Option<ClientOrderId>,
    /// Market.
    pub ticker: MarketTicker,
    /// The market's event.
    pub event_ticker: EventTicker,
    /// Bid or ask.
    pub side: Side,
    /// Limit (YES price).
    pub price: Price,
    /// Count at placement or last amend (new total).
    pub initial: Qty,
    /// Filled so far.
    pub filled: Qty,
    /// Still resting (0 once executed or canceled).
    pub remaining: Qty,
    /// Life-cycle state.
    pub status: OrderStatus,
    /// Time in force.
    pub time_in_force: TimeInForce,
    /// Self-trade prevention.
    pub self_trade_prevention: SelfTradePrevention,
    /// Post-only flag.
    pub post_only: bool,
    /// Reduce-only flag.
    pub reduce_only: bool,
    /// Cancel-on-pause flag.
    pub cancel_order_on_pause: bool,
    /// Order group.
    pub order_group_id: Option<OrderGroupId>,
    /// Expiration time (Unix ms).
    pub expiration_ms: Option<i64>,
    /// Creation time (Unix ms).
    pub created_ms: i64,
    /// Last change (Unix ms).
    pub updated_ms: i64,
    /// Cost of the contracts bought as taker, in the bought outcome's price (YES price for a
    /// bid, NO price for an ask).
    pub taker_fill_cost: Money,
    /// Same as maker.
    pub maker_fill_cost: Money,
    /// Fees paid as taker.
    pub taker_fees: Money,
    /// Fees paid as maker.
    pub maker_fees: Money,
    /// Why it was canceled, when it was.
    pub cancel_reason: Option<CancelReason>,
}

impl OrderRecord {
    /// The market maker's view of this order.
    pub fn to_model(&self) -> Order {
        Order {
            order_id: self.order_id.clone(),
            client_order_id: self.client_order_id.clone(),
            ticker: self.ticker.clone(),
            side: self.side,
            price: self.price,
            initial: self.initial,
            filled: self.filled,
            remaining: self.remaining,
            status: self.status,
        }
    }

    /// True while the order is on the book.
    pub fn is_resting(&self) -> bool {
        self.status == OrderStatus::Resting
    }
}

/// The result of an amend: the order before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amended {
    /// Before the amend.
    pub old: OrderRecord,
    /// After the amend (and any execution it caused).
    pub order: OrderRecord,
}

/// The result of a cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canceled {
    /// The order after the cancel.
    pub order: OrderRecord,
    /// Contracts actually removed from the book: zero when it had already executed or been canceled.
    pub reduced_by: Qty,
}

/// Which orders a listing returns; every field left `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    /// Only this market.
    pub ticker: Option<MarketTicker>,
    /// Only this event's markets.
    pub event_ticker: Option<EventTicker>,
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Created at or after (Unix ms).
    pub min_created_ms: Option<i64>,
    /// Created at or before (Unix ms).
    pub max_created_ms: Option<i64>,
}

impl OrderFilter {
    /// True when `order` passes every set condition.
    pub fn matches(&self, order: &OrderRecord) -> bool {
        self.ticker.as_ref().is_none_or(|t| *t == order.ticker)
            && self.event_ticker.as_ref().is_none_or(|e| *e == order.event_ticker)
            && self.status.is_none_or(|s| s == order.status)
            && self.min_created_ms.is_none_or(|t| order.created_ms >= t)
            && self.max_created_ms.is_none_or(|t| order.created_ms <= t)
    }
}
