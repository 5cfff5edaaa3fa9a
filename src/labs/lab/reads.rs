//! Lab 1, `reads`: the same items by GetItem and by Query, eventual vs strong vs
//! transactional (TransactGetItems). DynamoDB's rule: 1 : 2 : 4 per 4 KB for GetItem; a Query
//! rounds its page to 4 KB once, not per item.

use aws_sdk_dynamodb::types::{Get, ReturnConsumedCapacity, TransactGetItem};

use super::{
    Ctx, Meter, StepError, get, get_item, measured, n, or_unsupported, per_item, query_all,
    query_request, records, result, s, write,
};
use crate::labs::report::{Chart, LabResult, ratio, thousands, units};
use crate::labs::scratch::Design;
use crate::request::schema::{PARTITION_KEY, SORT_KEY};
use crate::store::UnitKind;

/// Under 4 KB, so one strong GetItem is one unit, and several fill a Query page's 4 KB.
const ITEM_BYTES: usize = 3_000;

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    let count = ctx.scale.pick(4, 100);
    ctx.step("create table")?;
    let store = ctx.table(&Design::default()).await?;
    ctx.step("write items")?;
    let (ids, recs) = records(1, count, ITEM_BYTES, |_, _| "customer-00001".into())?;
    write(ctx, &store, recs).await?;
    let id = ids[0].as_str().to_owned();
    let key = |seq: u32| {
        [
            (PARTITION_KEY.to_owned(), s(&id)),
            (SORT_KEY.to_owned(), n(seq)),
        ]
        .into_iter()
        .collect::<super::Item>()
    };
    let mut variants = Vec::new();
    for (name, consistent) in [("get eventual", false), ("get strong", true)] {
        ctx.step(name)?;
        let mut meter = Meter::new();
        for seq in 0..count {
            if get_item(ctx, &mut meter, &store, &key(seq), consistent).await? {
                meter.consumed(UnitKind::Read, &[], 1);
            }
        }
        variants.push(meter.variant(name));
    }
    ctx.step("get transactional")?;
    // Some DynamoDB-compatible engines lack TransactGetItems: marked, and the lab goes on.
    let transactional = async {
        let mut meter = Meter::new();
        for seq in 0..count {
            let get = Get::builder()
                .table_name(store.table())
                .set_key(Some(key(seq)))
                .build()
                .map_err(|e| StepError::Failed(e.to_string()))?;
            let item = TransactGetItem::builder().get(get).build();
            let out = meter
                .send(ctx, &store, "TransactGetItems", || {
                    store
                        .client()
                        .transact_get_items()
                        .transact_items(item.clone())
                        .return_consumed_capacity(ReturnConsumedCapacity::Total)
                        .send()
                })
                .await?;
            let found = out
                .responses()
                .iter()
                .filter(|r| r.item().is_some())
                .count();
            meter.consumed(UnitKind::Read, out.consumed_capacity(), found as u64);
        }
        Ok(meter.variant("get transactional"))
    }
    .await;
    variants.push(or_unsupported("get transactional", transactional)?);
    for (name, consistent) in [("query eventual", false), ("query strong", true)] {
        ctx.step(name)?;
        let mut meter = Meter::new();
        let query = query_request(&store, &id).consistent_read(consistent);
        query_all(ctx, &mut meter, &store, query).await?;
        variants.push(meter.variant(name));
    }
    for v in &mut variants {
        v.item_bytes = Some(ITEM_BYTES as u64);
        v.returned_bytes = None;
    }
    let chart = Chart {
        title: format!("RCU per {} B item read", thousands(ITEM_BYTES as u64)),
        bars: variants
            .iter()
            .map(|v| (v.name.clone(), v.bar(|v| per_item(v, v.read_units))))
            .collect(),
    };
    let conclusion = conclude(&variants, count)?;
    Ok(result(ctx, variants, chart, conclusion))
}

fn conclude(variants: &[crate::labs::Variant], count: u32) -> Result<String, StepError> {
    let each = |name| get(variants, name).map(|v| per_item(v, v.read_units));
    let (ge, gs) = (each("get eventual")?, each("get strong")?);
    // Absent where the engine has no TransactGetItems.
    let transactional = match measured(variants, "get transactional")? {
        Some(tx) => {
            let gt = per_item(tx, tx.read_units);
            format!(
                " and {} transactional ({} strong)",
                units(gt),
                ratio(gt, gs)
            )
        }
        None => format!(" (transactional: {})", crate::labs::report::NOT_SUPPORTED),
    };
    let qe = get(variants, "query eventual")?;
    let qs = get(variants, "query strong")?;
    let q_each = per_item(qs, qs.read_units);
    let mut text = format!(
        "Per {} B item, GetItem cost {} RCU eventual, {} strong ({} eventual){transactional}. \
         A Query of the same {count} items cost {} RCU eventual and {} strong ({}): {} RCU per item strong against {} by GetItem",
        thousands(ITEM_BYTES as u64),
        units(ge),
        units(gs),
        ratio(gs, ge),
        units(qe.read_units),
        units(qs.read_units),
        ratio(qs.read_units, qe.read_units),
        units(q_each),
        units(gs),
    );
    text.push_str(if q_each < gs {
        ", because a Query rounds up to 4 KB once per page, a GetItem once per item."
    } else {
        "."
    });
    Ok(text)
}
