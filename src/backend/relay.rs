//! A process that joined another's engine ([`super::owner`]) talks to it through this relay
//! on its own loopback port, so that it survives the holder: when the holder's engine stops
//! answering (it exited, or was killed), the relay claims the file again and either serves it
//! itself (it got the lock) or finds the process that now does, then sends the call again.
//! A call the old engine may have applied is sent again too, which the store's own retries
//! would do anyway (writes of whole items and deletes by key are idempotent).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, oneshot};

use super::DbLocation;
use super::embedded::{EmbeddedServer, claim_file};
use super::owner::Claim;
use crate::limits::forward_to;

/// Where calls go now, and the engine this process took over, if it did.
struct Upstream {
    /// `host:port`.
    addr: String,
    /// Our own engine, once the holder has gone and we got the lock.
    own: Option<EmbeddedServer>,
}

struct Relay {
    db: PathBuf,
    client: Client<HttpConnector, Full<Bytes>>,
    upstream: Mutex<Upstream>,
}

fn host_port(url: &str) -> String {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

/// Starts the relay for `db`, first forwarding to `holder_url`; its address and the task
/// that runs it until `stop` fires.
pub(super) async fn start(
    db: PathBuf,
    holder_url: &str,
    stop: oneshot::Receiver<()>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<Result<(), String>>)> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let addr = listener.local_addr()?;
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let relay = Arc::new(Relay {
        db,
        client: Client::builder(TokioExecutor::new()).build(connector),
        upstream: Mutex::new(Upstream {
            addr: host_port(holder_url),
            own: None,
        }),
    });
    let task = tokio::spawn(async move {
        let mut stop = stop;
        loop {
            let accepted = tokio::select! {
                _ = &mut stop => return Ok(()),
                a = listener.accept() => a,
            };
            let Ok((stream, _)) = accepted else { continue };
            let _ = stream.set_nodelay(true);
            let relay = relay.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let relay = relay.clone();
                    async move { Ok::<_, Infallible>(relay.handle(req).await) }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok((addr, task))
}

impl Relay {
    async fn handle(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = req.into_parts();
        let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
            return unavailable("the call's body could not be read");
        };
        let path = parts
            .uri
            .path_and_query()
            .map_or("/".to_owned(), |p| p.as_str().to_owned());
        let tried = self.upstream.lock().await.addr.clone();
        if let Some((answer, _)) =
            forward_to(&self.client, &tried, &parts.headers, &path, body.clone()).await
        {
            return answer;
        }
        let now = match self.rejoin(&tried).await {
            Ok(addr) => addr,
            Err(e) => return unavailable(&e),
        };
        match forward_to(&self.client, &now, &parts.headers, &path, body).await {
            Some((answer, _)) => answer,
            None => unavailable(&format!("the engine at {now} does not answer")),
        }
    }

    /// The engine at `failed` is gone: claim the file again (once, however many calls
    /// noticed), and say where calls go now.
    async fn rejoin(&self, failed: &str) -> Result<String, String> {
        let mut up = self.upstream.lock().await;
        if up.addr != failed {
            return Ok(up.addr.clone()); // another call already moved on
        }
        match claim_file(&self.db).await.map_err(|e| format!("{e:#}"))? {
            Claim::Owner(lock) => {
                let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
                let server =
                    EmbeddedServer::serve(&DbLocation::File(self.db.clone()), loopback, Some(lock))
                        .await
                        .map_err(|e| format!("{e:#}"))?;
                tracing::warn!(db = %self.db.display(), "the engine's holder exited: this process serves the file now");
                up.addr = server.addr().to_string();
                up.own = Some(server);
            }
            Claim::Held(holder) => {
                tracing::warn!(
                    pid = holder.pid,
                    "the engine's holder exited: joined the new one"
                );
                up.addr = host_port(&holder.url);
            }
        }
        Ok(up.addr.clone())
    }
}

/// A 503 the store retries: the engine is changing hands or gone.
fn unavailable(why: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({
        "__type": "com.amazonaws.dynamodb.v20120810#ServiceUnavailable",
        "message": format!("the shared embedded engine is unavailable: {why}"),
    });
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = hyper::StatusCode::SERVICE_UNAVAILABLE;
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/x-amz-json-1.0"),
    );
    resp
}
