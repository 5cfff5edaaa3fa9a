//! Deleting records: chosen keys, or a whole request (keys-only query, then batch deletes).

use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};

use super::batch::{ProgressSink, WriteOptions, key_item};
use super::{CancellationToken, OpReport, QueryOptions, Store, StoreError};
use crate::request::schema::{RecordKey, RequestId};

impl Store {
    /// Deletes exactly `keys` (duplicates are dropped: DynamoDB rejects a call that names one
    /// key twice). Deleting a key that does not exist succeeds and still costs 1 WCU.
    pub async fn delete_keys(
        &self,
        mut keys: Vec<RecordKey>,
        opts: WriteOptions,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<OpReport, StoreError> {
        keys.sort();
        keys.dedup();
        let report = OpReport::new("delete");
        self.delete_into(report, keys, opts, progress, cancel).await
    }

    /// Deletes every record of `id`: [`Store::request_keys`], then [`Store::delete_found`].
    pub async fn delete_request(
        &self,
        id: &RequestId,
        opts: WriteOptions,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<OpReport, StoreError> {
        let found = self.request_keys(id).await?;
        self.delete_found(found, opts, progress, cancel).await
    }

    /// The keys of every record of `id`, by a keys-only Query (strongly consistent: with
    /// eventual reads a record written a moment ago might be missed), with its report.
    pub async fn request_keys(
        &self,
        id: &RequestId,
    ) -> Result<(Vec<RecordKey>, OpReport), StoreError> {
        let opts = QueryOptions {
            consistent: true,
            page_size: None,
            parallel: 1,
        };
        self.query_keys(id, &opts).await
    }

    /// Batch deletes the keys [`Store::request_keys`] found; the delete's report includes
    /// that query's.
    pub async fn delete_found(
        &self,
        (keys, query_report): (Vec<RecordKey>, OpReport),
        opts: WriteOptions,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<OpReport, StoreError> {
        let mut report = OpReport::new("delete");
        report.absorb(query_report);
        self.delete_into(report, keys, opts, progress, cancel).await
    }

    async fn delete_into(
        &self,
        mut report: OpReport,
        keys: Vec<RecordKey>,
        opts: WriteOptions,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<OpReport, StoreError> {
        report.param("Operation", "BatchWriteItem DeleteRequest x25 per call");
        let requests = keys
            .into_iter()
            .map(|k| {
                let del = DeleteRequest::builder()
                    .set_key(Some(key_item(&k)))
                    .build()
                    .map_err(|e| StoreError::InvalidInput(e.to_string()))?;
                Ok((k, WriteRequest::builder().delete_request(del).build()))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        if requests.is_empty() {
            return Ok(report);
        }
        self.batch_write(report, "deletes", requests, opts, progress, cancel)
            .await
    }
}
