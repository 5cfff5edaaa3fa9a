//! `compact` and `drop-table`: the way out of a full disk and the way to start over.
//!
//! - `compact` gives the space of deleted records back to the disk. SQLite reuses the pages
//!   of deleted rows for new ones but never shrinks the file by itself; VACUUM rewrites it.
//!   Dynoxide has no VACUUM, so this opens the file with the same SQLite build (rusqlite),
//!   holding the file's lock: nothing else may serve it meanwhile.
//! - `drop-table` deletes the table (DeleteTable) after a confirmation; on AWS the table's
//!   name must be typed or given with `--confirm NAME`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use serde::Serialize;

use crate::backend::{self, Backend, DbLocation};
use crate::cli::args::ConnectionArgs;
use crate::cli::output::{print_json, warn_plain_http, write_line};
use crate::store::disk::{DbFile, human_bytes};

/// `drop-table` flags.
#[derive(Debug, Args)]
pub struct DropTableArgs {
    /// Do not ask for confirmation (on AWS, `--confirm NAME` is needed as well).
    #[arg(long)]
    pub yes: bool,
    /// The table's name, typed out: required to drop a table on AWS without a prompt.
    #[arg(long, value_name = "NAME")]
    pub confirm: Option<String>,
}

#[derive(Serialize)]
struct CompactJson<'a> {
    path: &'a Path,
    before_bytes: u64,
    after_bytes: u64,
}

#[derive(Serialize)]
struct DropJson<'a> {
    table: &'a str,
    backend: &'a str,
    deleted: bool,
}

/// The database file and its `-wal` and `-shm` companions, in bytes.
fn on_disk(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            std::fs::metadata(p).map_or(0, |m| m.len())
        })
        .sum()
}

/// `compact`: VACUUM the embedded database file and say how much space came back.
pub async fn compact(flags: &ConnectionArgs, json: bool) -> Result<()> {
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
    let before = on_disk(&path);
    let vacuum_path = path.clone();
    tokio::task::spawn_blocking(move || vacuum(&vacuum_path))
        .await
        .map_err(|e| eyre!("internal error compacting: {e}"))??;
    let after = on_disk(&path);
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

/// `drop-table`: DeleteTable after a confirmation.
pub async fn drop_table(flags: &ConnectionArgs, json: bool, args: &DropTableArgs) -> Result<()> {
    let backend = flags.backend()?;
    let table = flags.table.as_str();
    crate::schema::validate_table_name(table).map_err(|e| eyre!(e))?;
    let is_aws = matches!(backend, Backend::Aws { .. });
    // Checked before anything is sent: on AWS the name must be given, or typed at a prompt.
    let interactive = std::io::stdin().is_terminal();
    if is_aws {
        match &args.confirm {
            Some(name) if name == table => {}
            Some(name) => {
                bail!("--confirm {name:?} does not match the table {table:?}: nothing was deleted")
            }
            None if args.yes || !interactive => bail!(
                "drop-table on AWS needs the table's name: pass --confirm {table} (nothing was deleted)"
            ),
            None => {}
        }
    }
    warn_plain_http(&backend);
    let (client, info, server) = backend::open(&backend).await?;
    let described = client.describe_table().table_name(table).send().await;
    let items = match &described {
        Ok(out) => out.table().and_then(|t| t.item_count()).unwrap_or(0),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            bail!(
                "table {table:?} does not exist on {}: nothing to drop",
                info.label
            )
        }
        Err(e) => bail!(
            "cannot describe table {table:?} on {}: {}",
            info.label,
            aws_sdk_dynamodb::error::DisplayErrorContext(e)
        ),
    };
    let confirmed_by_flags = args.yes && (!is_aws || args.confirm.as_deref() == Some(table));
    if !confirmed_by_flags {
        if !interactive {
            bail!("drop-table asks for confirmation: pass --yes (nothing was deleted)");
        }
        let question = if is_aws {
            format!(
                "Delete table {table:?} on {} with about {items} items, for good? Type its name to confirm: ",
                info.label
            )
        } else {
            format!(
                "Delete table {table:?} on {} with about {items} items? [y/N] ",
                info.label
            )
        };
        let answer = ask(&question)?;
        let yes = if is_aws {
            answer == table
        } else {
            matches!(answer.as_str(), "y" | "Y" | "yes")
        };
        if !yes {
            bail!("not confirmed: nothing was deleted");
        }
    }
    client
        .delete_table()
        .table_name(table)
        .send()
        .await
        .map_err(|e| {
            eyre!(
                "DeleteTable {table:?} failed: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(e)
            )
        })?;
    if json {
        print_json(&DropJson {
            table,
            backend: &info.label,
            deleted: true,
        })?;
    } else {
        write_line(format_args!(
            "deleted table {table:?} on {} (about {items} items); the next command creates it \
             empty{}",
            info.label,
            if is_aws {
                " only with --create-table"
            } else {
                ""
            }
        ));
    }
    if let Some(server) = server {
        server.stop().await;
    }
    Ok(())
}

fn ask(question: &str) -> Result<String> {
    let mut err = std::io::stderr();
    write!(err, "{question}")?;
    err.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}
