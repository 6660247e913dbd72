//! The simulator's own identifiers ([`UserId`], [`OrderGroupId`]) and deterministic id generation.
//!
//! Exchange ids are UUID-shaped strings built from counters, so a run is reproducible:
//! `{namespace:08x}-{kind:04x}-4000-8000-{counter:012x}`. The namespace keeps ids of two
//! simulator runs apart when a caller wants that (e.g. a paper-trading journal that dedupes
//! fills by trade id across restarts).

use kmm_model::{OrderId, TradeId};

kmm_model::id_type!(
    /// An account on the simulated exchange (Kalshi's `user_id`).
    UserId
);
kmm_model::id_type!(
    /// An order group (Kalshi's `order_group_id`).
    OrderGroupId
);

/// Counter-based id source.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdGen {
    namespace: u32,
    orders: u64,
    trades: u64,
    groups: u64,
}

const ORDER: u16 = 1;
const TRADE: u16 = 2;
const GROUP: u16 = 3;

impl IdGen {
    pub(crate) fn new(namespace: u32) -> Self {
        Self { namespace, ..Self::default() }
    }

    fn format(&self, kind: u16, n: u64) -> String {
        format!("{:08x}-{kind:04x}-4000-8000-{:012x}", self.namespace, n & 0xffff_ffff_ffff)
    }

    /// The next order id and its sequence number (the book's internal key).
    pub(crate) fn next_order(&mut self) -> (OrderId, u64) {
        self.orders += 1;
        (OrderId::new(self.format(ORDER, self.orders)), self.orders)
    }

    pub(crate) fn next_trade(&mut self) -> TradeId {
        self.trades += 1;
        TradeId::new(self.format(TRADE, self.trades))
    }

    pub(crate) fn next_group(&mut self) -> OrderGroupId {
        self.groups += 1;
        OrderGroupId::new(self.format(GROUP, self.groups))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_shaped_and_deterministic() {
        let mut a = IdGen::new(0xabc);
        let mut b = IdGen::new(0xabc);
        let (first, key) = a.next_order();
        assert_eq!(first.as_str(), "00000abc-0001-4000-8000-000000000001");
        assert_eq!(key, 1);
        assert_eq!(b.next_order().0, first, "same namespace, same sequence");
        assert_eq!(a.next_trade().as_str(), "00000abc-0002-4000-8000-000000000001");
        assert_eq!(a.next_group().as_str().len(), 36);
        assert_ne!(IdGen::new(1).next_order().0, IdGen::new(2).next_order().0, "namespaces keep runs apart");
    }
}
