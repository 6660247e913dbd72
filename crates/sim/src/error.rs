//! The crate's one error type, with the Kalshi REST error code and HTTP status of each case.
//!
//! Only `invalid_order` and `bad_request` are codes seen from the real exchange; the other
//! spellings follow the reference's suggestions and Kalshi's FIX reject reasons in lower case.

use kmm_model::{ModelError, Money};

/// Why the exchange refused a command. A command that fails changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// The order is malformed: off-grid or out-of-range price, bad count, bad time in force.
    #[error("invalid order: {0}")]
    InvalidOrder(String),
    /// Available cash does not cover the collateral the order needs.
    #[error("insufficient balance: order needs {required}, available {available}")]
    InsufficientBalance {
        /// Extra collateral the command would lock.
        required: Money,
        /// Cash not already locked.
        available: Money,
    },
    /// The market is not open (not yet opened, closed or settled).
    #[error("market {0} is not open")]
    MarketClosed(String),
    /// Trading on the market is paused.
    #[error("trading is paused on {0}")]
    TradingPaused(String),
    /// A post-only order would have executed immediately.
    #[error("post-only order would cross the book")]
    PostOnlyCross,
    /// A fill-or-kill order (or `buy_max_cost` order) could not fill completely.
    #[error("fill-or-kill order cannot fill completely: {0}")]
    FokInsufficientVolume(String),
    /// The user already has an order with this client order id.
    #[error("an order with client_order_id {0:?} already exists")]
    OrderAlreadyExists(String),
    /// No such market, order, order group or user (for this user).
    #[error("{what} {id:?} not found")]
    NotFound {
        /// What was looked up: `"market"`, `"order"`, `"order group"`, `"user"`.
        what: &'static str,
        /// The id that was not found.
        id: String,
    },
    /// The order group hit its contracts limit; it rejects orders until reset.
    #[error("order group {0} exceeded its contracts limit")]
    OrderGroupLimitExceeded(String),
    /// The order is no longer resting (executed or canceled), so it cannot be amended or decreased.
    #[error("order {0} is not resting and cannot be modified")]
    OrderNotModifiable(String),
    /// A well-formed request the exchange's state does not allow (an admin call in the wrong
    /// market state, a duplicate market or user, a bad order-group limit).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// An arithmetic overflow or another internal inconsistency.
    #[error("internal error: {0}")]
    Internal(String),
}

impl SimError {
    /// Kalshi's REST error `code` for this error.
    pub fn code(&self) -> &'static str {
        match self {
            SimError::InvalidOrder(_) => "invalid_order",
            SimError::InsufficientBalance { .. } => "insufficient_balance",
            SimError::MarketClosed(_) => "market_closed",
            SimError::TradingPaused(_) => "trading_paused",
            SimError::PostOnlyCross => "post_only_cross",
            SimError::FokInsufficientVolume(_) => "fok_insufficient_volume",
            SimError::OrderAlreadyExists(_) => "order_already_exists",
            SimError::NotFound { .. } => "not_found",
            SimError::OrderGroupLimitExceeded(_) => "exceeded_order_group_risk_limit",
            SimError::OrderNotModifiable(_) => "cannot_update_filled_order",
            SimError::BadRequest(_) => "bad_request",
            SimError::Internal(_) => "internal_server_error",
        }
    }

    /// The HTTP status a REST server answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            SimError::OrderAlreadyExists(_) | SimError::OrderNotModifiable(_) => 409,
            SimError::NotFound { .. } => 404,
            SimError::Internal(_) => 500,
            SimError::InvalidOrder(_)
            | SimError::InsufficientBalance { .. }
            | SimError::MarketClosed(_)
            | SimError::TradingPaused(_)
            | SimError::PostOnlyCross
            | SimError::FokInsufficientVolume(_)
            | SimError::OrderGroupLimitExceeded(_)
            | SimError::BadRequest(_) => 400,
        }
    }

    pub(crate) fn not_found(what: &'static str, id: impl std::fmt::Display) -> Self {
        SimError::NotFound { what, id: id.to_string() }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        SimError::InvalidOrder(message.into())
    }
}

impl From<ModelError> for SimError {
    fn from(err: ModelError) -> Self {
        SimError::Internal(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses() {
        let cases = [
            (SimError::invalid("x"), "invalid_order", 400),
            (
                SimError::InsufficientBalance { required: Money::ZERO, available: Money::ZERO },
                "insufficient_balance",
                400,
            ),
            (SimError::MarketClosed("T".into()), "market_closed", 400),
            (SimError::TradingPaused("T".into()), "trading_paused", 400),
            (SimError::PostOnlyCross, "post_only_cross", 400),
            (SimError::FokInsufficientVolume("x".into()), "fok_insufficient_volume", 400),
            (SimError::OrderAlreadyExists("c".into()), "order_already_exists", 409),
            (SimError::not_found("order", "o"), "not_found", 404),
            (SimError::OrderGroupLimitExceeded("g".into()), "exceeded_order_group_risk_limit", 400),
            (SimError::OrderNotModifiable("o".into()), "cannot_update_filled_order", 409),
            (SimError::BadRequest("x".into()), "bad_request", 400),
            (SimError::Internal("x".into()), "internal_server_error", 500),
        ];
        for (err, code, status) in cases {
            assert_eq!(err.code(), code, "{err}");
            assert_eq!(err.http_status(), status, "{err}");
        }
    }
}
