//! Engines that report ConsumedCapacity against DynamoDB's rules: a proxy in front of a real
//! engine rewrites it to 1 unit per call (as one DynamoDB-compatible engine reports it) or
//! removes it. The app computes DynamoDB's rule from the items it sent and got back, shows both
//! figures, and the simulated limits charge the rule. On the real engines, which follow the
//! rules, the two figures agree and nothing is marked.

use super::ui::Ui;
use super::*;
use crate::common::embedded::write_all;
use dynamo_explorer::limits::{LimitsConfig, LimitsLayer};

/// 600 records of one request (24 BatchWriteItem calls of 25), from `seed`.
fn six_hundred(seed: u64) -> (RequestId, Vec<Record>) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let (ids, records) = build_records(&[600], 50, &mut rng);
    (ids[0].clone(), records)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rule_agrees_with_engines_that_follow_it_and_flags_those_that_do_not() {
    for engine in engines().await {
        within(&engine, async {
            let rig = rig(
                &engine,
                "per_call",
                FaultConfig::seeded(1).with(Fault::CapacityPerCall, 1.0),
                generous(),
            )
            .await;
            let (id, records) = six_hundred(600);
            let opts = QueryOptions::default();

            // The engine itself follows the rules: its figures and the rule's agree, unmarked.
            let direct_write = write_all(&rig.direct, records).await;
            let rule = &direct_write.by_rule;
            assert_eq!(rule.calls, direct_write.calls, "{}", engine.name);
            assert!(
                !rule.differs && rule.contrast().is_none(),
                "{}: {rule:?} against {:?}",
                engine.name,
                direct_write.consumed.total
            );
            assert_eq!(
                rule.rule.write, direct_write.consumed.table.write,
                "{}",
                engine.name
            );
            // The rule, from the sizes the engine stores: 1 WCU per started KB of each item.
            let stored = rig.direct.query_request(&id, &opts).await.expect("query");
            let by_size: u64 = stored
                .sizes
                .iter()
                .map(|s| dynamo_explorer::size::write_units(*s as usize))
                .sum();
            assert_eq!(rule.rule.write, by_size as f64, "{}", engine.name);
            assert!(
                !stored.report.by_rule.differs,
                "{}: {:?}",
                engine.name, stored.report.by_rule
            );
            assert_eq!(
                stored.report.by_rule.rule.read, stored.report.consumed.table.read,
                "{}",
                engine.name
            );

            // Through the layer that reports 1 unit per call, on a fresh table.
            let (other, records) = six_hundred(601);
            let per_call = write_all(&rig.proxied, records).await;
            assert_eq!(per_call.consumed.total.write, per_call.calls as f64);
            let r = &per_call.by_rule;
            assert!(r.differs, "{}: {r:?}", engine.name);
            let sizes = rig
                .direct
                .query_request(&other, &opts)
                .await
                .expect("query");
            let want: u64 = sizes
                .sizes
                .iter()
                .map(|s| dynamo_explorer::size::write_units(*s as usize))
                .sum();
            assert_eq!(r.rule.write, want as f64, "{}", engine.name);
            assert_eq!(
                r.contrast().as_deref(),
                Some(
                    format!(
                        "engine: {} WCU, DynamoDB's rule: {} WCU",
                        dynamo_explorer::fmt::units(per_call.calls as f64),
                        dynamo_explorer::fmt::units(want as f64)
                    )
                    .as_str()
                ),
                "{}",
                engine.name
            );
            let read = rig
                .proxied
                .query_request(&other, &opts)
                .await
                .expect("query");
            let r = &read.report.by_rule;
            assert!(r.differs, "{}: {r:?}", engine.name);
            assert_eq!(
                r.rule.read, sizes.report.consumed.table.read,
                "{}",
                engine.name
            );
            assert_eq!(read.report.consumed.total.read, read.pages as f64);

            // An engine that reports nothing.
            rig.proxy
                .set_config(FaultConfig::seeded(2).with(Fault::NoCapacity, 1.0));
            let silent = rig
                .proxied
                .query_request(&other, &opts)
                .await
                .expect("query");
            let r = &silent.report.by_rule;
            assert!(
                r.differs && r.unreported == silent.pages,
                "{}: {r:?}",
                engine.name
            );
            assert!(
                r.contrast()
                    .is_some_and(|c| c.starts_with("engine: none reported")),
                "{}: {:?}",
                engine.name,
                r.contrast()
            );

            // A projected read cannot be held to the rule: said, not guessed.
            let (_, keys) = rig.proxied.request_keys(&other).await.expect("keys");
            assert_eq!(keys.by_rule.calls, 0);
            assert!(keys.by_rule.not_computed > 0 && keys.by_rule.why_not.is_some());
            assert!(!keys.by_rule.differs);
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_shows_both_figures_and_the_header_marks_the_engine() {
    for engine in engines().await {
        within(&engine, async {
            let config = FaultConfig::seeded(3).with(Fault::CapacityPerCall, 1.0);
            let rig = rig(&engine, "per_call_tui", config, generous()).await;
            let mut ui = Ui::start(rig.proxied.clone()).await;
            ui.until("the first scan", |a| !a.session.log.rows.is_empty())
                .await;
            ui.generate(1, 600).await;
            ui.until("the generate", |a| a.session.long_job.is_none())
                .await;
            let row = ui.app.session.log.rows.last().expect("generate logged");
            let rule = row.report.by_rule.rule_text().expect("the figures differ");
            let screen = ui.screen();
            // The row: the engine's 24 WCU in its column, the rule's beside the outcome.
            let shown = screen
                .lines()
                .find(|l| l.contains("generate 1×600"))
                .expect("the generate's row");
            assert!(
                shown.contains(" 24.0 ") && shown.contains(&rule),
                "{}: the log row shows 24.0 WCU and {rule:?}:\n{screen}",
                engine.name
            );
            assert!(
                screen.contains("not DynamoDB's"),
                "{}: the header marks the engine:\n{screen}",
                engine.name
            );

            // The CLI: a second line under the summary, and `capacity_by_rule` in --json.
            let cli = |json: bool| {
                let mut cmd = std::process::Command::new(BIN);
                cmd.args(["--endpoint", &rig.proxy.url(), "--table", rig.direct.table()])
                    .args(["generate", "--requests", "1", "--records", "100"]);
                if json {
                    cmd.arg("--json");
                }
                let out = cmd.scrub_aws().output().expect("the binary runs");
                assert!(out.status.success(), "{}: {out:?}", engine.name);
                String::from_utf8_lossy(&out.stdout).into_owned()
            };
            let text = cli(false);
            assert!(
                text.contains(
                    "capacity is the engine's, not DynamoDB's rule (engine: 4.0 WCU, DynamoDB's rule: 100.0 WCU)"
                ),
                "{}: {text}",
                engine.name
            );
            let json: serde_json::Value = serde_json::from_str(&cli(true)).expect("JSON");
            let by_rule = &json["capacity_by_rule"];
            assert_eq!(by_rule["differs"], true, "{}: {json}", engine.name);
            assert_eq!(by_rule["write_units"], 100.0, "{}: {json}", engine.name);
            assert_eq!(by_rule["engine"]["write_units"], 4.0, "{}: {json}", engine.name);
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limits_charge_the_rule_when_the_engine_reports_less() {
    for engine in engines().await {
        within(&engine, async {
            let config = FaultConfig::seeded(4).with(Fault::CapacityPerCall, 1.0);
            let rig = rig(&engine, "per_call_limits", config, generous()).await;
            let layer = LimitsLayer::start_on_loopback(
                &rig.proxy.url(),
                LimitsConfig::parse("on-demand", &[]).expect("limits"),
            )
            .await
            .expect("layer starts");
            let url = layer.url();
            let limited = Store::new(local_client(&url), rig.direct.table(), &url)
                .expect("valid")
                .with_retry(generous());
            let (id, records) = six_hundred(602);
            let report = write_all(&limited, records).await;
            let charged: f64 = layer.stats().per_second.iter().map(|s| s.write_units).sum();
            // The engine (as the proxy rewrote it) said 1 WCU per call; the layer charged the
            // rule, which the store computed from the same items.
            assert_eq!(report.consumed.total.write, report.calls as f64);
            assert_eq!(charged, report.by_rule.rule.write, "{}", engine.name);
            let read = limited
                .query_request(&id, &QueryOptions::default())
                .await
                .expect("query");
            let charged_reads: f64 = layer.stats().per_second.iter().map(|s| s.read_units).sum();
            assert!(
                charged_reads >= read.report.by_rule.rule.read
                    && read.report.by_rule.rule.read > read.pages as f64,
                "{}: charged {charged_reads} RCU, rule {:?}",
                engine.name,
                read.report.by_rule
            );
        })
        .await;
    }
}
