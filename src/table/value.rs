//! Attribute values in and out as text: DynamoDB JSON (`{"N": "5"}`, every type exact),
//! plain JSON for reading (numbers written with all their digits, never through f64), and
//! values typed on the command line for a key of a known type.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_types::base64;
use serde_json::{Map, Value};

/// An item.
pub type Item = HashMap<String, AttributeValue>;

/// DynamoDB's nesting limit for maps and lists.
pub const MAX_DEPTH: usize = 32;

/// The DynamoDB JSON of a value: `{"S": "x"}`, `{"N": "12.5"}`, `{"B": "base64"}`, sets as
/// lists, `{"M": {...}}`, `{"L": [...]}`, `{"NULL": true}`, `{"BOOL": false}`.
pub fn to_ddb_json(v: &AttributeValue) -> Value {
    let one = |k: &str, v: Value| Value::Object(Map::from_iter([(k.to_owned(), v)]));
    match v {
        AttributeValue::S(s) => one("S", Value::String(s.clone())),
        AttributeValue::N(n) => one("N", Value::String(n.clone())),
        AttributeValue::B(b) => one("B", Value::String(base64::encode(b.as_ref()))),
        AttributeValue::Ss(l) => one("SS", l.iter().cloned().map(Value::String).collect()),
        AttributeValue::Ns(l) => one("NS", l.iter().cloned().map(Value::String).collect()),
        AttributeValue::Bs(l) => one(
            "BS",
            l.iter()
                .map(|b| Value::String(base64::encode(b.as_ref())))
                .collect(),
        ),
        AttributeValue::M(m) => one("M", item_to_ddb_json(m)),
        AttributeValue::L(l) => one("L", l.iter().map(to_ddb_json).collect()),
        AttributeValue::Null(b) => one("NULL", Value::Bool(*b)),
        AttributeValue::Bool(b) => one("BOOL", Value::Bool(*b)),
        _ => one("NULL", Value::Bool(true)),
    }
}

/// An item as DynamoDB JSON, attributes in name order.
pub fn item_to_ddb_json(item: &Item) -> Value {
    pairs_to_ddb_json(&sorted_pairs(item))
}

/// An item's attributes as (name, value) pairs in name order.
fn sorted_pairs(item: &Item) -> Vec<(&str, &AttributeValue)> {
    let mut pairs: Vec<(&str, &AttributeValue)> =
        item.iter().map(|(k, v)| (k.as_str(), v)).collect();
    pairs.sort_by_key(|(k, _)| *k);
    pairs
}

/// Writes one line of DynamoDB's export layout, `{"Item":<DynamoDB JSON>}` and its newline,
/// straight into `out` (no line built first).
pub fn write_export_line(out: &mut impl std::io::Write, item_json: &Value) -> std::io::Result<()> {
    out.write_all(b"{\"Item\":")?;
    serde_json::to_writer(&mut *out, item_json)?;
    out.write_all(b"}\n")
}

/// DynamoDB JSON of an item given as (name, value) pairs, in their order.
pub fn pairs_to_ddb_json(pairs: &[(&str, &AttributeValue)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), to_ddb_json(v)))
            .collect(),
    )
}

/// A value from its DynamoDB JSON; `None` if `v` is not one (one key naming a type, with a
/// value of that type's shape).
pub fn from_ddb_json(v: &Value) -> Result<AttributeValue, String> {
    from_ddb_json_at(v, 0)
}

fn from_ddb_json_at(v: &Value, depth: usize) -> Result<AttributeValue, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested deeper than DynamoDB's {MAX_DEPTH} levels"));
    }
    let Some((t, inner)) = v
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.iter().next())
    else {
        return Err(format!(
            "{v} is not DynamoDB JSON (one key naming the type, like {{\"S\": \"x\"}})"
        ));
    };
    let text = |x: &Value| -> Result<String, String> {
        x.as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{t} takes a string, not {x}"))
    };
    let number = |x: &Value| -> Result<String, String> {
        let s = text(x)?;
        check_number(&s)?;
        Ok(s)
    };
    let binary = |x: &Value| -> Result<Blob, String> {
        let s = text(x)?;
        base64::decode(&s)
            .map(Blob::new)
            .map_err(|_| format!("{t} value {s:?} is not base64"))
    };
    let list = |x: &Value| -> Result<Vec<Value>, String> {
        x.as_array()
            .cloned()
            .ok_or_else(|| format!("{t} takes a list, not {x}"))
    };
    Ok(match t.as_str() {
        "S" => AttributeValue::S(text(inner)?),
        "N" => AttributeValue::N(number(inner)?),
        "B" => AttributeValue::B(binary(inner)?),
        "SS" => AttributeValue::Ss(list(inner)?.iter().map(text).collect::<Result<_, _>>()?),
        "NS" => AttributeValue::Ns(list(inner)?.iter().map(number).collect::<Result<_, _>>()?),
        "BS" => AttributeValue::Bs(list(inner)?.iter().map(binary).collect::<Result<_, _>>()?),
        "M" => {
            let m = inner
                .as_object()
                .ok_or_else(|| format!("M takes an object, not {inner}"))?;
            AttributeValue::M(
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), from_ddb_json_at(v, depth + 1)?)))
                    .collect::<Result<_, String>>()?,
            )
        }
        "L" => AttributeValue::L(
            list(inner)?
                .iter()
                .map(|v| from_ddb_json_at(v, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        "NULL" => AttributeValue::Null(inner.as_bool().unwrap_or(true)),
        "BOOL" => AttributeValue::Bool(
            inner
                .as_bool()
                .ok_or_else(|| format!("BOOL takes true or false, not {inner}"))?,
        ),
        other => {
            return Err(format!(
                "{other:?} is not a DynamoDB type (S, N, B, SS, NS, BS, M, L, NULL, BOOL)"
            ));
        }
    })
}

/// Whether `v` looks like DynamoDB JSON: an object with one key that names a type.
pub fn is_ddb_json(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.len() == 1
            && m.keys().all(|k| {
                matches!(
                    k.as_str(),
                    "S" | "N" | "B" | "SS" | "NS" | "BS" | "M" | "L" | "NULL" | "BOOL"
                )
            })
    })
}

/// A DynamoDB number: an optional sign, digits with an optional fraction and exponent, at
/// most 38 significant digits.
pub fn check_number(s: &str) -> Result<(), String> {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match t.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (t, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_ok = |d: &str| d.chars().all(|c| c.is_ascii_digit());
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits_ok(e)
    });
    if int.is_empty() && frac.is_empty() || !digits_ok(int) || !digits_ok(frac) || !exp_ok {
        return Err(format!("{s:?} is not a number"));
    }
    let significant = format!("{int}{frac}");
    let significant = significant.trim_start_matches('0').trim_end_matches('0');
    if significant.len() > 38 {
        return Err(format!(
            "{s} has {} significant digits; DynamoDB keeps at most 38",
            significant.len()
        ));
    }
    Ok(())
}

/// Plain JSON of an item, for reading: numbers with every digit they have (written as JSON
/// numbers, never through f64), binary as base64 strings, sets as arrays, attributes in name
/// order.
pub fn item_to_plain_json(item: &Item) -> String {
    pairs_to_plain_json(&sorted_pairs(item))
}

/// Plain JSON of an item given as (name, value) pairs, in their order.
pub fn pairs_to_plain_json(pairs: &[(&str, &AttributeValue)]) -> String {
    let mut out = String::new();
    write_plain_pairs(&mut out, pairs);
    out
}

fn write_plain_pairs(out: &mut String, pairs: &[(&str, &AttributeValue)]) {
    out.push('{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, k);
        out.push(':');
        write_plain(out, v);
    }
    out.push('}');
}

fn write_string(out: &mut String, s: &str) {
    out.push_str(&Value::String(s.to_owned()).to_string());
}

/// A DynamoDB number as a JSON number token: the same digits (JSON has no leading `+` and no
/// bare `.5`).
fn json_number(n: &str) -> String {
    let n = n.strip_prefix('+').unwrap_or(n);
    let (sign, rest) = match n.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", n),
    };
    let rest = if rest.starts_with('.') {
        format!("0{rest}")
    } else {
        rest.to_owned()
    };
    let rest = rest.replace(".e", ".0e").replace(".E", ".0E");
    let rest = if rest.ends_with('.') {
        format!("{rest}0")
    } else {
        rest
    };
    format!("{sign}{rest}")
}

fn write_plain(out: &mut String, v: &AttributeValue) {
    let list = |out: &mut String, parts: Vec<String>| {
        out.push('[');
        out.push_str(&parts.join(","));
        out.push(']');
    };
    match v {
        AttributeValue::S(s) => write_string(out, s),
        AttributeValue::N(n) => out.push_str(&json_number(n)),
        AttributeValue::B(b) => write_string(out, &base64::encode(b.as_ref())),
        AttributeValue::Ss(l) => list(
            out,
            l.iter()
                .map(|s| Value::String(s.clone()).to_string())
                .collect(),
        ),
        AttributeValue::Ns(l) => list(out, l.iter().map(|n| json_number(n)).collect()),
        AttributeValue::Bs(l) => list(
            out,
            l.iter()
                .map(|b| Value::String(base64::encode(b.as_ref())).to_string())
                .collect(),
        ),
        AttributeValue::M(m) => write_plain_pairs(out, &sorted_pairs(m)),
        AttributeValue::L(l) => {
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_plain(out, e);
            }
            out.push(']');
        }
        AttributeValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        _ => out.push_str("null"),
    }
}

/// Marks a number token of the user's JSON inside a string, so that serde_json keeps its
/// digits (its own numbers go through f64 beyond 64-bit integers).
const NUMBER_MARK: &str = "\u{1}N:";

/// Plain JSON values (`--values`, `--key`) to attribute values, numbers exact: a value written
/// as DynamoDB JSON (`{"N": "5"}`) is taken as typed; otherwise a string is S, a number N,
/// true/false BOOL, null NULL, an array L, an object M.
pub fn parse_plain_object(text: &str) -> Result<Item, String> {
    let Value::Object(m) = marked_json(text)? else {
        return Err(format!("{text} is not a JSON object"));
    };
    m.iter()
        .map(|(k, v)| Ok((k.clone(), from_plain(v, 0)?)))
        .collect()
}

/// A JSON array of plain values (`sql --params`), each taken as [`parse_plain_object`] takes
/// a value: numbers exact, DynamoDB JSON as typed.
pub fn parse_plain_array(text: &str) -> Result<Vec<AttributeValue>, String> {
    let Value::Array(list) = marked_json(text)? else {
        return Err(format!("{text} is not a JSON array"));
    };
    list.iter().map(|v| from_plain(v, 0)).collect()
}

/// The user's JSON, its numbers marked to keep their digits.
fn marked_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(&mark_numbers(text)).map_err(|e| format!("not JSON: {e} in {text}"))
}

fn from_plain(v: &Value, depth: usize) -> Result<AttributeValue, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested deeper than DynamoDB's {MAX_DEPTH} levels"));
    }
    if is_ddb_json(v) {
        return from_ddb_json(&unmark(v));
    }
    Ok(match v {
        Value::String(s) => match s.strip_prefix(NUMBER_MARK) {
            Some(n) => {
                check_number(n)?;
                AttributeValue::N(n.to_owned())
            }
            None => AttributeValue::S(s.clone()),
        },
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Null => AttributeValue::Null(true),
        Value::Array(l) => AttributeValue::L(
            l.iter()
                .map(|e| from_plain(e, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => AttributeValue::M(
            m.iter()
                .map(|(k, e)| Ok((k.clone(), from_plain(e, depth + 1)?)))
                .collect::<Result<_, String>>()?,
        ),
        Value::Number(n) => AttributeValue::N(n.to_string()),
    })
}

/// DynamoDB JSON inside marked text: marked numbers back to the JSON numbers they were (a
/// DynamoDB JSON number is a string anyway; a marked one is a mistake its parse will name).
fn unmark(v: &Value) -> Value {
    match v {
        Value::String(s) => match s.strip_prefix(NUMBER_MARK) {
            Some(n) => serde_json::from_str(n).unwrap_or(Value::String(n.to_owned())),
            None => v.clone(),
        },
        Value::Array(l) => Value::Array(l.iter().map(unmark).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, e)| (k.clone(), unmark(e))).collect()),
        other => other.clone(),
    }
}

/// The JSON text with every number token outside strings wrapped into a marked string.
fn mark_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    let mut escaped = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == '-' || c.is_ascii_digit() {
            let mut token = String::from(c);
            while let Some(&n) = chars.peek() {
                if n.is_ascii_digit() || matches!(n, '.' | 'e' | 'E' | '+' | '-') {
                    token.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
            // The mark written as JSON's escape of it: a raw control character is not JSON.
            out.push_str("\"\\u0001N:");
            out.push_str(&token);
            out.push('"');
        } else {
            out.push(c);
        }
    }
    out
}

/// The type letter of a key attribute: `S`, `N` or `B`.
pub fn type_letter(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Bool(_) => "BOOL",
        _ => "NULL",
    }
}

/// A key value typed on the command line, for a key of type `key_type` (`S`, `N`, `B`): text
/// as it is for S, a number checked for N, base64 for B. A value written as DynamoDB JSON
/// (`{"N": "5"}`) is taken as typed, and must be of the key's type.
pub fn parse_key_value(text: &str, key_type: &str, name: &str) -> Result<AttributeValue, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('{')
        && let Ok(v) = serde_json::from_str::<Value>(trimmed)
        && is_ddb_json(&v)
    {
        let value = from_ddb_json(&v)?;
        let got = type_letter(&value);
        if got != key_type {
            return Err(format!(
                "{name} is a key of type {key_type}; {text} is of type {got}"
            ));
        }
        return Ok(value);
    }
    match key_type {
        "S" => Ok(AttributeValue::S(text.to_owned())),
        "N" => {
            check_number(trimmed)
                .map_err(|e| format!("{name} is a key of type N (a number): {e}"))?;
            Ok(AttributeValue::N(trimmed.to_owned()))
        }
        "B" => base64::decode(trimmed)
            .map(|b| AttributeValue::B(Blob::new(b)))
            .map_err(|_| format!("{name} is a key of type B: give it as base64 ({text:?} is not)")),
        other => Err(format!("{name} has type {other}, which a key cannot have")),
    }
}

/// A value for a line of text: plain JSON, cut to `max` characters.
pub fn short_text(v: &AttributeValue, max: usize) -> String {
    let mut s = String::new();
    match v {
        AttributeValue::S(x) => s.push_str(x),
        other => write_plain(&mut s, other),
    }
    if s.chars().count() > max {
        let mut cut: String = s.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_type() -> Item {
        let mut nested = AttributeValue::S("deep".into());
        for _ in 0..MAX_DEPTH - 1 {
            nested = AttributeValue::L(vec![nested]);
        }
        HashMap::from([
            ("s".to_owned(), AttributeValue::S("héllo \"q\"".into())),
            (
                "n".to_owned(),
                AttributeValue::N("-12345678901234567890123456789012345678".into()),
            ),
            (
                "f".to_owned(),
                AttributeValue::N("0.000000000000000000000000000000000001".into()),
            ),
            (
                "b".to_owned(),
                AttributeValue::B(Blob::new(vec![0, 159, 255])),
            ),
            (
                "ss".to_owned(),
                AttributeValue::Ss(vec!["a".into(), "b".into()]),
            ),
            (
                "ns".to_owned(),
                AttributeValue::Ns(vec!["1".into(), "2.5".into()]),
            ),
            (
                "bs".to_owned(),
                AttributeValue::Bs(vec![Blob::new(vec![1])]),
            ),
            (
                "m".to_owned(),
                AttributeValue::M(HashMap::from([(
                    "k".to_owned(),
                    AttributeValue::Null(true),
                )])),
            ),
            (
                "l".to_owned(),
                AttributeValue::L(vec![AttributeValue::Bool(false)]),
            ),
            ("deep".to_owned(), nested),
        ])
    }

    #[test]
    fn ddb_json_round_trips_every_type_exactly() {
        let item = every_type();
        let json = item_to_ddb_json(&item);
        let back: Item = json
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), from_ddb_json(v).unwrap()))
            .collect();
        assert_eq!(back, item);
        assert_eq!(
            json["n"]["N"], "-12345678901234567890123456789012345678",
            "38 digits kept"
        );
    }

    #[test]
    fn plain_json_keeps_every_digit_and_parses_back() {
        let item = every_type();
        let text = item_to_plain_json(&item);
        assert!(
            text.contains("\"n\":-12345678901234567890123456789012345678"),
            "{text}"
        );
        assert!(
            text.contains("\"f\":0.000000000000000000000000000000000001"),
            "{text}"
        );
        assert!(
            serde_json::from_str::<Value>(&text).is_ok(),
            "valid JSON: {text}"
        );
        let parsed = parse_plain_object(&text).unwrap();
        assert_eq!(parsed["n"], item["n"]);
        assert_eq!(parsed["f"], item["f"]);
        // What plain JSON loses: sets become lists, binary becomes a base64 string.
        assert!(matches!(parsed["ss"], AttributeValue::L(_)));
        assert!(matches!(parsed["b"], AttributeValue::S(_)));
    }

    #[test]
    fn plain_values_take_dynamodb_json_as_typed() {
        let v = parse_plain_object(r#"{"a": {"N": "5"}, "b": 5, "c": "5", "d": [1, {"S": "x"}]}"#)
            .unwrap();
        assert_eq!(v["a"], AttributeValue::N("5".into()));
        assert_eq!(v["b"], AttributeValue::N("5".into()));
        assert_eq!(v["c"], AttributeValue::S("5".into()));
        assert_eq!(
            v["d"],
            AttributeValue::L(vec![
                AttributeValue::N("1".into()),
                AttributeValue::S("x".into())
            ])
        );
        assert!(
            parse_plain_object("[1]")
                .unwrap_err()
                .contains("not a JSON object")
        );
        assert!(parse_plain_object("{").unwrap_err().starts_with("not JSON"));
    }

    #[test]
    fn key_values_are_checked_against_the_key_type() {
        assert_eq!(
            parse_key_value("42", "N", "k").unwrap(),
            AttributeValue::N("42".into())
        );
        let e = parse_key_value("abc", "N", "sk").unwrap_err();
        assert!(e.contains("sk is a key of type N"), "{e}");
        let e = parse_key_value(r#"{"S": "x"}"#, "N", "sk").unwrap_err();
        assert!(e.contains("of type S"), "{e}");
        assert!(
            parse_key_value("!!", "B", "k")
                .unwrap_err()
                .contains("base64")
        );
        assert!(check_number(&"9".repeat(39)).is_err());
        assert!(check_number(&"9".repeat(38)).is_ok());
        assert!(check_number("1e5").is_ok() && check_number("1e").is_err());
    }
}
