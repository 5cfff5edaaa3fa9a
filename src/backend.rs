//! The three backends, one code path: every one ends in the same `aws_sdk_dynamodb::Client`.
//!
//! - embedded: Dynoxide serves DynamoDB's HTTP API in-process on 127.0.0.1 (SQLite file or
//!   memory), and the client talks to it over loopback like to any endpoint.
//! - endpoint: DynamoDB Local, LocalStack, Alternator; dummy credentials unless some are set.
//! - aws: the standard credential chain (env, profiles, SSO). Never chosen implicitly.
//!
//! A database file has one engine: the first process to open it serves it, later ones join
//! that engine ([`owner`]).

mod embedded;
mod owner;
mod relay;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_smithy_http_client::tls;
use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use tokio::sync::oneshot;

use self::embedded::claim_file;
pub use self::embedded::{Embedded, EmbeddedServer, hold_exclusively};
use self::owner::Claim;
pub use self::owner::OwnerLock;
pub use self::owner::{Holder, lock_path};
use crate::code::CallRecorder;
use crate::limits::{LimitsConfig, LimitsLabel, LimitsLayer};
use crate::store::{Store, StoreError, TableCheck, TableInfo};
use crate::table::TableDesc;

/// Region for local engines when none is configured (they accept any).
pub const LOCAL_REGION: &str = "us-east-1";

/// Where the embedded engine keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// Gone when the process exits.
    Memory,
    /// A SQLite file.
    File(PathBuf),
}

/// The backend the user chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// Dynoxide in-process.
    Embedded(DbLocation),
    /// Any DynamoDB-compatible endpoint.
    Endpoint {
        /// Its URL.
        url: String,
        /// Region, if given (else env or us-east-1).
        region: Option<String>,
        /// Profile for credentials, if given (else env credentials or dummy ones).
        profile: Option<String>,
    },
    /// Amazon DynamoDB through the standard chain.
    Aws {
        /// `--profile`.
        profile: Option<String>,
        /// `--region`.
        region: Option<String>,
    },
}

/// `local.db` in the platform data directory (`~/.local/share/dynamo-explorer` on Linux,
/// `~/Library/Application Support/dynamo-explorer` on macOS).
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "dynamo-explorer").ok_or_else(|| {
        eyre!("no home directory to keep the embedded database in; pass --db PATH or --memory")
    })?;
    Ok(dirs.data_dir().join("local.db"))
}

/// How the header describes a backend, and whether it is the real, billed thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendInfo {
    /// e.g. `embedded /home/me/.local/share/dynamo-explorer/local.db`, `endpoint http://...`,
    /// `AWS eu-west-1 (profile dev)`.
    pub label: String,
    /// Real AWS: shown in a warning colour.
    pub is_aws: bool,
    /// The endpoint URL the client sends to (for error messages).
    pub endpoint: String,
    /// What the header says about throughput limits (`limits: on-demand (simulated)`).
    pub limits: LimitsLabel,
    /// Said once when the database is opened: the disk had no room for the reserve that
    /// lets deletes run on a full disk (see `store::disk`).
    pub warning: Option<String>,
}

/// Serves the database on a free loopback port, or joins the process already serving its
/// file (see [`owner`]).
pub async fn open_or_join(db: &DbLocation) -> Result<Embedded> {
    let owner = match db {
        DbLocation::Memory => None,
        DbLocation::File(path) => match claim_file(path).await? {
            Claim::Owner(lock) => Some(lock),
            Claim::Held(holder) => {
                let (tx, rx) = oneshot::channel::<()>();
                let (addr, task) = relay::start(path.clone(), &holder.url, rx)
                    .await
                    .wrap_err("cannot start the relay to the shared engine")?;
                let relay = EmbeddedServer::relaying(addr, tx, task);
                return Ok(Embedded::Joined { holder, relay });
            }
        },
    };
    let loopback = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
    Ok(Embedded::Own(
        EmbeddedServer::serve(db, loopback, owner).await?,
    ))
}

/// When a missing table is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// On local engines (the default): a missing request table is made there, never on AWS.
    Local,
    /// On AWS too (`--create-table`).
    AlsoOnAws,
    /// Never (`--read-only`: nothing is written, a table neither).
    Never,
}

/// An open backend: the store, what to call it, and the embedded server if there is one.
pub struct Connection {
    /// The table's access patterns.
    pub store: Store,
    /// For the header.
    pub info: BackendInfo,
    /// DescribeTable's answer at connect time.
    pub table: TableInfo,
    /// Kept alive for as long as the connection.
    pub server: Option<EmbeddedServer>,
}

/// Client settings shared by every backend. The SDK's own retries are off: the store retries
/// and counts every attempt. Timeouts are short so a dead endpoint fails in seconds. Every
/// request goes past [`CallRecorder`], which copies it inside `code::recording`.
fn tune(builder: aws_sdk_dynamodb::config::Builder) -> aws_sdk_dynamodb::Config {
    builder
        .interceptor(CallRecorder)
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(10))
                .build(),
        )
        .build()
}

/// The HTTP(S) client of an SDK client: hyper with rustls on ring. (The SDK's default one
/// would build aws-lc, a large C library, beside the ring that rustls needs anyway.) One per
/// SDK client, as the SDK's default is: its pooled connections belong to the tokio runtime
/// that opened them, and tests and labs run clients on runtimes of their own.
pub fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

/// A client for a local engine at `url`.
pub fn local_client(url: &str) -> Client {
    let conf = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(http_client())
        .region(Region::new(LOCAL_REGION))
        .credentials_provider(Credentials::new(
            "dummy",
            "dummy",
            None,
            None,
            "dynamo-explorer-local",
        ))
        .endpoint_url(url);
    Client::from_conf(tune(conf))
}

/// Is `url` plain http to something other than this machine? (Credentials would cross the
/// network signed but the data would not be encrypted.)
pub fn is_plain_http_remote(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host_port = rest.split('/').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.rsplit_once(':').map_or(host_port, |(h, _)| h)
    };
    if host.eq_ignore_ascii_case("localhost") {
        return false;
    }
    !host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Opens `backend` and checks (or creates) `table`, with no limits simulated.
pub async fn connect(backend: &Backend, table: &str, create: Create) -> Result<Connection> {
    connect_with_limits(backend, table, create, &LimitsConfig::default()).await
}

/// Refuses `limits` where they cannot apply, before anything is sent: on AWS (it has its
/// own), and in front of an https endpoint (the layer speaks plain http to local engines).
pub fn check_limits(backend: &Backend, limits: &LimitsConfig) -> Result<()> {
    if !limits.is_on() {
        return Ok(());
    }
    match backend {
        Backend::Aws { .. } => bail!(
            "--limits {} simulates throttling in front of local engines; AWS throttles by its own \
             limits: drop --limits (or use --memory, --db or --endpoint)",
            limits_flag(limits)
        ),
        Backend::Endpoint { url, .. } if !url.starts_with("http://") => bail!(
            "--limits simulates throttling in front of a local engine over plain http; {url} is not \
             http://: drop --limits for this endpoint"
        ),
        _ => Ok(()),
    }
}

fn limits_flag(limits: &LimitsConfig) -> String {
    limits.to_string().replace(" (simulated)", "")
}

/// Checks that every index `--gsi-limits` names is a GSI of `table`, before anything is
/// written (the table is only described; a missing table has no indexes).
async fn check_gsi_names(client: &Client, table: &str, limits: &LimitsConfig) -> Result<()> {
    if limits.gsi.is_empty() {
        return Ok(());
    }
    let known: Vec<String> = match client.describe_table().table_name(table).send().await {
        Ok(out) => out
            .table()
            .map(|t| {
                t.global_secondary_indexes()
                    .iter()
                    .filter_map(|g| g.index_name().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Vec::new()
        }
        // Unreachable or refused: the table check that follows says so better.
        Err(_) => return Ok(()),
    };
    for name in limits.gsi.keys() {
        if !known.contains(name) {
            let has = if known.is_empty() {
                "it has none".to_owned()
            } else {
                format!("it has {}", known.join(", "))
            };
            bail!(
                "--gsi-limits {name}: table {table:?} has no global secondary index {name:?} ({has})"
            );
        }
    }
    Ok(())
}

/// Starts the limits layer in front of `url` on a free loopback port, if `limits` asks for
/// one; the URL the client should use, and the layer to keep alive.
async fn layer_for(url: &str, limits: &LimitsConfig) -> Result<(String, Option<LimitsLayer>)> {
    if !limits.is_on() {
        return Ok((url.to_owned(), None));
    }
    let layer = LimitsLayer::start_on_loopback(url, limits.clone())
        .await
        .wrap_err("cannot start the --limits layer")?;
    Ok((layer.url(), Some(layer)))
}

/// `serve`: the embedded engine at `addr`, or with `limits` on, the engine on a free loopback
/// port and the limits layer at `addr`, so that every client goes through the layer.
pub async fn serve_with_limits(
    db: &DbLocation,
    addr: SocketAddr,
    limits: &LimitsConfig,
) -> Result<(EmbeddedServer, Option<LimitsLayer>)> {
    if !limits.is_on() {
        return Ok((EmbeddedServer::start(db, addr).await?, None));
    }
    let server =
        EmbeddedServer::start(db, SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)).await?;
    let layer = LimitsLayer::start(&server.url(), limits.clone(), addr).await?;
    Ok((server, Some(layer)))
}

/// The client for `backend`, what to call it, the embedded server if there is one, and the
/// limits layer in front of a local engine if `limits` asks for one; no table is touched
/// (labs make scratch tables of their own).
pub async fn open_with_limits(
    backend: &Backend,
    limits: &LimitsConfig,
) -> Result<(
    Client,
    BackendInfo,
    Option<EmbeddedServer>,
    Option<LimitsLayer>,
)> {
    check_limits(backend, limits)?;
    let mut layer = None;
    let (client, info, server) = match backend {
        Backend::Embedded(db) => {
            let mut label = match db {
                DbLocation::Memory => "embedded (in memory)".to_owned(),
                DbLocation::File(p) => format!("embedded {}", p.display()),
            };
            let (url, server) = match open_or_join(db).await? {
                Embedded::Own(server) => (server.url(), Some(server)),
                Embedded::Joined { holder, relay } => {
                    label.push_str(&format!(", shared with pid {}", holder.pid));
                    (relay.url(), Some(relay))
                }
            };
            let (client_url, l) = layer_for(&url, limits).await?;
            layer = l;
            let info = BackendInfo {
                label,
                is_aws: false,
                endpoint: url,
                limits: limits.label(false),
                warning: None,
            };
            (local_client(&client_url), info, server)
        }
        Backend::Endpoint {
            url,
            region,
            profile,
        } => {
            url::parse_endpoint(url)?;
            let (client_url, l) = layer_for(url, limits).await?;
            layer = l;
            let client = endpoint_client(&client_url, region.as_deref(), profile.as_deref()).await;
            let info = BackendInfo {
                label: format!("endpoint {url}"),
                is_aws: false,
                endpoint: url.clone(),
                limits: limits.label(false),
                warning: None,
            };
            (client, info, None)
        }
        Backend::Aws { profile, region } => {
            let (client, info) = aws_client(profile.as_deref(), region.as_deref()).await?;
            (client, info, None)
        }
    };
    Ok((client, info, server, layer))
}

/// The client for `backend`, with no limits simulated: see [`open_with_limits`].
pub async fn open(backend: &Backend) -> Result<(Client, BackendInfo, Option<EmbeddedServer>)> {
    let (client, info, server, _) = open_with_limits(backend, &LimitsConfig::default()).await?;
    Ok((client, info, server))
}

/// Opens `backend` with `limits` simulated in front of a local engine (no layer at all with
/// `off`), and checks (or creates) `table`. `--limits` on AWS is refused.
pub async fn connect_with_limits(
    backend: &Backend,
    table: &str,
    create: Create,
    limits: &LimitsConfig,
) -> Result<Connection> {
    let (store, info, server, check) = prepare(backend, table, create, limits).await?;
    let table = store.ensure_table(&check).await?;
    Ok(Connection {
        store,
        info,
        table,
        server,
    })
}

/// [`connect_with_limits`], with `read` run beside the table check instead of after it: a
/// read cannot change a table, so it need not wait a round trip for DescribeTable. Its result
/// counts only once the check has passed (an error here is the check's, as from
/// [`connect_with_limits`]); if the check had to create the table, `read` runs again on it.
pub async fn connect_and_read<T, F, Fut>(
    backend: &Backend,
    table: &str,
    create: Create,
    limits: &LimitsConfig,
    read: F,
) -> Result<(Connection, Result<T, StoreError>)>
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let (store, info, server, check) = prepare(backend, table, create, limits).await?;
    let (table, first) = tokio::join!(store.ensure_table(&check), read(store.clone()));
    let table = table?;
    let out = if table.created {
        read(store.clone()).await
    } else {
        first
    };
    let conn = Connection {
        store,
        info,
        table,
        server,
    };
    Ok((conn, out))
}

/// An open backend on a table of any key schema.
pub struct AnyConnection {
    /// Calls to the endpoint, on this table.
    pub store: Store,
    /// For the header.
    pub info: BackendInfo,
    /// DescribeTable's answer at connect time.
    pub table: TableDesc,
    /// Whether the table was created by this connection.
    pub created: bool,
    /// Kept alive for as long as the connection.
    pub server: Option<EmbeddedServer>,
}

/// Opens `backend` on `table`, whatever its key schema. A missing table is created (with the
/// request table's keys) where [`connect_with_limits`] would create it.
pub async fn connect_any(
    backend: &Backend,
    table: &str,
    create: Create,
    limits: &LimitsConfig,
) -> Result<AnyConnection> {
    let (store, info, server, check) = prepare(backend, table, create, limits).await?;
    let (desc, created) = match store.describe_any().await {
        Err(StoreError::TableMissing { .. }) => {
            let made = store.ensure_table(&check).await?;
            (store.describe_any().await?, made.created)
        }
        other => (other?, false),
    };
    Ok(AnyConnection {
        store,
        info,
        table: desc,
        created,
        server,
    })
}

/// The store for `table` on `backend`, nothing checked or created (`import` makes a missing
/// table with the keys it is given); the backend's label and its embedded server.
pub async fn open_table(
    backend: &Backend,
    table: &str,
    limits: &LimitsConfig,
) -> Result<(Store, BackendInfo, Option<EmbeddedServer>)> {
    let (store, info, server, _) = prepare(backend, table, Create::Never, limits).await?;
    Ok((store, info, server))
}

/// Everything [`connect_with_limits`] does before the table check, and the check to make.
async fn prepare(
    backend: &Backend,
    table: &str,
    create: Create,
    limits: &LimitsConfig,
) -> Result<(Store, BackendInfo, Option<EmbeddedServer>, TableCheck)> {
    crate::request::schema::validate_table_name(table).map_err(|e| eyre!(e))?;
    let (client, mut info, server, layer) = open_with_limits(backend, limits).await?;
    let check = match create {
        Create::Never => TableCheck::FailIfMissing(
            ": --read-only creates no table; `tables` lists the tables there are".to_owned(),
        ),
        Create::Local if info.is_aws => TableCheck::FailIfMissing(format!(
            ". dynamo-explorer never creates tables on AWS by itself: apply terraform/ \
             (terraform -chdir=terraform apply -var table_name={table}) or pass --create-table"
        )),
        _ => TableCheck::CreateIfMissing,
    };
    check_gsi_names(&client, table, limits).await?;
    let mut store = Store::new(client, table, &info.endpoint)?;
    if let Backend::Embedded(DbLocation::File(path)) = backend {
        let file = crate::store::DbFile::new(path);
        // Off the runtime: 8 MB written once per database, usually already there.
        let made = {
            let file = file.clone();
            tokio::task::spawn_blocking(move || file.ensure_reserve())
                .await
                .unwrap_or(false)
        };
        tracing::info!(reserve = made, "disk reserve for deletes");
        if !made {
            info.warning = Some(file.no_reserve_warning());
        }
        store = store.on_file(file);
    }
    if let Some(layer) = layer {
        store = store.keeping(Arc::new(layer)).patient_under_throttling();
    }
    Ok((store, info, server, check))
}

async fn endpoint_client(url: &str, region: Option<&str>, profile: Option<&str>) -> Client {
    // The flag, AWS_REGION, the profile's region, else us-east-1. Not the default chain: its
    // last resort asks EC2's instance metadata service, which a local engine never needs
    // (and which would want an HTTP client of its own).
    let mut profile_region = aws_config::profile::ProfileFileRegionProvider::builder();
    if let Some(p) = profile {
        profile_region = profile_region.profile_name(p);
    }
    let region_chain = RegionProviderChain::first_try(region.map(|r| Region::new(r.to_owned())))
        .or_else(aws_config::environment::EnvironmentVariableRegionProvider::new())
        .or_else(profile_region.build())
        .or_else(Region::new(LOCAL_REGION));
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .region(region_chain)
        .endpoint_url(url);
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    } else if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        // Local engines want some credentials, any will do; never fall through to IMDS.
        loader = loader.credentials_provider(Credentials::new(
            "dummy",
            "dummy",
            None,
            None,
            "dynamo-explorer-local",
        ));
    }
    let sdk = loader.load().await;
    Client::from_conf(tune(aws_sdk_dynamodb::config::Builder::from(&sdk)))
}

async fn aws_client(profile: Option<&str>, region: Option<&str>) -> Result<(Client, BackendInfo)> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http_client());
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = region {
        loader = loader.region(Region::new(r.to_owned()));
    }
    let sdk = loader.load().await;
    let Some(region) = sdk.region().map(|r| r.to_string()) else {
        bail!(
            "no AWS region: pass --region NAME, set AWS_REGION (or AWS_DEFAULT_REGION), or set `region` in the profile"
        );
    };
    let Some(provider) = sdk.credentials_provider() else {
        bail!("no AWS credentials provider configured");
    };
    use aws_credential_types::provider::ProvideCredentials;
    match tokio::time::timeout(Duration::from_secs(15), provider.provide_credentials()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => bail!(
            "no usable AWS credentials ({e}). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pick a profile \
             with --profile NAME or AWS_PROFILE, or run `aws sso login --profile NAME` for SSO"
        ),
        Err(_) => bail!(
            "timed out loading AWS credentials (15 s); check --profile / AWS_PROFILE and your SSO session"
        ),
    }
    let endpoint = format!("https://dynamodb.{region}.amazonaws.com");
    let label = match profile
        .map(str::to_owned)
        .or_else(|| std::env::var("AWS_PROFILE").ok())
    {
        Some(p) => format!("AWS {region} (profile {p})"),
        None => format!("AWS {region}"),
    };
    let client = Client::from_conf(tune(aws_sdk_dynamodb::config::Builder::from(&sdk)));
    Ok((
        client,
        BackendInfo {
            label,
            is_aws: true,
            endpoint,
            limits: LimitsConfig::default().label(true),
            warning: None,
        },
    ))
}

mod url {
    use color_eyre::eyre::{Result, bail};

    /// Refuses what is obviously not an http(s) URL, before the SDK gives a vaguer error.
    pub fn parse_endpoint(url: &str) -> Result<()> {
        let ok = (url.starts_with("http://") || url.starts_with("https://"))
            && url.len() > "https://".len();
        if !ok {
            bail!(
                "--endpoint {url:?} is not an http:// or https:// URL (e.g. http://127.0.0.1:8000)"
            );
        }
        Ok(())
    }
}

/// Where an embedded database lives, for messages.
pub fn describe_db(db: &DbLocation) -> String {
    match db {
        DbLocation::Memory => "in memory".into(),
        DbLocation::File(p) => Path::new(p).display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_remote_is_detected() {
        assert!(!is_plain_http_remote("http://127.0.0.1:8000"));
        assert!(!is_plain_http_remote("http://localhost:8000/"));
        assert!(!is_plain_http_remote("http://[::1]:8000"));
        assert!(!is_plain_http_remote("https://dynamo.example.com"));
        assert!(is_plain_http_remote("http://10.0.0.5:8000"));
        assert!(is_plain_http_remote("http://dynamo.example.com"));
    }
}
