//! The request store: the table's access patterns over one `aws_sdk_dynamodb::Client`,
//! whatever the backend. No UI types here; every operation returns an [`OpReport`].
//!
//! - `table.rs`: ensure the table exists with our key schema; describe it.
//! - `batch.rs`: BatchWriteItem with UnprocessedItems resent (puts and deletes share it).
//! - `write.rs`: writing generated requests.  `read.rs`: query and scan.  `delete.rs`.
//! - `sample.rs`: one Scan page of whole items, to measure item sizes.

pub mod aimd;
mod batch;
mod delete;
pub mod disk;
pub mod error;
mod read;
pub mod report;
pub mod retry;
mod sample;
mod table;
mod write;

use std::any::Any;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
pub use tokio_util::sync::CancellationToken;

pub use aimd::FILL_MAX;
pub(crate) use batch::in_calls;
pub use batch::{
    BatchProgress, DEFAULT_CONCURRENCY, FlowProgress, ProgressSink, WithFlow, WriteOptions,
};

pub use disk::{DbFile, human_bytes};
use error::{Failure, classify};
pub use error::{StoreError, sdk_error_line};
pub use read::{
    DEFAULT_QUERY_PARALLEL, QueryOptions, QueryOutput, RequestSummary, ScanOptions, ScanPage,
    filter_unexpired,
};
pub(crate) use read::{call_error, page_rule};
pub use report::{
    ByRule, CallRecord, CallUnits, Capacity, ConsumedDetail, InFlight, OpReport,
    READ_USD_PER_MILLION, Rule, UnitKind, WRITE_USD_PER_MILLION,
};
pub use retry::RetryPolicy;
pub use sample::ItemSample;
pub use table::{TableCheck, TableInfo, expected_key_schema};

use crate::request::schema::validate_table_name;

/// The table of requests on one backend.
#[derive(Clone)]
pub struct Store {
    client: Client,
    table: String,
    endpoint: String,
    retry: RetryPolicy,
    /// Batch writes keep going through sustained throttling while they make progress.
    patient: bool,
    /// The fastest successful call on this client so far, in microseconds (`u64::MAX`: none
    /// yet): the best estimate of the network's round trip. Shared by clones.
    fastest_us: Arc<AtomicU64>,
    /// What the client talks through and must outlive it (the `--limits` layer), if anything.
    _transport: Option<Arc<dyn Any + Send + Sync>>,
    /// The embedded engine's database file, to name it (and release its reserve) when the
    /// disk is full.
    db_file: Option<DbFile>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("table", &self.table)
            .field("endpoint", &self.endpoint)
            .field("retry", &self.retry)
            .field("patient", &self.patient)
            .field("layered", &self._transport.is_some())
            .finish()
    }
}

/// Failed and retried attempts of one call, merged into the report by the caller.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    pub retries: u64,
    pub throttled: u64,
    /// Throttling reasons seen, with how often.
    pub reasons: BTreeMap<String, u64>,
    pub failed: Vec<CallRecord>,
    /// The call only deletes (its caller says so): on a full disk it may release the reserve
    /// kept for deletes.
    pub deletes_only: bool,
}

impl Attempts {
    pub(crate) fn merge_into(self, report: &mut OpReport) {
        report.retries += self.retries;
        report.throttled += self.throttled;
        for (reason, n) in self.reasons {
            *report.throttling_reasons.entry(reason).or_default() += n;
        }
        for call in self.failed {
            report.record_call(call);
        }
    }
}

/// Why a call did not succeed.
#[derive(Debug)]
pub(crate) enum CallError {
    /// Cancelled while waiting to retry.
    Cancelled,
    /// Gave up. `maybe_applied`: an attempt may have reached the engine (5xx, lost connection),
    /// so its writes may or may not have landed.
    Failed {
        err: StoreError,
        maybe_applied: bool,
    },
}

impl Store {
    /// The fastest successful call on this client so far: about the network's round trip
    /// plus the least an engine takes to answer. `None` before the first.
    pub fn fastest_call(&self) -> Option<Duration> {
        match self.fastest_us.load(Ordering::Relaxed) {
            u64::MAX => None,
            us => Some(Duration::from_micros(us)),
        }
    }

    /// A store for `table` through `client`; `endpoint` names the backend in error messages.
    pub fn new(client: Client, table: &str, endpoint: &str) -> Result<Self, StoreError> {
        validate_table_name(table).map_err(StoreError::InvalidInput)?;
        Ok(Store {
            client,
            table: table.to_owned(),
            endpoint: endpoint.to_owned(),
            retry: RetryPolicy::default(),
            patient: false,
            fastest_us: Arc::new(AtomicU64::new(u64::MAX)),
            _transport: None,
            db_file: None,
        })
    }

    /// The engine keeps the table in `file` (the embedded engine): a full disk is then
    /// reported with the file, the space left, and the reserve released for deletes.
    pub fn on_file(mut self, file: DbFile) -> Self {
        self.db_file = Some(file);
        self
    }

    /// Under sustained throttling (simulated `--limits`, where riding the limit is the
    /// point), a batch write gives up only when it stops making progress: unprocessed rounds
    /// that landed items, and calls throttled through a whole retry budget while other calls
    /// of the write landed items, do not use up the budget. Without it every round and every
    /// call counts, which suits occasional throttling.
    pub fn patient_under_throttling(mut self) -> Self {
        self.patient = true;
        self
    }

    /// Keeps `transport` (a layer the client's calls go through, such as the `--limits`
    /// proxy) alive for as long as this store or a clone of it is.
    pub fn keeping(mut self, transport: Arc<dyn Any + Send + Sync>) -> Self {
        self._transport = Some(transport);
        self
    }

    /// Replaces the retry policy (tests use a short one).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same store (client, retries, layer) for another table of the endpoint.
    pub fn for_table(&self, table: &str) -> Result<Store, StoreError> {
        validate_table_name(table).map_err(StoreError::InvalidInput)?;
        Ok(Store {
            table: table.to_owned(),
            ..self.clone()
        })
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Where the store sends its calls, for display.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The SDK client (tests check results directly on the engine with it).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sends one call, retrying throttles and 5xx with full-jitter backoff up to the budget,
    /// and connection failures a few times. Every failed attempt is logged in `log`.
    pub(crate) async fn send<T, E, Fut>(
        &self,
        api: &'static str,
        items: u64,
        cancel: Option<&CancellationToken>,
        log: &mut Attempts,
        mut call: impl FnMut() -> Fut,
    ) -> Result<(T, Duration), CallError>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let policy = self.retry;
        let mut attempts = 0u32;
        let mut connection_failures = 0u32;
        let mut maybe_applied = false;
        let mut reserve_tried = false;
        loop {
            let started = Instant::now();
            let err = match call().await {
                Ok(out) => {
                    let latency = started.elapsed();
                    let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
                    self.fastest_us.fetch_min(us, Ordering::Relaxed);
                    return Ok((out, latency));
                }
                Err(err) => err,
            };
            let latency = started.elapsed();
            attempts += 1;
            let mut reasons_seen = String::new();
            let (code, message) = match classify(&err, &self.endpoint, &self.table) {
                Failure::Final(StoreError::DiskFull { detail, .. }) => {
                    let deleting = log.deletes_only;
                    // The reserve is for deletes, released by the first delete that needs it
                    // and not before: a write that released it would let the writes still in
                    // flight fill it. A delete that finds the disk full tries once more with
                    // the reserve gone (released now, or by a delete beside it).
                    if let Some(file) = self.db_file.as_ref().filter(|_| deleting && !reserve_tried)
                    {
                        reserve_tried = true;
                        let released = file.release_reserve();
                        tracing::warn!(
                            api,
                            released,
                            "disk full on a delete: trying again without the reserve"
                        );
                        log.retries += 1;
                        continue;
                    }
                    let hint = self
                        .db_file
                        .as_ref()
                        .map(|f| format!(": {}", f.full_disk_hint()))
                        .unwrap_or_default();
                    let err = StoreError::DiskFull { detail, hint };
                    tracing::warn!(api, error = %err, "call failed, not retryable");
                    return Err(CallError::Failed { err, maybe_applied });
                }
                Failure::Final(err) => {
                    tracing::warn!(api, error = %err, "call failed, not retryable");
                    return Err(CallError::Failed { err, maybe_applied });
                }
                Failure::Throttled {
                    code,
                    message,
                    reasons,
                } => {
                    log.throttled += 1;
                    // The log's outcome names the reasons: "...Exception (TableWrite...)".
                    if !reasons.is_empty() {
                        reasons_seen = format!(" ({})", reasons.join(", "));
                    }
                    for r in reasons {
                        *log.reasons.entry(r).or_default() += 1;
                    }
                    (code, message)
                }
                Failure::Server { code, message } => {
                    maybe_applied = true;
                    (code, message)
                }
                Failure::Connection(detail) => {
                    maybe_applied = true;
                    connection_failures += 1;
                    if connection_failures >= policy.max_connection_attempts {
                        let err = StoreError::Unreachable {
                            endpoint: self.endpoint.clone(),
                            detail,
                        };
                        return Err(CallError::Failed { err, maybe_applied });
                    }
                    ("ConnectionError".to_owned(), detail)
                }
            };
            tracing::warn!(api, code = %code, message = %message, attempt = attempts, "call failed");
            log.failed.push(CallRecord {
                api,
                items,
                consumed: Capacity::default(),
                by_rule: None,
                latency,
                outcome: format!("{code}{reasons_seen}"),
            });
            if attempts >= policy.max_attempts {
                let err = StoreError::RetriesExhausted {
                    attempts,
                    code,
                    message,
                };
                return Err(CallError::Failed { err, maybe_applied });
            }
            log.retries += 1;
            if !sleep_unless_cancelled(policy.backoff(attempts - 1), cancel).await {
                return Err(CallError::Cancelled);
            }
        }
    }
}

/// Sleeps for `d`; false if `cancel` fired first.
pub(crate) async fn sleep_unless_cancelled(
    d: Duration,
    cancel: Option<&CancellationToken>,
) -> bool {
    match cancel {
        Some(token) => tokio::select! {
            _ = tokio::time::sleep(d) => true,
            _ = token.cancelled() => false,
        },
        None => {
            tokio::time::sleep(d).await;
            true
        }
    }
}
