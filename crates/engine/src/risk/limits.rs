//! The configured risk limits and their validation.

use std::fmt;

use kmm_model::{Money, Qty};
use serde::{Deserialize, Serialize};

/// Hard limits every outbound order is checked against, and the thresholds that move the
/// trading state. All money is fixed-point; every field has a conservative default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskLimits {
    /// Largest absolute position per market, counting every resting and in-flight order on the
    /// same side as if it filled completely (long and short checked separately).
    pub max_position: Qty,
    /// Largest sum over markets of the worst-case loss (position plus every order that could
    /// still fill, at settlement against us).
    pub max_total_exposure: Money,
    /// A positive amount: trading halts (latched) when the day's realised + marked P&L net of
    /// fees is at or below minus this.
    pub daily_loss_limit: Money,
    /// Largest number of live (resting or in-flight) orders in one market.
    pub max_open_orders_per_market: u32,
    /// Largest number of live orders across all markets.
    pub max_open_orders: u32,
    /// Sustained order submit rate (places and amends; cancels are never limited), on the
    /// engine clock.
    pub max_orders_per_sec: u32,
    /// Burst size of the order-rate token bucket.
    pub order_burst: u32,
    /// More fills than this in one market within a rolling minute move that market to
    /// `Reducing` for [`fill_cooldown_ms`](Self::fill_cooldown_ms).
    pub max_fills_per_min: u32,
    /// How long a market stays `Reducing` after its fill rate tripped.
    pub fill_cooldown_ms: i64,
    /// A market whose book is older than this stops quoting (its orders are canceled) until
    /// the book is fresh again.
    pub stale_book_ms: i64,
}

impl Default for RiskLimits {
    fn default() -> Self {
        Self {
            max_position: Qty::from_units(100 * Qty::SCALE),
            max_total_exposure: Money::from_micros(500 * Money::SCALE),
            daily_loss_limit: Money::from_micros(50 * Money::SCALE),
            max_open_orders_per_market: 10,
            max_open_orders: 100,
            max_orders_per_sec: 10,
            order_burst: 20,
            max_fills_per_min: 30,
            fill_cooldown_ms: 60_000,
            stale_book_ms: 5_000,
        }
    }
}

/// One invalid field of [`RiskLimits`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitProblem {
    /// The field's name, as in the settings file.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

/// Every problem found by [`RiskLimits::validate`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidLimits {
    /// The problems, one per offending field.
    pub problems: Vec<LimitProblem>,
}

impl fmt::Display for InvalidLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid risk limits: ")?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.field, p.message)?;
        }
        Ok(())
    }
}

impl RiskLimits {
    /// Checks every field, returning all problems at once (per-field messages for the UI).
    pub fn validate(&self) -> Result<(), InvalidLimits> {
        let mut problems = Vec::new();
        let mut bad = |field: &'static str, message: String| problems.push(LimitProblem { field, message });
        if !self.max_position.is_positive() {
            bad("max_position", format!("must be above zero contracts, got {}", self.max_position));
        }
        if self.max_total_exposure.micros() <= 0 {
            bad("max_total_exposure", format!("must be above $0, got ${}", self.max_total_exposure));
        }
        if self.daily_loss_limit.micros() <= 0 {
            bad(
                "daily_loss_limit",
                format!("must be a positive amount (the loss that halts), got ${}", self.daily_loss_limit),
            );
        }
        if self.max_open_orders_per_market == 0 {
            bad("max_open_orders_per_market", "must be at least 1".to_owned());
        }
        if self.max_open_orders < self.max_open_orders_per_market {
            bad(
                "max_open_orders",
                format!(
                    "must be at least max_open_orders_per_market ({}), got {}",
                    self.max_open_orders_per_market, self.max_open_orders
                ),
            );
        }
        if self.max_orders_per_sec == 0 {
            bad("max_orders_per_sec", "must be at least 1".to_owned());
        }
        if self.order_burst == 0 {
            bad("order_burst", "must be at least 1".to_owned());
        }
        if self.max_fills_per_min == 0 {
            bad("max_fills_per_min", "must be at least 1".to_owned());
        }
        if self.fill_cooldown_ms < 0 {
            bad("fill_cooldown_ms", format!("must not be negative, got {}", self.fill_cooldown_ms));
        }
        if self.stale_book_ms <= 0 {
            bad("stale_book_ms", format!("must be above 0 ms, got {}", self.stale_book_ms));
        }
        if problems.is_empty() { Ok(()) } else { Err(InvalidLimits { problems }) }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip() {
        let limits = RiskLimits::default();
        limits.validate().unwrap();
        let json = serde_json::to_string(&limits).unwrap();
        assert!(json.contains("\"max_position\":\"100.00\""), "counts serialise as API strings: {json}");
        assert_eq!(serde_json::from_str::<RiskLimits>(&json).unwrap(), limits);
        let partial: RiskLimits = serde_json::from_str(r#"{"max_open_orders": 7}"#).unwrap();
        assert_eq!(partial.max_open_orders, 7, "missing fields take defaults");
        assert!(serde_json::from_str::<RiskLimits>(r#"{"max_postion": "1"}"#).is_err(), "typos are rejected");
    }

    #[test]
    fn validate_names_every_bad_field() {
        let limits = RiskLimits {
            max_position: Qty::ZERO,
            daily_loss_limit: Money::from_micros(-1),
            max_open_orders_per_market: 5,
            max_open_orders: 4,
            stale_book_ms: 0,
            ..RiskLimits::default()
        };
        let err = limits.validate().unwrap_err();
        let fields: Vec<_> = err.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["max_position", "daily_loss_limit", "max_open_orders", "stale_book_ms"]);
        let text = err.to_string();
        assert!(text.contains("daily_loss_limit: must be a positive amount"), "got {text}");
    }
}
