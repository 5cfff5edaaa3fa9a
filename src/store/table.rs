//! The table itself: make sure it exists with our key schema, create it where allowed,
//! and describe it.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType as DynamoKeyType,
    ScalarAttributeType, TableStatus, TimeToLiveSpecification,
};
use serde::Serialize;

use super::read::call_error;
use super::{Attempts, Store, StoreError};
use crate::request::schema::{
    PARTITION_KEY, PARTITION_KEY_TYPE, SORT_KEY, SORT_KEY_TYPE, TTL_ATTRIBUTE,
};

/// What to do when the table is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableCheck {
    /// Create it (local engines, or `--create-table` on AWS).
    CreateIfMissing,
    /// Fail, with this hint on what to do instead.
    FailIfMissing(String),
}

/// The table as DescribeTable reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableInfo {
    /// Name.
    pub name: String,
    /// ACTIVE, CREATING...
    pub status: String,
    /// Key schema, e.g. `request_id (S, HASH) + seq (N, RANGE)`.
    pub key_schema: String,
    /// PAY_PER_REQUEST or PROVISIONED.
    pub billing_mode: String,
    /// Approximate item count (DynamoDB updates it about every six hours).
    pub item_count: i64,
    /// Approximate size in bytes (same refresh).
    pub size_bytes: i64,
    /// True if the table was created by this call.
    pub created: bool,
}

/// `request_id (S, HASH) + seq (N, RANGE)`.
pub fn expected_key_schema() -> String {
    format!(
        "{PARTITION_KEY} ({}, HASH) + {SORT_KEY} ({}, RANGE)",
        PARTITION_KEY_TYPE.as_str(),
        SORT_KEY_TYPE.as_str()
    )
}

fn scalar(t: crate::request::schema::KeyType) -> ScalarAttributeType {
    match t {
        crate::request::schema::KeyType::S => ScalarAttributeType::S,
        crate::request::schema::KeyType::N => ScalarAttributeType::N,
    }
}

impl Store {
    /// Describes the table; creates it first if it is missing and `check` allows; refuses a
    /// table with another key schema.
    pub async fn ensure_table(&self, check: &TableCheck) -> Result<TableInfo, StoreError> {
        match self.describe().await {
            Ok(info) => Ok(info),
            Err(StoreError::TableMissing { table, .. }) => match check {
                TableCheck::FailIfMissing(hint) => Err(StoreError::TableMissing {
                    table,
                    hint: hint.clone(),
                }),
                TableCheck::CreateIfMissing => {
                    self.create_table().await?;
                    let mut info = self.wait_active().await?;
                    info.created = true;
                    Ok(info)
                }
            },
            Err(e) => Err(e),
        }
    }

    /// DescribeTable, with the key schema checked against ours.
    pub async fn describe(&self) -> Result<TableInfo, StoreError> {
        let mut attempts = Attempts::default();
        let (out, _) = self
            .send("DescribeTable", 0, None, &mut attempts, || {
                self.client.describe_table().table_name(&self.table).send()
            })
            .await
            .map_err(call_error)?;
        let Some(t) = out.table() else {
            return Err(StoreError::Service {
                code: "EmptyResponse".into(),
                message: "DescribeTable returned no table".into(),
            });
        };
        let type_of = |name: &str| {
            t.attribute_definitions()
                .iter()
                .find(|d| d.attribute_name() == name)
                .map_or("?".to_owned(), |d| d.attribute_type().as_str().to_owned())
        };
        let mut keys: Vec<&KeySchemaElement> = t.key_schema().iter().collect();
        keys.sort_by_key(|k| {
            if k.key_type() == &DynamoKeyType::Hash {
                0
            } else {
                1
            }
        });
        let key_schema = keys
            .iter()
            .map(|k| {
                format!(
                    "{} ({}, {})",
                    k.attribute_name(),
                    type_of(k.attribute_name()),
                    k.key_type().as_str()
                )
            })
            .collect::<Vec<_>>()
            .join(" + ");
        if key_schema != expected_key_schema() {
            return Err(StoreError::KeySchemaMismatch {
                table: self.table.clone(),
                expected: expected_key_schema(),
                actual: key_schema,
            });
        }
        let billing_mode = t
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map_or("PROVISIONED".to_owned(), |b| b.as_str().to_owned());
        Ok(TableInfo {
            name: t.table_name().unwrap_or(&self.table).to_owned(),
            status: t
                .table_status()
                .map_or("?".to_owned(), |s| s.as_str().to_owned()),
            key_schema,
            billing_mode,
            item_count: t.item_count().unwrap_or(0),
            size_bytes: t.table_size_bytes().unwrap_or(0),
            created: false,
        })
    }

    async fn create_table(&self) -> Result<(), StoreError> {
        let def = |name: &str, t| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(scalar(t))
                .build()
                .map_err(|e| StoreError::InvalidInput(e.to_string()))
        };
        let key = |name: &str, t: DynamoKeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(t)
                .build()
                .map_err(|e| StoreError::InvalidInput(e.to_string()))
        };
        let defs = vec![
            def(PARTITION_KEY, PARTITION_KEY_TYPE)?,
            def(SORT_KEY, SORT_KEY_TYPE)?,
        ];
        let keys = vec![
            key(PARTITION_KEY, DynamoKeyType::Hash)?,
            key(SORT_KEY, DynamoKeyType::Range)?,
        ];
        let mut attempts = Attempts::default();
        let created = self
            .send("CreateTable", 0, None, &mut attempts, || {
                self.client
                    .create_table()
                    .table_name(&self.table)
                    .set_attribute_definitions(Some(defs.clone()))
                    .set_key_schema(Some(keys.clone()))
                    .billing_mode(BillingMode::PayPerRequest)
                    .send()
            })
            .await
            .map_err(call_error);
        match created {
            Ok(_) => Ok(()),
            // Another process created it between our DescribeTable and CreateTable.
            Err(StoreError::Service { code, .. }) if code == "ResourceInUseException" => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn wait_active(&self) -> Result<super::TableInfo, StoreError> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let info = self.describe().await?;
            if info.status == TableStatus::Active.as_str() || Instant::now() > deadline {
                self.enable_ttl().await;
                return Ok(info);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// TTL on `expires_at`: records go away for free. Best effort: some local engines do not
    /// implement UpdateTimeToLive, and the table is usable without it.
    async fn enable_ttl(&self) {
        if let Err(e) = self.turn_on_ttl().await {
            tracing::warn!(table = %self.table, error = %e, "could not enable TTL");
        }
    }

    /// UpdateTimeToLive: TTL on `expires_at` for this table; what went wrong, if anything.
    pub(crate) async fn turn_on_ttl(&self) -> Result<(), String> {
        let spec = TimeToLiveSpecification::builder()
            .attribute_name(TTL_ATTRIBUTE)
            .enabled(true)
            .build()
            .map_err(|e| e.to_string())?;
        self.client
            .update_time_to_live()
            .table_name(&self.table)
            .time_to_live_specification(spec)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| crate::store::sdk_error_line(&e))
    }
}
