//! What an operation consumed and did: the numbers every screen and `--json` output show.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::ConsumedCapacity;
use serde::Serialize;

/// Read and write capacity units, kept apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Capacity {
    /// Read capacity units (RCU, or read request units on on-demand tables).
    #[serde(rename = "read_units")]
    pub read: f64,
    /// Write capacity units (WCU, or write request units on on-demand tables).
    #[serde(rename = "write_units")]
    pub write: f64,
}

impl Capacity {
    /// Units of the given kind.
    pub fn of(kind: UnitKind, units: f64) -> Self {
        match kind {
            UnitKind::Read => Capacity {
                read: units,
                write: 0.0,
            },
            UnitKind::Write => Capacity {
                read: 0.0,
                write: units,
            },
        }
    }

    /// Adds `other` to `self`.
    pub fn add(&mut self, other: Capacity) {
        self.read += other.read;
        self.write += other.write;
    }

    /// On-demand cost in US dollars at us-east-1 standard-class prices (an estimate, see
    /// [`READ_USD_PER_MILLION`] and [`WRITE_USD_PER_MILLION`]).
    pub fn on_demand_usd(&self) -> f64 {
        (self.read * READ_USD_PER_MILLION + self.write * WRITE_USD_PER_MILLION) / 1e6
    }
}

/// On-demand price per million read request units, us-east-1, standard class (the log's and
/// the labs' estimates; `cost` reads its prices from `assets/prices/`).
pub const READ_USD_PER_MILLION: f64 = 0.125;
/// On-demand price per million write request units, us-east-1, standard class.
pub const WRITE_USD_PER_MILLION: f64 = 0.625;

/// Which kind of units an API call consumes (a Query reads, a BatchWriteItem writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// Reads.
    Read,
    /// Writes.
    Write,
}

/// Capacity split the way `ReturnConsumedCapacity=INDEXES` reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConsumedDetail {
    /// Everything, table and indexes.
    pub total: Capacity,
    /// The base table alone.
    pub table: Capacity,
    /// Each global or local secondary index by name.
    pub indexes: BTreeMap<String, Capacity>,
}

impl ConsumedDetail {
    /// Folds the ConsumedCapacity entries of one response into this total; returns the
    /// call's total and its base table's part.
    pub fn add_response(&mut self, kind: UnitKind, entries: &[ConsumedCapacity]) -> CallUnits {
        let mut call = CallUnits::default();
        for cc in entries {
            let total = units_of(
                kind,
                cc.capacity_units(),
                cc.read_capacity_units(),
                cc.write_capacity_units(),
            );
            call.total.add(total);
            // Without a Table entry (TOTAL mode, or an engine that omits it) all is the table's.
            let table = cc.table().map_or(total, |c| {
                units_of(
                    kind,
                    c.capacity_units(),
                    c.read_capacity_units(),
                    c.write_capacity_units(),
                )
            });
            call.table.add(table);
            self.table.add(table);
            let gsis = cc.global_secondary_indexes().into_iter().flatten();
            let lsis = cc.local_secondary_indexes().into_iter().flatten();
            for (name, c) in gsis.chain(lsis) {
                self.indexes.entry(name.clone()).or_default().add(units_of(
                    kind,
                    c.capacity_units(),
                    c.read_capacity_units(),
                    c.write_capacity_units(),
                ));
            }
        }
        call.reported = !entries.is_empty();
        self.total.add(call.total);
        call
    }

    /// Adds another operation's consumption.
    pub fn merge(&mut self, other: &ConsumedDetail) {
        self.total.add(other.total);
        self.table.add(other.table);
        for (k, v) in &other.indexes {
            self.indexes.entry(k.clone()).or_default().add(*v);
        }
    }
}

/// Engines report either CapacityUnits alone or the read/write split too.
fn units_of(kind: UnitKind, total: Option<f64>, read: Option<f64>, write: Option<f64>) -> Capacity {
    match (read, write) {
        (None, None) => Capacity::of(kind, total.unwrap_or(0.0)),
        (r, w) => Capacity {
            read: r.unwrap_or(0.0),
            write: w.unwrap_or(0.0),
        },
    }
}

/// What one response reported.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CallUnits {
    /// Table and indexes.
    pub total: Capacity,
    /// The base table's part.
    pub table: Capacity,
    /// Whether the response carried ConsumedCapacity at all.
    pub reported: bool,
}

/// What DynamoDB's documented rules (../shared/DYNAMODB.md, `crate::size`) charge one call
/// on its base table, computed from the items the app sent or got back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// The rule's units.
    Units(Capacity),
    /// Not computable from what the app has, and why.
    Unknown(&'static str),
}

impl Rule {
    /// A read that returned part of each item.
    pub const PROJECTED: Rule = Rule::Unknown(
        "a projection returns less than the items hold, and a read is charged by the whole item",
    );
    /// A read whose filter discarded items.
    pub const FILTERED: Rule =
        Rule::Unknown("a filter discarded items that were read, and charged, but not returned");
    /// A delete of keys alone.
    pub const DELETE: Rule = Rule::Unknown(
        "a delete is charged by the size of the item it removes; the keys sent for it do not \
         carry that size",
    );
}

/// DynamoDB's rule beside the engine's figure, over an operation's calls (`--json`:
/// `capacity_by_rule`). DynamoDB-compatible engines do not all follow the rules: one charges
/// per call instead of per item, others report nothing. A tool that shows costs says so.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ByRule {
    /// The rule's units over the calls it was computed for.
    #[serde(flatten)]
    pub rule: Capacity,
    /// What the engine reported for the base table on those same calls.
    pub engine: Capacity,
    /// Calls the rule was computed for.
    pub calls: u64,
    /// Of those, calls whose answer carried no ConsumedCapacity.
    pub unreported: u64,
    /// Calls it could not be computed for.
    pub not_computed: u64,
    /// Why not (the first reason met), when some were not.
    pub why_not: Option<&'static str>,
    /// The engine's figure differs from the rule beyond rounding, or was missing.
    pub differs: bool,
}

impl ByRule {
    /// Notes one answered call: the rule's units for it and what the engine reported.
    pub fn note(&mut self, rule: Rule, engine: &CallUnits) {
        match rule {
            Rule::Units(units) => {
                self.rule.add(units);
                self.engine.add(engine.table);
                self.calls += 1;
                self.unreported += u64::from(!engine.reported);
            }
            Rule::Unknown(why) => {
                self.not_computed += 1;
                self.why_not.get_or_insert(why);
            }
        }
        self.differs = self.calls > 0
            && (self.unreported > 0
                || beyond_rounding(self.engine.read, self.rule.read)
                || beyond_rounding(self.engine.write, self.rule.write));
    }

    /// Adds another operation's figures.
    pub fn merge(&mut self, other: &ByRule) {
        self.rule.add(other.rule);
        self.engine.add(other.engine);
        self.calls += other.calls;
        self.unreported += other.unreported;
        self.not_computed += other.not_computed;
        self.why_not = self.why_not.or(other.why_not);
        self.differs |= other.differs;
    }

    /// `engine: 24 WCU, DynamoDB's rule: 600 WCU` (the kinds the operation used), when they
    /// differ.
    pub fn contrast(&self) -> Option<String> {
        let (engine, rule) = self.figures()?;
        Some(format!("engine: {engine}, DynamoDB's rule: {rule}"))
    }

    /// `DynamoDB's rule: 600 WCU`, when the engine's figure (shown beside it) differs.
    pub fn rule_text(&self) -> Option<String> {
        let (_, rule) = self.figures()?;
        Some(format!("DynamoDB's rule: {rule}"))
    }

    /// The engine's figure and the rule's, as text, when they differ.
    fn figures(&self) -> Option<(String, String)> {
        if !self.differs {
            return None;
        }
        let show = |engine: f64, rule: f64, name: &'static str| {
            (engine != 0.0 || rule != 0.0).then_some((engine, rule, name))
        };
        let parts: Vec<(f64, f64, &str)> = [
            show(self.engine.read, self.rule.read, "RCU"),
            show(self.engine.write, self.rule.write, "WCU"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let engine = if self.unreported == self.calls {
            "none reported".to_owned()
        } else {
            parts
                .iter()
                .map(|(e, _, n)| format!("{} {n}", crate::fmt::units(*e)))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let rule = parts
            .iter()
            .map(|(_, r, n)| format!("{} {n}", crate::fmt::units(*r)))
            .collect::<Vec<_>>()
            .join(" + ");
        Some((engine, rule))
    }
}

/// Whether an engine's figure is off the rule by more than rounding can explain: a whole
/// unit and more than 1% apart (eventual reads are halves, and an engine may round a page or
/// an item differently by one).
fn beyond_rounding(engine: f64, rule: f64) -> bool {
    let gap = (engine - rule).abs();
    gap >= 1.0 - 1e-9 && gap > 0.01 * rule.max(engine)
}

/// One API call as the operations log shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRecord {
    /// DynamoDB API name.
    pub api: &'static str,
    /// Items sent (writes) or returned (reads) by this call.
    pub items: u64,
    /// Capacity this call's response reported.
    pub consumed: Capacity,
    /// What DynamoDB's rules charge it on the base table, where the app could compute it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_rule: Option<Capacity>,
    /// Round-trip time.
    #[serde(rename = "latency_ms", serialize_with = "ser_ms")]
    pub latency: Duration,
    /// `ok`, `unprocessed N`, `throttled`, or the error code.
    pub outcome: String,
}

/// Most calls kept per report: enough for the log's detail view, bounded for 100,000-record jobs.
pub const MAX_CALLS_KEPT: usize = 500;

/// What one store operation did and consumed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OpReport {
    /// The store operation (`generate`, `query`, `scan`, `delete`, `describe`).
    pub operation: &'static str,
    /// DynamoDB APIs used, in order of first use.
    pub apis: Vec<&'static str>,
    /// API calls that got a response (successful or not).
    pub calls: u64,
    /// Items written, read or deleted.
    pub items: u64,
    /// Capacity consumed, as the engine reported it.
    pub consumed: ConsumedDetail,
    /// What DynamoDB's documented rules charge for the same calls, beside the engine's figure.
    #[serde(rename = "capacity_by_rule")]
    pub by_rule: ByRule,
    /// Wall time of the whole operation.
    #[serde(rename = "elapsed_ms", serialize_with = "ser_ms")]
    pub elapsed: Duration,
    /// Calls sent again after a throttle, a 5xx or a dropped connection.
    pub retries: u64,
    /// Items that came back in `UnprocessedItems` and were sent again.
    pub unprocessed_resent: u64,
    /// Throttling errors seen (ProvisionedThroughputExceeded, Throttling, RequestLimitExceeded).
    pub throttled: u64,
    /// The `ThrottlingReasons` those errors carried (e.g. `TableWriteKeyRangeThroughputExceeded`),
    /// with how many times each was seen. Empty when the errors named none.
    pub throttling_reasons: BTreeMap<String, u64>,
    /// Request parameters, for the log's detail view (key condition, consistency, page size...).
    pub params: Vec<(String, String)>,
    /// The first [`MAX_CALLS_KEPT`] calls, each with the ConsumedCapacity it returned.
    pub call_log: Vec<CallRecord>,
    /// Batch writes: how the calls in flight moved.
    pub in_flight: Option<InFlight>,
}

impl OpReport {
    /// An empty report for `operation`.
    pub fn new(operation: &'static str) -> Self {
        OpReport {
            operation,
            ..Default::default()
        }
    }

    /// Notes a parameter that was sent.
    pub fn param(&mut self, key: &str, value: impl ToString) {
        self.params.push((key.to_owned(), value.to_string()));
    }

    /// Records one call.
    pub fn record_call(&mut self, call: CallRecord) {
        if !self.apis.contains(&call.api) {
            self.apis.push(call.api);
        }
        self.calls += 1;
        if self.call_log.len() < MAX_CALLS_KEPT {
            self.call_log.push(call);
        }
    }

    /// Records one answered read call (a Scan or Query page): the capacity its response
    /// reported and the items it returned. Returns the call's capacity.
    pub fn record_read(
        &mut self,
        api: &'static str,
        items: u64,
        entries: &[ConsumedCapacity],
        latency: Duration,
        rule: Rule,
    ) -> Capacity {
        self.record_answered(UnitKind::Read, entries, rule, |consumed, by_rule| {
            CallRecord {
                api,
                items,
                consumed,
                by_rule,
                latency,
                outcome: "ok".into(),
            }
        })
    }

    /// Records one answered call: the capacity its response reported (`entries`), what
    /// DynamoDB's rule charges for it, and the log's record of it (`call`, given both).
    /// Returns the call's capacity.
    pub fn record_answered(
        &mut self,
        kind: UnitKind,
        entries: &[ConsumedCapacity],
        rule: Rule,
        call: impl FnOnce(Capacity, Option<Capacity>) -> CallRecord,
    ) -> Capacity {
        let units = self.consumed.add_response(kind, entries);
        self.by_rule.note(rule, &units);
        let by_rule = match rule {
            Rule::Units(c) => Some(c),
            Rule::Unknown(_) => None,
        };
        self.record_call(call(units.total, by_rule));
        units.total
    }

    /// `Query×1`, `Query+BatchWriteItem×3`; `-` when no call was made.
    pub fn calls_text(&self) -> String {
        if self.apis.is_empty() {
            return "-".into();
        }
        format!("{}×{}", self.apis.join("+"), self.calls)
    }

    /// ` (TableWriteKeyRangeThroughputExceeded x12)`: the throttling reasons seen with their
    /// counts, for a summary line or the log's detail; empty when none were named.
    pub fn throttling_summary(&self) -> String {
        if self.throttling_reasons.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = self
            .throttling_reasons
            .iter()
            .map(|(reason, n)| format!("{reason} x{n}"))
            .collect();
        format!(" ({})", parts.join(", "))
    }

    /// Folds a sub-operation (the keys-only query of a whole-request delete) into this one.
    pub fn absorb(&mut self, other: OpReport) {
        for api in other.apis {
            if !self.apis.contains(&api) {
                self.apis.push(api);
            }
        }
        self.calls += other.calls;
        self.consumed.merge(&other.consumed);
        self.by_rule.merge(&other.by_rule);
        self.retries += other.retries;
        self.unprocessed_resent += other.unprocessed_resent;
        self.throttled += other.throttled;
        for (reason, n) in other.throttling_reasons {
            *self.throttling_reasons.entry(reason).or_default() += n;
        }
        self.params.extend(other.params);
        let room = MAX_CALLS_KEPT.saturating_sub(self.call_log.len());
        self.call_log.extend(other.call_log.into_iter().take(room));
        self.in_flight = self.in_flight.or(other.in_flight);
    }
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

/// How the calls in flight moved during a batch write (`--json`: `in_flight`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InFlight {
    /// Calls allowed in flight at the start.
    pub start: usize,
    /// The most allowed at any time.
    pub peak: usize,
    /// The fewest.
    pub lowest: usize,
    /// Allowed at the end.
    #[serde(rename = "final")]
    pub last: usize,
    /// The most it could have allowed.
    pub max: usize,
    /// Whether it grew from measurement (the default) or stayed within `--concurrency`.
    pub adaptive: bool,
    /// Items per second calls were started at, at the end, if throttling set a pace.
    pub paced_items_per_second: Option<f64>,
}
