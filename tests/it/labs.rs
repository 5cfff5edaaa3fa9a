//! Labs on real engines: every lab at small scale on the embedded engine (one shared engine for
//! the binary) and on DynamoDB Local when `DYNAMODB_LOCAL_ENDPOINT` is set, each asserting the
//! invariant its conclusion states on the measured numbers; scratch tables gone after a run,
//! a cancel and a forced failure midway; an endpoint that cannot create tables says so.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::OnceLock;

use dynamo_explorer::backend::{DbLocation, EmbeddedServer, local_client};
use dynamo_explorer::labs::scratch::list_scratch_tables;
use dynamo_explorer::labs::{LabConn, LabId, LabResult, RunOptions, Scale, Variant, run_lab};
use dynamo_explorer::limits::{LimitsConfig, WritePlan};
use dynamo_explorer::size::write_units;
use dynamo_explorer::store::CancellationToken;
use dynamo_explorer::ttl::Sweeper;

/// The embedded engine every test of this binary shares: served from its own thread and
/// runtime, so it outlives each test's runtime. Its URL, and its TTL sweeper.
fn embedded() -> &'static (String, Sweeper) {
    static ENGINE: OnceLock<(String, Sweeper)> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            rt.block_on(async move {
                let server = start_embedded().await;
                tx.send((server.url(), server.sweeper().expect("its own engine")))
                    .expect("test waits for the url");
                // Serve until the test process exits.
                std::future::pending::<()>().await;
                drop(server);
            });
        });
        rx.recv().expect("embedded engine starts")
    })
}

fn shared_embedded() -> String {
    embedded().0.clone()
}

async fn start_embedded() -> EmbeddedServer {
    EmbeddedServer::start(
        &DbLocation::Memory,
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
    )
    .await
    .expect("embedded engine starts")
}

/// (engine name, URL) of every engine this run has.
fn engines() -> Vec<(&'static str, String)> {
    let mut out = vec![("embedded", shared_embedded())];
    if let Some(url) = std::env::var("DYNAMODB_LOCAL_ENDPOINT")
        .ok()
        .filter(|s| !s.is_empty())
    {
        out.push(("dynamodb-local", url));
    }
    out
}

fn conn(url: &str) -> LabConn {
    LabConn {
        client: local_client(url),
        endpoint: url.to_owned(),
        // The shared embedded engine's sweeps, for `ttl-vs-delete`.
        sweeper: Some(embedded())
            .filter(|(u, _)| u == url)
            .map(|(_, s)| s.clone()),
    }
}

/// Runs `lab` at small scale on every engine; `check` asserts its invariant.
async fn on_every_engine(lab: LabId, check: impl Fn(&str, &LabResult)) {
    for (engine, url) in engines() {
        let result = run_lab(
            &conn(&url),
            lab,
            Scale::Small,
            &RunOptions::default(),
            &CancellationToken::new(),
            &|_| {},
        )
        .await
        .unwrap_or_else(|e| panic!("{engine}: {e}"));
        assert_eq!(result.name, lab.name());
        assert!(!result.conclusion.is_empty());
        assert!(!result.chart.bars.is_empty(), "{engine}: a chart");
        check(engine, &result);
    }
}

/// Runs `lab` at small scale on the embedded engine behind the fault proxy, which answers
/// `UnknownOperationException` to `api`: an engine without that API. Also says the API was
/// tried.
async fn run_without(api: &str, lab: LabId) -> LabResult {
    use crate::fault_proxy::{Fault, FaultConfig, FaultProxy};
    let proxy = FaultProxy::start(
        &shared_embedded(),
        FaultConfig::seeded(1)
            .with(Fault::UnknownOperation, 1.0)
            .on(&[api]),
    )
    .await
    .expect("the proxy starts");
    let r = run_lab(
        &conn(&proxy.url()),
        lab,
        Scale::Small,
        &RunOptions::default(),
        &CancellationToken::new(),
        &|_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{} concludes without {api}: {e}", lab.name()));
    assert!(proxy.stats().calls(api) >= 1, "{api} was tried");
    r
}

/// An engine without TransactGetItems: `reads` marks that variant "not supported by this
/// engine" in its table, chart and report, and concludes from the variants it measured.
#[tokio::test]
async fn a_lab_on_an_engine_without_an_api_marks_the_variant_and_concludes() {
    use dynamo_explorer::labs::report::{NOT_SUPPORTED, text_bars};
    let r = run_without("TransactGetItems", LabId::Reads).await;
    let tx = r.variant("get transactional").expect("still listed");
    assert!(
        tx.unsupported
            .as_deref()
            .is_some_and(|why| why.contains("UnknownOperationException")),
        "{tx:#?}"
    );
    assert_eq!(tx.cells(), std::array::from_fn(|_| "-".to_owned()));
    // The rest was measured, and the conclusion is computed from it.
    let (eventual, strong) = (v(&r, "get eventual"), v(&r, "get strong"));
    assert!(eventual.unsupported.is_none() && eventual.read_units > 0.0);
    assert_eq!(strong.read_units, 2.0 * eventual.read_units);
    assert!(
        r.conclusion.contains("(2.0x eventual)")
            && r.conclusion
                .contains(&format!("(transactional: {NOT_SUPPORTED})")),
        "{}",
        r.conclusion
    );
    // The chart and the report say so.
    let bar = r
        .chart
        .bars
        .iter()
        .find(|b| b.0 == "get transactional")
        .expect("a bar");
    assert!(bar.1.is_nan(), "{bar:?}");
    assert!(
        text_bars(&r.chart).contains(&format!("({NOT_SUPPORTED})")),
        "{}",
        text_bars(&r.chart)
    );
    let md = r.markdown();
    assert!(md.contains("| get transactional † | - |"), "{md}");
    assert!(
        md.contains(&format!(
            "† get transactional: {NOT_SUPPORTED} (UnknownOperationException"
        )),
        "{md}"
    );
}

/// The same for `conditions-and-transactions` on an engine without TransactWriteItems.
#[tokio::test]
async fn conditions_conclude_without_transact_write_items() {
    use dynamo_explorer::labs::report::NOT_SUPPORTED;
    let r = run_without("TransactWriteItems", LabId::ConditionsAndTransactions).await;
    let tx = r.variant("transact put").expect("still listed");
    assert!(tx.unsupported.is_some(), "{tx:#?}");
    assert!(v(&r, "put").write_units > 0.0);
    assert!(
        r.conclusion
            .contains(&format!("TransactWriteItems: {NOT_SUPPORTED}.")),
        "{}",
        r.conclusion
    );
}

fn v<'a>(r: &'a LabResult, name: &str) -> &'a Variant {
    r.variant(name)
        .unwrap_or_else(|| panic!("{}: no variant {name:?}", r.name))
}

#[tokio::test]
async fn reads_strong_costs_twice_eventual_and_transactional_twice_strong() {
    on_every_engine(LabId::Reads, |engine, r| {
        let (ge, gs, gt) = (
            v(r, "get eventual"),
            v(r, "get strong"),
            v(r, "get transactional"),
        );
        let (qe, qs) = (v(r, "query eventual"), v(r, "query strong"));
        assert!(ge.read_units > 0.0, "{engine}: eventual reads are measured");
        assert_eq!(gs.read_units, 2.0 * ge.read_units, "{engine}: {r:#?}");
        assert_eq!(gt.read_units, 2.0 * gs.read_units, "{engine}: {r:#?}");
        assert_eq!(qs.read_units, 2.0 * qe.read_units, "{engine}: {r:#?}");
        // Items under 4 KB: one strong unit each by GetItem; a Query rounds once per page.
        assert_eq!(gs.read_units, gs.items as f64, "{engine}");
        assert!(qs.read_units < gs.read_units, "{engine}: {r:#?}");
        assert_eq!(qs.items, gs.items, "{engine}");
        assert!(r.conclusion.contains("2.0x"), "{}", r.conclusion);
    })
    .await;
}

#[tokio::test]
async fn scan_rcu_grows_with_the_table_while_query_rcu_stays_flat() {
    on_every_engine(LabId::QueryVsScan, |engine, r| {
        let queries: Vec<&Variant> = r
            .variants
            .iter()
            .filter(|v| v.name.starts_with("query "))
            .collect();
        let scans: Vec<&Variant> = r
            .variants
            .iter()
            .filter(|v| v.name.starts_with("scan "))
            .collect();
        assert_eq!(queries.len(), 3, "{engine}");
        assert_eq!(scans.len(), 3, "{engine}");
        assert!(
            queries
                .iter()
                .all(|q| q.read_units == queries[0].read_units),
            "{engine}: {r:#?}"
        );
        for w in scans.windows(2) {
            assert!(
                w[1].read_units > w[0].read_units,
                "{engine}: scan RCU grows: {r:#?}"
            );
        }
        for (q, s) in queries.iter().zip(&scans) {
            assert_eq!(
                q.items, s.items,
                "{engine}: the filter finds the same records"
            );
            assert!(s.read_units > q.read_units, "{engine}: {r:#?}");
        }
        assert!(v(r, "query 10").items > 0, "{engine}");
    })
    .await;
}

#[tokio::test]
async fn write_units_step_every_kb_and_strong_reads_every_4_kb() {
    on_every_engine(LabId::ItemSize, |engine, r| {
        let sized: Vec<&Variant> = r
            .variants
            .iter()
            .filter(|v| v.name.ends_with(" B") && v.item_bytes.is_some_and(|b| b <= 409_600))
            .collect();
        assert!(sized.len() >= 10, "{engine}");
        for s in &sized {
            let b = s.item_bytes.expect("sized");
            assert_eq!(
                s.write_units,
                b.div_ceil(1024) as f64,
                "{engine}: put of {b} B"
            );
            assert_eq!(
                s.read_units,
                b.div_ceil(4096) as f64,
                "{engine}: strong get of {b} B"
            );
        }
        assert_eq!(
            v(r, "1,024 B").write_units + 1.0,
            v(r, "1,025 B").write_units,
            "{engine}"
        );
        assert_eq!(
            v(r, "4,096 B").read_units + 1.0,
            v(r, "4,097 B").read_units,
            "{engine}"
        );
        let (long, short) = (v(r, "named payload"), v(r, "named p"));
        assert_eq!(long.item_bytes, Some(1_025));
        assert_eq!(short.item_bytes, Some(1_019));
        assert!(short.write_units < long.write_units, "{engine}: {r:#?}");
        let big = v(r, "409,601 B");
        assert_eq!(
            big.write_units, 0.0,
            "{engine}: the oversized item is refused"
        );
        assert!(
            r.conclusion.contains("refused"),
            "{engine}: {}",
            r.conclusion
        );
    })
    .await;
}

#[tokio::test]
async fn small_pages_cost_more_calls_and_more_rcu() {
    on_every_engine(LabId::Paging, |engine, r| {
        let (l10, l100, none) = (v(r, "limit 10"), v(r, "limit 100"), v(r, "no limit"));
        let items = none.items;
        assert_eq!(items, 200, "{engine}");
        assert!(
            r.variants.iter().all(|x| x.items == items),
            "{engine}: {r:#?}"
        );
        assert!(l10.calls >= items / 10, "{engine}: {r:#?}");
        assert!(
            l10.calls > l100.calls && l100.calls > none.calls,
            "{engine}: {r:#?}"
        );
        assert!(
            l10.read_units > none.read_units,
            "{engine}: per-page rounding: {r:#?}"
        );
    })
    .await;
}

#[tokio::test]
async fn batch_writes_cost_the_same_wcu_in_fewer_calls() {
    on_every_engine(LabId::Batching, |engine, r| {
        let single = v(r, "PutItem one at a time");
        let batch = v(r, "BatchWriteItem 25 per call");
        assert_eq!(single.items, 100, "{engine}");
        assert_eq!(batch.items, 100, "{engine}");
        assert_eq!(single.write_units, batch.write_units, "{engine}: {r:#?}");
        assert!(single.write_units >= 100.0, "{engine}");
        assert_eq!(single.calls, 100, "{engine}");
        assert_eq!(batch.calls, 4, "{engine}: {r:#?}");
    })
    .await;
}

#[tokio::test]
async fn transactions_cost_twice_and_failed_conditions_show_the_rule() {
    on_every_engine(LabId::ConditionsAndTransactions, |engine, r| {
        let put = v(r, "put");
        assert_eq!(put.write_units, 2.0, "{engine}: 1,500 B is 2 WCU");
        assert_eq!(
            v(r, "conditional put ok").write_units,
            put.write_units,
            "{engine}"
        );
        assert_eq!(
            v(r, "transact put").write_units,
            2.0 * put.write_units,
            "{engine}: {r:#?}"
        );
        let failed = v(r, "conditional put failed");
        assert_eq!(failed.items, 0, "{engine}");
        assert!(failed.rule.is_none(), "{engine}: measured, not a rule");
        let rule = v(r, "conditional put failed (AWS)");
        assert!(
            rule.rule
                .as_deref()
                .is_some_and(|s| s.contains("docs.aws.amazon.com"))
        );
        assert_eq!(rule.write_units, put.write_units, "{engine}");
    })
    .await;
}

#[tokio::test]
async fn ttl_expiry_costs_no_wcu_and_expired_records_are_read_until_the_sweep() {
    on_every_engine(LabId::TtlVsDelete, |engine, r| {
        let delete = v(r, "delete");
        assert_eq!(delete.items, 100, "{engine}");
        assert!(delete.write_units >= 100.0, "{engine}: {r:#?}");
        let ttl = v(r, "ttl expiry");
        assert_eq!((ttl.calls, ttl.write_units), (0, 0.0), "{engine}");
        assert!(
            ttl.rule
                .as_deref()
                .is_some_and(|s| s.contains("docs.aws.amazon.com"))
        );
        let (before, filtered) = (
            v(r, "query before sweep"),
            v(r, "query + filter before sweep"),
        );
        assert_eq!(
            before.items, 100,
            "{engine}: expired records are still read"
        );
        assert_eq!(filtered.items, 0, "{engine}: the filter hides them all");
        assert!(before.read_units > 0.0, "{engine}");
        assert_eq!(filtered.read_units, before.read_units, "{engine}: {r:#?}");
        let after = v(r, "query after sweep");
        if engine == "embedded" {
            assert_eq!((after.items, ttl.items), (0, 100), "{engine}: swept");
            assert!(r.conclusion.contains("TTL sweep ran"), "{}", r.conclusion);
        } else {
            // The finding README reports: DynamoDB Local does not delete expired items.
            assert_eq!((after.items, ttl.items), (100, 0), "{engine}: {r:#?}");
            assert!(
                r.conclusion.contains("deleted 0 of them"),
                "{}",
                r.conclusion
            );
        }
    })
    .await;
}

#[tokio::test]
async fn filters_and_projections_return_less_for_the_same_rcu() {
    on_every_engine(LabId::FiltersAndProjections, |engine, r| {
        let (plain, filtered, projected) = (
            v(r, "query"),
            v(r, "query + filter"),
            v(r, "query + projection"),
        );
        assert!(plain.read_units > 0.0, "{engine}");
        assert_eq!(filtered.read_units, plain.read_units, "{engine}: {r:#?}");
        assert_eq!(projected.read_units, plain.read_units, "{engine}: {r:#?}");
        assert_eq!(
            filtered.items * 10,
            plain.items,
            "{engine}: one in ten kept"
        );
        assert_eq!(projected.items, plain.items, "{engine}");
        let bytes = |x: &Variant| x.returned_bytes.expect("bytes measured");
        assert!(
            bytes(filtered) < bytes(plain) && bytes(projected) < bytes(plain),
            "{engine}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_heavy_customer_throttles_a_table_keyed_by_customer_and_not_one_keyed_by_request() {
    on_every_engine(LabId::PartitionKey, |engine, r| {
        let (c, q) = (v(r, "keyed by customer id"), v(r, "keyed by request id"));
        assert_eq!(
            (c.items, c.write_units),
            (q.items, q.write_units),
            "{engine}: the same workload"
        );
        assert!(c.write_units > 0.0, "{engine}");
        // Keyed by customer: the heavy customer's key meets its partition's limit.
        let key_range = "TableWriteKeyRangeThroughputExceeded";
        assert!(c.throttled + c.unprocessed > 0, "{engine}: {c:#?}");
        assert!(
            c.throttling_reasons.get(key_range).is_some_and(|n| *n > 0)
                && c.throttling_reasons.len() == 1,
            "{engine}: {:?}",
            c.throttling_reasons
        );
        // No faster than the model allows for its busiest key (a lower bound only).
        let hottest = r
            .chart
            .bars
            .iter()
            .filter(|(label, _)| label.starts_with("customer-"))
            .map(|b| b.1)
            .fold(0.0, f64::max);
        assert!(hottest > 1_000.0, "{engine}: a key above 1,000 WCU: {r:#?}");
        // The chart's per-key WCU (item sizes by the 1 KB rule) add up to what the engine
        // reported: every customer is in the chart.
        let customers: f64 = r
            .chart
            .bars
            .iter()
            .filter(|(label, _)| label.starts_with("customer-"))
            .map(|b| b.1)
            .sum();
        assert_eq!(customers, c.write_units, "{engine}: {r:#?}");
        let bound = LimitsConfig::parse("on-demand", &[])
            .expect("on-demand")
            .min_write_time(WritePlan {
                total_wcu: c.write_units,
                partition_keys: 1,
                largest_key_wcu: hottest,
            })
            .expect("simulated");
        assert!(bound.seconds > 0.0, "{engine}: {bound}");
        assert!(
            c.elapsed_ms as f64 >= bound.seconds * 1_000.0 - 2.0,
            "{engine}: {} ms, but {bound}",
            c.elapsed_ms
        );
        // Keyed by request: the same load spread out never throttles.
        assert_eq!((q.throttled, q.unprocessed), (0, 0), "{engine}: {q:#?}");
        assert!(q.throttling_reasons.is_empty(), "{engine}: {q:#?}");
        assert!(r.conclusion.contains(key_range), "{}", r.conclusion);
    })
    .await;
}

#[tokio::test]
async fn a_gsi_adds_its_write_units_and_a_slow_one_throttles_the_table() {
    on_every_engine(LabId::Gsi, |engine, r| {
        let (none, keys, all) = (v(r, "no index"), v(r, "KEYS_ONLY GSI"), v(r, "ALL GSI"));
        let per_write = write_units(none.item_bytes.expect("item size") as usize) as f64;
        assert!(none.items > 0, "{engine}");
        assert_eq!(none.write_units, per_write * none.items as f64, "{engine}");
        // Both engines report the index's share under INDEXES: a KEYS_ONLY entry (keys alone,
        // under 1 KB) costs one more unit per write, an ALL entry the whole item again.
        assert_eq!(
            keys.write_units,
            none.write_units + keys.items as f64,
            "{engine}: {r:#?}"
        );
        assert_eq!(all.write_units, 2.0 * none.write_units, "{engine}: {r:#?}");
        // Back-pressure: base-table puts refused for the index, and only for it.
        let bp = v(r, "GSI at 10 WCU/s");
        assert!(bp.throttled > 0, "{engine}: {bp:#?}");
        assert!(bp.items > 0, "{engine}: the first puts fit: {bp:#?}");
        assert_eq!(bp.items + bp.throttled, bp.calls, "{engine}: {bp:#?}");
        assert!(
            bp.throttling_reasons
                .keys()
                .eq(["IndexWriteProvisionedThroughputExceeded"]),
            "{engine}: {:?}",
            bp.throttling_reasons
        );
        assert!(
            r.conclusion
                .contains("IndexWriteProvisionedThroughputExceeded"),
            "{}",
            r.conclusion
        );
    })
    .await;
}

/// A private engine, so ListTables before and after is this test's alone.
async fn private() -> (EmbeddedServer, LabConn) {
    let server = start_embedded().await;
    let c = conn(&server.url());
    (server, c)
}

async fn scratch_tables(c: &LabConn) -> Vec<String> {
    list_scratch_tables(&c.client).await.expect("ListTables")
}

#[tokio::test]
async fn no_scratch_table_is_left_after_a_run_a_cancel_or_a_failure_midway() {
    let (_server, c) = private().await;
    assert!(scratch_tables(&c).await.is_empty());

    // A run.
    let r = run_lab(
        &c,
        LabId::Reads,
        Scale::Small,
        &RunOptions::default(),
        &CancellationToken::new(),
        &|_| {},
    )
    .await;
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(
        scratch_tables(&c).await,
        Vec::<String>::new(),
        "after a run"
    );

    // A cancel, in the middle (after the table was created and written).
    let cancel = CancellationToken::new();
    let token = cancel.clone();
    let progress = move |p: dynamo_explorer::labs::LabProgress| {
        if p.step == "get strong" {
            token.cancel();
        }
    };
    let err = run_lab(
        &c,
        LabId::Reads,
        Scale::Small,
        &RunOptions::default(),
        &cancel,
        &progress,
    )
    .await
    .expect_err("cancelled");
    assert!(err.cancelled(), "{err}");
    assert_eq!(err.step, "get strong", "{err}");
    assert!(
        err.to_string().contains("scratch tables were deleted"),
        "{err}"
    );
    assert_eq!(
        scratch_tables(&c).await,
        Vec::<String>::new(),
        "after a cancel"
    );

    // A failure midway, with data written and two sizes measured.
    let opts = RunOptions {
        fail_at_step: Some("scan 50".into()),
    };
    let err = run_lab(
        &c,
        LabId::QueryVsScan,
        Scale::Small,
        &opts,
        &CancellationToken::new(),
        &|_| {},
    )
    .await
    .expect_err("forced failure");
    assert!(!err.cancelled());
    assert_eq!(err.step, "scan 50");
    assert!(
        err.to_string().contains("failed at step \"scan 50\""),
        "{err}"
    );
    assert_eq!(
        scratch_tables(&c).await,
        Vec::<String>::new(),
        "after a failure"
    );

    // A failure in a lab with three tables and a limits layer of its own.
    let opts = RunOptions {
        fail_at_step: Some("GSI at 10 WCU/s".into()),
    };
    let err = run_lab(
        &c,
        LabId::Gsi,
        Scale::Small,
        &opts,
        &CancellationToken::new(),
        &|_| {},
    )
    .await
    .expect_err("forced failure");
    assert_eq!(err.step, "GSI at 10 WCU/s", "{err}");
    assert_eq!(
        scratch_tables(&c).await,
        Vec::<String>::new(),
        "after a failure in gsi"
    );
}

#[tokio::test]
async fn an_endpoint_that_cannot_create_tables_says_so() {
    // Nothing listens on a port we just freed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let err = run_lab(
        &conn(&url),
        LabId::Reads,
        Scale::Small,
        &RunOptions::default(),
        &CancellationToken::new(),
        &|_| {},
    )
    .await
    .expect_err("no engine there");
    let text = err.to_string();
    assert!(
        text.contains("cannot create the scratch table lab-reads-"),
        "{text}"
    );
    assert!(text.contains(&url), "{text}");
    assert_eq!(err.step, "create table");
}
