//! The SQL console's history on disk: `sql_history` in the platform state directory
//! (`~/.local/state/dynamo-explorer` on Linux), one JSON string per line, appended as
//! statements run. `DYNAMO_EXPLORER_HISTORY` names another file (tests use it).

use std::io::Write;
use std::path::PathBuf;

use crate::tui::app::sql::editor::parse_history;

/// Where the history is kept.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DYNAMO_EXPLORER_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let dirs = directories::ProjectDirs::from("", "", "dynamo-explorer")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_dir());
    Some(dir.join("sql_history"))
}

/// The statements of earlier sessions (none when there is no file yet).
pub fn load() -> Vec<String> {
    path()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|text| parse_history(&text))
        .unwrap_or_default()
}

/// Appends one line. A history that cannot be written is not worth stopping for: the
/// statement ran; the reason is logged.
pub fn append(line: &str) {
    let Some(p) = path() else { return };
    let written = p
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&p)?;
            writeln!(f, "{line}")
        });
    if let Err(e) = written {
        tracing::warn!("cannot save the SQL history to {}: {e}", p.display());
    }
}
