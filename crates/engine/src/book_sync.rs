//! Live order books from the `orderbook_delta` channel, kept honest.
//!
//! Each market's book is `AwaitingSnapshot` until a snapshot arrives, then `Live`. Deltas
//! that arrive before the snapshot are buffered and replayed if they are newer than it; deltas
//! from an older subscription are dropped. A sequence gap, an impossible delta (a level going
//! negative), a REST audit that disagrees, or silence longer than `stale_after_ms` takes the
//! book out of `Live`, and the engine does not quote a book that is not live.

use std::collections::HashMap;

use kmm_kalshi::ws::messages::{Data, OrderbookDelta, OrderbookSnapshot};
use kmm_model::{MarketTicker, ModelError, OrderBook, Outcome, Price, Qty};

/// Most deltas buffered per market while waiting for a snapshot.
const MAX_BUFFERED: usize = 10_000;

/// Whether a book can be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookState {
    /// No snapshot yet (or a resync was requested): deltas are buffered.
    AwaitingSnapshot {
        /// Why the book is not live.
        reason: String,
    },
    /// Snapshot plus every delta since, in order.
    Live,
    /// Live data stopped arriving.
    Stale {
        /// Milliseconds since the last update when it was marked stale.
        silent_ms: i64,
    },
}

/// What happened to a book after a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookEvent {
    /// The book changed and is live.
    Updated(MarketTicker),
    /// The frame was older than the book (an old subscription) and was dropped.
    Ignored,
    /// The book can no longer be trusted and needs a fresh snapshot.
    ResyncNeeded {
        /// Which market.
        ticker: MarketTicker,
        /// Why.
        reason: String,
    },
}

/// One market's book and its sync state.
#[derive(Debug, Clone)]
pub struct MarketBook {
    book: OrderBook,
    state: BookState,
    /// The subscription the snapshot came from, and its last seq.
    sid: Option<u64>,
    last_seq: Option<u64>,
    last_update_ms: Option<i64>,
    buffered: Vec<Data<OrderbookDelta>>,
}

impl MarketBook {
    fn new() -> Self {
        Self {
            book: OrderBook::new(),
            state: BookState::AwaitingSnapshot { reason: "no snapshot yet".to_owned() },
            sid: None,
            last_seq: None,
            last_update_ms: None,
            buffered: Vec::new(),
        }
    }

    /// The book (possibly not live: check [`MarketBook::state`]).
    pub fn book(&self) -> &OrderBook {
        &self.book
    }

    /// Its sync state.
    pub fn state(&self) -> &BookState {
        &self.state
    }

    /// When it last changed (Unix ms).
    pub fn last_update_ms(&self) -> Option<i64> {
        self.last_update_ms
    }

    fn invalidate(&mut self, reason: String) {
        self.state = BookState::AwaitingSnapshot { reason };
        self.sid = None;
        self.last_seq = None;
        self.buffered.clear();
    }

    fn apply(&mut self, delta: &OrderbookDelta) -> Result<Qty, ModelError> {
        self.book.apply_delta(delta.side, delta.price_dollars, delta.delta_fp)
    }
}

/// The books of every market the engine follows.
#[derive(Debug, Clone, Default)]
pub struct BookSync {
    markets: HashMap<MarketTicker, MarketBook>,
    stale_after_ms: i64,
}

impl BookSync {
    /// Books that go stale after `stale_after_ms` without an update.
    pub fn new(stale_after_ms: i64) -> Self {
        Self { markets: HashMap::new(), stale_after_ms }
    }

    /// Starts following a market (its book awaits a snapshot).
    pub fn add_market(&mut self, ticker: MarketTicker) {
        self.markets.entry(ticker).or_insert_with(MarketBook::new);
    }

    /// Stops following a market.
    pub fn remove_market(&mut self, ticker: &MarketTicker) {
        self.markets.remove(ticker);
    }

    /// The markets followed.
    pub fn tickers(&self) -> impl Iterator<Item = &MarketTicker> {
        self.markets.keys()
    }

    /// A market's book and state.
    pub fn market(&self, ticker: &MarketTicker) -> Option<&MarketBook> {
        self.markets.get(ticker)
    }

    /// The book of a market, only when it is live.
    pub fn live_book(&self, ticker: &MarketTicker) -> Option<&OrderBook> {
        self.markets.get(ticker).filter(|m| m.state == BookState::Live).map(|m| &m.book)
    }

    /// Applies a snapshot: replaces the book, then replays buffered deltas newer than it.
    pub fn on_snapshot(&mut self, frame: &Data<OrderbookSnapshot>, now_ms: i64) -> BookEvent {
        let ticker = frame.msg.market_ticker.clone();
        let Some(market) = self.markets.get_mut(&ticker) else { return BookEvent::Ignored };
        if let Err(e) = market.book.apply_snapshot(frame.msg.yes_levels(), frame.msg.no_levels()) {
            market.invalidate(format!("bad snapshot: {e}"));
            return BookEvent::ResyncNeeded { ticker, reason: format!("bad snapshot: {e}") };
        }
        market.sid = Some(frame.sid);
        market.last_seq = frame.seq;
        market.last_update_ms = Some(now_ms);
        market.state = BookState::Live;
        let buffered = std::mem::take(&mut market.buffered);
        for delta in buffered.iter().filter(|d| d.sid == frame.sid && newer(d.seq, frame.seq)) {
            if let Err(e) = market.apply(&delta.msg) {
                let reason = format!("buffered delta does not fit the snapshot: {e}");
                market.invalidate(reason.clone());
                return BookEvent::ResyncNeeded { ticker, reason };
            }
            market.last_seq = delta.seq.or(market.last_seq);
        }
        BookEvent::Updated(ticker)
    }

    /// Applies a delta, or buffers it while the book awaits a snapshot.
    pub fn on_delta(&mut self, frame: &Data<OrderbookDelta>, now_ms: i64) -> BookEvent {
        let ticker = &frame.msg.market_ticker;
        let Some(market) = self.markets.get_mut(ticker) else { return BookEvent::Ignored };
        match (&market.state, market.sid) {
            (BookState::AwaitingSnapshot { .. }, _) => {
                if market.buffered.len() < MAX_BUFFERED {
                    market.buffered.push(frame.clone());
                    return BookEvent::Ignored;
                }
                let reason = "too many deltas buffered before a snapshot".to_owned();
                market.invalidate(reason.clone());
                return BookEvent::ResyncNeeded { ticker: ticker.clone(), reason };
            }
            (_, Some(sid)) if sid != frame.sid => return BookEvent::Ignored,
            _ => {}
        }
        if let (Some(last), Some(seq)) = (market.last_seq, frame.seq)
            && seq <= last
        {
            return BookEvent::Ignored;
        }
        match market.apply(&frame.msg) {
            Ok(_) => {
                market.last_seq = frame.seq.or(market.last_seq);
                market.last_update_ms = Some(now_ms);
                market.state = BookState::Live;
                BookEvent::Updated(ticker.clone())
            }
            Err(e) => {
                let reason = format!("delta does not fit the book: {e}");
                market.invalidate(reason.clone());
                BookEvent::ResyncNeeded { ticker: ticker.clone(), reason }
            }
        }
    }

    /// Records a non-book frame on a subscription (an `ok` ack consumes a seq on Kalshi).
    pub fn on_seq(&mut self, sid: u64, seq: u64) {
        for market in self.markets.values_mut().filter(|m| m.sid == Some(sid)) {
            if market.last_seq.is_none_or(|last| seq > last) {
                market.last_seq = Some(seq);
            }
        }
    }

    /// A sequence gap on a subscription: every book fed by it needs a fresh snapshot.
    pub fn on_gap(&mut self, sid: u64, expected: u64, got: u64) -> Vec<MarketTicker> {
        let reason = format!("sequence gap on sid {sid}: expected {expected}, got {got}");
        self.invalidate_where(|m| m.sid == Some(sid), &reason)
    }

    /// The connection dropped: every book needs a fresh snapshot.
    pub fn on_disconnect(&mut self) -> Vec<MarketTicker> {
        self.invalidate_where(|_| true, "disconnected")
    }

    fn invalidate_where(&mut self, pick: impl Fn(&MarketBook) -> bool, reason: &str) -> Vec<MarketTicker> {
        let mut hit = Vec::new();
        for (ticker, market) in self.markets.iter_mut().filter(|(_, m)| pick(m)) {
            market.invalidate(reason.to_owned());
            hit.push(ticker.clone());
        }
        hit
    }

    /// Marks live books silent for longer than `stale_after_ms` as stale; returns them.
    pub fn check_stale(&mut self, now_ms: i64) -> Vec<MarketTicker> {
        let limit = self.stale_after_ms;
        let mut stale = Vec::new();
        for (ticker, market) in &mut self.markets {
            let silent = market.last_update_ms.map(|t| now_ms - t);
            if market.state == BookState::Live && silent.is_some_and(|s| s > limit) {
                market.state = BookState::Stale { silent_ms: silent.unwrap_or(limit) };
                stale.push(ticker.clone());
            }
        }
        stale
    }

    /// A heartbeat or any frame proving the feed is alive: stale books become live again
    /// (their data is still consistent; only time passed).
    pub fn on_alive(&mut self, now_ms: i64) {
        for market in self.markets.values_mut() {
            if matches!(market.state, BookState::Stale { .. }) {
                market.state = BookState::Live;
                market.last_update_ms = Some(now_ms);
            }
        }
    }

    /// Compares a live book with the exchange's REST book; a mismatch requests a resync.
    pub fn audit(&mut self, ticker: &MarketTicker, rest_book: &OrderBook) -> BookEvent {
        let Some(market) = self.markets.get_mut(ticker) else { return BookEvent::Ignored };
        if market.state != BookState::Live || market.book == *rest_book {
            return BookEvent::Ignored;
        }
        let reason = format!(
            "REST audit mismatch: ours best bid {:?} / ask {:?}, exchange {:?} / {:?}",
            market.book.best_bid(Outcome::Yes).map(|l| l.0),
            market.book.best_ask(Outcome::Yes).map(|l| l.0),
            rest_book.best_bid(Outcome::Yes).map(|l| l.0),
            rest_book.best_ask(Outcome::Yes).map(|l| l.0),
        );
        market.invalidate(reason.clone());
        BookEvent::ResyncNeeded { ticker: ticker.clone(), reason }
    }

    /// Best YES bid and ask of a live book.
    pub fn top(&self, ticker: &MarketTicker) -> Option<(Option<Price>, Option<Price>)> {
        let book = self.live_book(ticker)?;
        Some((book.best_bid(Outcome::Yes).map(|l| l.0), book.best_ask(Outcome::Yes).map(|l| l.0)))
    }
}

fn newer(seq: Option<u64>, than: Option<u64>) -> bool {
    match (seq, than) {
        (Some(s), Some(t)) => s > t,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn lvl(cents: i64, n: i64) -> (Price, Qty) {
        (Price::from_cents(cents).unwrap(), Qty::from_contracts(n).unwrap())
    }

    fn snapshot(sid: u64, seq: u64, yes: Vec<(Price, Qty)>, no: Vec<(Price, Qty)>) -> Data<OrderbookSnapshot> {
        Data {
            sid,
            seq: Some(seq),
            msg: OrderbookSnapshot {
                market_ticker: MarketTicker::new("T"),
                market_id: None,
                yes_dollars_fp: Some(yes),
                no_dollars_fp: Some(no),
            },
        }
    }

    fn delta(sid: u64, seq: u64, side: Outcome, cents: i64, n: i64) -> Data<OrderbookDelta> {
        let frame = format!(
            r#"{{"type":"orderbook_delta","sid":{sid},"seq":{seq},"msg":{{"market_ticker":"T","price_dollars":"{}","delta_fp":"{}","side":"{}"}}}}"#,
            Price::from_cents(cents).unwrap(),
            Qty::from_contracts(n).unwrap(),
            if side == Outcome::Yes { "yes" } else { "no" }
        );
        match kmm_kalshi::Frame::parse(&frame).unwrap() {
            kmm_kalshi::Frame::OrderbookDelta(d) => d,
            other => panic!("not a delta: {other:?}"),
        }
    }

    fn t() -> MarketTicker {
        MarketTicker::new("T")
    }

    #[test]
    fn snapshot_then_deltas_keep_the_book_live() {
        let mut sync = BookSync::new(5_000);
        sync.add_market(t());
        assert!(sync.live_book(&t()).is_none(), "no book before a snapshot");
        assert_eq!(sync.on_snapshot(&snapshot(1, 1, vec![lvl(42, 10)], vec![lvl(52, 5)]), 0), BookEvent::Updated(t()));
        assert_eq!(sync.on_delta(&delta(1, 2, Outcome::Yes, 43, 3), 10), BookEvent::Updated(t()));
        assert_eq!(sync.top(&t()), Some((Some(Price::from_cents(43).unwrap()), Some(Price::from_cents(48).unwrap()))));
        assert_eq!(
            sync.on_delta(&delta(1, 2, Outcome::Yes, 43, 3), 10),
            BookEvent::Ignored,
            "a repeated seq is dropped"
        );
    }

    #[test]
    fn deltas_before_the_snapshot_are_buffered_and_replayed_if_newer() {
        let mut sync = BookSync::new(5_000);
        sync.add_market(t());
        sync.on_delta(&delta(1, 2, Outcome::Yes, 42, -4), 0); // older than the snapshot: dropped on replay
        sync.on_delta(&delta(1, 4, Outcome::Yes, 42, 1), 0); // newer: replayed
        sync.on_snapshot(&snapshot(1, 3, vec![lvl(42, 10)], vec![]), 0);
        assert_eq!(
            sync.live_book(&t()).unwrap().size_at(Outcome::Yes, Price::from_cents(42).unwrap()),
            Qty::from_contracts(11).unwrap()
        );
    }

    #[test]
    fn gaps_bad_deltas_and_audits_force_a_resync() {
        let mut sync = BookSync::new(5_000);
        sync.add_market(t());
        sync.on_snapshot(&snapshot(7, 1, vec![lvl(42, 10)], vec![]), 0);
        assert_eq!(sync.on_gap(7, 2, 4), vec![t()]);
        assert!(sync.live_book(&t()).is_none(), "a gapped book is not quotable");

        sync.on_snapshot(&snapshot(8, 1, vec![lvl(42, 10)], vec![]), 0);
        let event = sync.on_delta(&delta(8, 2, Outcome::Yes, 42, -11), 0);
        assert!(matches!(event, BookEvent::ResyncNeeded { .. }), "a level cannot go negative: {event:?}");

        sync.on_snapshot(&snapshot(9, 1, vec![lvl(42, 10)], vec![]), 0);
        assert_eq!(sync.on_delta(&delta(8, 5, Outcome::Yes, 42, 1), 0), BookEvent::Ignored, "old sid dropped");
        let mut rest = OrderBook::new();
        rest.apply_snapshot(&[lvl(41, 10)], &[]).unwrap();
        assert!(matches!(sync.audit(&t(), &rest), BookEvent::ResyncNeeded { .. }));
        sync.on_snapshot(&snapshot(9, 2, vec![lvl(41, 10)], vec![]), 0);
        assert_eq!(sync.audit(&t(), &rest), BookEvent::Ignored, "a matching audit changes nothing");
    }

    #[test]
    fn silence_makes_a_book_stale_until_the_feed_is_alive() {
        let mut sync = BookSync::new(1_000);
        sync.add_market(t());
        sync.on_snapshot(&snapshot(1, 1, vec![lvl(42, 10)], vec![]), 0);
        assert!(sync.check_stale(900).is_empty());
        assert_eq!(sync.check_stale(1_001), vec![t()]);
        assert!(sync.live_book(&t()).is_none());
        sync.on_alive(1_500);
        assert!(sync.live_book(&t()).is_some());
        assert_eq!(sync.on_disconnect(), vec![t()]);
        assert!(sync.live_book(&t()).is_none());
    }

    #[test]
    fn ack_seqs_advance_the_subscription() {
        let mut sync = BookSync::new(1_000);
        sync.add_market(t());
        sync.on_snapshot(&snapshot(1, 2, vec![lvl(42, 10)], vec![]), 0);
        sync.on_seq(1, 3);
        assert_eq!(sync.on_delta(&delta(1, 3, Outcome::Yes, 42, 1), 0), BookEvent::Ignored, "seq 3 was the ack");
        assert_eq!(sync.on_delta(&delta(1, 4, Outcome::Yes, 42, 1), 0), BookEvent::Updated(t()));
    }
}
