//! AWS's throughput limits, simulated in front of local engines (`--limits`, `--gsi-limits`).
//!
//! Neither the embedded engine nor DynamoDB Local ever throttles. This module makes the
//! limits that shape a DynamoDB design visible offline: a table's provisioned (or new
//! on-demand) throughput with its burst, 1,000 WCU / 3,000 RCU per second per partition key,
//! GSIs with their own budgets and back-pressure on the table, answered the way DynamoDB
//! answers (HTTP 400, `ProvisionedThroughputExceededException` or `ThrottlingException` with
//! `ThrottlingReasons`; `UnprocessedItems` / `UnprocessedKeys` for batches).
//! Everything it refuses is *simulated*: the header says so, and every message ends with
//! `[simulated by dynamo-explorer --limits]`.
//!
//! ## Where the layer sits: an HTTP reverse proxy, in process
//! The layer is a small HTTP/1.1 proxy on 127.0.0.1 between the SDK client and the engine
//! ([`LimitsLayer`]), not an SDK interceptor, because:
//! - one implementation serves every local backend: the embedded engine, `--endpoint`
//!   (DynamoDB Local) and `serve --limits`, where boto3, the aws CLI or a service's own test
//!   suite get real HTTP 400 throttling answers to exercise their retry code against;
//! - what it returns is DynamoDB's wire format, so the SDK parses it exactly as it parses
//!   AWS's (`throttling_reasons()` on the error, `unprocessed_items()` on a batch) and our
//!   store's retry, backoff and adaptive concurrency run unchanged;
//! - an interceptor sees the SDK's typed call, but cannot answer without calling the engine,
//!   nor split a batch, without reimplementing the protocol's shapes per operation.
//!
//! The price is one more loopback hop per call and a JSON parse of each limited request (the
//! answer's ConsumedCapacity is read without building the rest). With `--limits off` (the
//! default) no layer exists at all: the client talks to the engine directly.
//!
//! ## How a call is limited
//! The layer asks the engine for `ReturnConsumedCapacity=INDEXES` on every limited call and
//! debits the buckets with what the engine reported, per table and GSI, so the model, the
//! operations log and the engine agree; the client gets the ConsumedCapacity it asked for
//! (none, `TOTAL`, or `INDEXES`). Before forwarding, a call reserves an estimate (a put: its
//! size in KB; a key read: 1 or 0.5; a Query or Scan page: 0) and the engine's figure replaces
//! it afterwards. BatchWriteItem and BatchGetItem are split item by item: what fits is
//! forwarded, the rest comes back unprocessed; only when nothing fits is the call refused with
//! the error. Other calls are admitted if none of their buckets is exhausted or in debt, then
//! charged what they consumed, so a large call can leave a bucket in debt that later calls
//! wait out. A table's description (its key, its GSIs and their provisioned throughput) is
//! read from the engine with DescribeTable on first use, and again after the table changes.
//!
//! ## What is not modelled
//! On-demand growth to twice the previous peak, split for heat, adaptive capacity, burst
//! capacity spent on background work; one partition key value is one partition (on AWS a
//! partition holds many keys and splits when hot); account-level quotas; PartiQL and streams
//! calls pass through unlimited.

mod bound;
mod config;
pub mod model;
mod plan;
mod proxy;
mod reply;
mod resource;
mod rule;
mod throttle;

pub use bound::{BoundBy, WritePlan, WriteTimeBound};
pub use config::{
    DEFAULT_BURST_SECONDS, LimitsConfig, LimitsLabel, Mode, ON_DEMAND_READ_UNITS,
    ON_DEMAND_WRITE_UNITS, PARTITION_READ_UNITS, PARTITION_WRITE_UNITS, Rates, TABLE_QUOTA_UNITS,
};
pub(crate) use proxy::forward_to;
pub use proxy::{LayerStats, LimitsLayer};
pub use throttle::{LimitType, Throttle, ThrottleReason};
