//! Fixed-point units: [`Price`] ($0.0001), [`Qty`] (0.01 contract) and [`Money`] ($0.000001).
//!
//! Each parses from and serialises to the API's decimal strings. JSON numbers are tolerated on
//! input (some Kalshi frames have carried them); they are read through their shortest decimal
//! representation, never through float arithmetic.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::error::ModelError;
use crate::fixed;

macro_rules! decimal_serde {
    ($name:ident, $expecting:literal) => {
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_string())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(E::custom)
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        self.visit_str(&v.to_string())
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        self.visit_str(&v.to_string())
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        // Display of f64 is the shortest string that round-trips: 0.56 -> "0.56".
                        self.visit_str(&v.to_string())
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    };
}

/// A YES price in units of $0.0001 (1¢ = 100), between $0 and $1 inclusive.
///
/// Order prices are strictly inside (0, 1); market data may show 0 or 1 (an empty side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Price(u16);

impl Price {
    /// Units per dollar.
    pub const SCALE: i64 = 10_000;
    /// $0.00.
    pub const ZERO: Price = Price(0);
    /// $1.00, the payout of a winning contract.
    pub const ONE: Price = Price(10_000);
    /// The smallest step Kalshi prices use ($0.0001).
    pub const MIN_INCREMENT: Price = Price(1);

    /// Builds a price from $0.0001 units, rejecting anything above $1.
    pub fn from_units(units: i64) -> Result<Self, ModelError> {
        u16::try_from(units)
            .ok()
            .filter(|u| i64::from(*u) <= Self::SCALE)
            .map(Price)
            .ok_or(ModelError::OutOfRange { what: "price", value: units })
    }

    /// Builds a price from whole cents (1..=99 for orders).
    pub fn from_cents(cents: i64) -> Result<Self, ModelError> {
        let units = cents.checked_mul(100).ok_or(ModelError::Overflow("price from cents"))?;
        Self::from_units(units)
    }

    /// The price in $0.0001 units.
    pub const fn units(self) -> i64 {
        self.0 as i64
    }

    /// The other side's price: a YES bid at p is a NO ask at $1 − p.
    pub const fn complement(self) -> Price {
        Price(10_000 - self.0)
    }

    /// True for prices an order may carry: strictly between $0 and $1.
    pub const fn is_tradable(self) -> bool {
        self.0 > 0 && self.0 < 10_000
    }

    /// `self + units`, or an error when the result leaves [0, 1].
    pub fn checked_offset(self, units: i64) -> Result<Price, ModelError> {
        Price::from_units(self.units() + units)
    }

    /// The price formatted with `decimals` fraction digits (4 is the API's usual form).
    pub fn to_dollars(self, decimals: u32) -> String {
        let mut s = String::with_capacity(8);
        fixed::format(self.units(), 4, decimals, &mut s);
        s
    }
}

impl std::str::FromStr for Price {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Price::from_units(fixed::parse(s, 4, false)?)
    }
}

impl fmt::Display for Price {
    /// `"0.5600"`: the API's four-decimal dollar form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_dollars(4))
    }
}

decimal_serde!(Price, "a dollar price string such as \"0.5600\"");

/// A contract count in units of 0.01 contract; signed, so it also holds positions
/// (+ YES, − NO) and book deltas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Qty(i64);

impl Qty {
    /// Units per contract.
    pub const SCALE: i64 = 100;
    /// No contracts.
    pub const ZERO: Qty = Qty(0);

    /// Builds a count from 0.01-contract units.
    pub const fn from_units(units: i64) -> Self {
        Qty(units)
    }

    /// Builds a count of whole contracts.
    pub fn from_contracts(contracts: i64) -> Result<Self, ModelError> {
        contracts.checked_mul(Self::SCALE).map(Qty).ok_or(ModelError::Overflow("qty from contracts"))
    }

    /// The count in 0.01-contract units.
    pub const fn units(self) -> i64 {
        self.0
    }

    /// True when the count is exactly zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// True when the count is above zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// The absolute count.
    pub const fn abs(self) -> Qty {
        Qty(self.0.abs())
    }

    /// Checked sum.
    pub fn checked_add(self, other: Qty) -> Result<Qty, ModelError> {
        self.0.checked_add(other.0).map(Qty).ok_or(ModelError::Overflow("qty add"))
    }

    /// Checked difference.
    pub fn checked_sub(self, other: Qty) -> Result<Qty, ModelError> {
        self.0.checked_sub(other.0).map(Qty).ok_or(ModelError::Overflow("qty sub"))
    }

    /// The smaller of two counts.
    pub fn min(self, other: Qty) -> Qty {
        Qty(self.0.min(other.0))
    }

    /// Negated count (a YES position seen as NO).
    pub fn checked_neg(self) -> Result<Qty, ModelError> {
        self.0.checked_neg().map(Qty).ok_or(ModelError::Overflow("qty neg"))
    }
}

impl std::str::FromStr for Qty {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Qty(fixed::parse(s, 2, true)?))
    }
}

impl fmt::Display for Qty {
    /// `"10.00"`: the API's two-decimal `_fp` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(12);
        fixed::format(self.0, 2, 2, &mut s);
        f.write_str(&s)
    }
}

decimal_serde!(Qty, "a count string such as \"10.00\"");

/// An amount of money in micro-dollars ($0.000001), signed.
///
/// Kalshi reports money with up to six decimals (`"4.950000"`, fees `"0.054600"`), and a price
/// ($0.0001) times a count (0.01) is exact in this unit, so notional values never round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

impl Money {
    /// Units per dollar.
    pub const SCALE: i64 = 1_000_000;
    /// $0.
    pub const ZERO: Money = Money(0);

    /// Builds an amount from micro-dollar units.
    pub const fn from_micros(micros: i64) -> Self {
        Money(micros)
    }

    /// Builds an amount from whole cents (Kalshi's integer `balance` fields).
    pub fn from_cents(cents: i64) -> Result<Self, ModelError> {
        cents.checked_mul(10_000).map(Money).ok_or(ModelError::Overflow("money from cents"))
    }

    /// The amount in micro-dollars.
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// The amount in whole cents, rounded toward negative infinity (how a balance is floored).
    pub const fn floor_cents(self) -> i64 {
        self.0.div_euclid(10_000)
    }

    /// `price × count`, exact.
    pub fn notional(price: Price, qty: Qty) -> Result<Money, ModelError> {
        price.units().checked_mul(qty.units()).map(Money).ok_or(ModelError::Overflow("notional"))
    }

    /// Checked sum.
    pub fn checked_add(self, other: Money) -> Result<Money, ModelError> {
        self.0.checked_add(other.0).map(Money).ok_or(ModelError::Overflow("money add"))
    }

    /// Checked difference.
    pub fn checked_sub(self, other: Money) -> Result<Money, ModelError> {
        self.0.checked_sub(other.0).map(Money).ok_or(ModelError::Overflow("money sub"))
    }

    /// The amount formatted with `decimals` fraction digits (6 for fees and positions,
    /// 4 for order money fields, 2 for whole cents). Fewer than 6 decimals truncate.
    pub fn to_dollars(self, decimals: u32) -> String {
        let mut s = String::with_capacity(16);
        fixed::format(self.0, 6, decimals, &mut s);
        s
    }
}

impl std::str::FromStr for Money {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Money(fixed::parse(s, 6, true)?))
    }
}

impl fmt::Display for Money {
    /// `"4.950000"`: six decimals, as Kalshi reports money.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_dollars(6))
    }
}

decimal_serde!(Money, "a dollar amount string such as \"4.950000\"");

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn price_boundaries() {
        assert_eq!("0.0001".parse::<Price>().unwrap().units(), 1);
        assert_eq!("0.9999".parse::<Price>().unwrap().units(), 9_999);
        assert_eq!("1.0000".parse::<Price>().unwrap(), Price::ONE);
        assert_eq!("0.0000".parse::<Price>().unwrap(), Price::ZERO);
        assert!("1.0001".parse::<Price>().is_err(), "prices above $1 are impossible");
        assert!("-0.5000".parse::<Price>().is_err(), "negative prices are impossible");
        assert!("0.00005".parse::<Price>().is_err(), "sub-$0.0001 precision is rejected");
        assert!(Price::from_units(1).unwrap().is_tradable());
        assert!(!Price::ONE.is_tradable() && !Price::ZERO.is_tradable());
        assert_eq!(Price::from_cents(42).unwrap().complement(), Price::from_cents(58).unwrap());
    }

    #[test]
    fn qty_and_money_strings() {
        assert_eq!("1406474.86".parse::<Qty>().unwrap().units(), 140_647_486);
        assert_eq!("-54.00".parse::<Qty>().unwrap().to_string(), "-54.00");
        assert_eq!("0.054600".parse::<Money>().unwrap().micros(), 54_600);
        assert_eq!("4.95".parse::<Money>().unwrap().to_string(), "4.950000");
        assert_eq!(Money::from_micros(-1).floor_cents(), -1, "floors toward −∞");
        assert!("10.001".parse::<Qty>().is_err(), "counts have two decimals at most");
    }

    #[test]
    fn notional_is_exact() {
        let p: Price = "0.17".parse().unwrap();
        let q: Qty = "5.52".parse().unwrap();
        assert_eq!(Money::notional(p, q).unwrap().to_string(), "0.938400");
    }

    #[test]
    fn error_message_names_input_and_reason() {
        let err = "0.5x".parse::<Price>().unwrap_err().to_string();
        assert!(err.contains("0.5x") && err.contains("not a decimal"), "got {err}");
    }

    #[test]
    fn serde_accepts_strings_and_numbers() {
        let p: Price = serde_json::from_str("\"0.5600\"").unwrap();
        assert_eq!(p.units(), 5_600);
        let p: Price = serde_json::from_str("0.56").unwrap();
        assert_eq!(p.units(), 5_600);
        let q: Qty = serde_json::from_str("10").unwrap();
        assert_eq!(q.units(), 1_000);
        assert_eq!(serde_json::to_string(&q).unwrap(), "\"10.00\"");
        assert!(serde_json::from_str::<Qty>("true").is_err());
        assert!(serde_json::from_str::<Price>("\"2.00\"").is_err());
    }

    proptest! {
        #[test]
        fn price_round_trips(units in 0i64..=10_000) {
            let p = Price::from_units(units).unwrap();
            prop_assert_eq!(p.to_string().parse::<Price>().unwrap(), p);
            let json = serde_json::to_string(&p).unwrap();
            prop_assert_eq!(serde_json::from_str::<Price>(&json).unwrap(), p);
        }

        #[test]
        fn qty_round_trips(units in -1_000_000_000_000i64..1_000_000_000_000) {
            let q = Qty::from_units(units);
            prop_assert_eq!(q.to_string().parse::<Qty>().unwrap(), q);
        }

        #[test]
        fn money_round_trips(micros in any::<i64>().prop_filter("i64::MIN has no positive twin", |m| *m != i64::MIN)) {
            let m = Money::from_micros(micros);
            prop_assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
        }

        #[test]
        fn garbage_never_panics(s in "\\PC{0,24}") {
            let _ = s.parse::<Price>();
            let _ = s.parse::<Qty>();
            let _ = s.parse::<Money>();
        }

        #[test]
        fn float_display_parses_like_the_string(cents in 1i64..100) {
            let as_float = cents as f64 / 100.0;
            let p: Price = serde_json::from_str(&as_float.to_string()).unwrap();
            prop_assert_eq!(p, Price::from_cents(cents).unwrap());
        }
    }
}
