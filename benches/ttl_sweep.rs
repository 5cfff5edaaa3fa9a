//! The embedded engine's TTL sweep (`Database::sweep_ttl`, which the app runs before each CLI
//! command and every 10 to 30 s in the TUI and `serve`): how long one takes on a
//! table with nothing expired, how long when everything is, and how long a GetItem waits
//! while a sweep runs (Dynoxide hands its lock to waiting requests between 25-row pages).
//!
//! `cargo bench --bench ttl_sweep` (release), or `cargo test --bench ttl_sweep -- --bench` (the
//! dev profile, as README's figures); 100,000 records, `TTL_SWEEP_ITEMS=1000000` for more.

#[path = "../tests/it/common/embedded.rs"]
mod embedded;

use std::path::Path;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_explorer::cli::process_cpu_seconds;
use dynamo_explorer::request::generate::build_records;
use dynamo_explorer::store::{Store, TableCheck};
use dynamo_explorer::ttl::{Sweeper, now_epoch};

/// Writes one request of `n` records, `expires_at` in the past when `expired`.
async fn write(store: &Store, n: u32, expired: bool) {
    let (_, mut records) = build_records(&[n], 200, &mut fastrand::Rng::with_seed(1));
    if expired {
        let past = now_epoch() - 60;
        for r in &mut records {
            r.expires_at = past;
        }
    }
    embedded::write_all(store, records).await;
}

/// Median and max of `xs`.
fn median_max(mut xs: Vec<Duration>) -> (Duration, Duration) {
    xs.sort();
    (xs[xs.len() / 2], xs[xs.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// GetItem latencies while `sweeper` sweeps once, and the sweep's own time.
async fn gets_during_sweep(store: &Store, sweeper: &Sweeper) -> (Vec<Duration>, Duration, u64) {
    let id = dynamo_explorer::request::schema::RequestId::new_random();
    let sweep = tokio::spawn({
        let sweeper = sweeper.clone();
        async move { sweeper.sweep().await.expect("sweep") }
    });
    let mut lat = Vec::new();
    while !sweep.is_finished() {
        let t = Instant::now();
        store
            .client()
            .get_item()
            .table_name(store.table())
            .key("request_id", AttributeValue::S(id.as_str().to_owned()))
            .key("seq", AttributeValue::N("0".to_owned()))
            .send()
            .await
            .expect("get");
        lat.push(t.elapsed());
    }
    let report = sweep.await.expect("sweep task");
    (lat, report.elapsed, report.deleted)
}

async fn run(path: &Path, n: u32) {
    let (server, store) = embedded::file_store(path).await;
    store
        .ensure_table(&TableCheck::CreateIfMissing)
        .await
        .expect("table (TTL on expires_at)");
    let started = Instant::now();
    write(&store, n, false).await;
    println!(
        "wrote {n} records in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let sweeper = server.sweeper().expect("its own engine");
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..5 {
        // Nothing else runs in the process meanwhile: its CPU is the sweep's.
        let cpu_before = process_cpu_seconds();
        let r = sweeper.sweep().await.expect("sweep");
        cpu.push(Duration::from_secs_f64(process_cpu_seconds() - cpu_before));
        assert_eq!(r.deleted, 0, "nothing is expired");
        times.push(r.elapsed);
    }
    let (median, max) = median_max(times);
    let (cpu_median, _) = median_max(cpu);
    println!(
        "TTL sweep, {n} items, nothing expired (5 runs): median {}, max {}; CPU median {}",
        ms(median),
        ms(max),
        ms(cpu_median)
    );

    let idle: Vec<Duration> = {
        let mut v = Vec::new();
        for _ in 0..200 {
            let t = Instant::now();
            store
                .client()
                .get_item()
                .table_name(store.table())
                .key("request_id", AttributeValue::S("none".to_owned()))
                .key("seq", AttributeValue::N("0".to_owned()))
                .send()
                .await
                .expect("get");
            v.push(t.elapsed());
        }
        v
    };
    let (lat, sweep_took, _) = gets_during_sweep(&store, &sweeper).await;
    let (idle_med, idle_max) = median_max(idle);
    let calls = lat.len();
    let (med, max) = median_max(lat);
    println!(
        "GetItem while a sweep of {n} items runs ({} sweep, {calls} calls): median {}, max {} \
         (idle: median {}, max {})",
        ms(sweep_took),
        ms(med),
        ms(max),
        ms(idle_med),
        ms(idle_max)
    );

    write(&store, n / 10, true).await;
    let r = sweeper.sweep().await.expect("sweep");
    println!(
        "TTL sweep, {} items of which {} expired: {} deleted in {}",
        n + n / 10,
        n / 10,
        r.deleted,
        ms(r.elapsed)
    );
    server.stop().await;
}

fn main() {
    // `cargo test --benches` runs benches with no --bench flag: skip the slow part there.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n: u32 = std::env::var("TTL_SWEEP_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(run(&dir.path().join("sweep.db"), n));
}
