//! Snapshots of the rendered screen (insta on ratatui's `TestBackend`) at 120x40 and 80x24:
//! the main screen with data, a running generate, the delete confirmation, the help overlay
//! and an error. States are built through `update` with fixed data and fixed event times, so
//! the snapshots never change unless the screen does.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;

use super::app::explore::tests::{conn, records, report};
use super::app::{App, ConnInfo};
use super::driver::{event, key, press, started};
use super::msg::{Command, EventKind, GeneratedRequest, JobId, Msg};
use super::view;
use crate::request::schema::{Record, RecordKey, RequestId};
use crate::store::{BatchProgress, QueryOutput, RequestSummary, ScanPage, StoreError};

const SIZES: [(u16, u16); 2] = [(120, 40), (80, 24)];

fn rid(n: u32) -> RequestId {
    RequestId::parse(&format!("7f3a9c21-5b4e-4d6a-9e8f-{n:012}")).expect("valid id")
}

fn job_id(commands: &[Command]) -> JobId {
    started(commands).0
}

/// 14:13:03 UTC on 2026-11-24, and a few seconds later.
const T0: u64 = 1_763_993_583;

/// Records that look generated: 200-byte payloads, ~350-byte items.
fn generated(id: &RequestId, n: u32) -> QueryOutput {
    let mut out = records(id, n);
    for r in &mut out.records {
        r.payload = payload(r.seq);
        r.created_at = "2026-11-24T14:13:03.512Z".into();
    }
    out.sizes = (0..n).map(|seq| 348 + seq % 3).collect();
    out.report = report("query", "Query", u64::from(n), 2.5, 0.0);
    out
}

fn payload(seq: u32) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..200u32)
        .map(|i| char::from(ALPHABET[((seq * 7 + i * 13) % 62) as usize]))
        .collect()
}

/// Three requests scanned (more to come), the first queried, items 1 and 3 selected.
fn main_screen(size: (u16, u16)) -> App {
    let mut a = App::new(conn(), size);
    let scan = job_id(&a.init());
    let summaries = (1..=3)
        .map(|n| RequestSummary {
            request_id: rid(n),
            records: if n == 3 { 0 } else { 50 },
            record_count: Some(50),
            created_at: Some("2026-11-24T14:13:03.512Z".into()),
        })
        .map(|mut s| {
            if s.records == 0 {
                s.records = 20;
            }
            s
        })
        .collect::<Vec<_>>();
    let page = ScanPage {
        count: 120,
        scanned_count: 100,
        requests: summaries,
        last_evaluated_key: Some(RecordKey {
            request_id: rid(3),
            seq: 19,
        }),
        report: report("scan", "Scan", 100, 5.0, 0.0),
    };
    event(&mut a, scan, T0, EventKind::Scanned(page));
    let query = job_id(&press(&mut a, KeyCode::Enter));
    event(
        &mut a,
        query,
        T0 + 4,
        EventKind::Queried(generated(&rid(1), 50)),
    );
    key(&mut a, 'j');
    key(&mut a, ' ');
    key(&mut a, 'j');
    key(&mut a, 'j');
    key(&mut a, ' ');
    a
}

fn render(app: &App, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|frame| view::draw(frame, app))
        .expect("draws");
    terminal
}

fn snapshot(name: &str, app: &App, size: (u16, u16)) {
    let terminal = render(app, size);
    insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), terminal.backend());
}

#[test]
fn main_screen_with_data() {
    for size in SIZES {
        snapshot("main", &main_screen(size), size);
    }
}

#[test]
fn main_screen_with_the_log_focused_shows_the_operation_detail() {
    for size in SIZES {
        let mut a = main_screen(size);
        // The header says what this session wrote and deleted since DescribeTable's count.
        a.session.session_items = (150, 2);
        // Strong reads make the header longer: at 120 columns it drops the app's name.
        key(&mut a, 'c');
        press(&mut a, KeyCode::Tab);
        snapshot("log_detail", &a, size);
    }
}

/// What a killed generate looks like: a query of request 1 found 35 of its 50 records (the
/// Items title says which are missing, the Requests row is marked), and the scan, having read
/// past request 3 at the end of the table, counted 30 of its 50.
#[test]
fn incomplete_requests_are_marked() {
    for size in SIZES {
        let mut a = main_screen(size);
        let scan = job_id(&key(&mut a, 's'));
        let page = ScanPage {
            count: 10,
            scanned_count: 10,
            requests: vec![RequestSummary {
                request_id: rid(3),
                records: 10,
                record_count: Some(50),
                created_at: Some("2026-11-24T14:13:03.512Z".into()),
            }],
            last_evaluated_key: None,
            report: report("scan", "Scan", 10, 0.5, 0.0),
        };
        event(&mut a, scan, T0 + 6, EventKind::Scanned(page));
        let query = job_id(&key(&mut a, 'r'));
        let mut out = generated(&rid(1), 50);
        let kept = |seq: u32| !(10..15).contains(&seq) && seq < 40;
        out.sizes = (0..50).filter(|&s| kept(s)).map(|s| 348 + s % 3).collect();
        out.records.retain(|r| kept(r.seq));
        event(&mut a, query, T0 + 8, EventKind::Queried(out));
        snapshot("incomplete", &a, size);
    }
}

/// The log's operation column never cuts a number into another: a generate of 1×100,000
/// once read "generate 1×10000". Wide, the column widens; narrow, the cut shows an ellipsis.
#[test]
fn the_log_never_cuts_a_number_into_another() {
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, 'g');
        press(&mut a, KeyCode::Tab);
        press(&mut a, KeyCode::Backspace);
        press(&mut a, KeyCode::Backspace);
        for c in "100000".chars() {
            key(&mut a, c);
        }
        let id = job_id(&press(&mut a, KeyCode::Enter));
        let done = report("generate", "BatchWriteItem", 100_000, 0.0, 100_000.0);
        event(&mut a, id, T0 + 20, EventKind::Generated(done));
        let terminal = render(&a, size);
        let buffer = terminal.backend().buffer();
        let lines: Vec<String> = (0..size.1)
            .map(|y| (0..size.0).map(|x| buffer[(x, y)].symbol()).collect())
            .collect();
        let row = lines
            .iter()
            .find(|l| l.contains("BatchWriteItem×"))
            .expect("the generate's log row");
        let shown = if size.0 >= 120 {
            "generate 1×100,000 "
        } else {
            "generate 1×100,… "
        };
        assert!(row.contains(shown), "{size:?}: {row}");
    }
}

#[test]
fn generate_dialog_while_running() {
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, 'g');
        press(&mut a, KeyCode::Backspace);
        key(&mut a, '3');
        press(&mut a, KeyCode::Tab);
        press(&mut a, KeyCode::Backspace);
        press(&mut a, KeyCode::Backspace);
        key(&mut a, '5');
        key(&mut a, '0');
        let id = job_id(&press(&mut a, KeyCode::Enter));
        let planned = (4..=6)
            .map(|n| GeneratedRequest {
                request_id: rid(n),
                records: 50,
                created_at: "2026-11-24T14:14:00Z".into(),
            })
            .collect();
        event(&mut a, id, T0 + 10, EventKind::Planned(planned));
        let progress = BatchProgress {
            done: 75,
            total: 150,
            write_units: 75.0,
            retries: 1,
            throttled: 1,
            unprocessed_resent: 3,
            elapsed: Duration::from_millis(250),
        };
        event(&mut a, id, T0 + 10, EventKind::Progress(progress.into()));
        snapshot("generate_running", &a, size);
    }
}

/// One request of 10,000 records under the simulated on-demand limits: the chart rides its
/// partition key's 1,000 WCU/s line, with the seconds that saw throttles marked.
#[test]
fn generate_riding_the_simulated_limit() {
    for size in SIZES {
        let mut a = main_screen(size);
        a.session.limits =
            crate::limits::LimitsConfig::parse("on-demand", &[]).expect("a valid model");
        key(&mut a, 'g');
        press(&mut a, KeyCode::Tab);
        press(&mut a, KeyCode::Backspace);
        press(&mut a, KeyCode::Backspace);
        for c in "10000".chars() {
            key(&mut a, c);
        }
        let id = job_id(&press(&mut a, KeyCode::Enter));
        let planned = vec![GeneratedRequest {
            request_id: rid(7),
            records: 10_000,
            created_at: "2026-11-24T14:14:00Z".into(),
        }];
        event(&mut a, id, T0 + 10, EventKind::Planned(planned));
        // A burst over the first second, then the writer settles at the limit after throttles.
        let rates = [1900.0, 1100.0, 700.0, 1000.0, 980.0, 1010.0, 1000.0, 990.0];
        let throttles = [0, 3, 2, 0, 1, 0, 0, 0];
        let (mut units, mut throttled) = (0.0, 0);
        for (second, (rate, t)) in rates.iter().zip(throttles).enumerate() {
            units += rate;
            throttled += t;
            let progress = BatchProgress {
                done: units as u64,
                total: 10_000,
                write_units: units,
                retries: 0,
                throttled,
                unprocessed_resent: 0,
                elapsed: Duration::from_secs(second as u64 + 1),
            };
            let flow = crate::store::FlowProgress {
                progress,
                // Slow start reached 16 calls; from the first throttle on, the writer paces.
                in_flight_limit: 16,
                max_in_flight: 128,
                pace: (second >= 1).then_some(1_000.0),
            };
            event(&mut a, id, T0 + 11, EventKind::Progress(flow));
        }
        let job = a.session.long_job.as_ref().expect("running");
        assert_eq!(
            job.limit_wcu,
            Some(1000.0),
            "one key: its partition's limit"
        );
        snapshot("generate_limited", &a, size);
        // Done: the log's row and the Detail pane name the throttling reasons with counts.
        let mut done = report("generate", "BatchWriteItem", 10_000, 0.0, 10_000.0);
        done.throttled = 6;
        done.throttling_reasons = [("TableWriteKeyRangeThroughputExceeded".to_owned(), 6)]
            .into_iter()
            .collect();
        event(&mut a, id, T0 + 20, EventKind::Generated(done));
        while a.explore.focus != crate::tui::layout::Pane::Log {
            press(&mut a, KeyCode::Tab);
        }
        snapshot("generate_limited_done", &a, size);
    }
}

#[test]
fn generate_dialog_with_a_validation_message() {
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, 'g');
        press(&mut a, KeyCode::Backspace);
        key(&mut a, '0');
        press(&mut a, KeyCode::Enter);
        snapshot("generate_invalid", &a, size);
    }
}

#[test]
fn delete_confirmation() {
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, 'd');
        snapshot("confirm_delete", &a, size);
    }
}

#[test]
fn delete_while_running() {
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, 'D');
        let id = job_id(&key(&mut a, 'y'));
        let progress = BatchProgress {
            done: 25,
            total: 50,
            write_units: 25.0,
            retries: 0,
            throttled: 0,
            unprocessed_resent: 0,
            elapsed: Duration::from_millis(40),
        };
        event(&mut a, id, T0 + 30, EventKind::Progress(progress.into()));
        press(&mut a, KeyCode::Esc);
        snapshot("delete_running", &a, size);
    }
}

#[test]
fn help_overlay() {
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, '?');
        snapshot("help", &a, size);
    }
}

/// On a small terminal the overlay scrolls: End shows the last lines (the footnote).
#[test]
fn help_overlay_scrolled_to_the_end() {
    let size = (80, 24);
    let mut a = main_screen(size);
    key(&mut a, '?');
    press(&mut a, KeyCode::End);
    snapshot("help_end", &a, size);
}

#[test]
fn query_input_with_a_bad_id() {
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, '/');
        a.update(Msg::Paste("\n\n".into()));
        snapshot("query_input", &a, size);
    }
}

#[test]
fn error_state() {
    for size in SIZES {
        let mut a = main_screen(size);
        a.explore.focus = super::layout::Pane::Requests;
        key(&mut a, 'j');
        let query = job_id(&press(&mut a, KeyCode::Enter));
        event(
            &mut a,
            query,
            T0 + 20,
            EventKind::Failed(StoreError::Unreachable {
                endpoint: "http://127.0.0.1:8000".into(),
                detail: "connection refused".into(),
            }),
        );
        snapshot("error", &a, size);
    }
}

/// The tab bar on each screen, and the Labs and Cost screens themselves.
#[test]
fn each_screen_with_its_tab() {
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, '2');
        snapshot("labs", &a, size);
        key(&mut a, '3');
        snapshot("cost", &a, size);
        // Enter edits the field: the cursor, the pane's title and the hints say so.
        press(&mut a, KeyCode::Enter);
        snapshot("cost_editing", &a, size);
        press(&mut a, KeyCode::Esc);
        key(&mut a, '?');
        snapshot("cost_help", &a, size);
    }
}

/// A generate running behind another screen: the Explore tab is marked, the status says where.
#[test]
fn a_job_running_behind_another_screen() {
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, 'g');
        let id = job_id(&press(&mut a, KeyCode::Enter));
        let progress = BatchProgress {
            done: 4,
            total: 10,
            write_units: 4.0,
            retries: 0,
            throttled: 0,
            unprocessed_resent: 0,
            elapsed: Duration::from_millis(40),
        };
        event(&mut a, id, T0 + 10, EventKind::Progress(progress.into()));
        key(&mut a, '2');
        snapshot("job_behind_labs", &a, size);
    }
}

/// Under simulated limits the header says so and the generate dialog gives the least time.
#[test]
fn generate_dialog_under_simulated_limits() {
    for size in SIZES {
        let mut conn = conn();
        let limits = crate::limits::LimitsConfig::parse("on-demand", &[]).expect("valid");
        conn.limits = limits.label(false).to_string();
        let mut a = App::new(conn, size);
        a.session.limits = limits;
        key(&mut a, 'g');
        press(&mut a, KeyCode::Backspace);
        key(&mut a, '1');
        press(&mut a, KeyCode::Tab);
        press(&mut a, KeyCode::Backspace);
        press(&mut a, KeyCode::Backspace);
        for c in "10000".chars() {
            key(&mut a, c);
        }
        let terminal = render(&a, size);
        let text = format!("{:?}", terminal.backend());
        assert!(text.contains("at least"), "{text}");
        snapshot("generate_limits", &a, size);
    }
}

#[test]
fn too_small_terminals_say_so_and_never_panic() {
    let a = main_screen((120, 40));
    let terminal = render(&a, (20, 5));
    insta::assert_snapshot!("too_small_20x5", terminal.backend());
    for (w, h) in [
        (0, 0),
        (1, 1),
        (59, 40),
        (120, 15),
        (60, 16),
        (61, 17),
        (200, 60),
    ] {
        let mut a = main_screen((w, h));
        render(&a, (w, h));
        for k in ['g', '?', '/'] {
            key(&mut a, k);
            render(&a, (w, h));
            press(&mut a, KeyCode::Esc);
        }
        key(&mut a, 'd');
        render(&a, (w, h));
    }
}

#[test]
fn aws_is_shown_in_a_warning_colour() {
    let mut conn: ConnInfo = conn();
    conn.label = "AWS eu-west-1 (profile dev)".into();
    conn.is_aws = true;
    let a = App::new(conn, (120, 40));
    let terminal = render(&a, (120, 40));
    let buffer = terminal.backend().buffer();
    let line: String = (0..120)
        .map(|x| buffer[(x, 1)].symbol().to_owned())
        .collect();
    let x = line.find("AWS eu-west-1").expect("label shown") as u16;
    // The header (under the tabs) is ASCII before the label except the separators.
    let cell = (0..120)
        .map(|x| &buffer[(x, 1)])
        .find(|c| c.symbol() == "A")
        .expect("label cell");
    assert_eq!(
        cell.bg,
        Color::Yellow,
        "AWS label at column ~{x} is highlighted"
    );
}

/// Rough draw cost with 100,000 records loaded: only the visible rows are built.
/// `cargo test --lib tui::snapshot_tests::draw_time -- --ignored --nocapture`
#[test]
#[ignore = "timing, not a check: run by hand"]
fn draw_time_with_100000_records() {
    let mut a = main_screen((120, 40));
    let id = rid(1);
    let query = job_id(&key(&mut a, 'r'));
    let mut out = generated(&id, 100_000);
    out.records
        .iter_mut()
        .for_each(|r: &mut Record| r.record_count = 100_000);
    event(&mut a, query, T0, EventKind::Queried(out));
    key(&mut a, 'a');
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let frames = 200;
    let started = Instant::now();
    for i in 0..frames {
        // Move each frame so every draw renders a different window.
        press(
            &mut a,
            if i % 2 == 0 {
                KeyCode::PageDown
            } else {
                KeyCode::Down
            },
        );
        terminal.draw(|frame| view::draw(frame, &a)).expect("draws");
    }
    let per_frame = started.elapsed() / frames;
    println!("120x40 with 100,000 records: {per_frame:?} per draw ({frames} draws)");
    assert!(
        per_frame < Duration::from_millis(50),
        "{per_frame:?} per frame"
    );
}

/// The Labs screen with `reads` run: the list, the variants table, the bar chart and the
/// conclusion; and with a lab running.
#[test]
fn labs_with_a_result_and_with_a_lab_running() {
    use super::app::labs::tests::reads_result;
    use crate::labs::{LabId, LabProgress};
    for size in SIZES {
        let mut a = main_screen(size);
        key(&mut a, '2');
        let id = job_id(&press(&mut a, KeyCode::Enter));
        event(
            &mut a,
            id,
            T0 + 5,
            EventKind::LabDone(Ok(Box::new(reads_result()))),
        );
        snapshot("labs_result", &a, size);
        key(&mut a, 'j');
        let id = job_id(&press(&mut a, KeyCode::Enter));
        let step = LabProgress {
            lab: LabId::QueryVsScan,
            step: "scan 50".into(),
        };
        event(&mut a, id, T0 + 6, EventKind::LabStep(step));
        key(&mut a, 'k');
        snapshot("labs_running", &a, size);
    }
}

/// A TTL sweep's log row (free: the totals do not move) and, once the clock of the worker's
/// events is past the records' `expires_at`, the Items pane marking them expired.
#[test]
fn ttl_expired_items_and_the_sweep_s_log_row() {
    use crate::ttl::SweepReport;
    for size in SIZES {
        let mut a = main_screen(size);
        let expired = Ok(SweepReport {
            deleted: 1_000,
            elapsed: Duration::from_millis(40),
        });
        // The generated records expire at 1_766_592_000 (super::app::explore::tests::records).
        event(
            &mut a,
            JobId::BACKGROUND,
            1_766_592_030,
            EventKind::TtlSwept(expired),
        );
        snapshot("ttl_expired", &a, size);
    }
}

// ----- any table: the picker, and Explore on a table of another key schema -----

mod any_table {
    use std::collections::HashMap;

    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;
    use crate::table::value::Item;
    use crate::table::{IndexDesc, KeyAttr, ReadOutput, TableDesc};

    fn key(name: &str, kind: &str, role: &str) -> KeyAttr {
        KeyAttr {
            name: name.into(),
            kind: kind.into(),
            role: role.into(),
        }
    }

    fn orders() -> TableDesc {
        TableDesc {
            name: "orders".into(),
            status: "ACTIVE".into(),
            key_schema: vec![key("pk", "S", "HASH"), key("sk", "N", "RANGE")],
            billing_mode: "PAY_PER_REQUEST".into(),
            item_count: 1_000_000,
            size_bytes: 412_000_000,
            gsis: vec![IndexDesc {
                name: "by_status".into(),
                key_schema: vec![key("status", "S", "HASH"), key("sk", "N", "RANGE")],
                projection: "KEYS_ONLY".into(),
            }],
            lsis: vec![],
            ttl_attribute: Some("expires".into()),
        }
    }

    fn item(pk: &str, sk: u32) -> Item {
        let mut i = HashMap::from([
            ("pk".to_owned(), AttributeValue::S(pk.into())),
            ("sk".to_owned(), AttributeValue::N(sk.to_string())),
            (
                "status".to_owned(),
                AttributeValue::S(if sk.is_multiple_of(3) { "open" } else { "done" }.into()),
            ),
            (
                "total".to_owned(),
                AttributeValue::N(format!("{}.50", sk * 10)),
            ),
        ]);
        if sk.is_multiple_of(2) {
            i.insert(
                "note with spaces 🙂".into(),
                AttributeValue::L(vec![AttributeValue::Bool(true), AttributeValue::Null(true)]),
            );
        }
        i
    }

    fn read(items: Vec<Item>, more: bool) -> ReadOutput {
        ReadOutput {
            count: items.len() as u64,
            scanned_count: items.len() as u64,
            pages: 1,
            last_evaluated_key: more.then(|| item("c-2", 3)),
            segments: 1,
            report: report("scan", "Scan", items.len() as u64, 1.5, 0.0),
            items,
        }
    }

    /// Explore on `orders`: a scan page found two partitions, c-1 queried (items 2 selected).
    fn explore(size: (u16, u16)) -> App {
        let mut a = App::new(conn(), size);
        a.explore.table = Some(orders());
        a.session.conn.table = "orders".into();
        let scan = job_id(&a.init());
        let page: Vec<Item> = (1..=4)
            .map(|s| item("c-1", s))
            .chain((1..=3).map(|s| item("c-2", s)))
            .collect();
        event(
            &mut a,
            scan,
            T0,
            EventKind::ReadAny(Box::new(read(page, true))),
        );
        let q = job_id(&press(&mut a, KeyCode::Enter));
        let mut out = read((1..=4).map(|s| item("c-1", s)).collect(), false);
        out.report = report("query", "Query", 4, 0.5, 0.0);
        event(&mut a, q, T0 + 1, EventKind::ReadAny(Box::new(out)));
        press(&mut a, KeyCode::Down);
        press(&mut a, KeyCode::Char(' '));
        a
    }

    #[test]
    fn explore_on_a_table_of_another_key_schema() {
        for size in SIZES {
            let a = explore(size);
            let text = format!("{:?}", render(&a, size).backend());
            assert!(text.contains("c-1") && text.contains("total"), "{text}");
            snapshot("any_explore", &a, size);
        }
    }

    /// A query that fills the Items pane on a terminal too narrow for every column: the
    /// columns left out are named in the bottom border, and the last row is still a row.
    #[test]
    fn columns_that_do_not_fit_are_named_in_the_border_not_over_a_row() {
        let size = (70, 24);
        let mut a = App::new(conn(), size);
        a.explore.table = Some(orders());
        a.session.conn.table = "orders".into();
        let scan = job_id(&a.init());
        let page: Vec<Item> = (1..=40).map(|s| item("c-1", s)).collect();
        event(
            &mut a,
            scan,
            T0,
            EventKind::ReadAny(Box::new(read(page.clone(), false))),
        );
        let q = job_id(&press(&mut a, KeyCode::Enter));
        event(
            &mut a,
            q,
            T0 + 1,
            EventKind::ReadAny(Box::new(read(page, false))),
        );
        let buffer = render(&a, size).backend().buffer().clone();
        let lines: Vec<String> = (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect()
            })
            .collect();
        let border = lines
            .iter()
            .position(|l| l.contains("more attribute(s) in Detail"))
            .unwrap_or_else(|| panic!("the hidden columns are named:\n{}", lines.join("\n")));
        assert!(
            lines[border].contains('─') || lines[border].contains('━'),
            "in the bottom border:\n{}",
            lines.join("\n")
        );
        assert!(
            lines[border - 1].contains("c-1"),
            "the row above the border is an item:\n{}",
            lines.join("\n")
        );
    }

    #[test]
    fn the_table_picker() {
        for size in SIZES {
            let mut a = explore(size);
            let list = job_id(&press(&mut a, KeyCode::Char('t')));
            let mut requests = orders();
            requests.name = "requests".into();
            requests.key_schema = vec![key("request_id", "S", "HASH"), key("seq", "N", "RANGE")];
            requests.gsis.clear();
            requests.item_count = 1234;
            let names = vec!["orders".to_owned(), "requests".to_owned()];
            // The names at once; the details as DescribeTable answers.
            let describe = job_id(&event(&mut a, list, T0 + 2, EventKind::TableNames(names)));
            let text = format!("{:?}", render(&a, size).backend());
            assert!(
                text.contains("describing") && text.contains("requests"),
                "{text}"
            );
            event(
                &mut a,
                describe,
                T0 + 2,
                EventKind::Tables(vec![orders(), requests]),
            );
            snapshot("any_picker", &a, size);
            // Typing filters; Enter opens the table shown.
            for c in "req".chars() {
                press(&mut a, KeyCode::Char(c));
            }
            let (_, job) = started(&press(&mut a, KeyCode::Enter));
            assert_eq!(job, crate::tui::msg::Job::UseTable("requests".into()));
        }
    }

    #[test]
    fn ten_thousand_attributes_and_huge_items_draw_without_a_panic() {
        let mut a = explore((80, 24));
        let table = orders();
        // A sparse table: each item has its own 100 of 10,000 attributes; one item of 390 KB.
        let items: Vec<Item> = (0..100u32)
            .map(|i| {
                let mut it = item("c-1", i);
                for j in 0..100u32 {
                    it.insert(
                        format!("attr {} 🙂", i * 100 + j),
                        AttributeValue::N(j.to_string()),
                    );
                }
                if i == 0 {
                    it.insert("blob".into(), AttributeValue::S("x".repeat(390_000)));
                }
                it
            })
            .collect();
        a.explore.any.load(
            &table,
            crate::table::items::Items::from_items(items),
            "sparse".into(),
        );
        assert!(a.explore.any.columns.len() <= crate::tui::app::explore::any::MAX_COLUMNS);
        assert_eq!(&a.explore.any.columns[..2], ["pk", "sk"], "keys first");
        for size in SIZES {
            let text = format!("{:?}", render(&a, size).backend());
            assert!(text.contains("Items (100)"), "{text}");
        }
    }

    #[test]
    fn on_aws_a_delete_needs_the_table_name_typed_and_read_only_refuses_it() {
        let mut a = explore((120, 40));
        a.session.conn.is_aws = true;
        press(&mut a, KeyCode::Char('d'));
        // y is text here, not a yes: nothing starts until the name is typed and Enter.
        assert!(press(&mut a, KeyCode::Char('y')).is_empty());
        assert!(
            press(&mut a, KeyCode::Enter).is_empty(),
            "a wrong name deletes nothing"
        );
        press(&mut a, KeyCode::Backspace);
        for c in "orders".chars() {
            assert!(press(&mut a, KeyCode::Char(c)).is_empty());
        }
        let (_, job) = started(&press(&mut a, KeyCode::Enter));
        assert!(matches!(job, crate::tui::msg::Job::DeleteAny(keys) if keys.len() == 1));

        let mut ro = explore((120, 40));
        ro.session.read_only = true;
        assert!(press(&mut ro, KeyCode::Char('d')).is_empty());
        assert!(
            ro.explore.modal.is_none(),
            "no confirmation under --read-only"
        );
        assert!(!ro.hints().0.contains("delete"), "{}", ro.hints().0);
    }

    #[test]
    fn e_exports_the_loaded_items_and_says_where() {
        let mut a = explore((120, 40));
        let (id, job) = started(&press(&mut a, KeyCode::Char('e')));
        assert!(
            matches!(&job, crate::tui::msg::Job::ExportLoaded { table, items } if table == "orders" && items.len() == 4),
            "{job:?}"
        );
        event(
            &mut a,
            id,
            T0 + 5,
            EventKind::Exported("/tmp/orders-1.jsonl".into(), 4, 400),
        );
        let text = format!("{:?}", render(&a, (120, 40)).backend());
        assert!(
            text.contains("exported 4 item(s) to /tmp/orders-1.jsonl"),
            "{text}"
        );
    }
}

/// Screen 4 with a statement typed (its plan said before it runs), and the status line's
/// gauge of a whole-table export.
#[test]
fn sql_screen_and_the_export_gauge() {
    use crate::table::{KeyAttr, TableDesc};
    let k = |name: &str, kind: &str, role: &str| KeyAttr {
        name: name.into(),
        kind: kind.into(),
        role: role.into(),
    };
    let requests = TableDesc {
        name: "requests".into(),
        status: "ACTIVE".into(),
        key_schema: vec![k("request_id", "S", "HASH"), k("seq", "N", "RANGE")],
        billing_mode: "PAY_PER_REQUEST".into(),
        item_count: 150,
        size_bytes: 52_000,
        gsis: vec![],
        lsis: vec![],
        ttl_attribute: Some("expires_at".into()),
    };
    for size in SIZES {
        let mut a = main_screen(size);
        a.sql.tables.insert("requests".into(), requests.clone());
        key(&mut a, '4');
        for c in "SELECT * FROM requests WHERE customer_id = 'customer-00001'".chars() {
            key(&mut a, c);
        }
        snapshot("sql", &a, size);
        press(&mut a, KeyCode::Esc);
        key(&mut a, '1');
        a.session.export = Some(crate::tui::app::session::ExportGauge {
            id: JobId(99),
            table: "requests".into(),
            expected: 200_000,
            items: 84_000,
            pages: 84,
            rcu: 1_050.0,
            cancelling: false,
        });
        snapshot("export_gauge", &a, size);
        // An error the user has not acted on stays readable under the gauge.
        a.session.error("the statement failed: ValidationException");
        let text = format!("{:?}", render(&a, size).backend());
        assert!(
            text.contains("error: the statement failed: ValidationException"),
            "{text}"
        );
    }
}
