//! The embedded engine on a SQLite file, as the binary would open it: for tests that read
//! back what the app wrote, and benches that prepare a database for it.
//!
//! Shared by the tests (as `common::embedded`) and the benches (by `#[path]`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;

use dynamo_explorer::backend::{DbLocation, EmbeddedServer, local_client};
use dynamo_explorer::request::schema::DEFAULT_TABLE_NAME;
use dynamo_explorer::request::schema::Record;
use dynamo_explorer::store::{BatchProgress, CancellationToken, OpReport, Store, WriteOptions};

/// The engine serving `path` on a free loopback port, and a store on the app's default
/// table. Stop the server when done, so the file is closed.
pub async fn file_store(path: &Path) -> (EmbeddedServer, Store) {
    let server = EmbeddedServer::start(
        &DbLocation::File(path.to_path_buf()),
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
    )
    .await
    .expect("the embedded engine opens the file");
    let store = Store::new(
        local_client(&server.url()),
        DEFAULT_TABLE_NAME,
        &server.url(),
    )
    .expect("store");
    (server, store)
}

/// Writes `records` with the default options; panics (a failed test or bench) if any is not.
/// The write's report.
pub async fn write_all(store: &Store, records: Vec<Record>) -> OpReport {
    let progress = |_: BatchProgress| {};
    store
        .write_records(
            records,
            WriteOptions::default(),
            &progress,
            &CancellationToken::new(),
        )
        .await
        .expect("written")
}
