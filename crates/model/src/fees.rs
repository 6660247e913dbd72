//! Kalshi trading fees: `round_up(coefficient × C × P × (1 − P))` per fill, to $0.0001.

use serde::{Deserialize, Serialize};

use crate::error::ModelError;
use crate::units::{Money, Price, Qty};

/// Parts per million, the unit of fee coefficients and multipliers (0.07 = 70 000).
pub type Ppm = i64;

/// Taker coefficient of the general fee table (0.07).
pub const TAKER_PPM: Ppm = 70_000;
/// Maker coefficient on `quadratic_with_maker_fees` series (0.0175 = ¼ of the taker rate).
pub const MAKER_PPM: Ppm = 17_500;
/// Maker coefficient on `quadratic_with_combo_maker_fees` series (½ of the taker rate).
pub const COMBO_MAKER_PPM: Ppm = 35_000;

/// How a series charges fees (Kalshi's `fee_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeType {
    /// Taker fee only.
    Quadratic,
    /// Taker fee, and a maker fee at a quarter of the taker rate.
    QuadraticWithMakerFees,
    /// Taker fee, and a maker fee at half the taker rate.
    QuadraticWithComboMakerFees,
    /// The "specific" table; its values are unpublished, so it is charged like `Quadratic`.
    Flat,
}

/// A series' fee schedule: its type and multiplier (1.0 = 1 000 000 ppm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FeeSchedule {
    /// The series' fee type.
    pub fee_type: FeeType,
    /// The series' `fee_multiplier` in ppm.
    pub multiplier_ppm: Ppm,
}

impl Default for FeeSchedule {
    fn default() -> Self {
        Self { fee_type: FeeType::QuadraticWithMakerFees, multiplier_ppm: 1_000_000 }
    }
}

impl FeeSchedule {
    /// The fee for one fill of `count` at YES price `price`, taker or maker.
    pub fn fee(&self, count: Qty, price: Price, is_taker: bool) -> Result<Money, ModelError> {
        let coefficient = match (is_taker, self.fee_type) {
            (true, _) => TAKER_PPM,
            (false, FeeType::QuadraticWithMakerFees) => MAKER_PPM,
            (false, FeeType::QuadraticWithComboMakerFees) => COMBO_MAKER_PPM,
            (false, FeeType::Quadratic | FeeType::Flat) => 0,
        };
        fee(coefficient, self.multiplier_ppm, count, price)
    }
}

/// `ceil(coefficient × multiplier × C × P × (1 − P))` rounded up to $0.0001, computed exactly.
pub fn fee(coefficient: Ppm, multiplier: Ppm, count: Qty, price: Price) -> Result<Money, ModelError> {
    let p = i128::from(price.units());
    let c = i128::from(count.units().abs());
    // coefficient·multiplier are 1e-12; C is 1e-2; P·(1−P) is 1e-8: the product is in 1e-22 $,
    // and $0.0001 is 1e18 of those.
    let numerator = i128::from(coefficient) * i128::from(multiplier) * c * p * (i128::from(Price::SCALE) - p);
    const PER_TEN_THOUSANDTH: i128 = 1_000_000_000_000_000_000;
    let ten_thousandths = (numerator + PER_TEN_THOUSANDTH - 1) / PER_TEN_THOUSANDTH;
    let micros = i64::try_from(ten_thousandths * 100).map_err(|_| ModelError::Overflow("fee"))?;
    Ok(Money::from_micros(micros))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn taker(count: &str, price: &str) -> String {
        let schedule = FeeSchedule::default();
        schedule.fee(count.parse().unwrap(), price.parse().unwrap(), true).unwrap().to_string()
    }

    #[test]
    fn matches_captured_fill_fees() {
        // Real Kalshi fills (kalshi-captures README): 5.52 @ 0.17 and 1.16 @ 0.16.
        assert_eq!(taker("5.52", "0.17"), "0.054600");
        assert_eq!(taker("1.16", "0.16"), "0.011000");
    }

    #[test]
    fn reference_examples() {
        assert_eq!(taker("100", "0.50"), "1.750000");
        assert_eq!(taker("10", "0.50"), "0.175000");
        let maker = FeeSchedule::default().fee(Qty::from_contracts(10).unwrap(), "0.50".parse().unwrap(), false);
        assert_eq!(maker.unwrap().to_string(), "0.043800", "0.04375 rounds up to $0.0001");
        let quadratic = FeeSchedule { fee_type: FeeType::Quadratic, multiplier_ppm: 1_000_000 };
        assert_eq!(
            quadratic.fee(Qty::from_contracts(10).unwrap(), Price::from_cents(50).unwrap(), false).unwrap(),
            Money::ZERO
        );
    }

    #[test]
    fn multiplier_scales_and_extremes_are_free() {
        let half = FeeSchedule { fee_type: FeeType::Quadratic, multiplier_ppm: 500_000 };
        assert_eq!(
            half.fee(Qty::from_contracts(100).unwrap(), Price::from_cents(50).unwrap(), true).unwrap().to_string(),
            "0.875000"
        );
        assert_eq!(taker("100", "1.00"), "0.000000");
    }
}
