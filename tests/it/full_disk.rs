//! A way out of a full disk, on a real one: a 64 MB tmpfs this test mounts (it needs root, as
//! CI has; elsewhere it says why it did not run). A generate bigger than the disk fails at
//! once, naming the file and the space left, with honest confirmed counts and no retries;
//! the records it wrote can then be deleted (the reserve kept for that is released);
//! `compact` gives their space back; and a new generate fits again.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::cli;
use serde_json::Value;

/// A tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

fn run(db: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--db", db.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    cli(&all)
}

fn ok_json(db: &Path, args: &[&str]) -> Value {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// Request ids with records on the table, by scanning it all.
fn requests_on(db: &Path) -> Vec<String> {
    let mut ids = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let mut args = vec!["scan", "--json"];
        if let Some(s) = &start {
            args.extend(["--start", s.as_str()]);
        }
        let page = ok_json(db, &args);
        for r in page["requests"].as_array().expect("requests") {
            let id = r["request_id"].as_str().expect("id").to_owned();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        match &page["last_evaluated_key"] {
            Value::Null => return ids,
            key => start = Some(key.to_string()),
        }
    }
}

/// A tmpfs of `size`, or `None` (said on stderr) where this user cannot mount one.
fn small_disk(size: &str) -> Option<Tmpfs> {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !is_root {
        eprintln!("SKIPPED: mounting a small file system needs root (CI runs as root)");
        return None;
    }
    match Tmpfs::mount(size) {
        Ok(fs) => Some(fs),
        Err(e) => {
            eprintln!("SKIPPED: cannot mount a tmpfs here: {e}");
            None
        }
    }
}

#[test]
fn a_full_disk_fails_fast_and_deletes_compact_and_a_new_generate_get_out_of_it() {
    let Some(fs) = small_disk("64m") else { return };
    let db: PathBuf = fs.path().join("full.db");

    // 20,000 records of 4 KB: far more than 64 MB can hold.
    let out = run(
        &db,
        &[
            "generate",
            "--requests",
            "20",
            "--records",
            "1000",
            "--payload-bytes",
            "4000",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the disk cannot hold it all");
    assert!(err.contains("full.db is on a full disk"), "{err}");
    assert!(
        err.contains("8.0 MB is kept in reserve, and the first delete releases it"),
        "the reserve makes room for deletes: {err}"
    );
    let reserve = PathBuf::from(format!("{}.reserve", db.display()));
    assert!(
        reserve.exists(),
        "a write does not release the reserve: its writes in flight would fill it"
    );
    assert!(err.contains("of 20000 records written confirmed"), "{err}");
    assert!(
        !err.contains("gave up after"),
        "a full disk is not retried: {err}"
    );

    // Every request that landed can be deleted on the full disk.
    let ids = requests_on(&db);
    assert!(
        !ids.is_empty(),
        "some records landed before the disk filled"
    );
    for id in &ids {
        ok_json(&db, &["delete", id, "--json"]);
    }
    assert!(requests_on(&db).is_empty(), "every record deleted");

    let compacted = ok_json(&db, &["compact", "--json"]);
    let before = compacted["before_bytes"].as_u64().expect("before");
    let after = compacted["after_bytes"].as_u64().expect("after");
    assert!(
        after * 4 < before,
        "compact gives the deleted records' space back: {before} -> {after} bytes"
    );

    // And the disk takes new records again.
    let generated = ok_json(
        &db,
        &[
            "generate",
            "--requests",
            "2",
            "--records",
            "1000",
            "--payload-bytes",
            "4000",
            "--json",
        ],
    );
    assert_eq!(generated["items"], 2000, "{generated}");
}

/// A disk with no room for the 8 MB reserve (24 MB: the reserve needs 40 MB free): opening
/// the database says so in one warning line; once the disk is full every failure is one
/// readable line that names the way out, `reset`, which removes the file; then the disk
/// takes records again.
#[test]
fn without_room_for_the_reserve_the_warning_and_every_failure_name_reset() {
    let Some(fs) = small_disk("24m") else { return };
    let db: PathBuf = fs.path().join("tiny.db");
    let db_arg = db.to_str().expect("utf-8 path");

    let out = run(&db, &["generate", "--records", "10"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let warning: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warning.len(), 1, "one warning line: {err}");
    assert!(
        warning[0].contains("too little to keep the 8.0 MB reserve")
            && warning[0].contains(&format!("--db {db_arg} reset")),
        "{err}"
    );

    // Fill the disk.
    let out = run(
        &db,
        &[
            "generate",
            "--requests",
            "10",
            "--records",
            "1000",
            "--payload-bytes",
            "4000",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "24 MB cannot hold 40 MB of records");
    crate::common::assert_readable(&err);
    assert!(err.contains("tiny.db is on a full disk"), "{err}");
    assert!(
        err.contains(&format!("`dynamo-explorer --db {db_arg} reset`")),
        "no reserve to release: the way out is named: {err}"
    );

    // Whatever a delete or drop-table manage on the full disk, what they say is readable and
    // a failure names the way out.
    let id = requests_on(&db).first().cloned().expect("a request landed");
    for args in [
        vec!["delete", id.as_str(), "--seq", "0"],
        vec!["drop-table", "--yes"],
    ] {
        let out = run(&db, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        eprintln!("{args:?} on the full disk: {:?} {err:?}", out.status.code());
        crate::common::assert_readable(&err);
        if !out.status.success() {
            assert!(err.contains("reset"), "{args:?} names the way out: {err}");
        }
    }

    // reset: refused without a terminal or --yes; then the file goes.
    let out = run(&db, &["reset"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pass --yes (nothing was removed)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.exists());
    let reset = ok_json(&db, &["reset", "--yes", "--json"]);
    assert!(
        reset["removed_bytes"]
            .as_u64()
            .is_some_and(|b| b > 1_000_000),
        "{reset}"
    );
    assert!(!db.exists(), "the database file is gone");

    // An empty database on a disk with room again.
    let generated = ok_json(&db, &["generate", "--records", "100", "--json"]);
    assert_eq!(generated["items"], 100, "{generated}");
}
