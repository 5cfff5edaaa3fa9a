//! TTL on the Explore screen: a background sweep's log row costs nothing, and loaded records
//! past their `expires_at` are counted expired as the clock (of worker events, or the event
//! loop's while idle) passes it.

use std::time::Duration;

use super::*;
use crate::ttl::{SweepError, SweepReport};
use crate::tui::msg::ClockTime;

/// The records' `expires_at` in `records()`.
const EXPIRES: u64 = 1_766_592_000;

fn swept(a: &mut App, at: u64, result: Result<SweepReport, SweepError>) {
    driver::event(a, JobId::BACKGROUND, at, EventKind::TtlSwept(result));
}

fn deleted(n: u64) -> Result<SweepReport, SweepError> {
    Ok(SweepReport {
        deleted: n,
        elapsed: Duration::from_millis(40),
    })
}

#[test]
fn a_sweep_that_expired_records_is_logged_free_and_counted_as_gone() {
    let mut a = app_with_requests(&[rid(1)]);
    let (totals, rows) = (a.session.log.totals, a.session.log.rows.len());
    swept(&mut a, 1_764_000_100, deleted(0));
    assert_eq!(
        a.session.log.rows.len(),
        rows,
        "a sweep that expired nothing: no row"
    );
    swept(&mut a, 1_764_000_110, deleted(1_000));
    let row = a.session.log.rows.last().expect("a row");
    assert_eq!(row.label, "TTL sweep");
    assert_eq!(
        row.outcome,
        Outcome::Note("TTL expired 1,000 records, 0 WCU".into())
    );
    assert_eq!(row.report.items, 1_000);
    assert_eq!(a.session.log.totals, totals, "TTL is not charged");
    assert_eq!(a.session.session_items.1, 1_000);
}

#[test]
fn a_failing_sweep_is_logged_once_until_it_changes() {
    let mut a = app();
    let full = || Err(SweepError::Engine("database or disk is full".into()));
    swept(&mut a, 1_764_000_100, full());
    swept(&mut a, 1_764_000_110, full());
    let errors = |a: &App| {
        a.session
            .log
            .rows
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Error(_)))
            .count()
    };
    assert_eq!(errors(&a), 1);
    swept(&mut a, 1_764_000_120, deleted(5));
    swept(&mut a, 1_764_000_130, full());
    assert_eq!(errors(&a), 2, "the same failure after a success is new");
}

#[test]
fn loaded_records_turn_expired_as_the_event_clock_passes_expires_at() {
    let mut a = app_with_requests(&[rid(1)]);
    let (query, _) = started(&press(&mut a, KeyCode::Enter));
    driver::event(
        &mut a,
        query,
        EXPIRES - 5,
        EventKind::Queried(records(&rid(1), 3)),
    );
    let items = &a.explore.items;
    assert_eq!(items.expired_count(), 0);
    assert!(!items.is_expired(0));
    // The same second as expires_at is not yet past it (DynamoDB and Dynoxide: ttl < now).
    swept(&mut a, EXPIRES, deleted(0));
    assert_eq!(a.explore.items.expired_count(), 0);
    swept(&mut a, EXPIRES + 1, deleted(0));
    assert_eq!(a.explore.items.expired_count(), 3);
    assert!(a.explore.items.is_expired(2));
}

#[test]
fn an_idle_pane_marks_records_as_the_wall_clock_passes_them() {
    // No worker event comes (a backend that never sweeps): the event loop moves the clock
    // only when a loaded record's expires_at has just been passed, and not again after.
    let mut a = app_with_requests(&[rid(1)]);
    let (query, _) = started(&press(&mut a, KeyCode::Enter));
    let mut out = records(&rid(1), 3);
    out.records[2].expires_at = EXPIRES as i64 + 60;
    driver::event(&mut a, query, EXPIRES - 5, EventKind::Queried(out));
    let due = |a: &App, at: u64| a.explore.items.expiry_due(ClockTime(at));
    assert!(!due(&a, EXPIRES - 1) && !due(&a, EXPIRES));
    assert!(due(&a, EXPIRES + 1));
    a.update(Msg::Clock(ClockTime(EXPIRES + 1)));
    assert_eq!(a.explore.items.expired_count(), 2);
    assert!(a.explore.items.is_expired(1) && !a.explore.items.is_expired(2));
    // The next one due is the third record's.
    assert!(!due(&a, EXPIRES + 2) && !due(&a, EXPIRES + 60));
    assert!(due(&a, EXPIRES + 61));
    a.update(Msg::Clock(ClockTime(EXPIRES + 61)));
    assert_eq!(a.explore.items.expired_count(), 3);
    assert!(!due(&a, EXPIRES + 10_000), "nothing left to expire");
}
