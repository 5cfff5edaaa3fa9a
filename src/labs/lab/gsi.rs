//! Lab 7, `gsi`: what a global secondary index adds to every write, and what happens when it
//! cannot keep up. The same records written with no index, with a KEYS_ONLY GSI on customer id
//! and with an ALL-projection one (write amplification, from ConsumedCapacity with INDEXES);
//! then back-pressure: the table allowed 1,000 WCU/s and the GSI 10 (simulated in front of
//! local engines, as `--limits provisioned:1000,1000 --gsi-limits by_customer=10,10` would),
//! and PutItems on the base table refused with the index's throttling reason.

use aws_sdk_dynamodb::types::{ProjectionType, ReturnConsumedCapacity};

use super::{Ctx, Meter, StepError, get, one, put, records, result, to_item};
use crate::labs::limited::Limited;
use crate::labs::report::{Chart, LabResult, Variant, ratio, thousands, units};
use crate::labs::scratch::{Design, GsiDesign};
use crate::limits::LimitsConfig;
use crate::store::{Store, UnitKind, WriteOptions};

pub(crate) const NO_INDEX: &str = "no index";
pub(crate) const KEYS_ONLY: &str = "KEYS_ONLY GSI";
pub(crate) const ALL: &str = "ALL GSI";
pub(crate) const BACK_PRESSURE: &str = "GSI at 10 WCU/s";
/// The index every design has (its partition key is the customer id).
const INDEX: &str = "by_customer";
/// 3 WCU on the table and in an ALL index; a KEYS_ONLY entry (keys alone) is 1.
const ITEM_BYTES: usize = 2_500;
/// Customers the records are spread over (the index's partition keys).
const CUSTOMERS: u32 = 50;
/// The back-pressure step's limits: the table 1,000 WCU/s, the index 10.
const TABLE_LIMITS: &str = "provisioned:1000,1000";
const INDEX_LIMITS: &str = "by_customer=10,10";
/// PutItems tried against the slow index, one at a time, none retried.
const PRESSURE_PUTS: u32 = 40;

/// A variant's WCU on the table, and on the index when the engine reported them.
struct Split {
    table: f64,
    index: Option<f64>,
}

/// The back-pressure step, measured.
struct Pressure {
    variant: Variant,
    /// WCU the table took for the puts that landed.
    table_wcu: f64,
    /// What was simulated.
    limits: String,
}

pub(super) async fn run(ctx: &mut Ctx<'_>) -> Result<LabResult, StepError> {
    let count = ctx.scale.pick(500, 1_000);
    let mut variants = Vec::new();
    let mut split = Vec::new();
    let mut all_table = None;
    for (name, projection) in [
        (NO_INDEX, None),
        (KEYS_ONLY, Some(ProjectionType::KeysOnly)),
        (ALL, Some(ProjectionType::All)),
    ] {
        ctx.step(format!("create table {name}"))?;
        let design = Design {
            gsis: projection
                .map(|projection| GsiDesign {
                    name: INDEX,
                    partition_key: "customer_id",
                    projection,
                })
                .into_iter()
                .collect(),
            ..Design::default()
        };
        let store = ctx.table(&design).await?;
        ctx.step(format!("write {name}"))?;
        let (_, recs) = records(CUSTOMERS, count / CUSTOMERS, ITEM_BYTES, |r, _| {
            format!("customer-{:05}", r + 1)
        })?;
        let mut meter = Meter::new();
        let report = store
            .write_records(recs, WriteOptions::fixed(4), &|_| {}, ctx.cancel())
            .await?;
        meter.absorb(&report);
        split.push(Split {
            table: meter.detail().table.write,
            index: meter.detail().indexes.get(INDEX).map(|c| c.write),
        });
        let mut v = meter.variant(name);
        v.item_bytes = Some(ITEM_BYTES as u64);
        variants.push(v);
        if name == ALL {
            all_table = Some(store);
        }
    }
    let mut pressure = None;
    if let Some(store) = &all_table {
        ctx.step(BACK_PRESSURE)?;
        pressure = back_pressure(ctx, store).await?;
    }
    let chart = Chart {
        title: format!(
            "WCU per {} B write, table and index",
            thousands(ITEM_BYTES as u64)
        ),
        bars: variants
            .iter()
            .map(|v| (v.name.clone(), super::per_item(v, v.write_units)))
            .collect(),
    };
    let mut conclusion = amplification(&variants, &split)?;
    conclusion.push(' ');
    conclusion.push_str(&match &pressure {
        Some(p) => back_pressure_text(p),
        None => "The back-pressure step needs the simulated limits: AWS's own cannot hold a GSI \
                 of an on-demand table to 10 WCU/s, so it did not run."
            .to_owned(),
    });
    if let Some(p) = pressure {
        variants.push(p.variant);
    }
    Ok(result(ctx, variants, chart, conclusion))
}

/// PutItems of fresh items on `store`'s table, one at a time and none retried, with the table
/// allowed 1,000 WCU/s and its index 10 (simulated); `None` on AWS.
async fn back_pressure(ctx: &Ctx<'_>, store: &Store) -> Result<Option<Pressure>, StepError> {
    let config =
        LimitsConfig::parse(TABLE_LIMITS, &[INDEX_LIMITS.to_owned()]).map_err(StepError::Failed)?;
    let limited = Limited::new(store, config).await?;
    if limited.stats().is_none() {
        return Ok(None);
    }
    let (_, recs) = records(1, PRESSURE_PUTS, ITEM_BYTES, |_, _| "customer-00001".into())?;
    let mut meter = Meter::new();
    let store = &limited.store;
    for rec in &recs {
        let item = to_item(rec)?;
        let out = meter
            .attempt(ctx, store, "PutItem", || {
                put(store, &item, ReturnConsumedCapacity::Indexes).send()
            })
            .await?;
        if let Some(out) = out {
            meter.consumed(UnitKind::Write, one(out.consumed_capacity()), 1);
        }
    }
    let table_wcu = meter.detail().table.write;
    let mut variant = meter.variant(BACK_PRESSURE);
    variant.item_bytes = Some(ITEM_BYTES as u64);
    Ok(Some(Pressure {
        variant,
        table_wcu,
        limits: limited.describe(),
    }))
}

fn amplification(variants: &[Variant], split: &[Split]) -> Result<String, StepError> {
    let base = get(variants, NO_INDEX)?;
    let mut text = format!(
        "{} writes of {} B cost {} WCU with no index.",
        thousands(base.items),
        thousands(ITEM_BYTES as u64),
        units(base.write_units)
    );
    for (v, a) in variants.iter().zip(split).skip(1) {
        let name = &v.name;
        let what = if name == KEYS_ONLY {
            "the index entry holds the keys alone"
        } else {
            "the index holds the whole item again"
        };
        text.push_str(&match a.index {
            Some(index) => format!(
                " {} {name} on customer_id added {} WCU ({} per write: {what}), {} in all: {} the writes without an index.",
                if name.starts_with('A') { "An" } else { "A" },
                units(index),
                units(super::per_item(v, index)),
                units(v.write_units),
                ratio(v.write_units, base.write_units),
            ),
            None => format!(
                " With the {name}, this engine reported {} WCU on the table and no figure for the \
                 index (ConsumedCapacity with INDEXES named none), so the index's share is \
                 missing here; AWS bills it.",
                units(a.table)
            ),
        });
    }
    Ok(text)
}

fn back_pressure_text(p: &Pressure) -> String {
    let (v, limits) = (&p.variant, &p.limits);
    let refused = v.throttled;
    let reasons: Vec<&str> = v.throttling_reasons.keys().map(String::as_str).collect();
    if refused == 0 {
        return format!(
            "Back-pressure: with the table allowed 1,000 WCU/s and the GSI 10, all {} PutItems \
             landed: this engine wrote slower than the index refills ({limits}).",
            thousands(v.calls)
        );
    }
    format!(
        "Back-pressure: with the table allowed 1,000 WCU/s and the GSI 10, {} of {} PutItems on \
         the base table were refused with {} although the table took only {} WCU for those that \
         landed: a GSI that cannot keep up throttles the table's writes ({limits}).",
        thousands(refused),
        thousands(v.calls),
        if reasons.is_empty() {
            "no reason named".to_owned()
        } else {
            reasons.join(", ")
        },
        units(p.table_wcu),
    )
}
