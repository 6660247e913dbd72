//! `kalshi-mm`: the headless Kalshi market maker for servers and scripts.
//!
//! Subcommands: `check` (connectivity and a signed round trip), `sim` (the exchange
//! simulator), `keys` (OS keychain).
//! Depends on the engine, the simulator and the secrets store; nothing depends on it.

mod check;
mod connect;
mod keys;
mod sim;

use anyhow::{Result, bail};
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
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("KALSHI_LOG").unwrap_or_else(|_| EnvFilter::new("warn")))
        .with_writer(std::io::stderr)
        .try_init();
    match Cli::parse().command {
        Command::Check { connect } => {
            let Some(endpoints) = connect.endpoints()? else {
                bail!(
                    "paper mode has no URL to check: start `kalshi-mm sim` and pass --rest-url/--ws-url, or choose --env demo"
                );
            };
            check::run(endpoints, connect.signer()?).await
        }
        Command::Sim(args) => sim::run(args).await,
        Command::Keys { command } => keys::run(&kmm_secrets::KeyStore::default(), command),
    }
}
