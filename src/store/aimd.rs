//! How many BatchWriteItem calls to keep in flight, and how fast to start them.
//!
//! Two controllers share this type:
//!
//! - **Fixed** (`--concurrency N`): additive increase, multiplicative decrease (AIMD) of the
//!   calls in flight, as TCP does for congestion. It starts at N; a call that comes back
//!   throttled or with unprocessed items halves it, and each clean call adds 1/limit (about one
//!   more call per round of clean calls), back up to N.
//! - **Filling** (the default): fills the pipe, then rides the limit.
//!   1. *Bandwidth-delay product.* It starts at 8 calls, more by the fastest call seen on the
//!      connection (the round trip; see [`LOOPBACK_CALL`]). The first round of calls is timed. With `rtt` the fastest
//!      call seen on this connection and `T` the first round's mean call time, the engine's own
//!      share of a call is `T - rtt`: to keep it busy through a network that adds `rtt` to every
//!      call, `limit * T / (T - rtt)` calls must be in flight (Little's law). On loopback that
//!      is about the starting 8; 45 ms away, several times more.
//!   2. *Slow start.* While calls stay clean, the limit doubles after each round (one round to
//!      refill the pipe, one to measure), as long as the items per second it buys grow by at
//!      least [`GAIN`]. Where the engine stops gaining, it settles at the last limit that
//!      gained: more calls in flight would only queue inside the engine.
//!   3. *Pacing.* Once throttled (a call refused, or items handed back unprocessed), the calls
//!      in flight are not the problem, their rate is: calls are then started at a pace, in
//!      items per second, set to 90% of what the table accepted over its most recent calls
//!      (at least a quarter of a second: a burst drained a moment ago does not count), lowered
//!      the same way on each new throttle (at most once per [`DECREASE_GAP`]) and raised by
//!      5% of a call's items per clean call, doubling that for each second clean after three.
//!      A write then runs at its limit with a throttle every few seconds instead of one per
//!      call. When the pace is well above what is achieved (the limit was lifted), it ends.
//!
//! Local engines never throttle, so there only steps 1 and 2 happen.

use std::collections::VecDeque;
use std::time::Duration;

/// How long a BatchWriteItem of 25 takes when [`super::batch::DEFAULT_CONCURRENCY`] calls in
/// flight keep a local engine busy: 8 in flight gave 8,117 items/s on DynamoDB Local on
/// loopback (benches/run `--scaling`), 325 calls/s, so about 25 ms each. A network adding `rtt`
/// to every call needs `8 * (25 ms + rtt) / 25 ms` in flight to keep the same engine as busy:
/// the starting point, before anything is measured.
pub const LOOPBACK_CALL: Duration = Duration::from_millis(25);

/// A doubling of the calls in flight must buy at least this much more throughput.
pub const GAIN: f64 = 1.10;
/// The most calls a filling controller allows in flight.
pub const FILL_MAX: usize = 128;
/// The pace is lowered at most once per four call times, or this often before any call has
/// been timed: a throttle from a call sent before the last lowering says nothing about the new
/// pace.
pub const DECREASE_GAP: Duration = Duration::from_millis(250);
/// What the table accepted is measured over the most recent calls: at least this long and at
/// least [`RATE_CALLS`] calls (so a burst drained a moment ago does not count, and a slow
/// pace still has a few calls to go by), over at most [`RATE_HISTORY`].
const RATE_WINDOW: Duration = Duration::from_millis(250);
const RATE_CALLS: usize = 8;
const RATE_HISTORY: Duration = Duration::from_secs(3);

/// The controller. Pure: the caller passes the time, so tests are exact.
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
    start: usize,
    peak: usize,
    /// `None`: the fixed AIMD controller.
    fill: Option<Fill>,
}

/// The filling controller's state.
#[derive(Debug, Clone, PartialEq)]
struct Fill {
    /// The fastest call seen on this connection before the write (the network's round trip).
    rtt: Option<Duration>,
    /// Slow start, while it lasts.
    probe: Option<Probe>,
    /// Items per second to start calls at, once throttled.
    pace: Option<f64>,
    last_decrease: Option<Duration>,
    /// Clean calls' time, smoothed (an exponentially weighted mean, 1/8 per call).
    call_time: Option<Duration>,
    /// When the first throttle came with the items written by then, and the best rate
    /// accepted since (see `Fill::note`).
    first_congestion: Option<(Duration, u64)>,
    best_after: f64,
    /// Items written since the start.
    total: u64,
    /// Items written, by when, over the last [`RATE_HISTORY`], and their sum.
    written: VecDeque<(Duration, u64)>,
    written_sum: u64,
    /// The limit additive growth may reach (where slow start stopped gaining).
    ceiling: usize,
}

#[derive(Debug, Clone, PartialEq)]
struct Probe {
    /// Calls to let complete before measuring (the pipe refilling at a new limit).
    settle: usize,
    /// The measuring round: when it started, its calls, items and summed call times.
    from: Option<Duration>,
    calls: usize,
    items: u64,
    latency: Duration,
    /// The best rate measured, at which limit.
    best: Option<(f64, usize)>,
    /// Rounds measured so far.
    rounds: u32,
}

impl Aimd {
    /// The fixed controller: starts at `max` calls in flight, never above.
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Aimd {
            max,
            limit: max as f64,
            since_decrease: usize::MAX,
            window: 0,
            lowest: max,
            start: max,
            peak: max,
            fill: None,
        }
    }

    /// The filling controller: starts at `start` calls in flight, more when the fastest call
    /// seen on this connection so far (`rtt`) says the engine is far away (see
    /// [`LOOPBACK_CALL`]), and grows from what it measures, up to `max`.
    pub fn filling(start: usize, max: usize, rtt: Option<Duration>) -> Self {
        let max = max.max(1);
        let far = rtt.map_or(1.0, |rtt| {
            1.0 + rtt.as_secs_f64() / LOOPBACK_CALL.as_secs_f64()
        });
        let start = ((start as f64 * far).round() as usize).clamp(1, max);
        Aimd {
            limit: start as f64,
            lowest: start,
            start,
            peak: start,
            fill: Some(Fill {
                rtt,
                probe: Some(Probe {
                    settle: 0,
                    from: None,
                    calls: 0,
                    items: 0,
                    latency: Duration::ZERO,
                    best: None,
                    rounds: 0,
                }),
                pace: None,
                last_decrease: None,
                call_time: None,
                first_congestion: None,
                best_after: 0.0,
                total: 0,
                written: VecDeque::new(),
                written_sum: 0,
                ceiling: max,
            }),
            ..Aimd::new(max)
        }
    }

    /// Calls that may be in flight now (paced, calls also wait their turn: see the writer).
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

    /// The limit it started at.
    pub fn start(&self) -> usize {
        self.start
    }

    /// The highest limit reached so far.
    pub fn peak(&self) -> usize {
        self.peak
    }

    /// Whether it adapts from measurement (the default) rather than within a fixed maximum.
    pub fn is_filling(&self) -> bool {
        self.fill.is_some()
    }

    /// Items per second to start calls at, if throttling has set a pace.
    pub fn pace(&self) -> Option<f64> {
        self.fill.as_ref().and_then(|f| f.pace)
    }

    fn set_limit(&mut self, limit: f64) {
        self.limit = limit.clamp(1.0, self.max as f64);
        self.lowest = self.lowest.min(self.limit());
        self.peak = self.peak.max(self.limit());
    }

    /// `items` landed at `now` from a call already counted (throttled, then retried): they
    /// count towards what the table accepts, nothing else.
    pub fn note_written(&mut self, now: Duration, items: u64) {
        if let Some(fill) = self.fill.as_mut() {
            fill.note_written(now, items);
        }
    }

    /// A call was throttled or returned unprocessed items, `now` since the write started;
    /// `written` items of it landed.
    pub fn on_congestion(&mut self, now: Duration, written: u64) {
        let Some(fill) = self.fill.as_mut() else {
            if self.since_decrease >= self.window {
                self.window = self.limit();
                self.limit = (self.limit / 2.0).max(1.0);
                self.since_decrease = 0;
                self.lowest = self.lowest.min(self.limit());
            } else {
                self.since_decrease += 1;
            }
            return;
        };
        let total = fill.total;
        fill.first_congestion.get_or_insert((now, total));
        let accepted = fill.note(now, written);
        if fill.probe.take().is_some() {
            // Slow start ends at the first throttle: the limit that got here is the ceiling.
            fill.ceiling = self.limit.floor().max(1.0) as usize;
        }
        // Throttles of calls sent before the last lowering say nothing about the new pace:
        // wait about four call times (a quarter of a second unless the calls say otherwise).
        let gap = fill.call_time.map_or(DECREASE_GAP, |t| {
            (t * 4).clamp(DECREASE_GAP, DECREASE_GAP * 4)
        });
        if fill
            .last_decrease
            .is_some_and(|at| now.saturating_sub(at) < gap)
        {
            return;
        }
        // Toward what was accepted lately, by a bounded step: it undercounts a table at its
        // limit while calls wait out their backoff, so following it all the way down would
        // spiral (the floor below bounds that too).
        let lowered = match (fill.pace, accepted) {
            // At most three quarters at once: a window of calls that all failed says little.
            (Some(p), Some(a)) if a < p / 2.0 => a.max(p / 4.0),
            // Down to what was accepted, by at most a quarter at once: a pace set while the
            // burst drained (the first throttle's) is soon far above the limit.
            (Some(p), Some(a)) if a < p => a.max(p * 0.75),
            (Some(p), _) => p,
            // Nothing landed yet to set a pace from: a throttle before any write says nothing
            // about the rate (a fault, or a table still busy from before).
            (None, Some(a)) if a > 0.0 => a,
            (None, _) => return,
        } * 0.95;
        // Never below half of what the table accepted since the first throttle: over the
        // last 3 s, in its best moment, or on average. Random throttles (a fault storm, a
        // limiter harsher than DynamoDB's) come whatever the pace, and each one lowering it
        // would spiral it down. Only since the first throttle: a burst drained before it
        // (a fresh partition's first second, or minutes of banked provisioned capacity)
        // would lift the floor above the limit.
        let (first, before) = fill.first_congestion.unwrap_or((now, fill.total));
        let since = now.saturating_sub(first).as_secs_f64();
        let average = if since >= 1.0 {
            (fill.total - before) as f64 / since
        } else {
            0.0
        };
        let floor = fill
            .long_rate(now, first)
            .unwrap_or(0.0)
            .max(fill.best_after)
            .max(average)
            / 2.0;
        fill.pace = Some(lowered.max(floor).max(1.0));
        fill.last_decrease = Some(now);
    }

    /// A call of `items` went through cleanly in `latency`, `now` since the write started.
    pub fn on_success(&mut self, now: Duration, items: u64, latency: Duration) {
        self.since_decrease = self.since_decrease.saturating_add(1);
        let Some(mut fill) = self.fill.take() else {
            self.limit = (self.limit + 1.0 / self.limit).min(self.max as f64);
            return;
        };
        self.fill_success(&mut fill, now, items, latency);
        self.fill = Some(fill);
    }

    fn fill_success(&mut self, fill: &mut Fill, now: Duration, items: u64, latency: Duration) {
        fill.note(now, items);
        fill.call_time = Some(match fill.call_time {
            Some(t) => (t * 7 + latency) / 8,
            None => latency,
        });
        if let Some(pace) = fill.pace {
            // Clean: raise the pace by 5% of a call's items (riding the limit, that is about
            // 5% a second), doubling for each whole second clean after ten (so a lifted limit
            // is found in seconds).
            let quiet = fill
                .last_decrease
                .map_or(0.0, |at| now.saturating_sub(at).as_secs_f64());
            let step = 0.05 * 2f64.powf((quiet - 10.0).floor().clamp(0.0, 10.0));
            let raised = pace + items as f64 * step;
            // Pacing ends once the pace is twice what the last 3 s achieved: no limit binds.
            // (Not the last few calls': a stalled moment would end it while a limit binds.)
            let lifted = quiet >= 1.0
                && fill
                    .long_rate(now, Duration::ZERO)
                    .is_some_and(|r| raised >= 2.0 * r);
            fill.pace = (!lifted).then_some(raised);
        }
        let limit = self.limit();
        let Some(probe) = fill.probe.as_mut() else {
            let ceiling = fill.ceiling as f64;
            if self.limit < ceiling {
                self.set_limit((self.limit + 1.0 / self.limit).min(ceiling));
            }
            return;
        };
        if probe.settle > 0 {
            probe.settle -= 1;
            return;
        }
        let from = *probe.from.get_or_insert(now.saturating_sub(latency));
        probe.calls += 1;
        probe.items += items;
        probe.latency += latency;
        if probe.calls < limit {
            return;
        }
        let span = now.saturating_sub(from).max(Duration::from_micros(100));
        let rate = probe.items as f64 / span.as_secs_f64();
        let mean = probe.latency / probe.calls as u32;
        probe.rounds += 1;
        let next = match (probe.rounds, probe.best) {
            (1, _) => {
                // The first round: jump to the bandwidth-delay product, at least a doubling.
                // Its rate is not a baseline: the pipe started empty and connections opened.
                let bdp = fill.rtt.map_or(0.0, |rtt| {
                    let engine = mean.saturating_sub(rtt).max(mean / 16);
                    limit as f64 * mean.as_secs_f64() / engine.as_secs_f64().max(1e-6)
                });
                Some(bdp.max(2.0 * limit as f64))
            }
            (_, None) => {
                probe.best = Some((rate, limit));
                Some(2.0 * limit as f64)
            }
            (_, Some((best, _))) if rate >= best * GAIN => {
                probe.best = Some((rate, limit));
                Some(2.0 * limit as f64)
            }
            _ => None,
        };
        match next {
            Some(next) if limit < self.max => {
                probe.settle = next.min(self.max as f64) as usize;
                probe.from = None;
                probe.calls = 0;
                probe.items = 0;
                probe.latency = Duration::ZERO;
                self.set_limit(next.ceil());
            }
            _ => {
                // No longer gaining (or at the maximum): settle where it last gained.
                let settled = probe.best.map_or(limit, |(_, at)| at);
                fill.probe = None;
                fill.ceiling = settled;
                self.limit = settled as f64;
            }
        }
    }
}

impl Fill {
    fn note_written(&mut self, now: Duration, items: u64) {
        self.total += items;
        self.written.push_back((now, items));
        self.written_sum += items;
        while let Some(&(at, n)) = self.written.front()
            && now.saturating_sub(at) > RATE_HISTORY
        {
            self.written.pop_front();
            self.written_sum -= n;
        }
    }

    /// Items per second written over the whole history kept ([`RATE_HISTORY`]), or its part
    /// after `not_before`, if that spans half of it. The items of the first landing counted
    /// are before the span. Once the history is all after `not_before` (3 s after the first
    /// throttle, or always with `Duration::ZERO`) this reads the kept sum: it runs on every
    /// clean call while paced.
    fn long_rate(&self, now: Duration, not_before: Duration) -> Option<f64> {
        let &(oldest, oldest_n) = self.written.front()?;
        let (first, items) = if oldest > not_before {
            (oldest, self.written_sum - oldest_n)
        } else {
            let mut kept = self.written.iter().filter(|(at, _)| *at > not_before);
            let &(first, _) = kept.next()?;
            (first, kept.map(|(_, n)| n).sum())
        };
        let span = now.saturating_sub(first);
        if span < RATE_HISTORY / 2 {
            return None;
        }
        Some(items as f64 / span.as_secs_f64())
    }

    /// Items per second written by the most recent calls (see [`RATE_WINDOW`]): the items
    /// that landed after the oldest call counted, over the time since it; and when that
    /// window starts.
    fn recent(&self, now: Duration) -> Option<(f64, Duration)> {
        let mut items = 0u64;
        for (calls, &(at, n)) in self.written.iter().rev().enumerate() {
            let span = now.saturating_sub(at);
            if calls + 1 >= RATE_CALLS && span >= RATE_WINDOW {
                return Some((items as f64 / span.as_secs_f64(), at));
            }
            items += n;
        }
        // Not enough history: all of it, from the first call's landing.
        let (first, n) = *self.written.front()?;
        let span = now.saturating_sub(first).max(Duration::from_millis(20));
        Some(((items - n) as f64 / span.as_secs_f64(), first))
    }

    /// Notes `items` landed at `now` and returns what the table accepted lately
    /// ([`Fill::recent`]), keeping the best such rate over a window wholly after the
    /// first throttle: a limit accepts its rate there (the burst before it is spent), random
    /// faults the most the engine manages through them.
    fn note(&mut self, now: Duration, items: u64) -> Option<f64> {
        self.note_written(now, items);
        let (rate, from) = self.recent(now)?;
        if self.first_congestion.is_some_and(|(first, _)| from > first) {
            self.best_after = self.best_after.max(rate);
        }
        Some(rate)
    }
}

#[cfg(test)]
#[path = "aimd_tests.rs"]
mod tests;
