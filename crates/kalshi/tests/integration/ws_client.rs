//! `WsClient` against a scripted Kalshi-like WebSocket server on 127.0.0.1:0.
//!
//! The server verifies the three `KALSHI-ACCESS-*` headers on every upgrade with the public
//! key, answers commands the way Kalshi does (frames built from this crate's own types), and
//! can be told to skip a seq, send junk, ping, stall, or drop the connection. Every wait is
//! bounded so a bug fails the test instead of hanging it.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use kmm_kalshi::signer::{HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, PublicKey, generate_rsa_pem};
use kmm_kalshi::ws::messages::{
    Data, ErrorMsg, ErrorReply, OkReply, OrderbookDelta, OrderbookSnapshot, Subscribed, SubscriptionInfo, Unsubscribed,
};
use kmm_kalshi::ws::{
    Backoff, Channel, Command, CommandBody, DisconnectReason, Frame, OkMsg, UpdateAction, WsClient, WsConfig, WsEvent,
};
use kmm_kalshi::{Endpoints, Error, Signer};
use kmm_model::{MarketTicker, Outcome, Price, Qty};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::{Message, http};

const WS_PATH: &str = "/trade-api/ws/v2";
const WAIT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------------
// The scripted server
// ---------------------------------------------------------------------------------------------

/// What the test can make the current connection do.
#[derive(Debug)]
enum Control {
    /// Send this text as is.
    Raw(String),
    /// Send a valid delta on the first orderbook subscription.
    Delta,
    /// Send a delta that skips one seq on the first orderbook subscription.
    SkipSeq,
    /// Send a WebSocket Ping with this payload.
    Ping(Vec<u8>),
    /// Stop reading and writing, keep the socket open.
    Stall,
    /// Drop the TCP connection without a close frame.
    Drop,
}

/// What the server saw.
#[derive(Debug)]
enum Seen {
    /// An upgrade with valid auth headers.
    Connected { timestamp: u64, signature: String, control: mpsc::UnboundedSender<Control> },
    /// An upgrade refused with this status and reason.
    Rejected { why: String },
    /// A command.
    Command(Command),
    /// A Pong with this payload.
    Pong(Vec<u8>),
    /// A Ping from the client.
    Ping,
    /// The client's close frame.
    Close,
}

/// What the server demands on the upgrade.
#[derive(Clone)]
enum Auth {
    /// Nothing (public channels on a simulator).
    Open,
    /// The three headers, with a timestamp within 10 s, signed by this key.
    Verify(PublicKey),
}

struct Server {
    port: u16,
    seen: mpsc::UnboundedReceiver<Seen>,
}

impl Server {
    async fn start(trusted: Auth) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (seen_tx, seen) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                tokio::spawn(connection(tcp, trusted.clone(), seen_tx.clone()));
            }
        });
        Server { port, seen }
    }

    fn endpoints(&self) -> Endpoints {
        Endpoints::custom(
            &format!("http://127.0.0.1:{}/trade-api/v2", self.port),
            &format!("ws://127.0.0.1:{}{WS_PATH}", self.port),
        )
        .unwrap()
    }

    /// The next thing seen that `pick` accepts; others are skipped.
    async fn expect<T>(&mut self, what: &str, mut pick: impl FnMut(Seen) -> Option<T>) -> T {
        let found = timeout(WAIT, async {
            loop {
                let seen = self.seen.recv().await.expect("server alive");
                if let Some(found) = pick(seen) {
                    return found;
                }
            }
        })
        .await;
        found.unwrap_or_else(|_| panic!("server never saw {what}"))
    }

    async fn connected(&mut self) -> (u64, String, mpsc::UnboundedSender<Control>) {
        self.expect("an authenticated upgrade", |s| match s {
            Seen::Connected { timestamp, signature, control } => Some((timestamp, signature, control)),
            _ => None,
        })
        .await
    }

    async fn command(&mut self) -> Command {
        self.expect("a command", |s| if let Seen::Command(c) = s { Some(c) } else { None }).await
    }
}

/// Checks the auth headers; the `Err` is the refusal sent back.
fn check_auth(request: &Request, trusted: &Auth) -> Result<(u64, String), String> {
    if request.uri().path() != WS_PATH {
        return Err(format!("wrong path {}", request.uri().path()));
    }
    let Auth::Verify(public) = trusted else {
        return Ok((0, String::new()));
    };
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (Some(key), Some(timestamp), Some(signature)) =
        (header(HEADER_KEY), header(HEADER_TIMESTAMP), header(HEADER_SIGNATURE))
    else {
        return Err("missing KALSHI-ACCESS-* headers".into());
    };
    if key != "test-key-id" {
        return Err(format!("unknown key {key}"));
    }
    let ts: u64 = timestamp.parse().map_err(|_| "timestamp is not an integer".to_owned())?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    if u128::from(ts).abs_diff(now) > 10_000 {
        return Err("stale timestamp".into());
    }
    // Kalshi signs `timestamp + "GET" + "/trade-api/ws/v2"`.
    public.verify_request(&timestamp, "GET", WS_PATH, &signature).map_err(|e| e.to_string())?;
    Ok((ts, signature))
}

struct Sub {
    channel: Channel,
    markets: Vec<MarketTicker>,
    seq: u64,
}

/// One connection: the Kalshi side of the protocol plus the test's controls.
async fn connection(tcp: tokio::net::TcpStream, trusted: Auth, seen: mpsc::UnboundedSender<Seen>) {
    let mut auth = Err(String::new());
    // The refusal type is tungstenite's; its size is not ours to choose.
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        auth = check_auth(request, &trusted);
        match &auth {
            Ok(_) => Ok(response),
            Err(why) => {
                let mut refusal = ErrorResponse::new(Some(why.clone()));
                *refusal.status_mut() = http::StatusCode::UNAUTHORIZED;
                Err(refusal)
            }
        }
    };
    let accepted = tokio_tungstenite::accept_hdr_async(tcp, callback).await;
    let (mut ws, mut control, _keep_open) = match (accepted, auth) {
        (Ok(ws), Ok((timestamp, signature))) => {
            let (control_tx, control) = mpsc::unbounded_channel();
            let _ = seen.send(Seen::Connected { timestamp, signature, control: control_tx.clone() });
            // The test may drop its handle; that must not end the connection.
            (ws, control, control_tx)
        }
        (_, Err(why)) => {
            let _ = seen.send(Seen::Rejected { why });
            return;
        }
        (Err(_), Ok(_)) => return,
    };
    let mut subs: BTreeMap<u64, Sub> = BTreeMap::new();
    let mut next_sid = 1;
    let mut out: Vec<Frame> = Vec::new();
    loop {
        tokio::select! {
            message = ws.next() => {
                let Some(Ok(message)) = message else { return };
                match message {
                    Message::Text(text) => {
                        let command = Command::parse(text.as_str()).unwrap();
                        let _ = seen.send(Seen::Command(command.clone()));
                        answer(command, &mut subs, &mut next_sid, &mut out);
                    }
                    Message::Pong(payload) => { let _ = seen.send(Seen::Pong(payload.to_vec())); }
                    Message::Ping(_) => { let _ = seen.send(Seen::Ping); }
                    Message::Close(_) => { let _ = seen.send(Seen::Close); let _ = ws.close(None).await; return; }
                    _ => {}
                }
            }
            control = control.recv() => match control {
                None | Some(Control::Drop) => return,
                Some(Control::Stall) => std::future::pending::<()>().await,
                Some(Control::Raw(text)) => ws.send(Message::text(text)).await.unwrap(),
                Some(Control::Ping(payload)) => ws.send(Message::Ping(payload.into())).await.unwrap(),
                Some(Control::Delta) => out.push(delta(&mut subs, 1)),
                Some(Control::SkipSeq) => out.push(delta(&mut subs, 2)),
            }
        }
        for frame in out.drain(..) {
            ws.send(Message::text(frame.to_json().unwrap())).await.unwrap();
        }
    }
}

fn snapshot(sid: u64, sub: &mut Sub, market: &MarketTicker) -> Frame {
    sub.seq += 1;
    let level = |cents, count| (Price::from_cents(cents).unwrap(), Qty::from_contracts(count).unwrap());
    Frame::OrderbookSnapshot(Data {
        sid,
        seq: Some(sub.seq),
        msg: OrderbookSnapshot {
            market_ticker: market.clone(),
            market_id: None,
            yes_dollars_fp: Some(vec![level(40, 10)]),
            no_dollars_fp: Some(vec![level(55, 5)]),
        },
    })
}

/// A +1 delta at 41¢ YES on the first orderbook subscription, `step` seqs after the last.
fn delta(subs: &mut BTreeMap<u64, Sub>, step: u64) -> Frame {
    let (sid, sub) = subs.iter_mut().find(|(_, s)| s.channel == Channel::OrderbookDelta).expect("a book sub");
    sub.seq += step;
    Frame::OrderbookDelta(Data {
        sid: *sid,
        seq: Some(sub.seq),
        msg: OrderbookDelta {
            market_ticker: sub.markets[0].clone(),
            market_id: None,
            price_dollars: Price::from_cents(41).unwrap(),
            delta_fp: Qty::from_contracts(1).unwrap(),
            side: Outcome::Yes,
            ts: None,
            ts_ms: Some(1_782_873_105_308),
            client_order_id: None,
            subaccount: None,
        },
    })
}

/// Kalshi's replies to a command.
fn answer(command: Command, subs: &mut BTreeMap<u64, Sub>, next_sid: &mut u64, out: &mut Vec<Frame>) {
    let id = Some(command.id);
    match command.body {
        CommandBody::Subscribe(params) => {
            for channel in params.channels.clone() {
                if matches!(channel, Channel::Unknown(_)) {
                    out.push(Frame::Error(ErrorReply {
                        id,
                        msg: ErrorMsg {
                            code: 8,
                            msg: "Unknown channel name".into(),
                            market_ticker: None,
                            market_id: None,
                        },
                    }));
                    continue;
                }
                let sid = *next_sid;
                *next_sid += 1;
                out.push(Frame::Subscribed(Subscribed { id, msg: SubscriptionInfo { channel: channel.clone(), sid } }));
                let mut sub = Sub { channel: channel.clone(), markets: params.markets(), seq: 0 };
                if channel == Channel::OrderbookDelta {
                    for market in sub.markets.clone() {
                        out.push(snapshot(sid, &mut sub, &market));
                    }
                }
                subs.insert(sid, sub);
            }
        }
        CommandBody::Unsubscribe(params) => {
            for sid in params.sids {
                if let Some(sub) = subs.remove(&sid) {
                    out.push(Frame::Unsubscribed(Unsubscribed { id, sid, seq: Some(sub.seq + 1) }));
                }
            }
        }
        CommandBody::UpdateSubscription(params) => {
            let sid = params.target_sid().unwrap();
            let sub = subs.get_mut(&sid).unwrap();
            let changed = params.market_tickers.clone().unwrap_or_default();
            if params.action == UpdateAction::DeleteMarkets {
                sub.markets.retain(|m| !changed.contains(m));
            } else {
                sub.markets.extend(changed.iter().filter(|m| !sub.markets.contains(m)).cloned().collect::<Vec<_>>());
            }
            // As captured: the ok consumes a seq, then the added markets' snapshots follow.
            sub.seq += 1;
            let mut sorted = sub.markets.clone();
            sorted.sort();
            out.push(Frame::Ok(OkReply {
                id,
                sid: Some(sid),
                seq: Some(sub.seq),
                msg: Some(OkMsg::Markets { market_tickers: sorted }),
            }));
            if params.action == UpdateAction::AddMarkets {
                for market in &changed {
                    out.push(snapshot(sid, sub, market));
                }
            }
        }
        CommandBody::ListSubscriptions => {
            let items =
                subs.iter().map(|(sid, s)| SubscriptionInfo { channel: s.channel.clone(), sid: *sid }).collect();
            out.push(Frame::Ok(OkReply { id, sid: None, seq: None, msg: Some(OkMsg::Subscriptions(items)) }));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn rsa_signer() -> (Signer, PublicKey) {
    let key = generate_rsa_pem(2048).unwrap();
    let signer = Signer::from_pem("test-key-id", &key.private_pem).unwrap();
    let public = PublicKey::from_pem(&key.public_pem).unwrap();
    (signer, public)
}

fn config(server: &Server, signer: Option<Signer>) -> WsConfig {
    let mut config = WsConfig::new(server.endpoints(), signer);
    config.backoff = Backoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(200),
        jitter: 0.5,
        max_attempts: None,
        reset_after: Duration::from_secs(30),
    };
    config.ping_interval = Duration::from_secs(60);
    config.idle_timeout = Duration::from_secs(60);
    config.command_timeout = WAIT;
    config
}

/// The client's events, all kept for assertions over the whole run.
struct Events {
    rx: mpsc::Receiver<WsEvent>,
    log: Vec<WsEvent>,
}

impl Events {
    /// Waits for the first event `pick` accepts; returns it with the events skipped before it.
    async fn until<T>(&mut self, what: &str, mut pick: impl FnMut(&WsEvent) -> Option<T>) -> (T, Vec<WsEvent>) {
        let mut skipped = Vec::new();
        let found = timeout(WAIT, async {
            loop {
                let event = self.rx.recv().await.expect("client event channel open");
                self.log.push(event.clone());
                if let Some(found) = pick(&event) {
                    return found;
                }
                skipped.push(event);
            }
        })
        .await;
        match found {
            Ok(found) => (found, skipped),
            Err(_) => panic!("client never emitted {what}; saw {skipped:#?}"),
        }
    }

    fn any(&self, pred: impl Fn(&WsEvent) -> bool) -> bool {
        self.log.iter().any(pred)
    }
}

fn spawn(config: WsConfig) -> (WsClient, Events) {
    let (client, rx) = WsClient::spawn(config);
    (client, Events { rx, log: Vec::new() })
}

fn snapshot_of(event: &WsEvent) -> Option<(u64, u64, MarketTicker)> {
    match event {
        WsEvent::Message(Frame::OrderbookSnapshot(d)) => Some((d.sid, d.seq?, d.msg.market_ticker.clone())),
        _ => None,
    }
}

fn tickers(names: &[&str]) -> Vec<MarketTicker> {
    names.iter().map(MarketTicker::new).collect()
}

fn subscribe_params(command: &Command) -> (Vec<Channel>, Vec<MarketTicker>) {
    match &command.body {
        CommandBody::Subscribe(p) => (p.channels.clone(), p.markets()),
        other => panic!("expected subscribe, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// The upgrade carries a verifiable signature over `ts + GET + /trade-api/ws/v2`; subscribe
/// returns the exchange's sid; snapshots and deltas arrive as typed frames.
#[tokio::test]
async fn signed_connect_subscribe_and_typed_stream() {
    let (signer, public) = rsa_signer();
    let mut server = Server::start(Auth::Verify(public)).await;
    let (client, mut events) = spawn(config(&server, Some(signer)));

    let (_, signature, control) = server.connected().await;
    assert!(!signature.is_empty());
    events.until("Connected", |e| (*e == WsEvent::Connected).then_some(())).await;

    let sub = client.subscribe(Channel::OrderbookDelta, tickers(&["A", "B"])).await.unwrap();
    assert_eq!((sub.channel.clone(), sub.sid), (Channel::OrderbookDelta, 1));
    let command = server.command().await;
    assert_eq!(subscribe_params(&command), (vec![Channel::OrderbookDelta], tickers(&["A", "B"])));
    assert_eq!(
        command.to_json().unwrap(),
        format!(
            r#"{{"id":{},"cmd":"subscribe","params":{{"channels":["orderbook_delta"],"market_tickers":["A","B"]}}}}"#,
            command.id
        )
    );

    let ((id, sid, markets), _) = events
        .until("Subscribed", |e| match e {
            WsEvent::Subscribed { id, sid, markets, .. } => Some((*id, *sid, markets.clone())),
            _ => None,
        })
        .await;
    assert_eq!((id, sid, markets), (sub.id, 1, tickers(&["A", "B"])));
    let (first, _) = events.until("snapshot A", snapshot_of).await;
    let (second, _) = events.until("snapshot B", snapshot_of).await;
    assert_eq!([first, second], [(1, 1, "A".into()), (1, 2, "B".into())]);

    control.send(Control::Delta).unwrap();
    let (delta, skipped) = events
        .until("a delta", |e| match e {
            WsEvent::Message(Frame::OrderbookDelta(d)) => Some(d.clone()),
            _ => None,
        })
        .await;
    assert!(skipped.is_empty(), "nothing between the snapshots and the delta: {skipped:?}");
    assert_eq!((delta.sid, delta.seq), (1, Some(3)));
    assert_eq!(delta.msg.delta_fp, Qty::from_contracts(1).unwrap());

    let listed = client.list_subscriptions().await.unwrap();
    assert_eq!(listed, Some(OkMsg::Subscriptions(vec![SubscriptionInfo { channel: Channel::OrderbookDelta, sid: 1 }])));

    // A channel the exchange refuses comes back as a typed command error.
    let refused = client.subscribe(Channel::Unknown("bogus".into()), vec![]).await;
    assert!(matches!(refused, Err(Error::Command { code: 8, .. })), "{refused:?}");

    client.close().await.unwrap();
    server.expect("the client's close frame", |s| matches!(s, Seen::Close).then_some(())).await;
    events.until("Closed", |e| (*e == WsEvent::Closed).then_some(())).await;
    let after = client.subscribe(Channel::Fill, vec![]).await;
    assert!(matches!(after, Err(Error::WebSocket(_))), "a closed client refuses calls: {after:?}");
}

/// A wrong key is refused at the upgrade; the client reports it as an auth failure and
/// backs off instead of spinning.
#[tokio::test]
async fn refused_signature_is_reported_as_auth_failure() {
    let (_, trusted) = rsa_signer();
    let (wrong, _) = rsa_signer();
    let mut server = Server::start(Auth::Verify(trusted)).await;
    let (client, mut events) = spawn(config(&server, Some(wrong)));

    let why =
        server.expect("a refused upgrade", |s| if let Seen::Rejected { why, .. } = s { Some(why) } else { None }).await;
    assert!(why.contains("signature"), "{why}");
    let (reason, _) = events
        .until("Disconnected", |e| match e {
            WsEvent::Disconnected { reason } => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reason, DisconnectReason::Auth { status: 401 });
    let (attempt, _) = events
        .until("Reconnecting", |e| match e {
            WsEvent::Reconnecting { attempt, delay } if *delay <= Duration::from_millis(200) => Some(*attempt),
            _ => None,
        })
        .await;
    assert_eq!(attempt, 1);
    client.close().await.unwrap();
}

/// A skipped seq is reported, the sid's books are declared invalid, the client unsubscribes
/// and resubscribes the same markets, and fresh snapshots arrive on the new sid.
#[tokio::test]
async fn seq_gap_resubscribes_for_fresh_snapshots() {
    let (signer, public) = rsa_signer();
    let mut server = Server::start(Auth::Verify(public)).await;
    let (client, mut events) = spawn(config(&server, Some(signer)));
    let (_, _, control) = server.connected().await;
    let sub = client.subscribe(Channel::OrderbookDelta, tickers(&["A", "B"])).await.unwrap();
    server.command().await;
    events.until("snapshot B", |e| snapshot_of(e).filter(|s| s.2.as_str() == "B")).await;

    control.send(Control::SkipSeq).unwrap(); // seq 3 is skipped, 4 is sent
    let (gap, skipped) = events
        .until("SeqGap", |e| match e {
            WsEvent::SeqGap { sid, expected, got } => Some((*sid, *expected, *got)),
            _ => None,
        })
        .await;
    assert_eq!(gap, (1, 3, 4));
    assert!(skipped.iter().all(|e| !matches!(e, WsEvent::Message(_))), "the gapped delta is not delivered");
    let (resync, _) = events
        .until("Resyncing", |e| match e {
            WsEvent::Resyncing { id, sid, markets } => Some((*id, *sid, markets.clone())),
            _ => None,
        })
        .await;
    assert_eq!(resync, (sub.id, 1, tickers(&["A", "B"])));

    let unsubscribe = server.command().await;
    assert!(matches!(&unsubscribe.body, CommandBody::Unsubscribe(p) if p.sids == [1]), "{unsubscribe:?}");
    let resubscribe = server.command().await;
    assert_eq!(subscribe_params(&resubscribe), (vec![Channel::OrderbookDelta], tickers(&["A", "B"])));

    let ((id, sid), skipped) = events
        .until("Subscribed again", |e| match e {
            WsEvent::Subscribed { id, sid, .. } => Some((*id, *sid)),
            _ => None,
        })
        .await;
    assert_eq!((id, sid), (sub.id, 2), "same local id, new sid");
    assert!(skipped.iter().all(|e| !matches!(e, WsEvent::Message(_))), "nothing from the dropped sid: {skipped:?}");
    let (a, _) = events.until("fresh snapshot A", snapshot_of).await;
    let (b, _) = events.until("fresh snapshot B", snapshot_of).await;
    assert_eq!([a, b], [(2, 1, "A".into()), (2, 2, "B".into())]);

    control.send(Control::Delta).unwrap();
    let (delta, skipped) = events
        .until("a delta on the new sid", |e| match e {
            WsEvent::Message(Frame::OrderbookDelta(d)) => Some((d.sid, d.seq)),
            _ => None,
        })
        .await;
    assert_eq!(delta, (2, Some(3)));
    assert!(skipped.is_empty(), "no further gap: {skipped:?}");
    client.close().await.unwrap();
}

/// Junk and unknown frames are reported and skipped; the connection stays up and in order.
#[tokio::test]
async fn malformed_frames_are_reported_and_skipped() {
    let mut server = Server::start(Auth::Open).await;
    let (client, mut events) = spawn(config(&server, None));
    let (_, _, control) = server.connected().await;
    client.subscribe(Channel::OrderbookDelta, tickers(&["A"])).await.unwrap();
    events.until("snapshot", snapshot_of).await;

    control.send(Control::Raw("{this is not json".into())).unwrap();
    control.send(Control::Raw(r#"{"type":"orderbook_delta","sid":1,"msg":{"side":"maybe"}}"#.into())).unwrap();
    control.send(Control::Raw(r#"{"type":"brand_new_type","sid":9,"msg":{"x":1}}"#.into())).unwrap();
    control.send(Control::Delta).unwrap();

    let ((error, prefix), _) = events
        .until("Malformed", |e| match e {
            WsEvent::Malformed { error, raw_prefix } => Some((error.clone(), raw_prefix.clone())),
            _ => None,
        })
        .await;
    assert!(error.contains("decode"), "{error}");
    assert_eq!(prefix, "{this is not json");
    let ((_, prefix), _) = events
        .until("Malformed", |e| match e {
            WsEvent::Malformed { error, raw_prefix } => Some((error.clone(), raw_prefix.clone())),
            _ => None,
        })
        .await;
    assert!(prefix.contains("maybe"));
    let (unknown, _) = events
        .until("the unknown frame", |e| match e {
            WsEvent::Message(Frame::Unknown { type_name, .. }) => Some(type_name.clone()),
            _ => None,
        })
        .await;
    assert_eq!(unknown, "brand_new_type");
    let (seq, skipped) = events
        .until("the next delta", |e| match e {
            WsEvent::Message(Frame::OrderbookDelta(d)) => Some(d.seq),
            _ => None,
        })
        .await;
    assert_eq!(seq, Some(2));
    assert!(skipped.is_empty(), "no disconnect, no gap: {skipped:?}");
    client.close().await.unwrap();
}

/// A dropped connection is reported, the client reconnects with a fresh timestamp and a
/// verifying signature, and resubscribes every channel with its markets, including a market
/// added later with update_subscription.
#[tokio::test]
async fn dropped_connection_reconnects_resigned_and_resubscribes() {
    let (signer, public) = rsa_signer();
    let mut server = Server::start(Auth::Verify(public)).await;
    let (client, mut events) = spawn(config(&server, Some(signer)));
    let (first_ts, first_signature, control) = server.connected().await;

    let book = client.subscribe(Channel::OrderbookDelta, tickers(&["A"])).await.unwrap();
    server.command().await;
    client.add_markets(book.id, tickers(&["B"])).await.unwrap();
    let update = server.command().await;
    assert!(
        matches!(&update.body, CommandBody::UpdateSubscription(p)
            if p.action == UpdateAction::AddMarkets && p.target_sid() == Some(1) && p.market_tickers == Some(tickers(&["B"]))),
        "{update:?}"
    );
    let fills = client.subscribe(Channel::Fill, vec![]).await.unwrap();
    server.command().await;
    assert_eq!(fills.sid, 2);
    events.until("snapshot B", |e| snapshot_of(e).filter(|s| s.2.as_str() == "B")).await;
    // B's snapshot has seq 3: the ok to update_subscription consumed seq 2, with no gap.

    control.send(Control::Drop).unwrap();
    let (reason, _) = events
        .until("Disconnected", |e| match e {
            WsEvent::Disconnected { reason } => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert!(matches!(reason, DisconnectReason::Transport(_)), "{reason:?}");
    let ((attempt, delay), _) = events
        .until("Reconnecting", |e| match e {
            WsEvent::Reconnecting { attempt, delay } => Some((*attempt, *delay)),
            _ => None,
        })
        .await;
    assert_eq!(attempt, 1);
    assert!(delay <= Duration::from_millis(50), "first retry waits at most `initial`: {delay:?}");

    let (second_ts, second_signature, _control) = server.connected().await;
    assert!(second_ts > first_ts, "a fresh timestamp on reconnect ({first_ts} -> {second_ts})");
    assert_ne!(second_signature, first_signature, "a fresh signature on reconnect");
    events.until("Connected", |e| (*e == WsEvent::Connected).then_some(())).await;

    let mut resubscribed = vec![subscribe_params(&server.command().await), subscribe_params(&server.command().await)];
    resubscribed.sort_by_key(|(channels, _)| channels[0].clone());
    assert_eq!(
        resubscribed,
        vec![(vec![Channel::OrderbookDelta], tickers(&["A", "B"])), (vec![Channel::Fill], vec![])],
        "same channels and markets, B included"
    );
    // Replies interleave (subscribed, snapshots, subscribed): collect until all are in.
    let mut live = BTreeMap::new();
    let mut snapshots = Vec::new();
    while live.len() < 2 || snapshots.len() < 2 {
        let (event, _) = events.until("resubscription events", |e| Some(e.clone())).await;
        match event {
            WsEvent::Subscribed { id, channel, .. } => {
                live.insert(id, channel);
            }
            other => snapshots.extend(snapshot_of(&other).map(|s| s.2)),
        }
    }
    assert_eq!(live[&book.id], Channel::OrderbookDelta, "the book keeps its local id");
    assert_eq!(live[&fills.id], Channel::Fill, "the fill subscription keeps its local id");
    snapshots.sort();
    assert_eq!(snapshots, tickers(&["A", "B"]), "fresh snapshots for both markets");
    assert!(!events.any(|e| matches!(e, WsEvent::SeqGap { .. })), "the ok's seq was counted: no false gap");
    let log = format!("{:?}", events.log);
    for signature in [&first_signature, &second_signature] {
        assert!(!log.contains(signature.as_str()), "no event carries the signature");
    }
    client.close().await.unwrap();
}

/// Server pings are answered with pongs carrying the payload, and the client pings too.
#[tokio::test]
async fn server_ping_is_ponged_and_client_pings() {
    let mut server = Server::start(Auth::Open).await;
    let mut config = config(&server, None);
    config.ping_interval = Duration::from_millis(100);
    let (client, _events) = spawn(config);
    let (_, _, control) = server.connected().await;

    control.send(Control::Ping(b"heartbeat".to_vec())).unwrap();
    let pong = server.expect("a pong", |s| if let Seen::Pong(p) = s { Some(p) } else { None }).await;
    assert_eq!(pong, b"heartbeat");
    server.expect("a client ping", |s| matches!(s, Seen::Ping).then_some(())).await;
    client.close().await.unwrap();
}

/// A connection that goes silent (no frames, no pongs) is declared dead and replaced.
#[tokio::test]
async fn silent_connection_is_declared_dead() {
    let mut server = Server::start(Auth::Open).await;
    let mut config = config(&server, None);
    config.ping_interval = Duration::from_millis(100);
    config.idle_timeout = Duration::from_millis(400);
    let (client, mut events) = spawn(config);
    let (_, _, control) = server.connected().await;
    client.subscribe(Channel::Ticker, vec![]).await.unwrap();

    control.send(Control::Stall).unwrap();
    let (reason, _) = events
        .until("Disconnected", |e| match e {
            WsEvent::Disconnected { reason } => Some(reason.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reason, DisconnectReason::Idle { silent_for: Duration::from_millis(400) });
    server.connected().await;
    let resubscribe = server.command().await;
    assert_eq!(subscribe_params(&resubscribe), (vec![Channel::Ticker], vec![]));
    client.close().await.unwrap();
}
