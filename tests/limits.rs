//! `--limits`: AWS's throughput limits simulated in front of real engines (the embedded one
//! always, DynamoDB Local when `DYNAMODB_LOCAL_ENDPOINT` is set). What is checked is what a
//! user relies on: every record lands exactly once however hard the layer throttles, a write
//! takes at least as long as the model allows (a lower bound: a slow machine cannot break it),
//! a hot partition key is named as such, and other tools (`serve --limits`) get DynamoDB's own
//! answers: HTTP 400 with `ThrottlingReasons`, and `UnprocessedItems`.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, PutRequest, ReturnConsumedCapacity, ScalarAttributeType,
    WriteRequest,
};
use common::{Engine, cli, engines, fresh_store, records_on_engine, serve};
use dynamo_explorer::backend::{DbLocation, EmbeddedServer, local_client};
use dynamo_explorer::generate::build_records;
use dynamo_explorer::limits::{LimitsConfig, LimitsLayer, WritePlan};
use dynamo_explorer::schema::RequestId;
use dynamo_explorer::store::{BatchProgress, CancellationToken, Store, WriteOptions};
use serde_json::Value;

fn loopback() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)
}

/// The backends the CLI test runs on: an embedded file, and DynamoDB Local when set.
fn cli_backends(dir: &std::path::Path) -> Vec<(&'static str, Vec<String>)> {
    let db = dir.join("limits.db").display().to_string();
    let mut v = vec![("embedded", vec!["--db".to_owned(), db])];
    if let Ok(url) = std::env::var("DYNAMODB_LOCAL_ENDPOINT") {
        let table = common::table_name("limits_cli");
        v.push((
            "dynamodb-local",
            vec!["--endpoint".into(), url, "--table".into(), table],
        ));
    }
    v
}

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
async fn direct_store(conn: &[String]) -> (Store, Option<EmbeddedServer>) {
    match conn[0].as_str() {
        "--db" => {
            let server =
                EmbeddedServer::start(&DbLocation::File(conn[1].clone().into()), loopback())
                    .await
                    .unwrap();
            let store = Store::new(local_client(&server.url()), "requests", &server.url()).unwrap();
            (store, Some(server))
        }
        _ => (
            Store::new(local_client(&conn[1]), &conn[3], &conn[1]).unwrap(),
            None,
        ),
    }
}

/// A store on a fresh table of `engine` through a layer simulating `limits`, and the direct
/// store to check what landed.
async fn layered(engine: &Engine, prefix: &str, limits: &str) -> (Store, Store, LimitsLayer) {
    let direct = fresh_store(engine, prefix).await;
    let layer = LimitsLayer::start(
        &engine.url,
        LimitsConfig::parse(limits, &[]).unwrap(),
        loopback(),
    )
    .await
    .unwrap();
    let store = Store::new(local_client(&layer.url()), direct.table(), &layer.url())
        .unwrap()
        .patient_under_throttling();
    (store, direct, layer)
}

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
        refused.push((steady, report.in_flight));
    }
    let [(fixed, _), (paced, in_flight)] = &refused[..] else {
        unreachable!()
    };
    let in_flight = in_flight.expect("reported");
    assert!(in_flight.adaptive && in_flight.paced_items_per_second.is_some());
    assert!(
        paced * 3 < *fixed,
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

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn item(pk: &str, payload_bytes: usize, gsi: Option<&str>) -> HashMap<String, AttributeValue> {
    let mut m = HashMap::from([
        ("pk".to_owned(), s(pk)),
        ("p".to_owned(), s(&"x".repeat(payload_bytes))),
    ]);
    if let Some(g) = gsi {
        m.insert("c".to_owned(), s(g));
    }
    m
}

async fn create(client: &aws_sdk_dynamodb::Client, table: &str, with_gsi: bool) {
    let attr = |n: &str| {
        AttributeDefinition::builder()
            .attribute_name(n)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    let hash = |n: &str| {
        KeySchemaElement::builder()
            .attribute_name(n)
            .key_type(KeyType::Hash)
            .build()
            .unwrap()
    };
    let mut req = client
        .create_table()
        .table_name(table)
        .attribute_definitions(attr("pk"))
        .key_schema(hash("pk"))
        .billing_mode(BillingMode::PayPerRequest);
    if with_gsi {
        req = req
            .attribute_definitions(attr("c"))
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name("by_c")
                    .key_schema(hash("c"))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .unwrap(),
            );
    }
    req.send().await.expect("CreateTable passes through");
}

fn put_request(i: HashMap<String, AttributeValue>) -> WriteRequest {
    WriteRequest::builder()
        .put_request(PutRequest::builder().set_item(Some(i)).build().unwrap())
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_limits_answers_other_clients_as_dynamodb_does() {
    let served = serve(&[
        "--limits",
        "provisioned:100,50",
        "--gsi-limits",
        "by_c=100,1",
    ]);
    // The SDK with its retries off (local_client), as a service's own test would use it.
    let client = local_client(&served.url);

    // GSI back-pressure: 1 WCU/s on the index, 50 on the table. A 10 KB item leaves the
    // index 9 units in debt (9 s to recover) and the table with 40.
    create(&client, "with_gsi", true).await;
    client
        .put_item()
        .table_name("with_gsi")
        .set_item(Some(item("k0", 10 * 1024, Some("open"))))
        .send()
        .await
        .expect("the index had a unit");
    let err = client
        .put_item()
        .table_name("with_gsi")
        .set_item(Some(item("k9", 10, Some("done"))))
        .send()
        .await
        .expect_err("the index is out of budget");
    let reasons = throttling_reasons(&err);
    assert_eq!(
        reasons,
        [(
            "IndexWriteProvisionedThroughputExceeded".to_owned(),
            "arn:aws:dynamodb:local:000000000000:table/with_gsi/index/by_c".to_owned()
        )]
    );
    // The table itself still has room for an item the index does not hold.
    client
        .put_item()
        .table_name("with_gsi")
        .set_item(Some(item("k10", 10, None)))
        .send()
        .await
        .expect("no index entry, no back-pressure");

    // The table's own budget: 50 WCU to start with.
    create(&client, "plain", false).await;
    let small: Vec<WriteRequest> = (0..25)
        .map(|i| put_request(item(&format!("a{i}"), 10, None)))
        .collect();
    let out = client
        .batch_write_item()
        .request_items("plain", small)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .expect("25 of 50 units");
    assert!(out.unprocessed_items().is_none_or(|m| m.is_empty()));
    let cc = &out.consumed_capacity()[0];
    assert_eq!(cc.capacity_units(), Some(25.0));
    assert!(cc.table().is_none(), "TOTAL: no breakdown, as asked");
    // Two 300 KB items (293 WCU each) on 25 units: the first is written (into debt), the
    // second comes back unprocessed.
    let big: Vec<WriteRequest> = (0..2)
        .map(|i| put_request(item(&format!("b{i}"), 300 * 1024, None)))
        .collect();
    let out = client
        .batch_write_item()
        .request_items("plain", big)
        .send()
        .await
        .expect("a batch with room for one item succeeds");
    let back = out
        .unprocessed_items()
        .and_then(|m| m.get("plain"))
        .unwrap();
    assert_eq!(back.len(), 1);
    assert!(out.consumed_capacity().is_empty(), "NONE asked, none given");
    // Now in debt for seconds: a single put is refused whole.
    let err = client
        .put_item()
        .table_name("plain")
        .set_item(Some(item("c", 10, None)))
        .send()
        .await
        .expect_err("in debt");
    assert_eq!(err.code(), Some("ProvisionedThroughputExceededException"));
    assert_eq!(
        throttling_reasons(&err),
        [(
            "TableWriteProvisionedThroughputExceeded".to_owned(),
            "arn:aws:dynamodb:local:000000000000:table/plain".to_owned()
        )]
    );
    // And a batch where nothing fits is refused whole, with the error.
    let err = client
        .batch_write_item()
        .request_items("plain", vec![put_request(item("d", 10, None))])
        .send()
        .await
        .expect_err("nothing fits");
    assert_eq!(err.code(), Some("ProvisionedThroughputExceededException"));
    // Reads have their own budget: a read of what landed goes through.
    let got = client
        .get_item()
        .table_name("plain")
        .key("pk", s("b0"))
        .send()
        .await
        .expect("reads are not held back by writes");
    assert!(got.item().is_some());
}

/// The reasons the SDK parsed from a PutItem throttling error.
fn throttling_reasons<R>(
    err: &aws_sdk_dynamodb::error::SdkError<PutItemError, R>,
) -> Vec<(String, String)> {
    match err.as_service_error() {
        Some(PutItemError::ProvisionedThroughputExceededException(e)) => e
            .throttling_reasons()
            .iter()
            .map(|r| {
                (
                    r.reason().unwrap_or_default().to_owned(),
                    r.resource().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        other => panic!("not ProvisionedThroughputExceeded: {other:?}"),
    }
}

fn fails_with(args: &[&str], needles: &[&str]) {
    let out = cli(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should fail");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: {stderr:?} lacks {n:?}");
    }
}

#[test]
fn bad_limits_are_refused_in_one_line_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bad.db").display().to_string();
    let with = |rest: &[&'static str]| -> Vec<String> {
        let mut v = vec!["--db".to_owned(), db.clone()];
        v.extend(rest.iter().map(|s| (*s).to_owned()));
        v
    };
    let cases: [(Vec<String>, &[&str]); 6] = [
        (
            with(&["--limits", "provisioned:abc", "describe"]),
            &["--limits", "READ,WRITE"],
        ),
        (
            with(&["--limits", "provisioned:0,10", "describe"]),
            &["at least 1"],
        ),
        (
            with(&["--limits", "provisioned:10,-5", "describe"]),
            &["at least 1"],
        ),
        (
            with(&["--limits", "provisioned:50000,10", "describe"]),
            &["40,000", "table-level read throughput quota"],
        ),
        (
            with(&[
                "--limits",
                "on-demand",
                "--gsi-limits",
                "by_nothing=5,5",
                "describe",
            ]),
            &["by_nothing", "no global secondary index"],
        ),
        (
            vec![
                "--aws".into(),
                "--region".into(),
                "eu-west-1".into(),
                "--limits".into(),
                "on-demand".into(),
                "describe".into(),
            ],
            &["AWS", "own"],
        ),
    ];
    for (args, needles) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails_with(&args, needles);
    }
    // The unknown index was refused before the table was created: it is not there.
    let out = cli(&["--db", &db, "--limits", "on-demand", "--json", "describe"]);
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["created"], true, "{d}");
    assert_eq!(d["limits"], "limits: on-demand (simulated)");
}
