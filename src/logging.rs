//! Logs go to a file, never to the terminal: the TUI owns the screen, and scripts own stdout
//! and stderr. `--log-file PATH` picks the file, `RUST_LOG` the level (default `info` for this
//! crate; `RUST_LOG=debug,aws_smithy_runtime=debug` shows the SDK too).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

static CURRENT: OnceLock<PathBuf> = OnceLock::new();

/// The log file in use, if logging started.
pub fn current_path() -> Option<&'static Path> {
    CURRENT.get().map(PathBuf::as_path)
}

use tracing_subscriber::EnvFilter;

/// `dynamo-explorer.log` in the platform state directory (data directory where the
/// platform has no state directory).
pub fn default_log_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "dynamo-explorer")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_dir());
    Some(dir.join("dynamo-explorer.log"))
}

/// Starts logging to `path` (or the default). Returns the file in use, or why there is none:
/// a log that cannot be written is not a reason to refuse to run.
pub fn init(path: Option<&Path>) -> Result<PathBuf, String> {
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
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("dynamo_explorer=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .map_err(|e| format!("logging already set up: {e}"))?;
    let _ = CURRENT.set(path.clone());
    Ok(path)
}
