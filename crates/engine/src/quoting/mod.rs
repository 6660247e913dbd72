//! Quoting: from a market's book and our position to the quotes we want resting.
//!
//! [`Quoter::decide`] is a pure function of a [`QuoteInput`]: no clock, no I/O, no state. It runs
//! one pricing model for the innermost pair of quotes, then the checks every model shares:
//!
//! 1. **Pricing** ([`Strategy`]): spread capture (one tick inside the best bid and ask when the
//!    spread is at least `min_spread`, shifted by a linear inventory skew) or Avellaneda–Stoikov
//!    (reservation price and optimal spread, snapped outward to the tick grid).
//! 2. **Post-only safety**: a bid never at or above the best ask, an ask never at or below the
//!    best bid (always for spread capture; for Avellaneda–Stoikov when `post_only`). The bid
//!    stays strictly below the ask, or nothing is quoted.
//! 3. **Fee gate**: a round trip of `order_amount` contracts (buy at our bid, sell at our ask)
//!    must earn strictly more than both legs' fees, each rounded up to a whole cent, plus
//!    `min_edge_after_fees` per contract. Otherwise neither side is quoted.
//! 4. **Levels**: level *i* is *i* × `order_level_spread` further out, with
//!    `order_amount + i × order_level_amount` contracts.
//! 5. **Per side**: `filled_order_delay`, the price band (`price_ceiling` for bids,
//!    `price_floor` for asks, and always strictly inside (0, 1)), and the inventory cap (the
//!    quotes on a side never add up to more than would take the position past
//!    `inventory_target ± inventory_range`).
//!
//! Everything the quoter leaves out is reported as a typed [`NoQuoteReason`] per side. The
//! companion pieces are [`VolatilityEstimator`] (σ for Avellaneda–Stoikov, fed by the runner)
//! and [`reprice()`] (hysteresis and amend-first repricing, called by the order tracker).

mod avellaneda;
mod fee_gate;
mod params;
mod reprice;
mod spread;
#[cfg(test)]
mod tests;
mod volatility;

use kmm_model::{FeeSchedule, MarketTicker, OrderBook, Outcome, Price, Qty, Side};
use serde::{Deserialize, Serialize};

use crate::intent::Quote;

pub use avellaneda::{AsModel, as_model, horizon_seconds};
pub use fee_gate::{RoundTrip, ceil_to_cent};
pub use params::{MAX_LEVELS, ParamError, QuoteParams, Strategy};
pub use reprice::{LiveQuote, RepriceAction, reprice};
pub use spread::skew;
pub use volatility::{MIN_INCREMENTS, VolModel, VolatilityEstimator};

/// What the quoter looks at for one market.
#[derive(Debug, Clone)]
pub struct QuoteInput<'a> {
    /// The market.
    pub ticker: MarketTicker,
    /// Its live book.
    pub book: &'a OrderBook,
    /// The market's tick ($0.01 on `linear_cent` markets).
    pub tick: Price,
    /// Our net position: + YES, − NO.
    pub position: Qty,
    /// The series' fee schedule.
    pub fee_schedule: FeeSchedule,
    /// Now, Unix milliseconds.
    pub now_ms: i64,
    /// When the market closes, Unix milliseconds, if known.
    pub close_time_ms: Option<i64>,
    /// Our latest fill in this market: its side and Unix-millisecond time.
    pub last_fill_ms: Option<(Side, i64)>,
    /// σ of the mid in dollars per √second, from [`VolatilityEstimator::sigma`] (analytics float).
    pub volatility: Option<f64>,
}

/// Why a side (or one of its levels) is not quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoQuoteReason {
    /// The tick is not a usable price step (it must be strictly between $0 and $1).
    InvalidTick,
    /// The market's close time has passed.
    MarketClosed,
    /// Neither side of the book has any size.
    EmptyBook,
    /// Only one side of the book has size, so there is no spread to quote inside.
    OneSidedBook,
    /// The best bid is at or above the best ask (a transient or stale book).
    CrossedBook,
    /// The spread is below `min_spread`, or too narrow to fit a bid below an ask.
    SpreadTooNarrow,
    /// Avellaneda–Stoikov needs a volatility estimate and none is available yet.
    NoVolatility,
    /// The round trip's edge does not pay both legs' fees plus `min_edge_after_fees`.
    FeeGate,
    /// The price is above `price_ceiling` (bid), below `price_floor` (ask), or outside (0, 1).
    PriceBand,
    /// This side filled less than `filled_order_delay_ms` ago.
    FilledOrderDelay,
    /// A fill here would take the position past `inventory_target ± inventory_range`.
    InventoryLimit,
}

/// The quoter's answer for one market.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuoteDecision {
    /// Quotes to have resting: bids innermost first, then asks innermost first.
    pub quotes: Vec<Quote>,
    /// What was left out and why, at most once per (side, reason).
    pub skipped: Vec<(Side, NoQuoteReason)>,
}

impl QuoteDecision {
    /// No quotes; both sides skipped for `reason`.
    pub fn skip_both(reason: NoQuoteReason) -> Self {
        Self { quotes: Vec::new(), skipped: vec![(Side::Bid, reason), (Side::Ask, reason)] }
    }

    /// The quotes on one side, innermost first.
    pub fn side(&self, side: Side) -> impl Iterator<Item = &Quote> + '_ {
        self.quotes.iter().filter(move |q| q.side == side)
    }

    /// The innermost quote on a side.
    pub fn best(&self, side: Side) -> Option<&Quote> {
        self.side(side).next()
    }

    /// True when `reason` was reported for `side`.
    pub fn skipped_for(&self, side: Side, reason: NoQuoteReason) -> bool {
        self.skipped.contains(&(side, reason))
    }

    fn note(&mut self, side: Side, reason: NoQuoteReason) {
        if !self.skipped_for(side, reason) {
            self.skipped.push((side, reason));
        }
    }
}

/// The quoting strategy: validated parameters and a pure [`Quoter::decide`].
#[derive(Debug, Clone, PartialEq)]
pub struct Quoter {
    params: QuoteParams,
}

/// The book and position as the pricing models see them, in integer units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Market {
    /// Best YES bid, $0.0001 units.
    pub best_bid: i64,
    /// Best YES ask (= $1 − best NO bid), $0.0001 units.
    pub best_ask: i64,
    /// Tick, $0.0001 units (> 0).
    pub tick: i64,
    /// Position minus `inventory_target`, 0.01-contract units.
    pub q: i64,
}

/// Rounds down to a multiple of `tick` (> 0).
pub(crate) fn floor_to(units: i64, tick: i64) -> i64 {
    units.div_euclid(tick) * tick
}

/// Rounds up to a multiple of `tick` (> 0).
pub(crate) fn ceil_to(units: i64, tick: i64) -> i64 {
    -((-units).div_euclid(tick) * tick)
}

impl Quoter {
    /// A quoter with `params`, or every parameter error.
    pub fn new(params: QuoteParams) -> Result<Self, Vec<ParamError>> {
        params.validate()?;
        Ok(Self { params })
    }

    /// The parameters.
    pub fn params(&self) -> &QuoteParams {
        &self.params
    }

    /// The quotes to have resting in one market, and why anything was left out.
    pub fn decide(&self, input: &QuoteInput<'_>) -> QuoteDecision {
        self.plan(input).unwrap_or_else(QuoteDecision::skip_both)
    }

    fn plan(&self, input: &QuoteInput<'_>) -> Result<QuoteDecision, NoQuoteReason> {
        let p = &self.params;
        if !input.tick.is_tradable() {
            return Err(NoQuoteReason::InvalidTick);
        }
        if input.close_time_ms.is_some_and(|close| close <= input.now_ms) {
            return Err(NoQuoteReason::MarketClosed);
        }
        let tick = input.tick.units();
        let (best_bid, best_ask) = match (input.book.best_bid(Outcome::Yes), input.book.best_ask(Outcome::Yes)) {
            (Some((bid, _)), Some((ask, _))) => (bid.units(), ask.units()),
            (None, None) => return Err(NoQuoteReason::EmptyBook),
            _ => return Err(NoQuoteReason::OneSidedBook),
        };
        if best_bid >= best_ask {
            return Err(NoQuoteReason::CrossedBook);
        }
        let q = input.position.units().saturating_sub(p.inventory_target.units());
        let market = Market { best_bid, best_ask, tick, q };

        let (mut bid, mut ask) = match p.strategy {
            Strategy::SpreadCapture => spread::core_pair(p, &market)?,
            Strategy::AvellanedaStoikov => avellaneda::core_pair(p, &market, input)?,
        };
        if p.post_only || p.strategy == Strategy::SpreadCapture {
            bid = bid.min(floor_to(best_ask - tick, tick));
            ask = ask.max(ceil_to(best_bid + tick, tick));
        }
        if bid >= ask {
            return Err(NoQuoteReason::SpreadTooNarrow);
        }

        let mut decision = QuoteDecision::default();
        let step = floor_to(p.order_level_spread.units(), tick).max(tick);
        // (price, size) per level, innermost first, for each side.
        let mut bids = Vec::new();
        let mut asks = Vec::new();
        for level in 0..i64::from(p.order_levels.max(1)) {
            let (b, a) = (bid - level * step, ask + level * step);
            let size = p.order_amount.units().saturating_add(level.saturating_mul(p.order_level_amount.units()));
            let trip = RoundTrip::evaluate(
                &input.fee_schedule,
                gate_price(b, tick),
                gate_price(a, tick),
                Qty::from_units(size),
                b >= best_ask,
                a <= best_bid,
                p.min_edge_after_fees,
            );
            if !trip.is_ok_and(|t| t.passes()) {
                if level == 0 {
                    return Err(NoQuoteReason::FeeGate);
                }
                decision.note(Side::Bid, NoQuoteReason::FeeGate);
                decision.note(Side::Ask, NoQuoteReason::FeeGate);
                break;
            }
            bids.push((b, size));
            asks.push((a, size));
        }

        let whole_contracts =
            p.order_amount.units() % Qty::SCALE == 0 && p.order_level_amount.units() % Qty::SCALE == 0;
        for (side, levels) in [(Side::Bid, bids), (Side::Ask, asks)] {
            if let Some((fill_side, at)) = input.last_fill_ms
                && fill_side == side
                && input.now_ms.saturating_sub(at) < p.filled_order_delay_ms
            {
                decision.note(side, NoQuoteReason::FilledOrderDelay);
                continue;
            }
            // Contracts this side may still add before the position leaves target ± range.
            let mut room = p.inventory_range.units().saturating_sub(q.saturating_mul(side.sign()));
            if whole_contracts {
                room = floor_to(room, Qty::SCALE);
            }
            for (units, size) in levels {
                let price = match Price::from_units(units) {
                    Ok(price) if price.is_tradable() && self.in_band(side, price) => price,
                    _ => {
                        decision.note(side, NoQuoteReason::PriceBand);
                        continue;
                    }
                };
                let size = size.min(room);
                if size <= 0 {
                    decision.note(side, NoQuoteReason::InventoryLimit);
                    continue;
                }
                room -= size;
                decision.quotes.push(Quote { ticker: input.ticker.clone(), side, price, size: Qty::from_units(size) });
            }
        }
        Ok(decision)
    }

    fn in_band(&self, side: Side, price: Price) -> bool {
        match side {
            Side::Bid => price <= self.params.price_ceiling,
            Side::Ask => price >= self.params.price_floor,
        }
    }
}

/// The mid of the best YES bid and ask, rounded down to $0.0001 (off by half a unit at most);
/// `None` unless both sides have size. What the runner feeds [`VolatilityEstimator::observe`].
pub fn mid_price(book: &OrderBook) -> Option<Price> {
    let (bid, _) = book.best_bid(Outcome::Yes)?;
    let (ask, _) = book.best_ask(Outcome::Yes)?;
    Price::from_units((bid.units() + ask.units()) / 2).ok()
}

/// A leg's price for the fee gate: clamped into the tradable range, which only narrows the
/// round trip (the leg outside is dropped by the band check anyway).
fn gate_price(units: i64, tick: i64) -> Price {
    Price::from_units(units.max(tick).min(Price::SCALE - tick)).unwrap_or(Price::ZERO)
}
