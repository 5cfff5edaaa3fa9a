//! Reading: all pages of a Query on one request id, and a Scan one page at a time.
//!
//! A Query of one request reads only that partition, so it costs what its records weigh
//! (rounded to 4 KB per page). A Scan evaluates every item it passes, so it costs the table.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};
use serde::Serialize;

use super::batch::key_item;
use super::{Attempts, CallError, Capacity, OpReport, Rule, Store, StoreError, UnitKind};
use crate::request::schema::{
    PARTITION_KEY, Record, RecordKey, RequestId, SORT_KEY, TTL_ATTRIBUTE,
};
use crate::size::{item_size, page_read_units};

type Item = HashMap<String, AttributeValue>;

/// What a Query reads: its options, keys only or whole records, and the time (epoch
/// seconds) at which records must not be expired to come back (`None`: all come back).
type Shape<'a> = (&'a QueryOptions, bool, Option<i64>);

/// Keeps records not expired at `:now`: DynamoDB expires an item once its TTL time is
/// before now, and an item with no TTL attribute never.
const UNEXPIRED_FILTER: &str = "attribute_not_exists(#ttl) OR #ttl >= :now";

/// Adds the filter that hides records expired at `now` (epoch seconds) to a Query: the one
/// definition, for `query --exclude-expired` and the TTL lab.
pub fn filter_unexpired(
    q: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    now: i64,
) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
    q.filter_expression(UNEXPIRED_FILTER)
        .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
        .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
}

/// How to query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryOptions {
    /// Strongly consistent (twice the RCU) instead of eventual.
    pub consistent: bool,
    /// `Limit` per page; `None` lets DynamoDB fill 1 MB pages. Setting it also reads the
    /// pages one after another (see `parallel`), as a study of paging expects.
    pub page_size: Option<u32>,
    /// Up to this many Queries at once for a big request (0 or 1: one page after another).
    /// After the first page, the rest of the request is split into `seq` ranges by the
    /// `record_count` its records carry, the last range open-ended so that nothing is missed
    /// whatever `record_count` says; each range pages on its own. Same items, about the same
    /// RCU (each page still rounds to 4 KB), less wall time.
    pub parallel: u32,
}

/// Items in the first page of a query that may be split into parallel ranges: enough for
/// nearly every request to be read in one call, few enough that a big one is split after a
/// short first call instead of a full 1 MB page.
pub const FIRST_PAGE_ITEMS: u32 = 500;

/// The default of `QueryOptions::parallel` for the CLI and the TUI. Reading back 10,000
/// records (4 pages of 1 MB), `query --parallel 1` against `--parallel 4` (benches/run, W3):
/// DynamoDB Local 0-20% less wall time across runs; the embedded engine about the same (it
/// serves one call at a time). Same 4 pages, RCU within half a unit. On AWS each page is a
/// network round trip, so ranges in flight together should save more there (not measured).
pub const DEFAULT_QUERY_PARALLEL: u32 = 4;

/// The records of one request.
#[derive(Debug, Clone)]
pub struct QueryOutput {
    /// The request queried.
    pub request_id: RequestId,
    /// Its records, in `seq` order.
    pub records: Vec<Record>,
    /// Each record's item size in bytes as DynamoDB counts it.
    pub sizes: Vec<u32>,
    /// Sum of the pages' Count.
    pub count: u64,
    /// Sum of the pages' ScannedCount.
    pub scanned_count: u64,
    /// Pages read.
    pub pages: u64,
    /// Calls, capacity, time.
    pub report: OpReport,
}

/// How to scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// `Limit`: items evaluated in this page.
    pub limit: Option<u32>,
    /// Continue after this key (the previous page's LastEvaluatedKey).
    pub start: Option<RecordKey>,
    /// Strongly consistent.
    pub consistent: bool,
}

/// Records of one request id seen on a scan page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestSummary {
    /// The request.
    pub request_id: RequestId,
    /// Records of it on this page.
    pub records: u64,
    /// The request's `record_count` attribute, if present: how many it has in all.
    pub record_count: Option<u32>,
    /// Its `created_at`, if present.
    pub created_at: Option<String>,
}

/// One page of a Scan, summarised per request id.
#[derive(Debug, Clone)]
pub struct ScanPage {
    /// Request ids in the order first seen.
    pub requests: Vec<RequestSummary>,
    /// Items returned.
    pub count: u64,
    /// Items evaluated.
    pub scanned_count: u64,
    /// Where the next page starts; `None` at the end of the table. A page can be empty and
    /// still have one.
    pub last_evaluated_key: Option<RecordKey>,
    /// Calls, capacity, time.
    pub report: OpReport,
}

struct Pages {
    count: u64,
    scanned: u64,
    pages: u64,
}

impl Store {
    /// Reads every record of `id`, all pages.
    pub async fn query_request(
        &self,
        id: &RequestId,
        opts: &QueryOptions,
    ) -> Result<QueryOutput, StoreError> {
        self.query_records(id, opts, None).await
    }

    /// Reads every record of `id` that is not expired at `now` (epoch seconds): expired
    /// records are hidden by a FilterExpression, which saves no RCU (a Query is billed for
    /// what it reads before filtering); `scanned_count` still counts them.
    pub async fn query_request_unexpired(
        &self,
        id: &RequestId,
        opts: &QueryOptions,
        now: i64,
    ) -> Result<QueryOutput, StoreError> {
        self.query_records(id, opts, Some(now)).await
    }

    async fn query_records(
        &self,
        id: &RequestId,
        opts: &QueryOptions,
        unexpired_at: Option<i64>,
    ) -> Result<QueryOutput, StoreError> {
        let mut report = OpReport::new("query");
        // Each page becomes records as soon as it arrives (so parallel ranges never hold
        // more than a page each of SDK items).
        let convert = |items: Vec<Item>| {
            let mut records = Vec::with_capacity(items.len());
            let mut sizes = Vec::with_capacity(items.len());
            for item in items {
                sizes.push(item_size(&item) as u32);
                let record: Record =
                    serde_dynamo::from_item(item).map_err(|e| StoreError::Service {
                        code: "UnexpectedItem".into(),
                        message: format!(
                            "an item of request {id} is not a record of this schema: {e}"
                        ),
                    })?;
                records.push(record);
            }
            Ok((records, sizes))
        };
        let (pages, chunks) = self
            .query_pages(id, (opts, false, unexpired_at), &mut report, &convert)
            .await?;
        let total = chunks.iter().map(|(r, _)| r.len()).sum();
        let mut records = Vec::with_capacity(total);
        let mut sizes = Vec::with_capacity(total);
        for (r, s) in chunks {
            records.extend(r);
            sizes.extend(s);
        }
        report.items = records.len() as u64;
        Ok(QueryOutput {
            request_id: id.clone(),
            records,
            sizes,
            count: pages.count,
            scanned_count: pages.scanned,
            pages: pages.pages,
            report,
        })
    }

    /// The keys of every record of `id` (a projection: saves bandwidth, not RCU).
    pub(crate) async fn query_keys(
        &self,
        id: &RequestId,
        opts: &QueryOptions,
    ) -> Result<(Vec<RecordKey>, OpReport), StoreError> {
        let mut report = OpReport::new("query");
        let convert = |items: Vec<Item>| {
            items
                .iter()
                .map(|item| {
                    let seq = item
                        .get(SORT_KEY)
                        .and_then(|v| v.as_n().ok())
                        .and_then(|n| n.parse().ok());
                    match seq {
                        Some(seq) => Ok(RecordKey {
                            request_id: id.clone(),
                            seq,
                        }),
                        None => Err(StoreError::Service {
                            code: "UnexpectedItem".into(),
                            message: format!("an item of request {id} has no numeric {SORT_KEY}"),
                        }),
                    }
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let (_, chunks) = self
            .query_pages(id, (opts, true, None), &mut report, &convert)
            .await?;
        let keys: Vec<RecordKey> = chunks.into_iter().flatten().collect();
        report.items = keys.len() as u64;
        Ok((keys, report))
    }

    /// All pages of a Query of `id`, each turned into a `T` by `convert` as it arrives; the
    /// `T`s in `seq` order.
    async fn query_pages<T>(
        &self,
        id: &RequestId,
        (opts, keys_only, unexpired_at): Shape<'_>,
        report: &mut OpReport,
        convert: &Convert<'_, T>,
    ) -> Result<(Pages, Vec<T>), StoreError> {
        let started = std::time::Instant::now();
        report.param("TableName", &self.table);
        report.param("KeyConditionExpression", format!("{PARTITION_KEY} = :id"));
        report.param(":id", id);
        report.param("ConsistentRead", opts.consistent);
        // Splitting: the first page is a short one, to learn the request's size (its records'
        // `record_count`) one round trip and a few hundred items in, not a whole 1 MB page
        // later; a request that fits in it is read in that one call as before.
        let splitting = !keys_only && opts.page_size.is_none() && opts.parallel > 1;
        report.param(
            "Limit",
            match opts.page_size {
                Some(n) => n.to_string(),
                None if splitting => {
                    format!("{FIRST_PAGE_ITEMS} on the first page, then none (1 MB pages)")
                }
                None => "none (1 MB pages)".to_owned(),
            },
        );
        if keys_only {
            report.param(
                "ProjectionExpression",
                format!("{PARTITION_KEY}, {SORT_KEY}"),
            );
        }
        if let Some(now) = unexpired_at {
            report.param(
                "FilterExpression",
                UNEXPIRED_FILTER.replace("#ttl", TTL_ATTRIBUTE),
            );
            report.param(":now", now);
        }
        report.param("ReturnConsumedCapacity", "INDEXES");
        let shape = (opts, keys_only, unexpired_at);
        // The first page; then either one page after another, or seq ranges at once.
        let first_limit = if splitting {
            Some(FIRST_PAGE_ITEMS)
        } else {
            opts.page_size
        };
        let (result, attempts) = self.query_range(id, shape, None, None, first_limit).await;
        let (mut out, latency) = result.map_err(call_error)?;
        let next = out.last_evaluated_key.take().filter(|k| !k.is_empty());
        let ranges = match &next {
            Some(lek) if splitting => split_rest(out.items(), lek, opts.parallel),
            _ => Vec::new(),
        };
        let raw = out.items.take().unwrap_or_default();
        let rule = page_rule(
            &raw,
            (out.count, out.scanned_count),
            keys_only,
            opts.consistent,
        );
        let items = convert(raw)?;
        let first = Answered {
            attempts,
            out,
            latency,
            items,
            rule,
        };
        let rest = if !ranges.is_empty() {
            report.param(
                "Parallel",
                format!(
                    "{} seq ranges at once after the first page: {}",
                    ranges.len(),
                    ranges
                        .iter()
                        .map(|(lo, hi)| match hi {
                            Some(hi) => format!("{lo}..={hi}"),
                            None => format!("{lo}.."),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            // The first range to fail ends them all: the error is the result.
            futures::future::try_join_all(
                ranges
                    .iter()
                    .map(|range| self.range_pages(id, shape, Some(*range), None, convert)),
            )
            .await?
            .into_iter()
            .flatten()
            .collect()
        } else if next.is_some() {
            self.range_pages(id, shape, None, next, convert).await?
        } else {
            Vec::new()
        };
        let mut pages = Pages {
            count: 0,
            scanned: 0,
            pages: 0,
        };
        let chunks = std::iter::once(first)
            .chain(rest)
            .map(|page| page.account(report, &mut pages))
            .collect();
        report.elapsed = started.elapsed();
        Ok((pages, chunks))
    }

    /// Pages of a Query one after another, each converted as it arrives, from `start` (`None`:
    /// the beginning) to the end of `range` (`None`: the whole request).
    async fn range_pages<T>(
        &self,
        id: &RequestId,
        shape: Shape<'_>,
        range: Option<(u32, Option<u32>)>,
        mut start: Option<Item>,
        convert: &Convert<'_, T>,
    ) -> Result<Vec<Answered<T>>, StoreError> {
        let mut pages = Vec::new();
        loop {
            let (result, attempts) = self
                .query_range(id, shape, range, start.take(), shape.0.page_size)
                .await;
            let (mut out, latency) = result.map_err(call_error)?;
            start = out.last_evaluated_key.take().filter(|k| !k.is_empty());
            let raw = out.items.take().unwrap_or_default();
            let rule = page_rule(
                &raw,
                (out.count, out.scanned_count),
                shape.1,
                shape.0.consistent,
            );
            let items = convert(raw)?;
            pages.push(Answered {
                attempts,
                out,
                latency,
                items,
                rule,
            });
            if start.is_none() {
                return Ok(pages);
            }
        }
    }

    /// One Query call (retried as `send` does): the whole request, or a `seq` range of it
    /// (`(lo, None)`: `seq >= lo`).
    async fn query_range(
        &self,
        id: &RequestId,
        (opts, keys_only, unexpired_at): Shape<'_>,
        range: Option<(u32, Option<u32>)>,
        start: Option<Item>,
        limit: Option<u32>,
    ) -> PageResult {
        let condition = match range {
            None => "#pk = :id",
            Some((_, None)) => "#pk = :id AND #sk >= :lo",
            Some((_, Some(_))) => "#pk = :id AND #sk BETWEEN :lo AND :hi",
        };
        let mut attempts = Attempts::default();
        let result = self
            .send("Query", 0, None, &mut attempts, || {
                let mut q = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression(condition)
                    .expression_attribute_names("#pk", PARTITION_KEY)
                    .expression_attribute_values(":id", AttributeValue::S(id.as_str().to_owned()))
                    .consistent_read(opts.consistent)
                    .set_limit(limit.map(|n| n.min(i32::MAX as u32) as i32))
                    .set_exclusive_start_key(start.clone())
                    .return_consumed_capacity(ReturnConsumedCapacity::Indexes);
                if let Some((lo, hi)) = range {
                    q = q
                        .expression_attribute_names("#sk", SORT_KEY)
                        .expression_attribute_values(":lo", AttributeValue::N(lo.to_string()));
                    if let Some(hi) = hi {
                        q = q.expression_attribute_values(":hi", AttributeValue::N(hi.to_string()));
                    }
                }
                if keys_only {
                    q = q
                        .projection_expression("#pk, #sk")
                        .expression_attribute_names("#sk", SORT_KEY);
                }
                if let Some(now) = unexpired_at {
                    q = filter_unexpired(q, now);
                }
                q.send()
            })
            .await;
        (result, attempts)
    }

    /// Sends one Scan of the table, ConsumedCapacity asked for and `configure` adding the
    /// rest, retried as every call is; records it in `report` and takes its items out.
    pub(crate) async fn scan_call(
        &self,
        report: &mut OpReport,
        (projected, consistent): (bool, bool),
        configure: impl Fn(ScanBuilder) -> ScanBuilder,
    ) -> Result<(ScanOutputSdk, Vec<Item>), StoreError> {
        let mut attempts = Attempts::default();
        let result = self
            .send("Scan", 0, None, &mut attempts, || {
                configure(
                    self.client
                        .scan()
                        .table_name(&self.table)
                        .return_consumed_capacity(ReturnConsumedCapacity::Indexes),
                )
                .send()
            })
            .await;
        attempts.merge_into(report);
        let (mut out, latency) = result.map_err(call_error)?;
        let items = out.items.take().unwrap_or_default();
        let rule = page_rule(
            &items,
            (out.count, out.scanned_count),
            projected,
            consistent,
        );
        report.record_read(
            "Scan",
            items.len() as u64,
            out.consumed_capacity.as_slice(),
            latency,
            rule,
        );
        report.items = items.len() as u64;
        Ok((out, items))
    }

    /// Reads one page of the table, summarised per request id.
    pub async fn scan_page(&self, opts: &ScanOptions) -> Result<ScanPage, StoreError> {
        let started = std::time::Instant::now();
        let mut report = OpReport::new("scan");
        report.param("TableName", &self.table);
        report.param("ConsistentRead", opts.consistent);
        report.param(
            "Limit",
            opts.limit
                .map_or("none (1 MB page)".to_owned(), |n| n.to_string()),
        );
        report.param(
            "ProjectionExpression",
            "request_id, seq, created_at, record_count",
        );
        if let Some(start) = &opts.start {
            report.param("ExclusiveStartKey", start);
        }
        report.param("ReturnConsumedCapacity", "INDEXES");
        let start_key = opts.start.as_ref().map(key_item);
        let (out, items) = self
            .scan_call(&mut report, (true, opts.consistent), |scan| {
                scan.consistent_read(opts.consistent)
                    .set_limit(opts.limit.map(|n| n.min(i32::MAX as u32) as i32))
                    .set_exclusive_start_key(start_key.clone())
                    .projection_expression("#pk, #sk, created_at, record_count")
                    .expression_attribute_names("#pk", PARTITION_KEY)
                    .expression_attribute_names("#sk", SORT_KEY)
            })
            .await?;

        let mut requests: Vec<RequestSummary> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for item in &items {
            let Some(id) = item.get(PARTITION_KEY).and_then(|v| v.as_s().ok()) else {
                continue;
            };
            let slot = *index.entry(id.clone()).or_insert_with(|| {
                requests.push(RequestSummary {
                    request_id: RequestId::parse(id).unwrap_or_else(|_| RequestId::new_random()),
                    records: 0,
                    record_count: item
                        .get("record_count")
                        .and_then(|v| v.as_n().ok())
                        .and_then(|n| n.parse().ok()),
                    created_at: item.get("created_at").and_then(|v| v.as_s().ok()).cloned(),
                });
                requests.len() - 1
            });
            requests[slot].records += 1;
        }
        let last_evaluated_key = out.last_evaluated_key.as_ref().and_then(|k| {
            let request_id = RequestId::parse(k.get(PARTITION_KEY)?.as_s().ok()?).ok()?;
            let seq = k.get(SORT_KEY)?.as_n().ok()?.parse().ok()?;
            Some(RecordKey { request_id, seq })
        });
        report.elapsed = started.elapsed();
        Ok(ScanPage {
            requests,
            count: out.count() as u64,
            scanned_count: out.scanned_count() as u64,
            last_evaluated_key,
            report,
        })
    }
}

type QueryOutputSdk = aws_sdk_dynamodb::operation::query::QueryOutput;
type ScanOutputSdk = aws_sdk_dynamodb::operation::scan::ScanOutput;
type ScanBuilder = aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
type PageResult = (
    Result<(QueryOutputSdk, std::time::Duration), CallError>,
    Attempts,
);
/// Turns a page's items into what the caller keeps (records, keys).
type Convert<'a, T> = dyn Fn(Vec<Item>) -> Result<T, StoreError> + Sync + 'a;

/// One answered Query page: its retries, the answer (items taken out) and its items converted.
struct Answered<T> {
    attempts: Attempts,
    out: QueryOutputSdk,
    latency: std::time::Duration,
    items: T,
    /// What DynamoDB's rule charges for the page.
    rule: Rule,
}

impl<T> Answered<T> {
    /// Adds the page's call, retries and capacity to the report; its converted items.
    fn account(self, report: &mut OpReport, pages: &mut Pages) -> T {
        self.attempts.merge_into(report);
        report.record_read(
            "Query",
            self.out.count() as u64,
            self.out.consumed_capacity.as_slice(),
            self.latency,
            self.rule,
        );
        pages.pages += 1;
        pages.count += self.out.count() as u64;
        pages.scanned += self.out.scanned_count() as u64;
        self.items
    }
}

/// What DynamoDB's rule charges for a Query or Scan page, from the items it returned: their
/// sizes summed and rounded up to 4 KB once per page, halved for an eventual read. Not
/// computable when the page returned less than it read: a projection, or a filter that
/// discarded items (`count` below `scanned`).
pub(crate) fn page_rule(
    items: &[Item],
    (count, scanned): (i32, i32),
    projected: bool,
    consistent: bool,
) -> Rule {
    if projected {
        Rule::PROJECTED
    } else if count != scanned {
        Rule::FILTERED
    } else {
        let size = items.iter().map(item_size).sum();
        Rule::Units(Capacity::of(
            UnitKind::Read,
            page_read_units(size, consistent),
        ))
    }
}

/// The `seq` ranges left after a first page that stopped at `lek`, by the `record_count` of
/// its records: at most `parallel` ranges, none smaller than the first page (so a request that
/// needs two pages is not split in ten), the last one open-ended. Empty: read on page by page.
fn split_rest(first_page: &[Item], lek: &Item, parallel: u32) -> Vec<(u32, Option<u32>)> {
    let number =
        |item: &Item, name: &str| -> Option<u64> { item.get(name)?.as_n().ok()?.parse().ok() };
    let (Some(last_seq), Some(record_count)) = (
        number(lek, SORT_KEY),
        first_page.last().and_then(|i| number(i, "record_count")),
    ) else {
        return Vec::new();
    };
    let from = last_seq + 1;
    let per_page = first_page.len().max(1) as u64;
    let rest = record_count.saturating_sub(from);
    let n = rest.div_ceil(per_page).min(u64::from(parallel));
    if n < 2 || record_count > u64::from(u32::MAX) {
        return Vec::new();
    }
    let chunk = rest.div_ceil(n);
    (0..n)
        .map(|i| {
            let lo = (from + i * chunk) as u32;
            let hi = (i + 1 < n).then(|| (from + (i + 1) * chunk - 1) as u32);
            (lo, hi)
        })
        .collect()
}

/// Reads have nothing to be partial about: a failure is the failure.
pub(crate) fn call_error(e: CallError) -> StoreError {
    match e {
        CallError::Failed { err, .. } => err,
        CallError::Cancelled => StoreError::InvalidInput("cancelled".into()),
    }
}
