//! `drop-table`: deletes the table only when confirmed, and on AWS only with the table's name
//! typed out; every refusal is one line and deletes nothing.

use crate::common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::common::{cli, spawn};
use serde_json::Value;

fn db_args(db: &Path) -> Vec<String> {
    vec!["--db".into(), db.display().to_string()]
}

fn run(db: &Path, args: &[&str]) -> std::process::Output {
    let mut all = db_args(db);
    all.extend(args.iter().map(|s| (*s).to_owned()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    cli(&all)
}

fn tables(db: &Path) -> Vec<String> {
    // `describe` would create the table again: ask the engine directly.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let (server, store) = common::embedded::file_store(db).await;
        let names = store
            .client()
            .list_tables()
            .send()
            .await
            .expect("ListTables")
            .table_names()
            .to_vec();
        drop(store);
        server.stop().await;
        names
    })
}

#[test]
fn drop_table_deletes_only_when_confirmed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("drop.db");
    let out = run(&db, &["generate", "--records", "3"]);
    assert!(out.status.success());
    assert_eq!(tables(&db), vec!["requests".to_owned()]);

    // No terminal and no --yes: refused, nothing deleted.
    let out = run(&db, &["drop-table"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pass --yes (nothing was deleted)"), "{err}");
    assert_eq!(tables(&db), vec!["requests".to_owned()]);

    // A "y" piped in is not a confirmation: only a terminal gets the prompt.
    let mut child = spawn::command()
        .args(db_args(&db))
        .arg("drop-table")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"y\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(!out.status.success(), "a piped 'y' is not a confirmation");
    assert_eq!(tables(&db), vec!["requests".to_owned()]);

    let out = run(&db, &["drop-table", "--yes", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["table"], "requests");
    assert_eq!(json["deleted"], true);
    assert!(tables(&db).is_empty(), "the table is gone");
}

#[test]
fn on_aws_drop_table_needs_the_name_before_anything_is_sent() {
    // No credentials in the environment (the spawn helper scrubs them): a refusal about
    // credentials would mean the check came too late.
    for (args, needle) in [
        (
            vec!["--aws", "--region", "eu-west-1", "drop-table", "--yes"],
            "pass --confirm requests",
        ),
        (
            vec![
                "--aws",
                "--region",
                "eu-west-1",
                "drop-table",
                "--yes",
                "--confirm",
                "orders",
            ],
            "does not match the table",
        ),
    ] {
        let out = cli(&args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}
