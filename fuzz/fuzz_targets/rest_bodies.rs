//! Arbitrary bytes into `wire::decode` for each main REST response the client reads (markets,
//! market, order book, fills, positions, orders, balance, error body). Decoding must never
//! panic; a body that decodes must serialise and decode again to an equal value (the simulator
//! emits these same types, so the two directions must agree; floats inside opaque JSON values
//! excepted, up to `kmm_fuzz::FLOAT_ULPS`); and the conversions into domain types that the
//! engine runs on them must not panic.
#![no_main]

use std::fmt::Debug;

use kmm_kalshi::wire::{
    self, ErrorBody, GetBalanceResponse, GetFillsResponse, GetMarketResponse, GetMarketsResponse, GetOrderbookResponse,
    GetOrdersResponse, GetPositionsResponse, Market,
};
use kmm_model::{Outcome, Price};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `body` as `T`; on success checks the serialise → decode round trip.
fn decode<T: DeserializeOwned + Serialize + PartialEq + Debug>(name: &str, body: &[u8]) -> Option<T> {
    let value: T = wire::decode(name, body).ok()?;
    let json = serde_json::to_vec(&value).expect("a decoded body always serialises");
    match wire::decode::<T>(name, &json) {
        // Opaque JSON floats (`custom_strike`, ...) may move by an ulp or two; nothing else may.
        Ok(again) if again != value => {
            let as_value = |v: &T| serde_json::to_value(v).expect("a decoded body is a JSON value");
            let (after, before) = (as_value(&again), as_value(&value));
            // Equal JSON but unequal values would be information that is not serialised at all.
            assert!(
                after != before && kmm_fuzz::same_json(&after, &before),
                "{name}: changed over serialise -> decode\n json: {}\n before: {value:?}\n after:  {again:?}",
                lossy(&json)
            );
        }
        Ok(_) => {}
        Err(e) => panic!("{name}: re-decoding the serialised body failed: {e}\n json: {}", lossy(&json)),
    }
    Some(value)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn market(m: &Market) {
    let _ = (m.min_tick(), m.best_yes_bid(), m.best_yes_ask());
    for units in [0, 1, 50, 100, 5_000, 9_999, 10_000] {
        if let Ok(p) = Price::from_units(units) {
            let _ = m.is_valid_price(p);
        }
    }
}

fuzz_target!(|body: &[u8]| {
    if let Some(r) = decode::<GetMarketsResponse>("GET /markets", body) {
        r.markets.iter().for_each(market);
    }
    if let Some(r) = decode::<GetMarketResponse>("GET /markets/{ticker}", body) {
        market(&r.market);
    }
    if let Some(r) = decode::<GetOrderbookResponse>("GET /markets/{ticker}/orderbook", body) {
        let _ = r.to_book();
        let book = &r.orderbook_fp;
        let _ = (book.best_bid(Outcome::Yes), book.best_ask(Outcome::Yes), book.best_ask(Outcome::No));
    }
    if let Some(r) = decode::<GetFillsResponse>("GET /portfolio/fills", body) {
        for fill in &r.fills {
            let _ = (fill.to_model(), fill.no_price(), fill.ts_ms());
        }
    }
    if let Some(r) = decode::<GetPositionsResponse>("GET /portfolio/positions", body) {
        for position in &r.market_positions {
            let _ = position.to_model();
        }
    }
    if let Some(r) = decode::<GetOrdersResponse>("GET /portfolio/orders", body) {
        for order in &r.orders {
            let _ = order.to_model();
        }
    }
    if let Some(r) = decode::<GetBalanceResponse>("GET /portfolio/balance", body) {
        let _ = (r.available(), r.portfolio_value());
    }
    if let Some(r) = decode::<ErrorBody>("error body", body) {
        let _ = (r.code(), r.message(), r.details(), r.is_rate_limited());
        let _ = r.into_parts();
    }
});
