//! The Items pane's data: the records of the current request, their sizes, and which are
//! selected for deletion. Selection is a flag per row plus a count, so "select all" and the
//! "are all selected?" check stay cheap at 100,000 records. Records past their `expires_at`
//! are expired: reads return them until TTL deletes them, so the pane marks them, judged at
//! the clock of the latest worker event (`update` never reads the clock itself).

use crate::request::completeness::Completeness;
use crate::request::schema::{Record, RecordKey, RequestId};
use crate::size::write_units;
use crate::store::QueryOutput;
use crate::tui::app::list::ListCursor;
use crate::tui::msg::ClockTime;

/// The loaded request.
#[derive(Debug, Clone, Default)]
pub struct ItemsState {
    /// Which request is loaded (`None` before the first query).
    pub request_id: Option<RequestId>,
    /// Its records, in seq order (shared with an export of them, never copied: up to
    /// 100,000).
    pub records: std::sync::Arc<Vec<Record>>,
    /// Each record's size in bytes as DynamoDB counts it.
    pub sizes: Vec<u32>,
    selected: Vec<bool>,
    selected_count: usize,
    /// Highlight and scroll.
    pub cursor: ListCursor,
    /// Whether the records were read with a strongly consistent query.
    pub consistent: bool,
    /// Whether they are the whole request (computed once per query: 100,000 records).
    pub completeness: Completeness,
    /// The time expiry is judged at: the latest worker event's.
    now: ClockTime,
    expired: usize,
    /// The earliest `expires_at` not yet past at `now`: when the count next changes.
    next_expiry: Option<i64>,
}

impl ItemsState {
    /// Replaces the contents with a query's result; the selection is cleared.
    pub fn load(&mut self, out: QueryOutput, consistent: bool, height: usize) {
        let same_request = self.request_id.as_ref() == Some(&out.request_id);
        self.selected = vec![false; out.records.len()];
        self.selected_count = 0;
        self.completeness = Completeness::of(&out.records);
        self.request_id = Some(out.request_id);
        self.records = std::sync::Arc::new(out.records);
        self.sizes = out.sizes;
        self.consistent = consistent;
        self.count_expired();
        if !same_request {
            self.cursor = ListCursor::default();
        }
        self.cursor.clamp(self.records.len(), height);
    }

    /// Moves the clock expiry is judged at (to a worker event's time); recounts the expired
    /// records when it moved (whole seconds: at most once a second).
    pub fn set_clock(&mut self, now: ClockTime) {
        if now != self.now {
            self.now = now;
            self.count_expired();
        }
    }

    /// Whether the wall clock at `now` has passed a loaded record's `expires_at` that the
    /// pane does not show as expired yet: the event loop then moves the clock, so an idle
    /// pane marks records as they expire (backends that never sweep send no events).
    pub fn expiry_due(&self, now: ClockTime) -> bool {
        self.next_expiry
            .is_some_and(|t| crate::ttl::is_expired(t, i64::try_from(now.0).unwrap_or(i64::MAX)))
    }

    fn count_expired(&mut self) {
        let now = self.now_epoch();
        let (mut expired, mut next) = (0, None::<i64>);
        for r in self.records.iter() {
            if crate::ttl::is_expired(r.expires_at, now) {
                expired += 1;
            } else {
                next = Some(next.map_or(r.expires_at, |t| t.min(r.expires_at)));
            }
        }
        self.expired = expired;
        self.next_expiry = next;
    }

    fn now_epoch(&self) -> i64 {
        i64::try_from(self.now.0).unwrap_or(i64::MAX)
    }

    /// Is row `i` past its `expires_at`?
    pub fn is_expired(&self, i: usize) -> bool {
        self.records
            .get(i)
            .is_some_and(|r| crate::ttl::is_expired(r.expires_at, self.now_epoch()))
    }

    /// Loaded records past their `expires_at`.
    pub fn expired_count(&self) -> usize {
        self.expired
    }

    /// Records loaded.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Nothing loaded.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The highlighted record and its size.
    pub fn highlighted(&self) -> Option<(&Record, u32)> {
        let i = self.cursor.selected;
        Some((
            self.records.get(i)?,
            self.sizes.get(i).copied().unwrap_or(0),
        ))
    }

    /// Is row `i` selected?
    pub fn is_selected(&self, i: usize) -> bool {
        self.selected.get(i).copied().unwrap_or(false)
    }

    /// Selected rows.
    pub fn selected_count(&self) -> usize {
        self.selected_count
    }

    /// Flips the highlighted row.
    pub fn toggle_highlighted(&mut self) {
        let i = self.cursor.selected;
        if let Some(flag) = self.selected.get_mut(i) {
            *flag = !*flag;
            if *flag {
                self.selected_count += 1;
            } else {
                self.selected_count -= 1;
            }
        }
    }

    /// Selects every row; if all already were, clears the selection.
    pub fn toggle_all(&mut self) {
        let all = !self.selected.is_empty() && self.selected_count == self.selected.len();
        self.selected.fill(!all);
        self.selected_count = if all { 0 } else { self.selected.len() };
    }

    /// Keys of the selected records, in seq order.
    pub fn selected_keys(&self) -> Vec<RecordKey> {
        self.iter_selected().map(|(r, _)| r.key()).collect()
    }

    /// WCU to delete the selected records: each rounds up to 1 KB on its own.
    pub fn selected_write_units(&self) -> u64 {
        self.iter_selected()
            .map(|(_, size)| write_units(size as usize))
            .sum()
    }

    /// WCU to delete every loaded record.
    pub fn all_write_units(&self) -> u64 {
        self.sizes.iter().map(|&s| write_units(s as usize)).sum()
    }

    fn iter_selected(&self) -> impl Iterator<Item = (&Record, u32)> {
        self.records
            .iter()
            .zip(&self.sizes)
            .zip(&self.selected)
            .filter(|(_, sel)| **sel)
            .map(|((r, size), _)| (r, *size))
    }
}
