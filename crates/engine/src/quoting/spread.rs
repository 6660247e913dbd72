//! Spread capture: one tick inside the best bid and ask when the market's spread is at least
//! `min_spread` (bid 42 / ask 48 → bid 43 / ask 47), shifted by a linear inventory skew.

use kmm_model::{Price, Qty};

use super::{Market, NoQuoteReason, QuoteParams, ceil_to, floor_to};

/// The innermost (bid, ask) in $0.0001 units, before the shared post-only clamp.
pub(crate) fn core_pair(p: &QuoteParams, m: &Market) -> Result<(i64, i64), NoQuoteReason> {
    if m.best_ask - m.best_bid < p.min_spread.units() {
        return Err(NoQuoteReason::SpreadTooNarrow);
    }
    // Snapped outward, so a best price off the market's grid never pulls a quote outside it.
    let bid = floor_to(m.best_bid + m.tick, m.tick);
    let ask = ceil_to(m.best_ask - m.tick, m.tick);
    if bid >= ask {
        return Err(NoQuoteReason::SpreadTooNarrow);
    }
    let shift = if p.inventory_skew_enabled { skew(p, Qty::from_units(m.q), price_of(m.tick)) } else { 0 };
    Ok((bid - shift, ask - shift))
}

/// The inventory skew in $0.0001 units for a position `q` away from `inventory_target`:
/// `max_skew × q / inventory_range`, capped at ±`max_skew`, truncated toward zero to a
/// multiple of `tick`. Positive when long YES: both quotes move down by it (the ask becomes
/// more likely to fill, the bid less); negative when short.
pub fn skew(p: &QuoteParams, q: Qty, tick: Price) -> i64 {
    let range = i128::from(p.inventory_range.units());
    let max = i128::from(p.max_skew.units());
    if range <= 0 || tick.units() <= 0 {
        return 0;
    }
    let raw = (max * i128::from(q.units()) / range).clamp(-max, max);
    let tick = i128::from(tick.units());
    // |raw| ≤ max_skew ≤ $1, so it fits.
    i64::try_from(raw / tick * tick).unwrap_or(0)
}

fn price_of(units: i64) -> Price {
    Price::from_units(units).unwrap_or(Price::ZERO)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn c(n: i64) -> Qty {
        Qty::from_contracts(n).unwrap()
    }

    #[test]
    fn skew_is_linear_capped_and_on_the_grid() {
        let p = QuoteParams::default(); // range 100, max 2¢
        let cent = Price::from_cents(1).unwrap();
        assert_eq!(skew(&p, c(0), cent), 0);
        assert_eq!(skew(&p, c(50), cent), 100, "half the range → 1¢");
        assert_eq!(skew(&p, c(95), cent), 100, "1.9¢ truncates to 1¢ on a cent grid");
        assert_eq!(skew(&p, c(95), Price::from_units(10).unwrap()), 190, "1.9¢ on a deci-cent grid");
        assert_eq!(skew(&p, c(100), cent), 200, "full range → max_skew");
        assert_eq!(skew(&p, c(500), cent), 200, "capped at max_skew");
        assert_eq!(skew(&p, c(-75), cent), -100, "short skews up, truncated toward zero");
    }
}
