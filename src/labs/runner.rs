//! Runs labs: each on scratch tables of its own, which are deleted when the lab is over, after
//! success, failure or cancel alike (the delete is awaited here, not left to a destructor).

use aws_sdk_dynamodb::Client;

use super::catalog::{LabId, Scale};
pub use super::ctx::LabProgress;
use super::ctx::{Ctx, StepError};
use super::lab;
use super::report::LabResult;
use super::scratch::Scratch;
use crate::store::CancellationToken;

/// Where labs run: the client every backend shares, and its endpoint for messages.
#[derive(Debug, Clone)]
pub struct LabConn {
    /// The SDK client.
    pub client: Client,
    /// The endpoint, for messages.
    pub endpoint: String,
    /// The embedded engine's TTL sweeps (`None` on other backends): `ttl-vs-delete` runs one.
    pub sweeper: Option<crate::ttl::Sweeper>,
}

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Fail on purpose when this step starts (fault injection: tests check that a lab failing
    /// midway still deletes its tables).
    pub fail_at_step: Option<String>,
}

/// Why a lab gave no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabErrorKind {
    /// A step failed: why.
    Failed(String),
    /// The user cancelled.
    Cancelled,
}

/// A lab that gave no result, and whether its scratch tables are gone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct LabError {
    /// The lab.
    pub lab: &'static str,
    /// The step it was in.
    pub step: String,
    /// What happened.
    pub kind: LabErrorKind,
    /// Scratch tables that could not be deleted, with the reason (empty: all gone).
    pub left_tables: Vec<(String, String)>,
}

impl LabError {
    fn describe(&self) -> String {
        let (lab, step) = (self.lab, &self.step);
        let what = match &self.kind {
            LabErrorKind::Failed(why) => format!("lab {lab} failed at step {step:?}: {why}"),
            LabErrorKind::Cancelled => format!("lab {lab} was cancelled at step {step:?}"),
        };
        if self.left_tables.is_empty() {
            return format!("{what}; its scratch tables were deleted");
        }
        let list: Vec<String> = self
            .left_tables
            .iter()
            .map(|(t, why)| format!("{t} ({why})"))
            .collect();
        format!(
            "{what}; scratch tables NOT deleted, delete them by hand: {}",
            list.join(", ")
        )
    }

    /// True when the user cancelled it.
    pub fn cancelled(&self) -> bool {
        self.kind == LabErrorKind::Cancelled
    }
}

/// Runs one lab to its result, then deletes its scratch tables.
pub async fn run_lab(
    conn: &LabConn,
    lab: LabId,
    scale: Scale,
    opts: &RunOptions,
    cancel: &CancellationToken,
    progress: &(dyn Fn(LabProgress) + Send + Sync),
) -> Result<LabResult, LabError> {
    let scratch = Scratch::new(conn.client.clone(), &conn.endpoint, lab.name());
    let mut ctx = Ctx::new(
        lab,
        scale,
        scratch,
        cancel.clone(),
        progress,
        opts.fail_at_step.as_deref(),
    );
    ctx.sweeper = conn.sweeper.clone();
    let result = lab::run(&mut ctx).await;
    progress(LabProgress {
        lab,
        step: "deleting scratch tables".into(),
    });
    let deleted = ctx.scratch.delete_all().await;
    let left_tables = deleted.err().unwrap_or_default();
    match result {
        Ok(result) if left_tables.is_empty() => Ok(result),
        Ok(_) => Err(LabError {
            lab: lab.name(),
            step: "deleting scratch tables".into(),
            kind: LabErrorKind::Failed("could not delete its scratch tables".into()),
            left_tables,
        }),
        Err(e) => Err(LabError {
            lab: lab.name(),
            step: ctx.step,
            kind: match e {
                StepError::Cancelled => LabErrorKind::Cancelled,
                e => LabErrorKind::Failed(e.to_string()),
            },
            left_tables,
        }),
    }
}
