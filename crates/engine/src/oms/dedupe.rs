//! Fill de-duplication by trade id with bounded memory: the most recent ids per market,
//! oldest evicted first once a market holds `cap` of them.

use std::collections::{BTreeMap, HashSet, VecDeque};

use kmm_model::{MarketTicker, TradeId};

#[derive(Debug, Clone, Default)]
struct Seen {
    ids: HashSet<TradeId>,
    order: VecDeque<TradeId>,
}

/// Remembers recent trade ids.
#[derive(Debug, Clone)]
pub struct FillDedupe {
    cap: usize,
    markets: BTreeMap<MarketTicker, Seen>,
}

impl FillDedupe {
    /// Keeps up to `cap` ids per market (at least 1).
    pub fn new(cap: usize) -> Self {
        Self { cap: cap.max(1), markets: BTreeMap::new() }
    }

    /// Records `trade_id`; false when it was already seen.
    pub fn insert(&mut self, ticker: &MarketTicker, trade_id: &TradeId) -> bool {
        let seen = self.markets.entry(ticker.clone()).or_default();
        if !seen.ids.insert(trade_id.clone()) {
            return false;
        }
        seen.order.push_back(trade_id.clone());
        while seen.order.len() > self.cap {
            if let Some(old) = seen.order.pop_front() {
                seen.ids.remove(&old);
            }
        }
        true
    }

    /// Ids remembered for `ticker`.
    pub fn len(&self, ticker: &MarketTicker) -> usize {
        self.markets.get(ticker).map_or(0, |s| s.order.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_refused_and_memory_is_bounded() {
        let mut d = FillDedupe::new(2);
        let (m, n) = (MarketTicker::new("M"), MarketTicker::new("N"));
        assert!(d.insert(&m, &TradeId::new("t1")));
        assert!(!d.insert(&m, &TradeId::new("t1")), "same id twice");
        assert!(d.insert(&n, &TradeId::new("t1")), "markets are separate");
        assert!(d.insert(&m, &TradeId::new("t2")) && d.insert(&m, &TradeId::new("t3")));
        assert_eq!(d.len(&m), 2, "capped");
        assert!(!d.insert(&m, &TradeId::new("t3")), "recent ids are still remembered");
        assert!(d.insert(&m, &TradeId::new("t1")), "the oldest was evicted");
    }
}
