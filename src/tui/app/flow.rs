//! The live chart of a running generate or delete: write units consumed in each second,
//! throttled calls and items handed back unprocessed in each second (both are the limits
//! pushing back: a BatchWriteItem is only rejected whole when none of its items fits), and
//! how many calls the adaptive writer lets run at once.
//!
//! Built from the cumulative counters of [`FlowProgress`] updates, which arrive coalesced
//! (about ten a second) and not on second boundaries: the units between two updates are
//! spread over the seconds they span in proportion to time, so a steady 1,000 WCU/s shows as
//! 1,000 in every second whatever the update times.

use crate::limits::{LimitsConfig, WritePlan};
use crate::store::FlowProgress;

/// Seconds of a job's life, binned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowSeries {
    /// Write units consumed in second `i` since the start (the last entry still filling).
    pub wcu: Vec<f64>,
    /// Calls throttled in second `i`.
    pub throttled: Vec<u64>,
    /// Items handed back unprocessed (and resent) in second `i`.
    pub unprocessed: Vec<u64>,
    /// Calls the adaptive writer allowed in flight at the latest update.
    pub in_flight: usize,
    /// The most it may allow.
    pub max_in_flight: usize,
    /// Items per second the writer paces its calls at, once throttled.
    pub pace: Option<f64>,
    /// Seconds since the start at the latest update.
    pub elapsed: f64,
    /// Cumulative units, throttles and unprocessed items at the latest update.
    last: (f64, u64, u64),
}

impl FlowSeries {
    /// Takes one update.
    pub fn push(&mut self, f: &FlowProgress) {
        let t = f.progress.elapsed.as_secs_f64().max(self.elapsed);
        let units = (f.progress.write_units - self.last.0).max(0.0);
        let throttled = f.progress.throttled.saturating_sub(self.last.1);
        let unprocessed = f.progress.unprocessed_resent.saturating_sub(self.last.2);
        let end_bin = t.floor() as usize;
        self.grow(end_bin + 1);
        let span = t - self.elapsed;
        if span <= 0.0 {
            self.wcu[end_bin] += units;
        } else {
            // Each second the interval overlaps gets its share of the units.
            let mut from = self.elapsed;
            while from < t {
                let bin = from.floor() as usize;
                let to = ((bin + 1) as f64).min(t);
                self.wcu[bin] += units * (to - from) / span;
                from = to;
            }
        }
        self.throttled[end_bin] += throttled;
        self.unprocessed[end_bin] += unprocessed;
        self.in_flight = f.in_flight_limit;
        self.max_in_flight = f.max_in_flight;
        self.pace = f.pace;
        self.elapsed = t;
        self.last = (
            f.progress.write_units,
            f.progress.throttled,
            f.progress.unprocessed_resent,
        );
    }

    fn grow(&mut self, len: usize) {
        if self.wcu.len() < len {
            self.wcu.resize(len, 0.0);
            self.throttled.resize(len, 0);
            self.unprocessed.resize(len, 0);
        }
    }

    /// Whole seconds so far (the one still filling is left out of rates: a tenth of a
    /// second's units would read as a collapse).
    pub fn complete_seconds(&self) -> usize {
        (self.elapsed.floor() as usize).min(self.wcu.len())
    }

    /// `(second's midpoint, WCU/s)` of every whole second, for the line.
    pub fn rate_points(&self) -> Vec<(f64, f64)> {
        (0..self.complete_seconds())
            .map(|i| (i as f64 + 0.5, self.wcu[i]))
            .collect()
    }

    /// `(second's midpoint, WCU/s)` of the seconds in which the limits pushed back (throttled
    /// calls or unprocessed items), marked on the line.
    pub fn throttle_points(&self) -> Vec<(f64, f64)> {
        (0..self.complete_seconds())
            .filter(|&i| self.throttled[i] > 0 || self.unprocessed[i] > 0)
            .map(|i| (i as f64 + 0.5, self.wcu[i]))
            .collect()
    }

    /// WCU/s of the last whole second.
    pub fn latest_rate(&self) -> Option<f64> {
        self.complete_seconds().checked_sub(1).map(|i| self.wcu[i])
    }

    /// Throttled calls so far.
    pub fn throttled_total(&self) -> u64 {
        self.last.1
    }

    /// Items handed back unprocessed so far.
    pub fn unprocessed_total(&self) -> u64 {
        self.last.2
    }
}

/// The write rate the simulated limits hold a job to: the binding limit of the least-time
/// bound (a partition key's 1,000 WCU/s, or the table's rate); `None` when nothing is
/// simulated. Only which limit binds matters here, and that does not depend on item size,
/// so records count as one unit each.
pub fn limit_rate(limits: &LimitsConfig, records_per_key: &[u32]) -> Option<f64> {
    limits
        .min_write_time(WritePlan::records(records_per_key, 1.0))
        .map(|bound| bound.rate)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::store::BatchProgress;

    fn update(secs: f64, write_units: f64, throttled: u64) -> FlowProgress {
        with_unprocessed(secs, write_units, throttled, 0)
    }

    fn with_unprocessed(
        secs: f64,
        write_units: f64,
        throttled: u64,
        unprocessed: u64,
    ) -> FlowProgress {
        FlowProgress {
            progress: BatchProgress {
                done: 0,
                total: 0,
                write_units,
                retries: 0,
                throttled,
                unprocessed_resent: unprocessed,
                elapsed: Duration::from_secs_f64(secs),
            },
            in_flight_limit: 3,
            max_in_flight: 8,
            pace: None,
        }
    }

    #[test]
    fn a_steady_rate_reads_the_same_in_every_second_whatever_the_update_times() {
        let mut s = FlowSeries::default();
        // 1,000 WCU/s, updates every 0.3 s: they straddle second boundaries.
        let mut t = 0.0;
        while t < 3.05 {
            t += 0.3;
            s.push(&update(t, t * 1000.0, 0));
        }
        assert_eq!(s.complete_seconds(), 3);
        for (_, rate) in s.rate_points() {
            assert!((rate - 1000.0).abs() < 1e-6, "rate {rate}");
        }
        assert_eq!(s.latest_rate().map(f64::round), Some(1000.0));
        assert_eq!((s.in_flight, s.max_in_flight), (3, 8));
    }

    #[test]
    fn throttles_are_marked_in_the_second_they_were_seen_at_that_second_s_rate() {
        let mut s = FlowSeries::default();
        s.push(&update(0.5, 500.0, 0));
        s.push(&update(1.5, 1500.0, 4));
        s.push(&update(2.5, 2000.0, 4));
        s.push(&update(3.0, 2100.0, 5));
        // Second 0: 500 + half of the next 1,000; second 1: the other half and half of 500;
        // second 2: the other half and the last 100.
        assert_eq!(
            s.rate_points(),
            vec![(0.5, 1000.0), (1.5, 750.0), (2.5, 350.0)]
        );
        assert_eq!(s.throttle_points(), vec![(1.5, 750.0)]);
        // The second still filling has its throttle counted but not marked yet.
        assert_eq!(s.throttled, vec![0, 4, 0, 1]);
        assert_eq!(s.throttled_total(), 5);
    }

    #[test]
    fn unprocessed_items_mark_their_second_too() {
        let mut s = FlowSeries::default();
        s.push(&with_unprocessed(1.0, 1000.0, 0, 0));
        s.push(&with_unprocessed(1.5, 1500.0, 0, 25));
        s.push(&with_unprocessed(2.0, 2000.0, 0, 25));
        s.push(&with_unprocessed(3.0, 3000.0, 0, 25));
        assert_eq!(s.throttle_points(), vec![(1.5, 1000.0)]);
        assert_eq!((s.throttled_total(), s.unprocessed_total()), (0, 25));
    }

    #[test]
    fn nothing_is_a_rate_before_the_first_whole_second() {
        let mut s = FlowSeries::default();
        s.push(&update(0.4, 300.0, 0));
        assert_eq!(s.latest_rate(), None);
        assert!(s.rate_points().is_empty());
    }

    #[test]
    fn the_limit_line_is_the_binding_limit() {
        let on_demand = LimitsConfig::parse("on-demand", &[]).expect("valid");
        // One request: its partition key's 1,000 WCU/s binds.
        assert_eq!(limit_rate(&on_demand, &[10_000]), Some(1000.0));
        // 10,000 one-record requests: the table's 4,000.
        assert_eq!(limit_rate(&on_demand, &vec![1; 10_000]), Some(4000.0));
        let provisioned = LimitsConfig::parse("provisioned:1000,500", &[]).expect("valid");
        assert_eq!(limit_rate(&provisioned, &[10_000]), Some(500.0));
        assert_eq!(limit_rate(&LimitsConfig::default(), &[10_000]), None);
    }
}
