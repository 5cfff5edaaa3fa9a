//! The throughput model: token buckets per table, per GSI and per partition key value, with
//! the time passed in (`now` since the layer started) so that tests drive it exactly.
//!
//! - A bucket refills at its rate and holds at most `cap`; it may go below zero (debt) after a
//!   call that consumed more than it held, and a bucket at or below zero admits nothing until
//!   it has refilled, as on AWS.
//! - Resource buckets (the table, each GSI) follow the mode: provisioned ones start with one
//!   second's worth (a fresh table has saved nothing) and bank unused capacity up to the burst;
//!   on-demand ones hold one second's worth of a new on-demand table's 4,000 WCU / 12,000 RCU.
//! - Partition buckets hold one second's worth of 1,000 WCU / 3,000 RCU: burst never lifts a
//!   partition above its hard limit. One partition key value is modelled as one partition.
//! - A call reserves what it is estimated to use before it is forwarded, and [`Limiter::settle`]
//!   replaces the estimate with what the engine reported afterwards.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use super::config::{
    LimitsConfig, Mode, ON_DEMAND_READ_UNITS, ON_DEMAND_WRITE_UNITS, PARTITION_READ_UNITS,
    PARTITION_WRITE_UNITS, Rates,
};
pub use super::resource::{Kind, Resource};
use super::throttle::{LimitType, Throttle, ThrottleReason};

/// What one item of a call uses of one resource: its units (estimated before the call) and
/// the partition key value it lands on, when known (a Scan has none).
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    /// Table or GSI.
    pub resource: Resource,
    /// The partition key value (as its JSON text), if known.
    pub partition: Option<String>,
    /// Estimated units.
    pub units: f64,
}

/// Everything one item (a write request, a key, a Query) uses.
pub type ItemUse = Vec<Use>;

/// A GSI as DescribeTable reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexMeta {
    /// Index name.
    pub name: String,
    /// Its partition key attribute.
    pub hash_key: String,
    /// Its sort key attribute, if any (an item without it is not in the index).
    pub range_key: Option<String>,
    /// Its provisioned throughput, when it has some (0 means none).
    pub provisioned: Option<Rates>,
}

/// What the model needs to know of a table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableMeta {
    /// The table's partition key attribute.
    pub hash_key: String,
    /// Its GSIs.
    pub indexes: Vec<IndexMeta>,
}

/// A token bucket. `tokens` may be negative (debt).
#[derive(Debug, Clone, PartialEq)]
struct Bucket {
    rate: f64,
    cap: f64,
    tokens: f64,
    at: Duration,
    limit: LimitType,
}

impl Bucket {
    fn new(rate: f64, cap: f64, now: Duration, limit: LimitType) -> Self {
        Bucket {
            rate,
            cap,
            // One second's worth to start with, whatever the cap.
            tokens: rate.min(cap),
            at: now,
            limit,
        }
    }

    fn refill(&mut self, now: Duration) {
        if now > self.at {
            let dt = (now - self.at).as_secs_f64();
            self.tokens = (self.tokens + self.rate * dt).min(self.cap.max(self.tokens));
            self.at = now;
        }
    }

    /// Has something to give (not exhausted, not in debt).
    fn open(&mut self, now: Duration) -> bool {
        self.refill(now);
        self.tokens > 0.0
    }

    fn debit(&mut self, now: Duration, units: f64) {
        self.refill(now);
        self.tokens -= units;
    }

    fn full(&mut self, now: Duration) -> bool {
        self.refill(now);
        self.tokens >= self.cap
    }
}

/// Which bucket: a resource's own, or one partition's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct BucketId {
    resource: Resource,
    partition: Option<String>,
    kind: Kind,
}

/// New partition buckets between sweeps of full (idle) ones: a full bucket is what a new one
/// would be, so dropping it changes nothing and keeps 100,000-request jobs from piling up.
const SWEEP_EVERY: usize = 4_096;

/// The buckets of every table the layer has seen.
#[derive(Debug, Clone)]
pub struct Limiter {
    config: LimitsConfig,
    tables: HashMap<String, TableMeta>,
    buckets: HashMap<BucketId, Option<Bucket>>,
    created_since_sweep: usize,
}

/// How a batch was split.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Per item: admitted (reserved) or not.
    pub admitted: Vec<bool>,
    /// Why items were refused (all their reasons), if any were.
    pub throttle: Option<Throttle>,
}

impl Limiter {
    /// A limiter for `config` (which should not be `off`: then no layer exists).
    pub fn new(config: LimitsConfig) -> Self {
        Limiter {
            config,
            tables: HashMap::new(),
            buckets: HashMap::new(),
            created_since_sweep: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &LimitsConfig {
        &self.config
    }

    /// What DescribeTable said about `table`. A changed description starts its buckets over.
    pub fn set_table(&mut self, table: &str, meta: TableMeta) {
        if self.tables.get(table) != Some(&meta) {
            self.buckets.retain(|id, _| id.resource.table != table);
            self.tables.insert(table.to_owned(), meta);
        }
    }

    /// Forgets `table` (deleted, or changed by UpdateTable): described again on next use.
    pub fn forget_table(&mut self, table: &str) {
        self.tables.remove(table);
        self.buckets.retain(|id, _| id.resource.table != table);
    }

    /// What is known of `table`.
    pub fn table(&self, table: &str) -> Option<&TableMeta> {
        self.tables.get(table)
    }

    /// Units a bucket holds now (negative: debt); `None` if that level is unlimited. A bucket
    /// not used before is born now, with one second's worth.
    pub fn tokens(
        &mut self,
        now: Duration,
        kind: Kind,
        resource: &Resource,
        partition: Option<&str>,
    ) -> Option<f64> {
        let id = BucketId {
            resource: resource.clone(),
            partition: partition.map(str::to_owned),
            kind,
        };
        let bucket = self.bucket(now, &id).as_mut()?;
        bucket.refill(now);
        Some(bucket.tokens)
    }

    /// An all-or-nothing call (single-item writes and reads, Query and Scan pages,
    /// transactions): admitted if none of the buckets it touches is exhausted or in debt; its
    /// estimates are then reserved.
    pub fn admit(&mut self, now: Duration, kind: Kind, items: &[ItemUse]) -> Result<(), Throttle> {
        let mut refused = BTreeSet::new();
        for item in items {
            refused.extend(self.closed(now, kind, item));
        }
        if let Some(throttle) = throttle(refused) {
            return Err(throttle);
        }
        for item in items {
            self.reserve(now, kind, item);
        }
        Ok(())
    }

    /// BatchWriteItem and BatchGetItem: items are taken in order while their buckets are
    /// open, each reserving its estimate, so a batch splits into what fits and what comes back
    /// unprocessed.
    pub fn split(&mut self, now: Duration, kind: Kind, items: &[ItemUse]) -> Split {
        let mut refused = BTreeSet::new();
        let mut admitted = Vec::with_capacity(items.len());
        for item in items {
            let closed = self.closed(now, kind, item);
            if closed.is_empty() {
                self.reserve(now, kind, item);
                admitted.push(true);
            } else {
                refused.extend(closed);
                admitted.push(false);
            }
        }
        Split {
            admitted,
            throttle: throttle(refused),
        }
    }

    /// Replaces the reserved estimates of `items` (admitted ones) with what the engine
    /// reported: `actual` units per resource. `None`: the engine reported nothing, the
    /// estimates stand. A resource missing from `actual` consumed nothing.
    pub fn settle(
        &mut self,
        now: Duration,
        kind: Kind,
        items: &[ItemUse],
        actual: Option<&BTreeMap<Resource, f64>>,
    ) {
        if let Some(actual) = actual {
            self.replace_estimates(now, kind, items, actual);
        }
        self.sweep(now);
    }

    fn replace_estimates(
        &mut self,
        now: Duration,
        kind: Kind,
        items: &[ItemUse],
        actual: &BTreeMap<Resource, f64>,
    ) {
        let mut resources: BTreeSet<&Resource> = actual.keys().collect();
        for u in items.iter().flatten() {
            resources.insert(&u.resource);
        }
        for resource in resources {
            let uses: Vec<&Use> = items
                .iter()
                .flatten()
                .filter(|u| &u.resource == resource)
                .collect();
            let estimated: f64 = uses.iter().map(|u| u.units).sum();
            let reported = actual.get(resource).copied().unwrap_or(0.0);
            let id = |partition: Option<&String>| BucketId {
                resource: resource.clone(),
                partition: partition.cloned(),
                kind,
            };
            if let Some(b) = self.bucket(now, &id(None)) {
                b.debit(now, reported - estimated);
            }
            // The engine reports per table and index, not per item: spread its figure over
            // the partitions in proportion to the estimates (evenly if there were none). Uses
            // without a key (a Scan) keep their part on the resource alone.
            let keyed: Vec<&Use> = uses
                .iter()
                .copied()
                .filter(|u| u.partition.is_some())
                .collect();
            let keyed_estimate: f64 = keyed.iter().map(|u| u.units).sum();
            let keyed_reported = if estimated > 0.0 {
                reported * keyed_estimate / estimated
            } else {
                reported
            };
            for u in &keyed {
                let share = if keyed_estimate > 0.0 {
                    u.units / keyed_estimate
                } else {
                    1.0 / keyed.len() as f64
                };
                if let Some(b) = self.bucket(now, &id(u.partition.as_ref())) {
                    b.debit(now, keyed_reported * share - u.units);
                }
            }
        }
    }

    /// Gives back the reservations of `items` (the engine refused the call).
    pub fn refund(&mut self, now: Duration, kind: Kind, items: &[ItemUse]) {
        self.settle(now, kind, items, Some(&BTreeMap::new()));
    }

    /// The buckets of `item` that admit nothing now, with why.
    fn closed(&mut self, now: Duration, kind: Kind, item: &ItemUse) -> Vec<ThrottleReason> {
        let mut out = Vec::new();
        for id in ids_of(kind, item) {
            if let Some(b) = self.bucket(now, &id)
                && !b.open(now)
            {
                out.push(ThrottleReason::new(&id.resource, kind, b.limit));
            }
        }
        out
    }

    fn reserve(&mut self, now: Duration, kind: Kind, item: &ItemUse) {
        for u in item {
            for id in ids_of(kind, std::slice::from_ref(u)) {
                if let Some(b) = self.bucket(now, &id) {
                    b.debit(now, u.units);
                }
            }
        }
    }

    /// The bucket `id` names, created on first use; `None` inside: that level is unlimited.
    fn bucket(&mut self, now: Duration, id: &BucketId) -> &mut Option<Bucket> {
        if !self.buckets.contains_key(id) {
            let made = self.make(now, id);
            if id.partition.is_some() {
                self.created_since_sweep += 1;
            }
            self.buckets.insert(id.clone(), made);
        }
        self.buckets
            .get_mut(id)
            .expect("inserted just above when missing")
    }

    fn make(&self, now: Duration, id: &BucketId) -> Option<Bucket> {
        let kind = id.kind;
        if id.partition.is_some() {
            let rate = match kind {
                Kind::Read => PARTITION_READ_UNITS,
                Kind::Write => PARTITION_WRITE_UNITS,
            };
            return Some(Bucket::new(rate, rate, now, LimitType::KeyRange));
        }
        let on_demand = match kind {
            Kind::Read => ON_DEMAND_READ_UNITS,
            Kind::Write => ON_DEMAND_WRITE_UNITS,
        };
        let configured = id.resource.index.as_ref().and_then(|name| {
            self.config.gsi.get(name).copied().or_else(|| {
                self.tables
                    .get(&id.resource.table)?
                    .indexes
                    .iter()
                    .find(|i| &i.name == name)?
                    .provisioned
            })
        });
        match (self.config.mode, id.resource.index.is_some(), configured) {
            (Mode::Off, ..) => None,
            (Mode::Provisioned { burst_seconds, .. }, true, Some(rates))
            | (
                Mode::Provisioned {
                    rates,
                    burst_seconds,
                },
                false,
                _,
            ) => {
                let rate = kind.of(rates);
                let cap = rate * f64::from(burst_seconds.max(1));
                Some(Bucket::new(rate, cap, now, LimitType::Provisioned))
            }
            // A provisioned table's GSI with no throughput of its own: partitions only.
            (Mode::Provisioned { .. }, true, None) => None,
            // An on-demand GSI given rates: its configured maximum on-demand throughput.
            (Mode::OnDemand, true, Some(rates)) => {
                let rate = kind.of(rates);
                Some(Bucket::new(rate, rate, now, LimitType::MaxOnDemand))
            }
            (Mode::OnDemand, ..) => Some(Bucket::new(
                on_demand,
                on_demand,
                now,
                LimitType::OnDemandInitial,
            )),
        }
    }

    fn sweep(&mut self, now: Duration) {
        if self.created_since_sweep < SWEEP_EVERY {
            return;
        }
        self.created_since_sweep = 0;
        self.buckets
            .retain(|id, b| match (id.partition.is_some(), b) {
                (true, Some(b)) => !b.full(now),
                _ => true,
            });
    }
}

fn throttle(refused: BTreeSet<ThrottleReason>) -> Option<Throttle> {
    (!refused.is_empty()).then(|| Throttle::new(refused.into_iter().collect()))
}

/// The buckets an item touches: each resource's own, and its partition's when the key is known.
fn ids_of(kind: Kind, item: &[Use]) -> impl Iterator<Item = BucketId> + '_ {
    item.iter().flat_map(move |u| {
        let own = BucketId {
            resource: u.resource.clone(),
            partition: None,
            kind,
        };
        let partition = u.partition.as_ref().map(|p| BucketId {
            resource: u.resource.clone(),
            partition: Some(p.clone()),
            kind,
        });
        std::iter::once(own).chain(partition)
    })
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
