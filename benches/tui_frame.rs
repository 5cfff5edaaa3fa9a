//! Frame time of the TUI with 100,000 records loaded, at 120x40, on ratatui's TestBackend;
//! and of the Labs tab showing a result (table, bar chart, conclusion) while another lab runs.
//! `cargo bench --bench tui_frame`. Goal: under 2 ms a frame (the Items pane renders only
//! its visible window, whatever the number of records).

use std::hint::black_box;

use std::time::Instant;

use criterion::{Criterion, criterion_group};
use crossterm::event::KeyCode;
use dynamo_explorer::labs::{Chart, LabId, LabProgress, LabResult, Scale, Variant};
use dynamo_explorer::request::schema::{Record, RequestId};
use dynamo_explorer::store::{Capacity, OpReport, QueryOutput, TableInfo};
use dynamo_explorer::tui::app::{App, ConnInfo};
use dynamo_explorer::tui::driver::{event, press, started, typed};
use dynamo_explorer::tui::msg::EventKind;
use dynamo_explorer::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const RECORDS: u32 = 100_000;

/// The app at 120x40 on a table said to hold `n` records, started.
fn started_app(n: u32) -> App {
    let table = TableInfo {
        name: "requests".into(),
        status: "ACTIVE".into(),
        key_schema: "request_id (S, HASH) + seq (N, RANGE)".into(),
        billing_mode: "PAY_PER_REQUEST".into(),
        item_count: i64::from(n),
        size_bytes: i64::from(n) * 350,
        created: false,
    };
    let mut app = App::new(
        ConnInfo::new("embedded (in memory)", false, &table),
        (120, 40),
    );
    let _ = app.init();
    app
}

/// The app after querying a request of `n` records (200-byte payloads, like `generate`).
pub fn loaded_app(n: u32) -> App {
    let mut app = started_app(n);
    let id = RequestId::new_random();
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, id.as_str());
    let (job, _) = started(&press(&mut app, KeyCode::Enter));
    let mut rng = fastrand::Rng::with_seed(1);
    let records: Vec<Record> = (0..n)
        .map(|seq| Record {
            request_id: id.clone(),
            seq,
            created_at: "2026-11-24T14:13:03.512Z".into(),
            customer_id: "customer-00001".into(),
            record_count: n,
            payload: (0..200).map(|_| rng.alphanumeric()).collect(),
            expires_at: 1_766_585_583,
        })
        .collect();
    let out = QueryOutput {
        request_id: id,
        sizes: vec![348; n as usize],
        count: u64::from(n),
        scanned_count: u64::from(n),
        pages: 35,
        records,
        report: OpReport::new("query"),
    };
    event(&mut app, job, 0, EventKind::Queried(out));
    app
}

/// A `partition-key` result's shape (two variants, six bars, a long conclusion); the numbers
/// only have to be drawn, not true.
fn partition_key_result() -> LabResult {
    let variant = |name: &str, ms: u64, throttled: u64| Variant {
        name: name.into(),
        calls: 100,
        items: 900,
        write_units: 3_600.0,
        elapsed_ms: ms,
        throttled,
        ..Variant::default()
    };
    let bars = ["customer-00001", "customer-00002", "customer-00003"]
        .into_iter()
        .zip([3_200.0, 200.0, 200.0])
        .chain(
            ["request #1", "request #2", "request #3"]
                .into_iter()
                .zip([200.0; 3]),
        )
        .map(|(l, v)| (l.to_owned(), v))
        .collect();
    LabResult {
        name: LabId::PartitionKey.name(),
        question: LabId::PartitionKey.question(),
        scale: Scale::Small,
        variants: vec![
            variant("keyed by customer id", 2_300, 20),
            variant("keyed by request id", 400, 0),
        ],
        conclusion: "Keyed by customer id, customer-00001 alone took 3,200 of the 3,600 WCU. "
            .repeat(6),
        chart: Chart {
            title: "WCU per partition key".into(),
            bars,
        },
        spent: Capacity::default(),
    }
}

/// The Labs tab: `partition-key`'s result on screen while `gsi` runs.
pub fn labs_app() -> App {
    let mut app = started_app(0);
    press(&mut app, KeyCode::Char('2'));
    let at = |app: &App, lab| LabId::ALL.iter().position(|l| *l == lab) != Some(app.labs.selected);
    while at(&app, LabId::PartitionKey) {
        press(&mut app, KeyCode::Down);
    }
    let (job, _) = started(&press(&mut app, KeyCode::Enter));
    let result = Ok(Box::new(partition_key_result()));
    event(&mut app, job, 0, EventKind::LabDone(result));
    press(&mut app, KeyCode::Down);
    let (job, _) = started(&press(&mut app, KeyCode::Enter));
    let step = LabProgress {
        lab: LabId::Gsi,
        step: "write KEYS_ONLY GSI".into(),
    };
    event(&mut app, job, 1, EventKind::LabStep(step));
    press(&mut app, KeyCode::Up);
    app
}

fn frames(c: &mut Criterion) {
    let mut app = loaded_app(RECORDS);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let screen = |t: &Terminal<TestBackend>| format!("{:?}", t.backend().buffer());
    terminal.draw(|f| view::draw(f, &app)).expect("draws");
    assert!(
        screen(&terminal).contains("99999") || screen(&terminal).contains("100000"),
        "the items are loaded"
    );

    c.bench_function("frame 120x40, 100k records, top", |b| {
        b.iter(|| {
            terminal
                .draw(|f| view::draw(f, black_box(&app)))
                .map(|_| ())
        })
    });
    press(&mut app, KeyCode::End);
    c.bench_function("frame 120x40, 100k records, end", |b| {
        b.iter(|| {
            terminal
                .draw(|f| view::draw(f, black_box(&app)))
                .map(|_| ())
        })
    });
    // Scrolling: a key press and the frame it causes.
    c.bench_function("PgUp + frame, 100k records", |b| {
        b.iter(|| {
            press(&mut app, KeyCode::PageUp);
            terminal
                .draw(|f| view::draw(f, black_box(&app)))
                .map(|_| ())
        })
    });

    let labs = labs_app();
    terminal.draw(|f| view::draw(f, &labs)).expect("draws");
    let text = screen(&terminal);
    assert!(
        text.contains("keyed by customer id") && text.contains("running: write KEYS_ONLY GSI"),
        "a result shown while a lab runs"
    );
    c.bench_function("frame 120x40, Labs: a result while a lab runs", |b| {
        b.iter(|| {
            terminal
                .draw(|f| view::draw(f, black_box(&labs)))
                .map(|_| ())
        })
    });
}

/// Median and 99th percentile of 500 frames of `app`, in ms.
fn frame_times(terminal: &mut Terminal<TestBackend>, app: &App) -> (f64, f64) {
    let mut times: Vec<f64> = (0..500)
        .map(|_| {
            let started = Instant::now();
            terminal
                .draw(|f| view::draw(f, black_box(app)))
                .expect("draws");
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[250], times[495])
}

/// Lines against the goal, for benches/run's summary: the median of 500 frames, scrolled to
/// the middle of the records; and of the Labs tab with a result while a lab runs.
fn goal_line() {
    let mut app = loaded_app(RECORDS);
    for _ in 0..(RECORDS / 2 / 30) {
        press(&mut app, KeyCode::PageDown);
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let (median, p99) = frame_times(&mut terminal, &app);
    println!(
        "TUI frame 120x40 with 100,000 records loaded: median {median:.3} ms, p99 {p99:.3} ms (goal < 2 ms)"
    );
    let (median, p99) = frame_times(&mut terminal, &labs_app());
    println!(
        "TUI frame 120x40, Labs tab with a result while a lab runs: median {median:.3} ms, p99 {p99:.3} ms (goal < 2 ms)"
    );
}

criterion_group!(benches, frames);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo test --benches` runs benches without --bench: no summary there.
    if std::env::args().any(|a| a == "--bench") {
        goal_line();
    }
}
