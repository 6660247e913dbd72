//! Arbitrary bytes into the WebSocket frame parser (`Frame::parse`), the first thing that reads
//! what the exchange sends. Parsing must never panic; a frame that parses must serialise
//! (`to_json`) to text that parses again to an equal frame (floats inside opaque JSON values
//! excepted, up to `kmm_fuzz::FLOAT_ULPS`); and the domain operations the engine runs on a
//! frame (book snapshot/delta, accessors) must not panic either.
#![no_main]

use kmm_kalshi::Frame;
use kmm_model::OrderBook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(frame) = Frame::parse(text) else { return };

    let json = frame.to_json().expect("a parsed frame always serialises");
    let again = match Frame::parse(&json) {
        Ok(again) => again,
        Err(e) => panic!("re-parsing the serialised frame failed: {e}\n input: {text}\n json:  {json}"),
    };
    if again != frame {
        // Opaque JSON floats may move by an ulp or two (kmm_fuzz::FLOAT_ULPS); nothing else may.
        let as_value = |f: &Frame| serde_json::to_value(f).expect("a frame is a JSON value");
        let (after, before) = (as_value(&again), as_value(&frame));
        // Equal JSON but unequal frames would be information that is not serialised at all.
        assert!(
            after != before && kmm_fuzz::same_json(&after, &before),
            "frame changed over to_json -> parse\n input: {text}\n json:  {json}\n before: {frame:?}\n after:  {again:?}"
        );
    }

    let _ = (frame.type_name(), frame.sid(), frame.seq(), frame.command_id(), frame.market_ticker());
    let mut book = OrderBook::new();
    match &frame {
        Frame::OrderbookSnapshot(snapshot) => {
            let _ = book.apply_snapshot(snapshot.msg.yes_levels(), snapshot.msg.no_levels());
            let _ = (book.best_bid(kmm_model::Outcome::Yes), book.best_ask(kmm_model::Outcome::Yes));
        }
        Frame::OrderbookDelta(delta) => {
            let d = &delta.msg;
            let _ = book.apply_delta(d.side, d.price_dollars, d.delta_fp);
            let _ = book.apply_delta(d.side, d.price_dollars, d.delta_fp);
        }
        _ => {}
    }
});
