//! Where to connect and with which key: flags, then `KALSHI_*` environment variables, then the
//! OS keychain.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use kmm_kalshi::{Endpoints, Environment, Signer};
use kmm_secrets::KeyStore;

/// Connection flags shared by the commands that talk to an exchange.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Exchange: paper (the local simulator), demo, or production (real money).
    #[arg(long, env = "KALSHI_ENV", default_value = "paper")]
    pub env: Environment,
    /// REST base of any Kalshi-compatible exchange (e.g. a running simulator); overrides --env's URLs.
    #[arg(long, env = "KALSHI_REST_URL", requires = "ws_url")]
    pub rest_url: Option<String>,
    /// WebSocket URL matching --rest-url.
    #[arg(long, env = "KALSHI_WS_URL", requires = "rest_url")]
    pub ws_url: Option<String>,
    /// API key id (else the keychain's key for --env).
    #[arg(long, env = "KALSHI_API_KEY_ID", requires = "key_file")]
    pub key_id: Option<String>,
    /// Private key PEM file for --key-id (headless use; the desktop app keeps keys in the keychain).
    #[arg(long, env = "KALSHI_PRIVATE_KEY_PATH", requires = "key_id")]
    pub key_file: Option<PathBuf>,
}

impl ConnectArgs {
    /// The endpoints to use, or `None` for paper mode without a URL (an embedded simulator).
    pub fn endpoints(&self) -> Result<Option<Endpoints>> {
        match (&self.rest_url, &self.ws_url) {
            (Some(rest), Some(ws)) => Ok(Some(Endpoints::custom(rest, ws)?)),
            _ => Ok(self.env.endpoints()),
        }
    }

    /// The signer from flags/env, else from the keychain; `None` when there is no key.
    pub fn signer(&self) -> Result<Option<Signer>> {
        if let (Some(id), Some(path)) = (&self.key_id, &self.key_file) {
            let pem =
                std::fs::read_to_string(path).with_context(|| format!("reading the key file {}", path.display()))?;
            return Ok(Some(Signer::from_pem(id.trim(), &pem).context("loading the private key")?));
        }
        if self.env == Environment::Paper {
            return Ok(None);
        }
        KeyStore::default().signer(self.env).context("reading the OS keychain")
    }
}
