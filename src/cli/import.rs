//! `import FILE`: items from a file into a table, through the batch writer `generate` uses
//! (BatchWriteItem, 25 per call, calls in flight adapted to the round trip, UnprocessedItems
//! sent again, paced once throttled), with its progress line and report. The file is read
//! twice: a first pass checks every line (JSON, the 400 KB limit, the key attributes and their
//! types) before anything is sent; the second parses each item again as the writer takes it,
//! so only the calls in flight are held in memory.

use std::io::{BufRead, BufReader, IsTerminal};
use std::path::{Path, PathBuf};

use aws_sdk_dynamodb::types::AttributeValue;
use clap::{Args, ValueEnum};
use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use serde::Serialize;

use super::output::{ProgressLine, print_json};
use super::report::CallsJson;
use super::{Cli, cancel_on_ctrl_c};
use crate::backend;
use crate::size::item_size;
use crate::store::{CancellationToken, StoreError, WriteOptions};
use crate::table::value::{Item, from_ddb_json, parse_key_value, parse_plain_object, type_letter};
use crate::table::{KeyAttr, TableDesc};

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  # a file exported here or by DynamoDB's export to S3, into a new local table
  dynamo-explorer --memory --table orders import orders.jsonl --key 'pk:S,sk:N'
  # go on after a failure, from the line the message named
  dynamo-explorer --table orders import orders.jsonl --from-line 120001";

/// DynamoDB's item size limit.
const MAX_ITEM_BYTES: usize = 400 * 1024;

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InFormat {
    /// From the first line: `{"Item": ...}` is ddb-json, another `{` jsonl, else csv.
    Auto,
    /// DynamoDB's export layout: `{"Item": {...}}` per line (a bare DynamoDB JSON item too).
    DdbJson,
    /// Plain JSON per line: strings S, numbers N (every digit kept), true/false BOOL, null
    /// NULL, arrays L, objects M; DynamoDB JSON inside is taken as typed.
    Jsonl,
    /// CSV with a header: keys typed by the table's key types, other cells as JSON when they
    /// parse as JSON and as text otherwise; an empty cell is an absent attribute, `""` the
    /// empty string.
    Csv,
}

/// `import` flags.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file.
    pub file: PathBuf,
    /// Its format.
    #[arg(long, value_enum, default_value_t = InFormat::Auto)]
    pub format: InFormat,
    /// The keys of a table to create when it is missing (local engines only), e.g. 'pk:S' or
    /// 'pk:S,sk:N'.
    #[arg(long, value_name = "NAME:TYPE[,NAME:TYPE]")]
    pub key: Option<String>,
    /// Import the good lines and list the bad ones, instead of stopping before sending.
    #[arg(long)]
    pub skip_bad: bool,
    /// Start at this line of the file (1 is the first): what a failure's message names.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub from_line: u64,
}

/// `import --json`.
#[derive(Serialize)]
struct ImportJson<'a> {
    table: &'a str,
    lines: u64,
    skipped: &'a [(u64, String)],
    #[serde(flatten)]
    calls: CallsJson<'a>,
    items: u64,
}

/// `pk:S,sk:N` as key attributes.
fn parse_keys(text: &str) -> Result<Vec<KeyAttr>> {
    let keys: Vec<KeyAttr> =
        text.split(',')
            .enumerate()
            .map(|(i, part)| {
                let (name, kind) = part.trim().split_once(':').ok_or_else(|| {
                    eyre!("--key {text:?}: write each key as NAME:TYPE, e.g. pk:S")
                })?;
                let kind = kind.trim().to_ascii_uppercase();
                if !matches!(kind.as_str(), "S" | "N" | "B") {
                    bail!("--key {text:?}: {kind} is not a key type (S, N or B)");
                }
                Ok(KeyAttr {
                    name: name.trim().to_owned(),
                    kind,
                    role: if i == 0 { "HASH" } else { "RANGE" }.into(),
                })
            })
            .collect::<Result<_>>()?;
    if keys.is_empty() || keys.len() > 2 || keys.iter().any(|k| k.name.is_empty()) {
        bail!("--key {text:?}: a partition key, and at most a sort key, e.g. pk:S,sk:N");
    }
    Ok(keys)
}

/// One record of the file, with the line it starts on.
type Numbered = (u64, String);

/// Reads the file's records: lines, or CSV records (a quoted field may span lines).
struct Records {
    reader: BufReader<std::fs::File>,
    line: u64,
    csv: bool,
}

impl Records {
    fn open(path: &Path, csv: bool) -> Result<Self> {
        let file = std::fs::File::open(path)
            .wrap_err_with(|| format!("cannot read {}", path.display()))?;
        Ok(Records {
            reader: BufReader::new(file),
            line: 0,
            csv,
        })
    }
}

impl Iterator for Records {
    type Item = std::io::Result<Numbered>;
    fn next(&mut self) -> Option<Self::Item> {
        let mut record = String::new();
        let start = self.line + 1;
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) if record.is_empty() => return None,
                Ok(0) => return Some(Ok((start, record))),
                Ok(_) => {
                    self.line += 1;
                    record.push_str(&line);
                    // A CSV record goes on while a quote is open.
                    if !self.csv || record.matches('"').count().is_multiple_of(2) {
                        let trimmed = record.trim_end_matches(['\n', '\r']).to_owned();
                        return Some(Ok((start, trimmed)));
                    }
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The fields of one CSV record, with whether each was quoted.
fn csv_fields(record: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if in_quotes => in_quotes = false,
            '"' if field.is_empty() => {
                in_quotes = true;
                quoted = true;
            }
            ',' if !in_quotes => {
                out.push((std::mem::take(&mut field), quoted));
                quoted = false;
            }
            c => field.push(c),
        }
    }
    out.push((field, quoted));
    out
}

/// Turns one record into an item, or says why not.
fn parse_record(
    record: &str,
    format: InFormat,
    header: &[String],
    keys: &[KeyAttr],
) -> std::result::Result<Item, String> {
    let item = match format {
        InFormat::DdbJson => {
            let v: serde_json::Value =
                serde_json::from_str(record).map_err(|e| format!("not JSON: {e}"))?;
            let body = v.get("Item").unwrap_or(&v);
            let m = body
                .as_object()
                .ok_or("not an item: expected {\"Item\": {...}}")?;
            m.iter()
                .map(|(k, v)| {
                    Ok((
                        k.clone(),
                        from_ddb_json(v).map_err(|e| format!("{k}: {e}"))?,
                    ))
                })
                .collect::<std::result::Result<Item, String>>()?
        }
        InFormat::Jsonl | InFormat::Auto => parse_plain_object(record)?,
        InFormat::Csv => {
            let fields = csv_fields(record);
            if fields.len() != header.len() {
                return Err(format!(
                    "{} fields where the header has {}",
                    fields.len(),
                    header.len()
                ));
            }
            let mut item = Item::new();
            for ((text, quoted), name) in fields.into_iter().zip(header) {
                if text.is_empty() && !quoted {
                    continue;
                }
                let value = match keys.iter().find(|k| &k.name == name) {
                    Some(k) => parse_key_value(&text, &k.kind, name)?,
                    None if quoted && text.is_empty() => AttributeValue::S(String::new()),
                    None => cell_value(&text),
                };
                item.insert(name.clone(), value);
            }
            item
        }
    };
    for k in keys {
        match item.get(&k.name) {
            None => return Err(format!("the key attribute {} is missing", k.name)),
            Some(v) if type_letter(v) != k.kind => {
                return Err(format!(
                    "the key attribute {} is {}, the table's key is {}",
                    k.name,
                    type_letter(v),
                    k.kind
                ));
            }
            _ => {}
        }
    }
    let size = item_size(&item);
    if size > MAX_ITEM_BYTES {
        return Err(format!("the item is {size} bytes, over DynamoDB's 400 KB"));
    }
    Ok(item)
}

/// A non-key CSV cell: JSON when it parses as JSON (numbers exact), else text.
fn cell_value(text: &str) -> AttributeValue {
    let trimmed = text.trim();
    let looks_json = trimmed.starts_with(['{', '[', '-'])
        || trimmed.starts_with(|c: char| c.is_ascii_digit())
        || matches!(trimmed, "true" | "false" | "null");
    if looks_json
        && let Ok(mut one) = parse_plain_object(&format!("{{\"v\":{trimmed}}}"))
        && let Some(v) = one.remove("v")
    {
        return v;
    }
    AttributeValue::S(text.to_owned())
}

fn detect(path: &Path) -> Result<InFormat> {
    let file =
        std::fs::File::open(path).wrap_err_with(|| format!("cannot read {}", path.display()))?;
    for line in BufReader::new(file).lines() {
        let line = line?;
        let t = line.trim_start();
        if t.is_empty() {
            continue;
        }
        return Ok(if t.starts_with("{\"Item\"") {
            InFormat::DdbJson
        } else if t.starts_with('{') {
            InFormat::Jsonl
        } else {
            InFormat::Csv
        });
    }
    bail!("{} is empty: nothing to import", path.display())
}

pub(super) async fn run(cli: &Cli, args: &ImportArgs) -> Result<()> {
    let format = match args.format {
        InFormat::Auto => detect(&args.file)?,
        f => f,
    };
    let wanted_keys = args.key.as_deref().map(parse_keys).transpose()?;
    let (backend, limits) = cli.conn.checked()?;
    let (store, info, server) = backend::open_table(&backend, &cli.conn.table, &limits).await?;
    let result = import(cli, args, format, wanted_keys, &store, info.is_aws).await;
    if let Some(server) = server {
        server.stop().await;
    }
    result
}

async fn import(
    cli: &Cli,
    args: &ImportArgs,
    format: InFormat,
    wanted_keys: Option<Vec<KeyAttr>>,
    store: &crate::store::Store,
    is_aws: bool,
) -> Result<()> {
    // The table's keys: as described, or as --key gives them for a table to create.
    let existing = match store.describe_any().await {
        Ok(t) => Some(t),
        Err(StoreError::TableMissing { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let keys: Vec<KeyAttr> = match (&existing, &wanted_keys) {
        (Some(t), _) => t.key_schema.clone(),
        (None, _) if is_aws => bail!(
            "table {} does not exist: an import never creates a table on AWS; create it first",
            store.table()
        ),
        (None, Some(k)) => k.clone(),
        (None, None) => bail!(
            "table {} does not exist: give its keys to create it, e.g. --key 'pk:S,sk:N'",
            store.table()
        ),
    };
    // First pass: every record checked, nothing sent.
    let csv = format == InFormat::Csv;
    let mut records = Records::open(&args.file, csv)?;
    let header: Vec<String> = if csv {
        match records.next() {
            Some(r) => csv_fields(&r?.1).into_iter().map(|(f, _)| f).collect(),
            None => bail!("{} is empty: nothing to import", args.file.display()),
        }
    } else {
        Vec::new()
    };
    // Without --skip-bad only the first few are said: a file in the wrong format is every line
    // bad, each message quoting its line; not the whole file held again in messages.
    const SAID: usize = 5;
    let mut bad: Vec<(u64, String)> = Vec::new();
    let mut bad_lines = 0usize;
    let mut good = 0u64;
    let mut lines = 0u64;
    for r in records {
        let (line, record) = r?;
        lines = line;
        if line < args.from_line || record.trim().is_empty() {
            continue;
        }
        match parse_record(&record, format, &header, &keys) {
            Ok(_) => good += 1,
            Err(why) => {
                bad_lines += 1;
                if args.skip_bad || bad.len() < SAID {
                    bad.push((line, why));
                }
            }
        }
    }
    if bad_lines > 0 && !args.skip_bad {
        let shown: Vec<String> = bad
            .iter()
            .map(|(l, why)| format!("line {l}: {why}"))
            .collect();
        bail!(
            "{} bad line(s) in {}, nothing was sent: {}{} (--skip-bad imports the rest)",
            bad_lines,
            args.file.display(),
            shown.join("; "),
            if bad_lines > SAID { "; …" } else { "" }
        );
    }
    let table: TableDesc = match existing {
        Some(t) => t,
        None => store.create_with_keys(&keys).await?,
    };
    // Second pass: send, as the writer takes the items.
    let cancel = CancellationToken::new();
    cancel_on_ctrl_c(&cancel);
    let progress = ProgressLine::start(!cli.json && std::io::stderr().is_terminal());
    let mut records = Records::open(&args.file, csv)?;
    if csv {
        records.next();
    }
    let mut read_error = None;
    let items = records
        .by_ref()
        .map_while(|r| r.map_err(|e| read_error = Some(e)).ok())
        .filter(|(line, record)| *line >= args.from_line && !record.trim().is_empty())
        .filter_map(|(line, record)| {
            let item = parse_record(&record, format, &header, &keys).ok()?;
            Some((line, item))
        });
    let key: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
    let result = store
        .put_items(
            &key,
            items,
            good,
            WriteOptions::default(),
            &progress.sink(),
            &cancel,
        )
        .await;
    progress.finish().await;
    let report = match result {
        Ok(report) => report,
        Err(f) => {
            let again = f.from_line.map_or(String::new(), |l| {
                format!("; every line before {l} landed: re-run with --from-line {l} to finish")
            });
            bail!(
                "import into {} stopped after {} item(s): {}{again}",
                table.name,
                f.landed,
                f.error
            );
        }
    };
    if let Some(e) = read_error {
        let l = records.line + 1;
        bail!(
            "cannot read {} at line {l}: {e}; {} item(s) landed, every line before {l}: \
             re-run with --from-line {l} to finish",
            args.file.display(),
            report.items
        );
    }
    for (l, why) in &bad {
        eprintln!("skipped line {l}: {why}");
    }
    if cli.json {
        return print_json(&ImportJson {
            table: &table.name,
            lines,
            skipped: &bad,
            calls: CallsJson::from(&report),
            items: report.items,
        });
    }
    say!("{}", super::output::summary_line(&report));
    Ok(())
}
