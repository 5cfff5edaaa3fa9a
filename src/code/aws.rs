//! The AWS CLI form: `aws dynamodb <api> --flag value ...`, one flag a line.
//!
//! The CLI derives a flag from every top-level field of an operation's input, including the
//! ones it leaves out of its help (`--limit` and `--exclusive-start-key` of query and scan,
//! which it shadows with its own paging; given them it turns its paging off). A body with a
//! field that cannot be a flag goes whole into `--cli-input-json`.

use serde_json::{Map, Value};

use super::{Fields, Target, has_binary, is_pascal, kebab};

/// The APIs the CLI pages through by default: told `--no-paginate`, it makes the one call.
const PAGED_APIS: [&str; 4] = ["Query", "Scan", "ExecuteStatement", "ListTables"];

pub(super) fn render(api: &str, fields: &Fields, target: &Target) -> String {
    let mut lines = vec![format!("aws dynamodb {}", kebab(api))];
    if fields.iter().all(|(k, _)| is_pascal(k)) {
        for (name, value) in fields {
            let flag = kebab(name);
            lines.push(match value {
                Value::Bool(true) => format!("--{flag}"),
                Value::Bool(false) => format!("--no-{flag}"),
                Value::String(s) => format!("--{flag} {}", quote(s)),
                Value::Number(n) => format!("--{flag} {n}"),
                other => format!("--{flag} {}", quote(&other.to_string())),
            });
        }
    } else {
        let json = Value::Object(fields.iter().cloned().collect::<Map<_, _>>()).to_string();
        lines.push(format!("--cli-input-json {}", quote(&json)));
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
    out.push_str(&lines.join(" \\\n    "));
    out.push('\n');
    out
}

/// `s` as one shell word: as it is when it has nothing the shell reads, else in single quotes
/// (a `'` in it as `'\''`).
pub(super) fn quote(s: &str) -> String {
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
    fn quotes_only_what_the_shell_would_read() {
        assert_eq!(quote("requests"), "requests");
        assert_eq!(quote("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
        assert_eq!(quote("#k0 = :v0"), "'#k0 = :v0'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$HOME"), "'$HOME'");
    }
}
