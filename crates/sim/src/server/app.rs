//! Starting and stopping a simulator server: Kalshi's REST API under `/trade-api/v2`, its
//! WebSocket at `/trade-api/ws/v2` and the admin API under `/sim`, on one address.
//!
//! ```no_run
//! # async fn demo() -> Result<(), kmm_sim::server::app::StartError> {
//! use kmm_kalshi::signer::KeyKind;
//! use kmm_sim::server::SimConfig;
//! use kmm_sim::server::app::SimServer;
//!
//! let (server, signer) = SimServer::start_with_new_key(SimConfig::new(Vec::new()), kmm_sim::Exchange::new(), KeyKind::Ed25519).await?;
//! println!("REST at {}, WebSocket at {}", server.rest_url(), server.ws_url());
//! // ... trade with kmm_kalshi::RestClient::new(RestConfig::new(server.endpoints()), Some(signer)) ...
//! server.shutdown().await;
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use kmm_kalshi::signer::{GeneratedKey, KeyKind, PublicKey, SignerError, generate_ed25519_pem, generate_rsa_pem};
use kmm_kalshi::{Endpoints, Signer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::{ApiKey, AppState, SimConfig, now_ms, rest, ws};
use crate::flow::{self, SyntheticFlow};
use crate::{Exchange, SimError, UserId};

/// How long [`SimServer::shutdown`] waits for open connections before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The address could not be bound.
    #[error("could not listen: {0}")]
    Io(#[from] std::io::Error),
    /// The exchange refused the setup (a duplicate user, a bad synthetic market).
    #[error("simulator setup failed: {0}")]
    Sim(#[from] SimError),
    /// A key pair could not be generated or loaded.
    #[error("API key: {0}")]
    Key(#[from] SignerError),
    /// The server's URLs did not form valid endpoints.
    #[error("endpoints: {0}")]
    Endpoints(String),
}

/// A running simulator. Dropping it stops the server (without waiting); prefer
/// [`SimServer::shutdown`].
#[derive(Debug)]
pub struct SimServer {
    addr: SocketAddr,
    rest_url: String,
    ws_url: String,
    admin_url: String,
    endpoints: Endpoints,
    state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    flow: Option<JoinHandle<()>>,
}

/// The whole application: REST under `/trade-api/v2`, the WebSocket, admin under `/sim`,
/// Kalshi-shaped 404/405 replies everywhere else.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .nest("/trade-api/v2", rest::router(state.clone()))
        .merge(ws::router())
        .nest("/sim", rest::admin_router())
        .fallback(rest::not_found)
        .method_not_allowed_fallback(rest::method_not_allowed)
        .with_state(state)
}

/// A fresh key pair of `kind` for `user`: the [`ApiKey`] to register in
/// [`SimConfig::api_keys`] and the [`Signer`] a client signs with. The key id is a random
/// UUID-shaped string; RSA keys are 2048 bits.
pub fn new_api_key(kind: KeyKind, user: UserId) -> Result<(ApiKey, Signer), StartError> {
    let (key, generated) = generate_api_key(kind, user)?;
    let signer = Signer::from_pem(key.key_id.clone(), &generated.private_pem)?;
    Ok((key, signer))
}

/// Generates a key pair and registers its public half for `user`; the private PEM is
/// returned for a client to use (e.g. written to a file by `kalshi-mm sim --new-key`).
pub fn generate_api_key(kind: KeyKind, user: UserId) -> Result<(ApiKey, GeneratedKey), StartError> {
    let generated = match kind {
        KeyKind::Rsa => generate_rsa_pem(2048)?,
        KeyKind::Ed25519 => generate_ed25519_pem()?,
    };
    let public_key = PublicKey::from_pem(&generated.public_pem)?;
    Ok((ApiKey { key_id: random_key_id(), public_key, user }, generated))
}

/// A random UUID-v4-shaped key id.
fn random_key_id() -> String {
    let n: u128 = rand::random();
    let hex = format!("{n:032x}");
    let part = |from: usize, to: usize| hex.get(from..to).unwrap_or("0");
    format!("{}-{}-4{}-8{}-{}", part(0, 8), part(8, 12), part(13, 16), part(17, 20), part(20, 32))
}

impl SimServer {
    /// Binds `config.addr`, lists the synthetic markets (when `config.flow` is set, before
    /// this returns) and starts serving; the synthetic flow then runs on its own task.
    pub async fn start(config: SimConfig, mut exchange: Exchange) -> Result<Self, StartError> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let flow = match &config.flow {
            Some(flow_config) => {
                let mut flow = SyntheticFlow::new(flow_config.clone(), config.seed);
                flow.setup(&mut exchange, now_ms())?;
                Some((flow, Duration::from_millis(flow_config.tick_ms.max(1))))
            }
            None => None,
        };
        let state = Arc::new(AppState::new(exchange, &config)?);
        let rest_url = format!("http://{addr}/trade-api/v2");
        let ws_url = format!("ws://{addr}/trade-api/ws/v2");
        let endpoints = Endpoints::custom(&rest_url, &ws_url).map_err(|e| StartError::Endpoints(e.to_string()))?;

        let (stop, stopped) = oneshot::channel::<()>();
        let service = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, service).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "simulator server stopped with an error");
            }
        });
        let flow = flow.map(|(flow, tick)| flow::spawn(state.clone(), flow, tick));
        tracing::info!(%addr, keys = config.api_keys.len(), synthetic_flow = flow.is_some(), "simulator listening");
        Ok(Self {
            addr,
            rest_url,
            ws_url,
            admin_url: format!("http://{addr}/sim"),
            endpoints,
            state,
            stop: Some(stop),
            server: Some(server),
            flow,
        })
    }

    /// [`SimServer::start`] with one more API key, freshly generated and registered for a
    /// new user (`user-<first 8 hex digits of the key id>`, funded with the configured
    /// starting balance). Returns the server and the key's signer.
    pub async fn start_with_new_key(
        mut config: SimConfig,
        exchange: Exchange,
        kind: KeyKind,
    ) -> Result<(Self, Signer), StartError> {
        let (key, signer) = new_api_key(kind, UserId::new("pending"))?;
        let user = UserId::new(format!("user-{}", key.key_id.split('-').next().unwrap_or("key")));
        config.api_keys.push(ApiKey { user, ..key });
        Ok((Self::start(config, exchange).await?, signer))
    }

    /// The bound address (the real port when `config.addr` had port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// REST base, e.g. `http://127.0.0.1:PORT/trade-api/v2`.
    pub fn rest_url(&self) -> &str {
        &self.rest_url
    }

    /// WebSocket URL, e.g. `ws://127.0.0.1:PORT/trade-api/ws/v2`.
    pub fn ws_url(&self) -> &str {
        &self.ws_url
    }

    /// Admin API base, e.g. `http://127.0.0.1:PORT/sim`.
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// The REST and WebSocket URLs as the client's [`Endpoints`].
    pub fn endpoints(&self) -> Endpoints {
        self.endpoints.clone()
    }

    /// The shared state: the exchange, keys, limiters and faults.
    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Stops the synthetic flow, stops accepting connections and waits (up to 5 s) for open
    /// requests to finish.
    pub async fn shutdown(mut self) {
        if let Some(flow) = self.flow.take() {
            flow.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut server) = self.server.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await.is_err()
        {
            tracing::warn!("simulator connections still open after the grace period; closing them");
            server.abort();
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        if let Some(flow) = self.flow.take() {
            flow.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
