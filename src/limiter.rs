//! Failed invitation-code attempts per client, without HTTP: a token bucket per client that
//! only failures drain, so a tablet or a proxy sending many valid questionnaires is never
//! throttled, while guessing codes meets its limit. Memory is bounded: buckets that have
//! refilled are dropped, and past a cap new clients share one bucket.

use std::collections::HashMap;
use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The refill period: `per_period` failures are allowed each period.
const PERIOD: Duration = Duration::from_secs(60);

/// Clients tracked at most (about 100 bytes each); beyond, new clients share one bucket.
pub const DEFAULT_CAP: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Failures still allowed as of `at` (fractional: the bucket refills continuously).
    tokens: f64,
    at: Instant,
}

pub struct FailureLimiter<K> {
    per_period: f64,
    cap: usize,
    inner: Mutex<Inner<K>>,
}

struct Inner<K> {
    buckets: HashMap<K, Bucket>,
    /// Shared by every client that arrives while the table is full: guessing from many
    /// addresses at once is then throttled together rather than not at all.
    overflow: Option<Bucket>,
    pruned: Instant,
}

impl<K: Hash + Eq + Clone> FailureLimiter<K> {
    pub fn new(per_minute: NonZeroU32, cap: usize) -> FailureLimiter<K> {
        FailureLimiter {
            per_period: f64::from(per_minute.get()),
            cap: cap.max(1),
            inner: Mutex::new(Inner {
                buckets: HashMap::new(),
                overflow: None,
                pruned: Instant::now(),
            }),
        }
    }

    /// Whether `key` may try a code now (it has not used up its failures).
    pub fn allows(&self, key: &K) -> bool {
        self.allows_at(key, Instant::now())
    }

    /// Counts one failed attempt by `key`.
    pub fn failed(&self, key: &K) {
        self.failed_at(key, Instant::now());
    }

    /// Clients currently tracked (for tests of the bound).
    pub fn tracked(&self) -> usize {
        self.lock().buckets.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K>> {
        // A panic while holding the lock cannot leave a bucket half-written.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn allows_at(&self, key: &K, now: Instant) -> bool {
        let inner = self.lock();
        let bucket = match inner.buckets.get(key) {
            Some(b) => Some(*b),
            None if inner.buckets.len() >= self.cap => inner.overflow,
            None => None,
        };
        bucket.is_none_or(|b| self.refilled(b, now) >= 1.0)
    }

    pub fn failed_at(&self, key: &K, now: Instant) {
        let mut inner = self.lock();
        // Pruning costs a pass over the table: at most once a period, or when full.
        if now.saturating_duration_since(inner.pruned) >= PERIOD
            || (inner.buckets.len() >= self.cap && !inner.buckets.contains_key(key))
        {
            self.prune(&mut inner, now);
        }
        let full = Bucket {
            tokens: self.per_period,
            at: now,
        };
        let slot = if inner.buckets.contains_key(key) || inner.buckets.len() < self.cap {
            inner.buckets.entry(key.clone()).or_insert(full)
        } else {
            inner.overflow.get_or_insert(full)
        };
        let tokens = (self.refilled(*slot, now) - 1.0).max(0.0);
        *slot = Bucket { tokens, at: now };
    }

    fn refilled(&self, b: Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        (b.tokens + elapsed * self.per_period / PERIOD.as_secs_f64()).min(self.per_period)
    }

    /// Drops every bucket that has refilled: it is the same as no bucket at all.
    fn prune(&self, inner: &mut Inner<K>, now: Instant) {
        inner
            .buckets
            .retain(|_, b| self.refilled(*b, now) < self.per_period);
        if inner
            .overflow
            .is_some_and(|b| self.refilled(b, now) >= self.per_period)
        {
            inner.overflow = None;
        }
        inner.pruned = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_minute: u32, cap: usize) -> FailureLimiter<u32> {
        FailureLimiter::new(NonZeroU32::new(per_minute).expect("positive"), cap)
    }

    #[test]
    fn only_failures_count_and_they_refill_over_a_minute() {
        let l = limiter(60, 10);
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(l.allows_at(&1, t0));
            l.failed_at(&1, t0);
        }
        assert!(
            !l.allows_at(&1, t0),
            "the 61st failure in a minute is refused"
        );
        assert!(l.allows_at(&2, t0), "another client is not");
        // One failure a second comes back.
        assert!(l.allows_at(&1, t0 + Duration::from_millis(1_100)));
        assert!(l.allows_at(&1, t0 + PERIOD));
    }

    #[test]
    fn refilled_buckets_are_pruned_and_the_table_is_capped() {
        let l = limiter(60, 100);
        let t0 = Instant::now();
        for k in 0..100 {
            l.failed_at(&k, t0);
        }
        assert_eq!(l.tracked(), 100);
        // Full: a newcomer shares the overflow bucket rather than growing the table.
        for _ in 0..60 {
            l.failed_at(&1000, t0);
        }
        assert_eq!(l.tracked(), 100);
        assert!(
            !l.allows_at(&1001, t0),
            "newcomers share the overflow bucket"
        );
        assert!(l.allows_at(&5, t0), "tracked clients keep their own");
        // A minute later every bucket has refilled; the next failure prunes them.
        l.failed_at(&7, t0 + PERIOD + Duration::from_secs(1));
        assert_eq!(l.tracked(), 1);
        assert!(l.allows_at(&1001, t0 + PERIOD + Duration::from_secs(1)));
    }
}
