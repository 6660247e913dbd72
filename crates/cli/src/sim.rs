//! `kalshi-mm sim`: the Kalshi-compatible exchange simulator on a local address.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use kmm_kalshi::ratelimit::Tier;
use kmm_kalshi::signer::{KeyKind, PublicKey};
use kmm_model::Money;
use kmm_sim::faults::FaultConfig;
use kmm_sim::flow::FlowConfig;
use kmm_sim::server::app::{SimServer, generate_api_key};
use kmm_sim::server::{ApiKey, SimConfig};
use kmm_sim::{Exchange, UserId};

/// Simulator flags.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub addr: SocketAddr,
    /// Synthetic markets to list.
    #[arg(long, default_value_t = 8)]
    pub markets: usize,
    /// Seed for the synthetic flow and faults.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Cash each account starts with, in whole dollars.
    #[arg(long, default_value_t = 10_000)]
    pub balance_dollars: i64,
    /// Accept a key: KEY_ID:PUBLIC_KEY_PEM_PATH (repeatable; each key gets its own account).
    #[arg(long = "api-key", value_name = "KEY_ID:PUBLIC_KEY_PEM_PATH")]
    pub api_keys: Vec<String>,
    /// Generate a key pair, write the private key into DIR and accept it.
    #[arg(long, value_name = "DIR")]
    pub new_key: Option<PathBuf>,
    /// Type of the generated key.
    #[arg(long, default_value = "ed25519", value_parser = parse_kind)]
    pub new_key_kind: KeyKind,
    /// Synthetic orders per second per market (0 = no flow).
    #[arg(long, default_value_t = 4.0)]
    pub orders_per_sec: f64,
    /// Share of taker flow that is informed (adverse selection for market makers).
    #[arg(long, default_value_t = 0.2)]
    pub informed_share: f64,
    /// Markets close and settle after this many seconds and are replaced.
    #[arg(long)]
    pub market_lifetime_secs: Option<u64>,
    /// Rate-limit tier of every key: basic, advanced, premier, paragon, prime.
    #[arg(long, default_value = "prime")]
    pub tier: String,
    /// Fraction of REST requests answered 429.
    #[arg(long, default_value_t = 0.0)]
    pub fault_429_rate: f64,
    /// Fraction of REST requests answered 500/503.
    #[arg(long, default_value_t = 0.0)]
    pub fault_5xx_rate: f64,
    /// Fraction of order creations rejected.
    #[arg(long, default_value_t = 0.0)]
    pub fault_reject_rate: f64,
    /// WebSocket connections dropped per connection per second.
    #[arg(long, default_value_t = 0.0)]
    pub fault_ws_drop_per_sec: f64,
    /// Fraction of order-book frames whose seq skips (a gap).
    #[arg(long, default_value_t = 0.0)]
    pub fault_seq_skip_rate: f64,
    /// Fraction of frames sent twice.
    #[arg(long, default_value_t = 0.0)]
    pub fault_duplicate_rate: f64,
    /// Largest extra delay per WebSocket frame, ms.
    #[arg(long, default_value_t = 0)]
    pub fault_max_delay_ms: u64,
    /// Fraction of private fill frames lost (clients must backfill over REST).
    #[arg(long, default_value_t = 0.0)]
    pub fault_fill_loss_rate: f64,
}

fn parse_kind(text: &str) -> Result<KeyKind, String> {
    match text {
        "rsa" => Ok(KeyKind::Rsa),
        "ed25519" => Ok(KeyKind::Ed25519),
        other => Err(format!("unknown key kind {other:?}: use rsa or ed25519")),
    }
}

impl SimArgs {
    fn faults(&self) -> FaultConfig {
        FaultConfig {
            http_429_rate: self.fault_429_rate,
            http_5xx_rate: self.fault_5xx_rate,
            reject_order_rate: self.fault_reject_rate,
            ws_drop_per_sec: self.fault_ws_drop_per_sec,
            ws_seq_skip_rate: self.fault_seq_skip_rate,
            ws_duplicate_rate: self.fault_duplicate_rate,
            ws_max_delay_ms: self.fault_max_delay_ms,
            ws_fill_loss_rate: self.fault_fill_loss_rate,
            trading_paused: false,
        }
    }

    /// The server configuration these flags describe (keys not included).
    pub fn config(&self, api_keys: Vec<ApiKey>) -> Result<SimConfig> {
        let faults = self.faults();
        faults.validate().map_err(anyhow::Error::msg)?;
        let mut config = SimConfig::new(api_keys);
        config.addr = self.addr;
        config.seed = self.seed;
        config.starting_balance = Money::from_cents(self.balance_dollars.saturating_mul(100))?;
        config.faults = faults;
        config.tier = Tier::by_name(&self.tier);
        config.flow = Some(FlowConfig {
            markets: self.markets,
            orders_per_sec: self.orders_per_sec,
            informed_share: self.informed_share,
            market_lifetime_secs: self.market_lifetime_secs,
            ..FlowConfig::default()
        });
        Ok(config)
    }
}

/// Parses `KEY_ID:PATH` and reads the public key.
fn registered_key(spec: &str, index: usize) -> Result<ApiKey> {
    let Some((key_id, path)) = spec.split_once(':') else {
        bail!("--api-key wants KEY_ID:PUBLIC_KEY_PEM_PATH, got {spec:?}");
    };
    let pem = std::fs::read_to_string(path).with_context(|| format!("reading public key {path}"))?;
    let public_key = PublicKey::from_pem(&pem).with_context(|| format!("{path} is not a public key PEM"))?;
    Ok(ApiKey { key_id: key_id.to_owned(), public_key, user: UserId::new(format!("user-{}", index + 1)) })
}

/// Writes a generated private key into `dir` with owner-only permissions.
fn write_private_key(dir: &Path, key_id: &str, pem: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("kalshi-sim-{key_id}.pem"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).with_context(|| format!("creating {}", path.display()))?;
    std::io::Write::write_all(&mut file, pem.as_bytes())?;
    Ok(path)
}

/// Starts the simulator, prints its URLs and keys, and serves until Ctrl-C.
pub async fn run(args: SimArgs) -> Result<()> {
    let mut keys = args.api_keys.iter().enumerate().map(|(i, s)| registered_key(s, i)).collect::<Result<Vec<_>>>()?;
    let mut generated = None;
    if let Some(dir) = &args.new_key {
        let (key, pair) = generate_api_key(args.new_key_kind, UserId::new("user-generated"))?;
        let path = write_private_key(dir, &key.key_id, &pair.private_pem)?;
        generated = Some((key.key_id.clone(), path));
        keys.push(key);
    }
    let server = SimServer::start(args.config(keys)?, Exchange::new()).await?;
    println!("Kalshi simulator running (paper money only)");
    println!("REST:      {}", server.rest_url());
    println!("WebSocket: {}", server.ws_url());
    println!("admin:     {}", server.admin_url());
    if let Some((key_id, path)) = generated {
        println!("key id:    {key_id}");
        println!("key file:  {}", path.display());
        println!(
            "try:       kalshi-mm check --rest-url {} --ws-url {} --key-id {key_id} --key-file {}",
            server.rest_url(),
            server.ws_url(),
            path.display()
        );
    }
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    println!("shutting down");
    server.shutdown().await;
    Ok(())
}
