//! Test engines: the embedded Dynoxide (always) and Amazon DynamoDB Local (when
//! `DYNAMODB_LOCAL_ENDPOINT` is set; in CI its absence is a failure, not a skip). Starting
//! the binary: [`spawn`] (scrubbed of AWS variables) and [`pty`] (in a pseudo-terminal).
#![allow(dead_code)]

pub mod embedded;
pub mod pty;
pub mod readme_json;
pub mod spawn;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use dynamo_explorer::backend::{DbLocation, EmbeddedServer, local_client};
use dynamo_explorer::schema::{Record, RequestId};
use dynamo_explorer::store::{QueryOptions, Store, TableCheck};

/// A running engine to test against.
pub struct Engine {
    pub name: &'static str,
    pub url: String,
    _server: Option<EmbeddedServer>,
}

/// Every engine this run has: embedded, plus DynamoDB Local when configured.
pub async fn engines() -> Vec<Engine> {
    let server = EmbeddedServer::start(
        &DbLocation::Memory,
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
    )
    .await
    .expect("embedded engine starts");
    let mut engines = vec![Engine {
        name: "embedded",
        url: server.url(),
        _server: Some(server),
    }];
    match std::env::var("DYNAMODB_LOCAL_ENDPOINT")
        .ok()
        .filter(|s| !s.is_empty())
    {
        Some(url) => engines.push(Engine {
            name: "dynamodb-local",
            url,
            _server: None,
        }),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "CI=true but DYNAMODB_LOCAL_ENDPOINT is not set: .ci/run must start DynamoDB Local"
            )
        }
        None => {}
    }
    engines
}

/// A unique table name, so tests run in parallel on one engine.
pub fn table_name(prefix: &str) -> String {
    format!(
        "t_{prefix}_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// A store on a fresh table of `engine`.
pub async fn fresh_store(engine: &Engine, prefix: &str) -> Store {
    let store = Store::new(local_client(&engine.url), &table_name(prefix), &engine.url)
        .expect("valid table name");
    store
        .ensure_table(&TableCheck::CreateIfMissing)
        .await
        .expect("table created");
    store
}

/// Every record of `ids`, as the engine holds them: strong reads, one page after another (the
/// simplest read path, to check what the code under test did).
pub async fn records_on_engine(store: &Store, ids: &[RequestId]) -> Vec<Record> {
    let opts = QueryOptions {
        consistent: true,
        page_size: None,
        parallel: 1,
    };
    let mut all = Vec::new();
    for id in ids {
        let out = store
            .query_request(id, &opts)
            .await
            .expect("query on the engine");
        all.extend(out.records);
    }
    all
}
