//! One connection's state: its subscriptions and their `seq` counters, its receiver of the
//! exchange's event stream, and the frames waiting to be sent. No I/O happens here; the
//! connection loop (`connection.rs`) feeds it commands and events and sends what it queues.
//!
//! **Snapshot consistency.** [`AppState::mutate`] broadcasts a mutation's events while it still
//! holds the exchange lock, so under that lock this session's receiver holds every event up to
//! the book's current state. [`Session::sync`] drains the receiver under the lock (those events
//! are routed as usual) and reads the books in the same critical section: a snapshot therefore
//! reflects exactly the events before it, and every later `BookChanged` arrives after it.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use kmm_kalshi::ws::Channel;
use kmm_kalshi::ws::messages::{Data, Frame};
use kmm_model::{MarketTicker, Qty};
use serde_json::json;
use tokio::sync::broadcast::{self, error::TryRecvError};
use tracing::{debug, warn};

use super::frames::{self, TickerState};
use crate::faults::FrameFault;
use crate::server::AppState;
use crate::{Event, Exchange, UserId};

/// Events handled per wake-up before the queued frames are sent.
const BATCH: usize = 512;

/// What a subscription carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    /// `orderbook_delta`: snapshots and deltas, sequenced.
    Orderbook,
    /// `ticker` / `ticker_v2`.
    Ticker,
    /// `trade`.
    Trade,
    /// `fill` (private).
    Fill,
    /// `market_positions` (private).
    Positions,
    /// `user_orders` (private).
    UserOrders,
    /// `market_lifecycle_v2` (all markets).
    Lifecycle,
    /// `order_group_updates` (private, all markets).
    OrderGroups,
}

impl Kind {
    /// The kind a channel name asks for; `None` for channels the simulator does not serve.
    pub(super) fn of(channel: &Channel) -> Option<Kind> {
        Some(match channel {
            Channel::OrderbookDelta => Kind::Orderbook,
            Channel::Ticker | Channel::TickerV2 => Kind::Ticker,
            Channel::Trade => Kind::Trade,
            Channel::Fill => Kind::Fill,
            Channel::MarketPositions => Kind::Positions,
            Channel::UserOrders => Kind::UserOrders,
            Channel::MarketLifecycleV2 => Kind::Lifecycle,
            Channel::OrderGroupUpdates => Kind::OrderGroups,
            Channel::Multivariate | Channel::Communications | Channel::Unknown(_) => return None,
        })
    }

    /// Private channels carry one user's events, which cannot be replayed after a lag.
    pub(super) fn is_private(self) -> bool {
        matches!(self, Kind::Fill | Kind::Positions | Kind::UserOrders | Kind::OrderGroups)
    }

    /// Whether the channel can be restricted to some markets.
    pub(super) fn takes_markets(self) -> bool {
        !matches!(self, Kind::Lifecycle | Kind::OrderGroups)
    }
}

/// One subscription.
#[derive(Debug, Clone)]
pub(super) struct Sub {
    pub(super) kind: Kind,
    /// The channel as the client named it (`ticker_v2` stays `ticker_v2`).
    pub(super) channel: Channel,
    /// The markets, or `None` for all markets.
    pub(super) markets: Option<BTreeSet<MarketTicker>>,
    /// The last `seq` used.
    pub(super) seq: u64,
}

impl Sub {
    fn covers(&self, ticker: &MarketTicker) -> bool {
        self.markets.as_ref().is_none_or(|m| m.contains(ticker))
    }
}

/// A connection's state.
pub(super) struct Session {
    pub(super) state: Arc<AppState>,
    pub(super) user: UserId,
    pub(super) rx: broadcast::Receiver<Arc<Event>>,
    pub(super) subs: BTreeMap<u64, Sub>,
    next_sid: u64,
    /// Serialised frames to send, in order.
    pub(super) out: VecDeque<String>,
    /// Last ticker state sent per market.
    tickers_sent: HashMap<MarketTicker, TickerState>,
    /// Markets whose ticker may have changed since the last flush.
    dirty: BTreeSet<MarketTicker>,
    last_trade_size: HashMap<MarketTicker, Qty>,
    /// The receiver lost events: recover before sending anything else.
    pub(super) lagged: bool,
    /// While recovering from a lag, book events are superseded by the fresh snapshots.
    recovering: bool,
    /// Close the connection with this reason once the queue is sent.
    pub(super) close: Option<String>,
}

impl Session {
    /// A session for `user`, receiving every event from now on.
    pub(super) fn new(state: Arc<AppState>, user: UserId) -> Self {
        let rx = state.subscribe_events();
        Self {
            state,
            user,
            rx,
            subs: BTreeMap::new(),
            next_sid: 1,
            out: VecDeque::new(),
            tickers_sent: HashMap::new(),
            dirty: BTreeSet::new(),
            last_trade_size: HashMap::new(),
            lagged: false,
            recovering: false,
            close: None,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Queueing frames
    // -----------------------------------------------------------------------------------------

    fn push(&mut self, frame: &Frame, fault: FrameFault) {
        match frame.to_json() {
            Ok(text) => {
                if fault == FrameFault::Duplicate {
                    self.out.push_back(text.clone());
                }
                self.out.push_back(text);
            }
            Err(e) => warn!(error = %e, "could not serialise a websocket frame"),
        }
    }

    /// A command reply (`subscribed`, `ok`, `error`, ...): never faulted.
    pub(super) fn reply(&mut self, frame: Frame) {
        self.push(&frame, FrameFault::None);
    }

    /// A data frame without `seq` (`fill`, `trade`, `ticker`, ...): may be duplicated.
    fn data(&mut self, frame: Frame) {
        let fault = self.state.faults.frame_fault(false);
        self.push(&frame, fault);
    }

    /// Takes the next `seq` of `sid` for an ack (`ok`, `unsubscribed`).
    pub(super) fn next_seq(&mut self, sid: u64) -> Option<u64> {
        let sub = self.subs.get_mut(&sid)?;
        sub.seq += 1;
        Some(sub.seq)
    }

    /// An order-book frame on `sid`: takes the next `seq` (or skips one, or is duplicated,
    /// as the fault settings say).
    pub(super) fn book(&mut self, sid: u64, make: impl FnOnce(Option<u64>) -> Frame) {
        let fault = self.state.faults.frame_fault(true);
        let Some(sub) = self.subs.get_mut(&sid) else { return };
        if fault == FrameFault::SkipSeq {
            sub.seq += 1;
        }
        sub.seq += 1;
        let frame = make(Some(sub.seq));
        self.push(&frame, fault);
    }

    /// A new subscription's sid.
    pub(super) fn add_sub(&mut self, kind: Kind, channel: Channel, markets: Option<BTreeSet<MarketTicker>>) -> u64 {
        let sid = self.next_sid;
        self.next_sid += 1;
        self.subs.insert(sid, Sub { kind, channel, markets, seq: 0 });
        sid
    }

    fn sids(&self, kind: Kind, ticker: Option<&MarketTicker>) -> Vec<u64> {
        self.subs
            .iter()
            .filter(|(_, s)| s.kind == kind && ticker.is_none_or(|t| s.covers(t)))
            .map(|(sid, _)| *sid)
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // The event stream
    // -----------------------------------------------------------------------------------------

    /// Runs `read` on the exchange at a point of the event stream this session has fully
    /// routed (see the module doc): events received before it are handled first.
    pub(super) fn sync<T>(&mut self, read: impl FnOnce(&Exchange) -> T) -> T {
        let state = Arc::clone(&self.state);
        // Events left in the exchange's outbox by code that mutated it without `mutate` (its
        // setup before the server started) would be broadcast after the read below: flush them.
        state.mutate(|_| ());
        let rx = &mut self.rx;
        let (events, lagged, value) = state.mutate(|ex| {
            let mut events = Vec::new();
            let mut lagged = false;
            loop {
                match rx.try_recv() {
                    Ok(event) => events.push(event),
                    Err(TryRecvError::Lagged(_)) => lagged = true,
                    Err(TryRecvError::Empty | TryRecvError::Closed) => break,
                }
            }
            (events, lagged, read(ex))
        });
        self.lagged |= lagged;
        let now = frames::now_us();
        for event in &events {
            self.on_event(event, now);
        }
        value
    }

    /// Handles `first` and whatever else is already waiting (up to a batch), then the tickers.
    pub(super) fn on_events(&mut self, first: &Event) {
        let now = frames::now_us();
        self.on_event(first, now);
        for _ in 0..BATCH {
            match self.rx.try_recv() {
                Ok(event) => self.on_event(&event, now),
                Err(TryRecvError::Lagged(missed)) => {
                    warn!(user = %self.user, missed, "websocket session lagged behind the exchange");
                    self.lagged = true;
                    break;
                }
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        self.flush_tickers();
    }

    /// Routes one event to the subscriptions it concerns.
    pub(super) fn on_event(&mut self, event: &Event, now_us: i64) {
        match event {
            Event::BookChanged { ticker, outcome, price, delta, user, client_order_id } => {
                self.mark_ticker(ticker);
                if self.recovering {
                    return; // superseded by the snapshots being taken
                }
                let sids = self.sids(Kind::Orderbook, Some(ticker));
                if sids.is_empty() {
                    return;
                }
                let own = (*user == self.user).then_some(client_order_id.as_ref());
                let msg = frames::delta(ticker, *outcome, *price, *delta, own, now_us);
                for sid in sids {
                    self.book(sid, |seq| Frame::OrderbookDelta(Data { sid, seq, msg: msg.clone() }));
                }
            }
            Event::Trade(trade) => {
                self.last_trade_size.insert(trade.ticker.clone(), trade.count);
                self.mark_ticker(&trade.ticker);
                for sid in self.sids(Kind::Trade, Some(&trade.ticker)) {
                    self.data(Frame::Trade(Data { sid, seq: None, msg: frames::trade(trade) }));
                }
            }
            Event::Fill { user, fill } if *user == self.user => {
                if self.state.faults.lose_fill() {
                    return;
                }
                for sid in self.sids(Kind::Fill, Some(&fill.fill.ticker)) {
                    self.data(Frame::Fill(Data { sid, seq: None, msg: frames::fill(fill) }));
                }
            }
            Event::OrderUpdated { user, order } if *user == self.user => {
                for sid in self.sids(Kind::UserOrders, Some(&order.ticker)) {
                    self.data(Frame::UserOrder(Data { sid, seq: None, msg: frames::user_order(order) }));
                }
            }
            Event::PositionChanged { user, ticker, position } if *user == self.user => {
                for sid in self.sids(Kind::Positions, Some(ticker)) {
                    let msg = frames::position(self.user.as_str(), position);
                    self.data(Frame::MarketPosition(Data { sid, seq: None, msg }));
                }
            }
            Event::MarketStatusChanged { ticker, status, ts_ms } => {
                self.mark_ticker(ticker);
                if let Some(msg) = frames::status_change(ticker, *status, *ts_ms) {
                    for sid in self.sids(Kind::Lifecycle, None) {
                        self.data(Frame::MarketLifecycle(Data { sid, seq: None, msg: msg.clone() }));
                    }
                }
            }
            Event::Settled { ticker, result, ts_ms } => {
                for msg in frames::settled(ticker, *result, *ts_ms) {
                    for sid in self.sids(Kind::Lifecycle, None) {
                        self.data(Frame::MarketLifecycle(Data { sid, seq: None, msg: msg.clone() }));
                    }
                }
            }
            Event::OrderGroupUpdated { user, group_id, change } if *user == self.user => {
                let msg = frames::order_group(group_id, *change, now_us);
                for sid in self.sids(Kind::OrderGroups, None) {
                    let raw = json!({ "type": "order_group_updates", "sid": sid, "msg": msg });
                    self.data(Frame::Unknown { type_name: "order_group_updates".into(), raw });
                }
            }
            Event::Fill { .. }
            | Event::OrderUpdated { .. }
            | Event::PositionChanged { .. }
            | Event::OrderGroupUpdated { .. } => {} // another user's
        }
    }

    // -----------------------------------------------------------------------------------------
    // Tickers
    // -----------------------------------------------------------------------------------------

    fn mark_ticker(&mut self, ticker: &MarketTicker) {
        if self.subs.values().any(|s| s.kind == Kind::Ticker && s.covers(ticker)) {
            self.dirty.insert(ticker.clone());
        }
    }

    /// Sends a `ticker` for every marked market whose top of book, last trade, volume or open
    /// interest changed since the last one sent (Kalshi's ticker is coalesced, not per event).
    pub(super) fn flush_tickers(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        let dirty = std::mem::take(&mut self.dirty);
        let infos = self.state.mutate(|ex| dirty.iter().filter_map(|t| ex.market_info(t).ok()).collect::<Vec<_>>());
        let now = frames::now_us();
        for info in infos {
            let ticker = &info.config.ticker;
            let current = TickerState::of(&info);
            if self.tickers_sent.get(ticker) == Some(&current) {
                continue;
            }
            self.tickers_sent.insert(ticker.clone(), current);
            let msg = frames::ticker(&info, self.last_trade_size.get(ticker).copied(), now);
            for sid in self.sids(Kind::Ticker, Some(ticker)) {
                self.data(Frame::Ticker(Data { sid, seq: None, msg: msg.clone() }));
            }
        }
    }

    /// Sends the current ticker of `markets` on `sid` (`send_initial_snapshot`).
    pub(super) fn initial_tickers(&mut self, sid: u64, infos: &[crate::MarketInfo]) {
        let now = frames::now_us();
        for info in infos {
            let ticker = &info.config.ticker;
            self.tickers_sent.insert(ticker.clone(), TickerState::of(info));
            let msg = frames::ticker(info, self.last_trade_size.get(ticker).copied(), now);
            self.data(Frame::Ticker(Data { sid, seq: None, msg }));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Lag
    // -----------------------------------------------------------------------------------------

    /// The receiver lost events. Private channels cannot be replayed, so a session with one
    /// is closed (the client reconnects, resubscribes and reconciles over REST). Otherwise
    /// every order-book subscription gets fresh snapshots, numbered on from its current `seq`
    /// (the client replaces its books); lost `trade` frames are not replayed and tickers
    /// resynchronise on the next change.
    pub(super) fn recover_from_lag(&mut self) {
        self.lagged = false;
        if self.subs.values().any(|s| s.kind.is_private()) {
            warn!(user = %self.user, "lagged with private subscriptions: closing the connection");
            self.close = Some("event stream lagged; reconnect and resubscribe".into());
            return;
        }
        let books: Vec<(u64, Vec<MarketTicker>)> = self
            .subs
            .iter()
            .filter(|(_, s)| s.kind == Kind::Orderbook)
            .map(|(sid, s)| (*sid, s.markets.iter().flatten().cloned().collect()))
            .collect();
        if books.is_empty() {
            return;
        }
        debug!(user = %self.user, "lagged: sending fresh snapshots");
        let markets: BTreeSet<MarketTicker> = books.iter().flat_map(|(_, m)| m.iter().cloned()).collect();
        self.recovering = true;
        let snapshots = self.sync(|ex| {
            markets.iter().filter_map(|t| ex.book_snapshot(t).ok().map(|s| (t.clone(), s))).collect::<HashMap<_, _>>()
        });
        self.recovering = false;
        for (sid, markets) in books {
            for ticker in markets {
                if let Some(snapshot) = snapshots.get(&ticker) {
                    let msg = frames::snapshot(&ticker, snapshot);
                    self.book(sid, |seq| Frame::OrderbookSnapshot(Data { sid, seq, msg }));
                }
            }
        }
    }
}
