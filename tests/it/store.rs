//! The request store against real engines: what is written is what is read back, capacity
//! numbers follow DynamoDB's rules, deletes remove exactly what was asked.

use crate::common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::common::{engines, fresh_store, table_name};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use dynamo_explorer::backend::local_client;
use dynamo_explorer::request::generate::build_records;
use dynamo_explorer::request::schema::{Record, RecordKey, RequestId};
use dynamo_explorer::size::{item_size, write_units};
use dynamo_explorer::store::{
    BatchProgress, CancellationToken, QueryOptions, ScanOptions, Store, StoreError, TableCheck,
    WriteOptions,
};

fn no_progress(_: BatchProgress) {}

async fn write(
    store: &Store,
    counts: &[u32],
    payload: usize,
) -> (
    Vec<RequestId>,
    Vec<Record>,
    dynamo_explorer::store::OpReport,
) {
    let mut rng = fastrand::Rng::with_seed(42);
    let (ids, records) = build_records(counts, payload, &mut rng);
    let report = store
        .write_records(
            records.clone(),
            WriteOptions::default(),
            &no_progress,
            &CancellationToken::new(),
        )
        .await
        .expect("write succeeds");
    (ids, records, report)
}

async fn read_all(
    store: &Store,
    id: &RequestId,
    consistent: bool,
) -> dynamo_explorer::store::QueryOutput {
    common::query_pages(store, id, consistent).await
}

#[tokio::test]
async fn written_records_read_back_identical_and_in_seq_order() {
    for engine in engines().await {
        let store = fresh_store(&engine, "roundtrip").await;
        for n in [1u32, 25, 26, 10_000] {
            let (ids, written, report) = write(&store, &[n], 200).await;
            assert_eq!(
                report.items,
                u64::from(n),
                "{}: items reported",
                engine.name
            );
            assert_eq!(
                report.calls,
                u64::from(n).div_ceil(25),
                "{}: one call per 25 records",
                engine.name
            );
            let out = read_all(&store, &ids[0], false).await;
            assert_eq!(
                out.records.len(),
                n as usize,
                "{}: {n} records read back",
                engine.name
            );
            assert_eq!(out.count, u64::from(n));
            // Contents, not just counts; and seq order (the sort key is a number, not a string:
            // "10" must come after "9").
            assert_eq!(
                out.records, written,
                "{}: contents of {n} records",
                engine.name
            );
            if n > 1000 {
                assert!(
                    out.pages > 1,
                    "{}: 10,000 x 200 B spans several 1 MB pages",
                    engine.name
                );
            }
        }
    }
}

/// Parallel seq ranges read exactly what one page after another reads, for about the same
/// RCU, whatever the records' `record_count` says (it only guides the split).
#[tokio::test]
async fn parallel_ranges_read_what_sequential_pages_read() {
    for engine in engines().await {
        let store = fresh_store(&engine, "parallel").await;
        let mut rng = fastrand::Rng::with_seed(7);
        // A true count; undercounts (records beyond it: the open-ended last range reads
        // them) and an overcount (ranges of nothing).
        let sizes = [8000usize, 6000, 5000, 9000];
        let (ids, mut records) = build_records(&sizes.map(|n| n as u32), 300, &mut rng);
        let claimed = [8000, 1000, 90_000, 6000];
        for r in &mut records {
            let i = ids
                .iter()
                .position(|id| *id == r.request_id)
                .expect("one of ours");
            r.record_count = claimed[i];
        }
        store
            .write_records(
                records.clone(),
                WriteOptions::default(),
                &no_progress,
                &CancellationToken::new(),
            )
            .await
            .expect("written");
        // 300-byte payloads: ~2,300 records per 1 MB page, so the first page leaves a rest
        // of several pages, except where record_count (1,000) says it is all there.
        let splits = [true, false, true, true];
        for ((id, n), should_split) in ids.iter().zip(sizes).zip(splits) {
            let sequential = QueryOptions {
                consistent: false,
                page_size: None,
                parallel: 1,
            };
            let parallel = QueryOptions {
                parallel: 4,
                ..sequential
            };
            let one = store.query_request(id, &sequential).await.expect("query");
            let many = store.query_request(id, &parallel).await.expect("query");
            assert_eq!(one.records.len(), n, "{}", engine.name);
            let expected: Vec<&Record> = records.iter().filter(|r| &r.request_id == id).collect();
            assert!(
                many.records.iter().eq(expected.iter().copied()),
                "{}: every record of {n}, in seq order, contents equal",
                engine.name
            );
            assert_eq!(many.sizes, one.sizes, "{}", engine.name);
            assert_eq!(many.count, one.count, "{}", engine.name);
            let (a, b) = (
                one.report.consumed.total.read,
                many.report.consumed.total.read,
            );
            assert!(
                (b - a).abs() <= a * 0.02 + 2.0,
                "{}: RCU one page after another {a}, in ranges {b}",
                engine.name
            );
            let split = many.report.params.iter().any(|(k, _)| k == "Parallel");
            assert_eq!(split, should_split, "{}: split for {n}", engine.name);
            // The report's Limit says what each call asked for: a short first page, then 1 MB.
            let limit = |out: &dynamo_explorer::store::QueryOutput| {
                let limit = out.report.params.iter().find(|(k, _)| k == "Limit");
                limit.map(|(_, v)| v.clone())
            };
            assert_eq!(limit(&one).as_deref(), Some("none (1 MB pages)"));
            assert_eq!(
                limit(&many).as_deref(),
                Some("500 on the first page, then none (1 MB pages)")
            );
        }
    }
}

#[tokio::test]
async fn small_requests_are_packed_into_shared_calls() {
    for engine in engines().await {
        let store = fresh_store(&engine, "packing").await;
        let (ids, _, report) = write(&store, &[1; 60], 100).await;
        // 60 one-record requests: 3 calls of up to 25, not 60 calls.
        assert_eq!(report.calls, 3, "{}", engine.name);
        assert_eq!(report.items, 60);
        for id in ids.iter().step_by(7) {
            assert_eq!(read_all(&store, id, false).await.records.len(), 1);
        }
    }
}

#[tokio::test]
async fn eventual_reads_cost_half_of_strong() {
    for engine in engines().await {
        let store = fresh_store(&engine, "rcu").await;
        let (ids, _, _) = write(&store, &[40], 1000).await;
        let eventual = read_all(&store, &ids[0], false).await.report.consumed.total;
        let strong = read_all(&store, &ids[0], true).await.report.consumed.total;
        assert!(
            eventual.read > 0.0,
            "{}: eventual query consumed {eventual:?}",
            engine.name
        );
        assert_eq!(
            strong.read,
            2.0 * eventual.read,
            "{}: strong {strong:?} vs eventual {eventual:?}",
            engine.name
        );
        assert_eq!(eventual.write, 0.0);
        // 40 items of ~1.1 KB = ~45 KB in one page: 12 strong RCU (4 KB each), 6 eventual.
        let total_bytes: usize = read_all(&store, &ids[0], true)
            .await
            .sizes
            .iter()
            .map(|&s| s as usize)
            .sum();
        assert_eq!(
            strong.read,
            total_bytes.div_ceil(4096) as f64,
            "{}",
            engine.name
        );
    }
}

#[tokio::test]
async fn put_wcu_follows_the_item_size_formula() {
    for engine in engines().await {
        let store = fresh_store(&engine, "wcu").await;
        // Sizes well inside a KB so that rounding ambiguity cannot make the test flaky.
        for payload in [100usize, 2_500, 5_000, 30_000] {
            let mut rng = fastrand::Rng::with_seed(1);
            let (_, records) = build_records(&[1], payload, &mut rng);
            let size = item_size(&serde_dynamo::to_item(&records[0]).unwrap());
            let report = store
                .write_records(
                    records,
                    WriteOptions::default(),
                    &no_progress,
                    &CancellationToken::new(),
                )
                .await
                .unwrap();
            assert_eq!(
                report.consumed.total.write,
                write_units(size) as f64,
                "{}: a {size}-byte item should cost {} WCU",
                engine.name,
                write_units(size)
            );
            assert_eq!(report.consumed.table.write, report.consumed.total.write);
        }
    }
}

#[tokio::test]
async fn deletes_remove_exactly_the_chosen_keys() {
    for engine in engines().await {
        let store = fresh_store(&engine, "delete").await;
        let (ids, _, _) = write(&store, &[30, 5], 50).await;
        let (a, b) = (&ids[0], &ids[1]);
        let chosen = [3u32, 4, 5, 29];
        let keys: Vec<RecordKey> = chosen
            .iter()
            .map(|&seq| RecordKey {
                request_id: a.clone(),
                seq,
            })
            .collect();
        let report = store
            .delete_keys(
                keys,
                WriteOptions::default(),
                &no_progress,
                &CancellationToken::new(),
            )
            .await
            .unwrap();
        assert_eq!(report.items, 4);
        assert!(
            report.consumed.total.write >= 4.0,
            "{}: {:?}",
            engine.name,
            report.consumed
        );
        let left: Vec<u32> = read_all(&store, a, true)
            .await
            .records
            .iter()
            .map(|r| r.seq)
            .collect();
        let expected: Vec<u32> = (0..30).filter(|s| !chosen.contains(s)).collect();
        assert_eq!(left, expected, "{}", engine.name);
        assert_eq!(
            read_all(&store, b, true).await.records.len(),
            5,
            "{}: other request untouched",
            engine.name
        );

        // A whole request: keys-only query, then deletes; the report counts both.
        let report = store
            .delete_request(
                a,
                WriteOptions::default(),
                &no_progress,
                &CancellationToken::new(),
            )
            .await
            .unwrap();
        assert_eq!(report.items, 26);
        assert!(report.apis.contains(&"Query") && report.apis.contains(&"BatchWriteItem"));
        assert!(report.consumed.total.read > 0.0 && report.consumed.total.write >= 26.0);
        assert!(
            read_all(&store, a, true).await.records.is_empty(),
            "{}",
            engine.name
        );
        assert_eq!(
            read_all(&store, b, true).await.records.len(),
            5,
            "{}",
            engine.name
        );
    }
}

#[tokio::test]
async fn scan_pages_cover_every_request_once() {
    for engine in engines().await {
        let store = fresh_store(&engine, "scan").await;
        let (ids, _, _) = write(&store, &[7, 1, 12, 3], 20).await;
        let mut seen: HashMap<RequestId, u64> = HashMap::new();
        let mut start = None;
        let mut pages = 0;
        loop {
            let page = store
                .scan_page(&ScanOptions {
                    limit: Some(5),
                    start: start.clone(),
                    consistent: false,
                })
                .await
                .unwrap();
            pages += 1;
            assert!(page.scanned_count <= 5);
            assert!(page.report.consumed.total.read > 0.0);
            for r in page.requests {
                *seen.entry(r.request_id).or_default() += r.records;
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
            assert!(pages < 50, "scan does not end");
        }
        assert!(pages >= 5, "{}: 23 items at 5 per page", engine.name);
        let expected: HashMap<RequestId, u64> = ids.into_iter().zip([7, 1, 12, 3]).collect();
        assert_eq!(seen, expected, "{}", engine.name);
    }
}

#[tokio::test]
async fn a_table_with_other_keys_is_refused_naming_both() {
    for engine in engines().await {
        let client = local_client(&engine.url);
        let name = table_name("otherkeys");
        client
            .create_table()
            .table_name(&name)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("customer_id")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("customer_id")
                    .key_type(KeyType::Hash)
                    .build()
                    .unwrap(),
            )
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .unwrap();
        let store = Store::new(client, &name, &engine.url).unwrap();
        let err = store
            .ensure_table(&TableCheck::CreateIfMissing)
            .await
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, StoreError::KeySchemaMismatch { .. }),
            "{}: {msg}",
            engine.name
        );
        assert!(
            msg.contains("customer_id (S, HASH)")
                && msg.contains("request_id (S, HASH) + seq (N, RANGE)"),
            "{msg}"
        );
    }
}

#[tokio::test]
async fn a_missing_table_is_not_created_when_not_allowed() {
    for engine in engines().await {
        let name = table_name("missing");
        let store = Store::new(local_client(&engine.url), &name, &engine.url).unwrap();
        let err = store
            .ensure_table(&TableCheck::FailIfMissing(". apply terraform/".into()))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::TableMissing { .. }), "{err}");
        assert!(err.to_string().contains(&name) && err.to_string().contains("terraform/"));
        // And really not created.
        let tables = local_client(&engine.url)
            .list_tables()
            .send()
            .await
            .unwrap();
        assert!(!tables.table_names().contains(&name));
    }
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_fast_naming_the_url() {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    let url = "http://127.0.0.1:9";
    let store = Store::new(local_client(url), "requests", url).unwrap();
    let started = Instant::now();
    let err = store
        .ensure_table(&TableCheck::CreateIfMissing)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains(url), "{err}");
}

#[tokio::test]
async fn an_http_server_that_is_not_dynamodb_is_named_as_such() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = sock.read(&mut buf).await;
                let body = "<html><body>It works!</body></html>";
                let resp = format!(
                    "HTTP/1.1 404 Not Found\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    let store = Store::new(local_client(&url), "requests", &url).unwrap();
    let err = store
        .ensure_table(&TableCheck::CreateIfMissing)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotDynamoDb { .. }), "{err}");
    assert!(
        err.to_string().contains(&url) && err.to_string().contains("text/html"),
        "{err}"
    );
}

#[tokio::test]
async fn a_cancelled_write_reports_exactly_what_landed() {
    for engine in engines().await {
        let store = fresh_store(&engine, "cancel").await;
        let mut rng = fastrand::Rng::with_seed(5);
        let (ids, records) = build_records(&[5_000], 100, &mut rng);
        let cancel = CancellationToken::new();
        let trip = cancel.clone();
        // Cancel after the first progress report: some calls done, most not started.
        let progress = move |_: BatchProgress| trip.cancel();
        let err = store
            .write_records(records, WriteOptions::fixed(2), &progress, &cancel)
            .await
            .unwrap_err();
        let StoreError::Cancelled {
            confirmed, total, ..
        } = err
        else {
            panic!("{err}")
        };
        assert_eq!(total, 5_000);
        assert!(
            confirmed > 0 && confirmed < 5_000,
            "{}: confirmed {confirmed}",
            engine.name
        );
        let present = read_all(&store, &ids[0], true).await.records.len() as u64;
        assert_eq!(
            present, confirmed,
            "{}: what is reported is what is there",
            engine.name
        );
    }
}
