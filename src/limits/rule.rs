//! What DynamoDB's documented rules charge a call, at least, so that the simulated limits
//! charge that when an engine reports less or nothing (some DynamoDB-compatible engines charge
//! a BatchWriteItem 1 WCU per call, or report no ConsumedCapacity at all). Engines that follow
//! the rules (the embedded one, DynamoDB Local) report at least this, and nothing changes.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{ItemUse, Kind, Resource};
use super::plan::{Op, json_item_size};
use crate::size::page_read_units;

/// Units per resource.
pub type Units = BTreeMap<Resource, f64>;

/// The least DynamoDB's rules charge the base table (or the GSI a read goes to) for a call
/// that succeeded (`answer`: a read's answer):
/// - writes: what the plan estimated from the request, which is the rule (a put 1 WCU per
///   started KB of its item, twice in a transaction; an update or delete at least 1, since
///   the size of the item it changes is not in the request);
/// - a Query or Scan page that returned everything it read (no projection, nothing filtered
///   out): its items' sizes summed and rounded up to 4 KB, halved when eventual;
/// - a GetItem without a projection: its item rounded up to 4 KB (at least 1), halved when
///   eventual.
///
/// Other reads (BatchGetItem, TransactGetItems, projected or filtered pages) keep the engine's
/// figure. GSI writes are left to the engine: their size is the projected part of the item.
pub fn floor(op: Op, request: &Value, answer: Option<&Value>, items: &[ItemUse]) -> Units {
    let mut out = Units::new();
    match op.kind() {
        Kind::Write => {
            for u in items
                .iter()
                .flatten()
                .filter(|u| u.resource.index.is_none())
            {
                *out.entry(u.resource.clone()).or_default() += u.units;
            }
        }
        Kind::Read => {
            let consistent = request.get("ConsistentRead").and_then(Value::as_bool) == Some(true);
            let whole = request.get("ProjectionExpression").is_none()
                && request.get("AttributesToGet").is_none()
                && matches!(
                    request.get("Select").and_then(Value::as_str),
                    None | Some("ALL_ATTRIBUTES")
                );
            let Some(answer) = answer else {
                return out;
            };
            // A Query, Scan or GetItem plans one use: of the table, or of the GSI it reads.
            let Some(resource) = items.first().and_then(|i| i.first()).map(|u| &u.resource) else {
                return out;
            };
            let units = match op {
                Op::Query | Op::Scan
                    if whole && answer.get("Count") == answer.get("ScannedCount") =>
                {
                    let size = answer
                        .get("Items")
                        .and_then(Value::as_array)
                        .map_or(0, |list| list.iter().map(json_item_size).sum());
                    Some(page_read_units(size, consistent))
                }
                Op::GetItem if whole => {
                    let size = answer.get("Item").map_or(0, json_item_size);
                    Some(page_read_units(size, consistent))
                }
                _ => None,
            };
            if let Some(units) = units {
                out.insert(resource.clone(), units);
            }
        }
    }
    out
}

/// What to charge: the engine's figures (`reported`; `None` when its answer had no
/// ConsumedCapacity, and then the estimates of `items`), raised to the rule's `floor` where
/// they are below it.
pub fn charged(reported: Option<Units>, floor: Units, items: &[ItemUse]) -> Option<Units> {
    if floor.is_empty() {
        return reported;
    }
    let mut out = reported.unwrap_or_else(|| {
        let mut estimates = Units::new();
        for u in items.iter().flatten() {
            *estimates.entry(u.resource.clone()).or_default() += u.units;
        }
        estimates
    });
    for (resource, least) in floor {
        let units = out.entry(resource).or_default();
        *units = units.max(least);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::model::Use;
    use serde_json::json;

    fn put(table: &str, units: f64) -> ItemUse {
        vec![
            Use {
                resource: Resource::table(table),
                partition: Some("p".into()),
                units,
            },
            Use {
                resource: Resource::index(table, "g"),
                partition: None,
                units,
            },
        ]
    }

    #[test]
    fn a_batch_reported_per_call_is_charged_per_item() {
        let items: Vec<ItemUse> = (0..25).map(|_| put("t", 1.0)).collect();
        let floor = floor(Op::BatchWriteItem, &json!({}), None, &items);
        assert_eq!(floor.get(&Resource::table("t")), Some(&25.0));
        assert!(
            !floor.contains_key(&Resource::index("t", "g")),
            "GSI writes are the engine's"
        );
        // An engine reporting 1 WCU for the call is charged 25; one reporting 30 keeps 30.
        let one = Units::from([(Resource::table("t"), 1.0)]);
        let got = charged(Some(one), floor.clone(), &items).unwrap();
        assert_eq!(got[&Resource::table("t")], 25.0);
        let more = Units::from([(Resource::table("t"), 30.0)]);
        assert_eq!(
            charged(Some(more), floor.clone(), &items).unwrap()[&Resource::table("t")],
            30.0
        );
        // No report at all: the estimates, raised to the rule.
        let none = charged(None, floor, &items).unwrap();
        assert_eq!(none[&Resource::table("t")], 25.0);
        assert_eq!(none[&Resource::index("t", "g")], 25.0);
    }

    #[test]
    fn a_whole_page_is_charged_by_its_items_and_a_projected_one_is_not() {
        let item = json!({"pk": {"S": "x".repeat(999)}}); // 1,001 bytes
        let items: Vec<Value> = (0..8).map(|_| item.clone()).collect();
        let answer = json!({"Items": items, "Count": 8, "ScannedCount": 8});
        let q = vec![vec![Use {
            resource: Resource::table("t"),
            partition: Some("x".into()),
            units: 0.0,
        }]];
        // 8,008 bytes: 2 x 4 KB, halved for an eventual read.
        let f = floor(Op::Query, &json!({"TableName": "t"}), Some(&answer), &q);
        assert_eq!(f[&Resource::table("t")], 1.0);
        let strong = json!({"TableName": "t", "ConsistentRead": true});
        assert_eq!(
            floor(Op::Query, &strong, Some(&answer), &q)[&Resource::table("t")],
            2.0
        );
        let projected = json!({"TableName": "t", "ProjectionExpression": "pk"});
        assert!(floor(Op::Query, &projected, Some(&answer), &q).is_empty());
        let filtered = json!({"Items": items, "Count": 8, "ScannedCount": 9});
        assert!(floor(Op::Scan, &json!({}), Some(&filtered), &q).is_empty());
    }
}
