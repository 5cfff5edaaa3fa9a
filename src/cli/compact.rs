//! `compact`: gives the space of deleted records back to the disk. SQLite reuses the pages of
//! deleted rows for new ones but never shrinks the file by itself; VACUUM rewrites it.
//! Dynoxide has no VACUUM, so this opens the file with the same SQLite build (rusqlite),
//! holding the file's lock: nothing else may serve it meanwhile.

use std::path::Path;

use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use serde::Serialize;

use super::ConnectionArgs;
use super::output::{print_json, write_line};
use crate::backend::{self, Backend, DbLocation};
use crate::store::disk::{DbFile, human_bytes};

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer compact
  dynamo-explorer --db ./local.db compact --json";

#[derive(Serialize)]
struct CompactJson<'a> {
    path: &'a Path,
    before_bytes: u64,
    after_bytes: u64,
}

/// `compact`: VACUUM the embedded database file and say how much space came back.
pub(super) async fn run(flags: &ConnectionArgs, json: bool) -> Result<()> {
    let path = match flags.backend()? {
        Backend::Embedded(DbLocation::File(path)) => path,
        Backend::Embedded(DbLocation::Memory) => {
            bail!("compact works on a database file; --memory has none")
        }
        _ => bail!(
            "compact works on the embedded engine's file (--db PATH, or the default local.db); \
             other engines manage their own storage"
        ),
    };
    if !path.exists() {
        bail!("{} does not exist: nothing to compact", path.display());
    }
    let _lock = backend::hold_exclusively(&path).await?;
    let before = DbFile::new(&path).bytes_on_disk();
    let vacuum_path = path.clone();
    tokio::task::spawn_blocking(move || vacuum(&vacuum_path))
        .await
        .map_err(|e| eyre!("internal error compacting: {e}"))??;
    let after = DbFile::new(&path).bytes_on_disk();
    DbFile::new(&path).ensure_reserve();
    if json {
        print_json(&CompactJson {
            path: &path,
            before_bytes: before,
            after_bytes: after,
        })?;
    } else {
        write_line(format_args!(
            "compacted {}: {} -> {} ({} given back to the disk)",
            path.display(),
            human_bytes(before),
            human_bytes(after),
            human_bytes(before.saturating_sub(after))
        ));
    }
    Ok(())
}

fn vacuum(path: &Path) -> Result<()> {
    let db = rusqlite::Connection::open(path)
        .wrap_err_with(|| format!("cannot open {} to compact it", path.display()))?;
    let full_hint = |e: rusqlite::Error| {
        let free = DbFile::new(path)
            .free_bytes()
            .map_or_else(|| "unknown".to_owned(), human_bytes);
        eyre!(
            "cannot compact {}: {e} (VACUUM writes a copy of what is left, so it needs about \
             that much free space; {free} free)",
            path.display()
        )
    };
    // Fold the WAL into the file first (and after: VACUUM in WAL mode goes through it).
    db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
        .map_err(full_hint)?;
    Ok(())
}
