//! `query`: every record of one request (all pages, in parallel seq ranges for a big one),
//! with its completeness, its expired records and what it cost; `--require-complete` exits
//! with [`EXIT_INCOMPLETE`] unless the request is whole.

use clap::Args;
use color_eyre::eyre::Result;

use super::output::{CpuMeter, print_json, summary_line};
use super::report::QueryJson;
use super::{Cli, ttl};
use crate::backend::Connection;
use crate::request::completeness::Completeness;
use crate::request::schema::RequestId;
use crate::store::{QueryOptions, QueryOutput, Store, StoreError};

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer query 0b3c5a1e-5a4f-4c55-9a51-1f2d3c4b5a69
  # strongly consistent (twice the RCU), as JSON
  dynamo-explorer query REQUEST_ID --consistent --json
  # in a script: exit code 3 unless every record is there
  dynamo-explorer query REQUEST_ID --require-complete
  # any table: a partition, a sort key range, an index, a filter
  dynamo-explorer --table orders query c-17 --sort 'between 2026-01 and 2026-06' --desc
  dynamo-explorer --table orders query open --index by_status --filter 'total > :t' --values '{\":t\": 100}'";

/// `query` flags.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The partition key value: the request id on the request table (typed by the key's type
    /// elsewhere: text for S, a number for N, base64 for B, or DynamoDB JSON like '{"N": "5"}').
    #[arg(value_name = "VALUE")]
    pub request_id: String,
    /// A sort key condition: 'OP VALUE' with OP one of =, <, <=, >, >=, begins_with, or
    /// 'between A and B'.
    #[arg(long, value_name = "CONDITION", allow_hyphen_values = true)]
    pub sort: Option<String>,
    /// Query this index (GSI or LSI) instead of the table.
    #[arg(long, value_name = "NAME")]
    pub index: Option<String>,
    /// Filter, names, values, projection.
    #[command(flatten)]
    pub expr: super::args::ExprArgs,
    /// Sort key descending.
    #[arg(long)]
    pub desc: bool,
    /// DynamoDB's Limit: at most N items read, in one page; the output says where to go on.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Strongly consistent read (twice the RCU of the default eventual read).
    #[arg(long)]
    pub consistent: bool,
    /// Items per page (Limit); default: DynamoDB's 1 MB pages. Also reads the pages one
    /// after another.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: Option<u32>,
    /// Queries at once for a big request: after the first page, the rest is read as up to N
    /// seq ranges in parallel (same items, about the same RCU). 1: one page after another.
    #[arg(long, value_name = "N", default_value_t = crate::store::DEFAULT_QUERY_PARALLEL,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub parallel: u32,
    /// Hide records past their expires_at (a FilterExpression: the same RCU, as DynamoDB
    /// bills what a Query reads before filtering).
    #[arg(long)]
    pub exclude_expired: bool,
    /// Exit with code 3 unless the request is complete: exactly seqs 0..record_count-1,
    /// all saying the same record_count (no records at all is not complete either).
    #[arg(long)]
    pub require_complete: bool,
}

impl QueryArgs {
    /// Whether this query goes by any table's keys: a flag the request table's query does
    /// not take, or `--ddb-json`.
    pub(super) fn any_table(&self, cli: &Cli) -> bool {
        self.sort.is_some()
            || self.index.is_some()
            || self.expr.any()
            || self.desc
            || self.limit.is_some()
            || cli.ddb_json
    }
}

/// Exit code of `query --require-complete` when the request is not complete.
pub const EXIT_INCOMPLETE: u8 = 3;

/// The command ran, but its request is not complete and the user required it.
#[derive(Debug, thiserror::Error)]
#[error("--require-complete: {0}")]
pub struct NotComplete(String);

/// A query's records, the time expiry was judged at, and the process's CPU over the query.
pub(super) struct QueryRead {
    out: QueryOutput,
    now: i64,
    cpu_ms: u64,
}

pub(super) async fn read_query(
    store: Store,
    args: &QueryArgs,
    id: RequestId,
) -> Result<QueryRead, StoreError> {
    let opts = QueryOptions {
        consistent: args.consistent,
        page_size: args.page_size,
        parallel: args.parallel,
    };
    let cpu = CpuMeter::start();
    let now = crate::ttl::now_epoch();
    let out = if args.exclude_expired {
        store.query_request_unexpired(&id, &opts, now).await?
    } else {
        store.query_request(&id, &opts).await?
    };
    Ok(QueryRead {
        out,
        now,
        cpu_ms: cpu.ms(),
    })
}

/// `query`: `read` is its result when it ran beside the table check, else it runs now.
pub(super) async fn run(
    cli: &Cli,
    conn: &Connection,
    args: &QueryArgs,
    id: RequestId,
    read: Option<Result<QueryRead, StoreError>>,
) -> Result<()> {
    let QueryRead { out, now, cpu_ms } = match read {
        Some(read) => read?,
        None => read_query(conn.store.clone(), args, id).await?,
    };
    let completeness = Completeness::of(&out.records);
    if cli.json {
        let mut json = QueryJson::new(&out, args.consistent, cpu_ms, &completeness);
        json.expired = crate::ttl::count_expired(&out.records, now);
        print_json(&json)?;
    } else {
        say!(
            "{:>6}  {:<24}  {:>6}  {:<7}  payload",
            "seq",
            "created_at",
            "bytes",
            "ttl"
        );
        for (r, size) in out.records.iter().zip(&out.sizes) {
            let preview: String = r.payload.chars().take(40).collect();
            let ttl = if crate::ttl::is_expired(r.expires_at, now) {
                "expired"
            } else {
                "-"
            };
            say!(
                "{:>6}  {:<24}  {:>6}  {ttl:<7}  {preview}",
                r.seq,
                r.created_at,
                size
            );
        }
        if let Some(note) = ttl::expired_note(&out, now, args.exclude_expired) {
            say!("{note}");
        }
        say!(
            "{} ({} pages, {} read{})",
            summary_line(&out.report),
            out.pages,
            if args.consistent {
                "strong"
            } else {
                "eventual"
            },
            if out.records.is_empty() {
                "; no such request"
            } else {
                ""
            }
        );
        if !out.records.is_empty() {
            say!("{}", completeness.summary());
        }
    }
    if args.require_complete && !completeness.is_complete() {
        return Err(NotComplete(completeness.summary()).into());
    }
    Ok(())
}
