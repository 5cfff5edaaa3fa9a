//! `dynamo-explorer lab` as scripts use it: `lab list --json`, bad input refused with one
//! line, and the shape of `lab run --all --markdown` on the embedded engine (a snapshot of
//! the shape: every number is replaced by `N`, so only a change of layout or wording shows).

use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_dynamo-explorer");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("AWS_ENDPOINT_URL_DYNAMODB")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("binary runs")
}

fn fails_with(args: &[&str], needles: &[&str]) {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should fail");
    for n in needles {
        assert!(
            stderr.contains(n),
            "{args:?}: {stderr:?} should mention {n:?}"
        );
    }
}

#[test]
fn lab_list_json_names_every_lab_with_its_question() {
    let out = run(&["lab", "list", "--json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let labs = v["labs"].as_array().expect("labs");
    let names: Vec<&str> = labs.iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "reads",
            "query-vs-scan",
            "item-size",
            "paging",
            "batching",
            "partition-key",
            "gsi",
            "ttl-vs-delete",
            "conditions-and-transactions",
            "filters-and-projections"
        ]
    );
    for l in labs {
        assert!(
            l["question"]
                .as_str()
                .is_some_and(|q| q.ends_with('?') || q.len() > 20)
        );
    }
}

#[test]
fn bad_lab_input_is_refused_with_a_clear_message() {
    fails_with(
        &["--memory", "lab", "run", "nope"],
        &["unknown lab \"nope\"", "reads, query-vs-scan"],
    );
    fails_with(
        &["--memory", "lab", "run", "reads", "--scale", "huge"],
        &["huge", "small", "full"],
    );
    fails_with(&["--memory", "lab", "run"], &["--all"]);
    fails_with(
        &["--memory", "--json", "lab", "run", "reads", "--markdown"],
        &["pick one"],
    );
}

#[test]
fn lab_run_json_has_the_fields_the_issue_spells_out() {
    let out = run(&["--memory", "--json", "lab", "run", "reads"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["backend"], "embedded (in memory)");
    let lab = &v["labs"][0];
    assert_eq!(lab["name"], "reads");
    assert_eq!(lab["scale"], "small");
    assert!(lab["question"].is_string() && lab["conclusion"].is_string());
    let names: Vec<&str> = lab["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .filter_map(|x| x["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "get eventual",
            "get strong",
            "get transactional",
            "query eventual",
            "query strong"
        ]
    );
    for key in [
        "calls",
        "items",
        "read_units",
        "write_units",
        "elapsed_ms",
        "throttled",
    ] {
        assert!(
            lab["variants"][0][key].is_number(),
            "{key} in {}",
            lab["variants"][0]
        );
    }
}

/// Every run of digits becomes `N` and every bar one block: the report's shape, not its numbers.
fn shape(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut last = ' ';
    for c in md.chars() {
        let c = if c.is_ascii_digit() { 'N' } else { c };
        // `1,024` and `0.5` are one number; so is a bar of any length.
        if (c == 'N' || c == '█') && last == c {
            continue;
        }
        if c == 'N' && (last == ',' || last == '.') && out.ends_with(&format!("N{last}")) {
            out.pop();
            last = 'N';
            continue;
        }
        out.push(c);
        last = c;
    }
    out
}

#[test]
fn lab_run_all_markdown_report_has_every_lab_s_table_chart_and_conclusion() {
    let out = run(&["--memory", "lab", "run", "--all", "--markdown"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).expect("utf-8");
    insta::assert_snapshot!("lab_run_all_markdown_shape", shape(&md));
}
