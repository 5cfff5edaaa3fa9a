//! The calls the app sends, captured and printed as code, then run: a Query, a Scan with a
//! Limit and a DeleteItem made by the app's own SDK client inside `code::recording`; their
//! `aws dynamodb` form run with `sh` and their boto3 form with `python3`, against the same
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
pub(crate) async fn tool_ready(lang: Lang) -> bool {
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
        // From a file, as pasted: `sh -c CODE` would pass a 150 KB command as one argument,
        // more than Linux allows one.
        Lang::Aws => {
            let script = dir.path().join("call.sh");
            std::fs::write(&script, &code).expect("script written");
            let mut cmd = tokio::process::Command::new("sh");
            cmd.arg(&script);
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
        // The aws form's `mktemp` (a long call's JSON) goes where the test cleans up.
        .env("TMPDIR", dir.path())
        .stdin(Stdio::null())
        .output()
        .await
        .expect("the code runs");
    // The code as the messages show it: a 150 KB one cut short.
    let shown: String = code.chars().take(2000).collect();
    assert!(
        out.status.success(),
        "{lang:?} form failed ({}):\n{shown}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{lang:?} form printed no JSON ({e}):\n{shown}\nstdout:\n{}",
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
            "first of {pages} Scan calls, one per page (1 MB or Limit) of each segment \
             ({} calls in all: DescribeTable 1, Scan {pages})",
            pages + 1
        )
    );
}

/// `examples/call_code.rs`, the Rust form of `code::sample_calls()`, compiled into this test
/// to be run.
#[allow(dead_code)]
#[path = "../../examples/call_code.rs"]
mod call_code;

/// A table of `keys` (name, type), hash key first, named `name` (the samples' own names: an
/// embedded engine of this test's own holds them).
async fn table(client: &Client, name: &str, keys: &[(&str, ScalarAttributeType)]) {
    let mut create = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest);
    for (i, (key, t)) in keys.iter().enumerate() {
        create = create
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(*key)
                    .attribute_type(t.clone())
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name(*key)
                    .key_type(if i == 0 {
                        KeyType::Hash
                    } else {
                        KeyType::Range
                    })
                    .build()
                    .unwrap(),
            );
    }
    create.send().await.expect("table created");
}

/// The Rust form, run: each sample's code sends exactly the sample (its wire body, plus the
/// `ReturnConsumedCapacity` the form asks for), and the engine answers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_form_sends_the_call_it_was_rendered_from() {
    use std::future::Future;
    use std::pin::Pin;

    type Run<'a> = Pin<Box<dyn Future<Output = Result<(), Box<dyn std::error::Error>>> + 'a>>;

    let engines = engines().await;
    let engine = &engines[0];
    assert_eq!(engine.name, "embedded");
    let client = local_client(&engine.url);
    table(
        &client,
        "requests",
        &[
            ("request_id", ScalarAttributeType::S),
            ("seq", ScalarAttributeType::N),
        ],
    )
    .await;
    table(&client, "other", &[("pk", ScalarAttributeType::S)]).await;

    let c = &client;
    let runs: Vec<(&str, Run)> = vec![
        ("query", Box::pin(call_code::calls::query(c))),
        ("scan", Box::pin(call_code::calls::scan(c))),
        ("get_item", Box::pin(call_code::calls::get_item(c))),
        ("delete_item", Box::pin(call_code::calls::delete_item(c))),
        ("put_item", Box::pin(call_code::calls::put_item(c))),
        (
            "batch_write_item",
            Box::pin(call_code::calls::batch_write_item(c)),
        ),
        (
            "batch_get_item",
            Box::pin(call_code::calls::batch_get_item(c)),
        ),
        (
            "execute_statement",
            Box::pin(call_code::calls::execute_statement(c)),
        ),
        (
            "describe_table",
            Box::pin(call_code::calls::describe_table(c)),
        ),
    ];
    let samples = dynamo_explorer::code::sample_calls();
    assert_eq!(
        runs.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        samples.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        "a run for each sample"
    );
    for ((name, run), (_, sample)) in runs.into_iter().zip(samples) {
        let (result, sent) = recording(run).await;
        match name {
            // Its condition (the item exists) fails on this table: the engine read the call.
            "delete_item" => {
                let err = result.expect_err("no such item");
                assert!(
                    format!("{err:?}").contains("ConditionalCheckFailed"),
                    "{name}: {err:?}"
                );
            }
            _ => result.unwrap_or_else(|e| panic!("{name}: {e:?}")),
        }
        let mut expected = sample.body.clone();
        if sample.api != "DescribeTable" && expected.get("ReturnConsumedCapacity").is_none() {
            expected["ReturnConsumedCapacity"] = json!("TOTAL");
        }
        let sent_call = only_call(&sent, &sample.api);
        assert_eq!(
            sent_call.body, expected,
            "{name}: the Rust form sent another call"
        );
    }

    // What the samples wrote is there: the PutItem's item, whole.
    let (_, put) = &dynamo_explorer::code::sample_calls()[4];
    let item = client
        .get_item()
        .table_name("requests")
        .key("request_id", s("req-2"))
        .key("seq", AttributeValue::N("-1.5e3".into()))
        .consistent_read(true)
        .send()
        .await
        .expect("get")
        .item
        .expect("the PutItem's item");
    assert_eq!(normal(&item_to_ddb_json(&item)), normal(&put.body["Item"]));
}

/// `v` with its sets sorted and numbers as the engine normalises them (`-1.5e3` -> `-1500`):
/// an item as written and as read back compare equal.
fn normal(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("N") => {
            let n: f64 = m["N"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("a number");
            json!({"N": n.to_string()})
        }
        Value::Object(m)
            if m.len() == 1
                && (m.contains_key("SS") || m.contains_key("NS") || m.contains_key("BS")) =>
        {
            let (k, l) = m.iter().next().unwrap();
            let mut l: Vec<Value> = l
                .as_array()
                .unwrap()
                .iter()
                .map(|x| match k.as_str() {
                    "NS" => Value::from(
                        x.as_str()
                            .and_then(|s| s.parse::<f64>().ok())
                            .unwrap()
                            .to_string(),
                    ),
                    _ => x.clone(),
                })
                .collect();
            l.sort_by_key(|x| x.to_string());
            json!({ k: l })
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), normal(v))).collect()),
        Value::Array(l) => Value::Array(l.iter().map(normal).collect()),
        other => other.clone(),
    }
}

/// The aws CLI here is v1: it base64-encodes the text of a binary value once more (v2 reads
/// it as base64, which the aws form writes).
async fn aws_cli_is_v1() -> bool {
    let out = tokio::process::Command::new("aws")
        .arg("--version")
        .output()
        .await
        .expect("aws runs");
    let version = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    version.trim_start().starts_with("aws-cli/1.")
}

/// `call` without the binary attributes of its items.
fn without_binary(mut call: SentCall) -> SentCall {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.retain(|_, v| {
                    v.as_object().is_none_or(|a| {
                        !(a.len() == 1 && (a.contains_key("B") || a.contains_key("BS")))
                    })
                });
                m.values_mut().for_each(strip);
            }
            Value::Array(l) => l.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut call.body);
    call
}

/// Reads `request_id`/`seq` of `requests`, strongly.
async fn get_request(client: &Client, id: &str, seq: &str) -> Option<Value> {
    client
        .get_item()
        .table_name("requests")
        .key("request_id", s(id))
        .key("seq", AttributeValue::N(seq.into()))
        .consistent_read(true)
        .send()
        .await
        .expect("get")
        .item
        .map(|item| item_to_ddb_json(&item))
}

/// The sample PutItem (every AttributeValue type, a string with quotes, a newline, `$HOME`,
/// backquotes and non-ASCII) and BatchWriteItem, and a BatchWriteItem of 150 KB, printed as
/// `lang` and run, write exactly their items; an ExecuteStatement with a parameter finds what
/// the app's finds.
async fn printed_writes_write_their_items(lang: Lang) {
    let engines = engines().await;
    let engine = &engines[0];
    let client = local_client(&engine.url);
    let request_keys = [
        ("request_id", ScalarAttributeType::S),
        ("seq", ScalarAttributeType::N),
    ];
    table(&client, "requests", &request_keys).await;
    table(&client, "other", &[("pk", ScalarAttributeType::S)]).await;
    let samples = dynamo_explorer::code::sample_calls();
    let sample = |name: &str| samples.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let v1 = lang == Lang::Aws && aws_cli_is_v1().await;
    let as_run = |call: SentCall| if v1 { without_binary(call) } else { call };

    let put = as_run(sample("put_item"));
    let out = run(&put, lang, &engine.url).await;
    assert!(
        out["ConsumedCapacity"]["CapacityUnits"].as_f64() > Some(0.0),
        "{out}"
    );
    let item = get_request(&client, "req-2", "-1500").await.expect("put");
    assert_eq!(normal(&item), normal(&put.body["Item"]), "{lang:?} PutItem");

    let batch = as_run(sample("batch_write_item"));
    let out = run(&batch, lang, &engine.url).await;
    assert_eq!(out["UnprocessedItems"], json!({}), "{out}");
    for (seq, request) in [("0", 0), ("1", 1)] {
        let written = &batch.body["RequestItems"]["requests"][request]["PutRequest"]["Item"];
        let item = get_request(&client, "req-3", seq).await.expect("batch put");
        assert_eq!(normal(&item), normal(written), "{lang:?} BatchWriteItem");
    }

    // 25 puts of 6 KB: 150 KB of JSON, more than one argument of a command may be.
    let puts: Vec<Value> = (0..25)
        .map(|i| {
            json!({"PutRequest": {"Item": {
                "request_id": {"S": "big"},
                "seq": {"N": i.to_string()},
                "text": {"S": format!("{i} {}", "y".repeat(6000))},
            }}})
        })
        .collect();
    let big = SentCall {
        api: "BatchWriteItem".into(),
        body: json!({"RequestItems": {"requests": puts}}),
    };
    assert!(big.body.to_string().len() > 140_000);
    let out = run(&big, lang, &engine.url).await;
    assert_eq!(
        out["UnprocessedItems"],
        json!({}),
        "{lang:?} large BatchWriteItem"
    );
    for i in 0..25 {
        let item = get_request(&client, "big", &i.to_string()).await;
        let text = item
            .as_ref()
            .map(|item| item["text"]["S"].as_str().unwrap_or("").len());
        assert_eq!(text, Some(6002 + usize::from(i >= 10)), "{lang:?} big/{i}");
    }

    let statement = SentCall {
        api: "ExecuteStatement".into(),
        body: json!({
            "Statement": "SELECT * FROM \"requests\" WHERE request_id = ?",
            "Parameters": [{"S": "req-3"}],
        }),
    };
    let app = client
        .execute_statement()
        .statement("SELECT * FROM \"requests\" WHERE request_id = ?")
        .parameters(s("req-3"))
        .send()
        .await
        .expect("the app's statement");
    let out = run(&statement, lang, &engine.url).await;
    assert_eq!(app.items().len(), 2);
    assert_eq!(
        out["Items"],
        Value::Array(items_json(app.items())),
        "{lang:?} ExecuteStatement"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_form_writes_its_items() {
    if tool_ready(Lang::Aws).await {
        printed_writes_write_their_items(Lang::Aws).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_form_writes_its_items() {
    if tool_ready(Lang::Python).await {
        printed_writes_write_their_items(Lang::Python).await;
    }
}

/// The store's own operations recorded: a write of 60 records is BatchWriteItem calls of 25
/// (the first body kept, 25 puts, every call counted, as many as the store's report counts), a query of one request one Query of
/// its table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recording_captures_the_stores_operations() {
    use dynamo_explorer::request::generate::build_records;

    let engines = engines().await;
    let store = crate::common::fresh_store(&engines[0], "code_store").await;
    let mut rng = fastrand::Rng::with_seed(7);
    let (ids, records) = build_records(&[40, 20], 200, &mut rng);

    let (report, sent) = recording(crate::common::embedded::write_all(&store, records)).await;
    assert_eq!(report.items, 60, "{report:?}");
    let main = sent.main_call().expect("a write");
    assert_eq!(main.api, "BatchWriteItem");
    let puts = main.body["RequestItems"][store.table()]
        .as_array()
        .expect("puts of the table");
    assert_eq!(puts.len(), 25);
    assert!(puts.iter().all(|p| p["PutRequest"]["Item"].is_object()));
    let batches = sent.count("BatchWriteItem");
    assert!(batches >= 3, "{sent:?}");
    // Every call the store counted went past the interceptor, and no other.
    assert_eq!(sent.total(), report.calls, "{sent:?} {report:?}");
    assert_eq!(sent.first.len(), sent.counts.len(), "one body per API");
    assert!(
        sent.summary()
            .starts_with(&format!("first of {batches} BatchWriteItem calls")),
        "{}",
        sent.summary()
    );

    let (out, sent) = recording(crate::common::query_pages(&store, &ids[0], true)).await;
    assert_eq!(out.records.len(), 40);
    let main = sent.main_call().expect("a query");
    assert_eq!(main.api, "Query");
    assert_eq!(main.body["TableName"], json!(store.table()));
    assert_eq!(main.body["ConsistentRead"], json!(true));
    assert!(
        main.body["KeyConditionExpression"].is_string(),
        "{}",
        main.body
    );
}
