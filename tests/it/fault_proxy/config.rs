//! What the proxy injects: the kinds of fault, and the configuration that picks them.

use super::*;

/// One kind of injected fault. At most one per call; a delay can come on top of any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// HTTP 400 `ProvisionedThroughputExceededException`, not forwarded.
    ProvisionedThroughput,
    /// HTTP 400 `ThrottlingException`, not forwarded.
    Throttling,
    /// BatchWriteItem only: a random part forwarded (possibly none), the rest returned as
    /// `UnprocessedItems` merged into the engine's real answer. Other APIs pass through.
    Partial,
    /// HTTP 500 `InternalServerError`, not forwarded.
    InternalErrorBefore,
    /// HTTP 503 `ServiceUnavailable`, not forwarded.
    UnavailableBefore,
    /// Forwarded (the engine applied it), but the client gets HTTP 500.
    InternalErrorAfter,
    /// Forwarded (the engine applied it), but the client gets HTTP 503.
    UnavailableAfter,
    /// The connection reset (SO_LINGER 0) after reading the request, nothing forwarded.
    ResetBefore,
    /// Forwarded (the engine applied it), then the connection reset without an answer.
    ResetAfter,
    /// Forwarded, then the answer cut off halfway through its body and the connection reset.
    TruncateAfter,
    /// HTTP 400 `UnknownOperationException`, not forwarded: an engine without the API (some
    /// DynamoDB-compatible engines lack TransactGetItems, say). Not in [`Fault::ALL`]: it is
    /// not a transient fault; use it with probability 1 and [`FaultConfig::on`].
    UnknownOperation,
    /// Forwarded; the answer's ConsumedCapacity rewritten to 1 unit per call, table total
    /// only, as a DynamoDB-compatible engine we tried reports it (24 WCU for 600 puts in 24
    /// BatchWriteItem calls, 1 RCU for a 200-item Query). Not a transient fault, not in
    /// [`Fault::ALL`].
    CapacityPerCall,
    /// Forwarded; the answer's ConsumedCapacity removed, as engines that report none. Not in
    /// [`Fault::ALL`].
    NoCapacity,
}

impl Fault {
    /// Every kind, in the order the matrix prints them.
    pub const ALL: [Fault; 10] = [
        Fault::ProvisionedThroughput,
        Fault::Throttling,
        Fault::Partial,
        Fault::InternalErrorBefore,
        Fault::UnavailableBefore,
        Fault::InternalErrorAfter,
        Fault::UnavailableAfter,
        Fault::ResetBefore,
        Fault::ResetAfter,
        Fault::TruncateAfter,
    ];

    /// A throttling error (the client counts these as `throttled`).
    pub fn is_throttle(self) -> bool {
        matches!(self, Fault::ProvisionedThroughput | Fault::Throttling)
    }

    /// An HTTP 5xx answer.
    pub fn is_server_error(self) -> bool {
        matches!(
            self,
            Fault::InternalErrorBefore
                | Fault::UnavailableBefore
                | Fault::InternalErrorAfter
                | Fault::UnavailableAfter
        )
    }

    /// The connection dropped instead of (or in the middle of) an answer.
    pub fn is_connection_loss(self) -> bool {
        matches!(
            self,
            Fault::ResetBefore | Fault::ResetAfter | Fault::TruncateAfter
        )
    }

    /// The engine got the call even though the client was told otherwise.
    pub fn applied_anyway(self) -> bool {
        matches!(
            self,
            Fault::InternalErrorAfter
                | Fault::UnavailableAfter
                | Fault::ResetAfter
                | Fault::TruncateAfter
        )
    }

    /// A failed attempt the client should retry (everything but `Partial` and the capacity
    /// rewrites, which succeed).
    pub fn is_retryable_failure(self) -> bool {
        !matches!(
            self,
            Fault::Partial | Fault::CapacityPerCall | Fault::NoCapacity
        )
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Fault::ProvisionedThroughput => "400 ProvisionedThroughputExceeded",
            Fault::Throttling => "400 ThrottlingException",
            Fault::Partial => "partial (UnprocessedItems)",
            Fault::InternalErrorBefore => "500 before forwarding",
            Fault::UnavailableBefore => "503 before forwarding",
            Fault::InternalErrorAfter => "500 after forwarding",
            Fault::UnavailableAfter => "503 after forwarding",
            Fault::ResetBefore => "reset before forwarding",
            Fault::ResetAfter => "reset after forwarding",
            Fault::TruncateAfter => "answer cut off + reset",
            Fault::UnknownOperation => "unknown operation",
            Fault::CapacityPerCall => "capacity 1 unit per call",
            Fault::NoCapacity => "capacity not reported",
        }
    }
}

/// What to inject, and where.
#[derive(Debug, Clone)]
pub struct FaultConfig {
    /// Seed of the proxy's RNG. Draws are reproducible for one connection at a time; with
    /// concurrent calls the order they reach the proxy varies, so only the rates are.
    pub seed: u64,
    /// Probability per call of each fault; the sum must be at most 1.
    pub faults: Vec<(Fault, f64)>,
    /// Probability per call of delaying the answer (on top of any fault).
    pub delay_probability: f64,
    /// The delay, uniform in this range.
    pub delay: (Duration, Duration),
    /// APIs (`BatchWriteItem`, `Query`...) faults and delays apply to; empty: all.
    pub ops: Vec<String>,
    /// Kill the proxy (stop listening, drop every connection) when this many calls have
    /// been seen; the call that finds the limit reached is dropped too.
    pub kill_after_calls: Option<u64>,
    /// Items per second BatchWriteItem may write, like one DynamoDB partition's ~1,000
    /// WCU/s: a call that would go over is answered ProvisionedThroughputExceeded.
    pub write_rate: Option<f64>,
}

impl FaultConfig {
    /// No faults: a transparent proxy.
    pub fn seeded(seed: u64) -> Self {
        FaultConfig {
            seed,
            faults: Vec::new(),
            delay_probability: 0.0,
            delay: (Duration::ZERO, Duration::ZERO),
            ops: Vec::new(),
            kill_after_calls: None,
            write_rate: None,
        }
    }

    /// Throttles BatchWriteItem above `items_per_second` (a token bucket holding 50 ms' worth).
    pub fn write_rate(mut self, items_per_second: f64) -> Self {
        self.write_rate = Some(items_per_second);
        self
    }

    /// Adds `fault` with probability `p` per call.
    pub fn with(mut self, fault: Fault, p: f64) -> Self {
        self.faults.push((fault, p));
        self
    }

    /// Delays a fraction `p` of answers by `min..=max`.
    pub fn delay(mut self, p: f64, min: Duration, max: Duration) -> Self {
        self.delay_probability = p;
        self.delay = (min, max);
        self
    }

    /// Restricts faults and delays to these APIs.
    pub fn on(mut self, ops: &[&str]) -> Self {
        self.ops = ops.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Kills the proxy once `calls` calls have been seen.
    pub fn kill_after(mut self, calls: u64) -> Self {
        self.kill_after_calls = Some(calls);
        self
    }

    pub(crate) fn applies_to(&self, op: &str) -> bool {
        self.ops.is_empty() || self.ops.iter().any(|o| o == op)
    }

    pub(crate) fn validate(&self) {
        let sum: f64 = self.faults.iter().map(|(_, p)| p).sum();
        assert!(
            sum <= 1.0 + 1e-9,
            "fault probabilities add up to {sum}, over 1"
        );
        assert!(self.delay.0 <= self.delay.1, "delay range is reversed");
    }
}
