//! The bill: monthly usage from the workload, then one line per item of the bill for each
//! capacity mode, each with the formula and figures that produced it. Pure arithmetic.
//!
//! The rules (DynamoDB developer guide and pricing pages; see ../shared/DYNAMODB.md):
//! - A month is 730 hours (AWS's convention), 30.4167 days.
//! - Write units per record = ceil(item bytes / 1024), at least 1; a delete costs the same.
//! - A read-back is a Query of all a request's records: pages of 1 MB, each page
//!   ceil(its bytes / 4096) read units, halved when eventually consistent.
//! - Storage at steady state: records/day x retention days items, each its size plus
//!   100 bytes of per-item overhead, in GB of 2^30 bytes.
//! - Provisioned: units = ceil(average per second x peak ratio / utilization), at least 1,
//!   priced per unit-hour x 730.

use serde::Serialize;

use super::fmt::{count, num, price, usd};
use super::inputs::{Deletes, Gsi, TableClass};
use super::prices::{ClassPrices, Prices};
use super::scenario::Scenario;

/// Hours in a month, AWS's convention for monthly prices.
pub const HOURS_PER_MONTH: f64 = 730.0;
/// Days in a 730-hour month: 30.4167.
pub const DAYS_PER_MONTH: f64 = HOURS_PER_MONTH / 24.0;
/// Seconds in a 730-hour month.
pub const SECONDS_PER_MONTH: f64 = HOURS_PER_MONTH * 3600.0;
/// Bytes per write unit.
pub const WRITE_UNIT_BYTES: f64 = 1024.0;
/// Bytes per read unit (strongly consistent).
pub const READ_UNIT_BYTES: f64 = 4096.0;
/// Most data a Query page evaluates: 1 MB.
pub const PAGE_BYTES: f64 = 1_048_576.0;
/// Storage is billed per GB of 2^30 bytes.
pub const GB: f64 = 1_073_741_824.0;
/// Bytes DynamoDB adds to each stored item (and each index entry) for indexing.
pub const ITEM_OVERHEAD_BYTES: f64 = 100.0;

/// A capacity mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Pay per request.
    OnDemand,
    /// Pay per provisioned unit-hour.
    Provisioned,
}

impl Mode {
    /// `on-demand` or `provisioned`.
    pub fn label(self) -> &'static str {
        match self {
            Mode::OnDemand => "on-demand",
            Mode::Provisioned => "provisioned",
        }
    }
}

/// An item of the bill; the names are the `--json` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    /// Writing the records.
    Writes,
    /// Reading requests back.
    Reads,
    /// Deleting expired records.
    Deletes,
    /// Storing the table.
    Storage,
    /// The customer-id index: its writes and storage.
    Gsi,
    /// Point-in-time recovery.
    Pitr,
}

impl LineKind {
    /// Every line, in bill order.
    pub const ALL: [LineKind; 6] = [
        LineKind::Writes,
        LineKind::Reads,
        LineKind::Deletes,
        LineKind::Storage,
        LineKind::Gsi,
        LineKind::Pitr,
    ];

    /// The line's name, as in `--json`.
    pub fn key(self) -> &'static str {
        match self {
            LineKind::Writes => "writes",
            LineKind::Reads => "reads",
            LineKind::Deletes => "deletes",
            LineKind::Storage => "storage",
            LineKind::Gsi => "gsi",
            LineKind::Pitr => "pitr",
        }
    }
}

/// One item of a monthly bill.
#[derive(Debug, Clone, PartialEq)]
pub struct BillLine {
    /// Which item.
    pub kind: LineKind,
    /// US dollars per month, unrounded.
    pub usd_per_month: f64,
    /// How it was computed, with its figures (the TUI shows the highlighted line's).
    pub formula: String,
}

/// The monthly bill of one capacity mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Bill {
    /// The mode.
    pub mode: Mode,
    /// Writes, reads, deletes, storage, gsi, pitr, in that order.
    pub lines: Vec<BillLine>,
    /// Sum of the lines.
    pub total_usd: f64,
    /// On-demand: write request units billed per month (writes, deletes and index).
    pub write_units: f64,
    /// On-demand: read request units billed per month.
    pub read_units: f64,
    /// Provisioned: WCU provisioned, table and index.
    pub provisioned_wcu: f64,
    /// Provisioned: RCU provisioned, table and index.
    pub provisioned_rcu: f64,
}

impl Bill {
    /// A bill of these lines, their total, and no units yet.
    fn of(mode: Mode, lines: [BillLine; 6]) -> Bill {
        Bill {
            mode,
            total_usd: lines.iter().map(|l| l.usd_per_month).sum(),
            lines: lines.into(),
            write_units: 0.0,
            read_units: 0.0,
            provisioned_wcu: 0.0,
            provisioned_rcu: 0.0,
        }
    }

    /// The line of `kind` (every bill has all six).
    pub fn line(&self, kind: LineKind) -> &BillLine {
        self.lines
            .iter()
            .find(|l| l.kind == kind)
            .expect("every bill has one line of each kind")
    }
}

/// What the workload uses in a month, before any price.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    /// Mean records per request.
    pub records_per_request: f64,
    /// Records written per day.
    pub records_per_day: f64,
    /// ceil(record bytes / 1024).
    pub write_units_per_record: f64,
    /// Write units of the table's puts per month.
    pub write_units: f64,
    /// Mean read units of one read-back (expected over the records-per-request distribution).
    pub read_units_per_read_back: f64,
    /// Mean Query pages of one read-back.
    pub pages_per_read_back: f64,
    /// Read units per month.
    pub read_units: f64,
    /// Write units of explicit deletes per month (0 with TTL).
    pub delete_units: f64,
    /// Items in the table at steady state.
    pub items_stored: f64,
    /// Table size in GB, overhead included.
    pub table_gb: f64,
    /// Bytes of one index entry (0 without an index).
    pub index_entry_bytes: f64,
    /// Index write units per record written (and per explicit delete).
    pub index_units_per_record: f64,
    /// Index write units per month.
    pub index_write_units: f64,
    /// Index size in GB, overhead included.
    pub index_gb: f64,
}

/// Read units of one Query of `records` items of `bytes` each: full 1 MB pages of 256 units,
/// then the rest rounded up to 4 KB; half when eventual. Returns (units, pages).
pub fn query_read_units(records: f64, bytes: f64, consistent: bool) -> (f64, f64) {
    let total = records * bytes;
    let full_pages = (total / PAGE_BYTES).floor();
    let rest = total - full_pages * PAGE_BYTES;
    let rest_units = if rest > 0.0 {
        (rest / READ_UNIT_BYTES).ceil()
    } else {
        0.0
    };
    let units = (full_pages * (PAGE_BYTES / READ_UNIT_BYTES) + rest_units).max(1.0);
    let pages = (full_pages + f64::from(rest > 0.0)).max(1.0);
    (if consistent { units } else { units / 2.0 }, pages)
}

/// "x 30.4167 days = 30,416,667 WRU x $0.625/million": a day's units made a month's, priced.
fn monthly(units: f64, unit: &str, usd_per_million: f64) -> String {
    format!(
        "x {} days = {} {unit} x {}/million",
        num(DAYS_PER_MONTH, 4),
        count(units),
        price(usd_per_million)
    )
}

/// Write units of one put or delete of an item of `bytes`.
pub fn item_write_units(bytes: f64) -> f64 {
    (bytes / WRITE_UNIT_BYTES).ceil().max(1.0)
}

impl Scenario {
    pub(crate) fn class_prices<'p>(&self, prices: &'p Prices) -> &'p ClassPrices {
        match self.table_class {
            TableClass::Standard => &prices.standard,
            TableClass::StandardIa => &prices.standard_ia,
        }
    }

    /// The month's usage.
    pub(crate) fn usage(&self) -> Usage {
        let records_per_request: f64 = self.records.iter().map(|(n, p)| n * p).sum();
        let records_per_day = self.requests_per_day * records_per_request;
        let write_units_per_record = item_write_units(self.record_bytes);
        let write_units = records_per_day * write_units_per_record * DAYS_PER_MONTH;
        let (read_units_per_read_back, pages_per_read_back) =
            self.records
                .iter()
                .fold((0.0, 0.0), |(units, pages), &(n, p)| {
                    let (u, pg) = query_read_units(n, self.record_bytes, self.consistent);
                    (units + p * u, pages + p * pg)
                });
        let read_units = self.reads_per_day * read_units_per_read_back * DAYS_PER_MONTH;
        let explicit = self.deletes == Deletes::Explicit;
        let delete_units = if explicit { write_units } else { 0.0 };
        let items_stored = records_per_day * self.retention_days;
        let table_gb = items_stored * (self.record_bytes + ITEM_OVERHEAD_BYTES) / GB;
        let index_entry_bytes = match self.gsi {
            Gsi::None => 0.0,
            Gsi::KeysOnly => self.index_entry_bytes,
            Gsi::All => self.record_bytes,
        };
        let (index_units_per_record, index_gb) = if self.gsi == Gsi::None {
            (0.0, 0.0)
        } else {
            (
                item_write_units(index_entry_bytes),
                items_stored * (index_entry_bytes + ITEM_OVERHEAD_BYTES) / GB,
            )
        };
        // TTL deletes are free, the index's share included; explicit deletes remove the entry.
        let index_writes_per_record = if explicit { 2.0 } else { 1.0 };
        let index_write_units =
            records_per_day * index_units_per_record * index_writes_per_record * DAYS_PER_MONTH;
        Usage {
            records_per_request,
            records_per_day,
            write_units_per_record,
            write_units,
            read_units_per_read_back,
            pages_per_read_back,
            read_units,
            delete_units,
            items_stored,
            table_gb,
            index_entry_bytes,
            index_units_per_record,
            index_write_units,
            index_gb,
        }
    }

    /// The on-demand bill.
    pub(crate) fn on_demand(&self, u: &Usage, prices: &Prices) -> Bill {
        let class = self.class_prices(prices);
        // Prices per million units as given (shown unrounded), and per unit.
        let wru_m = class.write_request_units_per_million.usd.0;
        let rru_m = class.read_request_units_per_million.usd.0;
        let (wru, rru) = (wru_m / 1e6, rru_m / 1e6);
        let writes = BillLine {
            kind: LineKind::Writes,
            usd_per_month: u.write_units * wru,
            formula: format!(
                "{} requests/day x {} records x {} WRU per record (ceil({} B / 1024)) {}",
                count(self.requests_per_day),
                num(u.records_per_request, 2),
                count(u.write_units_per_record),
                num(self.record_bytes, 1),
                monthly(u.write_units, "WRU", wru_m)
            ),
        };
        let reads = BillLine {
            kind: LineKind::Reads,
            usd_per_month: u.read_units * rru,
            formula: if self.reads_per_day == 0.0 {
                "no read-backs: 0 RRU".into()
            } else {
                format!(
                    "{} read-backs/day x {} RRU each ({}) {}",
                    count(self.reads_per_day),
                    num(u.read_units_per_read_back, 3),
                    self.read_back_rule(u),
                    monthly(u.read_units, "RRU", rru_m)
                )
            },
        };
        let deletes = BillLine {
            kind: LineKind::Deletes,
            usd_per_month: u.delete_units * wru,
            formula: match self.deletes {
                Deletes::Ttl => "TTL deletes are free: 0 WRU".into(),
                Deletes::Explicit => format!(
                    "one delete per record written, {} WRU each like its put = {} WRU x {}/million",
                    count(u.write_units_per_record),
                    count(u.delete_units),
                    price(wru_m)
                ),
            },
        };
        let storage = self.storage(u, prices);
        let gsi_writes = u.index_write_units * wru;
        let gsi = BillLine {
            kind: LineKind::Gsi,
            usd_per_month: gsi_writes + storage.index_usd,
            formula: match self.gsi {
                Gsi::None => "no index".into(),
                _ => format!(
                    "{}: {} WRU per record x {} x {} records/day {} = {}; plus storage {}",
                    self.index_rule(u),
                    count(u.index_units_per_record),
                    self.index_writes_text(),
                    count(u.records_per_day),
                    monthly(u.index_write_units, "WRU", wru_m),
                    usd(gsi_writes),
                    storage.index_formula
                ),
            },
        };
        Bill {
            write_units: u.write_units + u.delete_units + u.index_write_units,
            read_units: u.read_units,
            ..Bill::of(
                Mode::OnDemand,
                [
                    writes,
                    reads,
                    deletes,
                    storage.line,
                    gsi,
                    self.pitr(u, prices),
                ],
            )
        }
    }

    /// Provisioned units for `monthly_units` of traffic: ceil(average/s x peak / utilization),
    /// at least 1 (DynamoDB's least). Returns (units, average per second).
    pub(crate) fn provision(&self, monthly_units: f64) -> (f64, f64) {
        let average = monthly_units / SECONDS_PER_MONTH;
        let units = (average * self.peak_ratio / self.utilization)
            .ceil()
            .max(1.0);
        (units, average)
    }

    fn provision_text(&self, average: f64, units: f64, unit: &str) -> String {
        format!(
            "{}/s average x {} peak / {} utilization = ceil({}) = {} {unit}",
            num(average, 3),
            num(self.peak_ratio, 2),
            num(self.utilization, 3),
            num(average * self.peak_ratio / self.utilization, 3),
            count(units)
        )
    }

    /// The provisioned bill.
    pub(crate) fn provisioned(&self, u: &Usage, prices: &Prices) -> Bill {
        let class = self.class_prices(prices);
        let wcu_h = class.wcu_hour.usd.0;
        let rcu_h = class.rcu_hour.usd.0;
        let per_month = |units: f64, hourly: f64| units * hourly * HOURS_PER_MONTH;
        let hours = |hourly: f64, unit: &str| {
            format!(
                "x {}/{unit}-hour x {} h",
                price(hourly),
                count(HOURS_PER_MONTH)
            )
        };
        let (write_wcu, write_avg) = self.provision(u.write_units);
        let writes = BillLine {
            kind: LineKind::Writes,
            usd_per_month: per_month(write_wcu, wcu_h),
            formula: format!(
                "{} write units / {} s = {} {}",
                count(u.write_units),
                count(SECONDS_PER_MONTH),
                self.provision_text(write_avg, write_wcu, "WCU"),
                hours(wcu_h, "WCU")
            ),
        };
        // Deletes share the table's WCU with the writes: they cost the WCU they add.
        let (table_wcu, table_avg) = self.provision(u.write_units + u.delete_units);
        let delete_wcu = table_wcu - write_wcu;
        let deletes = BillLine {
            kind: LineKind::Deletes,
            usd_per_month: per_month(delete_wcu, wcu_h),
            formula: match self.deletes {
                Deletes::Ttl => "TTL deletes are free: no WCU".into(),
                Deletes::Explicit => format!(
                    "writes and deletes {}, {} more than the writes alone {}",
                    self.provision_text(table_avg, table_wcu, "WCU"),
                    count(delete_wcu),
                    hours(wcu_h, "WCU")
                ),
            },
        };
        let (table_rcu, read_avg) = self.provision(u.read_units);
        let reads = BillLine {
            kind: LineKind::Reads,
            usd_per_month: per_month(table_rcu, rcu_h),
            formula: format!(
                "{} read units / {} s = {} (at least 1) {}",
                count(u.read_units),
                count(SECONDS_PER_MONTH),
                self.provision_text(read_avg, table_rcu, "RCU"),
                hours(rcu_h, "RCU")
            ),
        };
        let storage = self.storage(u, prices);
        // An index has its own provisioned capacity: WCU for its writes, and at least 1 RCU
        // although read-backs query the table, not the index.
        let (index_wcu, index_rcu, index_avg) = if self.gsi == Gsi::None {
            (0.0, 0.0, 0.0)
        } else {
            let (w, avg) = self.provision(u.index_write_units);
            (w, 1.0, avg)
        };
        let index_capacity = per_month(index_wcu, wcu_h) + per_month(index_rcu, rcu_h);
        let gsi = BillLine {
            kind: LineKind::Gsi,
            usd_per_month: index_capacity + storage.index_usd,
            formula: match self.gsi {
                Gsi::None => "no index".into(),
                _ => format!(
                    "{}: {} write units / {} s = {} {}, plus 1 RCU (an index's least) {} = {}; plus storage {}",
                    self.index_rule(u),
                    count(u.index_write_units),
                    count(SECONDS_PER_MONTH),
                    self.provision_text(index_avg, index_wcu, "WCU"),
                    hours(wcu_h, "WCU"),
                    hours(rcu_h, "RCU"),
                    usd(index_capacity),
                    storage.index_formula
                ),
            },
        };
        Bill {
            provisioned_wcu: table_wcu + index_wcu,
            provisioned_rcu: table_rcu + index_rcu,
            ..Bill::of(
                Mode::Provisioned,
                [
                    writes,
                    reads,
                    deletes,
                    storage.line,
                    gsi,
                    self.pitr(u, prices),
                ],
            )
        }
    }

    /// How a read-back's units come about, in words and figures.
    fn read_back_rule(&self, u: &Usage) -> String {
        let half = if self.consistent {
            "strongly consistent"
        } else {
            "eventual: half"
        };
        match self.records.as_slice() {
            [(n, _)] => format!(
                "{} records x {} B = {} B in {} page(s) of at most 1 MB, ceil(page bytes / 4096) each, {half}",
                num(*n, 2),
                num(self.record_bytes, 1),
                count(n * self.record_bytes),
                count(u.pages_per_read_back)
            ),
            _ => format!(
                "expected over the records-per-request distribution: {} page(s) of at most 1 MB on average, ceil(page bytes / 4096) each, {half}",
                num(u.pages_per_read_back, 3)
            ),
        }
    }

    fn index_rule(&self, u: &Usage) -> String {
        match self.gsi {
            Gsi::None => String::new(),
            Gsi::KeysOnly => format!(
                "keys-only index on customer_id, each entry {} B (request_id, seq, customer_id)",
                num(u.index_entry_bytes, 1)
            ),
            Gsi::All => format!(
                "index on customer_id projecting all, each entry the whole item, {} B",
                num(u.index_entry_bytes, 1)
            ),
        }
    }

    fn index_writes_text(&self) -> &'static str {
        match self.deletes {
            Deletes::Ttl => "1 (the put; TTL removes the entry free)",
            Deletes::Explicit => "2 (the put and the delete)",
        }
    }
}

/// The storage line, and the index's storage (which the gsi line carries).
pub(crate) struct Storage {
    pub line: BillLine,
    pub index_usd: f64,
    pub index_formula: String,
}

impl Scenario {
    /// Table storage, and the index's; the free tier's 25 GB (Standard class only) comes off
    /// the table first, then the index.
    pub(crate) fn storage(&self, u: &Usage, prices: &Prices) -> Storage {
        let per_gb = self.class_prices(prices).storage_gb_month.usd.0;
        let free = match (self.free_tier, self.table_class) {
            (true, TableClass::Standard) => prices.free_storage_gb.value.0,
            _ => 0.0,
        };
        let table_billed = (u.table_gb - free).max(0.0);
        let index_billed = (u.index_gb - (free - u.table_gb).max(0.0)).max(0.0);
        let free_text = match (self.free_tier, self.table_class) {
            (false, _) => String::new(),
            (true, TableClass::Standard) => {
                format!(" - {} GB free = {} GB", num(free, 2), num(table_billed, 3))
            }
            (true, TableClass::StandardIa) => {
                " (the free tier's storage is for the Standard class only)".into()
            }
        };
        let line = BillLine {
            kind: LineKind::Storage,
            usd_per_month: table_billed * per_gb,
            formula: format!(
                "{} records/day x {} days = {} items x ({} B + 100 B overhead) / 2^30 = {} GB{free_text} x {}/GB-month",
                count(u.records_per_day),
                num(self.retention_days, 2),
                count(u.items_stored),
                num(self.record_bytes, 1),
                num(u.table_gb, 3),
                price(per_gb)
            ),
        };
        let index_free = if index_billed < u.index_gb {
            format!(" ({} GB of it free)", num(u.index_gb - index_billed, 3))
        } else {
            String::new()
        };
        Storage {
            line,
            index_usd: index_billed * per_gb,
            index_formula: format!(
                "{} entries x ({} B + 100 B) / 2^30 = {} GB{index_free} x {}/GB-month = {}",
                count(u.items_stored),
                num(u.index_entry_bytes, 1),
                num(u.index_gb, 3),
                price(per_gb),
                usd(index_billed * per_gb)
            ),
        }
    }

    /// PITR is billed on the table's size (data and local secondary indexes, not global
    /// ones), with no free tier.
    pub(crate) fn pitr(&self, u: &Usage, prices: &Prices) -> BillLine {
        let per_gb = prices.pitr_gb_month.usd.0;
        BillLine {
            kind: LineKind::Pitr,
            usd_per_month: if self.pitr { u.table_gb * per_gb } else { 0.0 },
            formula: if self.pitr {
                format!(
                    "{} GB table size (GSIs not included) x {}/GB-month",
                    num(u.table_gb, 3),
                    price(per_gb)
                )
            } else {
                "off".into()
            },
        }
    }
}
