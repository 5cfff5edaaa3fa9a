//! Any table, from a script: tables of several key schemas made with plain SDK calls (as a
//! user's own would be), then `tables`, `describe`, `query` with every sort key operator, an
//! index and a filter, `scan`, `delete --key`, `--read-only` and `--ddb-json` through the CLI,
//! each held against what the test wrote. On the embedded engine and DynamoDB Local.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, LocalSecondaryIndex, Projection, ProjectionType, ScalarAttributeType,
};
use serde_json::Value;

use crate::common::spawn::command;
use crate::common::{engines, table_name};
use dynamo_explorer::backend::local_client;
use dynamo_explorer::table::value::{Item, from_ddb_json};

fn def(name: &str, t: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(t)
        .build()
        .unwrap()
}

fn key(name: &str, t: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(t)
        .build()
        .unwrap()
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

async fn put(client: &Client, table: &str, item: Item) {
    client
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .expect("put");
}

/// `v` with its sets sorted, everywhere in it: DynamoDB keeps no order in a set.
pub(crate) fn sets_sorted(v: &AttributeValue) -> AttributeValue {
    match v {
        AttributeValue::Ss(l) => {
            let mut l = l.clone();
            l.sort();
            AttributeValue::Ss(l)
        }
        AttributeValue::Ns(l) => {
            let mut l = l.clone();
            l.sort();
            AttributeValue::Ns(l)
        }
        AttributeValue::Bs(l) => {
            let mut l = l.clone();
            l.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
            AttributeValue::Bs(l)
        }
        AttributeValue::M(m) => {
            AttributeValue::M(m.iter().map(|(k, v)| (k.clone(), sets_sorted(v))).collect())
        }
        AttributeValue::L(l) => AttributeValue::L(l.iter().map(sets_sorted).collect()),
        other => other.clone(),
    }
}

/// An item with its sets sorted.
pub(crate) fn same(item: &Item) -> Item {
    item.iter()
        .map(|(k, v)| (k.clone(), sets_sorted(v)))
        .collect()
}

/// An item holding every type, a 38-digit number, and maps and lists nested.
pub(crate) fn every_type(pk: &str) -> Item {
    let mut deep = s("bottom");
    for i in 0..30 {
        deep = if i % 2 == 0 {
            AttributeValue::L(vec![deep])
        } else {
            AttributeValue::M(HashMap::from([("k".to_owned(), deep)]))
        };
    }
    HashMap::from([
        ("pk".to_owned(), s(pk)),
        (
            "big".to_owned(),
            n("12345678901234567890123456789012345678"),
        ),
        (
            "neg".to_owned(),
            n("-0.000000000000000000000000000000000001"),
        ),
        (
            "bin".to_owned(),
            AttributeValue::B(Blob::new(vec![0u8, 1, 254, 255])),
        ),
        (
            "ss".to_owned(),
            AttributeValue::Ss(vec!["a".into(), "b c".into()]),
        ),
        (
            "ns".to_owned(),
            AttributeValue::Ns(vec!["1".into(), "2.5".into()]),
        ),
        (
            "bs".to_owned(),
            AttributeValue::Bs(vec![Blob::new(vec![7u8])]),
        ),
        ("nul".to_owned(), AttributeValue::Null(true)),
        ("yes".to_owned(), AttributeValue::Bool(true)),
        ("empty".to_owned(), s("")),
        ("emoji name 🙂".to_owned(), s("spaces and emoji")),
        ("deep".to_owned(), deep),
    ])
}

/// The tables: `pk` S alone; `pk` S + `sk` N with a KEYS_ONLY GSI and an LSI; `pk` S + `sk`
/// S; `pk` B + `sk` B. Returns their names.
pub(crate) async fn make_tables(client: &Client) -> [String; 4] {
    let names = [
        table_name("any_pk"),
        table_name("any_sn"),
        table_name("any_ss"),
        table_name("any_bb"),
    ];
    use ScalarAttributeType::{B, N, S};
    client
        .create_table()
        .table_name(&names[0])
        .attribute_definitions(def("pk", S))
        .key_schema(key("pk", KeyType::Hash))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("create pk");
    client
        .create_table()
        .table_name(&names[1])
        .attribute_definitions(def("pk", S))
        .attribute_definitions(def("sk", N))
        .attribute_definitions(def("status", S))
        .attribute_definitions(def("total", N))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("by_status")
                .key_schema(key("status", KeyType::Hash))
                .key_schema(key("sk", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::KeysOnly)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("by_total")
                .key_schema(key("pk", KeyType::Hash))
                .key_schema(key("total", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("create sn");
    for (i, (k1, t1, k2, t2)) in [("pk", S, "sk", S), ("pk", B, "sk", B)]
        .into_iter()
        .enumerate()
    {
        client
            .create_table()
            .table_name(&names[2 + i])
            .attribute_definitions(def(k1, t1))
            .attribute_definitions(def(k2, t2))
            .key_schema(key(k1, KeyType::Hash))
            .key_schema(key(k2, KeyType::Range))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .expect("create");
    }
    // pk only: sparse items, and one of every type.
    put(client, &names[0], every_type("every")).await;
    for i in 0..5 {
        let mut item = HashMap::from([("pk".to_owned(), s(&format!("o-{i}")))]);
        if i % 2 == 0 {
            item.insert("status".into(), s("open"));
        }
        put(client, &names[0], item).await;
    }
    // S + N: partition c-1 with sk 1..=20, c-2 with 3 items; status and total on each.
    for sk in 1..=20 {
        let status = if sk % 3 == 0 { "open" } else { "done" };
        put(
            client,
            &names[1],
            HashMap::from([
                ("pk".to_owned(), s("c-1")),
                ("sk".to_owned(), n(sk)),
                ("status".to_owned(), s(status)),
                ("total".to_owned(), n(sk * 10)),
                ("note".to_owned(), s(&"x".repeat(300))),
            ]),
        )
        .await;
    }
    for sk in 1..=3 {
        put(
            client,
            &names[1],
            HashMap::from([("pk".to_owned(), s("c-2")), ("sk".to_owned(), n(sk))]),
        )
        .await;
    }
    // S + S: dates as sort keys.
    for d in [
        "2026-01-05",
        "2026-02-10",
        "2026-02-20",
        "2026-03-01",
        "2027-01-01",
    ] {
        put(
            client,
            &names[2],
            HashMap::from([("pk".to_owned(), s("user")), ("sk".to_owned(), s(d))]),
        )
        .await;
    }
    // B + B.
    for b in [vec![1u8, 2], vec![1u8, 3], vec![2u8]] {
        put(
            client,
            &names[3],
            HashMap::from([
                ("pk".to_owned(), AttributeValue::B(Blob::new(vec![9u8]))),
                ("sk".to_owned(), AttributeValue::B(Blob::new(b))),
            ]),
        )
        .await;
    }
    names
}

pub(crate) struct Run {
    pub(crate) ok: bool,
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

pub(crate) fn run(url: &str, table: &str, args: &[&str]) -> Run {
    let out = command()
        .args(["--endpoint", url, "--table", table])
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        ok: out.status.success(),
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub(crate) fn json(url: &str, table: &str, args: &[&str]) -> Value {
    let r = run(url, table, &[args, &["--json"]].concat());
    assert!(r.ok, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", r.stdout))
}

fn sort_keys(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["sk"].as_i64().expect("sk is a number"))
        .collect()
}

fn refused(r: &Run, words: &[&str]) {
    assert!(!r.ok, "refused: {}", r.stdout);
    let first = r
        .stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    for w in words {
        assert!(r.stderr.contains(w), "{w:?} in: {}", r.stderr);
    }
    crate::common::assert_readable(&r.stderr);
    assert!(
        r.stdout.is_empty(),
        "nothing printed: {} / {first}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_table_from_a_script() {
    for engine in engines().await {
        let client = local_client(&engine.url);
        let [pk_only, sn, ss, bb] = make_tables(&client).await;
        let url = engine.url.as_str();
        let name = engine.name;

        // tables: every table with its keys, their types, indexes and projections.
        let listed = json(url, &sn, &["tables"]);
        let find = |t: &str| {
            listed["tables"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["name"] == t)
                .cloned()
                .unwrap_or_else(|| panic!("{name}: {t} listed in {listed}"))
        };
        let t = find(&sn);
        assert_eq!(t["key_schema"][1]["name"], "sk");
        assert_eq!(t["key_schema"][1]["type"], "N");
        assert_eq!(t["key_schema"][1]["role"], "RANGE");
        assert_eq!(t["gsis"][0]["name"], "by_status");
        assert_eq!(t["gsis"][0]["projection"], "KEYS_ONLY");
        assert_eq!(t["lsis"][0]["name"], "by_total");
        assert_eq!(t["billing_mode"], "PAY_PER_REQUEST");
        assert_eq!(find(&bb)["key_schema"][0]["type"], "B");
        let d = json(url, &pk_only, &["describe"]);
        assert_eq!(d["key_schema"][0]["name"], "pk", "{name}: {d}");
        assert_eq!(d["key_schema"].as_array().unwrap().len(), 1);

        // Every sort key operator, against the sort keys written (1..=20).
        let all: Vec<i64> = (1..=20).collect();
        for (cond, keep) in [
            ("= 7", Box::new(|k: i64| k == 7) as Box<dyn Fn(i64) -> bool>),
            ("< 5", Box::new(|k| k < 5)),
            ("<= 5", Box::new(|k| k <= 5)),
            ("> 15", Box::new(|k| k > 15)),
            (">= 15", Box::new(|k| k >= 15)),
            ("between 4 and 9", Box::new(|k| (4..=9).contains(&k))),
        ] {
            let got = sort_keys(&json(url, &sn, &["query", "c-1", "--sort", cond]));
            let want: Vec<i64> = all.iter().copied().filter(|k| keep(*k)).collect();
            assert_eq!(got, want, "{name}: --sort {cond:?}");
        }
        let desc = sort_keys(&json(
            url,
            &sn,
            &["query", "c-1", "--desc", "--sort", "> 17"],
        ));
        assert_eq!(desc, [20, 19, 18], "{name}");
        // S sort keys: begins_with and between on text.
        let q = json(
            url,
            &ss,
            &["query", "user", "--sort", "begins_with 2026-02"],
        );
        assert_eq!(q["count"], 2, "{name}: {q}");
        let q = json(
            url,
            &ss,
            &[
                "query",
                "user",
                "--sort",
                "between 2026-01-01 and 2026-02-15",
            ],
        );
        assert_eq!(q["count"], 2, "{name}: {q}");
        // B keys, as base64: pk [9], sort keys beginning with [1].
        let q = json(url, &bb, &["query", "CQ==", "--sort", "begins_with AQ=="]);
        assert_eq!(q["count"], 2, "{name}: {q}");

        // A filter: fewer returned than read, the same RCU as without it.
        let plain = json(url, &sn, &["query", "c-1"]);
        let filtered = json(
            url,
            &sn,
            &[
                "query",
                "c-1",
                "--filter",
                "status = :s",
                "--values",
                r#"{":s": "open"}"#,
            ],
        );
        assert_eq!(filtered["count"], 6, "{name}: {filtered}");
        assert_eq!(filtered["scanned_count"], 20, "{name}: {filtered}");
        assert_eq!(
            filtered["consumed"]["read_units"], plain["consumed"]["read_units"],
            "{name}: a filter saves no RCU"
        );
        assert_eq!(
            plain["capacity_by_rule"]["differs"], false,
            "{name}: {plain}"
        );
        assert_eq!(
            plain["capacity_by_rule"]["read_units"], plain["consumed"]["read_units"],
            "{name}: {plain}"
        );

        // Under the simulated limits too (the layer describes the table to plan its calls).
        let limited = json(url, &sn, &["--limits", "on-demand", "query", "c-1"]);
        assert_eq!(limited["count"], 20, "{name}: {limited}");
        assert_eq!(
            limited["consumed"]["read_units"], plain["consumed"]["read_units"],
            "{name}: {limited}"
        );

        // A GSI (KEYS_ONLY: keys come back, not `note`), and an LSI ordered by total.
        let g = json(url, &sn, &["query", "open", "--index", "by_status"]);
        assert_eq!(g["count"], 6, "{name}: {g}");
        assert!(
            g["items"][0].get("note").is_none(),
            "{name}: keys only: {g}"
        );
        let l = json(
            url,
            &sn,
            &["query", "c-1", "--index", "by_total", "--sort", ">= 150"],
        );
        assert_eq!(l["count"], 6, "{name}: {l}");
        // Limit: one page, and where to go on.
        let page = json(url, &sn, &["query", "c-1", "--limit", "5"]);
        assert_eq!(page["count"], 5);
        assert_eq!(page["last_evaluated_key"]["sk"], 5, "{name}: {page}");

        // --ddb-json: the every-type item, type for type as written.
        let exact = json(url, &pk_only, &["query", "every", "--ddb-json"]);
        let got: Item = exact["items"][0]
            .as_object()
            .expect("an item")
            .iter()
            .map(|(k, v)| (k.clone(), from_ddb_json(v).expect("DynamoDB JSON")))
            .collect();
        assert_eq!(
            same(&got),
            same(&every_type("every")),
            "{name}: --ddb-json is exact"
        );
        // Plain JSON keeps the 38 digits too.
        let plain = run(url, &pk_only, &["query", "every", "--json"]);
        assert!(
            plain
                .stdout
                .contains("\"big\":12345678901234567890123456789012345678"),
            "{name}: {}",
            plain.stdout
        );

        // scan: a summary per partition key, the items, a parallel scan of the whole table.
        let sc = json(url, &sn, &["scan"]);
        assert_eq!(sc["count"], 23, "{name}: {sc}");
        assert_eq!(
            sc["partitions"].as_array().unwrap().len(),
            2,
            "{name}: {sc}"
        );
        let par = json(url, &sn, &["scan", "--segments", "3", "--items"]);
        assert_eq!(par["items"].as_array().unwrap().len(), 23, "{name}");
        assert_eq!(par["segments"], 3);

        // Bad input: one line, nothing sent.
        refused(
            &run(url, &sn, &["query", "c-1", "--index", "nope"]),
            &["no index \"nope\"", "by_status"],
        );
        refused(
            &run(url, &sn, &["query", "c-1", "--sort", ">= abc"]),
            &["sk is a key of type N"],
        );
        refused(
            &run(
                url,
                &sn,
                &[
                    "query",
                    "c-1",
                    "--filter",
                    "status = = :s",
                    "--values",
                    r#"{":s": 1}"#,
                ],
            ),
            &["--filter", "column 10"],
        );
        refused(
            &run(
                url,
                &sn,
                &["query", "open", "--index", "by_status", "--consistent"],
            ),
            &["eventually consistent only"],
        );
        refused(
            &run(url, &pk_only, &["query", "o-1", "--sort", "= 1"]),
            &["has no sort key"],
        );
        let desc_scan = run(url, &sn, &["scan", "--desc"]);
        assert_eq!(
            desc_scan.code, 2,
            "{name}: clap's usage error: {}",
            desc_scan.stderr
        );

        // --read-only refuses every write; the item is still there.
        let key = r#"{"pk": "c-1", "sk": 7}"#;
        refused(
            &run(url, &sn, &["--read-only", "delete", "--key", key]),
            &["--read-only"],
        );
        let mut env_ro = command();
        env_ro.env("DYNAMO_EXPLORER_READ_ONLY", "1").args([
            "--endpoint",
            url,
            "--table",
            &sn,
            "generate",
        ]);
        let out = env_ro.output().expect("runs");
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--read-only"));
        assert_eq!(
            json(url, &sn, &["query", "c-1", "--sort", "= 7"])["count"],
            1
        );

        // delete --key: that item goes, its WCU by its size; a missing key deletes nothing.
        refused(
            &run(url, &sn, &["delete", "--key", r#"{"pk": "c-1"}"#]),
            &["sk is missing"],
        );
        let del = json(
            url,
            &sn,
            &[
                "delete",
                "--key",
                key,
                "--key",
                r#"{"pk": "c-1", "sk": 99}"#,
            ],
        );
        assert_eq!(del["deleted"], 1, "{name}: {del}");
        // On the table 1 WCU each (the one there was under 1 KB; the one missing still costs
        // the minimum); each index holding the item charges its own.
        assert_eq!(
            del["consumed_detail"]["table"]["write_units"], 2.0,
            "{name}: {del}"
        );
        assert_eq!(del["capacity_by_rule"]["write_units"], 1.0, "{name}: {del}");
        assert_eq!(del["capacity_by_rule"]["differs"], false, "{name}: {del}");
        assert_eq!(
            json(url, &sn, &["query", "c-1", "--sort", "= 7"])["count"],
            0
        );
        assert_eq!(json(url, &sn, &["query", "c-1"])["count"], 19);
    }
}
