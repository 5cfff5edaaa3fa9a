//! Does `query` tell a complete request from an incomplete one? A real `generate` process
//! killed with SIGKILL in the middle of its write, then the query's verdict checked against
//! what the engine holds, read back another way (a Scan of the whole table); and the exit
//! codes of `query --require-complete`.

use crate::common;

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::pty::{self, Pty, Size};
use crate::common::spawn;
use dynamo_explorer::store::{ScanOptions, Store};
use serde_json::Value;

fn json_of(args: &[&str], out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not one JSON object ({e}): {} / stderr {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn ok_json(args: &[&str]) -> Value {
    let out = common::cli(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_of(args, &out)
}

/// Records in the table, counted by Scanning all of it: a read path other than the Query
/// under test.
async fn records_by_scan(store: &Store) -> (u64, Option<String>) {
    let mut opts = ScanOptions::default();
    let (mut total, mut id) = (0, None);
    loop {
        let page = store.scan_page(&opts).await.expect("scan");
        total += page.count;
        for r in &page.requests {
            let seen = r.request_id.as_str().to_owned();
            assert!(
                id.get_or_insert_with(|| seen.clone()) == &seen,
                "one request only"
            );
        }
        match page.last_evaluated_key {
            Some(key) => opts.start = Some(key),
            None => return (total, id),
        }
    }
}

/// The table's item count as DescribeTable gives it: exact on the embedded engine, which
/// counts the rows.
fn items_on(db: &str) -> u64 {
    ok_json(&["--db", db, "describe", "--json"])["item_count"]
        .as_u64()
        .expect("item_count")
}

const RECORDS: u64 = 100_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generate_killed_mid_write_queries_as_incomplete_with_the_right_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("killed.db");
    let db = path.display().to_string();
    // The table first, so the writer and the poller never race to create it.
    assert_eq!(items_on(&db), 0);
    let records = RECORDS.to_string();
    let mut child = spawn::command()
        .args(["--db", &db, "generate", "--requests", "1", "--records"])
        .arg(&records)
        .arg("--json")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("generate starts");
    // Poll with separate processes until part of the request has landed, then kill the
    // writer outright: no chance to finish a batch or say what it wrote.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("generate ended by itself before it could be killed: {status:?}");
        }
        if items_on(&db) >= 1_000 {
            break;
        }
        assert!(Instant::now() < deadline, "no records landed in 120 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "killed, not finished: {status:?}");

    let (server, store) = common::embedded::file_store(&path).await;
    let (on_engine, id) = records_by_scan(&store).await;
    server.stop().await;
    let id = id.expect("the killed generate left records");
    assert!(
        (1_000..RECORDS).contains(&on_engine),
        "{on_engine} records on the engine"
    );

    let args = ["--db", &db, "query", &id, "--json"];
    let q = ok_json(&args);
    assert_eq!(
        q["count"].as_u64(),
        Some(on_engine),
        "{}",
        q["completeness"]
    );
    assert_eq!(q["record_count"].as_u64(), Some(RECORDS));
    assert_eq!(q["complete"], false);
    assert_eq!(q["missing_records"].as_u64(), Some(RECORDS - on_engine));
    // The ranges listed are really missing, and all of them add up to what is missing.
    let found: BTreeSet<u64> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["seq"].as_u64().unwrap())
        .collect();
    let missing = q["missing"].as_array().unwrap();
    assert!(!missing.is_empty());
    let mut listed = 0;
    for r in missing {
        let (first, last) = (r["first"].as_u64().unwrap(), r["last"].as_u64().unwrap());
        assert!(first <= last && last < RECORDS, "{r}");
        assert_eq!(found.range(first..=last).count(), 0, "{r} has records");
        listed += last - first + 1;
    }
    if q["missing_ranges"].as_u64().unwrap() == missing.len() as u64 {
        assert_eq!(listed, RECORDS - on_engine);
    }
    // The writer goes up the seqs: the end of the request is missing.
    assert_eq!(missing.last().unwrap()["last"].as_u64(), Some(RECORDS - 1));
    let line = q["completeness"].as_str().unwrap();
    let head = format!(
        "incomplete: {} of {}; missing ",
        dynamo_explorer::fmt::thousands(on_engine),
        dynamo_explorer::fmt::thousands(RECORDS)
    );
    assert!(line.starts_with(&head), "{line}");
    eprintln!("after SIGKILL: {line}");

    // The text output says it too, and --require-complete turns it into exit code 3.
    let out = common::cli(&["--db", &db, "query", &id, "--require-complete"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().last().unwrap().starts_with(&head), "{text}");

    // And the TUI, on the same file: Enter on the request (the startup scan lists it).
    let mut cmd = pty::command(["--db", &db]);
    cmd.env("NO_COLOR", "1");
    let mut tui = Pty::spawn_command(cmd, Size::LARGE);
    let step = Duration::from_secs(30);
    tui.wait_for(&id[..18], step);
    // Whole frames from here on, never one read half drawn.
    tui.settle = Duration::from_millis(30);
    tui.send("\r");
    // The whole line, ranges and all, in the status line; the title as much as fits.
    let screen = tui.wait_for(line, step);
    let found = dynamo_explorer::fmt::thousands(on_engine);
    let title = screen.lines().find(|l| l.contains("Items ")).unwrap_or("");
    assert!(
        title.contains(&format!("incomplete: {found} of 100,000")),
        "the Items title:\n{screen}"
    );
    assert!(
        screen.contains(&format!("{on_engine}/{RECORDS}✗")),
        "the Requests row is marked:\n{screen}"
    );
    assert!(screen.contains("1 incomplete"), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit(step).success());
}

/// The backends this run can test on: an embedded file always, DynamoDB Local if set.
fn backends(dir: &Path) -> Vec<Vec<String>> {
    let mut v = vec![vec![
        "--db".to_owned(),
        dir.join("require.db").display().to_string(),
    ]];
    if let Ok(url) = std::env::var("DYNAMODB_LOCAL_ENDPOINT") {
        v.push(vec![
            "--endpoint".to_owned(),
            url,
            "--table".to_owned(),
            common::table_name("complete"),
        ]);
    }
    v
}

#[test]
fn require_complete_exits_3_only_when_the_request_is_not_complete() {
    let dir = tempfile::tempdir().unwrap();
    for conn in backends(dir.path()) {
        let with = |rest: &[&str]| -> Vec<String> {
            conn.iter()
                .cloned()
                .chain(rest.iter().map(|s| s.to_string()))
                .collect()
        };
        let run = |rest: &[&str]| {
            let args = with(rest);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            (common::cli(&args), format!("{args:?}"))
        };
        let (out, _) = run(&["generate", "--records", "40", "--json"]);
        let g: Value = serde_json::from_slice(&out.stdout).unwrap();
        let id = g["request_ids"][0].as_str().unwrap().to_owned();

        let (out, args) = run(&["query", &id, "--require-complete", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{args}: {out:?}");
        let q: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(q["complete"], true, "{args}: {q}");
        assert_eq!(q["record_count"], 40);
        assert_eq!(q["missing"], serde_json::json!([]));
        assert_eq!(q["missing_records"], 0);
        let (out, _) = run(&["query", &id, "--require-complete"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.contains("\ncomplete: 40 of 40"), "{text}");

        // A partial delete leaves a hole: exit 3, the JSON still printed, one line on stderr.
        let (out, _) = run(&["delete", &id, "--seq", "3,4,5,39"]);
        assert!(out.status.success());
        let (out, args) = run(&["query", &id, "--require-complete", "--json"]);
        assert_eq!(out.status.code(), Some(3), "{args}: {out:?}");
        let q = json_of(&[], &out);
        assert_eq!(q["complete"], false);
        assert_eq!(q["count"], 36);
        assert_eq!(
            q["missing"],
            serde_json::json!([{"first": 3, "last": 5}, {"first": 39, "last": 39}])
        );
        assert_eq!(
            (q["missing_records"].as_u64(), q["missing_ranges"].as_u64()),
            (Some(4), Some(2))
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("--require-complete: incomplete: 36 of 40; missing 3..5, 39"),
            "{stderr}"
        );
        // Without the flag the same query succeeds: incomplete is an answer, not an error.
        let (out, _) = run(&["query", &id, "--json"]);
        assert_eq!(out.status.code(), Some(0));

        // No records at all cannot be shown complete.
        let (out, _) = run(&[
            "query",
            "00000000-0000-0000-0000-000000000000",
            "--require-complete",
        ]);
        assert_eq!(out.status.code(), Some(3));
        assert!(String::from_utf8_lossy(&out.stderr).contains("no records"));
    }
}
