//! The connection loop: reads commands, routes exchange events, sends queued frames (with the
//! configured delay), pings every heartbeat interval, and applies the connection-drop fault.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt as _;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Instant, MissedTickBehavior, interval_at};
use tracing::{debug, warn};

use super::WsOptions;
use super::session::Session;

/// Shortest timer honoured, so a zero setting cannot spin.
const MIN_TIMER: Duration = Duration::from_millis(5);

/// WebSocket close code for "internal error" (RFC 6455), sent when the session lagged.
const CLOSE_INTERNAL_ERROR: u16 = 1011;

/// What woke the loop.
enum Wake {
    Socket(Option<Result<Message, axum::Error>>),
    Event(Result<std::sync::Arc<crate::Event>, RecvError>),
    Heartbeat,
    FaultCheck,
}

/// Serves one connection until the client leaves, the socket fails or a fault drops it.
pub(super) async fn run(mut socket: WebSocket, mut session: Session, options: WsOptions) {
    let heartbeat_every = options.heartbeat_interval.max(MIN_TIMER);
    let mut heartbeat = interval_at(Instant::now() + heartbeat_every, heartbeat_every);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let check_every = options.fault_check_interval.max(MIN_TIMER);
    let mut fault_check = interval_at(Instant::now() + check_every, check_every);
    fault_check.set_missed_tick_behavior(MissedTickBehavior::Delay);
    debug!(user = %session.user, "websocket session started");
    loop {
        let wake = tokio::select! {
            message = socket.recv() => Wake::Socket(message),
            event = session.rx.recv() => Wake::Event(event),
            _ = heartbeat.tick() => Wake::Heartbeat,
            _ = fault_check.tick() => Wake::FaultCheck,
        };
        match wake {
            Wake::Socket(None | Some(Err(_))) => break,
            Wake::Socket(Some(Ok(Message::Close(_)))) => {
                // tungstenite queued the close reply: flush it for a clean closing handshake.
                let _ = socket.close().await;
                break;
            }
            Wake::Socket(Some(Ok(Message::Text(text)))) => session.on_text(text.as_str()),
            Wake::Socket(Some(Ok(Message::Binary(bytes)))) => {
                session.on_text(std::str::from_utf8(&bytes).unwrap_or(""))
            }
            // tungstenite answers pings by itself; pongs need nothing.
            Wake::Socket(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {}
            Wake::Event(Ok(event)) => session.on_events(&event),
            Wake::Event(Err(RecvError::Lagged(missed))) => {
                warn!(user = %session.user, missed, "websocket session lagged behind the exchange");
                session.lagged = true;
            }
            Wake::Event(Err(RecvError::Closed)) => break,
            Wake::Heartbeat => {
                if socket.send(Message::Ping(Bytes::from_static(b"heartbeat"))).await.is_err() {
                    break;
                }
            }
            Wake::FaultCheck => {
                if session.state.faults.drop_connection(check_every) {
                    debug!(user = %session.user, "fault injection: dropping the websocket connection");
                    // Dropping the socket closes TCP without a close frame.
                    return;
                }
            }
        }
        if session.lagged {
            session.recover_from_lag();
        }
        if send_queued(&mut socket, &mut session).await.is_err() {
            break;
        }
        if let Some(reason) = session.close.take() {
            let frame = CloseFrame { code: CLOSE_INTERNAL_ERROR, reason: reason.into() };
            let _ = socket.send(Message::Close(Some(frame))).await;
            break;
        }
    }
    debug!(user = %session.user, "websocket session ended");
}

/// Sends every queued frame, each after the fault layer's delay.
async fn send_queued(socket: &mut WebSocket, session: &mut Session) -> Result<(), axum::Error> {
    while let Some(text) = session.out.pop_front() {
        let delay = session.state.faults.frame_delay();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        socket.send(Message::text(text)).await?;
    }
    Ok(())
}
