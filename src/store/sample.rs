//! A sample of whole items: one Scan page (at most 1 MB, DynamoDB's page limit) without a
//! projection, so that callers can measure what records weigh (the cost estimate's record
//! size). Costs what any Scan page costs: the items evaluated, rounded up to 4 KB.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::{OpReport, Store, StoreError};

/// The items of one Scan page.
#[derive(Debug, Clone)]
pub struct ItemSample {
    /// Whole items as DynamoDB returned them.
    pub items: Vec<HashMap<String, AttributeValue>>,
    /// Whether the table has more items than the page held.
    pub more: bool,
    /// The call and what it consumed.
    pub report: OpReport,
}

impl Store {
    /// Reads the first Scan page of the table, whole items, eventually consistent.
    pub async fn sample_items(&self) -> Result<ItemSample, StoreError> {
        let started = std::time::Instant::now();
        let mut report = OpReport::new("sample");
        report.param("TableName", &self.table);
        report.param("Limit", "none (1 MB page)");
        report.param("ReturnConsumedCapacity", "INDEXES");
        let (out, items) = self
            .scan_call(&mut report, (false, false), |scan| scan)
            .await?;
        report.elapsed = started.elapsed();
        Ok(ItemSample {
            more: out.last_evaluated_key.is_some_and(|k| !k.is_empty()),
            items,
            report,
        })
    }
}
