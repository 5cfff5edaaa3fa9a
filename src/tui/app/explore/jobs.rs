//! The Explore screen's jobs: starting scans, queries, generates and deletes, and what each
//! answer does to the panes, the log and the status line.

use super::{ConfirmDelete, DeleteTarget, Explore, Modal};
use crate::fmt::thousands;
use crate::request::generate::{GenerateSpec, Mix};
use crate::request::schema::RequestId;
use crate::store::{DEFAULT_QUERY_PARALLEL, OpReport, QueryOptions, ScanOptions, StoreError};
use crate::tui::app::jobs::{InFlight, What};
use crate::tui::app::oplog::Outcome;
use crate::tui::app::session::Session;
use crate::tui::app::{read_mode, short_id};
use crate::tui::layout::Pane;
use crate::tui::msg::{ClockTime, Command, EventKind, Job, JobId};

use super::requests::{SCAN_PAGE_LIMIT, ScanState};

impl Explore {
    /// A scan page is on its way.
    pub fn scanning(&self, session: &Session) -> bool {
        session
            .in_flight
            .values()
            .any(|f| matches!(f.what, What::Scan { .. }))
    }

    /// The request the newest query is reading, if it has not answered yet.
    pub fn querying<'a>(&self, session: &'a Session) -> Option<&'a RequestId> {
        let id = self.latest_query?;
        match &session.in_flight.get(&id)?.what {
            What::Query { request_id, .. } => Some(request_id),
            _ => None,
        }
    }

    pub(super) fn scan(&mut self, session: &mut Session) -> Vec<Command> {
        if let Some(refused) = session.refuse_if_dead() {
            return refused;
        }
        if self.scanning(session) {
            session.info("a scan page is already on its way");
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
        session.info(format!(
            "scanning {SCAN_PAGE_LIMIT} items ({})…",
            read_mode(consistent)
        ));
        let job = Job::Scan(ScanOptions {
            limit: Some(SCAN_PAGE_LIMIT),
            start,
            consistent,
        });
        vec![session.start(job, label, What::Scan { new_pass })]
    }

    /// Reads every record of a request. A query still running is superseded: the worker
    /// stops it and reports that; only the newest query's answer fills the Items pane.
    pub(super) fn query(
        &mut self,
        session: &mut Session,
        request_id: RequestId,
        focus: bool,
        consistent: bool,
    ) -> Vec<Command> {
        if let Some(refused) = session.refuse_if_dead() {
            return refused;
        }
        self.last_query = Some(request_id.clone());
        session.info(format!(
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
        let command = session.start(
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

    pub(super) fn generate(&mut self, session: &mut Session, spec: GenerateSpec) -> Vec<Command> {
        if let Some(refused) = session.refuse_if_dead() {
            return refused;
        }
        let label = match spec.mix {
            Mix::Fixed => format!(
                "generate {}×{}",
                thousands(spec.requests.into()),
                thousands(spec.records.into())
            ),
            Mix::Realistic => format!("generate {} realistic", thousands(spec.requests.into())),
        };
        session.info("generating: Esc cancels (what was written stays)");
        vec![session.start(
            Job::Generate(spec),
            label,
            What::Generate {
                spec,
                planned: Vec::new(),
            },
        )]
    }

    pub(super) fn confirm_delete_selected(&mut self, session: &mut Session) {
        let Some(request_id) = self.items.request_id.clone() else {
            session.info("nothing to delete: query a request, select items with Space or a");
            return;
        };
        if self.items.selected_count() == 0 {
            session.info("no items selected: Space selects the highlighted one, a selects all");
            return;
        }
        self.modal = Some(Modal::Confirm(ConfirmDelete {
            request_id,
            target: DeleteTarget::Keys(self.items.selected_keys()),
            write_units: self.items.selected_write_units(),
        }));
    }

    pub(super) fn confirm_delete_request(&mut self, session: &mut Session) {
        let Some(request_id) = self.items.request_id.clone() else {
            session.info("no current request: query one first (/ or Enter in Requests)");
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

    pub(super) fn delete(&mut self, session: &mut Session, confirm: ConfirmDelete) -> Vec<Command> {
        if let Some(refused) = session.refuse_if_dead() {
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
                format!("delete {} of {short}", thousands(count as u64)),
                false,
            ),
            DeleteTarget::Request { .. } => (
                Job::DeleteRequest(confirm.request_id.clone()),
                format!("delete request {short}"),
                true,
            ),
        };
        session.info("deleting: Esc cancels");
        vec![session.start(
            job,
            label,
            What::Delete {
                request_id: confirm.request_id,
                whole,
                count,
            },
        )]
    }

    /// The worker died: a dialog showing a job's progress has nothing more to show.
    pub fn on_worker_died(&mut self) {
        self.latest_query = None;
        if matches!(self.modal, Some(Modal::Generate(_))) {
            self.modal = None;
        }
    }

    pub(super) fn push_log(
        &self,
        session: &mut Session,
        at: ClockTime,
        label: String,
        outcome: Outcome,
        report: OpReport,
    ) {
        // Browsing the log: leave the highlight where the user put it.
        let follow = self.focus != Pane::Log;
        session.push_log(at, label, outcome, report, follow);
    }

    /// The final answer of one of this screen's jobs (the router has taken it out of the
    /// session's jobs in flight).
    pub fn finish(
        &mut self,
        session: &mut Session,
        id: JobId,
        at: ClockTime,
        flight: InFlight,
        kind: EventKind,
    ) -> Vec<Command> {
        let InFlight { label, what } = flight;
        if what.is_any_table() && !matches!(kind, EventKind::Failed(_)) {
            return self.finish_any(session, at, label, what, kind);
        }
        match (what, kind) {
            (What::Scan { new_pass }, EventKind::Scanned(page)) => {
                let found = page.requests.len();
                let evaluated = page.scanned_count;
                let more = page.last_evaluated_key.is_some();
                self.requests
                    .add_page(new_pass, page.requests, page.last_evaluated_key);
                self.requests
                    .cursor
                    .clamp(self.requests.len(), session.page(Pane::Requests));
                self.push_log(session, at, label, Outcome::Ok, page.report.clone());
                session.info_from_worker(format!(
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
            (What::Query { .. }, EventKind::Superseded) => {
                // The worker stopped it for a newer query; what it read before is not known.
                self.push_log(
                    session,
                    at,
                    label,
                    Outcome::Superseded,
                    OpReport::new("query"),
                );
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
                    // It answered just before a newer query replaced it.
                    self.push_log(session, at, label, Outcome::Superseded, out.report);
                    return Vec::new();
                }
                self.latest_query = None;
                let report = out.report.clone();
                let n = out.records.len();
                let pages = out.pages;
                self.items.load(out, consistent, session.page(Pane::Items));
                self.requests
                    .record_query(&request_id, &self.items.completeness);
                if focus {
                    self.focus = Pane::Items;
                }
                self.push_log(session, at, label, Outcome::Ok, report.clone());
                if !focus {
                    // A refresh after a delete: keep the delete's result, add what is left.
                    if let Some(crate::tui::app::Status::Info(prev)) = &session.status {
                        session.status = Some(crate::tui::app::Status::Info(format!(
                            "{prev}; re-read: {n} records left, {:.1} RCU ({})",
                            report.consumed.total.read,
                            read_mode(consistent)
                        )));
                    }
                } else if n == 0 {
                    session.info_from_worker(format!(
                        "no records for {request_id}: deleted, expired, or not an id in this table"
                    ));
                } else if !self.items.completeness.is_complete() {
                    // The whole line, which a pane title has no room for.
                    session.info_from_worker(format!(
                        "{}; {pages} page(s), {:.1} RCU ({})",
                        self.items.completeness.summary(),
                        report.consumed.total.read,
                        read_mode(consistent)
                    ));
                } else {
                    session.info_from_worker(format!(
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
                session.session_items.0 += records;
                self.requests
                    .prepend_generated(&planned, session.page(Pane::Requests));
                self.focus = Pane::Requests;
                self.push_log(session, at, label, Outcome::Ok, report.clone());
                session.info_from_worker(format!(
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
                session.session_items.1 += deleted;
                let wcu = report.consumed.total.write;
                self.push_log(session, at, label, Outcome::Ok, report);
                session.info_from_worker(format!("deleted {deleted} items: {wcu:.0} WCU"));
                self.after_delete(session, request_id, whole)
            }
            (what, EventKind::Failed(err)) => self.failed(session, id, at, label, what, err),
            // A final event that does not match its job: a bug, but never a crash.
            (_, other) => {
                session.error(format!(
                    "internal error: unexpected answer to {label}: {other:?}"
                ));
                Vec::new()
            }
        }
    }

    fn after_delete(
        &mut self,
        session: &mut Session,
        request_id: RequestId,
        whole: bool,
    ) -> Vec<Command> {
        if whole {
            self.requests
                .remove(&request_id, session.page(Pane::Requests));
        }
        if self.items.request_id.as_ref() == Some(&request_id) {
            // Strong: an eventual read right after the delete could still return what was
            // deleted, and the pane would look as if nothing happened.
            let focus = false;
            let status = session.status.clone();
            let commands = self.query(session, request_id, focus, true);
            session.status = status;
            return commands;
        }
        Vec::new()
    }

    fn failed(
        &mut self,
        session: &mut Session,
        id: JobId,
        at: ClockTime,
        label: String,
        what: What,
        err: StoreError,
    ) -> Vec<Command> {
        let report = err
            .partial_report()
            .cloned()
            .unwrap_or_else(|| OpReport::new(what.operation_name()));
        if matches!(what, What::ExportTable) {
            session.export = None;
        }
        // What a failed or cancelled job confirmed still changed the table.
        match what {
            What::Generate { .. } => session.session_items.0 += report.items,
            What::Delete { .. } => session.session_items.1 += report.items,
            _ => {}
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
        self.push_log(session, at, label, outcome.clone(), report);
        let stale_query = matches!(what, What::Query { .. }) && self.latest_query != Some(id);
        if !stale_query {
            match outcome {
                Outcome::Cancelled(_) => session.info(text),
                _ => session.error(text),
            }
        }
        match what {
            What::Query { .. } => {
                if self.latest_query == Some(id) {
                    self.latest_query = None;
                }
                Vec::new()
            }
            What::Scan { .. }
            | What::Lab { .. }
            | What::Tables
            | What::DescribeTables
            | What::UseTable
            | What::ScanAny { .. }
            | What::QueryAny { .. }
            | What::DeleteAny
            | What::SqlTables
            | What::ExportTable
            | What::SqlDescribe
            | What::Sql { .. }
            | What::ExportLoaded => Vec::new(),
            What::Generate { planned, .. } => {
                if matches!(self.modal, Some(Modal::Generate(_))) {
                    self.modal = None;
                }
                // Whatever landed stays: list those requests so they can be read or deleted.
                let wrote_any = err.partial_report().is_some_and(|r| r.items > 0);
                if wrote_any {
                    self.requests
                        .prepend_generated(&planned, session.page(Pane::Requests));
                    self.focus = Pane::Requests;
                }
                Vec::new()
            }
            What::Delete { request_id, .. } => {
                // Some deletes may have landed: refresh so the pane shows what is left (and keep
                // the request listed: not all of it is gone).
                self.after_delete(session, request_id, false)
            }
        }
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
