//! BatchWriteItem with bounded concurrency, shared by puts and deletes.
//!
//! DynamoDB takes at most 25 requests per call, and a successful call may still return part
//! of them (or all) in `UnprocessedItems`: those are not errors and the SDK never resends
//! them, so this module does, with full-jitter backoff, until they land or the retry budget
//! runs out. Then the error names exactly which keys did not land. Nothing is dropped.
//!
//! The writer is the same for every table: each request comes with a tag of the caller's
//! (a record's key for the request table, a file's line for `import`), and the requests handed
//! back are matched to the ones sent by the table's key attributes. Requests are pulled a call
//! at a time from an iterator, so a caller streaming a file holds only the calls in flight.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity, WriteRequest};
use futures::StreamExt;
use futures::stream::FuturesUnordered;

use super::aimd::{Aimd, FILL_MAX};
use super::{Attempts, CallError, CancellationToken, Store, StoreError, sleep_unless_cancelled};
use crate::request::schema::{PARTITION_KEY, RecordKey, SORT_KEY};
use crate::size::{item_size, write_units};
use crate::store::report::{CallRecord, Capacity, InFlight, OpReport, Rule, UnitKind};

/// DynamoDB's limit of requests per BatchWriteItem call.
pub const BATCH_WRITE_MAX: usize = 25;

/// How to run a batch write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// The most BatchWriteItem calls in flight at once.
    pub concurrency: usize,
    /// Fill the pipe (the default): start at [`DEFAULT_CONCURRENCY`] and grow from the
    /// measured round trip and throughput up to `concurrency`, pacing calls once throttled
    /// (see `aimd`). Off: start at `concurrency` and only halve on throttles (`--concurrency`).
    pub fill: bool,
}

/// Concurrent BatchWriteItem calls to start with. Measured on 2 cores (`dynamo-explorer
/// generate --requests 1 --records 10000 --concurrency C`): throughput stops growing at 4-8
/// on both DynamoDB Local and the embedded engine on loopback; further away, the filling
/// controller grows from here.
pub const DEFAULT_CONCURRENCY: usize = 8;

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            concurrency: FILL_MAX,
            fill: true,
        }
    }
}

impl WriteOptions {
    /// At most `concurrency` calls in flight, starting there (halved on throttles).
    pub fn fixed(concurrency: usize) -> Self {
        WriteOptions {
            concurrency,
            fill: false,
        }
    }
}

/// Progress of a batch write, sent after every call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchProgress {
    /// Items confirmed written (or deleted).
    pub done: u64,
    /// Items in the operation.
    pub total: u64,
    /// Write units consumed so far.
    pub write_units: f64,
    /// Retries so far.
    pub retries: u64,
    /// Throttling errors so far.
    pub throttled: u64,
    /// Items resent after coming back unprocessed.
    pub unprocessed_resent: u64,
    /// Since the start.
    pub elapsed: Duration,
}

/// A progress update with the adaptive writer's state, for a live chart: consumed WCU per
/// second and throttled calls per second are the differences of `progress.write_units` and
/// `progress.throttled` between two updates over the difference of `progress.elapsed`;
/// `in_flight_limit` is how many BatchWriteItem calls AIMD lets run at once then.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowProgress {
    /// The counters (cumulative since the start).
    pub progress: BatchProgress,
    /// Calls the adaptive writer allows in flight now (halved on throttles, +1 per round of
    /// clean calls).
    pub in_flight_limit: usize,
    /// The most it may allow (`WriteOptions::concurrency`).
    pub max_in_flight: usize,
    /// Items per second calls are started at, once throttling has set a pace.
    pub pace: Option<f64>,
}

impl From<BatchProgress> for FlowProgress {
    /// The counters with no adaptive writer's state (both limits 0).
    fn from(progress: BatchProgress) -> Self {
        FlowProgress {
            progress,
            in_flight_limit: 0,
            max_in_flight: 0,
            pace: None,
        }
    }
}

/// Where a batch write reports progress: any `Fn(BatchProgress)` (the counters only), or
/// [`WithFlow`] to get the adaptive writer's state too.
pub trait ProgressSink: Send + Sync {
    /// The counters, after every call.
    fn progress(&self, p: BatchProgress);
    /// The counters and the adaptive writer's state; by default only the counters are kept.
    fn flow(&self, f: FlowProgress) {
        self.progress(f.progress);
    }
}

impl<F: Fn(BatchProgress) + Send + Sync> ProgressSink for F {
    fn progress(&self, p: BatchProgress) {
        self(p);
    }
}

/// Wraps `Fn(FlowProgress)` as a progress sink: `&WithFlow(|f: FlowProgress| ...)`.
pub struct WithFlow<F>(pub F);

impl<F: Fn(FlowProgress) + Send + Sync> ProgressSink for WithFlow<F> {
    fn progress(&self, p: BatchProgress) {
        // Only reached if called directly: no adaptive state to give.
        (self.0)(p.into());
    }

    fn flow(&self, f: FlowProgress) {
        (self.0)(f);
    }
}

/// What happened to one chunk of up to 25 requests, by their tags.
struct ChunkOutcome<T> {
    /// Known not to have landed: given up on, cancelled, or never sent.
    not_done: Vec<T>,
    /// Sent, but the answer was lost: may or may not have landed.
    unknown: Vec<T>,
    error: Option<StoreError>,
    cancelled: bool,
}

impl<T> Default for ChunkOutcome<T> {
    fn default() -> Self {
        ChunkOutcome {
            not_done: Vec::new(),
            unknown: Vec::new(),
            error: None,
            cancelled: false,
        }
    }
}

/// How a batch write ended, by the callers' tags of its requests.
pub(crate) struct BatchOutcome<T> {
    /// Every call, the calls in flight, and the items confirmed (`items`).
    pub report: OpReport,
    /// Known not to have landed, of the requests taken from the iterator: given up on,
    /// cancelled, or not sent after the stop. Requests still in the iterator were not sent
    /// either.
    pub not_done: Vec<T>,
    /// Sent, but the answer was lost: may or may not have landed.
    pub unknown: Vec<T>,
    /// What stopped it, if anything did.
    pub error: Option<StoreError>,
    /// Stopped by the cancellation token.
    pub cancelled: bool,
}

struct Shared {
    report: OpReport,
    done: u64,
    aimd: Aimd,
    /// When the next call may start, once throttling has set a pace.
    next_turn: Instant,
}

/// What every call of one batch write shares.
#[derive(Clone, Copy)]
struct Call<'a> {
    /// The table's key attributes, to match unprocessed requests to the ones sent.
    key: &'a [&'a str],
    total: u64,
    started: Instant,
    shared: &'a Mutex<Shared>,
    stop: &'a AtomicBool,
    progress: &'a dyn ProgressSink,
    cancel: &'a CancellationToken,
}

impl Shared {
    /// Takes the turn to send a call of `items` if it is due (`None`; the next turn is then
    /// `items / pace` seconds on), or says how long until it is. With no pace every turn is
    /// due. Turns are taken when due, not booked ahead, so a lowered pace holds back every
    /// call from its next turn on; resent items wait their turn too, or a throttled write
    /// would hammer the table with its retries.
    fn take_turn(&mut self, items: usize) -> Option<Duration> {
        let now = Instant::now();
        let Some(pace) = self.aimd.pace() else {
            self.next_turn = now;
            return None;
        };
        if self.next_turn > now {
            return Some(self.next_turn - now);
        }
        self.next_turn = now + Duration::from_secs_f64(items as f64 / pace.max(1.0));
        None
    }
}

/// The request table's key attributes.
const RECORD_KEY: &[&str] = &[PARTITION_KEY, SORT_KEY];

/// Whether two put or delete requests name the same item: the same values of the table's key
/// attributes `key`. (A call never holds two requests for one item: DynamoDB refuses that.)
fn same_item(key: &[&str], a: &WriteRequest, b: &WriteRequest) -> bool {
    fn attrs(req: &WriteRequest) -> Option<&HashMap<String, AttributeValue>> {
        req.put_request()
            .map(|p| p.item())
            .or_else(|| req.delete_request().map(|d| d.key()))
    }
    match (attrs(a), attrs(b)) {
        (Some(a), Some(b)) => key.iter().all(|k| a.get(*k) == b.get(*k)),
        _ => false,
    }
}

/// The requests in calls of [`BATCH_WRITE_MAX`], as the writer pulls them.
pub(crate) fn in_calls<T>(
    requests: impl IntoIterator<Item = (T, WriteRequest)>,
) -> impl Iterator<Item = Vec<(T, WriteRequest)>> {
    let mut it = requests.into_iter().peekable();
    std::iter::from_fn(move || {
        it.peek()?;
        Some(it.by_ref().take(BATCH_WRITE_MAX).collect())
    })
}

/// The key of a record as DynamoDB wants it.
pub(crate) fn key_item(key: &RecordKey) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (
            PARTITION_KEY.to_owned(),
            AttributeValue::S(key.request_id.as_str().to_owned()),
        ),
        (SORT_KEY.to_owned(), AttributeValue::N(key.seq.to_string())),
    ])
}

impl Store {
    /// Writes `requests` (puts or deletes, keys unique) in calls of 25, `opts.concurrency` at a
    /// time. On success the report counts every item; otherwise the error says which did not
    /// land and carries the report of what did.
    pub(crate) async fn batch_write(
        &self,
        report: OpReport,
        what: &'static str,
        requests: Vec<(RecordKey, WriteRequest)>,
        opts: WriteOptions,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<OpReport, StoreError> {
        let total = requests.len() as u64;
        let mut calls = in_calls(requests);
        let out = self
            .batch_write_tagged(
                report, total, RECORD_KEY, &mut calls, opts, progress, cancel,
            )
            .await;
        let BatchOutcome {
            report,
            mut not_done,
            unknown,
            error,
            cancelled,
        } = out;
        // Not sent after the stop.
        not_done.extend(calls.flatten().map(|(k, _)| k));
        not_done.sort();
        let confirmed = report.items;
        if let Some(cause) = error {
            return Err(StoreError::Incomplete {
                what,
                confirmed,
                total,
                in_flight: unknown.len() as u64,
                not_done,
                cause: Box::new(cause),
                report: Box::new(report),
            });
        }
        if cancelled {
            return Err(StoreError::Cancelled {
                what,
                confirmed,
                total,
                report: Box::new(report),
            });
        }
        Ok(report)
    }

    /// Writes the calls `calls` yields (puts or deletes of `total` items in all, one request
    /// per item, at most [`BATCH_WRITE_MAX`] a call), each request tagged by the caller, to a
    /// table whose key attributes are `key`: `opts.concurrency` calls at a time, or as the
    /// adaptive controller allows. Calls are pulled as they start; after a failure or a
    /// cancellation no more are, and what is left in `calls` was not sent.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn batch_write_tagged<T: Clone + Send>(
        &self,
        mut report: OpReport,
        total: u64,
        key: &[&str],
        calls: &mut (dyn Iterator<Item = Vec<(T, WriteRequest)>> + Send),
        opts: WriteOptions,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
    ) -> BatchOutcome<T> {
        let started = Instant::now();
        report.param("TableName", &self.table);
        report.param("ReturnConsumedCapacity", "INDEXES");
        let aimd = if opts.fill {
            let rtt = self.fastest_call();
            report.param(
                "Concurrency",
                format!(
                    "adaptive from {DEFAULT_CONCURRENCY} up to {} (fastest call so far {})",
                    opts.concurrency,
                    rtt.map_or("unknown".to_owned(), |d| format!(
                        "{:.1} ms",
                        d.as_secs_f64() * 1e3
                    ))
                ),
            );
            Aimd::filling(DEFAULT_CONCURRENCY, opts.concurrency, rtt)
        } else {
            report.param("Concurrency", opts.concurrency);
            Aimd::new(opts.concurrency)
        };
        let shared = Mutex::new(Shared {
            report,
            done: 0,
            aimd,
            next_turn: Instant::now(),
        });
        // Set on the first fatal error: calls not yet started are not started.
        let stop = AtomicBool::new(false);
        let call = Call {
            key,
            total,
            started,
            shared: &shared,
            stop: &stop,
            progress,
            cancel,
        };

        // Start calls while the adaptive limit allows (it shrinks on throttling); once
        // throttling has set a pace, each call also waits for its turn (`Shared::turn`).
        let mut running = FuturesUnordered::new();
        let mut outcomes: Vec<ChunkOutcome<T>> = Vec::new();
        loop {
            let limit = shared
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .aimd
                .limit();
            while running.len() < limit && !stop.load(Ordering::Relaxed) && !cancel.is_cancelled() {
                let Some(chunk) = calls.next() else { break };
                running.push(self.write_chunk(chunk, &call));
            }
            match running.next().await {
                Some(outcome) => outcomes.push(outcome),
                None => break,
            }
        }
        drop(running);

        let Shared {
            mut report,
            done,
            aimd,
            ..
        } = shared.into_inner().unwrap_or_else(|p| p.into_inner());
        if aimd.is_filling() || aimd.lowest() < opts.concurrency {
            report.param(
                "Concurrency (adaptive)",
                format!(
                    "started {}, peak {}, lowest {}, final {}{}",
                    aimd.start(),
                    aimd.peak(),
                    aimd.lowest(),
                    aimd.limit(),
                    aimd.pace()
                        .map(|p| format!(", paced at {p:.0} items/s"))
                        .unwrap_or_default()
                ),
            );
        }
        report.in_flight = Some(InFlight {
            start: aimd.start(),
            peak: aimd.peak(),
            lowest: aimd.lowest(),
            last: aimd.limit(),
            max: aimd.max(),
            adaptive: aimd.is_filling(),
            paced_items_per_second: aimd.pace().map(f64::round),
        });
        report.items = done;
        report.elapsed = started.elapsed();
        let mut out = BatchOutcome {
            report,
            not_done: Vec::new(),
            unknown: Vec::new(),
            error: None,
            cancelled: cancel.is_cancelled() && done < total,
        };
        for o in outcomes {
            out.not_done.extend(o.not_done);
            out.unknown.extend(o.unknown);
            out.cancelled |= o.cancelled;
            if out.error.is_none() {
                out.error = o.error;
            }
        }
        let r = &out.report;
        tracing::info!(
            operation = r.operation,
            done,
            total,
            calls = r.calls,
            retries = r.retries,
            unprocessed_resent = r.unprocessed_resent,
            throttled = r.throttled,
            wcu = r.consumed.total.write,
            elapsed_ms = r.elapsed.as_millis() as u64,
            "batch write finished"
        );
        out
    }

    async fn write_chunk<T: Clone + Send>(
        &self,
        chunk: Vec<(T, WriteRequest)>,
        call: &Call<'_>,
    ) -> ChunkOutcome<T> {
        let Call {
            key,
            total,
            started,
            shared,
            stop,
            progress,
            cancel,
        } = *call;
        let keys = |reqs: &[(T, WriteRequest)]| reqs.iter().map(|(k, _)| k.clone()).collect();
        if stop.load(Ordering::Relaxed) || cancel.is_cancelled() {
            return ChunkOutcome {
                not_done: keys(&chunk),
                cancelled: cancel.is_cancelled(),
                ..Default::default()
            };
        }
        let mut pending = chunk;
        let mut rounds = 0u32;
        // Rounds that count towards giving up: all of them, or (patient) those that landed
        // nothing.
        let mut stalled = 0u32;
        loop {
            let sent = pending.len() as u64;
            let done_before = loop {
                let (done, wait) = {
                    let mut guard = shared.lock().unwrap_or_else(|p| p.into_inner());
                    (guard.done, guard.take_turn(pending.len()))
                };
                let Some(wait) = wait else { break done };
                if !sleep_unless_cancelled(wait, Some(cancel)).await {
                    return ChunkOutcome {
                        not_done: keys(&pending),
                        cancelled: true,
                        ..Default::default()
                    };
                }
            };
            let mut attempts = Attempts {
                deletes_only: pending.iter().all(|(_, w)| w.delete_request().is_some()),
                ..Attempts::default()
            };
            let result = self
                .send("BatchWriteItem", sent, Some(cancel), &mut attempts, || {
                    self.client
                        .batch_write_item()
                        .request_items(
                            &self.table,
                            pending.iter().map(|(_, w)| w.clone()).collect(),
                        )
                        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
                        .send()
                })
                .await;
            let throttled = attempts.throttled > 0;
            {
                let mut guard = shared.lock().unwrap_or_else(|p| p.into_inner());
                if throttled {
                    guard.aimd.on_congestion(started.elapsed(), 0);
                }
                attempts.merge_into(&mut guard.report);
            }
            let (out, latency) = match result {
                Ok(ok) => ok,
                Err(CallError::Cancelled) => {
                    return ChunkOutcome {
                        not_done: keys(&pending),
                        cancelled: true,
                        ..Default::default()
                    };
                }
                Err(CallError::Failed { err, maybe_applied }) => {
                    let landed_meanwhile =
                        shared.lock().unwrap_or_else(|p| p.into_inner()).done > done_before;
                    if self.patient && !maybe_applied && err.is_throttling() && landed_meanwhile {
                        // Throttled through a whole budget while the write's other calls
                        // landed items: the table is busy at its limit, not refusing. The
                        // adaptive limit has already cut the calls in flight; try again.
                        continue;
                    }
                    stop.store(true, Ordering::Relaxed);
                    let (not_done, unknown) = if maybe_applied {
                        (Vec::new(), keys(&pending))
                    } else {
                        (keys(&pending), Vec::new())
                    };
                    return ChunkOutcome {
                        not_done,
                        unknown,
                        error: Some(err),
                        cancelled: false,
                    };
                }
            };
            // Counted and matched by key where they are: no copy of the items handed back.
            let unprocessed: &[WriteRequest] = out
                .unprocessed_items()
                .and_then(|m| m.get(&self.table))
                .map_or(&[], Vec::as_slice);
            let written = sent - unprocessed.len() as u64;
            // Scoped so the lock is never held across the backoff sleep below, nor while the
            // caller's progress callback runs (it may print, or take locks of its own).
            let snapshot = {
                let mut guard = shared.lock().unwrap_or_else(|p| p.into_inner());
                let outcome = if unprocessed.is_empty() {
                    "ok".to_owned()
                } else {
                    format!("unprocessed {}", unprocessed.len())
                };
                let rule = write_rule(key, &pending, unprocessed);
                guard.report.record_answered(
                    UnitKind::Write,
                    out.consumed_capacity(),
                    rule,
                    |consumed, by_rule| CallRecord {
                        api: "BatchWriteItem",
                        items: sent,
                        consumed,
                        by_rule,
                        latency,
                        outcome,
                    },
                );
                guard.done += written;
                // A call that was throttled was counted as congestion above: once per call.
                let now = started.elapsed();
                if throttled {
                    // Counted as congestion above; what it wrote still counts as accepted.
                    guard.aimd.note_written(now, written);
                } else if unprocessed.is_empty() {
                    guard.aimd.on_success(now, written, latency);
                } else {
                    guard.aimd.on_congestion(now, written);
                }
                guard.report.unprocessed_resent += unprocessed.len() as u64;
                FlowProgress {
                    progress: BatchProgress {
                        done: guard.done,
                        total,
                        write_units: guard.report.consumed.total.write,
                        retries: guard.report.retries,
                        throttled: guard.report.throttled,
                        unprocessed_resent: guard.report.unprocessed_resent,
                        elapsed: started.elapsed(),
                    },
                    in_flight_limit: guard.aimd.limit(),
                    max_in_flight: guard.aimd.max(),
                    pace: guard.aimd.pace(),
                }
            };
            // The chunks share one task, so nothing runs between the snapshot and this call:
            // the callback still sees the figures in order.
            progress.flow(snapshot);
            if unprocessed.is_empty() {
                return ChunkOutcome::default();
            }
            // Keep exactly the requests DynamoDB handed back, matched by key.
            pending.retain(|(_, w)| unprocessed.iter().any(|u| same_item(key, u, w)));
            rounds += 1;
            stalled = if self.patient && written > 0 {
                0
            } else {
                stalled + 1
            };
            if stalled >= self.retry.max_attempts {
                let mut guard = shared.lock().unwrap_or_else(|p| p.into_inner());
                // The last round's leftovers were counted as resent but never were.
                guard.report.unprocessed_resent -= pending.len() as u64;
                stop.store(true, Ordering::Relaxed);
                return ChunkOutcome {
                    not_done: keys(&pending),
                    error: Some(StoreError::RetriesExhausted {
                        attempts: stalled,
                        code: "UnprocessedItems".into(),
                        message: format!("{} items still unprocessed", pending.len()),
                    }),
                    ..Default::default()
                };
            }
            if !sleep_unless_cancelled(self.retry.backoff(rounds - 1), Some(cancel)).await {
                let mut guard = shared.lock().unwrap_or_else(|p| p.into_inner());
                guard.report.unprocessed_resent -= pending.len() as u64;
                return ChunkOutcome {
                    not_done: keys(&pending),
                    cancelled: true,
                    ..Default::default()
                };
            }
        }
    }
}

/// What DynamoDB's rule charges the base table for the requests of a BatchWriteItem that were
/// processed (sent, not handed back): a put costs 1 WCU per started KB of its item. A delete
/// costs by the size of the item it removes, which the keys sent for it do not carry.
fn write_rule<T>(
    key: &[&str],
    pending: &[(T, WriteRequest)],
    unprocessed: &[WriteRequest],
) -> Rule {
    let mut units = 0u64;
    for (_, request) in pending {
        if unprocessed.iter().any(|u| same_item(key, u, request)) {
            continue;
        }
        match request.put_request() {
            Some(put) => units += write_units(item_size(put.item())),
            None => return Rule::DELETE,
        }
    }
    Rule::Units(Capacity::of(UnitKind::Write, units as f64))
}
