//! Orders, fills and positions as the market maker sees them.

use serde::{Deserialize, Serialize};

use crate::error::ModelError;
use crate::ids::{ClientOrderId, MarketTicker, OrderId, TradeId};
use crate::side::Side;
use crate::units::{Money, Price, Qty};

/// Where an order is in its life (Kalshi's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// On the book, possibly partly filled.
    Resting,
    /// Off the book without filling completely (user, IOC remainder, expiry, STP, close).
    Canceled,
    /// Completely filled.
    Executed,
}

impl OrderStatus {
    /// True once the order can no longer fill.
    pub const fn is_final(self) -> bool {
        !matches!(self, OrderStatus::Resting)
    }
}

/// An order on one market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// The exchange's id.
    pub order_id: OrderId,
    /// Our id, when we set one.
    pub client_order_id: Option<ClientOrderId>,
    /// The market.
    pub ticker: MarketTicker,
    /// Bid (buy YES) or ask (sell YES).
    pub side: Side,
    /// Limit price in YES terms.
    pub price: Price,
    /// Count when placed (or last amended).
    pub initial: Qty,
    /// Count filled so far.
    pub filled: Qty,
    /// Count still on the book.
    pub remaining: Qty,
    /// Life-cycle state.
    pub status: OrderStatus,
}

/// One execution of one of our orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fill {
    /// The trade's id; fills are unique by it.
    pub trade_id: TradeId,
    /// The order that filled.
    pub order_id: OrderId,
    /// The market.
    pub ticker: MarketTicker,
    /// Our side: bid bought YES, ask sold YES (bought NO).
    pub side: Side,
    /// YES price of the trade.
    pub price: Price,
    /// Contracts traded.
    pub count: Qty,
    /// Whether we took liquidity.
    pub is_taker: bool,
    /// Fee charged for this fill.
    pub fee: Money,
    /// Exchange time in Unix milliseconds, when known.
    pub ts_ms: Option<i64>,
}

/// A net position in one market, with average-cost accounting in YES terms.
///
/// `qty` is signed (+ YES, − NO). `cost` is what the open position cost in YES terms (negative
/// when short YES, i.e. long NO: the proceeds received). Closing realises P&L against the
/// average cost; integer division leaves any remainder in `cost`, so cost plus realised P&L
/// always equals the cash that actually moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The market.
    pub ticker: MarketTicker,
    /// Net contracts: + YES, − NO.
    pub qty: Qty,
    /// Cost of the open position in YES terms.
    pub cost: Money,
    /// Realised trading P&L, before fees.
    pub realized: Money,
    /// Fees paid.
    pub fees: Money,
}

impl Position {
    /// A flat position.
    pub fn flat(ticker: MarketTicker) -> Self {
        Self { ticker, qty: Qty::ZERO, cost: Money::ZERO, realized: Money::ZERO, fees: Money::ZERO }
    }

    /// Applies one fill.
    pub fn apply(&mut self, side: Side, price: Price, count: Qty, fee: Money) -> Result<(), ModelError> {
        let signed = Qty::from_units(count.units().abs() * side.sign());
        let pos = self.qty.units();
        let same_direction = pos == 0 || (pos > 0) == (signed.units() > 0);
        if same_direction {
            self.cost = self.cost.checked_add(Money::notional(price, signed)?)?;
        } else {
            let closing = count.units().abs().min(pos.abs());
            let cost_removed = i128::from(self.cost.micros()) * i128::from(closing) / i128::from(pos.abs());
            let cost_removed =
                Money::from_micros(i64::try_from(cost_removed).map_err(|_| ModelError::Overflow("position cost"))?);
            // Closing `closing` contracts of a position with sign s at price p moves s·p·closing.
            let closing_signed = Qty::from_units(closing * pos.signum());
            let proceeds = Money::notional(price, closing_signed)?;
            self.realized = self.realized.checked_add(proceeds.checked_sub(cost_removed)?)?;
            self.cost = self.cost.checked_sub(cost_removed)?;
            let opening = count.units().abs() - closing;
            if opening > 0 {
                self.cost = self.cost.checked_add(Money::notional(price, Qty::from_units(opening * side.sign()))?)?;
            }
        }
        self.qty = self.qty.checked_add(signed)?;
        self.fees = self.fees.checked_add(fee)?;
        Ok(())
    }

    /// P&L if the position were closed at `mark` (YES price), before fees.
    pub fn marked_pnl(&self, mark: Price) -> Result<Money, ModelError> {
        let value = Money::notional(mark, self.qty)?;
        self.realized.checked_add(value.checked_sub(self.cost)?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn c(n: i64) -> Qty {
        Qty::from_contracts(n).unwrap()
    }
    fn p(cents: i64) -> Price {
        Price::from_cents(cents).unwrap()
    }

    #[test]
    fn round_trip_realises_the_spread() {
        let mut pos = Position::flat("T".into());
        pos.apply(Side::Bid, p(43), c(10), Money::ZERO).unwrap();
        pos.apply(Side::Ask, p(47), c(10), Money::ZERO).unwrap();
        assert_eq!(pos.qty, Qty::ZERO);
        assert_eq!(pos.cost, Money::ZERO);
        assert_eq!(pos.realized.to_string(), "0.400000", "10 × 4¢");
    }

    #[test]
    fn short_yes_gains_when_price_falls_and_flips() {
        let mut pos = Position::flat("T".into());
        pos.apply(Side::Ask, p(60), c(5), Money::ZERO).unwrap();
        assert_eq!(pos.marked_pnl(p(50)).unwrap().to_string(), "0.500000");
        pos.apply(Side::Bid, p(50), c(8), Money::from_micros(100)).unwrap();
        assert_eq!(pos.qty, c(3), "flipped to 3 long");
        assert_eq!(pos.realized.to_string(), "0.500000");
        assert_eq!(pos.cost.to_string(), "1.500000", "3 opened at 50¢");
        assert_eq!(pos.fees.micros(), 100);
    }

    proptest! {
        /// Cash conservation: realised + open cost always equals the net cash paid for trades.
        #[test]
        fn cost_plus_realised_equals_cash(fills in proptest::collection::vec((any::<bool>(), 1i64..100, 1i64..5000), 1..40)) {
            let mut pos = Position::flat("T".into());
            let mut cash_paid: i64 = 0;
            let mut net: i64 = 0;
            for (bid, cents, units) in fills {
                let side = if bid { Side::Bid } else { Side::Ask };
                pos.apply(side, p(cents), Qty::from_units(units), Money::ZERO).unwrap();
                cash_paid += side.sign() * cents * 100 * units;
                net += side.sign() * units;
            }
            prop_assert_eq!(pos.qty.units(), net);
            prop_assert_eq!(pos.cost.micros() - pos.realized.micros(), cash_paid);
            if net == 0 { prop_assert_eq!(pos.cost, Money::ZERO); }
        }
    }
}
