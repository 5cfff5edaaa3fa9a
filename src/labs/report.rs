//! What a lab measured: [`LabResult`] (Serialize: the `--json` shape the issue spells out),
//! and the markdown report with its charts drawn as text bars.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::catalog::Scale;
use crate::store::Capacity;

/// One way of doing the thing a lab compares, as measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Variant {
    /// What differs, e.g. `get strong`, `scan 100`.
    pub name: String,
    /// API calls that got an answer (failed ones included).
    pub calls: u64,
    /// Items read, returned or written.
    pub items: u64,
    /// Read units from ConsumedCapacity (or the rule, when `rule` says so).
    pub read_units: f64,
    /// Write units from ConsumedCapacity (or the rule, when `rule` says so).
    pub write_units: f64,
    /// Wall time of the variant's calls.
    pub elapsed_ms: u64,
    /// Throttling errors seen.
    pub throttled: u64,
    /// Batch items handed back unprocessed (a batch's way of being throttled) and resent.
    #[serde(skip_serializing_if = "is_zero")]
    pub unprocessed: u64,
    /// Throttling reasons, with how many calls each refused or cut short: as the simulated
    /// limits layer counted them where one runs (it sees batches cut short too), else as the
    /// throttling errors the client got named them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub throttling_reasons: BTreeMap<String, u64>,
    /// Size of the item written or read, where the lab is about size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_bytes: Option<u64>,
    /// Bytes of the items that came back, where the lab is about what comes back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned_bytes: Option<u64>,
    /// Set when the units are a documented rule, not measured: the rule and its source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Set when the engine lacks the API this variant needs (what it answered): nothing was
    /// measured, and the lab concludes from the other variants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsupported: Option<String>,
}

/// How the tables, charts and reports mark a variant the engine could not run.
pub const NOT_SUPPORTED: &str = "not supported by this engine";

impl Variant {
    /// Its capacity.
    pub fn capacity(&self) -> Capacity {
        Capacity {
            read: self.read_units,
            write: self.write_units,
        }
    }

    /// A variant the engine could not run: `why` is what it answered.
    pub fn unsupported(name: impl Into<String>, why: impl Into<String>) -> Variant {
        Variant {
            name: name.into(),
            unsupported: Some(why.into()),
            ..Variant::default()
        }
    }

    /// Its value in a chart: `value(self)`, or NaN (drawn as [`NOT_SUPPORTED`]) when nothing
    /// was measured.
    pub fn bar(&self, value: impl Fn(&Variant) -> f64) -> f64 {
        if self.unsupported.is_some() {
            f64::NAN
        } else {
            value(self)
        }
    }

    /// The measured columns as text, in the order of [`MEASURED`] (`-` each for a variant
    /// the engine could not run).
    pub fn cells(&self) -> [String; 6] {
        if self.unsupported.is_some() {
            return std::array::from_fn(|_| "-".to_owned());
        }
        [
            thousands(self.calls),
            thousands(self.items),
            units(self.read_units),
            units(self.write_units),
            thousands(self.elapsed_ms),
            self.throttled.to_string(),
        ]
    }

    /// On-demand dollars per million items read or written this way, at the shared prices:
    /// the cost of the work. (Per call it misled: throttled calls are calls that cost
    /// nothing, so in `partition-key` the throttled design looked cheaper per call than the
    /// one that did the same work unthrottled.) `None` when no item was read or written.
    pub fn usd_per_million_items(&self) -> Option<f64> {
        (self.items > 0).then(|| self.capacity().on_demand_usd() / self.items as f64 * 1e6)
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Headings of [`Variant::cells`].
pub const MEASURED: [&str; 6] = ["calls", "items", "RCU", "WCU", "ms", "throttled"];

/// The lab's key figure, one bar per variant (or per size).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// What the bars measure, e.g. `RCU per item`.
    pub title: String,
    /// `(label, value)`.
    pub bars: Vec<(String, f64)>,
}

/// One lab's measured answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabResult {
    /// The lab's name.
    pub name: &'static str,
    /// The question it answers.
    pub question: &'static str,
    /// The scale it ran at.
    pub scale: Scale,
    /// The variants, measured.
    pub variants: Vec<Variant>,
    /// Sentences whose numbers come from `variants`.
    pub conclusion: String,
    /// The key figure.
    pub chart: Chart,
    /// Everything the lab consumed, setup included (with documented-rule figures where an
    /// engine reports none): what the same run would be billed on AWS.
    #[serde(skip)]
    pub spent: Capacity,
}

impl LabResult {
    /// The variant called `name` (labs and tests look their numbers up by name).
    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }
}

/// A run of labs, as `lab run --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabsReport {
    /// Backend label, e.g. `embedded (in memory)`.
    pub backend: String,
    /// Engine and version where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// When it ran, UTC (RFC 3339).
    pub date: String,
    /// Each lab's result.
    pub labs: Vec<LabResult>,
}

pub use crate::fmt::{thousands, units};

/// `2.0x`: how many times `a` is `b` (`-` when `b` is zero).
pub fn ratio(a: f64, b: f64) -> String {
    if b == 0.0 {
        "-".to_owned()
    } else {
        format!("{:.1}x", a / b)
    }
}

/// Width of the longest bar in text charts.
const BAR_WIDTH: f64 = 40.0;

/// The chart as text bars, one line each: `scan 100  ████████ 12.5`.
pub fn text_bars(chart: &Chart) -> String {
    let max = chart
        .bars
        .iter()
        .map(|b| b.1)
        .filter(|v| !v.is_nan())
        .fold(0.0_f64, f64::max);
    let label_width = chart
        .bars
        .iter()
        .map(|b| b.0.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (label, value) in &chart.bars {
        if value.is_nan() {
            let _ = writeln!(out, "{label:<label_width$}  ({NOT_SUPPORTED})");
            continue;
        }
        let len = if max > 0.0 {
            (value / max * BAR_WIDTH).round() as usize
        } else {
            0
        };
        // A non-zero value always gets a sliver, so it never reads as zero.
        let len = if *value > 0.0 { len.max(1) } else { 0 };
        let _ = writeln!(
            out,
            "{label:<label_width$}  {} {}",
            "█".repeat(len),
            units(*value)
        );
    }
    out
}

impl LabsReport {
    /// The report to paste in a wiki or a pull request.
    pub fn markdown(&self) -> String {
        let mut md = String::from("# DynamoDB labs\n\n");
        let _ = writeln!(md, "- backend: {}", self.backend);
        if let Some(engine) = &self.engine {
            let _ = writeln!(md, "- engine: {engine}");
        }
        let _ = writeln!(md, "- date: {}", self.date);
        let _ = writeln!(
            md,
            "- prices: on-demand, us-east-1 standard class: ${} per million read units, ${} per million write units",
            crate::store::report::READ_USD_PER_MILLION,
            crate::store::report::WRITE_USD_PER_MILLION
        );
        for lab in &self.labs {
            md.push_str(&lab.markdown());
        }
        md
    }
}

impl LabResult {
    /// This lab's section of the markdown report.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = write!(
            md,
            "\n## {} ({} scale)\n\n{}\n\n",
            self.name,
            self.scale.as_str(),
            self.question
        );
        let _ = writeln!(
            md,
            "| variant | {} |\n|---|{}",
            MEASURED.join(" | "),
            "---:|".repeat(MEASURED.len())
        );
        for v in &self.variants {
            let mark = if v.rule.is_some() {
                " *"
            } else if v.unsupported.is_some() {
                " †"
            } else {
                ""
            };
            let _ = writeln!(md, "| {}{mark} | {} |", v.name, v.cells().join(" | "));
        }
        for v in self.variants.iter().filter(|v| v.unsupported.is_some()) {
            let _ = writeln!(
                md,
                "\n† {}: {NOT_SUPPORTED} ({})",
                v.name,
                v.unsupported.as_deref().unwrap_or_default()
            );
        }
        for v in self.variants.iter().filter(|v| v.rule.is_some()) {
            let _ = writeln!(
                md,
                "\n\\* {}: rule, not measured: {}",
                v.name,
                v.rule.as_deref().unwrap_or_default()
            );
        }
        let _ = write!(
            md,
            "\n{}:\n\n```text\n{}```\n\n{}\n",
            self.chart.title,
            text_bars(&self.chart),
            self.conclusion
        );
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::report::WRITE_USD_PER_MILLION;

    #[test]
    fn the_price_is_per_item_of_work_so_throttled_calls_do_not_make_a_design_look_cheap() {
        // The same 1,000 one-unit writes: unthrottled in 40 calls, throttled in 200 (160
        // refused, which cost nothing).
        let calm = Variant {
            calls: 40,
            items: 1_000,
            write_units: 1_000.0,
            ..Variant::default()
        };
        let hot = Variant {
            calls: 200,
            throttled: 160,
            ..calm.clone()
        };
        let per_item = calm.usd_per_million_items().expect("items written");
        assert_eq!(hot.usd_per_million_items(), Some(per_item));
        assert!(
            (per_item - WRITE_USD_PER_MILLION).abs() < 1e-9,
            "{per_item}"
        );
        assert_eq!(Variant::default().usd_per_million_items(), None);
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1024), "1,024");
        assert_eq!(thousands(409_601), "409,601");
        assert_eq!(units(0.5), "0.5");
        assert_eq!(units(0.05), "0.050");
        assert_eq!(units(999.5), "999.5");
        assert_eq!(units(3000.0), "3,000");
        assert_eq!(units(12345.67), "12,346");
        assert_eq!(ratio(2.0, 1.0), "2.0x");
        assert_eq!(ratio(1.0, 0.0), "-");
    }

    #[test]
    fn bars_scale_to_the_largest_and_never_hide_a_small_value() {
        let chart = Chart {
            title: "RCU".into(),
            bars: vec![("a".into(), 100.0), ("bb".into(), 0.1), ("c".into(), 0.0)],
        };
        let text = text_bars(&chart);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].matches('█').count(), 40);
        assert_eq!(lines[1].matches('█').count(), 1);
        assert_eq!(lines[2].matches('█').count(), 0);
        assert!(lines[1].starts_with("bb  "));
    }
}
