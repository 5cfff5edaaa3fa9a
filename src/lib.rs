//! dynamo-explorer: explore a DynamoDB table of requests and see what every operation costs.
//!
//! Layers, data flowing one way: [`store`] (DynamoDB access patterns, no UI types) ->
//! `tui::worker` (async, owns the store) -> `tui::app` (pure state) -> `tui::view` (pure draw).
//! [`backend`] builds the one SDK client every backend shares. [`request`] is the request
//! table's own domain (its schema, generated records, completeness); [`cli`] has a file per
//! command.

pub mod backend;
pub mod cli;
pub mod code;
pub mod cost;
pub mod fmt;
pub mod labs;
pub mod limits;
pub mod logging;
pub mod request;
pub mod size;
pub mod store;
pub mod table;
pub mod ttl;
pub mod tui;
