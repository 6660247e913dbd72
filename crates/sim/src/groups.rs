//! Order groups: a per-user kill switch over a rolling 15-second window of matched contracts.
//!
//! Every fill of an order in a group adds its count to the group's window. When the
//! contracts matched in the last 15 s reach `contracts_limit`, the group triggers: its resting
//! orders are canceled and new orders naming it are rejected until it is reset. The exchange
//! processes one incoming order atomically, so a trigger caused by its fills takes effect
//! when that order's matching ends (a fill-or-kill order is never cut short).

use std::collections::{BTreeSet, VecDeque};

use kmm_model::{OrderId, Qty};
use serde::{Deserialize, Serialize};

use crate::ids::{OrderGroupId, UserId};
use crate::matching::OrderKey;

/// Length of the rolling window.
pub const WINDOW_MS: i64 = 15_000;

/// A group as the exchange keeps it.
#[derive(Debug, Clone)]
pub(crate) struct OrderGroup {
    pub(crate) id: OrderGroupId,
    pub(crate) user: UserId,
    pub(crate) limit: Qty,
    pub(crate) triggered: bool,
    /// Resting orders in the group.
    pub(crate) resting: BTreeSet<OrderKey>,
    window: VecDeque<(i64, i64)>,
    window_sum: i64,
}

impl OrderGroup {
    pub(crate) fn new(id: OrderGroupId, user: UserId, limit: Qty) -> Self {
        Self { id, user, limit, triggered: false, resting: BTreeSet::new(), window: VecDeque::new(), window_sum: 0 }
    }

    fn prune(&mut self, now_ms: i64) {
        while let Some(&(ts, units)) = self.window.front() {
            if ts > now_ms - WINDOW_MS {
                break;
            }
            self.window.pop_front();
            self.window_sum -= units;
        }
    }

    /// Contracts matched in the window ending at `now_ms`.
    pub(crate) fn usage(&mut self, now_ms: i64) -> Qty {
        self.prune(now_ms);
        Qty::from_units(self.window_sum)
    }

    /// Contracts matched in the window ending at `now_ms`, without pruning.
    pub(crate) fn usage_at(&self, now_ms: i64) -> Qty {
        Qty::from_units(self.window.iter().filter(|(ts, _)| *ts > now_ms - WINDOW_MS).map(|(_, u)| u).sum())
    }

    /// Records matched contracts; true when this makes a live group reach its limit.
    pub(crate) fn record(&mut self, now_ms: i64, count: Qty) -> bool {
        self.window.push_back((now_ms, count.units()));
        self.window_sum += count.units();
        !self.triggered && self.usage(now_ms) >= self.limit
    }

    /// Clears the trigger and the window.
    pub(crate) fn reset(&mut self) {
        self.triggered = false;
        self.window.clear();
        self.window_sum = 0;
    }
}

/// An order group as the read API reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderGroupInfo {
    /// Group id.
    pub id: OrderGroupId,
    /// Owner.
    pub user: UserId,
    /// Contracts that may match within 15 s before the group triggers.
    pub contracts_limit: Qty,
    /// True after the limit was hit (or a manual trigger) and before a reset.
    pub triggered: bool,
    /// Contracts matched in the current window.
    pub matched_in_window: Qty,
    /// The group's resting orders.
    pub orders: Vec<OrderId>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn window_rolls_after_fifteen_seconds() {
        let mut g = OrderGroup::new("g".into(), "u".into(), Qty::from_contracts(10).unwrap());
        assert!(!g.record(0, Qty::from_contracts(6).unwrap()));
        assert!(!g.record(14_999, Qty::from_contracts(3).unwrap()));
        assert_eq!(g.usage(14_999), Qty::from_contracts(9).unwrap());
        assert!(!g.record(15_000, Qty::from_contracts(1).unwrap()), "the first 6 left the window at 15 s");
        assert!(g.record(15_001, Qty::from_contracts(6).unwrap()), "3 + 1 + 6 = 10 reaches the limit");
        g.triggered = true;
        assert!(!g.record(15_002, Qty::from_contracts(1).unwrap()), "a triggered group does not re-trigger");
        g.reset();
        assert_eq!(g.usage(15_002), Qty::ZERO);
    }
}
