//! Shared helpers: a sink that records everything the bridge and the core send to the UI.

use std::sync::Mutex;
use std::time::Duration;

use kmm_desktop::dto::{BookDto, DashboardDto, FillDto, LogDto};
use kmm_desktop::events::{KillSwitchEvent, UiSink};
use kmm_desktop::notify::Notice;
use kmm_desktop::tray::TrayStatus;

/// Everything sent to the UI, serialised as the UI would receive it.
#[derive(Debug, Default)]
pub struct RecordingSink {
    pub json: Mutex<Vec<String>>,
    pub dashboards: Mutex<Vec<DashboardDto>>,
    pub books: Mutex<Vec<BookDto>>,
    pub logs: Mutex<Vec<LogDto>>,
    pub kills: Mutex<Vec<KillSwitchEvent>>,
    pub trays: Mutex<Vec<TrayStatus>>,
    pub notices: Mutex<Vec<Notice>>,
}

impl RecordingSink {
    fn record<T: serde::Serialize>(&self, value: &T) {
        self.json.lock().unwrap().push(serde_json::to_string(value).unwrap());
    }

    /// Every serialised DTO and event, plus the tray and notification texts.
    pub fn all_text(&self) -> String {
        let mut text = self.json.lock().unwrap().join("\n");
        for tray in self.trays.lock().unwrap().iter() {
            text.push_str(&format!("\n{} {}", tray.summary, tray.tooltip));
        }
        for notice in self.notices.lock().unwrap().iter() {
            text.push_str(&format!("\n{} {}", notice.title, notice.body));
        }
        text
    }
}

impl UiSink for RecordingSink {
    fn dashboard(&self, dashboard: &DashboardDto) {
        self.record(dashboard);
        self.dashboards.lock().unwrap().push(dashboard.clone());
    }
    fn book(&self, book: &BookDto) {
        self.record(book);
        self.books.lock().unwrap().push(book.clone());
    }
    fn fill(&self, fill: &FillDto) {
        self.record(fill);
    }
    fn log(&self, log: &LogDto) {
        self.record(log);
        self.logs.lock().unwrap().push(log.clone());
    }
    fn kill_switch(&self, event: &KillSwitchEvent) {
        self.record(event);
        self.kills.lock().unwrap().push(event.clone());
    }
    fn tray(&self, status: &TrayStatus) {
        self.trays.lock().unwrap().push(status.clone());
    }
    fn notify(&self, notice: &Notice) {
        self.notices.lock().unwrap().push(notice.clone());
    }
}

/// Polls `check` every 100 ms until it returns `Some`, or panics with `what` after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The session bus address, or a clear failure: these tests need `scripts/keyring-session.sh`.
pub fn require_session_bus() -> String {
    match std::env::var("DBUS_SESSION_BUS_ADDRESS") {
        Ok(address) if !address.is_empty() => address,
        _ => panic!(
            "DBUS_SESSION_BUS_ADDRESS is not set: run the desktop tests inside scripts/keyring-session.sh \
             (a private D-Bus session with an unlocked throwaway keyring), e.g. \
             `scripts/keyring-session.sh cargo test -p kmm-desktop --features custom-protocol`"
        ),
    }
}

/// A keychain namespace of this test run, so tests never touch the user's keys.
pub fn test_keystore(name: &str) -> kmm_secrets::KeyStore {
    kmm_secrets::KeyStore::new(format!("io.github.kalshimm.test.desktop.{name}.{}", std::process::id()))
}
