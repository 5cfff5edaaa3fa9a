//! Adaptive concurrency for batch writes: additive increase, multiplicative decrease (AIMD),
//! as TCP does for congestion.
//!
//! On real DynamoDB one request id is one partition (about 1,000 WCU/s): more calls in flight
//! than it can take only buy throttles and UnprocessedItems. So a call that comes back
//! throttled or with unprocessed items halves the calls in flight, and each clean call adds
//! 1/limit (about one more call per round of clean calls), back up to `--concurrency`.
//! Local engines never throttle, so there it stays at the maximum.

/// The controller. Pure: no clock, so tests are exact.
#[derive(Debug, Clone, PartialEq)]
pub struct Aimd {
    max: usize,
    limit: f64,
    /// Calls completed since the last decrease: a burst of throttles from calls that were all
    /// in flight together counts as one congestion signal, not one per call.
    since_decrease: usize,
    /// Calls that could be in flight when the last decrease happened: all of them may still
    /// come back throttled from that same moment.
    window: usize,
    lowest: usize,
}

impl Aimd {
    /// Starts at `max` calls in flight.
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Aimd {
            max,
            limit: max as f64,
            since_decrease: usize::MAX,
            window: 0,
            lowest: max,
        }
    }

    /// Calls that may be in flight now.
    pub fn limit(&self) -> usize {
        (self.limit.floor() as usize).clamp(1, self.max)
    }

    /// The most calls it ever allows.
    pub fn max(&self) -> usize {
        self.max
    }

    /// The lowest limit reached so far.
    pub fn lowest(&self) -> usize {
        self.lowest
    }

    /// A call was throttled or returned unprocessed items.
    pub fn on_congestion(&mut self) {
        if self.since_decrease >= self.window {
            self.window = self.limit();
            self.limit = (self.limit / 2.0).max(1.0);
            self.since_decrease = 0;
            self.lowest = self.lowest.min(self.limit());
        } else {
            self.since_decrease += 1;
        }
    }

    /// A call went through cleanly.
    pub fn on_success(&mut self) {
        self.since_decrease = self.since_decrease.saturating_add(1);
        self.limit = (self.limit + 1.0 / self.limit).min(self.max as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_once_per_burst_and_recovers_additively() {
        let mut a = Aimd::new(16);
        assert_eq!(a.limit(), 16);
        // 16 calls in flight all throttled: one halving, not sixteen.
        for _ in 0..16 {
            a.on_congestion();
        }
        assert_eq!(a.limit(), 8);
        // Still congested after the burst drained: halve again.
        for _ in 0..8 {
            a.on_congestion();
        }
        assert_eq!(a.limit(), 4);
        assert_eq!(a.lowest(), 4);
        // Clean calls: about +1 per `limit` calls.
        for _ in 0..4 {
            a.on_success();
        }
        assert_eq!(
            a.limit(),
            4,
            "fractional growth: 4 + 4 * 1/4.x stays under 5"
        );
        for _ in 0..200 {
            a.on_success();
        }
        assert_eq!(a.limit(), 16, "recovers up to the maximum, never above");
    }

    #[test]
    fn never_below_one() {
        let mut a = Aimd::new(2);
        for _ in 0..100 {
            a.on_congestion();
        }
        assert_eq!(a.limit(), 1);
        assert_eq!(Aimd::new(0).limit(), 1);
    }
}
