//! `describe`: the table's key schema, billing mode, approximate item count and size, and the
//! backend and limits it was reached through.

use color_eyre::eyre::Result;

use super::Cli;
use super::output::print_json;
use super::report::DescribeJson;
use crate::backend::Connection;

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer describe
  dynamo-explorer --endpoint http://127.0.0.1:8000 --table requests describe --json";

pub(super) fn run(cli: &Cli, conn: &Connection) -> Result<()> {
    let t = &conn.table;
    if cli.json {
        print_json(&DescribeJson {
            table: t,
            backend: &conn.info.label,
            limits: conn.info.limits.to_string(),
        })?;
    } else {
        say!("backend:      {}", conn.info.label);
        say!(
            "{:<13} {}",
            "limits:",
            conn.info.limits.to_string().trim_start_matches("limits: ")
        );
        say!("table:        {} ({})", t.name, t.status);
        say!("key schema:   {}", t.key_schema);
        say!("billing mode: {}", t.billing_mode);
        say!("items:        {} (approximate)", t.item_count);
        say!("size:         {} bytes (approximate)", t.size_bytes);
    }
    Ok(())
}
