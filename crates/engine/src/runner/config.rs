//! Engine settings: defaults, then a TOML file, then `KALSHI_*` environment variables, then
//! whatever the front end sets (CLI flags, the desktop's settings).

use std::path::Path;

use kmm_model::{MarketTicker, Price, Qty};
use serde::{Deserialize, Serialize};

use crate::oms::LeftoverPolicy;
use crate::quoting::QuoteParams;
use crate::risk::RiskLimits;

/// Everything the runner needs besides the exchange connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineConfig {
    /// Markets to quote; empty = pick `auto_markets` open markets with the widest spreads.
    pub markets: Vec<MarketTicker>,
    /// How many markets to pick when `markets` is empty.
    pub auto_markets: usize,
    /// Strategy parameters.
    pub quote: QuoteParams,
    /// Risk limits.
    pub risk: RiskLimits,
    /// Prefix of our client order ids (marks our orders on the exchange).
    pub client_id_prefix: String,
    /// What to do with our orders left over from an earlier session.
    pub leftover: LeftoverPolicy,
    /// How often quotes are decided, ms.
    pub decide_interval_ms: u64,
    /// How often orders and positions are reconciled with the exchange, ms.
    pub reconcile_interval_ms: u64,
    /// How often one book is audited against the REST order book, ms.
    pub audit_interval_ms: u64,
    /// Start quoting as soon as the engine is up.
    pub autostart: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            markets: Vec::new(),
            auto_markets: 5,
            quote: QuoteParams::default(),
            risk: RiskLimits::default(),
            client_id_prefix: "kmm".to_owned(),
            leftover: LeftoverPolicy::Cancel,
            decide_interval_ms: 250,
            reconcile_interval_ms: 10_000,
            audit_interval_ms: 30_000,
            autostart: true,
        }
    }
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this configuration.
    #[error("parsing {path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// An environment variable has a bad value.
    #[error("environment variable {name}: {message}")]
    Env {
        /// The variable.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A value is out of range.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl EngineConfig {
    /// Defaults overlaid with `path` (when given), then with `KALSHI_*` variables from `env`.
    pub fn load(path: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut config = match path {
            Some(path) => {
                let shown = path.display().to_string();
                let text = std::fs::read_to_string(path)
                    .map_err(|source| ConfigError::Read { path: shown.clone(), source })?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse { path: shown, message: e.to_string() })?
            }
            None => EngineConfig::default(),
        };
        config.apply_env(env)?;
        config.validate()?;
        Ok(config)
    }

    /// Applies the `KALSHI_*` overrides the seed's env-based configuration used.
    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let cents = |name: &'static str, value: String| -> Result<Price, ConfigError> {
            let cents: i64 = value
                .trim()
                .parse()
                .map_err(|_| ConfigError::Env { name, message: format!("{value:?} is not whole cents") })?;
            Price::from_cents(cents).map_err(|e| ConfigError::Env { name, message: e.to_string() })
        };
        let contracts = |name: &'static str, value: String| -> Result<Qty, ConfigError> {
            value.trim().parse::<Qty>().map_err(|e| ConfigError::Env { name, message: e.to_string() })
        };
        if let Some(v) = env("KALSHI_MARKETS") {
            self.markets = v.split(',').map(str::trim).filter(|t| !t.is_empty()).map(MarketTicker::new).collect();
        }
        if let Some(v) = env("KALSHI_MIN_SPREAD_CENTS") {
            self.quote.min_spread = cents("KALSHI_MIN_SPREAD_CENTS", v)?;
        }
        if let Some(v) = env("KALSHI_ORDER_SIZE") {
            self.quote.order_amount = contracts("KALSHI_ORDER_SIZE", v)?;
        }
        if let Some(v) = env("KALSHI_MAX_POSITION") {
            self.risk.max_position = contracts("KALSHI_MAX_POSITION", v)?;
        }
        if let Some(v) = env("KALSHI_QUOTE_REFRESH_MS") {
            self.quote.order_refresh_time_ms = v.trim().parse().map_err(|_| ConfigError::Env {
                name: "KALSHI_QUOTE_REFRESH_MS",
                message: format!("{v:?} is not milliseconds"),
            })?;
        }
        Ok(())
    }

    /// Checks every part; the message lists each bad field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        if let Err(errors) = self.quote.validate() {
            problems.extend(errors.iter().map(|e| format!("quote.{}: {}", e.field, e.message)));
        }
        if let Err(e) = self.risk.validate() {
            problems.push(format!("risk: {e}"));
        }
        if self.decide_interval_ms == 0 || self.reconcile_interval_ms == 0 || self.audit_interval_ms == 0 {
            problems.push("intervals must be positive".to_owned());
        }
        if self.markets.is_empty() && self.auto_markets == 0 {
            problems.push("no markets: list some or set auto_markets above 0".to_owned());
        }
        if problems.is_empty() { Ok(()) } else { Err(ConfigError::Invalid(problems.join("; "))) }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let dir = std::env::temp_dir().join(format!("kmm-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("engine.toml");
        std::fs::write(&file, "auto_markets = 3\n[quote]\nmin_spread = \"0.0700\"\norder_amount = \"5.00\"\n").unwrap();
        let env = |name: &str| (name == "KALSHI_MIN_SPREAD_CENTS").then(|| "6".to_owned());
        let config = EngineConfig::load(Some(&file), env).unwrap();
        assert_eq!(config.auto_markets, 3, "from the file");
        assert_eq!(config.quote.order_amount, Qty::from_contracts(5).unwrap(), "from the file");
        assert_eq!(config.quote.min_spread, Price::from_cents(6).unwrap(), "the environment beats the file");
        assert_eq!(config.decide_interval_ms, 250, "defaults fill the rest");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_values_are_named() {
        let err = EngineConfig::load(None, |n| (n == "KALSHI_ORDER_SIZE").then(|| "ten".to_owned())).unwrap_err();
        assert!(err.to_string().contains("KALSHI_ORDER_SIZE"), "{err}");
        let err = EngineConfig { auto_markets: 0, ..EngineConfig::default() }.validate().unwrap_err();
        assert!(err.to_string().contains("no markets"), "{err}");
        let missing = EngineConfig::load(Some(Path::new("/nonexistent/engine.toml")), |_| None).unwrap_err();
        assert!(matches!(missing, ConfigError::Read { .. }));
    }
}
