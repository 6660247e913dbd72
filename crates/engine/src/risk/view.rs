//! What the risk gate looks at ([`RiskView`]) and the worst-case arithmetic over it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use kmm_model::{MarketTicker, Money, Position, Price, Qty, Side};

use crate::oms::{Leg, OrderTracker};

/// Positions by market, however the portfolio stores them.
pub trait Positions {
    /// The position in `ticker`, if any (absent = flat).
    fn position(&self, ticker: &MarketTicker) -> Option<&Position>;
    /// Markets with a position.
    fn markets(&self) -> Vec<MarketTicker>;
}

impl Positions for BTreeMap<MarketTicker, Position> {
    fn position(&self, ticker: &MarketTicker) -> Option<&Position> {
        self.get(ticker)
    }
    fn markets(&self) -> Vec<MarketTicker> {
        self.keys().cloned().collect()
    }
}

impl Positions for HashMap<MarketTicker, Position> {
    fn position(&self, ticker: &MarketTicker) -> Option<&Position> {
        self.get(ticker)
    }
    fn markets(&self) -> Vec<MarketTicker> {
        self.keys().cloned().collect()
    }
}

impl Positions for Vec<Position> {
    fn position(&self, ticker: &MarketTicker) -> Option<&Position> {
        self.iter().find(|p| &p.ticker == ticker)
    }
    fn markets(&self) -> Vec<MarketTicker> {
        self.iter().map(|p| p.ticker.clone()).collect()
    }
}

/// Everything a risk decision needs, borrowed from the runner's state. Build it afresh for
/// each check (it is a handful of references), so that orders sent a moment ago count.
pub struct RiskView<'a> {
    /// Live, in-flight and unknown orders.
    pub orders: &'a OrderTracker,
    /// Positions (quantity and cost) by market.
    pub positions: &'a dyn Positions,
    /// The day's P&L: realised + marked − fees.
    pub pnl: Money,
    /// When each market's book was last known good (Unix ms); `None` = never synced.
    pub book_time_ms: &'a dyn Fn(&MarketTicker) -> Option<i64>,
}

impl std::fmt::Debug for RiskView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RiskView").field("open_orders", &self.orders.open_count()).field("pnl", &self.pnl).finish()
    }
}

impl RiskView<'_> {
    /// The net position in `ticker`.
    pub fn position_qty(&self, ticker: &MarketTicker) -> Qty {
        self.positions.position(ticker).map_or(Qty::ZERO, |p| p.qty)
    }

    /// Every market with a position or orders.
    pub fn markets(&self) -> BTreeSet<MarketTicker> {
        let mut all = self.orders.tickers();
        all.extend(self.positions.markets());
        all
    }

    /// Worst-case loss over all markets, in micro-dollars.
    pub fn total_at_risk(&self) -> i128 {
        self.markets().iter().map(|t| self.market_at_risk(t, &LegSums::of(&self.orders.legs(t)))).sum()
    }

    /// Worst-case loss in one market with the given orders.
    pub fn market_at_risk(&self, ticker: &MarketTicker, legs: &LegSums) -> i128 {
        let (qty, cost) = self
            .positions
            .position(ticker)
            .map_or((0, 0), |p| (i128::from(p.qty.units()), i128::from(p.cost.micros())));
        legs.at_risk(qty, cost)
    }
}

/// Orders of one market summed per side: contracts, and the money each side puts at risk
/// (a bid risks its price, an ask risks $1 − price: the NO side it buys).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LegSums {
    /// Contracts that could still be bought.
    pub bid_qty: i64,
    /// Contracts that could still be sold.
    pub ask_qty: i64,
    /// Σ price × qty over bids, micro-dollars.
    pub bid_cost: i128,
    /// Σ ($1 − price) × qty over asks, micro-dollars.
    pub ask_cost: i128,
}

fn leg_cost(leg: &Leg) -> i128 {
    let per = match leg.side {
        Side::Bid => leg.price.units(),
        Side::Ask => Price::ONE.units() - leg.price.units(),
    };
    i128::from(per) * i128::from(leg.qty.units())
}

impl LegSums {
    /// Sums legs.
    pub fn of(legs: &[Leg]) -> Self {
        let mut sums = Self::default();
        for leg in legs {
            sums.add(leg);
        }
        sums
    }

    /// Adds one leg.
    pub fn add(&mut self, leg: &Leg) {
        match leg.side {
            Side::Bid => {
                self.bid_qty = self.bid_qty.saturating_add(leg.qty.units());
                self.bid_cost += leg_cost(leg);
            }
            Side::Ask => {
                self.ask_qty = self.ask_qty.saturating_add(leg.qty.units());
                self.ask_cost += leg_cost(leg);
            }
        }
    }

    /// Removes one leg.
    pub fn sub(&mut self, leg: &Leg) {
        match leg.side {
            Side::Bid => {
                self.bid_qty = self.bid_qty.saturating_sub(leg.qty.units());
                self.bid_cost -= leg_cost(leg);
            }
            Side::Ask => {
                self.ask_qty = self.ask_qty.saturating_sub(leg.qty.units());
                self.ask_cost -= leg_cost(leg);
            }
        }
    }

    /// `position + bids`.
    pub fn max_long(&self, position: Qty) -> i64 {
        position.units().saturating_add(self.bid_qty)
    }

    /// `asks − position`.
    pub fn max_short(&self, position: Qty) -> i64 {
        self.ask_qty.saturating_sub(position.units())
    }

    /// The worst settlement loss of a position (`qty`, `cost` in YES terms, micro-dollars)
    /// plus these orders. Settling NO loses the cost of everything long; settling YES loses
    /// `qty × $1 − cost` on everything short. Partial fills are never worse than one of the
    /// two extremes (all bids fill, or all asks fill), so this is the exact maximum, floored
    /// at zero.
    pub fn at_risk(&self, qty: i128, cost: i128) -> i128 {
        let settles_no = cost + self.bid_cost;
        let settles_yes = cost - qty * i128::from(Price::ONE.units()) + self.ask_cost;
        settles_no.max(settles_yes).max(0)
    }
}

/// Clamps micro-dollars to [`Money`].
pub(super) fn money(micros: i128) -> Money {
    Money::from_micros(i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn leg(side: Side, cents: i64, contracts: i64) -> Leg {
        Leg { side, price: Price::from_cents(cents).unwrap(), qty: Qty::from_contracts(contracts).unwrap() }
    }

    #[test]
    fn at_risk_is_the_worse_settlement() {
        // Long 10 at 50¢ ($5 cost): settling NO loses $5.
        let flat_orders = LegSums::default();
        assert_eq!(flat_orders.at_risk(1_000, 5_000_000), 5_000_000);
        // Short 10 sold at 60¢ (cost −$6): settling YES loses $10 − $6.
        assert_eq!(flat_orders.at_risk(-1_000, -6_000_000), 4_000_000);
        // Flat with a bid 10 @ 40¢ and an ask 10 @ 70¢: $4 if the bid fills, $3 if the ask does.
        let both = LegSums::of(&[leg(Side::Bid, 40, 10), leg(Side::Ask, 70, 10)]);
        assert_eq!(both.at_risk(0, 0), 4_000_000);
        // Long 10 at 50¢ with an ask for all of it at 60¢: selling only lowers the risk.
        let closing = LegSums::of(&[leg(Side::Ask, 60, 10)]);
        assert_eq!(closing.at_risk(1_000, 5_000_000), 5_000_000);
        let mut sums = both;
        sums.sub(&leg(Side::Bid, 40, 10));
        assert_eq!(sums, LegSums::of(&[leg(Side::Ask, 70, 10)]), "sub undoes add");
    }
}
