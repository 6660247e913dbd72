//! `kalshi-mm check`: connectivity, exchange status, balance, positions, and a signed round trip.

use std::time::Instant;

use anyhow::Result;
use kmm_kalshi::rest::PortfolioQuery;
use kmm_kalshi::{Endpoints, Error as KalshiError, RestClient, RestConfig, Signer};
use kmm_model::Money;

/// Runs the checks against `endpoints` and prints one line per step; fails on the first
/// failure with an explanation of what it means.
pub async fn run(endpoints: Endpoints, signer: Option<Signer>) -> Result<()> {
    println!("exchange:   {}", endpoints.rest_base());
    let client = RestClient::new(RestConfig::new(endpoints.clone()), signer.clone())?;

    let status = client.exchange_status().await.map_err(|e| explain(&endpoints, e))?;
    println!(
        "status:     exchange {}, trading {}",
        if status.exchange_active { "active" } else { "INACTIVE" },
        if status.trading_active { "active" } else { "PAUSED" }
    );

    let Some(signer) = signer else {
        println!(
            "key:        none configured (public checks only; use `kalshi-mm keys import` or --key-id/--key-file)"
        );
        return Ok(());
    };
    println!("key:        {} ({})", signer.key_id(), signer.key_kind());

    let started = Instant::now();
    let balance = client.balance().await.map_err(|e| explain(&endpoints, e))?;
    let round_trip = started.elapsed();
    let cash = Money::from_cents(balance.balance)?;
    println!("balance:    ${} available", cash.to_dollars(2));
    println!("signed:     round trip {:.1} ms", round_trip.as_secs_f64() * 1e3);

    let positions = client
        .positions(&PortfolioQuery { limit: Some(1_000), ..Default::default() })
        .await
        .map_err(|e| explain(&endpoints, e))?;
    let open: Vec<_> = positions.market_positions.iter().filter(|p| !p.position_fp.is_zero()).collect();
    println!("positions:  {} open", open.len());
    for position in open {
        println!("            {:<40} {:>10}", position.ticker, position.position_fp);
    }
    Ok(())
}

/// Turns a client error into a message that says what to do about it.
fn explain(endpoints: &Endpoints, error: KalshiError) -> anyhow::Error {
    let hint = match &error {
        KalshiError::Transport(_) => format!("cannot reach {}: is the URL right and the host up?", endpoints.rest_base()),
        KalshiError::Auth { .. } => {
            "the exchange refused the key: check the key id, that the private key matches it, that it belongs to this environment (demo keys only work on demo), and the system clock".to_owned()
        }
        KalshiError::Api { status: 404, .. } => {
            format!("{} answered 404: this does not look like a Kalshi API base URL (it should end in /trade-api/v2)", endpoints.rest_base())
        }
        KalshiError::Decode { .. } => format!("{} answered with something that is not Kalshi's API", endpoints.rest_base()),
        _ => "the request failed".to_owned(),
    };
    anyhow::anyhow!("{hint}\n  cause: {error}")
}
