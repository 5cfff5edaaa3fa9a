//! What every fault test shares: engines with a time limit, retry budgets, storms, the rig
//! (a store direct and one through the fault proxy), and the checks of a report against what
//! the proxy injected.

use super::*;

/// Per engine, per test: generous for DynamoDB Local on 2 cores, finite so a hang fails.
pub(crate) const TEST_TIMEOUT: Duration = Duration::from_secs(240);

pub(crate) fn no_progress(_: BatchProgress) {}

pub(crate) async fn within(engine: &Engine, test: impl Future<Output = ()>) {
    if tokio::time::timeout(TEST_TIMEOUT, test).await.is_err() {
        panic!("{}: did not finish within {TEST_TIMEOUT:?}", engine.name);
    }
}

/// A budget that outlasts the storms below: with 37% of attempts failing and half of the
/// successful ones partial, a 12-attempt budget would fail a chunk about once in 10,000.
pub(crate) fn generous() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 40,
        max_connection_attempts: 10,
        base: Duration::from_millis(2),
        cap: Duration::from_millis(50),
    }
}

/// A budget of `attempts`, with short waits.
pub(crate) fn tight(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        max_connection_attempts: 3,
        base: Duration::from_millis(1),
        cap: Duration::from_millis(5),
    }
}

/// On BatchWriteItem: 30% throttled (both codes), 30% partially processed, 5% 5xx (half of
/// them after the engine applied the call), 2% dropped connections (half after applying).
pub(crate) fn storm(seed: u64) -> FaultConfig {
    FaultConfig::seeded(seed)
        .with(Fault::ProvisionedThroughput, 0.15)
        .with(Fault::Throttling, 0.15)
        .with(Fault::Partial, 0.30)
        .with(Fault::InternalErrorBefore, 0.0125)
        .with(Fault::UnavailableBefore, 0.0125)
        .with(Fault::InternalErrorAfter, 0.0125)
        .with(Fault::UnavailableAfter, 0.0125)
        .with(Fault::ResetBefore, 0.01)
        .with(Fault::ResetAfter, 0.01)
        .on(&[BATCH_WRITE])
}

/// A storm with the rare faults (5xx, dropped connections) three times as likely: for a
/// write of ~100 calls, where at the usual rates one kind or another went unseen about one
/// run in seven and the test could not show it was exercised. With these, every kind is
/// missing in well under 1% of runs.
pub(crate) fn dense_storm(seed: u64) -> FaultConfig {
    FaultConfig::seeded(seed)
        .with(Fault::ProvisionedThroughput, 0.15)
        .with(Fault::Throttling, 0.15)
        .with(Fault::Partial, 0.30)
        .with(Fault::InternalErrorBefore, 0.0375)
        .with(Fault::UnavailableBefore, 0.0375)
        .with(Fault::InternalErrorAfter, 0.0375)
        .with(Fault::UnavailableAfter, 0.0375)
        .with(Fault::ResetBefore, 0.03)
        .with(Fault::ResetAfter, 0.03)
        .on(&[BATCH_WRITE])
}

/// A fresh table on `engine`, a store on it directly (for checking), and one through a
/// fault proxy (for the operation under test).
pub(crate) struct Rig {
    pub(crate) direct: Store,
    pub(crate) proxied: Store,
    pub(crate) proxy: FaultProxy,
}

pub(crate) async fn rig(
    engine: &Engine,
    prefix: &str,
    config: FaultConfig,
    retry: RetryPolicy,
) -> Rig {
    // The table is made on the engine directly: faults are for the calls under test.
    let direct = fresh_store(engine, prefix).await;
    let proxy = FaultProxy::start(&engine.url, config)
        .await
        .expect("proxy starts");
    let url = proxy.url();
    let proxied = Store::new(local_client(&url), direct.table(), &url)
        .expect("valid table name")
        .with_retry(retry);
    Rig {
        direct,
        proxied,
        proxy,
    }
}

/// The key of every item in the table, scanned on the engine directly.
pub(crate) async fn keys_on_engine(direct: &Store) -> BTreeSet<RecordKey> {
    let mut keys = BTreeSet::new();
    let mut start = None;
    loop {
        let out = direct
            .client()
            .scan()
            .table_name(direct.table())
            .consistent_read(true)
            .projection_expression("#pk, #sk")
            .expression_attribute_names("#pk", "request_id")
            .expression_attribute_names("#sk", "seq")
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("direct scan");
        for item in out.items() {
            let id = item["request_id"].as_s().expect("request_id is S");
            let seq = item["seq"].as_n().expect("seq is N");
            let key = RecordKey {
                request_id: RequestId::parse(id).expect("a request id"),
                seq: seq.parse().expect("seq is a u32"),
            };
            assert!(keys.insert(key), "a key scanned twice");
        }
        start = out.last_evaluated_key.filter(|k| !k.is_empty());
        if start.is_none() {
            return keys;
        }
    }
}

pub(crate) fn assert_same_records(engine: &Engine, got: &[Record], want: &[Record]) {
    assert_eq!(
        got.len(),
        want.len(),
        "{}: records on the engine vs written",
        engine.name
    );
    if let Some(i) = (0..got.len()).find(|&i| got[i] != want[i]) {
        panic!(
            "{}: record {i} differs:\n  engine: {:?}\n  wrote:  {:?}",
            engine.name, got[i], want[i]
        );
    }
}

/// The report of a successful batch operation against what the proxy did. On success every
/// failed attempt was retried and every unprocessed item resent, so the counts are equal.
pub(crate) fn assert_batch_report_matches(engine: &Engine, report: &OpReport, stats: &Stats) {
    let name = engine.name;
    assert_eq!(
        report.throttled,
        stats.throttles(BATCH_WRITE),
        "{name}: throttles reported vs injected"
    );
    assert_eq!(
        report.retries,
        stats.retryable_failures(BATCH_WRITE),
        "{name}: retries vs throttles + 5xx + dropped connections injected"
    );
    assert_eq!(
        report.unprocessed_resent,
        stats.items_unprocessed + stats.engine_unprocessed,
        "{name}: unprocessed resent vs items returned unprocessed"
    );
    assert_eq!(
        report.unprocessed_resent, stats.items_resent_after_unprocessed,
        "{name}: unprocessed resent vs resends the proxy saw"
    );
    assert_eq!(
        report.calls,
        stats.calls(BATCH_WRITE),
        "{name}: attempts reported vs calls the proxy saw"
    );
}

/// Each category of the storm really happened, so the matches above mean something.
pub(crate) fn assert_storm_happened(engine: &Engine, stats: &Stats) {
    let name = engine.name;
    for (what, n) in [
        ("throttles", stats.throttles(BATCH_WRITE)),
        ("partial batches", stats.fault(BATCH_WRITE, Fault::Partial)),
        (
            "5xx before forwarding",
            stats.fault(BATCH_WRITE, Fault::InternalErrorBefore)
                + stats.fault(BATCH_WRITE, Fault::UnavailableBefore),
        ),
        (
            "5xx after forwarding",
            stats.fault(BATCH_WRITE, Fault::InternalErrorAfter)
                + stats.fault(BATCH_WRITE, Fault::UnavailableAfter),
        ),
        ("dropped connections", stats.connection_losses(BATCH_WRITE)),
    ] {
        assert!(
            n > 0,
            "{name}: the storm injected no {what}:\n{}",
            stats.matrix()
        );
    }
}

pub(crate) fn print_matrix(
    engine: &Engine,
    test: &str,
    stats: &Stats,
    report: &OpReport,
    extra: &str,
) {
    println!(
        "\n== {test} on {} ==\n{}client report: {} calls, {} retries, {} throttled, {} unprocessed resent, {} items in {:?}; in flight {:?}\n{extra}",
        engine.name,
        stats.matrix(),
        report.calls,
        report.retries,
        report.throttled,
        report.unprocessed_resent,
        report.items,
        report.elapsed,
        report.in_flight
    );
}
