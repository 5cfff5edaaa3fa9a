//! Labs: experiments that show how DynamoDB behaves, measured side by side. Each lab asks one
//! question, runs the calls that answer it on scratch tables of its own, and returns a
//! [`LabResult`]: a table of measured variants, a chart of its key figure and a conclusion
//! computed from those numbers.
//!
//! - `catalog.rs`: the labs by name, their questions, which are available.
//! - `limited.rs`: scratch tables behind throughput limits (labs 6 and 7).
//! - `runner.rs`: runs labs; scratch tables are deleted afterwards whatever happened.
//! - `scratch.rs`: creating and deleting `lab-NAME-xxxxxx` tables.  `ctx.rs`: what a lab
//!   measures with (steps, cancellation, the [`ctx::Meter`] of calls and capacity).
//! - `report.rs`: the result types (Serialize) and the markdown report.  `lab/`: one file
//!   per lab. The command, `dynamo-explorer lab list|run`, is `src/cli/lab.rs`.

pub mod catalog;
pub mod ctx;
mod lab;
mod limited;
pub mod report;
pub mod runner;
pub mod scratch;

pub use catalog::{LabId, Scale};
pub use report::{Chart, LabResult, LabsReport, Variant};
pub use runner::{LabConn, LabError, LabProgress, RunOptions, run_lab};
