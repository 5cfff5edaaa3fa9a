//! Lab 5, `batching`: the same records by PutItem one at a time and by BatchWriteItem (25 per
//! call, one call in flight): the same WCU (a batch rounds per item), far fewer calls.

use super::{Ctx, Meter, StepError, get, put_item, records, result, to_item};
use crate::labs::report::{Chart, LabResult, ratio, thousands, units};
use crate::labs::scratch::Design;
use crate::store::WriteOptions;

/// A generated record's size.
const ITEM_BYTES: usize = 300;
const ONE_AT_A_TIME: &str = "PutItem one at a time";
const BATCHED: &str = "BatchWriteItem 25 per call";

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    let count = ctx.scale.pick(100, 1_000);
    ctx.step("create table")?;
    let store = ctx.table(&Design::default()).await?;
    ctx.step(ONE_AT_A_TIME)?;
    let (_, recs) = records(1, count, ITEM_BYTES, |_, _| "customer-00001".into())?;
    let mut meter = Meter::new();
    for rec in &recs {
        let item = to_item(rec)?;
        put_item(ctx, &mut meter, &store, &item).await?;
    }
    let mut variants = vec![meter.variant(ONE_AT_A_TIME)];
    ctx.step(BATCHED)?;
    // Other request ids: fresh puts both times, not overwrites.
    let (_, recs) = records(1, count, ITEM_BYTES, |_, _| "customer-00001".into())?;
    let mut meter = Meter::new();
    let report = store
        .write_records(recs, WriteOptions::fixed(1), &|_| {}, ctx.cancel())
        .await?;
    meter.absorb(&report);
    variants.push(meter.variant(BATCHED));
    let chart = Chart {
        title: format!("Calls to write {} records", thousands(u64::from(count))),
        bars: variants
            .iter()
            .map(|v| (v.name.clone(), v.calls as f64))
            .collect(),
    };
    let (single, batch) = (get(&variants, ONE_AT_A_TIME)?, get(&variants, BATCHED)?);
    let conclusion = format!(
        "{} records of {ITEM_BYTES} B: PutItem one at a time took {} calls, {} WCU, {} ms; \
         BatchWriteItem took {} calls, {} WCU, {} ms. {}, {} fewer calls and {} less wall time.",
        thousands(u64::from(count)),
        thousands(single.calls),
        units(single.write_units),
        thousands(single.elapsed_ms),
        thousands(batch.calls),
        units(batch.write_units),
        thousands(batch.elapsed_ms),
        if single.write_units == batch.write_units {
            "The same WCU (a batch is billed per item)".to_owned()
        } else {
            format!(
                "WCU differ ({} vs {})",
                units(single.write_units),
                units(batch.write_units)
            )
        },
        ratio(single.calls as f64, batch.calls as f64),
        ratio(single.elapsed_ms as f64, batch.elapsed_ms.max(1) as f64),
    );
    Ok(result(ctx, variants, chart, conclusion))
}
