//! The boto3 form: a whole script that makes the call with the low-level client and prints
//! the response (less `ResponseMetadata`) as JSON.
//!
//! boto3's low-level client takes the wire shapes as they are (`{"S": "x"}`), except binary
//! values, which it wants as bytes (it encodes them): `{"B": "AQI="}` becomes `{"B": b"\x01\x02"}`.

use aws_smithy_types::base64;
use serde_json::Value;

use super::layout::Doc;
use super::{Fields, Target, snake};

pub(super) fn render(api: &str, fields: &Fields, target: &Target) -> String {
    let mut out = String::from("import base64\nimport json\n\nimport boto3\n\n");
    let mut client_args = vec![Doc::text("\"dynamodb\"")];
    if let Some(url) = &target.endpoint {
        client_args.push(Doc::text(format!("endpoint_url={}", string(url))));
    }
    client_args.push(Doc::text(format!("region_name={}", string(&target.region))));
    if target.endpoint.is_some() {
        // A local engine takes any credentials; these keep boto3 from looking for real ones.
        client_args.push(Doc::text("aws_access_key_id=\"dummy\""));
        client_args.push(Doc::text("aws_secret_access_key=\"dummy\""));
    }
    let client = Doc::group("client = boto3.client(", client_args, ")");
    out.push_str(&client.broken(0));
    out.push('\n');

    let args = fields
        .iter()
        .map(|(name, value)| literal(value).wrap(&format!("{name}="), ""))
        .collect();
    let call = Doc::group(format!("response = client.{}(", snake(api)), args, ")");
    out.push_str(&call.pretty(0));
    out.push_str(concat!(
        "\nresponse.pop(\"ResponseMetadata\", None)\n",
        "print(json.dumps(response, indent=2, default=lambda b: base64.b64encode(b).decode()))\n",
    ));
    out
}

/// A Python literal of a JSON value (binary AttributeValues as bytes).
fn literal(v: &Value) -> Doc {
    match v {
        Value::Null => Doc::text("None"),
        Value::Bool(true) => Doc::text("True"),
        Value::Bool(false) => Doc::text("False"),
        Value::Number(n) => Doc::text(n.to_string()),
        Value::String(s) => Doc::text(string(s)),
        Value::Array(l) => Doc::group("[", l.iter().map(literal).collect(), "]"),
        Value::Object(m) => {
            if m.len() == 1 {
                match m.iter().next() {
                    Some((k, Value::String(b))) if k == "B" => {
                        return Doc::text(format!("{{\"B\": {}}}", bytes_or_text(b)));
                    }
                    Some((k, Value::Array(l))) if k == "BS" && l.iter().all(Value::is_string) => {
                        let items = l
                            .iter()
                            .filter_map(Value::as_str)
                            .map(|b| Doc::text(bytes_or_text(b)))
                            .collect();
                        return Doc::group("{\"BS\": [", items, "]}");
                    }
                    _ => {}
                }
            }
            let items = m
                .iter()
                .map(|(k, v)| literal(v).wrap(&format!("{}: ", string(k)), ""))
                .collect();
            Doc::group("{", items, "}")
        }
    }
}

/// A Python string literal. JSON's escapes (`\"`, `\\`, `\n`, `\u001f`) are Python's too, and
/// Python 3 source is UTF-8.
fn string(s: &str) -> String {
    Value::from(s).to_string()
}

/// The bytes of base64 `b64` as a `b"..."` literal (the text itself if it is not base64).
fn bytes_or_text(b64: &str) -> String {
    let Ok(bytes) = base64::decode(b64) else {
        return string(b64);
    };
    let mut s = String::from("b\"");
    for b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literals() {
        let v = json!({"a": [true, false, null, 1.5, "x\"y\\z\n"], "b": {"B": "AQJB"}, "c": {"BS": ["Ig=="]}});
        assert_eq!(
            literal(&v).flat(),
            r#"{"a": [True, False, None, 1.5, "x\"y\\z\n"], "b": {"B": b"\x01\x02A"}, "c": {"BS": [b"\""]}}"#
        );
    }
}
