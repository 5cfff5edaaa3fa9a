//! The least time the model allows for a planned write, for the generate preview
//! ("10,000 WCU into 1 partition key: at least 9.0 s at 1,000 WCU/s").
//!
//! Each bucket can give what it holds at the start plus its rate times the time passed, so a
//! write of `W` units through a bucket starting with one second's worth `R` takes at least
//! `(W - R) / R` seconds. The slowest bucket bounds the write: the largest partition key's
//! (1,000 WCU/s, starting full) or the table's (starting with one second's worth, as a fresh
//! table does). A provisioned table that has banked burst can go faster than its bound says,
//! and the preview says so; a write can also end one item's worth into debt (an item is
//! admitted while its buckets hold anything), which the bound leaves out.

use std::fmt;

use super::config::{LimitsConfig, Mode, ON_DEMAND_WRITE_UNITS, PARTITION_WRITE_UNITS, thousands};

/// A planned write as the preview knows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WritePlan {
    /// Write units of the whole write.
    pub total_wcu: f64,
    /// Partition key values written (request ids).
    pub partition_keys: u64,
    /// Write units of the largest partition key's share.
    pub largest_key_wcu: f64,
}

impl WritePlan {
    /// `total_wcu` spread evenly over `partition_keys`.
    pub fn even(total_wcu: f64, partition_keys: u64) -> Self {
        WritePlan {
            total_wcu,
            partition_keys,
            largest_key_wcu: total_wcu / partition_keys.max(1) as f64,
        }
    }

    /// Requests of `records_per_key` records each costing `wcu_per_record` (generate's plan).
    pub fn records(records_per_key: &[u32], wcu_per_record: f64) -> Self {
        let total: u64 = records_per_key.iter().map(|&n| u64::from(n)).sum();
        let largest = records_per_key.iter().copied().max().unwrap_or(0);
        WritePlan {
            total_wcu: total as f64 * wcu_per_record,
            partition_keys: records_per_key.len() as u64,
            largest_key_wcu: f64::from(largest) * wcu_per_record,
        }
    }
}

/// Which limit bounds the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundBy {
    /// One partition key's 1,000 WCU/s.
    PartitionKey,
    /// The table's provisioned write rate.
    ProvisionedTable,
    /// A new on-demand table's 4,000 WCU/s.
    OnDemandTable,
}

/// The least time the model allows for a write.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WriteTimeBound {
    /// The plan it is for.
    pub plan: WritePlan,
    /// At least this many seconds.
    pub seconds: f64,
    /// The binding limit's rate, WCU/s.
    pub rate: f64,
    /// Which limit binds.
    pub by: BoundBy,
}

/// Seconds for `units` through a bucket of `rate` that starts with one second's worth.
fn drain_seconds(units: f64, rate: f64) -> f64 {
    ((units - rate) / rate).max(0.0)
}

impl LimitsConfig {
    /// The least time the model allows for `plan`, assuming a fresh table (its buckets hold
    /// one second's worth); `None` when nothing is simulated.
    pub fn min_write_time(&self, plan: WritePlan) -> Option<WriteTimeBound> {
        let (table_rate, table_by) = match self.mode {
            Mode::Off => return None,
            Mode::Provisioned { rates, .. } => (rates.write, BoundBy::ProvisionedTable),
            Mode::OnDemand => (ON_DEMAND_WRITE_UNITS, BoundBy::OnDemandTable),
        };
        let partition = drain_seconds(plan.largest_key_wcu, PARTITION_WRITE_UNITS);
        let table = drain_seconds(plan.total_wcu, table_rate);
        let bound = if partition >= table {
            WriteTimeBound {
                plan,
                seconds: partition,
                rate: PARTITION_WRITE_UNITS,
                by: BoundBy::PartitionKey,
            }
        } else {
            WriteTimeBound {
                plan,
                seconds: table,
                rate: table_rate,
                by: table_by,
            }
        };
        Some(bound)
    }
}

impl fmt::Display for WriteTimeBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.plan.partition_keys;
        write!(
            f,
            "{} WCU into {} partition key{}: ",
            thousands(self.plan.total_wcu),
            thousands(keys as f64),
            if keys == 1 { "" } else { "s" }
        )?;
        let what = match self.by {
            BoundBy::PartitionKey => "per partition key",
            BoundBy::ProvisionedTable => "provisioned",
            BoundBy::OnDemandTable => "for a new on-demand table",
        };
        if self.seconds <= 0.0 {
            return write!(
                f,
                "fits in the first second's capacity ({} WCU/s {what})",
                thousands(self.rate)
            );
        }
        let secs = if self.seconds >= 10.0 {
            format!("{:.0}", self.seconds)
        } else {
            format!("{:.1}", self.seconds)
        };
        write!(f, "at least {secs} s at {} WCU/s", thousands(self.rate))?;
        match self.by {
            BoundBy::PartitionKey => Ok(()),
            BoundBy::ProvisionedTable => f.write_str(" provisioned (less with burst banked)"),
            BoundBy::OnDemandTable => f.write_str(" (a new on-demand table)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(s: &str) -> LimitsConfig {
        LimitsConfig::parse(s, &[]).unwrap()
    }

    #[test]
    fn one_hot_key_is_bound_by_its_partition() {
        let b = config("on-demand")
            .min_write_time(WritePlan::even(10_000.0, 1))
            .unwrap();
        assert_eq!(b.by, BoundBy::PartitionKey);
        assert!((b.seconds - 9.0).abs() < 1e-9);
        assert_eq!(
            b.to_string(),
            "10,000 WCU into 1 partition key: at least 9.0 s at 1,000 WCU/s"
        );
    }

    #[test]
    fn many_keys_are_bound_by_the_table() {
        let c = config("on-demand");
        let b = c.min_write_time(WritePlan::even(10_000.0, 2_000)).unwrap();
        assert_eq!(b.by, BoundBy::OnDemandTable);
        assert!((b.seconds - 1.5).abs() < 1e-9);
        let b = c.min_write_time(WritePlan::even(3_000.0, 3_000)).unwrap();
        assert_eq!(b.seconds, 0.0);
        assert!(b.to_string().contains("fits in the first second"), "{b}");

        let b = config("provisioned:1000,200")
            .min_write_time(WritePlan::records(&[2_000], 1.0))
            .unwrap();
        assert_eq!(b.by, BoundBy::ProvisionedTable);
        assert!((b.seconds - 9.0).abs() < 1e-9);
        assert_eq!(
            b.to_string(),
            "2,000 WCU into 1 partition key: at least 9.0 s at 200 WCU/s provisioned (less with burst banked)"
        );
    }

    #[test]
    fn the_largest_key_bounds_an_uneven_plan() {
        let plan = WritePlan::records(&[1, 1, 5_000, 1], 2.0);
        assert_eq!(plan.total_wcu, 10_006.0);
        let b = config("on-demand").min_write_time(plan).unwrap();
        assert_eq!(b.by, BoundBy::PartitionKey);
        assert!((b.seconds - 9.0).abs() < 1e-9);
        assert!(config("off").min_write_time(plan).is_none());
    }
}
