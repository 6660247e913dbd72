//! Rate limits on the engine clock: a token bucket for order submits and a rolling window of
//! fills per market. Integer arithmetic only (milli-tokens), so replay is exact.

use std::collections::{BTreeMap, VecDeque};

use kmm_model::MarketTicker;

/// A token bucket refilled at `per_sec` tokens per second up to `burst`, in milli-tokens.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    per_sec: i64,
    capacity_milli: i64,
    tokens_milli: i64,
    last_ms: Option<i64>,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(per_sec: u32, burst: u32) -> Self {
        let capacity_milli = i64::from(burst.max(1)) * 1_000;
        Self { per_sec: i64::from(per_sec), capacity_milli, tokens_milli: capacity_milli, last_ms: None }
    }

    fn refill(&mut self, now_ms: i64) {
        let elapsed = self.last_ms.map_or(0, |last| now_ms.saturating_sub(last).max(0));
        // per_sec tokens per 1000 ms = per_sec milli-tokens per ms.
        self.tokens_milli =
            self.tokens_milli.saturating_add(elapsed.saturating_mul(self.per_sec)).min(self.capacity_milli);
        // A clock that steps back does not refill twice.
        self.last_ms = Some(self.last_ms.map_or(now_ms, |last| last.max(now_ms)));
    }

    /// True when a token is available at `now_ms` (does not take it).
    pub fn available(&mut self, now_ms: i64) -> bool {
        self.refill(now_ms);
        self.tokens_milli >= 1_000
    }

    /// Takes a token if one is available.
    pub fn try_take(&mut self, now_ms: i64) -> bool {
        if self.available(now_ms) {
            self.tokens_milli -= 1_000;
            true
        } else {
            false
        }
    }
}

/// Fill arrival times per market over a rolling minute.
#[derive(Debug, Clone, Default)]
pub struct FillRate {
    windows: BTreeMap<MarketTicker, VecDeque<i64>>,
}

/// The rolling window length.
pub const FILL_WINDOW_MS: i64 = 60_000;

impl FillRate {
    /// Records one fill.
    pub fn record(&mut self, ticker: &MarketTicker, now_ms: i64) {
        self.windows.entry(ticker.clone()).or_default().push_back(now_ms);
    }

    /// Fills in `ticker` within the last minute, `(now − 60 s, now]`.
    pub fn count(&mut self, ticker: &MarketTicker, now_ms: i64) -> usize {
        let Some(window) = self.windows.get_mut(ticker) else { return 0 };
        while window.front().is_some_and(|t| *t <= now_ms - FILL_WINDOW_MS) {
            window.pop_front();
        }
        window.len()
    }

    /// Markets with fills recorded in the window.
    pub fn markets(&self) -> Vec<MarketTicker> {
        self.windows.iter().filter(|(_, w)| !w.is_empty()).map(|(t, _)| t.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refills_on_the_engine_clock() {
        let mut b = TokenBucket::new(2, 2);
        assert!(b.try_take(0) && b.try_take(0), "burst of two");
        assert!(!b.try_take(0), "third in the same instant is over the burst");
        assert!(!b.try_take(499), "2/s refills one token in 500 ms, not 499");
        assert!(b.try_take(500));
        assert!(!b.try_take(100), "a clock stepping back refills nothing");
        assert!(b.try_take(1_000 + 500 * 2), "idle time refills, capped at the burst");
        assert!(b.try_take(2_000) && !b.try_take(2_000));
    }

    #[test]
    fn fill_window_is_one_minute() {
        let mut r = FillRate::default();
        let t = MarketTicker::new("M");
        r.record(&t, 0);
        r.record(&t, 30_000);
        assert_eq!(r.count(&t, 59_999), 2);
        assert_eq!(r.count(&t, 60_000), 1, "the fill at 0 leaves the window at 60 s");
        assert_eq!(r.count(&MarketTicker::new("other"), 0), 0);
    }
}
