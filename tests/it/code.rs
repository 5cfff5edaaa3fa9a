//! The calls the app sends, captured and printed as code, then run: a Query, a Scan with a
//! Limit and a DeleteItem made by the app's own SDK client inside `code::recording`; their
//! `aws dynamodb` form run with `sh -c` and their boto3 form with `python3`, against the same
//! engine (always a loopback URL, with dummy keys set for the child only). Each must find the
//! same items and consume the same capacity as the app's call did; the delete must delete.
//!
//! The aws CLI and boto3 are needed (CI installs them): without them these tests fail, unless
//! `DX_SKIP_AWS_CLI_TESTS=1`.

use std::process::Stdio;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ReturnConsumedCapacity, ScalarAttributeType,
};
use serde_json::{Value, json};

use crate::common::spawn::ScrubAws;
use crate::common::{Engine, engines, table_name};
use dynamo_explorer::backend::local_client;
use dynamo_explorer::code::{Lang, SentCall, Target, recording, render};
use dynamo_explorer::table::value::{Item, item_to_ddb_json};

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn n(v: u32) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// A table `pk` (S) + `sk` (N) holding `a` 0..5 (one item of ~10 KB, so that capacity is
/// more than a unit) and `b` 0..3.
async fn table_with_items(client: &Client) -> String {
    let table = table_name("code");
    let def = |name: &str, t| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(t)
            .build()
            .unwrap()
    };
    let key = |name: &str, t| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(t)
            .build()
            .unwrap()
    };
    client
        .create_table()
        .table_name(&table)
        .attribute_definitions(def("pk", ScalarAttributeType::S))
        .attribute_definitions(def("sk", ScalarAttributeType::N))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("table created");
    for (pk, count) in [("a", 5), ("b", 3)] {
        for sk in 0..count {
            let text = if sk == 2 {
                "x".repeat(10_000)
            } else {
                format!("it's {pk}{sk}")
            };
            client
                .put_item()
                .table_name(&table)
                .item("pk", s(pk))
                .item("sk", n(sk))
                .item("text", s(&text))
                .item("bin", AttributeValue::B(Blob::new(vec![0, sk as u8, 255])))
                .item("ok", AttributeValue::Bool(sk % 2 == 0))
                .send()
                .await
                .expect("item written");
        }
    }
    table
}

/// What a call returned, in wire JSON: its items (or its old item) and its capacity units.
#[derive(Debug)]
struct Answer {
    items: Vec<Value>,
    last_key: Option<Value>,
    capacity: f64,
}

impl Answer {
    /// Held equal to `app`, said briefly (an item is 10 KB).
    fn assert_same_as(&self, app: &Answer, what: &str) {
        assert_eq!(self.capacity, app.capacity, "{what}: capacity units");
        assert_eq!(self.items.len(), app.items.len(), "{what}: item count");
        assert!(self.items == app.items, "{what}: items differ");
        assert_eq!(self.last_key, app.last_key, "{what}: LastEvaluatedKey");
    }

    /// From the JSON the CLI or the boto3 script printed.
    fn from_printed(out: &Value) -> Answer {
        Answer {
            items: out
                .get("Items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            last_key: out.get("LastEvaluatedKey").cloned(),
            capacity: out["ConsumedCapacity"]["CapacityUnits"]
                .as_f64()
                .unwrap_or_else(|| panic!("no ConsumedCapacity.CapacityUnits in {out}")),
        }
    }
}

fn items_json(items: &[Item]) -> Vec<Value> {
    items.iter().map(item_to_ddb_json).collect()
}

/// Is the tool there? If not the test fails, unless `DX_SKIP_AWS_CLI_TESTS=1` (then it is
/// skipped: false).
async fn tool_ready(lang: Lang) -> bool {
    let (program, args, what): (&str, &[&str], &str) = match lang {
        Lang::Aws => ("aws", &["--version"], "the aws CLI (`aws`)"),
        Lang::Python => ("python3", &["-c", "import boto3"], "python3 with boto3"),
        Lang::Rust => unreachable!("the Rust form is compiled, not run"),
    };
    let found = tokio::process::Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|s| s.success());
    if found {
        return true;
    }
    if std::env::var("DX_SKIP_AWS_CLI_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("skipped: {what} not found and DX_SKIP_AWS_CLI_TESTS=1");
        return false;
    }
    panic!(
        "{what} not found: these tests run the printed code. Install them \
         (`python3 -m pip install awscli boto3`; .ci/run does) or set DX_SKIP_AWS_CLI_TESTS=1"
    );
}

/// Runs `call` rendered as `lang` against `url` and parses what it prints. The child gets
/// dummy keys and a region, no AWS setting of this process or of `~/.aws`.
async fn run(call: &SentCall, lang: Lang, url: &str) -> Value {
    let target = Target {
        endpoint: Some(url.to_owned()),
        region: "us-east-1".into(),
    };
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "not a loopback engine: {url}"
    );
    let code = render(call, lang, &target);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = match lang {
        Lang::Aws => {
            let mut cmd = tokio::process::Command::new("sh");
            cmd.arg("-c").arg(&code);
            cmd
        }
        Lang::Python => {
            let script = dir.path().join("call.py");
            std::fs::write(&script, &code).expect("script written");
            let mut cmd = tokio::process::Command::new("python3");
            cmd.arg(&script);
            cmd
        }
        Lang::Rust => unreachable!(),
    };
    let out = cmd
        .scrub_aws()
        .env("AWS_ACCESS_KEY_ID", "dummy")
        .env("AWS_SECRET_ACCESS_KEY", "dummy")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_DEFAULT_OUTPUT", "json")
        .env("AWS_CONFIG_FILE", dir.path().join("no-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-credentials"),
        )
        .stdin(Stdio::null())
        .output()
        .await
        .expect("the code runs");
    assert!(
        out.status.success(),
        "{lang:?} form failed ({}):\n{code}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{lang:?} form printed no JSON ({e}):\n{code}\nstdout:\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The one call of `api` a recording holds.
fn only_call(sent: &dynamo_explorer::code::Sent, api: &str) -> SentCall {
    assert_eq!(sent.counts, vec![(api.to_owned(), 1)], "{sent:?}");
    sent.main_call().expect("a call").clone()
}

/// The app's Query, Scan (Limit 2) and DeleteItem, each run again as `lang` code.
async fn printed_code_does_what_the_app_did(lang: Lang, engine: &Engine) {
    let client = local_client(&engine.url);
    let table = table_with_items(&client).await;

    // Query a, its items in key order.
    let (resp, sent) = recording(
        client
            .query()
            .table_name(&table)
            .key_condition_expression("#k = :v")
            .expression_attribute_names("#k", "pk")
            .expression_attribute_values(":v", s("a"))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send(),
    )
    .await;
    let resp = resp.expect("query");
    let app = Answer {
        items: items_json(resp.items()),
        last_key: None,
        capacity: resp
            .consumed_capacity()
            .and_then(|c| c.capacity_units())
            .expect("capacity"),
    };
    assert_eq!(app.items.len(), 5);
    assert!(app.capacity > 1.0, "capacity {}", app.capacity);
    let query = only_call(&sent, "Query");
    let printed = Answer::from_printed(&run(&query, lang, &engine.url).await);
    printed.assert_same_as(&app, &format!("{lang:?} Query on {}", engine.name));

    // Scan, 2 items a page: the first page, and where it stopped.
    let (resp, sent) = recording(
        client
            .scan()
            .table_name(&table)
            .limit(2)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send(),
    )
    .await;
    let resp = resp.expect("scan");
    let app = Answer {
        items: items_json(resp.items()),
        last_key: resp.last_evaluated_key().map(item_to_ddb_json),
        capacity: resp
            .consumed_capacity()
            .and_then(|c| c.capacity_units())
            .expect("capacity"),
    };
    assert_eq!(app.items.len(), 2);
    assert!(app.last_key.is_some());
    let scan = only_call(&sent, "Scan");
    assert_eq!(scan.body["Limit"], json!(2));
    let printed = Answer::from_printed(&run(&scan, lang, &engine.url).await);
    printed.assert_same_as(&app, &format!("{lang:?} Scan on {}", engine.name));

    // Delete a/2 (the large item), put it back, delete it again with the printed code.
    let get = || async {
        client
            .get_item()
            .table_name(&table)
            .key("pk", s("a"))
            .key("sk", n(2))
            .consistent_read(true)
            .send()
            .await
            .expect("get")
            .item
    };
    let before = get().await.expect("a/2 is there");
    let (resp, sent) = recording(
        client
            .delete_item()
            .table_name(&table)
            .key("pk", s("a"))
            .key("sk", n(2))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send(),
    )
    .await;
    let app_capacity = resp
        .expect("delete")
        .consumed_capacity()
        .and_then(|c| c.capacity_units())
        .expect("capacity");
    assert!(get().await.is_none(), "the app's delete deleted");
    let delete = only_call(&sent, "DeleteItem");
    client
        .put_item()
        .table_name(&table)
        .set_item(Some(before))
        .send()
        .await
        .expect("put back");
    assert!(get().await.is_some());
    let printed = run(&delete, lang, &engine.url).await;
    assert_eq!(
        printed["ConsumedCapacity"]["CapacityUnits"].as_f64(),
        Some(app_capacity),
        "{lang:?} DeleteItem on {}: {printed}",
        engine.name
    );
    assert!(
        get().await.is_none(),
        "{lang:?} DeleteItem on {}: the item is still there",
        engine.name
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_form_does_what_the_app_did() {
    if !tool_ready(Lang::Aws).await {
        return;
    }
    for engine in engines().await {
        printed_code_does_what_the_app_did(Lang::Aws, &engine).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_form_does_what_the_app_did() {
    if !tool_ready(Lang::Python).await {
        return;
    }
    for engine in engines().await {
        printed_code_does_what_the_app_did(Lang::Python, &engine).await;
    }
}

/// The interceptor on the app's client: the wire body of a Query, every attempt of a Scan
/// counted, nothing recorded outside `recording`, and two recordings at once kept apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recording_captures_the_wire_calls() {
    let engines = engines().await;
    let engine = &engines[0];
    let client = local_client(&engine.url);
    let table = table_with_items(&client).await;

    let query = |pk: &'static str| {
        client
            .query()
            .table_name(&table)
            .key_condition_expression("#k = :v AND sk >= :lo")
            .expression_attribute_names("#k", "pk")
            .expression_attribute_values(":v", s(pk))
            .expression_attribute_values(":lo", n(1))
            .limit(100)
            .send()
    };
    let ((a, b), (sent_a, sent_b)) = {
        let (ra, rb) = tokio::join!(recording(query("a")), recording(query("b")));
        ((ra.0, rb.0), (ra.1, rb.1))
    };
    assert_eq!(a.expect("query a").count(), 4);
    assert_eq!(b.expect("query b").count(), 2);
    for (sent, pk) in [(&sent_a, "a"), (&sent_b, "b")] {
        assert_eq!(sent.total(), 1, "{sent:?}");
        let call = sent.main_call().expect("the query");
        assert_eq!(call.api, "Query");
        assert_eq!(
            call.body,
            json!({
                "TableName": table,
                "KeyConditionExpression": "#k = :v AND sk >= :lo",
                "ExpressionAttributeNames": {"#k": "pk"},
                "ExpressionAttributeValues": {":v": {"S": pk}, ":lo": {"N": "1"}},
                "Limit": 100,
            })
        );
        assert_eq!(sent.summary(), "1 Query call");
    }

    // Outside a recording: nothing to record into, and the call works as ever.
    query("a").await.expect("query outside a recording");

    // Several APIs: a DescribeTable, then three scan pages (the first body kept).
    let (pages, sent) = recording(async {
        client
            .describe_table()
            .table_name(&table)
            .send()
            .await
            .expect("describe");
        let mut pages = 0;
        let mut start = None;
        loop {
            let page = client
                .scan()
                .table_name(&table)
                .limit(3)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            pages += 1;
            start = page.last_evaluated_key;
            if start.is_none() {
                break pages;
            }
        }
    })
    .await;
    assert!(pages >= 3, "{pages} pages");
    assert_eq!(
        sent.counts,
        vec![("DescribeTable".into(), 1), ("Scan".into(), pages)]
    );
    let main = sent.main_call().expect("the scan");
    assert_eq!(main.api, "Scan");
    assert_eq!(main.body, json!({"TableName": table, "Limit": 3}));
    assert_eq!(
        sent.summary(),
        format!(
            "first of {pages} Scan calls ({} calls in all: DescribeTable 1, Scan {pages})",
            pages + 1
        )
    );
}
