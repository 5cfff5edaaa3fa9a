//! `dynamo-explorer cost` as a user runs it: every `--json` field of issue 13's shape, the
//! Markdown tables, the record size measured from a table, a prices file, one-line refusals of
//! bad input, and the worked example in src/cost/README.md (read from it, so the two cannot drift).

use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_dynamo-explorer");

fn run(args: &[&str]) -> Output {
    // Every command here either gives --record-bytes (nothing is connected to) or names its
    // embedded database; only the endpoint variable could send it elsewhere.
    Command::new(BIN)
        .args(args)
        .env_remove("AWS_ENDPOINT_URL_DYNAMODB")
        .output()
        .expect("binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn ok_json(args: &[&str]) -> Value {
    let text = ok(args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {text}"))
}

/// Fails with a non-zero exit, nothing on stdout, and one line on stderr with every needle.
fn refused(args: &[&str], needles: &[&str]) {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(
        out.stdout.is_empty(),
        "{args:?}: half-printed {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr:?}");
    for n in needles {
        assert!(
            stderr.contains(n),
            "{args:?}: {stderr:?} should mention {n:?}"
        );
    }
}

const EXAMPLE: [&str; 6] = [
    "cost",
    "--requests-per-day",
    "1000000",
    "--mix",
    "realistic",
    "--record-bytes",
];

fn example(extra: &[&str]) -> Vec<String> {
    EXAMPLE
        .iter()
        .chain(["350"].iter())
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn json_has_every_field_of_the_issue() {
    let j = ok_json(&strs(&example(&["--json"])));
    let obj = j.as_object().unwrap();
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
    for k in [
        "inputs",
        "on_demand",
        "provisioned",
        "sensitivity",
        "prices",
    ] {
        assert!(obj.contains_key(k), "{k} missing: {keys:?}");
    }
    let lines = ["writes", "reads", "deletes", "storage", "gsi", "pitr"];
    for (mode, units) in [
        ("on_demand", ["write_units", "read_units"]),
        ("provisioned", ["provisioned_wcu", "provisioned_rcu"]),
    ] {
        let m = j[mode].as_object().unwrap();
        assert_eq!(m.len(), 9, "{mode}: {m:?}");
        let sum: f64 = lines.iter().map(|l| m[*l].as_f64().unwrap()).sum();
        let total = m["total"].as_f64().unwrap();
        assert!(
            (sum - total).abs() < 1e-9 * total,
            "{mode}: lines add to {sum}, total {total}"
        );
        for u in units {
            assert!(m[u].as_f64().unwrap() > 0.0, "{mode}.{u}");
        }
    }
    let inputs = &j["inputs"];
    for k in [
        "requests_per_day",
        "records_per_request",
        "mix",
        "record_bytes",
        "record_bytes_source",
        "reads_per_day",
        "consistent",
        "retention_days",
        "deletes",
        "gsi",
        "capacity",
        "peak_ratio",
        "utilization",
        "table_class",
        "pitr",
        "free_tier",
        "prices_file",
    ] {
        assert!(inputs.get(k).is_some(), "inputs.{k} missing: {inputs}");
    }
    assert_eq!(inputs["mix"], "realistic");
    assert_eq!(inputs["record_bytes_source"]["kind"], "flag");
    // The realistic mix's exact mean, unrounded.
    let mean = inputs["records_per_request"].as_f64().unwrap();
    assert!((mean - 26.03).abs() < 0.01, "{mean}");
    let s = j["sensitivity"].as_array().unwrap();
    assert_eq!(s.len(), 7, "both modes: provisioned knobs listed too");
    for e in s {
        assert_eq!(e.as_object().unwrap().len(), 2, "{e}");
        assert!(e["input"].is_string() && e["total_change"].is_f64(), "{e}");
    }
    assert_eq!(j["prices"]["region"], "us-east-1");
    assert!(j["prices"]["date"].as_str().unwrap().starts_with("20"));
    assert!(!j["prices"]["source"].as_str().unwrap().is_empty());

    // One mode asked for: the other's object is absent.
    let od = ok_json(&strs(&example(&["--capacity", "on-demand", "--json"])));
    assert!(od.get("provisioned").is_none() && od.get("on_demand").is_some());
    let pr = ok_json(&strs(&example(&["--capacity", "provisioned", "--json"])));
    assert!(pr.get("on_demand").is_none() && pr.get("provisioned").is_some());
    assert_eq!(
        pr["provisioned"]["total"], j["provisioned"]["total"],
        "a mode's bill does not depend on the other being shown"
    );
}

#[test]
fn markdown_and_text_show_the_bill_with_its_formulas() {
    let j = ok_json(&strs(&example(&["--json"])));
    let md = ok(&strs(&example(&["--markdown"])));
    assert!(md.contains("estimate, us-east-1 prices of "), "{md}");
    assert!(md.contains("| line | USD/month | formula |"), "{md}");
    for line in ["writes", "reads", "deletes", "storage", "gsi", "pitr"] {
        assert!(md.contains(&format!("\n| {line} | $")), "{line}: {md}");
    }
    let total = j["on_demand"]["total"].as_f64().unwrap();
    assert!(
        md.contains(&format!("| **total** | **${:.2}** |", total)),
        "{md}"
    );
    assert!(md.contains("| input +10% | total change |"), "{md}");
    assert!(
        md.contains("ceil(350 B / 1024)"),
        "formulas carry their figures: {md}"
    );

    let text = ok(&strs(&example(&[])));
    assert!(text.starts_with("estimate, us-east-1 prices of "), "{text}");
    for needle in [
        "TTL vs explicit deletes",
        "break-even utilization",
        "eventual vs strong",
        "the knob that matters most",
        "x 30.4167 days",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

#[test]
fn record_size_is_measured_from_the_table_or_a_generated_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cost.db").display().to_string();
    // Empty table: a generated record, and the output says so.
    let empty = ok_json(&["--db", &db, "cost", "--requests-per-day", "1000", "--json"]);
    assert_eq!(
        empty["inputs"]["record_bytes_source"]["kind"], "generated",
        "{empty}"
    );
    assert!(
        empty["inputs"]["record_bytes_from"]
            .as_str()
            .unwrap()
            .contains("empty"),
        "{empty}"
    );
    // 2 requests of 3 records with 1,500-byte payloads: the mean of the 6 items, as the
    // records read back size them.
    let g = ok_json(&[
        "--db",
        &db,
        "generate",
        "--requests",
        "2",
        "--records",
        "3",
        "--payload-bytes",
        "1500",
        "--json",
    ]);
    let mut sizes = Vec::new();
    for id in g["request_ids"].as_array().unwrap() {
        let q = ok_json(&["--db", &db, "query", id.as_str().unwrap(), "--json"]);
        for item in q["items"].as_array().unwrap() {
            let record: dynamo_explorer::request::schema::Record =
                serde_json::from_value(item.clone()).unwrap();
            let dynamo = serde_dynamo::to_item(&record).unwrap();
            sizes.push(dynamo_explorer::size::item_size(&dynamo) as f64);
        }
    }
    assert_eq!(sizes.len(), 6);
    let mean = sizes.iter().sum::<f64>() / 6.0;
    let m = ok_json(&["--db", &db, "cost", "--requests-per-day", "1000", "--json"]);
    let source = &m["inputs"]["record_bytes_source"];
    assert_eq!(source["kind"], "measured", "{m}");
    assert_eq!(source["items"], 6, "{m}");
    assert_eq!(m["inputs"]["record_bytes"].as_f64(), Some(mean), "{m}");
    // ~1,650-byte records take 2 write units each: 1,000 x 1 x 2 x 30.4167 WRU a month.
    let wru = m["on_demand"]["write_units"].as_f64().unwrap();
    assert!((wru - 1000.0 * 2.0 * 730.0 / 24.0).abs() < 1e-6, "{wru}");
    let text = ok(&["--db", &db, "cost", "--requests-per-day", "1000"]);
    assert!(
        text.contains("measured: mean of the 6 items one Scan page"),
        "{text}"
    );
}

#[test]
fn a_prices_file_replaces_the_embedded_prices() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = ok_json(&strs(&example(&["--json"])));
    // The embedded prices with the on-demand write price doubled, as JSON.
    let toml_text = include_str!("../../assets/prices/us-east-1.toml")
        .replace("region = \"us-east-1\"", "region = \"test-region\"")
        .replace("usd = 0.625,", "usd = 1.25,");
    let prices: dynamo_explorer::cost::Prices =
        dynamo_explorer::cost::Prices::parse(&toml_text, dynamo_explorer::cost::Format::Toml)
            .unwrap();
    let json_path = dir.path().join("p.json");
    std::fs::write(&json_path, serde_json::to_string(&prices).unwrap()).unwrap();
    let p = json_path.display().to_string();
    let j = ok_json(&strs(&example(&["--prices", &p, "--json"])));
    let w = |v: &Value| v["on_demand"]["writes"].as_f64().unwrap();
    assert!(
        (w(&j) - 2.0 * w(&embedded)).abs() < 1e-9 * w(&j),
        "{} vs {}",
        w(&j),
        w(&embedded)
    );
    assert_eq!(j["prices"]["region"], "test-region");
    assert_eq!(j["inputs"]["prices_file"], p.as_str());
    let text = ok(&strs(&example(&["--prices", &p])));
    assert!(
        text.starts_with("estimate, test-region prices of 2026-12-01"),
        "{text}"
    );

    // Malformed: a word for a price, named by line and field; a missing price; bad syntax.
    let bad = dir.path().join("bad.toml");
    let broken = include_str!("../../assets/prices/us-east-1.toml")
        .replace("wcu_hour = { usd = 0.00065,", "wcu_hour = { usd = \"x\",");
    let line = broken.lines().position(|l| l.contains("\"x\"")).unwrap() + 1;
    std::fs::write(&bad, broken).unwrap();
    let b = bad.display().to_string();
    refused(
        &strs(&example(&["--prices", &b])),
        &[&format!("line {line}"), "standard.wcu_hour.usd", "bad.toml"],
    );
    std::fs::write(&bad, "region = \"x\"\ndate = \"y\"\n").unwrap();
    refused(&strs(&example(&["--prices", &b])), &["free_storage_gb"]);
    let bad_json = dir.path().join("bad.json");
    std::fs::write(&bad_json, "{\"region\": \"x\",\n \"date\": [1]}").unwrap();
    let bj = bad_json.display().to_string();
    refused(
        &strs(&example(&["--prices", &bj])),
        &["line 2", "field date"],
    );
    refused(
        &strs(&example(&["--prices", "/no/such/prices.toml"])),
        &["cannot read"],
    );
}

#[test]
fn bad_input_is_refused_in_one_line() {
    let base = ["--memory", "cost", "--requests-per-day"];
    let with =
        |rest: &[&str]| -> Vec<String> { base.iter().chain(rest).map(|s| s.to_string()).collect() };
    refused(&["--memory", "cost"], &["--requests-per-day is required"]);
    refused(
        &strs(&with(&["abc"])),
        &["--requests-per-day", "not a number"],
    );
    refused(
        &strs(&with(&["-5"])),
        &["--requests-per-day", "more than 0"],
    );
    refused(&strs(&with(&["0"])), &["--requests-per-day", "more than 0"]);
    refused(&strs(&with(&["inf"])), &["--requests-per-day", "finite"]);
    let n = ["1000"];
    let bad = |rest: &[&str], needles: &[&str]| {
        let args: Vec<String> = with(&n)
            .into_iter()
            .chain(rest.iter().map(|s| s.to_string()))
            .collect();
        refused(&strs(&args), needles);
    };
    bad(&["--record-bytes", "409601"], &["--record-bytes", "400 KB"]);
    bad(&["--record-bytes", "0"], &["--record-bytes", "more than 0"]);
    bad(
        &["--record-bytes", "big"],
        &["--record-bytes", "not a number"],
    );
    bad(&["--utilization", "0"], &["--utilization", "(0, 1]"]);
    bad(&["--utilization", "1.5"], &["--utilization", "(0, 1]"]);
    bad(&["--utilization", "-0.2"], &["--utilization"]);
    bad(&["--records-per-request", "0"], &["--records-per-request"]);
    bad(&["--records-per-request", "-3"], &["--records-per-request"]);
    bad(&["--reads-per-day", "-1"], &["--reads-per-day", "negative"]);
    bad(&["--retention-days", "0"], &["--retention-days"]);
    bad(&["--peak-ratio", "0.5"], &["--peak-ratio"]);
    bad(&["--deletes", "never"], &["--deletes", "ttl, explicit"]);
    bad(&["--gsi", "some"], &["--gsi", "keys-only"]);
    bad(&["--capacity", "lots"], &["--capacity"]);
    bad(
        &["--table-class", "glacier"],
        &["--table-class", "standard-ia"],
    );
    bad(&["--mix", "odd"], &["--mix", "realistic"]);
    bad(
        &["--mix", "realistic", "--records-per-request", "3"],
        &["not both"],
    );
    bad(&["--json", "--markdown"], &["not both"]);
    // Exactly 400 KB is an item DynamoDB stores.
    ok(&[
        "cost",
        "--requests-per-day",
        "1000",
        "--record-bytes",
        "409600",
    ]);
}

/// README's "What will it cost" section: its command, run here, gives its table's figures
/// (to the cent) and every line of its output excerpt.
#[test]
fn readme_worked_example_is_what_the_command_prints() {
    let readme = include_str!("../../src/cost/README.md");
    let section = readme
        .split("\n## What will it cost\n")
        .nth(1)
        .expect("README has a \"What will it cost\" section");
    let section = section.split("\n## ").next().unwrap();
    let command = section
        .lines()
        .find(|l| l.starts_with("dynamo-explorer cost "))
        .expect("the section shows its command");
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let j = ok_json(&[args.as_slice(), &["--json"]].concat());
    let mut rows = 0;
    for line in section.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let (Some(name), Some(od), Some(pr)) = (cells.first(), cells.get(1), cells.get(2)) else {
            continue;
        };
        if ![
            "writes", "reads", "deletes", "storage", "gsi", "pitr", "total",
        ]
        .contains(name)
        {
            continue;
        }
        for (mode, cell) in [("on_demand", od), ("provisioned", pr)] {
            let value = j[mode][*name].as_f64().unwrap();
            assert_eq!(
                *cell,
                format!("${value:.2}"),
                "README's {name} ({mode}) is {cell}, the command says {value}"
            );
        }
        rows += 1;
    }
    assert_eq!(
        rows, 7,
        "the example's table has the six lines and the total"
    );
    let text = ok(&args);
    let excerpt = section
        .split("```text\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the section shows an output excerpt");
    for line in excerpt.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            text.lines().any(|t| t.trim() == line.trim()),
            "README's line {line:?} is not in the output:\n{text}"
        );
    }
}
