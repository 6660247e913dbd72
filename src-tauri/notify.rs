//! Native notifications: a closed set of kinds, each rate-limited, with fills batched when
//! many arrive close together ("3 fills: …"). The [`Notifier`] only decides; showing is done
//! by the bridge's sink (tauri-plugin-notification in the app). All of them can be turned off
//! with `SettingsDto.notifications`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::dto::{ConnectionDto, FillDto};

/// How long fills are collected into one notification.
pub const FILL_BATCH: Duration = Duration::from_secs(1);
/// Fills listed by name in a batched notification; the rest are counted.
const FILLS_LISTED: usize = 3;

/// Every kind of notification the app shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// One or more of our orders filled.
    Fills,
    /// The kill switch was engaged.
    KillSwitch,
    /// A risk limit halted trading (daily loss, position drift, ...).
    RiskHalt,
    /// The exchange feed went down.
    Disconnected,
    /// The exchange feed came back after a disconnect.
    Reconnected,
}

impl NoticeKind {
    /// The shortest time between two notifications of this kind.
    pub const fn min_interval(self) -> Duration {
        match self {
            NoticeKind::Fills => Duration::from_secs(10),
            NoticeKind::KillSwitch => Duration::from_secs(2),
            NoticeKind::RiskHalt | NoticeKind::Disconnected | NoticeKind::Reconnected => Duration::from_secs(30),
        }
    }
}

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Its kind.
    pub kind: NoticeKind,
    /// The title line.
    pub title: String,
    /// The body text.
    pub body: String,
}

/// Decides which notifications to show, and when.
#[derive(Debug)]
pub struct Notifier {
    enabled: bool,
    last: HashMap<NoticeKind, Instant>,
    fills: Vec<FillDto>,
    first_fill: Option<Instant>,
    was_disconnected: bool,
}

impl Notifier {
    /// A notifier, on or off.
    pub fn new(enabled: bool) -> Self {
        Self { enabled, last: HashMap::new(), fills: Vec::new(), first_fill: None, was_disconnected: false }
    }

    /// Turns notifications on or off; turning them off drops pending fills.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
        if !enabled {
            self.fills.clear();
            self.first_fill = None;
        }
    }

    /// Whether notifications are on.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// `notice` unless its kind was shown too recently (or notifications are off).
    fn gate(&mut self, notice: Notice, now: Instant) -> Option<Notice> {
        if !self.enabled {
            return None;
        }
        if let Some(last) = self.last.get(&notice.kind)
            && now.saturating_duration_since(*last) < notice.kind.min_interval()
        {
            return None;
        }
        self.last.insert(notice.kind, now);
        Some(notice)
    }

    /// Collects a fill; it is shown by [`Notifier::poll`] once the batch window has passed.
    pub fn on_fill(&mut self, fill: FillDto, now: Instant) {
        if !self.enabled {
            return;
        }
        self.first_fill.get_or_insert(now);
        self.fills.push(fill);
    }

    /// The kill switch was engaged.
    pub fn on_kill_switch(&mut self, reason: &str, cancels: u32, now: Instant) -> Option<Notice> {
        let body = format!("{reason} ({cancels} orders canceled). Trading stays halted until you reset it.");
        self.gate(Notice { kind: NoticeKind::KillSwitch, title: "Kill switch engaged".to_owned(), body }, now)
    }

    /// A risk limit halted trading.
    pub fn on_risk_halt(&mut self, reason: &str, now: Instant) -> Option<Notice> {
        let body = format!("{reason}. Trading stays halted until you reset it.");
        self.gate(Notice { kind: NoticeKind::RiskHalt, title: "Trading halted".to_owned(), body }, now)
    }

    /// The feed connection changed.
    pub fn on_connection(&mut self, connection: ConnectionDto, reason: Option<&str>, now: Instant) -> Option<Notice> {
        match connection {
            ConnectionDto::Disconnected => {
                self.was_disconnected = true;
                let body = match reason {
                    Some(reason) => format!("Lost the exchange feed ({reason}); reconnecting. Quotes are held."),
                    None => "Lost the exchange feed; reconnecting. Quotes are held.".to_owned(),
                };
                self.gate(Notice { kind: NoticeKind::Disconnected, title: "Disconnected".to_owned(), body }, now)
            }
            ConnectionDto::Connected if self.was_disconnected => {
                self.was_disconnected = false;
                let body = "The exchange feed is back; books resynced.".to_owned();
                self.gate(Notice { kind: NoticeKind::Reconnected, title: "Reconnected".to_owned(), body }, now)
            }
            ConnectionDto::Connected | ConnectionDto::Connecting => None,
        }
    }

    /// The fills batch, once [`FILL_BATCH`] has passed since its first fill and the fills
    /// rate limit allows; until then fills keep accumulating.
    pub fn poll(&mut self, now: Instant) -> Option<Notice> {
        let first = self.first_fill?;
        if !self.enabled || now.saturating_duration_since(first) < FILL_BATCH {
            return None;
        }
        if let Some(last) = self.last.get(&NoticeKind::Fills)
            && now.saturating_duration_since(*last) < NoticeKind::Fills.min_interval()
        {
            return None;
        }
        let fills = std::mem::take(&mut self.fills);
        self.first_fill = None;
        self.gate(fills_notice(&fills), now)
    }
}

fn describe(fill: &FillDto) -> String {
    let verb = if fill.side == "bid" { "bought" } else { "sold" };
    format!("{} {verb} {} @ {}", fill.ticker, fill.count, fill.price)
}

/// Title "Fill" or "3 fills", body "KXA bought 10.00 @ 0.4300; …".
pub fn fills_notice(fills: &[FillDto]) -> Notice {
    let (title, body) = match fills {
        [one] => ("Fill".to_owned(), describe(one)),
        many => {
            let mut listed: Vec<String> = many.iter().take(FILLS_LISTED).map(describe).collect();
            if many.len() > FILLS_LISTED {
                listed.push(format!("and {} more", many.len() - FILLS_LISTED));
            }
            (format!("{} fills", many.len()), listed.join("; "))
        }
    };
    Notice { kind: NoticeKind::Fills, title, body }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn fill(ticker: &str, side: &str) -> FillDto {
        FillDto {
            trade_id: format!("t-{ticker}-{side}"),
            ticker: ticker.to_owned(),
            side: side.to_owned(),
            price: "0.4300".to_owned(),
            count: "10.00".to_owned(),
            fee: "0.010000".to_owned(),
            is_taker: false,
            ts_ms: None,
        }
    }

    #[test]
    fn fills_arriving_together_are_batched() {
        let t0 = Instant::now();
        let mut n = Notifier::new(true);
        n.on_fill(fill("KXA", "bid"), t0);
        n.on_fill(fill("KXB", "ask"), t0 + Duration::from_millis(200));
        n.on_fill(fill("KXC", "bid"), t0 + Duration::from_millis(400));
        assert_eq!(n.poll(t0 + Duration::from_millis(900)), None, "still inside the batch window");
        let notice = n.poll(t0 + Duration::from_millis(1_050)).unwrap();
        assert_eq!(notice.title, "3 fills");
        assert!(notice.body.starts_with("KXA bought 10.00 @ 0.4300; KXB sold"), "{}", notice.body);
        assert_eq!(n.poll(t0 + Duration::from_secs(2)), None, "the batch was shown once");
    }

    #[test]
    fn fill_notices_are_rate_limited_but_never_lost() {
        let t0 = Instant::now();
        let mut n = Notifier::new(true);
        n.on_fill(fill("KXA", "bid"), t0);
        assert_eq!(n.poll(t0 + Duration::from_secs(1)).unwrap().title, "Fill");
        n.on_fill(fill("KXB", "bid"), t0 + Duration::from_millis(1_100));
        assert_eq!(n.poll(t0 + Duration::from_secs(5)), None, "within the 10 s fill interval");
        n.on_fill(fill("KXC", "ask"), t0 + Duration::from_secs(6));
        let later = n.poll(t0 + Duration::from_secs(11)).unwrap();
        assert_eq!(later.title, "2 fills", "held fills are shown together once allowed");
    }

    #[test]
    fn each_kind_is_rate_limited_on_its_own() {
        let t0 = Instant::now();
        let mut n = Notifier::new(true);
        assert!(n.on_kill_switch("tray", 4, t0).is_some());
        assert!(n.on_kill_switch("tray", 0, t0 + Duration::from_millis(500)).is_none(), "repeat suppressed");
        assert!(n.on_risk_halt("daily loss", t0 + Duration::from_millis(500)).is_some(), "another kind passes");
        assert!(n.on_connection(ConnectionDto::Connected, None, t0).is_none(), "no reconnect without a disconnect");
        assert!(n.on_connection(ConnectionDto::Disconnected, Some("eof"), t0).is_some());
        let back = n.on_connection(ConnectionDto::Connected, None, t0 + Duration::from_secs(1)).unwrap();
        assert_eq!(back.kind, NoticeKind::Reconnected);
        assert!(n.on_kill_switch("ui", 1, t0 + Duration::from_secs(3)).is_some(), "after the interval");
    }

    #[test]
    fn notifications_can_be_turned_off() {
        let t0 = Instant::now();
        let mut n = Notifier::new(false);
        n.on_fill(fill("KXA", "bid"), t0);
        assert!(n.poll(t0 + Duration::from_secs(2)).is_none());
        assert!(n.on_kill_switch("tray", 1, t0).is_none());
        n.set_enabled(true);
        assert!(n.on_kill_switch("tray", 1, t0).is_some());
    }
}
