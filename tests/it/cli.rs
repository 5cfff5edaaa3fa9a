//! The CLI as scripts use it: the real binary, `--json` fields present and truthful, exit
//! codes, and a clear one-line message for each bad input.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::readme_json::{check_promised, readme_json_fields};
use crate::common::{BIN, spawn};
use serde_json::Value;

fn run(args: &[&str]) -> Output {
    common::cli(args)
}

fn ok_json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not one JSON object ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Fails with a non-zero exit and one line on stderr containing every `needles`.
fn fails_with(args: &[&str], needles: &[&str]) -> String {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    crate::common::assert_readable(&stderr);
    assert!(
        !out.status.success(),
        "{args:?} should fail; stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: one line on stderr, got {stderr:?}"
    );
    for n in needles {
        assert!(
            stderr.contains(n),
            "{args:?}: stderr {stderr:?} should mention {n:?}"
        );
    }
    stderr
}

/// The backends this run can test the CLI on: an embedded file always, DynamoDB Local if set.
fn backends(dir: &Path) -> Vec<Vec<String>> {
    let db = dir.join("cli.db").display().to_string();
    let mut v = vec![vec!["--db".to_owned(), db]];
    if let Ok(url) = std::env::var("DYNAMODB_LOCAL_ENDPOINT") {
        let table = format!("cli_{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
        v.push(vec![
            "--endpoint".to_owned(),
            url,
            "--table".to_owned(),
            table,
        ]);
    }
    v
}

fn with<'a>(conn: &'a [String], rest: &[&'a str]) -> Vec<&'a str> {
    conn.iter()
        .map(String::as_str)
        .chain(rest.iter().copied())
        .collect()
}

#[test]
fn generate_query_scan_delete_json_is_complete_and_truthful() {
    let dir = tempfile::tempdir().unwrap();
    for conn in backends(dir.path()) {
        let g = ok_json(&with(
            &conn,
            &["generate", "--requests", "3", "--records", "1000", "--json"],
        ));
        let ids: Vec<String> = g["request_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 3, "{conn:?}");
        assert_eq!(g["items"], 3000);
        assert_eq!(g["calls"], 120, "3000 records in calls of 25");
        assert_eq!(g["retries"], 0);
        // 200-byte payloads: every item is under 1 KB, so 1 WCU each.
        assert_eq!(g["consumed"]["write_units"].as_f64(), Some(3000.0), "{g}");
        assert_eq!(g["consumed"]["read_units"].as_f64(), Some(0.0));
        assert!(g["elapsed_ms"].is_u64());
        assert!(g["client_cpu_ms"].is_u64(), "{g}");

        let q = ok_json(&with(&conn, &["query", &ids[1], "--json"]));
        assert_eq!(q["request_id"], ids[1].as_str());
        assert_eq!(q["count"], 1000);
        assert_eq!(q["scanned_count"], 1000);
        assert!(q["pages"].as_u64().unwrap() >= 1);
        assert!(q["elapsed_ms"].is_u64());
        let items = q["items"].as_array().unwrap();
        assert_eq!(items.len(), 1000);
        // Plain JSON, not DynamoDB-typed: numbers are numbers, strings are strings.
        assert_eq!(items[7]["seq"], 7);
        assert_eq!(items[7]["request_id"], ids[1].as_str());
        assert_eq!(items[7]["record_count"], 1000);
        assert_eq!(items[7]["payload"].as_str().unwrap().len(), 200);
        assert!(items[7]["expires_at"].is_i64());
        let eventual = q["consumed"]["read_units"].as_f64().unwrap();
        let strong = ok_json(&with(&conn, &["query", &ids[1], "--consistent", "--json"]))["consumed"]["read_units"]
            .as_f64()
            .unwrap();
        assert!(
            eventual > 0.0 && strong > eventual,
            "{eventual} vs {strong}"
        );

        let paged = ok_json(&with(
            &conn,
            &["query", &ids[1], "--page-size", "100", "--json"],
        ));
        assert_eq!(paged["count"], 1000);
        assert!(paged["pages"].as_u64().unwrap() >= 10);

        let s = ok_json(&with(&conn, &["scan", "--limit", "10", "--json"]));
        assert_eq!(s["scanned_count"], 10);
        assert_eq!(s["count"], 10);
        let reqs = s["requests"].as_array().unwrap();
        assert!(
            !reqs.is_empty()
                && reqs
                    .iter()
                    .all(|r| r["request_id"].is_string() && r["records"].is_u64())
        );
        assert!(s["consumed"]["read_units"].as_f64().unwrap() > 0.0);
        let start = s["last_evaluated_key"].to_string();
        let s2 = ok_json(&with(
            &conn,
            &["scan", "--limit", "10", "--start", &start, "--json"],
        ));
        assert_eq!(s2["scanned_count"], 10);

        let d = ok_json(&with(
            &conn,
            &["delete", &ids[1], "--seq", "3,4,5", "--json"],
        ));
        assert_eq!(d["request_id"], ids[1].as_str());
        assert_eq!(d["deleted"], 3);
        assert_eq!(d["consumed"]["write_units"].as_f64(), Some(3.0));
        assert!(d["elapsed_ms"].is_u64());
        let q = ok_json(&with(&conn, &["query", &ids[1], "--json"]));
        assert_eq!(q["count"], 997);
        let seqs: Vec<u64> = q["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["seq"].as_u64().unwrap())
            .collect();
        assert!(
            !seqs.contains(&3) && !seqs.contains(&4) && !seqs.contains(&5) && seqs.contains(&6)
        );

        let d = ok_json(&with(&conn, &["delete", &ids[2], "--json"]));
        assert_eq!(d["deleted"], 1000);
        assert_eq!(
            ok_json(&with(&conn, &["query", &ids[2], "--json"]))["count"],
            0
        );
        assert_eq!(
            ok_json(&with(&conn, &["query", &ids[0], "--json"]))["count"],
            1000,
            "other request untouched"
        );
    }
}

#[test]
fn the_embedded_file_keeps_data_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/dir/keep.db").display().to_string();
    let g = ok_json(&["--db", &db, "generate", "--records", "5", "--json"]);
    let id = g["request_ids"][0].as_str().unwrap().to_owned();
    let q = ok_json(&["--db", &db, "query", &id, "--json"]);
    assert_eq!(q["count"], 5);
    let d = ok_json(&["--db", &db, "describe", "--json"]);
    assert_eq!(
        d["key_schema_text"],
        "request_id (S, HASH) + seq (N, RANGE)"
    );
    assert_eq!(d["key_schema"][0]["name"], "request_id");
    assert_eq!(d["key_schema"][1]["type"], "N");
    assert_eq!(d["billing_mode"], "PAY_PER_REQUEST");
}

#[test]
fn human_output_names_the_cost() {
    let out = run(&["--memory", "generate", "--requests", "2", "--records", "3"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("generate 6 in"), "{text}");
    assert!(text.contains("6.0 WCU"), "{text}");
    assert_eq!(text.lines().count(), 3, "summary and two ids: {text}");
}

#[test]
fn bad_generate_sizes_are_refused_before_connecting() {
    fails_with(
        &["--memory", "generate", "--records", "0"],
        &["--records", "at least 1"],
    );
    fails_with(
        &["--memory", "generate", "--requests", "0"],
        &["--requests", "at least 1"],
    );
    fails_with(
        &["--memory", "generate", "--records", "200000"],
        &["cap", "100000"],
    );
    fails_with(
        &[
            "--memory",
            "generate",
            "--requests",
            "5000",
            "--records",
            "1000",
        ],
        &["cap", "1000000"],
    );
    fails_with(
        &["--memory", "generate", "--payload-bytes", "409600"],
        &["400 KB", "largest payload"],
    );
    fails_with(
        &["--memory", "generate", "--concurrency", "0"],
        &["--concurrency"],
    );
    // clap's own refusals are more than one line; they must still fail with a non-zero code.
    for args in [
        &["--memory", "generate", "--records", "-5"][..],
        &["--memory", "generate", "--records", "ten"],
        &["--memory", "generate", "--records", "99999999999999999999"],
    ] {
        let out = run(args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--records"),
            "{args:?}"
        );
    }
}

#[test]
fn bad_request_ids_and_keys_are_refused() {
    fails_with(&["--memory", "query", "   "], &["request id is empty"]);
    fails_with(&["--memory", "query", ""], &["request id is empty"]);
    fails_with(&["--memory", "query", &"x".repeat(3000)], &["2048 bytes"]);
    fails_with(&["--memory", "query", "abc\ndef"], &["control characters"]);
    fails_with(&["--memory", "delete", " "], &["request id is empty"]);
    fails_with(
        &["--memory", "scan", "--start", "{not json"],
        &["--start", "request_id"],
    );
    fails_with(
        &["--memory", "scan", "--start", r#"{"request_id":"a"}"#],
        &["--start"],
    );
    // A well-formed id that does not exist is not an error: it has no records.
    let q = ok_json(&[
        "--memory",
        "query",
        "00000000-0000-0000-0000-000000000000",
        "--json",
    ]);
    assert_eq!(q["count"], 0);
}

#[test]
fn bad_table_names_and_endpoints_are_named() {
    fails_with(
        &["--memory", "--table", "a b", "describe"],
        &["invalid table name", "a b"],
    );
    fails_with(&["--memory", "--table", "ab", "describe"], &["3 to 255"]);
    fails_with(
        &["--endpoint", "localhost:8000", "describe"],
        &["not an http:// or https:// URL"],
    );
    let started = Instant::now();
    fails_with(
        &["--endpoint", "http://127.0.0.1:9", "describe"],
        &["cannot reach DynamoDB at http://127.0.0.1:9"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

/// Runs with an empty environment (no AWS variables, an empty home without ~/.aws); stderr.
fn run_bare(args: &[&str]) -> (bool, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn aws_without_region_or_credentials_says_what_to_set() {
    let (ok, stderr) = run_bare(&["--aws", "describe"]);
    assert!(!ok);
    assert!(
        stderr.contains("--region") && stderr.contains("AWS_REGION"),
        "{stderr}"
    );

    let (ok, stderr) = run_bare(&["--region", "eu-west-1", "describe"]);
    assert!(!ok);
    assert!(
        stderr.contains("AWS_ACCESS_KEY_ID") && stderr.contains("--profile"),
        "{stderr}"
    );
}

#[test]
fn a_corrupt_database_file_is_named_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.db");
    let garbage = b"this is not a sqlite database, and it must survive untouched\n".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    let p = path.display().to_string();
    fails_with(&["--db", &p, "describe"], &[&p]);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        garbage,
        "the file was modified"
    );
}

#[test]
fn serve_is_refused_on_a_remote_backend() {
    fails_with(
        &["--endpoint", "http://127.0.0.1:9", "serve"],
        &["serve runs the embedded engine"],
    );
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    use std::io::{BufRead, BufReader};
    // Like `dynamo-explorer generate ... | head -1`: the reader leaves after one line. 5,000 ids
    // (~185 KB) overflow the 64 KB pipe buffer, so the writer must meet the closed pipe.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("pipe.log");
    let mut child = spawn::command()
        .args([
            "--memory",
            "generate",
            "--requests",
            "5000",
            "--records",
            "1",
        ])
        .arg("--log-file")
        .arg(&log)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(first.starts_with("generate 5000"), "{first}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?} {stderr}", out.status);
    // `exit` runs no destructors: the log's buffered lines were written out before it.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("batch write finished") && logged.contains("stdout closed by its reader"),
        "{logged}"
    );
}

#[test]
fn a_failure_is_logged_before_the_exit() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("fail.log");
    let log_arg = log.display().to_string();
    let stderr = fails_with(
        &[
            "--memory",
            "--table",
            "a b",
            "describe",
            "--log-file",
            &log_arg,
        ],
        &["invalid table name"],
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    let line = logged.lines().find(|l| l.contains("ERROR"));
    assert!(
        line.is_some_and(|l| l.contains("failed") && l.contains("invalid table name")),
        "the log names the error the user saw ({stderr}): {logged}"
    );
}

#[test]
fn an_unwritable_database_location_is_named() {
    // Root ignores file modes, so make the location impossible instead: its "directory" is
    // a regular file.
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"keep me").unwrap();
    let db = blocker.join("local.db").display().to_string();
    fails_with(&["--db", &db, "describe"], &["cannot create", "not-a-dir"]);
    assert_eq!(std::fs::read(&blocker).unwrap(), b"keep me");
    // A directory where the file should be.
    let as_dir = dir.path().join("a-dir.db");
    std::fs::create_dir(&as_dir).unwrap();
    let p = as_dir.display().to_string();
    fails_with(
        &["--db", &p, "describe"],
        &["cannot open the embedded database", &p],
    );
}

#[test]
fn every_json_field_readme_lists_is_in_the_output() {
    let promised = readme_json_fields();
    let commands: Vec<&str> = promised.iter().map(|(c, _)| c.as_str()).collect();
    for command in ["generate", "query", "scan", "delete", "sql"] {
        assert!(
            commands.contains(&command),
            "README lists no fields of {command}: {commands:?}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fields.db").display().to_string();
    let generate = ok_json(&[
        "--db",
        &db,
        "generate",
        "--requests",
        "2",
        "--records",
        "3",
        "--json",
    ]);
    let id = generate["request_ids"][0].as_str().unwrap().to_owned();
    let outputs = [
        ("generate", generate),
        ("query", ok_json(&["--db", &db, "query", &id, "--json"])),
        ("scan", ok_json(&["--db", &db, "scan", "--json"])),
        (
            "sql",
            ok_json(&[
                "--db",
                &db,
                "sql",
                &format!("SELECT * FROM requests WHERE request_id = '{id}'"),
                "--json",
            ]),
        ),
        ("delete", ok_json(&["--db", &db, "delete", &id, "--json"])),
        (
            "cost",
            ok_json(&[
                "--db",
                &db,
                "cost",
                "--requests-per-day",
                "1000",
                "--record-bytes",
                "350",
                "--json",
            ]),
        ),
    ];
    for (command, fields) in &promised {
        let (_, json) = outputs
            .iter()
            .find(|(c, _)| c == command)
            .unwrap_or_else(|| {
                panic!("README lists fields of {command}, which this test does not run")
            });
        check_promised(command, "", json, fields);
    }
}

#[test]
fn a_terminal_sees_the_write_progress_up_to_the_last_item() {
    use common::pty::{Pty, Size};
    // stderr is a terminal here, so generate draws its progress line; the last figures must
    // be drawn even though the line is redrawn at most every 100 ms.
    let mut app = Pty::spawn(
        [
            "--memory",
            "generate",
            "--requests",
            "3",
            "--records",
            "1000",
        ],
        Size::LARGE,
    );
    let status = app.wait_exit(Duration::from_secs(60));
    app.wait_drained(Duration::from_secs(5));
    let screen = app.screen_text();
    assert!(status.success(), "{status:?}\n{screen}");
    assert!(screen.contains("3000/3000 items"), "{screen}");
    assert!(screen.contains("generate 3000 in"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_beside_the_table_check_still_refuses_another_key_schema() {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
        ScalarAttributeType,
    };
    // Away from loopback a delete's keys-only query runs beside the table check. On a table
    // keyed by request_id alone that query succeeds and finds a record; the check's refusal
    // must still be all the user gets, and nothing is deleted. (A query of that table goes
    // by its own keys instead, as on any table.)
    let served = common::serve(&[]);
    let client = dynamo_explorer::backend::local_client(&served.url);
    let id = uuid::Uuid::new_v4().to_string();
    client
        .create_table()
        .table_name("not_ours")
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("request_id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("request_id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("table created");
    client
        .put_item()
        .table_name("not_ours")
        .item("request_id", AttributeValue::S(id.clone()))
        .item("seq", AttributeValue::N("0".into()))
        .send()
        .await
        .expect("item put");
    let on = |table: &str, rest: &[&str]| {
        let mut args = vec!["--endpoint", served.url.as_str(), "--table", table];
        args.extend(rest);
        args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    let refused = |args: Vec<String>| {
        let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} refused: {stderr}");
        assert!(
            stderr.contains("has key schema request_id (S, HASH)")
                && stderr.contains("delete --key"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: nothing read is printed");
    };
    let q = ok_json(
        &on("not_ours", &["query", &id, "--json"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(q["count"], 1, "any table: the partition's one item: {q}");
    assert_eq!(q["items"][0]["seq"], 0, "{q}");
    // A delete, whose keys are read beside the check: refused, with the way that works.
    refused(on("not_ours", &["delete", &id, "--json"]));
    let still = client
        .get_item()
        .table_name("not_ours")
        .key("request_id", AttributeValue::S(id.clone()))
        .send()
        .await
        .expect("get");
    assert!(still.item().is_some(), "the record is still there");

    // A missing table: the check creates it, and the query is asked again on it.
    let args = on("fresh", &["query", &id, "--json"]);
    let q = ok_json(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(q["count"], 0, "{q}");
    let fresh = client.describe_table().table_name("fresh").send().await;
    assert!(fresh.is_ok(), "the table was created");
}

#[test]
fn completions_and_the_man_page_come_from_the_flags() {
    let dir = tempfile::tempdir().expect("temp dir");
    // bash: a script bash itself accepts, completing the commands and the connection flags.
    let out = run(&["completions", "bash"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = String::from_utf8(out.stdout).expect("utf-8");
    for word in ["generate", "drop-table", "--endpoint", "--limits"] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
    let file = dir.path().join("dynamo-explorer.bash");
    std::fs::write(&file, &script).expect("write");
    let bash = Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output()
        .expect("bash runs");
    assert!(
        bash.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&bash.stderr)
    );
    for shell in ["zsh", "fish", "powershell"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("drop-table"), "{shell}: {text}");
    }
    let out = run(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("tcsh"));

    // man: roff that man(1) renders, with every command and its options.
    let out = run(&["man"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = dir.path().join("dynamo-explorer.1");
    std::fs::write(&page, &out.stdout).expect("write");
    let man = Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .expect("man runs (.ci/run installs man-db)");
    let text = String::from_utf8_lossy(&man.stdout);
    assert!(
        man.status.success(),
        "man -l: {}",
        String::from_utf8_lossy(&man.stderr)
    );
    for heading in [
        "CONNECTION OPTIONS",
        "COMMAND: GENERATE",
        "COMMAND: QUERY",
        "COMMAND: DROP-TABLE",
        "--require-complete",
        "Examples:",
    ] {
        assert!(text.contains(heading), "man page lacks {heading}:\n{text}");
    }
}
