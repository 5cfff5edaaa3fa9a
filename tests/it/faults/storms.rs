//! Writes and deletes under a storm of every fault: every record lands exactly once, exactly
//! the chosen keys go.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_under_a_fault_storm_lands_every_record_exactly_once() {
    for engine in engines().await {
        within(&engine, async {
            let rig = rig(&engine, "storm", storm(1), generous()).await;
            let mut rng = fastrand::Rng::with_seed(11);
            let (ids, records) = build_records(&[500; 20], 100, &mut rng);
            let report = rig
                .proxied
                .write_records(
                    records.clone(),
                    WriteOptions::default(),
                    &no_progress,
                    &CancellationToken::new(),
                )
                .await
                .unwrap_or_else(|e| panic!("{}: generate under faults failed: {e}", engine.name));
            let stats = rig.proxy.stats();
            assert_eq!(report.items, 10_000, "{}", engine.name);

            // On the engine itself: every record, its contents, and nothing else.
            let landed = records_on_engine(&rig.direct, &ids).await;
            assert_same_records(&engine, &landed, &records);
            let keys = keys_on_engine(&rig.direct).await;
            assert_eq!(keys.len(), 10_000, "{}: items in the table", engine.name);

            print_matrix(
                &engine,
                "generate 20 x 500 under a storm",
                &stats,
                &report,
                &format!(
                    "records written (report): {}; verified on the engine: {} (contents equal), table holds {}",
                    report.items,
                    landed.len(),
                    keys.len()
                ),
            );
            assert_storm_happened(&engine, &stats);
            assert_batch_report_matches(&engine, &report, &stats);
            // Calls applied and then failed were sent again: the engine saw some records twice.
            assert!(stats.items_forwarded > 10_000, "{}", engine.name);
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_under_a_fault_storm_remove_exactly_the_chosen_keys() {
    for engine in engines().await {
        within(&engine, async {
            let rig = rig(&engine, "delstorm", dense_storm(2), generous()).await;
            let mut rng = fastrand::Rng::with_seed(12);
            let (_, records) = build_records(&[200; 20], 50, &mut rng);
            rig.direct
                .write_records(
                    records.clone(),
                    WriteOptions::default(),
                    &no_progress,
                    &CancellationToken::new(),
                )
                .await
                .expect("direct write");
            let all: BTreeSet<RecordKey> = records.iter().map(Record::key).collect();
            let chosen: Vec<RecordKey> = all.iter().filter(|_| rng.f64() < 0.6).cloned().collect();

            let report = rig
                .proxied
                .delete_keys(
                    chosen.clone(),
                    WriteOptions::default(),
                    &no_progress,
                    &CancellationToken::new(),
                )
                .await
                .unwrap_or_else(|e| panic!("{}: delete under faults failed: {e}", engine.name));
            let stats = rig.proxy.stats();
            assert_eq!(report.items, chosen.len() as u64, "{}", engine.name);

            let left = keys_on_engine(&rig.direct).await;
            let chosen: BTreeSet<RecordKey> = chosen.into_iter().collect();
            let expected: BTreeSet<RecordKey> = all.difference(&chosen).cloned().collect();
            assert!(
                left == expected,
                "{}: {} keys left, {} expected; {} chosen ones still there, {} others gone",
                engine.name,
                left.len(),
                expected.len(),
                left.intersection(&chosen).count(),
                expected.difference(&left).count()
            );
            print_matrix(
                &engine,
                "delete 60% of 20 x 200 under a dense storm",
                &stats,
                &report,
                &format!(
                    "keys chosen: {}; left on the engine: {} of {} (exactly the others)",
                    chosen.len(),
                    left.len(),
                    all.len()
                ),
            );
            assert_storm_happened(&engine, &stats);
            assert_batch_report_matches(&engine, &report, &stats);
        })
        .await;
    }
}
