//! The Rust form: the call on aws-sdk-dynamodb's fluent builder, for a `client` in scope,
//! with the `use` lines it needs. The fields of Query, Scan, GetItem, PutItem, UpdateItem,
//! DeleteItem, BatchWriteItem, BatchGetItem and ExecuteStatement map to setters of the right
//! types (`examples/call_code.rs` proves it compiles); another API's string, number and bool
//! fields become setters named after them, and what the form cannot type (the legacy
//! `KeyConditions`, `Expected`, ..., transactions) a `// not rendered` comment.

use std::collections::BTreeSet;

use aws_smithy_types::base64;
use serde_json::{Map, Value};

use super::layout::Doc;
use super::{Fields, Target, rank, snake};

pub(super) fn render(api: &str, fields: &Fields, target: &Target) -> String {
    let mut r = Renderer::default();
    let mut calls = vec![Doc::text(format!(".{}()", snake(api)))];
    for (name, value) in fields {
        calls.extend(r.setter(api, name, value));
    }
    calls.push(Doc::text(".send()"));
    calls.push(Doc::text(".await?;"));
    let chain = Doc::Chain {
        head: "let resp = client".into(),
        calls,
    };

    let mut out = String::new();
    for line in r.use_lines() {
        out.push_str(&line);
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let region = rust_string(&target.region);
    out.push_str(&match &target.endpoint {
        Some(url) => format!(
            "// `client`: an aws_sdk_dynamodb::Client with .endpoint_url({}) and region {region}\n",
            rust_string(url)
        ),
        None => format!("// `client`: an aws_sdk_dynamodb::Client for region {region}\n"),
    });
    out.push_str(&chain.broken(0));
    out.push_str("\nprintln!(\"{resp:#?}\");\n");
    out
}

/// Enum fields: their type, and the values the SDK has a variant for.
const ENUMS: [(&str, &str, &[&str]); 6] = [
    (
        "ReturnConsumedCapacity",
        "ReturnConsumedCapacity",
        &["INDEXES", "NONE", "TOTAL"],
    ),
    (
        "Select",
        "Select",
        &[
            "ALL_ATTRIBUTES",
            "ALL_PROJECTED_ATTRIBUTES",
            "COUNT",
            "SPECIFIC_ATTRIBUTES",
        ],
    ),
    (
        "ReturnValues",
        "ReturnValue",
        &["ALL_NEW", "ALL_OLD", "NONE", "UPDATED_NEW", "UPDATED_OLD"],
    ),
    (
        "ReturnItemCollectionMetrics",
        "ReturnItemCollectionMetrics",
        &["NONE", "SIZE"],
    ),
    ("ConditionalOperator", "ConditionalOperator", &["AND", "OR"]),
    (
        "ReturnValuesOnConditionCheckFailure",
        "ReturnValuesOnConditionCheckFailure",
        &["ALL_OLD", "NONE"],
    ),
];

/// Maps of AttributeValues, set an entry at a time: `.key("pk", AttributeValue::S(..))`.
const VALUE_MAPS: [&str; 4] = [
    "Key",
    "Item",
    "ExclusiveStartKey",
    "ExpressionAttributeValues",
];

/// Integer fields (`i32` in the SDK).
const INTEGERS: [&str; 3] = ["Limit", "Segment", "TotalSegments"];

/// Types with a builder whose `build()` checks required fields (returns a `Result`).
const CHECKED_BUILDERS: [&str; 3] = ["PutRequest", "DeleteRequest", "KeysAndAttributes"];

#[derive(Default)]
struct Renderer {
    /// Names from `aws_sdk_dynamodb::types`.
    types: BTreeSet<&'static str>,
    blob: bool,
    hash_map: bool,
}

impl Renderer {
    fn use_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.hash_map {
            lines.push("use std::collections::HashMap;".to_owned());
            lines.push(String::new());
        }
        if self.blob {
            lines.push("use aws_sdk_dynamodb::primitives::Blob;".to_owned());
        }
        let types: Vec<&str> = self.types.iter().copied().collect();
        match types.as_slice() {
            [] => {}
            [one] => lines.push(format!("use aws_sdk_dynamodb::types::{one};")),
            many => lines.push(format!(
                "use aws_sdk_dynamodb::types::{{{}}};",
                many.join(", ")
            )),
        }
        if lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    }

    /// The setter calls of field `name` of `owner` (an API or a nested type).
    fn setter(&mut self, owner: &str, name: &str, value: &Value) -> Vec<Doc> {
        let set = snake(name);
        let one = |doc: Doc| vec![doc.wrap(&format!(".{set}("), ")")];
        if let Some((_, ty, variants)) = ENUMS.iter().find(|(field, ..)| *field == name)
            && let Value::String(s) = value
        {
            self.types.insert(ty);
            return one(Doc::text(if variants.contains(&s.as_str()) {
                format!("{ty}::{}", variant(s))
            } else {
                format!("{ty}::from({})", rust_string(s))
            }));
        }
        match (name, value) {
            (_, Value::Object(m)) if VALUE_MAPS.contains(&name) => m
                .iter()
                .map(|(k, v)| {
                    self.value(v)
                        .wrap(&format!(".{set}({}, ", rust_string(k)), ")")
                })
                .collect(),
            ("ExpressionAttributeNames", Value::Object(m)) if m.values().all(Value::is_string) => m
                .iter()
                .map(|(k, v)| {
                    Doc::text(format!(
                        ".{set}({}, {})",
                        rust_string(k),
                        rust_string(v.as_str().unwrap_or_default())
                    ))
                })
                .collect(),
            ("AttributesToGet", Value::Array(l)) if l.iter().all(Value::is_string) => l
                .iter()
                .map(|v| Doc::text(format!(".{set}({})", rust_string(v.as_str().unwrap_or("")))))
                .collect(),
            ("Parameters", Value::Array(l)) => l
                .iter()
                .map(|v| self.value(v).wrap(&format!(".{set}("), ")"))
                .collect(),
            ("Keys", Value::Array(l)) if l.iter().all(Value::is_object) => l
                .iter()
                .map(|key| self.value_map(key).wrap(&format!(".{set}("), ")"))
                .collect(),
            ("RequestItems", Value::Object(m)) if owner == "BatchWriteItem" => m
                .iter()
                .map(|(table, requests)| {
                    let requests = requests.as_array().map(Vec::as_slice).unwrap_or_default();
                    let items = requests
                        .iter()
                        .map(|r| self.builder("WriteRequest", r))
                        .collect();
                    Doc::group("vec![", items, "]")
                        .wrap(&format!(".{set}({}, ", rust_string(table)), ")")
                })
                .collect(),
            ("RequestItems", Value::Object(m)) if owner == "BatchGetItem" => m
                .iter()
                .map(|(table, keys)| {
                    self.builder("KeysAndAttributes", keys)
                        .wrap(&format!(".{set}({}, ", rust_string(table)), ")")
                })
                .collect(),
            ("PutRequest", Value::Object(_)) => one(self.builder("PutRequest", value)),
            ("DeleteRequest", Value::Object(_)) => one(self.builder("DeleteRequest", value)),
            (_, Value::String(s)) => one(Doc::text(rust_string(s))),
            (_, Value::Bool(b)) => one(Doc::text(b.to_string())),
            (_, Value::Number(n)) if INTEGERS.contains(&name) || n.is_i64() => {
                one(Doc::text(n.to_string()))
            }
            _ => vec![Doc::text(format!("// not rendered: {name} = {value}"))],
        }
    }

    /// `Type::builder().field(..)...build()`, `?` after the builds that check.
    fn builder(&mut self, ty: &'static str, fields: &Value) -> Doc {
        self.types.insert(ty);
        let empty = Map::new();
        let fields = fields.as_object().unwrap_or(&empty);
        let mut calls = Vec::new();
        // In reading order, borrowed (an item of a batch can be 400 KB).
        let mut fields: Vec<(&String, &Value)> = fields.iter().collect();
        fields.sort_by_key(|(k, _)| rank(k));
        for (name, value) in fields {
            calls.extend(self.setter(ty, name, value));
        }
        calls.push(Doc::text(if CHECKED_BUILDERS.contains(&ty) {
            ".build()?"
        } else {
            ".build()"
        }));
        Doc::Chain {
            head: format!("{ty}::builder()"),
            calls,
        }
    }

    /// A `HashMap<String, AttributeValue>`.
    fn value_map(&mut self, m: &Value) -> Doc {
        self.hash_map = true;
        let entries: Vec<Doc> = m
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                self.value(v)
                    .wrap(&format!("({}.to_owned(), ", rust_string(k)), ")")
            })
            .collect();
        if entries.is_empty() {
            Doc::text("HashMap::new()")
        } else {
            Doc::group("HashMap::from([", entries, "])")
        }
    }

    /// An `AttributeValue`.
    fn value(&mut self, v: &Value) -> Doc {
        self.types.insert("AttributeValue");
        let Some((tag, inner)) = v
            .as_object()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.iter().next())
        else {
            return Doc::text(format!("/* not an AttributeValue: {v} */"));
        };
        let strings = |l: &Value| -> Vec<Doc> {
            l.as_array()
                .into_iter()
                .flatten()
                .map(|s| Doc::text(format!("{}.into()", rust_string(s.as_str().unwrap_or("")))))
                .collect()
        };
        match (tag.as_str(), inner) {
            ("S", Value::String(s)) => {
                Doc::text(format!("AttributeValue::S({}.into())", rust_string(s)))
            }
            ("N", Value::String(s)) => {
                Doc::text(format!("AttributeValue::N({}.into())", rust_string(s)))
            }
            ("B", Value::String(s)) => Doc::text(format!("AttributeValue::B({})", self.blob(s))),
            ("SS", l) => Doc::group("AttributeValue::Ss(vec![", strings(l), "])"),
            ("NS", l) => Doc::group("AttributeValue::Ns(vec![", strings(l), "])"),
            ("BS", Value::Array(l)) => {
                let items = l
                    .iter()
                    .map(|b| Doc::text(self.blob(b.as_str().unwrap_or(""))))
                    .collect();
                Doc::group("AttributeValue::Bs(vec![", items, "])")
            }
            ("BOOL", Value::Bool(b)) => Doc::text(format!("AttributeValue::Bool({b})")),
            ("NULL", Value::Bool(b)) => Doc::text(format!("AttributeValue::Null({b})")),
            ("M", m @ Value::Object(_)) => self.value_map(m).wrap("AttributeValue::M(", ")"),
            ("L", Value::Array(l)) => {
                let items = l.iter().map(|v| self.value(v)).collect();
                Doc::group("AttributeValue::L(vec![", items, "])")
            }
            _ => Doc::text(format!("/* not an AttributeValue: {v} */")),
        }
    }

    /// `Blob::new(vec![1, 2])` of base64 `b64`.
    fn blob(&mut self, b64: &str) -> String {
        self.blob = true;
        let bytes = base64::decode(b64).unwrap_or_else(|_| b64.as_bytes().to_vec());
        let bytes: Vec<String> = bytes.iter().map(u8::to_string).collect();
        format!("Blob::new(vec![{}])", bytes.join(", "))
    }
}

/// `ALL_OLD` -> `AllOld`, the SDK's name of the variant.
fn variant(value: &str) -> String {
    value
        .split('_')
        .map(|w| {
            let mut cs = w.chars();
            cs.next().map_or(String::new(), |c| {
                c.to_uppercase()
                    .chain(cs.flat_map(char::to_lowercase))
                    .collect()
            })
        })
        .collect()
}

/// A Rust string literal (Debug escapes quotes, backslashes and control characters the way
/// Rust source reads them).
fn rust_string(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_variants() {
        assert_eq!(variant("ALL_OLD"), "AllOld");
        assert_eq!(variant("TOTAL"), "Total");
        assert_eq!(
            variant("ALL_PROJECTED_ATTRIBUTES"),
            "AllProjectedAttributes"
        );
    }

    #[test]
    fn string_literals() {
        assert_eq!(rust_string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
    }
}
