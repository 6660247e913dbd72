//! Native notifications reach the desktop's notification service: a batch of fills becomes
//! one `org.freedesktop.Notifications.Notify` call on the session bus, observed with
//! `dbus-monitor`. The app shows notices through tauri-plugin-notification, which on Linux
//! sends them with notify-rust; without a Tauri app this test sends them with notify-rust
//! directly, with the app's binary name as the app name, as the plugin does.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use kmm_desktop::dto::FillDto;
use kmm_desktop::notify::{FILL_BATCH, Notice, Notifier};

fn fill(ticker: &str, side: &str) -> FillDto {
    FillDto {
        trade_id: format!("t-{ticker}"),
        ticker: ticker.to_owned(),
        side: side.to_owned(),
        price: "0.4300".to_owned(),
        count: "10.00".to_owned(),
        fee: "0.010000".to_owned(),
        is_taker: false,
        ts_ms: None,
    }
}

fn show(notice: &Notice) {
    // The plugin's notifications carry the binary's name as their app name.
    let result = notify_rust::Notification::new()
        .appname("kmm-desktop")
        .summary(&notice.title)
        .body(&notice.body)
        .timeout(notify_rust::Timeout::Milliseconds(3_000))
        .show();
    // Without a notification daemon the call fails after it was sent; the bus still saw it.
    if let Err(error) = result {
        eprintln!("no notification daemon answered ({error}); the Notify call is still on the bus");
    }
}

#[test]
fn batched_fills_become_one_notify_call_on_the_session_bus() {
    crate::common::require_session_bus();
    let mut monitor = Command::new("dbus-monitor")
        .args(["--session", "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor must be installed (Debian package dbus-bin)");
    let stdout = monitor.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    // dbus-monitor prints its own NameAcquired/NameLost signals first: then it is listening.
    received.recv_timeout(Duration::from_secs(5)).expect("dbus-monitor attached to the session bus");

    let t0 = Instant::now();
    let mut notifier = Notifier::new(true);
    notifier.on_fill(fill("KXHIGHNY-A", "bid"), t0);
    notifier.on_fill(fill("KXHIGHNY-B", "ask"), t0 + Duration::from_millis(300));
    notifier.on_fill(fill("KXHIGHNY-C", "bid"), t0 + Duration::from_millis(600));
    assert_eq!(notifier.poll(t0 + Duration::from_millis(700)), None, "fills are held for the batch window");
    let notice = notifier.poll(t0 + FILL_BATCH).expect("one notice for the batch");
    show(&notice);

    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen: Vec<String> = Vec::new();
    let complete = |seen: &[String]| {
        let call = seen.iter().position(|l| l.contains("member=Notify"));
        call.is_some_and(|i| seen[i..].iter().any(|l| l.contains("KXHIGHNY-C")))
    };
    while Instant::now() < deadline && !complete(&seen) {
        if let Ok(line) = received.recv_timeout(Duration::from_millis(200)) {
            seen.push(line);
        }
    }
    let _ = monitor.kill();
    let _ = monitor.wait();
    let trace = seen.join("\n");
    assert!(
        trace.contains("string \"3 fills\""),
        "a Notify call titled \"3 fills\" was expected on the session bus; dbus-monitor saw:\n{trace}"
    );
    assert!(trace.contains("KXHIGHNY-A bought 10.00 @ 0.4300"), "the body lists the fills:\n{trace}");
    assert!(trace.contains("string \"kmm-desktop\""), "the app name is the app's:\n{trace}");
}
