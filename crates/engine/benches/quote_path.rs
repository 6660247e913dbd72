//! The quote path over the real captured Kalshi WebSocket session (2,885 deltas on 5 markets):
//! frame text → typed frame → book → quote decision, each against a naive baseline run in the
//! same invocation (a `serde_json::Value` parse, a `BTreeMap` book).
#![allow(missing_docs, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kmm_engine::book_sync::BookSync;
use kmm_engine::quoting::{QuoteInput, QuoteParams, Quoter};
use kmm_kalshi::Frame;
use kmm_model::{FeeSchedule, MarketTicker, Outcome, Price, Qty};

const SESSION: &str = include_str!("../../kalshi/tests/fixtures/ws/ws-session-2026-07-01.jsonl");

fn frames() -> Vec<&'static str> {
    SESSION.lines().filter(|l| !l.trim().is_empty()).collect()
}

fn tickers(frames: &[&str]) -> Vec<MarketTicker> {
    let mut out: Vec<MarketTicker> =
        frames.iter().filter_map(|f| Frame::parse(f).ok()?.market_ticker().cloned()).collect();
    out.sort();
    out.dedup();
    out
}

/// Replays every frame into a fresh `BookSync`; returns the number of book updates.
fn replay(frames: &[&str], tickers: &[MarketTicker]) -> usize {
    let mut sync = BookSync::new(i64::MAX);
    tickers.iter().for_each(|t| sync.add_market(t.clone()));
    let mut updates = 0;
    for text in frames {
        match Frame::parse(text) {
            Ok(Frame::OrderbookSnapshot(d)) => {
                updates += usize::from(matches!(sync.on_snapshot(&d, 0), kmm_engine::book_sync::BookEvent::Updated(_)))
            }
            Ok(Frame::OrderbookDelta(d)) => {
                updates += usize::from(matches!(sync.on_delta(&d, 0), kmm_engine::book_sync::BookEvent::Updated(_)))
            }
            _ => {}
        }
    }
    updates
}

/// The naive baseline: a generic JSON parse and a `BTreeMap` book per market.
fn replay_baseline(frames: &[&str]) -> usize {
    let mut books: BTreeMap<String, [BTreeMap<String, f64>; 2]> = BTreeMap::new();
    let mut updates = 0;
    for text in frames {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let msg = &value["msg"];
        let Some(ticker) = msg["market_ticker"].as_str() else { continue };
        let book = books.entry(ticker.to_owned()).or_default();
        match value["type"].as_str() {
            Some("orderbook_snapshot") => {
                for (i, key) in ["yes_dollars_fp", "no_dollars_fp"].iter().enumerate() {
                    book[i].clear();
                    for level in msg[key].as_array().into_iter().flatten() {
                        let size: f64 = level[1].as_str().unwrap().parse().unwrap();
                        book[i].insert(level[0].as_str().unwrap().to_owned(), size);
                    }
                }
                updates += 1;
            }
            Some("orderbook_delta") => {
                let side = usize::from(msg["side"].as_str() == Some("no"));
                let delta: f64 = msg["delta_fp"].as_str().unwrap().parse().unwrap();
                let level = book[side].entry(msg["price_dollars"].as_str().unwrap().to_owned()).or_insert(0.0);
                *level += delta;
                if *level <= 0.0 {
                    book[side].remove(msg["price_dollars"].as_str().unwrap());
                }
                updates += 1;
            }
            _ => {}
        }
    }
    updates
}

fn bench(c: &mut Criterion) {
    let frames = frames();
    let tickers = tickers(&frames);
    let mut group = c.benchmark_group("captured_session_replay");
    group.throughput(Throughput::Elements(frames.len() as u64));
    group
        .bench_function("typed_frames_into_flat_books", |b| b.iter(|| black_box(replay(black_box(&frames), &tickers))));
    group.bench_function("baseline_json_value_into_btreemap_books", |b| {
        b.iter(|| black_box(replay_baseline(black_box(&frames))))
    });
    group.finish();

    // One delta applied to a live book, and the decision that follows it.
    let mut sync = BookSync::new(i64::MAX);
    tickers.iter().for_each(|t| sync.add_market(t.clone()));
    let mut deltas = Vec::new();
    for text in &frames {
        match Frame::parse(text).unwrap() {
            Frame::OrderbookSnapshot(d) => {
                sync.on_snapshot(&d, 0);
            }
            Frame::OrderbookDelta(d) => deltas.push((text.to_owned(), d)),
            _ => {}
        }
    }
    let (text, delta) = deltas[deltas.len() / 2].clone();
    let ticker = delta.msg.market_ticker.clone();
    let quoter =
        Quoter::new(QuoteParams { min_spread: Price::from_cents(1).unwrap(), ..QuoteParams::default() }).unwrap();
    let mut group = c.benchmark_group("hot_path");
    group.bench_function("parse_delta_frame", |b| b.iter(|| black_box(Frame::parse(black_box(text)).unwrap())));
    group.bench_function("apply_delta_and_undo", |b| {
        let mut book = sync.live_book(&ticker).unwrap().clone();
        let undo = Qty::from_units(-delta.msg.delta_fp.units());
        b.iter(|| {
            let _ = book.apply_delta(delta.msg.side, delta.msg.price_dollars, delta.msg.delta_fp);
            let _ = book.apply_delta(delta.msg.side, delta.msg.price_dollars, undo);
            black_box(book.best_bid(Outcome::Yes))
        })
    });
    group.bench_function("frame_to_quote_decision", |b| {
        let book = sync.live_book(&ticker).unwrap().clone();
        b.iter(|| {
            let frame = Frame::parse(black_box(text)).unwrap();
            let mut book = book.clone();
            if let Frame::OrderbookDelta(d) = frame {
                let _ = book.apply_delta(d.msg.side, d.msg.price_dollars, d.msg.delta_fp);
            }
            let input = QuoteInput {
                ticker: ticker.clone(),
                book: &book,
                tick: Price::from_cents(1).unwrap(),
                position: Qty::ZERO,
                fee_schedule: FeeSchedule::default(),
                now_ms: 0,
                close_time_ms: None,
                last_fill_ms: None,
                volatility: None,
            };
            black_box(quoter.decide(&input))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
