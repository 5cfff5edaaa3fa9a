//! Writes through the layer: every record lands once, no faster than the model allows; a hot
//! key is named; the default writer rides a partition's limit.

use super::*;

#[test]
fn generate_under_provisioned_limits_lands_every_record_once_no_faster_than_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let backends = cli_backends(dir.path());
    // Both engines at once: each run is bound by the simulated rate, not the machine.
    let runs: Vec<_> = backends
        .iter()
        .map(|(name, conn)| {
            let mut args = conn.clone();
            args.extend(
                [
                    "--limits",
                    "provisioned:1000,200",
                    "generate",
                    "--requests",
                    "1",
                    "--records",
                    "2000",
                    "--json",
                ]
                .map(str::to_owned),
            );
            let name = *name;
            std::thread::spawn(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                (name, cli(&args))
            })
        })
        .collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (run, (_, conn)) in runs.into_iter().zip(&backends) {
        let (name, out) = run.join().unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let g: Value = serde_json::from_slice(&out.stdout).unwrap();
        println!("{name}: {g}");
        let throttled = g["throttled"].as_u64().unwrap();
        let unprocessed = g["unprocessed_resent"].as_u64().unwrap();
        assert!(
            throttled + unprocessed > 0,
            "{name}: the limit never bit: {g}"
        );
        // Every throttle named its reason: the table's provisioned rate, nothing else.
        let reasons: BTreeMap<String, u64> =
            serde_json::from_value(g["throttling_reasons"].clone()).unwrap();
        assert_eq!(reasons.values().sum::<u64>(), throttled, "{name}: {g}");
        assert!(
            reasons
                .keys()
                .all(|r| r == "TableWriteProvisionedThroughputExceeded"),
            "{name}: {reasons:?}"
        );
        // Each record consumed 1 WCU exactly once: nothing written twice, nothing lost.
        assert_eq!(g["items"], 2000, "{name}");
        let wcu = g["consumed"]["write_units"].as_f64().unwrap();
        assert_eq!(wcu, 2000.0, "{name}: {g}");
        // No faster than the model allows (less one item's worth of debt).
        let bound = LimitsConfig::parse("provisioned:1000,200", &[])
            .unwrap()
            .min_write_time(WritePlan::even(wcu, 1))
            .unwrap();
        let elapsed = g["elapsed_ms"].as_f64().unwrap() / 1000.0;
        assert!(
            elapsed >= bound.seconds - 1.0 / 200.0,
            "{name}: {elapsed} s, but {bound}"
        );
        // Read back separately, straight from the engine: 2,000 distinct records.
        let id = RequestId::parse(g["request_ids"][0].as_str().unwrap()).unwrap();
        let back = rt.block_on(async {
            let (store, _server) = direct_store(conn).await;
            records_on_engine(&store, &[id]).await
        });
        let mut seqs: Vec<u32> = back.iter().map(|r| r.seq).collect();
        seqs.sort_unstable();
        assert_eq!(
            seqs,
            (0..2000).collect::<Vec<_>>(),
            "{name}: every record once"
        );
    }
}

/// A store straight on the engine the CLI wrote to (no layer), and the embedded server if any.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hot_partition_key_is_named_and_spread_keys_are_not_throttled() {
    // Both engines at once: the hot case is bound by the simulated partition, not the machine.
    let engines = engines().await;
    futures::future::join_all(engines.iter().map(hot_and_spread)).await;
}

async fn hot_and_spread(engine: &Engine) {
    let (store, direct, layer) = layered(engine, "hot", "on-demand").await;
    let cancel = CancellationToken::new();
    let progress = |_: BatchProgress| {};
    let mut rng = fastrand::Rng::with_seed(21);

    // 3,000 records of one request, 2 WCU each (1.1 KB payloads): 6,000 WCU into one
    // partition key, which takes 1,000 WCU/s. Any engine writing faster than 500 records/s
    // meets the limit.
    let (ids, records) = build_records(&[3_000], 1_100, &mut rng);
    let hot = store
        .write_records(records, WriteOptions::default(), &progress, &cancel)
        .await
        .expect("every record lands");
    let stats = layer.stats();
    println!(
        "{}: hot key: {} calls, {} throttled {:?}, {} unprocessed resent, {:?}; layer {stats:?}",
        engine.name,
        hot.calls,
        hot.throttled,
        hot.throttling_reasons,
        hot.unprocessed_resent,
        hot.elapsed,
    );
    assert_eq!(hot.consumed.total.write, 6_000.0, "{}", engine.name);
    assert!(
        hot.throttled + hot.unprocessed_resent > 0,
        "{}: the limit never bit",
        engine.name
    );
    // Every refusal, seen by the layer or by the client, was the partition's.
    let key_range = "TableWriteKeyRangeThroughputExceeded";
    assert!(
        stats.refusals.keys().eq([key_range]),
        "{}: {:?}",
        engine.name,
        stats.refusals
    );
    assert!(
        hot.throttling_reasons.keys().all(|r| r == key_range),
        "{}: {:?}",
        engine.name,
        hot.throttling_reasons
    );
    let bound = LimitsConfig::parse("on-demand", &[])
        .unwrap()
        .min_write_time(WritePlan::records(&[3_000], 2.0))
        .unwrap();
    assert!(
        hot.elapsed.as_secs_f64() >= bound.seconds - 0.002,
        "{}: {:?}, but {bound}",
        engine.name,
        hot.elapsed
    );
    assert_eq!(records_on_engine(&direct, &ids).await.len(), 3_000);

    // A client sees the reason: 350 KB puts (342 WCU each) on the hot key drain its 1,000
    // units within four puts, however long it rested; the next is refused, naming it.
    let client = local_client(&layer.url());
    let mut seen = Vec::new();
    for seq in 1_000_000..1_000_008 {
        let put = client
            .put_item()
            .table_name(direct.table())
            .item("request_id", s(ids[0].as_str()))
            .item("seq", AttributeValue::N(seq.to_string()))
            .item("p", s(&"x".repeat(350 * 1024)))
            .send()
            .await;
        if let Err(e) = put {
            seen = throttling_reasons(&e);
            break;
        }
    }
    assert!(
        seen.iter().any(|(r, _)| r == key_range),
        "{}: {seen:?}",
        engine.name
    );

    // The same 3,000 records as 3,000 one-record requests, 1 WCU each: a new on-demand
    // table takes 4,000 WCU at once, and no key is hot.
    let (store, direct, layer) = layered(engine, "spread", "on-demand").await;
    let (ids, records) = build_records(&[1; 3_000], 100, &mut rng);
    let spread = store
        .write_records(records, WriteOptions::default(), &progress, &cancel)
        .await
        .unwrap();
    assert_eq!(
        (spread.throttled, spread.unprocessed_resent),
        (0, 0),
        "{}: {:?}",
        engine.name,
        spread.throttling_reasons
    );
    assert!(layer.stats().refusals.is_empty());
    assert_eq!(spread.consumed.total.write, 3_000.0);
    assert_eq!(records_on_engine(&direct, &ids[..50]).await.len(), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_writer_rides_a_partition_limit_with_few_refusals() {
    // One request of 5,000 one-unit records: one partition key, 1,000 WCU/s on demand. The
    // fixed controller (--concurrency 8) halves on each refusal and hammers again; the
    // default one paces its calls at what the key accepts once refused. Both drain the key's
    // first second of capacity alike; from the third second on (the layer's own clock) the
    // pace tells.
    let engine = &engines().await[0];
    let mut refused = Vec::new();
    for (name, opts) in [
        ("fixed 8", WriteOptions::fixed(8)),
        ("default", WriteOptions::default()),
    ] {
        let (store, direct, layer) = layered(engine, "ride", "on-demand").await;
        let mut rng = fastrand::Rng::with_seed(31);
        let (ids, records) = build_records(&[5_000], 100, &mut rng);
        let report = store
            .write_records(
                records,
                opts,
                &|_: BatchProgress| {},
                &CancellationToken::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            records_on_engine(&direct, &ids).await.len(),
            5_000,
            "{name}"
        );
        let stats = layer.stats();
        let units: f64 = stats.per_second.iter().map(|s| s.write_units).sum();
        assert_eq!(
            units, 5_000.0,
            "{name}: the layer counts the units let through"
        );
        let steady: u64 = stats
            .per_second
            .iter()
            .skip(2)
            .map(|s| s.cut_calls + s.throttled_calls)
            .sum();
        println!(
            "{name}: {} calls, {} refused whole, {} items handed back, {steady} refused or cut \
             after 2 s, in {:?}; in flight {:?}",
            report.calls,
            stats.throttled_calls,
            stats.unprocessed,
            report.elapsed,
            report.in_flight
        );
        let ever = stats.throttled_calls + stats.unprocessed;
        refused.push((steady, ever, report.in_flight));
    }
    let [(fixed, _, _), (paced, ever, in_flight)] = &refused[..] else {
        unreachable!()
    };
    let in_flight = in_flight.expect("reported");
    assert!(in_flight.adaptive, "{in_flight:?}");
    // Refused once, it sets a pace (a writer slowed by a loaded machine may never be).
    assert!(
        *ever == 0 || in_flight.paced_items_per_second.is_some(),
        "refused {ever} times and no pace: {in_flight:?}"
    );
    // After 2 s it is refused a third as often as the fixed writer at most (both 0 only if the
    // machine kept both below the key's limit).
    assert!(
        paced * 3 < (*fixed).max(1),
        "after 2 s, paced: {paced} calls refused or cut; fixed 8: {fixed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_far_above_the_rate_still_lands_every_record_once() {
    // 32 calls in flight against 40 WCU/s: most calls are throttled or cut short for seconds
    // on end, which a fixed budget per call does not survive; the write keeps going while it
    // lands items, and lands each exactly once.
    let engines = engines().await;
    futures::future::join_all(engines.iter().map(|engine| async move {
        let (store, direct, layer) = layered(engine, "slow", "provisioned:100,40").await;
        let mut rng = fastrand::Rng::with_seed(22);
        let (ids, records) = build_records(&[10; 30], 100, &mut rng);
        let report = store
            .write_records(
                records,
                WriteOptions::fixed(32),
                &|_: BatchProgress| {},
                &CancellationToken::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", engine.name));
        println!(
            "{}: {} calls, {} throttled, {} unprocessed resent in {:?}; layer {:?}",
            engine.name,
            report.calls,
            report.throttled,
            report.unprocessed_resent,
            report.elapsed,
            layer.stats()
        );
        assert!(report.throttled > 0, "{}", engine.name);
        assert_eq!(report.consumed.total.write, 300.0, "{}", engine.name);
        let mut keys: Vec<_> = records_on_engine(&direct, &ids)
            .await
            .iter()
            .map(|r| (r.request_id.clone(), r.seq))
            .collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 300, "{}", engine.name);
    }))
    .await;
}
