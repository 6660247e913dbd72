//! Order groups, Kalshi's per-group kill switch: when the contracts matched in a rolling
//! 15-second window reach the group's limit, all its orders are canceled and new ones rejected
//! until reset. `POST /portfolio/order_groups/create`, `GET /portfolio/order_groups[/{id}]`,
//! `PUT .../{id}/limit`; reset, trigger and delete answer `{}` ([`EmptyResponse`]).

use kmm_model::{OrderId, Qty};
use serde::{Deserialize, Serialize};

use super::codec::null_as_default;

/// `POST /portfolio/order_groups/create`: give one limit (`contracts_limit_fp` preferred).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateOrderGroupRequest {
    /// Limit in whole contracts (legacy twin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit: Option<i64>,
    /// Limit in contracts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit_fp: Option<Qty>,
    /// Subaccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i64>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

impl CreateOrderGroupRequest {
    /// A group with this contract limit.
    pub fn with_limit(limit: Qty) -> Self {
        Self { contracts_limit_fp: Some(limit), ..Self::default() }
    }

    /// The limit: `contracts_limit_fp`, else `contracts_limit` (whole contracts).
    pub fn limit(&self) -> Option<Qty> {
        self.contracts_limit_fp.or_else(|| self.contracts_limit.and_then(|n| Qty::from_contracts(n).ok()))
    }
}

/// `PUT /portfolio/order_groups/{id}/limit`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateOrderGroupLimitRequest {
    /// New limit in whole contracts (legacy twin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit: Option<i64>,
    /// New limit in contracts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit_fp: Option<Qty>,
}

impl UpdateOrderGroupLimitRequest {
    /// The limit: `contracts_limit_fp`, else `contracts_limit` (whole contracts).
    pub fn limit(&self) -> Option<Qty> {
        self.contracts_limit_fp.or_else(|| self.contracts_limit.and_then(|n| Qty::from_contracts(n).ok()))
    }
}

/// `201` reply to a create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderGroupResponse {
    /// The new group's id.
    pub order_group_id: String,
    /// Its subaccount (0 = primary).
    #[serde(default, deserialize_with = "null_as_default")]
    pub subaccount: i64,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

/// An order group in `GET /portfolio/order_groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderGroup {
    /// Group id.
    pub id: String,
    /// True once the limit was hit (orders canceled, new ones rejected until reset).
    pub is_auto_cancel_enabled: bool,
    /// Contract limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit_fp: Option<Qty>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

/// `GET /portfolio/order_groups`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GetOrderGroupsResponse {
    /// The groups (optional in the SDK; always emitted here).
    #[serde(default, deserialize_with = "null_as_default")]
    pub order_groups: Vec<OrderGroup>,
}

/// `GET /portfolio/order_groups/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrderGroupResponse {
    /// True once the limit was hit.
    pub is_auto_cancel_enabled: bool,
    /// Ids of the group's orders.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orders: Vec<OrderId>,
    /// Contract limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit_fp: Option<Qty>,
    /// Shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i64>,
}

/// `{}`: the reply to order-group reset, trigger, limit and delete (any keys are ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EmptyResponse {}
