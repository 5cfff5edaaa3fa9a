//! Credentials never reach the screen or the log; logs go to a file; serving beyond
//! loopback and plain http to another machine are warned about.

use std::time::{Duration, Instant};

use crate::common::{serve, spawn};
const FAKE_KEY_ID: &str = "AKIAFAKEKEYID7EXAMPLE";
const FAKE_SECRET: &str = "fAkE/S3cReT+never-print-me-0123456789abcd";

fn run_with_secret(args: &[&str], log: &std::path::Path) -> (bool, String) {
    // Scrubbed first, then the fake keys: the only AWS settings the binary sees.
    let out = spawn::command()
        .args(args)
        .arg("--log-file")
        .arg(log)
        .env("AWS_ACCESS_KEY_ID", FAKE_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn a_secret_key_never_appears_in_output_or_logs() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("logs/trace.log");
    let served = serve(&[]);
    // Success, with the SDK tracing everything it does.
    let (ok, out) = run_with_secret(
        &[
            "--endpoint",
            &served.url,
            "generate",
            "--records",
            "30",
            "--json",
        ],
        &log,
    );
    assert!(ok, "{out}");
    // Failure paths: unreachable endpoint, and a command that errors after connecting.
    let (ok, err_out) = run_with_secret(&["--endpoint", "http://127.0.0.1:9", "describe"], &log);
    assert!(!ok);
    let (ok, err_out2) = run_with_secret(
        &["--endpoint", &served.url, "--table", "x y", "describe"],
        &log,
    );
    assert!(!ok);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("batch write finished"),
        "the log file gets the operations: {logged:.500}"
    );
    assert!(
        logged.len() > 10_000,
        "RUST_LOG=trace reached the SDK too ({} bytes)",
        logged.len()
    );
    for (what, text) in [
        ("output", &out),
        ("error output", &err_out),
        ("error output", &err_out2),
        ("log", &logged),
    ] {
        assert!(
            !text.contains(FAKE_SECRET),
            "the secret key appears in the {what}"
        );
        assert!(
            !text.contains("never-print-me"),
            "part of the secret key appears in the {what}"
        );
    }
}

#[test]
fn logs_never_go_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dx.log");
    let out = spawn::command()
        .args([
            "--memory",
            "generate",
            "--records",
            "5",
            "--json",
            "--log-file",
        ])
        .arg(&log)
        .env("RUST_LOG", "debug")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str::<serde_json::Value>(&stdout).expect("stdout is only the JSON object");
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("batch write finished")
    );
}

#[test]
fn serving_beyond_loopback_is_warned_about() {
    // 192.0.2.1 (TEST-NET-1) is not an address of this machine: the bind fails, so the test
    // never listens beyond loopback, but the warning comes first.
    let out = spawn::command()
        .args(["--memory", "serve", "--bind", "192.0.2.1", "--port", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("warning") && stderr.contains("no credentials"),
        "{stderr}"
    );
    // And the default stays quiet about it.
    let served = serve(&[]);
    assert!(served.url.starts_with("http://127.0.0.1:"));
}

#[test]
fn plain_http_to_another_machine_is_warned_about() {
    // `.invalid` never resolves (RFC 6761): nothing leaves the machine, and the command fails
    // fast, after the warning.
    let started = Instant::now();
    let out = spawn::command()
        .args([
            "--endpoint",
            "http://dynamodb.example.invalid:8000",
            "describe",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(
            "warning: http://dynamodb.example.invalid:8000 is plain http to another machine"
        ),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(30), "{stderr}");
    // Loopback and https are not warned about.
    let served = serve(&[]);
    let out = spawn::command()
        .args(["--endpoint", &served.url, "describe"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
    let out = spawn::command()
        .args(["--endpoint", "https://dynamodb.example.invalid", "describe"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("plain http"));
}
