//! Our client order ids: `{prefix}-{session}-{counter}`, at most 64 characters of `[-\w:]`.
//!
//! The prefix marks an order as the market maker's (the startup sweep adopts or cancels
//! exchange orders carrying it and never touches others); the session part makes ids unique
//! across restarts; the counter makes them unique within a session.

use kmm_model::ClientOrderId;

use super::TrackError;

/// Longest prefix or session part.
pub const MAX_PART_LEN: usize = 16;

/// A session tag from the start time and a nonce (e.g. the process id or a random number):
/// base-36, at most 16 characters.
pub fn session_tag(start_ms: i64, nonce: u64) -> String {
    let mut out = base36(start_ms.unsigned_abs());
    let nonce = base36(nonce % 36u64.pow(4));
    out.push_str(&nonce);
    // All ASCII, so byte slicing is safe; keep the fast-moving low digits.
    out.split_off(out.len().saturating_sub(MAX_PART_LEN))
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = Vec::new();
    loop {
        buf.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    buf.reverse();
    String::from_utf8_lossy(&buf).into_owned()
}

fn check_part(what: &'static str, part: &str) -> Result<(), TrackError> {
    let ok =
        !part.is_empty() && part.len() <= MAX_PART_LEN && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok { Ok(()) } else { Err(TrackError::BadIdPart { what, value: part.to_owned() }) }
}

/// Generates unique client order ids and recognises ours.
#[derive(Debug, Clone)]
pub struct ClientIdGen {
    prefix: String,
    session: String,
    next: u64,
}

impl ClientIdGen {
    /// A generator; `prefix` and `session` are 1–16 characters of `[A-Za-z0-9_]`.
    pub fn new(prefix: &str, session: &str) -> Result<Self, TrackError> {
        check_part("prefix", prefix)?;
        check_part("session", session)?;
        Ok(Self { prefix: prefix.to_owned(), session: session.to_owned(), next: 1 })
    }

    /// The next id.
    pub fn next_id(&mut self) -> ClientOrderId {
        let id = ClientOrderId::from(format!("{}-{}-{}", self.prefix, self.session, self.next));
        self.next = self.next.wrapping_add(1);
        id
    }

    /// True for ids made by any session with our prefix.
    pub fn is_ours(&self, id: &ClientOrderId) -> bool {
        id.as_str().strip_prefix(&self.prefix).is_some_and(|rest| rest.starts_with('-'))
    }

    /// True for ids made by this session.
    pub fn is_this_session(&self, id: &ClientOrderId) -> bool {
        id.as_str()
            .strip_prefix(&self.prefix)
            .and_then(|rest| rest.strip_prefix('-'))
            .and_then(|rest| rest.strip_prefix(&self.session))
            .is_some_and(|rest| rest.starts_with('-'))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ids_are_unique_short_and_recognised() {
        let session = session_tag(1_767_225_600_123, 4_294_967_295);
        assert!(session.len() <= MAX_PART_LEN, "{session}");
        let mut ids = ClientIdGen::new("kmm", &session).unwrap();
        let a = ids.next_id();
        let b = ids.next_id();
        assert_ne!(a, b);
        let longest = ClientIdGen::new("p_______________", "s_______________").unwrap();
        let mut longest = ClientIdGen { next: u64::MAX, ..longest };
        let long = longest.next_id();
        assert!(long.as_str().len() <= 64, "Kalshi caps client ids at 64: {long}");
        for id in [&a, &long] {
            assert!(id.as_str().chars().all(|c| c.is_ascii_alphanumeric() || "-_:".contains(c)), "{id}");
        }
        assert!(ids.is_ours(&a) && ids.is_this_session(&a));
        let old = ClientOrderId::new("kmm-oldsession-7");
        assert!(ids.is_ours(&old) && !ids.is_this_session(&old), "a previous session's order is ours");
        assert!(!ids.is_ours(&ClientOrderId::new("kmmx-1-1")), "prefix must end at a dash");
        assert!(!ids.is_ours(&ClientOrderId::new("manual-order")));
        assert!(ClientIdGen::new("k-m", "s").is_err(), "dashes would break parsing");
        assert!(ClientIdGen::new("kmm", "").is_err());
    }
}
