//! Avellaneda–Stoikov quoting (Avellaneda & Stoikov 2008, "High-frequency trading in a limit
//! order book").
//!
//! * reservation price `r = s − q·γ·σ²·(T − t)`
//! * optimal total spread `δ = γ·σ²·(T − t) + (2/γ)·ln(1 + γ/κ)`
//! * quotes `r − δ/2` and `r + δ/2`
//!
//! Units: `s`, `r` and `δ` in dollars of YES price; `q` in contracts away from
//! `inventory_target`; `σ` in dollars per √second (from the volatility estimator); `T − t` in
//! seconds to the market's close, capped at `max_horizon_ms` (and that cap when the close is
//! unknown); `γ` per dollar; `κ` per dollar of distance from mid.
//!
//! **Analytics, not money**: the model is evaluated in `f64`; its two prices are snapped
//! *outward* to the tick grid (bid down, ask up) and leave as integer [`kmm_model::Price`]
//! units, then pass the same post-only clamp, fee gate, band and inventory cap as spread
//! capture. The inventory shift `r − s` is capped at ±`max_skew`, and is zero when
//! `inventory_skew_enabled` is off. `min_spread` does not apply: it describes the market's
//! spread for spread capture, while this model sets its own.

use serde::{Deserialize, Serialize};

use super::{Market, NoQuoteReason, QuoteInput, QuoteParams};

/// The model's output in dollars (analytics floats, before snapping).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AsModel {
    /// Reservation price `r`.
    pub reservation: f64,
    /// Optimal total spread `δ` (the quotes sit `δ/2` either side of `r`).
    pub spread: f64,
}

/// Evaluates the model: mid `s` ($), inventory `q` (contracts), `γ`, `κ`, `σ` ($/√s) and
/// horizon `T − t` (s).
pub fn as_model(mid: f64, q: f64, gamma: f64, kappa: f64, sigma: f64, horizon_s: f64) -> AsModel {
    let variance = sigma * sigma * horizon_s;
    AsModel {
        reservation: mid - q * gamma * variance,
        spread: gamma * variance + (2.0 / gamma) * (gamma / kappa).ln_1p(),
    }
}

/// `T − t` in seconds: time from `now_ms` to `close_time_ms`, within [0, `max_horizon_ms`];
/// the cap itself when the close is unknown.
pub fn horizon_seconds(params: &QuoteParams, now_ms: i64, close_time_ms: Option<i64>) -> f64 {
    let cap = params.max_horizon_ms.max(0);
    let ms = close_time_ms.map_or(cap, |close| close.saturating_sub(now_ms).clamp(0, cap));
    ms as f64 / 1_000.0
}

/// The innermost (bid, ask) in $0.0001 units, before the shared post-only clamp.
pub(crate) fn core_pair(p: &QuoteParams, m: &Market, input: &QuoteInput<'_>) -> Result<(i64, i64), NoQuoteReason> {
    let sigma = input.volatility.filter(|s| s.is_finite() && *s >= 0.0).ok_or(NoQuoteReason::NoVolatility)?;
    let scale = kmm_model::Price::SCALE as f64;
    let mid = (m.best_bid + m.best_ask) as f64 / 2.0 / scale;
    let q = if p.inventory_skew_enabled { m.q as f64 / kmm_model::Qty::SCALE as f64 } else { 0.0 };
    let horizon = horizon_seconds(p, input.now_ms, input.close_time_ms);
    let model = as_model(mid, q, p.gamma, p.kappa, sigma, horizon);
    let max_shift = p.max_skew.units() as f64 / scale;
    let reservation = mid + (model.reservation - mid).clamp(-max_shift, max_shift);
    let half = model.spread / 2.0;
    let bid = snap((reservation - half) * scale, m.tick, false);
    let ask = snap((reservation + half) * scale, m.tick, true);
    bid.zip(ask).ok_or(NoQuoteReason::NoVolatility)
}

/// Snaps a float price in $0.0001 units to the tick grid: down for a bid, up for an ask. A
/// hair of tolerance keeps a model price that is on the grid up to float error (0.43 →
/// 4 299.999…) from moving a whole tick. `None` for a non-finite input.
fn snap(units: f64, tick: i64, up: bool) -> Option<i64> {
    if !units.is_finite() {
        return None;
    }
    let ticks = units / tick as f64;
    let n = if up { (ticks - 1e-9).ceil() } else { (ticks + 1e-9).floor() };
    // Far outside (0, 1) is as good as just outside: the band check drops it.
    Some(n.clamp(-1e6, 1e6) as i64 * tick)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapping_goes_outward_and_tolerates_float_error() {
        assert_eq!(snap(0.43 * 10_000.0, 100, false), Some(4_300));
        assert_eq!(snap(4_350.0, 100, false), Some(4_300));
        assert_eq!(snap(4_350.0, 100, true), Some(4_400));
        assert_eq!(snap(4_300.000_000_1, 100, true), Some(4_300));
        assert_eq!(snap(f64::NAN, 100, true), None);
        assert_eq!(snap(-1e30, 100, false), Some(-100_000_000));
    }

    #[test]
    fn horizon_is_time_to_close_capped() {
        let p = QuoteParams { max_horizon_ms: 3_600_000, ..QuoteParams::default() };
        assert_eq!(horizon_seconds(&p, 0, Some(60_000)), 60.0);
        assert_eq!(horizon_seconds(&p, 0, Some(86_400_000)), 3_600.0, "capped");
        assert_eq!(horizon_seconds(&p, 0, None), 3_600.0, "unknown close uses the cap");
        assert_eq!(horizon_seconds(&p, 10, Some(5)), 0.0, "never negative");
    }
}
