//! End to end: the real binary in a pseudo-terminal (120x40) on a temporary SQLite file.
//! Generate 3 requests x 50 records, query one found on screen, select two items, delete
//! them, quit; then check the terminal was restored and, with the library, that the file
//! holds exactly the 148 records left.
//!
//! Also the Labs tab: run `reads` on the in-memory engine and see its table and chart.
//!
//! Every step waits for the screen to show its result (polling, with a deadline), never for
//! a fixed time.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::embedded;
use crate::common::pty::{self, Pty, Size};
use dynamo_explorer::request::schema::RequestId;
use dynamo_explorer::store::{QueryOptions, ScanOptions};

/// Longest wait for one step: a debug build on 2 busy cores can be slow to start.
const STEP: Duration = Duration::from_secs(20);

/// The app on the SQLite file `db`, 120x40, without colours.
fn start(db: &Path) -> Pty {
    let mut cmd = pty::command(["--db".as_ref(), db.as_os_str()]);
    cmd.env("NO_COLOR", "1");
    Pty::spawn_command(cmd, Size::LARGE)
}

/// Generates 3 requests x 50 records with the dialog: each field opens at its default,
/// cursor at its end.
fn generate_3x50(tui: &mut Pty) {
    tui.send("g");
    tui.wait_for("Generate requests", STEP);
    tui.send("\x7f3\t\x7f\x7f50");
    tui.wait_for("150 records of", STEP);
    tui.send("\r");
    tui.wait_for("wrote 150 records in 3 request(s)", STEP);
}

/// The app on the in-memory engine, 120x40, without colours, with `env` set.
fn start_memory(env: &[(&str, &std::ffi::OsStr)], cwd: Option<&Path>) -> Pty {
    let mut cmd = pty::command(["--memory"]);
    cmd.env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(dir) = cwd {
        cmd.cwd(dir);
    }
    let mut tui = Pty::spawn_command(cmd, Size::LARGE);
    tui.wait_for("end of table: empty", STEP);
    tui.settle = Duration::from_millis(30);
    tui
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
    let mut tui = start(&db);

    // Startup: one scan page of an empty table.
    tui.wait_for("end of table: empty", STEP);

    // Keys are handled as they arrive, not at the next render tick (250 ms): a regression
    // here once made every key wait for the tick.
    let mut latencies = Vec::new();
    for _ in 0..7 {
        let pressed = Instant::now();
        tui.send("?");
        tui.wait_for("Keys (Esc or ? closes)", STEP);
        latencies.push(pressed.elapsed());
        tui.send("\x1b");
        tui.wait_until("help closed", STEP, |s| {
            !s.contains("Keys (Esc or ? closes)")
        });
    }
    latencies.sort();
    assert!(
        latencies[3] < Duration::from_millis(120),
        "median key-to-screen latency {:?} (all: {latencies:?})",
        latencies[3]
    );

    // Generate 3 requests x 50 records: each field opens at its default, cursor at its end.
    // From here on, checks look at whole frames, never one read half drawn.
    tui.settle = Duration::from_millis(30);

    // Each screen, and back: tabs switch with 2 and 3 (digits) and F1 (ESC O P).
    tui.send("2");
    let screen = tui.wait_for("Labs (small scale)", STEP);
    assert!(
        screen.contains("query-vs-scan"),
        "the labs are listed:\n{screen}"
    );
    tui.send("3");
    let screen = tui.wait_for("Workload and table", STEP);
    assert!(
        screen.contains("Bill: estimate, us-east-1 prices of"),
        "{screen}"
    );
    // The Cost screen recalculates on each keystroke: one more digit, ten times the requests.
    // The bill's total row: what follows "total" on it (both modes' amounts).
    let total_of = |screen: &str| -> String {
        screen
            .lines()
            .find_map(|l| l.split_once("│total ").map(|(_, t)| t.trim().to_owned()))
            .unwrap_or_default()
    };
    let before = total_of(&screen);
    // The digits are screen keys on Cost as everywhere: 1 -> 3 -> 1 -> 2 -> 3.
    tui.send("1");
    tui.wait_for("Requests (0)", STEP);
    tui.send("3");
    tui.wait_for("Workload and table", STEP);
    tui.send("1");
    tui.wait_for("Requests (0)", STEP);
    tui.send("2");
    tui.wait_for("Labs (small scale)", STEP);
    tui.send("3");
    let screen = tui.wait_for("Workload and table", STEP);
    assert_eq!(total_of(&screen), before, "no digit was typed into a field");
    assert!(
        screen.contains("Enter edit"),
        "the hint says how to edit:\n{screen}"
    );
    // Enter edits the field: now 0 is typed, and the bill follows (ten times the requests).
    tui.send("\r");
    tui.wait_for("Editing requests/day", STEP);
    tui.send("0");
    let after = tui.wait_until("the total to change", STEP, |s| {
        s.contains("10000000") && total_of(s) != before
    });
    assert_ne!(total_of(&after), before, "{after}");
    // Esc ends the edit; then 1 switches screens again.
    tui.send("\x1b");
    tui.wait_until("the edit to end", STEP, |s| {
        !s.contains("Editing requests/day")
    });
    tui.send("1");
    tui.wait_for("Requests (0)", STEP);

    generate_3x50(&mut tui);

    // The new ids are listed first, the first highlighted; take it from the Requests pane.
    let screen = tui.wait_for("Requests (3)", STEP);
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
    let screen = tui.wait_for("50 records in 1 page(s)", STEP);
    assert!(screen.contains(&format!("Items {chosen}")), "{screen}");
    assert!(screen.contains("Query×1"), "the query is logged:\n{screen}");

    // Select seq 1 and seq 3.
    tui.send("j jj ");
    tui.wait_for("2 selected", STEP);
    tui.send("d");
    let screen = tui.wait_for("Delete 2 selected items", STEP);
    assert!(screen.contains("About 2 WCU"), "{screen}");
    tui.send("y");
    let screen = tui.wait_for("re-read: 48 records left", STEP);
    assert!(screen.contains("deleted 2 items: 2 WCU"), "{screen}");
    assert!(screen.contains("48 records · 0 selected"), "{screen}");

    // Quit: the terminal is put back.
    quit_and_check_the_terminal(&mut tui);

    // The data, read back with the library from the same file.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let (server, store) = embedded::file_store(&db).await;
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

/// Presses q, then checks the app exited and put the terminal back as it found it.
fn quit_and_check_the_terminal(tui: &mut Pty) {
    let before_quit = tui.raw_len();
    tui.send("q");
    let status = tui.wait_exit(STEP);
    assert!(status.success(), "exit status {status:?}");
    // Everything the app printed last is read before looking at it.
    tui.wait_drained(Duration::from_secs(5));
    let after = tui.raw_since(before_quit);
    assert!(
        contains(&after, b"\x1b[?1049l"),
        "left the alternate screen"
    );
    assert!(contains(&after, b"\x1b[?25h"), "showed the cursor");
    assert!(
        contains(&after, b"\x1b[?2004l"),
        "turned bracketed paste off"
    );
    tui.with_screen(|screen| {
        assert!(!screen.alternate_screen());
        assert!(!screen.hide_cursor());
        assert!(!screen.bracketed_paste());
        assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    });
}

#[test]
fn labs_tab_runs_reads_and_shows_its_table_and_chart() {
    let mut tui = start_memory(&[], None);

    // Tab 2, then pick `reads` (down to the next lab and back up).
    tui.send("2");
    tui.wait_for("Labs (small scale)", STEP);
    tui.send("j");
    tui.wait_for("┌ query-vs-scan ─", STEP);
    tui.send("k");
    let screen = tui.wait_for("┌ reads ─", STEP);
    assert!(screen.contains("Not run yet"), "{screen}");
    assert!(!screen.contains("get transactional"), "{screen}");

    // Enter runs it; the result replaces "Not run yet" once it is over.
    tui.send("\r");
    let screen = tui.wait_for("RCU per 3,000 B item read", STEP);
    for text in [
        // The table: its headings and every variant.
        "$/M items",
        "get eventual",
        "get strong",
        "get transactional",
        "query eventual",
        "query strong",
        // The conclusion, with a ratio computed from the measured units.
        "Per 3,000 B item, GetItem cost",
        "(2.0x eventual)",
        // The list: the lab's last result.
        "✓ small scale",
    ] {
        assert!(screen.contains(text), "{text:?} on screen:\n{screen}");
    }
    // The chart: one bar per variant, each with its measured RCU per item; a strong GetItem
    // of a 3,000 B item is 1.0 RCU.
    let strong_bar = screen
        .lines()
        .filter(|l| l.contains("get strong"))
        .find(|l| l.contains('█'))
        .unwrap_or_else(|| panic!("a bar for get strong:\n{screen}"));
    assert!(strong_bar.contains("1.0"), "{strong_bar}");
    assert!(!screen.contains("Not run yet"), "{screen}");

    // q quits from the Cost screen too (it used to be typed into a field there).
    tui.send("3");
    tui.wait_for("Workload and table", STEP);
    quit_and_check_the_terminal(&mut tui);
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Any table in a real terminal: `t`, pick `orders` (keys pk S + sk N), query one partition
/// with `between` through the query builder, select an item and delete it after the
/// confirmation says its WCU; the engine, asked directly, no longer has it.
#[test]
fn pick_another_table_query_a_range_and_delete_an_item() {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
        ScalarAttributeType,
    };
    let served = crate::common::serve(&[]);
    let client = dynamo_explorer::backend::local_client(&served.url);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        client
            .create_table()
            .table_name("orders")
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("sk")
                    .attribute_type(ScalarAttributeType::N)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("pk")
                    .key_type(KeyType::Hash)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("sk")
                    .key_type(KeyType::Range)
                    .build()
                    .unwrap(),
            )
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .expect("table");
        for (pk, n) in [("c-1", 8), ("c-2", 2)] {
            for sk in 1..=n {
                client
                    .put_item()
                    .table_name("orders")
                    .item("pk", AttributeValue::S(pk.into()))
                    .item("sk", AttributeValue::N(sk.to_string()))
                    .item("total", AttributeValue::N(format!("{sk}.25")))
                    .send()
                    .await
                    .expect("put");
            }
        }
    });
    let mut cmd = pty::command(["--endpoint", served.url.as_str()]);
    cmd.env("NO_COLOR", "1");
    let mut tui = Pty::spawn_command(cmd, Size::LARGE);
    tui.settle = Duration::from_millis(100);
    tui.wait_for("end of table: empty", STEP);

    tui.send("t");
    tui.wait_for("orders", STEP);
    tui.send("ord");
    tui.send("\r");
    tui.wait_for("pk (2)", STEP);

    // The query builder: partition c-1, sort key between 3 and 5.
    tui.send("/");
    tui.wait_for("partition key:", STEP);
    tui.send(&"\x7f".repeat(12));
    tui.send("c-1\t");
    tui.send("between 3 and 5");
    tui.send("\r");
    let screen = tui.wait_for("3 item(s) in 1 page(s)", STEP);
    assert!(screen.contains("query c-1"), "{screen}");

    // Select the first item (sk 3) and delete it: the confirmation says its WCU.
    tui.send(" ");
    tui.send("d");
    let confirm = tui.wait_for("Delete 1 item of orders", STEP);
    assert!(confirm.contains("1 WCU by DynamoDB's rule"), "{confirm}");
    tui.send("y");
    tui.wait_for("deleted 1 item(s)", STEP);

    let left: Vec<String> = rt.block_on(async {
        let out = client
            .query()
            .table_name("orders")
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", AttributeValue::S("c-1".into()))
            .consistent_read(true)
            .send()
            .await
            .expect("query");
        out.items()
            .iter()
            .map(|i| i["sk"].as_n().unwrap().clone())
            .collect()
    });
    assert_eq!(left, ["1", "2", "4", "5", "6", "7", "8"]);
    quit_and_check_the_terminal(&mut tui);
}

/// The SQL console in a real terminal: a statement without a key is announced as a full
/// table scan with its estimate before anything runs; it runs and the measured RCU shows; a
/// log row copies with `y` as an OSC 52 sequence holding the aws CLI command; `w` writes the
/// transcript; the statement is in the history file.
#[test]
fn sql_console_says_scan_before_running_then_copies_and_writes_a_transcript() {
    let dir = tempfile::tempdir().expect("temp dir");
    let history = dir.path().join("sql_history");
    let mut tui = start_memory(
        &[("DYNAMO_EXPLORER_HISTORY", history.as_os_str())],
        Some(dir.path()),
    );
    generate_3x50(&mut tui);

    tui.send("4");
    tui.wait_for("Statement (PartiQL", STEP);
    let statement = "SELECT * FROM requests WHERE customer_id = 'customer-00001'";
    tui.send(statement);
    let before_running = tui.wait_for("FULL TABLE SCAN", STEP);
    assert!(
        before_running.contains("estimated") && !before_running.contains("last run"),
        "the plan and its estimate before anything runs:\n{before_running}"
    );
    tui.send("\r");
    let ran = tui.wait_for("last run:", STEP);
    assert!(ran.contains("measured"), "{ran}");
    assert!(
        ran.contains("Operations (") && ran.contains("sql SELECT"),
        "{ran}"
    );

    // Leave the editor (Esc: results), Tab to the log; y copies its highlighted row.
    // (Esc and Tab at once would read as Alt-Tab.)
    tui.send("\x1b");
    tui.wait_for("T plain/DynamoDB JSON", STEP);
    tui.send("\t");
    tui.wait_for("v code: aws/python/rust", STEP);
    let from = tui.raw_len();
    tui.send("y");
    tui.wait_for("copied", STEP);
    let raw = tui.raw_since(from);
    let start = raw
        .windows(7)
        .position(|w| w == b"\x1b]52;c;")
        .expect("an OSC 52 sequence in the terminal's output");
    let rest = &raw[start + 7..];
    let end = rest
        .iter()
        .position(|b| *b == 0x07)
        .expect("the sequence ends");
    let copied =
        aws_smithy_types::base64::decode(std::str::from_utf8(&rest[..end]).expect("ascii"))
            .expect("base64");
    let copied = String::from_utf8(copied).expect("utf-8");
    assert!(
        copied.starts_with("aws dynamodb execute-statement"),
        "{copied}"
    );
    assert!(copied.contains("customer-00001"), "{copied}");

    tui.send("w");
    let screen = tui.wait_for("transcript written", STEP);
    let written: Vec<_> = std::fs::read_dir(dir.path())
        .expect("the directory")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
        .collect();
    assert_eq!(written.len(), 1, "{screen}");
    let md = std::fs::read_to_string(written[0].path()).expect("the transcript");
    assert!(md.starts_with("# dynamo-explorer session"), "{md}");
    assert!(md.contains("aws dynamodb execute-statement"), "{md}");

    tui.send("q");
    let status = tui.wait_exit(STEP);
    assert!(status.success(), "exit status {status:?}");
    let kept = std::fs::read_to_string(&history).expect("the history file");
    assert!(kept.contains("customer-00001"), "{kept}");
}
