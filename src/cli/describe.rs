//! `describe`: any table's keys with their types, indexes, billing mode, approximate item
//! count and size, TTL attribute, and the backend and limits it was reached through.

use color_eyre::eyre::Result;
use serde::Serialize;

use super::Cli;
use super::any::{close, open};
use super::output::print_json;
use crate::table::TableDesc;

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer describe
  dynamo-explorer --endpoint http://127.0.0.1:8000 --table orders describe --json";

/// `describe` on any table.
pub(super) async fn run(cli: &Cli) -> Result<()> {
    let conn = open(cli).await?;
    let t = conn.table.clone();
    let created = conn.created;
    let label = conn.info.label.clone();
    let limits = conn.info.limits.to_string();
    close(conn).await;
    if cli.json {
        #[derive(Serialize)]
        struct DescribeJson<'a> {
            #[serde(flatten)]
            table: &'a TableDesc,
            key_schema_text: String,
            created: bool,
            backend: &'a str,
            limits: String,
        }
        return print_json(&DescribeJson {
            table: &t,
            key_schema_text: t.key_text(),
            created,
            backend: &label,
            limits,
        });
    }
    say!("backend:      {label}");
    say!(
        "{:<13} {}",
        "limits:",
        limits.trim_start_matches("limits: ")
    );
    for line in describe_lines(&t) {
        say!("{line}");
    }
    Ok(())
}

/// The lines `describe` prints for a table (and `tables` for each).
pub(super) fn describe_lines(t: &TableDesc) -> Vec<String> {
    let mut lines = vec![
        format!("table:        {} ({})", t.name, t.status),
        format!("key schema:   {}", t.key_text()),
        format!("billing mode: {}", t.billing_mode),
        format!("items:        {} (approximate)", t.item_count),
        format!("size:         {} bytes (approximate)", t.size_bytes),
    ];
    for (kind, list) in [("GSI", &t.gsis), ("LSI", &t.lsis)] {
        for i in list {
            lines.push(format!(
                "{kind}:          {}: {}, projection {}",
                i.name,
                crate::table::desc::keys_text(&i.key_schema),
                i.projection
            ));
        }
    }
    lines.push(format!(
        "TTL:          {}",
        t.ttl_attribute.as_deref().unwrap_or("off")
    ));
    if !t.is_request_table() {
        lines.push(
            "(not the request table: generate, completeness and the cost model need \
             request_id (S) + seq (N); query, scan and delete --key work on it)"
                .into(),
        );
    }
    lines
}
