//! A WebSocket-only simulator server on 127.0.0.1:0 and a raw client with bounded waits.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use futures_util::{SinkExt as _, StreamExt as _};
use kmm_kalshi::signer::{PublicKey, generate_ed25519_pem};
use kmm_kalshi::ws::{Backoff, Frame, WsClient, WsConfig, WsEvent};
use kmm_kalshi::{Endpoints, Signer};
use kmm_model::{ClientOrderId, MarketTicker, Money, OrderBook, Price, Qty, Side};
use kmm_sim::faults::FaultConfig;
use kmm_sim::server::ws::{WsOptions, router_with};
use kmm_sim::server::{ApiKey, AppState, SimConfig, now_ms};
use kmm_sim::{BookSnapshot, Exchange, MarketConfig, OrderRecord, OrderRequest, UserId};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const WS_PATH: &str = "/trade-api/ws/v2";
/// Longest wait for anything expected.
pub const WAIT: Duration = Duration::from_secs(5);
pub const SERIES: &str = "KXWSTEST";
pub const EVENT: &str = "KXWSTEST-26JAN01";
pub const M1: &str = "KXWSTEST-26JAN01-T50";
pub const M2: &str = "KXWSTEST-26JAN01-T60";
pub const M3: &str = "KXWSTEST-26JAN01-T70";

pub fn t(ticker: &str) -> MarketTicker {
    MarketTicker::new(ticker)
}

pub fn cents(c: i64) -> Price {
    Price::from_cents(c).unwrap()
}

pub fn contracts(n: i64) -> Qty {
    Qty::from_contracts(n).unwrap()
}

/// Test timing: a heartbeat too slow to get in the way, fast fault checks.
pub fn options() -> WsOptions {
    WsOptions { heartbeat_interval: Duration::from_secs(30), fault_check_interval: Duration::from_millis(20) }
}

/// A running WebSocket server over an exchange with markets M1–M3 and users alice and bob
/// (each with a key) and carol (no key).
pub struct Sim {
    pub state: Arc<AppState>,
    pub addr: SocketAddr,
    pub alice: Signer,
    pub bob: Signer,
    server: JoinHandle<()>,
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn key(user: &str) -> (ApiKey, Signer) {
    let generated = generate_ed25519_pem().unwrap();
    let key_id = format!("{user}-key");
    let signer = Signer::from_pem(key_id.clone(), &generated.private_pem).unwrap();
    let api_key =
        ApiKey { key_id, public_key: PublicKey::from_pem(&generated.public_pem).unwrap(), user: UserId::new(user) };
    (api_key, signer)
}

impl Sim {
    pub async fn start(faults: FaultConfig) -> Sim {
        Sim::start_with(faults, options()).await
    }

    pub async fn start_with(faults: FaultConfig, options: WsOptions) -> Sim {
        Sim::start_over(faults, options, |_| ()).await
    }

    /// Like [`Sim::start_with`], after `prepare` ran on the exchange outside the server state
    /// (as a server does its setup before it starts).
    pub async fn start_over(faults: FaultConfig, options: WsOptions, prepare: impl FnOnce(&mut Exchange)) -> Sim {
        let (alice_key, alice) = key("alice");
        let (bob_key, bob) = key("bob");
        let mut config = SimConfig::new(vec![alice_key, bob_key]);
        config.faults = faults;
        config.starting_balance = Money::from_micros(1_000_000 * Money::SCALE);
        let mut exchange = Exchange::new();
        for ticker in [M1, M2, M3] {
            exchange.add_market(MarketConfig::binary(ticker, EVENT, SERIES), 0).unwrap();
        }
        exchange.add_user(UserId::new("carol"), config.starting_balance).unwrap();
        prepare(&mut exchange);
        let state = Arc::new(AppState::new(exchange, &config).unwrap());
        let app = Router::new().merge(router_with(options)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Sim { state, addr, alice, bob, server }
    }

    pub fn url(&self) -> String {
        format!("ws://{}{WS_PATH}", self.addr)
    }

    pub fn endpoints(&self) -> Endpoints {
        Endpoints::custom(&format!("http://{}/trade-api/v2", self.addr), &self.url()).unwrap()
    }

    /// A raw connection signed by `signer`.
    pub async fn connect(&self, signer: &Signer) -> Raw {
        let mut request = self.url().into_client_request().unwrap();
        let headers = signer.headers(u64::try_from(now_ms()).unwrap(), "GET", WS_PATH).unwrap();
        for (name, value) in headers.pairs() {
            request.headers_mut().insert(name, HeaderValue::from_str(value).unwrap());
        }
        let (ws, _) = timeout(WAIT, tokio_tungstenite::connect_async(request)).await.unwrap().unwrap();
        Raw { ws }
    }

    /// The real client, with fast reconnects.
    pub fn client(&self, signer: &Signer) -> (WsClient, mpsc::Receiver<WsEvent>) {
        let mut config = WsConfig::new(self.endpoints(), Some(signer.clone()));
        config.backoff = Backoff {
            initial: Duration::from_millis(20),
            max: Duration::from_millis(100),
            jitter: 0.0,
            max_attempts: None,
            reset_after: Duration::from_secs(1),
        };
        config.command_timeout = WAIT;
        WsClient::spawn(config)
    }

    /// Places a GTC order through the exchange (as the REST side would).
    pub fn place(
        &self,
        user: &str,
        ticker: &str,
        side: Side,
        price: i64,
        count: i64,
        coid: Option<&str>,
    ) -> OrderRecord {
        let mut request = OrderRequest::new(t(ticker), side, cents(price), contracts(count));
        request.client_order_id = coid.map(ClientOrderId::new);
        self.state.mutate(|ex| ex.create_order(&UserId::new(user), request, now_ms())).unwrap()
    }

    pub fn book(&self, ticker: &str) -> BookSnapshot {
        self.state.mutate(|ex| ex.book_snapshot(&t(ticker))).unwrap()
    }
}

/// A raw WebSocket client.
pub struct Raw {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Raw {
    pub async fn send(&mut self, command: Value) {
        self.ws.send(Message::text(command.to_string())).await.unwrap();
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text.to_owned())).await.unwrap();
    }

    /// The next WebSocket message of any kind.
    pub async fn message(&mut self) -> Message {
        match timeout(WAIT, self.ws.next()).await {
            Ok(Some(Ok(message))) => message,
            other => panic!("no message from the server: {other:?}"),
        }
    }

    /// The next text frame (pings and pongs skipped), as text and parsed.
    pub async fn next(&mut self) -> (String, Frame) {
        loop {
            match self.message().await {
                Message::Text(text) => {
                    let frame = Frame::parse(text.as_str()).unwrap_or_else(|e| panic!("{e}: {text}"));
                    return (text.to_string(), frame);
                }
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    pub async fn frame(&mut self) -> Frame {
        self.next().await.1
    }

    /// Every text frame that arrives within `window`.
    pub async fn drain(&mut self, window: Duration) -> Vec<Frame> {
        let mut frames = Vec::new();
        let _ = timeout(window, async {
            while let Some(Ok(message)) = self.ws.next().await {
                if let Message::Text(text) = message {
                    frames.push(Frame::parse(text.as_str()).unwrap());
                }
            }
        })
        .await;
        frames
    }

    /// The error code of the next frame, which must be an error.
    pub async fn error_code(&mut self) -> i64 {
        match self.frame().await {
            Frame::Error(e) => e.msg.code,
            other => panic!("expected an error, got {other:?}"),
        }
    }
}

/// Books rebuilt from snapshots and deltas, with per-sid `seq` checks.
#[derive(Default)]
pub struct Books {
    pub books: HashMap<MarketTicker, OrderBook>,
    pub last_seq: HashMap<u64, u64>,
}

impl Books {
    /// Applies a frame; checks that every `seq` on a sid follows the previous one.
    pub fn apply(&mut self, frame: &Frame) {
        if let (Some(sid), Some(seq)) = (frame.sid(), frame.seq())
            && let Some(last) = self.last_seq.insert(sid, seq)
        {
            assert_eq!(seq, last + 1, "seq gap on sid {sid}: {last} then {seq}");
        }
        match frame {
            Frame::OrderbookSnapshot(s) => {
                let book = self.books.entry(s.msg.market_ticker.clone()).or_default();
                book.apply_snapshot(s.msg.yes_levels(), s.msg.no_levels()).unwrap();
            }
            Frame::OrderbookDelta(d) => {
                let book = self.books.get_mut(&d.msg.market_ticker).expect("a delta before its snapshot");
                book.apply_delta(d.msg.side, d.msg.price_dollars, d.msg.delta_fp).unwrap();
            }
            _ => {}
        }
    }

    pub fn book(&self, ticker: &str) -> OrderBook {
        self.books.get(&t(ticker)).cloned().unwrap_or_default()
    }
}

/// `book_snapshot` as a model book.
pub fn model(snapshot: &BookSnapshot) -> OrderBook {
    snapshot.to_order_book().unwrap()
}
