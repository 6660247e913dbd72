//! Fault injection: what the simulator does wrong on purpose, set at start and changeable at
//! run time (`PUT /sim/faults`), so reliability tests can prove the client survives it.

use std::sync::{Mutex, PoisonError, RwLock};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Rates are fractions in [0, 1] of the requests or frames they apply to (probabilities, not
/// money, so floats are fine here).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultConfig {
    /// REST requests answered `429 {"error": "too many requests"}`.
    pub http_429_rate: f64,
    /// REST requests answered 500 or 503 (before doing anything).
    pub http_5xx_rate: f64,
    /// Order creations rejected with a 400 (`exchange_unavailable`-style) before matching.
    pub reject_order_rate: f64,
    /// WebSocket connections dropped, per connection per second.
    pub ws_drop_per_sec: f64,
    /// Order-book frames whose `seq` skips a number (a gap the client must detect).
    pub ws_seq_skip_rate: f64,
    /// Data frames sent twice (the duplicate repeats its `seq`).
    pub ws_duplicate_rate: f64,
    /// Largest extra delay added to each WebSocket frame, in milliseconds.
    pub ws_max_delay_ms: u64,
    /// Private `fill` frames silently not delivered (as if lost in a disconnect): clients
    /// must recover them from `GET /portfolio/fills`.
    pub ws_fill_loss_rate: f64,
    /// All markets refuse new orders (`trading_paused`); resting orders stay.
    pub trading_paused: bool,
}

impl FaultConfig {
    /// Rejects rates outside [0, 1] with a message naming the field.
    pub fn validate(&self) -> Result<(), String> {
        let rates = [
            ("http_429_rate", self.http_429_rate),
            ("http_5xx_rate", self.http_5xx_rate),
            ("reject_order_rate", self.reject_order_rate),
            ("ws_seq_skip_rate", self.ws_seq_skip_rate),
            ("ws_duplicate_rate", self.ws_duplicate_rate),
            ("ws_fill_loss_rate", self.ws_fill_loss_rate),
        ];
        for (name, rate) in rates {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1, got {rate}"));
            }
        }
        if !(self.ws_drop_per_sec >= 0.0 && self.ws_drop_per_sec.is_finite()) {
            return Err(format!("ws_drop_per_sec must be a non-negative number, got {}", self.ws_drop_per_sec));
        }
        Ok(())
    }
}

/// A REST request the fault layer answers instead of the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestFault {
    /// Answer 429.
    RateLimited,
    /// Answer this 5xx status.
    ServerError(u16),
}

/// What to do with one outgoing WebSocket data frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameFault {
    /// Send it normally.
    None,
    /// Skip one `seq` number before it (order-book frames only).
    SkipSeq,
    /// Send it twice.
    Duplicate,
}

/// The live fault settings and their seeded random source.
#[derive(Debug)]
pub struct Faults {
    config: RwLock<FaultConfig>,
    rng: Mutex<StdRng>,
}

impl Faults {
    /// Faults with `config`, drawing from a generator seeded with `seed`.
    pub fn new(config: FaultConfig, seed: u64) -> Self {
        Self { config: RwLock::new(config), rng: Mutex::new(StdRng::seed_from_u64(seed ^ 0xFA17)) }
    }

    /// The current settings.
    pub fn get(&self) -> FaultConfig {
        self.config.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Replaces the settings after validating them.
    pub fn set(&self, config: FaultConfig) -> Result<(), String> {
        config.validate()?;
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = config;
        Ok(())
    }

    fn chance(&self, rate: f64) -> bool {
        rate > 0.0 && self.rng.lock().unwrap_or_else(PoisonError::into_inner).random_bool(rate.clamp(0.0, 1.0))
    }

    /// Whether this REST request should fail, and how.
    pub fn rest_fault(&self) -> Option<RestFault> {
        let config = self.get();
        if self.chance(config.http_429_rate) {
            return Some(RestFault::RateLimited);
        }
        if self.chance(config.http_5xx_rate) {
            let status = if self.chance(0.5) { 500 } else { 503 };
            return Some(RestFault::ServerError(status));
        }
        None
    }

    /// Whether this order creation should be rejected before matching.
    pub fn reject_order(&self) -> bool {
        self.chance(self.get().reject_order_rate)
    }

    /// Whether trading is paused by the fault layer.
    pub fn trading_paused(&self) -> bool {
        self.get().trading_paused
    }

    /// What to do with one data frame; `is_book` says whether it carries an order-book `seq`.
    pub fn frame_fault(&self, is_book: bool) -> FrameFault {
        let config = self.get();
        if is_book && self.chance(config.ws_seq_skip_rate) {
            FrameFault::SkipSeq
        } else if self.chance(config.ws_duplicate_rate) {
            FrameFault::Duplicate
        } else {
            FrameFault::None
        }
    }

    /// Whether a private fill frame should be lost.
    pub fn lose_fill(&self) -> bool {
        self.chance(self.get().ws_fill_loss_rate)
    }

    /// Whether a connection should be dropped now, checked every `interval`.
    pub fn drop_connection(&self, interval: Duration) -> bool {
        let rate = self.get().ws_drop_per_sec * interval.as_secs_f64();
        self.chance(rate.min(1.0))
    }

    /// Extra delay for one frame.
    pub fn frame_delay(&self) -> Duration {
        let max = self.get().ws_max_delay_ms;
        if max == 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(self.rng.lock().unwrap_or_else(PoisonError::into_inner).random_range(0..=max))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn no_faults_by_default() {
        let faults = Faults::new(FaultConfig::default(), 1);
        for _ in 0..1_000 {
            assert_eq!(faults.rest_fault(), None);
            assert_eq!(faults.frame_fault(true), FrameFault::None);
            assert!(!faults.reject_order());
        }
        assert_eq!(faults.frame_delay(), Duration::ZERO);
    }

    #[test]
    fn rates_are_honoured_roughly_and_deterministically() {
        let config = FaultConfig { http_429_rate: 0.25, ..FaultConfig::default() };
        let count = |seed| {
            let faults = Faults::new(config.clone(), seed);
            (0..4_000).filter(|_| faults.rest_fault() == Some(RestFault::RateLimited)).count()
        };
        let hits = count(7);
        assert_eq!(hits, count(7), "same seed, same faults");
        assert!((800..1_200).contains(&hits), "about a quarter of 4 000, got {hits}");
        let always = Faults::new(FaultConfig { ws_seq_skip_rate: 1.0, ..FaultConfig::default() }, 3);
        assert_eq!(always.frame_fault(true), FrameFault::SkipSeq);
        assert_eq!(always.frame_fault(false), FrameFault::None, "only book frames carry seq gaps");
    }

    #[test]
    fn invalid_rates_are_refused_and_change_nothing() {
        let faults = Faults::new(FaultConfig::default(), 1);
        let error = faults.set(FaultConfig { http_5xx_rate: 1.5, ..FaultConfig::default() }).unwrap_err();
        assert!(error.contains("http_5xx_rate"), "{error}");
        assert_eq!(faults.get(), FaultConfig::default());
        faults.set(FaultConfig { trading_paused: true, ..FaultConfig::default() }).unwrap_or_default();
        assert!(faults.trading_paused());
    }
}
