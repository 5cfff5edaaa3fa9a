//! The terminal UI. Layers, data flowing one way:
//!
//! - [`worker`]: owns the store, runs jobs as tasks, reports results and coalesced progress.
//! - [`app`]: the state and its pure `update(msg) -> commands`: a router over screens
//!   (`app/explore/`, `app/labs/`, `app/cost/`), each owning its state, keys and help.
//! - [`view`]: pure `draw(frame, &app)`: the shared chrome, then a folder per screen.
//! - [`driver`]: `press`, `typed`, `started` for tests and benches.
//! - [`event_loop`]: one `select!` over input, worker events and a tick; draws per batch.
//! - [`layout`]: pane rectangles, shared by the view and by `update`'s hit-testing.
//! - [`terminal`]: entering and restoring the terminal (also on panic).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod app;
#[doc(hidden)]
pub mod driver;
pub mod event_loop;
pub mod files;
pub mod history;
pub mod layout;
pub mod msg;
pub mod terminal;
pub mod view;
pub mod worker;

#[cfg(test)]
mod snapshot_tests;

use color_eyre::eyre::{Result, WrapErr};

use crate::backend::{self, AnyConnection};
use crate::cli::Cli;
use app::{App, ConnInfo};

/// Opens the TUI on the backend `cli` picks.
pub async fn run(cli: &Cli) -> Result<()> {
    // Fails only if a hook is already installed (a second run in one process): keep that one.
    let _ = color_eyre::install();
    let (backend, limits) = cli.conn.checked()?;
    // Before the alternate screen: a connection error prints as a normal line.
    // Any table: the request table's features where it has the request schema.
    let AnyConnection {
        store,
        info,
        table,
        server,
        ..
    } = backend::connect_any(&backend, &cli.conn.table, cli.conn.create(), &limits).await?;

    terminal::install_panic_hook();
    let mut tui = terminal::init().wrap_err("cannot switch the terminal to full-screen mode")?;
    let result = async {
        let size = tui.size().wrap_err("cannot read the terminal size")?;
        let mut conn = ConnInfo::of_table(&info.label, info.is_aws, &table);
        conn.limits = info.limits.to_string();
        conn.endpoint = (!info.is_aws).then(|| info.endpoint.clone());
        if let backend::Backend::Embedded(db) = &backend {
            conn.embedded = Some(db.clone());
        }
        if let Some(region) = store.client().config().region() {
            conn.region = region.to_string();
        }
        let mut app = App::new(conn, (size.width, size.height));
        app.session.limits = limits;
        app.session.read_only = cli.conn.read_only;
        app.sql.tables.insert(table.name.clone(), table.clone());
        app.explore.table = Some(table);
        app.sql.editor.history = history::load();
        if let Some(warning) = &info.warning {
            // Kept on the status line (as an error is) until a key replaces it.
            app.session.error(format!("warning: {warning}"));
        }
        // TTL sweeps in the background on the embedded engine (the worker reports them).
        let worker = worker::spawn_sweeping(store, server.as_ref().and_then(|s| s.sweeper()));
        event_loop::run(&mut tui, &mut app, worker).await
    }
    .await;
    terminal::restore();
    if let Some(server) = server {
        server.stop().await;
    }
    result
}
