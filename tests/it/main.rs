//! The integration tests, one binary (as cargo's own `tests/testsuite`): each of them links the
//! AWS SDK, Dynoxide and SQLite, so one binary links once where 25 linked 25 times.
//!
//! A module per area. No test needs a process of its own: the ones that must not share
//! theirs (a panic, a SIGKILL, a full disk, a second engine on a file) start the real binary
//! as a child process (`common::spawn`, `common::pty`). Run one area with a filter on its
//! module path: `cargo test --test it ttl::`, `cargo test faults::`.

mod common;
mod fault_proxy;

mod adaptive;
mod any_table;
mod cli;
mod code;
mod completeness;
mod cost_cli;
mod cost_crosscheck;
mod cost_model;
mod drop_table;
mod faults;
mod fidelity;
mod full_disk;
mod labs;
mod labs_cli;
mod limits;
mod limits_tui;
mod readme_links;
mod security;
mod shared_engine;
mod sql;
mod store;
mod terraform_drift;
mod transfer;
mod ttl;
mod tui_e2e;
mod tui_panic;
mod tui_worker;
