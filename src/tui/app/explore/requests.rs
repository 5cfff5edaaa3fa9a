//! The Requests pane's data: request ids found by scanning, page by page, and the ones this
//! session generated.

use std::collections::HashMap;

use crate::schema::{RecordKey, RequestId};
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
}

impl Default for RequestsState {
    fn default() -> Self {
        RequestsState {
            order: Vec::new(),
            rows: HashMap::new(),
            cursor: ListCursor::default(),
            scan: ScanState::NotStarted,
            pages: 0,
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
                        },
                    );
                }
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
                },
            );
        }
        order.append(&mut self.order);
        self.order = order;
        self.cursor = ListCursor::default();
        self.cursor.clamp(self.len(), height);
    }

    /// Drops a request whose records were all deleted.
    pub fn remove(&mut self, id: &RequestId, height: usize) {
        if self.rows.remove(id).is_some() {
            self.order.retain(|o| o != id);
            self.cursor.clamp(self.len(), height);
        }
    }
}
