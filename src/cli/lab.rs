//! `dynamo-explorer lab list [--json]` and
//! `dynamo-explorer lab run NAME... | --all [--scale small|full] [--json | --markdown] [--yes]`.

use std::io::IsTerminal;

use clap::{Args, Subcommand};
use color_eyre::eyre::{Result, bail, eyre};
use serde_json::json;

use super::ConnectionArgs;
use super::output::{print_json, warn_plain_http, write_line};
use crate::backend::{self, Backend, DbLocation};
use crate::labs::catalog::{LabId, Scale};
use crate::labs::report::{LabResult, LabsReport, MEASURED, NOT_SUPPORTED, text_bars, units};
use crate::labs::runner::{LabConn, LabProgress, RunOptions, run_lab};
use crate::store::{CancellationToken, Capacity};

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer lab list
  dynamo-explorer lab run reads
  # every lab on a throwaway engine, as a Markdown report
  dynamo-explorer --memory lab run --all --markdown > labs.md";

/// `lab` and its subcommands.
#[derive(Debug, Args)]
pub struct LabArgs {
    #[command(subcommand)]
    pub command: LabCommand,
}

/// What `lab` does.
#[derive(Debug, Subcommand)]
pub enum LabCommand {
    /// List the labs: name, question, whether it can run.
    List,
    /// Run labs on scratch tables of their own (created and deleted; your table is never touched).
    Run(LabRunArgs),
}

impl LabArgs {
    /// Whether the command writes (running labs makes and deletes scratch tables).
    pub fn writes(&self) -> bool {
        matches!(self.command, LabCommand::Run(_))
    }
}

/// `lab run` flags.
#[derive(Debug, Args)]
pub struct LabRunArgs {
    /// Labs to run, by name (`lab list` shows them).
    #[arg(value_name = "NAME", conflicts_with = "all")]
    pub names: Vec<String>,
    /// Run every lab that is available.
    #[arg(long)]
    pub all: bool,
    /// small: seconds on the embedded engine; full: the sizes the labs are designed for.
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    pub scale: Scale,
    /// Print a markdown report (backend, engine, date, per lab its table, chart and conclusion).
    #[arg(long)]
    pub markdown: bool,
    /// On AWS: run although it costs money (the cost is printed first).
    #[arg(long)]
    pub yes: bool,
}

/// Runs `lab list` or `lab run`; `json` is the global `--json`.
pub async fn run(flags: &ConnectionArgs, json: bool, args: &LabArgs) -> Result<()> {
    match &args.command {
        LabCommand::List => {
            list(json);
            Ok(())
        }
        LabCommand::Run(run) => run_labs(flags, json, run).await,
    }
}

fn list(json: bool) {
    if json {
        let labs: Vec<_> = LabId::ALL
            .iter()
            .map(|l| {
                json!({
                    "name": l.name(),
                    "question": l.question(),
                })
            })
            .collect();
        write_line(format_args!("{}", json!({ "labs": labs })));
        return;
    }
    let width = LabId::ALL.iter().map(|l| l.name().len()).max().unwrap_or(0);
    for (i, l) in LabId::ALL.iter().enumerate() {
        let line = format!("{:>2}. {:<width$}  {}", i + 1, l.name(), l.question());
        write_line(format_args!("{line}"));
    }
}

/// The labs named, or all available ones; a clear message for a name that is not a lab.
pub fn choose(names: &[String], all: bool) -> Result<Vec<LabId>> {
    if all {
        return Ok(LabId::ALL.to_vec());
    }
    if names.is_empty() {
        bail!(
            "name the labs to run ({}) or pass --all",
            LabId::known_names()
        );
    }
    let mut labs = Vec::new();
    for name in names {
        let lab = LabId::parse(name).ok_or_else(|| {
            eyre!(
                "unknown lab {name:?}: the labs are {}",
                LabId::known_names()
            )
        })?;
        if !labs.contains(&lab) {
            labs.push(lab);
        }
    }
    Ok(labs)
}

async fn run_labs(flags: &ConnectionArgs, json: bool, args: &LabRunArgs) -> Result<()> {
    if args.markdown && json {
        bail!("--json and --markdown both asked: pick one");
    }
    let labs = choose(&args.names, args.all)?;
    let backend = flags.backend()?;
    warn_plain_http(&backend);
    if matches!(backend, Backend::Aws { .. }) {
        let cost = estimate(&labs, args.scale).await?;
        eprintln!(
            "on AWS this run costs about ${:.6} on demand: {} read and {} write request units \
             (measured by a dry run on the in-memory embedded engine; scratch tables are created and deleted)",
            cost.on_demand_usd(),
            units(cost.read),
            units(cost.write)
        );
        if !args.yes {
            bail!("labs write to scratch tables on AWS and cost money: pass --yes to run them");
        }
    }
    // `--limits` applies as in the TUI, where labs share the session's client: every call
    // goes through the simulated limits (the throughput labs add their own on top).
    let (client, info, server, _layer) =
        backend::open_with_limits(&backend, &flags.limits()?).await?;
    let engine = match &backend {
        Backend::Embedded(_) => Some(format!("Dynoxide {}", dynoxide::PRODUCT_VERSION)),
        _ => None,
    };
    let conn = LabConn {
        client,
        endpoint: info.endpoint.clone(),
        sweeper: server.as_ref().and_then(|s| s.sweeper()),
    };
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let show = std::io::stderr().is_terminal();
    let progress = move |p: LabProgress| {
        if show {
            eprint!("\r\x1b[K{}: {}", p.lab.name(), p.step);
        }
    };
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for lab in labs {
        match run_lab(
            &conn,
            lab,
            args.scale,
            &RunOptions::default(),
            &cancel,
            &progress,
        )
        .await
        {
            Ok(r) => results.push(r),
            Err(e) => {
                let stop = e.cancelled();
                errors.push(e.to_string());
                if stop {
                    break;
                }
            }
        }
    }
    if show {
        eprint!("\r\x1b[K");
    }
    if let Some(server) = server {
        server.stop().await;
    }
    let report = LabsReport {
        backend: info.label,
        engine,
        date: now_rfc3339(),
        labs: results,
    };
    if json {
        print_json(&report)?;
    } else if args.markdown {
        write_line(format_args!("{}", report.markdown()));
    } else {
        for lab in &report.labs {
            write_line(format_args!("{}", human(lab)));
        }
    }
    if !errors.is_empty() {
        bail!("{}", errors.join("; "));
    }
    Ok(())
}

/// What `labs` will consume, measured by running them on a private in-memory engine (engines
/// report the capacity AWS bills; where they do not, the labs add the documented rule).
async fn estimate(labs: &[LabId], scale: Scale) -> Result<Capacity> {
    let (client, info, server) = backend::open(&Backend::Embedded(DbLocation::Memory)).await?;
    let conn = LabConn {
        client,
        endpoint: info.endpoint,
        sweeper: server.as_ref().and_then(|s| s.sweeper()),
    };
    let mut total = Capacity::default();
    let cancel = CancellationToken::new();
    for &lab in labs {
        let r = run_lab(&conn, lab, scale, &RunOptions::default(), &cancel, &|_| {}).await;
        total.add(r.map_err(|e| eyre!("cannot estimate the cost: {e}"))?.spent);
    }
    if let Some(server) = server {
        server.stop().await;
    }
    Ok(total)
}

fn now_rfc3339() -> String {
    use aws_sdk_dynamodb::primitives::{DateTime, DateTimeFormat};
    DateTime::from(std::time::SystemTime::now())
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_default()
}

/// A lab's result for a terminal: aligned columns, bars, conclusion.
pub fn human(lab: &LabResult) -> String {
    let width = lab
        .variants
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let row = |name: &str, cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|c| format!("{c:>9}")).collect();
        format!("{name:<width$} {}", cells.join(" "))
    };
    let mut out = format!(
        "== {} ({} scale): {}\n{}\n",
        lab.name,
        lab.scale.as_str(),
        lab.question,
        row("variant", &MEASURED.map(str::to_owned))
    );
    for v in &lab.variants {
        out.push_str(&row(&v.name, &v.cells()));
        match (&v.rule, &v.unsupported) {
            (Some(_), _) => out.push_str("  (rule, not measured)\n"),
            (None, Some(why)) => out.push_str(&format!("  ({NOT_SUPPORTED}: {why})\n")),
            (None, None) => out.push('\n'),
        }
    }
    out.push_str(&format!(
        "{}:\n{}{}\n",
        lab.chart.title,
        text_bars(&lab.chart),
        lab.conclusion
    ));
    out
}
