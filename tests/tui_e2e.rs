//! End to end: the real binary in a pseudo-terminal (120x40) on a temporary SQLite file.
//! Generate 3 requests x 50 records, query one found on screen, select two items, delete
//! them, quit; then check the terminal was restored and, with the library, that the file
//! holds exactly the 148 records left.
//!
//! Every step waits for the screen to show its result (polling, with a deadline), never for
//! a fixed time.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use dynamo_explorer::backend::{DbLocation, EmbeddedServer, local_client};
use dynamo_explorer::schema::{DEFAULT_TABLE_NAME, RequestId};
use dynamo_explorer::store::{QueryOptions, ScanOptions, Store};
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// Longest wait for one step: a debug build on 2 busy cores can be slow to start.
const STEP: Duration = Duration::from_secs(20);

/// What the pty has printed: parsed into a screen, and the raw bytes.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

struct Tui {
    output: Arc<Mutex<Output>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
}

impl Tui {
    fn start(db: &Path) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_dynamo-explorer"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("AWS_ENDPOINT_URL_DYNAMODB");
        cmd.env("NO_COLOR", "1");
        let child = pty.slave.spawn_command(cmd).expect("binary starts");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(
                NonZeroU16::new(ROWS).expect("rows"),
                NonZeroU16::new(COLS).expect("cols"),
                0,
            ),
            raw: Vec::new(),
        }));
        let sink = Arc::clone(&output);
        thread::spawn(move || {
            // Keeps the master alive as long as the reader needs it.
            let _master = pty.master;
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut out = sink.lock().expect("output lock");
                        out.parser.process(&buf[..n]);
                        out.raw.extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Tui {
            output,
            writer,
            child,
        }
    }

    fn screen(&self) -> String {
        self.output
            .lock()
            .expect("output lock")
            .parser
            .screen()
            .contents()
    }

    fn raw_len(&self) -> usize {
        self.output.lock().expect("output lock").raw.len()
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("keys sent");
        self.writer.flush().expect("keys flushed");
    }

    /// Waits until the screen satisfies `ok`; panics with the screen after [`STEP`].
    fn wait_for(&mut self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + STEP;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the app exited ({status:?}) while waiting for {what}; screen:\n{screen}");
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            thread::sleep(Duration::from_millis(2));
        }
    }

    fn wait_text(&mut self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }
}

/// The first UUID on a line, if any.
fn uuid_in(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    (0..bytes.len().saturating_sub(35)).find_map(|i| {
        let candidate = line.get(i..i + 36)?;
        let ok = candidate.char_indices().all(|(j, c)| match j {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
        ok.then_some(candidate)
    })
}

#[test]
fn generate_query_select_delete_quit_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("e2e.db");
    let mut tui = Tui::start(&db);

    // Startup: one scan page of an empty table.
    tui.wait_text("end of table: empty");

    // Keys are handled as they arrive, not at the next render tick (250 ms): a regression
    // here once made every key wait for the tick.
    let mut latencies = Vec::new();
    for _ in 0..7 {
        let pressed = Instant::now();
        tui.send("?");
        tui.wait_text("Keys (Esc or ? closes)");
        latencies.push(pressed.elapsed());
        tui.send("\x1b");
        tui.wait_for("help closed", |s| !s.contains("Keys (Esc or ? closes)"));
    }
    latencies.sort();
    assert!(
        latencies[3] < Duration::from_millis(120),
        "median key-to-screen latency {:?} (all: {latencies:?})",
        latencies[3]
    );

    // Generate 3 requests x 50 records: each field opens at its default, cursor at its end.
    tui.send("g");
    tui.wait_text("Generate requests");
    tui.send("\x7f3\t\x7f\x7f50");
    tui.wait_text("150 records of");
    tui.send("\r");
    tui.wait_text("wrote 150 records in 3 request(s)");

    // The new ids are listed first, the first highlighted; take it from the Requests pane.
    let screen = tui.wait_text("Requests (3)");
    let ids: Vec<String> = screen
        .lines()
        .skip(3)
        .filter_map(|line| uuid_in(line.get(..56).unwrap_or(line)))
        .map(str::to_owned)
        .collect();
    assert_eq!(ids.len(), 3, "three request ids listed:\n{screen}");
    let chosen = ids[0].clone();

    // Enter queries it: the Items pane fills and the log shows the read.
    tui.send("\r");
    let screen = tui.wait_text("50 records in 1 page(s)");
    assert!(screen.contains(&format!("Items {chosen}")), "{screen}");
    assert!(screen.contains("Query×1"), "the query is logged:\n{screen}");

    // Select seq 1 and seq 3.
    tui.send("j jj ");
    tui.wait_text("2 selected");
    tui.send("d");
    let screen = tui.wait_text("Delete 2 selected items");
    assert!(screen.contains("About 2 WCU"), "{screen}");
    tui.send("y");
    let screen = tui.wait_text("re-read: 48 records left");
    assert!(screen.contains("deleted 2 items: 2 WCU"), "{screen}");
    assert!(screen.contains("48 records · 0 selected"), "{screen}");

    // Quit: the terminal is put back.
    let before_quit = tui.raw_len();
    tui.send("q");
    let deadline = Instant::now() + STEP;
    let status = loop {
        if let Some(status) = tui.child.try_wait().expect("child status") {
            break status;
        }
        assert!(Instant::now() < deadline, "the app did not exit after q");
        thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    // Give the reader thread a moment to drain what the app printed last.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let out = tui.output.lock().expect("output lock");
        let after = &out.raw[before_quit.min(out.raw.len())..];
        let restored = contains(after, b"\x1b[?1049l") && contains(after, b"\x1b[?25h");
        if restored || Instant::now() > deadline {
            assert!(contains(after, b"\x1b[?1049l"), "left the alternate screen");
            assert!(contains(after, b"\x1b[?25h"), "showed the cursor");
            assert!(
                contains(after, b"\x1b[?2004l"),
                "turned bracketed paste off"
            );
            let screen = out.parser.screen();
            assert!(!screen.alternate_screen());
            assert!(!screen.hide_cursor());
            assert!(!screen.bracketed_paste());
            assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
            break;
        }
        drop(out);
        thread::sleep(Duration::from_millis(50));
    }

    // The data, read back with the library from the same file.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let server = EmbeddedServer::start(
            &DbLocation::File(db.clone()),
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        )
        .await
        .expect("the file opens again");
        let store = Store::new(
            local_client(&server.url()),
            DEFAULT_TABLE_NAME,
            &server.url(),
        )
        .expect("store");
        let mut total = 0;
        let mut start = None;
        loop {
            let page = store
                .scan_page(&ScanOptions {
                    limit: None,
                    start,
                    consistent: true,
                })
                .await
                .expect("scan");
            total += page.count;
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        assert_eq!(total, 148, "150 written, 2 deleted");
        let out = store
            .query_request(
                &RequestId::parse(&chosen).expect("id"),
                &QueryOptions {
                    consistent: true,
                    page_size: None,
                    parallel: 1,
                },
            )
            .await
            .expect("query");
        let seqs: Vec<u32> = out.records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs.len(), 48);
        assert!(!seqs.contains(&1) && !seqs.contains(&3), "{seqs:?}");
        assert!(seqs.contains(&0) && seqs.contains(&2) && seqs.contains(&49));
        server.stop().await;
    });
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
