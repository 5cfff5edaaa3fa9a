//! Writing records: generated requests packed into BatchWriteItem calls.

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};

use super::batch::{ProgressSink, WriteOptions};
use super::{CancellationToken, OpReport, Store, StoreError};
use crate::request::schema::Record;

impl Store {
    /// Puts `records` (keys unique). Records of several small requests share a call: the
    /// 25-item limit is per call, not per request, so one call can carry 25 requests.
    pub async fn write_records(
        &self,
        records: Vec<Record>,
        opts: WriteOptions,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<OpReport, StoreError> {
        let mut requests = Vec::with_capacity(records.len());
        for record in records {
            let item = serde_dynamo::to_item(&record).map_err(|e| {
                StoreError::InvalidInput(format!("record {} does not convert: {e}", record.key()))
            })?;
            let put = PutRequest::builder()
                .set_item(Some(item))
                .build()
                .map_err(|e| StoreError::InvalidInput(e.to_string()))?;
            requests.push((
                record.key(),
                WriteRequest::builder().put_request(put).build(),
            ));
        }
        let mut report = OpReport::new("generate");
        report.param("Operation", "BatchWriteItem PutRequest x25 per call");
        self.batch_write(report, "records written", requests, opts, progress, cancel)
            .await
    }
}
