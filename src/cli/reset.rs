//! `reset`: removes the embedded engine's database file (with its `-wal`, `-shm` and
//! reserve) after a confirmation. The way out of a full disk that needs no free space:
//! deleting records, and even dropping the table, write to SQLite's log first, so on a disk
//! with no room left (and no reserve to release) they fail too; removing the file does not.

use std::io::IsTerminal;
use std::path::Path;

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, bail};
use serde::Serialize;

use super::ConnectionArgs;
use super::output::{ask, print_json, write_line};
use crate::backend::{self, Backend, DbLocation};
use crate::store::disk::{DbFile, human_bytes};

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer --db ./local.db reset
  # in a script: no question asked
  dynamo-explorer --db ./local.db reset --yes --json";

/// `reset` flags.
#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Serialize)]
struct ResetJson<'a> {
    path: &'a Path,
    removed_bytes: u64,
}

/// `reset`: the file is held exclusively (nothing else may serve it), the user confirms, then
/// the file and its companions go.
pub(super) async fn run(flags: &ConnectionArgs, json: bool, args: &ResetArgs) -> Result<()> {
    let path = match flags.backend()? {
        Backend::Embedded(DbLocation::File(path)) => path,
        Backend::Embedded(DbLocation::Memory) => {
            bail!("reset removes a database file; --memory has none")
        }
        _ => bail!(
            "reset removes the embedded engine's file (--db PATH, or the default local.db); \
             to empty a table elsewhere use drop-table"
        ),
    };
    if !path.exists() {
        bail!("{} does not exist: nothing to reset", path.display());
    }
    let file = DbFile::new(&path);
    if !args.yes && !std::io::stdin().is_terminal() {
        bail!("reset asks for confirmation: pass --yes (nothing was removed)");
    }
    let _lock = backend::hold_exclusively(&path).await?;
    let size = file.bytes_on_disk();
    if !args.yes {
        let answer = ask(&format!(
            "Remove {} ({}: every table in it), for good? [y/N] ",
            path.display(),
            human_bytes(size)
        ))?;
        if !matches!(answer.as_str(), "y" | "Y" | "yes") {
            bail!("not confirmed: nothing was removed");
        }
    }
    let reserve = std::fs::metadata(file.reserve_path()).map_or(0, |m| m.len());
    for part in file
        .with_companions()
        .into_iter()
        .chain([file.reserve_path()])
    {
        match std::fs::remove_file(&part) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).wrap_err_with(|| format!("cannot remove {}", part.display())),
        }
    }
    let removed = size + reserve;
    if json {
        print_json(&ResetJson {
            path: &path,
            removed_bytes: removed,
        })?;
    } else {
        write_line(format_args!(
            "removed {} ({} given back to the disk); the next command starts an empty database",
            path.display(),
            human_bytes(removed)
        ));
    }
    Ok(())
}
