//! The real binary in a pseudo-terminal (120x40): start-up time to the first frame on the
//! embedded engine, and the memory (RSS) the app holds with 100,000 records loaded.
//! `cargo bench --bench tui_process`. Goals: first frame under 200 ms; under 150 MB RSS.

#[path = "../tests/it/common/embedded.rs"]
mod embedded;
#[allow(dead_code)]
#[path = "../tests/it/common/pty.rs"]
mod pty;
#[allow(dead_code)]
#[path = "../tests/it/common/spawn.rs"]
mod spawn;

use std::path::Path;
use std::time::{Duration, Instant};

use dynamo_explorer::request::generate::build_records;
use dynamo_explorer::request::schema::RequestId;
use dynamo_explorer::store::TableCheck;
use pty::{Pty, Size};

/// The app on the SQLite file `db`, 120x40, logging beside it.
fn start(db: &Path) -> Pty {
    let log = db.with_extension("log");
    Pty::spawn(
        [
            "--db".as_ref(),
            db.as_os_str(),
            "--log-file".as_ref(),
            log.as_os_str(),
        ],
        Size::LARGE,
    )
}

/// Resident memory of the app now, in MB.
fn rss_mb(app: &Pty) -> f64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", app.pid())).expect("proc status");
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS");
    kb / 1024.0
}

/// Quits with `q` and waits for the exit.
fn quit(mut app: Pty) {
    app.send("q");
    app.wait_exit(Duration::from_secs(20));
}

/// A database file holding one request of `n` records.
fn database(path: &Path, n: u32) -> RequestId {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let (server, store) = embedded::file_store(path).await;
        store
            .ensure_table(&TableCheck::CreateIfMissing)
            .await
            .expect("table");
        let (ids, records) = build_records(&[n], 200, &mut fastrand::Rng::with_seed(1));
        embedded::write_all(&store, records).await;
        server.stop().await;
        ids[0].clone()
    })
}

fn main() {
    // `cargo test --benches` runs benches with no --bench flag: skip the slow part there.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");

    // Start-up: launch to the first frame showing the panes, on an existing small database.
    let small = dir.path().join("small.db");
    database(&small, 10);
    let mut startup: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            let mut tui = start(&small);
            tui.wait_for("Requests", Duration::from_secs(20));
            let t = started.elapsed();
            quit(tui);
            t
        })
        .collect();
    startup.sort();
    println!(
        "TUI start-up to first frame (embedded, 10 runs): median {:.0} ms, min {:.0} ms, max {:.0} ms (goal < 200 ms)",
        startup[5].as_secs_f64() * 1e3,
        startup[0].as_secs_f64() * 1e3,
        startup[9].as_secs_f64() * 1e3
    );

    // Memory: RSS before and after loading 100,000 records into the Items pane.
    let big = dir.path().join("big.db");
    let id = database(&big, 100_000);
    let mut tui = start(&big);
    tui.wait_for("Requests", Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(500));
    let before = rss_mb(&tui);
    tui.send("/");
    tui.send(id.as_str());
    tui.send("\r");
    let query_started = Instant::now();
    tui.wait_for("100000 records in", Duration::from_secs(60));
    let took = query_started.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let after = rss_mb(&tui);
    quit(tui);
    println!(
        "TUI memory with 100,000 records loaded: {after:.1} MB RSS ({before:.1} MB before the query; \
         query + load {:.2} s) (goal < 150 MB)",
        took.as_secs_f64()
    );
}
