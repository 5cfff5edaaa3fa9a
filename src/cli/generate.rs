//! `generate`: write generated requests with the batch writer (BatchWriteItem, 25 records per
//! call, UnprocessedItems resent, calls in flight adapted to the round trip and the limit),
//! then print the report or its `--json`.

use std::io::IsTerminal;

use clap::Args;
use color_eyre::eyre::{Result, eyre};

use super::output::{CpuMeter, ProgressLine, print_json, summary_line};
use super::report::{GenerateIncompleteJson, GenerateJson};
use super::{Cli, cancel_on_ctrl_c, whole};
use crate::backend::Connection;
use crate::request::generate::{GenerateSpec, Mix, build_records_expiring};
use crate::store::{CancellationToken, StoreError, WriteOptions};

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  # 3 requests of 1,000 records each; prints the request ids
  dynamo-explorer generate --requests 3 --records 1000
  # production-like sizes (most requests 1 record), as JSON for a script
  dynamo-explorer generate --requests 500 --mix realistic --json
  # ride a simulated on-demand table's limits on a throwaway engine
  dynamo-explorer --memory --limits on-demand generate --records 5000";

/// `generate` flags.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Requests to write (1 to 100,000).
    #[arg(long, default_value_t = 1, allow_hyphen_values = true, value_parser = whole::<u32>)]
    pub requests: u32,
    /// Records per request with --mix fixed (1 to 100,000; at most 1,000,000 records in all).
    #[arg(long, default_value_t = 10, allow_hyphen_values = true, value_parser = whole::<u32>)]
    pub records: u32,
    /// Payload bytes per record (the item must stay under 400 KB).
    #[arg(long, default_value_t = crate::request::generate::DEFAULT_PAYLOAD_BYTES, allow_hyphen_values = true, value_parser = whole::<usize>)]
    pub payload_bytes: usize,
    /// fixed: every request gets --records; realistic: most get 1, about 1 in 50 get 100 to 5,000.
    #[arg(long, value_enum, default_value_t = Mix::Fixed)]
    pub mix: Mix,
    /// At most this many BatchWriteItem calls in flight (1 to 256), halved on throttles.
    /// Default: adaptive, from 8 up to 128, grown from the measured round trip and
    /// throughput, and paced at the table's limit once throttled.
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<usize>)]
    pub concurrency: Option<usize>,
    /// How long the records live before TTL deletes them, free: 90s, 15m, 2h, 30d.
    #[arg(long, value_name = "DURATION", default_value_t = crate::ttl::Ttl::DEFAULT.to_string(), allow_hyphen_values = true)]
    pub ttl: String,
}

impl GenerateArgs {
    /// The generate spec of these flags (--ttl parsed).
    pub(super) fn spec(&self) -> Result<GenerateSpec> {
        Ok(GenerateSpec {
            requests: self.requests,
            records: self.records,
            payload_bytes: self.payload_bytes,
            mix: self.mix,
            ttl: self.ttl.parse().map_err(|e| eyre!("--ttl {e}"))?,
        })
    }
}

pub(super) async fn run(
    cli: &Cli,
    conn: &Connection,
    spec: GenerateSpec,
    opts: WriteOptions,
) -> Result<()> {
    let mut rng = fastrand::Rng::new();
    let counts = spec.plan(&mut rng);
    let (ids, records) = build_records_expiring(&counts, spec.payload_bytes, spec.ttl, &mut rng);
    let cancel = CancellationToken::new();
    cancel_on_ctrl_c(&cancel);
    let progress = ProgressLine::start(!cli.json && std::io::stderr().is_terminal());
    let cpu = CpuMeter::start();
    let result = conn
        .store
        .write_records(records, opts, &progress.sink(), &cancel)
        .await;
    let cpu_ms = cpu.ms();
    progress.finish().await;
    match result {
        Ok(report) => {
            if cli.json {
                print_json(&GenerateJson::new(&ids, &report, cpu_ms))?;
            } else {
                say!("{}", summary_line(&report));
                for id in &ids {
                    say!("{id}");
                }
            }
            Ok(())
        }
        Err(err) => {
            if cli.json
                && let StoreError::Incomplete {
                    confirmed,
                    in_flight,
                    not_done,
                    report,
                    ..
                } = &err
            {
                print_json(&GenerateIncompleteJson {
                    request_ids: &ids,
                    items: *confirmed,
                    in_flight: *in_flight,
                    not_written: not_done,
                    error: err.to_string(),
                    client_cpu_ms: cpu_ms,
                    calls: report.as_ref().into(),
                })?;
            }
            Err(err.into())
        }
    }
}
