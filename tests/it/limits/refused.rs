//! Bad `--limits` flags: one line, before anything is sent.

use super::*;

fn fails_with(args: &[&str], needles: &[&str]) {
    let out = cli(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should fail");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: {stderr:?} lacks {n:?}");
    }
}

#[test]
fn bad_limits_are_refused_in_one_line_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bad.db").display().to_string();
    let with = |rest: &[&'static str]| -> Vec<String> {
        let mut v = vec!["--db".to_owned(), db.clone()];
        v.extend(rest.iter().map(|s| (*s).to_owned()));
        v
    };
    let cases: [(Vec<String>, &[&str]); 6] = [
        (
            with(&["--limits", "provisioned:abc", "describe"]),
            &["--limits", "READ,WRITE"],
        ),
        (
            with(&["--limits", "provisioned:0,10", "describe"]),
            &["at least 1"],
        ),
        (
            with(&["--limits", "provisioned:10,-5", "describe"]),
            &["at least 1"],
        ),
        (
            with(&["--limits", "provisioned:50000,10", "describe"]),
            &["40,000", "table-level read throughput quota"],
        ),
        (
            with(&[
                "--limits",
                "on-demand",
                "--gsi-limits",
                "by_nothing=5,5",
                "describe",
            ]),
            &["by_nothing", "no global secondary index"],
        ),
        (
            vec![
                "--aws".into(),
                "--region".into(),
                "eu-west-1".into(),
                "--limits".into(),
                "on-demand".into(),
                "describe".into(),
            ],
            &["AWS", "own"],
        ),
    ];
    for (args, needles) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails_with(&args, needles);
    }
    // The unknown index was refused before the table was created: it is not there.
    let out = cli(&["--db", &db, "--limits", "on-demand", "--json", "describe"]);
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["created"], true, "{d}");
    assert_eq!(d["limits"], "limits: on-demand (simulated)");
}
