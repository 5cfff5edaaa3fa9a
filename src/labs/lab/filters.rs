//! Lab 10, `filters-and-projections`: a FilterExpression and a ProjectionExpression return
//! fewer items and bytes, but a Query is billed for what it evaluates (the items it reads
//! before filtering and projecting), so they cost the same RCU.

use super::{Ctx, Meter, StepError, get, query_all, query_request, records, result, s, write};
use crate::labs::report::{Chart, LabResult, thousands, units};
use crate::labs::scratch::Design;

/// About a KB per record.
const ITEM_BYTES: usize = 1_000;
/// One record in this many belongs to the customer the filter keeps.
const ONE_IN: u32 = 10;
const PLAIN: &str = "query";
const FILTERED: &str = "query + filter";
const PROJECTED: &str = "query + projection";

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    let count = ctx.scale.pick(40, 400);
    ctx.step("create table")?;
    let store = ctx.table(&Design::default()).await?;
    ctx.step("write records")?;
    let (ids, recs) = records(1, count, ITEM_BYTES, |_, seq| {
        format!("customer-{:05}", if seq % ONE_IN == 0 { 1 } else { 2 })
    })?;
    write(ctx, &store, recs).await?;
    let base = query_request(&store, ids[0].as_str());
    let variants_spec = [
        (PLAIN, base.clone()),
        (
            FILTERED,
            base.clone()
                .filter_expression("#c = :c")
                .expression_attribute_names("#c", "customer_id")
                .expression_attribute_values(":c", s("customer-00001")),
        ),
        (
            PROJECTED,
            base.clone()
                .projection_expression("#s, #c")
                .expression_attribute_names("#s", "seq")
                .expression_attribute_names("#c", "customer_id"),
        ),
    ];
    let mut variants = Vec::new();
    for (name, query) in variants_spec {
        ctx.step(name)?;
        let mut meter = Meter::new();
        query_all(ctx, &mut meter, &store, query).await?;
        variants.push(meter.variant(name));
    }
    let chart = Chart {
        title: format!(
            "RCU to query {} records of {} B",
            thousands(u64::from(count)),
            thousands(ITEM_BYTES as u64)
        ),
        bars: variants
            .iter()
            .map(|v| (v.name.clone(), v.read_units))
            .collect(),
    };
    let (plain, filtered, projected) = (
        get(&variants, PLAIN)?,
        get(&variants, FILTERED)?,
        get(&variants, PROJECTED)?,
    );
    let bytes = |v: &crate::labs::Variant| thousands(v.returned_bytes.unwrap_or(0));
    let same = plain.read_units == filtered.read_units && plain.read_units == projected.read_units;
    let conclusion = format!(
        "The plain Query returned {} items ({} B) for {} RCU. The filter returned {} items ({} B) for {} RCU, \
         the projection {} items ({} B, {:.0}% of the bytes) for {} RCU: {}",
        plain.items,
        bytes(plain),
        units(plain.read_units),
        filtered.items,
        bytes(filtered),
        units(filtered.read_units),
        projected.items,
        bytes(projected),
        100.0 * projected.returned_bytes.unwrap_or(0) as f64
            / plain.returned_bytes.unwrap_or(0).max(1) as f64,
        units(projected.read_units),
        if same {
            "fewer bytes back, the same RCU, because a Query is billed for the items it reads before filtering and projecting."
        } else {
            "the RCU differ on this engine, which DynamoDB does not do."
        }
    );
    Ok(result(ctx, variants, chart, conclusion))
}
