//! The AWS CLI form: `aws dynamodb <api> --flag value ...`, one flag a line.
//!
//! The CLI derives a flag from every top-level field of an operation's input, including the
//! ones it leaves out of its help (`--limit` and `--exclusive-start-key` of query and scan,
//! which it shadows with its own paging; given them it turns its paging off). A body with a
//! field that cannot be a flag goes whole into `--cli-input-json`, and one with a value too
//! long for an argument (a BatchWriteItem of large items) goes to it through a temporary file.

use serde_json::Value;

use super::{Fields, Target, has_binary, is_pascal, kebab};

/// The APIs the CLI pages through by default: told `--no-paginate`, it makes the one call.
const PAGED_APIS: [&str; 4] = ["Query", "Scan", "ExecuteStatement", "ListTables"];

/// Longer values would not fit in one argument (Linux takes 128 KiB at most,
/// `MAX_ARG_STRLEN`): the call goes through a temporary file then, written by a
/// here-document. (Not `file:///dev/stdin`: AWS CLI v1 read nothing there from a here-document.)
const MAX_ARG: usize = 100_000;

pub(super) fn render(api: &str, fields: &Fields, target: &Target) -> String {
    let mut lines = vec![format!("aws dynamodb {}", kebab(api))];
    // The whole input as JSON, from borrowed fields (sorted by name, as a serde_json map).
    let json = || {
        let map: std::collections::BTreeMap<&str, &Value> =
            fields.iter().map(|(k, v)| (k.as_str(), v)).collect();
        serde_json::to_string(&map).unwrap_or_default()
    };
    // Each object or list value's JSON, written once: measured against the argument limit,
    // then used as its flag's value.
    let texts: Vec<Option<String>> = fields
        .iter()
        .map(|(_, v)| matches!(v, Value::Object(_) | Value::Array(_)).then(|| v.to_string()))
        .collect();
    let mut file = None; // the JSON for the temporary file
    let too_long = fields
        .iter()
        .zip(&texts)
        .any(|((_, v), text)| match (v, text) {
            (Value::String(s), _) => s.len() > MAX_ARG,
            (_, Some(t)) => t.len() > MAX_ARG,
            _ => false,
        });
    if too_long {
        lines.push("--cli-input-json \"file://$call_json\"".into());
        file = Some(json());
    } else if fields.iter().all(|(k, _)| is_pascal(k)) {
        for ((name, value), text) in fields.iter().zip(&texts) {
            let flag = kebab(name);
            lines.push(match value {
                Value::Bool(true) => format!("--{flag}"),
                Value::Bool(false) => format!("--no-{flag}"),
                // `--flag -x` would read as two flags.
                Value::String(s) if s.starts_with('-') => format!("--{flag}={}", quote(s)),
                Value::String(s) => format!("--{flag} {}", quote(s)),
                Value::Number(n) => format!("--{flag} {n}"),
                other => format!(
                    "--{flag} {}",
                    quote(text.as_deref().unwrap_or(&other.to_string()))
                ),
            });
        }
    } else {
        lines.push(format!("--cli-input-json {}", quote(&json())));
    }
    if PAGED_APIS.contains(&api) {
        lines.push("--no-paginate".into());
    }
    if let Some(url) = &target.endpoint {
        lines.push(format!("--endpoint-url {}", quote(url)));
    }
    lines.push(format!("--region {}", quote(&target.region)));
    let mut out = String::new();
    if fields.iter().any(|(_, v)| has_binary(v)) {
        out.push_str(
            "# Binary values are base64, as AWS CLI v2 reads them (v1 would encode them again).\n",
        );
    }
    if let Some(json) = file {
        // Compact JSON is one line: it cannot be the quoted delimiter's line, and the shell
        // expands nothing in it.
        out.push_str("# The call is too long for one argument: its JSON goes through a file.\n");
        out.push_str("call_json=$(mktemp)\ncat > \"$call_json\" <<'JSON'\n");
        out.push_str(&json);
        out.push_str("\nJSON\n");
    }
    out.push_str(&lines.join(" \\\n    "));
    out.push('\n');
    out
}

/// `s` as one shell word: as it is when it has nothing the shell reads, else in single quotes
/// (a `'` in it as `'\''`).
pub(crate) fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.,:/@%+=".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_too_long_for_an_argument_goes_through_a_file() {
        let big = "x".repeat(MAX_ARG + 1);
        let fields: Fields = vec![
            ("TableName".into(), Value::from("t")),
            ("Item".into(), serde_json::json!({"pk": {"S": big}})),
        ];
        let target = Target {
            endpoint: None,
            region: "us-east-1".into(),
        };
        let out = render("PutItem", &fields, &target);
        let json = format!(r#"{{"Item":{{"pk":{{"S":"{big}"}}}},"TableName":"t"}}"#);
        assert_eq!(
            out,
            format!(
                "# The call is too long for one argument: its JSON goes through a file.\n\
                 call_json=$(mktemp)\ncat > \"$call_json\" <<'JSON'\n{json}\nJSON\n\
                 aws dynamodb put-item \\\n    --cli-input-json \"file://$call_json\" \\\n    --region us-east-1\n"
            )
        );
    }

    #[test]
    fn a_value_like_a_flag_is_joined_to_its_flag() {
        let fields: Fields = vec![("ExclusiveStartTableName".into(), Value::from("-abc"))];
        let target = Target {
            endpoint: None,
            region: "us-east-1".into(),
        };
        let out = render("ListTables", &fields, &target);
        assert!(
            out.contains("    --exclusive-start-table-name=-abc \\\n"),
            "{out}"
        );
    }

    #[test]
    fn quotes_only_what_the_shell_would_read() {
        assert_eq!(quote("requests"), "requests");
        assert_eq!(quote("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
        assert_eq!(quote("#k0 = :v0"), "'#k0 = :v0'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$HOME"), "'$HOME'");
    }
}
