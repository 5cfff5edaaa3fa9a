//! One file per lab, and what they share: records of an exact item size, paged Query and Scan
//! through a [`Meter`], and per-item figures for charts.

mod batching;
mod conditions;
mod filters;
mod gsi;
mod item_size;
mod paging;
mod partition_key;
mod query_vs_scan;
mod reads;
mod ttl_vs_delete;

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

use super::catalog::LabId;
use super::ctx::{Ctx, Meter, StepError, one};
use super::report::LabResult;
use crate::request::schema::{PARTITION_KEY, Record, RequestId};
use crate::size::item_size;
use crate::store::{Store, UnitKind, WriteOptions};

/// An item as the SDK carries it.
pub(crate) type Item = HashMap<String, AttributeValue>;

/// Runs the lab `ctx.lab`.
pub(crate) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    match ctx.lab {
        LabId::Reads => reads::run(ctx).await,
        LabId::QueryVsScan => query_vs_scan::run(ctx).await,
        LabId::ItemSize => item_size::run(ctx).await,
        LabId::Paging => paging::run(ctx).await,
        LabId::Batching => batching::run(ctx).await,
        LabId::ConditionsAndTransactions => conditions::run(ctx).await,
        LabId::FiltersAndProjections => filters::run(ctx).await,
        LabId::PartitionKey => partition_key::run(ctx).await,
        LabId::Gsi => gsi::run(ctx).await,
        LabId::TtlVsDelete => ttl_vs_delete::run(ctx).await,
    }
}

/// The result every lab builds: its name, question and scale from `ctx`.
fn result(
    ctx: &Ctx<'_>,
    variants: Vec<super::Variant>,
    chart: super::Chart,
    conclusion: String,
) -> LabResult {
    let mut spent = ctx.setup;
    for v in &variants {
        spent.add(v.capacity());
    }
    LabResult {
        spent,
        name: ctx.lab.name(),
        question: ctx.lab.question(),
        scale: ctx.scale,
        variants,
        conclusion,
        chart,
    }
}

/// A record as an item.
fn to_item(r: &Record) -> Result<Item, StepError> {
    serde_dynamo::to_item(r).map_err(|e| StepError::Failed(format!("record does not convert: {e}")))
}

/// Size of a record as DynamoDB counts it.
fn record_size(r: &Record) -> Result<usize, StepError> {
    Ok(item_size(&to_item(r)?))
}

/// Records of `requests` requests with `per_request` records each, every item exactly
/// `item_bytes` bytes (the payload pads it). `customer(request, seq)` names the customer.
fn records(
    requests: u32,
    per_request: u32,
    item_bytes: usize,
    customer: impl Fn(u32, u32) -> String,
) -> Result<(Vec<RequestId>, Vec<Record>), StepError> {
    let mut ids = Vec::new();
    let mut out = Vec::new();
    for r in 0..requests {
        let id = RequestId::new_random();
        for seq in 0..per_request {
            let mut rec = Record {
                request_id: id.clone(),
                seq,
                created_at: "2026-01-01T00:00:00Z".into(),
                customer_id: customer(r, seq),
                record_count: per_request,
                payload: String::new(),
                expires_at: 4_102_444_800,
            };
            let base = record_size(&rec)?;
            let pad = item_bytes.checked_sub(base).ok_or_else(|| {
                StepError::Failed(format!(
                    "{item_bytes} bytes is smaller than a record ({base})"
                ))
            })?;
            rec.payload = "x".repeat(pad);
            out.push(rec);
        }
        ids.push(id);
    }
    Ok((ids, out))
}

/// Writes setup records (BatchWriteItem, 4 calls in flight); their cost is not a variant
/// but counts in what the lab spends.
async fn write(ctx: &mut Ctx<'_>, store: &Store, records: Vec<Record>) -> Result<(), StepError> {
    let report = store
        .write_records(records, WriteOptions::fixed(4), &|_| {}, ctx.cancel())
        .await?;
    ctx.setup.add(report.consumed.total);
    Ok(())
}

/// Every page of a Query or a Scan (the two page the same way), measured (calls, units,
/// items and the bytes they returned; no lab needs the items themselves).
macro_rules! all_pages {
    ($ctx:expr, $meter:expr, $store:expr, $request:expr, $api:literal) => {{
        let request = $request.return_consumed_capacity(ReturnConsumedCapacity::Total);
        let mut start: Option<Item> = None;
        loop {
            let out = $meter
                .send($ctx, $store, $api, || {
                    request
                        .clone()
                        .set_exclusive_start_key(start.clone())
                        .send()
                })
                .await?;
            $meter.consumed(
                UnitKind::Read,
                one(out.consumed_capacity()),
                out.items().len() as u64,
            );
            for item in out.items() {
                $meter.returned_bytes(item_size(item));
            }
            match out.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break Ok(()),
            }
        }
    }};
}

/// Every page of a Query, measured.
async fn query_all(
    ctx: &Ctx<'_>,
    meter: &mut Meter,
    store: &Store,
    query: QueryFluentBuilder,
) -> Result<(), StepError> {
    all_pages!(ctx, meter, store, query, "Query")
}

/// Every page of a Scan, measured.
async fn scan_all(
    ctx: &Ctx<'_>,
    meter: &mut Meter,
    store: &Store,
    scan: ScanFluentBuilder,
) -> Result<(), StepError> {
    all_pages!(ctx, meter, store, scan, "Scan")
}

/// A Query of every record of one request id (`#pk = :id`).
fn query_request(store: &Store, id: &str) -> QueryFluentBuilder {
    store
        .client()
        .query()
        .table_name(store.table())
        .key_condition_expression("#pk = :id")
        .expression_attribute_names("#pk", PARTITION_KEY)
        .expression_attribute_values(":id", s(id))
}

/// PutItem of `item`, measured (its WCU and one item).
async fn put_item(
    ctx: &Ctx<'_>,
    meter: &mut Meter,
    store: &Store,
    item: &Item,
) -> Result<(), StepError> {
    let out = meter
        .send(ctx, store, "PutItem", || {
            put(store, item, ReturnConsumedCapacity::Total).send()
        })
        .await?;
    meter.consumed(UnitKind::Write, one(out.consumed_capacity()), 1);
    Ok(())
}

/// A PutItem of `item` on `store`'s table, asking for `capacity`.
fn put(store: &Store, item: &Item, capacity: ReturnConsumedCapacity) -> PutItemFluentBuilder {
    store
        .client()
        .put_item()
        .table_name(store.table())
        .set_item(Some(item.clone()))
        .return_consumed_capacity(capacity)
}

/// GetItem of `key`, measured (its RCU); whether the item was there.
async fn get_item(
    ctx: &Ctx<'_>,
    meter: &mut Meter,
    store: &Store,
    key: &Item,
    consistent: bool,
) -> Result<bool, StepError> {
    let out = meter
        .send(ctx, store, "GetItem", || {
            store
                .client()
                .get_item()
                .table_name(store.table())
                .set_key(Some(key.clone()))
                .consistent_read(consistent)
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .send()
        })
        .await?;
    let found = out.item().is_some();
    meter.consumed(UnitKind::Read, one(out.consumed_capacity()), 0);
    Ok(found)
}

/// A string attribute value.
/// An item of exactly `size` bytes as DynamoDB counts them: partition key `pk`, sort key
/// `seq`, and the attribute `name` padded out with `x`.
fn padded_item(pk: &str, seq: u32, name: &str, size: usize) -> Result<Item, StepError> {
    let mut item: Item = [
        (PARTITION_KEY.to_owned(), s(pk)),
        (crate::request::schema::SORT_KEY.to_owned(), n(seq)),
        (name.to_owned(), s("")),
    ]
    .into_iter()
    .collect();
    let base = item_size(&item);
    let pad = size
        .checked_sub(base)
        .ok_or_else(|| StepError::Failed(format!("{size} B is less than an empty item")))?;
    item.insert(name.to_owned(), s("x".repeat(pad)));
    Ok(item)
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A number attribute value.
fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// Units per item of a variant (0 when it has none).
fn per_item(v: &super::Variant, units: f64) -> f64 {
    if v.items == 0 {
        0.0
    } else {
        units / v.items as f64
    }
}

/// The variant `name` of `variants` (labs look up what they just measured).
fn get<'a>(variants: &'a [super::Variant], name: &str) -> Result<&'a super::Variant, StepError> {
    let v = variants
        .iter()
        .find(|v| v.name == name)
        .ok_or_else(|| StepError::Failed(format!("internal: no variant {name:?}")))?;
    match &v.unsupported {
        Some(why) => Err(StepError::Unsupported(why.clone())),
        None => Ok(v),
    }
}

/// The variant `name`, or `None` when the engine could not run it (the conclusion then says
/// so instead of comparing it).
fn measured<'a>(
    variants: &'a [super::Variant],
    name: &str,
) -> Result<Option<&'a super::Variant>, StepError> {
    match get(variants, name) {
        Ok(v) => Ok(Some(v)),
        Err(StepError::Unsupported(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A variant's measurement, or, when the engine lacks an API it needs, the variant marked
/// [`super::report::NOT_SUPPORTED`] so that the lab goes on with the others.
fn or_unsupported(
    name: &str,
    measured: Result<super::Variant, StepError>,
) -> Result<super::Variant, StepError> {
    match measured {
        Err(StepError::Unsupported(why)) => Ok(super::Variant::unsupported(name, why)),
        other => other,
    }
}
