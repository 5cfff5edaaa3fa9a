//! Scratch tables: each lab creates its own (`lab-NAME-` plus a short random suffix) with the
//! design it needs, and the runner deletes every one it created once the lab is over, whether
//! it finished, failed or was cancelled. Deleting is explicit and awaited (a guard deleting in
//! `Drop` through a spawned task may never run when the process is on its way out).

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus,
};

use crate::request::schema::{PARTITION_KEY, SORT_KEY};
use crate::store::{Store, sdk_error_line};

/// Every scratch table's name starts with this.
pub const PREFIX: &str = "lab-";

/// A global secondary index a lab's table needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GsiDesign {
    /// Index name.
    pub name: &'static str,
    /// Its partition key (a string attribute).
    pub partition_key: &'static str,
    /// ALL or KEYS_ONLY.
    pub projection: ProjectionType,
}

/// How a scratch table is built: the request table's keys (`request_id` S + `seq` N), so the
/// store's reads and writes work on it, unless `key` names others; on-demand billing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Design {
    /// Global secondary indexes.
    pub gsis: Vec<GsiDesign>,
    /// Other keys: (partition key, sort key), both strings (`partition-key` keys by customer).
    pub key: Option<(&'static str, &'static str)>,
}

/// Why a scratch table could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot create the scratch table {table} on {endpoint}: {detail}")]
pub struct CreateError {
    /// The table.
    pub table: String,
    /// Where.
    pub endpoint: String,
    /// What the endpoint said.
    pub detail: String,
}

/// The tables one lab created, to be deleted by [`Scratch::delete_all`].
#[derive(Debug)]
pub struct Scratch {
    client: Client,
    endpoint: String,
    lab: &'static str,
    tables: Vec<String>,
}

impl Scratch {
    /// Nothing created yet.
    pub fn new(client: Client, endpoint: &str, lab: &'static str) -> Self {
        Scratch {
            client,
            endpoint: endpoint.to_owned(),
            lab,
            tables: Vec::new(),
        }
    }

    /// The tables created so far.
    pub fn tables(&self) -> &[String] {
        &self.tables
    }

    /// Creates a fresh table and waits until it is active; a store on it.
    pub async fn create(&mut self, design: &Design) -> Result<Store, CreateError> {
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        let table = format!("{PREFIX}{}-{}", self.lab, &suffix[..6]);
        let fail = |detail: String| CreateError {
            table: table.clone(),
            endpoint: self.endpoint.clone(),
            detail,
        };
        // Remembered before the call: if the answer is lost, the delete still tries.
        self.tables.push(table.clone());
        let string = |name: &str, t| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(t)
                .build()
        };
        let key = |name: &str, t| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(t)
                .build()
        };
        let (pk, sk, sk_type) = match design.key {
            Some((pk, sk)) => (pk, sk, ScalarAttributeType::S),
            None => (PARTITION_KEY, SORT_KEY, ScalarAttributeType::N),
        };
        let mut defs = vec![string(pk, ScalarAttributeType::S), string(sk, sk_type)];
        let mut gsis = Vec::new();
        for g in &design.gsis {
            if !defs
                .iter()
                .flatten()
                .any(|d| d.attribute_name() == g.partition_key)
            {
                defs.push(string(g.partition_key, ScalarAttributeType::S));
            }
            gsis.push(
                GlobalSecondaryIndex::builder()
                    .index_name(g.name)
                    .key_schema(
                        key(g.partition_key, KeyType::Hash).map_err(|e| fail(e.to_string()))?,
                    )
                    .projection(
                        Projection::builder()
                            .projection_type(g.projection.clone())
                            .build(),
                    )
                    .build()
                    .map_err(|e| fail(e.to_string()))?,
            );
        }
        let defs = defs
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| fail(e.to_string()))?;
        let keys = vec![
            key(pk, KeyType::Hash).map_err(|e| fail(e.to_string()))?,
            key(sk, KeyType::Range).map_err(|e| fail(e.to_string()))?,
        ];
        self.client
            .create_table()
            .table_name(&table)
            .set_attribute_definitions(Some(defs))
            .set_key_schema(Some(keys))
            .set_global_secondary_indexes((!gsis.is_empty()).then_some(gsis))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .map_err(|e| fail(sdk_error_line(&e)))?;
        self.wait_active(&table).await.map_err(fail)?;
        Store::new(self.client.clone(), &table, &self.endpoint).map_err(|e| fail(e.to_string()))
    }

    async fn wait_active(&self, table: &str) -> Result<(), String> {
        // AWS takes seconds to create a table; local engines answer ACTIVE at once.
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let out = self
                .client
                .describe_table()
                .table_name(table)
                .send()
                .await
                .map_err(|e| sdk_error_line(&e))?;
            let status = out.table().and_then(|t| t.table_status());
            if status == Some(&TableStatus::Active) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("still {status:?} after 120 s"));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Deletes every table this lab created. A table already gone is fine; the names that
    /// could not be deleted come back with the reason.
    pub async fn delete_all(&mut self) -> Result<(), Vec<(String, String)>> {
        let mut left = Vec::new();
        for table in std::mem::take(&mut self.tables) {
            match self.client.delete_table().table_name(&table).send().await {
                Ok(_) => tracing::info!(%table, "scratch table deleted"),
                Err(e) if e.code() == Some("ResourceNotFoundException") => {}
                Err(e) => left.push((table, sdk_error_line(&e))),
            }
        }
        if left.is_empty() { Ok(()) } else { Err(left) }
    }
}

/// Every scratch table on the endpoint (all pages of ListTables), for tests and leftovers.
pub async fn list_scratch_tables(client: &Client) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let out = client
            .list_tables()
            .set_exclusive_start_table_name(start.take())
            .send()
            .await
            .map_err(|e| sdk_error_line(&e))?;
        names.extend(
            out.table_names()
                .iter()
                .filter(|n| n.starts_with(PREFIX))
                .cloned(),
        );
        match out.last_evaluated_table_name() {
            Some(last) => start = Some(last.to_owned()),
            None => return Ok(names),
        }
    }
}
