//! Realised volatility of a market's mid price, for the Avellaneda–Stoikov quoter.
//!
//! **Analytics, not money**: this module works in `f64`. Its output only shapes a model price
//! that the quoter snaps to the tick grid as a [`Price`].
//!
//! The estimate is realised variance over a rolling window of samples,
//! `σ² = Σ (Δx)² / Σ Δt` (Δt in seconds), so irregularly spaced samples weigh by the time they
//! cover and no drift is subtracted (over seconds the drift is noise). `σ` is returned in
//! **dollars of YES price per √second**, the unit the Avellaneda–Stoikov formulas need.
//!
//! What `x` is, is the choice of [`VolModel`]:
//! * [`VolModel::LogOdds`] (default): `x = ln(p / (1 − p))`. A binary contract's price is a
//!   bounded martingale whose variance shrinks toward $0 and $1, so price changes are not
//!   comparable across levels; log-odds changes are roughly homoscedastic, and a window that
//!   spans a walk toward a tail is not left inflated. The log-odds σ is converted back to price
//!   units at the latest mid by the delta method: `σ_p = σ_x · p (1 − p)`.
//! * [`VolModel::PriceDiff`]: `x = p` in dollars, plain price changes. Exact and simple, fine
//!   for markets trading well away from the tails.
//!
//! Mids that arrive less than `min_interval_ms` after the last kept sample are skipped, so a
//! burst of book updates does not fill the window with a few milliseconds of history; the move
//! is not lost, it shows up in the next kept sample's increment.

use std::collections::VecDeque;

use kmm_model::Price;
use serde::{Deserialize, Serialize};

use super::params::QuoteParams;

/// The quantity whose increments are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VolModel {
    /// Increments of `ln(p / (1 − p))`, converted to price units at the latest mid.
    #[default]
    LogOdds,
    /// Increments of the price in dollars.
    PriceDiff,
}

/// Fewest increments (bounded by the window) before an estimate is given.
pub const MIN_INCREMENTS: usize = 5;

/// Log-odds are taken of the price clamped to [$0.001, $0.999], so an empty side's $0 or $1
/// cannot produce an infinity.
const LOG_ODDS_CLAMP: f64 = 0.001;

/// Rolling realised-volatility estimator over mid prices.
#[derive(Debug, Clone)]
pub struct VolatilityEstimator {
    model: VolModel,
    /// Increments kept (samples kept = window + 1).
    window: usize,
    min_interval_ms: i64,
    samples: VecDeque<(i64, Price)>,
}

impl VolatilityEstimator {
    /// An estimator keeping `window` increments (at least 2), merging mids closer than
    /// `min_interval_ms`.
    pub fn new(model: VolModel, window: usize, min_interval_ms: i64) -> Self {
        let window = window.max(2);
        Self { model, window, min_interval_ms: min_interval_ms.max(0), samples: VecDeque::with_capacity(window + 1) }
    }

    /// An estimator configured by `vol_model`, `vol_window` and `vol_sample_interval_ms`.
    pub fn from_params(params: &QuoteParams) -> Self {
        let window = usize::try_from(params.vol_window).unwrap_or(usize::MAX);
        Self::new(params.vol_model, window, params.vol_sample_interval_ms)
    }

    /// Records the mid at `now_ms`. Returns false when the sample was skipped (too soon after
    /// the last one, time going backwards, or a price outside (0, 1)).
    pub fn observe(&mut self, now_ms: i64, mid: Price) -> bool {
        if !mid.is_tradable() {
            return false;
        }
        if let Some(&(last_ms, _)) = self.samples.back()
            && now_ms - last_ms < self.min_interval_ms.max(1)
        {
            return false;
        }
        self.samples.push_back((now_ms, mid));
        while self.samples.len() > self.window + 1 {
            self.samples.pop_front();
        }
        true
    }

    /// Number of increments in the window.
    pub fn len(&self) -> usize {
        self.samples.len().saturating_sub(1)
    }

    /// True before any increment.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every sample (after a book resync or a long gap).
    pub fn reset(&mut self) {
        self.samples.clear();
    }

    /// σ in dollars of YES price per √second, once at least [`MIN_INCREMENTS`] increments (or
    /// the whole window, if smaller) have been seen.
    pub fn sigma(&self) -> Option<f64> {
        if self.len() < MIN_INCREMENTS.min(self.window) {
            return None;
        }
        let (mut sum_sq, mut seconds) = (0.0_f64, 0.0_f64);
        for (a, b) in self.samples.iter().zip(self.samples.iter().skip(1)) {
            let dx = self.coordinate(b.1) - self.coordinate(a.1);
            sum_sq += dx * dx;
            seconds += (b.0 - a.0) as f64 / 1_000.0;
        }
        if seconds <= 0.0 {
            return None;
        }
        let sigma_x = (sum_sq / seconds).sqrt();
        let sigma = match self.model {
            VolModel::PriceDiff => sigma_x,
            VolModel::LogOdds => {
                let p = self.samples.back().map_or(0.5, |s| dollars(s.1)).clamp(LOG_ODDS_CLAMP, 1.0 - LOG_ODDS_CLAMP);
                sigma_x * p * (1.0 - p)
            }
        };
        sigma.is_finite().then_some(sigma)
    }

    fn coordinate(&self, price: Price) -> f64 {
        match self.model {
            VolModel::PriceDiff => dollars(price),
            VolModel::LogOdds => {
                let p = dollars(price).clamp(LOG_ODDS_CLAMP, 1.0 - LOG_ODDS_CLAMP);
                (p / (1.0 - p)).ln()
            }
        }
    }
}

/// A price in dollars as a float, for analytics only.
pub(crate) fn dollars(price: Price) -> f64 {
    price.units() as f64 / Price::SCALE as f64
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Deterministic PRNG (SplitMix64) so the synthetic series is the same on every run.
    struct SplitMix(u64);
    impl SplitMix {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn uniform(&mut self) -> f64 {
            ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }
        /// Standard normal by Box–Muller.
        fn normal(&mut self) -> f64 {
            let (u1, u2) = (self.uniform(), self.uniform());
            (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
        }
    }

    fn units(u: i64) -> Price {
        Price::from_units(u).unwrap()
    }

    #[test]
    fn alternating_cent_moves_every_second_is_one_cent_per_root_second() {
        let mut est = VolatilityEstimator::new(VolModel::PriceDiff, 50, 1_000);
        for i in 0..100 {
            est.observe(i * 1_000, units(if i % 2 == 0 { 5_000 } else { 5_100 }));
        }
        assert_eq!(est.len(), 50, "window keeps 50 increments");
        let sigma = est.sigma().unwrap();
        assert!((sigma - 0.01).abs() < 1e-12, "(1¢)² per second → σ = 0.01 $/√s, got {sigma}");
    }

    #[test]
    fn irregular_sampling_weighs_by_time() {
        // 2¢ moves every 4 s: variance (0.02)²/4 per second → σ = 0.01 $/√s.
        let mut est = VolatilityEstimator::new(VolModel::PriceDiff, 20, 0);
        for i in 0..30 {
            est.observe(i * 4_000, units(if i % 2 == 0 { 5_000 } else { 5_200 }));
        }
        assert!((est.sigma().unwrap() - 0.01).abs() < 1e-12);
    }

    #[test]
    fn log_odds_random_walk_recovers_known_sigma() {
        // Log-odds random walk with σ_x = 0.02 per √s sampled every 500 ms around p = 0.5;
        // in price units σ_p = σ_x · p(1−p) at the latest mid.
        let sigma_x = 0.02;
        let mut rng = SplitMix(7);
        let mut est = VolatilityEstimator::new(VolModel::LogOdds, 4_000, 500);
        let mut x = 0.0_f64;
        for i in 0..=4_000 {
            let p = 1.0 / (1.0 + (-x).exp());
            est.observe(i * 500, units((p * 10_000.0).round() as i64));
            let dx = sigma_x * 0.5_f64.sqrt() * rng.normal();
            // Reflect at ±1 so the increments keep their distribution.
            x = if (x + dx).abs() > 1.0 { x - dx } else { x + dx };
        }
        let last = dollars(est.samples.back().unwrap().1);
        let expected = sigma_x * last * (1.0 - last);
        let got = est.sigma().unwrap();
        assert!((got / expected - 1.0).abs() < 0.06, "expected σ ≈ {expected}, got {got}");
    }

    #[test]
    fn price_diff_random_walk_recovers_known_sigma() {
        // Price steps of −2..=+2 cents with probabilities 1/8, 1/4, 1/4, 1/4, 1/8 every second:
        // E[Δ²] = 4/8 + 1/4 + 0 + 1/4 + 4/8 = 1.5 ¢² per second, so σ = √1.5 ¢/√s.
        let mut rng = SplitMix(42);
        let mut est = VolatilityEstimator::new(VolModel::PriceDiff, 5_000, 1_000);
        let mut cents = 50_i64;
        for i in 0..=5_000 {
            est.observe(i * 1_000, Price::from_cents(cents).unwrap());
            let step = match rng.next_u64() % 8 {
                0 => -2,
                1 | 2 => -1,
                3 | 4 => 0,
                5 | 6 => 1,
                _ => 2,
            };
            // Reflect at the edges so every step keeps its size.
            cents = if (10..=90).contains(&(cents + step)) { cents + step } else { cents - step };
        }
        let expected = 1.5_f64.sqrt() / 100.0;
        let got = est.sigma().unwrap();
        assert!((got / expected - 1.0).abs() < 0.05, "expected σ ≈ {expected}, got {got}");
    }

    #[test]
    fn bursts_are_merged_and_bad_samples_skipped() {
        let mut est = VolatilityEstimator::new(VolModel::PriceDiff, 10, 1_000);
        assert!(est.observe(0, units(5_000)));
        assert!(!est.observe(200, units(5_300)), "too soon after the last sample");
        assert!(!est.observe(-5, units(5_300)), "time going backwards");
        assert!(!est.observe(2_000, Price::ONE), "an empty side's $1 is not a mid");
        assert!(est.observe(1_000, units(5_100)));
        assert_eq!(est.len(), 1);
        assert_eq!(est.sigma(), None, "too few increments for an estimate");
        est.reset();
        assert!(est.is_empty());
    }

    #[test]
    fn window_forgets_the_old_regime() {
        let mut est = VolatilityEstimator::new(VolModel::PriceDiff, 10, 0);
        for i in 0..50 {
            est.observe(i * 1_000, units(if i % 2 == 0 { 5_000 } else { 5_500 }));
        }
        for i in 50..61 {
            est.observe(i * 1_000, units(5_500));
        }
        assert_eq!(est.sigma(), Some(0.0), "a quiet window after a wild one reads zero");
    }
}
