//! One engine per database file, with real processes: a TUI opens a file and serves it; a
//! second TUI and a CLI `generate` and `query` on the same file join its engine (and say so)
//! instead of opening the file a second time; the second TUI's next scan shows what the CLI
//! wrote. Then the first TUI is killed with SIGKILL: the second one takes the file over and
//! goes on working, later CLI commands join it, and once it quits a new process opens the
//! file cleanly, as its only engine, with every record there. `serve` on a held file is
//! refused, naming the holder.

use std::time::Duration;

use crate::common::cli;
use crate::common::pty::{self, Pty, Size};
use serde_json::Value;

const STEP: Duration = Duration::from_secs(30);

fn json(args: &[&str]) -> Value {
    let out = cli(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// The count in the log's title, `Operations (N)`.
fn operations(screen: &str) -> u32 {
    screen
        .split_once("Operations (")
        .and_then(|(_, rest)| rest.split(')').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_second_process_joins_the_engine_of_the_first_and_takes_over_when_it_dies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("shared.db");
    let db_arg = db.to_str().expect("utf-8 path");

    let mut cmd = pty::command(["--db", db_arg]);
    cmd.env("NO_COLOR", "1");
    let mut tui = Pty::spawn_command(cmd, Size::LARGE);
    tui.wait_for("end of table: empty", STEP);
    let holder = tui.pid();
    let mut cmd = pty::command(["--db", db_arg]);
    cmd.env("NO_COLOR", "1");
    let mut second = Pty::spawn_command(cmd, Size::LARGE);
    second.wait_for(&format!("shared with pid {holder}"), STEP);

    // The CLI joins the TUI's engine and says whose it is.
    let described = json(&["--db", db_arg, "describe", "--json"]);
    let backend = described["backend"].as_str().expect("backend label");
    assert!(
        backend.ends_with(&format!(", shared with pid {holder}")),
        "{backend}"
    );
    let generated = json(&[
        "--db",
        db_arg,
        "generate",
        "--requests",
        "2",
        "--records",
        "7",
        "--json",
    ]);
    let ids: Vec<&str> = generated["request_ids"]
        .as_array()
        .expect("request ids")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(ids.len(), 2);
    let queried = json(&["--db", db_arg, "query", ids[0], "--json"]);
    assert_eq!(queried["count"], 7, "{queried}");

    // The joined TUI scans again (s at the end of the table) and lists the CLI's requests.
    second.send("s");
    let screen = second.wait_for("Requests (2)", STEP);
    for id in &ids {
        assert!(screen.contains(id), "{id} listed:\n{screen}");
    }

    // The holder dies without a chance to clean up; the next process takes the file over.
    let killed = std::process::Command::new("kill")
        .args(["-9", &holder.to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    tui.wait_exit(STEP);
    // The joined TUI takes over: its next call finds the engine gone, claims the file and
    // serves it; its scan still lists both requests, and the CLI now joins it.
    let before = operations(&second.screen_text());
    second.send("s");
    let screen = second.wait_until("a scan after the takeover", STEP, |s| {
        operations(s) > before
    });
    assert!(
        screen.contains("Requests (2)") && !screen.contains("error"),
        "the survivor's scan works:\n{screen}"
    );
    let described = json(&["--db", db_arg, "describe", "--json"]);
    let backend = described["backend"].as_str().expect("backend label");
    assert!(
        backend.ends_with(&format!(", shared with pid {}", second.pid())),
        "the survivor holds the file now: {backend}"
    );
    second.send("q");
    second.wait_exit(STEP);
    let described = json(&["--db", db_arg, "describe", "--json"]);
    let backend = described["backend"].as_str().expect("backend label");
    assert!(
        !backend.contains("shared with"),
        "a new process holds the file itself: {backend}"
    );
    for id in &ids {
        let queried = json(&["--db", db_arg, "query", id, "--json"]);
        assert_eq!(queried["count"], 7, "{id}: {queried}");
    }
}

#[test]
fn serve_on_a_file_another_process_serves_is_refused_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("held.db");
    let db_arg = db.to_str().expect("utf-8 path");
    let mut cmd = pty::command(["--db", db_arg]);
    cmd.env("NO_COLOR", "1");
    let mut tui = Pty::spawn_command(cmd, Size::LARGE);
    tui.wait_for("end of table: empty", STEP);

    let out = cli(&["--db", db_arg, "serve", "--port", "0"]);
    assert!(!out.status.success(), "a second engine on the file");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("already served by process {}", tui.pid())),
        "{err}"
    );
    tui.send("q");
    tui.wait_exit(STEP);
}
