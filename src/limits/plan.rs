//! What a DynamoDB call will use, read from its JSON 1.0 request: which tables, GSIs and
//! partition key values, and an estimate of the units before the engine says (a put costs its
//! size in KB, a strong read of a key 1, a Query or Scan page 0 until it is charged).

use serde_json::Value;

use super::model::{IndexMeta, ItemUse, Kind, Resource, TableMeta, Use};
use crate::size::write_units;

/// The calls the layer limits, by their `X-Amz-Target` operation name. Everything else
/// (table management, PartiQL, streams...) passes through unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Split into written and `UnprocessedItems`.
    BatchWriteItem,
    /// Split into read and `UnprocessedKeys`.
    BatchGetItem,
    /// Single-item write.
    PutItem,
    /// Single-item write.
    UpdateItem,
    /// Single-item write.
    DeleteItem,
    /// Single-item read.
    GetItem,
    /// One page.
    Query,
    /// One page.
    Scan,
    /// All or nothing, twice the units.
    TransactWriteItems,
    /// All or nothing, twice the units.
    TransactGetItems,
}

impl Op {
    /// The operation named by an `X-Amz-Target` header (`DynamoDB_20120810.PutItem`).
    pub fn from_target(target: &str) -> Option<Op> {
        let name = target.rsplit('.').next()?;
        Some(match name {
            "BatchWriteItem" => Op::BatchWriteItem,
            "BatchGetItem" => Op::BatchGetItem,
            "PutItem" => Op::PutItem,
            "UpdateItem" => Op::UpdateItem,
            "DeleteItem" => Op::DeleteItem,
            "GetItem" => Op::GetItem,
            "Query" => Op::Query,
            "Scan" => Op::Scan,
            "TransactWriteItems" => Op::TransactWriteItems,
            "TransactGetItems" => Op::TransactGetItems,
            _ => return None,
        })
    }

    /// Reads or writes.
    pub fn kind(self) -> Kind {
        match self {
            Op::BatchWriteItem
            | Op::PutItem
            | Op::UpdateItem
            | Op::DeleteItem
            | Op::TransactWriteItems => Kind::Write,
            _ => Kind::Read,
        }
    }

    /// Batches split; the rest is all or nothing.
    pub fn splits(self) -> bool {
        matches!(self, Op::BatchWriteItem | Op::BatchGetItem)
    }
}

/// Where one item of a batch sits in the request: its table and its position in that table's
/// list (`RequestItems.T[i]`, or `RequestItems.T.Keys[i]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Table name.
    pub table: String,
    /// Position in the table's list.
    pub position: usize,
}

/// What a call will use.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The call.
    pub op: Op,
    /// One entry per item (per write request or key; one for a Query, Scan or single item).
    pub items: Vec<ItemUse>,
    /// For batches: where each item is in the request.
    pub slots: Vec<Slot>,
}

/// The tables a call names, so their descriptions can be fetched before planning.
pub fn tables_of(op: Op, body: &Value) -> Vec<String> {
    let mut out: Vec<String> = match op {
        Op::BatchWriteItem | Op::BatchGetItem => body
            .get("RequestItems")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
        Op::TransactWriteItems | Op::TransactGetItems => transact_entries(body)
            .filter_map(|(_, e)| e.get("TableName").and_then(Value::as_str))
            .map(str::to_owned)
            .collect(),
        _ => body
            .get("TableName")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .into_iter()
            .collect(),
    };
    out.sort();
    out.dedup();
    out
}

/// The entries of a transaction: (`Put`|`Update`|`Delete`|`ConditionCheck`|`Get`, its body).
fn transact_entries(body: &Value) -> impl Iterator<Item = (&str, &Value)> {
    body.get("TransactItems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
}

/// Plans `op` from its request; `meta` describes each table. `None`: a table is unknown (the
/// engine will answer ResourceNotFoundException) or the body is not what DynamoDB takes; the
/// call then passes through unlimited and the engine says what is wrong with it.
pub fn plan<'a>(
    op: Op,
    body: &Value,
    meta: impl Fn(&str) -> Option<&'a TableMeta>,
) -> Option<Plan> {
    let mut items = Vec::new();
    let mut slots = Vec::new();
    match op {
        Op::BatchWriteItem => {
            for (table, list) in body.get("RequestItems")?.as_object()? {
                let m = meta(table)?;
                for (position, wr) in list.as_array()?.iter().enumerate() {
                    let item = if let Some(put) = wr.get("PutRequest") {
                        put_use(table, m, put.get("Item")?, 1.0)
                    } else {
                        key_write_use(table, m, wr.get("DeleteRequest")?.get("Key")?, 1.0)
                    };
                    items.push(item);
                    slots.push(Slot {
                        table: table.clone(),
                        position,
                    });
                }
            }
        }
        Op::BatchGetItem => {
            for (table, request) in body.get("RequestItems")?.as_object()? {
                let m = meta(table)?;
                let units = read_units(request);
                for (position, key) in request.get("Keys")?.as_array()?.iter().enumerate() {
                    items.push(key_read_use(table, m, key, units));
                    slots.push(Slot {
                        table: table.clone(),
                        position,
                    });
                }
            }
        }
        Op::PutItem => {
            let table = body.get("TableName")?.as_str()?;
            items.push(put_use(table, meta(table)?, body.get("Item")?, 1.0));
        }
        Op::UpdateItem | Op::DeleteItem => {
            let table = body.get("TableName")?.as_str()?;
            items.push(key_write_use(table, meta(table)?, body.get("Key")?, 1.0));
        }
        Op::GetItem => {
            let table = body.get("TableName")?.as_str()?;
            items.push(key_read_use(
                table,
                meta(table)?,
                body.get("Key")?,
                read_units(body),
            ));
        }
        Op::Query | Op::Scan => {
            let table = body.get("TableName")?.as_str()?;
            let m = meta(table)?;
            let gsi = body
                .get("IndexName")
                .and_then(Value::as_str)
                .and_then(|name| m.indexes.iter().find(|i| i.name == name));
            // An index that is not a GSI is an LSI: it shares the table's capacity and key.
            let (resource, hash_key) = match gsi {
                Some(i) => (Resource::index(table, &i.name), i.hash_key.as_str()),
                None => (Resource::table(table), m.hash_key.as_str()),
            };
            let partition = if op == Op::Query {
                query_partition(body, hash_key)
            } else {
                None
            };
            items.push(vec![Use {
                resource,
                partition,
                units: 0.0,
            }]);
        }
        // Transactions cost twice the units of the same items outside one.
        Op::TransactWriteItems => {
            for (what, entry) in transact_entries(body) {
                let table = entry.get("TableName")?.as_str()?;
                let m = meta(table)?;
                items.push(match what {
                    "Put" => put_use(table, m, entry.get("Item")?, 2.0),
                    _ => key_write_use(table, m, entry.get("Key")?, 2.0),
                });
            }
        }
        Op::TransactGetItems => {
            for (_, entry) in transact_entries(body) {
                let table = entry.get("TableName")?.as_str()?;
                items.push(key_read_use(table, meta(table)?, entry.get("Key")?, 2.0));
            }
        }
    }
    Some(Plan { op, items, slots })
}

/// A strong read of one item costs at least 1 RCU, an eventual one 0.5.
fn read_units(request: &Value) -> f64 {
    if request.get("ConsistentRead").and_then(Value::as_bool) == Some(true) {
        1.0
    } else {
        0.5
    }
}

/// The partition key value of an item or key, as text (its JSON, e.g. `{"S":"abc"}`).
fn key_text(item: &Value, attribute: &str) -> Option<String> {
    item.get(attribute).map(Value::to_string)
}

/// A put: the table and its partition, and every GSI the item is in (it has the index's key
/// attributes), each at the item's size in KB.
fn put_use(table: &str, meta: &TableMeta, item: &Value, factor: f64) -> ItemUse {
    let units = write_units(json_item_size(item)) as f64 * factor;
    let mut uses = vec![Use {
        resource: Resource::table(table),
        partition: key_text(item, &meta.hash_key),
        units,
    }];
    for index in &meta.indexes {
        if in_index(item, index) {
            uses.push(Use {
                resource: Resource::index(table, &index.name),
                partition: key_text(item, &index.hash_key),
                units,
            });
        }
    }
    uses
}

fn in_index(item: &Value, index: &IndexMeta) -> bool {
    item.get(&index.hash_key).is_some()
        && index
            .range_key
            .as_ref()
            .is_none_or(|r| item.get(r).is_some())
}

/// A write by key (update, delete): at least 1 unit on the table's partition. Whether it
/// touches a GSI is not known before, so every GSI is checked for back-pressure and charged
/// afterwards with what the engine reports.
fn key_write_use(table: &str, meta: &TableMeta, key: &Value, factor: f64) -> ItemUse {
    let mut uses = vec![Use {
        resource: Resource::table(table),
        partition: key_text(key, &meta.hash_key),
        units: factor,
    }];
    for index in &meta.indexes {
        uses.push(Use {
            resource: Resource::index(table, &index.name),
            partition: None,
            units: 0.0,
        });
    }
    uses
}

fn key_read_use(table: &str, meta: &TableMeta, key: &Value, units: f64) -> ItemUse {
    vec![Use {
        resource: Resource::table(table),
        partition: key_text(key, &meta.hash_key),
        units,
    }]
}

/// The value a Query's key condition gives the partition key: `#pk = :v` (names and values
/// resolved) in `KeyConditionExpression`, or the legacy `KeyConditions` `EQ`.
fn query_partition(body: &Value, hash_key: &str) -> Option<String> {
    if let Some(legacy) = body.get("KeyConditions").and_then(|k| k.get(hash_key)) {
        return legacy
            .get("AttributeValueList")?
            .get(0)
            .map(Value::to_string);
    }
    let expr = body.get("KeyConditionExpression")?.as_str()?;
    let names = body.get("ExpressionAttributeNames");
    let values = body.get("ExpressionAttributeValues")?;
    let resolve = |token: &str| -> String {
        let t = token.trim().trim_matches(|c| c == '(' || c == ')');
        match t.strip_prefix('#') {
            Some(_) => names
                .and_then(|n| n.get(t))
                .and_then(Value::as_str)
                .unwrap_or(t)
                .to_owned(),
            None => t.to_owned(),
        }
    };
    for clause in split_and(expr) {
        let Some((left, right)) = clause.split_once('=') else {
            continue;
        };
        // `<=` and `>=` are sort key conditions, never the partition key's.
        if left.ends_with(['<', '>']) || right.starts_with('=') {
            continue;
        }
        let (left, right) = (left.trim(), right.trim());
        let placeholder = if resolve(left) == hash_key && right.starts_with(':') {
            right
        } else if resolve(right) == hash_key && left.starts_with(':') {
            left
        } else {
            continue;
        };
        let placeholder = placeholder.trim_matches(|c| c == '(' || c == ')');
        return values.get(placeholder).map(Value::to_string);
    }
    None
}

/// Splits a key condition on `AND` (any case), which is the only connective it allows.
fn split_and(expr: &str) -> Vec<&str> {
    let lower = expr.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut start = 0;
    let mut from = 0;
    while let Some(pos) = lower[from..].find(" and ") {
        let at = from + pos;
        out.push(&expr[start..at]);
        start = at + 5;
        from = start;
    }
    out.push(&expr[start..]);
    out
}

/// Bytes DynamoDB counts for an item in its JSON wire form (`{"name": {"S": "..."}}`): the
/// same rules as `size::item_size`, on JSON.
pub fn json_item_size(item: &Value) -> usize {
    item.as_object().map_or(0, |m| {
        m.iter().map(|(k, v)| k.len() + json_value_size(v)).sum()
    })
}

fn json_value_size(v: &Value) -> usize {
    let Some((t, inner)) = v.as_object().and_then(|m| m.iter().next()) else {
        return 0;
    };
    let text = |x: &Value| x.as_str().map_or(0, str::len);
    // Binary arrives base64-encoded: count the bytes it decodes to.
    let binary = |x: &Value| {
        x.as_str().map_or(0, |s| {
            let s = s.trim_end_matches('=');
            s.len() * 3 / 4
        })
    };
    fn list(x: &Value) -> &[Value] {
        x.as_array().map(Vec::as_slice).unwrap_or_default()
    }
    match t.as_str() {
        "S" => text(inner),
        "N" => inner.as_str().map_or(0, crate::size::number_size),
        "B" => binary(inner),
        "BOOL" | "NULL" => 1,
        "SS" => list(inner).iter().map(text).sum(),
        "NS" => list(inner)
            .iter()
            .map(|n| n.as_str().map_or(0, crate::size::number_size))
            .sum(),
        "BS" => list(inner).iter().map(binary).sum(),
        "L" => {
            3 + list(inner)
                .iter()
                .map(|e| 1 + json_value_size(e))
                .sum::<usize>()
        }
        "M" => {
            3 + inner.as_object().map_or(0, |m| {
                m.iter()
                    .map(|(k, e)| 1 + k.len() + json_value_size(e))
                    .sum::<usize>()
            })
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta() -> TableMeta {
        TableMeta {
            hash_key: "pk".into(),
            indexes: vec![IndexMeta {
                name: "by_c".into(),
                hash_key: "c".into(),
                range_key: None,
                provisioned: None,
            }],
        }
    }

    #[test]
    fn batch_write_items_name_their_partitions_and_indexes() {
        let m = meta();
        let body = json!({"RequestItems": {"t": [
            {"PutRequest": {"Item": {"pk": {"S": "a"}, "c": {"S": "x"}, "p": {"S": "z".repeat(1500)}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "b"}}}},
        ]}});
        let plan = plan(Op::BatchWriteItem, &body, |_| Some(&m)).unwrap();
        assert_eq!(plan.items.len(), 2);
        let put = &plan.items[0];
        assert_eq!(put[0].partition.as_deref(), Some(r#"{"S":"a"}"#));
        assert_eq!(put[0].units, 2.0, "1.5 KB rounds up to 2 WCU");
        assert_eq!(put[1].resource, Resource::index("t", "by_c"));
        assert_eq!(put[1].partition.as_deref(), Some(r#"{"S":"x"}"#));
        let delete = &plan.items[1];
        assert_eq!(delete[0].units, 1.0);
        assert_eq!(
            delete[1].partition, None,
            "a delete's index entry is unknown"
        );
        assert_eq!(plan.slots[1].position, 1);
    }

    #[test]
    fn query_partition_comes_from_the_key_condition() {
        let body = json!({
            "TableName": "t",
            "KeyConditionExpression": "#p = :v AND seq >= :s",
            "ExpressionAttributeNames": {"#p": "pk"},
            "ExpressionAttributeValues": {":v": {"S": "id1"}, ":s": {"N": "3"}},
        });
        assert_eq!(
            query_partition(&body, "pk").as_deref(),
            Some(r#"{"S":"id1"}"#)
        );
        let body = json!({
            "KeyConditionExpression": "seq BETWEEN :a and :b AND pk = :v",
            "ExpressionAttributeValues": {":v": {"S": "id2"}},
        });
        assert_eq!(
            query_partition(&body, "pk").as_deref(),
            Some(r#"{"S":"id2"}"#)
        );
        let m = meta();
        let gsi_query = json!({"TableName": "t", "IndexName": "by_c",
            "KeyConditionExpression": "c = :c", "ExpressionAttributeValues": {":c": {"S": "x"}}});
        let p = plan(Op::Query, &gsi_query, |_| Some(&m)).unwrap();
        assert_eq!(p.items[0][0].resource, Resource::index("t", "by_c"));
        assert_eq!(p.items[0][0].partition.as_deref(), Some(r#"{"S":"x"}"#));
    }

    #[test]
    fn json_sizes_follow_the_item_size_rules() {
        let item = json!({"a": {"S": "xyz"}, "bb": {"N": "12"}, "c": {"BOOL": true},
            "l": {"L": [{"S": "ab"}]}, "b": {"B": "AAEC"}});
        assert_eq!(
            json_item_size(&item),
            (1 + 3) + (2 + 2) + (1 + 1) + (1 + 3 + 1 + 2) + (1 + 3)
        );
    }
}
