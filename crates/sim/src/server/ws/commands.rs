//! Client commands: `subscribe`, `unsubscribe`, `update_subscription` (`add_markets`,
//! `delete_markets`, `get_snapshot`) and `list_subscriptions`, answered with Kalshi's replies
//! and error codes. Commands are parsed with `kmm-kalshi`'s own [`Command`] type after a first
//! look at the raw JSON, so each malformed shape gets the code Kalshi gives it.

use std::collections::BTreeSet;

use kmm_kalshi::ws::messages::{
    Data, ErrorMsg, ErrorReply, Frame, OkReply, SubscribeParams, Subscribed, SubscriptionInfo, Unsubscribed,
    UpdateSubscriptionParams,
};
use kmm_kalshi::ws::{Command, CommandBody, OkMsg, UpdateAction};
use kmm_model::MarketTicker;
use serde_json::Value;

use super::frames;
use super::session::{Kind, Session};
use crate::{BookSnapshot, MarketInfo};

/// Kalshi's WebSocket error codes (§8.2 of the API notes).
pub(super) mod code {
    /// Unable to process message (not JSON, bad shape).
    pub const UNPROCESSABLE: i64 = 1;
    /// Params required.
    pub const PARAMS_REQUIRED: i64 = 2;
    /// Channels required.
    pub const CHANNELS_REQUIRED: i64 = 3;
    /// Subscription ids required.
    pub const SIDS_REQUIRED: i64 = 4;
    /// Unknown command.
    pub const UNKNOWN_COMMAND: i64 = 5;
    /// Already subscribed.
    pub const ALREADY_SUBSCRIBED: i64 = 6;
    /// Unknown subscription id.
    pub const UNKNOWN_SID: i64 = 7;
    /// Unknown channel name.
    pub const UNKNOWN_CHANNEL: i64 = 8;
    /// Invalid parameter.
    pub const INVALID_PARAMETER: i64 = 11;
    /// Exactly one subscription id is required.
    pub const ONE_SID: i64 = 12;
    /// Unsupported action.
    pub const UNSUPPORTED_ACTION: i64 = 13;
    /// Market ticker required.
    pub const MARKET_REQUIRED: i64 = 14;
    /// Action required.
    pub const ACTION_REQUIRED: i64 = 15;
    /// Market not found.
    pub const MARKET_NOT_FOUND: i64 = 16;
}

/// A refused command: the code, the message and the market concerned.
struct Refusal {
    code: i64,
    msg: String,
    market_ticker: Option<MarketTicker>,
    market_id: Option<String>,
}

impl Refusal {
    fn new(code: i64, msg: impl Into<String>) -> Self {
        Self { code, msg: msg.into(), market_ticker: None, market_id: None }
    }

    fn market(ticker: &MarketTicker) -> Self {
        Self { market_ticker: Some(ticker.clone()), ..Self::new(code::MARKET_NOT_FOUND, "Market not found") }
    }
}

/// What a subscribe reads under the exchange lock: the markets (ids resolved), their books
/// (orderbook channel) and their tickers (`send_initial_snapshot`).
type SubscribeRead = (Vec<MarketTicker>, Vec<BookSnapshot>, Vec<MarketInfo>);

/// `Some(id)` unless the command had none (0 means none).
fn reply_id(id: u64) -> Option<u64> {
    (id != 0).then_some(id)
}

/// Every market a subscribe names by ticker, deduplicated, in the order given.
fn dedup(markets: Vec<MarketTicker>) -> Vec<MarketTicker> {
    let mut seen = BTreeSet::new();
    markets.into_iter().filter(|m| seen.insert(m.clone())).collect()
}

/// Checks the raw command's shape for the errors serde would only report as "bad JSON".
fn precheck(value: &Value) -> Result<(), Refusal> {
    let Some(cmd) = value.get("cmd").and_then(Value::as_str) else {
        return Err(Refusal::new(code::UNPROCESSABLE, "Unable to process message"));
    };
    let params = value.get("params").filter(|p| !p.is_null());
    let non_empty = |key: &str| {
        params.and_then(|p| p.get(key)).is_some_and(|v| v.as_array().is_none_or(|a| !a.is_empty()) && !v.is_null())
    };
    match cmd {
        "list_subscriptions" => Ok(()),
        "subscribe" | "unsubscribe" | "update_subscription" if params.is_none() => {
            Err(Refusal::new(code::PARAMS_REQUIRED, "Params required"))
        }
        "subscribe" if !non_empty("channels") => Err(Refusal::new(code::CHANNELS_REQUIRED, "Channels required")),
        "unsubscribe" if !non_empty("sids") => Err(Refusal::new(code::SIDS_REQUIRED, "Subscription IDs required")),
        "update_subscription" if !non_empty("sid") && !non_empty("sids") => {
            Err(Refusal::new(code::SIDS_REQUIRED, "Subscription IDs required"))
        }
        "update_subscription" if !non_empty("action") => Err(Refusal::new(code::ACTION_REQUIRED, "Action required")),
        "subscribe" | "unsubscribe" | "update_subscription" => Ok(()),
        _ => Err(Refusal::new(code::UNKNOWN_COMMAND, "Unknown command")),
    }
}

impl Session {
    fn error(&mut self, id: Option<u64>, refusal: Refusal) {
        let msg = ErrorMsg {
            code: refusal.code,
            msg: refusal.msg,
            market_ticker: refusal.market_ticker,
            market_id: refusal.market_id,
        };
        self.reply(Frame::Error(ErrorReply { id, msg }));
    }

    /// Handles one text frame from the client.
    pub(super) fn on_text(&mut self, text: &str) {
        let mut value: Value = match serde_json::from_str(text) {
            Ok(value @ Value::Object(_)) => value,
            _ => return self.error(None, Refusal::new(code::UNPROCESSABLE, "Unable to process message")),
        };
        let id = value.get("id").and_then(Value::as_u64);
        if let Err(refusal) = precheck(&value) {
            return self.error(id, refusal);
        }
        if let Some(object) = value.as_object_mut() {
            object.entry("id").or_insert(Value::from(0_u64));
        }
        let command: Command = match serde_json::from_value(value) {
            Ok(command) => command,
            Err(e) => return self.error(id, Refusal::new(code::INVALID_PARAMETER, format!("Invalid parameter: {e}"))),
        };
        let id = reply_id(command.id);
        let result = match command.body {
            CommandBody::Subscribe(params) => self.subscribe(id, params),
            CommandBody::Unsubscribe(params) => {
                self.unsubscribe(id, &params.sids);
                Ok(())
            }
            CommandBody::UpdateSubscription(params) => self.update(id, params),
            CommandBody::ListSubscriptions => {
                let items = self.subs.iter().map(|(sid, s)| SubscriptionInfo { channel: s.channel.clone(), sid: *sid });
                let msg = Some(OkMsg::Subscriptions(items.collect()));
                self.reply(Frame::Ok(OkReply { id, sid: None, seq: None, msg }));
                Ok(())
            }
        };
        if let Err(refusal) = result {
            self.error(id, refusal);
        }
    }

    fn subscribe(&mut self, id: Option<u64>, params: SubscribeParams) -> Result<(), Refusal> {
        let mut kinds = Vec::with_capacity(params.channels.len());
        for channel in &params.channels {
            let kind = Kind::of(channel).ok_or_else(|| Refusal::new(code::UNKNOWN_CHANNEL, "Unknown channel name"))?;
            if !kinds.iter().any(|(k, _)| *k == kind) {
                kinds.push((kind, channel.clone()));
            }
        }
        let tickers = dedup(params.markets());
        let ids: Vec<String> = params
            .market_id
            .iter()
            .chain(params.market_ids.iter().flatten())
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if kinds.iter().any(|(k, _)| *k == Kind::Orderbook) && tickers.is_empty() && ids.is_empty() {
            return Err(Refusal::new(code::MARKET_REQUIRED, "Market ticker required"));
        }
        let want_tickers = params.send_initial_snapshot == Some(true) && kinds.iter().any(|(k, _)| *k == Kind::Ticker);
        let needs_books = kinds.iter().any(|(k, _)| *k == Kind::Orderbook);
        // One critical section: the markets exist, ids resolve, and books are read in step
        // with the event stream.
        let read = self.sync(|ex| -> Result<SubscribeRead, Refusal> {
            let mut markets = tickers.clone();
            if !ids.is_empty() {
                let all = ex.markets();
                for market_id in &ids {
                    let found = all.iter().find(|m| frames::market_id(&m.config.ticker) == *market_id);
                    let found = found.ok_or_else(|| Refusal {
                        market_id: Some(market_id.clone()),
                        ..Refusal::new(code::MARKET_NOT_FOUND, "Market not found")
                    })?;
                    if !markets.contains(&found.config.ticker) {
                        markets.push(found.config.ticker.clone());
                    }
                }
            }
            let mut books = Vec::new();
            for ticker in &markets {
                let book = ex.book_snapshot(ticker).map_err(|_| Refusal::market(ticker))?;
                if needs_books {
                    books.push(book);
                }
            }
            let infos = if !want_tickers {
                Vec::new()
            } else if markets.is_empty() {
                ex.markets()
            } else {
                markets.iter().filter_map(|t| ex.market_info(t).ok()).collect()
            };
            Ok((markets, books, infos))
        });
        let (markets, books, infos) = read?;
        let filter: Option<BTreeSet<MarketTicker>> = (!markets.is_empty()).then(|| markets.iter().cloned().collect());
        for (kind, _) in &kinds {
            let clash = self.subs.values().find(|s| {
                s.kind == *kind
                    && (!kind.takes_markets()
                        || match (&s.markets, &filter) {
                            (None, _) | (_, None) => true,
                            (Some(have), Some(want)) => !have.is_disjoint(want),
                        })
            });
            if let Some(existing) = clash {
                let overlap =
                    existing.markets.as_ref().zip(filter.as_ref()).and_then(|(h, w)| h.intersection(w).next());
                return Err(Refusal {
                    market_ticker: overlap.cloned(),
                    ..Refusal::new(code::ALREADY_SUBSCRIBED, "Already subscribed")
                });
            }
        }
        for (kind, channel) in kinds {
            let markets_of_sub = if kind.takes_markets() { filter.clone() } else { None };
            let sid = self.add_sub(kind, channel.clone(), markets_of_sub);
            let skip_ack = kind == Kind::Ticker && params.skip_ticker_ack == Some(true);
            if !skip_ack {
                self.reply(Frame::Subscribed(Subscribed { id, msg: SubscriptionInfo { channel, sid } }));
            }
            match kind {
                Kind::Orderbook => {
                    for (ticker, book) in markets.iter().zip(&books) {
                        let msg = frames::snapshot(ticker, book);
                        self.book(sid, |seq| Frame::OrderbookSnapshot(Data { sid, seq, msg }));
                    }
                }
                Kind::Ticker if want_tickers => self.initial_tickers(sid, &infos),
                _ => {}
            }
        }
        Ok(())
    }

    fn unsubscribe(&mut self, id: Option<u64>, sids: &[u64]) {
        for sid in sids {
            match self.next_seq(*sid) {
                Some(seq) => {
                    self.subs.remove(sid);
                    self.reply(Frame::Unsubscribed(Unsubscribed { id, sid: *sid, seq: Some(seq) }));
                }
                None => self.error(id, Refusal::new(code::UNKNOWN_SID, "Unknown subscription ID")),
            }
        }
    }

    fn update(&mut self, id: Option<u64>, params: UpdateSubscriptionParams) -> Result<(), Refusal> {
        let sid = params.target_sid().ok_or_else(|| {
            let none = params.sid.is_none() && params.sids.as_ref().is_none_or(Vec::is_empty);
            if none {
                Refusal::new(code::SIDS_REQUIRED, "Subscription IDs required")
            } else {
                Refusal::new(code::ONE_SID, "Exactly one subscription ID is required")
            }
        })?;
        let sub = self.subs.get(&sid).ok_or_else(|| Refusal::new(code::UNKNOWN_SID, "Unknown subscription ID"))?;
        let kind = sub.kind;
        let current = sub.markets.clone();
        let requested = dedup(params.market_tickers.unwrap_or_default());
        match params.action {
            UpdateAction::AddMarkets | UpdateAction::DeleteMarkets if !kind.takes_markets() => {
                Err(Refusal::new(code::UNSUPPORTED_ACTION, "This channel does not take markets"))
            }
            UpdateAction::AddMarkets | UpdateAction::DeleteMarkets if current.is_none() => {
                Err(Refusal::new(code::INVALID_PARAMETER, "The subscription covers all markets"))
            }
            UpdateAction::AddMarkets | UpdateAction::DeleteMarkets if requested.is_empty() => {
                Err(Refusal::new(code::MARKET_REQUIRED, "Market ticker required"))
            }
            UpdateAction::AddMarkets => self.add_markets(id, sid, kind, requested),
            UpdateAction::DeleteMarkets => {
                if let Some(markets) = self.subs.get_mut(&sid).and_then(|s| s.markets.as_mut()) {
                    for ticker in &requested {
                        markets.remove(ticker);
                    }
                }
                self.ack_update(id, sid);
                Ok(())
            }
            UpdateAction::GetSnapshot if kind != Kind::Orderbook => {
                Err(Refusal::new(code::UNSUPPORTED_ACTION, "get_snapshot is for orderbook_delta subscriptions"))
            }
            UpdateAction::GetSnapshot => {
                let on_sub: Vec<MarketTicker> = current.iter().flatten().cloned().collect();
                let wanted = if requested.is_empty() { on_sub.clone() } else { requested };
                if let Some(missing) = wanted.iter().find(|t| !on_sub.contains(t)) {
                    return Err(Refusal {
                        market_ticker: Some(missing.clone()),
                        ..Refusal::new(code::INVALID_PARAMETER, "Market is not on this subscription")
                    });
                }
                let books = self.sync(|ex| wanted.iter().map(|t| ex.book_snapshot(t).ok()).collect::<Vec<_>>());
                self.ack_update(id, sid);
                self.snapshots(sid, &wanted, &books);
                Ok(())
            }
            UpdateAction::Unknown(_) => Err(Refusal::new(code::UNSUPPORTED_ACTION, "Unsupported action")),
        }
    }

    fn add_markets(
        &mut self,
        id: Option<u64>,
        sid: u64,
        kind: Kind,
        requested: Vec<MarketTicker>,
    ) -> Result<(), Refusal> {
        // Read the new markets' books at a point the subscription has not yet routed past:
        // events before it are sent without them, events after it with them.
        let read = self.sync(|ex| {
            requested
                .iter()
                .map(|t| ex.book_snapshot(t).map(Some).map_err(|_| Refusal::market(t)))
                .collect::<Result<Vec<_>, _>>()
        });
        let books = read?;
        let mut added = Vec::new();
        let mut added_books = Vec::new();
        if let Some(markets) = self.subs.get_mut(&sid).and_then(|s| s.markets.as_mut()) {
            for (ticker, book) in requested.into_iter().zip(books) {
                if markets.insert(ticker.clone()) {
                    added.push(ticker);
                    added_books.push(book);
                }
            }
        }
        self.ack_update(id, sid);
        if kind == Kind::Orderbook {
            self.snapshots(sid, &added, &added_books);
        }
        Ok(())
    }

    /// `ok` with the subscription's whole market list, sorted; it takes a `seq` of the sid.
    fn ack_update(&mut self, id: Option<u64>, sid: u64) {
        let market_tickers =
            self.subs.get(&sid).and_then(|s| s.markets.clone()).unwrap_or_default().into_iter().collect();
        let seq = self.next_seq(sid);
        self.reply(Frame::Ok(OkReply { id, sid: Some(sid), seq, msg: Some(OkMsg::Markets { market_tickers }) }));
    }

    fn snapshots(&mut self, sid: u64, markets: &[MarketTicker], books: &[Option<BookSnapshot>]) {
        for (ticker, book) in markets.iter().zip(books) {
            if let Some(book) = book {
                let msg = frames::snapshot(ticker, book);
                self.book(sid, |seq| Frame::OrderbookSnapshot(Data { sid, seq, msg }));
            }
        }
    }
}
