//! Reads and deletes on any table, by its key schema: a Query of one partition (of the table
//! or an index) with an optional sort key condition, filter, projection, order and Limit; a
//! Scan page, or a parallel Scan of the whole table; deletes by key. Every input is checked
//! against the table's description before anything is sent, and every call is recorded with
//! the capacity it consumed and what DynamoDB's rule charges (see `store::report`).

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use aws_sdk_dynamodb::types::{ReturnConsumedCapacity, ReturnValue};
use futures::StreamExt;

use super::desc::{KeyAttr, TableDesc};
use super::expr::{Checked, check_condition, check_projection};
use super::value::{Item, parse_key_value, parse_plain_object, type_letter};
use crate::size::{item_size, write_units};
use crate::store::{
    Attempts, CallRecord, Capacity, OpReport, Rule, Store, StoreError, UnitKind, call_error,
    page_rule,
};

/// The expressions of a read as the user gave them: filter, projection, names, values.
#[derive(Debug, Clone, Default)]
pub struct Expressions {
    /// A filter (condition) expression.
    pub filter: Option<String>,
    /// `#name`s, as a JSON object.
    pub names: Option<String>,
    /// `:value`s, as a JSON object (plain JSON, or DynamoDB JSON taken as typed).
    pub values: Option<String>,
    /// Attributes to return, separated by commas.
    pub project: Option<String>,
}

/// A Query as the user gave it (the CLI's flags, the TUI's builder).
#[derive(Debug, Clone, Default)]
pub struct QuerySpec {
    /// The partition key value, as typed.
    pub partition: String,
    /// An index to query instead of the table.
    pub index: Option<String>,
    /// `OP VALUE` (OP one of `=`, `<`, `<=`, `>`, `>=`, `begins_with`) or `between A and B`.
    pub sort: Option<String>,
    /// Filter, projection, names, values.
    pub expr: Expressions,
    /// Descending sort key order.
    pub desc: bool,
    /// DynamoDB's Limit: items evaluated in one page; then it stops.
    pub limit: Option<u32>,
    /// Strongly consistent (not on a GSI).
    pub consistent: bool,
}

/// A Scan as the user gave it.
#[derive(Debug, Clone, Default)]
pub struct ScanSpec {
    /// Filter, projection, names, values.
    pub expr: Expressions,
    /// DynamoDB's Limit: items evaluated in the page.
    pub limit: Option<u32>,
    /// Parallel segments over the whole table (each read to its end); `None`: one page.
    pub segments: Option<u32>,
    /// Strongly consistent.
    pub consistent: bool,
    /// Where the page starts (a LastEvaluatedKey, as DynamoDB JSON or plain JSON).
    pub start: Option<Item>,
}

/// What is sent: checked expressions, their names and values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prepared {
    /// The index read, if not the table.
    pub index: Option<String>,
    /// KeyConditionExpression (Query only).
    pub key_condition: Option<String>,
    /// FilterExpression.
    pub filter: Option<String>,
    /// ProjectionExpression.
    pub projection: Option<String>,
    /// ExpressionAttributeNames.
    pub names: HashMap<String, String>,
    /// ExpressionAttributeValues.
    pub values: Item,
    /// ScanIndexForward = false.
    pub desc: bool,
    /// Limit.
    pub limit: Option<u32>,
    /// ConsistentRead.
    pub consistent: bool,
}

impl Prepared {
    /// The parameters as the log's Detail shows them.
    fn params(&self, report: &mut OpReport, table: &str) {
        report.param("TableName", table);
        if let Some(i) = &self.index {
            report.param("IndexName", i);
        }
        if let Some(k) = &self.key_condition {
            report.param("KeyConditionExpression", k);
        }
        if let Some(f) = &self.filter {
            report.param("FilterExpression", f);
        }
        if let Some(p) = &self.projection {
            report.param("ProjectionExpression", p);
        }
        let mut names: Vec<_> = self.names.iter().collect();
        names.sort();
        for (k, v) in names {
            report.param(k, v);
        }
        let mut values: Vec<_> = self.values.iter().collect();
        values.sort_by(|a, b| a.0.cmp(b.0));
        for (k, v) in values {
            report.param(k, super::value::short_text(v, 60));
        }
        if self.desc {
            report.param("ScanIndexForward", false);
        }
        report.param(
            "Limit",
            self.limit
                .map_or("none (1 MB pages)".to_owned(), |n| n.to_string()),
        );
        report.param("ConsistentRead", self.consistent);
        report.param("ReturnConsumedCapacity", "INDEXES");
    }
}

/// The `#name`s of a JSON object (`{"#n": "name"}`).
fn parse_names(text: Option<&str>) -> Result<HashMap<String, String>, String> {
    let Some(text) = text else {
        return Ok(HashMap::new());
    };
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("--names is not JSON: {e}"))?;
    let m = v
        .as_object()
        .ok_or_else(|| format!("--names is not a JSON object: {text}"))?;
    m.iter()
        .map(|(k, v)| {
            if !k.starts_with('#') {
                return Err(format!("--names: {k:?} must start with #"));
            }
            let name = v.as_str().ok_or_else(|| {
                format!("--names: {k} must name an attribute (a string), not {v}")
            })?;
            Ok((k.clone(), name.to_owned()))
        })
        .collect()
}

fn parse_values(text: Option<&str>) -> Result<Item, String> {
    let Some(text) = text else {
        return Ok(Item::new());
    };
    let values = parse_plain_object(text).map_err(|e| format!("--values: {e}"))?;
    if let Some(bad) = values.keys().find(|k| !k.starts_with(':')) {
        return Err(format!("--values: {bad:?} must start with :"));
    }
    Ok(values)
}

/// Filter and projection, with the user's names and values, into `p`; unused names or values
/// are refused as DynamoDB refuses them.
fn expressions(p: &mut Prepared, e: &Expressions) -> Result<(), String> {
    let (filter, project) = (e.filter.as_deref(), e.project.as_deref());
    let user_names = parse_names(e.names.as_deref())?;
    let user_values = parse_values(e.values.as_deref())?;
    let name_set: BTreeSet<String> = user_names.keys().cloned().collect();
    let value_set: BTreeSet<String> = user_values.keys().cloned().collect();
    let mut used_names = BTreeSet::new();
    let mut used_values = BTreeSet::new();
    let mut add = |p: &mut Prepared, c: &Checked| {
        for (k, v) in &c.names {
            p.names.insert(k.clone(), v.clone());
        }
        used_names.extend(c.used_names.iter().cloned());
        used_values.extend(c.used_values.iter().cloned());
    };
    if let Some(f) = filter {
        let c = check_condition(f, &name_set, &value_set).map_err(|e| format!("--filter: {e}"))?;
        add(p, &c);
        p.filter = Some(c.text);
    }
    if let Some(list) = project {
        let c = check_projection(list, &name_set).map_err(|e| format!("--project: {e}"))?;
        add(p, &c);
        p.projection = Some(c.text);
    }
    if let Some(unused) = name_set.iter().find(|n| !used_names.contains(*n)) {
        return Err(format!(
            "--names gives {unused}, which no expression uses (DynamoDB refuses unused names)"
        ));
    }
    if let Some(unused) = value_set.iter().find(|v| !used_values.contains(*v)) {
        return Err(format!(
            "--values gives {unused}, which no expression uses (DynamoDB refuses unused values)"
        ));
    }
    p.names.extend(user_names);
    p.values.extend(user_values);
    Ok(())
}

/// Placeholders of the key condition, apart from the user's own.
const PK_NAME: &str = "#key_pk";
const SK_NAME: &str = "#key_sk";

/// Checks a Query against the table's description and builds what is sent.
pub fn prepare_query(table: &TableDesc, spec: &QuerySpec) -> Result<Prepared, String> {
    let (hash, range, global) = match &spec.index {
        Some(name) => {
            let i = table.index(name)?;
            let hash = i
                .index
                .hash()
                .ok_or_else(|| format!("index {name} has no partition key"))?;
            (hash, i.index.range(), i.global)
        }
        None => (table.hash(), table.range(), false),
    };
    if spec.consistent && global {
        return Err(format!(
            "--consistent on {}: a global secondary index is read eventually consistent only \
             (DynamoDB refuses ConsistentRead on a GSI); leave --consistent out",
            spec.index.as_deref().unwrap_or_default()
        ));
    }
    let mut p = Prepared {
        index: spec.index.clone(),
        desc: spec.desc,
        limit: spec.limit,
        consistent: spec.consistent,
        ..Default::default()
    };
    let pk = parse_key_value(&spec.partition, &hash.kind, &hash.name)?;
    p.names.insert(PK_NAME.into(), hash.name.clone());
    p.values.insert(":key_pk".into(), pk);
    let mut condition = format!("{PK_NAME} = :key_pk");
    if let Some(sort) = &spec.sort {
        let Some(range) = range else {
            return Err(format!(
                "--sort: {} has no sort key ({})",
                spec.index
                    .as_ref()
                    .map_or(format!("table {}", table.name), |i| format!("index {i}")),
                super::desc::keys_text(std::slice::from_ref(hash))
            ));
        };
        condition.push_str(" AND ");
        condition.push_str(&sort_condition(sort, range, &mut p)?);
        p.names.insert(SK_NAME.into(), range.name.clone());
    }
    p.key_condition = Some(condition);
    expressions(&mut p, &spec.expr)?;
    Ok(p)
}

/// `>= 10`, `begins_with abc`, `between 1 and 5` into a key condition on the sort key.
fn sort_condition(text: &str, range: &KeyAttr, p: &mut Prepared) -> Result<String, String> {
    let t = text.trim();
    let typed = |v: &str| parse_key_value(v.trim(), &range.kind, &range.name);
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("between ") {
        let at = rest.find(" and ").ok_or_else(|| {
            format!("--sort {text:?}: between needs two values: 'between A and B'")
        })?;
        let offset = "between ".len();
        let (a, b) = (&t[offset..offset + at], &t[offset + at + " and ".len()..]);
        p.values.insert(":key_sk1".into(), typed(a)?);
        p.values.insert(":key_sk2".into(), typed(b)?);
        return Ok(format!("{SK_NAME} BETWEEN :key_sk1 AND :key_sk2"));
    }
    if let Some(rest) = lower.strip_prefix("begins_with ") {
        if range.kind == "N" {
            return Err(format!(
                "--sort: begins_with works on S and B sort keys; {} is N (use between)",
                range.name
            ));
        }
        let v = &t[t.len() - rest.len()..];
        p.values.insert(":key_sk".into(), typed(v)?);
        return Ok(format!("begins_with({SK_NAME}, :key_sk)"));
    }
    for op in ["<=", ">=", "=", "<", ">"] {
        if let Some(v) = t.strip_prefix(op) {
            if v.trim().is_empty() {
                return Err(format!("--sort {text:?}: {op} needs a value"));
            }
            p.values.insert(":key_sk".into(), typed(v)?);
            return Ok(format!("{SK_NAME} {op} :key_sk"));
        }
    }
    Err(format!(
        "--sort {text:?}: start with one of =, <, <=, >, >=, begins_with, or write 'between A and B'"
    ))
}

/// Checks a Scan and builds what is sent.
pub fn prepare_scan(spec: &ScanSpec) -> Result<Prepared, String> {
    if spec.segments == Some(0) {
        return Err("--segments 0: give 1 or more".into());
    }
    let mut p = Prepared {
        limit: spec.limit,
        consistent: spec.consistent,
        ..Default::default()
    };
    expressions(&mut p, &spec.expr)?;
    Ok(p)
}

/// Items read, with the counts DynamoDB returned and what it cost.
#[derive(Debug, Clone)]
pub struct ReadOutput {
    /// Items returned (after the filter), in order.
    pub items: Vec<Item>,
    /// Sum of the pages' Count.
    pub count: u64,
    /// Sum of the pages' ScannedCount (items read, and billed, before the filter).
    pub scanned_count: u64,
    /// Pages read.
    pub pages: u64,
    /// Where a next page would start, if the read stopped before the end.
    pub last_evaluated_key: Option<Item>,
    /// Segments of a parallel scan.
    pub segments: u32,
    /// Calls, capacity, time.
    pub report: OpReport,
}

/// What a read returned against what it read, for the log's Detail.
fn read_counts(report: &mut OpReport, out: &ReadOutput) {
    report.param(
        "Returned / read",
        format!(
            "{} of {} items in {} page(s){}",
            out.count,
            out.scanned_count,
            out.pages,
            if out.scanned_count > out.count {
                ": the filter discarded the rest after reading them (billed all the same)"
            } else {
                ""
            }
        ),
    );
}

/// One answered Query or Scan page.
struct Page {
    items: Option<Vec<Item>>,
    /// Count and ScannedCount.
    counts: (i32, i32),
    consumed: Option<aws_sdk_dynamodb::types::ConsumedCapacity>,
    next: Option<Item>,
}

impl Page {
    /// Records the page's call, its capacity and DynamoDB's rule for it, and adds its counts;
    /// its items and where the next page starts.
    fn record(
        self,
        api: &'static str,
        p: &Prepared,
        latency: std::time::Duration,
        report: &mut OpReport,
        tally: &mut Tally,
    ) -> (Vec<Item>, Option<Item>) {
        let items = self.items.unwrap_or_default();
        let rule = page_rule(&items, self.counts, p.projection.is_some(), p.consistent);
        report.record_read(
            api,
            items.len() as u64,
            self.consumed.as_slice(),
            latency,
            rule,
        );
        tally.pages += 1;
        tally.count += self.counts.0 as u64;
        tally.scanned_count += self.counts.1 as u64;
        (items, self.next.filter(|k| !k.is_empty()))
    }
}

/// Counts of the pages read.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) count: u64,
    pub(crate) scanned_count: u64,
    pub(crate) pages: u64,
}

/// One segment of a parallel scan.
struct Segment {
    items: Vec<Item>,
    report: OpReport,
    tally: Tally,
}

impl ReadOutput {
    fn empty(segments: u32) -> Self {
        ReadOutput {
            items: Vec::new(),
            count: 0,
            scanned_count: 0,
            pages: 0,
            last_evaluated_key: None,
            segments,
            report: OpReport::default(),
        }
    }

    fn add(&mut self, t: &Tally) {
        self.count += t.count;
        self.scanned_count += t.scanned_count;
        self.pages += t.pages;
    }
}

fn maybe<T>(m: &HashMap<String, T>) -> Option<HashMap<String, T>>
where
    T: Clone,
{
    (!m.is_empty()).then(|| m.clone())
}

impl Store {
    /// All pages of a Query (one page when `Limit` is set), as prepared.
    pub async fn query_any(&self, p: &Prepared) -> Result<ReadOutput, StoreError> {
        let started = Instant::now();
        let mut report = OpReport::new("query");
        p.params(&mut report, self.table());
        let mut out = ReadOutput::empty(1);
        let mut tally = Tally::default();
        let mut start: Option<Item> = None;
        loop {
            let (items, next) = self
                .query_page_any(p, start.take(), &mut report, &mut tally)
                .await?;
            out.items.extend(items);
            start = next;
            if start.is_none() || p.limit.is_some() {
                out.last_evaluated_key = start;
                out.add(&tally);
                break;
            }
        }
        report.items = out.items.len() as u64;
        read_counts(&mut report, &out);
        report.elapsed = started.elapsed();
        out.report = report;
        Ok(out)
    }

    /// One Query page from `start`: its items and where the next starts.
    pub(crate) async fn query_page_any(
        &self,
        p: &Prepared,
        start: Option<Item>,
        report: &mut OpReport,
        tally: &mut Tally,
    ) -> Result<(Vec<Item>, Option<Item>), StoreError> {
        let mut attempts = Attempts::default();
        let result = self
            .send("Query", 0, None, &mut attempts, || {
                self.client()
                    .query()
                    .table_name(self.table())
                    .set_index_name(p.index.clone())
                    .set_key_condition_expression(p.key_condition.clone())
                    .set_filter_expression(p.filter.clone())
                    .set_projection_expression(p.projection.clone())
                    .set_expression_attribute_names(maybe(&p.names))
                    .set_expression_attribute_values(maybe(&p.values))
                    .scan_index_forward(!p.desc)
                    .set_limit(p.limit.map(|n| n.min(i32::MAX as u32) as i32))
                    .consistent_read(p.consistent)
                    .set_exclusive_start_key(start.clone())
                    .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
                    .send()
            })
            .await;
        attempts.merge_into(report);
        let (page, latency) = result.map_err(call_error)?;
        let answered = Page {
            items: page.items,
            counts: (page.count, page.scanned_count),
            consumed: page.consumed_capacity,
            next: page.last_evaluated_key,
        };
        Ok(answered.record("Query", p, latency, report, tally))
    }

    /// One Scan page from `start`, or, with `segments`, every segment read to its end at
    /// once (DynamoDB's parallel scan).
    pub async fn scan_any(
        &self,
        p: &Prepared,
        segments: Option<u32>,
        start: Option<Item>,
    ) -> Result<ReadOutput, StoreError> {
        let started = Instant::now();
        let mut report = OpReport::new("scan");
        p.params(&mut report, self.table());
        if let Some(n) = segments {
            report.param("TotalSegments", n);
        }
        let mut out = ReadOutput::empty(segments.unwrap_or(1));
        match segments {
            None => {
                let mut tally = Tally::default();
                let (items, lek) = self
                    .scan_page_any(p, None, start, &mut report, &mut tally)
                    .await?;
                out.items = items;
                out.last_evaluated_key = lek;
                out.add(&tally);
            }
            Some(total) => {
                let segments: Vec<Result<Segment, StoreError>> = futures::stream::iter(0..total)
                    .map(|segment| self.scan_segment(p, segment, total))
                    .buffer_unordered(total.min(16) as usize)
                    .collect()
                    .await;
                for seg in segments {
                    let seg = seg?;
                    out.items.extend(seg.items);
                    out.add(&seg.tally);
                    report.absorb(seg.report);
                }
            }
        }
        report.items = out.items.len() as u64;
        read_counts(&mut report, &out);
        report.elapsed = started.elapsed();
        out.report = report;
        Ok(out)
    }

    /// One segment of a parallel scan, read to its end.
    async fn scan_segment(
        &self,
        p: &Prepared,
        segment: u32,
        total: u32,
    ) -> Result<Segment, StoreError> {
        let mut seg = Segment {
            items: Vec::new(),
            report: OpReport::new("scan"),
            tally: Tally::default(),
        };
        let mut start = None;
        loop {
            let (page, lek) = self
                .scan_page_any(
                    p,
                    Some((segment, total)),
                    start,
                    &mut seg.report,
                    &mut seg.tally,
                )
                .await?;
            seg.items.extend(page);
            match lek {
                Some(k) => start = Some(k),
                None => return Ok(seg),
            }
        }
    }

    pub(crate) async fn scan_page_any(
        &self,
        p: &Prepared,
        segment: Option<(u32, u32)>,
        start: Option<Item>,
        report: &mut OpReport,
        out: &mut Tally,
    ) -> Result<(Vec<Item>, Option<Item>), StoreError> {
        let mut attempts = Attempts::default();
        let result = self
            .send("Scan", 0, None, &mut attempts, || {
                self.client()
                    .scan()
                    .table_name(self.table())
                    .set_index_name(p.index.clone())
                    .set_filter_expression(p.filter.clone())
                    .set_projection_expression(p.projection.clone())
                    .set_expression_attribute_names(maybe(&p.names))
                    .set_expression_attribute_values(maybe(&p.values))
                    .set_limit(p.limit.map(|n| n.min(i32::MAX as u32) as i32))
                    .consistent_read(p.consistent)
                    .set_segment(segment.map(|(s, _)| s as i32))
                    .set_total_segments(segment.map(|(_, t)| t as i32))
                    .set_exclusive_start_key(start.clone())
                    .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
                    .send()
            })
            .await;
        attempts.merge_into(report);
        let (page, latency) = result.map_err(call_error)?;
        let answered = Page {
            items: page.items,
            counts: (page.count, page.scanned_count),
            consumed: page.consumed_capacity,
            next: page.last_evaluated_key,
        };
        Ok(answered.record("Scan", p, latency, report, out))
    }

    /// Deletes items by key (DeleteItem each, eight at a time), asking for the old item so
    /// that the rule's WCU (its size) is known. Returns how many existed and the report.
    pub async fn delete_by_keys(&self, keys: Vec<Item>) -> Result<(u64, OpReport), StoreError> {
        let started = Instant::now();
        let mut report = OpReport::new("delete");
        report.param("TableName", self.table());
        report.param("Operation", "DeleteItem per key, ReturnValues ALL_OLD");
        report.param("ReturnConsumedCapacity", "INDEXES");
        let results: Vec<_> = futures::stream::iter(keys)
            .map(|key| async move {
                let mut attempts = Attempts {
                    deletes_only: true,
                    ..Attempts::default()
                };
                let result = self
                    .send("DeleteItem", 1, None, &mut attempts, || {
                        self.client()
                            .delete_item()
                            .table_name(self.table())
                            .set_key(Some(key.clone()))
                            .return_values(ReturnValue::AllOld)
                            .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
                            .send()
                    })
                    .await;
                (attempts, result)
            })
            .buffered(8)
            .collect()
            .await;
        let mut existed = 0;
        let mut first_error = None;
        for (attempts, result) in results {
            attempts.merge_into(&mut report);
            match result {
                Ok((out, latency)) => {
                    let old = out.attributes();
                    existed += u64::from(old.is_some());
                    let rule = match old {
                        Some(item) => Rule::Units(Capacity::of(
                            UnitKind::Write,
                            write_units(item_size(item)) as f64,
                        )),
                        None => Rule::Unknown("the item was not there to delete"),
                    };
                    let entries: Vec<_> = out.consumed_capacity().into_iter().cloned().collect();
                    report.record_answered(UnitKind::Write, &entries, rule, |consumed, by_rule| {
                        CallRecord {
                            api: "DeleteItem",
                            items: 1,
                            consumed,
                            by_rule,
                            latency,
                            outcome: if old.is_some() { "ok" } else { "no such item" }.into(),
                        }
                    });
                }
                Err(e) => {
                    first_error.get_or_insert(call_error(e));
                }
            }
        }
        report.items = existed;
        report.elapsed = started.elapsed();
        match first_error {
            Some(e) => Err(e),
            None => Ok((existed, report)),
        }
    }
}

/// A key given as JSON (`{"pk": "o-17", "sk": 5}`, plain or DynamoDB JSON), checked against
/// the table's key schema: every key attribute there, of its type, and nothing else.
pub fn parse_key(table: &TableDesc, text: &str) -> Result<Item, String> {
    let item = parse_plain_object(text).map_err(|e| format!("--key {text}: {e}"))?;
    for k in &table.key_schema {
        let v = item.get(&k.name).ok_or_else(|| {
            format!(
                "--key {text}: {} is missing (table {} has key {})",
                k.name,
                table.name,
                table.key_text()
            )
        })?;
        if type_letter(v) != k.kind {
            return Err(format!(
                "--key {text}: {} is a key of type {}, not {}",
                k.name,
                k.kind,
                type_letter(v)
            ));
        }
    }
    if let Some(extra) = item
        .keys()
        .find(|n| !table.key_schema.iter().any(|k| &k.name == *n))
    {
        return Err(format!(
            "--key {text}: {extra} is not a key attribute of {} (its key: {})",
            table.name,
            table.key_text()
        ));
    }
    Ok(item)
}

/// The key attributes of an item (to delete it, or to name it).
pub fn key_of(table: &TableDesc, item: &Item) -> Item {
    table
        .key_schema
        .iter()
        .filter_map(|k| item.get(&k.name).map(|v| (k.name.clone(), v.clone())))
        .collect()
}
