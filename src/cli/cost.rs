//! `dynamo-explorer cost`: the monthly bill of the request table at production volume, from
//! flags and the records we measured (issue 13). Flags are checked before anything is read;
//! the record size comes from `--record-bytes`, else from one Scan page of the connected table,
//! else from a generated record; the estimate itself is `crate::cost`'s pure model. Output is
//! rendered whole, then printed once: an error never leaves half a bill on stdout.
//!
//! Numbers and choices are taken as text and parsed here, so that a bad one gets a one-line
//! message naming the flag (clap's own refusals run over several lines).

use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, bail, eyre};

use super::ConnectionArgs;
use super::output::{warn_plain_http, write_line};
use crate::backend;
use crate::cost::{
    CapacityChoice, CostInputs, Deletes, Gsi, Prices, RecordsPerRequest, Report, SizeSource, Sizes,
    TableClass, estimate,
};

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer cost --requests-per-day 1000000 --mix realistic
  # both capacity modes as Markdown tables, for a pull request
  dynamo-explorer cost --requests-per-day 1000000 --record-bytes 400 --markdown
  dynamo-explorer cost --requests-per-day 50000 --retention-days 7 --json";

/// `cost` flags.
#[derive(Debug, Args)]
pub struct CostArgs {
    /// Requests written per day (required).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub requests_per_day: Option<String>,
    /// Records per request (a mean; may have a fraction) [default: 1].
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub records_per_request: Option<String>,
    /// realistic: the generator's mix (most requests 1 record, 1 in 50 with 100 to 5,000), its
    /// exact distribution; fixed: --records-per-request.
    #[arg(long, value_name = "fixed|realistic")]
    pub mix: Option<String>,
    /// Mean item size in bytes, names and values, as DynamoDB sizes it [default: measured: the
    /// mean of one Scan page (at most 1 MB) of the table, or a generated record if it is empty].
    #[arg(long, value_name = "B", allow_hyphen_values = true)]
    pub record_bytes: Option<String>,
    /// Requests read back per day, each a Query of all its records [default: 1% of
    /// --requests-per-day].
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub reads_per_day: Option<String>,
    /// Read back strongly consistent (twice the read units of eventual).
    #[arg(long)]
    pub consistent: bool,
    /// Days a record is kept.
    #[arg(
        long,
        value_name = "D",
        default_value = "30",
        allow_hyphen_values = true
    )]
    pub retention_days: String,
    /// How records go: ttl (free) or explicit (a delete per record, as dear as its put).
    #[arg(long, value_name = "ttl|explicit", default_value = "ttl")]
    pub deletes: String,
    /// A global secondary index on customer id: none, keys-only, or all attributes.
    #[arg(long, value_name = "none|keys-only|all", default_value = "none")]
    pub gsi: String,
    /// Capacity modes to price.
    #[arg(
        long,
        value_name = "on-demand|provisioned|both",
        default_value = "both"
    )]
    pub capacity: String,
    /// Peak traffic over average (provisioned capacity must carry the peak).
    #[arg(
        long,
        value_name = "X",
        default_value = "2",
        allow_hyphen_values = true
    )]
    pub peak_ratio: String,
    /// Auto scaling target utilization, in (0, 1].
    #[arg(
        long,
        value_name = "U",
        default_value = "0.7",
        allow_hyphen_values = true
    )]
    pub utilization: String,
    /// Table class.
    #[arg(long, value_name = "standard|standard-ia", default_value = "standard")]
    pub table_class: String,
    /// Point-in-time recovery on.
    #[arg(long)]
    pub pitr: bool,
    /// Take the free tier's 25 GB of storage off (Standard class).
    #[arg(long)]
    pub free_tier: bool,
    /// Prices file, TOML or JSON with the fields of assets/prices/us-east-1.toml [default: the
    /// embedded us-east-1 prices].
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Print the estimate as Markdown tables.
    #[arg(long)]
    pub markdown: bool,
}

/// Parses a number given to `flag`; only finite decimal numbers (`1000000`, `1e6`, `0.7`).
fn number(flag: &str, text: &str) -> Result<f64> {
    let t = text.trim();
    let v: f64 = t
        .replace('_', "")
        .parse()
        .map_err(|_| eyre!("{flag} {t:?} is not a number"))?;
    if !v.is_finite() {
        bail!("{flag} {t:?} is not a finite number");
    }
    Ok(v)
}

/// Picks one of `options` by name.
fn choice<T: Copy>(flag: &str, text: &str, options: &[(&str, T)]) -> Result<T> {
    let t = text.trim();
    options
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(t))
        .map(|&(_, v)| v)
        .ok_or_else(|| {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            eyre!("{flag} {t:?} is not one of {}", names.join(", "))
        })
}

/// The mean size of one Scan page of the connected table's items; a generated record's if
/// the table is empty.
async fn measured_sizes(conn_args: &ConnectionArgs) -> Result<Sizes> {
    let backend = conn_args.backend()?;
    warn_plain_http(&backend);
    let table = &conn_args.table;
    let conn = backend::connect(&backend, table, conn_args.create())
        .await
        .wrap_err("cannot measure the record size (give --record-bytes to skip measuring)")?;
    crate::cli::ttl::sweep_before(conn.server.as_ref(), true).await;
    let sample = conn.store.sample_items().await;
    if let Some(server) = conn.server {
        server.stop().await;
    }
    let sample = sample
        .wrap_err("cannot measure the record size (give --record-bytes to skip measuring)")?;
    let source = SizeSource::Measured {
        table: table.clone(),
        items: sample.items.len() as u64,
    };
    Ok(Sizes::mean_of(&sample.items, source).unwrap_or_else(|| {
        Sizes::generated(format!("table {table} on {} is empty", conn.info.label))
    }))
}

/// Runs `cost`; `json` is the global `--json`.
pub async fn run(conn: &ConnectionArgs, json: bool, args: &CostArgs) -> Result<()> {
    if json && args.markdown {
        bail!("give --json or --markdown, not both");
    }
    // Every flag is checked before anything is measured or read.
    let requests_per_day = number(
        "--requests-per-day",
        args.requests_per_day.as_deref().ok_or_else(|| {
            eyre!("--requests-per-day is required: the requests written per day, e.g. --requests-per-day 1000000")
        })?,
    )?;
    let mix = args
        .mix
        .as_deref()
        .map(|m| choice("--mix", m, &[("fixed", false), ("realistic", true)]))
        .transpose()?;
    let records = match (mix, &args.records_per_request) {
        (Some(true), Some(_)) => {
            bail!("give --records-per-request or --mix realistic, not both")
        }
        (Some(true), None) => RecordsPerRequest::Realistic,
        (_, Some(n)) => RecordsPerRequest::Fixed(number("--records-per-request", n)?),
        (_, None) => RecordsPerRequest::Fixed(1.0),
    };
    let record_bytes = args
        .record_bytes
        .as_deref()
        .map(|b| number("--record-bytes", b))
        .transpose()?;
    let reads_per_day = args
        .reads_per_day
        .as_deref()
        .map(|r| number("--reads-per-day", r))
        .transpose()?;
    let retention_days = number("--retention-days", &args.retention_days)?;
    let peak_ratio = number("--peak-ratio", &args.peak_ratio)?;
    let utilization = number("--utilization", &args.utilization)?;
    let deletes = choice(
        "--deletes",
        &args.deletes,
        &[("ttl", Deletes::Ttl), ("explicit", Deletes::Explicit)],
    )?;
    let gsi = choice(
        "--gsi",
        &args.gsi,
        &[
            ("none", Gsi::None),
            ("keys-only", Gsi::KeysOnly),
            ("all", Gsi::All),
        ],
    )?;
    let capacity = choice(
        "--capacity",
        &args.capacity,
        &[
            ("on-demand", CapacityChoice::OnDemand),
            ("provisioned", CapacityChoice::Provisioned),
            ("both", CapacityChoice::Both),
        ],
    )?;
    let table_class = choice(
        "--table-class",
        &args.table_class,
        &[
            ("standard", TableClass::Standard),
            ("standard-ia", TableClass::StandardIa),
        ],
    )?;
    let prices = match &args.prices {
        Some(path) => Prices::load(path)?,
        None => Prices::us_east_1(),
    };
    // Validate what the flags alone decide before measuring anything (placeholder sizes).
    let mut inputs = CostInputs::with_defaults(
        requests_per_day,
        record_bytes.unwrap_or(1.0),
        1.0,
        SizeSource::Flag,
    );
    inputs.records = records;
    inputs.reads_per_day = reads_per_day.unwrap_or(inputs.reads_per_day);
    inputs.consistent = args.consistent;
    inputs.retention_days = retention_days;
    inputs.deletes = deletes;
    inputs.gsi = gsi;
    inputs.capacity = capacity;
    inputs.peak_ratio = peak_ratio;
    inputs.utilization = utilization;
    inputs.table_class = table_class;
    inputs.pitr = args.pitr;
    inputs.free_tier = args.free_tier;
    inputs.validate()?;

    let sizes = match record_bytes {
        Some(bytes) => Sizes {
            record_bytes: bytes,
            // The keys an index entry holds do not depend on the payload: a generated record's.
            index_entry_bytes: Sizes::generated(String::new()).index_entry_bytes,
            source: SizeSource::Flag,
        },
        None => measured_sizes(conn).await?,
    };
    inputs.record_bytes = sizes.record_bytes;
    inputs.index_entry_bytes = sizes.index_entry_bytes;
    inputs.size_source = sizes.source;
    inputs.validate()?;

    let estimate = estimate(&inputs, &prices);
    let report = Report {
        inputs: &inputs,
        estimate: &estimate,
        prices: &prices,
        prices_file: args.prices.as_ref().map(|p| p.display().to_string()),
        reads_defaulted: reads_per_day.is_none(),
    };
    let out = if json {
        serde_json::to_string(&report.json())?
    } else if args.markdown {
        report.markdown()
    } else {
        report.text()
    };
    write_line(format_args!("{}", out.trim_end()));
    Ok(())
}
