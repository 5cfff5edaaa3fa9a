//! Jobs the app waits for: what each was started for ([`What`]), so its answer lands in the
//! right place, and the one long job (generate or delete) with its latest progress.

use crate::request::generate::GenerateSpec;
use crate::request::schema::RequestId;
use crate::store::BatchProgress;
use crate::tui::app::flow::FlowSeries;
use crate::tui::msg::{GeneratedRequest, JobId};

/// A job the app is waiting for, and what to do with its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    /// The log row's label.
    pub label: String,
    /// Kind and context.
    pub what: What,
}

/// Context of a job in flight. `Lab` belongs to the Labs screen, the rest to Explore.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// A scan page. `new_pass`: it starts again from the beginning of the table.
    Scan {
        /// Starts a new pass over the table.
        new_pass: bool,
    },
    /// A query.
    Query {
        /// The request.
        request_id: RequestId,
        /// Strong read.
        consistent: bool,
        /// Give the Items pane focus when it arrives (the user asked; not a refresh).
        focus: bool,
    },
    /// A generate.
    Generate {
        /// What was asked.
        spec: GenerateSpec,
        /// The requests it writes, once the worker has chosen them.
        planned: Vec<GeneratedRequest>,
    },
    /// A delete.
    Delete {
        /// The request.
        request_id: RequestId,
        /// The whole request, not chosen records.
        whole: bool,
        /// Items asked for, as far as known.
        count: usize,
    },
    /// The table picker's list of names.
    Tables,
    /// The table picker's details.
    DescribeTables,
    /// A switch of table.
    UseTable,
    /// A scan page of a table of any key schema.
    ScanAny {
        /// From the start of the table.
        new_pass: bool,
    },
    /// A query of a table of any key schema.
    QueryAny {
        /// What the Items pane is titled.
        label: String,
    },
    /// A delete by key, of a table of any key schema.
    DeleteAny,
    /// Loaded items written to a file.
    ExportLoaded,
    /// The whole table to a file.
    ExportTable,
    /// The SQL screen's list of table names.
    SqlTables,
    /// The SQL screen's description of the table in a statement's FROM.
    SqlDescribe,
    /// A PartiQL statement, and what it was planned as.
    Sql {
        /// The plan shown before it ran.
        plan: Box<crate::table::partiql::Plan>,
    },
    /// A lab (the Labs screen's).
    Lab {
        /// Which.
        lab: crate::labs::LabId,
    },
}

impl What {
    /// A job of the table picker or of Explore on a table of any key schema.
    pub fn is_any_table(&self) -> bool {
        matches!(
            self,
            What::Tables
                | What::DescribeTables
                | What::UseTable
                | What::ScanAny { .. }
                | What::QueryAny { .. }
                | What::DeleteAny
                | What::ExportLoaded
                | What::ExportTable
        )
    }

    /// The store operation name, for a log row of a job that failed before any call.
    pub fn operation_name(&self) -> &'static str {
        match self {
            What::Scan { .. } | What::ScanAny { .. } => "scan",
            What::Query { .. } | What::QueryAny { .. } => "query",
            What::Tables | What::DescribeTables => "tables",
            What::UseTable => "describe",
            What::DeleteAny => "delete",
            What::ExportLoaded | What::ExportTable => "export",
            What::Generate { .. } => "generate",
            What::Delete { .. } => "delete",
            What::Lab { .. } => "lab",
            What::SqlTables | What::SqlDescribe => "tables",
            What::Sql { .. } => "sql",
        }
    }
}

/// The running generate or delete, for its progress dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct LongJob {
    /// Its id.
    pub id: JobId,
    /// The latest progress.
    pub progress: Option<BatchProgress>,
    /// Its write units per second so far, for the live chart.
    pub flow: FlowSeries,
    /// The write rate the simulated limits hold it to (the chart's limit line); `None`
    /// when nothing is simulated or the plan is not known yet.
    pub limit_wcu: Option<f64>,
    /// Esc was pressed; waiting for the store to stop.
    pub cancelling: bool,
}
