//! Lab 8, `ttl-vs-delete`: deleting records costs a write unit per started KB of each; letting
//! TTL expire them costs none. Until TTL gets to them, expired records still come back from
//! reads, and a filter on `expires_at` hides them without saving a read unit (a Query is billed
//! for what it reads before filtering).
//!
//! The embedded engine expires records only when swept, so the lab sweeps it; another engine is
//! left to its own devices, and the lab says what it found: DynamoDB Local never deletes them,
//! AWS typically within two days.

use std::time::Instant;

use super::{Ctx, Meter, StepError, get, query_all, query_request, records, result, write};
use crate::labs::report::{Chart, LabResult, thousands, units};
use crate::labs::scratch::Design;
use crate::request::schema::RecordKey;
use crate::store::WriteOptions;
use crate::ttl::now_epoch;

/// Under 1 KB: deleting one record is 1 WCU.
const ITEM_BYTES: usize = 500;
/// The expired records' `expires_at`, this many seconds before they are written.
const EXPIRED_AGO: i64 = 60;
const DELETE: &str = "delete";
const TTL: &str = "ttl expiry";
const BEFORE: &str = "query before sweep";
const FILTERED: &str = "query + filter before sweep";
const AFTER: &str = "query after sweep";
/// The rule behind the TTL variant's units: no request is made, so no ConsumedCapacity exists.
const RULE_SOURCE: &str = "DynamoDB deletes expired items without consuming any write throughput, typically \
     within two days of expiry, and they show up in reads until then (Amazon DynamoDB Developer Guide, \
     \"Time to Live (TTL)\": https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html; \
     API reference, UpdateTimeToLive)";

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    let count = ctx.scale.pick(100, 1_000);
    ctx.step("create table")?;
    let store = ctx.table(&Design::default()).await?;
    ctx.step("write records")?;
    let (ids, mut recs) = records(2, count, ITEM_BYTES, |_, _| "customer-00001".into())?;
    let expired_at = now_epoch() - EXPIRED_AGO;
    // The first request is deleted by hand and lives on; the second expired a minute ago.
    for r in recs.iter_mut().filter(|r| r.request_id == ids[1]) {
        r.expires_at = expired_at;
    }
    write(ctx, &store, recs).await?;
    let expired = ids[1].as_str();

    let mut variants = Vec::new();
    ctx.step(DELETE)?;
    let mut meter = Meter::new();
    meter.item_bytes(ITEM_BYTES);
    let keys = (0..count)
        .map(|seq| RecordKey {
            request_id: ids[0].clone(),
            seq,
        })
        .collect();
    let report = store
        .delete_keys(keys, WriteOptions::fixed(4), &|_| {}, ctx.cancel())
        .await?;
    meter.absorb(&report);
    variants.push(meter.variant(DELETE));

    ctx.step(BEFORE)?;
    let mut meter = Meter::new();
    query_all(ctx, &mut meter, &store, query_request(&store, expired)).await?;
    variants.push(meter.variant(BEFORE));
    ctx.step(FILTERED)?;
    let mut meter = Meter::new();
    let filtered = crate::store::filter_unexpired(query_request(&store, expired), now_epoch());
    query_all(ctx, &mut meter, &store, filtered).await?;
    variants.push(meter.variant(FILTERED));

    // TTL is turned on only now, so that no sweep (the TUI runs them in the background) takes
    // the records before the reads above have seen them.
    ctx.step("enable TTL")?;
    store
        .turn_on_ttl()
        .await
        .map_err(|e| StepError::Failed(format!("UpdateTimeToLive: {e}")))?;
    ctx.step(TTL)?;
    let started = Instant::now();
    let swept = match &ctx.sweeper {
        Some(sweeper) => Some(
            sweeper
                .sweep()
                .await
                .map_err(|e| StepError::Failed(e.to_string()))?,
        ),
        None => None,
    };
    let sweep_ms = started.elapsed().as_millis() as u64;
    ctx.step(AFTER)?;
    let mut meter = Meter::new();
    query_all(ctx, &mut meter, &store, query_request(&store, expired)).await?;
    let after = meter.variant(AFTER);
    let seconds_after_expiry = now_epoch() - expired_at;
    // Whoever swept (this lab or a background sweep), what is gone is what TTL removed.
    let gone = u64::from(count).saturating_sub(after.items);
    variants.push(crate::labs::Variant {
        name: TTL.into(),
        calls: 0,
        items: gone,
        read_units: 0.0,
        write_units: 0.0,
        elapsed_ms: if swept.is_some() { sweep_ms } else { 0 },
        throttled: 0,
        item_bytes: Some(ITEM_BYTES as u64),
        returned_bytes: None,
        rule: Some(RULE_SOURCE.into()),
        unsupported: None,
        unprocessed: 0,
        throttling_reasons: Default::default(),
    });
    variants.push(after);

    let chart = Chart {
        title: format!("WCU to remove {} records", thousands(u64::from(count))),
        bars: [DELETE, TTL]
            .iter()
            .map(|&name| get(&variants, name).map(|v| (v.name.clone(), v.write_units)))
            .collect::<Result<_, _>>()?,
    };
    let (delete, ttl, before, filtered, after) = (
        get(&variants, DELETE)?,
        get(&variants, TTL)?,
        get(&variants, BEFORE)?,
        get(&variants, FILTERED)?,
        get(&variants, AFTER)?,
    );
    let n = thousands(u64::from(count));
    let sweep = match swept {
        Some(s) => format!(
            "The embedded engine's TTL sweep ran in {sweep_ms} ms with no request: afterwards the Query found {} of them \
             ({} RCU){}.",
            thousands(after.items),
            units(after.read_units),
            if s.deleted < gone {
                " (a background sweep had taken some first)"
            } else {
                ""
            }
        ),
        None => format!(
            "This engine was not swept: {seconds_after_expiry} s after their expires_at it had deleted {} of them \
             and the Query still returned {}{}.",
            thousands(gone),
            thousands(after.items),
            if gone == 0 {
                " (as expected on DynamoDB Local, which never deletes expired items; AWS does, typically \
                 within two days)"
            } else {
                ""
            }
        ),
    };
    let conclusion = format!(
        "Deleting {n} records of {} B cost {} WCU in {} calls. Letting TTL expire {n} cost {} WCU: TTL deletes \
         are free (rule, not measured: no request, so no ConsumedCapacity). Until TTL removes them, expired records \
         are still read: a Query returned all {} for {} RCU, and a filter on expires_at hid {} of them for {} RCU{}. {sweep}",
        thousands(ITEM_BYTES as u64),
        units(delete.write_units),
        thousands(delete.calls),
        units(ttl.write_units),
        thousands(before.items),
        units(before.read_units),
        thousands(before.items.saturating_sub(filtered.items)),
        units(filtered.read_units),
        if filtered.read_units == before.read_units {
            ", the same: a Query is billed for what it reads before filtering"
        } else {
            ", which DynamoDB would not charge differently"
        },
    );
    Ok(result(ctx, variants, chart, conclusion))
}
