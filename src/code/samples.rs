//! Representative calls, as the wire has them.

use serde_json::{Value, json};

use super::SentCall;

fn call(api: &str, body: Value) -> SentCall {
    SentCall {
        api: api.to_owned(),
        body,
    }
}

/// One call of each API the Rust form types, each kind of field in at least one, each
/// AttributeValue type: what `examples/call_code.rs` holds the Rust form of, and what the
/// integration tests run that form of.
pub fn sample_calls() -> Vec<(&'static str, SentCall)> {
    vec![
        (
            "query",
            call(
                "Query",
                json!({
                    "TableName": "requests",
                    "KeyConditionExpression": "#k0 = :v0 AND #k1 > :v1",
                    "ExpressionAttributeNames": {"#k0": "request_id", "#k1": "seq"},
                    "ExpressionAttributeValues": {":v0": {"S": "req-1"}, ":v1": {"N": "3"}},
                    "Limit": 100,
                    "ExclusiveStartKey": {"request_id": {"S": "req-1"}, "seq": {"N": "42"}},
                    "ScanIndexForward": false,
                    "ConsistentRead": true,
                }),
            ),
        ),
        (
            "scan",
            call(
                "Scan",
                json!({
                    "TableName": "requests",
                    "Segment": 1,
                    "TotalSegments": 4,
                    "Limit": 1000,
                    "FilterExpression": "attribute_exists(#s)",
                    "ProjectionExpression": "request_id, #s",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "Select": "SPECIFIC_ATTRIBUTES",
                    "ReturnConsumedCapacity": "INDEXES",
                }),
            ),
        ),
        (
            "get_item",
            call(
                "GetItem",
                json!({
                    "TableName": "requests",
                    "Key": {"request_id": {"S": "req-1"}, "seq": {"N": "0"}},
                    "ProjectionExpression": "#p",
                    "ExpressionAttributeNames": {"#p": "payload"},
                    "ConsistentRead": true,
                }),
            ),
        ),
        (
            "delete_item",
            call(
                "DeleteItem",
                json!({
                    "TableName": "requests",
                    "Key": {"request_id": {"S": "it's \"quoted\""}, "seq": {"N": "7"}},
                    "ConditionExpression": "attribute_exists(request_id)",
                    "ReturnValues": "ALL_OLD",
                }),
            ),
        ),
        (
            "put_item",
            call(
                "PutItem",
                json!({
                    "TableName": "requests",
                    "Item": {
                        "request_id": {"S": "req-2"},
                        "seq": {"N": "-1.5e3"},
                        "blob": {"B": "AAEC/w=="},
                        "tags": {"SS": ["a", "b\\c"]},
                        "sizes": {"NS": ["1", "2.5"]},
                        "chunks": {"BS": ["AQ==", "AgM="]},
                        "done": {"BOOL": true},
                        "gone": {"NULL": true},
                        "text": {"S": "line 1\nline 2 \u{e9} \u{1f600} $HOME `x`"},
                        "meta": {"M": {
                            "nested": {"M": {"deep": {"L": [{"N": "1"}, {"S": "two"}]}}},
                            "empty": {"M": {}},
                            "flag": {"BOOL": false},
                        }},
                        "list": {"L": [{"S": "x"}, {"NULL": true}, {"L": []}]},
                    },
                    "ReturnItemCollectionMetrics": "SIZE",
                }),
            ),
        ),
        (
            "batch_write_item",
            call(
                "BatchWriteItem",
                json!({
                    "RequestItems": {
                        "requests": [
                            {"PutRequest": {"Item": {"request_id": {"S": "req-3"}, "seq": {"N": "0"}}}},
                            {"PutRequest": {"Item": {"request_id": {"S": "req-3"}, "seq": {"N": "1"}, "b": {"B": "AQ=="}}}},
                            {"DeleteRequest": {"Key": {"request_id": {"S": "req-1"}, "seq": {"N": "0"}}}},
                        ],
                        "other": [
                            {"DeleteRequest": {"Key": {"pk": {"S": "x"}}}},
                        ],
                    },
                }),
            ),
        ),
        (
            "batch_get_item",
            call(
                "BatchGetItem",
                json!({
                    "RequestItems": {
                        "requests": {
                            "Keys": [
                                {"request_id": {"S": "req-1"}, "seq": {"N": "0"}},
                                {"request_id": {"S": "req-1"}, "seq": {"N": "1"}},
                            ],
                            "ProjectionExpression": "#p",
                            "ExpressionAttributeNames": {"#p": "payload"},
                            "ConsistentRead": true,
                        },
                    },
                }),
            ),
        ),
        (
            "execute_statement",
            call(
                "ExecuteStatement",
                json!({
                    "Statement": "SELECT * FROM \"requests\" WHERE request_id = ? AND seq >= ?",
                    "Parameters": [{"S": "req-1"}, {"N": "2"}],
                    "Limit": 10,
                    "ConsistentRead": false,
                }),
            ),
        ),
        (
            "describe_table",
            call("DescribeTable", json!({"TableName": "requests"})),
        ),
    ]
}
