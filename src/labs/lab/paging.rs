//! Lab 4, `paging`: the same query with Limit 10, 100, 1,000 and none. Every page is a call
//! and rounds its RCU up to 4 KB on its own, so small pages cost more calls and more RCU.

use super::{Ctx, Meter, StepError, get, records, result, write};
use crate::labs::report::{Chart, LabResult, ratio, thousands, units};
use crate::labs::scratch::Design;
use crate::store::QueryOptions;

/// A generated record's size.
const ITEM_BYTES: usize = 250;
/// The page sizes compared (`None`: DynamoDB's 1 MB pages).
const LIMITS: [Option<u32>; 4] = [Some(10), Some(100), Some(1_000), None];

fn name(limit: Option<u32>) -> String {
    limit.map_or("no limit".to_owned(), |l| {
        format!("limit {}", thousands(u64::from(l)))
    })
}

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    let count = ctx.scale.pick(200, 1_000);
    ctx.step("create table")?;
    let store = ctx.table(&Design::default()).await?;
    ctx.step("write records")?;
    let (ids, recs) = records(1, count, ITEM_BYTES, |_, _| "customer-00001".into())?;
    write(ctx, &store, recs).await?;
    let mut variants = Vec::new();
    for limit in LIMITS {
        let name = name(limit);
        ctx.step(format!("query, {name}"))?;
        ctx.check()?;
        let mut meter = Meter::new();
        let opts = QueryOptions {
            consistent: false,
            page_size: limit,
            parallel: 1,
        };
        let out = store.query_request(&ids[0], &opts).await?;
        meter.absorb(&out.report);
        variants.push(meter.variant(name));
    }
    let chart = Chart {
        title: format!(
            "RCU to read {} records, by page size",
            thousands(u64::from(count))
        ),
        bars: variants
            .iter()
            .map(|v| (v.name.clone(), v.read_units))
            .collect(),
    };
    let small = get(&variants, &name(LIMITS[0]))?;
    let whole = get(&variants, &name(None))?;
    let rows: Vec<String> = variants
        .iter()
        .map(|v| {
            format!(
                "{}: {} calls, {} RCU, {} ms",
                v.name,
                thousands(v.calls),
                units(v.read_units),
                thousands(v.elapsed_ms)
            )
        })
        .collect();
    let conclusion = format!(
        "Reading the same {} records of {ITEM_BYTES} B (eventual): {}. Each page rounds up to 4 KB on its own, \
         so {} cost {} the RCU and {} the calls of {}.",
        thousands(u64::from(count)),
        rows.join("; "),
        small.name,
        ratio(small.read_units, whole.read_units),
        ratio(small.calls as f64, whole.calls as f64),
        whole.name,
    );
    Ok(result(ctx, variants, chart, conclusion))
}
