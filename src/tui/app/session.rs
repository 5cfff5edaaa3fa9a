//! What every screen shares: the connection, the terminal size, the status line, the
//! operations log and its totals, and the jobs in flight. A job started on one screen keeps
//! running (and keeps its bookkeeping here) while the user looks at another.

use std::collections::BTreeMap;

use ratatui::layout::Rect;

use super::flow::{self, FlowSeries};
use super::jobs::{InFlight, LongJob, What};
use super::oplog::{LogRow, OpLog, Outcome};
use crate::limits::LimitsConfig;
use crate::store::{OpReport, TableInfo};
use crate::tui::layout::{Areas, Pane};
use crate::tui::msg::{ClockTime, Command, Job, JobId};

/// What the header says about the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnInfo {
    /// Backend label (`embedded (in memory)`, `AWS eu-west-1`...).
    pub label: String,
    /// Real AWS: billed, shown in a warning colour.
    pub is_aws: bool,
    /// Table name.
    pub table: String,
    /// PAY_PER_REQUEST or PROVISIONED.
    pub billing_mode: String,
    /// DescribeTable's approximate item count (refreshed by DynamoDB about every 6 hours).
    pub item_count: i64,
    /// What the header says about throughput limits (`limits: on-demand (simulated)`).
    pub limits: String,
    /// The endpoint URL calls go to, on a local engine (`None` on AWS): what the code of a
    /// call passes as `--endpoint-url`.
    pub endpoint: Option<String>,
    /// The client's region.
    pub region: String,
    /// Where the embedded engine keeps its data (`None`: another engine).
    pub embedded: Option<crate::backend::DbLocation>,
}

impl ConnInfo {
    /// From the backend label and DescribeTable's answer.
    pub fn new(label: &str, is_aws: bool, table: &TableInfo) -> Self {
        Self::with(
            label,
            is_aws,
            (&table.name, &table.billing_mode, table.item_count),
        )
    }

    fn with(label: &str, is_aws: bool, (name, billing, items): (&str, &str, i64)) -> Self {
        ConnInfo {
            label: label.to_owned(),
            is_aws,
            table: name.to_owned(),
            billing_mode: billing.to_owned(),
            item_count: items,
            limits: LimitsConfig::default().label(is_aws).to_string(),
            endpoint: None,
            region: crate::backend::LOCAL_REGION.to_owned(),
            embedded: None,
        }
    }
}

impl ConnInfo {
    /// From the backend label and a table of any key schema.
    pub fn of_table(label: &str, is_aws: bool, table: &crate::table::TableDesc) -> Self {
        Self::with(
            label,
            is_aws,
            (&table.name, &table.billing_mode, table.item_count),
        )
    }
}

/// A whole-table export's progress, as the status line's gauge shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportGauge {
    /// The job.
    pub id: JobId,
    /// The table.
    pub table: String,
    /// DescribeTable's approximate item count (the gauge's 100%).
    pub expected: u64,
    /// Items written so far.
    pub items: u64,
    /// Pages read.
    pub pages: u64,
    /// Read units consumed.
    pub rcu: f64,
    /// Esc was pressed.
    pub cancelling: bool,
}

/// What the status line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A hint or a result.
    Info(String),
    /// Something failed. Stays until a user action replaces it.
    Error(String),
}

/// The state all screens share.
#[derive(Debug, Clone)]
pub struct Session {
    /// Header data.
    pub conn: ConnInfo,
    /// Terminal size, for paging and mouse hit-testing.
    pub size: (u16, u16),
    /// Operations log and totals.
    pub log: OpLog,
    /// Status line.
    pub status: Option<Status>,
    /// The running generate or delete (one at a time).
    pub long_job: Option<LongJob>,
    /// Jobs waiting for an answer.
    pub in_flight: BTreeMap<JobId, InFlight>,
    /// The worker is gone: why.
    pub worker_dead: Option<String>,
    /// Animation frame of the busy indicator.
    pub spinner: usize,
    /// The limits simulated in front of the engine (`--limits`), for the generate preview.
    pub limits: LimitsConfig,
    /// Records this session wrote and deleted (confirmed), so the header can say how the
    /// table changed since DescribeTable's count, which DynamoDB refreshes only every ~6 h.
    pub session_items: (u64, u64),
    /// `--read-only`: every write is refused, and the hints leave out the write keys.
    pub read_only: bool,
    /// The whole-table export running, for its gauge.
    pub export: Option<ExportGauge>,
    /// The form Detail shows an operation's call in (`v` cycles it).
    pub code_form: crate::code::Lang,
    /// The calls the worker event being handled sent: the next log row takes them.
    pub incoming_sent: Option<std::sync::Arc<crate::code::Sent>>,
    next_job: u64,
}

impl Session {
    /// A fresh session for a connection, at a terminal size.
    pub fn new(conn: ConnInfo, size: (u16, u16)) -> Self {
        Session {
            conn,
            size,
            log: OpLog::default(),
            status: None,
            long_job: None,
            in_flight: BTreeMap::new(),
            worker_dead: None,
            spinner: 0,
            limits: LimitsConfig::default(),
            session_items: (0, 0),
            read_only: false,
            incoming_sent: None,
            export: None,
            code_form: crate::code::Lang::Aws,
            next_job: 1,
        }
    }

    /// The whole screen.
    pub fn screen(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// The Explore screen's pane areas at the current size (`None`: too small to show them).
    pub fn areas(&self) -> Option<Areas> {
        Areas::of(self.screen())
    }

    /// Rows a pane of the Explore screen shows at the current size.
    pub fn page(&self, pane: Pane) -> usize {
        self.areas().map_or(1, |a| a.page(pane))
    }

    /// Something the user is waiting for is running. A superseded query is not: the worker
    /// stops it and says so, and its entry goes then.
    pub fn busy(&self) -> bool {
        !self.in_flight.is_empty()
    }

    /// The running long job and its context.
    pub fn long_job_context(&self) -> Option<(&LongJob, &What)> {
        let job = self.long_job.as_ref()?;
        Some((job, &self.in_flight.get(&job.id)?.what))
    }

    /// Refuses to start anything once the worker has died (says so, returns `Some`).
    pub fn refuse_if_dead(&mut self) -> Option<Vec<Command>> {
        let why = self.worker_dead.clone()?;
        self.status = Some(Status::Error(format!(
            "worker died: {why}. Nothing more can run; q quits"
        )));
        Some(Vec::new())
    }

    /// Tags a job, remembers what to do with its answer, and returns the command to start it.
    pub fn start(&mut self, job: Job, label: String, what: What) -> Command {
        let id = JobId(self.next_job);
        self.next_job += 1;
        let long = job.is_long();
        if long {
            // A delete is of one request: one partition key. A generate's plan comes later.
            let limit_wcu = match &what {
                What::Delete { count, .. } => {
                    flow::limit_rate(&self.limits, &[u32::try_from(*count).unwrap_or(u32::MAX)])
                }
                _ => None,
            };
            self.long_job = Some(LongJob {
                id,
                progress: None,
                flow: FlowSeries::default(),
                limit_wcu,
                cancelling: false,
            });
        }
        self.in_flight.insert(id, InFlight { label, what });
        Command::Start { id, job }
    }

    /// Where the code of a call sends it: this session's endpoint and region.
    pub fn code_target(&self) -> crate::code::Target {
        crate::code::Target {
            endpoint: self.conn.endpoint.clone(),
            region: self.conn.region.clone(),
        }
    }

    /// `v`: the next form of the code in Detail (aws CLI, boto3, Rust).
    pub fn cycle_code_form(&mut self) {
        self.code_form = self.code_form.next();
        self.info(format!(
            "Detail shows the call as {} (v: the next form, y: copy)",
            self.code_form.name()
        ));
    }

    /// `y`: the highlighted operation's call, in the form shown, to the clipboard (OSC 52).
    pub fn copy_code(&mut self) -> Vec<Command> {
        let Some(row) = self.log.highlighted() else {
            self.info("no operation to copy yet");
            return Vec::new();
        };
        let Some(call) = row.sent.as_deref().and_then(crate::code::Sent::main_call) else {
            self.info(format!(
                "{} sent no DynamoDB call: nothing to copy",
                row.label
            ));
            return Vec::new();
        };
        let code = row.code.get(call, self.code_form, &self.code_target());
        let said = format!(
            "copied {} as {} ({} bytes, {} lines) to the clipboard (OSC 52; in tmux: set-clipboard on)",
            call.api,
            self.code_form.name(),
            code.text.len(),
            code.lines
        );
        let text = code.text.clone();
        self.info(said);
        vec![Command::Copy(text)]
    }

    /// `w`: the session as Markdown, to a file in the current directory. The event loop
    /// renders and writes it off the UI thread, and answers with `Msg::TranscriptWritten`.
    pub fn transcript(&mut self) -> Vec<Command> {
        if self.log.rows.is_empty() {
            self.info("no operations yet: nothing to write");
            return Vec::new();
        }
        let entries = self
            .log
            .rows
            .iter()
            .map(|r| crate::code::transcript::OwnedEntry {
                at: format!("{} UTC", r.at.hms()),
                operation: r.label.clone(),
                outcome: r.outcome.text(),
                report: std::sync::Arc::clone(&r.report),
                sent: r.sent.clone(),
            })
            .collect::<Vec<_>>();
        self.info(format!(
            "writing the transcript of {} operation(s)…",
            entries.len()
        ));
        vec![Command::WriteTranscript(Box::new(
            crate::code::transcript::Session {
                title: "dynamo-explorer session".to_owned(),
                backend: self.conn.label.clone(),
                table: self.conn.table.clone(),
                target: self.code_target(),
                note: self.embedded_note(),
                entries,
            },
        ))]
    }

    /// On the embedded engine, how long the code's endpoint answers: a transcript is read
    /// after the session, when its engine is gone.
    fn embedded_note(&self) -> Option<String> {
        use crate::backend::DbLocation;
        let endpoint = self.conn.endpoint.as_deref()?;
        let db = match self.conn.embedded.as_ref()? {
            DbLocation::Memory => {
                return Some(format!(
                    "The code calls this session's embedded engine at {endpoint}, in memory: it \
                     answers only while the session runs."
                ));
            }
            DbLocation::File(path) => crate::code::shell_word(&path.to_string_lossy()),
        };
        let port = endpoint.rsplit(':').next().unwrap_or("8000");
        Some(format!(
            "The code calls this session's embedded engine at {endpoint}: it answers while the \
             session runs. Afterwards `dynamo-explorer --db {db} serve --port {port}` serves the \
             same database at the same URL."
        ))
    }

    /// The transcript `w` asked for was written (its file and bytes), or could not be.
    pub fn transcript_written(&mut self, written: Result<(String, usize), String>) {
        match written {
            Ok((name, bytes)) => self.info(format!(
                "transcript written to ./{name} ({bytes} bytes): Markdown, renders on GitHub"
            )),
            Err(e) => self.error(format!("cannot write the transcript: {e}")),
        }
    }

    /// Adds a row to the log. `follow`: the highlight moves to it (the log is not being browsed).
    pub fn push_log(
        &mut self,
        at: ClockTime,
        label: String,
        outcome: Outcome,
        report: OpReport,
        follow: bool,
    ) {
        let page = self.page(Pane::Log);
        self.log.push(
            LogRow {
                at,
                label,
                outcome,
                report: report.into(),
                sent: self.incoming_sent.take(),
                code: Default::default(),
            },
            follow,
            page,
        );
    }

    /// A hint or result from a user action: replaces whatever was there, errors included.
    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status::Info(text.into()));
    }

    /// A result from the worker: never hides an error the user has not acted on yet.
    pub fn info_from_worker(&mut self, text: String) {
        if !matches!(self.status, Some(Status::Error(_))) {
            self.status = Some(Status::Info(text));
        }
    }

    /// An error: stays until a user action replaces it.
    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status::Error(text.into()));
    }
}
