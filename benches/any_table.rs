//! Any table, measured (not a test): by hand, `cargo bench --bench any_table` (add
//! `--profile dev` to skip the release build; say which in what you report).
//!
//! - Frame time of Explore on a table of another key schema with 100,000 items of about 20
//!   attributes loaded, at 120x40, scrolled to the middle: median and p99 of 500 frames (goal
//!   under 2 ms), and the process's resident memory before and after loading them (goal:
//!   under 200 MB in all).
//! - With DYNAMODB_LOCAL_ENDPOINT set: the table picker's listing (ListTables, then
//!   DescribeTable and DescribeTimeToLive of each table) with a 1,000,000-item table of ~20
//!   attributes on the endpoint, which it creates and fills the first time (goal: under 300
//!   ms); and the first scan page of that table, which opening it in Explore reads.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, PutRequest,
    ScalarAttributeType, WriteRequest,
};
use crossterm::event::KeyCode;
use dynamo_explorer::backend::local_client;
use dynamo_explorer::store::Store;
use dynamo_explorer::table::items::Items;
use dynamo_explorer::table::value::Item;
use dynamo_explorer::table::{KeyAttr, Prepared, TableDesc};
use dynamo_explorer::tui::app::{App, ConnInfo};
use dynamo_explorer::tui::driver::press;
use dynamo_explorer::tui::view;
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The allocator the binary uses (src/main.rs), so resident memory is the app's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ITEMS: usize = 100_000;
const BIG_TABLE: &str = "bench_any_1m";
const BIG_ITEMS: usize = 1_000_000;

fn key(name: &str, kind: &str, role: &str) -> KeyAttr {
    KeyAttr {
        name: name.into(),
        kind: kind.into(),
        role: role.into(),
    }
}

fn desc(name: &str, items: i64) -> TableDesc {
    TableDesc {
        name: name.into(),
        status: "ACTIVE".into(),
        key_schema: vec![key("pk", "S", "HASH"), key("sk", "N", "RANGE")],
        billing_mode: "PAY_PER_REQUEST".into(),
        item_count: items,
        size_bytes: items * 400,
        gsis: vec![],
        lsis: vec![],
        ttl_attribute: None,
    }
}

/// An item of about 20 attributes (~400 bytes).
fn item(rng: &mut fastrand::Rng, i: usize) -> Item {
    let mut it: Item = HashMap::from([
        ("pk".to_owned(), AttributeValue::S(format!("c-{}", i / 100))),
        ("sk".to_owned(), AttributeValue::N((i % 100).to_string())),
    ]);
    for a in 0..18 {
        let v = if a % 3 == 0 {
            AttributeValue::N(rng.u32(..).to_string())
        } else {
            AttributeValue::S((0..16).map(|_| rng.alphanumeric()).collect())
        };
        it.insert(format!("attr_{a:02}"), v);
    }
    it
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn median(mut xs: Vec<f64>) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    (xs[xs.len() / 2], xs[xs.len() * 99 / 100])
}

fn frames() {
    let before = rss_mb();
    let table = desc("orders", ITEMS as i64);
    let mut app = App::new(
        ConnInfo::of_table("embedded (in memory)", false, &table),
        (120, 40),
    );
    app.explore.table = Some(table.clone());
    // What the loaded items hold: built one item at a time (as pages arrive), so no answer
    // is held beside them; the resident memory they add is what Explore keeps.
    let mut rng = fastrand::Rng::with_seed(7);
    let loading = Instant::now();
    let mut loaded = Items::default();
    for i in 0..ITEMS {
        loaded.push(item(&mut rng, i));
    }
    let load_ms = loading.elapsed().as_secs_f64() * 1e3;
    let peak = rss_mb();
    app.explore.any.load(&table, loaded, "query".into());
    app.explore.focus = dynamo_explorer::tui::layout::Pane::Items;
    for _ in 0..(ITEMS / 2 / 30) {
        press(&mut app, KeyCode::PageDown);
    }
    let after = rss_mb();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    let times: Vec<f64> = (0..500)
        .map(|_| {
            let started = Instant::now();
            terminal
                .draw(|f| view::draw(f, black_box(&app)))
                .expect("draws");
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let (med, p99) = median(times);
    println!(
        "Explore on another key schema, 100,000 items of 20 attributes, 120x40: frame median \
         {med:.3} ms, p99 {p99:.3} ms (goal < 2 ms); built in {load_ms:.0} ms; RSS {before:.0} MB \
         before, {peak:.0} MB with the items loaded, {after:.0} MB after scrolling (goal < 200 \
         MB)"
    );
}

async fn fill(store: &Store) {
    let client = store.client();
    let exists = client
        .describe_table()
        .table_name(BIG_TABLE)
        .send()
        .await
        .ok()
        .and_then(|d| d.table().and_then(|t| t.item_count()))
        .unwrap_or(-1);
    if exists >= BIG_ITEMS as i64 {
        return;
    }
    if exists < 0 {
        let def = |n: &str, t| {
            AttributeDefinition::builder()
                .attribute_name(n)
                .attribute_type(t)
                .build()
                .unwrap()
        };
        let k = |n: &str, t| {
            KeySchemaElement::builder()
                .attribute_name(n)
                .key_type(t)
                .build()
                .unwrap()
        };
        client
            .create_table()
            .table_name(BIG_TABLE)
            .attribute_definitions(def("pk", ScalarAttributeType::S))
            .attribute_definitions(def("sk", ScalarAttributeType::N))
            .key_schema(k("pk", KeyType::Hash))
            .key_schema(k("sk", KeyType::Range))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .expect("create the 1M table");
    }
    let started = Instant::now();
    futures::stream::iter(0..BIG_ITEMS / 25)
        .map(|batch| async move {
            let mut rng = fastrand::Rng::with_seed(batch as u64);
            let mut requests: Vec<WriteRequest> = (0..25)
                .map(|j| {
                    let put = PutRequest::builder()
                        .set_item(Some(item(&mut rng, batch * 25 + j)))
                        .build()
                        .unwrap();
                    WriteRequest::builder().put_request(put).build()
                })
                .collect();
            while !requests.is_empty() {
                let out = client
                    .batch_write_item()
                    .request_items(BIG_TABLE, requests.clone())
                    .send()
                    .await
                    .expect("batch write");
                requests = out
                    .unprocessed_items()
                    .and_then(|m| m.get(BIG_TABLE))
                    .cloned()
                    .unwrap_or_default();
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
    println!(
        "filled {BIG_TABLE} with {BIG_ITEMS} items in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

async fn picker(url: &str) {
    let store = Store::new(local_client(url), BIG_TABLE, url).expect("store");
    fill(&store).await;
    // The picker opens on the names (ListTables), then fills in each table's details.
    let mut names = Vec::new();
    let mut described = Vec::new();
    let mut tables = 0;
    for _ in 0..20 {
        let started = Instant::now();
        let listed = store.table_names().await.expect("names");
        names.push(started.elapsed().as_secs_f64() * 1e3);
        tables = store.describe_tables(listed).await.expect("tables").len();
        described.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let (med, _) = median(names);
    let (desc_med, _) = median(described);
    let big = store.describe_any().await.expect("describe");
    let mut pages = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        // What Explore asks for: a page of SCAN_PAGE_LIMIT items.
        let first_page = Prepared {
            limit: Some(dynamo_explorer::tui::app::explore::requests::SCAN_PAGE_LIMIT),
            ..Prepared::default()
        };
        let page = store.scan_any(&first_page, None, None).await.expect("scan");
        black_box(page.items.len());
        pages.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let (page_med, _) = median(pages);
    println!(
        "table picker on DynamoDB Local, {tables} table(s), one of {} items: open with the names \
         median {med:.1} ms (goal < 300 ms), every table described median {desc_med:.0} ms; its \
         first scan page as Explore reads it median {page_med:.0} ms",
        big.item_count
    );
}

fn main() {
    frames();
    if let Ok(url) = std::env::var("DYNAMODB_LOCAL_ENDPOINT") {
        tokio::runtime::Runtime::new()
            .expect("runtime")
            .block_on(picker(&url));
    } else {
        println!("DYNAMODB_LOCAL_ENDPOINT not set: the picker is not measured");
    }
}
