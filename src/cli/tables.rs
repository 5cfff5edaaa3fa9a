//! `tables`: every table of the endpoint (ListTables, all pages), each with its keys and
//! their types, billing mode, approximate item count and size, indexes and TTL attribute.

use color_eyre::eyre::Result;
use serde::Serialize;

use super::Cli;
use super::output::print_json;
use crate::backend;
use crate::table::TableDesc;

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer tables
  dynamo-explorer --endpoint http://127.0.0.1:8000 tables --json";

pub(super) async fn run(cli: &Cli) -> Result<()> {
    let (backend, limits) = cli.conn.checked()?;
    let (store, info, server) = backend::open_table(&backend, &cli.conn.table, &limits).await?;
    let result = store.list_tables().await;
    if let Some(server) = server {
        server.stop().await;
    }
    let tables = result?;
    if cli.json {
        #[derive(Serialize)]
        struct TablesJson<'a> {
            tables: &'a [TableDesc],
        }
        return print_json(&TablesJson { tables: &tables });
    }
    if tables.is_empty() {
        say!("no tables on {}", info.label);
        return Ok(());
    }
    say!("{} table(s) on {}", tables.len(), info.label);
    for t in &tables {
        let indexes: Vec<String> = t
            .gsis
            .iter()
            .map(|i| format!("GSI {}", i.name))
            .chain(t.lsis.iter().map(|i| format!("LSI {}", i.name)))
            .collect();
        say!(
            "{}  {}  {}  ~{} items, ~{} bytes (approx.){}{}",
            t.name,
            t.key_text(),
            t.billing_mode,
            crate::fmt::thousands(t.item_count.max(0) as u64),
            crate::fmt::thousands(t.size_bytes.max(0) as u64),
            if indexes.is_empty() {
                String::new()
            } else {
                format!("  {}", indexes.join(", "))
            },
            t.ttl_attribute
                .as_ref()
                .map_or(String::new(), |a| format!("  TTL {a}"))
        );
    }
    Ok(())
}
