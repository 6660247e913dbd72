//! A market's order book in Kalshi's form: two ladders of bids, YES and NO, on flat arrays.
//!
//! A YES bid at p is the same as a NO ask at $1 − p, so the best YES ask is $1 minus the best
//! NO bid. Levels are indexed by price in $0.001 steps (the finest grid Kalshi lists, 1 001
//! slots per ladder), so applying a delta is an array write and the best price is kept
//! without scanning except when the best level empties.

use crate::error::ModelError;
use crate::side::Outcome;
use crate::units::{Price, Qty};

/// $0.0001 units per slot.
const SLOT: i64 = 10;
/// Slots per ladder: prices $0.000 ..= $1.000.
const SLOTS: usize = 1_001;

/// One ladder of bids.
#[derive(Clone)]
struct Ladder {
    depth: Box<[i64; SLOTS]>,
    /// Index of the best (highest) non-empty level, if any.
    best: Option<usize>,
}

impl Ladder {
    fn new() -> Self {
        Self { depth: Box::new([0; SLOTS]), best: None }
    }

    fn clear(&mut self) {
        self.depth.fill(0);
        self.best = None;
    }

    fn set(&mut self, slot: usize, units: i64) {
        self.depth[slot] = units;
        if units > 0 {
            if self.best.is_none_or(|b| slot > b) {
                self.best = Some(slot);
            }
        } else if self.best == Some(slot) {
            self.best = (0..slot).rev().find(|&i| self.depth[i] > 0);
        }
    }

    fn levels(&self) -> impl DoubleEndedIterator<Item = (Price, Qty)> + '_ {
        let top = self.best.map_or(0, |b| b + 1);
        self.depth[..top]
            .iter()
            .enumerate()
            .filter(|(_, d)| **d > 0)
            .filter_map(|(i, d)| Some((slot_price(i)?, Qty::from_units(*d))))
    }
}

fn slot_of(price: Price) -> Result<usize, ModelError> {
    if price.units() % SLOT != 0 {
        return Err(ModelError::OffGrid(price));
    }
    usize::try_from(price.units() / SLOT).map_err(|_| ModelError::OffGrid(price))
}

fn slot_price(slot: usize) -> Option<Price> {
    Price::from_units(i64::try_from(slot).ok()? * SLOT).ok()
}

/// The two bid ladders of one market.
#[derive(Clone)]
pub struct OrderBook {
    yes: Ladder,
    no: Ladder,
}

impl Default for OrderBook {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for OrderBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrderBook")
            .field("yes", &self.levels(Outcome::Yes).collect::<Vec<_>>())
            .field("no", &self.levels(Outcome::No).collect::<Vec<_>>())
            .finish()
    }
}

impl PartialEq for OrderBook {
    fn eq(&self, other: &Self) -> bool {
        self.yes.depth == other.yes.depth && self.no.depth == other.no.depth
    }
}

impl Eq for OrderBook {}

impl OrderBook {
    /// An empty book.
    pub fn new() -> Self {
        Self { yes: Ladder::new(), no: Ladder::new() }
    }

    fn ladder_mut(&mut self, outcome: Outcome) -> &mut Ladder {
        match outcome {
            Outcome::Yes => &mut self.yes,
            Outcome::No => &mut self.no,
        }
    }

    fn ladder(&self, outcome: Outcome) -> &Ladder {
        match outcome {
            Outcome::Yes => &self.yes,
            Outcome::No => &self.no,
        }
    }

    /// Replaces the whole book. On error the book is left empty, never half-built.
    pub fn apply_snapshot<'a>(
        &mut self,
        yes: impl IntoIterator<Item = &'a (Price, Qty)>,
        no: impl IntoIterator<Item = &'a (Price, Qty)>,
    ) -> Result<(), ModelError> {
        self.yes.clear();
        self.no.clear();
        let result = self.fill_side(Outcome::Yes, yes).and_then(|()| self.fill_side(Outcome::No, no));
        if result.is_err() {
            self.yes.clear();
            self.no.clear();
        }
        result
    }

    fn fill_side<'a>(
        &mut self,
        outcome: Outcome,
        levels: impl IntoIterator<Item = &'a (Price, Qty)>,
    ) -> Result<(), ModelError> {
        for (price, qty) in levels {
            if qty.units() < 0 {
                return Err(ModelError::OutOfRange { what: "level size", value: qty.units() });
            }
            let slot = slot_of(*price)?;
            self.ladder_mut(outcome).set(slot, qty.units());
        }
        Ok(())
    }

    /// Adds `delta` (signed) to the level at `price` on the `outcome` ladder and returns the
    /// new size. A delta that would leave a negative size is an error and changes nothing:
    /// the book is out of sync with the exchange and needs a fresh snapshot.
    pub fn apply_delta(&mut self, outcome: Outcome, price: Price, delta: Qty) -> Result<Qty, ModelError> {
        let slot = slot_of(price)?;
        let ladder = self.ladder_mut(outcome);
        let new = ladder.depth[slot].checked_add(delta.units()).ok_or(ModelError::Overflow("book level"))?;
        if new < 0 {
            return Err(ModelError::OutOfRange { what: "level size after delta", value: new });
        }
        ladder.set(slot, new);
        Ok(Qty::from_units(new))
    }

    /// Resting size at `price` on the `outcome` ladder.
    pub fn size_at(&self, outcome: Outcome, price: Price) -> Qty {
        slot_of(price).map_or(Qty::ZERO, |s| Qty::from_units(self.ladder(outcome).depth[s]))
    }

    /// Best bid on a ladder: highest price with size.
    pub fn best_bid(&self, outcome: Outcome) -> Option<(Price, Qty)> {
        let ladder = self.ladder(outcome);
        let slot = ladder.best?;
        Some((slot_price(slot)?, Qty::from_units(ladder.depth[slot])))
    }

    /// Best ask for an outcome: $1 minus the best bid of the other outcome.
    pub fn best_ask(&self, outcome: Outcome) -> Option<(Price, Qty)> {
        let other = match outcome {
            Outcome::Yes => Outcome::No,
            Outcome::No => Outcome::Yes,
        };
        self.best_bid(other).map(|(p, q)| (p.complement(), q))
    }

    /// Levels of one ladder in ascending price order, as Kalshi sends them.
    pub fn levels(&self, outcome: Outcome) -> impl DoubleEndedIterator<Item = (Price, Qty)> + '_ {
        self.ladder(outcome).levels()
    }

    /// True when neither ladder has any size.
    pub fn is_empty(&self) -> bool {
        self.yes.best.is_none() && self.no.best.is_none()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn lvl(cents: i64, count: i64) -> (Price, Qty) {
        (Price::from_cents(cents).unwrap(), Qty::from_contracts(count).unwrap())
    }

    #[test]
    fn best_prices_follow_deltas() {
        let mut book = OrderBook::new();
        book.apply_snapshot(&[lvl(40, 5), lvl(42, 10)], &[lvl(52, 3)]).unwrap();
        assert_eq!(book.best_bid(Outcome::Yes), Some(lvl(42, 10)));
        assert_eq!(book.best_ask(Outcome::Yes), Some(lvl(48, 3)), "YES ask = 1 − best NO bid");
        book.apply_delta(Outcome::Yes, Price::from_cents(42).unwrap(), Qty::from_contracts(-10).unwrap()).unwrap();
        assert_eq!(book.best_bid(Outcome::Yes), Some(lvl(40, 5)), "emptied best level falls back");
        book.apply_delta(Outcome::Yes, Price::from_cents(45).unwrap(), Qty::from_contracts(1).unwrap()).unwrap();
        assert_eq!(book.best_bid(Outcome::Yes), Some(lvl(45, 1)));
        assert_eq!(book.levels(Outcome::Yes).collect::<Vec<_>>(), vec![lvl(40, 5), lvl(45, 1)]);
    }

    #[test]
    fn bad_deltas_change_nothing() {
        let mut book = OrderBook::new();
        book.apply_snapshot(&[lvl(40, 5)], &[]).unwrap();
        let before = book.clone();
        assert!(
            book.apply_delta(Outcome::Yes, Price::from_cents(40).unwrap(), Qty::from_contracts(-6).unwrap()).is_err()
        );
        assert!(matches!(
            book.apply_delta(Outcome::Yes, Price::from_units(4_005).unwrap(), Qty::from_contracts(1).unwrap()),
            Err(ModelError::OffGrid(_))
        ));
        assert_eq!(book, before);
    }

    #[test]
    fn failed_snapshot_leaves_empty_book() {
        let mut book = OrderBook::new();
        let bad = [(Price::from_units(4_001).unwrap(), Qty::from_contracts(1).unwrap())];
        assert!(book.apply_snapshot(&[lvl(40, 5)], &bad).is_err());
        assert!(book.is_empty());
    }

    proptest! {
        /// The flat book agrees with a map-based model after any sequence of valid deltas.
        #[test]
        fn matches_reference_model(ops in proptest::collection::vec((any::<bool>(), 0usize..=1000, -500i64..500), 1..300)) {
            let mut book = OrderBook::new();
            let mut model: [BTreeMap<usize, i64>; 2] = [BTreeMap::new(), BTreeMap::new()];
            for (yes, slot, delta) in ops {
                let outcome = if yes { Outcome::Yes } else { Outcome::No };
                let side = &mut model[usize::from(!yes)];
                let current = side.get(&slot).copied().unwrap_or(0);
                let price = slot_price(slot).unwrap();
                let result = book.apply_delta(outcome, price, Qty::from_units(delta));
                if current + delta < 0 {
                    prop_assert!(result.is_err());
                } else {
                    prop_assert_eq!(result.unwrap().units(), current + delta);
                    if current + delta == 0 { side.remove(&slot); } else { side.insert(slot, current + delta); }
                }
                for (outcome, side) in [(Outcome::Yes, &model[0]), (Outcome::No, &model[1])] {
                    let expected_best = side.iter().next_back().map(|(s, d)| (slot_price(*s).unwrap(), Qty::from_units(*d)));
                    prop_assert_eq!(book.best_bid(outcome), expected_best);
                }
            }
        }
    }
}
