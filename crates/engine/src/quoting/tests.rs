//! Scenario tests for the quoter, with exact prices, sizes and fees.

#![allow(clippy::unwrap_used)]

use kmm_model::{FeeSchedule, FeeType, Money, OrderBook, Price, Qty, Side};
use proptest::prelude::{ProptestConfig, any, prop_assert, prop_assert_eq, prop_assume, proptest};

use super::*;

const NOW: i64 = 1_767_225_600_000;

fn p(cents: i64) -> Price {
    Price::from_cents(cents).unwrap()
}
fn c(n: i64) -> Qty {
    Qty::from_contracts(n).unwrap()
}
/// A book with YES bids and YES asks given in cents (asks become NO bids at 100 − ask).
fn book(bids: &[i64], asks: &[i64]) -> OrderBook {
    let yes: Vec<_> = bids.iter().map(|&b| (p(b), c(10))).collect();
    let no: Vec<_> = asks.iter().map(|&a| (p(100 - a), c(10))).collect();
    let mut book = OrderBook::new();
    book.apply_snapshot(&yes, &no).unwrap();
    book
}
fn input(book: &OrderBook) -> QuoteInput<'_> {
    QuoteInput {
        ticker: "KXTEST-1".into(),
        book,
        tick: p(1),
        position: Qty::ZERO,
        fee_schedule: FeeSchedule::default(),
        now_ms: NOW,
        close_time_ms: None,
        last_fill_ms: None,
        volatility: None,
    }
}
fn quoter(params: QuoteParams) -> Quoter {
    Quoter::new(params).unwrap()
}
/// (price in cents, size in contracts) of one side's quotes, innermost first.
fn side(d: &QuoteDecision, side: Side) -> Vec<(i64, i64)> {
    d.side(side).map(|q| (q.price.units() / 100, q.size.units() / 100)).collect()
}

#[test]
fn seed_example_quotes_one_tick_inside() {
    let b = book(&[40, 42], &[48, 50]);
    let d = quoter(QuoteParams::default()).decide(&input(&b));
    assert_eq!(side(&d, Side::Bid), [(43, 10)], "bid 42 → bid 43");
    assert_eq!(side(&d, Side::Ask), [(47, 10)], "ask 48 → offer 47");
    assert!(d.skipped.is_empty(), "nothing skipped: {:?}", d.skipped);
    assert!(d.quotes.iter().all(|q| q.ticker.as_str() == "KXTEST-1"));
    assert_eq!(mid_price(&b), Some(p(45)), "the mid the volatility estimator is fed");
    assert_eq!(mid_price(&book(&[42], &[])), None);
}

#[test]
fn spread_below_min_spread_is_not_quoted() {
    let b = book(&[42], &[46]);
    let d = quoter(QuoteParams::default()).decide(&input(&b));
    assert!(d.quotes.is_empty(), "4¢ < 5¢ min_spread");
    assert_eq!(d, QuoteDecision::skip_both(NoQuoteReason::SpreadTooNarrow));
    let b = book(&[42], &[47]);
    let d = quoter(QuoteParams::default()).decide(&input(&b));
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(43, 10)], vec![(46, 10)]), "exactly 5¢ is enough");
    // A min_spread of two ticks would put bid and ask both at 43: never crossed, so skipped.
    let tight = quoter(QuoteParams { min_spread: p(2), ..QuoteParams::default() });
    assert_eq!(tight.decide(&input(&book(&[42], &[44]))), QuoteDecision::skip_both(NoQuoteReason::SpreadTooNarrow));
}

#[test]
fn book_states_are_typed_reasons() {
    let q = quoter(QuoteParams::default());
    assert_eq!(q.decide(&input(&OrderBook::new())), QuoteDecision::skip_both(NoQuoteReason::EmptyBook));
    assert_eq!(q.decide(&input(&book(&[42], &[]))), QuoteDecision::skip_both(NoQuoteReason::OneSidedBook));
    assert_eq!(q.decide(&input(&book(&[], &[48]))), QuoteDecision::skip_both(NoQuoteReason::OneSidedBook));
    assert_eq!(q.decide(&input(&book(&[50], &[45]))), QuoteDecision::skip_both(NoQuoteReason::CrossedBook));
    let b = book(&[42], &[48]);
    let closed = QuoteInput { close_time_ms: Some(NOW), ..input(&b) };
    assert_eq!(q.decide(&closed), QuoteDecision::skip_both(NoQuoteReason::MarketClosed));
    let bad_tick = QuoteInput { tick: Price::ZERO, ..input(&b) };
    assert_eq!(q.decide(&bad_tick), QuoteDecision::skip_both(NoQuoteReason::InvalidTick));
}

/// A 5¢ quoted spread around 50¢ (book 46/53 → quotes 47/52) of 100 contracts on a
/// `quadratic_with_maker_fees` series: edge 100 × 5¢ = $5.00; maker fees
/// 0.0175 × 100 × 0.47 × 0.53 = $0.435925 → $0.44 and 0.0175 × 100 × 0.52 × 0.48 = $0.4368 →
/// $0.44, so $0.88 in all and $4.12 after fees: 4.12¢ per contract.
#[test]
fn fee_gate_boundary_at_50c_with_maker_fees() {
    let b = book(&[46], &[53]);
    let schedule = FeeSchedule { fee_type: FeeType::QuadraticWithMakerFees, multiplier_ppm: 1_000_000 };
    assert_eq!(schedule.fee(c(100), p(47), false).unwrap(), Money::from_micros(436_000), "$0.4360 to $0.0001");
    assert_eq!(schedule.fee(c(100), p(52), false).unwrap(), Money::from_micros(436_800));
    let trip = RoundTrip::evaluate(&schedule, p(47), p(52), c(100), false, false, Money::from_micros(41_200)).unwrap();
    assert_eq!(
        (trip.edge, trip.fees, trip.net()),
        (Money::from_micros(5_000_000), Money::from_micros(880_000), Money::from_micros(4_120_000))
    );

    let decide = |min_edge_micros: i64, fee_type: FeeType| {
        let params = QuoteParams {
            order_amount: c(100),
            inventory_range: c(1_000),
            min_edge_after_fees: Money::from_micros(min_edge_micros),
            ..QuoteParams::default()
        };
        let fee_schedule = FeeSchedule { fee_type, multiplier_ppm: 1_000_000 };
        quoter(params).decide(&QuoteInput { fee_schedule, ..input(&b) })
    };
    let pass = decide(41_100, FeeType::QuadraticWithMakerFees);
    assert_eq!(
        (side(&pass, Side::Bid), side(&pass, Side::Ask)),
        (vec![(47, 100)], vec![(52, 100)]),
        "4.11¢ < 4.12¢ passes"
    );
    let fail = decide(41_200, FeeType::QuadraticWithMakerFees);
    assert_eq!(
        fail,
        QuoteDecision::skip_both(NoQuoteReason::FeeGate),
        "4.12¢ is not strictly more: both sides skipped"
    );
    // The same series without maker fees keeps the whole 5¢.
    assert_eq!(decide(41_200, FeeType::Quadratic).quotes.len(), 2, "no maker fee: $5.00 > $4.12");
    assert_eq!(decide(50_000, FeeType::Quadratic), QuoteDecision::skip_both(NoQuoteReason::FeeGate), "$5.00 ≯ $5.00");
}

/// A 1¢ quoted spread (book 48/51, min_spread 3¢ → 49/50) of 100 contracts: maker fees
/// $0.437325 → $0.4374 and $0.4375 to the $0.0001 ($0.8749), but $0.44 + $0.44 = $0.88 after
/// cent rounding, leaving $0.12 of the $1.00 edge.
#[test]
fn fee_gate_rounds_each_leg_up_to_a_cent() {
    let b = book(&[48], &[51]);
    let decide = |min_edge_micros: i64| {
        let params = QuoteParams {
            min_spread: p(3),
            order_amount: c(100),
            inventory_range: c(1_000),
            min_edge_after_fees: Money::from_micros(min_edge_micros),
            ..QuoteParams::default()
        };
        quoter(params).decide(&input(&b))
    };
    assert_eq!(side(&decide(1_100), Side::Bid), [(49, 100)], "$0.12 > $0.11");
    assert_eq!(decide(1_200), QuoteDecision::skip_both(NoQuoteReason::FeeGate), "$0.12 ≯ $0.12");
    // $0.1201 would pass against $0.0001-rounded fees ($1.00 − $0.8749 = $0.1251), not after cent rounding.
    assert_eq!(decide(1_201), QuoteDecision::skip_both(NoQuoteReason::FeeGate));
}

#[test]
fn inventory_skew_moves_both_prices_against_the_position() {
    let b = book(&[42], &[48]);
    let q = quoter(QuoteParams::default()); // range 100, max_skew 2¢, size 10
    let at = |position: i64| q.decide(&QuoteInput { position: c(position), ..input(&b) });

    let d = at(50);
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(42, 10)], vec![(46, 10)]), "long 50: both 1¢ lower");
    let d = at(-50);
    assert_eq!(
        (side(&d, Side::Bid), side(&d, Side::Ask)),
        (vec![(44, 10)], vec![(48, 10)]),
        "short 50: both 1¢ higher"
    );
    let d = at(95);
    assert_eq!(side(&d, Side::Bid), [(42, 5)], "1.9¢ truncates to 1¢; the bid may only add 5 more");
    assert_eq!(side(&d, Side::Ask), [(46, 10)], "the reducing side keeps its size");
    let d = at(100);
    assert_eq!(side(&d, Side::Ask), [(45, 10)], "full range: max_skew 2¢");
    assert!(side(&d, Side::Bid).is_empty() && d.skipped_for(Side::Bid, NoQuoteReason::InventoryLimit));
    let d = at(-97);
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(44, 10)], vec![(48, 3)]), "short: asks shrink");

    // Skew is measured from the target; disabling it keeps prices but not the size cap.
    let targeted = quoter(QuoteParams { inventory_target: c(50), ..QuoteParams::default() });
    let d = targeted.decide(&QuoteInput { position: c(50), ..input(&b) });
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(43, 10)], vec![(47, 10)]));
    let off = quoter(QuoteParams { inventory_skew_enabled: false, ..QuoteParams::default() });
    let d = off.decide(&QuoteInput { position: c(95), ..input(&b) });
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(43, 5)], vec![(47, 10)]));
}

#[test]
fn a_large_skew_never_crosses_the_book() {
    let b = book(&[42], &[48]);
    let q = quoter(QuoteParams { max_skew: p(10), ..QuoteParams::default() });
    let d = q.decide(&QuoteInput { position: c(99), ..input(&b) });
    assert_eq!(side(&d, Side::Ask), [(43, 10)], "47 − 9 = 38 would cross the 42 bid: held at 43");
    assert_eq!(side(&d, Side::Bid), [(34, 1)]);
    let d = q.decide(&QuoteInput { position: c(-99), ..input(&b) });
    assert_eq!(side(&d, Side::Bid), [(47, 10)], "43 + 9 = 52 would cross the 48 ask: held at 47");
    assert_eq!(side(&d, Side::Ask), [(56, 1)], "the ask may only add 1 more to the short");
}

#[test]
fn price_band_drops_bids_above_ceiling_and_asks_below_floor() {
    let q = quoter(QuoteParams { price_ceiling: p(45), ..QuoteParams::default() });
    let d = q.decide(&input(&book(&[44], &[52])));
    assert_eq!(
        (side(&d, Side::Bid), side(&d, Side::Ask)),
        (vec![(45, 10)], vec![(51, 10)]),
        "at the ceiling is allowed"
    );
    let d = q.decide(&input(&book(&[45], &[52])));
    assert!(side(&d, Side::Bid).is_empty() && d.skipped_for(Side::Bid, NoQuoteReason::PriceBand), "46 > ceiling 45");
    assert_eq!(side(&d, Side::Ask), [(51, 10)], "the ceiling binds bids only");
    let q = quoter(QuoteParams { price_floor: p(50), ..QuoteParams::default() });
    let d = q.decide(&input(&book(&[40], &[50])));
    assert_eq!(side(&d, Side::Bid), [(41, 10)], "the floor binds asks only");
    assert!(side(&d, Side::Ask).is_empty() && d.skipped_for(Side::Ask, NoQuoteReason::PriceBand), "49 < floor 50");
    let d = q.decide(&input(&book(&[40], &[51])));
    assert_eq!(side(&d, Side::Ask), [(50, 10)], "at the floor is allowed");
}

#[test]
fn levels_step_out_and_grow() {
    let params = QuoteParams {
        order_levels: 3,
        order_level_spread: p(2),
        order_level_amount: c(5),
        inventory_skew_enabled: false,
        ..QuoteParams::default()
    };
    let q = quoter(params);
    let b = book(&[42], &[48]);
    let d = q.decide(&input(&b));
    assert_eq!(side(&d, Side::Bid), [(43, 10), (41, 15), (39, 20)]);
    assert_eq!(side(&d, Side::Ask), [(47, 10), (49, 15), (51, 20)]);
    // Inventory cap across levels: long 70 leaves room for 30 more on the bid side.
    let d = q.decide(&QuoteInput { position: c(70), ..input(&b) });
    assert_eq!(side(&d, Side::Bid), [(43, 10), (41, 15), (39, 5)]);
    let d = q.decide(&QuoteInput { position: c(80), ..input(&b) });
    assert_eq!(side(&d, Side::Bid), [(43, 10), (41, 10)]);
    assert!(d.skipped_for(Side::Bid, NoQuoteReason::InventoryLimit));
    // Levels that would leave (0, 1) are dropped; inner ones stay.
    let d = q.decide(&input(&book(&[2], &[10])));
    assert_eq!(side(&d, Side::Bid), [(3, 10), (1, 15)]);
    assert!(d.skipped_for(Side::Bid, NoQuoteReason::PriceBand), "3 − 4 = −1¢ is not a price");
}

#[test]
fn filled_order_delay_pauses_only_the_filled_side() {
    let b = book(&[42], &[48]);
    let q = quoter(QuoteParams::default()); // 10 s
    let d = q.decide(&QuoteInput { last_fill_ms: Some((Side::Bid, NOW - 9_999)), ..input(&b) });
    assert!(side(&d, Side::Bid).is_empty());
    assert_eq!(d.skipped, [(Side::Bid, NoQuoteReason::FilledOrderDelay)]);
    assert_eq!(side(&d, Side::Ask), [(47, 10)], "the other side keeps quoting");
    let d = q.decide(&QuoteInput { last_fill_ms: Some((Side::Bid, NOW - 10_000)), ..input(&b) });
    assert_eq!(d.quotes.len(), 2, "the pause is over");
}

fn as_params() -> QuoteParams {
    QuoteParams { strategy: Strategy::AvellanedaStoikov, max_skew: p(10), ..QuoteParams::default() }
}

/// Book 40/60 (mid 50¢), γ 0.1, κ 50: the spread's constant part is 20·ln(1.002) ≈ 3.996¢.
fn as_quotes(position: i64, sigma: Option<f64>, close_in_ms: Option<i64>) -> QuoteDecision {
    let b = book(&[40], &[60]);
    let inp = QuoteInput {
        position: c(position),
        volatility: sigma,
        close_time_ms: close_in_ms.map(|ms| NOW + ms),
        ..input(&b)
    };
    quoter(as_params()).decide(&inp)
}

#[test]
fn avellaneda_model_reservation_and_spread() {
    let flat = as_model(0.5, 0.0, 0.1, 50.0, 0.002, 3_600.0);
    let long = as_model(0.5, 50.0, 0.1, 50.0, 0.002, 3_600.0);
    let short = as_model(0.5, -50.0, 0.1, 50.0, 0.002, 3_600.0);
    assert_eq!(flat.reservation, 0.5);
    assert!(long.reservation < 0.5 && short.reservation > 0.5, "long → reservation below mid, short → above");
    assert!((long.reservation - (0.5 - 50.0 * 0.1 * 0.002_f64.powi(2) * 3_600.0)).abs() < 1e-12);
    let calm = as_model(0.5, 0.0, 0.1, 50.0, 0.001, 3_600.0);
    let wild = as_model(0.5, 0.0, 0.1, 50.0, 0.01, 3_600.0);
    assert!(wild.spread > flat.spread && flat.spread > calm.spread, "spread widens with σ");
    let near_close = as_model(0.5, 0.0, 0.1, 50.0, 0.002, 60.0);
    assert!(near_close.spread < flat.spread, "spread shrinks toward close");
    let at_close = as_model(0.5, 0.0, 0.1, 50.0, 0.002, 0.0);
    assert!((at_close.spread - 20.0 * 0.002_f64.ln_1p()).abs() < 1e-12, "only (2/γ)ln(1+γ/κ) is left");
}

#[test]
fn avellaneda_quotes_snap_outward_and_follow_the_model() {
    // σ 0.002 $/√s over the 1 h cap: δ = 0.1·0.0144 + 0.03996 = 4.14¢ → 47.93 / 52.07 → 47 / 53.
    let d = as_quotes(0, Some(0.002), None);
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(47, 10)], vec![(53, 10)]));
    // Long 50: r = 50 − 50·0.1·0.0144 = 42.8¢ → 40.73 / 44.87 → 40 / 45: both lower.
    let d = as_quotes(50, Some(0.002), None);
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(40, 10)], vec![(45, 10)]));
    // Short 50: the mirror image.
    let d = as_quotes(-50, Some(0.002), None);
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(55, 10)], vec![(60, 10)]));
    // σ 0.01: δ = 0.1·0.36 + 0.03996 = 7.6¢ → 46.2 / 53.8 → 46 / 54: wider.
    let d = as_quotes(0, Some(0.01), None);
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(46, 10)], vec![(54, 10)]));
    // The same σ a minute before close: δ = 0.1·0.006 + 0.03996 = 4.06¢ → 47 / 53: narrower.
    let d = as_quotes(0, Some(0.01), Some(60_000));
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(47, 10)], vec![(53, 10)]));
    assert_eq!(as_quotes(0, None, None), QuoteDecision::skip_both(NoQuoteReason::NoVolatility));
    assert_eq!(as_quotes(0, Some(f64::NAN), None), QuoteDecision::skip_both(NoQuoteReason::NoVolatility));
}

#[test]
fn avellaneda_inventory_shift_is_capped_at_max_skew() {
    let b = book(&[40], &[60]);
    let params = QuoteParams { max_skew: p(2), ..as_params() };
    let d = quoter(params).decide(&QuoteInput { position: c(50), volatility: Some(0.002), ..input(&b) });
    // r = 50 − 2 = 48¢ (uncapped 42.8¢) → 45.93 / 50.07 → 45 / 51.
    assert_eq!((side(&d, Side::Bid), side(&d, Side::Ask)), (vec![(45, 10)], vec![(51, 10)]));
}

#[test]
fn avellaneda_post_only_clamps_and_taker_mode_may_cross() {
    // Narrow book 49/51, long 99 with a huge skew: r = 50 − 10 = 40¢ → 37.93 / 42.07 → 37 / 43.
    let b = book(&[49], &[51]);
    let inp = QuoteInput { position: c(99), volatility: Some(0.002), ..input(&b) };
    let d = quoter(as_params()).decide(&inp);
    assert_eq!(side(&d, Side::Ask), [(50, 10)], "43 would cross the 49 bid: held one tick above it");
    assert_eq!(side(&d, Side::Bid), [(37, 1)]);
    let taker = quoter(QuoteParams { post_only: false, ..as_params() }).decide(&inp);
    assert_eq!(side(&taker, Side::Ask), [(43, 10)], "without post-only the ask may take the 49 bid");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    /// Whatever the book, position and settings: bids below asks, every price tradable and on
    /// the grid, post-only quotes never at or through the opposite best, the band respected
    /// and a side's sizes never take the position past target ± range.
    #[test]
    fn quotes_never_cross_and_stay_inside(
        deci in any::<bool>(),
        bid_ticks in 1i64..980,
        width in 1i64..200,
        position in -150i64..150,
        levels in 1u32..4,
        level_ticks in 1i64..4,
        max_skew_cents in 0i64..12,
        avellaneda in any::<bool>(),
        sigma in 0.0f64..0.02,
        close_in_s in 0i64..10_000,
    ) {
        let tick = if deci { 10 } else { 100 };
        let bid = (bid_ticks * 10).div_euclid(tick).max(1) * tick;
        let ask = (bid + width * tick).min(Price::SCALE - tick);
        prop_assume!(bid < ask);
        let mut b = OrderBook::new();
        let level = |u: i64| (Price::from_units(u).unwrap(), c(5));
        b.apply_snapshot(&[level(bid)], &[level(Price::SCALE - ask)]).unwrap();
        let params = QuoteParams {
            strategy: if avellaneda { Strategy::AvellanedaStoikov } else { Strategy::SpreadCapture },
            min_spread: Price::from_units(2 * tick).unwrap(),
            order_levels: levels,
            order_level_spread: Price::from_units(level_ticks * tick).unwrap(),
            order_level_amount: c(3),
            max_skew: p(max_skew_cents),
            min_edge_after_fees: Money::ZERO,
            ..QuoteParams::default()
        };
        let range = params.inventory_range.units();
        let inp = QuoteInput {
            tick: Price::from_units(tick).unwrap(),
            position: Qty::from_units(position * 100),
            volatility: Some(sigma),
            close_time_ms: Some(NOW + close_in_s * 1_000 + 1),
            fee_schedule: FeeSchedule { fee_type: FeeType::Quadratic, multiplier_ppm: 1_000_000 },
            ..input(&b)
        };
        let d = quoter(params.clone()).decide(&inp);
        let bids: Vec<_> = d.side(Side::Bid).collect();
        let asks: Vec<_> = d.side(Side::Ask).collect();
        for q in &d.quotes {
            prop_assert!(q.price.is_tradable(), "{q:?} outside (0, 1)");
            prop_assert_eq!(q.price.units() % tick, 0, "{:?} off the grid", q);
            prop_assert!(q.size.is_positive());
        }
        for q in &bids {
            prop_assert!(q.price.units() <= ask - tick, "bid {:?} at/through the best ask {}", q.price, ask);
            prop_assert!(q.price <= params.price_ceiling);
        }
        for q in &asks {
            prop_assert!(q.price.units() >= bid + tick, "ask {:?} at/through the best bid {}", q.price, bid);
            prop_assert!(q.price >= params.price_floor);
        }
        if let (Some(hi), Some(lo)) = (bids.iter().map(|q| q.price).max(), asks.iter().map(|q| q.price).min()) {
            prop_assert!(hi < lo, "our bid {hi:?} must be below our ask {lo:?}");
        }
        let q = position * 100;
        prop_assert!(bids.iter().map(|x| x.size.units()).sum::<i64>() <= (range - q).max(0));
        prop_assert!(asks.iter().map(|x| x.size.units()).sum::<i64>() <= (range + q).max(0));
    }
}
