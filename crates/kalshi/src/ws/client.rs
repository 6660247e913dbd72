//! The WebSocket client: one background task owns the connection, the subscriptions and the
//! sequence checks; callers talk to it through [`WsClient`] and read [`WsEvent`]s.
//!
//! * **Auth**: each connection attempt signs `timestamp + "GET" + ws_path` afresh and sends the
//!   three `KALSHI-ACCESS-*` headers on the upgrade request (no signer = unauthenticated).
//! * **Subscriptions** are kept as desired state under a stable local [`SubscriptionId`]
//!   (channel + markets, including markets added later) and re-established on every
//!   reconnect; the exchange's `sid` changes, the id does not ([`WsEvent::Subscribed`] tells
//!   the new sid). Each channel is subscribed with its own command so every reply maps to
//!   exactly one subscription.
//! * **Sequence gaps** are reported ([`WsEvent::SeqGap`]); on an orderbook subscription the
//!   client then drops the subscription's frames, unsubscribes the sid and subscribes again
//!   for fresh snapshots ([`WsEvent::Resyncing`], then [`WsEvent::Subscribed`]).
//! * **Liveness**: server pings are answered (and flushed) at once; the client pings every
//!   `ping_interval` and treats `idle_timeout` without any frame as a dead connection.
//! * **Reconnect** with capped exponential backoff and jitter.
//!
//! Nothing received from the network can panic the task: a bad frame becomes
//! [`WsEvent::Malformed`] and the connection stays up. No event or error carries a signature.

use std::fmt;
use std::time::Duration;

use kmm_model::MarketTicker;
use rand::Rng as _;
use tokio::sync::{mpsc, oneshot};

use super::messages::{Channel, Frame, OkMsg, UpdateAction};
use super::task::Task;
use crate::env::Endpoints;
use crate::error::{Error, Result};
use crate::signer::Signer;

/// How long a clean close waits for the server's close reply.
pub(super) const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Reconnect backoff: `initial · 2^(attempt−1)`, capped at `max`, minus up to `jitter` of it
/// at random (so many clients don't reconnect in step).
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    /// Delay before the first retry.
    pub initial: Duration,
    /// Longest delay.
    pub max: Duration,
    /// Fraction of the delay (0.0–1.0) removed at random.
    pub jitter: f64,
    /// Give up after this many consecutive failed attempts (`None`: never).
    pub max_attempts: Option<u32>,
    /// A connection that stayed up this long resets the attempt count.
    pub reset_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
            jitter: 0.3,
            max_attempts: None,
            reset_after: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The delay before retry number `attempt` (1-based), jitter included.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let base = self.initial.saturating_mul(1_u32 << exponent).min(self.max);
        // Timing only, not money: a float is fine here. NaN or <= 0 means no jitter.
        if self.jitter.is_nan() || self.jitter <= 0.0 {
            return base;
        }
        let cut = rand::rng().random_range(0.0..=self.jitter.min(1.0));
        Duration::try_from_secs_f64(base.as_secs_f64() * (1.0 - cut)).unwrap_or(base)
    }
}

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct WsConfig {
    /// The exchange (`ws_url()` is dialled, `ws_path()` is signed).
    pub endpoints: Endpoints,
    /// Signs the upgrade request; `None` connects unauthenticated (public channels on a
    /// local simulator).
    pub signer: Option<Signer>,
    /// Reconnect policy.
    pub backoff: Backoff,
    /// How often the client pings.
    pub ping_interval: Duration,
    /// A connection with no frame at all (data, ping or pong) for this long is dead.
    pub idle_timeout: Duration,
    /// Limit on TCP + TLS + upgrade.
    pub connect_timeout: Duration,
    /// How long a [`WsClient`] call waits for the exchange's reply.
    pub command_timeout: Duration,
    /// Capacity of the event channel. The task waits when it is full, so read it promptly.
    pub event_capacity: usize,
}

impl WsConfig {
    /// Defaults: ping every 10 s, dead after 30 s of silence, 10 s connect and command
    /// timeouts, backoff 0.5 s doubling to 30 s with 30 % jitter.
    pub fn new(endpoints: Endpoints, signer: Option<Signer>) -> Self {
        Self {
            endpoints,
            signer,
            backoff: Backoff::default(),
            ping_interval: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(10),
            event_capacity: 4_096,
        }
    }
}

/// A subscription's stable local id: survives reconnects and resyncs, unlike Kalshi's `sid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubscriptionId(pub(super) u64);

impl SubscriptionId {
    /// The number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for SubscriptionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sub#{}", self.0)
    }
}

/// A live subscription: the local id, its channel and the exchange's current sid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The stable local id.
    pub id: SubscriptionId,
    /// The channel.
    pub channel: Channel,
    /// The exchange's subscription id on the current connection.
    pub sid: u64,
}

/// Why a connection ended or an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisconnectReason {
    /// TCP, TLS or the HTTP upgrade failed (not an auth refusal), or signing failed.
    Connect(String),
    /// The upgrade was refused with 401/403: wrong key, clock skew, revoked key.
    Auth {
        /// The HTTP status.
        status: u16,
    },
    /// The server sent a close frame.
    Closed {
        /// The close code, if any.
        code: Option<u16>,
        /// The close reason.
        reason: String,
    },
    /// A read or write failed, or the stream ended without a close frame.
    Transport(String),
    /// Nothing (not even a pong) arrived for this long.
    Idle {
        /// The silence that triggered it.
        silent_for: Duration,
    },
}

impl fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DisconnectReason::Connect(why) => write!(f, "connect failed: {why}"),
            DisconnectReason::Auth { status } => write!(f, "authentication refused (HTTP {status})"),
            DisconnectReason::Closed { code, reason } => write!(f, "closed by server ({code:?}): {reason}"),
            DisconnectReason::Transport(why) => write!(f, "transport: {why}"),
            DisconnectReason::Idle { silent_for } => write!(f, "no frames for {silent_for:?}"),
        }
    }
}

/// What the client reports, in order.
// `Message` is both the largest and by far the most common variant; boxing it would add an
// allocation to every frame to shrink the rare ones.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum WsEvent {
    /// A connection is up (subscriptions are being re-established).
    Connected,
    /// A subscription is live on the exchange with this `sid` (first time, after a reconnect,
    /// or after a resync). Snapshots for its markets follow.
    Subscribed {
        /// The stable local id.
        id: SubscriptionId,
        /// The channel.
        channel: Channel,
        /// The exchange's new sid.
        sid: u64,
        /// The markets subscribed (empty: all markets).
        markets: Vec<MarketTicker>,
    },
    /// A data frame (snapshot, delta, fill, ticker, ..., or an unknown type). Command replies
    /// are consumed by the client and surface as call results or other events.
    Message(Frame),
    /// Frames were lost on `sid`.
    SeqGap {
        /// The subscription.
        sid: u64,
        /// The seq that should have come.
        expected: u64,
        /// The seq that came.
        got: u64,
    },
    /// The books of `markets` are invalid: the client dropped `sid` and is resubscribing for
    /// fresh snapshots (after a gap or on request). Discard those books until the snapshots.
    Resyncing {
        /// The stable local id.
        id: SubscriptionId,
        /// The sid being dropped.
        sid: u64,
        /// The markets whose books must be rebuilt.
        markets: Vec<MarketTicker>,
    },
    /// A frame could not be parsed; it was skipped and the connection stays up.
    Malformed {
        /// The decoder's message.
        error: String,
        /// The start of the frame.
        raw_prefix: String,
    },
    /// The exchange rejected a command the client sent on its own (a resubscribe, a resync)
    /// or sent an error no call was waiting for.
    CommandError {
        /// The command id, if the error named one.
        id: Option<u64>,
        /// Kalshi's error code.
        code: i64,
        /// Its message.
        message: String,
    },
    /// The connection is down, or an attempt failed.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
    },
    /// The next attempt starts after `delay`.
    Reconnecting {
        /// Consecutive failed attempts so far (1-based).
        attempt: u32,
        /// The wait before it.
        delay: Duration,
    },
    /// The client stopped (closed, all handles dropped, or out of attempts). Last event.
    Closed,
}

pub(super) type Reply<T> = oneshot::Sender<Result<T>>;

pub(super) enum Request {
    Subscribe { channel: Channel, markets: Vec<MarketTicker>, reply: Reply<Subscription> },
    Update { id: SubscriptionId, action: UpdateAction, markets: Vec<MarketTicker>, reply: Reply<()> },
    Resync { id: SubscriptionId, reply: Reply<()> },
    Unsubscribe { id: SubscriptionId, reply: Reply<()> },
    List { reply: Reply<Option<OkMsg>> },
    Close { reply: oneshot::Sender<()> },
}

/// Handle to the client task. Cheap to clone; the task stops when [`WsClient::close`] is
/// called or every handle is dropped. Every call is cancellation-safe: dropping its future
/// leaves the client consistent (the command may still complete).
#[derive(Debug, Clone)]
pub struct WsClient {
    requests: mpsc::Sender<Request>,
    command_timeout: Duration,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Request::Subscribe { .. } => "Subscribe",
            Request::Update { .. } => "Update",
            Request::Resync { .. } => "Resync",
            Request::Unsubscribe { .. } => "Unsubscribe",
            Request::List { .. } => "List",
            Request::Close { .. } => "Close",
        })
    }
}

pub(super) fn stopped() -> Error {
    Error::WebSocket("the websocket client has stopped".into())
}

impl WsClient {
    /// Starts the client task (it connects in the background; watch for
    /// [`WsEvent::Connected`]). Must be called inside a tokio runtime.
    pub fn spawn(config: WsConfig) -> (WsClient, mpsc::Receiver<WsEvent>) {
        // `wss://` uses rustls's process-wide provider; pin it to aws-lc-rs (as reqwest uses)
        // so a second provider elsewhere in the tree can never make the first connect panic.
        // An error only means a provider is already installed.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let (events_tx, events_rx) = mpsc::channel(config.event_capacity.max(1));
        let (requests_tx, requests_rx) = mpsc::channel(64);
        let command_timeout = config.command_timeout;
        let task = Task::new(config, events_tx, requests_rx);
        tokio::spawn(task.run());
        (WsClient { requests: requests_tx, command_timeout }, events_rx)
    }

    async fn call<T>(&self, make: impl FnOnce(Reply<T>) -> Request) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        self.requests.send(make(tx)).await.map_err(|_| stopped())?;
        match tokio::time::timeout(self.command_timeout, rx).await {
            Err(_) => Err(Error::WebSocket(format!("no reply from the exchange within {:?}", self.command_timeout))),
            Ok(Err(_)) => Err(stopped()),
            Ok(Ok(result)) => result,
        }
    }

    /// Subscribes one channel on `markets` (empty: all markets, where the channel allows it)
    /// and waits for the exchange's `subscribed`. While disconnected, the subscription is
    /// made on the next connection (within the command timeout).
    ///
    /// # Errors
    /// [`Error::Command`] if the exchange refuses, [`Error::WebSocket`] on timeout or when
    /// the client has stopped.
    pub async fn subscribe(&self, channel: Channel, markets: Vec<MarketTicker>) -> Result<Subscription> {
        self.call(|reply| Request::Subscribe { channel, markets, reply }).await
    }

    /// Subscribes each channel on the same markets, one command per channel.
    ///
    /// # Errors
    /// The first failure; channels subscribed before it stay subscribed.
    pub async fn subscribe_all(&self, channels: &[Channel], markets: &[MarketTicker]) -> Result<Vec<Subscription>> {
        let mut subscribed = Vec::with_capacity(channels.len());
        for channel in channels {
            subscribed.push(self.subscribe(channel.clone(), markets.to_vec()).await?);
        }
        Ok(subscribed)
    }

    /// `update_subscription`: add or remove markets (kept for resubscription), or ask for
    /// snapshots. While the subscription is being re-established the change is applied to
    /// the stored markets and sent once it is live.
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown id, [`Error::Command`] if the exchange refuses,
    /// [`Error::WebSocket`] on timeout, a lost connection, or a stopped client.
    pub async fn update_subscription(
        &self,
        id: SubscriptionId,
        action: UpdateAction,
        markets: Vec<MarketTicker>,
    ) -> Result<()> {
        self.call(|reply| Request::Update { id, action, markets, reply }).await
    }

    /// Adds markets to a subscription.
    ///
    /// # Errors
    /// As [`WsClient::update_subscription`].
    pub async fn add_markets(&self, id: SubscriptionId, markets: Vec<MarketTicker>) -> Result<()> {
        self.update_subscription(id, UpdateAction::AddMarkets, markets).await
    }

    /// Removes markets from a subscription.
    ///
    /// # Errors
    /// As [`WsClient::update_subscription`].
    pub async fn remove_markets(&self, id: SubscriptionId, markets: Vec<MarketTicker>) -> Result<()> {
        self.update_subscription(id, UpdateAction::DeleteMarkets, markets).await
    }

    /// Drops the subscription's sid and subscribes again for fresh snapshots, as after a gap
    /// (e.g. when a delta would make a book level negative). Returns once the commands are
    /// sent; [`WsEvent::Resyncing`] and [`WsEvent::Subscribed`] follow.
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown id, [`Error::WebSocket`] when the client has stopped.
    pub async fn resync(&self, id: SubscriptionId) -> Result<()> {
        self.call(|reply| Request::Resync { id, reply }).await
    }

    /// Ends a subscription (it is not re-established on reconnect).
    ///
    /// # Errors
    /// [`Error::Config`] for an unknown id, [`Error::Command`] if the exchange refuses,
    /// [`Error::WebSocket`] on timeout or a stopped client.
    pub async fn unsubscribe(&self, id: SubscriptionId) -> Result<()> {
        self.call(|reply| Request::Unsubscribe { id, reply }).await
    }

    /// `list_subscriptions`, as the exchange answers it.
    ///
    /// # Errors
    /// [`Error::WebSocket`] when not connected, on timeout or a stopped client;
    /// [`Error::Command`] if the exchange refuses.
    pub async fn list_subscriptions(&self) -> Result<Option<OkMsg>> {
        self.call(|reply| Request::List { reply }).await
    }

    /// Closes the connection cleanly and stops the task ([`WsEvent::Closed`] is the last
    /// event). Calling it again, or on a stopped client, is fine.
    ///
    /// # Errors
    /// None in practice; a client that already stopped counts as closed.
    pub async fn close(&self) -> Result<()> {
        let (tx, rx) = oneshot::channel();
        if self.requests.send(Request::Close { reply: tx }).await.is_err() {
            return Ok(());
        }
        let limit = self.command_timeout.saturating_add(CLOSE_GRACE);
        let _ = tokio::time::timeout(limit, rx).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_caps_and_jitters_down() {
        let backoff = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
            jitter: 0.0,
            max_attempts: None,
            reset_after: Duration::from_secs(1),
        };
        let delays: Vec<u128> = (1..=6).map(|a| backoff.delay(a).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(backoff.delay(u32::MAX), Duration::from_secs(1), "huge attempt counts do not overflow");
        let extreme = Backoff { initial: Duration::MAX, max: Duration::MAX, jitter: f64::NAN, ..backoff.clone() };
        assert_eq!(extreme.delay(3), Duration::MAX, "no panic on absurd settings");
        assert!(Backoff { jitter: 7.0, ..extreme }.delay(2) <= Duration::MAX);
        let jittered = Backoff { jitter: 0.5, ..backoff };
        for attempt in 1..=10 {
            let d = jittered.delay(attempt);
            let base = backoff.delay(attempt);
            assert!(d <= base && d >= base / 2, "attempt {attempt}: {d:?} outside [{:?}, {base:?}]", base / 2);
        }
    }
}
