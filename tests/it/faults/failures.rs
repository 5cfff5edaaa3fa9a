//! When it cannot succeed: an endpoint killed mid-write, an exhausted retry budget, a write
//! applied but unanswered, answers cut off mid-body. The report never overstates.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_killed_mid_generate_ends_fast_and_never_overstates() {
    for engine in engines().await {
        within(&engine, async {
            // Every answer delayed, so calls the engine has applied are waiting when it dies.
            let config = FaultConfig::seeded(4)
                .delay(1.0, Duration::from_millis(20), Duration::from_millis(60))
                .on(&[BATCH_WRITE])
                .kill_after(40);
            let rig = rig(&engine, "killed", config, RetryPolicy::default()).await;
            let mut rng = fastrand::Rng::with_seed(14);
            let (_, records) = build_records(&[5_000; 4], 50, &mut rng);
            let all: BTreeSet<RecordKey> = records.iter().map(Record::key).collect();

            let started = Instant::now();
            let err = rig
                .proxied
                .write_records(
                    records,
                    WriteOptions::default(),
                    &no_progress,
                    &CancellationToken::new(),
                )
                .await
                .expect_err("the endpoint died: the write cannot succeed");
            let took = started.elapsed();
            let text = err.to_string();
            let StoreError::Incomplete {
                confirmed,
                total,
                in_flight,
                not_done,
                cause,
                report,
                ..
            } = err
            else {
                panic!("{}: expected Incomplete, got {text}", engine.name)
            };
            assert!(
                took < Duration::from_secs(10),
                "{}: took {took:?} to give up",
                engine.name
            );
            assert!(
                matches!(*cause, StoreError::Unreachable { .. }),
                "{}: cause should be Unreachable: {cause}",
                engine.name
            );
            assert!(text.contains(&rig.proxy.url()), "{}: {text}", engine.name);
            // The detail is what the socket said, not a fragment of a debug dump.
            let StoreError::Unreachable { detail, .. } = &*cause else {
                unreachable!()
            };
            assert!(
                ["refused", "reset", "closed"]
                    .iter()
                    .any(|w| detail.to_lowercase().contains(w)),
                "{}: unclear detail {detail:?}",
                engine.name
            );
            assert!(text.contains("in flight"), "{}: {text}", engine.name);

            // Calls cut off after reaching the engine may still be finishing there.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let present = keys_on_engine(&rig.direct).await;
            let stats = rig.proxy.stats();
            println!(
                "\n== killed after 40 calls on {} ==\n{}gave up in {took:?}: confirmed {confirmed}, in flight {in_flight}, not done {}, of {total}; on the engine: {}\n{text}",
                engine.name,
                stats.matrix(),
                not_done.len(),
                present.len()
            );
            assert_eq!(total, 20_000);
            assert_eq!(stats.calls(BATCH_WRITE), 40, "{}", engine.name);
            assert_eq!(report.items, confirmed, "{}", engine.name);
            assert_eq!(
                confirmed + in_flight + not_done.len() as u64,
                total,
                "{}: every record is confirmed, in flight or not done",
                engine.name
            );
            assert!(confirmed > 0 && in_flight > 0, "{}", engine.name);
            let n = present.len() as u64;
            assert!(
                confirmed <= n && n <= confirmed + in_flight,
                "{}: {n} on the engine, {confirmed} confirmed, {in_flight} in flight",
                engine.name
            );
            let wrongly_not_done = not_done.iter().filter(|k| present.contains(k)).count();
            assert_eq!(
                wrongly_not_done, 0,
                "{}: keys reported as not written are on the engine",
                engine.name
            );
            assert!(present.is_subset(&all));
        })
        .await;
    }
}

/// Writes `records` through the rig, expecting it to give up; checks that the error's
/// accounting agrees with the engine and returns it.
async fn give_up(
    engine: &Engine,
    rig: &Rig,
    records: Vec<Record>,
    concurrency: usize,
) -> (u64, u64, Vec<RecordKey>, StoreError, OpReport, String) {
    let all: BTreeSet<RecordKey> = records.iter().map(Record::key).collect();
    let err = rig
        .proxied
        .write_records(
            records,
            WriteOptions::fixed(concurrency),
            &no_progress,
            &CancellationToken::new(),
        )
        .await
        .expect_err("the budget cannot cover these faults");
    let text = err.to_string();
    let StoreError::Incomplete {
        confirmed,
        total,
        in_flight,
        not_done,
        cause,
        report,
        ..
    } = err
    else {
        panic!("{}: expected Incomplete, got {text}", engine.name)
    };
    assert_eq!(total, all.len() as u64);
    assert_eq!(confirmed + in_flight + not_done.len() as u64, total);
    assert_eq!(report.items, confirmed, "{}", engine.name);
    let present = keys_on_engine(&rig.direct).await;
    let n = present.len() as u64;
    assert!(
        confirmed <= n && n <= confirmed + in_flight,
        "{}: {n} on the engine, {confirmed} confirmed, {in_flight} in flight",
        engine.name
    );
    let wrongly_not_done = not_done.iter().filter(|k| present.contains(k)).count();
    assert_eq!(
        wrongly_not_done, 0,
        "{}: keys reported as not written are on the engine ({text})",
        engine.name
    );
    (confirmed, in_flight, not_done, *cause, *report, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_budget_names_exactly_what_did_not_land() {
    for engine in engines().await {
        within(&engine, async {
            // Every BatchWriteItem throttled, 3 attempts: nothing lands, and it says so.
            let config = FaultConfig::seeded(5)
                .with(Fault::ProvisionedThroughput, 1.0)
                .on(&[BATCH_WRITE]);
            let rig = rig(&engine, "budget", config, tight(3)).await;
            let mut rng = fastrand::Rng::with_seed(15);
            let (_, records) = build_records(&[40; 3], 50, &mut rng);
            let mut all: Vec<RecordKey> = records.iter().map(Record::key).collect();
            all.sort();
            let (confirmed, in_flight, not_done, cause, report, text) =
                give_up(&engine, &rig, records, 2).await;
            let stats = rig.proxy.stats();
            print_matrix(
                &engine,
                "100% throttled, 3 attempts",
                &stats,
                &report,
                &text,
            );
            assert_eq!((confirmed, in_flight), (0, 0), "{}", engine.name);
            assert_eq!(not_done, all, "{}: every key is named", engine.name);
            assert!(keys_on_engine(&rig.direct).await.is_empty());
            match &cause {
                StoreError::RetriesExhausted { attempts, code, .. } => {
                    assert_eq!(*attempts, 3);
                    assert_eq!(code, "ProvisionedThroughputExceededException");
                }
                other => panic!("{}: cause {other}", engine.name),
            }
            assert!(
                text.contains(&all[0].to_string()) && text.contains("115 more"),
                "{}: the message lists what did not land: {text}",
                engine.name
            );
            let calls = stats.calls(BATCH_WRITE);
            assert!(calls >= 3 && calls % 3 == 0, "{}: {calls}", engine.name);
            assert_eq!(report.throttled, calls, "{}", engine.name);
            assert_eq!(report.retries, calls / 3 * 2, "{}", engine.name);

            // Throttles and partial batches on a 3-attempt budget: some chunks land, some
            // land in part, some not at all; the error says exactly which keys are missing.
            let config = FaultConfig::seeded(6)
                .with(Fault::Throttling, 0.4)
                .with(Fault::Partial, 0.4)
                .on(&[BATCH_WRITE]);
            let rig = self::rig(&engine, "budget2", config, tight(3)).await;
            let (_, records) = build_records(&[250; 4], 50, &mut rng);
            let all: BTreeSet<RecordKey> = records.iter().map(Record::key).collect();
            let (confirmed, in_flight, not_done, cause, report, text) =
                give_up(&engine, &rig, records, 4).await;
            let stats = rig.proxy.stats();
            print_matrix(
                &engine,
                "throttles + partial, 3 attempts",
                &stats,
                &report,
                &text,
            );
            assert_eq!(
                in_flight, 0,
                "{}: no call could have been applied unseen",
                engine.name
            );
            let present = keys_on_engine(&rig.direct).await;
            assert_eq!(confirmed, present.len() as u64, "{}", engine.name);
            let missing: Vec<RecordKey> = all.difference(&present).cloned().collect();
            assert_eq!(not_done, missing, "{}: not_done = absent keys", engine.name);
            assert!(
                matches!(cause, StoreError::RetriesExhausted { .. }),
                "{}: {cause}",
                engine.name
            );
            assert_eq!(report.throttled, stats.throttles(BATCH_WRITE));
            assert_eq!(
                report.unprocessed_resent, stats.items_resent_after_unprocessed,
                "{}: resends counted vs made",
                engine.name
            );
            // Retries are the throttles, less the last throttle of each chunk that gave up on
            // one (at most one per chunk in flight).
            assert!(
                report.retries <= report.throttled && report.throttled - report.retries <= 4,
                "{}: {} retries, {} throttles",
                engine.name,
                report.retries,
                report.throttled
            );
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_applied_but_unanswered_is_in_flight_never_confirmed() {
    for engine in engines().await {
        within(&engine, async {
            for fault in [
                Fault::UnavailableAfter,
                Fault::ResetAfter,
                Fault::TruncateAfter,
            ] {
                let config = FaultConfig::seeded(7).with(fault, 1.0).on(&[BATCH_WRITE]);
                let rig = rig(&engine, "unanswered", config, tight(2)).await;
                let mut rng = fastrand::Rng::with_seed(16);
                let (_, records) = build_records(&[100], 50, &mut rng);
                let first: BTreeSet<RecordKey> = records[..25].iter().map(Record::key).collect();
                // One call at a time: the first chunk is tried twice, then everything stops.
                let (confirmed, in_flight, not_done, cause, report, text) =
                    give_up(&engine, &rig, records, 1).await;
                let stats = rig.proxy.stats();
                print_matrix(&engine, &format!("100% {fault:?}"), &stats, &report, &text);
                let name = format!("{}, {fault:?}", engine.name);
                assert_eq!(confirmed, 0, "{name}: an unanswered call confirms nothing");
                assert_eq!(in_flight, 25, "{name}: {text}");
                assert_eq!(not_done.len(), 75, "{name}");
                assert!(
                    matches!(cause, StoreError::RetriesExhausted { .. }),
                    "{name}: {cause}"
                );
                assert!(text.contains("in flight"), "{name}: {text}");
                // The engine did apply them: "in flight" was the truth.
                assert_eq!(keys_on_engine(&rig.direct).await, first, "{name}");
                assert_eq!(stats.calls(BATCH_WRITE), 2, "{name}");
                assert_eq!(report.calls, 2, "{name}");
            }
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_cut_off_mid_body_are_retried_like_dropped_connections() {
    for engine in engines().await {
        within(&engine, async {
            let config = FaultConfig::seeded(8)
                .with(Fault::TruncateAfter, 0.25)
                .with(Fault::ResetAfter, 0.1)
                .on(&[BATCH_WRITE]);
            let rig = rig(&engine, "truncated", config, generous()).await;
            let mut rng = fastrand::Rng::with_seed(17);
            let (ids, records) = build_records(&[100; 4], 50, &mut rng);
            let report = rig
                .proxied
                .write_records(
                    records.clone(),
                    WriteOptions::default(),
                    &no_progress,
                    &CancellationToken::new(),
                )
                .await
                .unwrap_or_else(|e| {
                    panic!("{}: a cut-off answer should be retried: {e}", engine.name)
                });
            let stats = rig.proxy.stats();
            print_matrix(&engine, "answers cut off", &stats, &report, "");
            assert!(stats.fault(BATCH_WRITE, Fault::TruncateAfter) > 0);
            assert_batch_report_matches(&engine, &report, &stats);
            let landed = records_on_engine(&rig.direct, &ids).await;
            assert_same_records(&engine, &landed, &records);
        })
        .await;
    }
}
