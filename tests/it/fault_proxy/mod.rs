//! A fault-injecting HTTP/1.1 proxy for tests: it sits between the SDK client and a real
//! engine (Dynoxide or DynamoDB Local) and, for a configured fraction of DynamoDB calls,
//! throttles, hands part of a BatchWriteItem back as `UnprocessedItems`, answers 5xx before
//! or after forwarding, delays, or drops the connection. Its counters say exactly what it did,
//! so a test can hold the client's report against them and the engine's contents.
//!
//! Plain tokio rather than an HTTP library: the faults need byte-level control (a reset
//! after the engine answered, a response cut off in the middle of its body, a rewritten
//! request body) that a server framework takes care to hide. Only what the SDK and the two
//! engines speak is supported: one request at a time per connection, bodies framed by
//! Content-Length or chunked (or, for responses, by closing the connection).
//!
//! The engines do not check SigV4 signatures, so a rewritten body (partial BatchWriteItem)
//! goes through with the client's original signature and a corrected Content-Length.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// The namespace DynamoDB puts before error names in `__type`.
const ERROR_NAMESPACE: &str = "com.amazonaws.dynamodb.v20120810#";
/// The API whose body the partial fault rewrites.
pub const BATCH_WRITE: &str = "BatchWriteItem";
/// Largest request or response head accepted (DynamoDB's are well under 2 KB).
const MAX_HEAD: usize = 64 * 1024;

mod config;
mod http;
mod stats;

pub use config::{Fault, FaultConfig};
use http::*;
pub use stats::Stats;

/// The proxy. Dropping it kills it.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

struct Shared {
    upstream: String,
    config: Mutex<FaultConfig>,
    rng: Mutex<fastrand::Rng>,
    stats: Mutex<Stats>,
    /// Write requests returned unprocessed and not yet seen again, by their JSON text.
    unprocessed_out: Mutex<HashMap<String, u64>>,
    calls_seen: AtomicU64,
    kill: CancellationToken,
    started: Instant,
    batch_in_flight: std::sync::atomic::AtomicUsize,
    /// Token bucket for `write_rate`: tokens, last refill.
    bucket: Mutex<(f64, Instant)>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl FaultProxy {
    /// Listens on 127.0.0.1 (any free port) and forwards to `upstream_url`
    /// (`http://host:port`).
    pub async fn start(upstream_url: &str, config: FaultConfig) -> io::Result<Self> {
        config.validate();
        let upstream = upstream_url
            .strip_prefix("http://")
            .map(|rest| rest.trim_end_matches('/').to_owned())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("upstream {upstream_url:?} is not an http:// URL"),
                )
            })?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream,
            rng: Mutex::new(fastrand::Rng::with_seed(config.seed)),
            config: Mutex::new(config),
            stats: Mutex::new(Stats::default()),
            unprocessed_out: Mutex::new(HashMap::new()),
            calls_seen: AtomicU64::new(0),
            kill: CancellationToken::new(),
            started: Instant::now(),
            batch_in_flight: std::sync::atomic::AtomicUsize::new(0),
            bucket: Mutex::new((0.0, Instant::now())),
        });
        tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(FaultProxy { addr, shared })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        lock(&self.shared.stats).clone()
    }

    /// Replaces the configuration (and reseeds the RNG); counters are kept.
    pub fn set_config(&self, config: FaultConfig) {
        config.validate();
        *lock(&self.shared.rng) = fastrand::Rng::with_seed(config.seed);
        *lock(&self.shared.config) = config;
    }

    /// Stops accepting and drops every connection, in the middle of whatever it was doing.
    pub fn kill(&self) {
        self.shared.kill_now();
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.kill.cancel();
    }
}

impl Shared {
    fn kill_now(&self) {
        let mut stats = lock(&self.stats);
        if stats.killed_at.is_none() {
            stats.killed_at = Some(Instant::now());
        }
        drop(stats);
        self.kill.cancel();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let accepted = tokio::select! {
            _ = shared.kill.cancelled() => return,
            a = listener.accept() => a,
        };
        let Ok((mut client, _)) = accepted else {
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let _ = client.set_nodelay(true);
            let killed = tokio::select! {
                _ = shared.kill.cancelled() => true,
                _ = serve_connection(&shared, &mut client) => false,
            };
            if killed {
                // A killed endpoint vanishes: RST, not a polite FIN.
                let _ = client.set_zero_linger();
            }
        });
    }
}

/// What to do with the client connection after a call.
enum Reply {
    /// Send this answer.
    Answer(Message),
    /// Drop the connection with a reset.
    Reset,
    /// Send half of this answer's body, then reset.
    Truncate(Message),
}

async fn serve_connection(shared: &Shared, client: &mut TcpStream) {
    let mut buf = Vec::new();
    loop {
        let req = match read_message(client, &mut buf, Side::Request).await {
            Ok(Some(req)) => req,
            Ok(None) | Err(_) => return,
        };
        let close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        match handle(shared, req).await {
            Reply::Answer(resp) => {
                if client.write_all(&resp.to_bytes()).await.is_err() || close {
                    return;
                }
            }
            Reply::Reset => {
                let _ = client.set_zero_linger();
                return;
            }
            Reply::Truncate(resp) => {
                let bytes = resp.to_bytes();
                let cut = bytes.len() - resp.body.len() / 2;
                let _ = client.write_all(&bytes[..cut]).await;
                let _ = client.flush().await;
                // Let the client read the head and half the body before the reset arrives
                // (a reset can discard data the peer has not read yet).
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _ = client.set_zero_linger();
                return;
            }
        }
    }
}

/// The fault and delay drawn for one call.
struct Draw {
    fault: Option<Fault>,
    delay: Option<Duration>,
    kill: bool,
}

fn draw(shared: &Shared, op: &str) -> Draw {
    let seen = shared.calls_seen.fetch_add(1, Ordering::SeqCst) + 1;
    let config = lock(&shared.config);
    let kill = config.kill_after_calls.is_some_and(|n| seen > n);
    if kill || !config.applies_to(op) {
        return Draw {
            fault: None,
            delay: None,
            kill,
        };
    }
    let mut rng = lock(&shared.rng);
    let u = rng.f64();
    let mut acc = 0.0;
    let mut fault = None;
    for &(kind, p) in &config.faults {
        acc += p;
        if u < acc {
            fault = Some(kind);
            break;
        }
    }
    if fault == Some(Fault::Partial) && op != BATCH_WRITE {
        fault = None;
    }
    let delay =
        (config.delay_probability > 0.0 && rng.f64() < config.delay_probability).then(|| {
            let (lo, hi) = config.delay;
            lo + (hi - lo).mul_f64(rng.f64())
        });
    Draw {
        fault,
        delay,
        kill: false,
    }
}

/// Counts a BatchWriteItem in flight for as long as it lives.
struct InFlight<'a>(&'a Shared);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.batch_in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Takes `items` tokens if the bucket has them; false means "over the rate".
fn take_tokens(shared: &Shared, rate: f64, items: f64) -> bool {
    let mut bucket = lock(&shared.bucket);
    let now = Instant::now();
    let capacity = (rate * 0.05).max(25.0);
    bucket.0 = (bucket.0 + rate * now.duration_since(bucket.1).as_secs_f64()).min(capacity);
    bucket.1 = now;
    if bucket.0 >= items {
        bucket.0 -= items;
        true
    } else {
        false
    }
}

async fn handle(shared: &Shared, req: Message) -> Reply {
    let op = req
        .header("x-amz-target")
        .and_then(|t| t.rsplit('.').next())
        .unwrap_or("unknown")
        .to_owned();
    let _in_flight = (op == BATCH_WRITE).then(|| {
        let n = shared.batch_in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        lock(&shared.stats)
            .batch_in_flight
            .push((shared.started.elapsed(), n));
        InFlight(shared)
    });
    let rate = lock(&shared.config).write_rate;
    if let (Some(rate), true) = (rate, op == BATCH_WRITE) {
        let items = serde_json::from_slice::<Value>(&req.body)
            .map(|b| write_requests(&b).count())
            .unwrap_or(0);
        if !take_tokens(shared, rate, items as f64) {
            shared.calls_seen.fetch_add(1, Ordering::SeqCst);
            let mut stats = lock(&shared.stats);
            *stats.calls.entry(op.clone()).or_default() += 1;
            stats.rate_throttled += 1;
            return Reply::Answer(error_response(
                400,
                "ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded. (rate limit)",
            ));
        }
    }
    let Draw { fault, delay, kill } = draw(shared, &op);
    if kill {
        shared.kill_now();
        return Reply::Reset;
    }
    {
        let mut stats = lock(&shared.stats);
        *stats.calls.entry(op.clone()).or_default() += 1;
        if let Some(kind) = fault {
            *stats.faults.entry((op.clone(), kind)).or_default() += 1;
        }
        if delay.is_some() {
            *stats.delays.entry(op.clone()).or_default() += 1;
        }
    }
    let batch = (op == BATCH_WRITE)
        .then(|| serde_json::from_slice::<Value>(&req.body).ok())
        .flatten();
    if let Some(body) = &batch {
        note_batch_received(shared, body);
    }

    let reply = match fault {
        Some(Fault::ProvisionedThroughput) => Reply::Answer(error_response(
            400,
            "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded. \
             Consider increasing your provisioning level with the UpdateTable API. (injected)",
        )),
        Some(Fault::Throttling) => Reply::Answer(error_response(
            400,
            "ThrottlingException",
            "Rate of requests exceeds the allowed throughput. (injected)",
        )),
        Some(Fault::InternalErrorBefore) => Reply::Answer(error_response(
            500,
            "InternalServerError",
            "Internal server error (injected, not forwarded)",
        )),
        Some(Fault::UnavailableBefore) => Reply::Answer(error_response(
            503,
            "ServiceUnavailable",
            "Service unavailable (injected, not forwarded)",
        )),
        Some(Fault::ResetBefore) => Reply::Reset,
        Some(Fault::UnknownOperation) => Reply::Answer(error_response(
            400,
            "UnknownOperationException",
            "An unknown operation was requested. (injected: this engine lacks the API)",
        )),
        Some(rewrite @ (Fault::CapacityPerCall | Fault::NoCapacity)) => {
            match forward_counted(shared, &req, batch.as_ref()).await {
                Reply::Answer(resp) => Reply::Answer(rewrite_capacity(resp, rewrite)),
                other => other,
            }
        }
        Some(Fault::Partial) => match batch {
            Some(body) => partial_batch(shared, &req, body).await,
            None => forward_counted(shared, &req, batch.as_ref()).await,
        },
        Some(after) => match forward_counted(shared, &req, batch.as_ref()).await {
            Reply::Answer(resp) => match after {
                Fault::InternalErrorAfter => Reply::Answer(error_response(
                    500,
                    "InternalServerError",
                    "Internal server error (injected after the engine applied the call)",
                )),
                Fault::UnavailableAfter => Reply::Answer(error_response(
                    503,
                    "ServiceUnavailable",
                    "Service unavailable (injected after the engine applied the call)",
                )),
                Fault::TruncateAfter => Reply::Truncate(resp),
                _ => Reply::Reset,
            },
            other => other,
        },
        None => forward_counted(shared, &req, batch.as_ref()).await,
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    reply
}

/// The write requests of a BatchWriteItem body, per table.
fn write_requests(body: &Value) -> impl Iterator<Item = &Value> {
    body.get("RequestItems")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|tables| tables.values())
        .filter_map(Value::as_array)
        .flatten()
}

fn note_batch_received(shared: &Shared, body: &Value) {
    let mut received = 0u64;
    let mut resent = 0u64;
    let mut out = lock(&shared.unprocessed_out);
    for wr in write_requests(body) {
        received += 1;
        // serde_json's map is ordered by key, so equal requests print identically.
        if let Some(n) = out.get_mut(&wr.to_string())
            && *n > 0
        {
            *n -= 1;
            resent += 1;
        }
    }
    drop(out);
    let mut stats = lock(&shared.stats);
    stats.items_received += received;
    stats.items_resent_after_unprocessed += resent;
}

fn note_unprocessed_returned(shared: &Shared, items: &[Value]) {
    let mut out = lock(&shared.unprocessed_out);
    for wr in items {
        *out.entry(wr.to_string()).or_default() += 1;
    }
}

/// Forwards the request as it is; answers what the engine answered, or resets if the engine
/// could not be reached.
async fn forward_counted(shared: &Shared, req: &Message, batch: Option<&Value>) -> Reply {
    if let Some(body) = batch {
        let n = write_requests(body).count() as u64;
        lock(&shared.stats).items_forwarded += n;
    }
    match forward(&shared.upstream, req).await {
        Ok(resp) => {
            if batch.is_some() {
                note_engine_unprocessed(shared, &resp);
            }
            Reply::Answer(resp)
        }
        Err(_) => Reply::Reset,
    }
}

fn note_engine_unprocessed(shared: &Shared, resp: &Message) {
    if resp.status() != 200 {
        return;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&resp.body) else {
        return;
    };
    let items: Vec<Value> = body
        .get("UnprocessedItems")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|t| t.values())
        .filter_map(Value::as_array)
        .flatten()
        .cloned()
        .collect();
    if !items.is_empty() {
        lock(&shared.stats).engine_unprocessed += items.len() as u64;
        note_unprocessed_returned(shared, &items);
    }
}

/// Forwards a random part of a BatchWriteItem (fewer than all, possibly none) and returns
/// the rest as UnprocessedItems, merged into the engine's real answer.
async fn partial_batch(shared: &Shared, req: &Message, mut body: Value) -> Reply {
    let Some(tables) = body.get_mut("RequestItems").and_then(Value::as_object_mut) else {
        return forward_counted(shared, req, None).await;
    };
    let mut held: serde_json::Map<String, Value> = serde_json::Map::new();
    let mut held_items = Vec::new();
    let mut forwarded = 0u64;
    {
        let mut rng = lock(&shared.rng);
        for (table, list) in tables.iter_mut() {
            let Some(items) = list.as_array_mut() else {
                continue;
            };
            let n = items.len();
            if n == 0 {
                continue;
            }
            // Keep k of n, k < n: at least one item comes back unprocessed.
            let k = rng.usize(0..n);
            let mut order: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut order);
            let mut keep = vec![false; n];
            for &i in &order[..k] {
                keep[i] = true;
            }
            let all = std::mem::take(items);
            let mut back = Vec::new();
            for (i, item) in all.into_iter().enumerate() {
                if keep[i] {
                    items.push(item);
                } else {
                    held_items.push(item.clone());
                    back.push(item);
                }
            }
            forwarded += k as u64;
            held.insert(table.clone(), Value::Array(back));
        }
        // An empty list is invalid in a request: drop tables with nothing left to send.
        tables.retain(|_, list| list.as_array().is_some_and(|a| !a.is_empty()));
    }
    let nothing_left = tables.is_empty();
    lock(&shared.stats).items_forwarded += forwarded;

    let mut resp = if nothing_left {
        // DynamoDB can process none of a batch and still answer 200.
        let wants_capacity = body
            .get("ReturnConsumedCapacity")
            .and_then(Value::as_str)
            .is_some_and(|s| s != "NONE");
        let capacity: Vec<Value> = if wants_capacity {
            held.keys()
                .map(|t| json!({"TableName": t, "CapacityUnits": 0.0}))
                .collect()
        } else {
            Vec::new()
        };
        let mut answer = json!({"UnprocessedItems": {}});
        if wants_capacity {
            answer["ConsumedCapacity"] = Value::Array(capacity);
        }
        json_response(200, &answer)
    } else {
        let mut rewritten = req.clone();
        rewritten.body = body.to_string().into_bytes();
        match forward(&shared.upstream, &rewritten).await {
            Ok(resp) => {
                note_engine_unprocessed(shared, &resp);
                resp
            }
            Err(_) => return Reply::Reset,
        }
    };
    if resp.status() != 200 {
        // The engine refused the part it got: the client sees that error for the whole call.
        return Reply::Answer(resp);
    }
    let Ok(mut answer) = serde_json::from_slice::<Value>(&resp.body) else {
        return Reply::Answer(resp);
    };
    if !answer.get("UnprocessedItems").is_some_and(Value::is_object) {
        answer["UnprocessedItems"] = json!({});
    }
    if let Some(unprocessed) = answer
        .get_mut("UnprocessedItems")
        .and_then(Value::as_object_mut)
    {
        for (table, items) in held {
            let Value::Array(items) = items else { continue };
            let slot = unprocessed
                .entry(table)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = slot.as_array_mut() {
                list.extend(items);
            }
        }
    }
    lock(&shared.stats).items_unprocessed += held_items.len() as u64;
    note_unprocessed_returned(shared, &held_items);
    resp.body = answer.to_string().into_bytes();
    Reply::Answer(resp)
}

/// The answer with its ConsumedCapacity as an engine that breaks DynamoDB's rules reports it:
/// one unit per call for each table, no split by table and index (`CapacityPerCall`), or none
/// at all (`NoCapacity`).
fn rewrite_capacity(mut resp: Message, how: Fault) -> Message {
    let Ok(mut body) = serde_json::from_slice::<Value>(&resp.body) else {
        return resp;
    };
    let Some(object) = body.as_object_mut() else {
        return resp;
    };
    let Some(cc) = object.remove("ConsumedCapacity") else {
        return resp;
    };
    if how == Fault::CapacityPerCall {
        let per_call = |entry: &Value| {
            json!({"TableName": entry.get("TableName").cloned().unwrap_or(Value::Null),
                   "CapacityUnits": 1.0})
        };
        let rewritten = match &cc {
            Value::Array(list) => Value::Array(list.iter().map(per_call).collect()),
            one => per_call(one),
        };
        object.insert("ConsumedCapacity".into(), rewritten);
    }
    resp.body = body.to_string().into_bytes();
    resp
}
