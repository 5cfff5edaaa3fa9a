//! The request table's own domain: its schema (one request id per partition, a record per
//! seq), the records `generate` writes, and whether a request read back is complete.
//! Tables of any other key schema are explored without these.

pub mod completeness;
pub mod generate;
pub mod schema;
