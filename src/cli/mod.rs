//! Command-line interface: the clap tree, the connection flags every command shares, and the
//! dispatch. With no command the TUI opens.
//!
//! A file per command: it parses its own flags, calls the domain (`store/`, `cost/`, `labs/`,
//! `request/`) and prints. `generate.rs`, `query.rs`, `scan.rs`, `delete.rs`, `describe.rs`,
//! `serve.rs`, `cost.rs`, `lab.rs`, `compact.rs`, `drop_table.rs`, `reset.rs`,
//! `completions.rs` (`completions` and `man`). Shared by them:
//!
//! - `args.rs`: the connection flags and the backend they pick.
//! - `report.rs`: the `--json` object of each command, one `Serialize` type per command.
//! - `output.rs`: stdout lines, the human summary line, the progress line, client CPU.
//! - `ttl.rs`: the embedded engine's TTL sweeps around a command.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use color_eyre::eyre::{Result, bail, eyre};

/// `println!` for command output that a closed pipe (`| head`) ends quietly instead of
/// panicking, as Unix tools do.
macro_rules! say {
    ($($t:tt)*) => { $crate::cli::output::write_line(format_args!($($t)*)) };
}

pub mod args;
pub mod output;
mod report;
pub mod ttl;

mod any;
mod calls;
mod compact;
mod completions;
mod cost;
mod delete;
mod describe;
mod drop_table;
mod export;
mod generate;
mod import;
mod lab;
mod query;
mod reset;
mod scan;
mod serve;
mod sql;
mod tables;

pub use args::{CONNECTION_HEADING, ConnectionArgs};
pub use completions::CompletionsArgs;
pub use cost::CostArgs;
pub use delete::DeleteArgs;
pub use drop_table::DropTableArgs;
pub use generate::GenerateArgs;
pub use lab::{LabArgs, LabCommand, LabRunArgs};
pub use output::warn_plain_http;
pub use output::{process_cpu_seconds, summary_line};
pub use query::{EXIT_INCOMPLETE, NotComplete, QueryArgs};
pub use reset::ResetArgs;
pub use scan::ScanArgs;
pub use serve::ServeArgs;

use crate::backend::{self, Backend};
use crate::request::generate::GenerateSpec;
use crate::request::schema::{RecordKey, RequestId};
use crate::store::{CancellationToken, StoreError, WriteOptions};
use delete::KeysRead;
use query::QueryRead;

/// The examples at the end of `dynamo-explorer --help`.
const EXAMPLES: &str = "Examples:
  # the TUI on the embedded engine (no AWS account needed)
  dynamo-explorer
  # the TUI on DynamoDB Local, or on AWS with a profile
  dynamo-explorer --endpoint http://127.0.0.1:8000
  dynamo-explorer --profile dev --region eu-west-1
  # a command; each one's --help ends with examples of its own
  dynamo-explorer generate --requests 3 --records 1000 --json";

/// Explore a DynamoDB table of requests and see what every operation costs.
#[derive(Debug, Parser)]
#[command(name = "dynamo-explorer", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub conn: ConnectionArgs,
    /// Print one JSON object instead of human-readable text.
    #[arg(long, global = true, help_heading = CONNECTION_HEADING)]
    pub json: bool,
    /// Items as DynamoDB JSON ({"N": "5"}: every type exact) instead of plain JSON.
    #[arg(long, global = true, help_heading = CONNECTION_HEADING)]
    pub ddb_json: bool,
    /// Write the log here (default: dynamo-explorer.log in the platform state directory,
    /// ~/.local/state/dynamo-explorer on Linux). Level from RUST_LOG (default: info).
    #[arg(long, global = true, value_name = "PATH", help_heading = CONNECTION_HEADING)]
    pub log_file: Option<PathBuf>,
    /// Also print the command's main DynamoDB call as code to paste: an aws CLI command,
    /// boto3 Python or Rust (aws-sdk-dynamodb). With `sql --explain`, instead of running.
    #[arg(long, global = true, value_enum, value_name = "FORM", help_heading = CONNECTION_HEADING)]
    pub print_call: Option<crate::code::Lang>,
    /// Append what the command did to this Markdown file: the time, the command, its calls,
    /// items, RCU/WCU, the price, throttling reasons, and its call as code.
    #[arg(long, global = true, value_name = "FILE", help_heading = CONNECTION_HEADING)]
    pub transcript: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The scriptable commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write generated requests (BatchWriteItem, 25 records per call, unprocessed items resent).
    #[command(after_help = generate::EXAMPLES)]
    Generate(GenerateArgs),
    /// Read every record of one request (all pages of a Query).
    #[command(after_help = query::EXAMPLES)]
    Query(QueryArgs),
    /// Read one page of the table, summarised per request id.
    #[command(after_help = scan::EXAMPLES)]
    Scan(ScanArgs),
    /// Delete records of a request (all of them without --seq).
    #[command(after_help = delete::EXAMPLES)]
    Delete(DeleteArgs),
    /// Show a table (any key schema): keys and types, indexes, billing mode, approximate item
    /// count and size, TTL attribute.
    #[command(after_help = describe::EXAMPLES)]
    Describe,
    /// List every table of the endpoint with its keys, indexes, billing mode and size.
    #[command(after_help = tables::EXAMPLES)]
    Tables,
    /// Export a table (or a partition) to a file: DynamoDB's export format, JSON lines or CSV.
    #[command(after_help = export::EXAMPLES)]
    Export(Box<export::ExportArgs>),
    /// Import items from a file (ddb-json, jsonl or csv) with BatchWriteItem; checks every
    /// line before sending anything.
    #[command(after_help = import::EXAMPLES)]
    Import(import::ImportArgs),
    /// Run a PartiQL statement (SELECT, INSERT, UPDATE, DELETE) on the table in its FROM,
    /// saying first whether it reads one item, one partition or the whole table, and what
    /// that costs.
    #[command(after_help = sql::EXAMPLES)]
    Sql(Box<sql::SqlArgs>),
    /// Serve the embedded engine as a DynamoDB endpoint for other tools until Ctrl-C.
    #[command(after_help = serve::EXAMPLES)]
    Serve(ServeArgs),
    /// Estimate the table's monthly bill at production volume, from the records we measure.
    #[command(after_help = cost::EXAMPLES)]
    Cost(Box<CostArgs>),
    /// Labs: experiments on scratch tables that show how DynamoDB behaves, measured.
    #[command(after_help = lab::EXAMPLES)]
    Lab(LabArgs),
    /// Give the space of deleted records back to the disk (VACUUM of the embedded database).
    #[command(after_help = compact::EXAMPLES)]
    Compact,
    /// Delete the table to start over (asks first; on AWS also needs --confirm NAME).
    #[command(after_help = drop_table::EXAMPLES)]
    DropTable(DropTableArgs),
    /// Remove the embedded database file to start over when even deletes find no room (asks
    /// first).
    #[command(after_help = reset::EXAMPLES)]
    Reset(ResetArgs),
    /// Print shell completions (bash, zsh, fish, powershell, elvish) generated from these flags.
    #[command(after_help = completions::EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the man page (roff), generated from these flags.
    #[command(after_help = completions::MAN_EXAMPLES)]
    Man,
}

/// An error that points into what the user typed: its message is one line; the excerpt
/// (the line and a caret under the token) is printed below it as it is, not joined.
#[derive(Debug)]
pub struct Pointed {
    /// The one-line message.
    pub message: String,
    /// The user's line and the caret line under it.
    pub excerpt: String,
}

impl std::fmt::Display for Pointed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Pointed {}

/// The process exit code for a command's error: 3 for [`NotComplete`], 1 for the rest.
pub fn exit_code(err: &color_eyre::eyre::Report) -> u8 {
    if err.downcast_ref::<NotComplete>().is_some() {
        EXIT_INCOMPLETE
    } else {
        1
    }
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
}

/// Whether an error is the request table's key check refusing another table.
fn other_key_schema(err: &color_eyre::eyre::Report) -> bool {
    matches!(
        err.downcast_ref::<StoreError>(),
        Some(StoreError::KeySchemaMismatch { .. })
    )
}

/// Runs a scriptable command; with `--print-call` or `--transcript`, records its calls and
/// prints or appends them after it.
pub async fn run_command(cli: &Cli, command: &Command) -> Result<()> {
    if cli.print_call.is_none() && cli.transcript.is_none() {
        return run_inner(cli, command).await;
    }
    if let (Some(lang), Command::Sql(args)) = (cli.print_call, command)
        && args.explain
    {
        // What it would send, sent nowhere.
        run_inner(cli, command).await?;
        return sql::print_explained_call(cli, args, lang);
    }
    if cli.transcript.is_some() {
        report::keep_printed();
    }
    let (result, sent) = crate::code::recording(run_inner(cli, command)).await;
    if let Some(lang) = cli.print_call {
        calls::print(&sent, lang, cli);
    }
    if let Some(path) = &cli.transcript {
        let mut reports = report::take_printed();
        // A command that failed midway printed no report: its error carries what was done.
        if reports.is_empty()
            && let Err(e) = &result
            && let Some(done) = e
                .downcast_ref::<crate::store::StoreError>()
                .and_then(crate::store::StoreError::partial_report)
        {
            reports.push(done.clone());
        }
        calls::append_transcript(path, (cli, command), &result, reports, &sent)?;
    }
    result
}

/// A scriptable command, as asked.
async fn run_inner(cli: &Cli, command: &Command) -> Result<()> {
    match command {
        Command::Generate(_) => cli.conn.writable("generate")?,
        Command::Delete(_) => cli.conn.writable("delete")?,
        Command::DropTable(_) => cli.conn.writable("drop-table")?,
        Command::Reset(_) => cli.conn.writable("reset")?,
        Command::Import(_) => cli.conn.writable("import")?,
        Command::Lab(args) if args.writes() => {
            cli.conn.writable("a lab (it makes scratch tables)")?
        }
        _ => {}
    }
    // Any table: these go by the table's own keys.
    match command {
        Command::Tables => return tables::run(cli).await,
        Command::Export(args) => return export::run(cli, args).await,
        Command::Import(args) => return import::run(cli, args).await,
        Command::Sql(args) => return sql::run(cli, args).await,
        Command::Describe => return describe::run(cli).await,
        Command::Query(args) if args.any_table(cli) => return any::query(cli, args, None).await,
        // Not a request id: fine on another table, whose partition key it may be.
        Command::Query(args) if RequestId::parse(&args.request_id).is_err() => {
            let conn = any::open(cli).await?;
            if conn.table.is_request_table() {
                any::close(conn).await;
                return parse_request_id(&args.request_id).map(|_| ());
            }
            return any::query(cli, args, Some(conn)).await;
        }
        Command::Scan(args) if args.any_table(cli) => return any::scan(cli, args).await,
        Command::Delete(args) if !args.key.is_empty() => return any::delete(cli, args).await,
        _ => {}
    }
    let result = run_request_command(cli, command).await;
    match (result, command) {
        // Not the request table: a query or a scan goes by its own keys instead.
        (Err(e), Command::Query(args)) if other_key_schema(&e) => any::query(cli, args, None).await,
        (Err(e), Command::Scan(args)) if other_key_schema(&e) => any::scan(cli, args).await,
        (Err(e), Command::Delete(_)) if other_key_schema(&e) => Err(e.wrap_err(format!(
            "delete REQUEST_ID is for the request table; delete items of {} by key: \
             delete --key '{{\"KEY\": \"VALUE\"}}'",
            cli.conn.table
        ))),
        (result, _) => result,
    }
}

/// A command on the request table.
async fn run_request_command(cli: &Cli, command: &Command) -> Result<()> {
    // Flags are checked and parsed before connecting: nothing is sent for a command that
    // cannot run, and each command gets them parsed.
    let ready = match command {
        Command::Generate(args) => {
            let spec = args.spec()?;
            spec.validate().map_err(|e| eyre!(e))?;
            Ready::Generate(spec, validate_concurrency(args.concurrency)?)
        }
        Command::Query(args) => Ready::Query(args, parse_request_id(&args.request_id)?),
        Command::Delete(args) => Ready::Delete(
            args,
            parse_request_id(args.request_id.as_deref().ok_or_else(|| {
                eyre!("delete needs a request id, or --key JSON for an item of any table")
            })?)?,
            validate_concurrency(args.concurrency)?,
        ),
        Command::Scan(args) => Ready::Scan(args, scan::parse_start(args.start.as_deref())?),
        Command::Describe
        | Command::Tables
        | Command::Export(_)
        | Command::Import(_)
        | Command::Sql(_) => {
            unreachable!("any table: run above")
        }
        Command::Serve(args) => return serve::run(&cli.conn, args, cli.json).await,
        Command::Cost(args) => return cost::run(&cli.conn, cli.json, args).await,
        Command::Lab(args) => return lab::run(&cli.conn, cli.json, args).await,
        Command::Compact => return compact::run(&cli.conn, cli.json).await,
        Command::DropTable(args) => {
            return drop_table::run(&cli.conn, cli.json, args).await;
        }
        Command::Reset(args) => return reset::run(&cli.conn, cli.json, args).await,
        Command::Completions(args) => return completions::completions(args),
        Command::Man => return completions::man(),
    };
    let (backend, limits) = cli.conn.checked()?;
    let (table, create) = (&cli.conn.table, cli.conn.create());
    // On an endpoint or AWS a query, and the keys-only query before a delete, run beside the
    // table check, a round trip sooner; the delete's writes wait for the check. (Not on the
    // embedded engine: its TTL sweep must come before reads, and it is in-process anyway.)
    let remote = !matches!(backend, Backend::Embedded(_));
    let (conn, early) = match &ready {
        Ready::Query(args, id) if remote => {
            let read = |store| query::read_query(store, args, id.clone());
            let (conn, out) =
                backend::connect_and_read(&backend, table, create, &limits, read).await?;
            (conn, Early::Query(out))
        }
        Ready::Delete(args, id, _) if remote && args.seq.is_empty() => {
            let read = |store| delete::read_keys(store, id.clone());
            let (conn, keys) =
                backend::connect_and_read(&backend, table, create, &limits, read).await?;
            (conn, Early::Keys(keys))
        }
        _ => {
            let conn = backend::connect_with_limits(&backend, table, create, &limits).await?;
            (conn, Early::None)
        }
    };
    if let Some(warning) = &conn.info.warning {
        eprintln!("warning: {warning}");
    }
    ttl::sweep_before(conn.server.as_ref(), cli.json).await;
    let result = match ready {
        Ready::Generate(spec, opts) => generate::run(cli, &conn, spec, opts).await,
        Ready::Query(args, id) => query::run(cli, &conn, args, id, early.query()).await,
        Ready::Scan(args, start) => scan::run(cli, &conn, args, start).await,
        Ready::Delete(args, id, opts) => {
            delete::run(cli, &conn, args, id, opts, early.keys()).await
        }
    };
    if let Some(server) = conn.server {
        server.stop().await;
    }
    result
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// The words of an example line as a shell would split them (single quotes only), up to
    /// a redirection or a pipe.
    fn words(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        // The quote open (' or "), as a POSIX shell reads them: nothing is special inside
        // '...'; inside "...", a backslash escapes the next character.
        let mut quote: Option<char> = None;
        let mut started = false;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (None, '\'' | '"') => {
                    quote = Some(c);
                    started = true;
                }
                (Some(q), c) if c == q => quote = None,
                (Some('"'), '\\') => word.extend(chars.next()),
                (None, ' ') => {
                    if started {
                        out.push(std::mem::take(&mut word));
                        started = false;
                    }
                }
                (None, '>' | '|') => break,
                (_, c) => {
                    word.push(c);
                    started = true;
                }
            }
        }
        if started {
            out.push(word);
        }
        out
    }

    /// Every command's help: its own options first, then the connection flags under their
    /// own heading (none of them among the command's options), then examples that parse.
    #[test]
    fn every_help_groups_the_connection_flags_and_ends_with_examples_that_parse() {
        let mut root = Cli::command();
        root.build();
        let mut commands: Vec<clap::Command> = vec![root.clone()];
        commands.extend(
            root.get_subcommands()
                .filter(|c| c.get_name() != "help")
                .cloned(),
        );
        assert_eq!(commands.len(), 18, "the root and seventeen commands");
        for mut cmd in commands {
            let name = cmd.get_name().to_owned();
            let help = cmd.render_long_help().to_string();
            let heading = help
                .find(&format!("{CONNECTION_HEADING}:"))
                .unwrap_or_else(|| panic!("{name}: no {CONNECTION_HEADING:?} heading:\n{help}"));
            let examples = help
                .find("Examples:")
                .unwrap_or_else(|| panic!("{name}: no examples:\n{help}"));
            assert!(heading < examples, "{name}: examples come last");
            for flag in [
                "--table",
                "--db",
                "--memory",
                "--endpoint",
                "--aws",
                "--profile",
                "--region",
                "--create-table",
                "--limits",
                "--gsi-limits",
                "--json",
                "--log-file",
            ] {
                let at = help
                    .find(&format!("  {flag} "))
                    .or_else(|| help.find(&format!("  {flag}\n")))
                    .unwrap_or_else(|| panic!("{name}: {flag} is not in the help:\n{help}"));
                assert!(
                    at > heading && at < examples,
                    "{name}: {flag} is not under {CONNECTION_HEADING:?}:\n{help}"
                );
            }
            let mut parsed = 0;
            for line in help[examples..].lines().skip(1) {
                let line = line.trim();
                if !line.starts_with("dynamo-explorer") {
                    continue;
                }
                let words = words(line);
                if let Err(e) = Cli::try_parse_from(&words) {
                    panic!("{name}: the example {line:?} does not parse: {e}");
                }
                parsed += 1;
            }
            assert!(parsed >= 2, "{name}: at least two examples, found {parsed}");
        }
    }

    #[test]
    fn example_words_split_like_a_shell() {
        assert_eq!(
            words("dynamo-explorer scan --start '{\"a\": 1}' > out.txt"),
            ["dynamo-explorer", "scan", "--start", "{\"a\": 1}"]
        );
    }
}
