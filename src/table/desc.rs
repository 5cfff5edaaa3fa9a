//! Any table as DescribeTable (and DescribeTimeToLive) reports it: its keys with their types,
//! its indexes, billing mode, approximate size; and every table of an endpoint (ListTables,
//! all pages). `tables --json` and `describe --json` print these fields.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, KeySchemaElement, KeyType, Projection, TableDescription, TimeToLiveStatus,
};
use futures::StreamExt;
use serde::Serialize;

use crate::store::{Attempts, Store, StoreError, call_error, sdk_error_line};

/// One key attribute: `{"name": "pk", "type": "S", "role": "HASH"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyAttr {
    /// Attribute name.
    pub name: String,
    /// `S`, `N` or `B`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `HASH` (partition key) or `RANGE` (sort key).
    pub role: String,
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexDesc {
    /// Index name.
    pub name: String,
    /// Its keys, partition key first.
    pub key_schema: Vec<KeyAttr>,
    /// `ALL`, `KEYS_ONLY`, or `INCLUDE a, b`.
    pub projection: String,
}

impl IndexDesc {
    /// The index's partition key.
    pub fn hash(&self) -> Option<&KeyAttr> {
        self.key_schema.first()
    }

    /// The index's sort key.
    pub fn range(&self) -> Option<&KeyAttr> {
        self.key_schema.get(1)
    }
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableDesc {
    /// Table name.
    pub name: String,
    /// ACTIVE, CREATING...
    pub status: String,
    /// Its keys, partition key first.
    pub key_schema: Vec<KeyAttr>,
    /// PAY_PER_REQUEST or PROVISIONED.
    pub billing_mode: String,
    /// Approximate item count (DynamoDB refreshes it about every six hours).
    pub item_count: i64,
    /// Approximate size in bytes (same refresh).
    pub size_bytes: i64,
    /// Global secondary indexes.
    pub gsis: Vec<IndexDesc>,
    /// Local secondary indexes.
    pub lsis: Vec<IndexDesc>,
    /// The TTL attribute, when TTL is on.
    pub ttl_attribute: Option<String>,
}

/// An index of a table, and whether it is global.
#[derive(Debug, Clone, Copy)]
pub struct IndexRef<'a> {
    /// The index.
    pub index: &'a IndexDesc,
    /// A GSI (its own capacity, eventual reads only) rather than an LSI.
    pub global: bool,
}

impl TableDesc {
    /// The partition key.
    pub fn hash(&self) -> &KeyAttr {
        &self.key_schema[0]
    }

    /// The sort key, if the table has one.
    pub fn range(&self) -> Option<&KeyAttr> {
        self.key_schema.get(1)
    }

    /// The index named `name`, or a line that names the ones there are.
    pub fn index(&self, name: &str) -> Result<IndexRef<'_>, String> {
        if let Some(index) = self.gsis.iter().find(|i| i.name == name) {
            return Ok(IndexRef {
                index,
                global: true,
            });
        }
        if let Some(index) = self.lsis.iter().find(|i| i.name == name) {
            return Ok(IndexRef {
                index,
                global: false,
            });
        }
        let names: Vec<&str> = self
            .gsis
            .iter()
            .chain(&self.lsis)
            .map(|i| i.name.as_str())
            .collect();
        Err(if names.is_empty() {
            format!(
                "table {} has no index {name:?}: it has no indexes",
                self.name
            )
        } else {
            format!(
                "table {} has no index {name:?}; its indexes: {}",
                self.name,
                names.join(", ")
            )
        })
    }

    /// `pk (S, HASH) + sk (N, RANGE)`.
    pub fn key_text(&self) -> String {
        keys_text(&self.key_schema)
    }

    /// Whether the table has the request table's keys (`request_id` S + `seq` N).
    pub fn is_request_table(&self) -> bool {
        self.key_text() == crate::store::expected_key_schema()
    }

    /// The type of attribute `name` if it is a key of the table or one of its indexes.
    pub fn key_type(&self, name: &str) -> Option<&str> {
        self.key_schema
            .iter()
            .chain(
                self.gsis
                    .iter()
                    .chain(&self.lsis)
                    .flat_map(|i| &i.key_schema),
            )
            .find(|k| k.name == name)
            .map(|k| k.kind.as_str())
    }

    /// From DescribeTable's answer.
    pub fn from_description(t: &TableDescription) -> TableDesc {
        let defs = t.attribute_definitions();
        let gsis = t
            .global_secondary_indexes()
            .iter()
            .map(|g| IndexDesc {
                name: g.index_name().unwrap_or_default().to_owned(),
                key_schema: key_attrs(g.key_schema(), defs),
                projection: projection_text(g.projection()),
            })
            .collect();
        let lsis = t
            .local_secondary_indexes()
            .iter()
            .map(|l| IndexDesc {
                name: l.index_name().unwrap_or_default().to_owned(),
                key_schema: key_attrs(l.key_schema(), defs),
                projection: projection_text(l.projection()),
            })
            .collect();
        TableDesc {
            name: t.table_name().unwrap_or_default().to_owned(),
            status: t
                .table_status()
                .map_or("?".to_owned(), |s| s.as_str().to_owned()),
            key_schema: key_attrs(t.key_schema(), defs),
            billing_mode: t
                .billing_mode_summary()
                .and_then(|b| b.billing_mode())
                .map_or("PROVISIONED".to_owned(), |b| b.as_str().to_owned()),
            item_count: t.item_count().unwrap_or(0),
            size_bytes: t.table_size_bytes().unwrap_or(0),
            gsis,
            lsis,
            ttl_attribute: None,
        }
    }
}

/// `pk (S, HASH) + sk (N, RANGE)`.
pub fn keys_text(keys: &[KeyAttr]) -> String {
    keys.iter()
        .map(|k| format!("{} ({}, {})", k.name, k.kind, k.role))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn key_attrs(keys: &[KeySchemaElement], defs: &[AttributeDefinition]) -> Vec<KeyAttr> {
    let mut out: Vec<KeyAttr> = keys
        .iter()
        .map(|k| KeyAttr {
            name: k.attribute_name().to_owned(),
            kind: defs
                .iter()
                .find(|d| d.attribute_name() == k.attribute_name())
                .map_or("?".to_owned(), |d| d.attribute_type().as_str().to_owned()),
            role: k.key_type().as_str().to_owned(),
        })
        .collect();
    out.sort_by_key(|k| k.role != KeyType::Hash.as_str());
    out
}

fn projection_text(p: Option<&Projection>) -> String {
    let Some(p) = p else {
        return "ALL".into();
    };
    let kind = p.projection_type().map_or("ALL", |t| t.as_str());
    let extra = p.non_key_attributes();
    if extra.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind} {}", extra.join(", "))
    }
}

impl Store {
    /// Creates this store's table, on demand, with `keys` (partition key first), and waits
    /// until it is ACTIVE.
    pub async fn create_with_keys(&self, keys: &[KeyAttr]) -> Result<TableDesc, StoreError> {
        use aws_sdk_dynamodb::types::{BillingMode, ScalarAttributeType};
        let mut defs = Vec::new();
        let mut schema = Vec::new();
        for k in keys {
            defs.push(
                AttributeDefinition::builder()
                    .attribute_name(&k.name)
                    .attribute_type(ScalarAttributeType::from(k.kind.as_str()))
                    .build()
                    .map_err(|e| StoreError::InvalidInput(e.to_string()))?,
            );
            schema.push(
                KeySchemaElement::builder()
                    .attribute_name(&k.name)
                    .key_type(KeyType::from(k.role.as_str()))
                    .build()
                    .map_err(|e| StoreError::InvalidInput(e.to_string()))?,
            );
        }
        let mut attempts = Attempts::default();
        self.send("CreateTable", 0, None, &mut attempts, || {
            self.client()
                .create_table()
                .table_name(self.table())
                .set_attribute_definitions(Some(defs.clone()))
                .set_key_schema(Some(schema.clone()))
                .billing_mode(BillingMode::PayPerRequest)
                .send()
        })
        .await
        .map_err(call_error)?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let desc = self.describe_any().await?;
            if desc.status == "ACTIVE" || std::time::Instant::now() > deadline {
                return Ok(desc);
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    /// DescribeTable of this store's table, any key schema, with its TTL attribute.
    pub async fn describe_any(&self) -> Result<TableDesc, StoreError> {
        let mut attempts = Attempts::default();
        let described = self.send("DescribeTable", 0, None, &mut attempts, || {
            self.client()
                .describe_table()
                .table_name(self.table())
                .send()
        });
        let ttl = self
            .client()
            .describe_time_to_live()
            .table_name(self.table())
            .send();
        let (described, ttl) = tokio::join!(described, ttl);
        let (out, _) = described.map_err(call_error)?;
        let Some(t) = out.table() else {
            return Err(StoreError::Service {
                code: "EmptyResponse".into(),
                message: "DescribeTable returned no table".into(),
            });
        };
        let mut desc = TableDesc::from_description(t);
        // Best effort: not every engine implements DescribeTimeToLive.
        match ttl {
            Ok(ttl) => {
                desc.ttl_attribute = ttl
                    .time_to_live_description()
                    .filter(|d| d.time_to_live_status() == Some(&TimeToLiveStatus::Enabled))
                    .and_then(|d| d.attribute_name())
                    .map(str::to_owned);
            }
            Err(e) => {
                tracing::debug!(table = self.table(), error = %sdk_error_line(&e), "no TTL description")
            }
        }
        Ok(desc)
    }

    /// The names of every table of the endpoint (ListTables, all pages), in name order.
    pub async fn table_names(&self) -> Result<Vec<String>, StoreError> {
        let mut names = Vec::new();
        let mut start: Option<String> = None;
        loop {
            let mut attempts = Attempts::default();
            let (out, _) = self
                .send("ListTables", 0, None, &mut attempts, || {
                    self.client()
                        .list_tables()
                        .set_exclusive_start_table_name(start.clone())
                        .send()
                })
                .await
                .map_err(call_error)?;
            names.extend(out.table_names().iter().cloned());
            match out.last_evaluated_table_name() {
                Some(last) if !last.is_empty() => start = Some(last.to_owned()),
                _ => break,
            }
        }
        names.sort();
        Ok(names)
    }

    /// Every table of the endpoint, each described, eight at a time, in name order.
    pub async fn list_tables(&self) -> Result<Vec<TableDesc>, StoreError> {
        let names = self.table_names().await?;
        self.describe_tables(names).await
    }

    /// These tables described, eight at a time, in name order (one deleted meanwhile is left
    /// out).
    pub async fn describe_tables(&self, names: Vec<String>) -> Result<Vec<TableDesc>, StoreError> {
        let described: Vec<Result<TableDesc, StoreError>> = futures::stream::iter(names)
            .map(|name| async move { self.for_table(&name)?.describe_any().await })
            .buffered(8)
            .collect()
            .await;
        let mut tables = Vec::with_capacity(described.len());
        for d in described {
            match d {
                Ok(t) => tables.push(t),
                // Deleted between ListTables and DescribeTable: not there any more.
                Err(StoreError::TableMissing { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(tables)
    }
}
