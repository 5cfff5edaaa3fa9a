//! The worker: owns the [`Store`], runs each job as its own task, and reports back through a
//! bounded channel. The UI never awaits I/O; it sends [`WorkerCommand`]s and reads
//! [`WorkerEvent`]s.
//!
//! - A newer query stops the one still running (its answer would be stale anyway) and reports
//!   it `Superseded`: the worker is the one owner of superseding.
//! - Generate and delete get a [`CancellationToken`]; cancelling keeps what was written and the
//!   store's error says how much.
//! - Progress is coalesced through a watch channel and forwarded at most every
//!   [`PROGRESS_INTERVAL`], always the latest, so a 100,000-record job cannot flood the UI.
//! - A job that panics becomes a `Failed` event; the worker itself keeps going.
//! - On the embedded engine it also runs the TTL sweeps (every 10 to 30 s) and reports each
//!   as a `TtlSwept` event of its own accord.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tokio::sync::{mpsc, watch};
use tokio::task::{AbortHandle, JoinHandle, JoinSet};

use super::msg::{ClockTime, EventKind, GeneratedRequest, Job, JobId, WorkerCommand, WorkerEvent};
use crate::code::{Sent, recording};
use crate::request::generate::{GenerateSpec, build_records_expiring};
use crate::store::{CancellationToken, FlowProgress, Store, StoreError, WithFlow, WriteOptions};
use crate::ttl::Sweeper;

/// Most progress events per job per second is 1 / this.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);
/// Room in each channel; senders wait when it is full (backpressure, never unbounded memory).
pub const CHANNEL_CAPACITY: usize = 64;
/// How long shutdown waits for cancelled jobs to stop before abandoning them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// The first TTL sweep waits this long, so the first scan page is not queued behind it.
const FIRST_SWEEP_AFTER: Duration = Duration::from_secs(1);

/// The UI's side of a running worker.
pub struct WorkerHandle {
    /// Jobs and cancellations go here.
    pub commands: mpsc::Sender<WorkerCommand>,
    /// Results and progress come from here.
    pub events: mpsc::Receiver<WorkerEvent>,
    /// Ends when the worker stops; an error means it panicked.
    pub join: JoinHandle<()>,
}

/// Starts the worker on the current tokio runtime.
pub fn spawn(store: Store) -> WorkerHandle {
    spawn_sweeping(store, None)
}

/// Starts the worker, with TTL sweeps by `sweeper` (the embedded engine's) in the background;
/// labs get it too, to expire their records on demand.
pub fn spawn_sweeping(store: Store, sweeper: Option<Sweeper>) -> WorkerHandle {
    let (cmd_tx, cmd_rx) = mpsc::channel(CHANNEL_CAPACITY);
    let (evt_tx, evt_rx) = mpsc::channel(CHANNEL_CAPACITY);
    let join = tokio::spawn(run(store, sweeper, cmd_rx, evt_tx));
    WorkerHandle {
        commands: cmd_tx,
        events: evt_rx,
        join,
    }
}

/// A job in flight, as the worker tracks it.
struct Running {
    id: JobId,
    abort: AbortHandle,
    cancel: Option<CancellationToken>,
    is_query: bool,
}

async fn run(
    mut store: Store,
    sweeper: Option<Sweeper>,
    mut commands: mpsc::Receiver<WorkerCommand>,
    events: mpsc::Sender<WorkerEvent>,
) {
    // Stopped when this function returns (the handle is dropped with it).
    let (_sweeps, mut swept) = match &sweeper {
        Some(s) => {
            let (handle, results) = s.every(FIRST_SWEEP_AFTER);
            (Some(handle), Some(results))
        }
        None => (None, None),
    };
    // Each task returns its final event and this loop sends it: so a job has exactly one
    // last word, its answer or `Superseded`, whichever way a race between them goes.
    let mut tasks: JoinSet<(EventKind, Option<Arc<Sent>>)> = JoinSet::new();
    let mut running: HashMap<tokio::task::Id, Running> = HashMap::new();
    loop {
        tokio::select! {
            cmd = commands.recv() => match cmd {
                Some(WorkerCommand::Start { id, job }) => {
                    let is_query = matches!(job, Job::Query { .. });
                    if is_query {
                        // Only the newest query matters: stop the older ones spending RCU.
                        // One that finished already keeps its answer (join_next delivers it).
                        for r in running.values().filter(|r| r.is_query) {
                            r.abort.abort();
                        }
                    }
                    let cancel = job.is_cancellable().then(CancellationToken::new);
                    let fut = run_job(
                        (store.clone(), sweeper.clone()),
                        id,
                        job,
                        events.clone(),
                        cancel.clone(),
                    );
                    let abort = tasks.spawn(fut);
                    running.insert(abort.id(), Running { id, abort, cancel, is_query });
                }
                Some(WorkerCommand::Cancel(id)) => {
                    if let Some(token) = running
                        .values()
                        .find(|r| r.id == id)
                        .and_then(|r| r.cancel.as_ref())
                    {
                        token.cancel();
                    }
                }
                Some(WorkerCommand::Shutdown) | None => break,
            },
            Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                let (task, (kind, sent)) = match done {
                    Ok((task, done)) => (task, done),
                    // Aborted: only superseded queries are (a panic is caught inside the job).
                    Err(e) => (e.id(), (EventKind::Superseded, None)),
                };
                if let Some(r) = running.remove(&task) {
                    // Jobs after a switch of table go to the new one.
                    if let EventKind::TableOpened(desc) = &kind
                        && let Ok(switched) = store.for_table(&desc.name)
                    {
                        store = switched;
                    }
                    send_with(&events, r.id, kind, sent).await;
                }
            }
            Some(result) = async { swept.as_mut()?.recv().await }, if swept.is_some() => {
                send(&events, JobId::BACKGROUND, EventKind::TtlSwept(result)).await;
            }
        }
    }
    for r in running.values() {
        match &r.cancel {
            Some(token) => token.cancel(),
            None => r.abort.abort(),
        }
    }
    // Cancelled jobs still say how much they did, to whoever is still listening.
    let drain = async {
        while let Some(done) = tasks.join_next_with_id().await {
            if let Ok((task, (kind, sent))) = done
                && let Some(r) = running.remove(&task)
            {
                send_with(&events, r.id, kind, sent).await;
            }
        }
    };
    if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
        tasks.abort_all();
    }
}

/// Runs one job to its final event, with the calls it sent (for the log's code and the
/// transcript). A panic inside it becomes a `Failed` event.
async fn run_job(
    (store, sweeper): (Store, Option<Sweeper>),
    id: JobId,
    job: Job,
    events: mpsc::Sender<WorkerEvent>,
    cancel: Option<CancellationToken>,
) -> (EventKind, Option<Arc<Sent>>) {
    let (result, sent) = recording(
        AssertUnwindSafe(job_body((&store, sweeper), id, job, &events, cancel)).catch_unwind(),
    )
    .await;
    let sent = (sent.total() > 0).then(|| Arc::new(sent));
    let kind = match result {
        Ok(kind) => kind,
        Err(panic) => EventKind::Failed(StoreError::InvalidInput(format!(
            "internal error: the job panicked: {}",
            panic_message(panic.as_ref())
        ))),
    };
    (kind, sent)
}

async fn job_body(
    (store, sweeper): (&Store, Option<Sweeper>),
    id: JobId,
    job: Job,
    events: &mpsc::Sender<WorkerEvent>,
    cancel: Option<CancellationToken>,
) -> EventKind {
    let cancel = cancel.unwrap_or_default();
    match job {
        Job::Scan(opts) => match store.scan_page(&opts).await {
            Ok(page) => EventKind::Scanned(page),
            Err(e) => EventKind::Failed(e),
        },
        Job::Query { request_id, opts } => match store.query_request(&request_id, &opts).await {
            Ok(out) => EventKind::Queried(out),
            Err(e) => EventKind::Failed(e),
        },
        Job::Generate(spec) => generate(store, id, spec, events, &cancel).await,
        Job::Tables => match store.table_names().await {
            Ok(names) => EventKind::TableNames(names),
            Err(e) => EventKind::Failed(e),
        },
        Job::DescribeTables(names) => match store.describe_tables(names).await {
            Ok(tables) => EventKind::Tables(tables),
            Err(e) => EventKind::Failed(e),
        },
        Job::UseTable(name) => {
            let described = match store.for_table(&name) {
                Ok(other) => other.describe_any().await,
                Err(e) => Err(e),
            };
            match described {
                Ok(desc) => EventKind::TableOpened(Box::new(desc)),
                Err(e) => EventKind::Failed(e),
            }
        }
        Job::ScanAny {
            start,
            consistent,
            limit,
        } => {
            let prepared = crate::table::Prepared {
                consistent,
                limit: Some(limit),
                ..Default::default()
            };
            match store.scan_any(&prepared, None, start).await {
                Ok(out) => EventKind::ReadAny(Box::new(out)),
                Err(e) => EventKind::Failed(e),
            }
        }
        Job::Sql(statement) => match store
            .execute_statement(&statement, None, Some(&cancel))
            .await
        {
            Ok(out) => EventKind::SqlDone(Box::new(out.into())),
            Err(e) => EventKind::Failed(e),
        },
        Job::QueryAny(prepared) => match store.query_any(&prepared).await {
            Ok(out) => EventKind::ReadAny(Box::new(out)),
            Err(e) => EventKind::Failed(e),
        },
        Job::ExportTable { segments, dir } => {
            let (file, path) = match super::files::create_stamped(
                &dir,
                &super::files::safe_stem(store.table()),
                "jsonl",
            ) {
                Ok(created) => created,
                Err(e) => {
                    return EventKind::Failed(StoreError::InvalidInput(format!(
                        "cannot create the export file: {e}"
                    )));
                }
            };
            let progress = crate::table::transfer::Progress::default();
            let ticker = async {
                loop {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    let _ = events.try_send(WorkerEvent {
                        id,
                        at: ClockTime::now(),
                        kind: EventKind::ExportProgress {
                            items: progress.items.load(std::sync::atomic::Ordering::Relaxed),
                            pages: progress.calls.load(std::sync::atomic::Ordering::Relaxed),
                            rcu: progress.units(),
                        },
                        sent: None,
                    });
                }
            };
            let export = store.export_to_file(file, segments, &progress, &cancel);
            let done = tokio::select! {
                done = export => done,
                () = ticker => unreachable!("the ticker never ends"),
            };
            match done {
                Ok((report, items, bytes)) => EventKind::ExportedTable {
                    path: path.display().to_string(),
                    items,
                    bytes,
                    report: Box::new(report),
                },
                Err(e) => EventKind::Failed(e),
            }
        }
        Job::ExportLoaded { table, items } => {
            let written = tokio::task::spawn_blocking(move || {
                export_loaded(std::path::Path::new("."), &table, &items)
            })
            .await;
            match written {
                Ok(Ok((path, n, bytes))) => EventKind::Exported(path, n, bytes),
                Ok(Err(e)) => EventKind::Failed(StoreError::InvalidInput(format!(
                    "cannot write the export: {e}"
                ))),
                Err(e) => {
                    EventKind::Failed(StoreError::InvalidInput(format!("the export stopped: {e}")))
                }
            }
        }
        Job::DeleteAny(keys) => match store.delete_by_keys(keys).await {
            Ok((existed, report)) => EventKind::DeletedAny(existed, report),
            Err(e) => EventKind::Failed(e),
        },
        Job::Lab { lab, scale } => {
            let conn = crate::labs::LabConn {
                client: store.client().clone(),
                endpoint: store.endpoint().to_owned(),
                sweeper,
            };
            run_lab(&conn, id, lab, scale, events, &cancel).await
        }
        Job::DeleteKeys { keys, .. } => {
            let result = with_progress(id, events, |progress| async move {
                store
                    .delete_keys(keys, WriteOptions::default(), &progress, &cancel)
                    .await
            })
            .await;
            match result {
                Ok(report) => EventKind::Deleted(report),
                Err(e) => EventKind::Failed(e),
            }
        }
        Job::DeleteRequest(request_id) => {
            let result = with_progress(id, events, |progress| async move {
                store
                    .delete_request(&request_id, WriteOptions::default(), &progress, &cancel)
                    .await
            })
            .await;
            match result {
                Ok(report) => EventKind::Deleted(report),
                Err(e) => EventKind::Failed(e),
            }
        }
    }
}

async fn generate(
    store: &Store,
    id: JobId,
    spec: GenerateSpec,
    events: &mpsc::Sender<WorkerEvent>,
    cancel: &CancellationToken,
) -> EventKind {
    if let Err(message) = spec.validate() {
        return EventKind::Failed(StoreError::InvalidInput(message));
    }
    // A million 400-byte payloads take a moment to build: keep it off the runtime's threads.
    let built = tokio::task::spawn_blocking(move || {
        let mut rng = fastrand::Rng::new();
        let counts = spec.plan(&mut rng);
        let (ids, records) =
            build_records_expiring(&counts, spec.payload_bytes, spec.ttl, &mut rng);
        (counts, ids, records)
    })
    .await;
    let (counts, ids, records) = match built {
        Ok(built) => built,
        Err(e) => {
            return EventKind::Failed(StoreError::InvalidInput(format!(
                "internal error building records: {e}"
            )));
        }
    };
    let created_at = records
        .first()
        .map(|r| r.created_at.clone())
        .unwrap_or_default();
    let planned = ids
        .into_iter()
        .zip(counts)
        .map(|(request_id, records)| GeneratedRequest {
            request_id,
            records,
            created_at: created_at.clone(),
        })
        .collect();
    send(events, id, EventKind::Planned(planned)).await;
    let result = with_progress(id, events, |progress| async move {
        store
            .write_records(records, WriteOptions::default(), &progress, cancel)
            .await
    })
    .await;
    match result {
        Ok(report) => EventKind::Generated(report),
        Err(e) => EventKind::Failed(e),
    }
}

/// Runs a lab on the store's client; each step it starts is reported (a step is seconds apart
/// at most, so no coalescing; dropped if the channel is full).
async fn run_lab(
    conn: &crate::labs::LabConn,
    id: JobId,
    lab: crate::labs::LabId,
    scale: crate::labs::Scale,
    events: &mpsc::Sender<WorkerEvent>,
    cancel: &CancellationToken,
) -> EventKind {
    let events = events.clone();
    let progress = move |p: crate::labs::LabProgress| {
        let _ = events.try_send(WorkerEvent {
            id,
            at: ClockTime::now(),
            kind: EventKind::LabStep(p),
            sent: None,
        });
    };
    let opts = crate::labs::RunOptions::default();
    let result = crate::labs::run_lab(conn, lab, scale, &opts, cancel, &progress).await;
    EventKind::LabDone(result.map(Box::new))
}

/// Runs `work` with a progress callback whose updates reach the UI coalesced: the callback
/// only replaces the value in a watch channel (cheap, never blocks the store), and a forwarder
/// sends the latest value at most every [`PROGRESS_INTERVAL`].
async fn with_progress<F, Fut, T>(id: JobId, events: &mpsc::Sender<WorkerEvent>, work: F) -> T
where
    F: FnOnce(WithFlow<Box<dyn Fn(FlowProgress) + Send + Sync>>) -> Fut,
    Fut: Future<Output = T>,
{
    let (tx, mut rx) = watch::channel::<Option<FlowProgress>>(None);
    let forward_events = events.clone();
    let forwarder = tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let latest = *rx.borrow_and_update();
            if let Some(p) = latest {
                send(&forward_events, id, EventKind::Progress(p)).await;
            }
            tokio::time::sleep(PROGRESS_INTERVAL).await;
        }
    });
    let progress: Box<dyn Fn(FlowProgress) + Send + Sync> = Box::new(move |p| {
        tx.send_replace(Some(p));
    });
    let progress = WithFlow(progress);
    let out = work(progress).await;
    // The final event carries the full report; a progress event after it would only confuse.
    forwarder.abort();
    let _ = forwarder.await;
    out
}

async fn send(events: &mpsc::Sender<WorkerEvent>, id: JobId, kind: EventKind) {
    send_with(events, id, kind, None).await;
}

/// [`send`], with the calls the job sent.
async fn send_with(
    events: &mpsc::Sender<WorkerEvent>,
    id: JobId,
    kind: EventKind,
    sent: Option<Arc<Sent>>,
) {
    let event = WorkerEvent {
        id,
        at: ClockTime::now(),
        kind,
        sent,
    };
    // The UI has gone away: nobody to tell.
    let _ = events.send(event).await;
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the event loop shows as "worker died: ..." when the worker task panics.
    #[tokio::test]
    async fn a_panicking_task_s_message_is_recovered() {
        let handle: JoinHandle<()> = tokio::spawn(async { panic!("store exploded: {}", 42) });
        let err = handle.await.expect_err("the task panicked");
        assert!(err.is_panic());
        assert_eq!(
            panic_message(err.into_panic().as_ref()),
            "store exploded: 42"
        );
        let handle: JoinHandle<()> = tokio::spawn(async { panic!("static text") });
        let err = handle.await.expect_err("the task panicked");
        assert_eq!(panic_message(err.into_panic().as_ref()), "static text");
    }
}

/// Writes `items` as `{"Item": ...}` lines to a new `<table>-<unix seconds>.jsonl` in `dir`
/// (the current directory; never over an existing file): its path, the items and the bytes.
fn export_loaded(
    dir: &std::path::Path,
    table: &str,
    items: &super::msg::Loaded,
) -> std::io::Result<(String, u64, u64)> {
    use std::io::Write;
    let (file, path) = super::files::create_stamped(dir, &super::files::safe_stem(table), "jsonl")?;
    let mut out = crate::table::transfer::Counted::new(std::io::BufWriter::new(file));
    let mut line = |json: serde_json::Value| -> std::io::Result<()> {
        crate::table::value::write_export_line(&mut out, &json)
    };
    match items {
        super::msg::Loaded::Any(items) => {
            for row in 0..items.len() {
                if let Some(pairs) = items.pairs(row) {
                    line(crate::table::value::pairs_to_ddb_json(&pairs))?;
                }
            }
        }
        super::msg::Loaded::Records(records) => {
            for record in records.iter() {
                let item: crate::table::value::Item = serde_dynamo::to_item(record)
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                line(crate::table::value::item_to_ddb_json(&item))?;
            }
        }
    }
    out.flush()?;
    let shown = std::fs::canonicalize(&path).unwrap_or(path);
    Ok((shown.display().to_string(), items.len() as u64, out.bytes))
}

#[cfg(test)]
mod export_tests {
    use std::collections::HashMap;

    use aws_sdk_dynamodb::types::AttributeValue;

    #[test]
    fn loaded_items_go_to_a_new_file_in_the_export_layout() {
        let dir = tempfile::tempdir().expect("temp dir");
        let items = crate::tui::msg::Loaded::Any(std::sync::Arc::new(
            crate::table::items::Items::from_items(vec![HashMap::from([
                ("pk".to_owned(), AttributeValue::S("a".into())),
                (
                    "n".to_owned(),
                    AttributeValue::N("12345678901234567890123456789012345678".into()),
                ),
            ])]),
        ));
        let (path, n, bytes) =
            super::export_loaded(dir.path(), "my table", &items).expect("written");
        assert_eq!(n, 1);
        assert!(path.contains("my_table-"), "{path}");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.len() as u64, bytes);
        assert_eq!(
            text.trim(),
            r#"{"Item":{"n":{"N":"12345678901234567890123456789012345678"},"pk":{"S":"a"}}}"#
        );
    }
}
