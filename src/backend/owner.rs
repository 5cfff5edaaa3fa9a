//! One engine per database file. Dynoxide keeps per-process caches of table metadata, so two
//! processes each running an engine on one SQLite file can disagree after a schema change,
//! and SQLite's busy timeout turns their contention into errors. So the first process that
//! opens a file holds it and serves it on loopback; a later process (TUI or CLI) on the same
//! file connects to that engine instead of opening the file, as any client would.
//!
//! The claim is an OS file lock (exclusive) on `<db>.lock` beside the file, which also
//! says who holds it: `pid=1234` and `url=http://127.0.0.1:PORT`, written once the engine
//! listens. The kernel drops the lock when the holder exits however it exits (SIGKILL
//! included), so the next opener simply takes over; the lock file stays (deleting it would
//! let a late opener lock a file nobody else sees).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use color_eyre::eyre::{Result, WrapErr, bail};

/// How long a later process waits for the holder to publish its address (it is starting) or
/// to let go (it is exiting) before giving up.
const JOIN_WAIT: Duration = Duration::from_secs(5);

/// The process holding a database file, and where its engine listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Its process id.
    pub pid: u32,
    /// Its engine, `http://127.0.0.1:PORT`.
    pub url: String,
}

/// This process holds the database file until this is dropped.
#[derive(Debug)]
pub struct OwnerLock {
    file: File,
}

/// The outcome of trying to hold a database file.
#[derive(Debug)]
pub enum Claim {
    /// Nobody else had it: it is ours.
    Owner(OwnerLock),
    /// Another process serves it.
    Held(Holder),
}

/// `<db>.lock`, beside the database file.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl OwnerLock {
    /// Says where this process's engine listens, for the processes that come later.
    pub fn publish(&mut self, url: &str) -> Result<()> {
        let text = format!("pid={}\nurl={url}\n", std::process::id());
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(text.as_bytes())?;
        self.file.flush()?;
        Ok(())
    }
}

/// Holds `db` if nobody does, else finds who does (waiting up to [`JOIN_WAIT`] for a holder
/// that is starting or exiting). Fails with a message naming the holder when its engine does
/// not answer.
pub fn claim(db: &Path) -> Result<Claim> {
    let path = lock_path(db);
    let deadline = Instant::now() + JOIN_WAIT;
    let mut last_seen = None;
    loop {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .wrap_err_with(|| format!("cannot open the lock file {}", path.display()))?;
        if try_lock(&file)? {
            return Ok(Claim::Owner(OwnerLock { file }));
        }
        if let Some(holder) = read_holder(&mut file) {
            if answers(&holder.url) {
                return Ok(Claim::Held(holder));
            }
            last_seen = Some(holder);
        }
        if Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    match last_seen {
        Some(h) => bail!(
            "{} is held by process {} (dynamo-explorer), whose engine does not answer at {}: \
             wait for it to finish, or stop it (kill {}), then try again",
            db.display(),
            h.pid,
            h.url,
            h.pid
        ),
        None => bail!(
            "{} is held by another process that has not said where its engine listens (see {}): \
             wait for it to finish or stop it, then try again",
            db.display(),
            path.display()
        ),
    }
}

/// The holder named in the lock file, once it has published.
fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    parse_holder(&text)
}

fn parse_holder(text: &str) -> Option<Holder> {
    let mut pid = None;
    let mut url = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("pid=") {
            pid = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("url=") {
            url = Some(v.trim().to_owned());
        }
    }
    let url = url.filter(|u| u.starts_with("http://127.0.0.1:"))?;
    Some(Holder { pid: pid?, url })
}

/// Does something accept connections at `url` (loopback only)?
fn answers(url: &str) -> bool {
    url.strip_prefix("http://")
        .and_then(|a| a.parse::<SocketAddr>().ok())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok())
}

/// Takes the exclusive lock if free (std's `File::try_lock`: `flock` on Unix, `LockFileEx`
/// on Windows).
fn try_lock(file: &File) -> Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).wrap_err("cannot lock the database's lock file")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_sits_beside_the_database() {
        assert_eq!(
            lock_path(Path::new("/data/local.db")),
            PathBuf::from("/data/local.db.lock")
        );
    }

    #[test]
    fn a_holder_is_read_only_once_complete_and_on_loopback() {
        assert_eq!(
            parse_holder("pid=42\nurl=http://127.0.0.1:5000\n"),
            Some(Holder {
                pid: 42,
                url: "http://127.0.0.1:5000".into()
            })
        );
        assert_eq!(parse_holder(""), None, "not published yet");
        assert_eq!(parse_holder("pid=42\n"), None);
        assert_eq!(parse_holder("pid=42\nurl=http://10.0.0.1:5000\n"), None);
    }

    #[test]
    fn a_second_claim_sees_the_first_holder_and_takes_over_once_it_is_gone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("x.db");
        let Claim::Owner(mut first) = claim(&db).expect("free") else {
            panic!("the first claim holds the file")
        };
        // Something that answers, published as the engine.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        first.publish(&url).expect("publish");
        match claim(&db).expect("joinable") {
            Claim::Held(h) => assert_eq!(
                h,
                Holder {
                    pid: std::process::id(),
                    url
                }
            ),
            Claim::Owner(_) => panic!("a second claim must not hold the file too"),
        }
        drop(first);
        assert!(
            matches!(claim(&db).expect("free again"), Claim::Owner(_)),
            "the lock goes with its holder"
        );
    }
}
