//! The model on a fake clock: every time is given, so each figure below is exact.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;

fn limiter(limits: &str, gsi: &[&str]) -> Limiter {
    let gsi: Vec<String> = gsi.iter().map(|s| (*s).to_owned()).collect();
    let mut l = Limiter::new(LimitsConfig::parse(limits, &gsi).unwrap());
    l.set_table(
        "t",
        TableMeta {
            hash_key: "pk".into(),
            indexes: vec![IndexMeta {
                name: "g".into(),
                hash_key: "c".into(),
                range_key: None,
                provisioned: None,
            }],
        },
    );
    l
}

fn s(secs: f64) -> Duration {
    Duration::from_secs_f64(secs)
}

/// A put of `units` on the table's partition `key`.
fn put(key: &str, units: f64) -> ItemUse {
    vec![Use {
        resource: Resource::table("t"),
        partition: Some(key.to_owned()),
        units,
    }]
}

/// A put that is also written to GSI `g` under `gsi_key`.
fn put_indexed(key: &str, gsi_key: &str, units: f64) -> ItemUse {
    let mut item = put(key, units);
    item.push(Use {
        resource: Resource::index("t", "g"),
        partition: Some(gsi_key.to_owned()),
        units,
    });
    item
}

fn table_tokens(l: &mut Limiter, at: f64, kind: Kind) -> f64 {
    l.tokens(s(at), kind, &Resource::table("t"), None).unwrap()
}

fn reasons(t: &Throttle) -> Vec<&str> {
    t.reasons.iter().map(|r| r.reason.as_str()).collect()
}

#[test]
fn a_fresh_table_holds_one_second_and_refills_at_its_rate() {
    let mut l = limiter("provisioned:100,50", &[]);
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Write), 50.0);
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Read), 100.0);
    l.admit(s(0.0), Kind::Write, &[put("a", 50.0)]).unwrap();
    let refused = l.admit(s(0.0), Kind::Write, &[put("a", 1.0)]).unwrap_err();
    assert_eq!(refused.error, "ProvisionedThroughputExceededException");
    assert_eq!(
        reasons(&refused),
        ["TableWriteProvisionedThroughputExceeded"]
    );
    assert_eq!(
        refused.reasons[0].resource,
        "arn:aws:dynamodb:local:000000000000:table/t"
    );
    assert!(
        refused.message.contains("[simulated"),
        "{}",
        refused.message
    );
    // Half a second later: 25 units back.
    assert!((table_tokens(&mut l, 0.5, Kind::Write) - 25.0).abs() < 1e-9);
    l.admit(s(0.5), Kind::Write, &[put("a", 1.0)]).unwrap();
    // Reads have their own bucket, untouched by the writes (and banking its unused half
    // second as burst).
    assert_eq!(table_tokens(&mut l, 0.5, Kind::Read), 150.0);
}

#[test]
fn unused_capacity_accrues_as_burst_up_to_its_cap() {
    let mut l = limiter("provisioned:10,10,burst=5", &[]);
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Write), 10.0);
    assert!((table_tokens(&mut l, 3.0, Kind::Write) - 40.0).abs() < 1e-9);
    assert_eq!(
        table_tokens(&mut l, 100.0, Kind::Write),
        50.0,
        "capped at 5 s worth"
    );
    // The default keeps 300 s worth (buckets are born at their first use).
    let mut l = limiter("provisioned:10,10", &[]);
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Write), 10.0);
    assert_eq!(table_tokens(&mut l, 1_000.0, Kind::Write), 3_000.0);
    // On-demand banks nothing beyond one second's worth.
    let mut l = limiter("on-demand", &[]);
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Write), 4_000.0);
    assert_eq!(table_tokens(&mut l, 1_000.0, Kind::Write), 4_000.0);
}

#[test]
fn a_large_call_leaves_debt_that_later_calls_wait_out() {
    let mut l = limiter("provisioned:10,10", &[]);
    // 300 units admitted on 10 in the bucket: 290 in debt.
    l.admit(s(0.0), Kind::Write, &[put("a", 300.0)]).unwrap();
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Write), -290.0);
    assert!(l.admit(s(28.9), Kind::Write, &[put("b", 1.0)]).is_err());
    assert!(l.admit(s(29.1), Kind::Write, &[put("b", 1.0)]).is_ok());
}

#[test]
fn a_partition_never_exceeds_its_hard_limit_whatever_the_table_has() {
    // Provisioned far above 1,000 WCU/s with plenty of burst: one key still gets 1,000/s.
    let mut l = limiter("provisioned:40000,40000", &[]);
    let one_key: Vec<ItemUse> = (0..1_200).map(|_| put("hot", 1.0)).collect();
    let split = l.split(s(0.0), Kind::Write, &one_key);
    assert_eq!(split.admitted.iter().filter(|a| **a).count(), 1_000);
    assert!(split.admitted[..1_000].iter().all(|a| *a));
    let t = split.throttle.unwrap();
    assert_eq!(reasons(&t), ["TableWriteKeyRangeThroughputExceeded"]);
    // Burst never lifts a partition: after an idle minute it holds one second's worth.
    let again = l.split(s(60.0), Kind::Write, &one_key);
    assert_eq!(again.admitted.iter().filter(|a| **a).count(), 1_000);
    // Reads: 3,000 RCU/s per key.
    let reads: Vec<ItemUse> = (0..3_100).map(|_| put("hot", 1.0)).collect();
    let split = l.split(s(60.0), Kind::Read, &reads);
    assert_eq!(split.admitted.iter().filter(|a| **a).count(), 3_000);
    assert_eq!(
        reasons(&split.throttle.unwrap()),
        ["TableReadKeyRangeThroughputExceeded"]
    );
}

#[test]
fn spread_keys_meet_the_table_limit_instead() {
    let mut l = limiter("on-demand", &[]);
    let spread: Vec<ItemUse> = (0..3_000).map(|i| put(&format!("k{i}"), 1.0)).collect();
    let split = l.split(s(0.0), Kind::Write, &spread);
    assert!(
        split.admitted.iter().all(|a| *a),
        "3,000 keys fit a new on-demand table"
    );
    assert!(split.throttle.is_none());
    let more: Vec<ItemUse> = (0..2_000).map(|i| put(&format!("m{i}"), 1.0)).collect();
    let split = l.split(s(0.0), Kind::Write, &more);
    assert_eq!(split.admitted.iter().filter(|a| **a).count(), 1_000);
    let t = split.throttle.unwrap();
    assert_eq!(t.error, "ProvisionedThroughputExceededException");
    assert!(t.message.contains("4,000 WCU/s"), "{}", t.message);

    let mut l = limiter("provisioned:100,100", &[]);
    let split = l.split(s(0.0), Kind::Write, &spread[..150]);
    assert_eq!(split.admitted.iter().filter(|a| **a).count(), 100);
    assert_eq!(
        reasons(&split.throttle.unwrap()),
        ["TableWriteProvisionedThroughputExceeded"]
    );
}

#[test]
fn a_full_gsi_pushes_back_on_table_writes_with_room() {
    let mut l = limiter("provisioned:1000,1000", &["g=10,5"]);
    // 5 WCU/s on the index: the sixth indexed put is refused, the table has 994 left.
    for i in 0..5 {
        l.admit(
            s(0.0),
            Kind::Write,
            &[put_indexed(&format!("k{i}"), "x", 1.0)],
        )
        .unwrap();
    }
    let refused = l
        .admit(s(0.0), Kind::Write, &[put_indexed("k9", "y", 1.0)])
        .unwrap_err();
    assert_eq!(refused.error, "ProvisionedThroughputExceededException");
    assert_eq!(
        reasons(&refused),
        ["IndexWriteProvisionedThroughputExceeded"]
    );
    assert_eq!(
        refused.reasons[0].resource,
        "arn:aws:dynamodb:local:000000000000:table/t/index/g"
    );
    assert!(table_tokens(&mut l, 0.0, Kind::Write) > 990.0);
    // A put the index does not hold is not held back.
    l.admit(s(0.0), Kind::Write, &[put("k10", 1.0)]).unwrap();
    // A GSI's own partitions: 1,000 WCU/s per index key value.
    let mut l = limiter("on-demand", &[]);
    let same_gsi_key: Vec<ItemUse> = (0..1_100)
        .map(|i| put_indexed(&format!("k{i}"), "status=open", 1.0))
        .collect();
    let split = l.split(s(0.0), Kind::Write, &same_gsi_key);
    assert_eq!(split.admitted.iter().filter(|a| **a).count(), 1_000);
    assert_eq!(
        reasons(&split.throttle.unwrap()),
        ["IndexWriteKeyRangeThroughputExceeded"]
    );
}

#[test]
fn an_on_demand_gsi_maximum_answers_throttling_exception() {
    let mut l = limiter("on-demand", &["g=100,2"]);
    l.admit(s(0.0), Kind::Write, &[put_indexed("a", "x", 2.0)])
        .unwrap();
    let refused = l
        .admit(s(0.0), Kind::Write, &[put_indexed("b", "y", 1.0)])
        .unwrap_err();
    assert_eq!(refused.error, "ThrottlingException");
    assert_eq!(
        reasons(&refused),
        ["IndexWriteMaxOnDemandThroughputExceeded"]
    );
}

#[test]
fn a_batch_splits_in_order_into_admitted_and_unprocessed() {
    let mut l = limiter("provisioned:100,3", &[]);
    // Three units in the table: items of 1, 1, 1 fit, the fourth does not; an item admitted
    // while the bucket holds anything may take it into debt.
    let items = vec![put("a", 1.0), put("b", 2.0), put("c", 1.0), put("d", 1.0)];
    let split = l.split(s(0.0), Kind::Write, &items);
    assert_eq!(split.admitted, [true, true, false, false]);
    assert!(split.throttle.is_some());
    // Nothing fits now: the caller refuses the whole call with the error.
    let split = l.split(s(0.0), Kind::Write, &items[..1]);
    assert_eq!(split.admitted, [false]);
}

#[test]
fn settling_replaces_the_estimate_with_what_the_engine_reported() {
    let mut l = limiter("provisioned:1000,1000", &[]);
    let items = vec![put("a", 1.0), put("b", 3.0)];
    l.admit(s(0.0), Kind::Write, &items).unwrap();
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Write), 996.0);
    // The engine says 8: an overwrite of larger items.
    let actual = BTreeMap::from([(Resource::table("t"), 8.0)]);
    l.settle(s(0.0), Kind::Write, &items, Some(&actual));
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Write), 992.0);
    // Spread over the partitions in proportion to the estimates: 2 and 6.
    let part = |l: &mut Limiter, k: &str| {
        l.tokens(s(0.0), Kind::Write, &Resource::table("t"), Some(k))
            .unwrap()
    };
    assert_eq!(part(&mut l, "a"), 998.0);
    assert_eq!(part(&mut l, "b"), 994.0);
    // A refused call gives its reservation back.
    let more = vec![put("a", 5.0)];
    l.admit(s(0.0), Kind::Write, &more).unwrap();
    l.refund(s(0.0), Kind::Write, &more);
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Write), 992.0);
    // No figure from the engine: the estimate stands.
    l.admit(s(0.0), Kind::Write, &more).unwrap();
    l.settle(s(0.0), Kind::Write, &more, None);
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Write), 987.0);
}

#[test]
fn a_query_is_admitted_then_charged_on_its_partition() {
    let mut l = limiter("provisioned:100,100", &[]);
    let query = vec![vec![Use {
        resource: Resource::table("t"),
        partition: Some("a".into()),
        units: 0.0,
    }]];
    l.admit(s(0.0), Kind::Read, &query).unwrap();
    let actual = BTreeMap::from([(Resource::table("t"), 130.0)]);
    l.settle(s(0.0), Kind::Read, &query, Some(&actual));
    assert_eq!(table_tokens(&mut l, 0.0, Kind::Read), -30.0);
    assert_eq!(
        l.tokens(s(0.0), Kind::Read, &Resource::table("t"), Some("a")),
        Some(2_870.0)
    );
    assert!(l.admit(s(0.0), Kind::Read, &query).is_err(), "in debt");
}

#[test]
fn idle_partitions_are_swept_without_changing_anything() {
    let mut l = limiter("provisioned:40000,40000", &[]);
    for i in 0..(SWEEP_EVERY + 10) {
        let item = vec![put(&format!("k{i}"), 1.0)];
        l.admit(s(0.0), Kind::Write, &item).unwrap();
        l.settle(s(0.0), Kind::Write, &item, None);
    }
    // Two seconds later every partition is full again: swept on the next settle.
    let item = vec![put("late", 1.0)];
    l.admit(s(2.0), Kind::Write, &item).unwrap();
    for i in 0..SWEEP_EVERY {
        let item = vec![put(&format!("n{i}"), 1.0)];
        l.admit(s(2.0), Kind::Write, &item).unwrap();
        l.settle(s(2.0), Kind::Write, &item, None);
    }
    let k1 = |id: &BucketId| id.partition.as_deref() == Some("k1");
    assert!(!l.buckets.keys().any(k1), "the idle partitions were swept");
    assert_eq!(
        l.tokens(s(2.0), Kind::Write, &Resource::table("t"), Some("k1")),
        Some(1_000.0),
        "a swept partition is what a new one is"
    );
}
