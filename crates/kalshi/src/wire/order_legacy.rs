//! The legacy ("v1") order endpoints under `/portfolio/orders`: `side` yes/no + `action`
//! buy/sell, prices as integer cents or `*_dollars`, counts as integers or `count_fp`.
//! Deprecated by Kalshi; kept so the simulator can accept them. The accessors resolve the
//! twin fields (current ones first) and check Kalshi's rules (exactly one price; count and
//! `count_fp` must agree).

use kmm_model::{ClientOrderId, OrderId, Outcome, Price, Qty, Side};
use serde::{Deserialize, Serialize};

use super::codec::null_as_default;
use super::error_body::ErrorDetail;
use super::order::{Action, Order, OrderType, SelfTradePrevention, TimeInForce, legacy_book_side};
use super::order_v2::{CancelOrderItem, CreateOrderV2Request};
use crate::error::{Error, Result};
use kmm_model::MarketTicker;

fn invalid(what: &str, message: impl std::fmt::Display) -> Error {
    Error::decode(what, message)
}

/// Resolves one count from its `_fp` and integer twins.
fn resolve_count(what: &str, fp: Option<Qty>, whole: Option<i64>) -> Result<Option<Qty>> {
    let whole = whole.map(|n| Qty::from_contracts(n).map_err(|e| invalid(what, e))).transpose()?;
    match (fp, whole) {
        (Some(a), Some(b)) if a != b => Err(invalid(what, format!("{what}_fp {a} and {what} {b} disagree"))),
        (a, b) => Ok(a.or(b)),
    }
}

/// Resolves the YES price from exactly one of the four price fields.
fn resolve_yes_price(
    yes_price: Option<i64>,
    no_price: Option<i64>,
    yes_price_dollars: Option<Price>,
    no_price_dollars: Option<Price>,
) -> Result<Price> {
    let given = [yes_price.is_some(), no_price.is_some(), yes_price_dollars.is_some(), no_price_dollars.is_some()];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(invalid(
            "order price",
            "exactly one of yes_price, no_price, yes_price_dollars, or no_price_dollars should be provided",
        ));
    }
    let cents = |c: i64| Price::from_cents(c).map_err(|e| invalid("order price", e));
    match (yes_price, no_price, yes_price_dollars, no_price_dollars) {
        (Some(c), ..) => cents(c),
        (_, Some(c), ..) => cents(c).map(Price::complement),
        (_, _, Some(p), _) => Ok(p),
        (_, _, _, Some(p)) => Ok(p.complement()),
        (None, None, None, None) => Err(invalid("order price", "no price")),
    }
}

/// `POST /portfolio/orders` (legacy create; also the items of the legacy batch create).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderRequest {
    /// Market.
    pub ticker: MarketTicker,
    /// Outcome traded.
    pub side: Outcome,
    /// Buy or sell it.
    pub action: Action,
    /// Whole contracts (legacy twin of `count_fp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Contracts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_fp: Option<Qty>,
    /// YES price in cents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_price: Option<i64>,
    /// NO price in cents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_price: Option<i64>,
    /// YES price in dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_price_dollars: Option<Price>,
    /// NO price in dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_price_dollars: Option<Price>,
    /// Our id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// Order type (SDK ≤ 3.2 only).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub order_type: Option<OrderType>,
    /// Time in force (good-till-canceled when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_in_force: Option<TimeInForce>,
    /// Expiry, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_ts: Option<i64>,
    /// Cost cap in cents (makes the order fill-or-kill).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy_max_cost: Option<i64>,
    /// Post-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_only: Option<bool>,
    /// Reduce-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_only: Option<bool>,
    /// Deprecated; only 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sell_position_floor: Option<i64>,
    /// Self-trade prevention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_trade_prevention_type: Option<SelfTradePrevention>,
    /// Order group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_group_id: Option<String>,
    /// Cancel when trading pauses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_order_on_pause: Option<bool>,
    /// Subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i64>,
    /// Shard (−1 = auto-route).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

impl CreateOrderRequest {
    /// The count: `count_fp`, else `count`; both given must agree.
    pub fn count(&self) -> Result<Qty> {
        resolve_count("count", self.count_fp, self.count)?.ok_or_else(|| invalid("count", "count or count_fp required"))
    }

    /// The YES limit price from exactly one of the four price fields.
    pub fn yes_price(&self) -> Result<Price> {
        resolve_yes_price(self.yes_price, self.no_price, self.yes_price_dollars, self.no_price_dollars)
    }

    /// Book side: buy YES / sell NO = bid, buy NO / sell YES = ask.
    pub fn book_side(&self) -> Result<Side> {
        legacy_book_side(self.side, self.action).ok_or_else(|| invalid("order action", "unknown action"))
    }

    /// The same order as a V2 request (GTC and STP `taker_at_cross` when not given).
    pub fn to_v2(&self) -> Result<CreateOrderV2Request> {
        Ok(CreateOrderV2Request {
            ticker: self.ticker.clone(),
            client_order_id: self.client_order_id.clone(),
            side: self.book_side()?,
            count: self.count()?,
            price: self.yes_price()?,
            time_in_force: self.time_in_force.unwrap_or_default(),
            self_trade_prevention_type: self.self_trade_prevention_type.unwrap_or_default(),
            expiration_time: self.expiration_ts,
            post_only: self.post_only,
            reduce_only: self.reduce_only,
            cancel_order_on_pause: self.cancel_order_on_pause,
            order_group_id: self.order_group_id.clone(),
            subaccount: self.subaccount,
            exchange_index: self.exchange_index,
        })
    }
}

/// Reply to a legacy create (`201 {order}`), and to a legacy decrease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderResponse {
    /// The order.
    pub order: Order,
}

/// Reply to a legacy decrease (`{order}`).
pub type DecreaseOrderResponse = CreateOrderResponse;

/// Reply to a legacy cancel (`DELETE /portfolio/orders/{id}`): the order with nothing left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelOrderResponse {
    /// The canceled order.
    pub order: Order,
    /// Contracts removed (legacy integer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduced_by: Option<i64>,
    /// Contracts removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduced_by_fp: Option<Qty>,
}

impl CancelOrderResponse {
    /// Contracts removed: `reduced_by_fp`, else `reduced_by`.
    pub fn reduced_by(&self) -> Result<Option<Qty>> {
        resolve_count("reduced_by", self.reduced_by_fp, self.reduced_by)
    }
}

/// `POST /portfolio/orders/{order_id}/amend` (legacy). `count` is the new total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendOrderRequest {
    /// Market.
    pub ticker: MarketTicker,
    /// Outcome (must match the order).
    pub side: Outcome,
    /// Action (must match the order).
    pub action: Action,
    /// New YES price in cents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_price: Option<i64>,
    /// New NO price in cents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_price: Option<i64>,
    /// New YES price in dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_price_dollars: Option<Price>,
    /// New NO price in dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_price_dollars: Option<Price>,
    /// New total, whole contracts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// New total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_fp: Option<Qty>,
    /// The order's current client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// New client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_client_order_id: Option<ClientOrderId>,
    /// Subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i64>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

impl AmendOrderRequest {
    /// The new total count.
    pub fn count(&self) -> Result<Qty> {
        resolve_count("count", self.count_fp, self.count)?.ok_or_else(|| invalid("count", "count or count_fp required"))
    }

    /// The new YES price.
    pub fn yes_price(&self) -> Result<Price> {
        resolve_yes_price(self.yes_price, self.no_price, self.yes_price_dollars, self.no_price_dollars)
    }

    /// Book side.
    pub fn book_side(&self) -> Result<Side> {
        legacy_book_side(self.side, self.action).ok_or_else(|| invalid("order action", "unknown action"))
    }
}

/// Reply to a legacy amend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendOrderResponse {
    /// The order before.
    pub old_order: Order,
    /// The order after.
    pub order: Order,
}

/// How a decrease is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decrease {
    /// Remove this many contracts.
    By(Qty),
    /// Leave this many resting.
    To(Qty),
}

/// `POST /portfolio/orders/{order_id}/decrease` (legacy): exactly one of `reduce_by` /
/// `reduce_to` (or their `_fp` twins).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DecreaseOrderRequest {
    /// Contracts to remove (whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_by: Option<i64>,
    /// Contracts to remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_by_fp: Option<Qty>,
    /// Count to leave (whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_to: Option<i64>,
    /// Count to leave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduce_to_fp: Option<Qty>,
}

impl DecreaseOrderRequest {
    /// The decrease; fails unless exactly one of by/to is given.
    pub fn decrease(&self) -> Result<Decrease> {
        let by = resolve_count("reduce_by", self.reduce_by_fp, self.reduce_by)?;
        let to = resolve_count("reduce_to", self.reduce_to_fp, self.reduce_to)?;
        match (by, to) {
            (Some(q), None) => Ok(Decrease::By(q)),
            (None, Some(q)) => Ok(Decrease::To(q)),
            _ => Err(invalid("decrease", "exactly one of reduce_by or reduce_to should be provided")),
        }
    }
}

/// `POST /portfolio/orders/batched` (legacy).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCreateOrdersRequest {
    /// The orders.
    pub orders: Vec<CreateOrderRequest>,
}

/// One result of a legacy batch create.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCreateOrderResult {
    /// Our id, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<ClientOrderId>,
    /// The order (on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

/// `201` reply to a legacy batch create.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCreateOrdersResponse {
    /// Per-order results.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orders: Vec<BatchCreateOrderResult>,
}

/// `DELETE /portfolio/orders/batched` (legacy): `ids` or `orders`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCancelOrdersRequest {
    /// Order ids (older form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<OrderId>>,
    /// Orders (newer form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orders: Option<Vec<CancelOrderItem>>,
}

impl BatchCancelOrdersRequest {
    /// Every order id asked for, from either form.
    pub fn order_ids(&self) -> Vec<OrderId> {
        let ids = self.ids.iter().flatten().cloned();
        ids.chain(self.orders.iter().flatten().map(|o| o.order_id.clone())).collect()
    }
}

/// One result of a legacy batch cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchCancelOrderResult {
    /// The order id.
    pub order_id: OrderId,
    /// The order after the cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// Contracts removed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reduced_by_fp: Qty,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

/// Reply to a legacy batch cancel.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchCancelOrdersResponse {
    /// Per-order results.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orders: Vec<BatchCancelOrderResult>,
}
