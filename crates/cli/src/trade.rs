//! `kalshi-mm paper` and `kalshi-mm run`: the engine with live status lines, a clean shutdown
//! sweep on Ctrl-C or after `--duration`, and an optional machine-readable summary.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use kmm_engine::clock::SystemClock;
use kmm_engine::runner::{self, EngineConfig, EngineEvent, EngineHandle, EngineStatus, ShutdownReport};
use kmm_engine::venue::LiveVenue;
use kmm_kalshi::ratelimit::Tier;
use kmm_kalshi::ws::WsConfig;
use kmm_kalshi::{Endpoints, RestClient, RestConfig, Signer};
use kmm_model::{MarketTicker, Money};
use serde::Serialize;

/// Engine flags shared by `paper` and `run`.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// Engine configuration file (TOML); `KALSHI_*` variables and flags override it.
    #[arg(long, env = "KALSHI_CONFIG")]
    pub config: Option<PathBuf>,
    /// Markets to quote (comma separated); default: the widest open markets.
    #[arg(long, value_delimiter = ',')]
    pub markets: Vec<String>,
    /// How many markets to pick when --markets is not given.
    #[arg(long)]
    pub auto_markets: Option<usize>,
    /// Stop after this long (e.g. 60s, 5m); default: until Ctrl-C.
    #[arg(long, value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Print a final JSON summary line (for scripts).
    #[arg(long)]
    pub json: bool,
    /// Rate-limit tier of the key (basic, advanced, premier, paragon, prime).
    #[arg(long, default_value = "basic")]
    pub tier: String,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let n: u64 = number.parse().map_err(|_| format!("{text:?} is not a duration like 90s, 5m or 1h"))?;
    match unit {
        "" | "s" => Ok(Duration::from_secs(n)),
        "ms" => Ok(Duration::from_millis(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3_600)),
        _ => Err(format!("unknown unit in {text:?}: use ms, s, m or h")),
    }
}

impl EngineArgs {
    /// The engine configuration: defaults ← file ← `KALSHI_*` ← flags.
    pub fn engine_config(&self) -> Result<EngineConfig> {
        let mut config = EngineConfig::load(self.config.as_deref(), |name| std::env::var(name).ok())?;
        if !self.markets.is_empty() {
            config.markets = self.markets.iter().map(MarketTicker::new).collect();
        }
        if let Some(n) = self.auto_markets {
            config.auto_markets = n;
        }
        config.validate()?;
        Ok(config)
    }
}

/// The final summary `--json` prints.
#[derive(Debug, Serialize)]
struct Summary {
    fills: u64,
    fees: Money,
    realized: Money,
    marked_pnl: Money,
    positions: Vec<(MarketTicker, kmm_model::Qty)>,
    resting_orders_left: Option<usize>,
    positions_match_exchange: bool,
    denials: u64,
}

/// Starts the engine on `endpoints`, runs it with status lines, and shuts it down cleanly.
pub async fn trade(endpoints: Endpoints, signer: Signer, args: &EngineArgs) -> Result<()> {
    let config = args.engine_config()?;
    let mut rest_config = RestConfig::new(endpoints.clone());
    rest_config.tier = Tier::by_name(&args.tier);
    let venue = LiveVenue::new(RestClient::new(rest_config, Some(signer.clone()))?);
    eprintln!("connecting to {} ...", endpoints.rest_base());
    let engine = runner::spawn(config, venue, WsConfig::new(endpoints, Some(signer)), Arc::new(SystemClock))
        .await
        .context("starting the engine")?;
    let status = engine.status().await?;
    eprintln!("quoting {} markets: {}", status.markets.len(), join(&status.markets));
    let report = run_until_done(&engine, args).await?;
    print_summary(&report, args.json)?;
    if !report.confirmed_flat {
        bail!("shutdown could not confirm that all our orders were canceled: check the exchange");
    }
    Ok(())
}

fn join(tickers: &[MarketTicker]) -> String {
    tickers.iter().map(MarketTicker::as_str).collect::<Vec<_>>().join(", ")
}

async fn run_until_done(engine: &EngineHandle, args: &EngineArgs) -> Result<ShutdownReport> {
    let mut events = engine.subscribe();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    let deadline = async {
        match args.duration {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => { eprintln!("\nCtrl-C: canceling our orders ..."); break; }
            () = &mut deadline => break,
            _ = ticker.tick() => {
                if let Ok(status) = engine.status().await && !args.json {
                    eprintln!("{}", status_line(&status));
                }
            }
            event = events.recv() => match event {
                Ok(EngineEvent::Filled(fill)) if !args.json => eprintln!(
                    "fill  {} {:?} {} @ {} (fee {})", fill.ticker, fill.side, fill.count, fill.price, fill.fee.to_dollars(4)
                ),
                Ok(EngineEvent::KillSwitch { reason, cancels }) => eprintln!("KILL SWITCH: {reason} ({cancels} cancels)"),
                Ok(EngineEvent::ConnectionChanged { connection, reason }) if !args.json => {
                    eprintln!("feed {connection:?}{}", reason.map(|r| format!(": {r}")).unwrap_or_default());
                }
                Ok(EngineEvent::Reconciled { adopted, vanished, drift, halted }) if !args.json && adopted + vanished + drift > 0 => {
                    eprintln!("reconciled with the exchange: {adopted} adopted, {vanished} vanished, {drift} drifting{}", if halted { " -> HALTED" } else { "" });
                }
                Ok(EngineEvent::Log { level, message }) if level != "info" && !args.json => eprintln!("{level}: {message}"),
                Ok(EngineEvent::Stopped(report)) => return Ok(report),
                _ => {}
            }
        }
    }
    Ok(engine.shutdown().await?)
}

fn status_line(status: &EngineStatus) -> String {
    let open: usize = status.orders.len();
    let positions: Vec<String> = status
        .portfolio
        .markets
        .iter()
        .filter(|m| !m.qty.is_zero())
        .map(|m| format!("{}:{}", m.ticker, m.qty))
        .collect();
    format!(
        "{:?} {:?} | quoting {} | orders {open} | fills {} | fees ${} | P&L ${} | pos [{}]",
        status.connection,
        status.state,
        if status.quoting { "on" } else { "off" },
        status.fills,
        status.fees.to_dollars(4),
        status.portfolio.net.to_dollars(4),
        positions.join(" ")
    )
}

fn print_summary(report: &ShutdownReport, json: bool) -> Result<()> {
    let status = &report.status;
    let summary = Summary {
        fills: status.fills,
        fees: status.fees,
        realized: status.portfolio.realized,
        marked_pnl: status.portfolio.net,
        positions: status
            .portfolio
            .markets
            .iter()
            .filter(|m| !m.qty.is_zero())
            .map(|m| (m.ticker.clone(), m.qty))
            .collect(),
        resting_orders_left: report.resting_left,
        positions_match_exchange: report.positions_match,
        denials: status.denials,
    };
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        eprintln!(
            "stopped: {} fills, fees ${}, net P&L ${}, resting orders left {}, positions match the exchange: {}",
            summary.fills,
            summary.fees.to_dollars(4),
            summary.marked_pnl.to_dollars(4),
            summary.resting_orders_left.map_or("unknown".to_owned(), |n| n.to_string()),
            summary.positions_match_exchange
        );
    }
    Ok(())
}
