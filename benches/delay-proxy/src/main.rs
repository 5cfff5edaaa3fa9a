//! delay-proxy: a loopback TCP proxy that holds every chunk it reads for a fixed time before
//! writing it on, in each direction, so that the benchmarks can put a wide-area network (tens of
//! milliseconds each way) between a client and a local engine.
//!
//! Usage: `delay-proxy --upstream 127.0.0.1:PORT --delay-ms D [--max-seconds 3600]`
//!
//! It binds 127.0.0.1:0 only and prints its URL (`http://127.0.0.1:NNNN`) as the first line on
//! stdout. It exits after `--max-seconds` or as soon as its stdin closes, so a benchmark that
//! dies cannot leave it behind.
//!
//! What it models: each direction is a queue of (read time, chunk); a chunk is written D ms
//! after it was read, never earlier and in order, so a request/response pair costs one round
//! trip (2D) on top of the engine's time. A new connection also pays the round trip of TCP's
//! handshake: its first bytes reach the upstream 2D later than they would on an open connection
//! (client connect on loopback returns at once, so the proxy adds it). End of stream is delayed
//! like data and passed on as a half-close, so each direction closes on its own.
//!
//! What it does not model: TLS (the engines speak plain http; a TLS handshake would cost one or
//! two more round trips per new connection), bandwidth limits, loss or jitter.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How much one read takes at most; a chunk is the unit that is delayed.
const CHUNK: usize = 64 * 1024;
/// Chunks queued per direction before the reader waits (bounds memory if a peer stalls).
const QUEUE: usize = 1024;

struct Args {
    upstream: String,
    delay: Duration,
    max_seconds: u64,
}

fn usage(msg: &str) -> ! {
    eprintln!("delay-proxy: {msg}");
    eprintln!("usage: delay-proxy --upstream 127.0.0.1:PORT --delay-ms D [--max-seconds 3600]");
    std::process::exit(2);
}

fn parse_args() -> Args {
    let mut upstream = None;
    let mut delay_ms = None;
    let mut max_seconds = 3600;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--upstream" => upstream = Some(value),
            "--delay-ms" => {
                delay_ms = Some(value.parse::<u64>().unwrap_or_else(|_| {
                    usage(&format!("--delay-ms must be a whole number, not {value:?}"))
                }))
            }
            "--max-seconds" => {
                max_seconds = value.parse::<u64>().unwrap_or_else(|_| {
                    usage(&format!(
                        "--max-seconds must be a whole number, not {value:?}"
                    ))
                })
            }
            _ => usage(&format!("unknown argument {flag:?}")),
        }
    }
    Args {
        upstream: upstream.unwrap_or_else(|| usage("--upstream is required")),
        delay: Duration::from_millis(delay_ms.unwrap_or_else(|| usage("--delay-ms is required"))),
        max_seconds,
    }
}

/// One item of a direction's queue: bytes read at `at`, or the end of the stream (None).
struct Chunk {
    at: Instant,
    bytes: Option<Vec<u8>>,
}

/// Reads one side and queues what it reads with the time it was read. A read error ends the
/// stream like an EOF: the other side then sees a half-close after the delay.
async fn read_side(mut from: OwnedReadHalf, queue: mpsc::Sender<Chunk>) {
    loop {
        let mut buf = vec![0u8; CHUNK];
        let n = from.read(&mut buf).await.unwrap_or(0);
        let at = Instant::now();
        let bytes = (n > 0).then(|| {
            buf.truncate(n);
            buf
        });
        let end = bytes.is_none();
        // The writer is gone (its peer closed): nothing more to carry this way.
        if queue.send(Chunk { at, bytes }).await.is_err() || end {
            return;
        }
    }
}

/// Writes each queued chunk to the other side once it has waited its delay. `not_before` holds
/// back everything until then (the new connection's handshake).
async fn write_side(
    mut to: OwnedWriteHalf,
    mut queue: mpsc::Receiver<Chunk>,
    delay: Duration,
    not_before: Instant,
) {
    while let Some(chunk) = queue.recv().await {
        tokio::time::sleep_until(chunk.at.max(not_before) + delay).await;
        match chunk.bytes {
            Some(bytes) => {
                if to.write_all(&bytes).await.is_err() {
                    return; // dropping the receiver stops the reader of this direction
                }
            }
            None => {
                // Half-close: the peer sees EOF in this direction; the other one stays open.
                let _ = to.shutdown().await;
                return;
            }
        }
    }
}

/// Carries one client connection to a fresh upstream connection, both ways, with the delay.
async fn carry(client: TcpStream, upstream: String, delay: Duration) {
    let accepted = Instant::now();
    let server = match TcpStream::connect(&upstream).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("delay-proxy: cannot connect to {upstream}: {e}");
            return;
        }
    };
    // Small writes (a request's headers, then its body) must not wait for Nagle's algorithm:
    // that would add its own delay on top of ours.
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let (up_tx, up_rx) = mpsc::channel(QUEUE);
    let (down_tx, down_rx) = mpsc::channel(QUEUE);
    // The handshake's round trip: the client's first bytes leave no earlier than 2D after accept.
    let handshake_done = accepted + 2 * delay;
    tokio::join!(
        read_side(client_read, up_tx),
        write_side(server_write, up_rx, delay, handshake_done),
        read_side(server_read, down_tx),
        write_side(client_write, down_rx, delay, accepted),
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = parse_args();
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => usage(&format!("cannot bind 127.0.0.1:0: {e}")),
    };
    let port = match listener.local_addr() {
        Ok(a) => a.port(),
        Err(e) => usage(&format!("no local address: {e}")),
    };
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "http://127.0.0.1:{port}");
        let _ = out.flush();
    }
    // Bounded in time, and gone when whoever started it is gone (its stdin closes).
    tokio::spawn(async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 256];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
        std::process::exit(0);
    });
    let deadline = tokio::time::sleep(Duration::from_secs(args.max_seconds));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => std::process::exit(0),
            accepted = listener.accept() => match accepted {
                Ok((client, _)) => {
                    tokio::spawn(carry(client, args.upstream.clone(), args.delay));
                }
                Err(e) => eprintln!("delay-proxy: accept failed: {e}"),
            },
        }
    }
}
