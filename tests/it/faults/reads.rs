//! Queries and scans under throttling and delays read everything.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_and_scans_under_throttling_and_delays_read_everything() {
    for engine in engines().await {
        within(&engine, async {
            let config = FaultConfig::seeded(3)
                .with(Fault::ProvisionedThroughput, 0.2)
                .with(Fault::Throttling, 0.1)
                .with(Fault::UnavailableBefore, 0.03)
                .with(Fault::InternalErrorAfter, 0.03)
                .delay(0.3, Duration::from_millis(5), Duration::from_millis(40))
                .on(&["Query", "Scan"]);
            let rig = rig(&engine, "reads", config, generous()).await;
            let mut rng = fastrand::Rng::with_seed(13);
            let (ids, records) = build_records(&[1500, 1, 300, 40], 300, &mut rng);
            // Written directly: the faults are for the reads.
            rig.direct
                .write_records(
                    records.clone(),
                    WriteOptions::default(),
                    &no_progress,
                    &CancellationToken::new(),
                )
                .await
                .expect("direct write");

            let mut queried = OpReport::default();
            for id in &ids {
                let opts = QueryOptions {
                    consistent: true,
                    page_size: Some(100),
                    parallel: 1,
                };
                let through = rig
                    .proxied
                    .query_request(id, &opts)
                    .await
                    .unwrap_or_else(|e| panic!("{}: query under faults failed: {e}", engine.name));
                let direct = rig.direct.query_request(id, &opts).await.expect("direct");
                assert_same_records(&engine, &through.records, &direct.records);
                assert_eq!(through.count, direct.count, "{}", engine.name);
                assert_eq!(through.pages, direct.pages, "{}", engine.name);
                queried.absorb(through.report);
            }
            let read: usize = records_on_engine(&rig.direct, &ids).await.len();
            assert_eq!(read, records.len(), "{}", engine.name);

            // A request of several 1 MB pages read as parallel seq ranges, under the same
            // faults: the same records as one page after another, straight from the engine.
            let (big, big_records) = build_records(&[3000], 1000, &mut rng);
            rig.direct
                .write_records(
                    big_records,
                    WriteOptions::default(),
                    &no_progress,
                    &CancellationToken::new(),
                )
                .await
                .expect("direct write");
            let parallel = QueryOptions {
                consistent: true,
                page_size: None,
                parallel: 4,
            };
            let through = rig
                .proxied
                .query_request(&big[0], &parallel)
                .await
                .unwrap_or_else(|e| panic!("{}: parallel query under faults: {e}", engine.name));
            let sequential = QueryOptions {
                parallel: 1,
                ..parallel
            };
            let direct = rig
                .direct
                .query_request(&big[0], &sequential)
                .await
                .expect("direct");
            assert_eq!(direct.records.len(), 3000, "{}", engine.name);
            assert_same_records(&engine, &through.records, &direct.records);
            assert!(
                through.report.params.iter().any(|(k, _)| k == "Parallel"),
                "{}: 3,000 records of 1 KB are read in parallel ranges",
                engine.name
            );
            queried.absorb(through.report);

            let mut scanned = OpReport::default();
            let (mut from_proxy, mut from_engine) = (None, None);
            let mut per_request: BTreeMap<RequestId, u64> = BTreeMap::new();
            let mut pages = 0;
            loop {
                let page = |start: Option<RecordKey>| ScanOptions {
                    limit: Some(97),
                    start,
                    consistent: true,
                };
                let through = rig
                    .proxied
                    .scan_page(&page(from_proxy.take()))
                    .await
                    .unwrap_or_else(|e| panic!("{}: scan under faults failed: {e}", engine.name));
                let direct = rig
                    .direct
                    .scan_page(&page(from_engine.take()))
                    .await
                    .expect("direct scan");
                assert_eq!(through.requests, direct.requests, "{}", engine.name);
                assert_eq!(through.count, direct.count, "{}", engine.name);
                assert_eq!(
                    through.last_evaluated_key, direct.last_evaluated_key,
                    "{}",
                    engine.name
                );
                for r in &through.requests {
                    *per_request.entry(r.request_id.clone()).or_default() += r.records;
                }
                scanned.absorb(through.report);
                pages += 1;
                from_proxy = through.last_evaluated_key;
                from_engine = direct.last_evaluated_key;
                if from_proxy.is_none() {
                    break;
                }
                assert!(pages < 100, "{}: the scan does not end", engine.name);
            }
            let expected: BTreeMap<RequestId, u64> = ids
                .iter()
                .chain(&big)
                .cloned()
                .zip([1500u64, 1, 300, 40, 3000])
                .collect();
            assert_eq!(per_request, expected, "{}", engine.name);

            let stats = rig.proxy.stats();
            println!(
                "\n== reads under throttling and delays on {} ==\n{}queries: {} calls, {} retries, {} throttled; scan: {} pages, {} calls, {} retries, {} throttled",
                engine.name,
                stats.matrix(),
                queried.calls,
                queried.retries,
                queried.throttled,
                pages,
                scanned.calls,
                scanned.retries,
                scanned.throttled
            );
            for (op, report) in [("Query", &queried), ("Scan", &scanned)] {
                assert!(stats.throttles(op) > 0, "{}: no {op} throttled", engine.name);
                assert!(stats.delays(op) > 0, "{}: no {op} delayed", engine.name);
                assert_eq!(report.throttled, stats.throttles(op), "{}: {op}", engine.name);
                assert_eq!(
                    report.retries,
                    stats.retryable_failures(op),
                    "{}: {op}",
                    engine.name
                );
                assert_eq!(report.calls, stats.calls(op), "{}: {op}", engine.name);
            }
        })
        .await;
    }
}
