//! Prices: the us-east-1 file embedded in the binary (`assets/prices/us-east-1.toml`, each number with
//! its source and the date it was checked), or one the user gives with `--prices FILE`, TOML
//! or JSON with the same fields. A malformed file is refused in one line naming the line and
//! the field.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The embedded prices file.
pub const US_EAST_1_TOML: &str = include_str!("../../assets/prices/us-east-1.toml");

/// One price in US dollars, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// US dollars per the unit the field's name says.
    pub usd: Dollars,
    /// Where the number came from (optional in a user's file).
    #[serde(default)]
    pub source: String,
}

/// A quantity that is not a price (the free tier's gigabytes), with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// The amount.
    pub value: Dollars,
    /// Where it came from.
    #[serde(default)]
    pub source: String,
}

/// A finite number of 0 or more, refused while parsing so that the error points at its line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Dollars(pub f64);

impl<'de> Deserialize<'de> for Dollars {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if v.is_finite() && v >= 0.0 {
            Ok(Dollars(v))
        } else {
            Err(serde::de::Error::custom(format!(
                "{v} is not a price: give a number of 0 or more"
            )))
        }
    }
}

/// Request, capacity and storage prices of one table class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassPrices {
    /// On-demand: per million write request units.
    pub write_request_units_per_million: Price,
    /// On-demand: per million read request units.
    pub read_request_units_per_million: Price,
    /// Provisioned: per WCU per hour.
    pub wcu_hour: Price,
    /// Provisioned: per RCU per hour.
    pub rcu_hour: Price,
    /// Per GB-month stored (GB = 2^30 bytes).
    pub storage_gb_month: Price,
}

/// A region's DynamoDB prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    /// AWS region, e.g. `us-east-1`.
    pub region: String,
    /// When the prices were read, e.g. `2026-12-01`.
    pub date: String,
    /// Where they came from, in a sentence.
    #[serde(default)]
    pub source: String,
    /// Free storage per month with `--free-tier` (Standard class only).
    pub free_storage_gb: Quantity,
    /// Point-in-time recovery, per GB-month of table size.
    pub pitr_gb_month: Price,
    /// DynamoDB Standard.
    pub standard: ClassPrices,
    /// DynamoDB Standard-Infrequent Access.
    pub standard_ia: ClassPrices,
}

impl Prices {
    /// The embedded us-east-1 prices.
    pub fn us_east_1() -> Prices {
        Prices::parse(US_EAST_1_TOML, Format::Toml)
            .expect("assets/prices/us-east-1.toml parses: a unit test checks it")
    }

    /// Reads `path`: JSON if it ends in `.json` or starts with `{`, TOML otherwise.
    pub fn load(path: &Path) -> Result<Prices, PricesError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| PricesError {
            file: name.clone(),
            line: None,
            field: None,
            message: format!("cannot read it: {e}"),
        })?;
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            || text.trim_start().starts_with('{');
        let format = if json { Format::Json } else { Format::Toml };
        Prices::parse(&text, format).map_err(|e| PricesError { file: name, ..e })
    }

    /// Parses prices from text.
    pub fn parse(text: &str, format: Format) -> Result<Prices, PricesError> {
        match format {
            Format::Toml => parse_toml(text),
            Format::Json => parse_json(text),
        }
    }
}

/// A prices file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, like `assets/prices/us-east-1.toml`.
    Toml,
    /// JSON with the same fields.
    Json,
}

/// Why a prices file was refused: one line, naming the line and the field where known.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.line_text())]
pub struct PricesError {
    /// The file.
    pub file: String,
    /// 1-based line of the problem.
    pub line: Option<usize>,
    /// Dotted path of the field, e.g. `standard.wcu_hour.usd`.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl PricesError {
    fn line_text(&self) -> String {
        let mut s = format!("prices file {}", self.file);
        if let Some(line) = self.line {
            s.push_str(&format!(", line {line}"));
        }
        if let Some(field) = &self.field {
            s.push_str(&format!(", field {field}"));
        }
        // Parsers' messages can run over lines; the CLI promises one.
        let message = self
            .message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        format!("{s}: {message}")
    }
}

/// The field an error is about: its path, and for a missing field the field's own name
/// under it (serde reports it at the table that lacks it).
fn field_of(path: &serde_path_to_error::Path, message: &str) -> Option<String> {
    let p = path.to_string();
    let parent = (!p.is_empty() && p != ".").then_some(p);
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (parent, missing) {
        (Some(parent), Some(name)) => Some(format!("{parent}.{name}")),
        (None, Some(name)) => Some(name.to_owned()),
        (parent, None) => parent,
    }
}

/// The key written on `line` (1-based) of `text`, for syntax errors that have no path.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let (key, _) = l.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty()).then(|| key.to_owned())
}

fn parse_toml(text: &str) -> Result<Prices, PricesError> {
    let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, &e, None))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = field_of(e.path(), e.inner().message());
        toml_error(text, e.inner(), field)
    })
}

fn toml_error(text: &str, e: &toml::de::Error, field: Option<String>) -> PricesError {
    let line = e
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    let field = field.or_else(|| line.and_then(|l| key_on_line(text, l)));
    PricesError {
        file: "(text)".into(),
        line,
        field,
        message: e.message().to_owned(),
    }
}

fn parse_json(text: &str) -> Result<Prices, PricesError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let prices: Prices = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = field_of(e.path(), &e.inner().to_string());
        json_error(e.inner(), field)
    })?;
    de.end().map_err(|e| json_error(&e, None))?;
    Ok(prices)
}

fn json_error(e: &serde_json::Error, field: Option<String>) -> PricesError {
    // serde_json ends its message with " at line L column C"; the line goes in its own place.
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    PricesError {
        file: "(text)".into(),
        line: Some(e.line()),
        field,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_prices_parse_with_a_source_for_every_number() {
        let p = Prices::us_east_1();
        assert_eq!(p.region, "us-east-1");
        assert!(!p.date.is_empty());
        let all = [
            &p.pitr_gb_month,
            &p.standard.write_request_units_per_million,
            &p.standard.read_request_units_per_million,
            &p.standard.wcu_hour,
            &p.standard.rcu_hour,
            &p.standard.storage_gb_month,
            &p.standard_ia.write_request_units_per_million,
            &p.standard_ia.read_request_units_per_million,
            &p.standard_ia.wcu_hour,
            &p.standard_ia.rcu_hour,
            &p.standard_ia.storage_gb_month,
        ];
        for price in all {
            assert!(!price.source.is_empty(), "{price:?} has no source");
            assert!(price.usd.0 > 0.0);
        }
        assert!(!p.free_storage_gb.source.is_empty());
        // Standard-IA: cheaper storage, dearer requests, as AWS describes the class.
        assert!(p.standard_ia.storage_gb_month.usd.0 < p.standard.storage_gb_month.usd.0);
        assert!(p.standard_ia.wcu_hour.usd.0 > p.standard.wcu_hour.usd.0);
    }

    #[test]
    fn json_with_the_same_fields_gives_the_same_prices() {
        let p = Prices::us_east_1();
        let json = serde_json::to_string_pretty(&p).unwrap();
        assert_eq!(Prices::parse(&json, Format::Json).unwrap(), p);
    }

    #[test]
    fn a_bad_value_names_its_line_and_field() {
        let bad =
            US_EAST_1_TOML.replace("wcu_hour = { usd = 0.00065", "wcu_hour = { usd = \"cheap\"");
        let line = bad.lines().position(|l| l.contains("\"cheap\"")).unwrap() + 1;
        let e = Prices::parse(&bad, Format::Toml).unwrap_err();
        assert_eq!(e.line, Some(line), "{e}");
        assert_eq!(e.field.as_deref(), Some("standard.wcu_hour.usd"), "{e}");
        assert_eq!(e.to_string().lines().count(), 1);

        let negative =
            US_EAST_1_TOML.replace("rcu_hour = { usd = 0.00016", "rcu_hour = { usd = -1");
        let e = Prices::parse(&negative, Format::Toml).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("standard_ia.rcu_hour.usd"), "{e}");
        assert!(e.message.contains("0 or more"), "{e}");

        let missing = US_EAST_1_TOML.replace("pitr_gb_month = ", "pitr_per_gb = ");
        let e = Prices::parse(&missing, Format::Toml).unwrap_err();
        assert!(e.to_string().contains("pitr"), "{e}");
        let no_usd = US_EAST_1_TOML.replace("rcu_hour = { usd = 0.00013, ", "rcu_hour = { ");
        let e = Prices::parse(&no_usd, Format::Toml).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("standard.rcu_hour.usd"), "{e}");
        assert!(e.message.contains("missing field"), "{e}");

        let syntax = "region = \"x\"\ndate = 2026-\n";
        let e = Prices::parse(syntax, Format::Toml).unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert_eq!(e.field.as_deref(), Some("date"), "{e}");

        let json = "{\n  \"region\": \"x\",\n  \"date\": 5\n}";
        let e = Prices::parse(json, Format::Json).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert_eq!(e.field.as_deref(), Some("date"), "{e}");
    }
}
