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

/// One kind of injected fault. At most one per call; a delay can come on top of any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// HTTP 400 `ProvisionedThroughputExceededException`, not forwarded.
    ProvisionedThroughput,
    /// HTTP 400 `ThrottlingException`, not forwarded.
    Throttling,
    /// BatchWriteItem only: a random part forwarded (possibly none), the rest returned as
    /// `UnprocessedItems` merged into the engine's real answer. Other APIs pass through.
    Partial,
    /// HTTP 500 `InternalServerError`, not forwarded.
    InternalErrorBefore,
    /// HTTP 503 `ServiceUnavailable`, not forwarded.
    UnavailableBefore,
    /// Forwarded (the engine applied it), but the client gets HTTP 500.
    InternalErrorAfter,
    /// Forwarded (the engine applied it), but the client gets HTTP 503.
    UnavailableAfter,
    /// The connection reset (SO_LINGER 0) after reading the request, nothing forwarded.
    ResetBefore,
    /// Forwarded (the engine applied it), then the connection reset without an answer.
    ResetAfter,
    /// Forwarded, then the answer cut off halfway through its body and the connection reset.
    TruncateAfter,
}

impl Fault {
    /// Every kind, in the order the matrix prints them.
    pub const ALL: [Fault; 10] = [
        Fault::ProvisionedThroughput,
        Fault::Throttling,
        Fault::Partial,
        Fault::InternalErrorBefore,
        Fault::UnavailableBefore,
        Fault::InternalErrorAfter,
        Fault::UnavailableAfter,
        Fault::ResetBefore,
        Fault::ResetAfter,
        Fault::TruncateAfter,
    ];

    /// A throttling error (the client counts these as `throttled`).
    pub fn is_throttle(self) -> bool {
        matches!(self, Fault::ProvisionedThroughput | Fault::Throttling)
    }

    /// An HTTP 5xx answer.
    pub fn is_server_error(self) -> bool {
        matches!(
            self,
            Fault::InternalErrorBefore
                | Fault::UnavailableBefore
                | Fault::InternalErrorAfter
                | Fault::UnavailableAfter
        )
    }

    /// The connection dropped instead of (or in the middle of) an answer.
    pub fn is_connection_loss(self) -> bool {
        matches!(
            self,
            Fault::ResetBefore | Fault::ResetAfter | Fault::TruncateAfter
        )
    }

    /// The engine got the call even though the client was told otherwise.
    pub fn applied_anyway(self) -> bool {
        matches!(
            self,
            Fault::InternalErrorAfter
                | Fault::UnavailableAfter
                | Fault::ResetAfter
                | Fault::TruncateAfter
        )
    }

    /// A failed attempt the client should retry (everything but `Partial`, which succeeds).
    pub fn is_retryable_failure(self) -> bool {
        self != Fault::Partial
    }

    fn label(self) -> &'static str {
        match self {
            Fault::ProvisionedThroughput => "400 ProvisionedThroughputExceeded",
            Fault::Throttling => "400 ThrottlingException",
            Fault::Partial => "partial (UnprocessedItems)",
            Fault::InternalErrorBefore => "500 before forwarding",
            Fault::UnavailableBefore => "503 before forwarding",
            Fault::InternalErrorAfter => "500 after forwarding",
            Fault::UnavailableAfter => "503 after forwarding",
            Fault::ResetBefore => "reset before forwarding",
            Fault::ResetAfter => "reset after forwarding",
            Fault::TruncateAfter => "answer cut off + reset",
        }
    }
}

/// What to inject, and where.
#[derive(Debug, Clone)]
pub struct FaultConfig {
    /// Seed of the proxy's RNG. Draws are reproducible for one connection at a time; with
    /// concurrent calls the order they reach the proxy varies, so only the rates are.
    pub seed: u64,
    /// Probability per call of each fault; the sum must be at most 1.
    pub faults: Vec<(Fault, f64)>,
    /// Probability per call of delaying the answer (on top of any fault).
    pub delay_probability: f64,
    /// The delay, uniform in this range.
    pub delay: (Duration, Duration),
    /// APIs (`BatchWriteItem`, `Query`...) faults and delays apply to; empty: all.
    pub ops: Vec<String>,
    /// Kill the proxy (stop listening, drop every connection) when this many calls have
    /// been seen; the call that finds the limit reached is dropped too.
    pub kill_after_calls: Option<u64>,
    /// Items per second BatchWriteItem may write, like one DynamoDB partition's ~1,000
    /// WCU/s: a call that would go over is answered ProvisionedThroughputExceeded.
    pub write_rate: Option<f64>,
}

impl FaultConfig {
    /// No faults: a transparent proxy.
    pub fn seeded(seed: u64) -> Self {
        FaultConfig {
            seed,
            faults: Vec::new(),
            delay_probability: 0.0,
            delay: (Duration::ZERO, Duration::ZERO),
            ops: Vec::new(),
            kill_after_calls: None,
            write_rate: None,
        }
    }

    /// Throttles BatchWriteItem above `items_per_second` (a token bucket holding 50 ms' worth).
    pub fn write_rate(mut self, items_per_second: f64) -> Self {
        self.write_rate = Some(items_per_second);
        self
    }

    /// Adds `fault` with probability `p` per call.
    pub fn with(mut self, fault: Fault, p: f64) -> Self {
        self.faults.push((fault, p));
        self
    }

    /// Delays a fraction `p` of answers by `min..=max`.
    pub fn delay(mut self, p: f64, min: Duration, max: Duration) -> Self {
        self.delay_probability = p;
        self.delay = (min, max);
        self
    }

    /// Restricts faults and delays to these APIs.
    pub fn on(mut self, ops: &[&str]) -> Self {
        self.ops = ops.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Kills the proxy once `calls` calls have been seen.
    pub fn kill_after(mut self, calls: u64) -> Self {
        self.kill_after_calls = Some(calls);
        self
    }

    fn applies_to(&self, op: &str) -> bool {
        self.ops.is_empty() || self.ops.iter().any(|o| o == op)
    }

    fn validate(&self) {
        let sum: f64 = self.faults.iter().map(|(_, p)| p).sum();
        assert!(
            sum <= 1.0 + 1e-9,
            "fault probabilities add up to {sum}, over 1"
        );
        assert!(self.delay.0 <= self.delay.1, "delay range is reversed");
    }
}

/// What the proxy saw and did.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Calls received per API (every attempt that reached the proxy in full).
    pub calls: BTreeMap<String, u64>,
    /// Faults injected per API and kind.
    pub faults: BTreeMap<(String, Fault), u64>,
    /// Answers delayed per API.
    pub delays: BTreeMap<String, u64>,
    /// BatchWriteItem: write requests received.
    pub items_received: u64,
    /// BatchWriteItem: write requests forwarded to the engine.
    pub items_forwarded: u64,
    /// BatchWriteItem: write requests held back by `Partial` and returned as UnprocessedItems.
    pub items_unprocessed: u64,
    /// BatchWriteItem: UnprocessedItems the engine itself returned (normally none).
    pub engine_unprocessed: u64,
    /// BatchWriteItem: write requests received again after coming back unprocessed (once
    /// per return), i.e. the resends the client actually made.
    pub items_resent_after_unprocessed: u64,
    /// Set when the proxy was killed.
    pub killed_at: Option<Instant>,
    /// For each BatchWriteItem call: when it arrived (since the proxy started) and how many
    /// BatchWriteItem calls were in flight at the proxy then, itself included.
    pub batch_in_flight: Vec<(Duration, usize)>,
    /// BatchWriteItem calls throttled by `write_rate`.
    pub rate_throttled: u64,
}

impl Stats {
    /// Calls to `op`.
    pub fn calls(&self, op: &str) -> u64 {
        self.calls.get(op).copied().unwrap_or(0)
    }

    /// Faults of `kind` on `op`.
    pub fn fault(&self, op: &str, kind: Fault) -> u64 {
        self.faults
            .get(&(op.to_owned(), kind))
            .copied()
            .unwrap_or(0)
    }

    /// Faults on `op` of the kinds `pick` selects.
    pub fn faults_where(&self, op: &str, pick: impl Fn(Fault) -> bool) -> u64 {
        Fault::ALL
            .into_iter()
            .filter(|&k| pick(k))
            .map(|k| self.fault(op, k))
            .sum()
    }

    /// Throttling errors on `op`.
    pub fn throttles(&self, op: &str) -> u64 {
        self.faults_where(op, Fault::is_throttle)
    }

    /// 5xx answers on `op`.
    pub fn server_errors(&self, op: &str) -> u64 {
        self.faults_where(op, Fault::is_server_error)
    }

    /// Dropped connections on `op`.
    pub fn connection_losses(&self, op: &str) -> u64 {
        self.faults_where(op, Fault::is_connection_loss)
    }

    /// Failed attempts on `op` a client retries: throttles, 5xx, dropped connections.
    pub fn retryable_failures(&self, op: &str) -> u64 {
        self.faults_where(op, Fault::is_retryable_failure)
    }

    /// Answers delayed on `op`.
    pub fn delays(&self, op: &str) -> u64 {
        self.delays.get(op).copied().unwrap_or(0)
    }

    /// A table of calls and faults per API, for `--nocapture` output.
    pub fn matrix(&self) -> String {
        let mut out = String::new();
        let ops: Vec<&String> = self.calls.keys().collect();
        let _ = write!(out, "{:<36}", "calls / faults");
        for op in &ops {
            let _ = write!(out, "{op:>18}");
        }
        out.push('\n');
        let mut row = |label: &str, value: &dyn Fn(&str) -> u64| {
            let _ = write!(out, "{label:<36}");
            for op in &ops {
                let _ = write!(out, "{:>18}", value(op));
            }
            out.push('\n');
        };
        row("calls seen", &|op| self.calls(op));
        for kind in Fault::ALL {
            if ops.iter().any(|op| self.fault(op, kind) > 0) {
                row(kind.label(), &|op| self.fault(op, kind));
            }
        }
        row("delayed", &|op| self.delays(op));
        let _ = writeln!(
            out,
            "BatchWriteItem items: {} received, {} forwarded, {} returned unprocessed by the proxy \
             ({} by the engine), {} resent after unprocessed",
            self.items_received,
            self.items_forwarded,
            self.items_unprocessed,
            self.engine_unprocessed,
            self.items_resent_after_unprocessed
        );
        out
    }
}

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

/// One request to the engine on a fresh connection.
async fn forward(upstream: &str, req: &Message) -> io::Result<Message> {
    let mut conn = TcpStream::connect(upstream).await?;
    conn.set_nodelay(true)?;
    let mut out = req.clone();
    out.remove_header("expect");
    out.set_header("Connection", "close");
    conn.write_all(&out.to_bytes()).await?;
    let mut buf = Vec::new();
    loop {
        let resp = read_message(&mut conn, &mut buf, Side::Response)
            .await?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no answer"))?;
        // Skip interim answers (100 Continue).
        if !(100..200).contains(&resp.status()) {
            // The engine closes after this answer; the client's connection stays open.
            let mut resp = resp;
            resp.remove_header("connection");
            return Ok(resp);
        }
    }
}

fn error_response(status: u16, code: &str, message: &str) -> Message {
    json_response(
        status,
        &json!({"__type": format!("{ERROR_NAMESPACE}{code}"), "message": message}),
    )
}

fn json_response(status: u16, body: &Value) -> Message {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    };
    Message {
        start_line: format!("HTTP/1.1 {status} {reason}"),
        headers: vec![
            ("Content-Type".into(), "application/x-amz-json-1.0".into()),
            (
                "x-amzn-RequestId".into(),
                uuid::Uuid::new_v4().simple().to_string(),
            ),
        ],
        body: body.to_string().into_bytes(),
    }
}

/// An HTTP/1.1 request or response, body already de-chunked.
#[derive(Debug, Clone)]
struct Message {
    start_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }

    fn set_header(&mut self, name: &str, value: &str) {
        self.remove_header(name);
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    /// The status code of a response (0 if unparseable).
    fn status(&self) -> u16 {
        self.start_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// The wire form, framed by Content-Length (the body may have been rewritten or
    /// de-chunked), with DynamoDB's body checksum recomputed if it had one.
    fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!("{}\r\n", self.start_line);
        for (k, v) in &self.headers {
            if k.eq_ignore_ascii_case("content-length")
                || k.eq_ignore_ascii_case("transfer-encoding")
            {
                continue;
            }
            if k.eq_ignore_ascii_case("x-amz-crc32") {
                let _ = write!(head, "{k}: {}\r\n", crc32(&self.body));
                continue;
            }
            let _ = write!(head, "{k}: {v}\r\n");
        }
        let _ = write!(head, "Content-Length: {}\r\n\r\n", self.body.len());
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// CRC-32 (IEEE), as DynamoDB's `x-amz-crc32` header carries it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Reads more bytes into `buf`; false at end of stream.
async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n > 0)
}

/// Takes bytes up to and including the first `pat`; `None` at a clean end of stream.
async fn take_until(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    pat: &[u8],
) -> io::Result<Option<Vec<u8>>> {
    loop {
        if let Some(pos) = buf.windows(pat.len()).position(|w| w == pat) {
            return Ok(Some(buf.drain(..pos + pat.len()).collect()));
        }
        if buf.len() > MAX_HEAD {
            return Err(bad("header line too long"));
        }
        if !fill(stream, buf).await? {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "closed mid-message",
                ))
            };
        }
    }
}

async fn take_exact(stream: &mut TcpStream, buf: &mut Vec<u8>, n: usize) -> io::Result<Vec<u8>> {
    while buf.len() < n {
        if !fill(stream, buf).await? {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed mid-body",
            ));
        }
    }
    Ok(buf.drain(..n).collect())
}

/// Reads one message; `None` if the peer closed before starting one.
async fn read_message(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    side: Side,
) -> io::Result<Option<Message>> {
    let Some(head) = take_until(stream, buf, b"\r\n\r\n").await? else {
        return Ok(None);
    };
    let head = String::from_utf8(head).map_err(|_| bad("head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let start_line = lines.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| bad(format!("bad header line {line:?}")))?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let mut msg = Message {
        start_line,
        headers,
        body: Vec::new(),
    };
    if side == Side::Request
        && msg
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let chunked = msg
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = msg
        .header("content-length")
        .map(|v| v.parse::<usize>().map_err(|_| bad("bad Content-Length")))
        .transpose()?;
    let bodiless = side == Side::Response && matches!(msg.status(), 100..=199 | 204 | 304);
    if bodiless {
        return Ok(Some(msg));
    }
    if chunked {
        loop {
            let line = take_until(stream, buf, b"\r\n")
                .await?
                .ok_or_else(|| bad("closed mid-chunk"))?;
            let line = String::from_utf8_lossy(&line);
            let size_text = line.trim().split(';').next().unwrap_or_default();
            let size = usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size"))?;
            if size == 0 {
                // Trailers, then the empty line.
                while let Some(t) = take_until(stream, buf, b"\r\n").await? {
                    if t == b"\r\n" {
                        break;
                    }
                }
                break;
            }
            let data = take_exact(stream, buf, size + 2).await?;
            msg.body.extend_from_slice(&data[..size]);
        }
    } else if let Some(n) = length {
        msg.body = take_exact(stream, buf, n).await?;
    } else if side == Side::Response {
        while fill(stream, buf).await? {}
        msg.body = std::mem::take(buf);
    }
    Ok(Some(msg))
}
