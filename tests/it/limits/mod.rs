//! `--limits`: AWS's throughput limits simulated in front of real engines (the embedded one
//! always, DynamoDB Local when `DYNAMODB_LOCAL_ENDPOINT` is set). What is checked is what a
//! user relies on: every record lands exactly once however hard the layer throttles, a write
//! takes at least as long as the model allows (a lower bound: a slow machine cannot break it),
//! a hot partition key is named as such, and other tools (`serve --limits`) get DynamoDB's own
//! answers: HTTP 400 with `ThrottlingReasons`, and `UnprocessedItems`.

use crate::common;

mod refused;
mod serve;
mod writes;

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::common::{Engine, cli, engines, fresh_store, records_on_engine, serve};
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, PutRequest, ReturnConsumedCapacity, ScalarAttributeType,
    WriteRequest,
};
use dynamo_explorer::backend::{DbLocation, EmbeddedServer, local_client};
use dynamo_explorer::limits::{LimitsConfig, LimitsLayer, WritePlan};
use dynamo_explorer::request::generate::build_records;
use dynamo_explorer::request::schema::RequestId;
use dynamo_explorer::store::{BatchProgress, CancellationToken, Store, WriteOptions};
use serde_json::Value;

fn loopback() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)
}

/// The backends the CLI test runs on: an embedded file, and DynamoDB Local when set.
fn cli_backends(dir: &std::path::Path) -> Vec<(&'static str, Vec<String>)> {
    let db = dir.join("limits.db").display().to_string();
    let mut v = vec![("embedded", vec!["--db".to_owned(), db])];
    if let Ok(url) = std::env::var("DYNAMODB_LOCAL_ENDPOINT") {
        let table = common::table_name("limits_cli");
        v.push((
            "dynamodb-local",
            vec!["--endpoint".into(), url, "--table".into(), table],
        ));
    }
    v
}

async fn direct_store(conn: &[String]) -> (Store, Option<EmbeddedServer>) {
    match conn[0].as_str() {
        "--db" => {
            let server =
                EmbeddedServer::start(&DbLocation::File(conn[1].clone().into()), loopback())
                    .await
                    .unwrap();
            let store = Store::new(local_client(&server.url()), "requests", &server.url()).unwrap();
            (store, Some(server))
        }
        _ => (
            Store::new(local_client(&conn[1]), &conn[3], &conn[1]).unwrap(),
            None,
        ),
    }
}

/// A store on a fresh table of `engine` through a layer simulating `limits`, and the direct
/// store to check what landed.
async fn layered(engine: &Engine, prefix: &str, limits: &str) -> (Store, Store, LimitsLayer) {
    let direct = fresh_store(engine, prefix).await;
    let layer =
        LimitsLayer::start_on_loopback(&engine.url, LimitsConfig::parse(limits, &[]).unwrap())
            .await
            .unwrap();
    let store = Store::new(local_client(&layer.url()), direct.table(), &layer.url())
        .unwrap()
        .patient_under_throttling();
    (store, direct, layer)
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

/// The reasons the SDK parsed from a PutItem throttling error.
fn throttling_reasons<R>(
    err: &aws_sdk_dynamodb::error::SdkError<PutItemError, R>,
) -> Vec<(String, String)> {
    match err.as_service_error() {
        Some(PutItemError::ProvisionedThroughputExceededException(e)) => e
            .throttling_reasons()
            .iter()
            .map(|r| {
                (
                    r.reason().unwrap_or_default().to_owned(),
                    r.resource().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        other => panic!("not ProvisionedThroughputExceeded: {other:?}"),
    }
}
