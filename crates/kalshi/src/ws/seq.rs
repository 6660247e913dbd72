//! Per-subscription sequence checking.
//!
//! Kalshi numbers the frames of each subscription (`sid`) 1, 2, 3, ...: an orderbook
//! subscription's snapshots and deltas share one counter, and so do the `ok` replies to
//! `update_subscription` and the `unsubscribed` reply (the July 2026 capture shows `ok` frames
//! taking seq 1, 3, 4 and 6 between snapshots). Every frame that carries a `seq` must
//! therefore be observed, acks included, or a false gap is reported.

use std::collections::HashMap;

/// The verdict on one observed sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqCheck {
    /// The next number (or the first one seen on the sid).
    InOrder,
    /// Numbers were skipped: frames `expected..got` were lost. The tracker moves on to `got`.
    Gap {
        /// The number that should have come.
        expected: u64,
        /// The number that came.
        got: u64,
    },
    /// A number at or below the last one seen: a duplicate or a replay. Ignore the frame.
    Stale {
        /// The last number seen.
        last: u64,
        /// The number that came.
        got: u64,
    },
}

/// The last sequence number seen per subscription.
#[derive(Debug, Clone, Default)]
pub struct SeqTracker {
    last: HashMap<u64, u64>,
}

impl SeqTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `seq` on `sid` and says whether it follows the last one.
    ///
    /// The first number seen on a sid is accepted as in order (a tracker may start late);
    /// after a gap the tracker continues from `got`, so one loss is reported once.
    pub fn observe(&mut self, sid: u64, seq: u64) -> SeqCheck {
        match self.last.get_mut(&sid) {
            None => {
                self.last.insert(sid, seq);
                SeqCheck::InOrder
            }
            Some(last) if seq <= *last => SeqCheck::Stale { last: *last, got: seq },
            Some(last) => {
                let expected = last.saturating_add(1);
                *last = seq;
                if seq == expected { SeqCheck::InOrder } else { SeqCheck::Gap { expected, got: seq } }
            }
        }
    }

    /// The last number seen on `sid`.
    pub fn last(&self, sid: u64) -> Option<u64> {
        self.last.get(&sid).copied()
    }

    /// Forgets `sid` (it was unsubscribed or is being resubscribed).
    pub fn reset(&mut self, sid: u64) {
        self.last.remove(&sid);
    }

    /// Forgets every sid (a new connection numbers everything afresh).
    pub fn clear(&mut self) {
        self.last.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_gap_and_stale() {
        let mut t = SeqTracker::new();
        assert_eq!(t.observe(1, 1), SeqCheck::InOrder);
        assert_eq!(t.observe(1, 2), SeqCheck::InOrder);
        assert_eq!(t.observe(2, 7), SeqCheck::InOrder, "first number on a sid is accepted");
        assert_eq!(t.observe(1, 5), SeqCheck::Gap { expected: 3, got: 5 });
        assert_eq!(t.observe(1, 6), SeqCheck::InOrder, "a gap is reported once, then tracking resumes");
        assert_eq!(t.observe(1, 6), SeqCheck::Stale { last: 6, got: 6 });
        assert_eq!(t.observe(1, 2), SeqCheck::Stale { last: 6, got: 2 });
        assert_eq!(t.last(1), Some(6));
        t.reset(1);
        assert_eq!(t.last(1), None);
        assert_eq!(t.observe(1, 1), SeqCheck::InOrder, "a reset sid starts afresh");
        assert_eq!(t.observe(2, 8), SeqCheck::InOrder, "sids are independent");
        t.clear();
        assert_eq!(t.last(2), None);
    }
}
