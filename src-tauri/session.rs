//! Starting an engine: paper mode (the embedded simulator with synthetic flow on a free
//! loopback port, a fresh key, and the same client code that trades real money, as
//! `kalshi-mm paper` does) or a real exchange with the keychain's key.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kmm_engine::clock::SystemClock;
use kmm_engine::quoting::QuoteParams;
use kmm_engine::risk::RiskLimits;
use kmm_engine::runner::{self, EngineConfig, EngineEvent};
use kmm_engine::venue::LiveVenue;
use kmm_kalshi::ratelimit::Tier;
use kmm_kalshi::signer::KeyKind;
use kmm_kalshi::ws::WsConfig;
use kmm_kalshi::{Endpoints, RestClient, RestConfig, Signer};
use kmm_sim::server::SimConfig;
use kmm_sim::server::app::SimServer;
use tokio::sync::broadcast;

use crate::dto::Environment;
use crate::events::SessionInfo;

/// Synthetic markets the paper simulator lists (all of them are quoted).
pub const PAPER_MARKETS: usize = 6;
/// How long a real exchange may take to answer the engine's startup reads.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A freshly started engine.
#[derive(Debug)]
pub struct Started {
    /// The engine as the bridge sees it.
    pub info: SessionInfo,
    /// A receiver subscribed right after the engine started.
    pub events: broadcast::Receiver<EngineEvent>,
    /// The exchange client (for titles and checks).
    pub venue: LiveVenue,
    /// The paper simulator, when trading on it.
    pub sim: Option<SimServer>,
}

/// Why a session could not start (a message for the log and the UI; never key material).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StartFailed(pub String);

/// The engine configuration for `environment` with the user's parameters. Paper quotes every
/// synthetic market at once; on a real exchange the engine follows the books but waits for
/// "Start quoting", so opening the app never places real orders by itself.
pub fn engine_config(environment: Environment, quote: &QuoteParams, risk: &RiskLimits) -> EngineConfig {
    let mut config = EngineConfig { quote: quote.clone(), risk: risk.clone(), ..EngineConfig::default() };
    match environment {
        Environment::Paper => {
            config.auto_markets = PAPER_MARKETS;
            config.autostart = true;
        }
        Environment::Demo | Environment::Production => config.autostart = false,
    }
    config
}

/// Starts the embedded simulator and an engine trading on it.
pub async fn start_paper(quote: &QuoteParams, risk: &RiskLimits) -> Result<Started, StartFailed> {
    let mut sim_config = SimConfig::new(Vec::new());
    sim_config.seed = seed();
    sim_config.tier = Tier::PRIME;
    sim_config.flow = Some(kmm_sim::flow::FlowConfig { markets: PAPER_MARKETS, ..Default::default() });
    let (server, signer) = SimServer::start_with_new_key(sim_config, kmm_sim::Exchange::new(), KeyKind::Ed25519)
        .await
        .map_err(|e| StartFailed(format!("paper simulator: {e}")))?;
    tracing::info!(rest = server.rest_url(), "paper trading on the embedded simulator (no real money)");
    let config = engine_config(Environment::Paper, quote, risk);
    let mut started = start(Environment::Paper, server.endpoints(), signer, Tier::PRIME, config).await?;
    started.sim = Some(server);
    Ok(started)
}

/// Starts an engine on Kalshi's demo or production exchange with `signer`.
pub async fn start_live(
    environment: Environment,
    signer: Signer,
    quote: &QuoteParams,
    risk: &RiskLimits,
) -> Result<Started, StartFailed> {
    let endpoints = kmm_kalshi::Environment::from(environment)
        .endpoints()
        .ok_or_else(|| StartFailed("paper mode has no exchange URL".to_owned()))?;
    let config = engine_config(environment, quote, risk);
    start(environment, endpoints, signer, Tier::BASIC, config).await
}

async fn start(
    environment: Environment,
    endpoints: Endpoints,
    signer: Signer,
    tier: Tier,
    config: EngineConfig,
) -> Result<Started, StartFailed> {
    let mut rest_config = RestConfig::new(endpoints.clone());
    rest_config.tier = tier;
    let rest = RestClient::new(rest_config, Some(signer.clone())).map_err(|e| StartFailed(e.to_string()))?;
    let venue = LiveVenue::new(rest);
    let spawn = runner::spawn(config, venue.clone(), WsConfig::new(endpoints, Some(signer)), Arc::new(SystemClock));
    let handle = tokio::time::timeout(START_TIMEOUT, spawn)
        .await
        .map_err(|_| StartFailed(format!("{environment:?} exchange did not answer within {START_TIMEOUT:?}")))?
        .map_err(|e| StartFailed(format!("starting the engine: {e}")))?;
    let events = handle.subscribe();
    Ok(Started { info: SessionInfo { environment, handle, started: Instant::now() }, events, venue, sim: None })
}

/// The market titles of `tickers` (the ticker itself when the exchange has none).
pub async fn titles(venue: &LiveVenue, tickers: &[kmm_model::MarketTicker]) -> BTreeMap<String, String> {
    let mut titles = BTreeMap::new();
    for ticker in tickers {
        if let Ok(meta) = venue.market(ticker).await {
            titles.insert(ticker.as_str().to_owned(), meta.title);
        }
    }
    titles
}

/// A seed for the synthetic flow: different each run, so paper markets vary.
fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(u64::from(std::process::id()));
    hasher.finish()
}
