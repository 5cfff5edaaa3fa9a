//! TTL: how long generated records live (`generate --ttl 30d`), the expiry rule every reader
//! applies to mark records expired, and the embedded engine's sweeps that delete them.
//!
//! - `duration.rs`: [`Ttl`], parsed from `90s`, `2h`, `30d`.
//! - `sweep.rs`: [`Sweeper`], Dynoxide's `Database::sweep_ttl` run off the async threads,
//!   before each CLI command and every 10 to 30 s ([`sweep_interval`]) while the TUI or
//!   `serve` is open.
//!
//! DynamoDB deletes an item once its TTL attribute (epoch seconds) is in the past, at no
//! cost, typically within two days on AWS; until then reads still return it. So a reader
//! marks it expired itself, on every backend, by the same rule the engine sweeps by.

mod duration;
mod sweep;

use std::time::{SystemTime, UNIX_EPOCH};

pub use duration::{Ttl, TtlError};
pub use sweep::{
    BackgroundSweeps, SWEEP_EVERY_MAX, SWEEP_EVERY_MIN, SweepError, SweepReport, Sweeper,
    sweep_interval,
};

use crate::request::schema::Record;

/// Seconds since the Unix epoch, now (0 if the clock is before 1970).
pub fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Is a record with this `expires_at` expired at `now` (both epoch seconds)? DynamoDB expires
/// an item whose TTL time is before the current time; Dynoxide's sweep uses the same strict
/// comparison (`ttl < now`), so a record is marked expired exactly when a sweep may delete it.
pub fn is_expired(expires_at: i64, now: i64) -> bool {
    expires_at < now
}

/// How many of `records` are expired at `now`.
pub fn count_expired(records: &[Record], now: i64) -> u64 {
    records
        .iter()
        .filter(|r| is_expired(r.expires_at, now))
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_strictly_before_now() {
        assert!(is_expired(99, 100));
        assert!(!is_expired(100, 100), "the same second is not expired yet");
        assert!(!is_expired(101, 100));
    }
}
