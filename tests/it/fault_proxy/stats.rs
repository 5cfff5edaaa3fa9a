//! What the proxy did: counters per operation and per fault, and their matrix.

use super::*;

/// What the proxy saw and did.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Calls received per API (every attempt that reached the proxy in full).
    pub calls: BTreeMap<String, u64>,
    /// Faults injected per API and kind.
    pub faults: BTreeMap<(String, Fault), u64>,
    /// Answers delayed per API.
    pub delays: BTreeMap<String, u64>,
    /// BatchWriteItem: write requests received.
    pub items_received: u64,
    /// BatchWriteItem: write requests forwarded to the engine.
    pub items_forwarded: u64,
    /// BatchWriteItem: write requests held back by `Partial` and returned as UnprocessedItems.
    pub items_unprocessed: u64,
    /// BatchWriteItem: UnprocessedItems the engine itself returned (normally none).
    pub engine_unprocessed: u64,
    /// BatchWriteItem: write requests received again after coming back unprocessed (once
    /// per return), i.e. the resends the client actually made.
    pub items_resent_after_unprocessed: u64,
    /// Set when the proxy was killed.
    pub killed_at: Option<Instant>,
    /// For each BatchWriteItem call: when it arrived (since the proxy started) and how many
    /// BatchWriteItem calls were in flight at the proxy then, itself included.
    pub batch_in_flight: Vec<(Duration, usize)>,
    /// BatchWriteItem calls throttled by `write_rate`.
    pub rate_throttled: u64,
}

impl Stats {
    /// Calls to `op`.
    pub fn calls(&self, op: &str) -> u64 {
        self.calls.get(op).copied().unwrap_or(0)
    }

    /// Faults of `kind` on `op`.
    pub fn fault(&self, op: &str, kind: Fault) -> u64 {
        self.faults
            .get(&(op.to_owned(), kind))
            .copied()
            .unwrap_or(0)
    }

    /// Faults on `op` of the kinds `pick` selects.
    pub fn faults_where(&self, op: &str, pick: impl Fn(Fault) -> bool) -> u64 {
        Fault::ALL
            .into_iter()
            .filter(|&k| pick(k))
            .map(|k| self.fault(op, k))
            .sum()
    }

    /// Throttling errors on `op`.
    pub fn throttles(&self, op: &str) -> u64 {
        self.faults_where(op, Fault::is_throttle)
    }

    /// 5xx answers on `op`.
    pub fn server_errors(&self, op: &str) -> u64 {
        self.faults_where(op, Fault::is_server_error)
    }

    /// Dropped connections on `op`.
    pub fn connection_losses(&self, op: &str) -> u64 {
        self.faults_where(op, Fault::is_connection_loss)
    }

    /// Failed attempts on `op` a client retries: throttles, 5xx, dropped connections.
    pub fn retryable_failures(&self, op: &str) -> u64 {
        self.faults_where(op, Fault::is_retryable_failure)
    }

    /// Answers delayed on `op`.
    pub fn delays(&self, op: &str) -> u64 {
        self.delays.get(op).copied().unwrap_or(0)
    }

    /// A table of calls and faults per API, for `--nocapture` output.
    pub fn matrix(&self) -> String {
        let mut out = String::new();
        let ops: Vec<&String> = self.calls.keys().collect();
        let _ = write!(out, "{:<36}", "calls / faults");
        for op in &ops {
            let _ = write!(out, "{op:>18}");
        }
        out.push('\n');
        let mut row = |label: &str, value: &dyn Fn(&str) -> u64| {
            let _ = write!(out, "{label:<36}");
            for op in &ops {
                let _ = write!(out, "{:>18}", value(op));
            }
            out.push('\n');
        };
        row("calls seen", &|op| self.calls(op));
        for kind in Fault::ALL {
            if ops.iter().any(|op| self.fault(op, kind) > 0) {
                row(kind.label(), &|op| self.fault(op, kind));
            }
        }
        row("delayed", &|op| self.delays(op));
        let _ = writeln!(
            out,
            "BatchWriteItem items: {} received, {} forwarded, {} returned unprocessed by the proxy \
             ({} by the engine), {} resent after unprocessed",
            self.items_received,
            self.items_forwarded,
            self.items_unprocessed,
            self.engine_unprocessed,
            self.items_resent_after_unprocessed
        );
        out
    }
}
