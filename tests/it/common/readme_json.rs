//! The `--json` fields README's CLI section promises, read from README itself, and a check
//! that a command's real output has them: the README cannot promise a field the CLI dropped.

use serde_json::Value;

/// A field README promises in a command's `--json`: a name, maybe with the fields of the
/// object (`consumed{read_units, write_units}`) or of each array element
/// (`requests[{request_id, records}]`) under it.
#[derive(Debug)]
pub struct Promised {
    /// The JSON key.
    pub name: String,
    /// Fields of the object under it (of each element, for an array).
    pub inner: Vec<Promised>,
    /// An array of objects (`name[{...}]`).
    pub array: bool,
}

/// Parses `a, b{c, d}, e[{f}]` (whitespace and line breaks anywhere between names).
pub fn parse_promised(text: &str) -> Vec<Promised> {
    fn list(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Vec<Promised> {
        let mut fields = Vec::new();
        loop {
            while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
            let mut name = String::new();
            while let Some(c) = chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_') {
                name.push(c);
            }
            if name.is_empty() {
                return fields;
            }
            let array = chars.next_if_eq(&'[').is_some();
            let inner = if chars.next_if_eq(&'{').is_some() {
                let inner = list(chars);
                assert_eq!(chars.next(), Some('}'), "unclosed {{ after {name}");
                inner
            } else {
                Vec::new()
            };
            if array {
                assert_eq!(chars.next(), Some(']'), "unclosed [ after {name}");
            }
            fields.push(Promised { name, inner, array });
        }
    }
    let mut chars = text.chars().peekable();
    let fields = list(&mut chars);
    assert_eq!(
        chars.next(),
        None,
        "README field list not understood: {text:?}"
    );
    fields
}

/// README's CLI section: "`--json` fields: generate `...`; query `...` (...); ...".
pub fn readme_json_fields() -> Vec<(String, Vec<Promised>)> {
    let readme = include_str!("../../../README.md");
    let start = readme
        .find("`--json` fields:")
        .expect("README lists the --json fields")
        + "`--json` fields:".len();
    let rest = &readme[start..];
    let paragraph = rest.split("\n\n").next().unwrap_or(rest);
    paragraph
        .split(';')
        .map(|part| {
            let command = part
                .split_whitespace()
                .next()
                .expect("a command")
                .to_owned();
            let fields = part.split('`').nth(1).expect("fields in backquotes");
            (command, parse_promised(fields))
        })
        .collect()
}

pub fn check_promised(command: &str, path: &str, json: &Value, fields: &[Promised]) {
    for f in fields {
        let at = format!("{path}{}", f.name);
        let value = json
            .get(&f.name)
            .unwrap_or_else(|| panic!("{command} --json has no {at} (README lists it): {json}"));
        if f.array {
            let elements = value
                .as_array()
                .unwrap_or_else(|| panic!("{command} --json: {at} is not an array: {value}"));
            assert!(
                !elements.is_empty(),
                "{command} --json: {at} is empty, nothing to check"
            );
            for e in elements {
                check_promised(command, &format!("{at}[]."), e, &f.inner);
            }
        } else if !f.inner.is_empty() {
            assert!(
                value.is_object(),
                "{command} --json: {at} is not an object: {value}"
            );
            check_promised(command, &format!("{at}."), value, &f.inner);
        }
    }
}
