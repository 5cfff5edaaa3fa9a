//! `query`, `scan`, `delete --key` and `describe` on a table of any key schema: the table is
//! described first, every flag checked against it, and items printed as plain JSON (numbers
//! with all their digits) or, with `--ddb-json`, as DynamoDB JSON with every type.

use std::collections::HashMap;

use color_eyre::eyre::{Result, bail, eyre};
use serde::Serialize;
use serde_json::Value;

use super::delete::DeleteArgs;
use super::output::{print_json, summary_line, write_line};
use super::query::QueryArgs;
use super::report::CallsJson;
use super::scan::ScanArgs;
use super::{Cli, ttl};
use crate::backend::{self, AnyConnection};
use crate::table::value::{
    Item, item_to_ddb_json, item_to_plain_json, parse_plain_object, short_text,
};
use crate::table::{
    QuerySpec, ReadOutput, ScanSpec, TableDesc, parse_key, prepare_query, prepare_scan,
};

/// Connects to the backend and describes `--table`, any key schema.
pub(super) async fn open(cli: &Cli) -> Result<AnyConnection> {
    open_table(cli, &cli.conn.table, cli.conn.create()).await
}

/// Connects to the backend and describes `table`, creating it where `create` says.
pub(super) async fn open_table(
    cli: &Cli,
    table: &str,
    create: backend::Create,
) -> Result<AnyConnection> {
    let (backend, limits) = cli.conn.checked()?;
    let conn = backend::connect_any(&backend, table, create, &limits).await?;
    if let Some(warning) = &conn.info.warning {
        eprintln!("warning: {warning}");
    }
    ttl::sweep_before(conn.server.as_ref(), cli.json).await;
    Ok(conn)
}

pub(super) async fn close(conn: AnyConnection) {
    if let Some(server) = conn.server {
        server.stop().await;
    }
}

/// An item as the output shows it: plain JSON, or DynamoDB JSON with `--ddb-json`.
pub(super) fn item_text(item: &Item, ddb: bool) -> String {
    if ddb {
        item_to_ddb_json(item).to_string()
    } else {
        item_to_plain_json(item)
    }
}

/// Prints `json` with the fields in `raw` (name, JSON text) put in as they are: items keep
/// every digit of their numbers, which a `serde_json::Value` would not.
pub(super) fn print_with_raw(json: &impl Serialize, raw: &[(&str, String)]) -> Result<()> {
    let mut value = serde_json::to_value(json)?;
    let object = value
        .as_object_mut()
        .ok_or_else(|| eyre!("a command's JSON is an object"))?;
    let marks: Vec<String> = raw
        .iter()
        .map(|(name, _)| format!("\u{1}raw:{name}"))
        .collect();
    for ((name, _), mark) in raw.iter().zip(&marks) {
        object.insert((*name).to_owned(), Value::String(mark.clone()));
    }
    let mut text = serde_json::to_string(&value)?;
    for ((_, body), mark) in raw.iter().zip(&marks) {
        let quoted = serde_json::to_string(mark)?;
        text = text.replacen(&quoted, body, 1);
    }
    write_line(format_args!("{text}"));
    Ok(())
}

pub(super) fn items_array(items: &[Item], ddb: bool) -> String {
    let parts: Vec<String> = items.iter().map(|i| item_text(i, ddb)).collect();
    format!("[{}]", parts.join(","))
}

fn key_text(key: &Option<Item>, ddb: bool) -> String {
    key.as_ref()
        .map_or("null".to_owned(), |k| item_text(k, ddb))
}

/// `query` and `scan --items` on any table, as JSON.
#[derive(Serialize)]
struct ReadJson<'a> {
    table: &'a str,
    count: u64,
    scanned_count: u64,
    pages: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    segments: Option<u32>,
    #[serde(flatten)]
    calls: CallsJson<'a>,
}

/// Prints a read: items and where it stopped, then the summary (or all as JSON).
fn print_read(cli: &Cli, out: &ReadOutput, table: &str, items: bool, parallel: bool) -> Result<()> {
    if cli.json {
        let json = ReadJson {
            table,
            count: out.count,
            scanned_count: out.scanned_count,
            pages: out.pages,
            segments: parallel.then_some(out.segments),
            calls: CallsJson::from(&out.report),
        };
        let mut raw = vec![(
            "last_evaluated_key",
            key_text(&out.last_evaluated_key, cli.ddb_json),
        )];
        if items {
            raw.push(("items", items_array(&out.items, cli.ddb_json)));
        }
        return print_with_raw(&json, &raw);
    }
    if items {
        for item in &out.items {
            say!("{}", item_text(item, cli.ddb_json));
        }
    }
    let filtered = if out.scanned_count > out.count {
        format!(
            "; a filter kept {} of {} items read (the RCU are for all {} read)",
            out.count, out.scanned_count, out.scanned_count
        )
    } else {
        String::new()
    };
    say!(
        "{} ({} page(s){filtered})",
        summary_line(&out.report),
        out.pages
    );
    if let Some(k) = &out.last_evaluated_key {
        say!("more: --start '{}'", item_text(k, cli.ddb_json));
    }
    Ok(())
}

/// `query VALUE` on any table (`conn`: already open).
pub(super) async fn query(cli: &Cli, args: &QueryArgs, conn: Option<AnyConnection>) -> Result<()> {
    if args.page_size.is_some() || args.require_complete || args.exclude_expired {
        bail!(
            "--page-size, --exclude-expired and --require-complete are for the request table; \
             on table {} use --limit and --filter",
            cli.conn.table
        );
    }
    let conn = match conn {
        Some(c) => c,
        None => open(cli).await?,
    };
    let spec = QuerySpec {
        partition: args.request_id.clone(),
        index: args.index.clone(),
        sort: args.sort.clone(),
        expr: (&args.expr).into(),
        desc: args.desc,
        limit: args.limit,
        consistent: args.consistent,
    };
    let result = match prepare_query(&conn.table, &spec) {
        Ok(prepared) => conn.store.query_any(&prepared).await.map_err(Into::into),
        Err(e) => Err(eyre!(e)),
    };
    let table = conn.table.name.clone();
    close(conn).await;
    print_read(cli, &result?, &table, true, false)
}

/// Partition key values on a scan page, with their items on it, in the order first seen.
#[derive(Serialize)]
struct PartitionCount {
    key: String,
    items: u64,
}

fn partitions(table: &TableDesc, items: &[Item]) -> Vec<PartitionCount> {
    let mut out: Vec<PartitionCount> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let hash = &table.hash().name;
    for item in items {
        let key = item
            .get(hash)
            .map_or("(none)".to_owned(), |v| short_text(v, 200));
        let slot = *at.entry(key.clone()).or_insert_with(|| {
            out.push(PartitionCount { key, items: 0 });
            out.len() - 1
        });
        out[slot].items += 1;
    }
    out
}

/// `scan` on any table (or with flags the request table's summary does not take).
pub(super) async fn scan(cli: &Cli, args: &ScanArgs) -> Result<()> {
    let start = args
        .start
        .as_deref()
        .map(|s| parse_plain_object(s).map_err(|e| eyre!("--start {s}: {e}")))
        .transpose()?;
    if start.is_some() && args.segments.is_some() {
        bail!("--start continues one page; --segments reads the whole table: give one of them");
    }
    // A parallel scan reads every page: pages of 1,000 unless --limit says otherwise
    // (DynamoDB Local reads the whole table for each page without a Limit).
    let limit = match (args.limit, args.segments) {
        (None, Some(_)) => Some(crate::table::transfer::PAGE_ITEMS),
        (limit, _) => limit,
    };
    let spec = ScanSpec {
        expr: (&args.expr).into(),
        limit,
        segments: args.segments,
        consistent: args.consistent,
        start: start.clone(),
    };
    let prepared = prepare_scan(&spec).map_err(|e| eyre!(e))?;
    let conn = open(cli).await?;
    let result = conn.store.scan_any(&prepared, args.segments, start).await;
    let table = conn.table.clone();
    close(conn).await;
    let out = result?;
    if args.items {
        return print_read(cli, &out, &table.name, true, args.segments.is_some());
    }
    let parts = partitions(&table, &out.items);
    if cli.json {
        #[derive(Serialize)]
        struct Summary<'a> {
            partitions: &'a [PartitionCount],
            #[serde(flatten)]
            read: ReadJson<'a>,
        }
        let json = Summary {
            partitions: &parts,
            read: ReadJson {
                table: &table.name,
                count: out.count,
                scanned_count: out.scanned_count,
                pages: out.pages,
                segments: args.segments,
                calls: CallsJson::from(&out.report),
            },
        };
        return print_with_raw(
            &json,
            &[(
                "last_evaluated_key",
                key_text(&out.last_evaluated_key, cli.ddb_json),
            )],
        );
    }
    for p in &parts {
        say!("{}  {} item(s) on this page", p.key, p.items);
    }
    print_read(cli, &out, &table.name, false, args.segments.is_some())
}

/// `delete --key JSON` (repeatable) on any table.
pub(super) async fn delete(cli: &Cli, args: &DeleteArgs) -> Result<()> {
    cli.conn.writable("delete")?;
    let conn = open(cli).await?;
    let keys: Result<Vec<Item>> = args
        .key
        .iter()
        .map(|k| parse_key(&conn.table, k).map_err(|e| eyre!(e)))
        .collect();
    let keys = match keys {
        Ok(k) => k,
        Err(e) => {
            close(conn).await;
            return Err(e);
        }
    };
    if conn.info.is_aws && !conn.table.is_request_table() {
        let confirmed = args.confirm.as_deref() == Some(conn.table.name.as_str());
        if !confirmed {
            let name = conn.table.name.clone();
            close(conn).await;
            bail!(
                "deleting from {name} on AWS: add --confirm {name} (the table's name, typed) \
                 to delete {} item(s); nothing was sent",
                keys.len()
            );
        }
    }
    let n = keys.len();
    let result = conn.store.delete_by_keys(keys).await;
    let table = conn.table.clone();
    close(conn).await;
    let (deleted, report) = result?;
    if cli.json {
        #[derive(Serialize)]
        struct DeleteKeysJson<'a> {
            table: &'a str,
            keys: usize,
            deleted: u64,
            #[serde(flatten)]
            calls: CallsJson<'a>,
        }
        return print_json(&DeleteKeysJson {
            table: &table.name,
            keys: n,
            deleted,
            calls: CallsJson::from(&report),
        });
    }
    say!(
        "deleted {deleted} of {n} item(s) from {} ({} were not there)",
        table.name,
        n as u64 - deleted
    );
    say!("{}", summary_line(&report));
    Ok(())
}
