//! The TUI worker through its channels, against real engines (embedded, and DynamoDB Local
//! when configured): every job answers with the right events, progress is coalesced, a newer
//! query replaces an older one, and a cancelled generate tells the truth about what landed.

use crate::common;

use std::time::{Duration, Instant};

use crate::common::{engines, fresh_store, records_on_engine};
use dynamo_explorer::request::generate::{GenerateSpec, Mix};
use dynamo_explorer::request::schema::{RecordKey, RequestId};
use dynamo_explorer::store::{QueryOptions, ScanOptions, Store, StoreError};
use dynamo_explorer::tui::msg::{
    EventKind, GeneratedRequest, Job, JobId, WorkerCommand, WorkerEvent,
};
use dynamo_explorer::tui::worker::{self, PROGRESS_INTERVAL, WorkerHandle};

/// Longest wait for any one event: generous for DynamoDB Local on 2 busy cores.
const EVENT_TIMEOUT: Duration = Duration::from_secs(60);

async fn next_event(w: &mut WorkerHandle) -> WorkerEvent {
    tokio::time::timeout(EVENT_TIMEOUT, w.events.recv())
        .await
        .expect("an event within the timeout")
        .expect("worker still running")
}

async fn start(w: &WorkerHandle, id: u64, job: Job) {
    w.commands
        .send(WorkerCommand::Start { id: JobId(id), job })
        .await
        .expect("worker takes commands");
}

/// Events of job `id` until its final one: (planned, progress events, final).
async fn run_to_end(
    w: &mut WorkerHandle,
    id: u64,
) -> (Vec<GeneratedRequest>, Vec<(Instant, u64)>, EventKind) {
    let mut planned = Vec::new();
    let mut progress = Vec::new();
    loop {
        let event = next_event(w).await;
        assert_eq!(event.id, JobId(id), "only job {id} is running");
        match event.kind {
            EventKind::Planned(p) => planned = p,
            EventKind::Progress(p) => progress.push((Instant::now(), p.progress.done)),
            other => return (planned, progress, other),
        }
    }
}

async fn count_records(store: &Store, ids: &[RequestId]) -> u64 {
    records_on_engine(store, ids).await.len() as u64
}

async fn shutdown(w: WorkerHandle) {
    w.commands
        .send(WorkerCommand::Shutdown)
        .await
        .expect("worker takes commands");
    tokio::time::timeout(Duration::from_secs(10), w.join)
        .await
        .expect("worker stops after Shutdown")
        .expect("worker did not panic");
}

#[tokio::test]
async fn generate_reports_plan_progress_and_done_then_query_reads_it_back() {
    for engine in engines().await {
        let store = fresh_store(&engine, "tui_gen").await;
        let mut w = worker::spawn(store.clone());
        let spec = GenerateSpec {
            requests: 3,
            records: 400,
            payload_bytes: 200,
            mix: Mix::Fixed,
            ttl: Default::default(),
        };
        let started = Instant::now();
        start(&w, 1, Job::Generate(spec)).await;
        let (planned, progress, done) = run_to_end(&mut w, 1).await;
        let elapsed = started.elapsed();
        assert_eq!(planned.len(), 3, "{}: three requests planned", engine.name);
        assert!(planned.iter().all(|p| p.records == 400));
        let EventKind::Generated(report) = done else {
            panic!("{}: generate ended with {done:?}", engine.name)
        };
        assert_eq!(report.items, 1200, "{}", engine.name);
        assert_eq!(report.calls, 48, "{}: 1200 / 25 calls", engine.name);
        assert!(report.consumed.total.write >= 1200.0, "{}", engine.name);
        // Coalesced: 48 calls, but at most one progress event per interval (plus the first).
        assert!(!progress.is_empty(), "{}: some progress shown", engine.name);
        let most = elapsed.as_millis() / PROGRESS_INTERVAL.as_millis() + 2;
        assert!(
            progress.len() as u128 <= most,
            "{}: {} progress events in {elapsed:?}",
            engine.name,
            progress.len()
        );
        assert!(
            progress.windows(2).all(|p| p[0].1 <= p[1].1),
            "{}: progress never goes back",
            engine.name
        );

        let id = planned[1].request_id.clone();
        start(
            &w,
            2,
            Job::Query {
                request_id: id.clone(),
                opts: QueryOptions::default(),
            },
        )
        .await;
        let (_, _, done) = run_to_end(&mut w, 2).await;
        let EventKind::Queried(out) = done else {
            panic!("{}: query ended with {done:?}", engine.name)
        };
        assert_eq!(out.request_id, id);
        assert_eq!(out.records.len(), 400, "{}", engine.name);
        assert_eq!(out.sizes.len(), 400);
        assert!(
            out.report.consumed.total.read > 0.0,
            "{}: RCU reported",
            engine.name
        );

        start(
            &w,
            3,
            Job::Scan(ScanOptions {
                limit: Some(100),
                start: None,
                consistent: false,
            }),
        )
        .await;
        let (_, _, done) = run_to_end(&mut w, 3).await;
        let EventKind::Scanned(page) = done else {
            panic!("{}: scan ended with {done:?}", engine.name)
        };
        assert_eq!(page.scanned_count, 100, "{}", engine.name);
        assert!(
            page.last_evaluated_key.is_some(),
            "{}: more pages",
            engine.name
        );
        shutdown(w).await;
    }
}

#[tokio::test]
async fn a_newer_query_replaces_a_stale_one() {
    for engine in engines().await {
        let store = fresh_store(&engine, "tui_stale").await;
        let mut w = worker::spawn(store.clone());
        start(
            &w,
            1,
            Job::Generate(GenerateSpec {
                requests: 2,
                records: 2000,
                payload_bytes: 100,
                mix: Mix::Fixed,
                ttl: Default::default(),
            }),
        )
        .await;
        let (planned, _, done) = run_to_end(&mut w, 1).await;
        assert!(matches!(done, EventKind::Generated(_)), "{done:?}");
        let (a, b) = (planned[0].request_id.clone(), planned[1].request_id.clone());
        // Back to back: the second arrives while the first is (most likely) still reading.
        start(
            &w,
            2,
            Job::Query {
                request_id: a.clone(),
                opts: QueryOptions::default(),
            },
        )
        .await;
        start(
            &w,
            3,
            Job::Query {
                request_id: b.clone(),
                opts: QueryOptions::default(),
            },
        )
        .await;
        let mut stale_answers = 0;
        loop {
            let event = next_event(&mut w).await;
            match (event.id, event.kind) {
                (JobId(3), EventKind::Queried(out)) => {
                    assert_eq!(out.request_id, b, "{}", engine.name);
                    assert_eq!(out.records.len(), 2000, "{}", engine.name);
                    break;
                }
                // The older one had already finished: its answer is A's.
                (JobId(2), EventKind::Queried(out)) => {
                    assert_eq!(out.request_id, a);
                    stale_answers += 1;
                }
                // Or the worker stopped it, and says so: the one owner of superseding.
                (JobId(2), EventKind::Superseded) => stale_answers += 1,
                (id, kind) => panic!("{}: unexpected {id}: {kind:?}", engine.name),
            }
        }
        assert!(
            stale_answers <= 1,
            "{}: one last word for the old query",
            engine.name
        );
        // Nothing else is on its way (a stopped query sends nothing after Superseded).
        let late = tokio::time::timeout(Duration::from_millis(300), w.events.recv()).await;
        assert!(late.is_err(), "{}: no late event: {late:?}", engine.name);
        shutdown(w).await;
    }
}

#[tokio::test]
async fn delete_keys_and_delete_request_report_done_and_remove_exactly_that() {
    for engine in engines().await {
        let store = fresh_store(&engine, "tui_delete").await;
        let mut w = worker::spawn(store.clone());
        start(
            &w,
            1,
            Job::Generate(GenerateSpec {
                requests: 2,
                records: 30,
                payload_bytes: 1500,
                mix: Mix::Fixed,
                ttl: Default::default(),
            }),
        )
        .await;
        let (planned, _, _) = run_to_end(&mut w, 1).await;
        let (a, b) = (planned[0].request_id.clone(), planned[1].request_id.clone());
        let keys = [3u32, 17]
            .into_iter()
            .map(|seq| RecordKey {
                request_id: a.clone(),
                seq,
            })
            .collect();
        start(
            &w,
            2,
            Job::DeleteKeys {
                request_id: a.clone(),
                keys,
            },
        )
        .await;
        let (_, _, done) = run_to_end(&mut w, 2).await;
        let EventKind::Deleted(report) = done else {
            panic!("{}: delete ended with {done:?}", engine.name)
        };
        assert_eq!(report.items, 2, "{}", engine.name);
        // ~1,650-byte items: 2 WCU each.
        assert_eq!(report.consumed.total.write, 4.0, "{}", engine.name);
        let left = store
            .query_request(&a, &QueryOptions::default())
            .await
            .expect("query");
        let seqs: Vec<u32> = left.records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs.len(), 28, "{}", engine.name);
        assert!(!seqs.contains(&3) && !seqs.contains(&17));

        start(&w, 3, Job::DeleteRequest(b.clone())).await;
        let (_, _, done) = run_to_end(&mut w, 3).await;
        let EventKind::Deleted(report) = done else {
            panic!("{}: delete request ended with {done:?}", engine.name)
        };
        assert_eq!(report.items, 30, "{}", engine.name);
        assert!(report.apis.contains(&"Query") && report.apis.contains(&"BatchWriteItem"));
        assert_eq!(count_records(&store, &[b]).await, 0, "{}", engine.name);
        assert_eq!(
            count_records(&store, &[a]).await,
            28,
            "{}: the other request kept",
            engine.name
        );
        shutdown(w).await;
    }
}

#[tokio::test]
async fn cancelling_a_generate_reports_truthfully_what_was_written() {
    for engine in engines().await {
        let store = fresh_store(&engine, "tui_cancel").await;
        let mut w = worker::spawn(store.clone());
        let total = 40_000u64;
        start(
            &w,
            1,
            Job::Generate(GenerateSpec {
                requests: 4,
                records: 10_000,
                payload_bytes: 50,
                mix: Mix::Fixed,
                ttl: Default::default(),
            }),
        )
        .await;
        let mut planned = Vec::new();
        let done = loop {
            let event = next_event(&mut w).await;
            match event.kind {
                EventKind::Planned(p) => planned = p,
                EventKind::Progress(p) => {
                    assert!(
                        p.progress.done < total,
                        "{}: cancelled before the end",
                        engine.name
                    );
                    // The live chart's in-flight count: the adaptive writer's state reaches
                    // the UI, not just the counters.
                    assert!(
                        (1..=p.max_in_flight).contains(&p.in_flight_limit),
                        "{}: in flight {} of {}",
                        engine.name,
                        p.in_flight_limit,
                        p.max_in_flight
                    );
                    w.commands
                        .send(WorkerCommand::Cancel(JobId(1)))
                        .await
                        .expect("worker takes commands");
                }
                other => break other,
            }
        };
        let EventKind::Failed(StoreError::Cancelled {
            confirmed,
            total: asked,
            report,
            ..
        }) = done
        else {
            panic!("{}: expected a cancellation, got {done:?}", engine.name)
        };
        assert_eq!(asked, total);
        assert!(
            confirmed > 0 && confirmed < total,
            "{}: {confirmed}",
            engine.name
        );
        assert_eq!(report.items, confirmed);
        let ids: Vec<RequestId> = planned.iter().map(|p| p.request_id.clone()).collect();
        assert_eq!(
            count_records(&store, &ids).await,
            confirmed,
            "{}: the table holds exactly what the cancellation said",
            engine.name
        );
        shutdown(w).await;
    }
}

#[tokio::test]
async fn a_failing_job_reports_the_store_error() {
    for engine in engines().await {
        // A table that does not exist: every call fails with a typed error.
        let store = Store::new(
            dynamo_explorer::backend::local_client(&engine.url),
            &common::table_name("tui_missing"),
            &engine.url,
        )
        .expect("valid name");
        let mut w = worker::spawn(store);
        start(
            &w,
            1,
            Job::Query {
                request_id: RequestId::parse("nope").expect("id"),
                opts: QueryOptions::default(),
            },
        )
        .await;
        let (_, _, done) = run_to_end(&mut w, 1).await;
        assert!(
            matches!(done, EventKind::Failed(StoreError::TableMissing { .. })),
            "{}: {done:?}",
            engine.name
        );
        // An invalid spec never reaches the engine.
        start(
            &w,
            2,
            Job::Generate(GenerateSpec {
                requests: 0,
                records: 1,
                payload_bytes: 1,
                mix: Mix::Fixed,
                ttl: Default::default(),
            }),
        )
        .await;
        let (_, _, done) = run_to_end(&mut w, 2).await;
        assert!(
            matches!(&done, EventKind::Failed(StoreError::InvalidInput(m)) if m.contains("at least 1")),
            "{done:?}"
        );
        shutdown(w).await;
    }
}

/// `E`'s job: the whole table to a file in DynamoDB's export layout, progress on the way, every
/// item once, the report's RCU those of the reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_table_writes_every_item_once_with_progress() {
    for engine in engines().await {
        let store = fresh_store(&engine, "export_table").await;
        let (_, records) = dynamo_explorer::request::generate::build_records(
            &[50; 40],
            200,
            &mut fastrand::Rng::with_seed(7),
        );
        common::embedded::write_all(&store, records).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let mut w = worker::spawn(store);
        start(
            &w,
            1,
            Job::ExportTable {
                segments: 3,
                dir: dir.path().to_owned(),
            },
        )
        .await;
        let done = loop {
            let event = next_event(&mut w).await;
            match event.kind {
                EventKind::ExportProgress { items, .. } => {
                    assert!(items <= 2_000, "{}", engine.name);
                }
                other => break other,
            }
        };
        let EventKind::ExportedTable {
            path,
            items,
            bytes,
            report,
        } = done
        else {
            panic!("{}: {done:?}", engine.name)
        };
        assert_eq!(items, 2_000, "{}", engine.name);
        let text = std::fs::read_to_string(&path).expect("the file");
        assert_eq!(text.len() as u64, bytes);
        let mut keys: Vec<(String, u64)> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
                let item = &v["Item"];
                (
                    item["request_id"]["S"].as_str().expect("S").to_owned(),
                    item["seq"]["N"].as_str().expect("N").parse().expect("n"),
                )
            })
            .collect();
        keys.sort();
        keys.dedup();
        assert_eq!(
            keys.len(),
            2_000,
            "{}: every item exactly once",
            engine.name
        );
        assert!(report.consumed.total.read > 0.0 || engine.name != "embedded");
        assert!(
            report.calls >= 3,
            "{}: a call per segment at least",
            engine.name
        );
        shutdown(w).await;
    }
}
