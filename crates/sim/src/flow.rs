//! Synthetic, seeded order flow: noise traders and informed traders around a hidden fair value.
//!
//! Each market has a hidden fair probability that follows a random walk with occasional jumps,
//! kept within [0.03, 0.97]. Per market and per second, `orders_per_sec` actions on average
//! (Poisson): a share `informed_share` are informed traders, who take liquidity only when the
//! best bid or ask is mispriced against the fair value by more than `informed_edge_cents`;
//! the rest are noise traders, who post resting orders a few cents either side of fair value
//! (so the book's spread stays wide, 4–10¢, with depth behind), cancel them, and sometimes
//! take the best price. Markets close and settle after `market_lifetime_secs` (the result is
//! drawn from the fair value) and are replaced by the next day's market of the same strike.
//!
//! Everything is deterministic given the seed and the sequence of `now_ms` the flow is
//! stepped with: the generator is a seeded [`StdRng`], markets are walked in order, and the
//! exchange's ids are counters. Floats here model probabilities and randomness only; every
//! price and count handed to the exchange is a fixed-point [`Price`]/[`Qty`].

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use kmm_model::{MarketTicker, Money, OrderId, Price, Qty, Side};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tracing::debug;

use crate::market::{MarketConfig, SettlementResult};
use crate::order::{OrderRequest, TimeInForce};
use crate::server::{AppState, now_ms};
use crate::{Exchange, SimError, UserId};

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
    /// Standard deviation of the fair value's random walk per √second (probability units).
    pub fair_volatility: f64,
    /// Jumps of the fair value per second per market (a Poisson rate).
    pub jump_rate_per_sec: f64,
    /// Largest jump of the fair value (probability units, either direction).
    pub max_jump: f64,
    /// Informed traders take a price only when it is this many cents better than fair value.
    pub informed_edge_cents: u32,
}

impl Default for FlowConfig {
    fn default() -> Self {
        Self {
            markets: 8,
            orders_per_sec: 4.0,
            informed_share: 0.2,
            tick_ms: 100,
            market_lifetime_secs: None,
            fair_volatility: 0.003,
            jump_rate_per_sec: 1.0 / 120.0,
            max_jump: 0.12,
            informed_edge_cents: 2,
        }
    }
}

/// Bounds of the hidden fair probability.
const FAIR_MIN: f64 = 0.03;
const FAIR_MAX: f64 = 0.97;
/// Series of the synthetic markets (a daily weather-style "high above X°" ladder).
const SERIES: &str = "SIMWX";
/// Strike of market slot 0 and the step between slots.
const FIRST_STRIKE: usize = 44;
const STRIKE_STEP: usize = 2;
/// Noise traders, then the informed trader.
const NOISE_USERS: usize = 4;
/// Cash each flow user starts with: $10 million, so flow never runs dry.
const FLOW_BALANCE_DOLLARS: i64 = 10_000_000;
/// Resting flow orders kept per market; the oldest are canceled beyond this.
const MAX_RESTING: usize = 60;
/// Longest step honoured, so a stalled clock does not produce a burst of flow.
const MAX_STEP_MS: i64 = 10_000;

/// One market slot: the live market and its hidden fair value.
#[derive(Debug, Clone)]
struct Slot {
    index: usize,
    generation: i64,
    ticker: MarketTicker,
    fair: f64,
    close_ms: Option<i64>,
    /// The flow's orders that may still rest, oldest first.
    resting: VecDeque<(usize, OrderId)>,
}

/// Seeded synthetic traders over a set of markets.
#[derive(Debug, Clone)]
pub struct SyntheticFlow {
    config: FlowConfig,
    rng: StdRng,
    users: Vec<UserId>,
    slots: Vec<Slot>,
    last_ms: Option<i64>,
    /// Day (Unix days) of the first generation's event.
    first_day: i64,
    set_up: bool,
}

/// A whole-cent price, if it is a valid order price (1–99¢).
fn cents(c: i64) -> Option<Price> {
    if (1..=99).contains(&c) { Price::from_cents(c).ok() } else { None }
}

/// Fair value in whole cents.
fn fair_cents(fair: f64) -> i64 {
    // Probabilities in [0.03, 0.97]: the rounded value is within 3..=97.
    (fair * 100.0).round().clamp(1.0, 99.0) as i64
}

/// `DDMONYY`-style date part of a Kalshi ticker: `26NOV24` for 2026-11-24.
fn ticker_date(day: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(day.saturating_mul(86_400))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    let month = match date.month() {
        time::Month::January => "JAN",
        time::Month::February => "FEB",
        time::Month::March => "MAR",
        time::Month::April => "APR",
        time::Month::May => "MAY",
        time::Month::June => "JUN",
        time::Month::July => "JUL",
        time::Month::August => "AUG",
        time::Month::September => "SEP",
        time::Month::October => "OCT",
        time::Month::November => "NOV",
        time::Month::December => "DEC",
    };
    format!("{:02}{month}{:02}", date.year().rem_euclid(100), date.day())
}

impl SyntheticFlow {
    /// A flow with `config`, drawing from a generator seeded with `seed`.
    pub fn new(config: FlowConfig, seed: u64) -> Self {
        let mut users: Vec<UserId> = (1..=NOISE_USERS).map(|i| UserId::new(format!("sim-flow-noise-{i}"))).collect();
        users.push(UserId::new("sim-flow-informed"));
        Self {
            config,
            rng: StdRng::seed_from_u64(seed ^ 0xF10E_5EED),
            users,
            slots: Vec::new(),
            last_ms: None,
            first_day: 0,
            set_up: false,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &FlowConfig {
        &self.config
    }

    /// The flow's own accounts (noise traders, then the informed trader).
    pub fn users(&self) -> &[UserId] {
        &self.users
    }

    /// Creates the flow's users (with large balances) and `config.markets` binary markets,
    /// each seeded with resting liquidity a few cents either side of its fair value.
    /// Calling it again does nothing.
    pub fn setup(&mut self, ex: &mut Exchange, now_ms: i64) -> Result<(), SimError> {
        if self.set_up {
            return Ok(());
        }
        let existing = ex.users();
        for user in &self.users {
            if !existing.contains(user) {
                ex.add_user(user.clone(), Money::from_micros(FLOW_BALANCE_DOLLARS * Money::SCALE))?;
            }
        }
        self.first_day = now_ms.div_euclid(86_400_000);
        let count = self.config.markets;
        for index in 0..count {
            // Stagger the first closes so markets are not all replaced at once.
            let lifetime_ms = self.lifetime_ms().map(|l| l * (index as i64 + 1) / count.max(1) as i64);
            let slot = self.list(ex, index, 0, now_ms, lifetime_ms)?;
            self.slots.push(slot);
        }
        self.set_up = true;
        self.last_ms = Some(now_ms);
        Ok(())
    }

    fn lifetime_ms(&self) -> Option<i64> {
        self.config.market_lifetime_secs.map(|s| i64::try_from(s).unwrap_or(i64::MAX / 2_000).saturating_mul(1_000))
    }

    /// Lists the market of `index`'s slot for `generation` and seeds its book.
    fn list(
        &mut self,
        ex: &mut Exchange,
        index: usize,
        generation: i64,
        now_ms: i64,
        lifetime_ms: Option<i64>,
    ) -> Result<Slot, SimError> {
        let event = format!("{SERIES}-{}", ticker_date(self.first_day + generation));
        let ticker = format!("{event}-T{}", FIRST_STRIKE + STRIKE_STEP * index);
        let mut config = MarketConfig::binary(&ticker, &event, SERIES);
        config.open_time_ms = now_ms;
        config.close_time_ms = lifetime_ms.map(|l| now_ms.saturating_add(l));
        ex.add_market(config.clone(), now_ms)?;
        let mut slot = Slot {
            index,
            generation,
            ticker: config.ticker,
            fair: self.rng.random_range(0.15..0.85),
            close_ms: config.close_time_ms,
            resting: VecDeque::new(),
        };
        // Seed: five levels a side, the best 2–5¢ from fair value.
        let mid = fair_cents(slot.fair);
        for side in [Side::Bid, Side::Ask] {
            let half = self.rng.random_range(2..=5);
            for depth in 0..5 {
                let offset = half + depth;
                let price = match side {
                    Side::Bid => cents(mid - offset),
                    Side::Ask => cents(mid + offset),
                };
                let count = Qty::from_units(self.rng.random_range(10..=120) * Qty::SCALE);
                let user = self.noise_user();
                if let Some(price) = price {
                    self.place(ex, &mut slot, user, side, price, count, TimeInForce::GoodTillCanceled, now_ms);
                }
            }
        }
        debug!(%slot.ticker, fair = slot.fair, "synthetic market listed");
        Ok(slot)
    }

    fn noise_user(&mut self) -> usize {
        self.rng.random_range(0..NOISE_USERS)
    }

    /// Places one order for flow user `user`; refusals (balance, post-only, ...) are logged.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        ex: &mut Exchange,
        slot: &mut Slot,
        user: usize,
        side: Side,
        price: Price,
        count: Qty,
        tif: TimeInForce,
        now_ms: i64,
    ) {
        let Some(user_id) = self.users.get(user) else { return };
        let mut request = OrderRequest::new(slot.ticker.clone(), side, price, count);
        request.time_in_force = tif;
        match ex.create_order(user_id, request, now_ms) {
            Ok(order) if order.is_resting() => slot.resting.push_back((user, order.order_id)),
            Ok(_) => {}
            Err(error) => debug!(%slot.ticker, %error, "synthetic order refused"),
        }
    }

    /// Advances the flow to `now_ms`: moves fair values, settles and replaces expired markets,
    /// and sends this step's orders and cancels. Runs [`SyntheticFlow::setup`] first if it
    /// has not run. Refusals of the flow's own orders are logged, never fatal.
    pub fn step(&mut self, ex: &mut Exchange, now_ms: i64) {
        if !self.set_up
            && let Err(error) = self.setup(ex, now_ms)
        {
            debug!(%error, "synthetic flow setup failed");
            return;
        }
        let dt_ms = self.last_ms.map_or(0, |last| (now_ms - last).clamp(0, MAX_STEP_MS));
        self.last_ms = Some(now_ms.max(self.last_ms.unwrap_or(now_ms)));
        let dt = dt_ms as f64 / 1_000.0;
        let mut slots = std::mem::take(&mut self.slots);
        for slot in &mut slots {
            if slot.close_ms.is_some_and(|close| now_ms >= close) {
                self.replace(ex, slot, now_ms);
                continue;
            }
            self.evolve(slot, dt);
            let actions = self.poisson(self.config.orders_per_sec.max(0.0) * dt);
            for _ in 0..actions {
                if self.rng.random_bool(self.config.informed_share.clamp(0.0, 1.0)) {
                    self.informed(ex, slot, now_ms);
                } else {
                    self.noise(ex, slot, now_ms);
                }
            }
            self.trim(ex, slot, now_ms);
        }
        self.slots = slots;
    }

    /// Random walk plus jumps, kept within [0.03, 0.97].
    fn evolve(&mut self, slot: &mut Slot, dt: f64) {
        if dt <= 0.0 {
            return;
        }
        let mut fair = slot.fair + self.config.fair_volatility * dt.sqrt() * self.normal();
        if self.rng.random_bool((self.config.jump_rate_per_sec * dt).clamp(0.0, 1.0)) {
            let max = self.config.max_jump.abs();
            if max > 0.0 {
                fair += self.rng.random_range(-max..=max);
            }
        }
        slot.fair = if fair.is_finite() { fair.clamp(FAIR_MIN, FAIR_MAX) } else { slot.fair };
    }

    /// A standard normal draw (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u1: f64 = self.rng.random_range(f64::EPSILON..1.0);
        let u2: f64 = self.rng.random();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A Poisson draw with mean `lambda` (Knuth's method; a normal approximation above 30).
    fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda.is_nan() || lambda <= 0.0 || !lambda.is_finite() {
            return 0;
        }
        if lambda > 30.0 {
            let draw = lambda + lambda.sqrt() * self.normal();
            return draw.round().clamp(0.0, 10_000.0) as u64;
        }
        let limit = (-lambda).exp();
        let mut product: f64 = self.rng.random();
        let mut count = 0;
        while product > limit && count < 1_000 {
            product *= self.rng.random::<f64>();
            count += 1;
        }
        count
    }

    /// An informed trader takes the best price when it is mispriced against fair value by
    /// more than the edge, sweeping every level up to that limit.
    fn informed(&mut self, ex: &mut Exchange, slot: &mut Slot, now_ms: i64) {
        let Ok(info) = ex.market_info(&slot.ticker) else { return };
        let edge = i64::from(self.config.informed_edge_cents);
        let fair = slot.fair * 100.0;
        let count = Qty::from_units(self.rng.random_range(5..=30) * Qty::SCALE);
        let informed = NOISE_USERS;
        if let Some((ask, _)) = info.yes_ask
            && (ask.units() as f64 / 100.0) < fair - edge as f64
        {
            // Buy every ask below fair − edge.
            if let Some(limit) = cents((fair - edge as f64).floor() as i64) {
                self.place(ex, slot, informed, Side::Bid, limit, count, TimeInForce::ImmediateOrCancel, now_ms);
            }
        } else if let Some((bid, _)) = info.yes_bid
            && (bid.units() as f64 / 100.0) > fair + edge as f64
            && let Some(limit) = cents((fair + edge as f64).ceil() as i64)
        {
            self.place(ex, slot, informed, Side::Ask, limit, count, TimeInForce::ImmediateOrCancel, now_ms);
        }
    }

    /// A noise trader posts (55 %), cancels (30 %) or takes the best price (15 %).
    fn noise(&mut self, ex: &mut Exchange, slot: &mut Slot, now_ms: i64) {
        let user = self.noise_user();
        let side = if self.rng.random_bool(0.5) { Side::Bid } else { Side::Ask };
        let roll: f64 = self.rng.random();
        if roll < 0.55 {
            let half = self.rng.random_range(2..=5);
            let depth = if self.rng.random_bool(0.5) { 0 } else { self.rng.random_range(1..=4) };
            let mid = fair_cents(slot.fair);
            let price = match side {
                Side::Bid => cents(mid - half - depth),
                Side::Ask => cents(mid + half + depth),
            };
            // Mostly whole contracts, sometimes fractional ones (Kalshi's `_fp` counts).
            let mut units = self.rng.random_range(1..=40) * Qty::SCALE;
            if self.rng.random_bool(0.2) {
                units += self.rng.random_range(1..Qty::SCALE);
            }
            if let Some(price) = price {
                self.place(ex, slot, user, side, price, Qty::from_units(units), TimeInForce::GoodTillCanceled, now_ms);
            }
        } else if roll < 0.85 {
            if slot.resting.is_empty() {
                return;
            }
            let pick = self.rng.random_range(0..slot.resting.len());
            if let Some((owner, order_id)) = slot.resting.remove(pick) {
                self.cancel(ex, owner, &order_id, now_ms);
            }
        } else {
            let Ok(info) = ex.market_info(&slot.ticker) else { return };
            let best = match side {
                Side::Bid => info.yes_ask,
                Side::Ask => info.yes_bid,
            };
            if let Some((price, _)) = best {
                let count = Qty::from_units(self.rng.random_range(1..=15) * Qty::SCALE);
                self.place(ex, slot, user, side, price, count, TimeInForce::ImmediateOrCancel, now_ms);
            }
        }
    }

    fn cancel(&mut self, ex: &mut Exchange, owner: usize, order_id: &OrderId, now_ms: i64) {
        if let Some(user) = self.users.get(owner)
            && let Err(error) = ex.cancel_order(user, order_id, now_ms)
        {
            debug!(%order_id, %error, "synthetic cancel refused");
        }
    }

    /// Cancels the oldest flow orders beyond the cap (and forgets ones that stopped resting).
    fn trim(&mut self, ex: &mut Exchange, slot: &mut Slot, now_ms: i64) {
        while slot.resting.len() > MAX_RESTING {
            if let Some((owner, order_id)) = slot.resting.pop_front() {
                self.cancel(ex, owner, &order_id, now_ms);
            }
        }
    }

    /// Settles an expired market (YES with probability = fair value) and lists the next one.
    fn replace(&mut self, ex: &mut Exchange, slot: &mut Slot, now_ms: i64) {
        let result =
            if self.rng.random_bool(slot.fair.clamp(0.0, 1.0)) { SettlementResult::Yes } else { SettlementResult::No };
        if let Err(error) = ex.settle_market(&slot.ticker, result, now_ms) {
            debug!(%slot.ticker, %error, "synthetic settlement refused");
        }
        let next = slot.generation + 1;
        match self.list(ex, slot.index, next, now_ms, self.lifetime_ms()) {
            Ok(new) => *slot = new,
            Err(error) => {
                debug!(%error, "could not list the next synthetic market");
                slot.close_ms = None; // keep the settled slot; try nothing further
            }
        }
    }

    /// The hidden fair value of a live synthetic market, to the nearest $0.0001.
    pub fn fair_value(&self, ticker: &MarketTicker) -> Option<Price> {
        let slot = self.slots.iter().find(|s| s.ticker == *ticker)?;
        Price::from_units((slot.fair * Price::SCALE as f64).round() as i64).ok()
    }

    /// The live synthetic markets, by slot.
    pub fn markets(&self) -> Vec<MarketTicker> {
        self.slots.iter().map(|s| s.ticker.clone()).collect()
    }
}

/// Steps `flow` every `tick` against the server's exchange (through [`AppState::mutate`], so
/// WebSocket sessions see its events), with the system clock. Runs until aborted.
pub fn spawn(state: Arc<AppState>, mut flow: SyntheticFlow, tick: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(tick.max(Duration::from_millis(1)));
        interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            state.mutate(|ex| flow.step(ex, now_ms()));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickers_look_like_kalshis() {
        // 2026-11-24 is day 20 781 of the Unix epoch.
        assert_eq!(ticker_date(20_781), "26NOV24");
        assert_eq!(fair_cents(0.034), 3);
        assert_eq!(cents(0), None);
        assert_eq!(cents(100), None);
    }
}
