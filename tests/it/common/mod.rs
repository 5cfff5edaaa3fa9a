//! Test engines: the embedded Dynoxide (always) and Amazon DynamoDB Local (when
//! `DYNAMODB_LOCAL_ENDPOINT` is set; in CI its absence is a failure, not a skip). Starting
//! the binary: [`spawn`] (scrubbed of AWS variables) and [`pty`] (in a pseudo-terminal).
#![allow(dead_code)]

pub mod embedded;
pub mod pty;
pub mod readme_json;
pub mod spawn;

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::{Child, Output, Stdio};

use dynamo_explorer::backend::{DbLocation, EmbeddedServer, local_client};
use dynamo_explorer::request::schema::{Record, RequestId};
use dynamo_explorer::store::{QueryOptions, QueryOutput, Store, TableCheck};

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

/// Every record of `id`: 1 MB pages one after another (the simplest read path, the one the
/// capacity rules describe page by page).
pub async fn query_pages(store: &Store, id: &RequestId, consistent: bool) -> QueryOutput {
    let opts = QueryOptions {
        consistent,
        page_size: None,
        parallel: 1,
    };
    store
        .query_request(id, &opts)
        .await
        .expect("query on the engine")
}

/// Every record of `ids`, as the engine holds them: strong reads, one page after another (the
/// simplest read path, to check what the code under test did).
pub async fn records_on_engine(store: &Store, ids: &[RequestId]) -> Vec<Record> {
    let mut all = Vec::new();
    for id in ids {
        all.extend(query_pages(store, id, true).await.records);
    }
    all
}

#[allow(unused_imports)] // Not every test binary names it.
pub use spawn::BIN;

/// Runs the binary with `args`; nothing from the developer's machine leaks in: no AWS env,
/// no real profile.
pub fn cli(args: &[&str]) -> Output {
    spawn::command().args(args).output().expect("binary runs")
}

/// `dynamo-explorer --memory serve` on a free loopback port, as another tool would use it;
/// killed when dropped.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The line after the URL: what limits it simulates.
    pub limits: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` with `extra` flags. Port 0: the engine binds a free port, and its first
/// line (printed once it listens) says which, so there is nothing to probe or poll.
pub fn serve(extra: &[&str]) -> Served {
    let mut child = spawn::command()
        .args(["--memory", "serve", "--port", "0"])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut lines = BufReader::new(stderr).lines();
    let mut line = || lines.next().and_then(Result::ok).unwrap_or_default();
    let first = line();
    let limits = line();
    let url = first
        .split_whitespace()
        .last()
        .filter(|u| u.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no loopback URL in {first:?}"))
        .to_owned();
    // Keep draining so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Served { child, url, limits }
}

/// Fails if `text` (what a command printed) holds a Rust debug structure, such as the SDK's
/// `ServiceError(ServiceError { source: InternalServerError { message: ...`: an error a
/// person reads says what failed and what to do, in words.
pub fn assert_readable(text: &str) {
    // `Name { field: ` or `Name(Name {`: a CamelCase name, a brace, then a field and a colon.
    for (at, _) in text.match_indices(" { ") {
        let before = &text[..at];
        let name = before
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        let camel = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().any(|c| c.is_ascii_lowercase());
        let after = &text[at + 3..];
        let field = after
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        let colon = after[field.len()..].starts_with(':');
        assert!(
            !(camel && !field.is_empty() && colon),
            "a Rust debug structure reached the user at byte {at}: {text}"
        );
    }
    for marker in ["ServiceError(", "DispatchFailure(", "ResponseError("] {
        assert!(
            !text.contains(marker),
            "a Rust debug structure ({marker:?}) reached the user: {text}"
        );
    }
}

#[test]
fn debug_structures_are_told_from_sentences() {
    assert_readable("DeleteTable \"requests\" failed: InternalServerError: disk is full");
    assert_readable("expected JSON like {\"request_id\":\"...\",\"seq\":3}");
    let caught = |text: &str| std::panic::catch_unwind(|| assert_readable(text)).is_err();
    assert!(caught(
        "failed: service error: ServiceError(ServiceError { source: InternalServerError { message: Some(\"x\") } })"
    ));
    assert!(caught("Unhandled { source: ErrorMetadata { code: None } }"));
}
