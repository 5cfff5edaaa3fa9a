//! The app's state and its one way to change: [`App::update`], a pure function of the state
//! and a [`Msg`] that returns the [`Command`]s to carry out. No I/O, no clock, no terminal:
//! every behaviour is unit-tested by feeding messages (see `app/tests.rs`).
//!
//! One file per concern beside this one: `requests.rs`, `items.rs`, `oplog.rs` (pane data),
//! `generate_form.rs`, `query_input.rs` (dialog data), `list.rs` (cursor and scrolling).

pub mod generate_form;
pub mod items;
pub mod list;
pub mod oplog;
pub mod query_input;
pub mod requests;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::BTreeMap;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use self::generate_form::GenerateForm;
use self::items::ItemsState;
use self::oplog::{LogRow, OpLog, Outcome};
use self::query_input::QueryInput;
use self::requests::{RequestsState, SCAN_PAGE_LIMIT, ScanState};
use super::layout::{Areas, Pane};
use super::msg::{ClockTime, Command, EventKind, GeneratedRequest, Job, JobId, Msg, WorkerEvent};
use super::view;
use crate::generate::{GenerateSpec, Mix};
use crate::schema::{RecordKey, RequestId};
use crate::store::{
    BatchProgress, DEFAULT_QUERY_PARALLEL, OpReport, QueryOptions, ScanOptions, StoreError,
    TableInfo,
};

/// Rows the mouse wheel moves.
const WHEEL_STEP: isize = 3;
/// Superseded queries remembered so a late answer still lands in the log (its RCU was billed).
const SUPERSEDED_KEPT: usize = 8;

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
}

impl ConnInfo {
    /// From the backend label and DescribeTable's answer.
    pub fn new(label: &str, is_aws: bool, table: &TableInfo) -> Self {
        ConnInfo {
            label: label.to_owned(),
            is_aws,
            table: table.name.clone(),
            billing_mode: table.billing_mode.clone(),
            item_count: table.item_count,
        }
    }
}

/// What the status line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A hint or a result.
    Info(String),
    /// Something failed. Stays until a user action replaces it.
    Error(String),
}

/// A dialog over the panes; it gets the keys first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
    /// The key list, scrolled down by this many lines.
    Help(u16),
    /// The generate form (also shows the progress while its job runs).
    Generate(GenerateForm),
    /// The `/` input line.
    Query(QueryInput),
    /// "Delete N items (~W WCU)?"
    Confirm(ConfirmDelete),
}

/// A delete waiting for `y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmDelete {
    /// The request.
    pub request_id: RequestId,
    /// Which records.
    pub target: DeleteTarget,
    /// Estimated WCU: each item's size rounded up to 1 KB, at least 1.
    pub write_units: u64,
}

/// What a delete removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteTarget {
    /// These records.
    Keys(Vec<RecordKey>),
    /// Every record of the request (this many are loaded in the Items pane).
    Request {
        /// Records loaded, for the estimate.
        loaded: usize,
    },
}

impl ConfirmDelete {
    /// Items it deletes (as far as is known).
    pub fn count(&self) -> usize {
        match &self.target {
            DeleteTarget::Keys(keys) => keys.len(),
            DeleteTarget::Request { loaded } => *loaded,
        }
    }
}

/// A job the app is waiting for, and what to do with its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    /// The log row's label.
    pub label: String,
    /// Kind and context.
    pub what: What,
}

/// Context of a job in flight.
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
}

/// The running generate or delete, for its progress dialog.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LongJob {
    /// Its id.
    pub id: JobId,
    /// The latest progress.
    pub progress: Option<BatchProgress>,
    /// Esc was pressed; waiting for the store to stop.
    pub cancelling: bool,
}

/// Everything on screen.
#[derive(Debug, Clone)]
pub struct App {
    /// Header data.
    pub conn: ConnInfo,
    /// Terminal size, for paging and mouse hit-testing.
    pub size: (u16, u16),
    /// The focused pane.
    pub focus: Pane,
    /// Strongly consistent reads for the next queries and scans.
    pub consistent: bool,
    /// Request ids.
    pub requests: RequestsState,
    /// Records of the current request.
    pub items: ItemsState,
    /// Operations log and totals.
    pub log: OpLog,
    /// Status line.
    pub status: Option<Status>,
    /// The open dialog.
    pub modal: Option<Modal>,
    /// The running generate or delete.
    pub long_job: Option<LongJob>,
    /// Jobs waiting for an answer.
    pub in_flight: BTreeMap<JobId, InFlight>,
    /// The newest query: only its answer fills the Items pane.
    pub latest_query: Option<JobId>,
    /// What `r` re-runs.
    pub last_query: Option<RequestId>,
    /// The worker is gone: why.
    pub worker_dead: Option<String>,
    /// Animation frame of the busy indicator.
    pub spinner: usize,
    /// Records this session wrote and deleted (confirmed), so the header can say how the
    /// table changed since DescribeTable's count, which DynamoDB refreshes only every ~6 h.
    pub session_items: (u64, u64),
    next_job: u64,
    superseded: Vec<JobId>,
}

impl App {
    /// A fresh app for a connection, at a terminal size.
    pub fn new(conn: ConnInfo, size: (u16, u16)) -> Self {
        App {
            conn,
            size,
            focus: Pane::Requests,
            consistent: false,
            requests: RequestsState::default(),
            items: ItemsState::default(),
            log: OpLog::default(),
            status: Some(Status::Info(
                "g generates requests, / queries one by id, ? lists every key".into(),
            )),
            modal: None,
            long_job: None,
            in_flight: BTreeMap::new(),
            latest_query: None,
            last_query: None,
            worker_dead: None,
            spinner: 0,
            session_items: (0, 0),
            next_job: 1,
            superseded: Vec::new(),
        }
    }

    /// The first commands: one scan page, so the screen is not empty.
    pub fn init(&mut self) -> Vec<Command> {
        self.scan()
    }

    /// Pane areas at the current size (`None`: too small to show them).
    pub fn areas(&self) -> Option<Areas> {
        Areas::of(Rect::new(0, 0, self.size.0, self.size.1))
    }

    /// Rows a pane shows at the current size.
    pub fn page(&self, pane: Pane) -> usize {
        self.areas().map_or(1, |a| a.page(pane))
    }

    /// Something the user is waiting for is running (superseded queries do not count: the
    /// worker aborts them, so they may never answer).
    pub fn busy(&self) -> bool {
        self.in_flight
            .keys()
            .any(|id| !self.superseded.contains(id))
    }

    /// A scan page is on its way.
    pub fn scanning(&self) -> bool {
        self.in_flight
            .values()
            .any(|f| matches!(f.what, What::Scan { .. }))
    }

    /// The request the newest query is reading, if it has not answered yet.
    pub fn querying(&self) -> Option<&RequestId> {
        let id = self.latest_query?;
        match &self.in_flight.get(&id)?.what {
            What::Query { request_id, .. } => Some(request_id),
            _ => None,
        }
    }

    /// The running long job's context.
    pub fn long_job_context(&self) -> Option<(&LongJob, &What)> {
        let job = self.long_job.as_ref()?;
        Some((job, &self.in_flight.get(&job.id)?.what))
    }

    /// The one way state changes.
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_cursors();
                Vec::new()
            }
            Msg::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                Vec::new()
            }
            Msg::Worker(event) => self.on_worker(*event),
            Msg::WorkerDied(why) => {
                self.worker_dead = Some(why.clone());
                self.in_flight.clear();
                self.long_job = None;
                self.latest_query = None;
                if matches!(self.modal, Some(Modal::Generate(_))) {
                    self.modal = None;
                }
                self.status = Some(Status::Error(format!(
                    "worker died: {why}. Nothing more can run; q quits"
                )));
                Vec::new()
            }
        }
    }

    // ----- keys -----

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            // Ctrl-C arrives as a key in raw mode: stop running jobs, then leave.
            let mut commands: Vec<Command> = self
                .long_job
                .map(|job| Command::Cancel(job.id))
                .into_iter()
                .collect();
            commands.push(Command::Quit);
            return commands;
        }
        if let Some(job) = self.long_job.as_mut() {
            if key.code == KeyCode::Esc && !job.cancelling {
                job.cancelling = true;
                let id = job.id;
                self.info("cancelling: calls in flight finish, nothing new is sent…");
                return vec![Command::Cancel(id)];
            }
            return Vec::new();
        }
        match self.modal.take() {
            Some(Modal::Help(scroll)) => {
                let screen = Rect::new(0, 0, self.size.0, self.size.1);
                let max = view::help::max_scroll(screen);
                let page = view::help::page(screen).max(1);
                let scroll = match key.code {
                    KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::Enter => return Vec::new(),
                    KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => scroll.saturating_add(page),
                    KeyCode::PageUp => scroll.saturating_sub(page),
                    KeyCode::Home => 0,
                    KeyCode::End => max,
                    _ => scroll,
                };
                self.modal = Some(Modal::Help(scroll.min(max)));
                Vec::new()
            }
            Some(Modal::Generate(form)) => self.on_generate_key(form, key),
            Some(Modal::Query(input)) => self.on_query_key(input, key),
            Some(Modal::Confirm(confirm)) => self.on_confirm_key(confirm, key),
            None => self.on_main_key(key),
        }
    }

    fn on_main_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let page = self.page(self.focus) as isize;
        match key.code {
            KeyCode::Char('q') => return vec![Command::Quit],
            KeyCode::Char('?') => self.modal = Some(Modal::Help(0)),
            KeyCode::Char('g') => {
                if let Some(err) = self.refuse_if_dead() {
                    return err;
                }
                self.modal = Some(Modal::Generate(GenerateForm::default()));
            }
            KeyCode::Char('/') => self.modal = Some(Modal::Query(QueryInput::default())),
            KeyCode::Char('c') => {
                self.consistent = !self.consistent;
                self.info(if self.consistent {
                    "strongly consistent reads from now on: twice the RCU of eventual"
                } else {
                    "eventually consistent reads from now on: half the RCU of strong"
                });
            }
            KeyCode::Char('s') => return self.scan(),
            KeyCode::Char('r') => match self.last_query.clone() {
                Some(id) => return self.query(id, true, self.consistent),
                None => {
                    self.info("no query to re-run yet: / types an id, Enter on a request reads it")
                }
            },
            KeyCode::Tab => self.focus = self.focus.next(),
            KeyCode::BackTab => self.focus = self.focus.prev(),
            KeyCode::Up | KeyCode::Char('k') => self.move_focused(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_focused(1),
            KeyCode::PageUp => self.move_focused(-page.max(1)),
            KeyCode::PageDown => self.move_focused(page.max(1)),
            KeyCode::Home => self.move_focused(isize::MIN),
            KeyCode::End => self.move_focused(isize::MAX),
            KeyCode::Enter if self.focus == Pane::Requests => match self.requests.highlighted() {
                Some(row) => {
                    let id = row.request_id.clone();
                    return self.query(id, true, self.consistent);
                }
                None => self.info("no requests yet: g generates some, s scans the next page"),
            },
            KeyCode::Char(' ') => {
                if self.focus != Pane::Items {
                    self.info("Space selects an item in the Items pane: Tab there first");
                } else if self.items.is_empty() {
                    self.info("no items to select: query a request first");
                } else {
                    self.items.toggle_highlighted();
                }
            }
            KeyCode::Char('a') => {
                if self.items.is_empty() {
                    self.info("no items to select: query a request first");
                } else {
                    self.items.toggle_all();
                    self.info(format!(
                        "{} of {} items selected",
                        self.items.selected_count(),
                        self.items.len()
                    ));
                }
            }
            KeyCode::Char('d') => self.confirm_delete_selected(),
            KeyCode::Char('D') => self.confirm_delete_request(),
            _ => {}
        }
        Vec::new()
    }

    fn on_generate_key(&mut self, mut form: GenerateForm, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Enter => match form.spec() {
                Ok(spec) => {
                    form.error = None;
                    self.modal = Some(Modal::Generate(form));
                    return self.generate(spec);
                }
                Err(message) => form.error = Some(message),
            },
            KeyCode::Tab | KeyCode::Down => form.next_field(),
            KeyCode::BackTab | KeyCode::Up => form.prev_field(),
            KeyCode::Backspace => form.backspace(),
            KeyCode::Left | KeyCode::Right if form.field == generate_form::Field::Mix => {
                form.toggle_mix();
            }
            KeyCode::Char(c) => form.type_char(c),
            _ => {}
        }
        self.modal = Some(Modal::Generate(form));
        Vec::new()
    }

    fn on_query_key(&mut self, mut input: QueryInput, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Enter => match input.parse() {
                Ok(id) => return self.query(id, true, self.consistent),
                Err(message) => input.message = Some(message),
            },
            KeyCode::Backspace => input.backspace(),
            KeyCode::Char(c) => input.type_char(c),
            _ => {}
        }
        self.modal = Some(Modal::Query(input));
        Vec::new()
    }

    fn on_confirm_key(&mut self, confirm: ConfirmDelete, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => self.delete(confirm),
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                self.info("nothing deleted");
                Vec::new()
            }
            _ => {
                self.modal = Some(Modal::Confirm(confirm));
                Vec::new()
            }
        }
    }

    fn on_paste(&mut self, text: &str) -> Vec<Command> {
        if self.long_job.is_some() {
            return Vec::new();
        }
        match self.modal.as_mut() {
            Some(Modal::Query(input)) => input.paste(text),
            Some(Modal::Generate(form)) => {
                for c in text.trim().chars() {
                    form.type_char(c);
                }
            }
            Some(Modal::Help(_) | Modal::Confirm(_)) => {}
            // A paste on the main screen can only be an id to look up.
            None => {
                let mut input = QueryInput::default();
                input.paste(text);
                self.modal = Some(Modal::Query(input));
            }
        }
        Vec::new()
    }

    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Command> {
        if self.modal.is_some() || self.long_job.is_some() {
            return Vec::new();
        }
        let Some(areas) = self.areas() else {
            return Vec::new();
        };
        let Some(pane) = areas.pane_at(mouse.column, mouse.row) else {
            return Vec::new();
        };
        match mouse.kind {
            MouseEventKind::ScrollDown => self.move_pane(pane, WHEEL_STEP),
            MouseEventKind::ScrollUp => self.move_pane(pane, -WHEEL_STEP),
            MouseEventKind::Down(MouseButton::Left) => {
                self.focus = pane;
                if let Some(row) = areas.row_at(pane, mouse.column, mouse.row) {
                    let page = areas.page(pane);
                    let len = self.pane_len(pane);
                    let cursor = self.cursor_mut(pane);
                    let index = cursor.window(len, page).start + row;
                    if index < len {
                        cursor.select(index, len, page);
                    }
                }
            }
            _ => {}
        }
        Vec::new()
    }

    // ----- moving -----

    fn pane_len(&self, pane: Pane) -> usize {
        match pane {
            Pane::Requests => self.requests.len(),
            Pane::Items => self.items.len(),
            Pane::Log => self.log.rows.len(),
        }
    }

    fn cursor_mut(&mut self, pane: Pane) -> &mut list::ListCursor {
        match pane {
            Pane::Requests => &mut self.requests.cursor,
            Pane::Items => &mut self.items.cursor,
            Pane::Log => &mut self.log.cursor,
        }
    }

    fn move_focused(&mut self, delta: isize) {
        self.move_pane(self.focus, delta);
    }

    fn move_pane(&mut self, pane: Pane, delta: isize) {
        let (len, page) = (self.pane_len(pane), self.page(pane));
        self.cursor_mut(pane).move_by(delta, len, page);
    }

    fn clamp_cursors(&mut self) {
        for pane in Pane::ORDER {
            let (len, page) = (self.pane_len(pane), self.page(pane));
            self.cursor_mut(pane).clamp(len, page);
        }
    }

    // ----- starting jobs -----

    fn refuse_if_dead(&mut self) -> Option<Vec<Command>> {
        let why = self.worker_dead.clone()?;
        self.status = Some(Status::Error(format!(
            "worker died: {why}. Nothing more can run; q quits"
        )));
        Some(Vec::new())
    }

    fn start(&mut self, job: Job, label: String, what: What) -> Command {
        let id = JobId(self.next_job);
        self.next_job += 1;
        self.in_flight.insert(id, InFlight { label, what });
        Command::Start { id, job }
    }

    fn scan(&mut self) -> Vec<Command> {
        if let Some(refused) = self.refuse_if_dead() {
            return refused;
        }
        if self.scanning() {
            self.info("a scan page is already on its way");
            return Vec::new();
        }
        let start = self.requests.next_start();
        let new_pass = self.requests.scan == ScanState::EndOfTable;
        let consistent = self.consistent;
        let label = if new_pass {
            "scan (from the start)".to_owned()
        } else {
            format!("scan page {}", self.requests.pages + 1)
        };
        self.info(format!(
            "scanning {SCAN_PAGE_LIMIT} items ({})…",
            read_mode(consistent)
        ));
        let job = Job::Scan(ScanOptions {
            limit: Some(SCAN_PAGE_LIMIT),
            start,
            consistent,
        });
        vec![self.start(job, label, What::Scan { new_pass })]
    }

    fn query(&mut self, request_id: RequestId, focus: bool, consistent: bool) -> Vec<Command> {
        if let Some(refused) = self.refuse_if_dead() {
            return refused;
        }
        if let Some(old) = self.latest_query.take()
            && self.in_flight.contains_key(&old)
        {
            self.superseded.push(old);
            if self.superseded.len() > SUPERSEDED_KEPT {
                let dropped = self.superseded.remove(0);
                self.in_flight.remove(&dropped);
            }
        }
        self.last_query = Some(request_id.clone());
        self.info(format!(
            "querying {request_id} ({})…",
            read_mode(consistent)
        ));
        let label = format!("query {}", short_id(&request_id));
        let job = Job::Query {
            request_id: request_id.clone(),
            opts: QueryOptions {
                consistent,
                page_size: None,
                parallel: DEFAULT_QUERY_PARALLEL,
            },
        };
        let command = self.start(
            job,
            label,
            What::Query {
                request_id,
                consistent,
                focus,
            },
        );
        if let Command::Start { id, .. } = &command {
            self.latest_query = Some(*id);
        }
        vec![command]
    }

    fn generate(&mut self, spec: GenerateSpec) -> Vec<Command> {
        if let Some(refused) = self.refuse_if_dead() {
            return refused;
        }
        let label = match spec.mix {
            Mix::Fixed => format!("generate {}×{}", spec.requests, spec.records),
            Mix::Realistic => format!("generate {} realistic", spec.requests),
        };
        self.info("generating: Esc cancels (what was written stays)");
        let command = self.start(
            Job::Generate(spec),
            label,
            What::Generate {
                spec,
                planned: Vec::new(),
            },
        );
        if let Command::Start { id, .. } = &command {
            self.long_job = Some(LongJob {
                id: *id,
                progress: None,
                cancelling: false,
            });
        }
        vec![command]
    }

    fn confirm_delete_selected(&mut self) {
        let Some(request_id) = self.items.request_id.clone() else {
            self.info("nothing to delete: query a request, select items with Space or a");
            return;
        };
        if self.items.selected_count() == 0 {
            self.info("no items selected: Space selects the highlighted one, a selects all");
            return;
        }
        self.modal = Some(Modal::Confirm(ConfirmDelete {
            request_id,
            target: DeleteTarget::Keys(self.items.selected_keys()),
            write_units: self.items.selected_write_units(),
        }));
    }

    fn confirm_delete_request(&mut self) {
        let Some(request_id) = self.items.request_id.clone() else {
            self.info("no current request: query one first (/ or Enter in Requests)");
            return;
        };
        self.modal = Some(Modal::Confirm(ConfirmDelete {
            request_id,
            target: DeleteTarget::Request {
                loaded: self.items.len(),
            },
            write_units: self.items.all_write_units(),
        }));
    }

    fn delete(&mut self, confirm: ConfirmDelete) -> Vec<Command> {
        if let Some(refused) = self.refuse_if_dead() {
            return refused;
        }
        let count = confirm.count();
        let short = short_id(&confirm.request_id);
        let (job, label, whole) = match confirm.target {
            DeleteTarget::Keys(keys) => (
                Job::DeleteKeys {
                    request_id: confirm.request_id.clone(),
                    keys,
                },
                format!("delete {count} of {short}"),
                false,
            ),
            DeleteTarget::Request { .. } => (
                Job::DeleteRequest(confirm.request_id.clone()),
                format!("delete request {short}"),
                true,
            ),
        };
        self.info("deleting: Esc cancels");
        let command = self.start(
            job,
            label,
            What::Delete {
                request_id: confirm.request_id,
                whole,
                count,
            },
        );
        if let Command::Start { id, .. } = &command {
            self.long_job = Some(LongJob {
                id: *id,
                progress: None,
                cancelling: false,
            });
        }
        vec![command]
    }

    // ----- worker events -----

    fn on_worker(&mut self, event: WorkerEvent) -> Vec<Command> {
        let WorkerEvent { id, at, kind } = event;
        match kind {
            EventKind::Planned(planned) => {
                if let Some(InFlight {
                    what: What::Generate { planned: p, .. },
                    ..
                }) = self.in_flight.get_mut(&id)
                {
                    *p = planned;
                }
                Vec::new()
            }
            EventKind::Progress(progress) => {
                if let Some(job) = self.long_job.as_mut().filter(|j| j.id == id) {
                    job.progress = Some(progress);
                }
                Vec::new()
            }
            final_event => {
                // Unknown: a superseded query we stopped tracking, or the worker died before.
                let Some(flight) = self.in_flight.remove(&id) else {
                    return Vec::new();
                };
                self.superseded.retain(|s| *s != id);
                if self.long_job.is_some_and(|j| j.id == id) {
                    self.long_job = None;
                }
                self.finish(id, at, flight, final_event)
            }
        }
    }

    fn finish(
        &mut self,
        id: JobId,
        at: ClockTime,
        flight: InFlight,
        kind: EventKind,
    ) -> Vec<Command> {
        let InFlight { label, what } = flight;
        match (what, kind) {
            (What::Scan { new_pass }, EventKind::Scanned(page)) => {
                let found = page.requests.len();
                let evaluated = page.scanned_count;
                let more = page.last_evaluated_key.is_some();
                self.requests
                    .add_page(new_pass, page.requests, page.last_evaluated_key);
                self.requests
                    .cursor
                    .clamp(self.requests.len(), self.page(Pane::Requests));
                self.push_log(at, label, Outcome::Ok, page.report.clone());
                self.info_from_worker(format!(
                    "scan page: {evaluated} items evaluated, {found} request id(s), {:.1} RCU; {}",
                    page.report.consumed.total.read,
                    if more {
                        "s reads the next page"
                    } else {
                        "end of table"
                    }
                ));
                Vec::new()
            }
            (
                What::Query {
                    request_id,
                    consistent,
                    focus,
                },
                EventKind::Queried(out),
            ) => {
                if self.latest_query != Some(id) {
                    self.push_log(at, label, Outcome::Superseded, out.report);
                    return Vec::new();
                }
                self.latest_query = None;
                let report = out.report.clone();
                let n = out.records.len();
                let pages = out.pages;
                self.items.load(out, consistent, self.page(Pane::Items));
                if focus {
                    self.focus = Pane::Items;
                }
                self.push_log(at, label, Outcome::Ok, report.clone());
                if !focus {
                    // A refresh after a delete: keep the delete's result, add what is left.
                    if let Some(Status::Info(prev)) = &self.status {
                        self.status = Some(Status::Info(format!(
                            "{prev}; re-read: {n} records left, {:.1} RCU ({})",
                            report.consumed.total.read,
                            read_mode(consistent)
                        )));
                    }
                } else if n == 0 {
                    self.info_from_worker(format!(
                        "no records for {request_id}: deleted, expired, or not an id in this table"
                    ));
                } else {
                    self.info_from_worker(format!(
                        "{n} records in {pages} page(s), {:.1} RCU ({}): Space selects, d deletes",
                        report.consumed.total.read,
                        read_mode(consistent)
                    ));
                }
                Vec::new()
            }
            (What::Generate { spec, planned }, EventKind::Generated(report)) => {
                if matches!(self.modal, Some(Modal::Generate(_))) {
                    self.modal = None;
                }
                let records = report.items;
                self.session_items.0 += records;
                self.requests
                    .prepend_generated(&planned, self.page(Pane::Requests));
                self.focus = Pane::Requests;
                self.push_log(at, label, Outcome::Ok, report.clone());
                self.info_from_worker(format!(
                    "wrote {records} records in {} request(s): {:.0} WCU. Enter on a request reads it",
                    planned.len().max(spec.requests as usize),
                    report.consumed.total.write
                ));
                Vec::new()
            }
            (
                What::Delete {
                    request_id, whole, ..
                },
                EventKind::Deleted(report),
            ) => {
                let deleted = report.items;
                self.session_items.1 += deleted;
                let wcu = report.consumed.total.write;
                self.push_log(at, label, Outcome::Ok, report);
                self.info_from_worker(format!("deleted {deleted} items: {wcu:.0} WCU"));
                self.after_delete(request_id, whole)
            }
            (what, EventKind::Failed(err)) => self.failed(id, at, label, what, err),
            // A final event that does not match its job: a bug, but never a crash.
            (_, other) => {
                self.status = Some(Status::Error(format!(
                    "internal error: unexpected answer to {label}: {other:?}"
                )));
                Vec::new()
            }
        }
    }

    fn after_delete(&mut self, request_id: RequestId, whole: bool) -> Vec<Command> {
        if whole {
            self.requests.remove(&request_id, self.page(Pane::Requests));
        }
        if self.items.request_id.as_ref() == Some(&request_id) {
            // Strong: an eventual read right after the delete could still return what was
            // deleted, and the pane would look as if nothing happened.
            let focus = false;
            let status = self.status.clone();
            let commands = self.query(request_id, focus, true);
            self.status = status;
            return commands;
        }
        Vec::new()
    }

    fn failed(
        &mut self,
        id: JobId,
        at: ClockTime,
        label: String,
        what: What,
        err: StoreError,
    ) -> Vec<Command> {
        let report = err
            .partial_report()
            .cloned()
            .unwrap_or_else(|| OpReport::new(operation_name(&what)));
        // What a failed or cancelled job confirmed still changed the table.
        match what {
            What::Generate { .. } => self.session_items.0 += report.items,
            What::Delete { .. } => self.session_items.1 += report.items,
            What::Query { .. } | What::Scan { .. } => {}
        }
        let outcome = match &err {
            StoreError::Cancelled {
                confirmed, total, ..
            } => {
                let verb = match what {
                    What::Generate { .. } => "written",
                    _ => "deleted",
                };
                Outcome::Cancelled(format!("cancelled: {confirmed} of {total} {verb}"))
            }
            other => Outcome::Error(other.to_string()),
        };
        let text = match &outcome {
            Outcome::Cancelled(text) => format!("{label}: {text}"),
            _ => format!("{label} failed: {err}{}", hint(&err)),
        };
        self.push_log(at, label, outcome.clone(), report);
        let stale_query = matches!(what, What::Query { .. }) && self.latest_query != Some(id);
        if !stale_query {
            match outcome {
                Outcome::Cancelled(_) => self.info(text),
                _ => self.status = Some(Status::Error(text)),
            }
        }
        match what {
            What::Query { .. } => {
                if self.latest_query == Some(id) {
                    self.latest_query = None;
                }
                Vec::new()
            }
            What::Scan { .. } => Vec::new(),
            What::Generate { planned, .. } => {
                if matches!(self.modal, Some(Modal::Generate(_))) {
                    self.modal = None;
                }
                // Whatever landed stays: list those requests so they can be read or deleted.
                let wrote_any = err.partial_report().is_some_and(|r| r.items > 0);
                if wrote_any {
                    self.requests
                        .prepend_generated(&planned, self.page(Pane::Requests));
                    self.focus = Pane::Requests;
                }
                Vec::new()
            }
            What::Delete { request_id, .. } => {
                // Some deletes may have landed: refresh so the pane shows what is left (and keep
                // the request listed: not all of it is gone).
                self.after_delete(request_id, false)
            }
        }
    }

    fn push_log(&mut self, at: ClockTime, label: String, outcome: Outcome, report: OpReport) {
        let follow = self.focus != Pane::Log;
        let page = self.page(Pane::Log);
        self.log.push(
            LogRow {
                at,
                label,
                outcome,
                report,
            },
            follow,
            page,
        );
    }

    // ----- status -----

    /// A hint or result from a user action: replaces whatever was there, errors included.
    fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status::Info(text.into()));
    }

    /// A result from the worker: never hides an error the user has not acted on yet.
    fn info_from_worker(&mut self, text: String) {
        if !matches!(self.status, Some(Status::Error(_))) {
            self.status = Some(Status::Info(text));
        }
    }
}

/// The store operation name, for a log row of a job that failed before any call.
fn operation_name(what: &What) -> &'static str {
    match what {
        What::Scan { .. } => "scan",
        What::Query { .. } => "query",
        What::Generate { .. } => "generate",
        What::Delete { .. } => "delete",
    }
}

/// What to do about a failure, by kind.
fn hint(err: &StoreError) -> &'static str {
    match err {
        StoreError::Unreachable { .. } => {
            " (is the engine running? r re-runs the query, s the scan)"
        }
        StoreError::RetriesExhausted { .. } => {
            " (throttled or failing on every retry: wait, or raise the table's capacity)"
        }
        StoreError::TableMissing { .. } => " (was the table deleted? restart to recreate it)",
        StoreError::Incomplete { .. } => " (what landed stays; see the log)",
        _ => "",
    }
}

/// `eventual` or `strong`.
pub fn read_mode(consistent: bool) -> &'static str {
    if consistent { "strong" } else { "eventual" }
}

/// The first 8 characters of an id, for log labels.
pub fn short_id(id: &RequestId) -> String {
    let s = id.as_str();
    match s.char_indices().nth(8) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
