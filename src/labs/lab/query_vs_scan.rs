//! Lab 2, `query-vs-scan`: one request's records found by Query and by Scan with a
//! FilterExpression, as the table grows. A Query reads one partition; a Scan evaluates (and
//! bills) every item in the table, whatever the filter keeps.

use super::{
    Ctx, Meter, StepError, get, query_all, query_request, records, result, s, scan_all, write,
};
use crate::labs::report::{Chart, LabResult, ratio, thousands, units};
use crate::labs::scratch::Design;
use crate::request::schema::PARTITION_KEY;

/// Bytes per record: a small generated record.
const ITEM_BYTES: usize = 300;

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    let sizes: &[u32] = ctx.scale.pick(&[10, 50, 200], &[10, 100, 1_000]);
    let per_request = ctx.scale.pick(3, 10);
    ctx.step("create table")?;
    let store = ctx.table(&Design::default()).await?;
    let mut target = None;
    let mut written = 0;
    let mut variants = Vec::new();
    for &size in sizes {
        ctx.step(format!("write {size} requests"))?;
        let (ids, recs) = records(size - written, per_request, ITEM_BYTES, |r, _| {
            format!("customer-{:05}", r % 100)
        })?;
        write(ctx, &store, recs).await?;
        written = size;
        let id = target
            .get_or_insert_with(|| ids[0].as_str().to_owned())
            .clone();
        ctx.step(format!("query {size}"))?;
        let mut meter = Meter::new();
        let query = query_request(&store, &id);
        query_all(ctx, &mut meter, &store, query).await?;
        variants.push(meter.variant(format!("query {size}")));
        ctx.step(format!("scan {size}"))?;
        let mut meter = Meter::new();
        let scan = store
            .client()
            .scan()
            .table_name(store.table())
            .filter_expression("#pk = :id")
            .expression_attribute_names("#pk", PARTITION_KEY)
            .expression_attribute_values(":id", s(&id));
        scan_all(ctx, &mut meter, &store, scan).await?;
        variants.push(meter.variant(format!("scan {size}")));
    }
    for v in &mut variants {
        v.returned_bytes = None;
    }
    let chart = Chart {
        title: "RCU to find one request's records, by table size in requests".into(),
        bars: variants
            .iter()
            .map(|v| (v.name.clone(), v.read_units))
            .collect(),
    };
    let conclusion = conclude(&variants, sizes)?;
    Ok(result(ctx, variants, chart, conclusion))
}

fn conclude(variants: &[crate::labs::Variant], sizes: &[u32]) -> Result<String, StepError> {
    let (first, last) = (sizes[0], sizes[sizes.len() - 1]);
    let q: Vec<f64> = sizes
        .iter()
        .map(|n| get(variants, &format!("query {n}")).map(|v| v.read_units))
        .collect::<Result<_, _>>()?;
    let scans: Vec<String> = sizes
        .iter()
        .map(|n| {
            get(variants, &format!("scan {n}")).map(|v| {
                format!(
                    "{} RCU at {}",
                    units(v.read_units),
                    thousands(u64::from(*n))
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let q_last = get(variants, &format!("query {last}"))?;
    let s_last = get(variants, &format!("scan {last}"))?;
    let q_flat = q.iter().all(|&x| x == q[0]);
    Ok(format!(
        "Query found the request's {} records for {} RCU {} from {} to {} requests; \
         Scan with a filter returned the same {} records but evaluated the whole table: {}. \
         At {} requests the Scan cost {} the Query.",
        q_last.items,
        if q_flat {
            units(q[0])
        } else {
            q.iter().map(|x| units(*x)).collect::<Vec<_>>().join(" / ")
        },
        if q_flat {
            "at every size"
        } else {
            "(not flat)"
        },
        thousands(u64::from(first)),
        thousands(u64::from(last)),
        s_last.items,
        scans.join(", "),
        thousands(u64::from(last)),
        ratio(s_last.read_units, q_last.read_units),
    ))
}
