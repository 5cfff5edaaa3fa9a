//! TTL sweeps of the embedded engine around CLI commands: one before each command, and
//! background sweeps while `serve` runs. Other backends delete expired items themselves
//! (AWS) or not at all (DynamoDB Local: README, "Backends").

use std::time::Duration;

use crate::backend::EmbeddedServer;
use crate::fmt::thousands;
use crate::store::QueryOutput;
use crate::ttl::SweepReport;

/// How long a command waits for its sweep before starting anyway. A sweep reads every item
/// (~5 µs of CPU each here: 100,000 items in 0.55 s, 1,000,000 in 5 s; `benches/ttl_sweep.rs`),
/// and a `describe` should not wait that long on a big database. Past this the command runs alongside the sweep, which hands the engine to the
/// command's requests between its 25-item pages; a sweep still running when the command
/// ends stops with the process, having deleted what it reached.
const WAIT_FOR_SWEEP: Duration = Duration::from_secs(2);

/// What `serve` says about TTL when it starts.
pub const SWEEP_NOTE: &str =
    "TTL: expired items are deleted (free) every 10 to 30 s, each sweep that deletes any said here";

/// "TTL expired 1,000 records, 0 WCU (a sweep of 12 ms)".
fn describe_sweep(r: &SweepReport) -> String {
    format!("{r} (a sweep of {} ms)", r.elapsed.as_millis())
}

/// Sweeps the embedded engine before a command (nothing for other backends); says on stderr
/// what it expired unless `quiet` (`--json`: scripts read stdout, but keep stderr clean too).
pub async fn sweep_before(server: Option<&EmbeddedServer>, quiet: bool) {
    let Some(sweeper) = server.and_then(EmbeddedServer::sweeper) else {
        return;
    };
    match tokio::time::timeout(WAIT_FOR_SWEEP, sweeper.sweep()).await {
        Ok(Ok(r)) if r.deleted > 0 && !quiet => eprintln!("{}", describe_sweep(&r)),
        Ok(Ok(_)) => {}
        // A sweep that fails (a full disk) must not stop the command the user asked for: the
        // log has it, and the user sees it here.
        Ok(Err(e)) if !quiet => eprintln!("warning: {e}"),
        Ok(Err(_)) => {}
        Err(_) => tracing::info!(
            "TTL sweep still running after {} s: the command goes ahead alongside it",
            WAIT_FOR_SWEEP.as_secs()
        ),
    }
}

/// `serve`'s background sweeps, each that expired something said on stderr; they stop when
/// the returned task is aborted (or the process ends).
pub fn sweep_while_serving(server: &EmbeddedServer) -> tokio::task::JoinHandle<()> {
    // `serve` never joins another process's engine (it refuses a held file), so it sweeps.
    let Some(sweeper) = server.sweeper() else {
        return tokio::spawn(async {});
    };
    let (sweeps, mut results) = sweeper.every(Duration::ZERO);
    tokio::spawn(async move {
        let _sweeps = sweeps;
        while let Some(result) = results.recv().await {
            match result {
                Ok(r) if r.deleted > 0 => eprintln!("{}", describe_sweep(&r)),
                Ok(_) => {}
                Err(e) => eprintln!("warning: {e}"),
            }
        }
    })
}

/// What `query` says about expired records, if anything: how many of those read are past
/// their `expires_at`, or with `--exclude-expired` how many the filter hid, at the same RCU.
pub fn expired_note(out: &QueryOutput, now: i64, excluded: bool) -> Option<String> {
    if excluded {
        let hidden = out.scanned_count.saturating_sub(out.count);
        return (hidden > 0).then(|| {
            format!(
                "--exclude-expired hid {} expired record(s); the RCU is the same: DynamoDB bills \
                 what a Query reads before its FilterExpression",
                thousands(hidden)
            )
        });
    }
    let expired = crate::ttl::count_expired(&out.records, now);
    (expired > 0).then(|| {
        format!(
            "{} of {} records are past their expires_at: TTL has not deleted them yet (the \
             embedded engine sweeps every few seconds, AWS within about two days; DynamoDB Local \
             never: see README). --exclude-expired hides them, for the same RCU",
            thousands(expired),
            thousands(out.records.len() as u64)
        )
    })
}
