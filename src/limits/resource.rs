//! What a limit applies to: reads or writes ([`Kind`]) of a table or one of its GSIs
//! ([`Resource`]). Shared by the model (its buckets) and the throttling answers (their
//! reasons and messages), so that neither needs the other's types.

use super::config::{Rates, thousands};

/// Reads or writes: separate buckets everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Read capacity.
    Read,
    /// Write capacity.
    Write,
}

impl Kind {
    /// This kind's rate of `rates`.
    pub(crate) fn of(self, rates: Rates) -> f64 {
        match self {
            Kind::Read => rates.read,
            Kind::Write => rates.write,
        }
    }
}

/// A table, or one of its global secondary indexes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Resource {
    /// Table name.
    pub table: String,
    /// GSI name; `None` for the table itself (LSIs share the table's capacity).
    pub index: Option<String>,
}

impl Resource {
    /// The table itself.
    pub fn table(name: &str) -> Self {
        Resource {
            table: name.to_owned(),
            index: None,
        }
    }

    /// A GSI of `table`.
    pub fn index(table: &str, index: &str) -> Self {
        Resource {
            table: table.to_owned(),
            index: Some(index.to_owned()),
        }
    }
}

/// Units per second of a limit, for messages (`1,000 WCU/s`).
pub(crate) fn per_second(units: f64, kind: Kind) -> String {
    let unit = match kind {
        Kind::Read => "RCU",
        Kind::Write => "WCU",
    };
    format!("{} {unit}/s", thousands(units))
}
