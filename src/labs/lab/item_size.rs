//! Lab 3, `item-size`: what item size does to capacity. A write costs one unit per started
//! KB, a strong GetItem one per started 4 KB; attribute names count as bytes; an item over
//! 400 KB is refused.

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::ReturnConsumedCapacity;

use super::{Ctx, Item, Meter, StepError, get, get_item, n, one, padded_item, put_item, result};
use crate::labs::report::{Chart, LabResult, thousands, units};
use crate::labs::scratch::Design;
use crate::request::schema::{MAX_ITEM_BYTES, PARTITION_KEY, SORT_KEY};
use crate::size::item_size;
use crate::store::{Store, UnitKind};

/// The long attribute name, and the short one it is renamed to.
const LONG_NAME: &str = "payload";
const SHORT_NAME: &str = "p";

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    let sizes: &[usize] = ctx.scale.pick(
        &[
            100, 1_024, 1_025, 2_048, 2_049, 4_096, 4_097, 8_192, 8_193, 10_240,
        ],
        &[
            100, 512, 1_024, 1_025, 2_048, 2_049, 3_072, 3_073, 4_096, 4_097, 6_144, 6_145, 8_192,
            8_193, 10_240,
        ],
    );
    ctx.step("create table")?;
    let store = ctx.table(&Design::default()).await?;
    let mut variants = Vec::new();
    for (seq, &size) in sizes.iter().enumerate() {
        let name = format!("{} B", thousands(size as u64));
        ctx.step(format!("put and get {name}"))?;
        let item = item_of(seq as u32, LONG_NAME, size)?;
        variants.push(put_and_get(ctx, &store, item, name).await?);
    }
    // Just over a KB boundary with the long name; the same values under `p` fall under it.
    // (Sort keys with the same number of significant digits, so only the name differs: a
    // number's size counts significant digits, trailing zeros trimmed.)
    ctx.step("renamed attribute")?;
    let long = item_of(1_001, LONG_NAME, 1_025)?;
    let mut short = long.clone();
    if let Some(v) = short.remove(LONG_NAME) {
        short.insert(SHORT_NAME.to_owned(), v);
    }
    short.insert(SORT_KEY.to_owned(), n(1_003));
    variants.push(put_and_get(ctx, &store, long, format!("named {LONG_NAME}")).await?);
    variants.push(put_and_get(ctx, &store, short, format!("named {SHORT_NAME}")).await?);
    ctx.step("oversized item")?;
    let big = item_of(1_005, LONG_NAME, MAX_ITEM_BYTES + 1)?;
    let mut meter = Meter::new();
    meter.item_bytes(item_size(&big));
    meter.count_call();
    let refused = match store
        .client()
        .put_item()
        .table_name(store.table())
        .set_item(Some(big))
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
    {
        Ok(out) => {
            meter.consumed(UnitKind::Write, one(out.consumed_capacity()), 1);
            None
        }
        Err(e) => Some(format!(
            "{}: {}",
            e.code().unwrap_or("error"),
            e.message().unwrap_or("no message")
        )),
    };
    variants.push(meter.variant(format!("{} B", thousands((MAX_ITEM_BYTES + 1) as u64))));
    let chart = Chart {
        title: "WCU to put an item, by item size".into(),
        bars: variants
            .iter()
            .filter(|v| v.name.ends_with(" B"))
            .map(|v| (v.name.clone(), v.write_units))
            .collect(),
    };
    let conclusion = conclude(&variants, sizes, refused.as_deref())?;
    Ok(result(ctx, variants, chart, conclusion))
}

/// An item of exactly `size` bytes: the key plus `name` padded out.
fn item_of(seq: u32, name: &str, size: usize) -> Result<Item, StepError> {
    padded_item("item-size-lab", seq, name, size)
}

/// PutItem then a strong GetItem of the same item: its WCU and RCU in one variant.
async fn put_and_get(
    ctx: &Ctx<'_>,
    store: &Store,
    item: Item,
    name: String,
) -> Result<crate::labs::Variant, StepError> {
    let mut meter = Meter::new();
    meter.item_bytes(item_size(&item));
    let key: Item = [PARTITION_KEY, SORT_KEY]
        .into_iter()
        .filter_map(|k| item.get(k).map(|v| (k.to_owned(), v.clone())))
        .collect();
    put_item(ctx, &mut meter, store, &item).await?;
    // The item counts once: it is the same item, written then read.
    get_item(ctx, &mut meter, store, &key, true).await?;
    Ok(meter.variant(name))
}

fn conclude(
    variants: &[crate::labs::Variant],
    sizes: &[usize],
    refused: Option<&str>,
) -> Result<String, StepError> {
    let at = |size: usize| get(variants, &format!("{} B", thousands(size as u64)));
    // The sizes either side of the first KB and the first 4 KB boundary, as measured.
    let pair = |boundary: usize, read: bool| -> Result<String, StepError> {
        let (below, above) = (at(boundary)?, at(boundary + 1)?);
        let (u1, u2) = if read {
            (below.read_units, above.read_units)
        } else {
            (below.write_units, above.write_units)
        };
        Ok(format!(
            "{} B costs {} and {} B costs {}",
            thousands(boundary as u64),
            units(u1),
            thousands(boundary as u64 + 1),
            units(u2)
        ))
    };
    let largest = *sizes.last().unwrap_or(&0);
    let top = at(largest)?;
    let long = get(variants, &format!("named {LONG_NAME}"))?;
    let short = get(variants, &format!("named {SHORT_NAME}"))?;
    let big = match refused {
        Some(reason) => format!(
            "An item of {} B (over the 400 KB limit) was refused: {reason}.",
            thousands((MAX_ITEM_BYTES + 1) as u64)
        ),
        None => format!(
            "This engine accepted an item of {} B, over DynamoDB's 400 KB limit: AWS would refuse it.",
            thousands((MAX_ITEM_BYTES + 1) as u64)
        ),
    };
    Ok(format!(
        "A put's WCU steps every 1 KB: {} WCU; {} B costs {}. A strong GetItem's RCU steps every 4 KB: {} RCU. \
         Attribute names are bytes too: the same record with `{LONG_NAME}` renamed `{SHORT_NAME}` went from {} B to {} B and its put from {} to {} WCU. {big}",
        pair(1_024, false)?,
        thousands(largest as u64),
        units(top.write_units),
        pair(4_096, true)?,
        thousands(long.item_bytes.unwrap_or(0)),
        thousands(short.item_bytes.unwrap_or(0)),
        units(long.write_units),
        units(short.write_units),
    ))
}
