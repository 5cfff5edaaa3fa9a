//! The terraform module in `terraform/` must create exactly the table `src/request/schema.rs` describes.
//!
//! Every `.tf` file is parsed with hcl-rs and the one `aws_dynamodb_table` resource is compared
//! with the `dynamo_explorer::request::schema` constants: key names and types, the declared attributes,
//! the TTL attribute, and the default table name. A rename on either side fails `cargo test`
//! with a message naming what drifted, the expected and found values, and the file.
//!
//! The checker itself is tested on in-memory HCL below, so a drifted module is proven to fail.

use std::fs;
use std::path::{Path, PathBuf};

use dynamo_explorer::request::schema::{self, KeyType};
use hcl::expr::TraversalOperator;
use hcl::{Block, Body, Expression};

const TABLE_RESOURCE_TYPE: &str = "aws_dynamodb_table";
const TABLE_NAME_VARIABLE: &str = "table_name";

/// What the terraform must say, taken from `dynamo_explorer::request::schema`.
struct Expected {
    table_name: &'static str,
    partition_key: KeyAttr,
    sort_key: KeyAttr,
    ttl_attribute: &'static str,
}

/// One key attribute: its name and type, and the schema constants they come from (for messages).
struct KeyAttr {
    name: &'static str,
    key_type: KeyType,
    name_const: &'static str,
    type_const: &'static str,
}

impl Expected {
    fn from_schema() -> Self {
        Expected {
            table_name: schema::DEFAULT_TABLE_NAME,
            partition_key: KeyAttr {
                name: schema::PARTITION_KEY,
                key_type: schema::PARTITION_KEY_TYPE,
                name_const: "schema::PARTITION_KEY",
                type_const: "schema::PARTITION_KEY_TYPE",
            },
            sort_key: KeyAttr {
                name: schema::SORT_KEY,
                key_type: schema::SORT_KEY_TYPE,
                name_const: "schema::SORT_KEY",
                type_const: "schema::SORT_KEY_TYPE",
            },
            ttl_attribute: schema::TTL_ATTRIBUTE,
        }
    }

    fn keys(&self) -> [(&'static str, &KeyAttr); 2] {
        [
            ("hash_key", &self.partition_key),
            ("range_key", &self.sort_key),
        ]
    }
}

/// One parsed `.tf` file and the name its drift messages use.
struct TfFile {
    name: String,
    body: Body,
}

/// A block and the file it was found in.
struct Located<'a> {
    file: &'a str,
    block: &'a Block,
}

fn terraform_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("terraform")
}

/// Parses one file's source; a syntax error fails the test naming the file.
fn parse_tf(name: &str, source: &str) -> TfFile {
    let body = hcl::parse(source)
        .unwrap_or_else(|e| panic!("{name}: not valid HCL, cannot check it for drift: {e}"));
    TfFile {
        name: name.to_owned(),
        body,
    }
}

/// Parses every `.tf` file in `dir`, in name order, named `terraform/<file>` in messages.
fn load_tf_files(dir: &Path) -> Vec<TfFile> {
    let entries = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read the terraform directory {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                .path()
        })
        .filter(|path| path.extension().is_some_and(|ext| ext == "tf"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let source = fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let file_name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            parse_tf(&format!("terraform/{file_name}"), &source)
        })
        .collect()
}

/// Top-level blocks `<ident> "<label>" ...` across all files, e.g. `resource "aws_dynamodb_table"`.
fn blocks_labelled<'a>(files: &'a [TfFile], ident: &str, first_label: &str) -> Vec<Located<'a>> {
    files
        .iter()
        .flat_map(|file| {
            file.body
                .blocks()
                .filter(move |block| {
                    block.identifier() == ident
                        && block
                            .labels()
                            .first()
                            .is_some_and(|l| l.as_str() == first_label)
                })
                .map(|block| Located {
                    file: &file.name,
                    block,
                })
        })
        .collect()
}

/// `type.name` of a labelled block, e.g. `aws_dynamodb_table.requests`, for messages.
fn block_address(block: &Block) -> String {
    let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
    labels.join(".")
}

fn attr<'a>(body: &'a Body, key: &str) -> Option<&'a Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}

/// The value of a plain string literal (no interpolation), if that is what `expr` is.
fn literal_str(expr: Option<&Expression>) -> Option<&str> {
    match expr {
        Some(Expression::String(s)) => Some(s),
        _ => None,
    }
}

/// Is `expr` exactly `var.<name>`?
fn is_var_ref(expr: Option<&Expression>, name: &str) -> bool {
    let Some(Expression::Traversal(traversal)) = expr else {
        return false;
    };
    matches!(&traversal.expr, Expression::Variable(v) if v.as_str() == "var")
        && matches!(
            traversal.operators.as_slice(),
            [TraversalOperator::GetAttr(ident)] if ident.as_str() == name
        )
}

/// How a found value reads in a message: a literal quoted, anything else as HCL source.
fn describe(expr: Option<&Expression>) -> String {
    match expr {
        Some(Expression::String(s)) => format!("{s:?}"),
        Some(other) => format!("`{other}`"),
        None => "nothing (not set)".to_owned(),
    }
}

/// Checks the module in `files` against `expected`; returns one line per drift, empty if none.
fn check_module(files: &[TfFile], expected: &Expected) -> Vec<String> {
    let mut drift = Vec::new();
    let tables = blocks_labelled(files, "resource", TABLE_RESOURCE_TYPE);
    match tables.as_slice() {
        [table] => check_table(table, expected, &mut drift),
        [] => drift.push(format!(
            "no `resource \"{TABLE_RESOURCE_TYPE}\"` block found in {}",
            file_list(files)
        )),
        many => drift.push(format!(
            "expected exactly one `resource \"{TABLE_RESOURCE_TYPE}\"`, found {}: {}",
            many.len(),
            many.iter()
                .map(|t| format!("{} in {}", block_address(t.block), t.file))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    check_table_name_variable(files, expected, &mut drift);
    drift
}

fn file_list(files: &[TfFile]) -> String {
    if files.is_empty() {
        return "(no .tf files)".to_owned();
    }
    files
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_table(table: &Located<'_>, expected: &Expected, drift: &mut Vec<String>) {
    let at = format!("{}: {}", table.file, block_address(table.block));
    let body = table.block.body();

    let name = attr(body, "name");
    if !is_var_ref(name, TABLE_NAME_VARIABLE) {
        drift.push(format!(
            "{at}: name drifted: expected `var.{TABLE_NAME_VARIABLE}`, found {}",
            describe(name)
        ));
    }

    for (key_attr, key) in expected.keys() {
        let found = attr(body, key_attr);
        if literal_str(found) != Some(key.name) {
            drift.push(format!(
                "{at}: {key_attr} drifted: expected {:?} ({}), found {}",
                key.name,
                key.name_const,
                describe(found)
            ));
        }
    }

    check_attribute_blocks(&at, body, expected, drift);
    check_ttl(&at, body, expected, drift);
}

/// One `attribute { name = ..., type = ... }` block of the table.
struct AttributeDef<'a> {
    name: Option<&'a Expression>,
    attr_type: Option<&'a Expression>,
}

fn attribute_defs(body: &Body) -> Vec<AttributeDef<'_>> {
    body.blocks()
        .filter(|b| b.identifier() == "attribute")
        .map(|b| AttributeDef {
            name: attr(b.body(), "name"),
            attr_type: attr(b.body(), "type"),
        })
        .collect()
}

/// One attribute block per key, with the key's type, and no others.
fn check_attribute_blocks(at: &str, body: &Body, expected: &Expected, drift: &mut Vec<String>) {
    let defs = attribute_defs(body);

    for (_, key) in expected.keys() {
        let matching: Vec<&AttributeDef<'_>> = defs
            .iter()
            .filter(|d| literal_str(d.name) == Some(key.name))
            .collect();
        match matching.as_slice() {
            [] => drift.push(format!(
                "{at}: no `attribute` block for key {:?} ({}): expected attribute {{ name = {:?}, type = {:?} }}",
                key.name,
                key.name_const,
                key.name,
                key.key_type.as_str()
            )),
            [def] => {
                if literal_str(def.attr_type) != Some(key.key_type.as_str()) {
                    drift.push(format!(
                        "{at}: type of attribute {:?} drifted: expected {:?} ({}), found {}",
                        key.name,
                        key.key_type.as_str(),
                        key.type_const,
                        describe(def.attr_type)
                    ));
                }
            }
            many => drift.push(format!(
                "{at}: attribute {:?} is declared {} times; declare it once",
                key.name,
                many.len()
            )),
        }
    }

    let key_names = [expected.partition_key.name, expected.sort_key.name];
    for def in &defs {
        let is_key = literal_str(def.name).is_some_and(|n| key_names.contains(&n));
        if !is_key {
            drift.push(format!(
                "{at}: unexpected `attribute` block {}: only the keys {:?} may be declared \
                 (DynamoDB rejects attribute definitions that no key or index uses)",
                describe(def.name),
                key_names
            ));
        }
    }
}

/// Exactly one `ttl` block, on the schema's TTL attribute, enabled.
fn check_ttl(at: &str, body: &Body, expected: &Expected, drift: &mut Vec<String>) {
    let ttl_blocks: Vec<&Block> = body.blocks().filter(|b| b.identifier() == "ttl").collect();
    let [ttl] = ttl_blocks.as_slice() else {
        drift.push(format!(
            "{at}: expected one `ttl` block with attribute_name = {:?} (schema::TTL_ATTRIBUTE), found {}",
            expected.ttl_attribute,
            ttl_blocks.len()
        ));
        return;
    };

    let attribute_name = attr(ttl.body(), "attribute_name");
    if literal_str(attribute_name) != Some(expected.ttl_attribute) {
        drift.push(format!(
            "{at}: ttl.attribute_name drifted: expected {:?} (schema::TTL_ATTRIBUTE), found {}",
            expected.ttl_attribute,
            describe(attribute_name)
        ));
    }

    let enabled = attr(ttl.body(), "enabled");
    if !matches!(enabled, Some(Expression::Bool(true))) {
        drift.push(format!(
            "{at}: ttl.enabled drifted: expected `true` (records expire through TTL), found {}",
            describe(enabled)
        ));
    }
}

/// `variable "table_name"` exists once and defaults to the app's default table name.
fn check_table_name_variable(files: &[TfFile], expected: &Expected, drift: &mut Vec<String>) {
    let variables: Vec<Located<'_>> = blocks_labelled(files, "variable", TABLE_NAME_VARIABLE);
    let [variable] = variables.as_slice() else {
        drift.push(format!(
            "expected one `variable \"{TABLE_NAME_VARIABLE}\"` block, found {} in {}",
            variables.len(),
            file_list(files)
        ));
        return;
    };
    let default = attr(variable.block.body(), "default");
    if literal_str(default) != Some(expected.table_name) {
        drift.push(format!(
            "{}: variable.{TABLE_NAME_VARIABLE} default drifted: expected {:?} (schema::DEFAULT_TABLE_NAME), found {}",
            variable.file,
            expected.table_name,
            describe(default)
        ));
    }
}

#[test]
fn terraform_module_matches_schema() {
    let dir = terraform_dir();
    let files = load_tf_files(&dir);
    assert!(
        !files.is_empty(),
        "no .tf files in {}: the terraform module is missing",
        dir.display()
    );

    let drift = check_module(&files, &Expected::from_schema());
    assert!(
        drift.is_empty(),
        "terraform/ has drifted from src/request/schema.rs ({} problem(s)); fix whichever side is wrong:\n  - {}",
        drift.len(),
        drift.join("\n  - ")
    );
}

/// A minimal module in the shape of terraform/main.tf, built from the schema except for the
/// sort key name, which the caller chooses.
fn module_hcl(sort_key: &str) -> String {
    format!(
        r#"
variable "table_name" {{
  type    = string
  default = "{table}"
}}

resource "aws_dynamodb_table" "requests" {{
  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "{pk}"
  range_key    = "{sk}"

  attribute {{
    name = "{pk}"
    type = "{pk_type}"
  }}

  attribute {{
    name = "{sk}"
    type = "{sk_type}"
  }}

  ttl {{
    attribute_name = "{ttl}"
    enabled        = true
  }}
}}
"#,
        table = schema::DEFAULT_TABLE_NAME,
        pk = schema::PARTITION_KEY,
        pk_type = schema::PARTITION_KEY_TYPE.as_str(),
        sk = sort_key,
        sk_type = schema::SORT_KEY_TYPE.as_str(),
        ttl = schema::TTL_ATTRIBUTE,
    )
}

fn check_source(source: &str) -> Vec<String> {
    check_module(&[parse_tf("fixture.tf", source)], &Expected::from_schema())
}

#[test]
fn checker_accepts_a_module_that_matches() {
    let drift = check_source(&module_hcl(schema::SORT_KEY));
    assert!(
        drift.is_empty(),
        "a matching module was reported as drifted:\n{}",
        drift.join("\n")
    );
}

#[test]
fn checker_reports_a_renamed_sort_key() {
    let drift = check_source(&module_hcl("sequence"));
    let report = drift.join("\n");

    let range_key = format!(
        "fixture.tf: aws_dynamodb_table.requests: range_key drifted: expected {:?} (schema::SORT_KEY), found \"sequence\"",
        schema::SORT_KEY
    );
    assert!(
        drift.contains(&range_key),
        "range_key drift not reported as\n  {range_key}\ngot:\n{report}"
    );
    assert!(
        drift
            .iter()
            .any(|d| d.contains("no `attribute` block for key") && d.contains(schema::SORT_KEY)),
        "missing sort key attribute block not reported; got:\n{report}"
    );
    assert!(
        drift
            .iter()
            .any(|d| d.contains("unexpected `attribute` block \"sequence\"")),
        "leftover `sequence` attribute block not reported; got:\n{report}"
    );
    assert_eq!(drift.len(), 3, "unexpected extra drift reported:\n{report}");
}

#[test]
fn checker_reports_each_kind_of_drift() {
    let good = module_hcl(schema::SORT_KEY);
    let other_sort_type = match schema::SORT_KEY_TYPE {
        KeyType::S => KeyType::N,
        KeyType::N => KeyType::S,
    };
    let sort_type_line = format!("type = \"{}\"", schema::SORT_KEY_TYPE.as_str());
    let hash_key_line = format!("hash_key     = \"{}\"", schema::PARTITION_KEY);
    let ttl_line = format!("attribute_name = \"{}\"", schema::TTL_ATTRIBUTE);
    let default_line = format!("default = \"{}\"", schema::DEFAULT_TABLE_NAME);
    let literal_name = format!("name         = \"{}\"", schema::DEFAULT_TABLE_NAME);

    // (what is changed, from, to, text the report must contain)
    let cases: Vec<(&str, String, String, &str)> = vec![
        (
            "partition key renamed",
            hash_key_line,
            "hash_key     = \"id\"".to_owned(),
            "hash_key drifted",
        ),
        (
            "sort key type changed",
            format!("name = \"{}\"\n    {sort_type_line}", schema::SORT_KEY),
            format!(
                "name = \"{}\"\n    type = \"{}\"",
                schema::SORT_KEY,
                other_sort_type.as_str()
            ),
            "type of attribute",
        ),
        (
            "extra attribute declared",
            "ttl {".to_owned(),
            "attribute {\n    name = \"customer_id\"\n    type = \"S\"\n  }\n\n  ttl {".to_owned(),
            "unexpected `attribute` block \"customer_id\"",
        ),
        (
            "ttl attribute renamed",
            ttl_line,
            "attribute_name = \"expiry\"".to_owned(),
            "ttl.attribute_name drifted",
        ),
        (
            "ttl disabled",
            "enabled        = true".to_owned(),
            "enabled        = false".to_owned(),
            "ttl.enabled drifted",
        ),
        (
            "table name hard-coded",
            "name         = var.table_name".to_owned(),
            literal_name,
            "name drifted: expected `var.table_name`",
        ),
        (
            "default table name changed",
            default_line,
            "default = \"other-table\"".to_owned(),
            "variable.table_name default drifted",
        ),
        (
            "table resource missing",
            "resource \"aws_dynamodb_table\"".to_owned(),
            "resource \"aws_dynamodb_global_table\"".to_owned(),
            "no `resource \"aws_dynamodb_table\"` block",
        ),
    ];
    for (what, from, to, must_contain) in cases {
        assert!(
            good.contains(&from),
            "test bug: case {what:?} edits {from:?}, which is not in the fixture"
        );
        let drifted = good.replacen(&from, &to, 1);
        let drift = check_source(&drifted);
        assert!(
            drift.iter().any(|d| d.contains(must_contain)),
            "case {what:?}: expected a report containing {must_contain:?}; got:\n{}",
            drift.join("\n")
        );
    }
}
