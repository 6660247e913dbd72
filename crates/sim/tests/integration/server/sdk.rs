//! Kalshi's official Python SDK (kalshi-python-sync 3.34.0) against the simulator:
//! `tests/sdk/conformance.py` reads markets, books, portfolio, places, amends and cancels
//! orders, uses batches and order groups, places a legacy order by signed HTTP, and buys into
//! an ask seeded here by bob, checking fee and balance arithmetic, all through the SDK's typed
//! models. Needs `python3` with the SDK installed (`scripts/setup.sh` installs it).

use kmm_kalshi::wire::CreateOrderV2Request;
use kmm_model::{MarketTicker, Side};
use reqwest::Method;

use super::*;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/conformance.py");
const INSTALL: &str =
    "python3 -m pip install --ignore-requires-python kalshi-python-sync==3.34.0 (or run scripts/setup.sh)";

#[tokio::test]
async fn official_python_sdk_parses_every_response() {
    let probe = tokio::process::Command::new("python3").args(["-c", "import kalshi_python_sync"]).output().await;
    match probe {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!("Kalshi's Python SDK is not installed: {INSTALL}\n{}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => panic!("python3 is needed for the SDK conformance test ({e}); then {INSTALL}"),
    }

    // The SDK does not pace itself: a roomy tier keeps the Basic read burst (20 reads) out of the way.
    let sim = start(|c| c.tier = kmm_kalshi::ratelimit::Tier::PRIME).await;
    // Liquidity from another user: bob rests an ask the script buys into.
    let ask = CreateOrderV2Request::limit(MarketTicker::new(TICKER), Side::Ask, cents(60), qty(5));
    sim.client("bob").create_order(&ask).await.unwrap();

    let key_path = std::env::temp_dir().join(format!("kmm-sim-sdk-{}-{}.pem", std::process::id(), now_ms()));
    std::fs::write(&key_path, &rsa_key().private_pem).unwrap();
    let output = tokio::process::Command::new("python3")
        .arg(SCRIPT)
        .arg(sim.server.rest_url())
        .arg(sim.signers["alice"].key_id())
        .arg(&key_path)
        .args([TICKER, "0.60", "5"])
        .output()
        .await;
    let _ = std::fs::remove_file(&key_path);
    let output = output.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        output.status.success() && summary.ends_with(" passed, 0 failed"),
        "the official SDK failed against the simulator ({summary}):\n{stdout}\n{stderr}"
    );
    let passed: u32 = summary.split(' ').next().unwrap_or("0").parse().unwrap_or(0);
    assert!(passed >= 15, "every check ran: {summary}");

    // What the script did left the exchange consistent: bob sold his whole ask, and lost it
    // at settlement (YES won).
    let consistency = sim.admin(Method::GET, "/consistency", None).await;
    assert_eq!(consistency.status, 200, "{}", consistency.text);
    let bob = sim.client("bob");
    let fills = bob.fills(&Default::default()).await.unwrap().fills;
    let sold: i64 = fills.iter().map(|f| f.count_fp.units()).sum();
    assert_eq!(sold, qty(5).units(), "bob's whole ask was bought");
    let settlement = &bob.settlements(&Default::default()).await.unwrap().settlements[0];
    assert_eq!((settlement.no_count_fp, settlement.revenue), (qty(5), 0));
    sim.server.shutdown().await;
}
