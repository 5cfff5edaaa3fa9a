//! What a lab runs with: [`Ctx`] (its scale, its scratch tables, named steps with progress and
//! cancellation) and [`Meter`] (calls, items, ConsumedCapacity, throttles and time of one
//! variant, turned into a [`Variant`]).

use std::collections::BTreeMap;
use std::time::Instant;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::ConsumedCapacity;

use super::catalog::{LabId, Scale};
use super::report::Variant;
use super::scratch::{CreateError, Design, Scratch};
use crate::store::report::ConsumedDetail;
use crate::store::{
    Attempts, CallError, CancellationToken, OpReport, RetryPolicy, Store, StoreError, UnitKind,
};

/// A lab moved on to a new step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabProgress {
    /// The lab.
    pub lab: LabId,
    /// The step it started.
    pub step: String,
}

/// Why a step of a lab stopped.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
    /// A scratch table could not be created.
    #[error(transparent)]
    Create(#[from] CreateError),
    /// A call failed, or the engine answered something the lab cannot use.
    #[error("{0}")]
    Failed(String),
    /// The engine does not have the API a step needs (DynamoDB-compatible engines that
    /// are not DynamoDB lack some): what it answered.
    #[error("not supported by this engine: {0}")]
    Unsupported(String),
}

/// Error codes of an engine that lacks an API (not DynamoDB's own: DynamoDB has them all).
const UNSUPPORTED_CODES: [&str; 4] = [
    "UnknownOperationException",
    "UnsupportedOperationException",
    "NotImplemented",
    "NotImplementedException",
];

impl From<StoreError> for StepError {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::Service { code, .. } if UNSUPPORTED_CODES.contains(&code.as_str()) => {
                StepError::Unsupported(e.to_string())
            }
            _ => StepError::Failed(e.to_string()),
        }
    }
}

impl From<CallError> for StepError {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Cancelled => StepError::Cancelled,
            CallError::Failed { err, .. } => err.into(),
        }
    }
}

/// A lab's running context.
pub struct Ctx<'a> {
    /// The lab.
    pub lab: LabId,
    /// How big it runs.
    pub scale: Scale,
    pub(crate) scratch: Scratch,
    pub(crate) step: String,
    /// Capacity spent on setup (writing the data a lab reads), outside every variant.
    pub(crate) setup: crate::store::Capacity,
    /// The embedded engine's TTL sweeps (`None` on other backends).
    pub(crate) sweeper: Option<crate::ttl::Sweeper>,
    cancel: CancellationToken,
    progress: &'a (dyn Fn(LabProgress) + Send + Sync),
    fail_at: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        lab: LabId,
        scale: Scale,
        scratch: Scratch,
        cancel: CancellationToken,
        progress: &'a (dyn Fn(LabProgress) + Send + Sync),
        fail_at: Option<&'a str>,
    ) -> Self {
        Ctx {
            lab,
            scale,
            scratch,
            step: "start".to_owned(),
            setup: crate::store::Capacity::default(),
            sweeper: None,
            cancel,
            progress,
            fail_at,
        }
    }

    /// Starts a named step: says so (progress), stops if cancelled. A failure names the step
    /// it happened in.
    pub fn step(&mut self, name: impl Into<String>) -> Result<(), StepError> {
        self.check()?;
        self.step = name.into();
        (self.progress)(LabProgress {
            lab: self.lab,
            step: self.step.clone(),
        });
        if self.fail_at == Some(self.step.as_str()) {
            return Err(StepError::Failed(format!(
                "forced failure at step {:?} (fault injection)",
                self.step
            )));
        }
        Ok(())
    }

    /// `Err(Cancelled)` once the user has cancelled.
    pub fn check(&self) -> Result<(), StepError> {
        if self.cancel.is_cancelled() {
            Err(StepError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// The cancellation token, for store operations that take one.
    pub fn cancel(&self) -> &CancellationToken {
        &self.cancel
    }

    /// A fresh scratch table, deleted by the runner when the lab is over.
    pub async fn table(&mut self, design: &Design) -> Result<Store, StepError> {
        self.check()?;
        Ok(self.scratch.create(design).await?)
    }
}

/// The ConsumedCapacity of a response that has at most one entry, as a slice.
pub fn one(cc: Option<&ConsumedCapacity>) -> &[ConsumedCapacity] {
    cc.map(std::slice::from_ref).unwrap_or_default()
}

/// Measures one variant: every call, the items, what ConsumedCapacity said, the throttles
/// and the wall time from its creation to [`Meter::variant`].
#[derive(Debug)]
pub struct Meter {
    calls: u64,
    items: u64,
    consumed: ConsumedDetail,
    throttled: u64,
    unprocessed: u64,
    reasons: BTreeMap<String, u64>,
    started: Instant,
    item_bytes: Option<u64>,
    returned_bytes: Option<u64>,
}

impl Default for Meter {
    fn default() -> Self {
        Meter::new()
    }
}

impl Meter {
    /// Starts the clock.
    pub fn new() -> Self {
        Meter {
            calls: 0,
            items: 0,
            consumed: ConsumedDetail::default(),
            throttled: 0,
            unprocessed: 0,
            reasons: BTreeMap::new(),
            started: Instant::now(),
            item_bytes: None,
            returned_bytes: None,
        }
    }

    /// Sends one call through the store's retry loop (throttles are retried and counted),
    /// stopping if the lab is cancelled.
    pub async fn send<T, E, Fut>(
        &mut self,
        ctx: &Ctx<'_>,
        store: &Store,
        api: &'static str,
        call: impl FnMut() -> Fut,
    ) -> Result<T, StepError>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        ctx.check()?;
        let mut attempts = Attempts::default();
        let result = store
            .send(api, 0, Some(ctx.cancel()), &mut attempts, call)
            .await;
        self.calls += 1 + attempts.failed.len() as u64;
        self.note_throttles(&attempts);
        Ok(result?.0)
    }

    /// Sends one call once, without retrying a throttle: `None` when it was throttled (counted,
    /// with its reasons). For showing refusals, where a retry would hide them.
    pub async fn attempt<T, E, Fut>(
        &mut self,
        ctx: &Ctx<'_>,
        store: &Store,
        api: &'static str,
        call: impl FnMut() -> Fut,
    ) -> Result<Option<T>, StepError>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        ctx.check()?;
        let once = store.clone().with_retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        });
        let mut attempts = Attempts::default();
        let result = once
            .send(api, 0, Some(ctx.cancel()), &mut attempts, call)
            .await;
        // Every failed attempt was logged; a success is one more call.
        self.calls += attempts.failed.len() as u64 + u64::from(result.is_ok());
        self.note_throttles(&attempts);
        match result {
            Ok((out, _)) => Ok(Some(out)),
            Err(CallError::Failed { err, .. }) if err.is_throttling() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn note_throttles(&mut self, attempts: &Attempts) {
        self.throttled += attempts.throttled;
        for (reason, n) in &attempts.reasons {
            *self.reasons.entry(reason.clone()).or_default() += n;
        }
    }

    /// Counts a call made outside [`Meter::send`] (one whose failure is the point).
    pub fn count_call(&mut self) {
        self.calls += 1;
    }

    /// Adds a response's ConsumedCapacity and the items it carried.
    pub fn consumed(&mut self, kind: UnitKind, entries: &[ConsumedCapacity], items: u64) {
        self.consumed.add_response(kind, entries);
        self.items += items;
    }

    /// Adds what a store operation (a batch write, a paged query) reported.
    pub fn absorb(&mut self, report: &OpReport) {
        self.calls += report.calls;
        self.items += report.items;
        self.throttled += report.throttled;
        self.unprocessed += report.unprocessed_resent;
        for (reason, n) in &report.throttling_reasons {
            *self.reasons.entry(reason.clone()).or_default() += n;
        }
        self.consumed.merge(&report.consumed);
    }

    /// What ConsumedCapacity said so far, table and indexes apart.
    pub fn detail(&self) -> &ConsumedDetail {
        &self.consumed
    }

    /// Notes the size of the item the variant is about.
    pub fn item_bytes(&mut self, bytes: usize) {
        self.item_bytes = Some(bytes as u64);
    }

    /// Adds bytes of items that came back.
    pub fn returned_bytes(&mut self, bytes: usize) {
        *self.returned_bytes.get_or_insert(0) += bytes as u64;
    }

    /// The measured variant.
    pub fn variant(self, name: impl Into<String>) -> Variant {
        Variant {
            name: name.into(),
            calls: self.calls,
            items: self.items,
            read_units: self.consumed.total.read,
            write_units: self.consumed.total.write,
            elapsed_ms: self.started.elapsed().as_millis() as u64,
            throttled: self.throttled,
            unprocessed: self.unprocessed,
            throttling_reasons: self.reasons,
            item_bytes: self.item_bytes,
            returned_bytes: self.returned_bytes,
            rule: None,
            unsupported: None,
        }
    }
}
