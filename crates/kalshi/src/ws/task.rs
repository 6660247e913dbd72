//! The client's background task: owns the socket, the desired subscriptions, the pending
//! commands and the sequence checks. Nothing here is public; [`super::client`] is the API.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt as _, StreamExt as _};
use kmm_model::MarketTicker;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tracing::{debug, warn};

use super::client::{
    CLOSE_GRACE, DisconnectReason, Reply, Request, Subscription, SubscriptionId, WsConfig, WsEvent, stopped,
};
use super::messages::{
    Channel, Command, CommandBody, ErrorReply, Frame, OkMsg, OkReply, SubscribeParams, UnsubscribeParams, UpdateAction,
    UpdateSubscriptionParams,
};
use super::seq::{SeqCheck, SeqTracker};
use crate::error::Error;
use crate::signer::HEADER_SIGNATURE;

type WsStream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How many characters of a bad frame a [`WsEvent::Malformed`] keeps.
const RAW_PREFIX_CHARS: usize = 200;
/// Longest ping interval or idle timeout honoured (keeps `Instant` arithmetic in range).
const MAX_TIMER: Duration = Duration::from_secs(86_400 * 365);

struct Sub {
    channel: Channel,
    markets: Vec<MarketTicker>,
    /// The sid on the current connection, once `subscribed` arrived.
    sid: Option<u64>,
    /// The caller of `subscribe`, until the first `subscribed` (or error).
    waiter: Option<Reply<Subscription>>,
}

enum Pending {
    Subscribe { sub: SubscriptionId, sent: Vec<MarketTicker> },
    Unsubscribe { reply: Option<Reply<()>> },
    Update { sub: SubscriptionId, action: UpdateAction, markets: Vec<MarketTicker>, reply: Option<Reply<()>> },
    List { reply: Reply<Option<OkMsg>> },
}

/// How a session (or a wait) ended.
enum End {
    /// Stop the task: close requested, handles dropped, or the event receiver dropped.
    Shutdown(Option<oneshot::Sender<()>>),
    /// The connection was lost; reconnect.
    Lost(DisconnectReason),
}

pub(super) struct Task {
    config: WsConfig,
    events: mpsc::Sender<WsEvent>,
    requests: mpsc::Receiver<Request>,
    subs: BTreeMap<SubscriptionId, Sub>,
    next_sub: u64,
    by_sid: HashMap<u64, SubscriptionId>,
    /// Sids being dropped: their frames are discarded.
    retired: HashSet<u64>,
    pending: HashMap<u64, Pending>,
    next_command: u64,
    seq: SeqTracker,
}

fn apply_markets(markets: &mut Vec<MarketTicker>, action: &UpdateAction, changed: &[MarketTicker]) {
    match action {
        UpdateAction::AddMarkets => {
            for market in changed {
                if !markets.contains(market) {
                    markets.push(market.clone());
                }
            }
        }
        UpdateAction::DeleteMarkets => markets.retain(|m| !changed.contains(m)),
        UpdateAction::GetSnapshot | UpdateAction::Unknown(_) => {}
    }
}

fn raw_prefix(text: &str) -> String {
    text.chars().take(RAW_PREFIX_CHARS).collect()
}

fn command_error(reply: &ErrorReply) -> Error {
    Error::Command { id: reply.id, code: reply.msg.code, message: reply.msg.msg.clone() }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Dials once: fresh signature, upgrade, timeout.
async fn open(config: &WsConfig) -> std::result::Result<WsStream, DisconnectReason> {
    let mut request = config
        .endpoints
        .ws_url()
        .into_client_request()
        .map_err(|e| DisconnectReason::Connect(format!("bad websocket URL: {e}")))?;
    if let Some(signer) = &config.signer {
        let path = match config.endpoints.ws_path() {
            "" => "/",
            path => path,
        };
        let headers = signer
            .headers(now_ms(), "GET", path)
            .map_err(|e| DisconnectReason::Connect(format!("signing failed: {e}")))?;
        for (name, value) in headers.pairs() {
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| DisconnectReason::Connect(format!("{name} is not a valid header value")))?;
            value.set_sensitive(name == HEADER_SIGNATURE);
            request.headers_mut().insert(name, value);
        }
    }
    let dial = tokio_tungstenite::connect_async_with_config(request, None, true);
    match tokio::time::timeout(config.connect_timeout, dial).await {
        Err(_) => Err(DisconnectReason::Connect(format!("timed out after {:?}", config.connect_timeout))),
        Ok(Ok((ws, _response))) => Ok(ws),
        Ok(Err(tungstenite::Error::Http(response))) => {
            let status = response.status().as_u16();
            if status == 401 || status == 403 {
                Err(DisconnectReason::Auth { status })
            } else {
                Err(DisconnectReason::Connect(format!("upgrade refused with HTTP {status}")))
            }
        }
        Ok(Err(e)) => Err(DisconnectReason::Connect(e.to_string())),
    }
}

impl Task {
    pub(super) fn new(config: WsConfig, events: mpsc::Sender<WsEvent>, requests: mpsc::Receiver<Request>) -> Self {
        Self {
            config,
            events,
            requests,
            subs: BTreeMap::new(),
            next_sub: 1,
            by_sid: HashMap::new(),
            retired: HashSet::new(),
            pending: HashMap::new(),
            next_command: 1,
            seq: SeqTracker::new(),
        }
    }

    async fn emit(&self, event: WsEvent) {
        // A dropped receiver is noticed by the loops (`events.is_closed()`), which stop.
        let _ = self.events.send(event).await;
    }

    pub(super) async fn run(mut self) {
        let mut attempt: u32 = 0;
        let close_reply = loop {
            let config = self.config.clone();
            let dial = open(&config);
            tokio::pin!(dial);
            let dialled = loop {
                tokio::select! {
                    result = &mut dial => break Ok(result),
                    request = self.requests.recv() => {
                        if let Some(end) = self.offline_request(request) {
                            break Err(end);
                        }
                    }
                }
            };
            let reason = match dialled {
                Err(End::Shutdown(reply)) => break reply,
                Err(End::Lost(reason)) | Ok(Err(reason)) => reason,
                Ok(Ok(ws)) => {
                    let started = Instant::now();
                    match self.session(ws).await {
                        End::Shutdown(reply) => break reply,
                        End::Lost(reason) => {
                            if started.elapsed() >= self.config.backoff.reset_after {
                                attempt = 0;
                            }
                            reason
                        }
                    }
                }
            };
            warn!(%reason, "websocket down");
            self.on_disconnect();
            self.emit(WsEvent::Disconnected { reason }).await;
            attempt = attempt.saturating_add(1);
            if self.config.backoff.max_attempts.is_some_and(|max| attempt > max) {
                break None;
            }
            let delay = self.config.backoff.delay(attempt);
            self.emit(WsEvent::Reconnecting { attempt, delay }).await;
            if let Some(End::Shutdown(reply)) = self.wait(delay).await {
                break reply;
            }
            if self.events.is_closed() {
                break None;
            }
        };
        self.shutdown_state();
        self.emit(WsEvent::Closed).await;
        if let Some(reply) = close_reply {
            let _ = reply.send(());
        }
    }

    /// Sleeps for the backoff delay while serving requests against the stored state.
    async fn wait(&mut self, delay: Duration) -> Option<End> {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                () = &mut sleep => return None,
                request = self.requests.recv() => {
                    if let Some(end) = self.offline_request(request) {
                        return Some(end);
                    }
                }
            }
        }
    }

    fn new_sub(&mut self, channel: Channel, markets: Vec<MarketTicker>, reply: Reply<Subscription>) -> SubscriptionId {
        let id = SubscriptionId(self.next_sub);
        self.next_sub += 1;
        self.subs.insert(id, Sub { channel, markets, sid: None, waiter: Some(reply) });
        id
    }

    /// A request while there is no connection: act on the stored state.
    fn offline_request(&mut self, request: Option<Request>) -> Option<End> {
        let Some(request) = request else {
            return Some(End::Shutdown(None));
        };
        match request {
            Request::Subscribe { channel, markets, reply } => {
                self.new_sub(channel, markets, reply);
            }
            Request::Update { id, action, markets, reply } => {
                let result = match self.subs.get_mut(&id) {
                    None => Err(unknown_sub(id)),
                    Some(sub) => {
                        apply_markets(&mut sub.markets, &action, &markets);
                        Ok(())
                    }
                };
                let _ = reply.send(result);
            }
            Request::Resync { id, reply } => {
                let _ = reply.send(if self.subs.contains_key(&id) { Ok(()) } else { Err(unknown_sub(id)) });
            }
            Request::Unsubscribe { id, reply } => {
                let _ = reply.send(match self.subs.remove(&id) {
                    None => Err(unknown_sub(id)),
                    Some(_) => Ok(()),
                });
            }
            Request::List { reply } => {
                let _ = reply.send(Err(Error::WebSocket("not connected".into())));
            }
            Request::Close { reply } => return Some(End::Shutdown(Some(reply))),
        }
        None
    }

    /// Forget everything tied to the lost connection; keep the desired subscriptions.
    fn on_disconnect(&mut self) {
        self.by_sid.clear();
        self.retired.clear();
        self.seq.clear();
        for sub in self.subs.values_mut() {
            sub.sid = None;
        }
        for (_, pending) in self.pending.drain() {
            match pending {
                Pending::Subscribe { .. } => {} // the waiter stays with the subscription
                Pending::Unsubscribe { reply } => {
                    // The subscription died with the connection and is no longer desired.
                    if let Some(reply) = reply {
                        let _ = reply.send(Ok(()));
                    }
                }
                Pending::Update { reply, .. } => {
                    if let Some(reply) = reply {
                        let _ = reply
                            .send(Err(Error::WebSocket("connection lost before the exchange answered; retry".into())));
                    }
                }
                Pending::List { reply } => {
                    let _ = reply.send(Err(Error::WebSocket("connection lost".into())));
                }
            }
        }
    }

    fn shutdown_state(&mut self) {
        self.on_disconnect();
        for sub in self.subs.values_mut() {
            if let Some(waiter) = sub.waiter.take() {
                let _ = waiter.send(Err(stopped()));
            }
        }
        self.subs.clear();
        self.requests.close();
        while let Ok(request) = self.requests.try_recv() {
            if let Request::Close { reply } = request {
                let _ = reply.send(());
            }
        }
    }

    async fn session(&mut self, mut ws: WsStream) -> End {
        debug!(url = self.config.endpoints.ws_url(), "websocket connected");
        self.emit(WsEvent::Connected).await;
        let result = self.run_session(&mut ws).await;
        match result {
            End::Shutdown(reply) => {
                // Clean close: send ours, wait briefly for theirs.
                let _ = ws.close(None).await;
                let _ = tokio::time::timeout(CLOSE_GRACE, async { while let Some(Ok(_)) = ws.next().await {} }).await;
                End::Shutdown(reply)
            }
            lost => lost,
        }
    }

    async fn run_session(&mut self, ws: &mut WsStream) -> End {
        if let Err(end) = self.resubscribe_all(ws).await {
            return end;
        }
        // Clamped so a zero or absurd setting can neither panic nor spin.
        let period = self.config.ping_interval.clamp(Duration::from_millis(10), MAX_TIMER);
        let mut ping = tokio::time::interval_at(Instant::now() + period, period);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let idle = self.config.idle_timeout.min(MAX_TIMER);
        let mut last_rx = Instant::now();
        loop {
            let step = tokio::select! {
                message = ws.next() => {
                    let step = match message {
                        None => Err(End::Lost(DisconnectReason::Transport("stream ended without a close frame".into()))),
                        Some(Err(e)) => Err(End::Lost(DisconnectReason::Transport(e.to_string()))),
                        Some(Ok(message)) => self.on_message(ws, message).await,
                    };
                    last_rx = Instant::now();
                    step
                }
                request = self.requests.recv() => match request {
                    None => Err(End::Shutdown(None)),
                    Some(request) => self.online_request(ws, request).await,
                },
                _ = ping.tick() => send(ws, Message::Ping(Default::default())).await,
                () = tokio::time::sleep_until(last_rx + idle) => {
                    Err(End::Lost(DisconnectReason::Idle { silent_for: idle }))
                }
            };
            if let Err(end) = step {
                return end;
            }
            if self.events.is_closed() {
                return End::Shutdown(None);
            }
        }
    }

    async fn on_message(&mut self, ws: &mut WsStream, message: Message) -> std::result::Result<(), End> {
        match message {
            Message::Text(text) => self.on_text(ws, text.as_str()).await,
            Message::Binary(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => self.on_text(ws, text).await,
                Err(e) => {
                    let raw_prefix = String::from_utf8_lossy(&bytes[..bytes.len().min(RAW_PREFIX_CHARS)]).into_owned();
                    self.emit(WsEvent::Malformed { error: format!("binary frame is not UTF-8: {e}"), raw_prefix })
                        .await;
                    Ok(())
                }
            },
            // tungstenite has queued the pong; flush it now rather than on the next write.
            Message::Ping(_) => ws.flush().await.map_err(|e| End::Lost(DisconnectReason::Transport(e.to_string()))),
            Message::Pong(_) | Message::Frame(_) => Ok(()),
            Message::Close(frame) => {
                let _ = ws.flush().await;
                let (code, reason) =
                    frame.map_or((None, String::new()), |f| (Some(u16::from(f.code)), f.reason.to_string()));
                Err(End::Lost(DisconnectReason::Closed { code, reason }))
            }
        }
    }

    async fn on_text(&mut self, ws: &mut WsStream, text: &str) -> std::result::Result<(), End> {
        let frame = match Frame::parse(text) {
            Ok(frame) => frame,
            Err(e) => {
                warn!(error = %e, "malformed websocket frame skipped");
                self.emit(WsEvent::Malformed { error: e.to_string(), raw_prefix: raw_prefix(text) }).await;
                return Ok(());
            }
        };
        match frame {
            Frame::Subscribed(reply) => self.on_subscribed(ws, reply.id, reply.msg.sid).await,
            Frame::Unsubscribed(reply) => {
                self.seq.reset(reply.sid);
                self.retired.remove(&reply.sid);
                if let Some(Pending::Unsubscribe { reply: Some(tx) }) = reply.id.and_then(|id| self.pending.remove(&id))
                {
                    let _ = tx.send(Ok(()));
                }
                Ok(())
            }
            Frame::Ok(reply) => self.on_ok(ws, reply).await,
            Frame::Error(reply) => {
                self.on_error(reply).await;
                Ok(())
            }
            data => self.on_data(ws, data).await,
        }
    }

    async fn on_data(&mut self, ws: &mut WsStream, frame: Frame) -> std::result::Result<(), End> {
        if let Some(sid) = frame.sid() {
            if self.retired.contains(&sid) {
                return Ok(()); // a sid being resynced: its frames are stale by definition
            }
            if let Some(seq) = frame.seq()
                && !self.check_seq(ws, sid, seq).await?
            {
                return Ok(());
            }
        }
        self.emit(WsEvent::Message(frame)).await;
        Ok(())
    }

    /// Observes `seq`; returns whether the frame should be delivered.
    async fn check_seq(&mut self, ws: &mut WsStream, sid: u64, seq: u64) -> std::result::Result<bool, End> {
        match self.seq.observe(sid, seq) {
            SeqCheck::InOrder => Ok(true),
            SeqCheck::Stale { last, got } => {
                warn!(sid, last, got, "stale websocket seq dropped");
                Ok(false)
            }
            SeqCheck::Gap { expected, got } => {
                warn!(sid, expected, got, "websocket seq gap");
                self.emit(WsEvent::SeqGap { sid, expected, got }).await;
                let book = self
                    .by_sid
                    .get(&sid)
                    .copied()
                    .filter(|id| self.subs.get(id).is_some_and(|s| s.channel == Channel::OrderbookDelta));
                match book {
                    Some(id) => {
                        self.resync(ws, id).await?;
                        Ok(false)
                    }
                    None => Ok(true),
                }
            }
        }
    }

    async fn on_subscribed(&mut self, ws: &mut WsStream, id: Option<u64>, sid: u64) -> std::result::Result<(), End> {
        let Some(Pending::Subscribe { sub: sub_id, sent }) = id.and_then(|id| self.pending.remove(&id)) else {
            debug!(?id, sid, "subscribed without a pending subscribe");
            return Ok(());
        };
        let Some(sub) = self.subs.get_mut(&sub_id) else {
            // Unsubscribed while the subscribe was in flight.
            self.retired.insert(sid);
            return self
                .send_command(ws, CommandBody::Unsubscribe(UnsubscribeParams { sids: vec![sid] }), |_| {
                    Pending::Unsubscribe { reply: None }
                })
                .await;
        };
        sub.sid = Some(sid);
        let channel = sub.channel.clone();
        let markets = sub.markets.clone();
        if let Some(waiter) = sub.waiter.take() {
            let _ = waiter.send(Ok(Subscription { id: sub_id, channel: channel.clone(), sid }));
        }
        self.by_sid.insert(sid, sub_id);
        self.seq.reset(sid);
        self.emit(WsEvent::Subscribed { id: sub_id, channel, sid, markets: sent.clone() }).await;
        // Markets changed while the subscribe was in flight: bring the exchange up to date.
        let added: Vec<MarketTicker> = markets.iter().filter(|m| !sent.contains(m)).cloned().collect();
        let removed: Vec<MarketTicker> = sent.iter().filter(|m| !markets.contains(m)).cloned().collect();
        for (action, changed) in [(UpdateAction::AddMarkets, added), (UpdateAction::DeleteMarkets, removed)] {
            if !changed.is_empty() {
                let body = CommandBody::UpdateSubscription(UpdateSubscriptionParams::new(
                    sid,
                    action.clone(),
                    changed.clone(),
                ));
                self.send_command(ws, body, |_| Pending::Update { sub: sub_id, action, markets: changed, reply: None })
                    .await?;
            }
        }
        Ok(())
    }

    async fn on_ok(&mut self, ws: &mut WsStream, reply: OkReply) -> std::result::Result<(), End> {
        match reply.id.and_then(|id| self.pending.remove(&id)) {
            Some(Pending::Update { sub, action, markets, reply: tx }) => {
                if let Some(sub) = self.subs.get_mut(&sub) {
                    match &reply.msg {
                        Some(OkMsg::Markets { market_tickers }) => sub.markets.clone_from(market_tickers),
                        _ => apply_markets(&mut sub.markets, &action, &markets),
                    }
                }
                if let Some(tx) = tx {
                    let _ = tx.send(Ok(()));
                }
            }
            Some(Pending::List { reply: tx }) => {
                let _ = tx.send(Ok(reply.msg.clone()));
            }
            Some(other) => {
                // An `ok` to a subscribe/unsubscribe: not Kalshi's protocol; keep waiting.
                if let Some(id) = reply.id {
                    self.pending.insert(id, other);
                }
            }
            None => debug!(id = ?reply.id, "ok without a pending command"),
        }
        if let (Some(sid), Some(seq)) = (reply.sid, reply.seq)
            && !self.retired.contains(&sid)
        {
            self.check_seq(ws, sid, seq).await?;
        }
        Ok(())
    }

    async fn on_error(&mut self, reply: ErrorReply) {
        let unanswered = match reply.id.and_then(|id| self.pending.remove(&id)) {
            Some(Pending::Subscribe { sub, .. }) => match self.subs.get_mut(&sub) {
                Some(s) if s.waiter.is_some() => {
                    // A first subscribe refused: the subscription never existed.
                    if let Some(waiter) = s.waiter.take() {
                        let _ = waiter.send(Err(command_error(&reply)));
                    }
                    self.subs.remove(&sub);
                    false
                }
                _ => true, // a resubscribe failed; it is retried on the next connection
            },
            Some(Pending::Update { reply: Some(tx), .. } | Pending::Unsubscribe { reply: Some(tx) }) => {
                let _ = tx.send(Err(command_error(&reply)));
                false
            }
            Some(Pending::List { reply: tx }) => {
                let _ = tx.send(Err(command_error(&reply)));
                false
            }
            Some(Pending::Update { reply: None, .. } | Pending::Unsubscribe { reply: None }) | None => true,
        };
        if unanswered {
            warn!(id = ?reply.id, code = reply.msg.code, message = %reply.msg.msg, "websocket command error");
            self.emit(WsEvent::CommandError { id: reply.id, code: reply.msg.code, message: reply.msg.msg }).await;
        }
    }

    async fn online_request(&mut self, ws: &mut WsStream, request: Request) -> std::result::Result<(), End> {
        match request {
            Request::Subscribe { channel, markets, reply } => {
                let id = self.new_sub(channel, markets, reply);
                self.send_subscribe(ws, id).await
            }
            Request::Update { id, action, markets, reply } => {
                let Some(sub) = self.subs.get_mut(&id) else {
                    let _ = reply.send(Err(unknown_sub(id)));
                    return Ok(());
                };
                match sub.sid {
                    None => {
                        // (Re)subscribe in flight: change the stored set; the ack sends the diff.
                        apply_markets(&mut sub.markets, &action, &markets);
                        let _ = reply.send(Ok(()));
                        Ok(())
                    }
                    Some(sid) => {
                        let body = CommandBody::UpdateSubscription(UpdateSubscriptionParams::new(
                            sid,
                            action.clone(),
                            markets.clone(),
                        ));
                        self.send_command(ws, body, |_| Pending::Update {
                            sub: id,
                            action,
                            markets,
                            reply: Some(reply),
                        })
                        .await
                    }
                }
            }
            Request::Resync { id, reply } => {
                if !self.subs.contains_key(&id) {
                    let _ = reply.send(Err(unknown_sub(id)));
                    return Ok(());
                }
                let result = self.resync(ws, id).await;
                let _ = reply.send(Ok(()));
                result
            }
            Request::Unsubscribe { id, reply } => match self.subs.remove(&id) {
                None => {
                    let _ = reply.send(Err(unknown_sub(id)));
                    Ok(())
                }
                Some(Sub { sid: None, waiter, .. }) => {
                    if let Some(waiter) = waiter {
                        let _ = waiter.send(Err(Error::WebSocket("unsubscribed before the exchange answered".into())));
                    }
                    let _ = reply.send(Ok(()));
                    Ok(())
                }
                Some(Sub { sid: Some(sid), .. }) => {
                    self.by_sid.remove(&sid);
                    self.retired.insert(sid);
                    let body = CommandBody::Unsubscribe(UnsubscribeParams { sids: vec![sid] });
                    self.send_command(ws, body, |_| Pending::Unsubscribe { reply: Some(reply) }).await
                }
            },
            Request::List { reply } => {
                self.send_command(ws, CommandBody::ListSubscriptions, |_| Pending::List { reply }).await
            }
            Request::Close { reply } => Err(End::Shutdown(Some(reply))),
        }
    }

    /// Drops the sub's current sid and subscribes again for fresh snapshots.
    async fn resync(&mut self, ws: &mut WsStream, id: SubscriptionId) -> std::result::Result<(), End> {
        let Some(sub) = self.subs.get_mut(&id) else {
            return Ok(());
        };
        let Some(old) = sub.sid.take() else {
            return Ok(()); // already being (re)subscribed: snapshots are coming
        };
        let markets = sub.markets.clone();
        self.by_sid.remove(&old);
        self.retired.insert(old);
        self.seq.reset(old);
        self.emit(WsEvent::Resyncing { id, sid: old, markets }).await;
        let body = CommandBody::Unsubscribe(UnsubscribeParams { sids: vec![old] });
        self.send_command(ws, body, |_| Pending::Unsubscribe { reply: None }).await?;
        self.send_subscribe(ws, id).await
    }

    async fn resubscribe_all(&mut self, ws: &mut WsStream) -> std::result::Result<(), End> {
        // Callers that gave up on a first subscribe no longer want it.
        self.subs.retain(|_, sub| sub.waiter.as_ref().is_none_or(|w| !w.is_closed()));
        let ids: Vec<SubscriptionId> = self.subs.keys().copied().collect();
        for id in ids {
            self.send_subscribe(ws, id).await?;
        }
        Ok(())
    }

    async fn send_subscribe(&mut self, ws: &mut WsStream, id: SubscriptionId) -> std::result::Result<(), End> {
        let Some(sub) = self.subs.get(&id) else {
            return Ok(());
        };
        let sent = sub.markets.clone();
        let body = CommandBody::Subscribe(SubscribeParams::new(vec![sub.channel.clone()], sent.clone()));
        self.send_command(ws, body, |_| Pending::Subscribe { sub: id, sent }).await
    }

    async fn send_command(
        &mut self,
        ws: &mut WsStream,
        body: CommandBody,
        pending: impl FnOnce(u64) -> Pending,
    ) -> std::result::Result<(), End> {
        let id = self.next_command;
        self.next_command += 1;
        let command = Command { id, body };
        let text = match command.to_json() {
            Ok(text) => text,
            Err(e) => {
                warn!(error = %e, "could not serialise a websocket command");
                return Ok(());
            }
        };
        self.pending.insert(id, pending(id));
        send(ws, Message::text(text)).await
    }
}

fn unknown_sub(id: SubscriptionId) -> Error {
    Error::Config(format!("unknown websocket subscription {id}"))
}

async fn send(ws: &mut WsStream, message: Message) -> std::result::Result<(), End> {
    ws.send(message).await.map_err(|e| End::Lost(DisconnectReason::Transport(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markets_are_added_once_and_removed() {
        let mut markets: Vec<MarketTicker> = vec!["A".into()];
        apply_markets(&mut markets, &UpdateAction::AddMarkets, &["A".into(), "B".into()]);
        assert_eq!(markets, vec![MarketTicker::from("A"), MarketTicker::from("B")]);
        apply_markets(&mut markets, &UpdateAction::DeleteMarkets, &["A".into()]);
        assert_eq!(markets, vec![MarketTicker::from("B")]);
        assert_eq!(raw_prefix(&"é".repeat(500)).chars().count(), RAW_PREFIX_CHARS, "cut on char boundaries");
    }
}
