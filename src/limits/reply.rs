//! Rewriting calls and answers around the engine: the layer asks for `INDEXES` consumed
//! capacity on every call it limits (to debit each table and GSI with the engine's own
//! figures) and gives the client only what it asked for; a batch is cut down to what fits and
//! the rest handed back as `UnprocessedItems` / `UnprocessedKeys`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::config::Rates;
use super::model::{IndexMeta, Kind, Resource, TableMeta};
use super::plan::{Op, Slot};

/// What the client asked for in `ReturnConsumedCapacity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// `NONE` or nothing: no ConsumedCapacity in the answer.
    None,
    /// `TOTAL`: per table, without the Table/index breakdown.
    Total,
    /// `INDEXES`: everything the engine reported.
    Indexes,
}

impl Asked {
    /// Reads the request's `ReturnConsumedCapacity`.
    pub fn of(body: &Value) -> Asked {
        match body.get("ReturnConsumedCapacity").and_then(Value::as_str) {
            Some("INDEXES") => Asked::Indexes,
            Some("TOTAL") => Asked::Total,
            _ => Asked::None,
        }
    }
}

/// Only the ConsumedCapacity of an answer; the rest (a 1 MB page of items) is skipped
/// without building it.
#[derive(Deserialize)]
struct Consumed {
    #[serde(rename = "ConsumedCapacity")]
    consumed: Option<Value>,
}

/// The units an answer reports per table and GSI (LSIs count as their table's: they share
/// its capacity). `None` if the answer has no ConsumedCapacity.
pub fn consumed(answer: &[u8], kind: Kind) -> Option<BTreeMap<Resource, f64>> {
    let cc = serde_json::from_slice::<Consumed>(answer).ok()?.consumed?;
    let entries: Vec<&Value> = match &cc {
        Value::Array(list) => list.iter().collect(),
        other => vec![other],
    };
    let units = |v: &Value| -> f64 {
        let field = match kind {
            Kind::Read => "ReadCapacityUnits",
            Kind::Write => "WriteCapacityUnits",
        };
        v.get("CapacityUnits")
            .or_else(|| v.get(field))
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
    };
    let mut out = BTreeMap::new();
    for e in entries {
        let Some(table) = e.get("TableName").and_then(Value::as_str) else {
            continue;
        };
        let gsis = e.get("GlobalSecondaryIndexes").and_then(Value::as_object);
        let lsis = e.get("LocalSecondaryIndexes").and_then(Value::as_object);
        let gsi_total: f64 = gsis.into_iter().flatten().map(|(_, c)| units(c)).sum();
        let lsi_total: f64 = lsis.into_iter().flatten().map(|(_, c)| units(c)).sum();
        let own = match e.get("Table") {
            Some(t) => units(t) + lsi_total,
            None => units(e) - gsi_total,
        };
        *out.entry(Resource::table(table)).or_insert(0.0) += own.max(0.0);
        for (name, c) in gsis.into_iter().flatten() {
            *out.entry(Resource::index(table, name)).or_insert(0.0) += units(c);
        }
    }
    Some(out)
}

/// Gives the client the ConsumedCapacity it asked for: none, totals, or all.
pub fn reshape(answer: &mut Value, asked: Asked) {
    let Some(obj) = answer.as_object_mut() else {
        return;
    };
    match asked {
        Asked::Indexes => {}
        Asked::None => {
            obj.remove("ConsumedCapacity");
        }
        Asked::Total => {
            let strip = |e: &mut Value| {
                if let Some(m) = e.as_object_mut() {
                    m.remove("Table");
                    m.remove("GlobalSecondaryIndexes");
                    m.remove("LocalSecondaryIndexes");
                }
            };
            match obj.get_mut("ConsumedCapacity") {
                Some(Value::Array(list)) => list.iter_mut().for_each(strip),
                Some(one) => strip(one),
                None => {}
            }
        }
    }
}

/// Cuts a batch request down to the admitted items and returns the refused ones, per table,
/// in the shape of `UnprocessedItems` (BatchWriteItem) or `UnprocessedKeys` (BatchGetItem).
pub fn split_batch(
    op: Op,
    body: &mut Value,
    slots: &[Slot],
    admitted: &[bool],
) -> Map<String, Value> {
    let mut refused: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (slot, ok) in slots.iter().zip(admitted) {
        if !ok {
            refused
                .entry(slot.table.as_str())
                .or_default()
                .push(slot.position);
        }
    }
    let mut back = Map::new();
    let Some(tables) = body.get_mut("RequestItems").and_then(Value::as_object_mut) else {
        return back;
    };
    for (table, positions) in refused {
        let Some(entry) = tables.get_mut(table) else {
            continue;
        };
        let list = match op {
            Op::BatchGetItem => entry.get_mut("Keys"),
            _ => Some(&mut *entry),
        };
        let Some(Value::Array(list)) = list else {
            continue;
        };
        let all = std::mem::take(list);
        let mut out = Vec::new();
        for (i, v) in all.into_iter().enumerate() {
            if positions.binary_search(&i).is_ok() {
                out.push(v);
            } else {
                list.push(v);
            }
        }
        let returned = match op {
            // UnprocessedKeys keeps the table's projection and consistency with its keys.
            Op::BatchGetItem => {
                let mut e = entry.clone();
                e["Keys"] = Value::Array(out);
                e
            }
            _ => Value::Array(out),
        };
        back.insert(table.to_owned(), returned);
    }
    // A table with nothing left to send is invalid in a request: drop it.
    tables.retain(|_, v| {
        let list = match op {
            Op::BatchGetItem => v.get("Keys"),
            _ => Some(&*v),
        };
        list.and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty())
    });
    back
}

/// Adds the refused items to the engine's answer (`UnprocessedItems` or `UnprocessedKeys`).
pub fn merge_unprocessed(op: Op, answer: &mut Value, refused: Map<String, Value>) {
    if refused.is_empty() {
        return;
    }
    let field = match op {
        Op::BatchGetItem => "UnprocessedKeys",
        _ => "UnprocessedItems",
    };
    if !answer.get(field).is_some_and(Value::is_object) {
        answer[field] = Value::Object(Map::new());
    }
    let Some(target) = answer.get_mut(field).and_then(Value::as_object_mut) else {
        return;
    };
    for (table, back) in refused {
        match (target.get_mut(&table), back) {
            (Some(Value::Array(list)), Value::Array(more)) => list.extend(more),
            (Some(existing), Value::Object(more)) => {
                if let (Some(Value::Array(keys)), Some(Value::Array(extra))) =
                    (existing.get_mut("Keys"), more.get("Keys"))
                {
                    keys.extend(extra.iter().cloned());
                }
            }
            (_, back) => {
                target.insert(table, back);
            }
        }
    }
}

/// What the layer needs of a DescribeTable answer: the partition key and each GSI's key and
/// provisioned throughput (0 or absent means none, as on an on-demand table).
pub fn table_meta(answer: &Value) -> Option<TableMeta> {
    let table = answer.get("Table")?;
    let key = |schema: Option<&Value>, which: &str| -> Option<String> {
        schema?
            .as_array()?
            .iter()
            .find(|k| k.get("KeyType").and_then(Value::as_str) == Some(which))?
            .get("AttributeName")?
            .as_str()
            .map(str::to_owned)
    };
    let hash_key = key(table.get("KeySchema"), "HASH")?;
    let indexes = table
        .get("GlobalSecondaryIndexes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| {
            let pt = g.get("ProvisionedThroughput");
            let units = |f: &str| {
                pt.and_then(|p| p.get(f))
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0)
            };
            let (read, write) = (units("ReadCapacityUnits"), units("WriteCapacityUnits"));
            Some(IndexMeta {
                name: g.get("IndexName")?.as_str()?.to_owned(),
                hash_key: key(g.get("KeySchema"), "HASH")?,
                range_key: key(g.get("KeySchema"), "RANGE"),
                provisioned: (read > 0.0 && write > 0.0).then_some(Rates { read, write }),
            })
        })
        .collect();
    Some(TableMeta { hash_key, indexes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn consumed_splits_table_and_indexes() {
        let answer = json!({"ConsumedCapacity": [{
            "TableName": "t", "CapacityUnits": 7.0,
            "Table": {"CapacityUnits": 4.0},
            "GlobalSecondaryIndexes": {"g": {"CapacityUnits": 2.0}},
            "LocalSecondaryIndexes": {"l": {"CapacityUnits": 1.0}},
        }]});
        let c = consumed(answer.to_string().as_bytes(), Kind::Write).unwrap();
        assert_eq!(
            c[&Resource::table("t")],
            5.0,
            "the LSI counts as the table's"
        );
        assert_eq!(c[&Resource::index("t", "g")], 2.0);
        let single =
            json!({"Items": [], "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5}});
        let c = consumed(single.to_string().as_bytes(), Kind::Read).unwrap();
        assert_eq!(c[&Resource::table("t")], 0.5);
        assert!(consumed(b"{}", Kind::Read).is_none());
    }

    #[test]
    fn reshape_gives_what_was_asked() {
        let full = json!({"ConsumedCapacity": {"TableName": "t", "CapacityUnits": 3.0,
            "Table": {"CapacityUnits": 1.0}, "GlobalSecondaryIndexes": {"g": {"CapacityUnits": 2.0}}}});
        let mut a = full.clone();
        reshape(&mut a, Asked::None);
        assert!(a.get("ConsumedCapacity").is_none());
        let mut a = full.clone();
        reshape(&mut a, Asked::Total);
        assert_eq!(
            a["ConsumedCapacity"],
            json!({"TableName": "t", "CapacityUnits": 3.0})
        );
        let mut a = full.clone();
        reshape(&mut a, Asked::Indexes);
        assert_eq!(a, full);
    }

    #[test]
    fn a_batch_splits_into_sent_and_unprocessed() {
        let mut body = json!({"RequestItems": {
            "a": [{"PutRequest": {"Item": {"k": {"S": "1"}}}}, {"PutRequest": {"Item": {"k": {"S": "2"}}}}],
            "b": [{"DeleteRequest": {"Key": {"k": {"S": "3"}}}}],
        }});
        let slots = [("a", 0), ("a", 1), ("b", 0)].map(|(t, p)| Slot {
            table: t.into(),
            position: p,
        });
        let back = split_batch(Op::BatchWriteItem, &mut body, &slots, &[true, false, false]);
        assert_eq!(
            body,
            json!({"RequestItems": {"a": [{"PutRequest": {"Item": {"k": {"S": "1"}}}}]}})
        );
        let mut answer = json!({"UnprocessedItems": {}});
        merge_unprocessed(Op::BatchWriteItem, &mut answer, back);
        assert_eq!(answer["UnprocessedItems"]["a"].as_array().unwrap().len(), 1);
        assert_eq!(answer["UnprocessedItems"]["b"].as_array().unwrap().len(), 1);

        let mut get = json!({"RequestItems": {"a": {"Keys": [{"k": {"S": "1"}}, {"k": {"S": "2"}}], "ConsistentRead": true}}});
        let slots = [0, 1].map(|p| Slot {
            table: "a".into(),
            position: p,
        });
        let back = split_batch(Op::BatchGetItem, &mut get, &slots, &[false, true]);
        assert_eq!(
            back["a"],
            json!({"Keys": [{"k": {"S": "1"}}], "ConsistentRead": true})
        );
        assert_eq!(
            get["RequestItems"]["a"]["Keys"].as_array().unwrap().len(),
            1
        );
    }
}
