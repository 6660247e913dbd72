//! Quoting parameters, named the way market makers know them from Hummingbot
//! (`order_refresh_time`, `inventory_skew`, `price_ceiling`/`price_floor`, `filled_order_delay`).
//!
//! Prices, sizes and money are fixed-point ([`Price`], [`Qty`], [`Money`]). Only the
//! Avellaneda–Stoikov coefficients `gamma` and `kappa` are floats: they are model analytics,
//! and every price they produce is snapped to the market's tick grid before it leaves the quoter.

use std::fmt;

use kmm_model::{Money, Price, Qty};
use serde::{Deserialize, Serialize};

use super::volatility::VolModel;

/// Which pricing model the quoter runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Quote one tick inside the best bid and ask when the market's spread is wide enough.
    #[default]
    SpreadCapture,
    /// Avellaneda–Stoikov: a reservation price skewed by inventory and an optimal spread
    /// from risk aversion, volatility, book liquidity and time to close.
    AvellanedaStoikov,
}

/// Everything the quoter can be told. Deserialises with defaults for missing fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuoteParams {
    /// Pricing model. Default: spread capture.
    pub strategy: Strategy,
    /// Spread capture: quote only when best ask − best bid is at least this. Default 5¢.
    pub min_spread: Price,
    /// Size of the innermost order on each side. Default 10 contracts.
    pub order_amount: Qty,
    /// Orders per side. Default 1.
    pub order_levels: u32,
    /// Price step between levels (level i sits i steps further out). Default 1¢.
    pub order_level_spread: Price,
    /// Size added per level (level i has `order_amount + i × order_level_amount`). Default 0.
    pub order_level_amount: Qty,
    /// An order older than this is refreshed to the exact desired quote. Default 5 000 ms.
    pub order_refresh_time_ms: i64,
    /// Hysteresis: a young order is kept while the desired price is less than this away.
    /// Default 1¢ (on cent markets every whole-cent move reprices; sub-cent jitter does not).
    pub order_refresh_tolerance: Price,
    /// After a fill on one side, that side pauses for this long. Default 10 000 ms.
    pub filled_order_delay_ms: i64,
    /// Shift both quotes against the position. Default true.
    pub inventory_skew_enabled: bool,
    /// The position the skew steers toward (+ YES, − NO). Default 0.
    pub inventory_target: Qty,
    /// Distance from the target at which the skew is maximal; also a hard cap: the quotes on
    /// a side never add up to more than would take the position past target ± range.
    /// Default 100 contracts.
    pub inventory_range: Qty,
    /// Largest price shift the inventory skew applies. Default 2¢.
    pub max_skew: Price,
    /// Never bid above this. Default 99¢.
    pub price_ceiling: Price,
    /// Never offer below this. Default 1¢.
    pub price_floor: Price,
    /// Send post-only orders, and never price one through the opposite best. Default true.
    pub post_only: bool,
    /// Per contract: a round trip (buy at our bid, sell at our ask) must earn strictly more
    /// than both legs' fees (rounded up to whole cents) plus this. Default 0.5¢.
    pub min_edge_after_fees: Money,
    /// Avellaneda–Stoikov risk aversion γ, per dollar (analytics float). Default 0.1.
    pub gamma: f64,
    /// Avellaneda–Stoikov order-book liquidity κ: fill intensity decays as e^(−κ·δ) with δ the
    /// distance from mid in dollars (analytics float). Default 50 (e-fold every 2¢).
    pub kappa: f64,
    /// Avellaneda–Stoikov horizon cap: T − t is the time to close, at most this. Default 1 h.
    pub max_horizon_ms: i64,
    /// Volatility estimator window, in samples. Default 120.
    pub vol_window: u32,
    /// Volatility estimator: mids closer together than this are merged into one sample.
    /// Default 1 000 ms.
    pub vol_sample_interval_ms: i64,
    /// Volatility estimator: what the returns are measured in. Default log-odds.
    pub vol_model: VolModel,
}

impl Default for QuoteParams {
    fn default() -> Self {
        Self {
            strategy: Strategy::SpreadCapture,
            min_spread: units(500),
            order_amount: Qty::from_units(1_000),
            order_levels: 1,
            order_level_spread: units(100),
            order_level_amount: Qty::ZERO,
            order_refresh_time_ms: 5_000,
            order_refresh_tolerance: units(100),
            filled_order_delay_ms: 10_000,
            inventory_skew_enabled: true,
            inventory_target: Qty::ZERO,
            inventory_range: Qty::from_units(10_000),
            max_skew: units(200),
            price_ceiling: units(9_900),
            price_floor: units(100),
            post_only: true,
            min_edge_after_fees: Money::from_micros(5_000),
            gamma: 0.1,
            kappa: 50.0,
            max_horizon_ms: 3_600_000,
            vol_window: 120,
            vol_sample_interval_ms: 1_000,
            vol_model: VolModel::LogOdds,
        }
    }
}

/// A default price in $0.0001 units (every literal used is within $0..=$1).
fn units(units: i64) -> Price {
    Price::from_units(units).unwrap_or(Price::ZERO)
}

/// One invalid parameter, with a message for the settings UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamError {
    /// The field's name as serialised (`"min_spread"`).
    pub field: &'static str,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ParamError {}

/// Most levels per side the quoter accepts.
pub const MAX_LEVELS: u32 = 20;

impl QuoteParams {
    /// Checks every field; returns all problems at once so the UI can mark each field.
    pub fn validate(&self) -> Result<(), Vec<ParamError>> {
        let mut errors = Vec::new();
        let mut check = |ok: bool, field: &'static str, message: String| {
            if !ok {
                errors.push(ParamError { field, message });
            }
        };
        check(self.min_spread.units() > 0, "min_spread", "must be above $0".into());
        check(self.order_amount.is_positive(), "order_amount", "must be above 0 contracts".into());
        check(
            (1..=MAX_LEVELS).contains(&self.order_levels),
            "order_levels",
            format!("must be between 1 and {MAX_LEVELS}"),
        );
        check(
            self.order_levels <= 1 || self.order_level_spread.units() > 0,
            "order_level_spread",
            "must be above $0 when quoting more than one level".into(),
        );
        check(self.order_level_amount.units() >= 0, "order_level_amount", "must not be negative".into());
        check(self.order_refresh_time_ms > 0, "order_refresh_time_ms", "must be above 0 ms".into());
        check(self.order_refresh_tolerance < Price::ONE, "order_refresh_tolerance", "must be below $1".into());
        check(self.filled_order_delay_ms >= 0, "filled_order_delay_ms", "must not be negative".into());
        check(self.inventory_range.is_positive(), "inventory_range", "must be above 0 contracts".into());
        check(self.max_skew.units() <= Price::SCALE / 2, "max_skew", "must be at most $0.50".into());
        check(self.price_ceiling.is_tradable(), "price_ceiling", "must be strictly between $0 and $1".into());
        check(self.price_floor.is_tradable(), "price_floor", "must be strictly between $0 and $1".into());
        check(self.price_floor < self.price_ceiling, "price_floor", "must be below price_ceiling".into());
        check(self.min_edge_after_fees.micros() >= 0, "min_edge_after_fees", "must not be negative".into());
        check(self.gamma.is_finite() && self.gamma > 0.0, "gamma", "must be a number above 0".into());
        check(self.kappa.is_finite() && self.kappa > 0.0, "kappa", "must be a number above 0".into());
        check(self.max_horizon_ms > 0, "max_horizon_ms", "must be above 0 ms".into());
        check(self.vol_window >= 2, "vol_window", "must be at least 2 samples".into());
        check(self.vol_sample_interval_ms >= 0, "vol_sample_interval_ms", "must not be negative".into());
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_issue() {
        let p = QuoteParams::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.min_spread, Price::from_cents(5).unwrap(), "seed default min_spread is 5¢");
        assert_eq!(p.order_refresh_time_ms, 5_000, "seed default refresh is 5 s");
        assert_eq!(p.order_levels, 1);
        assert!(p.post_only);
        assert!(p.min_edge_after_fees.micros() > 0, "fee gate demands positive edge by default");
    }

    #[test]
    fn validate_reports_every_bad_field() {
        let p = QuoteParams {
            order_amount: Qty::ZERO,
            order_levels: 3,
            order_level_spread: Price::ZERO,
            price_floor: Price::from_cents(60).unwrap(),
            price_ceiling: Price::from_cents(40).unwrap(),
            gamma: f64::NAN,
            kappa: -1.0,
            ..QuoteParams::default()
        };
        let errors = p.validate().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["order_amount", "order_level_spread", "price_floor", "gamma", "kappa"]);
        assert_eq!(errors[2].to_string(), "price_floor: must be below price_ceiling");
    }

    #[test]
    fn serde_fills_missing_fields_with_defaults() {
        let p: QuoteParams =
            serde_json::from_str(r#"{"strategy":"avellaneda_stoikov","min_spread":"0.03","order_amount":"5"}"#)
                .unwrap();
        assert_eq!(p.strategy, Strategy::AvellanedaStoikov);
        assert_eq!(p.min_spread, Price::from_cents(3).unwrap());
        assert_eq!(p.order_amount, Qty::from_contracts(5).unwrap());
        assert_eq!(p.order_refresh_time_ms, 5_000);
        let back: QuoteParams = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }
}
