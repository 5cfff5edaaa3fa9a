//! The Explore screen through `App::update` (the router in front of it): `update` is pure,
//! so every key and every worker event is tested by feeding messages and checking the state
//! and the commands that come back.

use std::time::Duration;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::generate_form::Field;
use super::requests::{SCAN_PAGE_LIMIT, ScanState};
use crate::request::generate::{GenerateSpec, Mix};
use crate::request::schema::{Record, RecordKey, RequestId};
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
        limits: "limits: off (this engine never throttles)".into(),
        endpoint: Some("http://127.0.0.1:8000".into()),
        region: "us-east-1".into(),
        embedded: Some(crate::backend::DbLocation::Memory),
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
        by_rule: None,
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

mod completeness;
mod dialogs;
mod panes;
mod ttl;

/// `E`: the whole table, with a gauge the progress events move; Esc stops it; the end adds a
/// log row with the reads' RCU and clears the gauge.
#[test]
fn e_exports_the_whole_table_with_a_gauge_and_esc_stops_it() {
    let mut a = app();
    a.explore.table = Some(crate::table::TableDesc {
        name: "requests".into(),
        status: "ACTIVE".into(),
        key_schema: vec![],
        billing_mode: "PAY_PER_REQUEST".into(),
        item_count: 2_000,
        size_bytes: 40 * 1024 * 1024,
        gsis: vec![],
        lsis: vec![],
        ttl_attribute: None,
    });
    let commands = key(&mut a, 'E');
    let (id, job) = started(&commands);
    assert_eq!(
        job,
        Job::ExportTable {
            segments: 3,
            dir: ".".into()
        },
        "one segment per 16 MB of a 40 MB table"
    );
    event(
        &mut a,
        id,
        EventKind::ExportProgress {
            items: 500,
            pages: 1,
            rcu: 62.5,
        },
    );
    let g = a.session.export.clone().expect("a gauge");
    assert_eq!((g.items, g.expected, g.pages), (500, 2_000, 1));
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Command::Cancel(id)]);
    let mut r = report("export", "Scan", 700, 87.5, 0.0);
    r.items = 700;
    event(
        &mut a,
        id,
        EventKind::ExportedTable {
            path: "./requests-1.jsonl".into(),
            items: 700,
            bytes: 70_000,
            report: Box::new(r),
        },
    );
    assert!(a.session.export.is_none(), "the gauge goes");
    let row = a.session.log.rows.last().expect("a log row");
    assert_eq!(row.report.consumed.total.read, 87.5);
    assert!(
        matches!(&a.session.status, Some(Status::Info(s)) if s.starts_with("stopped: wrote 700")),
        "{:?}",
        a.session.status
    );
}
