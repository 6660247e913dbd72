//! Trading states, their scopes, and the latched kill switch.

use std::collections::BTreeMap;
use std::fmt;

use kmm_model::{MarketTicker, Money};
use serde::{Deserialize, Serialize};

/// What the engine may send. Ordered by severity: `Active < Reducing < Halted`, so the
/// effective state of a market is the `max` of the global and the market state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub enum TradingState {
    /// Everything within limits is allowed.
    #[default]
    Active,
    /// Only orders that shrink the position (and cancels).
    Reducing,
    /// Only cancels.
    Halted,
}

impl fmt::Display for TradingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TradingState::Active => "active",
            TradingState::Reducing => "reducing",
            TradingState::Halted => "halted",
        })
    }
}

/// Where a state, a latch or a limit applies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Every market.
    Global,
    /// One market.
    Market(MarketTicker),
}

impl Scope {
    /// True when this scope covers `ticker`.
    pub fn covers(&self, ticker: &MarketTicker) -> bool {
        match self {
            Scope::Global => true,
            Scope::Market(t) => t == ticker,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Global => f.write_str("global"),
            Scope::Market(t) => write!(f, "market {t}"),
        }
    }
}

/// Why a latch engaged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LatchCause {
    /// The kill switch, pulled by a person or by the runner (reason given).
    Manual(String),
    /// The daily loss limit was reached.
    DailyLoss {
        /// The P&L when it tripped.
        pnl: Money,
        /// The configured limit (positive).
        limit: Money,
    },
}

impl fmt::Display for LatchCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LatchCause::Manual(reason) => write!(f, "kill switch: {reason}"),
            LatchCause::DailyLoss { pnl, limit } => {
                write!(f, "daily loss limit: P&L ${pnl} at or below -${limit}")
            }
        }
    }
}

/// An engaged latch: why and since when. Only [`KillSwitch::reset`] clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latch {
    /// The first cause (engaging again keeps it).
    pub cause: LatchCause,
    /// Engine time it engaged, Unix ms.
    pub since_ms: i64,
}

/// A refused reset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResetError {
    /// A reset must name the person who made it.
    #[error("a kill-switch reset must name who reset it")]
    Anonymous,
}

/// The kill switch, global and per market. Engaging latches `Halted`; only an explicit
/// [`reset`](Self::reset) naming a person clears it. Engaging an engaged scope is a no-op that
/// keeps the first reason.
#[derive(Debug, Clone, Default)]
pub struct KillSwitch {
    global: Option<Latch>,
    markets: BTreeMap<MarketTicker, Latch>,
}

impl KillSwitch {
    /// Engages `scope`. Returns true when it was not engaged before.
    pub fn engage(&mut self, scope: &Scope, cause: LatchCause, now_ms: i64) -> bool {
        if self.latch(scope).is_some() {
            return false;
        }
        tracing::error!(scope = %scope, reason = %cause, "kill switch engaged");
        let latch = Latch { cause, since_ms: now_ms };
        match scope {
            Scope::Global => self.global = Some(latch),
            Scope::Market(t) => {
                self.markets.insert(t.clone(), latch);
            }
        }
        true
    }

    /// Clears `scope`'s latch; `by` names the person. Returns the latch that was cleared.
    pub fn reset(&mut self, scope: &Scope, by: &str) -> Result<Option<Latch>, ResetError> {
        if by.trim().is_empty() {
            return Err(ResetError::Anonymous);
        }
        let cleared = match scope {
            Scope::Global => self.global.take(),
            Scope::Market(t) => self.markets.remove(t),
        };
        if let Some(latch) = &cleared {
            tracing::warn!(scope = %scope, by, reason = %latch.cause, "kill switch reset");
        }
        Ok(cleared)
    }

    /// The latch of exactly this scope, if engaged.
    pub fn latch(&self, scope: &Scope) -> Option<&Latch> {
        match scope {
            Scope::Global => self.global.as_ref(),
            Scope::Market(t) => self.markets.get(t),
        }
    }

    /// The latch that halts `ticker`: the global one first, else the market's.
    pub fn halting(&self, ticker: &MarketTicker) -> Option<(Scope, &Latch)> {
        if let Some(l) = &self.global {
            return Some((Scope::Global, l));
        }
        self.markets.get(ticker).map(|l| (Scope::Market(ticker.clone()), l))
    }

    /// Markets with their own latch engaged.
    pub fn latched_markets(&self) -> impl Iterator<Item = &MarketTicker> {
        self.markets.keys()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn states_order_by_severity() {
        assert!(TradingState::Active < TradingState::Reducing && TradingState::Reducing < TradingState::Halted);
        assert_eq!(TradingState::Active.max(TradingState::Halted), TradingState::Halted);
    }

    #[test]
    fn engaging_twice_keeps_the_first_reason_and_reset_needs_a_name() {
        let mut ks = KillSwitch::default();
        assert!(ks.engage(&Scope::Global, LatchCause::Manual("tray".into()), 1));
        assert!(!ks.engage(&Scope::Global, LatchCause::Manual("cli".into()), 2), "idempotent");
        assert_eq!(ks.latch(&Scope::Global).unwrap().cause, LatchCause::Manual("tray".into()));
        assert_eq!(ks.reset(&Scope::Global, "  "), Err(ResetError::Anonymous));
        assert!(ks.latch(&Scope::Global).is_some(), "a refused reset leaves the latch engaged");
        assert!(ks.reset(&Scope::Global, "alice").unwrap().is_some());
        assert!(ks.latch(&Scope::Global).is_none());
        assert!(ks.reset(&Scope::Global, "alice").unwrap().is_none(), "resetting a clear switch is harmless");
    }
}
