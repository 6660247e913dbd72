//! Client-side token buckets mirroring Kalshi's: one for reads, one for writes, each request
//! costing tokens (10 by default; batch endpoints bill every item).
//!
//! Built on `governor` (GCRA), so a request waits just long enough instead of being sent to
//! earn a 429.

use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter as Gcra};

/// Tokens a request costs unless listed otherwise (Kalshi's `default_cost`).
pub const DEFAULT_COST: u32 = 10;
/// Tokens per item of a batch cancel (a third-party figure: 0.2 of a request).
pub const BATCH_CANCEL_ITEM_COST: u32 = 2;

/// Which budget a request draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Reads: market data, portfolio reads.
    Read,
    /// Writes: order create, amend, decrease, cancel, batches, order groups.
    Write,
}

/// A rate-limit tier: tokens per second and burst capacity of each bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    /// Read tokens refilled per second.
    pub read_per_sec: u32,
    /// Read bucket capacity.
    pub read_capacity: u32,
    /// Write tokens refilled per second.
    pub write_per_sec: u32,
    /// Write bucket capacity (Kalshi: two seconds of budget).
    pub write_capacity: u32,
}

impl Tier {
    /// Kalshi's Basic tier: 200 read and 100 write tokens per second.
    pub const BASIC: Tier = Tier::new(200, 100);
    /// Advanced: 300 / 300.
    pub const ADVANCED: Tier = Tier::new(300, 300);
    /// Premier: 1 000 / 1 000.
    pub const PREMIER: Tier = Tier::new(1_000, 1_000);
    /// Paragon: 2 000 / 2 000.
    pub const PARAGON: Tier = Tier::new(2_000, 2_000);
    /// Prime: 4 000 / 4 000.
    pub const PRIME: Tier = Tier::new(4_000, 4_000);

    /// A tier from its refill rates; read capacity is one second of budget (unconfirmed by
    /// Kalshi), write capacity two seconds (documented).
    pub const fn new(read_per_sec: u32, write_per_sec: u32) -> Self {
        Tier { read_per_sec, read_capacity: read_per_sec, write_per_sec, write_capacity: write_per_sec * 2 }
    }

    /// A tier by Kalshi's `usage_tier` name; unknown names fall back to Basic.
    pub fn by_name(name: &str) -> Tier {
        match name.to_ascii_lowercase().as_str() {
            "advanced" => Tier::ADVANCED,
            "premier" => Tier::PREMIER,
            "paragon" => Tier::PARAGON,
            "prime" => Tier::PRIME,
            _ => Tier::BASIC,
        }
    }
}

/// The two buckets of one API key.
#[derive(Debug)]
pub struct RateLimiter {
    read: DefaultDirectRateLimiter,
    read_capacity: NonZeroU32,
    write: DefaultDirectRateLimiter,
    write_capacity: NonZeroU32,
}

fn bucket(per_sec: u32, capacity: u32) -> (DefaultDirectRateLimiter, NonZeroU32) {
    let rate = NonZeroU32::new(per_sec).unwrap_or(NonZeroU32::MIN);
    let capacity = NonZeroU32::new(capacity).unwrap_or(rate);
    (Gcra::direct(Quota::per_second(rate).allow_burst(capacity)), capacity)
}

impl RateLimiter {
    /// Buckets for a tier, both full.
    pub fn new(tier: Tier) -> Self {
        let (read, read_capacity) = bucket(tier.read_per_sec, tier.read_capacity);
        let (write, write_capacity) = bucket(tier.write_per_sec, tier.write_capacity);
        Self { read, read_capacity, write, write_capacity }
    }

    fn parts(&self, which: Bucket) -> (&DefaultDirectRateLimiter, NonZeroU32) {
        match which {
            Bucket::Read => (&self.read, self.read_capacity),
            Bucket::Write => (&self.write, self.write_capacity),
        }
    }

    /// Waits until `tokens` are available in `which` and takes them. A cost above the bucket's
    /// capacity is taken in capacity-sized pieces rather than refused.
    pub async fn acquire(&self, which: Bucket, tokens: u32) {
        let (limiter, capacity) = self.parts(which);
        let mut left = tokens;
        while let Some(n) = NonZeroU32::new(left.min(capacity.get())) {
            // `n` never exceeds the capacity, so this cannot report insufficient capacity.
            let _ = limiter.until_n_ready(n).await;
            left -= n.get();
        }
    }

    /// Takes `tokens` if available now; `false` leaves the bucket untouched.
    pub fn try_acquire(&self, which: Bucket, tokens: u32) -> bool {
        let (limiter, _) = self.parts(which);
        match NonZeroU32::new(tokens) {
            None => true,
            Some(n) => matches!(limiter.check_n(n), Ok(Ok(()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_is_capacity_then_refused() {
        let limiter = RateLimiter::new(Tier::BASIC);
        // Write: 200 tokens of burst = 20 default-cost orders.
        for i in 0..20 {
            assert!(limiter.try_acquire(Bucket::Write, DEFAULT_COST), "order {i} fits the burst");
        }
        assert!(!limiter.try_acquire(Bucket::Write, DEFAULT_COST), "the 21st must wait");
        assert!(limiter.try_acquire(Bucket::Read, DEFAULT_COST), "buckets are independent");
    }

    #[tokio::test]
    async fn acquire_waits_for_refill_instead_of_failing() {
        let limiter =
            RateLimiter::new(Tier { read_per_sec: 1_000, read_capacity: 100, write_per_sec: 1, write_capacity: 1 });
        assert!(limiter.try_acquire(Bucket::Read, 100));
        let start = std::time::Instant::now();
        // 250 tokens at 1 000/s with a 100-token bucket: taken in pieces, ≥ 250 ms of refill.
        limiter.acquire(Bucket::Read, 250).await;
        assert!(start.elapsed() >= std::time::Duration::from_millis(240), "GCRA cannot hand out tokens early");
        assert!(!limiter.try_acquire(Bucket::Read, 100), "the refill was consumed");
    }

    #[test]
    fn tier_names() {
        assert_eq!(Tier::by_name("Premier"), Tier::PREMIER);
        assert_eq!(Tier::by_name("unheard-of"), Tier::BASIC);
        assert_eq!(Tier::BASIC.write_capacity, 200);
    }
}
