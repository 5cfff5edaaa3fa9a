//! The layer itself: a small HTTP/1.1 reverse proxy on 127.0.0.1 (or `serve`'s address) in
//! front of the engine, in process. Calls the model limits are checked, forwarded with
//! `ReturnConsumedCapacity=INDEXES`, charged with what the engine reported, and answered in
//! the shape the client asked for; everything else passes through untouched.
//!
//! The engines do not check SigV4 signatures, so a rewritten body (a batch cut down, the
//! capacity mode changed) goes through with the client's signature and a new Content-Length.

use std::collections::{BTreeMap, HashSet};
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::config::LimitsConfig;
use super::model::{ItemUse, Limiter};
use super::plan::{Op, plan, tables_of};
use super::reply::{Asked, consumed, merge_unprocessed, reshape, split_batch, table_meta};
use super::resource::Kind;
use super::rule;
use super::throttle::{ERROR_NAMESPACE, Throttle};

/// What the layer did, for tests, logs and `serve --json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LayerStats {
    /// Calls the model checked.
    pub limited_calls: u64,
    /// Calls refused whole with a throttling error.
    pub throttled_calls: u64,
    /// Batch items (or keys) handed back unprocessed.
    pub unprocessed: u64,
    /// Calls that had items (or all of it) refused, per throttling reason. Unlike the
    /// client, which learns reasons only from calls refused whole, this counts batches cut
    /// short too.
    pub refusals: BTreeMap<String, u64>,
    /// The same, second by second since the layer started (index = second), with the
    /// capacity the engine reported for what was let through.
    pub per_second: Vec<SecondStats>,
}

/// One second of a layer's work.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SecondStats {
    /// Seconds since the layer started.
    pub second: u64,
    /// Calls the model checked.
    pub calls: u64,
    /// Calls refused whole.
    pub throttled_calls: u64,
    /// Batch calls let through with some of their items handed back unprocessed.
    pub cut_calls: u64,
    /// Items handed back unprocessed.
    pub unprocessed: u64,
    /// Write units the engine reported for what was let through.
    pub write_units: f64,
    /// Read units the same way.
    pub read_units: f64,
}

impl LayerStats {
    /// The entry for the second `at` falls in, made (with the seconds before it) if new.
    fn second(&mut self, at: Duration) -> &mut SecondStats {
        let second = at.as_secs();
        while self.per_second.len() as u64 <= second {
            let next = self.per_second.len() as u64;
            self.per_second.push(SecondStats {
                second: next,
                ..Default::default()
            });
        }
        &mut self.per_second[second as usize]
    }
}

/// A running layer; dropping it stops it.
pub struct LimitsLayer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: CancellationToken,
}

struct Shared {
    /// `host:port` of the engine.
    upstream: String,
    client: Client<HttpConnector, Full<Bytes>>,
    limiter: Mutex<Limiter>,
    started: Instant,
    stats: Mutex<LayerStats>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

type Answer = Response<Full<Bytes>>;

impl LimitsLayer {
    /// Listens on `bind` and forwards to `upstream_url` (`http://host:port`).
    pub async fn start(
        upstream_url: &str,
        config: LimitsConfig,
        bind: SocketAddr,
    ) -> io::Result<Self> {
        let upstream = upstream_url
            .strip_prefix("http://")
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_owned())
            .filter(|a| !a.is_empty())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "--limits simulates in front of a local engine over plain http; {upstream_url} is not an http:// URL"
                    ),
                )
            })?;
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let shared = Arc::new(Shared {
            upstream,
            client: Client::builder(TokioExecutor::new()).build(connector),
            limiter: Mutex::new(Limiter::new(config)),
            started: Instant::now(),
            stats: Mutex::new(LayerStats::default()),
        });
        let stop = CancellationToken::new();
        tokio::spawn(accept_loop(listener, shared.clone(), stop.clone()));
        Ok(LimitsLayer { addr, shared, stop })
    }

    /// [`LimitsLayer::start`] on a free port of 127.0.0.1: what `--limits` and the labs put in
    /// front of a local engine.
    pub async fn start_on_loopback(upstream_url: &str, config: LimitsConfig) -> io::Result<Self> {
        let loopback = SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);
        Self::start(upstream_url, config, loopback).await
    }

    /// `http://ADDR:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What it has done so far.
    pub fn stats(&self) -> LayerStats {
        lock(&self.shared.stats).clone()
    }

    /// The configuration it simulates.
    pub fn config(&self) -> LimitsConfig {
        lock(&self.shared.limiter).config().clone()
    }
}

impl Drop for LimitsLayer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stop: CancellationToken) {
    loop {
        let accepted = tokio::select! {
            _ = stop.cancelled() => return,
            a = listener.accept() => a,
        };
        let Ok((stream, _)) = accepted else { continue };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(&shared, req).await) }
            });
            let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = conn => {}
            }
        });
    }
}

/// Headers that describe one hop, not the call: never copied across the proxy.
fn hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "host" | "content-length" | "transfer-encoding" | "connection" | "keep-alive" | "expect"
    )
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Answer {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return error_answer(400, "SerializationException", &format!("{e}")),
    };
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/".to_owned(), |p| p.as_str().to_owned());
    let Some(op) = Op::from_target(&target) else {
        let answer = forward(shared, &parts.headers, &path, body.clone()).await;
        let applied = answer
            .as_ref()
            .is_some_and(|(a, _)| a.status() == StatusCode::OK);
        forget_changed_table(shared, &target, &body, applied);
        return answer.map_or_else(unavailable, |(answer, _)| answer);
    };
    limited(shared, op, &parts.headers, &path, body).await
}

/// After CreateTable, UpdateTable or DeleteTable, the table's description is read again on
/// its next use (new GSIs, new provisioned throughput).
fn forget_changed_table(shared: &Shared, target: &str, body: &Bytes, applied: bool) {
    let changes = ["CreateTable", "UpdateTable", "DeleteTable"];
    if !applied || !changes.iter().any(|c| target.ends_with(c)) {
        return;
    }
    if let Some(table) = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("TableName")?.as_str().map(str::to_owned))
    {
        lock(&shared.limiter).forget_table(&table);
    }
}

async fn limited(shared: &Shared, op: Op, headers: &HeaderMap, path: &str, raw: Bytes) -> Answer {
    let Ok(mut body) = serde_json::from_slice::<Value>(&raw) else {
        return pass(shared, headers, path, raw).await;
    };
    for table in tables_of(op, &body) {
        let known = lock(&shared.limiter).table(&table).is_some();
        if !known && let Some(meta) = describe(shared, headers, path, &table).await {
            lock(&shared.limiter).set_table(&table, meta);
        }
    }
    let kind = op.kind();
    let (items, refused) = match decide(shared, op, &mut body) {
        Decision::Pass => return pass(shared, headers, path, raw).await,
        Decision::Refuse(throttle) => return throttled(shared, throttle),
        Decision::Send { items, refused } => (items, refused),
    };
    let asked = Asked::of(&body);
    let rewritten = asked != Asked::Indexes || !refused.is_empty();
    let sent = if rewritten {
        body["ReturnConsumedCapacity"] = json!("INDEXES");
        Bytes::from(body.to_string())
    } else {
        raw
    };
    let Some((answer, answer_body)) = forward(shared, headers, path, sent).await else {
        lock(&shared.limiter).refund(shared.started.elapsed(), kind, &items);
        return unavailable();
    };
    let ok = answer.status() == StatusCode::OK;
    {
        let mut limiter = lock(&shared.limiter);
        let now = shared.started.elapsed();
        if ok {
            // At least what DynamoDB's rules charge, whatever the engine reported.
            // Writes are floored from the request; only a read's answer is needed (parsed).
            let answer = (kind == Kind::Read)
                .then(|| serde_json::from_slice::<Value>(&answer_body).ok())
                .flatten();
            let floor = rule::floor(op, &body, answer.as_ref(), &items);
            let used = rule::charged(consumed(&answer_body, kind), floor, &items);
            let units: f64 = used.iter().flat_map(|m| m.values()).sum();
            {
                let mut stats = lock(&shared.stats);
                let second = stats.second(now);
                match kind {
                    Kind::Write => second.write_units += units,
                    Kind::Read => second.read_units += units,
                }
            }
            limiter.settle(now, kind, &items, used.as_ref());
        } else {
            // The engine refused it (a failed condition, a validation error): it reports no
            // consumption, so nothing is charged.
            limiter.refund(now, kind, &items);
        }
    }
    if !ok || !rewritten {
        return answer;
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(&answer_body) else {
        return answer;
    };
    reshape(&mut value, asked);
    merge_unprocessed(op, &mut value, refused);
    let (mut parts, _) = answer.into_parts();
    let bytes = Bytes::from(value.to_string());
    if parts.headers.contains_key("x-amz-crc32") {
        parts
            .headers
            .insert("x-amz-crc32", HeaderValue::from(crc32fast::hash(&bytes)));
    }
    Response::from_parts(parts, Full::new(bytes))
}

/// What to do with a limited call.
enum Decision {
    /// Not plannable (unknown table, odd body): forward it as it is, unlimited.
    Pass,
    /// Refuse it whole.
    Refuse(Option<Throttle>),
    /// Forward it (cut down to `items`); `refused` go back unprocessed.
    Send {
        items: Vec<ItemUse>,
        refused: serde_json::Map<String, Value>,
    },
}

/// Plans the call and asks the model; cuts a batch down to what it admits. No await here:
/// the model's lock is held only for this.
fn decide(shared: &Shared, op: Op, body: &mut Value) -> Decision {
    let kind = op.kind();
    let mut limiter = lock(&shared.limiter);
    let Some(plan) = plan(op, body, |t| limiter.table(t)) else {
        return Decision::Pass;
    };
    let now = shared.started.elapsed();
    {
        let mut stats = lock(&shared.stats);
        stats.limited_calls += 1;
        stats.second(now).calls += 1;
    }
    if !op.splits() {
        return match limiter.admit(now, kind, &plan.items) {
            Ok(()) => Decision::Send {
                items: plan.items,
                refused: serde_json::Map::new(),
            },
            Err(t) => {
                note_refusal(shared, &t);
                Decision::Refuse(Some(t))
            }
        };
    }
    let split = limiter.split(now, kind, &plan.items);
    drop(limiter);
    if let Some(t) = &split.throttle {
        note_refusal(shared, t);
    }
    let sent = split.admitted.iter().filter(|a| **a).count();
    if sent == 0 {
        return Decision::Refuse(split.throttle);
    }
    let refused = if sent < plan.items.len() {
        let back = (plan.items.len() - sent) as u64;
        let mut stats = lock(&shared.stats);
        stats.unprocessed += back;
        let second = stats.second(now);
        second.cut_calls += 1;
        second.unprocessed += back;
        drop(stats);
        split_batch(op, body, &plan.slots, &split.admitted)
    } else {
        serde_json::Map::new()
    };
    let items = plan
        .items
        .into_iter()
        .zip(split.admitted)
        .filter_map(|(item, ok)| ok.then_some(item))
        .collect();
    Decision::Send { items, refused }
}

fn note_refusal(shared: &Shared, t: &Throttle) {
    let mut stats = lock(&shared.stats);
    let mut seen = HashSet::new();
    for r in &t.reasons {
        if seen.insert(&r.reason) {
            *stats.refusals.entry(r.reason.clone()).or_default() += 1;
        }
    }
}

/// Forwards unchanged.
async fn pass(shared: &Shared, headers: &HeaderMap, path: &str, body: Bytes) -> Answer {
    forward(shared, headers, path, body)
        .await
        .map_or_else(unavailable, |(answer, _)| answer)
}

/// Sends one call to the engine; the answer (its body also returned for reading), or `None`
/// when the engine could not be reached or dropped the connection.
async fn forward(
    shared: &Shared,
    headers: &HeaderMap,
    path: &str,
    body: Bytes,
) -> Option<(Answer, Bytes)> {
    forward_to(&shared.client, &shared.upstream, headers, path, body).await
}

/// A POST of `body` to `upstream` (`host:port`) with the client's headers (hop-by-hop ones
/// left out); the answer whole, and its body. `None` when the upstream did not answer.
pub(crate) async fn forward_to(
    client: &Client<HttpConnector, Full<Bytes>>,
    upstream: &str,
    headers: &HeaderMap,
    path: &str,
    body: Bytes,
) -> Option<(Answer, Bytes)> {
    let mut req = Request::post(format!("http://{upstream}{path}"));
    for (name, value) in headers {
        if !hop_by_hop(name) {
            req = req.header(name, value);
        }
    }
    let req = req.body(Full::new(body)).ok()?;
    let resp = match client.request(req).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, upstream, "proxy: the engine did not answer");
            return None;
        }
    };
    let (mut parts, incoming) = resp.into_parts();
    let bytes = incoming.collect().await.ok()?.to_bytes();
    let drop_names: Vec<HeaderName> = parts
        .headers
        .keys()
        .filter(|n| hop_by_hop(n))
        .cloned()
        .collect();
    for n in drop_names {
        parts.headers.remove(n);
    }
    Some((Response::from_parts(parts, Full::new(bytes.clone())), bytes))
}

/// Reads a table's description from the engine, with the client's own headers (DynamoDB
/// Local keeps a database per access key and region unless it runs with `-sharedDb`).
async fn describe(
    shared: &Shared,
    headers: &HeaderMap,
    path: &str,
    table: &str,
) -> Option<super::model::TableMeta> {
    let mut h = headers.clone();
    h.insert(
        "x-amz-target",
        HeaderValue::from_static("DynamoDB_20120810.DescribeTable"),
    );
    let body = Bytes::from(json!({ "TableName": table }).to_string());
    let (answer, bytes) = forward(shared, &h, path, body).await?;
    if answer.status() != StatusCode::OK {
        return None;
    }
    table_meta(&serde_json::from_slice(&bytes).ok()?)
}

fn throttled(shared: &Shared, throttle: Option<Throttle>) -> Answer {
    {
        let mut stats = lock(&shared.stats);
        stats.throttled_calls += 1;
        stats.second(shared.started.elapsed()).throttled_calls += 1;
    }
    let Some(t) = throttle else {
        return error_answer(400, "ThrottlingException", "throttled");
    };
    tracing::debug!(error = t.error, message = %t.message, "limits layer: throttled");
    json_answer(400, &t.body())
}

fn unavailable() -> Answer {
    error_answer(
        503,
        "ServiceUnavailable",
        "the engine behind the limits layer did not answer",
    )
}

fn error_answer(status: u16, code: &str, message: &str) -> Answer {
    json_answer(
        status,
        &json!({"__type": format!("{ERROR_NAMESPACE}{code}"), "message": message}),
    )
}

fn json_answer(status: u16, body: &Value) -> Answer {
    let bytes = Bytes::from(body.to_string());
    let mut resp = Response::new(Full::new(bytes.clone()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let headers = resp.headers_mut();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-amz-json-1.0"),
    );
    if let Ok(id) = HeaderValue::from_str(&uuid::Uuid::new_v4().simple().to_string()) {
        headers.insert("x-amzn-requestid", id);
    }
    headers.insert("x-amz-crc32", HeaderValue::from(crc32fast::hash(&bytes)));
    resp
}
