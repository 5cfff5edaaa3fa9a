//! The DynamoDB calls the app sends, as code a teammate can paste: [`capture`] records them
//! off the wire, [`render`] writes one as an `aws dynamodb` command ([`Lang::Aws`]), a boto3
//! script ([`Lang::Python`]) or a Rust snippet on aws-sdk-dynamodb's fluent builders
//! ([`Lang::Rust`]).
//!
//! Every form asks for the consumed capacity (`ReturnConsumedCapacity` TOTAL, when the API
//! takes it and the call did not say), so that what it prints can be held against what the
//! app reported.

mod aws;
pub(crate) use aws::quote as shell_word;
pub mod capture;
mod layout;
mod python;
mod rust;
mod samples;
pub mod transcript;

use serde_json::{Map, Value};

pub use self::capture::{CallRecorder, Sent, SentCall, in_current_recording, recording};
#[doc(hidden)]
pub use self::samples::sample_calls;

/// The forms a call is rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// `aws dynamodb <api> --flag value ...` (AWS CLI).
    Aws,
    /// A boto3 script.
    Python,
    /// aws-sdk-dynamodb's fluent builder.
    Rust,
}

impl Lang {
    /// How the form is named to a person: `an aws CLI command`, `boto3 Python`, `Rust
    /// (aws-sdk-dynamodb)`.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Aws => "an aws CLI command",
            Lang::Python => "boto3 Python",
            Lang::Rust => "Rust (aws-sdk-dynamodb)",
        }
    }

    /// The form after this one, round: aws CLI, boto3, Rust.
    pub fn next(self) -> Lang {
        match self {
            Lang::Aws => Lang::Python,
            Lang::Python => Lang::Rust,
            Lang::Rust => Lang::Aws,
        }
    }
}

/// Where the rendered code sends its call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The endpoint URL of a local engine; `None` for AWS itself.
    pub endpoint: Option<String>,
    /// The region.
    pub region: String,
}

/// `call` as `lang` code for `target`.
pub fn render(call: &SentCall, lang: Lang, target: &Target) -> String {
    let fields = fields(call);
    match lang {
        Lang::Aws => aws::render(&call.api, &fields, target),
        Lang::Python => python::render(&call.api, &fields, target),
        Lang::Rust => rust::render(&call.api, &fields, target),
    }
}

/// The APIs that take `ReturnConsumedCapacity`.
const CAPACITY_APIS: [&str; 13] = [
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactGetItems",
    "TransactWriteItems",
    "ExecuteStatement",
    "BatchExecuteStatement",
    "ExecuteTransaction",
];

/// A request's fields, in the order they are written.
type Fields = Vec<(String, Value)>;

/// The call's top-level fields, `ReturnConsumedCapacity: TOTAL` added where the API takes it
/// and the call had none. (A body that is not a JSON object has no fields.)
fn fields(call: &SentCall) -> Fields {
    // One copy of the body (it can be megabytes), moved into the fields.
    let mut body = match &call.body {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    if CAPACITY_APIS.contains(&call.api.as_str()) && !body.contains_key("ReturnConsumedCapacity") {
        body.insert("ReturnConsumedCapacity".into(), Value::from("TOTAL"));
    }
    ordered(body)
}

/// Fields in reading order: what is read, how, then the rest (serde_json's maps are sorted by
/// name, not in the order of the wire).
const ORDER: [&str; 22] = [
    "TableName",
    "IndexName",
    "Statement",
    "RequestItems",
    "Keys",
    "Key",
    "Item",
    "KeyConditionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "Parameters",
    "Select",
    "ConsistentRead",
    "ScanIndexForward",
    "Segment",
    "TotalSegments",
    "Limit",
    "ExclusiveStartKey",
];

/// `map`'s entries: the [`ORDER`] ones first, then the others by name, the `Return...` options
/// last.
fn ordered(map: Map<String, Value>) -> Fields {
    let mut fields: Fields = map.into_iter().collect();
    // Stable: equal ranks stay in name order.
    fields.sort_by_key(|(k, _)| rank(k));
    fields
}

/// Where a field goes in reading order ([`ordered`]).
fn rank(name: &str) -> (u8, usize) {
    match ORDER.iter().position(|o| *o == name) {
        Some(i) => (0, i),
        None if name.starts_with("Return") => (2, 0),
        None => (1, 0),
    }
}

/// The words of a PascalCase name, lower case, split as botocore's `xform_name` does:
/// `KeyConditionExpression` -> key, condition, expression; `SSESpecification` -> sse,
/// specification.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let starts_word = c.is_uppercase()
            && i > 0
            && (!chars[i - 1].is_uppercase()
                || chars.get(i + 1).is_some_and(|next| next.is_lowercase()));
        if starts_word && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `KeyConditionExpression` -> `key-condition-expression`.
fn kebab(name: &str) -> String {
    words(name).join("-")
}

/// `KeyConditionExpression` -> `key_condition_expression`.
fn snake(name: &str) -> String {
    words(name).join("_")
}

/// A top-level field name the CLI and SDKs derive a flag or parameter from.
fn is_pascal(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Does the value hold a binary AttributeValue (`B` or `BS`) anywhere?
fn has_binary(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            let binary = m.get("B").is_some_and(Value::is_string)
                || m.get("BS").is_some_and(Value::is_array);
            (m.len() == 1 && binary) || m.values().any(has_binary)
        }
        Value::Array(l) => l.iter().any(has_binary),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
