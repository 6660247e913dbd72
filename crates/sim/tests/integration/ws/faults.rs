//! Fault injection against the real client, heartbeats, and the lag policy.

use std::time::Duration;

use axum::body::Bytes;
use futures_util::SinkExt as _;
use kmm_kalshi::ws::messages::Frame;
use kmm_kalshi::ws::{Channel, DisconnectReason, WsEvent};
use kmm_model::{OrderBook, Side};
use kmm_sim::faults::FaultConfig;
use kmm_sim::server::now_ms;
use kmm_sim::server::ws::WsOptions;
use kmm_sim::{OrderRequest, UserId};
use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;

use super::support::{M1, Sim, WAIT, cents, contracts, model, options, t};

/// The next event `pick` accepts; others are skipped.
async fn event<T>(events: &mut mpsc::Receiver<WsEvent>, what: &str, mut pick: impl FnMut(&WsEvent) -> Option<T>) -> T {
    let found = timeout(WAIT, async {
        loop {
            let event = events.recv().await.expect("client alive");
            if let Some(found) = pick(&event) {
                return found;
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("the client never reported {what}"))
}

/// One more resting order at a fresh level, so every call changes the book.
fn churn(sim: &Sim, i: i64) {
    sim.place("carol", M1, Side::Bid, 10 + i % 30, 1, None);
}

#[tokio::test]
async fn seq_gaps_are_detected_by_the_client_and_healed_by_a_fresh_snapshot() {
    let sim = Sim::start(FaultConfig::default()).await;
    sim.place("carol", M1, Side::Ask, 70, 3, None);
    let (client, mut events) = sim.client(&sim.alice);
    let sub = client.subscribe(Channel::OrderbookDelta, vec![t(M1)]).await.unwrap();
    event(&mut events, "the first snapshot", |e| {
        matches!(e, WsEvent::Message(Frame::OrderbookSnapshot(_))).then_some(())
    })
    .await;

    sim.state.faults.set(FaultConfig { ws_seq_skip_rate: 0.5, ..FaultConfig::default() }).unwrap();
    let mut i = 0;
    let gap = timeout(WAIT, async {
        loop {
            churn(&sim, i);
            i += 1;
            tokio::time::sleep(Duration::from_millis(2)).await;
            while let Ok(event) = events.try_recv() {
                if let WsEvent::SeqGap { sid, expected, got } = event {
                    return (sid, expected, got);
                }
            }
        }
    })
    .await
    .expect("a skipped seq is reported");
    assert_eq!(gap.0, sub.sid);
    assert_eq!(gap.2, gap.1 + 1, "exactly one number skipped");
    sim.state.faults.set(FaultConfig::default()).unwrap();

    let new_sid = event(&mut events, "the resubscription", |e| match e {
        WsEvent::Subscribed { id, sid, .. } if *id == sub.id && *sid != sub.sid => Some(*sid),
        _ => None,
    })
    .await;
    let snapshot = event(&mut events, "a fresh snapshot", |e| match e {
        WsEvent::Message(Frame::OrderbookSnapshot(s)) if s.sid == new_sid => Some(s.msg.clone()),
        _ => None,
    })
    .await;
    let mut book = OrderBook::new();
    book.apply_snapshot(snapshot.yes_levels(), snapshot.no_levels()).unwrap();
    assert_eq!(book, model(&sim.book(M1)), "the fresh snapshot is the current book");
    client.close().await.unwrap();
}

#[tokio::test]
async fn dropped_connections_are_reestablished_and_resubscribed() {
    let sim = Sim::start(FaultConfig::default()).await;
    let (client, mut events) = sim.client(&sim.alice);
    let sub = client.subscribe(Channel::OrderbookDelta, vec![t(M1)]).await.unwrap();
    event(&mut events, "the first snapshot", |e| {
        matches!(e, WsEvent::Message(Frame::OrderbookSnapshot(_))).then_some(())
    })
    .await;
    // 100 drops per second checked every 20 ms: the connection goes at the next check.
    sim.state.faults.set(FaultConfig { ws_drop_per_sec: 100.0, ..FaultConfig::default() }).unwrap();
    let reason = event(&mut events, "a disconnection", |e| match e {
        WsEvent::Disconnected { reason } => Some(reason.clone()),
        _ => None,
    })
    .await;
    assert!(matches!(reason, DisconnectReason::Transport(_)), "dropped without a close frame: {reason:?}");
    sim.state.faults.set(FaultConfig::default()).unwrap();
    event(&mut events, "a reconnection", |e| matches!(e, WsEvent::Connected).then_some(())).await;
    event(&mut events, "the resubscription", |e| match e {
        WsEvent::Subscribed { id, .. } if *id == sub.id => Some(()),
        _ => None,
    })
    .await;
    sim.place("carol", M1, Side::Bid, 33, 2, None);
    let delta = event(&mut events, "a delta on the new connection", |e| match e {
        WsEvent::Message(Frame::OrderbookDelta(d)) => Some(d.msg.clone()),
        _ => None,
    })
    .await;
    assert_eq!((delta.price_dollars, delta.delta_fp), (cents(33), contracts(2)));
    client.close().await.unwrap();
}

#[tokio::test]
async fn duplicated_frames_repeat_their_seq_and_the_client_drops_them_as_stale() {
    let sim = Sim::start(FaultConfig { ws_duplicate_rate: 1.0, ..FaultConfig::default() }).await;
    // Raw: every data frame comes twice, with the same seq.
    let mut ws = sim.connect(&sim.alice).await;
    ws.send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_tickers": [M1]}}))
        .await;
    let Frame::Subscribed(_) = ws.frame().await else { panic!() };
    let (first, _) = ws.next().await;
    let (second, _) = ws.next().await;
    assert_eq!(first, second, "the snapshot is sent twice");
    // The real client: each delta delivered once.
    let (client, mut events) = sim.client(&sim.bob);
    client.subscribe(Channel::OrderbookDelta, vec![t(M1)]).await.unwrap();
    event(&mut events, "the snapshot", |e| matches!(e, WsEvent::Message(Frame::OrderbookSnapshot(_))).then_some(()))
        .await;
    for i in 0..5 {
        churn(&sim, i);
    }
    let mut seqs = Vec::new();
    let _ = timeout(Duration::from_millis(300), async {
        while let Some(event) = events.recv().await {
            if let WsEvent::Message(Frame::OrderbookDelta(d)) = event {
                seqs.push(d.seq.unwrap());
            }
        }
    })
    .await;
    assert_eq!(seqs, [2, 3, 4, 5, 6], "duplicates are stale to the client's seq tracker");
    let (raw_frames, _) = (ws.drain(Duration::from_millis(100)).await, ());
    assert_eq!(raw_frames.len(), 10, "five deltas, each twice, on the raw socket");
    client.close().await.unwrap();
}

#[tokio::test]
async fn delayed_frames_still_arrive_in_order() {
    let sim = Sim::start(FaultConfig { ws_max_delay_ms: 15, ..FaultConfig::default() }).await;
    let mut ws = sim.connect(&sim.alice).await;
    ws.send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_tickers": [M1]}}))
        .await;
    let Frame::Subscribed(_) = ws.frame().await else { panic!() };
    let started = tokio::time::Instant::now();
    for i in 0..10 {
        churn(&sim, i);
    }
    let mut seqs = Vec::new();
    while seqs.len() < 11 {
        seqs.push(ws.frame().await.seq().unwrap());
    }
    assert_eq!(seqs, (1..=11).collect::<Vec<u64>>(), "delays never reorder frames");
    assert!(started.elapsed() >= Duration::from_millis(20), "eleven frames of up to 15 ms each took some time");
}

#[tokio::test]
async fn the_server_pings_with_heartbeat_and_answers_pings() {
    let heartbeat = WsOptions { heartbeat_interval: Duration::from_millis(100), ..options() };
    let sim = Sim::start_with(FaultConfig::default(), heartbeat).await;
    let mut ws = sim.connect(&sim.alice).await;
    let ping = timeout(WAIT, async {
        loop {
            if let Message::Ping(payload) = ws.message().await {
                return payload;
            }
        }
    })
    .await
    .expect("a ping");
    assert_eq!(ping.as_ref(), b"heartbeat");
    ws.ws.send(Message::Ping(Bytes::from_static(b"are you there"))).await.unwrap();
    let pong = timeout(WAIT, async {
        loop {
            if let Message::Pong(payload) = ws.message().await {
                return payload;
            }
        }
    })
    .await
    .expect("a pong");
    assert_eq!(pong.as_ref(), b"are you there");
}

/// Floods the exchange with `pairs` create+cancel pairs on M1 (four events each).
fn flood(sim: &Sim, pairs: usize) {
    let carol = UserId::new("carol");
    for i in 0..pairs {
        sim.state.mutate(|ex| {
            let now = now_ms();
            let price = cents(20 + i64::try_from(i % 20).unwrap());
            let order = ex.create_order(&carol, OrderRequest::new(t(M1), Side::Bid, price, contracts(1)), now).unwrap();
            ex.cancel_order(&carol, &order.order_id, now).unwrap();
        });
    }
}

#[tokio::test]
async fn a_lagging_session_resnapshots_public_books_and_closes_private_ones() {
    let sim = Sim::start(FaultConfig::default()).await;
    sim.place("bob", M1, Side::Ask, 80, 4, None);
    let mut public = sim.connect(&sim.alice).await;
    public
        .send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_tickers": [M1]}}))
        .await;
    let Frame::Subscribed(_) = public.frame().await else { panic!() };
    let Frame::OrderbookSnapshot(_) = public.frame().await else { panic!() };
    let mut private = sim.connect(&sim.bob).await;
    private
        .send(json!({"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta", "fill"], "market_tickers": [M1]}}))
        .await;
    for _ in 0..3 {
        private.frame().await;
    }
    // Neither client reads while the exchange produces more events than a receiver holds
    // (65 536): the sockets' buffers fill, the sessions block, their receivers overflow.
    flood(&sim, 60_000);
    sim.place("carol", M1, Side::Bid, 5, 9, None);

    // The public session: the deltas it had sent, then a fresh snapshot numbered on.
    let mut last_seq = 1;
    let snapshot = timeout(Duration::from_secs(20), async {
        loop {
            let frame = public.frame().await;
            let seq = frame.seq().unwrap();
            assert_eq!(seq, last_seq + 1, "no seq gap across the lag");
            last_seq = seq;
            if let Frame::OrderbookSnapshot(s) = frame {
                return s.msg;
            }
        }
    })
    .await
    .expect("a fresh snapshot after the lag");
    let mut book = OrderBook::new();
    book.apply_snapshot(snapshot.yes_levels(), snapshot.no_levels()).unwrap();
    assert_eq!(book, model(&sim.book(M1)), "the recovery snapshot is the current book");

    // The private session: closed with 1011 after what it had queued.
    let close = timeout(Duration::from_secs(20), async {
        loop {
            match private.message().await {
                Message::Close(frame) => return frame,
                Message::Text(_) | Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("{other:?}"),
            }
        }
    })
    .await
    .expect("the private session is closed");
    assert_eq!(close.map(|f| u16::from(f.code)), Some(1011));
}
