//! dynamo-explorer: explore a DynamoDB table of requests and see what every operation costs.
//!
//! Layers, data flowing one way: [`store`] (DynamoDB access patterns, no UI types) ->
//! `tui::worker` (async, owns the store) -> `tui::app` (pure state) -> `tui::view` (pure draw).
//! [`backend`] builds the one SDK client every backend shares.

pub mod backend;
pub mod cli;
pub mod cli_admin;
pub mod cli_cost;
pub mod completeness;
pub mod cost;
pub mod fmt;
pub mod generate;
pub mod labs;
pub mod limits;
pub mod logging;
pub mod schema;
pub mod size;
pub mod store;
pub mod ttl;
pub mod tui;
