//! The vocabulary between the layers: what the app asks the worker to do ([`Job`],
//! [`WorkerCommand`]), what comes back ([`WorkerEvent`]), and everything `App::update` reacts
//! to ([`Msg`]) and asks for in return ([`Command`]).

use std::fmt;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use crate::request::generate::GenerateSpec;
use crate::request::schema::{RecordKey, RequestId};
use crate::store::StoreError;
use crate::store::{FlowProgress, OpReport, QueryOptions, QueryOutput, ScanOptions, ScanPage};
use crate::table::value::Item;
use crate::table::{Prepared, ReadOutput, TableDesc};

/// Tags one job from start to its last event, so results of a superseded job can be told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u64);

impl JobId {
    /// Tags what the worker reports of its own accord (TTL sweeps): jobs are numbered from 1.
    pub const BACKGROUND: JobId = JobId(0);
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A wall-clock instant in whole seconds since the Unix epoch, UTC. The worker stamps events
/// with it, so `update` and the view never read the clock (and snapshots stay fixed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct ClockTime(pub u64);

impl ClockTime {
    /// Now.
    pub fn now() -> Self {
        ClockTime(u64::try_from(crate::ttl::now_epoch()).unwrap_or(0))
    }

    /// `HH:MM:SS` (UTC).
    pub fn hms(self) -> String {
        let s = self.0 % 86_400;
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

/// One store operation for the worker to run.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// One page of the table.
    Scan(ScanOptions),
    /// Every record of one request.
    Query {
        /// The request.
        request_id: RequestId,
        /// Consistency and page size.
        opts: QueryOptions,
    },
    /// Generated requests, written with BatchWriteItem.
    Generate(GenerateSpec),
    /// These records (all of one request).
    DeleteKeys {
        /// The request they belong to.
        request_id: RequestId,
        /// The records.
        keys: Vec<RecordKey>,
    },
    /// Every record of a request.
    DeleteRequest(RequestId),
    /// The names of every table of the endpoint (the table picker, at once).
    Tables,
    /// These tables described (the picker's details, after the names).
    DescribeTables(Vec<String>),
    /// Switch to this table: describe it; later jobs go to it.
    UseTable(String),
    /// One Scan page of a table of any key schema.
    ScanAny {
        /// Where the page starts.
        start: Option<Item>,
        /// Strongly consistent.
        consistent: bool,
        /// Items read at most (Limit).
        limit: u32,
    },
    /// A Query of a table of any key schema, checked and prepared.
    QueryAny(Box<Prepared>),
    /// Delete these items (their keys) of a table of any key schema.
    DeleteAny(Vec<Item>),
    /// Write these items (what the Items pane holds) to a file in the current directory, in
    /// DynamoDB's export layout: `<table>-<unix seconds>.jsonl`.
    ExportLoaded {
        /// The table, for the file's name.
        table: String,
        /// The items.
        items: Loaded,
    },
    /// The whole table to a file in the current directory (DynamoDB's export layout), in
    /// this many parallel Scan segments.
    ExportTable {
        /// Scan segments.
        segments: u32,
        /// The directory the file goes to (the app's: `.`).
        dir: std::path::PathBuf,
    },
    /// A PartiQL statement (the SQL screen's), every page.
    Sql(Box<crate::table::sql::Statement>),
    /// A lab, on scratch tables of its own (the Labs screen's).
    Lab {
        /// Which.
        lab: crate::labs::LabId,
        /// How big.
        scale: crate::labs::Scale,
    },
}

impl Job {
    /// Generate and delete run long, report progress and can be cancelled.
    pub fn is_long(&self) -> bool {
        matches!(
            self,
            Job::Generate(_) | Job::DeleteKeys { .. } | Job::DeleteRequest(_)
        )
    }

    /// Can be cancelled (the worker gives it a token): long jobs, and labs.
    pub fn is_cancellable(&self) -> bool {
        self.is_long()
            || matches!(
                self,
                Job::Lab { .. } | Job::Sql(_) | Job::ExportTable { .. }
            )
    }
}

/// What the Items pane holds, for an export: shared, not copied, on another table; the
/// request's records on the request table.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// Items of a table of any key schema.
    Any(std::sync::Arc<crate::table::items::Items>),
    /// Records of a request.
    Records(std::sync::Arc<Vec<crate::request::schema::Record>>),
}

impl Loaded {
    /// How many.
    pub fn len(&self) -> usize {
        match self {
            Loaded::Any(items) => items.len(),
            Loaded::Records(records) => records.len(),
        }
    }

    /// None.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the event loop sends the worker.
#[derive(Debug)]
pub enum WorkerCommand {
    /// Start a job. A new query stops a query still running (its result would be stale) and
    /// reports it `Superseded`.
    Start {
        /// Its tag.
        id: JobId,
        /// What to do.
        job: Job,
    },
    /// Cancel a long job: what was written stays, the result says how much.
    Cancel(JobId),
    /// Cancel everything and stop.
    Shutdown,
}

/// A request written by a generate job: what the Requests pane shows for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedRequest {
    /// Its id.
    pub request_id: RequestId,
    /// Records it has.
    pub records: u32,
    /// Its `created_at`.
    pub created_at: String,
}

/// One thing the worker reports about a job.
#[derive(Debug)]
pub struct WorkerEvent {
    /// The job.
    pub id: JobId,
    /// When the worker saw it happen.
    pub at: ClockTime,
    /// What happened.
    pub kind: EventKind,
    /// The calls the job sent (final events only): the log shows the main one as code.
    pub sent: Option<std::sync::Arc<crate::code::Sent>>,
}

/// A PartiQL statement's answer, its items already the grid's compact items: made in the
/// worker, not in `App::update` (up to 100,000 items).
#[derive(Debug, Default)]
pub struct SqlAnswer {
    /// Pages, capacity, the report (its `items` taken into `items`).
    pub out: crate::table::sql::SqlOutput,
    /// The items returned.
    pub items: crate::table::items::Items,
}

impl From<crate::table::sql::SqlOutput> for SqlAnswer {
    fn from(mut out: crate::table::sql::SqlOutput) -> Self {
        let items = crate::table::items::Items::from_items(std::mem::take(&mut out.items));
        SqlAnswer { out, items }
    }
}

/// What happened to a job.
#[derive(Debug)]
pub enum EventKind {
    /// A generate job chose its request ids and counts (sent before writing starts).
    Planned(Vec<GeneratedRequest>),
    /// A batch write advanced (coalesced: at most ~10 per second per job).
    Progress(FlowProgress),
    /// A scan page arrived.
    Scanned(ScanPage),
    /// A query finished.
    Queried(QueryOutput),
    /// A query was stopped because a newer one started: the worker owns superseding, and
    /// this is its last word on the old query (nothing follows it).
    Superseded,
    /// A generate job wrote everything.
    Generated(OpReport),
    /// A delete job deleted everything.
    Deleted(OpReport),
    /// The job failed, or was cancelled; the error may carry a report of what was done.
    Failed(StoreError),
    /// The endpoint's table names.
    TableNames(Vec<String>),
    /// The endpoint's tables, described.
    Tables(Vec<TableDesc>),
    /// The table switched to, described.
    TableOpened(Box<TableDesc>),
    /// A read of a table of any key schema.
    ReadAny(Box<ReadOutput>),
    /// A delete by key: how many items were there, and the report.
    DeletedAny(u64, OpReport),
    /// Items written to a file: its path, the items and bytes.
    Exported(String, u64, u64),
    /// A whole-table export advanced (not final): items, pages and RCU so far.
    ExportProgress {
        /// Items written.
        items: u64,
        /// Pages read.
        pages: u64,
        /// Read units consumed.
        rcu: f64,
    },
    /// A whole-table export ended (finished or cancelled: whole lines either way).
    ExportedTable {
        /// The file.
        path: String,
        /// Items written.
        items: u64,
        /// Bytes written.
        bytes: u64,
        /// Its calls.
        report: Box<crate::store::OpReport>,
    },
    /// A PartiQL statement ran: every page.
    SqlDone(Box<SqlAnswer>),
    /// A lab started a step (not final).
    LabStep(crate::labs::LabProgress),
    /// A lab's result, or why it has none (its scratch tables are deleted either way).
    LabDone(Result<Box<crate::labs::LabResult>, crate::labs::LabError>),
    /// A background TTL sweep of the embedded engine ended (not a job: `JobId::BACKGROUND`).
    TtlSwept(Result<crate::ttl::SweepReport, crate::ttl::SweepError>),
}

/// Everything `App::update` reacts to.
#[derive(Debug)]
pub enum Msg {
    /// A key press.
    Key(KeyEvent),
    /// Bracketed paste.
    Paste(String),
    /// Mouse wheel or click.
    Mouse(MouseEvent),
    /// The terminal's new size.
    Resize(u16, u16),
    /// The render interval: animates the "working" indicator.
    Tick,
    /// A new wall-clock second that a loaded record's `expires_at` is now before (the event
    /// loop reads the clock; `update` never does).
    Clock(ClockTime),
    /// From the worker (boxed: a query result is large, a key press is not).
    Worker(Box<WorkerEvent>),
    /// The worker task ended (panicked): nothing more will run.
    WorkerDied(String),
    /// A transcript `w` asked for was written: the file's name and its bytes, or why not.
    TranscriptWritten(Result<(String, usize), String>),
}

/// What `update` asks the event loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Send a job to the worker.
    Start {
        /// Its tag.
        id: JobId,
        /// What to do.
        job: Job,
    },
    /// Cancel a long job.
    Cancel(JobId),
    /// Leave the app.
    Quit,
    /// Append this line to the SQL history file (the state directory's `sql_history`).
    SaveHistory(String),
    /// Put this text on the clipboard with OSC 52 (works over SSH, and in tmux with
    /// `set-clipboard on`).
    Copy(String),
    /// Render this session as Markdown and write it to a new file in the current directory,
    /// named after the time (off the UI thread; `Msg::TranscriptWritten` answers).
    WriteTranscript(Box<crate::code::transcript::Session>),
}

impl Command {
    /// What the worker is sent for this command; `None` for `Quit`, which is the loop's own.
    pub fn into_worker(self) -> Option<WorkerCommand> {
        match self {
            Command::Start { id, job } => Some(WorkerCommand::Start { id, job }),
            Command::Cancel(id) => Some(WorkerCommand::Cancel(id)),
            Command::Quit
            | Command::SaveHistory(_)
            | Command::Copy(_)
            | Command::WriteTranscript(_) => None,
        }
    }
}
