//! The `--limits` and `--gsi-limits` flags: what they mean, how they are parsed and checked,
//! and how the header names them.
//!
//! Every number here is DynamoDB's, from the AWS developer guide: "Quotas in Amazon DynamoDB"
//! (read/write throughput: a default per-table quota of 40,000 units/s each way, the
//! "table-level read/write throughput" quotas; at least 1 unit for any table or GSI),
//! "On-demand capacity mode" (a new on-demand table serves up to 4,000 writes/s and 12,000
//! reads/s at first), "Partitions and data distribution" (about 1,000 WCU/s and 3,000 RCU/s per
//! partition) and "Burst capacity" (up to 300 seconds of unused provisioned capacity kept).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// One partition (one partition key value, as modelled) takes at most this many write units
/// per second, in both capacity modes.
pub const PARTITION_WRITE_UNITS: f64 = 1_000.0;
/// One partition takes at most this many read units per second.
pub const PARTITION_READ_UNITS: f64 = 3_000.0;
/// What a new on-demand table (and each of its GSIs) serves at first, writes per second.
pub const ON_DEMAND_WRITE_UNITS: f64 = 4_000.0;
/// What a new on-demand table (and each of its GSIs) serves at first, reads per second.
pub const ON_DEMAND_READ_UNITS: f64 = 12_000.0;
/// DynamoDB's default per-table quota ("table-level read/write throughput"), units/s each way.
pub const TABLE_QUOTA_UNITS: u64 = 40_000;
/// Unused provisioned capacity DynamoDB keeps as burst, in seconds' worth.
pub const DEFAULT_BURST_SECONDS: u32 = 300;

/// Read and write capacity units per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Read capacity units per second.
    pub read: f64,
    /// Write capacity units per second.
    pub write: f64,
}

/// How the simulated table is billed, and so how it throttles.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Mode {
    /// No layer at all: the engine never throttles.
    #[default]
    Off,
    /// Provisioned capacity: table buckets refill at `rates`; unused capacity accrues as burst
    /// up to `burst_seconds` worth.
    Provisioned {
        /// Provisioned read and write units per second.
        rates: Rates,
        /// Seconds of unused capacity kept as burst.
        burst_seconds: u32,
    },
    /// A new on-demand table: 4,000 WCU/s and 12,000 RCU/s.
    OnDemand,
}

/// `--limits` and `--gsi-limits`, parsed and checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LimitsConfig {
    /// The capacity mode simulated.
    pub mode: Mode,
    /// Per-GSI rates by index name (`--gsi-limits NAME=READ,WRITE`).
    pub gsi: BTreeMap<String, Rates>,
}

/// What the header says about limits, e.g. `limits: provisioned 200/100 (simulated)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitsLabel(pub String);

impl fmt::Display for LimitsLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub use crate::fmt::thousands_f64 as thousands;

impl LimitsConfig {
    /// Parses `--limits MODEL` (and `--gsi-limits`, one `NAME=READ,WRITE` per entry).
    /// Every error is one line naming the flag, what is wrong and what is expected.
    pub fn parse(limits: &str, gsi_limits: &[String]) -> Result<Self, String> {
        let mode: Mode = limits.parse()?;
        let mut gsi = BTreeMap::new();
        for entry in gsi_limits {
            let (name, rates) = entry.split_once('=').ok_or_else(|| {
                format!("--gsi-limits {entry:?}: expected NAME=READ,WRITE, e.g. by_customer=100,50")
            })?;
            let name = name.trim();
            if name.is_empty() {
                return Err(format!(
                    "--gsi-limits {entry:?}: the index name is empty; expected NAME=READ,WRITE"
                ));
            }
            let rates = parse_rates(&format!("--gsi-limits {entry}"), rates)?;
            if gsi.insert(name.to_owned(), rates).is_some() {
                return Err(format!("--gsi-limits names the index {name:?} twice"));
            }
        }
        if mode == Mode::Off && !gsi.is_empty() {
            return Err(
                "--gsi-limits needs --limits provisioned:READ,WRITE or --limits on-demand \
                 (with --limits off nothing is simulated)"
                    .into(),
            );
        }
        Ok(LimitsConfig { mode, gsi })
    }

    /// Is a layer needed at all? `off` inserts none.
    pub fn is_on(&self) -> bool {
        self.mode != Mode::Off
    }

    /// The header's words: `limits: provisioned 200/100 (simulated)`, `limits: on-demand
    /// (simulated)`, `limits: off (this engine never throttles)`, or on AWS `limits: AWS's own`.
    pub fn label(&self, is_aws: bool) -> LimitsLabel {
        if is_aws {
            return LimitsLabel("limits: AWS's own".into());
        }
        LimitsLabel(format!("limits: {self}"))
    }
}

impl fmt::Display for LimitsConfig {
    /// The mode as the header names it, without the `limits: ` prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            Mode::Off => f.write_str("off (this engine never throttles)"),
            Mode::OnDemand => f.write_str("on-demand (simulated)"),
            Mode::Provisioned {
                rates,
                burst_seconds,
            } => {
                write!(
                    f,
                    "provisioned {}/{}",
                    thousands(rates.read),
                    thousands(rates.write)
                )?;
                if burst_seconds != DEFAULT_BURST_SECONDS {
                    write!(f, ", burst {burst_seconds} s")?;
                }
                f.write_str(" (simulated)")
            }
        }
    }
}

const LIMITS_SYNTAX: &str = "expected off, on-demand or provisioned:READ,WRITE[,burst=SECONDS] \
                             (capacity units per second, e.g. provisioned:200,100)";

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        match t {
            "off" => return Ok(Mode::Off),
            "on-demand" | "ondemand" => return Ok(Mode::OnDemand),
            _ => {}
        }
        let Some(rest) = t.strip_prefix("provisioned:") else {
            return Err(format!("--limits {t:?}: {LIMITS_SYNTAX}"));
        };
        let flag = format!("--limits {t}");
        let mut parts = rest.splitn(3, ',');
        let (Some(read), Some(write)) = (parts.next(), parts.next()) else {
            return Err(format!("{flag}: {LIMITS_SYNTAX}"));
        };
        let rates = parse_rates(&flag, &format!("{read},{write}"))?;
        let burst_seconds = match parts.next() {
            None => DEFAULT_BURST_SECONDS,
            Some(b) => {
                let value = b.trim().strip_prefix("burst=").ok_or_else(|| {
                    format!("{flag}: {b:?} is not burst=SECONDS; {LIMITS_SYNTAX}")
                })?;
                value.trim().parse::<u32>().map_err(|_| {
                    format!(
                        "{flag}: burst={value} is not a whole number of seconds (0 to 4294967295)"
                    )
                })?
            }
        };
        Ok(Mode::Provisioned {
            rates,
            burst_seconds,
        })
    }
}

/// `READ,WRITE`: whole units per second, at least 1 (DynamoDB's minimum for a table or GSI),
/// at most the default per-table quota.
fn parse_rates(flag: &str, text: &str) -> Result<Rates, String> {
    let Some((read, write)) = text.split_once(',') else {
        return Err(format!(
            "{flag}: expected READ,WRITE capacity units per second, e.g. 200,100"
        ));
    };
    let one = |what: &str, v: &str| -> Result<f64, String> {
        let v = v.trim();
        let n: i128 = v.parse().map_err(|_| {
            format!("{flag}: {v:?} is not a whole number of {what} capacity units per second")
        })?;
        if n <= 0 {
            return Err(format!(
                "{flag}: {what} rate {n} must be at least 1 unit per second (DynamoDB's minimum)"
            ));
        }
        if n > i128::from(TABLE_QUOTA_UNITS) {
            return Err(format!(
                "{flag}: {} {what} units/s is above DynamoDB's default per-table quota of {} units/s \
                 (the table-level {what} throughput quota)",
                thousands(n as f64),
                thousands(TABLE_QUOTA_UNITS as f64)
            ));
        }
        Ok(n as f64)
    };
    Ok(Rates {
        read: one("read", read)?,
        write: one("write", write)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<LimitsConfig, String> {
        LimitsConfig::parse(s, &[])
    }

    #[test]
    fn modes_parse() {
        assert_eq!(parse("off").unwrap().mode, Mode::Off);
        assert_eq!(parse("on-demand").unwrap().mode, Mode::OnDemand);
        assert_eq!(
            parse("provisioned:200,100").unwrap().mode,
            Mode::Provisioned {
                rates: Rates {
                    read: 200.0,
                    write: 100.0
                },
                burst_seconds: 300
            }
        );
        assert_eq!(
            parse("provisioned:5,6,burst=0").unwrap().mode,
            Mode::Provisioned {
                rates: Rates {
                    read: 5.0,
                    write: 6.0
                },
                burst_seconds: 0
            }
        );
        let c = LimitsConfig::parse("provisioned:10,10", &["by_x=3,4".into()]).unwrap();
        assert_eq!(
            c.gsi["by_x"],
            Rates {
                read: 3.0,
                write: 4.0
            }
        );
    }

    #[test]
    fn bad_input_says_what_is_wrong_in_one_line() {
        let cases: [(&str, &[&str], &str); 9] = [
            ("provisioned:abc", &[], "READ,WRITE"),
            ("provisioned:abc,1", &[], "\"abc\" is not a whole number"),
            ("provisioned:0,5", &[], "at least 1"),
            ("provisioned:5,-3", &[], "at least 1"),
            (
                "provisioned:40001,5",
                &[],
                "table-level read throughput quota",
            ),
            ("provisioned:5,5,burst=x", &[], "burst=x"),
            ("fast", &[], "expected off, on-demand"),
            ("off", &["g=1,1"], "--gsi-limits needs"),
            ("on-demand", &["g"], "NAME=READ,WRITE"),
        ];
        for (limits, gsi, needle) in cases {
            let gsi: Vec<String> = gsi.iter().map(|s| (*s).to_owned()).collect();
            let err = LimitsConfig::parse(limits, &gsi).expect_err(limits);
            assert!(err.contains(needle), "{limits}: {err}");
            assert!(!err.contains('\n'), "{limits}: one line: {err}");
        }
        assert!(
            parse("provisioned:40000,40000").is_ok(),
            "the quota itself is allowed"
        );
    }

    #[test]
    fn labels_match_the_header() {
        assert_eq!(
            parse("provisioned:200,100").unwrap().label(false).0,
            "limits: provisioned 200/100 (simulated)"
        );
        assert_eq!(
            parse("on-demand").unwrap().label(false).0,
            "limits: on-demand (simulated)"
        );
        assert_eq!(
            parse("off").unwrap().label(false).0,
            "limits: off (this engine never throttles)"
        );
        assert_eq!(parse("off").unwrap().label(true).0, "limits: AWS's own");
        assert_eq!(
            parse("provisioned:2000,1000,burst=60")
                .unwrap()
                .label(false)
                .0,
            "limits: provisioned 2,000/1,000, burst 60 s (simulated)"
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1234567.0), "1,234,567");
    }
}
