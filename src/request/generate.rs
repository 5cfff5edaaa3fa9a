//! Generated requests: how many records each gets, and the records themselves.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::primitives::{DateTime, DateTimeFormat};

use crate::request::schema::{MAX_ITEM_BYTES, Record, RequestId};
use crate::size::item_size;
use crate::ttl::Ttl;

/// Most records one request may have here: ~40 s of writes at a real partition's 1,000 WCU/s.
pub const MAX_RECORDS_PER_REQUEST: u32 = 100_000;
/// Most requests one generate may write.
pub const MAX_REQUESTS: u32 = 100_000;
/// Most records one generate may write in all.
pub const MAX_TOTAL_RECORDS: u64 = 1_000_000;
/// How long generated records live before TTL deletes them (free), unless `--ttl` says.
pub const DEFAULT_TTL_DAYS: u32 = 30;
/// Payload bytes of a generated record unless asked otherwise.
pub const DEFAULT_PAYLOAD_BYTES: usize = 200;
/// Realistic mix: one request in this many is heavy.
pub const REALISTIC_HEAVY_ONE_IN: u32 = 50;
/// Realistic mix: fewest and most records of a heavy request (log-uniform between them).
pub const REALISTIC_HEAVY_RECORDS: (u32, u32) = (100, 5_000);

/// How many records each request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mix {
    /// Every request gets `--records` records.
    Fixed,
    /// Like production: most requests 1 record, about 1 in 50 with 100 to 5,000.
    Realistic,
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateSpec {
    /// Requests to write.
    pub requests: u32,
    /// Records per request (fixed mix).
    pub records: u32,
    /// Payload bytes per record.
    pub payload_bytes: usize,
    /// Fixed or realistic.
    pub mix: Mix,
    /// How long the records live: `expires_at` is the write time plus this.
    pub ttl: Ttl,
}

impl GenerateSpec {
    /// Refuses what cannot or should not be written, before anything is sent.
    pub fn validate(&self) -> Result<(), String> {
        if self.requests == 0 {
            return Err("--requests must be at least 1".into());
        }
        if self.requests > MAX_REQUESTS {
            return Err(format!(
                "--requests {} is over the cap of {MAX_REQUESTS}",
                self.requests
            ));
        }
        if self.mix == Mix::Fixed && self.records == 0 {
            return Err("--records must be at least 1 (a request has at least one record)".into());
        }
        if self.records > MAX_RECORDS_PER_REQUEST {
            return Err(format!(
                "--records {} is over the cap of {MAX_RECORDS_PER_REQUEST} records per request",
                self.records
            ));
        }
        if self.mix == Mix::Fixed {
            let total = u64::from(self.requests) * u64::from(self.records);
            if total > MAX_TOTAL_RECORDS {
                return Err(format!(
                    "{} requests x {} records = {total} records, over the cap of {MAX_TOTAL_RECORDS} per generate",
                    self.requests, self.records
                ));
            }
        }
        let max_payload = max_payload_bytes();
        if self.payload_bytes > max_payload {
            return Err(format!(
                "--payload-bytes {} would make each item larger than DynamoDB's 400 KB (409,600 byte) limit; \
                 the largest payload that fits is {max_payload} bytes",
                self.payload_bytes
            ));
        }
        Ok(())
    }

    /// Records per request, in order.
    pub fn plan(&self, rng: &mut fastrand::Rng) -> Vec<u32> {
        (0..self.requests)
            .map(|_| match self.mix {
                Mix::Fixed => self.records,
                Mix::Realistic => realistic_count(rng),
            })
            .collect()
    }
}

/// One request in 50 is heavy: log-uniform between 100 and 5,000 records; the rest have one.
fn realistic_count(rng: &mut fastrand::Rng) -> u32 {
    if rng.u32(0..REALISTIC_HEAVY_ONE_IN) != 0 {
        return 1;
    }
    let (lo, hi) = heavy_log_bounds();
    (lo + rng.f64() * (hi - lo)).exp().round() as u32
}

fn heavy_log_bounds() -> (f64, f64) {
    let (min, max) = REALISTIC_HEAVY_RECORDS;
    (f64::from(min).ln(), f64::from(max).ln())
}

/// The exact distribution [`realistic_count`] draws from: each record count with its
/// probability, summing to 1. A heavy request is `round(exp(U))` with `U` uniform on
/// [ln 100, ln 5000), so count `n` comes from `exp(U)` in [n - 0.5, n + 0.5) clipped to
/// [100, 5000): probability ln(hi / lo) / ln(5000 / 100), times the 1 in 50 of heavy requests.
/// The cost model takes the mean and the read units of a read-back from it.
pub fn realistic_distribution() -> Vec<(u32, f64)> {
    let (min, max) = REALISTIC_HEAVY_RECORDS;
    let (lo, hi) = heavy_log_bounds();
    let heavy = 1.0 / f64::from(REALISTIC_HEAVY_ONE_IN);
    let mut dist = Vec::with_capacity((max - min + 2) as usize);
    dist.push((1, 1.0 - heavy));
    for n in min..=max {
        let a = (f64::from(n) - 0.5).max(f64::from(min)).ln();
        let b = (f64::from(n) + 0.5).min(f64::from(max)).ln();
        dist.push((n, heavy * (b - a) / (hi - lo)));
    }
    dist
}

/// The mean records per request of the realistic mix, from [`realistic_distribution`];
/// computed once (the generate dialog asks on every frame).
pub fn realistic_mean() -> f64 {
    static MEAN: std::sync::LazyLock<f64> = std::sync::LazyLock::new(|| {
        realistic_distribution()
            .iter()
            .map(|(n, p)| f64::from(*n) * p)
            .sum()
    });
    *MEAN
}

/// The largest payload whose record still fits in an item (the other attributes at their
/// largest: 10-digit seq and counts, a 13-digit TTL).
pub fn max_payload_bytes() -> usize {
    // Constant, and asked on every frame of the generate dialog: computed once.
    static MAX: std::sync::LazyLock<usize> = std::sync::LazyLock::new(probe_max_payload);
    *MAX
}

fn probe_max_payload() -> usize {
    let probe = Record {
        request_id: RequestId::new_random(),
        seq: 4_000_000_000,
        created_at: "2026-01-01T00:00:00.000000000Z".into(),
        customer_id: customer_id(99_999),
        record_count: 4_000_000_000,
        payload: String::new(),
        expires_at: 9_999_999_999_999,
    };
    let item = serde_dynamo::to_item(&probe).expect("a Record always serialises");
    MAX_ITEM_BYTES - item_size(&item)
}

fn customer_id(n: u32) -> String {
    format!("customer-{n:05}")
}

/// Builds the records of requests with `counts[i]` records each, living the default 30 days.
pub fn build_records(
    counts: &[u32],
    payload_bytes: usize,
    rng: &mut fastrand::Rng,
) -> (Vec<RequestId>, Vec<Record>) {
    build_records_expiring(counts, payload_bytes, Ttl::DEFAULT, rng)
}

/// Builds the records of requests with `counts[i]` records each, expiring `ttl` from now.
pub fn build_records_expiring(
    counts: &[u32],
    payload_bytes: usize,
    ttl: Ttl,
    rng: &mut fastrand::Rng,
) -> (Vec<RequestId>, Vec<Record>) {
    let now = SystemTime::now();
    let created_at = DateTime::from(now)
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into());
    let epoch = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let expires_at = ttl.expires_at(epoch);
    let total: usize = counts.iter().map(|&c| c as usize).sum();
    let mut ids = Vec::with_capacity(counts.len());
    let mut records = Vec::with_capacity(total);
    for &count in counts {
        let id = RequestId::new_random();
        // A few heavy customers send most requests: that is why customer_id is never a key.
        let customer = customer_id(if rng.bool() {
            rng.u32(0..5)
        } else {
            rng.u32(5..1000)
        });
        for seq in 0..count {
            records.push(Record {
                request_id: id.clone(),
                seq,
                created_at: created_at.clone(),
                customer_id: customer.clone(),
                record_count: count,
                payload: payload(payload_bytes, rng),
                expires_at,
            });
        }
        ids.push(id);
    }
    (ids, records)
}

/// Printable text of exactly `len` bytes.
fn payload(len: usize, rng: &mut fastrand::Rng) -> String {
    (0..len).map(|_| rng.alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(requests: u32, records: u32, payload_bytes: usize, mix: Mix) -> GenerateSpec {
        GenerateSpec {
            requests,
            records,
            payload_bytes,
            mix,
            ttl: Ttl::DEFAULT,
        }
    }

    #[test]
    fn bad_sizes_are_refused_with_the_cap() {
        assert!(
            spec(0, 1, 10, Mix::Fixed)
                .validate()
                .unwrap_err()
                .contains("at least 1")
        );
        assert!(
            spec(1, 0, 10, Mix::Fixed)
                .validate()
                .unwrap_err()
                .contains("at least 1")
        );
        assert!(
            spec(1, 100_001, 10, Mix::Fixed)
                .validate()
                .unwrap_err()
                .contains("100000")
        );
        assert!(
            spec(20_000, 100, 10, Mix::Fixed)
                .validate()
                .unwrap_err()
                .contains("1000000")
        );
        assert!(
            spec(1, 1, 500_000, Mix::Fixed)
                .validate()
                .unwrap_err()
                .contains("400 KB")
        );
        assert!(spec(3, 1000, 200, Mix::Fixed).validate().is_ok());
    }

    #[test]
    fn largest_payload_fits_exactly() {
        let max = max_payload_bytes();
        assert!(spec(1, 1, max, Mix::Fixed).validate().is_ok());
        assert!(spec(1, 1, max + 1, Mix::Fixed).validate().is_err());
        let mut rng = fastrand::Rng::with_seed(1);
        let (_, recs) = build_records(&[1], max, &mut rng);
        let item = serde_dynamo::to_item(&recs[0]).unwrap();
        assert!(item_size(&item) <= MAX_ITEM_BYTES);
    }

    #[test]
    fn realistic_mix_is_mostly_single_records() {
        let mut rng = fastrand::Rng::with_seed(7);
        let counts = spec(5000, 0, 10, Mix::Realistic).plan(&mut rng);
        let single = counts.iter().filter(|&&c| c == 1).count();
        let heavy: Vec<_> = counts.iter().filter(|&&c| c > 1).collect();
        // 1 in 50 heavy: ~100 of 5000; allow wide statistical slack.
        assert!((50..=160).contains(&heavy.len()), "{} heavy", heavy.len());
        assert_eq!(single + heavy.len(), 5000);
        assert!(heavy.iter().all(|&&c| (100..=5000).contains(&c)));
    }

    #[test]
    fn realistic_distribution_is_what_the_generator_draws() {
        let dist = realistic_distribution();
        let total: f64 = dist.iter().map(|(_, p)| p).sum();
        assert!((total - 1.0).abs() < 1e-12, "probabilities sum to {total}");
        let mean: f64 = dist.iter().map(|&(n, p)| f64::from(n) * p).sum();
        // 0.98 x 1 + 0.02 x (5000 - 100) / ln 50 ~= 26.03 (rounding at the ends moves it a hair).
        assert!((mean - 26.03).abs() < 0.01, "mean {mean}");
        // The generator's sample mean agrees. A count's sd is ~251 (E[c^2] = 0.98 + 0.02 x
        // (5000^2 - 100^2) / (2 ln 50) ~= 63,880; minus 26.03^2), so 200,000 draws have a
        // standard error of ~0.56: 2.5 is about 4.5 of them.
        let mut rng = fastrand::Rng::with_seed(11);
        let counts = spec(100_000, 0, 1, Mix::Realistic).plan(&mut rng);
        let more = spec(100_000, 0, 1, Mix::Realistic).plan(&mut rng);
        let sample: f64 = counts
            .iter()
            .chain(&more)
            .map(|&c| f64::from(c))
            .sum::<f64>()
            / 200_000.0;
        assert!(
            (sample - mean).abs() < 2.5,
            "sample mean {sample} vs exact {mean}"
        );
        // The shape too: the share of counts 100..=200 (exact ~0.00356; binomial standard
        // error over 200,000 draws ~0.00013).
        let exact_low: f64 = dist
            .iter()
            .filter(|(n, _)| (100..=200).contains(n))
            .map(|(_, p)| p)
            .sum();
        let drawn_low = counts
            .iter()
            .chain(&more)
            .filter(|c| (100..=200).contains(*c))
            .count() as f64
            / 200_000.0;
        assert!(
            (drawn_low - exact_low).abs() < 0.0006,
            "{drawn_low} vs {exact_low}"
        );
    }

    #[test]
    fn records_expire_their_ttl_after_the_write() {
        let mut rng = fastrand::Rng::with_seed(5);
        let ttl: Ttl = "90s".parse().unwrap();
        let before = crate::ttl::now_epoch();
        let (_, recs) = build_records_expiring(&[2], 10, ttl, &mut rng);
        let after = crate::ttl::now_epoch();
        for r in &recs {
            assert!(
                (before + 90..=after + 90).contains(&r.expires_at),
                "{}",
                r.expires_at
            );
        }
        let (_, default) = build_records(&[1], 10, &mut rng);
        assert!(default[0].expires_at >= before + 30 * 86_400);
    }

    #[test]
    fn records_are_numbered_and_sized() {
        let mut rng = fastrand::Rng::with_seed(3);
        let (ids, recs) = build_records(&[3, 1], 50, &mut rng);
        assert_eq!(ids.len(), 2);
        assert_eq!(recs.len(), 4);
        assert_eq!(
            recs.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![0, 1, 2, 0]
        );
        assert!(recs.iter().all(|r| r.payload.len() == 50));
        assert_eq!(recs[0].record_count, 3);
        assert_eq!(recs[3].record_count, 1);
        assert_ne!(recs[0].request_id, recs[3].request_id);
    }
}
