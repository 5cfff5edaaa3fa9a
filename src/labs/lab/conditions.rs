//! Lab 9, `conditions-and-transactions`: a conditional put that succeeds, one that fails,
//! and the same put in TransactWriteItems. AWS bills a failed conditional write although the
//! error carries no ConsumedCapacity and local engines report nothing for it: that figure is
//! the documented rule, shown beside the measurement and marked as such.

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{ConsumedCapacity, Put, ReturnConsumedCapacity, TransactWriteItem};

use super::{
    Ctx, Item, Meter, StepError, get, measured, one, or_unsupported, padded_item, put_item, result,
};
use crate::labs::report::{Chart, LabResult, ratio, thousands, units};
use crate::labs::scratch::Design;
use crate::request::schema::PARTITION_KEY;
use crate::size::{item_size, write_units};
use crate::store::{Store, UnitKind};

/// Between 1 and 2 KB: 2 WCU per put.
const ITEM_BYTES: usize = 1_500;
const PUT: &str = "put";
const COND_OK: &str = "conditional put ok";
const COND_FAILED: &str = "conditional put failed";
const COND_FAILED_RULE: &str = "conditional put failed (AWS)";
const TRANSACT: &str = "transact put";
/// Where the rule for failed conditional writes is written down.
const RULE_SOURCE: &str = "AWS bills a failed conditional write by the larger of the existing and the new item, \
     at least 1 WCU, although the error returns no ConsumedCapacity (Amazon DynamoDB Developer Guide, \
     \"Read/write operations\" and \"Condition expressions\": https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html)";

fn item(seq: u32) -> Result<Item, StepError> {
    padded_item("conditions-lab", seq, "payload", ITEM_BYTES)
}

/// PutItem of `item`, only if its key is new: `Some(what it consumed)` if written, `None`
/// if the condition failed.
async fn conditional_put(
    store: &Store,
    item: Item,
) -> Result<Option<Option<ConsumedCapacity>>, String> {
    let out = store
        .client()
        .put_item()
        .table_name(store.table())
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(#pk)")
        .expression_attribute_names("#pk", PARTITION_KEY)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await;
    match out {
        Ok(out) => Ok(Some(out.consumed_capacity().cloned())),
        Err(e) if e.code() == Some("ConditionalCheckFailedException") => Ok(None),
        Err(e) => Err(crate::store::sdk_error_line(&e)),
    }
}

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    ctx.step("create table")?;
    let store = ctx.table(&Design::default()).await?;
    let mut variants = Vec::new();
    ctx.step(PUT)?;
    let mut meter = Meter::new();
    let first = item(0)?;
    meter.item_bytes(item_size(&first));
    put_item(ctx, &mut meter, &store, &first).await?;
    variants.push(meter.variant(PUT));

    for (name, expect_ok) in [(COND_OK, true), (COND_FAILED, false)] {
        ctx.step(name)?;
        let mut meter = Meter::new();
        let it = item(1)?;
        meter.item_bytes(item_size(&it));
        meter.count_call();
        ctx.check()?;
        match (
            conditional_put(&store, it)
                .await
                .map_err(StepError::Failed)?,
            expect_ok,
        ) {
            (Some(cc), true) => meter.consumed(UnitKind::Write, one(cc.as_ref()), 1),
            (None, false) => {}
            (written, _) => {
                return Err(StepError::Failed(format!(
                    "expected the condition to {}, but the put was {}",
                    if expect_ok { "hold" } else { "fail" },
                    if written.is_some() {
                        "written"
                    } else {
                        "refused"
                    }
                )));
            }
        }
        variants.push(meter.variant(name));
    }
    let failed_rule = crate::labs::Variant {
        name: COND_FAILED_RULE.into(),
        calls: 1,
        items: 0,
        read_units: 0.0,
        // The existing and the new item are the same size here.
        write_units: write_units(ITEM_BYTES) as f64,
        elapsed_ms: 0,
        throttled: 0,
        item_bytes: Some(ITEM_BYTES as u64),
        returned_bytes: None,
        rule: Some(RULE_SOURCE.into()),
        ..Default::default()
    };
    variants.push(failed_rule);

    ctx.step(TRANSACT)?;
    // Some DynamoDB-compatible engines lack TransactWriteItems: marked, and the lab goes on.
    let transact = async {
        let mut meter = Meter::new();
        let it = item(2)?;
        meter.item_bytes(item_size(&it));
        let put = Put::builder()
            .table_name(store.table())
            .set_item(Some(it))
            .build()
            .map_err(|e| StepError::Failed(e.to_string()))?;
        let write = TransactWriteItem::builder().put(put).build();
        let out = meter
            .send(ctx, &store, "TransactWriteItems", || {
                store
                    .client()
                    .transact_write_items()
                    .transact_items(write.clone())
                    .return_consumed_capacity(ReturnConsumedCapacity::Total)
                    .send()
            })
            .await?;
        meter.consumed(UnitKind::Write, out.consumed_capacity(), 1);
        Ok(meter.variant(TRANSACT))
    }
    .await;
    variants.push(or_unsupported(TRANSACT, transact)?);

    let chart = Chart {
        title: format!("WCU per {} B write", thousands(ITEM_BYTES as u64)),
        bars: variants
            .iter()
            .map(|v| (v.name.clone(), v.bar(|v| v.write_units)))
            .collect(),
    };
    let (put, ok, failed, rule) = (
        get(&variants, PUT)?,
        get(&variants, COND_OK)?,
        get(&variants, COND_FAILED)?,
        get(&variants, COND_FAILED_RULE)?,
    );
    let transactions = match measured(&variants, TRANSACT)? {
        Some(tx) => format!(
            "TransactWriteItems cost {} WCU for the same put: {} a plain put.",
            units(tx.write_units),
            ratio(tx.write_units, put.write_units)
        ),
        None => format!(
            "TransactWriteItems: {}.",
            crate::labs::report::NOT_SUPPORTED
        ),
    };
    let conclusion = format!(
        "A {} B put cost {} WCU, and {} with a condition that held. The same put with a condition that failed \
         came back as ConditionalCheckFailedException with {} WCU reported by this engine; AWS bills it {} WCU \
         (rule, not measured). {transactions}",
        thousands(ITEM_BYTES as u64),
        units(put.write_units),
        units(ok.write_units),
        units(failed.write_units),
        units(rule.write_units),
    );
    Ok(result(ctx, variants, chart, conclusion))
}
