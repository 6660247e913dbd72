//! The paper engine inside the app's state: startup, the kill switch from the tray and from
//! the command (one function), environment switching with the verified shutdown sweep.

use std::sync::Arc;
use std::time::Duration;

use kmm_desktop::dto::{Environment, SettingsDto, TradingStateDto};
use kmm_desktop::error::IpcError;
use kmm_desktop::events::run_bridge;
use kmm_desktop::settings::{SettingsFile, default_settings};
use kmm_desktop::state::Core;
use kmm_desktop::tray::{self, KILL_REASON, TrayItem};
use kmm_engine::risk::TradingState;
use kmm_engine::venue::LiveVenue;

use crate::common::{RecordingSink, eventually, test_keystore};

/// A core running paper mode with the bridge and a recording sink.
async fn paper_core(name: &str, file: SettingsFile) -> (Arc<Core>, Arc<RecordingSink>) {
    // Paper needs no key: the keystore is never read when paper is configured.
    let (core, inputs) = Core::new(test_keystore(name), file);
    let sink = Arc::new(RecordingSink::default());
    core.set_sink(sink.clone());
    tokio::spawn(run_bridge(core.clone(), inputs));
    let started = std::time::Instant::now();
    core.startup().await;
    assert!(started.elapsed() < Duration::from_secs(10), "paper mode starts within seconds: {:?}", started.elapsed());
    assert_eq!(core.environment(), Environment::Paper, "no key configured: paper mode");
    (core, sink)
}

/// Our orders resting on the simulator, as the exchange reports them.
async fn resting(venue: &LiveVenue) -> usize {
    venue.open_orders(None).await.map(|orders| orders.len()).unwrap_or(usize::MAX)
}

async fn wait_for_quotes(venue: &LiveVenue) -> usize {
    eventually(Duration::from_secs(30), "the paper engine to rest quotes on the simulator", || async {
        let n = resting(venue).await;
        (n > 0 && n != usize::MAX).then_some(n)
    })
    .await
}

async fn wait_until_flat(venue: &LiveVenue, what: &str) {
    eventually(Duration::from_secs(10), what, || async { (resting(venue).await == 0).then_some(()) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tray_and_command_kill_switch_cancel_every_resting_order() {
    let (core, sink) = paper_core("kill", SettingsFile::memory()).await;
    let venue = core.venue().await.expect("a running paper session has a venue");

    // The tray menu's handler.
    let before = wait_for_quotes(&venue).await;
    let cancels = tray::run_engine_item(&core, TrayItem::KillSwitch).await.expect("the kill switch is an engine item");
    let cancels = cancels.expect("the tray kill switch works on a running engine");
    assert!(cancels >= 1, "{before} orders were resting, the kill switch sent {cancels} cancels");
    wait_until_flat(&venue, "the simulator to confirm every order canceled after the tray kill switch").await;
    let status = core.handle().await.unwrap().status().await.unwrap();
    assert_eq!(status.state, TradingState::Halted, "the kill switch latches Halted");
    eventually(Duration::from_secs(5), "the KillSwitchEvent from the tray", || async {
        sink.kills.lock().unwrap().iter().any(|k| k.reason == KILL_REASON).then_some(())
    })
    .await;
    let dashboard = core.dashboard().await.unwrap();
    assert!(dashboard.risk.kill_switch && dashboard.risk.state == TradingStateDto::Halted);
    assert!(dashboard.orders.is_empty() || dashboard.orders.iter().all(|o| o.state != "open"));
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(resting(&venue).await, 0, "nothing is quoted again while the kill switch is latched");

    // A reset needs a name; then quoting resumes.
    assert!(matches!(core.reset_kill_switch("  ").await, Err(IpcError::Validation { .. })));
    core.reset_kill_switch("integration test").await.unwrap();
    wait_for_quotes(&venue).await;

    // The UI's `kill_switch` command is a one-line adapter over this same function.
    let cancels = core.kill_switch("kill switch from the UI").await.unwrap();
    assert!(cancels >= 1, "the command's kill switch canceled the resting orders");
    wait_until_flat(&venue, "the simulator to confirm every order canceled after the command's kill switch").await;
    eventually(Duration::from_secs(5), "the KillSwitchEvent from the command", || async {
        sink.kills.lock().unwrap().iter().any(|k| k.reason == "kill switch from the UI").then_some(())
    })
    .await;

    // The bridge kept the dashboard, books and tray going meanwhile.
    assert!(!sink.dashboards.lock().unwrap().is_empty(), "dashboard events were sent");
    assert!(!sink.books.lock().unwrap().is_empty(), "book events were sent");
    let tray = eventually(Duration::from_secs(5), "the tray to show the halt", || async {
        sink.trays.lock().unwrap().last().filter(|t| t.state == tray::TrayState::Halted).cloned()
    })
    .await;
    assert!(tray.tooltip.contains("HALTED"), "the tooltip says so: {tray:?}");

    let report = core.shutdown().await.expect("the shutdown sweep reports");
    assert!(report.confirmed_flat, "quitting confirms no orders are left: {report:?}");
    assert!(matches!(core.kill_switch("after quit").await, Err(IpcError::NotRunning)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_environment_sweeps_and_settings_apply_and_persist() {
    let dir = tempfile::tempdir().unwrap();
    let (core, sink) = paper_core("switch", SettingsFile::in_dir(dir.path())).await;
    let venue = core.venue().await.unwrap();
    wait_for_quotes(&venue).await;

    // Production is refused without the confirmation flag, before anything is touched.
    let refused = core.clone().switch_environment(Environment::Production, false).await;
    assert!(matches!(refused, Err(IpcError::ConfirmationRequired { .. })), "{refused:?}");
    assert_eq!(core.environment(), Environment::Paper);
    assert!(resting(&venue).await > 0, "the paper engine kept running");

    // Switching (here to paper again: never to Kalshi in a test) sweeps the old engine first.
    core.clone().switch_environment(Environment::Paper, false).await.unwrap();
    assert_eq!(resting(&venue).await, usize::MAX, "the old simulator is gone after its sweep");
    let logs = core.feed().logs();
    assert!(
        logs.iter().any(|l| l.message.contains("the exchange confirms no orders left")),
        "the old engine's sweep was verified: {logs:?}"
    );
    let new_venue = core.venue().await.unwrap();
    wait_for_quotes(&new_venue).await;

    // Settings: per-field errors, then applied to the engine and saved.
    let bad = SettingsDto { min_spread: "abc".into(), max_open_orders: 0.0, ..default_settings() };
    match core.save_settings(bad).await {
        Err(IpcError::Validation { fields }) => {
            let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(names, ["minSpread", "maxOpenOrders"], "{fields:?}");
        }
        other => panic!("bad settings must be a validation error, got {other:?}"),
    }
    let good = SettingsDto { min_spread: "0.0300".into(), notifications: false, ..default_settings() };
    core.save_settings(good).await.unwrap();
    assert_eq!(core.settings().min_spread, "0.0300");
    let saved = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
    assert!(saved.contains("\"minSpread\": \"0.0300\"") && saved.contains("\"environment\": \"paper\""), "{saved}");
    assert!(!core.notifications_enabled());

    // The environment choice was persisted; a later start reads it.
    let reopened = SettingsFile::in_dir(dir.path()).load();
    assert_eq!(reopened.environment, Environment::Paper);
    assert!(sink.logs.lock().unwrap().iter().any(|l| l.message.contains("switching to Paper")));
    assert!(core.shutdown().await.is_some_and(|r| r.confirmed_flat));
}
