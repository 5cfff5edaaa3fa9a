//! The embedded engine: Dynoxide serving a database on loopback, or a relay to the process
//! that already serves its file ([`super::owner`]), and the database file itself (its
//! directory, its lock, SQLite's settings).

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::DbLocation;
use super::owner::{self, Claim, Holder, OwnerLock};
use crate::ttl::Sweeper;

/// Dynoxide serving on loopback; stops when dropped.
pub struct EmbeddedServer {
    addr: SocketAddr,
    /// TTL sweeps of the database served (Dynoxide never sweeps by itself); none for a relay
    /// to another process's engine (that process sweeps).
    sweeper: Option<Sweeper>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), String>>>,
    /// A database file's claim, released when the server goes.
    _owner: Option<OwnerLock>,
}

/// The embedded engine of a database: this process's own, or the one another process runs on
/// the same file.
pub enum Embedded {
    /// This process serves the database.
    Own(EmbeddedServer),
    /// Another process does: `relay` forwards to its engine, and takes the file over if
    /// that process exits first.
    Joined {
        /// The process serving the file when we joined.
        holder: Holder,
        /// Our loopback relay to it.
        relay: EmbeddedServer,
    },
}

/// Holds `path`, or finds the process that does (a blocking wait of a few seconds at most).
pub(super) async fn claim_file(path: &Path) -> Result<Claim> {
    ensure_parent(path)?;
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || owner::claim(&path))
        .await
        .map_err(|e| eyre!("internal error claiming the database file: {e}"))?
}

/// Holds `path` for this process alone (no engine is started): for work on the file itself,
/// such as `compact`. Refused, naming the holder, while another process has it open.
pub async fn hold_exclusively(path: &Path) -> Result<OwnerLock> {
    match claim_file(path).await? {
        Claim::Owner(lock) => Ok(lock),
        Claim::Held(h) => bail!(
            "{} is open in process {} (engine at {}): close it first, this needs the file to itself",
            path.display(),
            h.pid,
            h.url
        ),
    }
}

impl EmbeddedServer {
    /// Wraps a running relay (see [`super::relay`]) so that it is kept and stopped like an
    /// engine; it has no sweeper (the holder sweeps).
    pub(super) fn relaying(
        addr: SocketAddr,
        shutdown: oneshot::Sender<()>,
        task: JoinHandle<Result<(), String>>,
    ) -> Self {
        EmbeddedServer {
            addr,
            sweeper: None,
            shutdown: Some(shutdown),
            task: Some(task),
            _owner: None,
        }
    }

    /// Opens the database and serves it on `bind` (port 0: any free port). A file another
    /// process serves is refused, naming that process (only one engine per file).
    pub async fn start(db: &DbLocation, bind: SocketAddr) -> Result<Self> {
        let owner = match db {
            DbLocation::Memory => None,
            DbLocation::File(path) => match claim_file(path).await? {
                Claim::Owner(lock) => Some(lock),
                Claim::Held(h) => bail!(
                    "{} is already served by process {} at {}: point your client there, or stop \
                     that process first (only one engine may open a database file)",
                    path.display(),
                    h.pid,
                    h.url
                ),
            },
        };
        Self::serve(db, bind, owner).await
    }

    pub(super) async fn serve(
        db: &DbLocation,
        bind: SocketAddr,
        mut owner: Option<OwnerLock>,
    ) -> Result<Self> {
        let database = open_database(db)?;
        let sweeper = Some(Sweeper::new(database.clone()));
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .wrap_err_with(|| format!("cannot listen on {bind} for the embedded engine"))?;
        let addr = listener.local_addr()?;
        if let Some(lock) = owner.as_mut() {
            lock.publish(&format!("http://{addr}"))
                .wrap_err("cannot say where the embedded engine listens in its lock file")?;
        }
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(dynoxide::server::serve_with_shutdown(
            listener,
            database,
            async move {
                let _ = rx.await;
            },
        ));
        Ok(EmbeddedServer {
            addr,
            sweeper,
            shutdown: Some(tx),
            task: Some(task),
            _owner: owner,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Runs TTL sweeps on the database it serves; `None` for a relay to another process's
    /// engine, which sweeps it.
    pub fn sweeper(&self) -> Option<Sweeper> {
        self.sweeper.clone()
    }

    /// Stops serving and waits for requests in progress to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }

    /// Waits until the server stops by itself (it only does on error).
    pub async fn wait(&mut self) -> Result<()> {
        match self.task.take() {
            Some(task) => match task.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(eyre!("embedded engine failed: {e}")),
                Err(e) => Err(eyre!("embedded engine task failed: {e}")),
            },
            None => Ok(()),
        }
    }
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Creates the directory a database file goes in.
fn ensure_parent(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).wrap_err_with(|| {
            format!(
                "cannot create {} for the embedded database",
                parent.display()
            )
        })?;
    }
    Ok(())
}

fn open_database(db: &DbLocation) -> Result<dynoxide::Database> {
    match db {
        DbLocation::Memory => dynoxide::Database::memory()
            .map_err(|e| eyre!("cannot start the in-memory engine: {e}")),
        DbLocation::File(path) => {
            // Its directory exists: every file is claimed (claim_file) before it is opened.
            let text = path
                .to_str()
                .ok_or_else(|| eyre!("the database path {} is not valid UTF-8", path.display()))?;
            let db = dynoxide::Database::new(text).map_err(|e| {
                eyre!(
                    "cannot open the embedded database {}: {e} (the file was left as it is; \
                     pass --db OTHER_PATH or --memory to use another)",
                    path.display()
                )
            })?;
            // SQLite in WAL mode defaults to synchronous=FULL: an fsync per BatchWriteItem,
            // which made 10,000 records take 3 s. NORMAL (what Dynoxide calls "not bulk
            // loading") survives a crash of this process; only a power cut can lose the
            // last writes. Right for a local explorer.
            db.disable_bulk_loading().map_err(|e| {
                eyre!(
                    "cannot configure the embedded database {}: {e}",
                    path.display()
                )
            })?;
            Ok(db)
        }
    }
}
