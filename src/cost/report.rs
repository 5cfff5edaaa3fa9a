//! The estimate rendered three ways, as strings (no I/O): human text, a Markdown table, and
//! the `--json` object, built from `#[derive(Serialize)]` types in the shape issue 13 gives.

use serde::Serialize;

use super::compare::Estimate;
use super::fmt::{count, num, usd, usd_change};
use super::inputs::{CapacityChoice, CostInputs, Deletes, Gsi, SizeSource, TableClass};
use super::model::{Bill, LineKind, Mode};
use super::prices::Prices;

/// An estimate with what it was computed from, ready to render.
pub struct Report<'a> {
    /// The inputs.
    pub inputs: &'a CostInputs,
    /// The estimate of them.
    pub estimate: &'a Estimate,
    /// The prices used.
    pub prices: &'a Prices,
    /// `--prices FILE`, if one was given.
    pub prices_file: Option<String>,
    /// Whether `reads_per_day` is the default share of requests rather than a flag.
    pub reads_defaulted: bool,
}

/// `cost --json`.
#[derive(Debug, Serialize)]
pub struct CostJson {
    /// Every input, and where the record size came from.
    pub inputs: InputsJson,
    /// The on-demand bill (absent with `--capacity provisioned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_demand: Option<OnDemandJson>,
    /// The provisioned bill (absent with `--capacity on-demand`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned: Option<ProvisionedJson>,
    /// Each input +10%, largest change first.
    pub sensitivity: Vec<SensitivityJson>,
    /// Which prices.
    pub prices: PricesJson,
}

/// The inputs as `--json` gives them.
#[derive(Debug, Serialize)]
pub struct InputsJson {
    requests_per_day: f64,
    records_per_request: f64,
    mix: &'static str,
    record_bytes: f64,
    record_bytes_source: SizeSource,
    record_bytes_from: String,
    index_entry_bytes: f64,
    reads_per_day: f64,
    reads_per_day_from: &'static str,
    consistent: bool,
    retention_days: f64,
    deletes: Deletes,
    gsi: Gsi,
    capacity: CapacityChoice,
    peak_ratio: f64,
    utilization: f64,
    table_class: TableClass,
    pitr: bool,
    free_tier: bool,
    prices_file: Option<String>,
}

/// A bill's lines and total, USD per month, as both modes give them.
#[derive(Debug, Serialize)]
pub struct LinesJson {
    writes: f64,
    reads: f64,
    deletes: f64,
    storage: f64,
    gsi: f64,
    pitr: f64,
    total: f64,
}

impl LinesJson {
    fn of(b: &Bill) -> Self {
        let amount = |k: LineKind| b.line(k).usd_per_month;
        LinesJson {
            writes: amount(LineKind::Writes),
            reads: amount(LineKind::Reads),
            deletes: amount(LineKind::Deletes),
            storage: amount(LineKind::Storage),
            gsi: amount(LineKind::Gsi),
            pitr: amount(LineKind::Pitr),
            total: b.total_usd,
        }
    }
}

/// The on-demand bill and the request units it bills a month.
#[derive(Debug, Serialize)]
pub struct OnDemandJson {
    #[serde(flatten)]
    lines: LinesJson,
    write_units: f64,
    read_units: f64,
}

/// The provisioned bill and the capacity units provisioned.
#[derive(Debug, Serialize)]
pub struct ProvisionedJson {
    #[serde(flatten)]
    lines: LinesJson,
    provisioned_wcu: f64,
    provisioned_rcu: f64,
}

/// One sensitivity entry.
#[derive(Debug, Serialize)]
pub struct SensitivityJson {
    input: &'static str,
    total_change: f64,
}

/// The prices' provenance.
#[derive(Debug, Serialize)]
pub struct PricesJson {
    region: String,
    date: String,
    source: String,
}

impl Report<'_> {
    /// "estimate, us-east-1 prices of 2026-12-01".
    pub fn headline(&self) -> String {
        format!(
            "estimate, {} prices of {}",
            self.prices.region, self.prices.date
        )
    }

    fn reads_from(&self) -> &'static str {
        if self.reads_defaulted {
            "default: 1% of requests-per-day"
        } else {
            "--reads-per-day"
        }
    }

    /// The `--json` object.
    pub fn json(&self) -> CostJson {
        let i = self.inputs;
        let e = self.estimate;
        CostJson {
            inputs: InputsJson {
                requests_per_day: i.requests_per_day,
                records_per_request: e.usage.records_per_request,
                mix: i.records.kind(),
                record_bytes: i.record_bytes,
                record_bytes_source: i.size_source.clone(),
                record_bytes_from: i.size_source.describe(),
                index_entry_bytes: i.index_entry_bytes,
                reads_per_day: i.reads_per_day,
                reads_per_day_from: self.reads_from(),
                consistent: i.consistent,
                retention_days: i.retention_days,
                deletes: i.deletes,
                gsi: i.gsi,
                capacity: i.capacity,
                peak_ratio: i.peak_ratio,
                utilization: i.utilization,
                table_class: i.table_class,
                pitr: i.pitr,
                free_tier: i.free_tier,
                prices_file: self.prices_file.clone(),
            },
            on_demand: e.on_demand.as_ref().map(|b| OnDemandJson {
                lines: LinesJson::of(b),
                write_units: b.write_units,
                read_units: b.read_units,
            }),
            provisioned: e.provisioned.as_ref().map(|b| ProvisionedJson {
                lines: LinesJson::of(b),
                provisioned_wcu: b.provisioned_wcu,
                provisioned_rcu: b.provisioned_rcu,
            }),
            sensitivity: e
                .sensitivity
                .items
                .iter()
                .map(|s| SensitivityJson {
                    input: s.input,
                    total_change: s.total_change,
                })
                .collect(),
            prices: PricesJson {
                region: self.prices.region.clone(),
                date: self.prices.date.clone(),
                source: self.prices.source.clone(),
            },
        }
    }

    /// The inputs in words, one per line.
    fn input_lines(&self) -> Vec<(String, String)> {
        let i = self.inputs;
        let u = &self.estimate.usage;
        let records = match i.records.kind() {
            "fixed" => num(u.records_per_request, 2),
            "realistic" => format!(
                "{} (the generator's realistic mix: most 1, 1 in 50 with 100 to 5,000)",
                num(u.records_per_request, 4)
            ),
            _ => format!(
                "{} (mean of the requests written)",
                num(u.records_per_request, 4)
            ),
        };
        let mut v = vec![
            ("requests per day".into(), count(i.requests_per_day)),
            ("records per request".into(), records),
            (
                "record size".into(),
                format!("{} B, {}", num(i.record_bytes, 1), i.size_source.describe()),
            ),
            (
                "read-backs per day".into(),
                format!(
                    "{} ({}), {}",
                    count(i.reads_per_day),
                    self.reads_from(),
                    if i.consistent {
                        "strongly consistent"
                    } else {
                        "eventually consistent"
                    }
                ),
            ),
            (
                "retention".into(),
                format!(
                    "{} days, then {}",
                    num(i.retention_days, 2),
                    match i.deletes {
                        Deletes::Ttl => "TTL deletes (free)",
                        Deletes::Explicit => "explicit deletes",
                    }
                ),
            ),
            (
                "index".into(),
                match i.gsi {
                    Gsi::None => "none".into(),
                    Gsi::KeysOnly => "GSI on customer_id, keys only".into(),
                    Gsi::All => "GSI on customer_id, all attributes".into(),
                },
            ),
            (
                "table".into(),
                format!(
                    "{} class, PITR {}, free tier {}",
                    match i.table_class {
                        TableClass::Standard => "Standard",
                        TableClass::StandardIa => "Standard-IA",
                    },
                    if i.pitr { "on" } else { "off" },
                    if i.free_tier { "on" } else { "off" }
                ),
            ),
        ];
        if i.capacity.provisioned() {
            v.push((
                "provisioned".into(),
                format!(
                    "peak {}x the average, auto scaling target {}%",
                    num(i.peak_ratio, 2),
                    num(i.utilization * 100.0, 1)
                ),
            ));
        }
        if let Some(f) = &self.prices_file {
            v.push(("prices file".into(), f.clone()));
        }
        v
    }

    fn bills(&self) -> Vec<&Bill> {
        let e = self.estimate;
        e.on_demand.iter().chain(e.provisioned.iter()).collect()
    }

    fn bill_title(b: &Bill) -> String {
        match b.mode {
            Mode::OnDemand => format!(
                "on-demand: {} WRU and {} RRU a month",
                count(b.write_units),
                count(b.read_units)
            ),
            Mode::Provisioned => format!(
                "provisioned: {} WCU and {} RCU (table and index)",
                count(b.provisioned_wcu),
                count(b.provisioned_rcu)
            ),
        }
    }

    /// The comparisons in sentences.
    pub fn comparison_lines(&self) -> Vec<String> {
        let e = self.estimate;
        let c = &e.comparisons;
        let modes: Vec<Mode> = self.bills().iter().map(|b| b.mode).collect();
        let per_mode = |amounts: &super::compare::PerMode| {
            modes
                .iter()
                .map(|&m| format!("{} {}", usd(amounts.of(m)), m.label()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut v = Vec::new();
        if modes.len() == 2 {
            let (od, pr) = (c.totals.on_demand, c.totals.provisioned);
            let other = if c.cheaper == Mode::OnDemand {
                Mode::Provisioned
            } else {
                Mode::OnDemand
            };
            v.push(format!(
                "on-demand vs provisioned: {} is cheaper by {} a month ({} against {})",
                c.cheaper.label(),
                usd((od - pr).abs()),
                usd(c.totals.of(c.cheaper)),
                usd(c.totals.of(other))
            ));
            v.push(match c.break_even_utilization {
                Some(u) => format!(
                    "break-even utilization: {}% (provisioned costs no more than on-demand at an auto scaling target of {}% or above, with peak {}x average)",
                    num(u * 100.0, 1),
                    num(u * 100.0, 1),
                    num(self.inputs.peak_ratio, 2)
                ),
                None => format!(
                    "break-even utilization: none (provisioned costs more than on-demand even at 100% with peak {}x average)",
                    num(self.inputs.peak_ratio, 2)
                ),
            });
        }
        v.push(format!(
            "TTL vs explicit deletes: TTL saves {} a month",
            per_mode(&c.ttl_saving)
        ));
        v.push(format!(
            "eventual vs strong read-backs: strong adds {} a month",
            per_mode(&c.strong_extra)
        ));
        v
    }

    fn sensitivity_heading(&self) -> String {
        let s = &self.estimate.sensitivity;
        format!(
            "sensitivity: each input +10%, change of the {} total ({})",
            s.basis.label(),
            usd(s.base_total)
        )
    }

    /// (input with its note, signed change) per sensitivity entry.
    fn sensitivity_rows(&self) -> Vec<(String, String)> {
        self.estimate
            .sensitivity
            .items
            .iter()
            .map(|s| {
                let note = s.note.map(|n| format!(" ({n})")).unwrap_or_default();
                (format!("{}{note}", s.input), usd_change(s.total_change))
            })
            .collect()
    }

    /// The knob that matters most, in a sentence.
    pub fn most_line(&self) -> String {
        let Some(m) = self.estimate.sensitivity.most() else {
            return "no input moves the total".into();
        };
        // Inputs that move it by the same amount (to the cent) share first place.
        let cents = |x: f64| (x * 100.0).round();
        let tied: Vec<&str> = self
            .estimate
            .sensitivity
            .items
            .iter()
            .filter(|i| cents(i.total_change) == cents(m.total_change))
            .map(|i| i.input)
            .collect();
        format!(
            "the knob that matters most: {} ({} a month for +10%{})",
            tied.join(" and "),
            usd_change(m.total_change),
            if tied.len() > 1 { " each" } else { "" }
        )
    }

    /// Human-readable text.
    pub fn text(&self) -> String {
        let mut out = format!("{} (USD per month)\n", self.headline());
        for (k, v) in self.input_lines() {
            out.push_str(&format!("  {k:<20} {v}\n"));
        }
        for b in self.bills() {
            out.push_str(&format!("\n{}\n", Self::bill_title(b)));
            for l in &b.lines {
                out.push_str(&format!(
                    "  {:<8} {:>14}   {}\n",
                    l.kind.key(),
                    usd(l.usd_per_month),
                    l.formula
                ));
            }
            out.push_str(&format!("  {:<8} {:>14}\n", "total", usd(b.total_usd)));
        }
        out.push_str("\ncomparisons\n");
        for l in self.comparison_lines() {
            out.push_str(&format!("  {l}\n"));
        }
        out.push_str(&format!("\n{}\n", self.sensitivity_heading()));
        for (input, change) in self.sensitivity_rows() {
            out.push_str(&format!("  {input:<32} {change:>14}\n"));
        }
        out.push_str(&format!("  {}\n", self.most_line()));
        out
    }

    /// The same as Markdown tables.
    pub fn markdown(&self) -> String {
        let cell = |s: &str| s.replace('|', "\\|");
        let mut out = format!("**{}** (USD per month)\n\n", cell(&self.headline()));
        out.push_str("| input | value |\n|---|---|\n");
        for (k, v) in self.input_lines() {
            out.push_str(&format!("| {} | {} |\n", cell(&k), cell(&v)));
        }
        for b in self.bills() {
            out.push_str(&format!(
                "\n**{}**\n\n| line | USD/month | formula |\n|---|---:|---|\n",
                cell(&Self::bill_title(b))
            ));
            for l in &b.lines {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    l.kind.key(),
                    usd(l.usd_per_month),
                    cell(&l.formula)
                ));
            }
            out.push_str(&format!("| **total** | **{}** | |\n", usd(b.total_usd)));
        }
        out.push_str("\n**comparisons**\n\n");
        for l in self.comparison_lines() {
            out.push_str(&format!("- {}\n", cell(&l)));
        }
        out.push_str(&format!(
            "\n**{}**\n\n| input +10% | total change |\n|---|---:|\n",
            cell(&self.sensitivity_heading())
        ));
        for (input, change) in self.sensitivity_rows() {
            out.push_str(&format!("| {input} | {change} |\n"));
        }
        out.push_str(&format!("\n{}\n", self.most_line()));
        out
    }
}
