//! `serve`: the embedded engine as a DynamoDB endpoint for other tools (the aws CLI,
//! terraform, SDKs) until Ctrl-C, on loopback unless `--bind` says otherwise, with TTL sweeps
//! and, under `--limits`, the simulated limits in front.

use std::net::{IpAddr, SocketAddr};

use clap::Args;
use color_eyre::eyre::{Result, WrapErr, bail};

use super::{ConnectionArgs, output, report, ttl};
use crate::backend::{self, Backend};
use crate::limits::LimitsLayer;

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  dynamo-explorer serve --port 8000
  aws dynamodb list-tables --endpoint-url http://127.0.0.1:8000
  # a throwaway engine behind simulated provisioned limits (100 RCU, 50 WCU)
  dynamo-explorer --memory serve --limits provisioned:100,50";

/// `serve` flags.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on. The default, 127.0.0.1, is reachable from this machine only;
    /// anything else lets other machines read and write the database, without credentials.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: IpAddr,
}

pub(super) async fn run(conn: &ConnectionArgs, args: &ServeArgs, json: bool) -> Result<()> {
    let limits = conn.limits()?;
    let db = match conn.backend()? {
        Backend::Embedded(db) => db,
        _ => {
            bail!("serve runs the embedded engine: use --db PATH or --memory, not --endpoint/--aws")
        }
    };
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the database readable and writable by anyone who can reach \
             this machine, with no credentials checked",
            args.bind
        );
    }
    let addr = SocketAddr::new(args.bind, args.port);
    let (mut server, layer) = backend::serve_with_limits(&db, addr, &limits)
        .await
        .wrap_err_with(|| format!("cannot serve on port {} (in use? try --port)", args.port))?;
    let url = layer
        .as_ref()
        .map_or_else(|| server.url(), LimitsLayer::url);
    eprintln!(
        "serving the embedded engine ({}) at {url}\n  {}\n  e.g. aws dynamodb list-tables --endpoint-url {url}\n  dynamo-explorer --endpoint {url}\n  {}\nCtrl-C to stop",
        backend::describe_db(&db),
        limits.label(false),
        ttl::SWEEP_NOTE,
    );
    let sweeps = ttl::sweep_while_serving(&server);
    let result = tokio::select! {
        r = server.wait() => r,
        _ = tokio::signal::ctrl_c() => {
            server.stop().await;
            eprintln!("stopped");
            Ok(())
        }
    };
    sweeps.abort();
    if let Some(layer) = &layer {
        let stats = layer.stats();
        if json {
            output::print_json(&report::ServeJson {
                limits: limits.label(false).to_string(),
                stats: &stats,
            })?;
        } else {
            eprintln!(
                "limits layer (simulated): {} calls checked, {} refused whole, {} items handed back unprocessed",
                stats.limited_calls, stats.throttled_calls, stats.unprocessed
            );
        }
    }
    result
}
