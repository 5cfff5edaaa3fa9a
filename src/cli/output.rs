//! What the commands print besides their JSON: lines on stdout that a closed pipe ends
//! quietly, the one-line human summary of an operation, the progress line of a long write,
//! and the client CPU an operation took.

use std::io::Write;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::backend::{self, Backend};
use crate::store::{FlowProgress, OpReport, ProgressSink, WithFlow};

/// Prints a command's `--json` object on one line.
pub(crate) fn print_json(value: &impl serde::Serialize) -> color_eyre::eyre::Result<()> {
    write_line(format_args!("{}", serde_json::to_string(value)?));
    Ok(())
}

/// Writes one line of command output to stdout; exits quietly if the reader has gone.
pub(crate) fn write_line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}")
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        tracing::info!("stdout closed by its reader: exiting");
        // `exit` runs no destructors: the log's last lines are written out first.
        crate::logging::flush();
        std::process::exit(0);
    }
}

/// One human line about what an operation did and cost; a second when the engine's capacity
/// figures break DynamoDB's rules.
pub fn summary_line(r: &OpReport) -> String {
    super::report::printed(r);
    let secs = r.elapsed.as_secs_f64();
    let off_rule = match r.by_rule.contrast() {
        Some(c) => format!(
            "\ncapacity is the engine's, not DynamoDB's rule ({c}): AWS would bill the rule's figure"
        ),
        None => String::new(),
    };
    // `0 call(s)`, not `0  call(s)`: an operation that sent nothing has no API to name.
    let calls = if r.apis.is_empty() {
        r.calls.to_string()
    } else {
        format!("{} {}", r.calls, r.apis.join("+"))
    };
    format!(
        "{} {} in {:.3} s: {calls} call(s), {:.1} RCU, {:.1} WCU, {} retries, {} unprocessed resent, {} throttled{} (on-demand estimate ${:.6}){off_rule}",
        r.operation,
        r.items,
        secs,
        r.consumed.total.read,
        r.consumed.total.write,
        r.retries,
        r.unprocessed_resent,
        r.throttled,
        r.throttling_summary(),
        r.consumed.total.on_demand_usd()
    )
}

/// Shortest time between two redraws of the progress line: a terminal shows no more.
const REDRAW: Duration = Duration::from_millis(100);

/// The progress line of a batch write, on stderr when it is a terminal and output is for
/// humans. The batch writer only stores the latest figures (a watch channel: it never waits
/// on the terminal); a task of its own draws them, at most every [`REDRAW`].
pub(crate) struct ProgressLine {
    latest: watch::Sender<Option<FlowProgress>>,
    printer: Option<JoinHandle<()>>,
}

impl ProgressLine {
    /// A progress line, drawn only if `shown`.
    pub(crate) fn start(shown: bool) -> Self {
        let (latest, mut seen) = watch::channel(None);
        let printer = shown.then(|| {
            tokio::spawn(async move {
                while seen.changed().await.is_ok() {
                    let progress = *seen.borrow_and_update();
                    if let Some(p) = progress {
                        draw(&p);
                    }
                    tokio::time::sleep(REDRAW).await;
                }
            })
        });
        ProgressLine { latest, printer }
    }

    /// The callback for the store's batch writer (with the adaptive writer's in-flight count).
    pub(crate) fn sink(&self) -> impl ProgressSink + '_ {
        WithFlow(|f: FlowProgress| {
            self.latest.send_replace(Some(f));
        })
    }

    /// Draws the last figures and ends the line.
    pub(crate) async fn finish(self) {
        if let Some(printer) = self.printer {
            // Stopped where it waits (it never stops half way through a line), so the last
            // figures are drawn here at once rather than after its pause.
            printer.abort();
            let _ = printer.await;
            if let Some(p) = *self.latest.borrow() {
                draw(&p);
            }
            eprintln!();
        }
    }
}

fn draw(f: &FlowProgress) {
    let p = &f.progress;
    let rate = p.done as f64 / p.elapsed.as_secs_f64().max(1e-3);
    eprint!(
        "\r{}/{} items, {:.0}/s, {:.0} WCU, {} retries, {} throttled, {} in flight   ",
        p.done, p.total, rate, p.write_units, p.retries, p.throttled, f.in_flight_limit
    );
    let _ = std::io::stderr().flush();
}

/// CPU seconds this process has used (user + system, all threads). On an endpoint backend
/// that is the client alone; on the embedded engine it includes the engine.
pub fn process_cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the zeroed struct we pass; RUSAGE_SELF is always valid.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut u) != 0 {
            return 0.0;
        }
        u
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Measures the client CPU of one operation, for `--json`'s `client_cpu_ms`.
pub(crate) struct CpuMeter(f64);

impl CpuMeter {
    pub(crate) fn start() -> Self {
        CpuMeter(process_cpu_seconds())
    }
    pub(crate) fn ms(&self) -> u64 {
        ((process_cpu_seconds() - self.0) * 1000.0).round().max(0.0) as u64
    }
}

/// Warns when an endpoint is plain http to another machine.
pub fn warn_plain_http(backend: &Backend) {
    if let Backend::Endpoint { url, .. } = backend
        && backend::is_plain_http_remote(url)
    {
        eprintln!(
            "warning: {url} is plain http to another machine: requests and data cross the network unencrypted"
        );
    }
}

/// Asks a question on stderr and reads one line of answer from stdin, trimmed.
pub(crate) fn ask(question: &str) -> color_eyre::eyre::Result<String> {
    use std::io::{BufRead, Write};
    let mut err = std::io::stderr();
    write!(err, "{question}")?;
    err.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}
