//! Markets: the tick grid, lifecycle status, configuration, settlement results and the
//! read-only [`MarketInfo`] view.

use kmm_model::{EventTicker, FeeSchedule, MarketTicker, Price, Qty, SeriesTicker};
use serde::{Deserialize, Serialize};

use crate::error::SimError;

/// One band of valid prices: `start ..= end` in steps of `step` (Kalshi's `price_ranges[]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRange {
    /// Lowest price of the band.
    pub start: Price,
    /// Highest price of the band.
    pub end: Price,
    /// Tick size inside the band.
    pub step: Price,
}

impl PriceRange {
    fn contains(&self, price: Price) -> bool {
        price >= self.start && price <= self.end && (price.units() - self.start.units()) % self.step.units() == 0
    }
}

/// The prices orders may use on a market (Kalshi's `price_level_structure` + `price_ranges`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TickGrid {
    structure: String,
    ranges: Vec<PriceRange>,
}

/// A price from $0.0001 units known to be within [0, 1] (the built-in grids' constants).
fn units(u: u16) -> Price {
    Price::from_units(i64::from(u)).unwrap_or(Price::ZERO)
}

impl TickGrid {
    /// `linear_cent`: $0.01 steps over the whole range (most markets).
    pub fn linear_cent() -> Self {
        Self::known("linear_cent", &[(0, 10_000, 100)])
    }

    /// `tapered_deci_cent`: $0.001 below $0.10 and above $0.90, $0.01 between.
    pub fn tapered_deci_cent() -> Self {
        Self::known("tapered_deci_cent", &[(0, 1_000, 10), (1_000, 9_000, 100), (9_000, 10_000, 10)])
    }

    /// `deci_cent`: $0.001 steps over the whole range.
    pub fn deci_cent() -> Self {
        Self::known("deci_cent", &[(0, 10_000, 10)])
    }

    fn known(structure: &str, bands: &[(u16, u16, u16)]) -> Self {
        let ranges = bands.iter().map(|&(start, end, step)| PriceRange {
            start: units(start),
            end: units(end),
            step: units(step),
        });
        Self { structure: structure.to_owned(), ranges: ranges.collect() }
    }

    /// A grid from explicit ranges. Every band must be non-empty, its step must divide its
    /// width, and every grid point must be a multiple of $0.001: the finest grid Kalshi lists
    /// and the one the aggregate [`kmm_model::OrderBook`] indexes.
    pub fn custom(structure: impl Into<String>, ranges: Vec<PriceRange>) -> Result<Self, SimError> {
        if ranges.is_empty() {
            return Err(SimError::BadRequest("a tick grid needs at least one price range".into()));
        }
        for r in &ranges {
            let ok = r.start < r.end
                && r.step.units() > 0
                && (r.end.units() - r.start.units()) % r.step.units() == 0
                && r.start.units() % 10 == 0
                && r.step.units() % 10 == 0;
            if !ok {
                return Err(SimError::BadRequest(format!(
                    "bad price range {}..{} step {} (steps must be multiples of $0.001 dividing the band)",
                    r.start, r.end, r.step
                )));
            }
        }
        Ok(Self { structure: structure.into(), ranges })
    }

    /// True when `price` is strictly inside (0, 1) and on one of the bands.
    pub fn contains(&self, price: Price) -> bool {
        price.is_tradable() && self.ranges.iter().any(|r| r.contains(price))
    }

    /// Kalshi's `price_level_structure` name.
    pub fn structure(&self) -> &str {
        &self.structure
    }

    /// The bands.
    pub fn ranges(&self) -> &[PriceRange] {
        &self.ranges
    }
}

impl Default for TickGrid {
    fn default() -> Self {
        Self::linear_cent()
    }
}

/// Where a market is in its life. Kalshi's wire `status` is richer (`initialized`, `active`,
/// `closed`, `determined`, `finalized`, ...); the server maps these onto it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarketStatus {
    /// Created, before its open time: orders are rejected (`market_closed`).
    Unopened,
    /// Accepting and matching orders.
    Open,
    /// Trading paused: new orders rejected (`trading_paused`), resting orders stay unless
    /// they asked for `cancel_order_on_pause`.
    Paused,
    /// Closed: no orders; resting orders were canceled at close.
    Closed,
    /// Settled: positions paid out and zeroed.
    Settled,
}

/// Binary (pays $1 on YES or NO) or scalar (YES pays a settlement value in [0, 1]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarketType {
    /// YES or NO wins $1.
    Binary,
    /// YES pays the settlement value, NO pays $1 minus it.
    Scalar,
}

/// How a market resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SettlementResult {
    /// YES pays $1.
    Yes,
    /// NO pays $1.
    No,
    /// YES pays this value, NO pays $1 minus it.
    Scalar(Price),
}

impl SettlementResult {
    /// What one YES contract pays.
    pub fn yes_value(self) -> Price {
        match self {
            SettlementResult::Yes => Price::ONE,
            SettlementResult::No => Price::ZERO,
            SettlementResult::Scalar(value) => value,
        }
    }

    /// Kalshi's `market_result` string.
    pub fn as_str(self) -> &'static str {
        match self {
            SettlementResult::Yes => "yes",
            SettlementResult::No => "no",
            SettlementResult::Scalar(_) => "scalar",
        }
    }
}

/// What a market is when it is listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketConfig {
    /// Market ticker.
    pub ticker: MarketTicker,
    /// Event it belongs to.
    pub event_ticker: EventTicker,
    /// Series it belongs to.
    pub series_ticker: SeriesTicker,
    /// Binary or scalar.
    pub market_type: MarketType,
    /// The series' fees (after any event override).
    pub fee_schedule: FeeSchedule,
    /// Valid order prices.
    pub tick_grid: TickGrid,
    /// Orders are accepted from this time (Unix ms).
    pub open_time_ms: i64,
    /// The market closes at this time (Unix ms), if scheduled.
    pub close_time_ms: Option<i64>,
    /// Whether counts may have a fractional part (0.01 granularity); else whole contracts.
    pub fractional_trading: bool,
}

impl MarketConfig {
    /// A binary, `linear_cent`, always-open market with the default fee schedule
    /// (`quadratic_with_maker_fees`, multiplier 1) and fractional trading enabled.
    pub fn binary(ticker: &str, event_ticker: &str, series_ticker: &str) -> Self {
        Self {
            ticker: MarketTicker::new(ticker),
            event_ticker: EventTicker::new(event_ticker),
            series_ticker: SeriesTicker::new(series_ticker),
            market_type: MarketType::Binary,
            fee_schedule: FeeSchedule::default(),
            tick_grid: TickGrid::linear_cent(),
            open_time_ms: 0,
            close_time_ms: None,
            fractional_trading: true,
        }
    }
}

/// A read-only view of a market: configuration, status and top of book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketInfo {
    /// As listed.
    pub config: MarketConfig,
    /// Lifecycle status.
    pub status: MarketStatus,
    /// Best YES bid and its size.
    pub yes_bid: Option<(Price, Qty)>,
    /// Best YES ask (lowest ask) and its size.
    pub yes_ask: Option<(Price, Qty)>,
    /// Price of the last trade.
    pub last_price: Option<Price>,
    /// Contracts traded since listing.
    pub volume: Qty,
    /// Contracts outstanding: the sum of all long-YES positions (= the sum of all long-NO).
    pub open_interest: Qty,
    /// The result, once settled.
    pub result: Option<SettlementResult>,
    /// When it closed (Unix ms).
    pub closed_ms: Option<i64>,
    /// When it settled (Unix ms).
    pub settled_ms: Option<i64>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn p(units: i64) -> Price {
        Price::from_units(units).unwrap()
    }

    #[test]
    fn linear_cent_accepts_whole_cents_strictly_inside() {
        let grid = TickGrid::linear_cent();
        assert!(grid.contains(p(100)) && grid.contains(p(9_900)) && grid.contains(p(5_600)));
        assert!(!grid.contains(Price::ZERO) && !grid.contains(Price::ONE), "0 and 1 are not order prices");
        assert!(!grid.contains(p(5_610)), "sub-cent price on a cent grid");
        assert_eq!(grid.structure(), "linear_cent");
    }

    #[test]
    fn tapered_grid_is_fine_at_the_tails_only() {
        let grid = TickGrid::tapered_deci_cent();
        assert!(grid.contains(p(10)) && grid.contains(p(990)) && grid.contains(p(9_990)));
        assert!(grid.contains(p(1_000)) && grid.contains(p(5_000)));
        assert!(!grid.contains(p(5_010)), "middle band is whole cents");
        assert!(!grid.contains(p(15)), "$0.0015 is below the $0.001 grid");
    }

    #[test]
    fn deci_cent_and_custom_validation() {
        assert!(TickGrid::deci_cent().contains(p(4_210)));
        assert!(!TickGrid::deci_cent().contains(p(4_215)));
        let fine = PriceRange { start: p(0), end: p(10_000), step: p(5) };
        assert!(TickGrid::custom("x", vec![fine]).is_err(), "$0.0005 steps don't fit the $0.001 book");
        let uneven = PriceRange { start: p(0), end: p(10_000), step: p(300) };
        assert!(TickGrid::custom("x", vec![uneven]).is_err(), "step must divide the band");
        let ok = PriceRange { start: p(0), end: p(10_000), step: p(500) };
        let grid = TickGrid::custom("nickel", vec![ok]).unwrap();
        assert!(grid.contains(p(500)) && !grid.contains(p(600)));
        assert!(TickGrid::custom("x", vec![]).is_err());
    }

    #[test]
    fn settlement_values() {
        assert_eq!(SettlementResult::Yes.yes_value(), Price::ONE);
        assert_eq!(SettlementResult::No.yes_value(), Price::ZERO);
        assert_eq!(SettlementResult::Scalar(p(3_700)).yes_value(), p(3_700));
        assert_eq!(SettlementResult::Scalar(p(1)).as_str(), "scalar");
    }
}
