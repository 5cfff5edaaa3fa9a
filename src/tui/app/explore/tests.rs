//! The Explore screen through `App::update` (the router in front of it): `update` is pure,
//! so every key and every worker event is tested by feeding messages and checking the state
//! and the commands that come back.

use std::time::Duration;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::generate_form::Field;
use super::requests::{SCAN_PAGE_LIMIT, ScanState};
use crate::generate::{GenerateSpec, Mix};
use crate::schema::{Record, RecordKey, RequestId};
use crate::store::{BatchProgress, OpReport, QueryOptions, ScanOptions, StoreError};
use crate::store::{
    CallRecord, Capacity, DEFAULT_QUERY_PARALLEL, QueryOutput, RequestSummary, ScanPage,
};
use crate::tui::app::oplog::Outcome;
use crate::tui::app::*;
use crate::tui::driver::{self, key, press, started, typed};
use crate::tui::layout::Pane;
use crate::tui::msg::GeneratedRequest;
use crate::tui::msg::{Command, EventKind, Job, JobId, Msg};

// ----- helpers -----

pub(crate) fn conn() -> ConnInfo {
    ConnInfo {
        label: "embedded (in memory)".into(),
        is_aws: false,
        table: "requests".into(),
        billing_mode: "PAY_PER_REQUEST".into(),
        item_count: 0,
    }
}

fn app() -> App {
    App::new(conn(), (120, 40))
}

fn event(app: &mut App, id: JobId, kind: EventKind) -> Vec<Command> {
    driver::event(app, id, 1_764_000_000, kind)
}

fn rid(n: u32) -> RequestId {
    RequestId::parse(&format!("00000000-0000-4000-8000-{n:012}")).expect("valid id")
}

pub(crate) fn report(
    operation: &'static str,
    api: &'static str,
    items: u64,
    read: f64,
    write: f64,
) -> OpReport {
    let mut r = OpReport::new(operation);
    r.items = items;
    r.elapsed = Duration::from_millis(12);
    r.param("TableName", "requests");
    r.consumed.total = Capacity { read, write };
    r.consumed.table = Capacity { read, write };
    r.record_call(CallRecord {
        api,
        items,
        consumed: Capacity { read, write },
        latency: Duration::from_millis(12),
        outcome: "ok".into(),
    });
    r
}

pub(crate) fn records(id: &RequestId, n: u32) -> QueryOutput {
    let records: Vec<Record> = (0..n)
        .map(|seq| Record {
            request_id: id.clone(),
            seq,
            created_at: "2026-11-24T14:13:03Z".into(),
            customer_id: "customer-00001".into(),
            record_count: n,
            payload: format!("payload-{seq:04}-abcdefghijklmnopqrstuvwxyz"),
            expires_at: 1_766_592_000,
        })
        .collect();
    let sizes = (0..n).map(|seq| 300 + seq * 400).collect();
    QueryOutput {
        request_id: id.clone(),
        records,
        sizes,
        count: u64::from(n),
        scanned_count: u64::from(n),
        pages: 1,
        report: report("query", "Query", u64::from(n), 0.5, 0.0),
    }
}

fn summary(id: &RequestId, records: u64, count: u32) -> RequestSummary {
    RequestSummary {
        request_id: id.clone(),
        records,
        record_count: Some(count),
        created_at: Some("2026-11-24T14:13:03Z".into()),
    }
}

fn page(requests: Vec<RequestSummary>, next: Option<RecordKey>) -> ScanPage {
    let n: u64 = requests.iter().map(|r| r.records).sum();
    ScanPage {
        requests,
        count: n,
        scanned_count: n,
        last_evaluated_key: next,
        report: report("scan", "Scan", n, 0.5, 0.0),
    }
}

/// An app whose startup scan found `ids` (10 records each) and reached the end of the table.
fn app_with_requests(ids: &[RequestId]) -> App {
    let mut a = app();
    let (id, _) = started(&a.init());
    let summaries = ids.iter().map(|i| summary(i, 10, 10)).collect();
    event(&mut a, id, EventKind::Scanned(page(summaries, None)));
    a
}

/// An app showing `n` records of `rid(1)` in the Items pane, focused there.
fn app_with_items(n: u32) -> App {
    let mut a = app_with_requests(&[rid(1)]);
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    event(&mut a, id, EventKind::Queried(records(&rid(1), n)));
    assert_eq!(a.explore.focus, Pane::Items);
    a
}

fn status_text(a: &App) -> String {
    match &a.session.status {
        Some(Status::Info(t)) => format!("info: {t}"),
        Some(Status::Error(t)) => format!("error: {t}"),
        None => String::new(),
    }
}

// ----- scanning -----

#[test]
fn startup_scans_one_page() {
    let mut a = app();
    let (_, job) = started(&a.init());
    assert_eq!(
        job,
        Job::Scan(ScanOptions {
            limit: Some(SCAN_PAGE_LIMIT),
            start: None,
            consistent: false
        })
    );
    assert!(a.explore.scanning(&a.session));
}

#[test]
fn s_reads_the_next_page_and_sums_records_across_pages() {
    let mut a = app();
    let (first, _) = started(&a.init());
    let key1 = RecordKey {
        request_id: rid(2),
        seq: 4,
    };
    event(
        &mut a,
        first,
        EventKind::Scanned(page(
            vec![summary(&rid(1), 10, 10), summary(&rid(2), 5, 12)],
            Some(key1.clone()),
        )),
    );
    assert_eq!(a.explore.requests.len(), 2);
    assert_eq!(a.explore.requests.scan, ScanState::More(key1.clone()));
    assert_eq!(a.session.log.rows.len(), 1, "the scan is logged");
    assert!((a.session.log.totals.read - 0.5).abs() < 1e-9);

    let (second, job) = started(&key(&mut a, 's'));
    assert_eq!(
        job,
        Job::Scan(ScanOptions {
            limit: Some(SCAN_PAGE_LIMIT),
            start: Some(key1),
            consistent: false
        })
    );
    event(
        &mut a,
        second,
        EventKind::Scanned(page(
            vec![summary(&rid(2), 7, 12), summary(&rid(3), 1, 1)],
            None,
        )),
    );
    assert_eq!(a.explore.requests.len(), 3);
    let row2 = a.explore.requests.row(1).expect("second row");
    assert_eq!(row2.request_id, rid(2));
    assert_eq!(row2.scanned, 12, "5 + 7 across two pages");
    assert_eq!(a.explore.requests.scan, ScanState::EndOfTable);
    assert!(status_text(&a).contains("end of table"));
}

#[test]
fn s_while_a_page_is_on_its_way_sends_nothing() {
    let mut a = app();
    a.init();
    assert!(key(&mut a, 's').is_empty());
    assert!(status_text(&a).contains("already"));
}

#[test]
fn s_after_the_end_starts_a_new_pass_without_doubling_counts() {
    let mut a = app_with_requests(&[rid(1)]);
    let (id, job) = started(&key(&mut a, 's'));
    assert!(matches!(job, Job::Scan(ScanOptions { start: None, .. })));
    event(
        &mut a,
        id,
        EventKind::Scanned(page(vec![summary(&rid(1), 10, 10)], None)),
    );
    assert_eq!(a.explore.requests.len(), 1);
    assert_eq!(a.explore.requests.row(0).expect("row").scanned, 10);
}

// ----- querying -----

#[test]
fn enter_on_a_request_queries_it_and_the_items_take_focus() {
    let mut a = app_with_requests(&[rid(1), rid(2)]);
    key(&mut a, 'j');
    let (id, job) = started(&press(&mut a, KeyCode::Enter));
    assert_eq!(
        job,
        Job::Query {
            request_id: rid(2),
            opts: QueryOptions {
                consistent: false,
                page_size: None,
                parallel: DEFAULT_QUERY_PARALLEL
            }
        }
    );
    assert_eq!(a.explore.querying(&a.session), Some(&rid(2)));
    event(&mut a, id, EventKind::Queried(records(&rid(2), 5)));
    assert_eq!(a.explore.items.request_id, Some(rid(2)));
    assert_eq!(a.explore.items.len(), 5);
    assert_eq!(a.explore.focus, Pane::Items);
    assert_eq!(a.explore.querying(&a.session), None);
    let last = a.session.log.rows.last().expect("query logged");
    assert!(last.label.starts_with("query 00000000"));
    assert!((last.report.consumed.total.read - 0.5).abs() < 1e-9);
    assert!(status_text(&a).contains("0.5 RCU"));
}

#[test]
fn enter_with_no_requests_only_hints() {
    let mut a = app_with_requests(&[]);
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert!(status_text(&a).contains("g generates"));
}

#[test]
fn a_stale_query_result_is_ignored() {
    let mut a = app_with_requests(&[rid(1), rid(2)]);
    let (old, _) = started(&press(&mut a, KeyCode::Enter));
    a.explore.focus = Pane::Requests;
    key(&mut a, 'j');
    let (new, _) = started(&press(&mut a, KeyCode::Enter));
    assert_ne!(old, new);
    // The older answer arrives last-but-one: it must not fill the pane.
    event(&mut a, old, EventKind::Queried(records(&rid(1), 3)));
    assert!(a.explore.items.request_id.is_none(), "stale result ignored");
    assert_eq!(
        a.explore.querying(&a.session),
        Some(&rid(2)),
        "still waiting for the newest"
    );
    let superseded = a
        .session
        .log
        .rows
        .last()
        .expect("its RCU was still billed: logged");
    assert_eq!(superseded.outcome, Outcome::Superseded);
    // A query the worker stopped for a newer one: its last word is Superseded, after which
    // it is logged and nothing waits for it.
    let waiting = new;
    let (aborted, _) = started(&key(&mut a, 'r'));
    // The worker stopped the query still waiting: its last word.
    event(&mut a, waiting, EventKind::Superseded);
    assert!(a.busy());
    let (new, _) = started(&key(&mut a, 'r'));
    assert!(a.session.in_flight.contains_key(&aborted));
    let rows = a.session.log.rows.len();
    event(&mut a, aborted, EventKind::Superseded);
    assert!(!a.session.in_flight.contains_key(&aborted));
    assert_eq!(a.session.log.rows.len(), rows + 1);
    assert_eq!(
        a.session.log.rows.last().expect("logged").outcome,
        Outcome::Superseded
    );
    assert_eq!(
        a.explore.querying(&a.session),
        Some(&rid(2)),
        "the newest still runs"
    );
    event(&mut a, new, EventKind::Queried(records(&rid(2), 4)));
    assert!(!a.busy(), "nothing left that will answer");
    assert_eq!(a.explore.items.request_id, Some(rid(2)));
    assert_eq!(a.explore.items.len(), 4);
    // And a stale failure does not put an error on the status line.
    let (older, _) = started(&key(&mut a, 'r'));
    let (newest, _) = started(&key(&mut a, 'r'));
    event(
        &mut a,
        older,
        EventKind::Failed(StoreError::Unreachable {
            endpoint: "http://x".into(),
            detail: "refused".into(),
        }),
    );
    assert!(!status_text(&a).starts_with("error"), "{}", status_text(&a));
    assert_eq!(a.explore.latest_query, Some(newest));
}

#[test]
fn slash_opens_the_input_and_enter_queries_the_typed_id() {
    let mut a = app_with_requests(&[]);
    assert!(key(&mut a, '/').is_empty());
    assert!(matches!(a.explore.modal, Some(Modal::Query(_))));
    typed(&mut a, "abc-123");
    press(&mut a, KeyCode::Backspace);
    let (_, job) = started(&press(&mut a, KeyCode::Enter));
    assert_eq!(
        job,
        Job::Query {
            request_id: RequestId::parse("abc-12").expect("id"),
            opts: QueryOptions {
                parallel: DEFAULT_QUERY_PARALLEL,
                ..QueryOptions::default()
            }
        }
    );
    assert!(a.explore.modal.is_none());
}

#[test]
fn a_bad_id_is_explained_in_the_input_and_nothing_is_sent() {
    let mut a = app_with_requests(&[]);
    key(&mut a, '/');
    typed(&mut a, "   ");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    match &a.explore.modal {
        Some(Modal::Query(input)) => {
            assert_eq!(input.message.as_deref(), Some("the request id is empty"));
        }
        other => panic!("input stays open: {other:?}"),
    }
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert!(a.explore.modal.is_none());
}

#[test]
fn paste_takes_the_first_non_empty_line() {
    let mut a = app_with_requests(&[]);
    key(&mut a, '/');
    a.update(Msg::Paste("\n  abc-1  \nsecond line\n".into()));
    match &a.explore.modal {
        Some(Modal::Query(input)) => {
            assert_eq!(input.text, "abc-1");
            assert!(
                input
                    .message
                    .as_deref()
                    .is_some_and(|m| m.contains("kept the first")),
                "{input:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let (_, job) = started(&press(&mut a, KeyCode::Enter));
    assert!(matches!(job, Job::Query { request_id, .. } if request_id.as_str() == "abc-1"));

    key(&mut a, '/');
    a.update(Msg::Paste("\n \n".into()));
    assert!(
        matches!(&a.explore.modal, Some(Modal::Query(i)) if i.message.as_deref() == Some("the pasted text is empty"))
    );
}

#[test]
fn paste_on_the_main_screen_opens_the_input_with_it() {
    let mut a = app_with_requests(&[]);
    a.update(Msg::Paste("xyz\n".into()));
    assert!(matches!(&a.explore.modal, Some(Modal::Query(i)) if i.text == "xyz"));
}

#[test]
fn c_toggles_strong_reads_for_following_queries_and_scans() {
    let mut a = app_with_requests(&[rid(1)]);
    key(&mut a, 'c');
    assert!(a.explore.consistent);
    assert!(status_text(&a).contains("strongly consistent"));
    let (id, job) = started(&press(&mut a, KeyCode::Enter));
    assert!(matches!(
        job,
        Job::Query {
            opts: QueryOptions {
                consistent: true,
                ..
            },
            ..
        }
    ));
    event(&mut a, id, EventKind::Queried(records(&rid(1), 2)));
    assert!(a.explore.items.consistent);
    let (_, scan) = started(&key(&mut a, 's'));
    assert!(matches!(
        scan,
        Job::Scan(ScanOptions {
            consistent: true,
            ..
        })
    ));
    key(&mut a, 'c');
    assert!(!a.explore.consistent);
}

#[test]
fn r_re_runs_the_last_query() {
    let mut a = app_with_requests(&[rid(1)]);
    assert!(key(&mut a, 'r').is_empty(), "nothing to re-run yet");
    assert!(status_text(&a).contains("no query"));
    started(&press(&mut a, KeyCode::Enter));
    let (_, job) = started(&key(&mut a, 'r'));
    assert!(matches!(job, Job::Query { request_id, .. } if request_id == rid(1)));
}

// ----- moving -----

#[test]
fn tab_and_shift_tab_cycle_focus() {
    let mut a = app();
    assert_eq!(a.explore.focus, Pane::Requests);
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.explore.focus, Pane::Items);
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.explore.focus, Pane::Log);
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.explore.focus, Pane::Requests);
    press(&mut a, KeyCode::BackTab);
    assert_eq!(a.explore.focus, Pane::Log);
}

#[test]
fn j_k_arrows_pages_home_end_move_in_the_focused_pane() {
    let mut a = app_with_items(500);
    let page = a.session.page(Pane::Items);
    key(&mut a, 'j');
    press(&mut a, KeyCode::Down);
    assert_eq!(a.explore.items.cursor.selected, 2);
    key(&mut a, 'k');
    press(&mut a, KeyCode::Up);
    press(&mut a, KeyCode::Up);
    assert_eq!(a.explore.items.cursor.selected, 0);
    press(&mut a, KeyCode::PageDown);
    assert_eq!(a.explore.items.cursor.selected, page);
    press(&mut a, KeyCode::PageUp);
    assert_eq!(a.explore.items.cursor.selected, 0);
    press(&mut a, KeyCode::End);
    assert_eq!(a.explore.items.cursor.selected, 499);
    assert_eq!(a.explore.items.cursor.offset, 500 - page);
    press(&mut a, KeyCode::Home);
    assert_eq!(
        (
            a.explore.items.cursor.selected,
            a.explore.items.cursor.offset
        ),
        (0, 0)
    );
    // The Requests pane did not move.
    assert_eq!(a.explore.requests.cursor.selected, 0);
}

#[test]
fn mouse_click_focuses_and_selects_wheel_scrolls_the_pane_under_it() {
    let mut a = app_with_items(100);
    a.explore.focus = Pane::Requests;
    let areas = a.session.areas().expect("120x40 fits");
    let rows = areas.rows(Pane::Items);
    a.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: rows.x + 3,
        row: rows.y + 4,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.explore.focus, Pane::Items);
    assert_eq!(a.explore.items.cursor.selected, 4);
    let log = areas.rows(Pane::Log);
    a.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: rows.x,
        row: rows.y,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.explore.items.cursor.selected, 7);
    assert_eq!(a.explore.focus, Pane::Items);
    // The wheel over the log moves the log, not the focused pane.
    a.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: log.x,
        row: log.y,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.explore.items.cursor.selected, 7);
    // A click under the last row changes nothing.
    a.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: areas.rows(Pane::Requests).x,
        row: areas.rows(Pane::Requests).y + 5,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.explore.focus, Pane::Requests);
    assert_eq!(a.explore.requests.cursor.selected, 0);
}

#[test]
fn resize_keeps_the_highlight_visible() {
    let mut a = app_with_items(500);
    press(&mut a, KeyCode::End);
    a.update(Msg::Resize(80, 24));
    let page = a.session.page(Pane::Items);
    let c = a.explore.items.cursor;
    assert!(
        c.offset <= c.selected && c.selected < c.offset + page,
        "{c:?}, {page}"
    );
    // Too small for panes: no panic, no paging.
    a.update(Msg::Resize(20, 5));
    press(&mut a, KeyCode::PageUp);
}

// ----- selecting and deleting -----

#[test]
fn space_selects_and_unselects_the_highlighted_item() {
    let mut a = app_with_items(5);
    key(&mut a, ' ');
    assert!(a.explore.items.is_selected(0));
    key(&mut a, 'j');
    key(&mut a, ' ');
    assert_eq!(a.explore.items.selected_count(), 2);
    key(&mut a, ' ');
    assert_eq!(a.explore.items.selected_count(), 1);
    // Elsewhere it only hints.
    a.explore.focus = Pane::Requests;
    key(&mut a, ' ');
    assert_eq!(a.explore.items.selected_count(), 1);
    assert!(status_text(&a).contains("Items pane"));
}

#[test]
fn a_selects_all_and_again_clears() {
    let mut a = app_with_items(5);
    key(&mut a, ' ');
    key(&mut a, 'a');
    assert_eq!(a.explore.items.selected_count(), 5);
    key(&mut a, 'a');
    assert_eq!(a.explore.items.selected_count(), 0);
    let mut empty = app();
    key(&mut empty, 'a');
    assert!(status_text(&empty).contains("query a request first"));
}

#[test]
fn d_asks_with_count_and_wcu_then_y_deletes_and_the_request_is_re_read() {
    let mut a = app_with_items(5);
    assert!(key(&mut a, 'd').is_empty());
    assert!(status_text(&a).contains("no items selected"));
    // seq 0: 300 bytes (1 WCU); seq 2: 1100 bytes (2 WCU).
    key(&mut a, ' ');
    key(&mut a, 'j');
    key(&mut a, 'j');
    key(&mut a, ' ');
    assert!(key(&mut a, 'd').is_empty());
    let Some(Modal::Confirm(confirm)) = &a.explore.modal else {
        panic!("confirmation open: {:?}", a.explore.modal)
    };
    assert_eq!(confirm.count(), 2);
    assert_eq!(confirm.write_units, 3);
    // Any other key leaves it open; n closes it without deleting.
    assert!(key(&mut a, 'x').is_empty());
    assert!(matches!(a.explore.modal, Some(Modal::Confirm(_))));
    assert!(key(&mut a, 'n').is_empty());
    assert!(a.explore.modal.is_none());
    assert_eq!(a.explore.items.selected_count(), 2, "n keeps the selection");

    key(&mut a, 'd');
    let (id, job) = started(&key(&mut a, 'y'));
    assert_eq!(
        job,
        Job::DeleteKeys {
            request_id: rid(1),
            keys: vec![
                RecordKey {
                    request_id: rid(1),
                    seq: 0
                },
                RecordKey {
                    request_id: rid(1),
                    seq: 2
                }
            ]
        }
    );
    assert!(a.session.long_job.is_some());
    // While it runs, keys other than Esc and Ctrl-C do nothing.
    assert!(key(&mut a, 'g').is_empty());
    assert!(a.explore.modal.is_none());
    let (refresh, job) = started(&event(
        &mut a,
        id,
        EventKind::Deleted(report("delete", "BatchWriteItem", 2, 0.0, 3.0)),
    ));
    assert!(a.session.long_job.is_none());
    assert_eq!(
        job,
        Job::Query {
            request_id: rid(1),
            opts: QueryOptions {
                consistent: true,
                page_size: None,
                parallel: DEFAULT_QUERY_PARALLEL
            }
        },
        "re-read with a strong read so the deleted items are surely gone"
    );
    let row = a.session.log.rows.last().expect("delete logged");
    assert_eq!(row.label, "delete 2 of 00000000…");
    assert!((row.report.consumed.total.write - 3.0).abs() < 1e-9);
    assert!(status_text(&a).contains("deleted 2 items: 3 WCU"));
    assert_eq!(
        a.session.session_items,
        (0, 2),
        "the header counts what was deleted"
    );
    let mut left = records(&rid(1), 5);
    left.records.retain(|r| r.seq != 0 && r.seq != 2);
    left.sizes = vec![700, 1500, 1900];
    event(&mut a, refresh, EventKind::Queried(left));
    assert_eq!(a.explore.items.len(), 3);
    assert_eq!(a.explore.items.selected_count(), 0);
    assert!(status_text(&a).contains("deleted 2 items: 3 WCU; re-read: 3 records left"));
    assert!((a.session.log.totals.write - 3.0).abs() < 1e-9);
}

#[test]
fn big_d_deletes_the_whole_request_after_the_same_confirmation() {
    let mut a = app_with_items(3);
    assert!(key(&mut a, 'D').is_empty());
    let Some(Modal::Confirm(confirm)) = &a.explore.modal else {
        panic!("confirmation open")
    };
    assert_eq!(confirm.target, DeleteTarget::Request { loaded: 3 });
    // 300 + 700 + 1100 bytes: 1 + 1 + 2 WCU.
    assert_eq!(confirm.write_units, 4);
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert!(a.explore.modal.is_none());
    key(&mut a, 'D');
    let (id, job) = started(&key(&mut a, 'y'));
    assert_eq!(job, Job::DeleteRequest(rid(1)));
    let commands = event(
        &mut a,
        id,
        EventKind::Deleted(report("delete", "BatchWriteItem", 3, 1.0, 4.0)),
    );
    started(&commands);
    assert!(
        a.explore.requests.is_empty(),
        "the request is gone from the list"
    );
}

#[test]
fn d_and_big_d_without_a_request_only_hint() {
    let mut a = app();
    assert!(key(&mut a, 'D').is_empty());
    assert!(a.explore.modal.is_none());
    assert!(status_text(&a).contains("no current request"));
    assert!(key(&mut a, 'd').is_empty());
    assert!(a.explore.modal.is_none());
}

#[test]
fn a_cancelled_delete_is_logged_and_the_request_re_read() {
    let mut a = app_with_items(100);
    key(&mut a, 'a');
    key(&mut a, 'd');
    let (id, _) = started(&key(&mut a, 'y'));
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Command::Cancel(id)]);
    assert!(
        press(&mut a, KeyCode::Esc).is_empty(),
        "cancel is sent once"
    );
    let commands = event(
        &mut a,
        id,
        EventKind::Failed(StoreError::Cancelled {
            what: "deletes",
            confirmed: 50,
            total: 100,
            report: Box::new(report("delete", "BatchWriteItem", 50, 0.0, 50.0)),
        }),
    );
    started(&commands);
    let row = a.session.log.rows.last().expect("logged");
    assert_eq!(
        row.outcome,
        Outcome::Cancelled("cancelled: 50 of 100 deleted".into())
    );
    assert!(
        (a.session.log.totals.write - 50.0).abs() < 1e-9,
        "partial work still counts"
    );
}

// ----- generating -----

#[test]
fn g_opens_the_form_at_its_defaults_and_edits_fields() {
    let mut a = app();
    key(&mut a, 'g');
    let Some(Modal::Generate(form)) = &a.explore.modal else {
        panic!("dialog open")
    };
    assert_eq!(
        (
            form.requests.as_str(),
            form.records.as_str(),
            form.payload.as_str(),
            form.mix
        ),
        ("1", "10", "200", Mix::Fixed)
    );
    assert_eq!(form.field, Field::Requests);
    // Digits append at the end; Backspace deletes; letters are ignored in number fields.
    typed(&mut a, "2x");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "50");
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Up);
    press(&mut a, KeyCode::BackTab);
    press(&mut a, KeyCode::BackTab);
    let Some(Modal::Generate(form)) = &a.explore.modal else {
        panic!("dialog open")
    };
    assert_eq!(form.field, Field::Mix, "Shift-Tab wraps to the last field");
    assert_eq!(
        (form.requests.as_str(), form.records.as_str()),
        ("12", "50")
    );
    key(&mut a, ' ');
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Realistic));
    press(&mut a, KeyCode::Left);
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Fixed));
    key(&mut a, 'r');
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Realistic));
    key(&mut a, 'f');
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Fixed));
    press(&mut a, KeyCode::Right);
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Realistic));
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert!(a.explore.modal.is_none());
}

#[test]
fn bad_generate_input_is_explained_in_the_dialog_which_keeps_the_values() {
    let mut a = app();
    key(&mut a, 'g');
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "0");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    let Some(Modal::Generate(form)) = &a.explore.modal else {
        panic!("dialog stays open")
    };
    assert_eq!(form.requests, "0");
    assert_eq!(form.error.as_deref(), Some("Requests must be at least 1"));
    // Empty field.
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::Enter);
    assert!(
        matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.error.as_deref() == Some("Requests is empty: type a whole number"))
    );
    // Over the payload limit.
    typed(&mut a, "1");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    typed(&mut a, "0000");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert!(
        matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.error.as_deref().is_some_and(|e| e.starts_with("Payload bytes 2000000")))
    );
}

#[test]
fn generate_runs_reports_progress_and_lists_the_new_requests_first() {
    let mut a = app_with_requests(&[rid(9)]);
    key(&mut a, 'g');
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "3");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "50");
    let (id, job) = started(&press(&mut a, KeyCode::Enter));
    assert_eq!(
        job,
        Job::Generate(GenerateSpec {
            requests: 3,
            records: 50,
            payload_bytes: 200,
            mix: Mix::Fixed
        })
    );
    assert!(
        matches!(a.explore.modal, Some(Modal::Generate(_))),
        "dialog shows progress"
    );
    let planned: Vec<GeneratedRequest> = (1..=3)
        .map(|n| GeneratedRequest {
            request_id: rid(n),
            records: 50,
            created_at: "2026-11-24T14:13:03Z".into(),
        })
        .collect();
    event(&mut a, id, EventKind::Planned(planned));
    let progress = BatchProgress {
        done: 75,
        total: 150,
        write_units: 75.0,
        retries: 1,
        throttled: 0,
        unprocessed_resent: 2,
        elapsed: Duration::from_millis(500),
    };
    event(&mut a, id, EventKind::Progress(progress));
    assert_eq!(
        a.session.long_job.expect("running").progress,
        Some(progress)
    );
    // A progress event of another job is not ours.
    event(
        &mut a,
        JobId(999),
        EventKind::Progress(BatchProgress {
            done: 1,
            ..progress
        }),
    );
    assert_eq!(
        a.session.long_job.expect("running").progress,
        Some(progress)
    );

    event(
        &mut a,
        id,
        EventKind::Generated(report("generate", "BatchWriteItem", 150, 0.0, 150.0)),
    );
    assert!(a.explore.modal.is_none(), "dialog closes when done");
    assert!(a.session.long_job.is_none());
    assert_eq!(a.explore.focus, Pane::Requests);
    let ids: Vec<_> = (0..a.explore.requests.len())
        .map(|i| a.explore.requests.row(i).expect("row").request_id.clone())
        .collect();
    assert_eq!(ids, vec![rid(1), rid(2), rid(3), rid(9)], "new ones first");
    assert_eq!(a.explore.requests.cursor.selected, 0);
    assert!(status_text(&a).contains("wrote 150 records in 3 request(s): 150 WCU"));
    assert_eq!(
        a.session.log.rows.last().expect("logged").label,
        "generate 3×50"
    );
    assert_eq!(
        a.session.session_items,
        (150, 0),
        "the header counts what was written"
    );
}

#[test]
fn esc_cancels_a_running_generate_and_the_log_says_how_much_was_written() {
    let mut a = app();
    key(&mut a, 'g');
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    event(
        &mut a,
        id,
        EventKind::Planned(vec![GeneratedRequest {
            request_id: rid(1),
            records: 10,
            created_at: "2026-11-24T14:13:03Z".into(),
        }]),
    );
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Command::Cancel(id)]);
    assert!(
        a.session
            .long_job
            .expect("still running until the store stops")
            .cancelling
    );
    event(
        &mut a,
        id,
        EventKind::Failed(StoreError::Cancelled {
            what: "records written",
            confirmed: 4,
            total: 10,
            report: Box::new(report("generate", "BatchWriteItem", 4, 0.0, 4.0)),
        }),
    );
    assert!(a.session.long_job.is_none());
    assert!(a.explore.modal.is_none());
    let row = a.session.log.rows.last().expect("logged");
    assert_eq!(
        row.outcome,
        Outcome::Cancelled("cancelled: 4 of 10 written".into())
    );
    assert!((a.session.log.totals.write - 4.0).abs() < 1e-9);
    assert_eq!(a.explore.requests.len(), 1, "what was written can be read");
    assert!(status_text(&a).contains("cancelled: 4 of 10 written"));
    assert_eq!(
        a.session.session_items,
        (4, 0),
        "what landed before the cancel counts"
    );
}

#[test]
fn a_partial_generate_failure_counts_what_landed_and_shows_the_error() {
    let mut a = app();
    key(&mut a, 'g');
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    event(
        &mut a,
        id,
        EventKind::Failed(StoreError::Incomplete {
            what: "records written",
            confirmed: 7,
            total: 10,
            in_flight: 0,
            not_done: Vec::new(),
            cause: Box::new(StoreError::RetriesExhausted {
                attempts: 12,
                code: "ProvisionedThroughputExceededException".into(),
                message: "slow down".into(),
            }),
            report: Box::new(report("generate", "BatchWriteItem", 7, 0.0, 7.0)),
        }),
    );
    let row = a.session.log.rows.last().expect("logged");
    assert!(matches!(&row.outcome, Outcome::Error(e) if e.contains("7 of 10")));
    assert!((a.session.log.totals.write - 7.0).abs() < 1e-9);
    assert!(status_text(&a).starts_with("error: generate 1×10 failed: 7 of 10"));
    assert_eq!(
        a.session.session_items,
        (7, 0),
        "what landed before the failure counts"
    );
}

// ----- errors, help, quitting -----

#[test]
fn errors_stay_until_a_user_action_replaces_them() {
    let mut a = app_with_requests(&[rid(1)]);
    let (query, _) = started(&press(&mut a, KeyCode::Enter));
    let (scan, _) = started(&key(&mut a, 's'));
    event(
        &mut a,
        query,
        EventKind::Failed(StoreError::Unreachable {
            endpoint: "http://127.0.0.1:9".into(),
            detail: "connection refused".into(),
        }),
    );
    let text = status_text(&a);
    assert!(
        text.starts_with(
            "error: query 00000000… failed: cannot reach DynamoDB at http://127.0.0.1:9"
        ),
        "{text}"
    );
    assert!(text.contains("is the engine running?"), "{text}");
    assert!(matches!(
        &a.session.log.rows.last().expect("logged").outcome,
        Outcome::Error(_)
    ));
    assert!(a.explore.items.request_id.is_none());
    // A result from the worker does not hide it; moving does not either.
    event(&mut a, scan, EventKind::Scanned(page(vec![], None)));
    key(&mut a, 'j');
    assert!(status_text(&a).starts_with("error:"));
    // A user action that says something does.
    key(&mut a, 'c');
    assert!(status_text(&a).starts_with("info:"));
}

#[test]
fn a_dead_worker_is_reported_and_nothing_more_is_sent() {
    let mut a = app();
    a.init();
    a.update(Msg::WorkerDied("boom".into()));
    assert_eq!(
        status_text(&a),
        "error: worker died: boom. Nothing more can run; q quits"
    );
    assert!(key(&mut a, 's').is_empty());
    assert!(key(&mut a, 'g').is_empty());
    assert!(a.explore.modal.is_none());
    assert_eq!(key(&mut a, 'q'), vec![Command::Quit]);
}

#[test]
fn help_opens_with_question_mark_and_closes_with_esc() {
    let mut a = app();
    key(&mut a, '?');
    assert_eq!(a.help, Some(0));
    assert!(
        key(&mut a, 's').is_empty(),
        "keys do not leak through the overlay"
    );
    assert_eq!(a.help, Some(0));
    press(&mut a, KeyCode::Esc);
    assert!(a.help.is_none());
    key(&mut a, '?');
    key(&mut a, '?');
    assert!(a.help.is_none());
}

#[test]
fn help_scrolls_only_as_far_as_its_lines_go() {
    let mut a = App::new(conn(), (80, 24));
    key(&mut a, '?');
    key(&mut a, 'k');
    assert_eq!(a.help, Some(0), "no scrolling above the top");
    key(&mut a, 'j');
    assert_eq!(a.help, Some(1));
    press(&mut a, KeyCode::End);
    let Some(end) = a.help else {
        panic!("help closed: {:?}", a.help)
    };
    assert!(end > 1, "at 80x24 the key list is longer than the overlay");
    key(&mut a, 'j');
    assert_eq!(a.help, Some(end), "no scrolling past the end");
    press(&mut a, KeyCode::Home);
    assert_eq!(a.help, Some(0));
    // On a tall terminal everything fits: nothing to scroll.
    let mut tall = App::new(conn(), (120, 60));
    key(&mut tall, '?');
    press(&mut tall, KeyCode::End);
    assert_eq!(tall.help, Some(0));
}

#[test]
fn q_quits_and_ctrl_c_also_cancels_the_running_job() {
    let mut a = app();
    assert_eq!(key(&mut a, 'q'), vec![Command::Quit]);
    key(&mut a, 'g');
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    assert!(
        key(&mut a, 'q').is_empty(),
        "q is not a quit while a job runs"
    );
    let ctrl_c = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(ctrl_c, vec![Command::Cancel(id), Command::Quit]);
    // Ctrl-C in a dialog quits too.
    let mut b = app();
    key(&mut b, '/');
    let ctrl_c = b.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(ctrl_c, vec![Command::Quit]);
}

#[test]
fn key_releases_are_ignored() {
    let mut a = app();
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert!(a.update(Msg::Key(release)).is_empty());
}

#[test]
fn tick_animates_and_unknown_events_are_ignored() {
    let mut a = app();
    a.update(Msg::Tick);
    assert_eq!(a.session.spinner, 1);
    assert!(
        event(
            &mut a,
            JobId(77),
            EventKind::Deleted(OpReport::new("delete"))
        )
        .is_empty()
    );
    assert!(a.session.log.rows.is_empty());
}

#[test]
fn long_and_garbage_ids_are_refused_in_the_input_without_sending() {
    let mut a = app_with_requests(&[]);
    // 3 KB pasted: over DynamoDB's 2,048-byte partition key limit.
    key(&mut a, '/');
    a.update(Msg::Paste("a".repeat(3 * 1024)));
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "nothing is sent");
    assert!(
        matches!(&a.explore.modal, Some(Modal::Query(i)) if i.message.as_deref().is_some_and(|m| m.contains("2048 bytes"))),
        "{:?}",
        a.explore.modal
    );
    press(&mut a, KeyCode::Esc);
    // Binary-looking paste: an escape sequence and a NUL inside one line.
    key(&mut a, '/');
    a.update(Msg::Paste("\u{1b}[31mred\u{0}id\u{fffd}".into()));
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "nothing is sent");
    assert!(
        matches!(&a.explore.modal, Some(Modal::Query(i)) if i.message.as_deref().is_some_and(|m| m.contains("control characters"))),
        "{:?}",
        a.explore.modal
    );
    // Replacement characters alone are valid UTF-8 a key may hold: sent as typed.
    press(&mut a, KeyCode::Esc);
    key(&mut a, '/');
    a.update(Msg::Paste("\u{fffd}\u{fffd}-id".into()));
    let (_, job) = started(&press(&mut a, KeyCode::Enter));
    assert!(
        matches!(job, Job::Query { request_id, .. } if request_id.as_str() == "\u{fffd}\u{fffd}-id")
    );
}

#[test]
fn huge_and_non_numeric_generate_values_never_start_a_job() {
    let mut a = app();
    key(&mut a, 'g');
    // Digits stop at nine: 9,999,999,999 cannot even be typed; what can is refused.
    typed(&mut a, "99999999999999");
    typed(&mut a, "-x.,e ");
    let Some(Modal::Generate(form)) = &a.explore.modal else {
        panic!("dialog open")
    };
    assert_eq!(form.requests, "199999999", "digits only, at most nine");
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "nothing is sent");
    assert!(
        matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.error.as_deref().is_some_and(|e| e.contains("cap"))),
        "{:?}",
        a.explore.modal
    );
}
