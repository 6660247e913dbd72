//! The current (V2) order endpoints under `/portfolio/events/orders`: one YES `price`, a book
//! `side` (`bid`/`ask`), fixed-point `count` strings, and small acknowledgements carrying the
//! matching engine's `ts_ms`.

use kmm_model::{ClientOrderId, MarketTicker, Money, OrderId, Price, Qty, Side};
use serde::{Deserialize, Serialize};

use super::codec::{null_as_default, option_money4};
use super::error_body::ErrorDetail;
use super::order::{SelfTradePrevention, TimeInForce};

/// `POST /portfolio/events/orders` (and the items of the batch create).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderV2Request {
    /// Market.
    pub ticker: MarketTicker,
    /// Our id (dedupe key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Bid (buy YES) or ask (sell YES).
    pub side: Side,
    /// Contracts.
    pub count: Qty,
    /// YES limit price.
    pub price: Price,
    /// Time in force.
    pub time_in_force: TimeInForce,
    /// Self-trade prevention.
    pub self_trade_prevention_type: SelfTradePrevention,
    /// Expiry, Unix seconds (good-till-time; not with IOC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<i64>,
    /// Reject (cancel) if any part would take liquidity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_only: Option<bool>,
    /// Only reduce the position (IOC only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_only: Option<bool>,
    /// Cancel when trading pauses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_order_on_pause: Option<bool>,
    /// Order group (kill-switch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_group_id: Option<String>,
    /// Subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i64>,
    /// Shard (omit to auto-route).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

impl CreateOrderV2Request {
    /// A good-till-canceled limit order with STP `maker` and nothing else set.
    pub fn limit(ticker: MarketTicker, side: Side, price: Price, count: Qty) -> Self {
        Self {
            ticker,
            client_order_id: None,
            side,
            count,
            price,
            time_in_force: TimeInForce::GoodTillCanceled,
            self_trade_prevention_type: SelfTradePrevention::Maker,
            expiration_time: None,
            post_only: None,
            reduce_only: None,
            cancel_order_on_pause: None,
            order_group_id: None,
            subaccount: None,
            exchange_index: None,
        }
    }
}

/// `POST /portfolio/events/orders/{order_id}/amend`. `count` is the new **total** (filled +
/// remaining).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendOrderV2Request {
    /// Market.
    pub ticker: MarketTicker,
    /// Side (must match the order).
    pub side: Side,
    /// New YES price.
    pub price: Price,
    /// New total count.
    pub count: Qty,
    /// The order's current client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// New client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_client_order_id: Option<ClientOrderId>,
    /// Expiry, Unix seconds (omit = keep, 0 = remove).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<i64>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

/// `POST /portfolio/events/orders/{order_id}/decrease`: exactly one of `reduce_by` / `reduce_to`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DecreaseOrderV2Request {
    /// Contracts to remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_by: Option<Qty>,
    /// Remaining count to leave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_to: Option<Qty>,
    /// Market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<MarketTicker>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

impl DecreaseOrderV2Request {
    /// Remove `count` contracts.
    pub fn by(count: Qty) -> Self {
        Self { reduce_by: Some(count), ..Self::default() }
    }

    /// Leave `count` contracts resting.
    pub fn to(count: Qty) -> Self {
        Self { reduce_to: Some(count), ..Self::default() }
    }
}

/// `POST /portfolio/events/orders/batched`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCreateOrdersV2Request {
    /// The orders.
    pub orders: Vec<CreateOrderV2Request>,
}

/// One order to cancel in a batch (V2 and the legacy `orders` form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelOrderItem {
    /// The order.
    pub order_id: OrderId,
    /// Subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i64>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
    /// Market.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<MarketTicker>,
}

impl CancelOrderItem {
    /// Just the order id.
    pub fn new(order_id: OrderId) -> Self {
        Self { order_id, subaccount: None, exchange_index: None, market_ticker: None }
    }
}

/// `DELETE /portfolio/events/orders/batched`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCancelOrdersV2Request {
    /// The orders.
    pub orders: Vec<CancelOrderItem>,
}

/// `201` reply to a V2 create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderV2Response {
    /// Exchange order id.
    pub order_id: OrderId,
    /// Our id, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Filled on arrival.
    pub fill_count: Qty,
    /// Left resting (0 for IOC/FOK or a full fill).
    pub remaining_count: Qty,
    /// Average price of the fills on arrival (may need more than four decimals).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "option_money4")]
    pub average_fill_price: Option<Money>,
    /// Average fee per contract of those fills.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "option_money4")]
    pub average_fee_paid: Option<Money>,
    /// Matching-engine time, Unix ms.
    pub ts_ms: i64,
}

/// Reply to a V2 amend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendOrderV2Response {
    /// The order id (unchanged).
    pub order_id: OrderId,
    /// Its client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Left resting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_count: Option<Qty>,
    /// Filled in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_count: Option<Qty>,
    /// Average fill price, if the amend crossed.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "option_money4")]
    pub average_fill_price: Option<Money>,
    /// Average fee per contract.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "option_money4")]
    pub average_fee_paid: Option<Money>,
    /// Matching-engine time, Unix ms.
    pub ts_ms: i64,
}

/// Reply to a V2 decrease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecreaseOrderV2Response {
    /// The order.
    pub order_id: OrderId,
    /// Its client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Left resting.
    pub remaining_count: Qty,
    /// Matching-engine time, Unix ms.
    pub ts_ms: i64,
}

/// Reply to a V2 cancel (`DELETE /portfolio/events/orders/{order_id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelOrderV2Response {
    /// The order.
    pub order_id: OrderId,
    /// Its client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Contracts actually removed; `"0.00"` when it had already filled or been canceled.
    pub reduced_by: Qty,
    /// Matching-engine time, Unix ms.
    pub ts_ms: i64,
}

/// One result of a V2 batch create: the acknowledgement fields, or `error`. No field is
/// required.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCreateOrderV2Result {
    /// Exchange order id (on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<OrderId>,
    /// Our id, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Filled on arrival.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_count: Option<Qty>,
    /// Left resting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_count: Option<Qty>,
    /// Average fill price.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "option_money4")]
    pub average_fill_price: Option<Money>,
    /// Average fee per contract.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "option_money4")]
    pub average_fee_paid: Option<Money>,
    /// Matching-engine time, Unix ms (absent on error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
    /// Why this item failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

impl BatchCreateOrderV2Result {
    /// The success as a single-order response; `Err` with the item's error otherwise.
    pub fn into_result(self) -> std::result::Result<CreateOrderV2Response, ErrorDetail> {
        if let Some(error) = self.error {
            return Err(error);
        }
        match (self.order_id, self.fill_count, self.remaining_count, self.ts_ms) {
            (Some(order_id), Some(fill_count), Some(remaining_count), Some(ts_ms)) => Ok(CreateOrderV2Response {
                order_id,
                client_order_id: self.client_order_id,
                fill_count,
                remaining_count,
                average_fill_price: self.average_fill_price,
                average_fee_paid: self.average_fee_paid,
                ts_ms,
            }),
            _ => Err(ErrorDetail::new("incomplete_result", "batch item has neither an acknowledgement nor an error")),
        }
    }
}

/// `201` reply to a V2 batch create: one result per requested order, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCreateOrdersV2Response {
    /// Per-order results.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orders: Vec<BatchCreateOrderV2Result>,
}

/// One result of a V2 batch cancel. `reduced_by` is present even on error (`"0.00"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCancelOrderV2Result {
    /// The order.
    pub order_id: OrderId,
    /// Its client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Contracts removed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reduced_by: Qty,
    /// Matching-engine time, Unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
    /// Why this item failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

/// Reply to a V2 batch cancel.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCancelOrdersV2Response {
    /// Per-order results.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orders: Vec<BatchCancelOrderV2Result>,
}
