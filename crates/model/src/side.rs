//! Order direction in one YES-priced book.

use serde::{Deserialize, Serialize};

/// Which side of the YES book an order rests on: `Bid` buys YES (≡ sells NO), `Ask` sells
/// YES (≡ buys NO). This is Kalshi's V2 `book_side`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Buy YES at the YES price.
    Bid,
    /// Sell YES at the YES price (buy NO at $1 − price).
    Ask,
}

impl Side {
    /// The opposite side.
    pub const fn opposite(self) -> Side {
        match self {
            Side::Bid => Side::Ask,
            Side::Ask => Side::Bid,
        }
    }

    /// +1 for a bid (position grows), −1 for an ask.
    pub const fn sign(self) -> i64 {
        match self {
            Side::Bid => 1,
            Side::Ask => -1,
        }
    }

    /// The outcome this side buys: a bid buys YES, an ask buys NO.
    pub const fn outcome(self) -> Outcome {
        match self {
            Side::Bid => Outcome::Yes,
            Side::Ask => Outcome::No,
        }
    }
}

/// A market's outcome: YES or NO (Kalshi's `outcome_side`, and the ladder of a book delta).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The YES contract.
    Yes,
    /// The NO contract.
    No,
}

impl Outcome {
    /// The book side that buys this outcome.
    pub const fn buying_side(self) -> Side {
        match self {
            Outcome::Yes => Side::Bid,
            Outcome::No => Side::Ask,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_and_outcomes_are_dual() {
        for side in [Side::Bid, Side::Ask] {
            assert_eq!(side.outcome().buying_side(), side);
            assert_eq!(side.opposite().sign(), -side.sign());
        }
    }
}
