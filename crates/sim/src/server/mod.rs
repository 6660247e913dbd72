//! The simulator's network face: Kalshi's REST API and WebSocket on one address, with
//! Kalshi's authentication, error bodies, rate limits and fault injection.
//!
//! One [`AppState`] owns the [`Exchange`] behind a mutex; every mutation goes through
//! [`AppState::mutate`], which drains the exchange's events and broadcasts them to the
//! WebSocket sessions, so a client's feed always reflects exactly what the REST side did.

pub mod app;
pub mod auth;
pub mod error;
pub mod rest;
pub mod ws;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use kmm_kalshi::ratelimit::{RateLimiter, Tier};
use kmm_kalshi::signer::PublicKey;
use kmm_model::Money;
use tokio::sync::broadcast;

use crate::faults::{FaultConfig, Faults};
use crate::flow::FlowConfig;
use crate::{Event, Exchange, SimError, UserId};

/// An API key the simulator accepts: its id, public key and owning user.
#[derive(Debug, Clone)]
pub struct ApiKey {
    /// The key id clients send in `KALSHI-ACCESS-KEY`.
    pub key_id: String,
    /// The public half, to verify signatures.
    pub public_key: PublicKey,
    /// The account the key trades for.
    pub user: UserId,
}

/// How to start a simulator server.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen; `127.0.0.1:0` picks a free port.
    pub addr: SocketAddr,
    /// Seed for everything random (synthetic flow, faults).
    pub seed: u64,
    /// Keys accepted; each key's user is created with `starting_balance` if new.
    pub api_keys: Vec<ApiKey>,
    /// Cash each new user starts with.
    pub starting_balance: Money,
    /// Faults active from the start.
    pub faults: FaultConfig,
    /// Rate-limit tier applied to every key.
    pub tier: Tier,
    /// Largest accepted difference between a request's timestamp and the server clock.
    pub max_clock_skew_ms: i64,
    /// Synthetic markets and order flow; `None` starts an empty exchange.
    pub flow: Option<FlowConfig>,
}

impl SimConfig {
    /// Defaults: loopback on a free port, $10 000 per user, no faults, Basic tier, 60 s skew.
    pub fn new(api_keys: Vec<ApiKey>) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 1,
            api_keys,
            starting_balance: Money::from_micros(10_000 * Money::SCALE),
            faults: FaultConfig::default(),
            tier: Tier::BASIC,
            max_clock_skew_ms: 60_000,
            flow: None,
        }
    }
}

/// Shared server state.
#[derive(Debug)]
pub struct AppState {
    exchange: Mutex<Exchange>,
    keys: HashMap<String, ApiKey>,
    limiters: HashMap<String, RateLimiter>,
    /// Live fault settings.
    pub faults: Faults,
    events: broadcast::Sender<Arc<Event>>,
    /// Accepted clock skew for signed requests.
    pub max_clock_skew_ms: i64,
    /// The rate-limit tier every key's limiter was built with (reported by `/account/limits`).
    pub tier: Tier,
}

impl AppState {
    /// State over `exchange`, registering every key's user.
    pub fn new(mut exchange: Exchange, config: &SimConfig) -> Result<Self, SimError> {
        let users = exchange.users();
        for key in &config.api_keys {
            if !users.contains(&key.user) {
                exchange.add_user(key.user.clone(), config.starting_balance)?;
            }
        }
        let keys = config.api_keys.iter().map(|k| (k.key_id.clone(), k.clone())).collect();
        let limiters = config.api_keys.iter().map(|k| (k.key_id.clone(), RateLimiter::new(config.tier))).collect();
        let (events, _) = broadcast::channel(65_536);
        Ok(Self {
            exchange: Mutex::new(exchange),
            keys,
            limiters,
            faults: Faults::new(config.faults.clone(), config.seed),
            events,
            max_clock_skew_ms: config.max_clock_skew_ms,
            tier: config.tier,
        })
    }

    /// Runs a read against the exchange after bringing its clock to now (expiries, closes).
    pub fn read<T>(&self, f: impl FnOnce(&Exchange) -> T) -> T {
        self.mutate(|ex| {
            let _ = ex.advance(now_ms());
            f(ex)
        })
    }

    /// Runs a mutation, then drains and broadcasts the exchange's events.
    pub fn mutate<T>(&self, f: impl FnOnce(&mut Exchange) -> T) -> T {
        let mut exchange = self.exchange.lock().unwrap_or_else(PoisonError::into_inner);
        let result = f(&mut exchange);
        for event in exchange.drain_events() {
            // No receiver (no WebSocket session) is fine.
            let _ = self.events.send(Arc::new(event));
        }
        result
    }

    /// A receiver of every exchange event from now on.
    pub fn subscribe_events(&self) -> broadcast::Receiver<Arc<Event>> {
        self.events.subscribe()
    }

    /// The registered key with this id.
    pub fn key(&self, key_id: &str) -> Option<&ApiKey> {
        self.keys.get(key_id)
    }

    /// The rate limiter of a key.
    pub fn limiter(&self, key_id: &str) -> Option<&RateLimiter> {
        self.limiters.get(key_id)
    }
}

/// Milliseconds since the Unix epoch, from the system clock.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
