//! `scan`: one page of the table, summarised per request id, and where to continue.

use clap::Args;
use color_eyre::eyre::{Result, eyre};

use super::Cli;
use super::output::{print_json, summary_line};
use super::report::ScanJson;
use crate::backend::Connection;
use crate::request::schema::RecordKey;
use crate::store::ScanOptions;

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer scan --limit 100
  # the next page: the previous page's last key
  dynamo-explorer scan --limit 100 --start '{\"request_id\":\"0b3c5a1e-5a4f-4c55-9a51-1f2d3c4b5a69\",\"seq\":41}'
  dynamo-explorer --endpoint http://127.0.0.1:8000 scan --json
  # any table: the items, filtered; the whole table in 4 parallel segments
  dynamo-explorer --table orders scan --items --filter 'total > :t' --values '{\":t\": 100}'
  dynamo-explorer --table orders scan --segments 4 --json";

/// `scan` flags.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Items to evaluate in this page (Limit).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Continue after this key: the previous page's last_evaluated_key, e.g. '{"request_id":"...","seq":3}'.
    #[arg(long, value_name = "KEY_JSON")]
    pub start: Option<String>,
    /// Strongly consistent read.
    #[arg(long)]
    pub consistent: bool,
    /// Print the items read (JSON `items`) instead of a summary per partition key.
    #[arg(long)]
    pub items: bool,
    /// Filter, names, values, projection.
    #[command(flatten)]
    pub expr: super::args::ExprArgs,
    /// A parallel scan of the whole table in N segments, every segment read to its end (in
    /// pages of 1,000 items unless --limit sets the page).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub segments: Option<u32>,
}

impl ScanArgs {
    /// Whether this scan goes by any table's keys rather than the request table's summary.
    pub(super) fn any_table(&self, cli: &Cli) -> bool {
        self.items || self.expr.any() || self.segments.is_some() || cli.ddb_json
    }
}

pub(super) fn parse_start(start: Option<&str>) -> Result<Option<RecordKey>> {
    start
        .map(|s| {
            serde_json::from_str::<RecordKey>(s).map_err(|e| {
                eyre!("--start {s:?} is not a key: expected JSON like {{\"request_id\":\"...\",\"seq\":3}} ({e})")
            })
        })
        .transpose()
}

pub(super) async fn run(
    cli: &Cli,
    conn: &Connection,
    args: &ScanArgs,
    start: Option<RecordKey>,
) -> Result<()> {
    let opts = ScanOptions {
        limit: args.limit,
        start,
        consistent: args.consistent,
    };
    let page = conn.store.scan_page(&opts).await?;
    if cli.json {
        print_json(&ScanJson::from(&page))?;
    } else {
        for r in &page.requests {
            say!("{}  {} record(s) on this page", r.request_id, r.records);
        }
        say!("{}", summary_line(&page.report));
        if let Some(k) = &page.last_evaluated_key {
            say!("more: --start '{}'", serde_json::to_string(k)?);
        }
    }
    Ok(())
}
