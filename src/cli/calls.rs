//! `--print-call FORM` and `--transcript FILE`: a command's calls, recorded as they were
//! sent (`code::recording`), printed as code to paste, or appended to a Markdown file.

use std::io::Write;
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr};

use super::{Cli, Command};
use crate::backend::{Backend, DbLocation, LOCAL_REGION};
use crate::code::transcript::{self, Entry};
use crate::code::{Lang, Sent, Target, render};
use crate::store::OpReport;

/// Where pasted code sends its call: the region the calls were signed for (the client's own,
/// whichever of the flag, the environment or the profile gave it); before any call (`sql
/// --explain`), the flag or the environment. The embedded engine lives only as long as the
/// command, so code for it goes to `http://127.0.0.1:8000`, where `dynamo-explorer serve`
/// serves the same database file.
pub(super) fn target(cli: &Cli, sent: &Sent) -> Target {
    let region = |flag: Option<String>| {
        sent.region
            .clone()
            .or(flag)
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .unwrap_or_else(|| LOCAL_REGION.to_owned())
    };
    match cli.conn.backend() {
        Ok(Backend::Endpoint {
            url, region: flag, ..
        }) => Target {
            endpoint: Some(url),
            region: region(flag),
        },
        Ok(Backend::Aws { region: flag, .. }) => Target {
            endpoint: None,
            region: region(flag),
        },
        Ok(Backend::Embedded(_)) | Err(_) => Target {
            endpoint: Some(EMBEDDED_SERVED.to_owned()),
            region: LOCAL_REGION.to_owned(),
        },
    }
}

/// Where `dynamo-explorer serve --port 8000` serves the embedded database.
const EMBEDDED_SERVED: &str = "http://127.0.0.1:8000";

/// On the embedded engine, what answers the code at [`EMBEDDED_SERVED`]: the command's own
/// engine is gone when it exits.
fn embedded_note(cli: &Cli) -> Option<String> {
    match cli.conn.backend() {
        Ok(Backend::Embedded(DbLocation::File(path))) => Some(format!(
            "The embedded engine answers only while a command runs: `dynamo-explorer --db {} \
             serve --port 8000` serves this database where the code calls.",
            crate::code::shell_word(&path.to_string_lossy())
        )),
        Ok(Backend::Embedded(DbLocation::Memory)) => Some(
            "The embedded engine ran in memory (--memory) and is gone: `dynamo-explorer --db \
             FILE serve --port 8000` serves a database file where the code calls."
                .to_owned(),
        ),
        _ => None,
    }
}

/// Prints the main call as `lang` code: to stdout, or to stderr after `--json` output (which
/// stays one JSON object).
pub(super) fn print(sent: &Sent, lang: Lang, cli: &Cli) {
    let Some(call) = sent.main_call() else {
        eprintln!("--print-call: the command made no DynamoDB call");
        return;
    };
    let mut text = format!(
        "# {}\n{}",
        sent.summary(),
        render(call, lang, &target(cli, sent))
    );
    if let Some(note) = embedded_note(cli) {
        text = format!("# {note}\n{text}");
    }
    let json = cli.json;
    if lang == Lang::Rust {
        text = text.replace("\n# ", "\n// ").replacen("# ", "// ", 1);
    }
    if json {
        eprintln!("{text}");
    } else {
        say!("{text}");
    }
}

/// Appends the command's section to the transcript at `path` (the heading first when the
/// file is new or empty).
pub(super) fn append_transcript(
    path: &Path,
    (cli, command): (&Cli, &Command),
    result: &Result<()>,
    reports: Vec<OpReport>,
    sent: &Sent,
) -> Result<()> {
    let target = &target(cli, sent);
    let table = cli.conn.table.as_str();
    let line = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let operation = format!("dynamo-explorer {line}");
    let outcome = match result {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("error: {e}"),
    };
    let empty = OpReport::new(command_name(command));
    let report = merged(reports).unwrap_or(empty);
    let entry = Entry {
        at: format!("{} UTC", crate::tui::msg::ClockTime::now().hms()),
        operation: &operation,
        outcome,
        report: &report,
        sent: Some(sent),
    };
    let table = table.to_owned();
    let new = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
    let mut text = String::new();
    if new {
        let backend = match &target.endpoint {
            Some(url) => format!("{url} ({})", target.region),
            None => format!("AWS {}", target.region),
        };
        text.push_str(&transcript::header(
            "dynamo-explorer transcript",
            &backend,
            &table,
        ));
        if let Some(note) = embedded_note(cli) {
            text.push_str(&format!("> {note}\n\n"));
        }
    }
    text.push_str(&transcript::summary(std::slice::from_ref(&entry)));
    text.push_str(&transcript::section(&entry, target));
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .wrap_err_with(|| format!("--transcript: cannot open {}", path.display()))?;
    f.write_all(text.as_bytes())
        .wrap_err_with(|| format!("--transcript: cannot write {}", path.display()))?;
    Ok(())
}

/// The reports a command printed as one (most print one).
fn merged(reports: Vec<OpReport>) -> Option<OpReport> {
    let mut reports = reports.into_iter();
    let mut out = reports.next()?;
    for r in reports {
        let (items, elapsed) = (r.items, r.elapsed);
        out.absorb(r);
        out.items += items;
        out.elapsed += elapsed;
    }
    Some(out)
}

fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Generate(_) => "generate",
        Command::Query(_) => "query",
        Command::Scan(_) => "scan",
        Command::Delete(_) => "delete",
        Command::Sql(_) => "sql",
        Command::Export(_) => "export",
        Command::Import(_) => "import",
        _ => "command",
    }
}
