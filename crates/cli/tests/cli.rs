//! The `kalshi-mm` binary end to end: `check` against a running simulator (success, a wrong
//! key, a wrong URL, an unreachable host) and `keys` against the real OS keychain.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::{Command, Output};

use kmm_kalshi::signer::KeyKind;
use kmm_sim::Exchange;
use kmm_sim::server::SimConfig;
use kmm_sim::server::app::{SimServer, generate_api_key};

const BIN: &str = env!("CARGO_BIN_EXE_kalshi-mm");

fn kalshi_mm(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env_remove("KALSHI_ENV").env("RUST_BACKTRACE", "0").output().expect("runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[tokio::test(flavor = "multi_thread")]
async fn check_reports_status_balance_and_clear_errors() {
    let (key, pair) = generate_api_key(KeyKind::Ed25519, kmm_sim::UserId::new("cli-user")).unwrap();
    let key_id = key.key_id.clone();
    let server = SimServer::start(SimConfig::new(vec![key]), Exchange::new()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key.pem");
    std::fs::write(&key_file, &pair.private_pem).unwrap();
    let key_file = key_file.to_str().unwrap().to_owned();
    let (rest, ws) = (server.rest_url().to_owned(), server.ws_url().to_owned());

    let ok = tokio::task::spawn_blocking({
        let (rest, ws, key_id, key_file) = (rest.clone(), ws.clone(), key_id.clone(), key_file.clone());
        move || {
            kalshi_mm(&["check", "--rest-url", &rest, "--ws-url", &ws, "--key-id", &key_id, "--key-file", &key_file])
        }
    })
    .await
    .unwrap();
    let out = text(&ok);
    assert!(ok.status.success(), "{out}");
    assert!(out.contains("exchange active, trading active"), "{out}");
    assert!(out.contains("balance:    $10000.00 available"), "{out}");
    assert!(out.contains("positions:  0 open"), "{out}");
    assert!(!out.contains("PRIVATE KEY"), "no key material in the output");

    let wrong_key = tokio::task::spawn_blocking({
        let (rest, ws, key_file) = (rest.clone(), ws.clone(), key_file.clone());
        move || {
            kalshi_mm(&[
                "check",
                "--rest-url",
                &rest,
                "--ws-url",
                &ws,
                "--key-id",
                "not-registered",
                "--key-file",
                &key_file,
            ])
        }
    })
    .await
    .unwrap();
    assert!(!wrong_key.status.success());
    assert!(text(&wrong_key).contains("refused the key"), "{}", text(&wrong_key));

    let base = rest.trim_end_matches("/trade-api/v2").to_owned();
    let wrong_url = tokio::task::spawn_blocking(move || {
        kalshi_mm(&["check", "--rest-url", &format!("{base}/api/v1"), "--ws-url", "ws://127.0.0.1:1/x"])
    })
    .await
    .unwrap();
    assert!(!wrong_url.status.success());
    assert!(text(&wrong_url).contains("does not look like a Kalshi API"), "{}", text(&wrong_url));
    server.shutdown().await;

    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = free.local_addr().unwrap();
    drop(free);
    let unreachable = tokio::task::spawn_blocking(move || {
        kalshi_mm(&[
            "check",
            "--rest-url",
            &format!("http://{dead}/trade-api/v2"),
            "--ws-url",
            &format!("ws://{dead}/trade-api/ws/v2"),
        ])
    })
    .await
    .unwrap();
    assert!(!unreachable.status.success());
    assert!(text(&unreachable).contains("cannot reach"), "{}", text(&unreachable));
}

#[test]
fn keys_import_status_delete_through_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("demo.pem");
    std::fs::write(&pem, kmm_kalshi::signer::generate_ed25519_pem().unwrap().private_pem).unwrap();
    let pem = pem.to_str().unwrap();

    let import =
        kalshi_mm(&["keys", "import", "--env", "demo", "--key-id", "cli-test-key", "--file", pem, "--delete-file"]);
    assert!(import.status.success(), "{}", text(&import));
    assert!(!std::path::Path::new(pem).exists(), "--delete-file removes the .pem after import");
    let status = kalshi_mm(&["keys", "status"]);
    assert!(text(&status).contains("demo        key cli-test-key"), "{}", text(&status));
    assert!(!text(&status).contains("PRIVATE"), "status never shows the key");
    let delete = kalshi_mm(&["keys", "delete", "--env", "demo"]);
    assert!(text(&delete).contains("key deleted"), "{}", text(&delete));
    assert!(text(&kalshi_mm(&["keys", "status"])).contains("demo        no key"));

    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "not a key").unwrap();
    let refused = kalshi_mm(&["keys", "import", "--env", "demo", "--key-id", "x", "--file", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("not a usable Kalshi private key"), "{}", text(&refused));
}
