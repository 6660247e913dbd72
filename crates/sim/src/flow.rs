//! Synthetic, seeded order flow: noise traders and informed traders around a hidden fair value.

use serde::{Deserialize, Serialize};

/// How much synthetic activity to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowConfig {
    /// Markets to create and trade.
    pub markets: usize,
    /// Average synthetic orders per second per market (0 = markets only, no flow).
    pub orders_per_sec: f64,
    /// Share of taker flow that is informed (trades toward the hidden fair value).
    pub informed_share: f64,
    /// How often the flow steps, in milliseconds.
    pub tick_ms: u64,
    /// Markets close and settle after this many seconds and are replaced (None = never).
    pub market_lifetime_secs: Option<u64>,
}

impl Default for FlowConfig {
    fn default() -> Self {
        Self { markets: 8, orders_per_sec: 4.0, informed_share: 0.2, tick_ms: 100, market_lifetime_secs: None }
    }
}
