//! Repricing with hysteresis, amend first.
//!
//! The order tracker pairs each live order with the desired quote on the same market, side and
//! level, and asks [`reprice`] what to do. The rules, in order:
//!
//! 1. No desired quote (or a zero size) → [`RepriceAction::Cancel`].
//! 2. Nothing left on the live order to amend → [`RepriceAction::Replace`] (place anew).
//! 3. Live order already is the desired quote → [`RepriceAction::Keep`].
//! 4. The desired size is smaller than what rests → [`RepriceAction::Amend`] at once: less
//!    exposure is never delayed, and a size-down keeps queue priority.
//! 5. The desired price is within `order_refresh_tolerance` (strictly less away, or equal) and
//!    the order is younger than `order_refresh_time_ms` → [`RepriceAction::Keep`]: small
//!    moves and top-ups after partial fills wait for the refresh.
//! 6. Otherwise → [`RepriceAction::Amend`] to the desired price and size. Amending is one
//!    request instead of two and keeps the order id; Kalshi amends price and count but not
//!    side, which is why the pairing is by side.

use kmm_model::{Price, Qty};
use serde::{Deserialize, Serialize};

use super::QuoteParams;
use crate::intent::Quote;

/// What the order tracker knows about one of our resting orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveQuote {
    /// Its YES price.
    pub price: Price,
    /// Contracts still resting.
    pub remaining: Qty,
    /// When it was placed or last amended, Unix milliseconds.
    pub placed_at_ms: i64,
}

/// What to do with a live order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RepriceAction {
    /// Leave it.
    Keep,
    /// Amend it in place.
    Amend {
        /// New YES price.
        price: Price,
        /// New remaining size (the tracker adds what has filled to get Kalshi's total count).
        size: Qty,
    },
    /// Cancel it and place the desired quote anew.
    Replace,
    /// Cancel it; nothing is wanted here.
    Cancel,
}

/// Decides how to bring `live` to `desired` at `now_ms` (see the module docs for the rules).
pub fn reprice(live: &LiveQuote, desired: Option<&Quote>, params: &QuoteParams, now_ms: i64) -> RepriceAction {
    let Some(desired) = desired.filter(|q| q.size.is_positive()) else {
        return RepriceAction::Cancel;
    };
    if !live.remaining.is_positive() {
        return RepriceAction::Replace;
    }
    if live.price == desired.price && live.remaining == desired.size {
        return RepriceAction::Keep;
    }
    let amend = RepriceAction::Amend { price: desired.price, size: desired.size };
    if desired.size < live.remaining {
        return amend;
    }
    let moved = (live.price.units() - desired.price.units()).abs();
    let within_tolerance = moved == 0 || moved < params.order_refresh_tolerance.units();
    let young = now_ms.saturating_sub(live.placed_at_ms) < params.order_refresh_time_ms;
    if within_tolerance && young { RepriceAction::Keep } else { amend }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use kmm_model::Side;

    fn units(u: i64) -> Price {
        Price::from_units(u).unwrap()
    }
    fn c(n: i64) -> Qty {
        Qty::from_contracts(n).unwrap()
    }
    fn quote(price: Price, size: Qty) -> Quote {
        Quote { ticker: "T".into(), side: Side::Bid, price, size }
    }
    /// Tolerance 1¢, refresh 5 s; a live bid at 43¢ × 10 placed at t = 0.
    fn setup() -> (QuoteParams, LiveQuote) {
        let params = QuoteParams::default();
        (params, LiveQuote { price: units(4_300), remaining: c(10), placed_at_ms: 0 })
    }

    #[test]
    fn no_desired_quote_cancels() {
        let (params, live) = setup();
        assert_eq!(reprice(&live, None, &params, 1_000), RepriceAction::Cancel);
        let zero = quote(units(4_300), Qty::ZERO);
        assert_eq!(reprice(&live, Some(&zero), &params, 1_000), RepriceAction::Cancel, "zero size is no quote");
    }

    #[test]
    fn identical_quote_is_kept_at_any_age() {
        let (params, live) = setup();
        let same = quote(units(4_300), c(10));
        assert_eq!(reprice(&live, Some(&same), &params, 100), RepriceAction::Keep);
        assert_eq!(reprice(&live, Some(&same), &params, 60_000), RepriceAction::Keep, "nothing to refresh");
    }

    #[test]
    fn small_moves_wait_for_the_refresh_time() {
        let (params, live) = setup();
        let nudged = quote(units(4_350), c(10)); // 0.5¢ < 1¢ tolerance
        assert_eq!(reprice(&live, Some(&nudged), &params, 4_999), RepriceAction::Keep, "young and within tolerance");
        assert_eq!(
            reprice(&live, Some(&nudged), &params, 5_000),
            RepriceAction::Amend { price: units(4_350), size: c(10) },
            "at the refresh time the order moves to the exact desired price"
        );
    }

    #[test]
    fn moves_at_or_beyond_tolerance_amend_at_once() {
        let (params, live) = setup();
        let moved = quote(units(4_400), c(10)); // exactly 1¢ away: not "less than" the tolerance
        assert_eq!(
            reprice(&live, Some(&moved), &params, 10),
            RepriceAction::Amend { price: units(4_400), size: c(10) }
        );
        let zero_tolerance = QuoteParams { order_refresh_tolerance: Price::ZERO, ..params.clone() };
        assert_eq!(
            reprice(&live, Some(&quote(units(4_301), c(10))), &zero_tolerance, 10),
            RepriceAction::Amend { price: units(4_301), size: c(10) },
            "zero tolerance reprices on any move"
        );
    }

    #[test]
    fn size_down_is_immediate_size_up_waits() {
        let (params, live) = setup();
        let smaller = quote(units(4_300), c(4));
        assert_eq!(
            reprice(&live, Some(&smaller), &params, 10),
            RepriceAction::Amend { price: units(4_300), size: c(4) }
        );
        let partly_filled = LiveQuote { remaining: c(6), ..live };
        let full = quote(units(4_300), c(10));
        assert_eq!(reprice(&partly_filled, Some(&full), &params, 10), RepriceAction::Keep, "top-up waits");
        assert_eq!(
            reprice(&partly_filled, Some(&full), &params, 5_000),
            RepriceAction::Amend { price: units(4_300), size: c(10) },
            "topped up at the refresh"
        );
    }

    #[test]
    fn nothing_left_to_amend_is_replaced() {
        let (params, live) = setup();
        let empty = LiveQuote { remaining: Qty::ZERO, ..live };
        assert_eq!(reprice(&empty, Some(&quote(units(4_300), c(10))), &params, 10), RepriceAction::Replace);
    }
}
