//! The market-data side: WebSocket events into books and fills, and the decision tick.

use kmm_kalshi::ws::WsEvent;
use kmm_kalshi::ws::messages::{Fill as FillFrame, Frame};
use kmm_model::{Fill, MarketTicker, Money, OrderBook, Outcome, Qty, Side};

use super::{BookLevel, BookView, Connection, Engine, EngineEvent, IoResult};
use crate::book_sync::BookEvent;
use crate::oms::RepriceAction as Plan;
use crate::quoting::{self, LiveQuote, QuoteInput, RepriceAction};
use crate::risk::{RiskView, Scope, TradingState};

/// A fill frame in model terms: the side is what this account bought (`purchased_side`),
/// never the taker's `side`, which inverts on a maker fill.
pub(super) fn fill_from_frame(frame: &FillFrame) -> Option<Fill> {
    Some(Fill {
        trade_id: frame.trade_id.clone(),
        order_id: frame.order_id.clone(),
        ticker: frame.market_ticker.clone(),
        side: frame.purchased()?.buying_side(),
        price: frame.yes_price_dollars,
        count: frame.count_fp,
        is_taker: frame.is_taker,
        fee: frame.fee_cost.unwrap_or(Money::ZERO),
        ts_ms: frame.ts_ms,
    })
}

impl Engine {
    pub(super) fn on_ws_event(&mut self, event: WsEvent) {
        match event {
            WsEvent::Connected => {
                self.connection = Connection::Connected;
                self.emit(EngineEvent::ConnectionChanged { connection: Connection::Connected, reason: None });
                if self.was_disconnected {
                    // Fills may have happened while we were away: fetch them, then check.
                    self.start_backfill();
                    self.start_reconcile();
                }
            }
            WsEvent::Disconnected { reason } => {
                let stale = self.books.on_disconnect();
                self.was_disconnected = true;
                self.connection = Connection::Disconnected;
                self.log(
                    "warn",
                    format!("feed disconnected ({reason:?}); {} books await fresh snapshots", stale.len()),
                );
                self.emit(EngineEvent::ConnectionChanged {
                    connection: Connection::Disconnected,
                    reason: Some(format!("{reason:?}")),
                });
            }
            WsEvent::Reconnecting { .. } => {
                self.connection = Connection::Connecting;
                self.emit(EngineEvent::ConnectionChanged { connection: Connection::Connecting, reason: None });
            }
            WsEvent::Message(frame) => self.on_frame(frame),
            WsEvent::SeqGap { sid, expected, got } => {
                let hit = self.books.on_gap(sid, expected, got);
                self.log(
                    "warn",
                    format!(
                        "sequence gap on sid {sid} (expected {expected}, got {got}): resyncing {} books",
                        hit.len()
                    ),
                );
            }
            WsEvent::Malformed { error, .. } => self.log("warn", format!("malformed frame skipped: {error}")),
            WsEvent::CommandError { message, .. } => self.log("error", format!("websocket command failed: {message}")),
            _ => {}
        }
    }

    fn on_frame(&mut self, frame: Frame) {
        let now = self.now();
        let event = match frame {
            Frame::OrderbookSnapshot(data) => self.books.on_snapshot(&data, now),
            Frame::OrderbookDelta(data) => self.books.on_delta(&data, now),
            Frame::Fill(data) => {
                match fill_from_frame(&data.msg) {
                    Some(fill) => self.apply_fill(fill),
                    None => {
                        self.log("warn", format!("fill {} has no side; left to the REST backfill", data.msg.trade_id))
                    }
                }
                return;
            }
            Frame::Trade(data) => {
                if let Some(market) = self.markets.get_mut(&data.msg.market_ticker) {
                    market.last_trade = Some(data.msg.yes_price_dollars);
                }
                return;
            }
            _ => return,
        };
        match event {
            BookEvent::Updated(ticker) => self.emit_book(&ticker),
            BookEvent::ResyncNeeded { ticker, reason } => {
                self.log("warn", format!("{ticker}: {reason}; resyncing"));
                self.resync_books();
            }
            BookEvent::Ignored => {}
        }
    }

    /// Asks the feed for fresh snapshots of every book.
    pub(super) fn resync_books(&self) {
        if let Some(sub) = self.book_sub {
            let ws = self.ws.clone();
            tokio::spawn(async move {
                let _ = ws.resync(sub).await;
            });
        }
    }

    fn emit_book(&self, ticker: &MarketTicker) {
        if self.events.receiver_count() == 0 {
            return;
        }
        let Some(market) = self.books.market(ticker) else { return };
        let book = market.book();
        let level = |(price, size)| BookLevel { price, size };
        self.emit(EngineEvent::BookUpdated(BookView {
            ticker: ticker.clone(),
            bids: book.levels(Outcome::Yes).rev().map(level).collect(),
            asks: book.levels(Outcome::No).rev().map(|(p, q)| level((p.complement(), q))).collect(),
            live: self.books.live_book(ticker).is_some(),
        }));
    }

    /// Books one fill (from the feed or the REST backfill); duplicates change nothing.
    pub(super) fn apply_fill(&mut self, fill: Fill) {
        let now = self.now();
        self.tracker.on_fill(&fill, now);
        match self.portfolio.on_fill(&fill) {
            Ok(true) => {
                self.fills += 1;
                self.risk.record_fill(&fill.ticker, now);
                if let Some(market) = self.markets.get_mut(&fill.ticker) {
                    market.last_fill = Some((fill.side, now));
                    market.last_trade = Some(fill.price);
                }
                self.last_fill_ms = self.last_fill_ms.max(fill.ts_ms).or(Some(now));
                self.emit(EngineEvent::Filled(fill));
                self.emit(EngineEvent::PortfolioChanged(self.portfolio_snapshot()));
            }
            Ok(false) => {}
            Err(e) => self.log("error", format!("fill {} could not be booked: {e}", fill.trade_id)),
        }
    }

    /// Books fills read over REST; those seen on the feed or inside the positions adopted at
    /// startup (marked seen then) change nothing.
    pub(super) fn apply_backfill(&mut self, fills: Vec<Fill>) {
        fills.into_iter().for_each(|fill| self.apply_fill(fill));
    }

    pub(super) fn portfolio_snapshot(&self) -> crate::portfolio::PortfolioSnapshot {
        self.portfolio.snapshot(self.marks()).unwrap_or_default()
    }

    pub(super) fn on_io(&mut self, result: IoResult) {
        match result {
            IoResult::Sent { action, result } => self.on_reply(action, result),
            IoResult::Reconcile { started_ms, fills, orders, positions } => {
                match fills {
                    Ok(fills) => {
                        self.apply_backfill(fills);
                        self.fills_synced_ms = self.fills_synced_ms.max(started_ms);
                    }
                    Err(e) => self.log("warn", format!("fill read failed: {e}")),
                }
                self.on_reconcile(started_ms, orders, positions);
            }
            IoResult::Backfill(Ok(fills)) => self.apply_backfill(fills),
            IoResult::Backfill(Err(e)) => self.log("warn", format!("fill backfill failed: {e}")),
            IoResult::Audit { ticker, book: Ok(book) } => {
                if let BookEvent::ResyncNeeded { reason, .. } = self.books.audit(&ticker, &book) {
                    self.log("warn", format!("{ticker}: {reason}"));
                    self.resync_books();
                }
            }
            IoResult::Audit { ticker, book: Err(e) } => self.log("warn", format!("{ticker}: audit read failed: {e}")),
            IoResult::MarketAdded(meta) => {
                let ticker = meta.ticker.clone();
                self.track_market(meta);
                if let Some(sub) = self.book_sub {
                    let ws = self.ws.clone();
                    tokio::spawn(async move {
                        let _ = ws.add_markets(sub, vec![ticker]).await;
                    });
                }
            }
        }
    }

    /// The live book of a market without our own resting orders: quoting "one tick inside the
    /// best" must not chase our own quotes.
    fn market_book(&self, ticker: &MarketTicker) -> Option<OrderBook> {
        let mut book = self.books.live_book(ticker)?.clone();
        for order in self.tracker.live_orders(ticker).filter(|o| o.order_id.is_some()) {
            let (outcome, price) = match order.side {
                Side::Bid => (Outcome::Yes, order.price),
                Side::Ask => (Outcome::No, order.price.complement()),
            };
            let ours = order.remaining().min(book.size_at(outcome, price));
            if ours.is_positive() {
                // Cannot fail: the level holds at least `ours`.
                let _ = book.apply_delta(outcome, price, Qty::from_units(-ours.units()));
            }
        }
        Some(book)
    }

    /// The decision tick: staleness, risk transitions, then quotes for every live book.
    pub(super) fn on_tick(&mut self) {
        let now = self.now();
        for ticker in self.books.check_stale(now) {
            self.log("warn", format!("{ticker}: book went stale"));
        }
        let risk_events = {
            let pnl = self.portfolio.net_pnl(self.marks()).unwrap_or_default();
            let books = &self.books;
            let book_time = |t: &MarketTicker| {
                books
                    .market(t)
                    .filter(|m| *m.state() == crate::book_sync::BookState::Live)
                    .and_then(|m| m.last_update_ms())
            };
            let view = RiskView { orders: &self.tracker, positions: &self.portfolio, pnl, book_time_ms: &book_time };
            self.risk.evaluate(&view, now)
        };
        for event in risk_events {
            let ticker = match &event.scope {
                Scope::Global => None,
                Scope::Market(t) => Some(t.clone()),
            };
            self.send_all(event.cancels);
            self.emit(EngineEvent::RiskStateChanged { ticker, state: event.to, reason: event.reason });
        }
        if !self.quoting {
            return;
        }
        for ticker in self.tickers() {
            if self.risk.state(&ticker, now) == TradingState::Halted {
                continue;
            }
            let Some(decision) = self.decide(&ticker, now) else { continue };
            let params = &self.config.quote;
            let actions = self.tracker.plan(&ticker, &decision.quotes, |live, want| {
                let quote = LiveQuote { price: live.price, remaining: live.remaining(), placed_at_ms: live.priced_ms };
                match quoting::reprice(&quote, want, params, now) {
                    RepriceAction::Keep => Plan::Keep,
                    RepriceAction::Amend { .. } => Plan::Amend,
                    RepriceAction::Replace => Plan::Replace,
                    RepriceAction::Cancel => Plan::Cancel,
                }
            });
            for action in actions {
                self.check_and_send(action);
            }
        }
    }

    fn decide(&mut self, ticker: &MarketTicker, now: i64) -> Option<quoting::QuoteDecision> {
        let book = self.market_book(ticker)?;
        let book = &book;
        let market = self.markets.get_mut(ticker)?;
        if let Some(mid) = quoting::mid_price(book) {
            market.volatility.observe(now, mid);
        }
        let input = QuoteInput {
            ticker: ticker.clone(),
            book,
            tick: market.meta.tick,
            position: self.portfolio.qty(ticker),
            fee_schedule: market.fees,
            now_ms: now,
            close_time_ms: market.meta.close_time_ms,
            last_fill_ms: market.last_fill,
            volatility: market.volatility.sigma(),
        };
        Some(self.quoter.decide(&input))
    }
}
