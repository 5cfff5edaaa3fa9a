//! `sql`: PartiQL on a real engine (embedded, and DynamoDB Local when configured). Each
//! statement's plan is checked, then it runs, and the bill must agree with the plan: a
//! statement planned as a full table scan costs what a Scan of the whole table costs, one
//! planned as a Query what a Query of its partition costs, one planned as a read of one item
//! what that item costs. Bad input is refused in one line with nothing sent.

use serde_json::Value;

use crate::any_table::{Run, json, run};
use crate::common::{assert_readable, engines, table_name};

fn refused(r: &Run, words: &[&str]) {
    assert!(!r.ok, "refused: {}", r.stdout);
    for w in words {
        assert!(r.stderr.contains(w), "{w:?} in: {}", r.stderr);
    }
    assert_readable(&r.stderr);
    assert!(r.stdout.is_empty(), "nothing printed: {}", r.stdout);
}

fn rcu(v: &Value) -> f64 {
    v["consumed"]["read_units"]
        .as_f64()
        .expect("consumed.read_units")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_says_what_the_bill_shows() {
    for engine in engines().await {
        let url = engine.url.as_str();
        let name = engine.name;
        let t = table_name("sql");
        // One big request (its partition) among many small ones.
        let big = json(
            url,
            &t,
            &["generate", "--requests", "1", "--records", "300"],
        );
        let big_id = big["request_ids"][0].as_str().expect("an id").to_owned();
        json(
            url,
            &t,
            &["generate", "--requests", "300", "--records", "2"],
        );
        let whole = json(url, &t, &["scan", "--segments", "1", "--items"]);
        let table_rcu = rcu(&whole);
        let partition = json(url, &t, &["query", &big_id]);
        let partition_rcu = rcu(&partition);
        assert!(
            table_rcu > 2.0 * partition_rcu,
            "{name}: the table ({table_rcu}) costs more than one partition ({partition_rcu})"
        );

        // (statement, kind, key condition, items)
        let q = format!("\"{t}\"");
        let cases: Vec<(String, &str, Option<String>, Option<u64>)> = vec![
            (
                format!("SELECT * FROM {q} WHERE customer_id = 'customer-00001'"),
                "scan",
                None,
                None,
            ),
            (format!("SELECT * FROM {q}"), "scan", None, Some(900)),
            (
                format!("SELECT * FROM {q} WHERE request_id = '{big_id}'"),
                "query",
                Some(format!("request_id = '{big_id}'")),
                Some(300),
            ),
            (
                format!(
                    "SELECT * FROM {q} WHERE request_id = '{big_id}' AND seq BETWEEN 10 AND 19"
                ),
                "query",
                Some(format!("request_id = '{big_id}' AND seq BETWEEN 10 AND 19")),
                Some(10),
            ),
            (
                format!("SELECT * FROM {q} WHERE request_id = '{big_id}' AND seq = 7"),
                "get",
                Some(format!("request_id = '{big_id}' AND seq = 7")),
                Some(1),
            ),
            (
                format!("SELECT * FROM {q} WHERE request_id = '{big_id}' OR customer_id = 'x'"),
                "scan",
                None,
                None,
            ),
            (
                format!("SELECT * FROM {q} WHERE payload.x = 'y'"),
                "scan",
                None,
                Some(0),
            ),
        ];
        for (statement, kind, key, items) in cases {
            let case = Case {
                statement: &statement,
                kind,
                index: None,
                key: key.as_deref(),
                items,
            };
            plan_run_and_bill(url, &t, name, &case, (table_rcu, partition_rcu));
        }

        // The estimate comes from DescribeTable's size: a scan's is the table's, a query's
        // a floor.
        let scan = json(
            url,
            &t,
            &["sql", &format!("SELECT * FROM {q}"), "--explain"],
        );
        let estimate = scan["plan"]["estimated_read_units"]
            .as_f64()
            .expect("estimate");
        assert!(
            estimate > 0.0,
            "{name}: a scan is estimated from the table's size"
        );

        // Parameters.
        let with_param = json(
            url,
            &t,
            &[
                "sql",
                &format!("SELECT * FROM {q} WHERE request_id = ? AND seq < ?"),
                "--params",
                &format!("[\"{big_id}\", 5]"),
            ],
        );
        assert_eq!(with_param["plan"]["kind"], "query");
        assert_eq!(with_param["count"], 5, "{name}: seq 0..4");

        // Writes: INSERT, UPDATE, DELETE by the full key; refused under --read-only.
        let insert =
            format!("INSERT INTO {q} VALUE {{'request_id': 'sql-made', 'seq': 0, 'note': 'hi'}}");
        refused(
            &run(url, &t, &["--read-only", "sql", &insert]),
            &["--read-only", "nothing was sent"],
        );
        let ins = json(url, &t, &["sql", &insert]);
        assert_eq!(ins["plan"]["kind"], "insert");
        let wcu = ins["consumed"]["write_units"]
            .as_f64()
            .expect("write_units");
        if ins["engine_reported_capacity"] == true {
            assert!(wcu >= 1.0, "{name}: an INSERT costs a write: {wcu}");
        } else {
            assert_eq!(wcu, 0.0, "{name}: nothing reported, nothing made up");
        }
        let upd = json(
            url,
            &t,
            &[
                "sql",
                &format!("UPDATE {q} SET note = 'there' WHERE request_id = 'sql-made' AND seq = 0"),
            ],
        );
        assert_eq!(upd["plan"]["kind"], "update");
        let read = json(
            url,
            &t,
            &[
                "sql",
                &format!("SELECT note FROM {q} WHERE request_id = 'sql-made' AND seq = 0"),
            ],
        );
        assert_eq!(
            read["items"][0]["note"], "there",
            "{name}: the UPDATE landed"
        );
        let dup = run(url, &t, &["sql", &insert]);
        refused(&dup, &["Duplicate"]);
        let error_lines: Vec<&str> = dup
            .stderr
            .lines()
            .filter(|l| l.contains("Duplicate"))
            .collect();
        assert_eq!(
            error_lines.len(),
            1,
            "{name}: DynamoDB's error in one line: {}",
            dup.stderr
        );
        let del = json(
            url,
            &t,
            &[
                "sql",
                &format!("DELETE FROM {q} WHERE request_id = 'sql-made' AND seq = 0"),
            ],
        );
        assert_eq!(del["plan"]["kind"], "delete");
        refused(
            &run(
                url,
                &t,
                &[
                    "sql",
                    &format!("DELETE FROM {q} WHERE request_id = 'sql-made'"),
                ],
            ),
            &["seq", "nothing was sent"],
        );

        // Bad input: one line each, nothing sent.
        let bad = run(url, &t, &["sql", "SELEC * FROM t"]);
        refused(&bad, &["column 1", "SELEC"]);
        // The statement and a caret under the token, on lines of their own below the message.
        let lines: Vec<&str> = bad.stderr.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_end() == "  SELEC * FROM t")
            .unwrap_or_else(|| panic!("the statement on a line of its own: {}", bad.stderr));
        assert_eq!(
            lines.get(at + 1).copied(),
            Some("  ^^^^^"),
            "{}",
            bad.stderr
        );
        refused(
            &run(url, &t, &["sql", "SELECT * FROM no_such_table_here"]),
            &["no_such_table_here"],
        );
        refused(
            &run(url, &t, &["sql", &format!("SELECT * FROM {q}.\"nope\"")]),
            &["nope"],
        );
        refused(&run(url, &t, &["sql", "   "]), &["empty"]);
        let huge = format!(
            "SELECT * FROM {q} WHERE customer_id = '{}'",
            "x".repeat(100_000)
        );
        refused(&run(url, &t, &["sql", &huge]), &["8,192"]);
        refused(
            &run(
                url,
                &t,
                &["sql", &format!("SELECT * FROM {q} WHERE request_id = ?")],
            ),
            &["1 `?`", "nothing was sent"],
        );
    }
}

/// `--print-call aws` on `sql` prints an aws CLI command that, pasted into a shell, returns
/// the same items and the same ConsumedCapacity; `--transcript` appends a Markdown section per
/// command. On the embedded engine (DynamoDB Local reports no capacity for ExecuteStatement).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_call_answers_the_same_and_the_transcript_grows() {
    use crate::common::spawn::ScrubAws;
    use dynamo_explorer::code::Lang;

    if !crate::code::tool_ready(Lang::Aws).await {
        return;
    }
    let engines = engines().await;
    let url = engines[0].url.as_str();
    let t = table_name("sqlcall");
    let made = json(url, &t, &["generate", "--requests", "1", "--records", "40"]);
    let id = made["request_ids"][0].as_str().expect("an id").to_owned();
    let statement = format!("SELECT * FROM \"{t}\" WHERE request_id = '{id}' AND seq < 30");
    let dir = tempfile::tempdir().expect("temp dir");
    let transcript = dir.path().join("session.md");
    let transcript_arg = transcript.to_str().expect("utf-8 path");
    let r = run(
        url,
        &t,
        &[
            "sql",
            &statement,
            "--json",
            "--print-call",
            "aws",
            "--transcript",
            transcript_arg,
        ],
    );
    assert!(r.ok, "{}", r.stderr);
    let ours: Value = serde_json::from_str(&r.stdout).expect("JSON on stdout, the code on stderr");
    assert!(
        r.stderr.contains("aws dynamodb execute-statement"),
        "{}",
        r.stderr
    );
    let script = dir.path().join("pasted.sh");
    std::fs::write(&script, &r.stderr).expect("script written");
    let out = tokio::process::Command::new("sh")
        .arg(&script)
        .scrub_aws()
        .env("AWS_ACCESS_KEY_ID", "dummy")
        .env("AWS_SECRET_ACCESS_KEY", "dummy")
        .env("AWS_CONFIG_FILE", dir.path().join("no-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-credentials"),
        )
        .output()
        .await
        .expect("sh runs");
    assert!(
        out.status.success(),
        "{}\n{}",
        r.stderr,
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Value = serde_json::from_slice(&out.stdout).expect("the aws CLI's JSON");
    assert_eq!(
        theirs["Items"].as_array().map(Vec::len),
        Some(30),
        "the same items"
    );
    assert_eq!(ours["count"], 30);
    assert_eq!(
        theirs["ConsumedCapacity"]["CapacityUnits"].as_f64(),
        ours["consumed"]["read_units"].as_f64(),
        "the same ConsumedCapacity"
    );

    let q = run(url, &t, &["query", &id, "--transcript", transcript_arg]);
    assert!(q.ok, "{}", q.stderr);
    let md = std::fs::read_to_string(&transcript).expect("the transcript");
    assert_eq!(
        md.matches("\n# ").count() + usize::from(md.starts_with("# ")),
        1,
        "one heading"
    );
    assert_eq!(
        md.matches("\n## ").count(),
        2,
        "a section per command:\n{md}"
    );
    assert!(md.contains("aws dynamodb execute-statement"), "{md}");
    assert!(md.contains("aws dynamodb query"), "{md}");
    assert_eq!(md.matches("```").count() % 2, 0, "fences balanced");
}

/// One statement: what it must be planned as, and how many items it returns.
struct Case<'a> {
    statement: &'a str,
    kind: &'a str,
    index: Option<&'a str>,
    key: Option<&'a str>,
    items: Option<u64>,
}

/// Plans `case` (`--explain`, nothing sent), runs it, and holds the bill to the plan: a scan
/// costs the whole table (`costs.0`), a query no more than its partition (`costs.1`) and
/// well under the table, a read of one item at most 1 RCU.
fn plan_run_and_bill(url: &str, t: &str, name: &str, case: &Case<'_>, costs: (f64, f64)) {
    let (table_rcu, partition_rcu) = costs;
    let statement = case.statement;
    let plan = json(url, t, &["sql", statement, "--explain"]);
    assert_eq!(plan["plan"]["kind"], case.kind, "{name}: {statement}");
    assert_eq!(plan["plan"]["table"], t, "{name}: {statement}");
    assert_eq!(
        plan["plan"]["index"].as_str(),
        case.index,
        "{name}: {statement}"
    );
    if case.key.is_some() || case.kind == "scan" {
        assert_eq!(
            plan["plan"]["key_condition"].as_str(),
            case.key,
            "{name}: {statement}"
        );
    }
    assert!(plan.get("consumed").is_none(), "--explain sends nothing");
    let ran = json(url, t, &["sql", statement]);
    assert_eq!(
        ran["plan"], plan["plan"],
        "{name}: the plan before = the plan run"
    );
    if let Some(n) = case.items {
        assert_eq!(ran["count"], n, "{name}: {statement}");
    }
    let pages = ran["pages"].as_f64().expect("pages");
    // DynamoDB Local reports no ConsumedCapacity for ExecuteStatement: the bill is then
    // DynamoDB's rule, computed from the items returned, where they are all it read; where
    // they are not (a filter), there is no bill to hold the plan to.
    let bill = if ran["engine_reported_capacity"] == true {
        rcu(&ran)
    } else {
        assert_ne!(name, "embedded", "the embedded engine reports capacity");
        assert_eq!(rcu(&ran), 0.0, "{name}: nothing reported, nothing made up");
        if ran["capacity_by_rule"]["not_computed"] != 0 {
            assert!(
                ran["capacity_by_rule"]["why_not"].is_string(),
                "{name}: says why the rule cannot be computed"
            );
            return;
        }
        ran["capacity_by_rule"]["read_units"]
            .as_f64()
            .expect("rule")
    };
    match case.kind {
        // DynamoDB rounds each page up to 4 KB: a page apart per page read.
        "scan" => assert!(
            (bill - table_rcu).abs() <= pages + 1.0,
            "{name}: {statement}: planned as a scan, billed {bill} RCU; the whole table \
             costs {table_rcu}"
        ),
        "query" => assert!(
            bill <= partition_rcu + pages && bill <= table_rcu / 2.0 + 0.5,
            "{name}: {statement}: planned as a query, billed {bill} RCU; its partition costs \
             {partition_rcu}, the table {table_rcu}"
        ),
        _ => assert!(
            bill <= 1.0 * case.items.unwrap_or(1).max(1) as f64,
            "{name}: {statement}: planned as a read by key, billed {bill} RCU"
        ),
    }
}

/// Other key schemas: IN on a hash-only key, IN and `begins_with` with a sort key, an index
/// in FROM, a filter on a non-key attribute; each planned, run and billed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_key_schemas_indexes_in_and_begins_with() {
    for engine in engines().await {
        let url = engine.url.as_str();
        let name = engine.name;
        let client = dynamo_explorer::backend::local_client(url);
        let [pk_only, sn, ss, _] = crate::any_table::make_tables(&client).await;
        let cost = |t: &str| rcu(&json(url, t, &["scan", "--segments", "1", "--items"]));
        let (pk_rcu, sn_rcu, ss_rcu) = (cost(&pk_only), cost(&sn), cost(&ss));
        let c1 = rcu(&json(url, &sn, &["query", "c-1"]));
        let cases = [
            (
                &pk_only,
                Case {
                    statement: &format!("SELECT * FROM \"{pk_only}\" WHERE pk IN ['o-1', 'o-2']"),
                    kind: "get",
                    index: None,
                    key: Some("pk IN ['o-1', 'o-2']"),
                    items: Some(2),
                },
                (pk_rcu, pk_rcu),
            ),
            (
                &sn,
                Case {
                    statement: &format!("SELECT * FROM \"{sn}\" WHERE pk IN ['c-1', 'c-2']"),
                    kind: "query",
                    index: None,
                    key: Some("pk IN ['c-1', 'c-2']"),
                    items: Some(23),
                },
                (sn_rcu, sn_rcu),
            ),
            (
                &sn,
                Case {
                    statement: &format!(
                        "SELECT * FROM \"{sn}\".\"by_status\" WHERE status = 'open'"
                    ),
                    kind: "query",
                    index: Some("by_status"),
                    key: Some("status = 'open'"),
                    items: Some(6),
                },
                (sn_rcu, c1),
            ),
            (
                &sn,
                Case {
                    statement: &format!("SELECT * FROM \"{sn}\" WHERE status = 'open'"),
                    kind: "scan",
                    index: None,
                    key: None,
                    items: Some(6),
                },
                (sn_rcu, c1),
            ),
            (
                &ss,
                Case {
                    statement: &format!(
                        "SELECT * FROM \"{ss}\" WHERE pk = 'user' AND begins_with(sk, '2026-02')"
                    ),
                    kind: "query",
                    index: None,
                    key: Some("pk = 'user' AND begins_with(sk, '2026-02')"),
                    items: Some(2),
                },
                (ss_rcu, ss_rcu),
            ),
        ];
        for (t, case, costs) in &cases {
            plan_run_and_bill(url, t, name, case, *costs);
        }
    }
}

/// On the embedded engine the printed code calls where `serve` would answer, and says how to
/// bring that about: with `--db`, the serve command of that very file; with `--memory`, that
/// nothing is left of it.
#[test]
fn code_printed_on_the_embedded_engine_names_the_serve_command_of_its_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("calls.db");
    let db_arg = db.to_str().expect("utf-8 path");
    let out = crate::common::cli(&["--db", db_arg, "scan", "--print-call", "aws"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "`dynamo-explorer --db {db_arg} serve --port 8000` serves this database"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("--endpoint-url http://127.0.0.1:8000"),
        "{stdout}"
    );

    let out = crate::common::cli(&["--memory", "scan", "--print-call", "python"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("ran in memory (--memory) and is gone"),
        "{stdout}"
    );
}

/// The printed code names the region the calls went to. With no `--region` and no
/// AWS_REGION, the client takes the profile's (here from AWS_CONFIG_FILE), which only the
/// client's own config knows; DynamoDB Local keeps tables per region, so a command printed for
/// another region would not find the table.
#[test]
fn code_printed_for_an_endpoint_names_the_region_the_calls_went_to() {
    let served = crate::common::serve(&[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config");
    std::fs::write(&config, "[default]\nregion = ap-south-1\n").expect("config written");
    let out = crate::common::spawn::command()
        .env("AWS_CONFIG_FILE", &config)
        .args(["--endpoint", &served.url, "scan", "--print-call", "aws"])
        .output()
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("--region ap-south-1"), "{stdout}");
}

/// An export says its figures in its own line, not through the summary every other command
/// prints: its transcript row still carries its calls and read units.
#[test]
fn an_export_transcript_row_carries_its_calls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("t.db");
    let db = db.to_str().expect("utf-8 path");
    let made = crate::common::cli(&["--db", db, "generate", "--records", "40"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let md = dir.path().join("t.md");
    let out = dir.path().join("t.jsonl");
    let exported = crate::common::cli(&[
        "--db",
        db,
        "export",
        "--format",
        "jsonl",
        "-o",
        out.to_str().expect("utf-8 path"),
        "--transcript",
        md.to_str().expect("utf-8 path"),
    ]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let md = std::fs::read_to_string(&md).expect("the transcript");
    let row = md
        .lines()
        .find(|l| l.starts_with("| ") && l.contains(" export --format"))
        .unwrap_or_else(|| panic!("a row for the export:\n{md}"));
    assert!(row.contains("| Scan×"), "{row}");
    assert!(row.contains("| 40 |"), "the items: {row}");
}
