//! The Cost screen's fields: text for numbers (typed digit by digit, checked on every
//! keystroke), choices cycled with Space. [`CostForm::inputs`] turns them into the cost
//! model's inputs, or says which field is wrong and why.

use crate::cost::{
    CapacityChoice, CostInputs, Deletes, Gsi, RecordsPerRequest, SizeSource, Sizes, TableClass,
};

/// The fields, in order on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Requests written per day.
    RequestsPerDay,
    /// Records per request, or the realistic mix.
    Records,
    /// Mean item bytes.
    RecordBytes,
    /// Requests read back per day.
    ReadsPerDay,
    /// Eventual or strong read-backs.
    Consistent,
    /// Days a record stays.
    RetentionDays,
    /// TTL or explicit deletes.
    Deletes,
    /// Index on customer id.
    Gsi,
    /// Peak over average traffic.
    PeakRatio,
    /// Auto scaling target.
    Utilization,
    /// Standard or Standard-IA.
    TableClass,
    /// Point-in-time recovery.
    Pitr,
    /// The free tier's 25 GB.
    FreeTier,
}

impl Field {
    /// Every field, top to bottom.
    pub const ALL: [Field; 13] = [
        Field::RequestsPerDay,
        Field::Records,
        Field::RecordBytes,
        Field::ReadsPerDay,
        Field::Consistent,
        Field::RetentionDays,
        Field::Deletes,
        Field::Gsi,
        Field::PeakRatio,
        Field::Utilization,
        Field::TableClass,
        Field::Pitr,
        Field::FreeTier,
    ];

    /// Its label, with the CLI flag it stands for.
    pub fn label(self) -> &'static str {
        match self {
            Field::RequestsPerDay => "requests/day",
            Field::Records => "records/request",
            Field::RecordBytes => "record bytes",
            Field::ReadsPerDay => "reads/day",
            Field::Consistent => "read-backs",
            Field::RetentionDays => "retention days",
            Field::Deletes => "deletes",
            Field::Gsi => "index (customer)",
            Field::PeakRatio => "peak ratio",
            Field::Utilization => "utilization",
            Field::TableClass => "table class",
            Field::Pitr => "PITR",
            Field::FreeTier => "free tier 25 GB",
        }
    }

    /// Digits are typed into it (the others cycle with Space).
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Field::RequestsPerDay
                | Field::Records
                | Field::RecordBytes
                | Field::ReadsPerDay
                | Field::RetentionDays
                | Field::PeakRatio
                | Field::Utilization
        )
    }
}

/// The fields' contents.
#[derive(Debug, Clone, PartialEq)]
pub struct CostForm {
    /// `--requests-per-day`.
    pub requests_per_day: String,
    /// `--records-per-request` (unused while `realistic`).
    pub records: String,
    /// `--mix realistic`.
    pub realistic: bool,
    /// `--record-bytes`.
    pub record_bytes: String,
    /// `--reads-per-day`.
    pub reads_per_day: String,
    /// `--consistent`.
    pub consistent: bool,
    /// `--retention-days`.
    pub retention_days: String,
    /// `--deletes`.
    pub deletes: Deletes,
    /// `--gsi`.
    pub gsi: Gsi,
    /// `--peak-ratio`.
    pub peak_ratio: String,
    /// `--utilization`.
    pub utilization: String,
    /// `--table-class`.
    pub table_class: TableClass,
    /// `--pitr`.
    pub pitr: bool,
    /// `--free-tier`.
    pub free_tier: bool,
    /// Where the record size came from, until the user types one.
    pub size_source: SizeSource,
    /// A keys-only index entry's bytes (request_id, seq, customer_id).
    pub index_entry_bytes: f64,
}

impl Default for CostForm {
    /// The CLI's defaults, for a million requests a day of the generator's realistic mix,
    /// sized as a generated record (nothing measured yet).
    fn default() -> Self {
        let sizes = Sizes::generated("nothing read on the Explore screen yet".into());
        let d = CostInputs::with_defaults(
            1_000_000.0,
            sizes.record_bytes,
            sizes.index_entry_bytes,
            sizes.source.clone(),
        );
        CostForm {
            requests_per_day: number_text(d.requests_per_day),
            records: "1".into(),
            realistic: true,
            record_bytes: number_text(sizes.record_bytes.round()),
            reads_per_day: number_text(d.reads_per_day),
            consistent: d.consistent,
            retention_days: number_text(d.retention_days),
            deletes: d.deletes,
            gsi: d.gsi,
            peak_ratio: number_text(d.peak_ratio),
            utilization: number_text(d.utilization),
            table_class: d.table_class,
            pitr: d.pitr,
            free_tier: d.free_tier,
            size_source: sizes.source,
            index_entry_bytes: sizes.index_entry_bytes,
        }
    }
}

/// `1000000`, `0.7`: as short as the number allows.
fn number_text(x: f64) -> String {
    format!("{x}")
}

impl CostForm {
    /// A number field's text.
    pub fn text_mut(&mut self, field: Field) -> Option<&mut String> {
        Some(match field {
            Field::RequestsPerDay => &mut self.requests_per_day,
            Field::Records => &mut self.records,
            Field::RecordBytes => &mut self.record_bytes,
            Field::ReadsPerDay => &mut self.reads_per_day,
            Field::RetentionDays => &mut self.retention_days,
            Field::PeakRatio => &mut self.peak_ratio,
            Field::Utilization => &mut self.utilization,
            _ => return None,
        })
    }

    /// What the field shows.
    pub fn value(&self, field: Field) -> String {
        let on_off = |b: bool| if b { "on" } else { "off" }.to_owned();
        match field {
            Field::RequestsPerDay => self.requests_per_day.clone(),
            Field::Records if self.realistic => "realistic mix".into(),
            Field::Records => self.records.clone(),
            Field::RecordBytes => self.record_bytes.clone(),
            Field::ReadsPerDay => self.reads_per_day.clone(),
            Field::Consistent => if self.consistent {
                "strong"
            } else {
                "eventual"
            }
            .into(),
            Field::RetentionDays => self.retention_days.clone(),
            Field::Deletes => match self.deletes {
                Deletes::Ttl => "ttl (free)",
                Deletes::Explicit => "explicit",
            }
            .into(),
            Field::Gsi => match self.gsi {
                Gsi::None => "none",
                Gsi::KeysOnly => "keys-only",
                Gsi::All => "all",
            }
            .into(),
            Field::PeakRatio => self.peak_ratio.clone(),
            Field::Utilization => self.utilization.clone(),
            Field::TableClass => match self.table_class {
                TableClass::Standard => "standard",
                TableClass::StandardIa => "standard-ia",
            }
            .into(),
            Field::Pitr => on_off(self.pitr),
            Field::FreeTier => on_off(self.free_tier),
        }
    }

    /// Types a character into a number field (digits and one `.`); anything else is ignored.
    pub fn type_char(&mut self, field: Field, c: char) {
        if field == Field::Records && self.realistic {
            if c.is_ascii_digit() {
                self.realistic = false;
                self.records = c.to_string();
            }
            return;
        }
        let is_record_bytes = field == Field::RecordBytes;
        let Some(text) = self.text_mut(field) else {
            return;
        };
        let accepted = c.is_ascii_digit() || (c == '.' && !text.contains('.'));
        // 15 digits: more than any real workload, and an f64 still holds it exactly.
        if accepted && text.len() < 15 {
            text.push(c);
            if is_record_bytes {
                self.size_source = SizeSource::Flag;
            }
        }
    }

    /// Deletes the last character of a number field.
    pub fn backspace(&mut self, field: Field) {
        if field == Field::RecordBytes {
            self.size_source = SizeSource::Flag;
        }
        if let Some(text) = self.text_mut(field) {
            text.pop();
        }
    }

    /// Cycles a choice (or the records field between fixed and realistic).
    pub fn cycle(&mut self, field: Field) {
        match field {
            Field::Records => self.realistic = !self.realistic,
            Field::Consistent => self.consistent = !self.consistent,
            Field::Deletes => {
                self.deletes = match self.deletes {
                    Deletes::Ttl => Deletes::Explicit,
                    Deletes::Explicit => Deletes::Ttl,
                }
            }
            Field::Gsi => {
                self.gsi = match self.gsi {
                    Gsi::None => Gsi::KeysOnly,
                    Gsi::KeysOnly => Gsi::All,
                    Gsi::All => Gsi::None,
                }
            }
            Field::TableClass => {
                self.table_class = match self.table_class {
                    TableClass::Standard => TableClass::StandardIa,
                    TableClass::StandardIa => TableClass::Standard,
                }
            }
            Field::Pitr => self.pitr = !self.pitr,
            Field::FreeTier => self.free_tier = !self.free_tier,
            _ => {}
        }
    }

    /// Takes the record size from records that were read, unless the user typed one.
    pub fn measured(&mut self, sizes: Sizes) {
        if self.size_source == SizeSource::Flag {
            return;
        }
        self.record_bytes = number_text(sizes.record_bytes.round());
        self.index_entry_bytes = sizes.index_entry_bytes;
        self.size_source = sizes.source;
    }

    /// The model's inputs, or the field that is wrong and why.
    pub fn inputs(&self) -> Result<CostInputs, (Field, String)> {
        let num = |field: Field, text: &str| -> Result<f64, (Field, String)> {
            text.parse::<f64>()
                .map_err(|_| (field, format!("{}: type a number", field.label())))
        };
        let mut inputs = CostInputs::with_defaults(
            num(Field::RequestsPerDay, &self.requests_per_day)?,
            num(Field::RecordBytes, &self.record_bytes)?,
            self.index_entry_bytes,
            self.size_source.clone(),
        );
        inputs.records = if self.realistic {
            RecordsPerRequest::Realistic
        } else {
            RecordsPerRequest::Fixed(num(Field::Records, &self.records)?)
        };
        inputs.reads_per_day = num(Field::ReadsPerDay, &self.reads_per_day)?;
        inputs.consistent = self.consistent;
        inputs.retention_days = num(Field::RetentionDays, &self.retention_days)?;
        inputs.deletes = self.deletes;
        inputs.gsi = self.gsi;
        inputs.capacity = CapacityChoice::Both;
        inputs.peak_ratio = num(Field::PeakRatio, &self.peak_ratio)?;
        inputs.utilization = num(Field::Utilization, &self.utilization)?;
        inputs.table_class = self.table_class;
        inputs.pitr = self.pitr;
        inputs.free_tier = self.free_tier;
        inputs.validate().map_err(|e| {
            let message = e.to_string();
            // The model names the flag; point at the field that carries it.
            let field = Field::ALL
                .into_iter()
                .find(|f| message.contains(flag_of(*f)))
                .unwrap_or(Field::RequestsPerDay);
            (field, message)
        })?;
        Ok(inputs)
    }
}

/// The CLI flag a field stands for, as the model's messages name it.
fn flag_of(field: Field) -> &'static str {
    match field {
        Field::RequestsPerDay => "--requests-per-day",
        Field::Records => "--records-per-request",
        Field::RecordBytes => "--record-bytes",
        Field::ReadsPerDay => "--reads-per-day",
        Field::Consistent => "--consistent",
        Field::RetentionDays => "--retention-days",
        Field::Deletes => "--deletes",
        Field::Gsi => "--gsi",
        Field::PeakRatio => "--peak-ratio",
        Field::Utilization => "--utilization",
        Field::TableClass => "--table-class",
        Field::Pitr => "--pitr",
        Field::FreeTier => "--free-tier",
    }
}
