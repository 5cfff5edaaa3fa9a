//! The store and the CLI under injected faults: a proxy in front of a real engine throttles,
//! returns UnprocessedItems, answers 5xx before and after forwarding, delays, drops
//! connections and dies. What the client reports is held against what the proxy injected,
//! and what it says landed against what the engine (asked directly) really has.

mod capacity;
mod failures;
mod helpers;
mod reads;
mod storms;
mod ui;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::time::{Duration, Instant};

use crate::common::spawn::{BIN, ScrubAws};
use crate::common::{Engine, engines, fresh_store, records_on_engine, table_name};
use crate::fault_proxy::{BATCH_WRITE, Fault, FaultConfig, FaultProxy, Stats};
use dynamo_explorer::backend::local_client;
use dynamo_explorer::request::generate::build_records;
use dynamo_explorer::request::schema::{Record, RecordKey, RequestId};
use dynamo_explorer::store::{
    BatchProgress, CancellationToken, OpReport, QueryOptions, RetryPolicy, ScanOptions, Store,
    StoreError, WriteOptions,
};
use dynamo_explorer::tui::app::{App, ConnInfo, Status};
use dynamo_explorer::tui::driver;
use dynamo_explorer::tui::msg::{Command, Msg, WorkerCommand};
use dynamo_explorer::tui::view;
use dynamo_explorer::tui::worker::{self, WorkerHandle};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

use helpers::*;
