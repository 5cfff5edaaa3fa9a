//! The real binary in a pseudo-terminal (120x40): start-up time to the first frame on the
//! embedded engine, and the memory (RSS) the app holds with 100,000 records loaded.
//! `cargo bench --bench tui_process`. Goals: first frame under 200 ms; under 150 MB RSS.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dynamo_explorer::backend::{DbLocation, EmbeddedServer, local_client};
use dynamo_explorer::generate::build_records;
use dynamo_explorer::schema::{DEFAULT_TABLE_NAME, RequestId};
use dynamo_explorer::store::{BatchProgress, CancellationToken, Store, TableCheck, WriteOptions};
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

struct Tui {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
}

impl Tui {
    fn start(db: &Path) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_dynamo-explorer"));
        cmd.args([
            "--db".as_ref(),
            db.as_os_str(),
            "--log-file".as_ref(),
            db.with_extension("log").as_os_str(),
        ]);
        cmd.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(cmd).expect("binary starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let rows = NonZeroU16::new(40).expect("rows");
        let cols = NonZeroU16::new(120).expect("cols");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let _master = pty.master;
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("screen").process(&buf[..n]);
            }
        });
        Tui {
            screen,
            writer,
            child,
        }
    }

    fn wait_for(&self, what: &str, deadline: Duration) -> Duration {
        let start = Instant::now();
        loop {
            if self
                .screen
                .lock()
                .expect("screen")
                .screen()
                .contents()
                .contains(what)
            {
                return start.elapsed();
            }
            assert!(start.elapsed() < deadline, "never saw {what:?}");
            std::thread::sleep(Duration::from_micros(500));
        }
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("keys");
        self.writer.flush().expect("flush");
    }

    fn rss_mb(&mut self) -> f64 {
        let pid = self.child.process_id().expect("pid");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .expect("VmRSS");
        kb / 1024.0
    }

    fn quit(mut self) {
        self.send("q");
        let _ = self.child.wait();
    }
}

/// A database file holding one request of `n` records.
fn database(path: &Path, n: u32) -> RequestId {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let server = EmbeddedServer::start(
            &DbLocation::File(path.to_path_buf()),
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        )
        .await
        .expect("engine");
        let store = Store::new(
            local_client(&server.url()),
            DEFAULT_TABLE_NAME,
            &server.url(),
        )
        .expect("store");
        store
            .ensure_table(&TableCheck::CreateIfMissing)
            .await
            .expect("table");
        let (ids, records) = build_records(&[n], 200, &mut fastrand::Rng::with_seed(1));
        let progress = |_: BatchProgress| {};
        store
            .write_records(
                records,
                WriteOptions::default(),
                &progress,
                &CancellationToken::new(),
            )
            .await
            .expect("written");
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
            let tui = Tui::start(&small);
            tui.wait_for("Requests", Duration::from_secs(20));
            let t = started.elapsed();
            tui.quit();
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
    let mut tui = Tui::start(&big);
    tui.wait_for("Requests", Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(500));
    let before = tui.rss_mb();
    tui.send("/");
    tui.send(id.as_str());
    tui.send("\r");
    let took = tui.wait_for("100000 records in", Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(500));
    let after = tui.rss_mb();
    tui.quit();
    println!(
        "TUI memory with 100,000 records loaded: {after:.1} MB RSS ({before:.1} MB before the query; \
         query + load {:.2} s) (goal < 150 MB)",
        took.as_secs_f64()
    );
}
