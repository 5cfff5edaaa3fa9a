//! The store and the CLI under injected faults: a proxy in front of a real engine throttles,
//! returns UnprocessedItems, answers 5xx before and after forwarding, delays, drops
//! connections and dies. What the client reports is held against what the proxy injected,
//! and what it says landed against what the engine (asked directly) really has.

#[path = "../common/mod.rs"]
mod common;
#[path = "../fault_proxy/mod.rs"]
mod fault_proxy;

mod failures;
mod helpers;
mod reads;
mod storms;
mod ui;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::time::{Duration, Instant};

use common::spawn::{BIN, ScrubAws};
use common::{Engine, engines, fresh_store, records_on_engine, table_name};
use dynamo_explorer::backend::local_client;
use dynamo_explorer::generate::build_records;
use dynamo_explorer::schema::{Record, RecordKey, RequestId};
use dynamo_explorer::store::{
    BatchProgress, CancellationToken, OpReport, QueryOptions, RetryPolicy, ScanOptions, Store,
    StoreError, WriteOptions,
};
use dynamo_explorer::tui::app::{App, ConnInfo, Status};
use dynamo_explorer::tui::driver;
use dynamo_explorer::tui::msg::{Command, Msg, WorkerCommand};
use dynamo_explorer::tui::view;
use dynamo_explorer::tui::worker::{self, WorkerHandle};
use fault_proxy::{BATCH_WRITE, Fault, FaultConfig, FaultProxy, Stats};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

use helpers::*;
