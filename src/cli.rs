//! Command-line interface: connection flags, the scriptable commands, and their human and
//! `--json` output. With no command the TUI opens.
//!
//! - `report.rs`: the `--json` object of each command, one `Serialize` type per command.
//! - `output.rs`: stdout lines, the human summary line, the progress line, client CPU.

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use color_eyre::eyre::{Result, WrapErr, bail, eyre};

/// `println!` for command output that a closed pipe (`| head`) ends quietly instead of
/// panicking, as Unix tools do.
macro_rules! say {
    ($($t:tt)*) => { $crate::cli::output::write_line(format_args!($($t)*)) };
}

pub mod args;
pub mod output;
mod report;
pub mod ttl;

pub use args::ConnectionArgs;
pub use output::warn_plain_http;

use output::print_json;
pub use output::{process_cpu_seconds, summary_line};

use crate::backend::{self, Backend, Connection};
use crate::completeness::Completeness;
use crate::generate::{GenerateSpec, Mix, build_records_expiring};
use crate::limits::LimitsLayer;
use crate::schema::{RecordKey, RequestId};
use crate::store::{
    BatchProgress, CancellationToken, OpReport, QueryOptions, QueryOutput, ScanOptions, Store,
    StoreError, WriteOptions,
};
use output::{CpuMeter, ProgressLine};
use report::{DeleteJson, DescribeJson, GenerateIncompleteJson, GenerateJson, QueryJson, ScanJson};

/// Explore a DynamoDB table of requests and see what every operation costs.
#[derive(Debug, Parser)]
#[command(name = "dynamo-explorer", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub conn: ConnectionArgs,
    /// Print one JSON object instead of human-readable text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Write the log here (default: dynamo-explorer.log in the platform state directory,
    /// ~/.local/state/dynamo-explorer on Linux). Level from RUST_LOG (default: info).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The scriptable commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write generated requests (BatchWriteItem, 25 records per call, unprocessed items resent).
    Generate(GenerateArgs),
    /// Read every record of one request (all pages of a Query).
    Query(QueryArgs),
    /// Read one page of the table, summarised per request id.
    Scan(ScanArgs),
    /// Delete records of a request (all of them without --seq).
    Delete(DeleteArgs),
    /// Show the table: key schema, billing mode, item count and size.
    Describe,
    /// Serve the embedded engine as a DynamoDB endpoint for other tools until Ctrl-C.
    Serve(ServeArgs),
    /// Estimate the table's monthly bill at production volume, from the records we measure.
    Cost(Box<crate::cli_cost::CostArgs>),
    /// Labs: experiments on scratch tables that show how DynamoDB behaves, measured.
    Lab(crate::labs::cli::LabArgs),
    /// Give the space of deleted records back to the disk (VACUUM of the embedded database).
    Compact,
    /// Delete the table to start over (asks first; on AWS also needs --confirm NAME).
    DropTable(crate::cli_admin::DropTableArgs),
}

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
    #[arg(long, default_value_t = crate::generate::DEFAULT_PAYLOAD_BYTES, allow_hyphen_values = true, value_parser = whole::<usize>)]
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

/// `query` flags.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The request id.
    pub request_id: String,
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

/// Exit code of `query --require-complete` when the request is not complete.
pub const EXIT_INCOMPLETE: u8 = 3;

/// The command ran, but its request is not complete and the user required it.
#[derive(Debug, thiserror::Error)]
#[error("--require-complete: {0}")]
pub struct NotComplete(String);

/// The process exit code for a command's error: 3 for [`NotComplete`], 1 for the rest.
pub fn exit_code(err: &color_eyre::eyre::Report) -> u8 {
    if err.downcast_ref::<NotComplete>().is_some() {
        EXIT_INCOMPLETE
    } else {
        1
    }
}

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
}

/// `delete` flags.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The request id.
    pub request_id: String,
    /// Only these records, e.g. 3,4,5 (default: every record of the request).
    #[arg(long, value_delimiter = ',', value_name = "N,N,...")]
    pub seq: Vec<u32>,
    /// At most this many BatchWriteItem calls in flight (1 to 256). Default: adaptive, as
    /// for generate.
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<usize>)]
    pub concurrency: Option<usize>,
}

/// `serve` flags.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on. The default, 127.0.0.1, is reachable from this machine only;
    /// anything else lets other machines read and write the database, without credentials.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: IpAddr,
}

/// Parses a count, saying what is wrong in words: negative, not a number, or too large.
fn whole<T: TryFrom<u128>>(s: &str) -> Result<T, String> {
    let t = s.trim();
    if t.starts_with('-') && t[1..].chars().all(|c| c.is_ascii_digit()) && t.len() > 1 {
        return Err(format!("{t} is negative: give a whole number of 0 or more"));
    }
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("{t:?} is not a whole number"));
    }
    t.parse::<u128>()
        .ok()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| format!("{t} is far too large"))
}

fn validate_concurrency(c: Option<usize>) -> Result<WriteOptions> {
    match c {
        None => Ok(WriteOptions::default()),
        Some(c) if !(1..=256).contains(&c) => {
            bail!("--concurrency {c} is out of range: use 1 to 256")
        }
        Some(c) => Ok(WriteOptions::fixed(c)),
    }
}

/// Cancels `token` on Ctrl-C, so a long write stops cleanly and reports what landed.
fn cancel_on_ctrl_c(token: &CancellationToken) {
    let token = token.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            token.cancel();
        }
    });
}

fn parse_request_id(s: &str) -> Result<RequestId> {
    RequestId::parse(s).map_err(|e| eyre!("{e}"))
}

/// A command's flags once checked.
enum Ready<'a> {
    Generate(GenerateSpec, WriteOptions),
    Query(&'a QueryArgs, RequestId),
    Scan(&'a ScanArgs, Option<RecordKey>),
    Delete(&'a DeleteArgs, RequestId, WriteOptions),
    Describe,
}

/// Runs a scriptable command.
pub async fn run_command(cli: &Cli, command: &Command) -> Result<()> {
    // Flags are checked and parsed before connecting: nothing is sent for a command that
    // cannot run, and each command gets them parsed.
    let ready = match command {
        Command::Generate(args) => {
            let spec = spec_of(args)?;
            spec.validate().map_err(|e| eyre!(e))?;
            Ready::Generate(spec, validate_concurrency(args.concurrency)?)
        }
        Command::Query(args) => Ready::Query(args, parse_request_id(&args.request_id)?),
        Command::Delete(args) => Ready::Delete(
            args,
            parse_request_id(&args.request_id)?,
            validate_concurrency(args.concurrency)?,
        ),
        Command::Scan(args) => Ready::Scan(args, parse_start(args.start.as_deref())?),
        Command::Describe => Ready::Describe,
        Command::Serve(args) => return serve(&cli.conn, args, cli.json).await,
        Command::Cost(args) => return crate::cli_cost::run(&cli.conn, cli.json, args).await,
        Command::Lab(args) => return crate::labs::cli::run(&cli.conn, cli.json, args).await,
        Command::Compact => return crate::cli_admin::compact(&cli.conn, cli.json).await,
        Command::DropTable(args) => {
            return crate::cli_admin::drop_table(&cli.conn, cli.json, args).await;
        }
    };
    let limits = cli.conn.limits()?;
    let backend = cli.conn.backend()?;
    backend::check_limits(&backend, &limits)?;
    warn_plain_http(&backend);
    let (table, create) = (&cli.conn.table, cli.conn.create_table);
    // On an endpoint or AWS a query, and the keys-only query before a delete, run beside the
    // table check, a round trip sooner; the delete's writes wait for the check. (Not on the
    // embedded engine: its TTL sweep must come before reads, and it is in-process anyway.)
    let remote = !matches!(backend, Backend::Embedded(_));
    let (conn, early) = match &ready {
        Ready::Query(args, id) if remote => {
            let read = |store| read_query(store, args, id.clone());
            let (conn, out) =
                backend::connect_and_read(&backend, table, create, &limits, read).await?;
            (conn, Early::Query(out))
        }
        Ready::Delete(args, id, _) if remote && args.seq.is_empty() => {
            let read = |store| read_keys(store, id.clone());
            let (conn, keys) =
                backend::connect_and_read(&backend, table, create, &limits, read).await?;
            (conn, Early::Keys(keys))
        }
        _ => {
            let conn = backend::connect_with_limits(&backend, table, create, &limits).await?;
            (conn, Early::None)
        }
    };
    ttl::sweep_before(conn.server.as_ref(), cli.json).await;
    let result = match ready {
        Ready::Generate(spec, opts) => generate(cli, &conn, spec, opts).await,
        Ready::Query(args, id) => query(cli, &conn, args, id, early.query()).await,
        Ready::Scan(args, start) => scan(cli, &conn, args, start).await,
        Ready::Delete(args, id, opts) => delete(cli, &conn, args, id, opts, early.keys()).await,
        Ready::Describe => describe(cli, &conn),
    };
    if let Some(server) = conn.server {
        server.stop().await;
    }
    result
}

fn spec_of(args: &GenerateArgs) -> Result<GenerateSpec> {
    Ok(GenerateSpec {
        requests: args.requests,
        records: args.records,
        payload_bytes: args.payload_bytes,
        mix: args.mix,
        ttl: args.ttl.parse().map_err(|e| eyre!("--ttl {e}"))?,
    })
}

fn parse_start(start: Option<&str>) -> Result<Option<RecordKey>> {
    start
        .map(|s| {
            serde_json::from_str::<RecordKey>(s).map_err(|e| {
                eyre!("--start {s:?} is not a key: expected JSON like {{\"request_id\":\"...\",\"seq\":3}} ({e})")
            })
        })
        .transpose()
}

async fn generate(
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

/// What a command read beside the table check ([`backend::connect_and_read`]).
enum Early {
    None,
    Query(Result<QueryRead, StoreError>),
    Keys(Result<KeysRead, StoreError>),
}

impl Early {
    fn query(self) -> Option<Result<QueryRead, StoreError>> {
        match self {
            Early::Query(read) => Some(read),
            _ => None,
        }
    }

    fn keys(self) -> Option<Result<KeysRead, StoreError>> {
        match self {
            Early::Keys(read) => Some(read),
            _ => None,
        }
    }
}

/// The keys of a request to delete, the keys-only query's report, and the process's CPU
/// over that query.
struct KeysRead {
    found: (Vec<RecordKey>, OpReport),
    cpu_ms: u64,
}

async fn read_keys(store: Store, id: RequestId) -> Result<KeysRead, StoreError> {
    let cpu = CpuMeter::start();
    let found = store.request_keys(&id).await?;
    Ok(KeysRead {
        found,
        cpu_ms: cpu.ms(),
    })
}

/// A query's records, the time expiry was judged at, and the process's CPU over the query.
struct QueryRead {
    out: QueryOutput,
    now: i64,
    cpu_ms: u64,
}

async fn read_query(
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
async fn query(
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

async fn scan(
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

/// `delete`: `keys` are the request's keys when they were read beside the table check.
async fn delete(
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

fn describe(cli: &Cli, conn: &Connection) -> Result<()> {
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

async fn serve(conn: &ConnectionArgs, args: &ServeArgs, json: bool) -> Result<()> {
    let limits = conn.limits()?;
    let db = match conn.backend()? {
        Backend::Embedded(db) => db,
        _ => {
            bail!("serve runs the embedded engine: use --db PATH or --memory, not --endpoint/--aws")
        }
    };
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the database readable and writable by anyone who can reach \
             this machine, with no credentials checked",
            args.bind
        );
    }
    let addr = SocketAddr::new(args.bind, args.port);
    let (mut server, layer) = backend::serve_with_limits(&db, addr, &limits)
        .await
        .wrap_err_with(|| format!("cannot serve on port {} (in use? try --port)", args.port))?;
    let url = layer
        .as_ref()
        .map_or_else(|| server.url(), LimitsLayer::url);
    eprintln!(
        "serving the embedded engine ({}) at {url}\n  {}\n  e.g. aws dynamodb list-tables --endpoint-url {url}\n  dynamo-explorer --endpoint {url}\n  {}\nCtrl-C to stop",
        backend::describe_db(&db),
        limits.label(false),
        ttl::SWEEP_NOTE,
    );
    let sweeps = ttl::sweep_while_serving(&server);
    let result = tokio::select! {
        r = server.wait() => r,
        _ = tokio::signal::ctrl_c() => {
            server.stop().await;
            eprintln!("stopped");
            Ok(())
        }
    };
    sweeps.abort();
    if let Some(layer) = &layer {
        let stats = layer.stats();
        if json {
            output::print_json(&report::ServeJson {
                limits: limits.label(false).to_string(),
                stats: &stats,
            })?;
        } else {
            eprintln!(
                "limits layer (simulated): {} calls checked, {} refused whole, {} items handed back unprocessed",
                stats.limited_calls, stats.throttled_calls, stats.unprocessed
            );
        }
    }
    result
}
