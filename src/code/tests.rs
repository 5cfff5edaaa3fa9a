//! The three forms of representative calls; `examples/call_code.rs` is the Rust form of
//! [`sample_calls`], so that building the examples compiles what [`render`] writes.

use serde_json::{Value, json};

use super::*;

fn call(api: &str, body: Value) -> SentCall {
    SentCall {
        api: api.to_owned(),
        body,
    }
}

fn local() -> Target {
    Target {
        endpoint: Some("http://127.0.0.1:8000".into()),
        region: "us-east-1".into(),
    }
}

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/call_code.rs");

/// The whole of `examples/call_code.rs`: the Rust form of each of [`sample_calls`] in a
/// function of its own.
fn example_file() -> String {
    let mut out = String::from(concat!(
        "//! The Rust form (`dynamo_explorer::code::render`, `Lang::Rust`) of representative\n",
        "//! DynamoDB calls (`code::sample_calls`), exactly as rendered: building the examples\n",
        "//! proves that it compiles, and tests/it/code.rs runs it against the embedded engine.\n",
        "//! Written by the unit test `code::tests::the_example_is_the_rendered_rust`; after a\n",
        "//! change to the form, rewrite it with `DX_BLESS=1 cargo test --lib code::`.\n",
        "\n",
        "fn main() {}\n",
        "\n",
        "#[allow(dead_code)]\n",
        "#[rustfmt::skip]\n",
        "pub mod calls {\n",
        "    use aws_sdk_dynamodb::Client;\n",
    ));
    for (name, call) in sample_calls() {
        out.push_str(&format!(
            "\n    pub async fn {name}(client: &Client) -> Result<(), Box<dyn std::error::Error>> {{\n"
        ));
        for line in render(&call, Lang::Rust, &local()).lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&format!("        {line}\n"));
            }
        }
        out.push_str("        Ok(())\n    }\n");
    }
    out.push_str("}\n");
    out
}

#[test]
fn the_example_is_the_rendered_rust() {
    let expected = example_file();
    if std::env::var("DX_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(EXAMPLE, &expected).expect("examples/call_code.rs written");
    }
    let actual = std::fs::read_to_string(EXAMPLE).unwrap_or_default();
    assert!(
        actual == expected,
        "examples/call_code.rs is not what the Rust form renders now; rewrite it with \
         `DX_BLESS=1 cargo test --lib code::` and check that it builds (`cargo build --examples`)"
    );
}

#[test]
fn names_split_as_botocore_does() {
    assert_eq!(kebab("KeyConditionExpression"), "key-condition-expression");
    assert_eq!(kebab("SSESpecification"), "sse-specification");
    assert_eq!(snake("BatchWriteItem"), "batch_write_item");
    assert_eq!(snake("TableName"), "table_name");
    assert_eq!(
        kebab("ReturnValuesOnConditionCheckFailure"),
        "return-values-on-condition-check-failure"
    );
}

#[test]
fn capacity_is_asked_for_where_the_api_takes_it() {
    let q = fields(&call("Query", json!({"TableName": "t"})));
    assert!(q.contains(&("ReturnConsumedCapacity".into(), json!("TOTAL"))));
    let kept = fields(&call(
        "Query",
        json!({"TableName": "t", "ReturnConsumedCapacity": "INDEXES"}),
    ));
    assert!(kept.contains(&("ReturnConsumedCapacity".into(), json!("INDEXES"))));
    let d = fields(&call("DescribeTable", json!({"TableName": "t"})));
    assert_eq!(d, vec![("TableName".into(), json!("t"))]);
}

#[test]
fn aws_query() {
    let (_, q) = &sample_calls()[0];
    assert_eq!(
        render(q, Lang::Aws, &local()),
        r##"aws dynamodb query \
    --table-name requests \
    --key-condition-expression '#k0 = :v0 AND #k1 > :v1' \
    --expression-attribute-names '{"#k0":"request_id","#k1":"seq"}' \
    --expression-attribute-values '{":v0":{"S":"req-1"},":v1":{"N":"3"}}' \
    --consistent-read \
    --no-scan-index-forward \
    --limit 100 \
    --exclusive-start-key '{"request_id":{"S":"req-1"},"seq":{"N":"42"}}' \
    --return-consumed-capacity TOTAL \
    --no-paginate \
    --endpoint-url http://127.0.0.1:8000 \
    --region us-east-1
"##
    );
}

#[test]
fn aws_quotes_and_binary_note() {
    let calls = sample_calls();
    let delete = render(&calls[3].1, Lang::Aws, &local());
    assert!(
        delete.contains(r#"--key '{"request_id":{"S":"it'\''s \"quoted\""},"seq":{"N":"7"}}'"#),
        "{delete}"
    );
    assert!(delete.contains("--return-values ALL_OLD \\\n"), "{delete}");
    assert!(!delete.contains("--no-paginate"), "{delete}");
    assert!(!delete.starts_with('#'), "{delete}");
    let put = render(&calls[4].1, Lang::Aws, &local());
    assert!(put.starts_with("# Binary values are base64"), "{put}");
    let describe = render(&calls[8].1, Lang::Aws, &aws_target());
    assert_eq!(
        describe,
        "aws dynamodb describe-table \\\n    --table-name requests \\\n    --region eu-west-1\n"
    );
}

#[test]
fn aws_falls_back_to_cli_input_json() {
    let odd = call("Query", json!({"TableName": "t", "odd-field": 1}));
    let out = render(&odd, Lang::Aws, &aws_target());
    assert_eq!(
        out,
        "aws dynamodb query \\\n    --cli-input-json '{\"ReturnConsumedCapacity\":\"TOTAL\",\"TableName\":\"t\",\"odd-field\":1}' \\\n    --no-paginate \\\n    --region eu-west-1\n"
    );
}

fn aws_target() -> Target {
    Target {
        endpoint: None,
        region: "eu-west-1".into(),
    }
}

#[test]
fn python_query() {
    let (_, q) = &sample_calls()[0];
    assert_eq!(
        render(q, Lang::Python, &local()),
        r##"import base64
import json

import boto3

client = boto3.client(
    "dynamodb",
    endpoint_url="http://127.0.0.1:8000",
    region_name="us-east-1",
    aws_access_key_id="dummy",
    aws_secret_access_key="dummy",
)
response = client.query(
    TableName="requests",
    KeyConditionExpression="#k0 = :v0 AND #k1 > :v1",
    ExpressionAttributeNames={"#k0": "request_id", "#k1": "seq"},
    ExpressionAttributeValues={":v0": {"S": "req-1"}, ":v1": {"N": "3"}},
    ConsistentRead=True,
    ScanIndexForward=False,
    Limit=100,
    ExclusiveStartKey={"request_id": {"S": "req-1"}, "seq": {"N": "42"}},
    ReturnConsumedCapacity="TOTAL",
)
response.pop("ResponseMetadata", None)
print(json.dumps(response, indent=2, default=lambda b: base64.b64encode(b).decode()))
"##
    );
}

#[test]
fn python_on_aws_has_no_credentials_and_binary_is_bytes() {
    let calls = sample_calls();
    let put = render(&calls[4].1, Lang::Python, &aws_target());
    assert!(
        put.contains(
            "client = boto3.client(\n    \"dynamodb\",\n    region_name=\"eu-west-1\",\n)"
        ),
        "{put}"
    );
    assert!(!put.contains("aws_access_key_id"), "{put}");
    assert!(
        put.contains(r#""blob": {"B": b"\x00\x01\x02\xff"}"#),
        "{put}"
    );
    assert!(
        put.contains(r#""chunks": {"BS": [b"\x01", b"\x02\x03"]}"#),
        "{put}"
    );
    assert!(put.contains(r#""gone": {"NULL": True}"#), "{put}");
    assert!(put.contains(r#""tags": {"SS": ["a", "b\\c"]}"#), "{put}");
}

#[test]
fn rust_query() {
    let (_, q) = &sample_calls()[0];
    assert_eq!(
        render(q, Lang::Rust, &local()),
        r##"use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

// `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
let resp = client
    .query()
    .table_name("requests")
    .key_condition_expression("#k0 = :v0 AND #k1 > :v1")
    .expression_attribute_names("#k0", "request_id")
    .expression_attribute_names("#k1", "seq")
    .expression_attribute_values(":v0", AttributeValue::S("req-1".into()))
    .expression_attribute_values(":v1", AttributeValue::N("3".into()))
    .consistent_read(true)
    .scan_index_forward(false)
    .limit(100)
    .exclusive_start_key("request_id", AttributeValue::S("req-1".into()))
    .exclusive_start_key("seq", AttributeValue::N("42".into()))
    .return_consumed_capacity(ReturnConsumedCapacity::Total)
    .send()
    .await?;
println!("{resp:#?}");
"##
    );
}

#[test]
fn rust_marks_what_it_cannot_type() {
    let legacy = call(
        "Query",
        json!({"TableName": "t", "KeyConditions": {"pk": {"ComparisonOperator": "EQ"}}}),
    );
    let out = render(&legacy, Lang::Rust, &aws_target());
    assert!(
        out.contains(r#"    // not rendered: KeyConditions = {"pk":{"ComparisonOperator":"EQ"}}"#),
        "{out}"
    );
    let unknown = render(
        &call("ReturnValues", json!({"ReturnValues": "NEW_ONE"})),
        Lang::Rust,
        &aws_target(),
    );
    assert!(
        unknown.contains(".return_values(ReturnValue::from(\"NEW_ONE\"))"),
        "{unknown}"
    );
}
