//! The synthetic order flow, in process on an [`Exchange`] with a manual clock.
//!
//! * determinism: the same seed and clock give the same trades, fair values and books;
//! * fair values stay within [0.03, 0.97] and the exchange stays consistent;
//! * markets expire, settle and are replaced by the next day's;
//! * realism: a careless market maker (always 1¢ either side of the mid, never adjusting)
//!   loses money to adverse selection, and a careful one (quotes only into wide spreads,
//!   wider, inventory-aware) loses much less or makes money. P&L is cash plus positions marked
//!   at the final fair value, fees included.

use kmm_model::{MarketTicker, Money, Price, Qty, Side};
use kmm_sim::flow::{FlowConfig, SyntheticFlow};
use kmm_sim::{Event, Exchange, OrderRequest, TradeRecord, UserId};

const START_MS: i64 = 1_795_996_800_000; // 2026-11-30T00:00:00Z
const TICK_MS: i64 = 100;

fn config(markets: usize) -> FlowConfig {
    FlowConfig { markets, orders_per_sec: 6.0, informed_share: 0.25, ..FlowConfig::default() }
}

/// Runs `steps` steps and returns the flow, the exchange and every trade.
fn run(config: FlowConfig, seed: u64, steps: i64) -> (SyntheticFlow, Exchange, Vec<TradeRecord>) {
    let mut ex = Exchange::new();
    let mut flow = SyntheticFlow::new(config, seed);
    flow.setup(&mut ex, START_MS).unwrap();
    let mut trades = Vec::new();
    for i in 1..=steps {
        flow.step(&mut ex, START_MS + i * TICK_MS);
        trades
            .extend(ex.drain_events().into_iter().filter_map(|e| if let Event::Trade(t) = e { Some(t) } else { None }));
    }
    (flow, ex, trades)
}

#[test]
fn same_seed_same_trades() {
    let (flow_a, ex_a, trades_a) = run(config(3), 42, 600);
    let (flow_b, ex_b, trades_b) = run(config(3), 42, 600);
    assert!(trades_a.len() > 50, "a minute of flow on three markets trades, got {}", trades_a.len());
    assert_eq!(trades_a, trades_b, "same seed and clock, same trades");
    for ticker in flow_a.markets() {
        assert_eq!(flow_a.fair_value(&ticker), flow_b.fair_value(&ticker));
        assert_eq!(ex_a.book_snapshot(&ticker).unwrap(), ex_b.book_snapshot(&ticker).unwrap());
    }
    let (_, _, other) = run(config(3), 43, 600);
    assert_ne!(trades_a, other, "another seed, other trades");
}

#[test]
fn markets_look_real_and_books_have_wide_spreads() {
    let mut ex = Exchange::new();
    let mut flow = SyntheticFlow::new(config(4), 7);
    flow.setup(&mut ex, START_MS).unwrap();
    let markets = flow.markets();
    assert_eq!(markets.len(), 4);
    assert_eq!(markets[0].as_str(), "SIMWX-26NOV30-T44", "series-date-strike ticker");
    for ticker in &markets {
        let info = ex.market_info(ticker).unwrap();
        let (bid, _) = info.yes_bid.expect("seeded bids");
        let (ask, _) = info.yes_ask.expect("seeded asks");
        let spread = ask.units() - bid.units();
        assert!((400..=1_000).contains(&spread), "{ticker}: seeded spread {spread} is 4-10 cents");
        let fair = flow.fair_value(ticker).unwrap();
        assert!(bid < fair && fair < ask, "{ticker}: fair {fair} inside {bid}..{ask}");
    }
    for user in flow.users() {
        assert!(ex.balance(user).unwrap().available.micros() > 1_000_000 * Money::SCALE, "flow users are rich");
    }
}

#[test]
fn fair_values_stay_in_range_and_the_exchange_stays_consistent() {
    let config = FlowConfig { jump_rate_per_sec: 0.5, max_jump: 0.4, fair_volatility: 0.05, ..config(3) };
    let mut ex = Exchange::new();
    let mut flow = SyntheticFlow::new(config, 3);
    flow.setup(&mut ex, START_MS).unwrap();
    let (low, high) = (Price::from_units(300).unwrap(), Price::from_units(9_700).unwrap());
    for i in 1..=2_000 {
        flow.step(&mut ex, START_MS + i * TICK_MS);
        for ticker in flow.markets() {
            let fair = flow.fair_value(&ticker).unwrap();
            assert!(low <= fair && fair <= high, "step {i}: fair {fair} out of [0.03, 0.97]");
        }
        if i % 100 == 0 {
            ex.check_consistency().unwrap_or_else(|e| panic!("step {i}: {e}"));
            assert!(ex.ledger().is_balanced(), "step {i}: money conserved");
        }
    }
}

#[test]
fn markets_expire_settle_and_are_replaced() {
    let config = FlowConfig { market_lifetime_secs: Some(30), ..config(2) };
    let mut ex = Exchange::new();
    let mut flow = SyntheticFlow::new(config, 11);
    flow.setup(&mut ex, START_MS).unwrap();
    let first = flow.markets();
    let mut settled = Vec::new();
    for i in 1..=700 {
        flow.step(&mut ex, START_MS + i * TICK_MS);
        settled.extend(ex.drain_events().into_iter().filter_map(|e| match e {
            Event::Settled { ticker, .. } => Some(ticker),
            _ => None,
        }));
    }
    assert!(first.iter().all(|t| settled.contains(t)), "every first market settled: {settled:?}");
    let now = flow.markets();
    assert_eq!(now.len(), 2, "each slot has a live market");
    for (old, new) in first.iter().zip(&now) {
        assert_ne!(old, new, "replaced");
        assert!(new.as_str().starts_with("SIMWX-26DEC"), "the next days' markets: {new}");
        assert_eq!(old.as_str().rsplit('-').next(), new.as_str().rsplit('-').next(), "same strike");
    }
    ex.check_consistency().unwrap();
    assert!(ex.ledger().is_balanced());
}

// ---------------------------------------------------------------------------------------------
// Market makers against the flow
// ---------------------------------------------------------------------------------------------

const MM_DEPOSIT_DOLLARS: i64 = 100_000;

trait Quoter {
    /// (bid, ask) prices in cents and size to quote now, given the others' book and inventory.
    fn quotes(&self, best_bid: Option<i64>, best_ask: Option<i64>, inventory: i64) -> Vec<(Side, i64, i64)>;
}

/// Always 1¢ either side of the mid, ten contracts, whatever the spread or inventory.
struct Careless;

impl Quoter for Careless {
    fn quotes(&self, best_bid: Option<i64>, best_ask: Option<i64>, _inventory: i64) -> Vec<(Side, i64, i64)> {
        let (Some(bid), Some(ask)) = (best_bid, best_ask) else { return Vec::new() };
        let mid = (bid + ask) / 2;
        vec![(Side::Bid, mid - 1, 10), (Side::Ask, mid + 1, 10)]
    }
}

/// Quotes only into a spread of at least 6¢, 3¢ either side of the mid, skewed against its
/// inventory, and stops adding to a position beyond 30 contracts.
struct Careful;

impl Quoter for Careful {
    fn quotes(&self, best_bid: Option<i64>, best_ask: Option<i64>, inventory: i64) -> Vec<(Side, i64, i64)> {
        let (Some(bid), Some(ask)) = (best_bid, best_ask) else { return Vec::new() };
        if ask - bid < 5 {
            return Vec::new();
        }
        let mid = (bid + ask) / 2;
        let skew = inventory / 10;
        let mut quotes = Vec::new();
        if inventory < 30 {
            quotes.push((Side::Bid, (bid + 1).min(mid - 2) - skew, 5));
        }
        if inventory > -30 {
            quotes.push((Side::Ask, (ask - 1).max(mid + 2) - skew, 5));
        }
        quotes
    }
}

/// Runs the flow with one market maker for `steps` and returns its P&L in micro-dollars.
fn mm_pnl(quoter: &dyn Quoter, seed: u64, steps: i64) -> (i64, i64) {
    let mut ex = Exchange::new();
    let mut flow = SyntheticFlow::new(config(2), seed);
    flow.setup(&mut ex, START_MS).unwrap();
    let mm = UserId::new("mm");
    ex.add_user(mm.clone(), Money::from_micros(MM_DEPOSIT_DOLLARS * Money::SCALE)).unwrap();
    let markets: Vec<MarketTicker> = flow.markets();
    let mut fills = 0;
    for i in 1..=steps {
        let now = START_MS + i * TICK_MS;
        flow.step(&mut ex, now);
        for ticker in &markets {
            ex.cancel_all(&mm, Some(ticker), now).unwrap();
            let info = ex.market_info(ticker).unwrap();
            let inventory = ex.position(&mm, ticker).unwrap().qty.units() / Qty::SCALE;
            let cents = |p: Price| p.units() / 100;
            for (side, price, size) in
                quoter.quotes(info.yes_bid.map(|b| cents(b.0)), info.yes_ask.map(|a| cents(a.0)), inventory)
            {
                let Ok(price) = Price::from_cents(price) else { continue };
                if !price.is_tradable() {
                    continue;
                }
                let mut request = OrderRequest::new(ticker.clone(), side, price, Qty::from_units(size * Qty::SCALE));
                request.post_only = true;
                let _ = ex.create_order(&mm, request, now);
            }
        }
        fills += ex.drain_events().iter().filter(|e| matches!(e, Event::Fill { user, .. } if *user == mm)).count();
        if i % 500 == 0 {
            ex.check_consistency().unwrap();
        }
    }
    let cash = ex.balance(&mm).unwrap().cash.micros();
    let mut value = 0;
    for ticker in &markets {
        let qty = ex.position(&mm, ticker).unwrap().qty.units();
        let fair = flow.fair_value(ticker).unwrap().units();
        // YES is worth the fair value, NO one minus it; qty in 0.01 contracts, price in $0.0001.
        value += if qty >= 0 { qty * fair } else { -qty * (Price::SCALE - fair) };
    }
    (cash + value - MM_DEPOSIT_DOLLARS * Money::SCALE, fills as i64)
}

/// Seeds 1–3, 3 000 steps of 100 ms (five simulated minutes) on two markets each. Figures at
/// the time of writing: careless +$6.39, −$30.50, −$14.68 (≈ 285 fills per run); careful
/// +$2.33, +$1.14, +$0.35 (≈ 35 fills per run).
#[test]
fn careless_market_maker_loses_to_adverse_selection_and_careful_one_does_not() {
    let (mut careless, mut careful) = (0, 0);
    for seed in 1..=3 {
        let (a, a_fills) = mm_pnl(&Careless, seed, 3_000);
        let (b, b_fills) = mm_pnl(&Careful, seed, 3_000);
        println!(
            "seed {seed}: careless {} ({a_fills} fills), careful {} ({b_fills} fills)",
            Money::from_micros(a),
            Money::from_micros(b)
        );
        assert!(a_fills > 100 && b_fills > 5, "both market makers trade");
        careless += a;
        careful += b;
    }
    let dollars = |d: i64| d * Money::SCALE;
    assert!(careless < -dollars(10), "the careless maker is picked off: {}", Money::from_micros(careless));
    assert!(careful > -dollars(5), "the careful maker roughly breaks even or better: {}", Money::from_micros(careful));
    assert!(careful > careless + dollars(10), "care pays");
}
