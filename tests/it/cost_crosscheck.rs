//! The cost model counts what DynamoDB charges: a day of the workload at 1/10,000 scale is
//! written to a real engine (the embedded one always, DynamoDB Local when
//! DYNAMODB_LOCAL_ENDPOINT is set), every request is read back, and the write and read units
//! the engine reported are compared with the model's units for that scaled day: equal
//! within 1%.
//!
//! The realistic mix is random, so a scaled day of 100 requests is far from the mix's mean;
//! the model is given that day's record counts (`RecordsPerRequest::Sample`), which is what
//! the check is about: the units of the records actually written. (That the mix's exact mean
//! is the generator's is checked in `src/request/generate.rs`.)

use crate::common::{engines, fresh_store, query_pages};
use dynamo_explorer::cost::{
    CostInputs, DAYS_PER_MONTH, Prices, RecordsPerRequest, SizeSource, estimate,
};
use dynamo_explorer::request::generate::{GenerateSpec, Mix, build_records};
use dynamo_explorer::request::schema::RequestId;
use dynamo_explorer::size::item_size;
use dynamo_explorer::store::{BatchProgress, CancellationToken, Store, WriteOptions};

/// One day at 1/10,000 scale: 1,000,000 requests a day become 100.
const SCALE: f64 = 10_000.0;
const REQUESTS_PER_DAY: f64 = 1_000_000.0;

fn no_progress(_: BatchProgress) {}

fn within_one_percent(engine: f64, model: f64, what: &str) {
    println!("{what}: engine {engine}, model {model}");
    assert!(
        engine > 0.0 && (engine - model).abs() <= 0.01 * engine,
        "{what}: engine {engine}, model {model} ({:+.3}%)",
        (model - engine) / engine * 100.0
    );
}

/// Read units the engine charged to read back every request once, 1 MB pages one after
/// another as the model counts them.
async fn read_back(store: &Store, ids: &[RequestId], consistent: bool) -> f64 {
    let mut units = 0.0;
    for id in ids {
        units += query_pages(store, id, consistent)
            .await
            .report
            .consumed
            .total
            .read;
    }
    units
}

/// Writes `counts` requests with `payload`-byte records, reads each back eventually and
/// strongly, and checks the engine's units against the model's for the scaled day.
async fn check(
    store: &Store,
    engine: &str,
    records: RecordsPerRequest,
    counts: &[u32],
    payload: usize,
) {
    let mut rng = fastrand::Rng::with_seed(7);
    let (ids, written) = build_records(counts, payload, &mut rng);
    // The record size as `cost` measures it: the mean item size, as DynamoDB counts it.
    let total: usize = written
        .iter()
        .map(|r| item_size(&serde_dynamo::to_item(r).expect("record converts")))
        .sum();
    let mean_bytes = total as f64 / written.len() as f64;
    let report = store
        .write_records(
            written,
            WriteOptions::default(),
            &no_progress,
            &CancellationToken::new(),
        )
        .await
        .expect("write");

    let mut inputs =
        CostInputs::with_defaults(REQUESTS_PER_DAY, mean_bytes, 76.0, SizeSource::Flag);
    inputs.records = records;
    // Every request of the day read back once.
    inputs.reads_per_day = REQUESTS_PER_DAY;
    inputs.validate().expect("valid inputs");
    let per_scaled_day = DAYS_PER_MONTH * SCALE;
    let label = format!(
        "{engine}, {} requests of {payload}-byte payloads",
        counts.len()
    );

    let e = estimate(&inputs, &Prices::us_east_1());
    within_one_percent(
        report.consumed.total.write,
        e.usage.write_units / per_scaled_day,
        &format!("{label}: write units"),
    );
    for consistent in [false, true] {
        inputs.consistent = consistent;
        let model = estimate(&inputs, &Prices::us_east_1()).usage.read_units / per_scaled_day;
        within_one_percent(
            read_back(store, &ids, consistent).await,
            model,
            &format!("{label}: read units, consistent={consistent}"),
        );
    }
}

#[tokio::test]
async fn model_units_match_the_engines_for_a_scaled_day() {
    let requests = (REQUESTS_PER_DAY / SCALE) as u32;
    // The realistic mix as `generate --mix realistic` draws it, with a seed whose day holds
    // three heavy requests, one of 4,436 records: ~1.5 MB, two Query pages of 1 MB.
    let realistic = GenerateSpec {
        requests,
        records: 0,
        payload_bytes: 200,
        mix: Mix::Realistic,
        ttl: Default::default(),
    }
    .plan(&mut fastrand::Rng::with_seed(10));
    let heavy = realistic.iter().filter(|&&c| c > 1).count();
    let largest = realistic.iter().max().copied().unwrap_or(0);
    assert!(
        heavy >= 2 && largest > 3_000,
        "the seeded day has {heavy} heavy requests, the largest {largest} records: no two-page read-back"
    );
    println!(
        "realistic day: {} requests, {heavy} heavy, {} records",
        realistic.len(),
        realistic.iter().sum::<u32>()
    );
    for engine in engines().await {
        let store = fresh_store(&engine, "costx").await;
        // 10 records per request: 1,000 records of ~350 B (1 WCU each), then of ~3.2 KB
        // (4 WCU each: the per-KB rounding).
        for payload in [200, 3000] {
            check(
                &store,
                engine.name,
                RecordsPerRequest::Fixed(10.0),
                &vec![10; requests as usize],
                payload,
            )
            .await;
        }
        check(
            &store,
            engine.name,
            RecordsPerRequest::Sample(realistic.clone()),
            &realistic,
            200,
        )
        .await;
    }
}
