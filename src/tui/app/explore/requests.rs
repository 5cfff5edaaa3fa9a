//! The Requests pane's data: request ids found by scanning, page by page, and the ones this
//! session generated.

use std::collections::HashMap;

use crate::request::completeness::Completeness;
use crate::request::schema::{RecordKey, RequestId};
use crate::store::RequestSummary;
use crate::tui::app::list::ListCursor;
use crate::tui::msg::GeneratedRequest;

/// Items evaluated per scan page: a page is what one `s` costs, so keep it small and cheap.
pub const SCAN_PAGE_LIMIT: u32 = 100;

/// One request as the pane shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    /// The request.
    pub request_id: RequestId,
    /// Records of it seen by the scan so far (summed across pages).
    pub scanned: u64,
    /// How many records it has in all (its `record_count`), if known.
    pub record_count: Option<u32>,
    /// Its `created_at`, if known.
    pub created_at: Option<String>,
    /// Whether it is complete, as far as scans and queries have found out.
    pub verdict: Verdict,
}

/// What is known about whether a request has all its records: the newest finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing beyond the counts.
    #[default]
    Unknown,
    /// The scan read past every record of it and saw another number than its
    /// `record_count`: it cannot be complete. (A Scan returns the records of one request
    /// together, in seq order, so once a page moves on to another request, or the table
    /// ends, the count seen in this pass is all there is.)
    ScanMismatch,
    /// A query read all of it.
    Queried {
        /// Exactly seqs 0..record_count-1, agreeing.
        complete: bool,
        /// Records it found.
        found: u64,
    },
}

impl Verdict {
    /// Known not to be complete.
    pub fn incomplete(self) -> bool {
        matches!(
            self,
            Verdict::ScanMismatch
                | Verdict::Queried {
                    complete: false,
                    ..
                }
        )
    }
}

/// Where the scan stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanState {
    /// No page read yet.
    NotStarted,
    /// More pages: continue after this key.
    More(RecordKey),
    /// The last page has been read.
    EndOfTable,
}

/// Request ids found so far, in the order first seen (generated ones first).
#[derive(Debug, Clone)]
pub struct RequestsState {
    order: Vec<RequestId>,
    rows: HashMap<RequestId, RequestRow>,
    /// Highlight and scroll.
    pub cursor: ListCursor,
    /// Continuation of the scan.
    pub scan: ScanState,
    /// Pages read in this pass over the table.
    pub pages: u64,
    /// Rows whose verdict is incomplete, kept as verdicts change: the pane's title shows it
    /// every frame, and the pane holds up to 100,000 rows.
    incomplete: usize,
}

impl Default for RequestsState {
    fn default() -> Self {
        RequestsState {
            order: Vec::new(),
            rows: HashMap::new(),
            cursor: ListCursor::default(),
            scan: ScanState::NotStarted,
            pages: 0,
            incomplete: 0,
        }
    }
}

impl RequestRow {
    /// The scan has read every record of it in this pass: a count other than its
    /// `record_count` proves it incomplete, newer than any query. A matching count proves
    /// nothing (a seq could be missing and another beyond the end), so an earlier verdict
    /// stays, except a scan's own mismatch, which the records no longer show.
    fn scan_passed(&mut self) {
        match self.record_count {
            Some(n) if self.scanned != u64::from(n) => self.verdict = Verdict::ScanMismatch,
            _ if self.verdict == Verdict::ScanMismatch => self.verdict = Verdict::Unknown,
            _ => {}
        }
    }
}

impl RequestsState {
    /// Rows in display order.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The row at display position `i`.
    pub fn row(&self, i: usize) -> Option<&RequestRow> {
        self.order.get(i).and_then(|id| self.rows.get(id))
    }

    /// The highlighted row.
    pub fn highlighted(&self) -> Option<&RequestRow> {
        self.row(self.cursor.selected)
    }

    /// Where the next scan page starts; `None` starts a new pass from the beginning.
    pub fn next_start(&self) -> Option<RecordKey> {
        match &self.scan {
            ScanState::More(key) => Some(key.clone()),
            ScanState::NotStarted | ScanState::EndOfTable => None,
        }
    }

    /// Folds one scan page in: counts add up per request across pages. A page that starts a
    /// new pass (after the end of the table) resets the counts so they are not doubled.
    pub fn add_page(
        &mut self,
        started_new_pass: bool,
        summaries: Vec<RequestSummary>,
        next: Option<RecordKey>,
    ) {
        if started_new_pass {
            for row in self.rows.values_mut() {
                row.scanned = 0;
            }
            self.pages = 0;
        }
        // Read to its end: every request on the page but the one the next page continues in,
        // and the one the previous page ended in, unless this page still is in it.
        let continues_in = next.as_ref().map(|k| &k.request_id);
        let mut passed: Vec<RequestId> = summaries
            .iter()
            .map(|s| s.request_id.clone())
            .filter(|id| Some(id) != continues_in)
            .collect();
        if let (ScanState::More(prev), false) = (&self.scan, started_new_pass)
            && Some(&prev.request_id) != continues_in
            && !passed.contains(&prev.request_id)
        {
            passed.push(prev.request_id.clone());
        }
        for s in summaries {
            match self.rows.get_mut(&s.request_id) {
                Some(row) => {
                    row.scanned += s.records;
                    row.record_count = row.record_count.or(s.record_count);
                    if row.created_at.is_none() {
                        row.created_at = s.created_at;
                    }
                }
                None => {
                    self.order.push(s.request_id.clone());
                    self.rows.insert(
                        s.request_id.clone(),
                        RequestRow {
                            request_id: s.request_id,
                            scanned: s.records,
                            record_count: s.record_count,
                            created_at: s.created_at,
                            verdict: Verdict::Unknown,
                        },
                    );
                }
            }
        }
        for id in &passed {
            if let Some(row) = self.rows.get_mut(id) {
                let was = row.verdict.incomplete();
                row.scan_passed();
                let now = row.verdict.incomplete();
                self.count_change(was, now);
            }
        }
        self.pages += 1;
        self.scan = match next {
            Some(key) => ScanState::More(key),
            None => ScanState::EndOfTable,
        };
    }

    /// Puts freshly generated requests at the top, highlighted from the first.
    pub fn prepend_generated(&mut self, generated: &[GeneratedRequest], height: usize) {
        let mut order: Vec<RequestId> = Vec::with_capacity(generated.len() + self.order.len());
        for g in generated {
            if self.rows.contains_key(&g.request_id) {
                continue;
            }
            order.push(g.request_id.clone());
            self.rows.insert(
                g.request_id.clone(),
                RequestRow {
                    request_id: g.request_id.clone(),
                    scanned: 0,
                    record_count: Some(g.records),
                    created_at: Some(g.created_at.clone()),
                    verdict: Verdict::Unknown,
                },
            );
        }
        order.append(&mut self.order);
        self.order = order;
        self.cursor = ListCursor::default();
        self.cursor.clamp(self.len(), height);
    }

    /// What a query of `id` found out (a request not listed stays unlisted).
    pub fn record_query(&mut self, id: &RequestId, found: &Completeness) {
        if let Some(row) = self.rows.get_mut(id) {
            let was = row.verdict.incomplete();
            row.record_count = found.record_count.or(row.record_count);
            row.verdict = Verdict::Queried {
                complete: found.is_complete(),
                found: found.found,
            };
            let now = row.verdict.incomplete();
            self.count_change(was, now);
        }
    }

    /// Requests known to be incomplete.
    pub fn incomplete(&self) -> usize {
        self.incomplete
    }

    fn count_change(&mut self, was: bool, now: bool) {
        match (was, now) {
            (false, true) => self.incomplete += 1,
            (true, false) => self.incomplete -= 1,
            _ => {}
        }
    }

    /// Drops a request whose records were all deleted.
    pub fn remove(&mut self, id: &RequestId, height: usize) {
        if let Some(row) = self.rows.remove(id) {
            self.count_change(row.verdict.incomplete(), false);
            self.order.retain(|o| o != id);
            self.cursor.clamp(self.len(), height);
        }
    }
}
