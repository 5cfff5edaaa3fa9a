//! `drop-table`: deletes the table (DeleteTable) after a confirmation; on AWS the table's
//! name must be typed or given with `--confirm NAME`.

use std::io::IsTerminal;

use clap::Args;
use color_eyre::eyre::{Result, bail, eyre};
use serde::Serialize;

use super::ConnectionArgs;
use super::output::{ask, print_json, warn_plain_http, write_line};
use crate::backend::{self, Backend, DbLocation};
use crate::store::sdk_error_line;

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer drop-table
  dynamo-explorer --db ./local.db drop-table --yes
  # on AWS the table's name is typed out
  dynamo-explorer --aws --table requests drop-table --confirm requests";

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
struct DropJson<'a> {
    table: &'a str,
    backend: &'a str,
    deleted: bool,
}

/// `drop-table`: DeleteTable after a confirmation.
pub(super) async fn run(flags: &ConnectionArgs, json: bool, args: &DropTableArgs) -> Result<()> {
    let backend = flags.backend()?;
    let table = flags.table.as_str();
    crate::request::schema::validate_table_name(table).map_err(|e| eyre!(e))?;
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
            "cannot describe table {table:?} on {}: {}{}",
            info.label,
            sdk_error_line(e),
            way_out(&backend, &sdk_error_line(e))
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
            let line = sdk_error_line(&e);
            eyre!(
                "DeleteTable {table:?} failed: {line} (nothing was deleted){}",
                way_out(&backend, &line)
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

/// What to do when the engine said its disk is full: even dropping a table writes to the
/// database, so the way out that needs no space is removing the file.
fn way_out(backend: &Backend, message: &str) -> String {
    match backend {
        Backend::Embedded(DbLocation::File(path))
            if message.to_ascii_lowercase().contains("disk is full") =>
        {
            format!(
                ". The disk holding {} is full: free space on it, or remove the database with \
                 `dynamo-explorer --db {} reset` (asks first)",
                path.display(),
                path.display()
            )
        }
        _ => String::new(),
    }
}
