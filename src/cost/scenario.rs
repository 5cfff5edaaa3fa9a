//! The inputs as numbers the model computes with, and the variations the comparisons need:
//! the other delete mode, the other consistency, another utilization, each input +10%.

use super::inputs::{CostInputs, Deletes, Gsi, TableClass};
use crate::request::schema::MAX_ITEM_BYTES;

/// A workload and table, resolved to numbers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scenario {
    pub requests_per_day: f64,
    /// (records per request, probability).
    pub records: Vec<(f64, f64)>,
    pub record_bytes: f64,
    pub index_entry_bytes: f64,
    pub reads_per_day: f64,
    pub consistent: bool,
    pub retention_days: f64,
    pub deletes: Deletes,
    pub gsi: Gsi,
    pub peak_ratio: f64,
    pub utilization: f64,
    pub table_class: TableClass,
    pub pitr: bool,
    pub free_tier: bool,
}

impl Scenario {
    pub(crate) fn from_inputs(i: &CostInputs) -> Self {
        Scenario {
            requests_per_day: i.requests_per_day,
            records: i.records.distribution(),
            record_bytes: i.record_bytes,
            index_entry_bytes: i.index_entry_bytes,
            reads_per_day: i.reads_per_day,
            consistent: i.consistent,
            retention_days: i.retention_days,
            deletes: i.deletes,
            gsi: i.gsi,
            peak_ratio: i.peak_ratio,
            utilization: i.utilization,
            table_class: i.table_class,
            pitr: i.pitr,
            free_tier: i.free_tier,
        }
    }
}

/// An input the sensitivity list moves by +10%.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Knob {
    RequestsPerDay,
    RecordsPerRequest,
    RecordBytes,
    ReadsPerDay,
    RetentionDays,
    PeakRatio,
    Utilization,
}

impl Knob {
    pub(crate) const ALL: [Knob; 7] = [
        Knob::RequestsPerDay,
        Knob::RecordsPerRequest,
        Knob::RecordBytes,
        Knob::ReadsPerDay,
        Knob::RetentionDays,
        Knob::PeakRatio,
        Knob::Utilization,
    ];

    /// The flag's name without dashes, as the sensitivity list names it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Knob::RequestsPerDay => "requests-per-day",
            Knob::RecordsPerRequest => "records-per-request",
            Knob::RecordBytes => "record-bytes",
            Knob::ReadsPerDay => "reads-per-day",
            Knob::RetentionDays => "retention-days",
            Knob::PeakRatio => "peak-ratio",
            Knob::Utilization => "utilization",
        }
    }

    /// Only provisioned capacity depends on these.
    pub(crate) fn provisioned_only(self) -> bool {
        matches!(self, Knob::PeakRatio | Knob::Utilization)
    }

    /// `s` with this input 10% higher, and a note when a limit stopped it (an item's
    /// 400 KB, a utilization of 1).
    pub(crate) fn raise(self, s: &Scenario) -> (Scenario, Option<&'static str>) {
        const UP: f64 = 1.1;
        let mut t = s.clone();
        let mut note = None;
        match self {
            Knob::RequestsPerDay => t.requests_per_day *= UP,
            Knob::RecordsPerRequest => {
                for (n, _) in &mut t.records {
                    *n *= UP;
                }
            }
            Knob::RecordBytes => {
                let max = MAX_ITEM_BYTES as f64;
                t.record_bytes = (s.record_bytes * UP).min(max);
                if s.record_bytes * UP > max {
                    note = Some("capped at 400 KB");
                }
            }
            Knob::ReadsPerDay => t.reads_per_day *= UP,
            Knob::RetentionDays => t.retention_days *= UP,
            Knob::PeakRatio => t.peak_ratio *= UP,
            Knob::Utilization => {
                t.utilization = (s.utilization * UP).min(1.0);
                if s.utilization * UP > 1.0 {
                    note = Some("capped at 1");
                }
            }
        }
        (t, note)
    }
}
