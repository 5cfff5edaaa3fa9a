//! Throttling answers shaped like DynamoDB's: the error name, the message, and the
//! `ThrottlingReasons` list (`reason` = ResourceType + OperationType + LimitType, `resource` =
//! the table's or index's ARN).
//!
//! Which error for which case, from the AWS developer guide, "Diagnosing throttling"
//! (docs.aws.amazon.com/amazondynamodb/latest/developerguide/throttling-diagnosing-workflow.html)
//! and the API reference's `ThrottlingReason`:
//! - `ProvisionedThroughputExceededException` with `...ProvisionedThroughputExceeded` when a
//!   provisioned table or GSI is over its provisioned rate (the guide's example 1:
//!   `IndexWriteProvisionedThroughputExceeded` on a GSI), and with
//!   `...KeyRangeThroughputExceeded` when one partition is over its limit, in both modes (the
//!   guide's step 1: `TableWriteKeyRangeThroughputExceeded` is a hot partition key).
//! - `ThrottlingException` with `...MaxOnDemandThroughputExceeded` when an on-demand table or
//!   index is over its configured maximum on-demand throughput (the guide's example 2).
//! - `RequestLimitExceeded` is for `...AccountLimitExceeded`, the account's quotas; nothing here
//!   reaches them (rates above the per-table quota are refused when parsed), so it is not used.
//!
//! The guide names no reason for a new on-demand table driven past its initial 4,000 WCU /
//! 12,000 RCU per second: that is the capacity of the partitions it starts with, and AWS
//! answers `ProvisionedThroughputExceededException` ("Throughput exceeds the current capacity
//! of your table or index...") while it adds partitions. So the model reports it as a key-range
//! limit on the table, with a message that says which limit it was.

use serde_json::{Value, json};

use super::config::{
    ON_DEMAND_READ_UNITS, ON_DEMAND_WRITE_UNITS, PARTITION_READ_UNITS, PARTITION_WRITE_UNITS,
};
use super::resource::{Kind, Resource, per_second};

/// The namespace DynamoDB puts before error names in `__type`.
pub const ERROR_NAMESPACE: &str = "com.amazonaws.dynamodb.v20120810#";
/// The region and account in the ARNs the layer names (it is not AWS).
const ARN_PREFIX: &str = "arn:aws:dynamodb:local:000000000000:table/";

/// Which limit a bucket enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LimitType {
    /// A provisioned table's or GSI's rate (with its burst).
    Provisioned,
    /// One partition key value's hard limit.
    KeyRange,
    /// A new on-demand table's (or GSI's) initial throughput.
    OnDemandInitial,
    /// An on-demand GSI's configured maximum (`--gsi-limits` with `--limits on-demand`).
    MaxOnDemand,
}

impl LimitType {
    fn reason_suffix(self) -> &'static str {
        match self {
            LimitType::Provisioned => "ProvisionedThroughputExceeded",
            LimitType::KeyRange | LimitType::OnDemandInitial => "KeyRangeThroughputExceeded",
            LimitType::MaxOnDemand => "MaxOnDemandThroughputExceeded",
        }
    }
}

/// One entry of `ThrottlingReasons`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ThrottleReason {
    /// e.g. `TableWriteKeyRangeThroughputExceeded`.
    pub reason: String,
    /// e.g. `arn:aws:dynamodb:local:000000000000:table/requests`.
    pub resource: String,
    limit: LimitType,
    kind_is_read: bool,
    on_index: bool,
}

impl ThrottleReason {
    /// The reason a bucket of `resource` with `limit` gives when it refuses a `kind` call.
    pub fn new(resource: &Resource, kind: Kind, limit: LimitType) -> Self {
        let (resource_type, arn) = match &resource.index {
            None => ("Table", format!("{ARN_PREFIX}{}", resource.table)),
            Some(index) => (
                "Index",
                format!("{ARN_PREFIX}{}/index/{index}", resource.table),
            ),
        };
        let op = match kind {
            Kind::Read => "Read",
            Kind::Write => "Write",
        };
        ThrottleReason {
            reason: format!("{resource_type}{op}{}", limit.reason_suffix()),
            resource: arn,
            limit,
            kind_is_read: kind == Kind::Read,
            on_index: resource.index.is_some(),
        }
    }

    fn message(&self) -> String {
        let kind = if self.kind_is_read {
            Kind::Read
        } else {
            Kind::Write
        };
        match (self.limit, self.on_index) {
            (LimitType::Provisioned, false) => {
                "The level of configured provisioned throughput for the table was exceeded. \
                 Consider increasing your provisioning level with the UpdateTable API."
                    .to_owned()
            }
            (LimitType::Provisioned, true) => {
                "The level of configured provisioned throughput for one or more global secondary \
                 indexes of the table was exceeded. Consider increasing your provisioning level \
                 for the under-provisioned global secondary indexes with the UpdateTable API."
                    .to_owned()
            }
            (LimitType::KeyRange, _) => {
                let limit = match kind {
                    Kind::Read => PARTITION_READ_UNITS,
                    Kind::Write => PARTITION_WRITE_UNITS,
                };
                format!(
                    "Throughput exceeds the current capacity for one or more partition keys \
                     (about {} per partition key value).",
                    per_second(limit, kind)
                )
            }
            (LimitType::OnDemandInitial, _) => {
                let limit = match kind {
                    Kind::Read => ON_DEMAND_READ_UNITS,
                    Kind::Write => ON_DEMAND_WRITE_UNITS,
                };
                format!(
                    "Throughput exceeds the current capacity of your table or index: a new \
                     on-demand table serves up to {} at first.",
                    per_second(limit, kind)
                )
            }
            (LimitType::MaxOnDemand, _) => {
                "Throughput exceeds the maximum OnDemandThroughput configured on table or index."
                    .to_owned()
            }
        }
    }
}

/// A refused call: what DynamoDB would answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Throttle {
    /// `ProvisionedThroughputExceededException` or `ThrottlingException`.
    pub error: &'static str,
    /// The message.
    pub message: String,
    /// Every limit that refused it.
    pub reasons: Vec<ThrottleReason>,
}

impl Throttle {
    /// The answer for a call refused by `reasons` (not empty).
    pub fn new(reasons: Vec<ThrottleReason>) -> Self {
        // A configured on-demand maximum answers ThrottlingException; everything else here
        // is ProvisionedThroughputExceededException, which wins when both apply.
        let error = if reasons.iter().all(|r| r.limit == LimitType::MaxOnDemand) {
            "ThrottlingException"
        } else {
            "ProvisionedThroughputExceededException"
        };
        let first = reasons
            .iter()
            .find(|r| (r.limit == LimitType::MaxOnDemand) == (error == "ThrottlingException"))
            .map(ThrottleReason::message)
            .unwrap_or_default();
        Throttle {
            error,
            message: format!("{first} [simulated by dynamo-explorer --limits]"),
            reasons,
        }
    }

    /// The JSON body of the HTTP 400 answer.
    pub fn body(&self) -> Value {
        let reasons: Vec<Value> = self
            .reasons
            .iter()
            .map(|r| json!({"reason": r.reason, "resource": r.resource}))
            .collect();
        json!({
            "__type": format!("{ERROR_NAMESPACE}{}", self.error),
            "message": self.message,
            "ThrottlingReasons": reasons,
        })
    }
}
