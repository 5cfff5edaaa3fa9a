//! What the cost model is asked about: the workload, the table's options, and where the
//! record size came from. Plain data: the CLI fills it from flags and a measurement, the
//! TUI's Cost tab from editable fields; [`CostInputs::validate`] says what is wrong, by flag name.

use serde::Serialize;

use crate::request::generate::realistic_distribution;
use crate::request::schema::MAX_ITEM_BYTES;

/// How many records a request has.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordsPerRequest {
    /// Every request has this many (a mean, so it may have a fraction).
    Fixed(f64),
    /// The generator's realistic mix (`generate --mix realistic`), its exact distribution.
    Realistic,
    /// Record counts of requests actually written (e.g. this session's), one per request.
    Sample(Vec<u32>),
}

impl RecordsPerRequest {
    /// Each possible record count with its probability (summing to 1). Read-backs need the
    /// whole distribution, not just its mean: a Query's units round up per page, so one
    /// 5,000-record request costs more than 5,000 one-record requests' share of it.
    pub fn distribution(&self) -> Vec<(f64, f64)> {
        match self {
            RecordsPerRequest::Fixed(n) => vec![(*n, 1.0)],
            RecordsPerRequest::Realistic => realistic_distribution()
                .into_iter()
                .map(|(n, p)| (f64::from(n), p))
                .collect(),
            RecordsPerRequest::Sample(counts) => {
                let share = 1.0 / counts.len().max(1) as f64;
                counts.iter().map(|&n| (f64::from(n), share)).collect()
            }
        }
    }

    /// The mean records per request.
    pub fn mean(&self) -> f64 {
        match self {
            RecordsPerRequest::Fixed(n) => *n,
            RecordsPerRequest::Realistic => crate::request::generate::realistic_mean(),
            RecordsPerRequest::Sample(_) => self.distribution().iter().map(|(n, p)| n * p).sum(),
        }
    }

    /// Short name for output: `fixed`, `realistic` or `sample`.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordsPerRequest::Fixed(_) => "fixed",
            RecordsPerRequest::Realistic => "realistic",
            RecordsPerRequest::Sample(_) => "sample",
        }
    }
}

/// How expired records leave the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Deletes {
    /// TTL: DynamoDB deletes them for free.
    Ttl,
    /// The application deletes each record: one write per record, as large as the put.
    Explicit,
}

/// A global secondary index on customer id, and what it projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Gsi {
    /// No index.
    None,
    /// KEYS_ONLY: the table's keys and customer id.
    KeysOnly,
    /// ALL: every attribute, a second copy of each record.
    All,
}

/// Which capacity modes to price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityChoice {
    /// On-demand only.
    OnDemand,
    /// Provisioned only.
    Provisioned,
    /// Both, side by side (the default).
    Both,
}

impl CapacityChoice {
    /// Is on-demand priced?
    pub fn on_demand(self) -> bool {
        self != CapacityChoice::Provisioned
    }
    /// Is provisioned priced?
    pub fn provisioned(self) -> bool {
        self != CapacityChoice::OnDemand
    }
}

/// The table class, which picks the prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableClass {
    /// DynamoDB Standard.
    Standard,
    /// DynamoDB Standard-Infrequent Access: cheaper storage, dearer requests.
    StandardIa,
}

/// Where the record size came from; every output says which.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SizeSource {
    /// `--record-bytes`.
    Flag,
    /// The mean of items read by one Scan page (at most 1 MB) of a table.
    Measured {
        /// The table scanned.
        table: String,
        /// Items the page held.
        items: u64,
    },
    /// A record as `generate` writes it with this payload, sized by `size::item_size`.
    Generated {
        /// Its payload bytes.
        payload_bytes: usize,
        /// Why nothing was measured (e.g. the table is empty).
        reason: String,
    },
    /// The mean of records this session wrote.
    Session {
        /// Records written.
        records: u64,
    },
    /// The mean of the records the TUI's Explore screen read (the request in its Items pane).
    Explored {
        /// Records read.
        records: u64,
    },
}

impl SizeSource {
    /// One phrase for output, e.g. "measured: mean of 2,975 items in one Scan page of requests".
    pub fn describe(&self) -> String {
        match self {
            SizeSource::Flag => "given with --record-bytes".into(),
            SizeSource::Measured { table, items } => format!(
                "measured: mean of the {} items one Scan page (at most 1 MB) of table {table} read",
                super::fmt::count(*items as f64)
            ),
            SizeSource::Generated {
                payload_bytes,
                reason,
            } => format!(
                "a generated record with a {payload_bytes}-byte payload, sized as DynamoDB counts it ({reason})"
            ),
            SizeSource::Session { records } => format!(
                "measured: mean of the {} records this session wrote",
                super::fmt::count(*records as f64)
            ),
            SizeSource::Explored { records } => format!(
                "measured: mean of the {} records read on the Explore screen",
                super::fmt::count(*records as f64)
            ),
        }
    }
}

/// Everything the model needs. Numbers are per day, bytes, days, or ratios, as named.
#[derive(Debug, Clone, PartialEq)]
pub struct CostInputs {
    /// Requests written per day.
    pub requests_per_day: f64,
    /// Records per request.
    pub records: RecordsPerRequest,
    /// Mean item size in bytes, names and values, as DynamoDB sizes it.
    pub record_bytes: f64,
    /// Size of one keys-only index entry (request_id, seq, customer_id), for `--gsi keys-only`.
    pub index_entry_bytes: f64,
    /// Where `record_bytes` came from.
    pub size_source: SizeSource,
    /// Requests read back per day, each a Query of all its records.
    pub reads_per_day: f64,
    /// Strongly consistent read-backs (twice the units of eventual).
    pub consistent: bool,
    /// Days a record stays in the table.
    pub retention_days: f64,
    /// TTL or explicit deletes.
    pub deletes: Deletes,
    /// The customer-id index.
    pub gsi: Gsi,
    /// Which capacity modes to price.
    pub capacity: CapacityChoice,
    /// Peak traffic over average (provisioned capacity must carry the peak).
    pub peak_ratio: f64,
    /// Auto scaling's target utilization, in (0, 1].
    pub utilization: f64,
    /// Standard or Standard-IA.
    pub table_class: TableClass,
    /// Point-in-time recovery on.
    pub pitr: bool,
    /// Take the free tier's 25 GB off storage.
    pub free_tier: bool,
}

/// Defaults shared by the CLI's `--help` and the TUI's fields.
pub mod defaults {
    /// `--retention-days`: generated records expire after this many days.
    pub const RETENTION_DAYS: f64 = crate::request::generate::DEFAULT_TTL_DAYS as f64;
    /// `--peak-ratio`.
    pub const PEAK_RATIO: f64 = 2.0;
    /// `--utilization`: auto scaling's default target is 70%.
    pub const UTILIZATION: f64 = 0.7;
    /// `--reads-per-day` when not given: this share of the requests written ("read back
    /// rarely").
    pub const READ_SHARE: f64 = 0.01;
}

impl CostInputs {
    /// Inputs with every default: one record per request, reads 1% of requests, 30 days, TTL,
    /// no index, both capacity modes, Standard class.
    pub fn with_defaults(
        requests_per_day: f64,
        record_bytes: f64,
        index_entry_bytes: f64,
        size_source: SizeSource,
    ) -> Self {
        CostInputs {
            requests_per_day,
            records: RecordsPerRequest::Fixed(1.0),
            record_bytes,
            index_entry_bytes,
            size_source,
            reads_per_day: requests_per_day * defaults::READ_SHARE,
            consistent: false,
            retention_days: defaults::RETENTION_DAYS,
            deletes: Deletes::Ttl,
            gsi: Gsi::None,
            capacity: CapacityChoice::Both,
            peak_ratio: defaults::PEAK_RATIO,
            utilization: defaults::UTILIZATION,
            table_class: TableClass::Standard,
            pitr: false,
            free_tier: false,
        }
    }

    /// The first thing wrong with these inputs, if any.
    pub fn validate(&self) -> Result<(), InputError> {
        positive("--requests-per-day", self.requests_per_day)?;
        match &self.records {
            RecordsPerRequest::Fixed(n) => {
                finite("--records-per-request", *n)?;
                if *n < 1.0 {
                    return Err(InputError::AtLeastOneRecord(*n));
                }
            }
            RecordsPerRequest::Sample(counts) => {
                if counts.is_empty() || counts.contains(&0) {
                    return Err(InputError::EmptySample);
                }
            }
            RecordsPerRequest::Realistic => {}
        }
        positive("--record-bytes", self.record_bytes)?;
        if self.record_bytes > MAX_ITEM_BYTES as f64 {
            return Err(InputError::TooLarge(self.record_bytes));
        }
        positive("index entry bytes", self.index_entry_bytes)?;
        finite("--reads-per-day", self.reads_per_day)?;
        if self.reads_per_day < 0.0 {
            return Err(InputError::Negative {
                flag: "--reads-per-day",
                value: self.reads_per_day,
            });
        }
        positive("--retention-days", self.retention_days)?;
        finite("--peak-ratio", self.peak_ratio)?;
        if self.peak_ratio < 1.0 {
            return Err(InputError::PeakBelowAverage(self.peak_ratio));
        }
        finite("--utilization", self.utilization)?;
        if !(self.utilization > 0.0 && self.utilization <= 1.0) {
            return Err(InputError::Utilization(self.utilization));
        }
        Ok(())
    }
}

fn finite(flag: &'static str, value: f64) -> Result<(), InputError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(InputError::NotFinite { flag })
    }
}

fn positive(flag: &'static str, value: f64) -> Result<(), InputError> {
    finite(flag, value)?;
    if value > 0.0 {
        Ok(())
    } else {
        Err(InputError::NotPositive { flag, value })
    }
}

/// Why inputs cannot be priced. Each names the flag (the TUI shows it next to the field).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    /// Zero or negative where only more than zero means anything.
    #[error("{flag} {value} must be more than 0")]
    NotPositive {
        /// The flag.
        flag: &'static str,
        /// The value given.
        value: f64,
    },
    /// Negative where zero is the least.
    #[error("{flag} {value} is negative: give 0 or more")]
    Negative {
        /// The flag.
        flag: &'static str,
        /// The value given.
        value: f64,
    },
    /// Infinite or not a number.
    #[error("{flag} must be a finite number")]
    NotFinite {
        /// The flag.
        flag: &'static str,
    },
    /// A request has at least one record.
    #[error("--records-per-request {0} is less than 1: a request has at least one record")]
    AtLeastOneRecord(f64),
    /// A sample of record counts with nothing in it.
    #[error("the sample of records per request is empty or has a request of 0 records")]
    EmptySample,
    /// Over DynamoDB's item size limit.
    #[error(
        "--record-bytes {0} is over DynamoDB's item size limit of 400 KB (409,600 bytes, names included)"
    )]
    TooLarge(f64),
    /// Peak traffic cannot be below average traffic.
    #[error("--peak-ratio {0} is below 1: the peak cannot be less than the average")]
    PeakBelowAverage(f64),
    /// Utilization outside (0, 1].
    #[error("--utilization {0} is outside (0, 1]: give a fraction such as 0.7 for 70%")]
    Utilization(f64),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> CostInputs {
        CostInputs::with_defaults(1000.0, 350.0, 76.0, SizeSource::Flag)
    }

    #[test]
    fn validation_names_the_flag() {
        assert!(inputs().validate().is_ok());
        let mut i = inputs();
        i.requests_per_day = 0.0;
        assert!(
            i.validate()
                .unwrap_err()
                .to_string()
                .contains("--requests-per-day")
        );
        let mut i = inputs();
        i.record_bytes = 409_601.0;
        assert!(i.validate().unwrap_err().to_string().contains("400 KB"));
        let mut i = inputs();
        i.record_bytes = 409_600.0;
        assert!(i.validate().is_ok(), "exactly 400 KB fits");
        for u in [0.0, 1.01, -0.5, f64::NAN] {
            let mut i = inputs();
            i.utilization = u;
            assert!(
                i.validate()
                    .unwrap_err()
                    .to_string()
                    .contains("--utilization"),
                "{u}"
            );
        }
        let mut i = inputs();
        i.utilization = 1.0;
        assert!(i.validate().is_ok());
        let mut i = inputs();
        i.reads_per_day = 0.0;
        assert!(i.validate().is_ok(), "no read-backs is meaningful");
        i.reads_per_day = -1.0;
        assert!(i.validate().unwrap_err().to_string().contains("negative"));
        let mut i = inputs();
        i.records = RecordsPerRequest::Fixed(0.5);
        assert!(
            i.validate()
                .unwrap_err()
                .to_string()
                .contains("at least one")
        );
        let mut i = inputs();
        i.peak_ratio = 0.9;
        assert!(
            i.validate()
                .unwrap_err()
                .to_string()
                .contains("--peak-ratio")
        );
    }

    #[test]
    fn distributions_have_their_mean() {
        assert_eq!(RecordsPerRequest::Fixed(10.0).mean(), 10.0);
        assert_eq!(RecordsPerRequest::Sample(vec![1, 1, 4]).mean(), 2.0);
        let m = RecordsPerRequest::Realistic.mean();
        assert!(m > 25.0 && m < 27.0, "{m}");
    }
}
