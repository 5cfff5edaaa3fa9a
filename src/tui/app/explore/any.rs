//! Explore on a table of any key schema, and the table picker (`t`). The Requests pane lists
//! the partition key values scan pages found, with their items on those pages; Enter queries
//! one partition; the Items pane shows the items, key attributes first, then the attributes
//! seen most often; Detail shows one as plain JSON or (`T`) DynamoDB JSON. `/` opens a query
//! builder (index, partition, sort key condition, filter, projection, order, Limit); `d`
//! deletes the selected items by key after a confirmation that says their WCU.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::super::jobs::What;
use super::super::list::ListCursor;
use super::super::oplog::Outcome;
use super::super::session::Session;
use super::{Explore, Modal};
use crate::size::{item_size, write_units};
use crate::table::value::{Item, short_text};
use crate::table::{QuerySpec, ReadOutput, TableDesc, key_of, prepare_query};
use crate::tui::layout::Pane;
use crate::tui::msg::{ClockTime, Command, EventKind, Job, Loaded};

pub use crate::table::items::{Items, MAX_COLUMNS, columns};

/// One partition key value seen on scan pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    /// The value, to query it.
    pub value: AttributeValue,
    /// As shown.
    pub label: String,
    /// Its items on the pages read.
    pub items: u64,
}

/// The Explore screen's state on a table that is not the request table.
#[derive(Debug, Clone, Default)]
pub struct AnyState {
    /// Partition key values seen, in the order first seen.
    pub partitions: Vec<Partition>,
    /// Highlight in the partitions pane.
    pub cursor: ListCursor,
    /// Where the next scan page starts; `None` at the start or the end.
    pub next_start: Option<Item>,
    /// The table has been read to its end.
    pub scanned_all: bool,
    /// Items loaded (a query's answer, or the scan's items on a table without a sort key);
    /// shared with an export of them, which then needs no copy.
    pub items: Arc<Items>,
    /// What the items are (`query c-1`, `scan`).
    pub items_label: String,
    /// Columns: key attributes, then the most frequent others.
    pub columns: Vec<String>,
    /// Highlight in the items pane.
    pub items_cursor: ListCursor,
    /// Selected items, by index.
    pub selected: BTreeSet<usize>,
    /// Detail shows DynamoDB JSON (`T`) instead of plain JSON.
    pub ddb_json: bool,
}

impl AnyState {
    fn add_page(&mut self, table: &TableDesc, out: &ReadOutput, new_pass: bool) {
        if new_pass {
            self.partitions.clear();
        }
        let hash = &table.hash().name;
        let mut at: HashMap<String, usize> = self
            .partitions
            .iter()
            .enumerate()
            .map(|(i, p)| (p.label.clone(), i))
            .collect();
        for item in &out.items {
            let Some(v) = item.get(hash) else { continue };
            let label = short_text(v, 200);
            match at.get(&label) {
                Some(&i) => self.partitions[i].items += 1,
                None => {
                    at.insert(label.clone(), self.partitions.len());
                    self.partitions.push(Partition {
                        value: v.clone(),
                        label,
                        items: 1,
                    });
                }
            }
        }
        self.next_start = out.last_evaluated_key.clone();
        self.scanned_all = out.last_evaluated_key.is_none();
    }

    /// Loads items into the Items pane, with their columns.
    pub fn load(&mut self, table: &TableDesc, items: Items, label: String) {
        self.columns = columns(table, &items);
        self.items = Arc::new(items);
        self.items_label = label;
        self.items_cursor = ListCursor::default();
        self.selected.clear();
    }

    /// The highlighted item.
    pub fn highlighted(&self) -> Option<Item> {
        self.items.item(self.items_cursor.selected)
    }
}

/// The table picker: the names at once (ListTables), the details as DescribeTable answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TablePicker {
    /// The table names, once listed.
    pub names: Option<Vec<String>>,
    /// The tables described, once they are.
    pub tables: Option<Vec<TableDesc>>,
    /// Typed text that filters the list.
    pub filter: String,
    /// Highlight among the filtered.
    pub cursor: ListCursor,
}

impl TablePicker {
    /// The names that contain the filter (case-insensitive), in name order.
    pub fn shown(&self) -> Vec<&str> {
        let f = self.filter.to_lowercase();
        self.names
            .iter()
            .flatten()
            .filter(|n| n.to_lowercase().contains(&f))
            .map(String::as_str)
            .collect()
    }

    /// A table's description, once it has come.
    pub fn described(&self, name: &str) -> Option<&TableDesc> {
        self.tables.iter().flatten().find(|t| t.name == name)
    }
}

/// The query builder's fields, in order.
pub const BUILDER_FIELDS: [&str; 8] = [
    "index",
    "partition key",
    "sort key",
    "filter",
    "values",
    "projection",
    "order",
    "limit",
];

/// The query builder (`/` on a table of any key schema).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryBuilder {
    /// Text of each field, as [`BUILDER_FIELDS`].
    pub fields: [String; 8],
    /// The field being typed into.
    pub field: usize,
    /// Why Enter was refused.
    pub error: Option<String>,
}

impl QueryBuilder {
    /// A builder for a partition, the other fields empty.
    pub fn for_partition(value: &str) -> Self {
        let mut b = QueryBuilder::default();
        b.fields[1] = value.to_owned();
        b.field = 1;
        b
    }

    /// The query it describes.
    pub fn spec(&self, consistent: bool) -> Result<QuerySpec, String> {
        let opt = |i: usize| {
            let t = self.fields[i].trim();
            (!t.is_empty()).then(|| t.to_owned())
        };
        let desc = match self.fields[6].trim().to_ascii_lowercase().as_str() {
            "" | "asc" | "ascending" => false,
            "desc" | "descending" => true,
            other => return Err(format!("order: asc or desc, not {other:?}")),
        };
        let limit = opt(7)
            .map(|l| {
                l.parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("limit: a whole number of 1 or more, not {l:?}"))
            })
            .transpose()?;
        if self.fields[1].is_empty() {
            return Err("partition key: a value is needed (a Query reads one partition)".into());
        }
        Ok(QuerySpec {
            partition: self.fields[1].clone(),
            index: opt(0),
            sort: opt(2),
            expr: crate::table::Expressions {
                filter: opt(3),
                names: None,
                values: opt(4),
                project: opt(5),
            },
            desc,
            limit,
            consistent,
        })
    }
}

/// A delete of items of any table waiting for `y`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmAny {
    /// The keys.
    pub keys: Vec<Item>,
    /// WCU by DynamoDB's rule from the loaded items' sizes: each rounded up to 1 KB.
    pub write_units: u64,
    /// On AWS the table's name must be typed first (`Some`: what has been typed).
    pub typed_name: Option<String>,
}

impl Explore {
    /// Explore is on a table that is not the request table.
    pub fn generic(&self) -> bool {
        self.table.as_ref().is_some_and(|t| !t.is_request_table())
    }

    /// `t`: the table picker, filled once the tables are listed.
    pub(super) fn open_picker(&mut self, session: &mut Session) -> Vec<Command> {
        self.modal = Some(Modal::Tables(TablePicker::default()));
        vec![session.start(Job::Tables, "tables".into(), What::Tables)]
    }

    pub(super) fn on_picker_key(
        &mut self,
        session: &mut Session,
        mut picker: TablePicker,
        key: KeyEvent,
    ) -> Vec<Command> {
        let shown = picker.shown().len();
        let page = 10;
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Enter => {
                let Some(t) = picker
                    .shown()
                    .get(picker.cursor.selected)
                    .map(|n| (*n).to_owned())
                else {
                    session.info("no table to open: type less of a name, or Esc");
                    self.modal = Some(Modal::Tables(picker));
                    return Vec::new();
                };
                return vec![session.start(
                    Job::UseTable(t.clone()),
                    format!("open table {t}"),
                    What::UseTable,
                )];
            }
            KeyCode::Up => picker.cursor.move_by(-1, shown, page),
            KeyCode::Down => picker.cursor.move_by(1, shown, page),
            KeyCode::Backspace => {
                picker.filter.pop();
                picker.cursor = ListCursor::default();
            }
            KeyCode::Char(c) if !c.is_control() => {
                picker.filter.push(c);
                picker.cursor = ListCursor::default();
            }
            _ => {}
        }
        self.modal = Some(Modal::Tables(picker));
        Vec::new()
    }

    /// The next scan page of a table of any key schema (`new_pass`: from the start).
    pub(super) fn scan_any(&mut self, session: &mut Session, new_pass: bool) -> Vec<Command> {
        let start = if new_pass {
            None
        } else {
            self.any.next_start.clone()
        };
        vec![session.start(
            Job::ScanAny {
                start,
                consistent: self.consistent,
                limit: super::requests::SCAN_PAGE_LIMIT,
            },
            "scan page".into(),
            What::ScanAny { new_pass },
        )]
    }

    /// Runs a query the builder (or Enter on a partition) describes.
    fn query_any(
        &mut self,
        session: &mut Session,
        spec: &QuerySpec,
    ) -> Result<Vec<Command>, String> {
        let Some(table) = &self.table else {
            return Err("the table is not described yet".into());
        };
        let prepared = prepare_query(table, spec)?;
        let label = format!(
            "query {}",
            short_text(&AttributeValue::S(spec.partition.clone()), 16)
        );
        Ok(vec![session.start(
            Job::QueryAny(Box::new(prepared)),
            label.clone(),
            What::QueryAny { label },
        )])
    }

    /// `e`: what the Items pane holds, to a file in the current directory. The items are
    /// shared with the worker, which writes them out: nothing is converted here.
    pub(super) fn export_loaded(&mut self, session: &mut Session) -> Vec<Command> {
        let loaded = if self.generic() {
            Loaded::Any(Arc::clone(&self.any.items))
        } else {
            Loaded::Records(Arc::clone(&self.items.records))
        };
        if loaded.is_empty() {
            session.info("nothing loaded to export: query a partition or a request first");
            return Vec::new();
        }
        vec![session.start(
            Job::ExportLoaded {
                table: session.conn.table.clone(),
                items: loaded,
            },
            "export loaded items".into(),
            What::ExportLoaded,
        )]
    }

    /// `E`: the whole table to `./TABLE-TIME.jsonl` in DynamoDB's export layout, in parallel
    /// Scan segments (one per 16 MB, as `export` chooses), with a gauge on the status line.
    /// On AWS it says the estimate first and needs `E` twice.
    pub(super) fn export_table(&mut self, session: &mut Session) -> Vec<Command> {
        if let Some(err) = session.refuse_if_dead() {
            return err;
        }
        if session.export.is_some() {
            session.info("an export is running: Esc stops it");
            return Vec::new();
        }
        let Some(table) = self.table.clone() else {
            session.info("the table is not described yet");
            return Vec::new();
        };
        let estimate = crate::table::transfer::scan_estimate(table.size_bytes, false);
        if session.conn.is_aws && !std::mem::take(&mut self.export_confirmed) {
            self.export_confirmed = true;
            session.info(format!(
                "exporting {} reads every item: about {estimate:.0} RCU (${:.4}) on AWS; E again runs it",
                table.name,
                estimate * crate::store::READ_USD_PER_MILLION / 1e6
            ));
            return Vec::new();
        }
        let segments = crate::table::transfer::default_segments(table.size_bytes);
        let command = session.start(
            Job::ExportTable {
                segments,
                dir: ".".into(),
            },
            format!("export {} ({segments} segment(s))", table.name),
            What::ExportTable,
        );
        if let Command::Start { id, .. } = &command {
            session.export = Some(crate::tui::app::session::ExportGauge {
                id: *id,
                table: table.name.clone(),
                expected: table.item_count.max(0) as u64,
                items: 0,
                pages: 0,
                rcu: 0.0,
                cancelling: false,
            });
        }
        session.info(format!(
            "exporting {} in {segments} segment(s) to the current directory: Esc stops it",
            table.name
        ));
        vec![command]
    }

    /// Keys on the panes of a table of any key schema; `None`: not one of them.
    pub(super) fn on_any_key(
        &mut self,
        session: &mut Session,
        key: KeyEvent,
    ) -> Option<Vec<Command>> {
        let table = self.table.clone()?;
        Some(match key.code {
            KeyCode::Enter if self.focus == Pane::Requests => {
                let Some(p) = self.any.partitions.get(self.any.cursor.selected) else {
                    session.info("no partitions yet: s scans a page of the table");
                    return Some(Vec::new());
                };
                let value = match &p.value {
                    AttributeValue::S(s) => s.clone(),
                    other => crate::table::value::to_ddb_json(other).to_string(),
                };
                let spec = QuerySpec {
                    partition: value,
                    consistent: self.consistent,
                    ..Default::default()
                };
                match self.query_any(session, &spec) {
                    Ok(c) => c,
                    Err(e) => {
                        session.error(e);
                        Vec::new()
                    }
                }
            }
            KeyCode::Char('/') => {
                let start = self
                    .any
                    .partitions
                    .get(self.any.cursor.selected)
                    .map(|p| match &p.value {
                        AttributeValue::S(s) => s.clone(),
                        other => crate::table::value::to_ddb_json(other).to_string(),
                    })
                    .unwrap_or_default();
                self.modal = Some(Modal::Builder(QueryBuilder::for_partition(&start)));
                Vec::new()
            }
            KeyCode::Char('s') => self.scan_any(session, self.any.scanned_all),
            KeyCode::Char('T') => {
                self.any.ddb_json = !self.any.ddb_json;
                session.info(if self.any.ddb_json {
                    "Detail: DynamoDB JSON, every type shown (T: plain JSON)"
                } else {
                    "Detail: plain JSON (T: DynamoDB JSON with every type)"
                });
                Vec::new()
            }
            KeyCode::Char(' ') if self.focus == Pane::Items => {
                let i = self.any.items_cursor.selected;
                if i < self.any.items.len() && !self.any.selected.remove(&i) {
                    self.any.selected.insert(i);
                }
                Vec::new()
            }
            KeyCode::Char('a') => {
                if self.any.selected.len() == self.any.items.len() {
                    self.any.selected.clear();
                } else {
                    self.any.selected = (0..self.any.items.len()).collect();
                }
                session.info(format!(
                    "{} of {} items selected",
                    self.any.selected.len(),
                    self.any.items.len()
                ));
                Vec::new()
            }
            KeyCode::Char('d') => {
                if session.read_only {
                    session.error("--read-only: deletes are refused; nothing was sent");
                    return Some(Vec::new());
                }
                let chosen: Vec<Item> = if self.any.selected.is_empty() {
                    self.any.highlighted().into_iter().collect()
                } else {
                    self.any
                        .selected
                        .iter()
                        .filter_map(|i| self.any.items.item(*i))
                        .collect()
                };
                if chosen.is_empty() || self.focus != Pane::Items {
                    session.info("d deletes the selected items: Tab to Items, Space selects");
                    return Some(Vec::new());
                }
                let write_units = chosen.iter().map(|i| write_units(item_size(i))).sum();
                let keys = chosen.iter().map(|i| key_of(&table, i)).collect();
                let typed_name = session.conn.is_aws.then(String::new);
                self.modal = Some(Modal::ConfirmAny(ConfirmAny {
                    keys,
                    write_units,
                    typed_name,
                }));
                Vec::new()
            }
            KeyCode::Char('g' | 'D' | 'r') => {
                session.info(format!(
                    "generate and whole-request deletes are for the request table \
                     (request_id S + seq N); {} has {}: / queries it, d deletes items",
                    table.name,
                    table.key_text()
                ));
                Vec::new()
            }
            _ => return None,
        })
    }

    pub(super) fn on_builder_key(
        &mut self,
        session: &mut Session,
        mut b: QueryBuilder,
        key: KeyEvent,
    ) -> Vec<Command> {
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Enter => match b
                .spec(self.consistent)
                .and_then(|s| self.query_any(session, &s))
            {
                Ok(commands) => return commands,
                Err(e) => b.error = Some(e),
            },
            KeyCode::Tab | KeyCode::Down => b.field = (b.field + 1) % BUILDER_FIELDS.len(),
            KeyCode::BackTab | KeyCode::Up => {
                b.field = (b.field + BUILDER_FIELDS.len() - 1) % BUILDER_FIELDS.len();
            }
            KeyCode::Backspace => {
                b.fields[b.field].pop();
                b.error = None;
            }
            KeyCode::Char(c) if !c.is_control() => {
                b.fields[b.field].push(c);
                b.error = None;
            }
            _ => {}
        }
        self.modal = Some(Modal::Builder(b));
        Vec::new()
    }

    pub(super) fn on_confirm_any_key(
        &mut self,
        session: &mut Session,
        mut confirm: ConfirmAny,
        key: KeyEvent,
    ) -> Vec<Command> {
        // On AWS: the table's name, typed, then Enter.
        if let Some(typed) = confirm.typed_name.as_mut() {
            match key.code {
                KeyCode::Esc => {
                    session.info("nothing deleted");
                    return Vec::new();
                }
                KeyCode::Enter if *typed == session.conn.table => {}
                KeyCode::Enter => {
                    session.error(format!(
                        "type the table's name, {}, to delete from it on AWS",
                        session.conn.table
                    ));
                    self.modal = Some(Modal::ConfirmAny(confirm));
                    return Vec::new();
                }
                KeyCode::Backspace => {
                    typed.pop();
                    self.modal = Some(Modal::ConfirmAny(confirm));
                    return Vec::new();
                }
                KeyCode::Char(c) if !c.is_control() => {
                    typed.push(c);
                    self.modal = Some(Modal::ConfirmAny(confirm));
                    return Vec::new();
                }
                _ => {
                    self.modal = Some(Modal::ConfirmAny(confirm));
                    return Vec::new();
                }
            }
            return self.start_delete_any(session, confirm);
        }
        match key.code {
            KeyCode::Char('y' | 'Y') => self.start_delete_any(session, confirm),
            KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                session.info("nothing deleted");
                Vec::new()
            }
            _ => {
                self.modal = Some(Modal::ConfirmAny(confirm));
                Vec::new()
            }
        }
    }

    fn start_delete_any(&mut self, session: &mut Session, confirm: ConfirmAny) -> Vec<Command> {
        let n = confirm.keys.len();
        vec![session.start(
            Job::DeleteAny(confirm.keys),
            format!("delete {n} item(s)"),
            What::DeleteAny,
        )]
    }

    /// The answers of the any-table jobs (failures go the way of every job's).
    pub(super) fn finish_any(
        &mut self,
        session: &mut Session,
        at: ClockTime,
        label: String,
        what: What,
        kind: EventKind,
    ) -> Vec<Command> {
        match (what, kind) {
            (What::Tables, EventKind::TableNames(names)) => {
                let n = names.len();
                let mut commands = Vec::new();
                if let Some(Modal::Tables(picker)) = &mut self.modal {
                    // Start on the table open now.
                    if let Some(i) = names.iter().position(|t| *t == session.conn.table) {
                        picker.cursor.select(i, n, 10);
                    }
                    picker.names = Some(names.clone());
                    commands.push(session.start(
                        Job::DescribeTables(names),
                        "describe tables".into(),
                        What::DescribeTables,
                    ));
                }
                session.info_from_worker(format!(
                    "{n} table(s): type to filter, Enter opens one, Esc closes"
                ));
                commands
            }
            (What::DescribeTables, EventKind::Tables(tables)) => {
                if let Some(Modal::Tables(picker)) = &mut self.modal {
                    picker.tables = Some(tables);
                }
                Vec::new()
            }
            (What::UseTable, EventKind::TableOpened(desc)) => {
                let desc = *desc;
                session.conn.table = desc.name.clone();
                session.conn.billing_mode = desc.billing_mode.clone();
                session.conn.item_count = desc.item_count;
                session.session_items = (0, 0);
                self.push_log(
                    session,
                    at,
                    label,
                    Outcome::Ok,
                    crate::store::OpReport::new("describe"),
                );
                session.info_from_worker(format!("{}: {}", desc.name, desc.key_text()));
                let request_table = desc.is_request_table();
                self.table = Some(desc);
                self.any = AnyState::default();
                self.requests = Default::default();
                self.items = Default::default();
                self.focus = Pane::Requests;
                if request_table {
                    self.scan(session)
                } else {
                    self.scan_any(session, true)
                }
            }
            (What::ScanAny { new_pass }, EventKind::ReadAny(out)) => {
                let Some(table) = self.table.clone() else {
                    return Vec::new();
                };
                let mut out = *out;
                self.any.add_page(&table, &out, new_pass);
                // A table without a sort key: its items are its partitions; list them too.
                if table.range().is_none() {
                    let mut items = if new_pass {
                        Items::default()
                    } else {
                        Arc::unwrap_or_clone(std::mem::take(&mut self.any.items))
                    };
                    for item in std::mem::take(&mut out.items) {
                        items.push(item);
                    }
                    self.any.load(&table, items, "scan".into());
                }
                let more = !self.any.scanned_all;
                session.info_from_worker(format!(
                    "scan page: {} items read, {} partition key value(s) so far, {:.1} RCU; {}",
                    out.scanned_count,
                    self.any.partitions.len(),
                    out.report.consumed.total.read,
                    if more {
                        "s reads the next page"
                    } else {
                        "end of table"
                    }
                ));
                self.push_log(session, at, label, Outcome::Ok, out.report);
                Vec::new()
            }
            (What::QueryAny { label: what }, EventKind::ReadAny(out)) => {
                let Some(table) = self.table.clone() else {
                    return Vec::new();
                };
                let out = *out;
                let filtered = if out.scanned_count > out.count {
                    format!(
                        ", {} of {} read kept by the filter (RCU for all read)",
                        out.count, out.scanned_count
                    )
                } else {
                    String::new()
                };
                session.info_from_worker(format!(
                    "{}: {} item(s) in {} page(s){filtered}, {:.1} RCU",
                    what,
                    out.items.len(),
                    out.pages,
                    out.report.consumed.total.read
                ));
                self.push_log(session, at, label, Outcome::Ok, out.report);
                self.any.load(&table, Items::from_items(out.items), what);
                self.focus = Pane::Items;
                Vec::new()
            }
            (
                What::ExportTable,
                EventKind::ExportedTable {
                    path,
                    items,
                    bytes,
                    report,
                },
            ) => {
                let stopped = session.export.take().is_some_and(|g| g.cancelling);
                let rcu = report.consumed.total.read;
                self.push_log(session, at, label, Outcome::Ok, *report);
                session.info_from_worker(format!(
                    "{} {items} item(s) to {path} ({bytes} bytes, {rcu:.1} RCU; DynamoDB's \
                     export layout: `import` reads it)",
                    if stopped {
                        "stopped: wrote"
                    } else {
                        "exported"
                    }
                ));
                Vec::new()
            }
            (What::ExportLoaded, EventKind::Exported(path, n, bytes)) => {
                session.info_from_worker(format!(
                    "exported {n} item(s) to {path} ({bytes} bytes, DynamoDB's export layout: \
                     `import` reads it)"
                ));
                Vec::new()
            }
            (What::DeleteAny, EventKind::DeletedAny(existed, report)) => {
                session.session_items.1 += existed;
                let wcu = report.consumed.total.write;
                self.push_log(session, at, label, Outcome::Ok, report);
                // Take them off the pane: deleted, or not there to begin with.
                let gone: BTreeSet<usize> = if self.any.selected.is_empty() {
                    [self.any.items_cursor.selected].into()
                } else {
                    std::mem::take(&mut self.any.selected)
                };
                Arc::make_mut(&mut self.any.items).retain_rows(|i| !gone.contains(&i));
                self.any
                    .items_cursor
                    .clamp(self.any.items.len(), session.page(Pane::Items));
                session.info_from_worker(format!("deleted {existed} item(s): {wcu:.1} WCU"));
                Vec::new()
            }
            (_, other) => {
                session.error(format!(
                    "internal error: unexpected answer to {label}: {other:?}"
                ));
                Vec::new()
            }
        }
    }
}
