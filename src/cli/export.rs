//! `export`: a table's items to a file or stdout, as DynamoDB's own export format
//! (`ddb-json`: one `{"Item": {...}}` per line, every type exact), plain JSON lines (`jsonl`)
//! or CSV; the whole table in parallel Scan segments, or one partition by Query. Streams as it
//! reads: memory stays flat whatever the table's size.

use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use serde::Serialize;
use tokio::sync::mpsc;

use super::any::{close, open};
use super::args::ExprArgs;
use super::output::print_json;
use super::report::CallsJson;
use super::{Cli, cancel_on_ctrl_c};
use crate::store::{CancellationToken, READ_USD_PER_MILLION};
use crate::table::transfer::{PAGE_ITEMS, Progress, Source, default_segments};
use crate::table::value::{Item, item_to_ddb_json, item_to_plain_json, short_text};
use crate::table::{QuerySpec, ScanSpec, prepare_query, prepare_scan};

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  # the whole table, in DynamoDB's export format (imports here and on AWS)
  dynamo-explorer --table orders export --format ddb-json -o orders.jsonl
  # one partition, as CSV
  dynamo-explorer --table orders export --format csv --partition c-17 -o c-17.csv";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `{"Item": {...}}` per line, DynamoDB JSON: the layout of DynamoDB's export to S3.
    DdbJson,
    /// Plain JSON per line: sets become arrays, binary becomes base64 text.
    Jsonl,
    /// CSV: key attributes first, then every other attribute in the order first seen.
    Csv,
}

/// Above this estimate, an export on AWS needs `--yes`.
const AWS_ASK_ABOVE_RCU: f64 = 1_000.0;

/// `export` flags.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// ddb-json (exact, DynamoDB's export layout), jsonl (plain JSON) or csv.
    #[arg(long, value_enum, default_value_t = Format::DdbJson)]
    pub format: Format,
    /// Write to this file (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Parallel Scan segments. Default: one per 16 MB of the table's size as DescribeTable
    /// gives it, 1 to 16.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub segments: Option<u32>,
    /// Filter, names, values, projection.
    #[command(flatten)]
    pub expr: ExprArgs,
    /// Export this partition only (a Query) instead of the whole table.
    #[arg(long, value_name = "VALUE")]
    pub partition: Option<String>,
    /// With --partition: a sort key condition, as for query.
    #[arg(
        long,
        value_name = "CONDITION",
        requires = "partition",
        allow_hyphen_values = true
    )]
    pub sort: Option<String>,
    /// With --partition: query this index.
    #[arg(long, value_name = "NAME", requires = "partition")]
    pub index: Option<String>,
    /// Strongly consistent reads (twice the RCU).
    #[arg(long)]
    pub consistent: bool,
    /// On AWS, export even when the estimate is above 1,000 RCU.
    #[arg(long)]
    pub yes: bool,
}

/// `export --json` with `-o FILE`.
#[derive(Serialize)]
struct ExportJson<'a> {
    items: u64,
    pages: u64,
    segments: u32,
    file: String,
    bytes: u64,
    cancelled: bool,
    #[serde(flatten)]
    calls: CallsJson<'a>,
}

pub(super) async fn run(cli: &Cli, args: &ExportArgs) -> Result<()> {
    let conn = open(cli).await?;
    let table = conn.table.clone();
    let (prepared, source) = if let Some(partition) = &args.partition {
        let spec = QuerySpec {
            partition: partition.clone(),
            index: args.index.clone(),
            sort: args.sort.clone(),
            expr: (&args.expr).into(),
            consistent: args.consistent,
            ..Default::default()
        };
        (prepare_query(&table, &spec), Source::Query)
    } else {
        let segments = args
            .segments
            .unwrap_or_else(|| default_segments(table.size_bytes));
        let spec = ScanSpec {
            expr: (&args.expr).into(),
            consistent: args.consistent,
            ..Default::default()
        };
        (prepare_scan(&spec), Source::Scan { segments })
    };
    let prepared = match prepared {
        Ok(p) => crate::table::Prepared {
            limit: Some(PAGE_ITEMS),
            ..p
        },
        Err(e) => {
            close(conn).await;
            bail!(e);
        }
    };
    let estimate = crate::table::transfer::scan_estimate(table.size_bytes, args.consistent);
    if conn.info.is_aws && matches!(source, Source::Scan { .. }) {
        eprintln!(
            "estimate: about {:.0} RCU (${:.4} on demand) to read {} (~{} bytes)",
            estimate,
            estimate * READ_USD_PER_MILLION / 1e6,
            table.name,
            table.size_bytes
        );
        if estimate > AWS_ASK_ABOVE_RCU && !args.yes {
            close(conn).await;
            bail!(
                "that is over {AWS_ASK_ABOVE_RCU:.0} RCU: add --yes to export it (nothing was read)"
            );
        }
    }
    let segments = match source {
        Source::Scan { segments } => segments,
        Source::Query => 1,
    };

    let cancel = CancellationToken::new();
    cancel_on_ctrl_c(&cancel);
    let progress = Progress::default();
    let (tx, rx) = mpsc::channel::<Vec<Item>>(segments as usize);
    let keys: Vec<String> = table.key_schema.iter().map(|k| k.name.clone()).collect();
    let output = args.output.clone();
    let format = args.format;
    let writer =
        tokio::task::spawn_blocking(move || write_all(rx, format, output.as_deref(), &keys));
    let shown = !cli.json && std::io::stderr().is_terminal();
    let expected = table.item_count.max(0) as u64;
    let started = Instant::now();
    let reading = conn
        .store
        .read_pages(&prepared, source, tx, &progress, &cancel);
    let ticker = async {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if shown {
                draw(&progress, expected, started.elapsed());
            }
        }
    };
    let read = tokio::select! {
        r = reading => r,
        () = ticker => unreachable!("the ticker never ends"),
    };
    if shown {
        draw(&progress, expected, started.elapsed());
        eprintln!();
    }
    let written = writer.await.map_err(|e| eyre!("the writer stopped: {e}"))?;
    close(conn).await;
    // A reader of stdout that has gone (`| head`) ends the export quietly, as Unix tools do.
    if let Err(e) = &written
        && e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    {
        return Ok(());
    }
    let (report, pages) = read?;
    let (items, bytes) = written?;
    let cancelled = cancel.is_cancelled();
    let file = args
        .output
        .as_ref()
        .map_or("-".to_owned(), |p| p.display().to_string());
    if cancelled {
        eprintln!("cancelled: {file} holds {items} whole item(s)");
    }
    if cli.json && args.output.is_some() {
        return print_json(&ExportJson {
            items,
            pages,
            segments,
            file,
            bytes,
            cancelled,
            calls: CallsJson::from(&report),
        });
    }
    // Said in its own words, not through summary_line: kept for --transcript here.
    super::report::printed(&report);
    eprintln!(
        "exported {items} item(s) from {} to {file} ({bytes} bytes) in {pages} page(s), {segments} segment(s): {:.1} RCU, {:.3} s",
        table.name,
        report.consumed.total.read,
        report.elapsed.as_secs_f64()
    );
    Ok(())
}

fn draw(p: &Progress, expected: u64, elapsed: Duration) {
    let items = p.items.load(std::sync::atomic::Ordering::Relaxed);
    let rate = items as f64 / elapsed.as_secs_f64().max(1e-3);
    let units = p.units();
    let eta = if expected > items && rate > 0.0 {
        format!(", ETA {:.0} s", (expected - items) as f64 / rate)
    } else {
        String::new()
    };
    eprint!(
        "\r{items} items, {} pages, {units:.1} RCU (${:.6}), {rate:.0} items/s{eta}   ",
        p.calls.load(std::sync::atomic::Ordering::Relaxed),
        units * READ_USD_PER_MILLION / 1e6
    );
    let _ = std::io::stderr().flush();
}

/// Writes every page that arrives, a line per item; CSV once all are in (its columns are
/// known only then: rows wait in a temporary file of plain JSON lines). Items and bytes.
fn write_all(
    mut rx: mpsc::Receiver<Vec<Item>>,
    format: Format,
    output: Option<&std::path::Path>,
    keys: &[String],
) -> Result<(u64, u64)> {
    let sink: Box<dyn Write> = match output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .wrap_err_with(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let mut out = crate::table::transfer::Counted::new(BufWriter::new(sink));
    let mut items = 0u64;
    match format {
        Format::DdbJson | Format::Jsonl => {
            while let Some(page) = rx.blocking_recv() {
                for item in &page {
                    if format == Format::DdbJson {
                        crate::table::value::write_export_line(&mut out, &item_to_ddb_json(item))?;
                    } else {
                        writeln!(out, "{}", item_to_plain_json(item))?;
                    }
                    items += 1;
                }
            }
        }
        Format::Csv => {
            let mut rows = tempfile_lines()?;
            let mut columns: Vec<String> = keys.to_vec();
            while let Some(page) = rx.blocking_recv() {
                for item in &page {
                    let mut names: Vec<&String> = item.keys().collect();
                    names.sort();
                    for n in names {
                        if !columns.contains(n) {
                            columns.push(n.clone());
                        }
                    }
                    writeln!(rows, "{}", crate::table::value::item_to_ddb_json(item))?;
                    items += 1;
                }
            }
            rows.flush()?;
            let header: Vec<String> = columns.iter().map(|c| csv_field(c)).collect();
            writeln!(out, "{}", header.join(","))?;
            let file = rows.into_inner().map_err(|e| eyre!("{e}"))?;
            let mut reader = std::io::BufReader::new(reopen(file)?);
            let mut line = String::new();
            while reader.read_line(&mut line)? > 0 {
                let v: serde_json::Value = serde_json::from_str(&line)?;
                let item: Item = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| {
                        Ok((
                            k.clone(),
                            crate::table::value::from_ddb_json(v).map_err(|e| eyre!(e))?,
                        ))
                    })
                    .collect::<Result<_>>()?;
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| item.get(c).map_or(String::new(), csv_cell))
                    .collect();
                writeln!(out, "{}", cells.join(","))?;
                line.clear();
            }
        }
    }
    out.flush()?;
    Ok((items, out.bytes))
}

/// A CSV cell of a value: strings as they are (`""` for the empty string, so that it differs
/// from an attribute the item lacks), every other type as its plain JSON.
fn csv_cell(v: &aws_sdk_dynamodb::types::AttributeValue) -> String {
    match v {
        aws_sdk_dynamodb::types::AttributeValue::S(s) if s.is_empty() => "\"\"".into(),
        aws_sdk_dynamodb::types::AttributeValue::S(s) => csv_field(s),
        other => csv_field(&short_text(other, usize::MAX)),
    }
}

/// RFC 4180 quoting where needed.
pub(super) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn tempfile_lines() -> Result<BufWriter<std::fs::File>> {
    let dir = std::env::temp_dir();
    let path = dir.join(format!(
        "dynamo-explorer-csv-{}.jsonl",
        uuid::Uuid::new_v4().simple()
    ));
    let file = std::fs::OpenOptions::new()
        .create_new(true)
        .read(true)
        .write(true)
        .open(&path)
        .wrap_err("cannot make a temporary file for the CSV rows")?;
    // Unlinked at once: the file lives as long as it is open, and nothing is left behind.
    let _ = std::fs::remove_file(&path);
    Ok(BufWriter::new(file))
}

fn reopen(mut file: std::fs::File) -> Result<std::fs::File> {
    use std::io::Seek;
    file.seek(std::io::SeekFrom::Start(0))?;
    Ok(file)
}
