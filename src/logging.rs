//! Logs go to a file, never to the terminal: the TUI owns the screen, and scripts own stdout
//! and stderr. `--log-file PATH` picks the file, `RUST_LOG` the level (default `info` for this
//! crate; `RUST_LOG=debug,aws_smithy_runtime=debug` shows the SDK too).
//!
//! Lines are handed to a writer thread (tracing-appender's non-blocking writer) that writes
//! them through a buffer: the runtime threads that log never wait on the disk, nor on each
//! other for a file lock. What is queued is written out when the [`LogGuard`] is dropped (at
//! the end of `main`, also when a panic unwinds through it) or on [`flush`] (before
//! `process::exit`, which runs no destructors).

use std::fs::OpenOptions;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

static CURRENT: OnceLock<PathBuf> = OnceLock::new();

/// The writer thread's guard: dropping it writes out the queued lines and stops the thread.
static WRITER: Mutex<Option<WorkerGuard>> = Mutex::new(None);

/// The log file in use, if logging started.
pub fn current_path() -> Option<&'static Path> {
    CURRENT.get().map(PathBuf::as_path)
}

/// `dynamo-explorer.log` in the platform state directory (data directory where the
/// platform has no state directory).
pub fn default_log_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "dynamo-explorer")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_dir());
    Some(dir.join("dynamo-explorer.log"))
}

/// Keeps logging going; dropping it writes out every line logged so far (see [`flush`]).
#[must_use = "dropping the guard ends logging"]
pub struct LogGuard {
    path: PathBuf,
}

impl LogGuard {
    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        flush();
    }
}

/// Writes out every line logged so far and stops the writer thread; lines logged after it
/// are lost. For the very end of the process only. Waits at most a second (tracing-appender's
/// bound), so a stuck disk cannot hold the exit.
pub fn flush() {
    let guard = WRITER.lock().unwrap_or_else(|p| p.into_inner()).take();
    drop(guard);
}

/// Starts logging to `path` (or the default). Returns the guard that keeps it going, or why
/// there is no log: a log that cannot be written is not a reason to refuse to run.
pub fn init(path: Option<&Path>) -> Result<LogGuard, String> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => default_log_path().ok_or("no home directory for the log file")?,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open log file {}: {e}", path.display()))?;
    // Not lossy: with RUST_LOG=trace the SDK logs in bursts, and a log with holes misleads.
    // A thread that logs waits only if 128,000 lines are already queued.
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("log-writer")
        .finish(BufWriter::new(file));
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("dynamo_explorer=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| format!("logging already set up: {e}"))?;
    *WRITER.lock().unwrap_or_else(|p| p.into_inner()) = Some(guard);
    let _ = CURRENT.set(path.clone());
    Ok(LogGuard { path })
}
