//! `kalshi-mm`: the headless Kalshi market maker for servers and scripts.
//!
//! Subcommands: `paper` (the engine on an embedded simulator), `run` (demo, production or
//! any URL), `check` (connectivity and a signed round trip), `sim` (the exchange simulator),
//! `keys` (OS keychain).
//! Depends on the engine, the simulator and the secrets store; nothing depends on it.

mod check;
mod connect;
mod keys;
mod sim;
mod trade;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// A market maker for Kalshi prediction markets.
#[derive(Debug, Parser)]
#[command(name = "kalshi-mm", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check connectivity: exchange status, balance, positions and a signed request.
    Check {
        #[command(flatten)]
        connect: connect::ConnectArgs,
    },
    /// Paper trading: the engine against an embedded simulator with synthetic markets (no key, no money).
    Paper {
        #[command(flatten)]
        engine: trade::EngineArgs,
        /// Synthetic markets the simulator lists.
        #[arg(long, default_value_t = 6)]
        sim_markets: usize,
        /// Seed of the synthetic flow.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Trade for real: the engine against demo, production (needs --confirm-production) or any URL.
    Run {
        #[command(flatten)]
        connect: connect::ConnectArgs,
        #[command(flatten)]
        engine: trade::EngineArgs,
        /// Required for production: you are trading real money.
        #[arg(long)]
        confirm_production: bool,
    },
    /// Run the Kalshi-compatible exchange simulator (paper money) on a local address.
    Sim(sim::SimArgs),
    /// Manage API keys in the OS keychain.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut filter = EnvFilter::try_from_env("KALSHI_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    for directive in kmm_kalshi::ws::LOG_REDACTIONS {
        if let Ok(directive) = directive.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    match Cli::parse().command {
        Command::Check { connect } => {
            let Some(endpoints) = connect.endpoints()? else {
                bail!(
                    "paper mode has no URL to check: start `kalshi-mm sim` and pass --rest-url/--ws-url, or choose --env demo"
                );
            };
            check::run(endpoints, connect.signer()?).await
        }
        Command::Paper { engine, sim_markets, seed } => paper(engine, sim_markets, seed).await,
        Command::Run { connect, engine, confirm_production } => {
            let Some(endpoints) = connect.endpoints()? else {
                bail!(
                    "`run` needs a real exchange: --env demo, --env production, or --rest-url/--ws-url (for paper trading use `kalshi-mm paper`)"
                );
            };
            if endpoints.is_production() && !confirm_production {
                bail!("this would trade REAL MONEY on Kalshi production; add --confirm-production if you mean it");
            }
            let signer =
                connect.signer()?.context("no API key: run `kalshi-mm keys import` or pass --key-id/--key-file")?;
            trade::trade(endpoints, signer, &engine).await
        }
        Command::Sim(args) => sim::run(args).await,
        Command::Keys { command } => keys::run(&kmm_secrets::KeyStore::default(), command),
    }
}

/// Paper trading: an embedded simulator with synthetic flow on a free loopback port, a fresh
/// key registered with it, and the same engine and client code that trade real money.
async fn paper(engine: trade::EngineArgs, sim_markets: usize, seed: u64) -> Result<()> {
    use kmm_sim::server::SimConfig;
    use kmm_sim::server::app::SimServer;
    let mut config = SimConfig::new(Vec::new());
    config.seed = seed;
    config.tier = kmm_kalshi::ratelimit::Tier::PRIME;
    config.flow = Some(kmm_sim::flow::FlowConfig { markets: sim_markets, ..Default::default() });
    let (server, signer) =
        SimServer::start_with_new_key(config, kmm_sim::Exchange::new(), kmm_kalshi::signer::KeyKind::Ed25519).await?;
    eprintln!("paper trading on the local simulator at {} (no real money)", server.rest_url());
    let mut engine = engine;
    if engine.tier == "basic" {
        engine.tier = "prime".to_owned();
    }
    let result = trade::trade(server.endpoints(), signer, &engine).await;
    server.shutdown().await;
    result
}
