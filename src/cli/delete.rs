//! `delete`: the records of a request (all of them, found with a keys-only query, or the seqs
//! given) deleted with the batch writer, and what it cost.

use clap::Args;
use color_eyre::eyre::Result;

use super::output::{CpuMeter, print_json, summary_line};
use super::report::DeleteJson;
use super::{Cli, cancel_on_ctrl_c, whole};
use crate::backend::Connection;
use crate::request::schema::{RecordKey, RequestId};
use crate::store::{BatchProgress, CancellationToken, OpReport, Store, StoreError, WriteOptions};

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  # every record of a request
  dynamo-explorer delete 0b3c5a1e-5a4f-4c55-9a51-1f2d3c4b5a69
  # three records, as JSON
  dynamo-explorer delete REQUEST_ID --seq 3,4,5 --json
  # items of any table, by key
  dynamo-explorer --table orders delete --key '{\"pk\": \"o-17\"}' --key '{\"pk\": \"o-18\"}'";

/// `delete` flags.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The request id (the request table). For any table, give --key instead.
    #[arg(required_unless_present = "key", conflicts_with = "key")]
    pub request_id: Option<String>,
    /// An item's key as JSON, e.g. '{"pk": "o-17"}' or '{"pk": "c-1", "sk": 3}' (repeat for
    /// more items): deletes items of any table (DeleteItem each; the WCU are their sizes).
    #[arg(long, value_name = "JSON")]
    pub key: Vec<String>,
    /// On AWS, deleting by --key from a table other than the request table needs the
    /// table's name typed here.
    #[arg(long, value_name = "TABLE")]
    pub confirm: Option<String>,
    /// Only these records, e.g. 3,4,5 (default: every record of the request).
    #[arg(long, value_delimiter = ',', value_name = "N,N,...")]
    pub seq: Vec<u32>,
    /// At most this many BatchWriteItem calls in flight (1 to 256). Default: adaptive, as
    /// for generate.
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<usize>)]
    pub concurrency: Option<usize>,
}

/// The keys of a request to delete, the keys-only query's report, and the process's CPU
/// over that query.
pub(super) struct KeysRead {
    found: (Vec<RecordKey>, OpReport),
    cpu_ms: u64,
}

pub(super) async fn read_keys(store: Store, id: RequestId) -> Result<KeysRead, StoreError> {
    let cpu = CpuMeter::start();
    let found = store.request_keys(&id).await?;
    Ok(KeysRead {
        found,
        cpu_ms: cpu.ms(),
    })
}

/// `delete`: `keys` are the request's keys when they were read beside the table check.
pub(super) async fn run(
    cli: &Cli,
    conn: &Connection,
    args: &DeleteArgs,
    id: RequestId,
    opts: WriteOptions,
    keys: Option<Result<KeysRead, StoreError>>,
) -> Result<()> {
    let cancel = CancellationToken::new();
    cancel_on_ctrl_c(&cancel);
    // No progress line: a delete is reported when it is done.
    let printer = |_: BatchProgress| {};
    let cpu = CpuMeter::start();
    let mut read_cpu_ms = 0;
    let report = if args.seq.is_empty() {
        let found = match keys {
            Some(read) => {
                let read = read?;
                read_cpu_ms = read.cpu_ms;
                read.found
            }
            None => conn.store.request_keys(&id).await?,
        };
        conn.store
            .delete_found(found, opts, &printer, &cancel)
            .await?
    } else {
        let keys = args
            .seq
            .iter()
            .map(|&seq| RecordKey {
                request_id: id.clone(),
                seq,
            })
            .collect();
        conn.store
            .delete_keys(keys, opts, &printer, &cancel)
            .await?
    };
    if cli.json {
        print_json(&DeleteJson {
            request_id: &id,
            deleted: report.items,
            client_cpu_ms: read_cpu_ms + cpu.ms(),
            calls: (&report).into(),
        })?;
    } else {
        say!("{}", summary_line(&report));
    }
    Ok(())
}
