#![allow(clippy::unwrap_used)]
//! Golden tests of `kmm_kalshi::wire` against real Kalshi payloads (`tests/fixtures/rest/`,
//! extracted from the shared captures) and hand-made `synthetic-*` fixtures for endpoints
//! without captures.
//!
//! Every fixture goes through [`golden`], which checks two things:
//!
//! 1. **Typed round trip**: `parse(serialize(parse(x))) == parse(x)`.
//! 2. **Wire fidelity**: `serialize(parse(x))` has the same JSON value as `x` at every key of
//!    `x` the type knows, compared as `serde_json::Value` (so `"0.5600"` must come back as
//!    `"0.5600"`, not `"0.56"`, and `fee_multiplier: 0.5` as the number `0.5`). Keys the type
//!    drops are collected; each test lists the ones it expects (none, for every capture), so a
//!    misspelt field name cannot hide as "unknown". Keys the type adds (SDK-required defaults
//!    such as `settlement_bounds_type`) and keys of `x` holding `null` that serialise as
//!    absent are not differences.

use std::collections::BTreeSet;
use std::path::PathBuf;

use kmm_kalshi::wire::*;
use kmm_model::{ClientOrderId, FeeSchedule, FeeType, MarketTicker, Money, Outcome, Price, Qty, Side};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rest")
}

fn read(name: &str) -> String {
    let path = fixture_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {} unreadable: {e}", path.display()))
}

/// Fixture names starting with `prefix`, sorted.
fn fixtures(prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(prefix) && n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixture starts with {prefix}");
    names
}

/// Walks `original` and compares it with `reserialized` (see the module doc).
fn compare(
    path: &str,
    original: &Value,
    reserialized: &Value,
    dropped: &mut BTreeSet<String>,
    diffs: &mut Vec<String>,
) {
    match (original, reserialized) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let sub = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match b.get(key) {
                    Some(other) => compare(&sub, value, other, dropped, diffs),
                    None if value.is_null() => {}
                    None => {
                        dropped.insert(sub);
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (x, y) in a.iter().zip(b) {
                compare(&format!("{path}[]"), x, y, dropped, diffs);
            }
        }
        (a, b) if a == b => {}
        (a, b) => diffs.push(format!("{path}: sent {a}, re-serialised {b}")),
    }
}

/// Parses `json` as `T` and checks the typed round trip and wire fidelity (module doc).
/// `expected_dropped` lists the key paths (`a.b[].c`) the type is allowed to ignore.
fn golden_str<T>(what: &str, json: &str, expected_dropped: &[&str]) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let parsed: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{what} must parse: {e}"));
    let out = serde_json::to_value(&parsed).unwrap();
    let again: T =
        serde_json::from_value(out.clone()).unwrap_or_else(|e| panic!("{what}: re-serialised form must parse: {e}"));
    assert_eq!(again, parsed, "{what}: parse → serialise → parse must give the same value");
    let original: Value = serde_json::from_str(json).unwrap();
    let (mut dropped, mut diffs) = (BTreeSet::new(), Vec::new());
    compare("", &original, &out, &mut dropped, &mut diffs);
    assert!(diffs.is_empty(), "{what}: re-serialised values differ from the payload:\n{}", diffs.join("\n"));
    let expected: BTreeSet<String> = expected_dropped.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(dropped, expected, "{what}: keys ignored by the type (a typo in a field name shows up here)");
    parsed
}

fn golden<T>(name: &str, expected_dropped: &[&str]) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    golden_str(name, &read(name), expected_dropped)
}

/// Typed round trip only, for request bodies a client may write loosely (`"count": "10"`
/// re-serialises as `"10.00"`, which Kalshi accepts equally).
fn typed_round_trip<T>(name: &str) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let parsed: T = serde_json::from_str(&read(name)).unwrap_or_else(|e| panic!("{name} must parse: {e}"));
    let again: T = serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
    assert_eq!(again, parsed, "{name}: parse → serialise → parse must give the same value");
    parsed
}

fn price(s: &str) -> Price {
    s.parse().unwrap()
}

fn qty(s: &str) -> Qty {
    s.parse().unwrap()
}

// ---------------------------------------------------------------- captures: order books

#[test]
fn every_captured_orderbook_parses_round_trips_and_builds_a_book() {
    let mut names = fixtures("demo-2026-07-01-orderbook-");
    names.extend(fixtures("prod-2026-08-09-orderbook-"));
    assert_eq!(names.len(), 6, "5 demo books + 1 production book");
    for name in &names {
        let resp: GetOrderbookResponse = golden(name, &[]);
        let ob = &resp.orderbook_fp;
        assert!(!ob.yes_dollars.is_empty() && !ob.no_dollars.is_empty(), "{name}: both ladders populated");
        for ladder in [&ob.yes_dollars, &ob.no_dollars] {
            assert!(ladder.windows(2).all(|w| w[0].0 < w[1].0), "{name}: captured levels ascend by price");
        }
        let book = resp.to_book().unwrap();
        assert_eq!(book.best_bid(Outcome::Yes), ob.best_bid(Outcome::Yes), "{name}: wire and domain best YES bid");
        assert_eq!(book.best_ask(Outcome::Yes), ob.best_ask(Outcome::Yes), "{name}: wire and domain best YES ask");
        assert_eq!(OrderbookFp::from_book(&book), *ob, "{name}: the domain book emits the same ladders back");
    }
}

#[test]
fn first_rest_orderbook_has_the_captured_best_prices() {
    let resp: GetOrderbookResponse = golden("demo-2026-07-01-orderbook-1-KXNEXTTEAMNBA-26LJAM-MIA.json", &[]);
    let ob = &resp.orderbook_fp;
    assert_eq!(ob.best_bid(Outcome::Yes), Some((price("0.1600"), qty("168749.73"))), "best YES bid is the last level");
    assert_eq!(ob.best_bid(Outcome::No), Some((price("0.8300"), qty("25271.76"))));
    assert_eq!(ob.best_ask(Outcome::Yes), Some((price("0.1700"), qty("25271.76"))), "YES ask = 1 − best NO bid");
    assert_eq!(ob.yes_dollars[0], (price("0.01"), Qty::from_units(140_647_486)), "fractional size 1406474.86");
    let prod: GetOrderbookResponse = golden("prod-2026-08-09-orderbook-KXNCAAFGAME-26SEP19MSUND-ND.json", &[]);
    assert_eq!(prod.orderbook_fp.best_bid(Outcome::Yes), Some((price("0.8900"), qty("343.49"))));
}

#[test]
fn batch_orderbooks_parse_and_empty_sides_are_emitted() {
    let resp: GetOrderbooksResponse = golden("synthetic-orderbooks-batch.json", &[]);
    assert_eq!(resp.orderbooks.len(), 2);
    assert_eq!(resp.orderbooks[1].orderbook_fp, OrderbookFp::default());
    let empty = serde_json::to_value(GetOrderbookResponse::default()).unwrap();
    assert_eq!(
        empty,
        json!({"orderbook_fp": {"yes_dollars": [], "no_dollars": []}}),
        "SDK needs both lists, never null"
    );
    let tolerant: GetOrderbookResponse =
        serde_json::from_str(r#"{"orderbook_fp":{"yes_dollars":null,"extra":1}}"#).unwrap();
    assert_eq!(tolerant, GetOrderbookResponse::default(), "null or missing ladders read as empty");
}

// ---------------------------------------------------------------- captures: markets

#[test]
fn captured_single_and_nested_market_agree_and_carry_the_quotes() {
    let single: GetMarketResponse = golden("prod-2026-08-09-market_single.json", &[]);
    let nested: Market = golden("prod-2026-08-09-market_nested.json", &[]);
    assert_eq!(single.market, nested, "/markets/{{ticker}} and the /events nesting are the same market");
    let m = &single.market;
    assert_eq!(m.ticker.as_str(), "KXNCAAFGAME-26SEP19MSUND-ND");
    assert_eq!(m.status, MarketStatus::Active);
    assert!(m.status.is_open());
    assert_eq!(m.result, MarketResult::Undetermined, "result \"\" before determination");
    assert_eq!((m.yes_bid_dollars, m.yes_bid_size_fp), (price("0.8900"), qty("343.49")));
    assert_eq!((m.yes_ask_dollars, m.yes_ask_size_fp), (price("0.9400"), qty("641.00")));
    assert_eq!(m.best_yes_bid(), Some((price("0.89"), qty("343.49"))));
    assert_eq!(m.notional_value_dollars, Money::from_micros(1_000_000));
    assert_eq!(m.liquidity_dollars, Some(Money::ZERO));
    assert_eq!(m.created_time, "2026-05-20T19:06:01.154369Z", "timestamps are kept verbatim");
    assert_eq!(m.price_ranges, vec![PriceRange { start: Price::ZERO, end: Price::ONE, step: price("0.01") }]);
    assert!(m.is_valid_price(price("0.42")) && !m.is_valid_price(price("0.425")) && !m.is_valid_price(Price::ONE));
    assert_eq!(m.min_tick(), price("0.01"));
    assert_eq!(m.strike_type, Some(StrikeType::Structured));
    assert_eq!(m.settlement_bounds_type, SettlementBoundsType::Default, "absent in the capture, defaulted");
    let out = serde_json::to_value(m).unwrap();
    assert_eq!(out["settlement_bounds_type"], "default", "SDK-required field is emitted even though Kalshi omitted it");
    assert_eq!(out["notional_value_dollars"], "1.0000", "four-decimal money as captured");
}

#[test]
fn every_settled_market_parses_and_round_trips() {
    let name = "prod-2026-08-08-markets_settled-markets.json";
    let markets: Vec<Market> = golden(name, &[]);
    assert_eq!(markets.len(), 44);
    let count = |r: MarketResult| markets.iter().filter(|m| m.result == r).count();
    assert_eq!((count(MarketResult::Yes), count(MarketResult::No), count(MarketResult::Undetermined)), (21, 21, 2));
    let finalized = markets.iter().filter(|m| m.status == MarketStatus::Finalized).count();
    let closed = markets.iter().filter(|m| m.status == MarketStatus::Closed).count();
    assert_eq!((finalized, closed), (42, 2));
    assert!(markets.iter().all(|m| m.status.is_closed() && !m.status.is_open()));
    for m in &markets {
        let one = serde_json::to_string(m).unwrap();
        golden_str::<Market>(m.ticker.as_str(), &one, &[]);
        if let Some(outcome) = m.result.outcome() {
            let expected = if outcome == Outcome::Yes { Price::ONE } else { Price::ZERO };
            assert_eq!(m.settlement_value_dollars, Some(expected), "{}: settlement value follows the result", m.ticker);
        }
    }
    let mia = markets.iter().find(|m| m.ticker.as_str() == "KXMLBGAME-26AUG081610LAAMIA-MIA").unwrap();
    assert_eq!(mia.result, MarketResult::Yes);
    assert_eq!(mia.result.outcome(), Some(Outcome::Yes));
    assert_eq!(mia.settlement_ts.as_deref(), Some("2026-08-08T22:57:45.764968Z"));
    assert_eq!(mia.volume_fp, qty("706298.16"));
    // The capture kept the market objects, not the page envelope: wrap them as a last page.
    let page = json!({"markets": serde_json::from_str::<Value>(&read(name)).unwrap(), "cursor": ""});
    let page: GetMarketsResponse = golden_str("settled markets page", &page.to_string(), &[]);
    assert_eq!(page.markets, markets);
}

// ---------------------------------------------------------------- captures: series

#[test]
fn every_captured_series_parses_with_an_exact_fee_schedule() {
    let expected = [
        ("KXATPDOUBLES", FeeType::Quadratic, 1_000_000),
        ("KXMLBGAME", FeeType::QuadraticWithMakerFees, 500_000),
        ("KXMLBSPREAD", FeeType::Quadratic, 500_000),
        ("KXWNBAGAME", FeeType::QuadraticWithMakerFees, 1_000_000),
    ];
    assert_eq!(fixtures("prod-2026-08-20-series-").len(), expected.len());
    for (ticker, fee_type, ppm) in expected {
        let name = format!("prod-2026-08-20-series-{ticker}.json");
        let resp: GetSeriesResponse = golden(&name, &[]);
        let s = &resp.series;
        assert_eq!(s.ticker.as_str(), ticker);
        assert_eq!(s.fee_schedule().unwrap(), FeeSchedule { fee_type, multiplier_ppm: ppm }, "{ticker}");
        assert!(s.categories.is_empty(), "{ticker}: real payloads have no `categories`");
        let out = serde_json::to_value(s).unwrap();
        assert_eq!(out["categories"], json!([]), "SDK-required `categories` is emitted as []");
        assert!(s.settlement_sources.as_ref().is_some_and(|v| !v.is_empty()));
    }
    let list = json!({"series": [serde_json::from_str::<Value>(&read("prod-2026-08-20-series-KXMLBGAME.json")).unwrap()["series"]]});
    let list: GetSeriesListResponse = golden_str("series list", &list.to_string(), &[]);
    assert_eq!(list.series.len(), 1);
}

#[test]
fn events_apply_fee_overrides_to_the_series_schedule() {
    let events: GetEventsResponse = golden("synthetic-events.json", &[]);
    let series = FeeSchedule { fee_type: FeeType::QuadraticWithMakerFees, multiplier_ppm: 1_000_000 };
    let e = &events.events[0];
    assert_eq!(e.fee_multiplier_override.map(FeeMultiplier::ppm), Some(250_000));
    assert_eq!(e.fee_schedule(&series).unwrap(), FeeSchedule { fee_type: FeeType::Quadratic, multiplier_ppm: 250_000 });
    assert_eq!(serde_json::to_value(e).unwrap()["settlement_sources"], Value::Null, "required-nullable key is emitted");
    let one: GetEventResponse = golden("synthetic-event.json", &[]);
    assert_eq!(one.event.fee_schedule(&series).unwrap(), series, "no override: the series schedule");
    assert!(one.markets.is_empty());
}

// ---------------------------------------------------------------- captures: portfolio

#[test]
fn captured_positions_parse() {
    let resp: GetPositionsResponse = golden("demo-2026-07-01-portfolio_positions.json", &[]);
    assert_eq!((resp.market_positions.len(), resp.event_positions.len()), (4, 4));
    assert_eq!(resp.cursor.as_deref(), Some(""));
    let mia = &resp.market_positions[0];
    assert_eq!(mia.ticker.as_str(), "KXNEXTTEAMNBA-26LJAM-MIA");
    assert_eq!(mia.total_traded_dollars, Money::from_micros(4_950_000));
    assert_eq!(mia.realized_pnl_dollars, Money::from_micros(50_000));
    assert_eq!(mia.position_fp, Qty::ZERO);
    assert_eq!(mia.exchange_index, 0, "absent in the capture, SDK-required: defaulted");
    assert_eq!(mia.resting_orders_count, Some(0));
    assert_eq!(mia.last_updated_ts, "2026-07-01T02:19:16.097565Z");
    let pos = mia.to_model().unwrap();
    assert_eq!((pos.qty, pos.realized), (Qty::ZERO, Money::from_micros(50_000)));
    let mut short = mia.clone();
    (short.position_fp, short.market_exposure_dollars) = (qty("-10"), Money::from_micros(4_000_000));
    let short = short.to_model().unwrap();
    assert_eq!(short.cost, Money::from_micros(-6_000_000), "10 NO bought for $4 = 10 YES sold for $6, in YES terms");
    let ev = &resp.event_positions[0];
    assert_eq!((ev.total_cost_dollars, ev.total_cost_shares_fp), (Money::from_micros(4_950_000), qty("10")));
    let out = serde_json::to_value(mia).unwrap();
    assert_eq!(out["total_traded_dollars"], "4.950000", "six-decimal money as captured");
}

#[test]
fn every_captured_fill_parses_with_exact_fees() {
    let resp: GetFillsResponse = golden("prod-2026-08-18-portfolio_fills_sanitized.json", &[]);
    assert_eq!(resp.fills.len(), 33);
    assert_eq!(resp.cursor, "", "absent in the sanitised capture; a required string, defaulted");
    assert!(resp.fills.iter().all(|f| f.is_taker && f.trade_id().is_none() && f.book_side().is_none()));
    let f = resp.fills.iter().find(|f| f.order_id.as_str() == "order-09").unwrap();
    assert_eq!((f.count_fp, f.yes_price_dollars, f.fee_cost), (qty("10"), price("0.01"), Money::from_micros(7_000)));
    assert_eq!(
        FeeSchedule::default().fee(f.count_fp, f.yes_price_dollars, true).unwrap(),
        f.fee_cost,
        "0.07·10·0.01·0.99 ↑"
    );
    let tiny = resp.fills.last().unwrap();
    assert_eq!((tiny.count_fp, tiny.fee_cost), (qty("0.27"), Money::from_micros(1_900)));
    let odd = &resp.fills[0];
    assert_eq!(odd.fee_cost, Money::from_micros(15_930), "a fee with five significant decimals is kept exactly");
    assert_eq!(serde_json::to_value(odd).unwrap()["fee_cost"], "0.015930");
    assert!(odd.to_model().is_err(), "a fill without trade id cannot become a domain fill");

    // The two fills of the WebSocket session, in the full REST shape.
    let full: GetFillsResponse = golden("synthetic-portfolio_fills.json", &[]);
    let taker = &full.fills[0];
    assert_eq!((taker.count_fp, taker.yes_price_dollars), (qty("5.52"), price("0.17")));
    assert_eq!(taker.fee_cost, Money::from_micros(54_600), "5.52 @ 0.17 → fee_cost 0.054600");
    assert_eq!(FeeSchedule::default().fee(taker.count_fp, taker.yes_price_dollars, true).unwrap(), taker.fee_cost);
    let model = taker.to_model().unwrap();
    assert_eq!((model.side, model.ts_ms, model.fee), (Side::Bid, Some(1_782_873_388_000), Money::from_micros(54_600)));
    let no = full.fills[1].to_model().unwrap();
    assert_eq!(
        (no.side, no.price, no.count, no.fee),
        (Side::Ask, price("0.16"), qty("1.16"), Money::from_micros(11_000))
    );
}

#[test]
fn captured_settlements_parse() {
    let resp: GetSettlementsResponse = golden("prod-2026-08-portfolio_settlements_redacted.json", &[]);
    assert_eq!(resp.settlements.len(), 22);
    assert!(resp.settlements.iter().all(|s| matches!(s.market_result, MarketResult::Yes | MarketResult::No)));
    let won = resp.settlements.iter().find(|s| s.ticker.as_str() == "KXUFCFIGHT-REDACTED010").unwrap();
    assert_eq!(won.market_result, MarketResult::Yes);
    assert_eq!((won.yes_count_fp, won.yes_total_cost_dollars), (qty("15"), Money::from_micros(11_100_000)));
    assert_eq!((won.revenue, won.value), (1500, Some(100)), "revenue in cents: 15 contracts × 100¢");
    assert_eq!(won.revenue().unwrap(), Money::from_micros(15_000_000));
    assert_eq!(won.fee_cost, Money::from_micros(202_100));
    assert_eq!(won.exchange_index, 0, "absent in the capture, SDK-required: defaulted");
}

#[test]
fn balance_parses_in_cents_and_dollars() {
    let b: GetBalanceResponse = golden("synthetic-portfolio_balance.json", &[]);
    assert_eq!(b.available().unwrap(), Money::from_micros(100_000_000));
    assert_eq!(b.portfolio_value().unwrap(), Money::from_micros(4_950_000));
    let old: GetBalanceResponse =
        serde_json::from_str(r#"{"balance":1234,"portfolio_value":0,"updated_ts":1}"#).unwrap();
    assert_eq!(old.available().unwrap(), Money::from_micros(12_340_000), "falls back to integer cents");
}

// ---------------------------------------------------------------- errors

#[test]
fn captured_400_and_rate_limit_error_bodies_parse() {
    let body: ErrorBody = golden("prod-2026-08-08-error_400_invalid_status_filter.json", &[]);
    assert_eq!(
        (body.code(), body.message(), body.details()),
        (Some("bad_request"), Some("bad request"), Some("invalid status filter"))
    );
    assert!(!body.is_rate_limited());
    assert_eq!(body.into_parts(), ("bad_request".into(), "bad request".into(), Some("invalid status filter".into())));
    let limited: ErrorBody = golden("synthetic-error_429_rate_limit.json", &[]);
    assert!(limited.is_rate_limited());
    assert_eq!(limited, ErrorBody::rate_limited());
    assert_eq!(serde_json::to_string(&limited).unwrap(), r#"{"error":"too many requests"}"#);
    let invalid: ErrorBody = golden("synthetic-error_400_invalid_order.json", &[]);
    assert_eq!(invalid.code(), Some("invalid_order"));
    let flat: ErrorDetail = serde_json::from_str(r#"{"code":"not_found","message":"order not found"}"#).unwrap();
    assert_eq!(flat, ErrorDetail::new("not_found", "order not found"));
}

// ---------------------------------------------------------------- synthetic: orders

#[test]
fn orders_parse_and_convert_to_the_domain() {
    let list: GetOrdersResponse = golden("synthetic-portfolio_orders.json", &[]);
    let (a, b) = (&list.orders[0], &list.orders[1]);
    let model = a.to_model().unwrap();
    assert_eq!((model.side, model.price, model.remaining), (Side::Bid, price("0.42"), qty("7")));
    assert_eq!(model.status, kmm_model::OrderStatus::Resting);
    assert_eq!(a.maker_fees_dollars, Money::from_micros(10_000));
    assert_eq!(b.client_order_id, None, "\"\" means no client order id");
    assert_eq!(serde_json::to_value(b).unwrap()["client_order_id"], "", "and None is written back as \"\"");
    assert_eq!(b.to_model().unwrap().side, Side::Ask);
    let one: GetOrderResponse = golden("synthetic-portfolio_order.json", &[]);
    assert_eq!(one.order.status, OrderStatus::Executed);
    let back = Order::from_model(&one.order.to_model().unwrap(), "u");
    assert_eq!((back.book_side, back.side, back.action), (Some(Side::Bid), Some(Outcome::Yes), Some(Action::Buy)));
    assert_eq!(back.no_price_dollars, price("0.58"));
}

#[test]
fn v2_order_requests_and_responses_round_trip() {
    // The reference's example request, count written "10".
    let req: CreateOrderV2Request = typed_round_trip("synthetic-create_order_v2-request.json");
    assert_eq!((req.side, req.count, req.price), (Side::Bid, qty("10"), price("0.42")));
    assert_eq!(
        (req.time_in_force, req.self_trade_prevention_type, req.post_only),
        (TimeInForce::GoodTillCanceled, SelfTradePrevention::Maker, Some(true))
    );
    let mut built =
        CreateOrderV2Request::limit(MarketTicker::new("KXHIGHNY-25JAN01-B45.5"), Side::Bid, price("0.42"), qty("10"));
    built.client_order_id = Some(ClientOrderId::new("6f1c2a9e-4b7d-4e0a-9c3f-1a2b3c4d5e6f"));
    built.post_only = Some(true);
    assert_eq!(built, req);
    assert_eq!(
        serde_json::to_string(&built).unwrap(),
        r#"{"ticker":"KXHIGHNY-25JAN01-B45.5","client_order_id":"6f1c2a9e-4b7d-4e0a-9c3f-1a2b3c4d5e6f","side":"bid","count":"10.00","price":"0.4200","time_in_force":"good_till_canceled","self_trade_prevention_type":"maker","post_only":true}"#
    );
    let created: CreateOrderV2Response = golden("synthetic-create_order_v2-response.json", &[]);
    assert_eq!((created.fill_count, created.remaining_count, created.ts_ms), (Qty::ZERO, qty("10"), 1_767_225_600_123));
    let filled: CreateOrderV2Response = golden("synthetic-create_order_v2-response-filled.json", &[]);
    assert_eq!(filled.average_fill_price, Some(Money::from_micros(170_000)));
    assert_eq!(filled.average_fee_paid, Some(Money::from_micros(9_891)));
    let amend_req: AmendOrderV2Request = golden("synthetic-amend_order_v2-request.json", &[]);
    assert_eq!(amend_req.count, qty("12"));
    let amended: AmendOrderV2Response = golden("synthetic-amend_order_v2-response.json", &[]);
    assert_eq!(amended.remaining_count, Some(qty("9")));
    let dec: DecreaseOrderV2Request = golden("synthetic-decrease_order_v2-request.json", &[]);
    assert_eq!(dec, DecreaseOrderV2Request::by(qty("2.5")));
    let decreased: DecreaseOrderV2Response = golden("synthetic-decrease_order_v2-response.json", &[]);
    assert_eq!(decreased.remaining_count, qty("6.5"));
    let canceled: CancelOrderV2Response = golden("synthetic-cancel_order_v2-response.json", &[]);
    assert_eq!(canceled.reduced_by, qty("6.5"));
}

#[test]
fn v2_batches_carry_per_item_errors() {
    let req: BatchCreateOrdersV2Request = golden("synthetic-batch_create_orders_v2-request.json", &[]);
    assert_eq!(req.orders[1].order_group_id.as_deref(), Some("og-1"));
    let resp: BatchCreateOrdersV2Response = golden("synthetic-batch_create_orders_v2-response.json", &[]);
    let mut items = resp.orders.into_iter();
    let ok = items.next().unwrap().into_result().unwrap();
    assert_eq!(ok.remaining_count, qty("10"));
    let err = items.next().unwrap().into_result().unwrap_err();
    assert_eq!(
        (err.code.as_deref(), err.details.as_deref()),
        (Some("invalid_order"), Some("post only order would cross"))
    );
    let cancel_req: BatchCancelOrdersV2Request = golden("synthetic-batch_cancel_orders_v2-request.json", &[]);
    assert_eq!(cancel_req.orders.len(), 2);
    let cancel: BatchCancelOrdersV2Response = golden("synthetic-batch_cancel_orders_v2-response.json", &[]);
    assert_eq!(cancel.orders[0].reduced_by, qty("10"));
    assert_eq!((cancel.orders[1].reduced_by, cancel.orders[1].error.is_some()), (Qty::ZERO, true));
}

#[test]
fn legacy_order_requests_resolve_their_twin_fields() {
    let req: CreateOrderRequest = golden("synthetic-create_order-legacy-request.json", &[]);
    assert_eq!(req.count().unwrap(), qty("10"));
    assert_eq!(req.yes_price().unwrap(), price("0.42"), "no_price 58¢ is a YES price of 42¢");
    assert_eq!(req.book_side().unwrap(), Side::Ask, "buy NO rests on the ask");
    let v2 = req.to_v2().unwrap();
    assert_eq!((v2.side, v2.price, v2.count, v2.post_only), (Side::Ask, price("0.42"), qty("10"), Some(true)));
    let two_prices: CreateOrderRequest = serde_json::from_value(
        json!({"ticker":"T","side":"yes","action":"buy","count":1,"yes_price":40,"yes_price_dollars":"0.40"}),
    )
    .unwrap();
    assert!(two_prices.yes_price().unwrap_err().to_string().contains("exactly one of yes_price"));
    let mismatch: CreateOrderRequest = serde_json::from_value(
        json!({"ticker":"T","side":"yes","action":"sell","count":2,"count_fp":"3.00","yes_price_dollars":"0.40"}),
    )
    .unwrap();
    assert!(mismatch.count().unwrap_err().to_string().contains("disagree"));
    assert_eq!(mismatch.book_side().unwrap(), Side::Ask, "sell YES rests on the ask");
    let dec: DecreaseOrderRequest = serde_json::from_value(json!({"reduce_to_fp":"4.00"})).unwrap();
    assert_eq!(dec.decrease().unwrap(), Decrease::To(qty("4")));
    assert!(DecreaseOrderRequest::default().decrease().is_err());
    let created: CreateOrderResponse = golden("synthetic-create_order-legacy-response.json", &[]);
    assert_eq!(created.order.to_model().unwrap().side, Side::Ask);
    let amended: AmendOrderResponse = golden("synthetic-amend_order-legacy-response.json", &[]);
    assert_eq!((amended.old_order.status, amended.order.remaining_count_fp), (OrderStatus::Canceled, qty("12")));
    let cancel: BatchCancelOrdersResponse = golden("synthetic-batch_cancel_orders-legacy-response.json", &[]);
    assert_eq!(cancel.orders[0].reduced_by_fp, qty("12"));
    let ids: BatchCancelOrdersRequest = serde_json::from_value(json!({"ids":["a","b"]})).unwrap();
    assert_eq!(ids.order_ids().len(), 2);
}

// ---------------------------------------------------------------- synthetic: the rest

#[test]
fn exchange_account_order_group_and_trade_bodies_parse() {
    let status: ExchangeStatus = golden("synthetic-exchange_status.json", &[]);
    assert!(status.is_trading());
    let down: ExchangeStatus = golden("synthetic-exchange_status-maintenance.json", &[]);
    assert!(!down.is_trading());
    let schedule: GetExchangeScheduleResponse = golden("synthetic-exchange_schedule.json", &[]);
    assert_eq!(schedule.schedule.standard_hours[0].thursday.len(), 2);
    let limits: GetAccountApiLimitsResponse = golden("synthetic-account_limits.json", &[]);
    assert_eq!((limits.read.refill_rate, limits.write.bucket_capacity), (200, 200));
    let costs: GetAccountEndpointCostsResponse = golden("synthetic-account_endpoint_costs.json", &[]);
    assert_eq!(costs.cost_of("delete", "/trade-api/v2/portfolio/events/orders/{order_id}"), 2);
    assert_eq!(costs.cost_of("POST", "/trade-api/v2/portfolio/events/orders"), 10);
    let created: CreateOrderGroupResponse = golden("synthetic-order_group-create-response.json", &[]);
    assert_eq!(created.order_group_id, "og-5f2b9c1e");
    let groups: GetOrderGroupsResponse = golden("synthetic-order_groups.json", &[]);
    assert_eq!(groups.order_groups[0].contracts_limit_fp, Some(qty("100")));
    let group: GetOrderGroupResponse = golden("synthetic-order_group.json", &[]);
    assert_eq!(group.orders.len(), 2);
    let _: EmptyResponse = golden_str("empty reply", "{}", &[]);
    let trades: GetTradesResponse = golden("synthetic-markets_trades.json", &[]);
    assert_eq!(trades.trades[0].aggressor_side(), Some(Side::Bid));
}

#[test]
fn every_fixture_is_covered_by_a_test() {
    // Guards against a fixture being added without a test reading it.
    let src = include_str!("wire_golden.rs");
    for name in fixtures("") {
        let covered = src.contains(&name)
            || ["demo-2026-07-01-orderbook-", "prod-2026-08-09-orderbook-", "prod-2026-08-20-series-"]
                .iter()
                .any(|p| name.starts_with(p));
        assert!(covered, "fixture {name} is not used by any test");
    }
}

// ---------------------------------------------------------------- leniency and bad input

fn captured_market() -> Value {
    serde_json::from_str(&read("prod-2026-08-09-market_nested.json")).unwrap()
}

#[test]
fn unknown_keys_and_enum_values_are_tolerated() {
    let mut m = captured_market();
    m["brand_new_key"] = json!({"nested": [1, 2, 3]});
    m["status"] = json!("brand_new_status");
    m["market_type"] = json!("combo");
    m["strike_type"] = json!("brand_new_strike");
    m["result"] = json!("brand_new_result");
    m["settlement_bounds_type"] = json!("ceiling");
    m["yes_bid"] = json!(89);
    let market: Market = serde_json::from_value(m).expect("unknown keys and enum values must not fail a market");
    assert_eq!(market.status, MarketStatus::Unknown);
    assert!(!market.status.is_open(), "an unknown status is never tradable");
    assert_eq!(
        (market.market_type, market.strike_type, market.result),
        (MarketType::Unknown, Some(StrikeType::Unknown), MarketResult::Unknown)
    );
    assert_eq!(market.settlement_bounds_type, SettlementBoundsType::Unknown);
    assert_eq!(market.yes_bid_dollars, price("0.89"), "a stray legacy key is ignored");
    let again: Market = serde_json::from_value(serde_json::to_value(&market).unwrap()).unwrap();
    assert_eq!(again, market, "Unknown round-trips");

    let mut series: Value = serde_json::from_str(&read("prod-2026-08-20-series-KXMLBGAME.json")).unwrap();
    series["series"]["fee_type"] = json!("brand_new_fee");
    let series: GetSeriesResponse = serde_json::from_value(series).unwrap();
    assert_eq!(series.series.fee_type, SeriesFeeType::Unknown);
    assert!(series.series.fee_schedule().is_err(), "never quote with a guessed fee schedule");

    let mut order: Value = serde_json::from_str(&read("synthetic-portfolio_order.json")).unwrap();
    order["order"]["status"] = json!("brand_new");
    order["order"]["self_trade_prevention_type"] = json!("brand_new");
    let order: GetOrderResponse = serde_json::from_value(order).unwrap();
    assert_eq!(
        (order.order.status, order.order.self_trade_prevention_type),
        (OrderStatus::Unknown, Some(SelfTradePrevention::Unknown))
    );
    assert!(order.order.to_model().is_err());
    let cancelled: OrderStatus = serde_json::from_str(r#""cancelled""#).unwrap();
    assert_eq!(cancelled, OrderStatus::Canceled);
}

fn market_error(key: &str, value: Value) -> String {
    let mut m = captured_market();
    m[key] = value;
    serde_json::from_value::<Market>(m).unwrap_err().to_string()
}

#[test]
fn bad_required_values_give_clear_errors() {
    let err = market_error("yes_bid_dollars", json!("1.5000"));
    assert!(err.contains("price out of range"), "a price above $1 names the problem: {err}");
    let err = market_error("yes_bid_size_fp", json!("abc"));
    assert!(err.contains("\"abc\"") && err.contains("not a decimal"), "a bad count names the input and why: {err}");
    let err = market_error("last_price_dollars", json!("0.56001"));
    assert!(err.contains("more precision"), "sub-$0.0001 prices are rejected: {err}");
    let mut m = captured_market();
    m.as_object_mut().unwrap().remove("ticker");
    let err = serde_json::from_value::<Market>(m).unwrap_err().to_string();
    assert!(err.contains("missing field `ticker`"), "{err}");
    let err = serde_json::from_str::<GetOrderbookResponse>(r#"{"orderbook_fp":{"yes_dollars":[["0.42","1.00","x"]]}}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("trailing") || err.contains("length"), "a level must be exactly [price, count]: {err}");
    let err =
        decode::<GetFillsResponse>("GET /portfolio/fills", br#"{"fills":[{"ticker":"T"}]}"#).unwrap_err().to_string();
    assert!(err.contains("GET /portfolio/fills") && err.contains("missing field"), "decode names the endpoint: {err}");
    let off_grid =
        serde_json::from_str::<GetOrderbookResponse>(r#"{"orderbook_fp":{"yes_dollars":[["0.4205","1.00"]]}}"#)
            .unwrap();
    assert!(off_grid.to_book().is_err(), "a level off the $0.001 grid cannot enter the domain book");
}
