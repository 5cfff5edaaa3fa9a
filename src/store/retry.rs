//! Exponential backoff with full jitter, and the budget that bounds it.
//!
//! The SDK's own retries are switched off (see `backend`) so that every retry is ours and
//! counted in the operation report: throttles, 5xx answers, dropped connections, and
//! `UnprocessedItems`, which the SDK never retries because they are not errors.

use std::time::Duration;

/// How hard to try before giving up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per call (the first one included) for throttles, 5xx and unprocessed items.
    pub max_attempts: u32,
    /// Attempts per call when the endpoint cannot be reached or times out: few, so a dead
    /// endpoint fails within seconds instead of minutes.
    pub max_connection_attempts: u32,
    /// Backoff before the first retry (the ceiling of its jitter).
    pub base: Duration,
    /// Largest backoff.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 12,
            max_connection_attempts: 3,
            base: Duration::from_millis(25),
            cap: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// Full jitter: a uniform wait in `[0, min(cap, base * 2^attempt)]` (AWS architecture blog,
    /// "Exponential Backoff And Jitter"), so retrying clients spread out instead of colliding.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.cap);
        ceiling.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 0..40 {
            let ceiling = p.base.saturating_mul(1u32 << attempt.min(16)).min(p.cap);
            for _ in 0..50 {
                assert!(p.backoff(attempt) <= ceiling);
            }
        }
        // Full jitter draws from the whole range, not just near the ceiling.
        let draws: Vec<_> = (0..200).map(|_| p.backoff(10)).collect();
        assert!(draws.iter().any(|d| *d < p.cap / 4));
        assert!(draws.iter().any(|d| *d > p.cap / 2));
    }
}
