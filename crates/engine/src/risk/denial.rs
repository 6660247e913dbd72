//! Why the risk gate refused an order action.

use kmm_model::{MarketTicker, Money, Qty, Side};
use serde::{Deserialize, Serialize};

use super::state::Scope;

/// A refused order action. Cancels are never refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    /// A kill-switch or daily-loss latch (or an explicit halt) covers the market.
    #[error("halted ({scope}): {reason}")]
    Halted {
        /// Where the halt applies.
        scope: Scope,
        /// Why, for the UI and the log.
        reason: String,
    },
    /// The market (or everything) is `Reducing` and the action would not shrink the position.
    #[error("{ticker}: reducing only ({scope}), and this order does not reduce the position")]
    ReducingOnly {
        /// The market.
        ticker: MarketTicker,
        /// Where the reducing state applies.
        scope: Scope,
    },
    /// The market's book is too old (or was never synced: `age_ms` is `None`).
    #[error("{ticker}: book is stale ({})", age_text(*age_ms))]
    StaleBook {
        /// The market.
        ticker: MarketTicker,
        /// Book age in ms; `None` when there is no book.
        age_ms: Option<i64>,
    },
    /// The worst-case position on one side would exceed the per-market limit.
    #[error("{ticker}: worst-case {} position {worst_case} would exceed the limit {limit}", direction(*side))]
    PositionLimit {
        /// The market.
        ticker: MarketTicker,
        /// `Bid` for the long direction, `Ask` for the short one.
        side: Side,
        /// Position plus every live order on that side as if filled, plus this one.
        worst_case: Qty,
        /// The limit.
        limit: Qty,
    },
    /// The worst-case loss summed over markets would exceed the exposure limit.
    #[error("worst-case exposure ${exposure} would exceed the limit ${limit}")]
    ExposureLimit {
        /// Total exposure with this action.
        exposure: Money,
        /// The limit.
        limit: Money,
    },
    /// The day's P&L is at or below the loss limit.
    #[error("daily P&L ${pnl} is at or below the loss limit -${limit}")]
    DailyLoss {
        /// Realised + marked − fees.
        pnl: Money,
        /// The configured (positive) limit.
        limit: Money,
    },
    /// Too many live orders in the market or in total.
    #[error("{open} live orders ({scope}) reach the limit {limit}")]
    MaxOpenOrders {
        /// Where the limit applies.
        scope: Scope,
        /// Live orders now.
        open: u32,
        /// The limit.
        limit: u32,
    },
    /// The order submit rate would be exceeded.
    #[error("order rate above {per_sec}/s")]
    OrderRate {
        /// The configured sustained rate.
        per_sec: u32,
    },
    /// The action itself is malformed (zero size, untradable price, wrong market).
    #[error("invalid order: {reason}")]
    Invalid {
        /// What is wrong.
        reason: &'static str,
    },
}

fn age_text(age_ms: Option<i64>) -> String {
    age_ms.map_or_else(|| "no book".to_owned(), |a| format!("{a} ms old"))
}

fn direction(side: Side) -> &'static str {
    match side {
        Side::Bid => "long",
        Side::Ask => "short",
    }
}

/// A [`Denial`]'s variant without its data: the key of the denial counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DenialKind {
    /// [`Denial::Halted`].
    Halted,
    /// [`Denial::ReducingOnly`].
    ReducingOnly,
    /// [`Denial::StaleBook`].
    StaleBook,
    /// [`Denial::PositionLimit`].
    PositionLimit,
    /// [`Denial::ExposureLimit`].
    ExposureLimit,
    /// [`Denial::DailyLoss`].
    DailyLoss,
    /// [`Denial::MaxOpenOrders`].
    MaxOpenOrders,
    /// [`Denial::OrderRate`].
    OrderRate,
    /// [`Denial::Invalid`].
    Invalid,
}

impl Denial {
    /// The variant, for counting.
    pub fn kind(&self) -> DenialKind {
        match self {
            Denial::Halted { .. } => DenialKind::Halted,
            Denial::ReducingOnly { .. } => DenialKind::ReducingOnly,
            Denial::StaleBook { .. } => DenialKind::StaleBook,
            Denial::PositionLimit { .. } => DenialKind::PositionLimit,
            Denial::ExposureLimit { .. } => DenialKind::ExposureLimit,
            Denial::DailyLoss { .. } => DenialKind::DailyLoss,
            Denial::MaxOpenOrders { .. } => DenialKind::MaxOpenOrders,
            Denial::OrderRate { .. } => DenialKind::OrderRate,
            Denial::Invalid { .. } => DenialKind::Invalid,
        }
    }
}
