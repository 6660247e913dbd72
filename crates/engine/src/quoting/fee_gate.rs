//! The fee gate: never quote a round trip whose edge does not pay Kalshi's fees.
//!
//! A round trip is buying `size` at our bid and selling `size` at our ask. Each leg's fee is
//! [`FeeSchedule::fee`] (maker, or taker for a leg that would cross), **rounded up to a whole
//! cent**: Kalshi historically charged whole cents per fill and now charges $0.0001 with a
//! balance floored to cents, so the cent figure is the most a leg can cost. The trip passes
//! when `edge − fees > min_edge_after_fees × size`, strictly: at `min_edge_after_fees` = 0 a
//! break-even trip is still refused.

use kmm_model::{FeeSchedule, ModelError, Money, Price, Qty};
use serde::{Deserialize, Serialize};

/// Micro-dollars per cent.
const CENT: i64 = 10_000;

/// `money` rounded up to a whole cent (fees are never negative).
pub fn ceil_to_cent(money: Money) -> Money {
    Money::from_micros(money.micros().div_euclid(CENT) * CENT + if money.micros() % CENT == 0 { 0 } else { CENT })
}

/// The economics of one round trip, all in exact money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundTrip {
    /// `(ask − bid) × size`.
    pub edge: Money,
    /// Both legs' fees, each rounded up to a whole cent.
    pub fees: Money,
    /// `min_edge_after_fees × size`, rounded up to a micro-dollar.
    pub min_edge: Money,
}

impl RoundTrip {
    /// Prices a round trip of `size` at `bid`/`ask`.
    pub fn evaluate(
        schedule: &FeeSchedule,
        bid: Price,
        ask: Price,
        size: Qty,
        bid_is_taker: bool,
        ask_is_taker: bool,
        min_edge_per_contract: Money,
    ) -> Result<Self, ModelError> {
        let size = size.abs();
        let edge = (ask.units() - bid.units()).checked_mul(size.units()).ok_or(ModelError::Overflow("edge"))?;
        let fees = ceil_to_cent(schedule.fee(size, bid, bid_is_taker)?).checked_add(ceil_to_cent(schedule.fee(
            size,
            ask,
            ask_is_taker,
        )?))?;
        let min_edge = i128::from(min_edge_per_contract.micros()) * i128::from(size.units());
        let min_edge =
            i64::try_from(ceil_div(min_edge, i128::from(Qty::SCALE))).map_err(|_| ModelError::Overflow("min edge"))?;
        Ok(Self { edge: Money::from_micros(edge), fees, min_edge: Money::from_micros(min_edge) })
    }

    /// Edge after fees.
    pub fn net(&self) -> Money {
        Money::from_micros(self.edge.micros().saturating_sub(self.fees.micros()))
    }

    /// True when the trip earns strictly more than fees plus the minimum edge.
    pub fn passes(&self) -> bool {
        self.net() > self.min_edge
    }
}

fn ceil_div(a: i128, b: i128) -> i128 {
    -((-a).div_euclid(b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cent_rounding() {
        assert_eq!(ceil_to_cent(Money::ZERO), Money::ZERO);
        assert_eq!(ceil_to_cent(Money::from_micros(1)), Money::from_micros(10_000));
        assert_eq!(ceil_to_cent(Money::from_micros(437_500)), Money::from_micros(440_000));
        assert_eq!(ceil_to_cent(Money::from_micros(440_000)), Money::from_micros(440_000));
    }

    #[test]
    fn min_edge_scales_with_fractional_size() {
        let trip = RoundTrip::evaluate(
            &FeeSchedule::default(),
            Price::from_cents(40).unwrap(),
            Price::from_cents(60).unwrap(),
            Qty::from_units(150),
            false,
            false,
            Money::from_micros(3),
        )
        .unwrap();
        assert_eq!(trip.edge.to_string(), "0.300000", "20¢ × 1.5");
        assert_eq!(trip.min_edge.micros(), 5, "4.5 µ$ rounds up");
    }
}
