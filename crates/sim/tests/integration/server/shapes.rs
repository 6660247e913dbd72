//! The simulator's JSON against real Kalshi captures (`crates/kalshi/tests/fixtures/rest/`):
//! the same keys (except the ones listed as not modelled, and the ones listed as added because
//! the official SDK 3.34 requires them while the captures predate them), the same JSON types,
//! and the same number formats: numeric strings with the same count of decimals ("0.5600"
//! prices, "10.00" counts, "4.950000" money), integers where Kalshi sends integers.

use kmm_kalshi::wire::{CreateOrderV2Request, TimeInForce};
use kmm_model::{FeeSchedule, FeeType, MarketTicker, Side};
use kmm_sim::MarketConfig;
use reqwest::Method;
use serde_json::Value;

use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../kalshi/tests/fixtures/rest/");

fn capture(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}{name}")).unwrap_or_else(|e| panic!("capture {name}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Decimal places of a plain decimal string (`"0.5600"` → 4, `"12"` → 0), `None` otherwise.
fn decimals(text: &str) -> Option<usize> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!int.is_empty() && digits(int) && digits(frac)).then_some(frac.len())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Where `ours` differs in shape from `theirs`. Paths look like `market.price_ranges[].step`;
/// `unmodeled` lists paths Kalshi sends that we leave out, `added` paths we send that the
/// capture lacks.
fn shape_diff(path: &str, ours: &Value, theirs: &Value, unmodeled: &[&str], added: &[&str], out: &mut Vec<String>) {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match (ours, theirs) {
        (Value::Object(o), Value::Object(t)) => {
            for (key, value) in t {
                match o.get(key) {
                    Some(mine) => shape_diff(&at(key), mine, value, unmodeled, added, out),
                    None if unmodeled.contains(&at(key).as_str()) => {}
                    None => out.push(format!("{}: missing (Kalshi sends {value})", at(key))),
                }
            }
            for key in o.keys().filter(|k| !t.contains_key(*k)) {
                if !added.contains(&at(key).as_str()) {
                    out.push(format!("{}: not in the capture", at(key)));
                }
            }
        }
        // Element i against Kalshi's element i (tuples such as `[price, count]`), else its first.
        (Value::Array(o), Value::Array(t)) => {
            if let Some(first) = t.first() {
                for (i, mine) in o.iter().enumerate() {
                    shape_diff(&format!("{path}[]"), mine, t.get(i).unwrap_or(first), unmodeled, added, out);
                }
            }
        }
        (Value::String(o), Value::String(t)) => match (decimals(o), decimals(t)) {
            (Some(a), Some(b)) if a != b => out.push(format!("{path}: {o:?} has {a} decimals, Kalshi's {t:?} has {b}")),
            (Some(_), None) | (None, Some(_)) => out.push(format!("{path}: {o:?} vs Kalshi's {t:?} (number format)")),
            _ => {}
        },
        _ if kind(ours) != kind(theirs) => {
            out.push(format!("{path}: {} {ours} where Kalshi sends {} {theirs}", kind(ours), kind(theirs)));
        }
        _ => {}
    }
}

fn assert_same_shape(what: &str, ours: &Value, theirs: &Value, unmodeled: &[&str], added: &[&str]) {
    let mut diffs = Vec::new();
    shape_diff("", ours, theirs, unmodeled, added, &mut diffs);
    assert!(diffs.is_empty(), "{what} differs from the capture:\n  {}\nours: {ours:#}", diffs.join("\n  "));
}

/// Market keys: Kalshi's strike description (`custom_strike` = `{"football_team": uuid}` and
/// `strike_type`) is not modelled; `settlement_bounds_type` (SDK 3.34 requires it, Aug-2026
/// payloads lack it) and `fractional_trading_enabled` (documented, not in these payloads) are added.
const MARKET_UNMODELED: [&str; 2] = ["custom_strike", "strike_type"];
const MARKET_ADDED: [&str; 2] = ["settlement_bounds_type", "fractional_trading_enabled"];

fn prefixed(prefix: &str, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| format!("{prefix}{k}")).collect()
}

fn refs(keys: &[String]) -> Vec<&str> {
    keys.iter().map(String::as_str).collect()
}

/// A simulator where `TICKER` traded (maker alice, taker bob) and still has both book sides,
/// on a series with Kalshi's usual `fee_multiplier` 0.5.
async fn traded_sim() -> Sim {
    let markets = market_configs()
        .into_iter()
        .map(|m| MarketConfig {
            fee_schedule: FeeSchedule { fee_type: FeeType::QuadraticWithMakerFees, multiplier_ppm: 500_000 },
            ..m
        })
        .collect();
    let sim = start_with(markets, |_| {}).await;
    let (alice, bob) = (sim.client("alice"), sim.client("bob"));
    let t = MarketTicker::new(TICKER);
    alice.create_order(&CreateOrderV2Request::limit(t.clone(), Side::Bid, cents(45), qty(10))).await.unwrap();
    alice.create_order(&CreateOrderV2Request::limit(t.clone(), Side::Bid, cents(44), qty(3))).await.unwrap();
    bob.create_order(&CreateOrderV2Request::limit(t.clone(), Side::Ask, cents(60), qty(7))).await.unwrap();
    let mut hit = CreateOrderV2Request::limit(t, Side::Ask, cents(45), "5.52".parse().unwrap());
    hit.time_in_force = TimeInForce::ImmediateOrCancel;
    bob.create_order(&hit).await.unwrap();
    sim
}

#[tokio::test]
async fn markets_orderbooks_and_series_match_the_captures() {
    let sim = traded_sim().await;
    let market = sim.raw(None, Method::GET, &format!("/markets/{TICKER}"), None).await.json();
    let unmodeled = prefixed("market.", &MARKET_UNMODELED);
    let added = prefixed("market.", &MARKET_ADDED);
    assert_same_shape(
        "GET /markets/{ticker}",
        &market,
        &capture("prod-2026-08-09-market_single.json"),
        &refs(&unmodeled),
        &refs(&added),
    );

    let nested = capture("prod-2026-08-09-market_nested.json");
    assert_same_shape("a market", &market["market"], &nested, &MARKET_UNMODELED, &MARKET_ADDED);

    let book = sim.raw(None, Method::GET, &format!("/markets/{TICKER}/orderbook"), None).await.json();
    assert!(!book["orderbook_fp"]["yes_dollars"].as_array().unwrap().is_empty());
    assert!(!book["orderbook_fp"]["no_dollars"].as_array().unwrap().is_empty());
    for capture_name in [
        "prod-2026-08-09-orderbook-KXNCAAFGAME-26SEP19MSUND-ND.json",
        "demo-2026-07-01-orderbook-1-KXNEXTTEAMNBA-26LJAM-MIA.json",
    ] {
        assert_same_shape("GET /markets/{ticker}/orderbook", &book, &capture(capture_name), &[], &[]);
    }

    let series = sim.raw(None, Method::GET, &format!("/series/{SERIES}"), None).await.json();
    // `product_metadata` is free-form and not modelled; `categories` is required by SDK 3.34.
    assert_same_shape(
        "GET /series/{ticker}",
        &series,
        &capture("prod-2026-08-20-series-KXMLBGAME.json"),
        &["series.product_metadata"],
        &["series.categories"],
    );

    // Settle, then compare a settled market with a page of production's settled markets.
    alice_settles(&sim).await;
    let settled = sim.raw(None, Method::GET, "/markets?status=settled", None).await.json();
    let captured = capture("prod-2026-08-08-markets_settled-markets.json");
    let first = &settled["markets"][0];
    assert_eq!(first["status"], "finalized");
    assert_same_shape("a settled market", first, &captured[0], &MARKET_UNMODELED, &MARKET_ADDED);
    sim.server.shutdown().await;
}

async fn alice_settles(sim: &Sim) {
    let settle = sim.admin(Method::POST, &format!("/markets/{TICKER}/settle"), Some(r#"{"result":"yes"}"#)).await;
    assert_eq!(settle.status, 200, "{}", settle.text);
}

#[tokio::test]
async fn portfolio_reads_match_the_captures() {
    let sim = traded_sim().await;
    let positions = sim.raw(Some("alice"), Method::GET, "/portfolio/positions", None).await.json();
    // `exchange_index` is required by SDK 3.34 but absent from the July-2026 demo payload.
    assert_same_shape(
        "GET /portfolio/positions",
        &positions,
        &capture("demo-2026-07-01-portfolio_positions.json"),
        &[],
        &["market_positions[].exchange_index"],
    );

    // The capture kept only six fields of each fill; the rest are SDK 3.34's required fields.
    let fills = sim.raw(Some("bob"), Method::GET, "/portfolio/fills", None).await.json();
    let half = FeeSchedule { fee_type: FeeType::QuadraticWithMakerFees, multiplier_ppm: 500_000 };
    let taker_fee = half.fee("5.52".parse().unwrap(), cents(45), true).unwrap();
    assert_eq!(taker_fee.to_string(), "0.047900", "ceil(0.07 × 0.5 × 5.52 × 0.45 × 0.55, $0.0001)");
    assert_eq!(fills["fills"][0]["fee_cost"], "0.047900");
    let fill_extras = prefixed(
        "fills[].",
        &[
            "fill_id",
            "trade_id",
            "market_ticker",
            "exchange_index",
            "outcome_side",
            "book_side",
            "side",
            "action",
            "no_price_dollars",
            "created_time",
            "ts",
            "subaccount_number",
        ],
    );
    let mut added = refs(&fill_extras);
    added.push("cursor");
    assert_same_shape(
        "GET /portfolio/fills",
        &fills,
        &capture("prod-2026-08-18-portfolio_fills_sanitized.json"),
        &[],
        &added,
    );

    alice_settles(&sim).await;
    let settlements = sim.raw(Some("alice"), Method::GET, "/portfolio/settlements", None).await.json();
    assert_eq!(settlements["settlements"][0]["revenue"], 552, "5.52 YES contracts pay $5.52 = 552 cents");
    assert_same_shape(
        "GET /portfolio/settlements",
        &settlements,
        &capture("prod-2026-08-portfolio_settlements_redacted.json"),
        &[],
        &["cursor", "settlements[].exchange_index"],
    );

    let error = sim.raw(None, Method::GET, "/markets?status=finalized", None).await;
    assert_eq!(
        error.json(),
        capture("prod-2026-08-08-error_400_invalid_status_filter.json"),
        "byte-for-byte the same error"
    );
    sim.server.shutdown().await;
}

#[test]
fn the_comparator_catches_format_drift() {
    let theirs = serde_json::json!({"a": "0.5600", "b": [["0.1000", "2.00"]], "c": 1, "gone": true});
    let ours = serde_json::json!({"a": "0.56", "b": [["0.1000", 2]], "c": 1.5, "new": 0});
    let mut diffs = Vec::new();
    shape_diff("", &ours, &theirs, &[], &[], &mut diffs);
    let text = diffs.join("\n");
    for expected in ["a: \"0.56\" has 2 decimals", "b[][]", "c: float", "gone: missing", "new: not in the capture"] {
        assert!(text.contains(expected), "{expected:?} not reported in:\n{text}");
    }
    let mut none = Vec::new();
    shape_diff("", &theirs, &theirs, &[], &[], &mut none);
    assert!(none.is_empty());
}
