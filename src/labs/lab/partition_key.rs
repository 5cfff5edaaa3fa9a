//! Lab 6, `partition-key`: why the seed keys by request id. The same records (one heavy
//! customer owning most of them) written to a table keyed by customer id and to one keyed by
//! request id, under a new on-demand table's limits (simulated in front of local engines,
//! AWS's own on AWS): one partition key takes at most 1,000 WCU/s, so the heavy customer's
//! key throttles the first design while the second spreads the same load over many keys.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};

use super::{Ctx, Item, Meter, StepError, records, result, s, to_item};
use crate::labs::limited::Limited;
use crate::labs::report::{Chart, LabResult, Variant, ratio, thousands};
use crate::labs::scratch::Design;
use crate::limits::{BoundBy, LimitsConfig, PARTITION_WRITE_UNITS, WritePlan, WriteTimeBound};
use crate::request::schema::{PARTITION_KEY, RecordKey, RequestId};
use crate::size::{item_size, write_units};
use crate::store::{OpReport, WriteOptions};

pub(crate) const BY_CUSTOMER: &str = "keyed by customer id";
pub(crate) const BY_REQUEST: &str = "keyed by request id";
/// The customer table's keys: the customer, then request id and seq to keep items apart.
const CUSTOMER_KEY: (&str, &str) = ("customer_id", "request_seq");
/// 4 WCU per item (with `request_seq`): the heavy key passes its 1,000 WCU/s at 250 items/s,
/// which even a loaded engine outruns, while the whole small write (3,600 WCU) stays under the
/// 4,000 WCU a new on-demand table serves in its first second, so spread keys never throttle.
const ITEM_BYTES: usize = 3_400;
const HEAVY: &str = "customer-00001";
/// Busiest keys of each design in the chart.
const CHART_KEYS: usize = 3;

/// One design's write: the variant, the WCU per partition key (by the item size rule) and the
/// model's least time for it.
struct Written {
    variant: Variant,
    per_key: Vec<(String, u64)>,
    bound: Option<WriteTimeBound>,
    limits: String,
}

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    // (requests, records each, requests of the heavy customer): about 90% of the records are
    // his.
    let (requests, per_request, heavy) = ctx.scale.pick((18, 50, 16), (40, 50, 36));
    let (ids, recs) = records(requests, per_request, ITEM_BYTES, |r, _| {
        if r < heavy {
            HEAVY.to_owned()
        } else {
            format!("customer-{:05}", r - heavy + 2)
        }
    })?;
    let mut puts = Vec::with_capacity(recs.len());
    for rec in &recs {
        let mut item = to_item(rec)?;
        item.insert(
            CUSTOMER_KEY.1.to_owned(),
            s(format!("{}#{:05}", rec.request_id.as_str(), rec.seq)),
        );
        puts.push((rec.key(), item));
    }
    let on_demand = LimitsConfig::parse("on-demand", &[]).map_err(StepError::Failed)?;
    let mut written = Vec::new();
    for (name, key, design) in [
        (BY_CUSTOMER, CUSTOMER_KEY.0, Some(CUSTOMER_KEY)),
        (BY_REQUEST, PARTITION_KEY, None),
    ] {
        ctx.step(format!("create table {name}"))?;
        let table = ctx
            .table(&Design {
                key: design,
                ..Design::default()
            })
            .await?;
        let limited = Limited::new(&table, on_demand.clone()).await?;
        ctx.step(format!("write {name}"))?;
        written.push(write(ctx, &limited, name, key, &puts).await?);
    }
    let chart = Chart {
        title: format!(
            "WCU per partition key, busiest {CHART_KEYS} of each design (item sizes, 1 KB rule)"
        ),
        bars: written
            .iter()
            .flat_map(|w| {
                w.per_key
                    .iter()
                    .take(CHART_KEYS)
                    .map(|(k, wcu)| (label(k, &ids), *wcu as f64))
            })
            .collect(),
    };
    let conclusion = conclude(&written[0], &written[1]);
    let variants = written.into_iter().map(|w| w.variant).collect();
    Ok(result(ctx, variants, chart, conclusion))
}

/// Writes every item through `limited` (BatchWriteItem, the adaptive writer riding the limit).
async fn write(
    ctx: &mut Ctx<'_>,
    limited: &Limited,
    name: &str,
    key: &str,
    puts: &[(RecordKey, Item)],
) -> Result<Written, StepError> {
    let mut requests = Vec::with_capacity(puts.len());
    // In the order keys first appear in the workload, so ties list in that order.
    let mut per_key: Vec<(String, u64)> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::new();
    for (record_key, item) in puts {
        let value = item
            .get(key)
            .and_then(|v| v.as_s().ok())
            .ok_or_else(|| StepError::Failed(format!("internal: an item has no {key}")))?;
        let i = *slot.entry(value.clone()).or_insert_with(|| {
            per_key.push((value.clone(), 0));
            per_key.len() - 1
        });
        per_key[i].1 += write_units(item_size(item));
        let put = PutRequest::builder()
            .set_item(Some(item.clone()))
            .build()
            .map_err(|e| StepError::Failed(e.to_string()))?;
        requests.push((
            record_key.clone(),
            WriteRequest::builder().put_request(put).build(),
        ));
    }
    let mut meter = Meter::new();
    let report = limited
        .store
        .batch_write(
            OpReport::new("lab partition-key"),
            "records written",
            requests,
            WriteOptions::default(),
            &|_| {},
            ctx.cancel(),
        )
        .await?;
    meter.absorb(&report);
    let mut variant = meter.variant(name);
    if let Some(stats) = limited.stats() {
        // The layer also counts batches it cut short, which the client sees only as
        // unprocessed items.
        variant.throttling_reasons = stats.refusals;
    }
    per_key.sort_by_key(|k| std::cmp::Reverse(k.1));
    let plan = WritePlan {
        total_wcu: per_key.iter().map(|k| k.1 as f64).sum(),
        partition_keys: per_key.len() as u64,
        largest_key_wcu: per_key.first().map_or(0.0, |k| k.1 as f64),
    };
    Ok(Written {
        variant,
        per_key,
        bound: limited.config.min_write_time(plan),
        limits: limited.describe(),
    })
}

/// A customer id as it is; a request id by its place in the workload (`request #3`), shorter
/// than a GUID.
fn label(key: &str, ids: &[RequestId]) -> String {
    match ids.iter().position(|id| id.as_str() == key) {
        Some(i) => format!("request #{}", i + 1),
        None => key.to_owned(),
    }
}

/// WCU per second over the variant's wall time.
fn rate(v: &Variant) -> f64 {
    v.write_units / (v.elapsed_ms.max(1) as f64 / 1_000.0)
}

/// What throttled, in words: `12 calls throttled and 1,234 items handed back unprocessed
/// (TableWriteKeyRangeThroughputExceeded on 80 calls)`, or `no throttling`.
fn throttles(v: &Variant) -> String {
    if v.throttled == 0 && v.unprocessed == 0 && v.throttling_reasons.is_empty() {
        return "no throttling".to_owned();
    }
    let reasons: Vec<String> = v
        .throttling_reasons
        .iter()
        .map(|(r, n)| format!("{r} on {}", count(*n, "call")))
        .collect();
    let mut text = format!(
        "{} throttled and {} handed back unprocessed",
        count(v.throttled, "call"),
        count(v.unprocessed, "item")
    );
    if !reasons.is_empty() {
        text.push_str(&format!(" ({})", reasons.join(", ")));
    }
    text
}

/// `1 call`, `2,000 calls`.
fn count(n: u64, what: &str) -> String {
    format!("{} {what}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// The model's least time, in words.
fn least(w: &Written) -> String {
    match &w.bound {
        Some(b) if b.seconds > 0.0 => format!(
            "the limits allow no less than {} ms at {} WCU/s {}",
            thousands((b.seconds * 1_000.0) as u64),
            thousands(b.rate as u64),
            match b.by {
                BoundBy::PartitionKey => "per partition key",
                BoundBy::OnDemandTable => "for a new on-demand table",
                BoundBy::ProvisionedTable => "provisioned",
            }
        ),
        Some(_) => "within what the limits allow in the first second".to_owned(),
        None => "no limits simulated".to_owned(),
    }
}

fn conclude(by_customer: &Written, by_request: &Written) -> String {
    let (c, r) = (&by_customer.variant, &by_request.variant);
    let (hot, hot_wcu) = by_customer
        .per_key
        .first()
        .map_or(("-", 0), |(k, w)| (k.as_str(), *w));
    let busiest_request = by_request.per_key.first().map_or(0, |k| k.1);
    let mut text = format!(
        "Keyed by customer id, {hot} alone took {} of the {} WCU, {:.1} seconds' worth of one \
         partition key's {} WCU/s: the write took {} ms at {} WCU/s with {}; {}. \
         Keyed by request id, the busiest of {} keys took {} WCU and the same {} WCU took {} ms \
         at {} WCU/s with {}; {}. ",
        thousands(hot_wcu),
        thousands(c.write_units as u64),
        hot_wcu as f64 / PARTITION_WRITE_UNITS,
        thousands(PARTITION_WRITE_UNITS as u64),
        thousands(c.elapsed_ms),
        thousands(rate(c) as u64),
        throttles(c),
        least(by_customer),
        thousands(by_request.per_key.len() as u64),
        thousands(busiest_request),
        thousands(r.write_units as u64),
        thousands(r.elapsed_ms),
        thousands(rate(r) as u64),
        throttles(r),
        least(by_request),
    );
    text.push_str(&if r.elapsed_ms < c.elapsed_ms {
        format!(
            "Spreading the load over request ids wrote it {} faster ({}).",
            ratio(c.elapsed_ms as f64, r.elapsed_ms.max(1) as f64),
            by_customer.limits
        )
    } else {
        format!(
            "This engine wrote no faster spread over request ids ({}).",
            by_customer.limits
        )
    });
    text
}
