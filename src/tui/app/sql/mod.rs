//! Screen 4, SQL: a PartiQL console. The statement editor (multi-line, history with ↑/↓
//! kept across sessions, paste), what the statement will become, said as it is typed and
//! before anything runs (a read of one item, a Query of one partition with its key condition,
//! or a full table scan, with the estimated RCU and price; see `table::partiql`), its results
//! in the items grid and Detail that Explore uses, and the operations log that every screen
//! shares. On AWS a statement planned as a scan asks first (`y` runs it).

pub mod editor;

use std::collections::HashMap;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use self::editor::Editor;
use super::help::HelpSection;
use super::jobs::{InFlight, What};
use super::list::ListCursor;
use super::oplog::Outcome;
use super::session::Session;
use crate::table::TableDesc;
use crate::table::items::{Items, columns};
use crate::table::partiql::{self, Plan, PlanKind};
use crate::table::sql::{SqlOutput, Statement};
use crate::tui::layout::SqlAreas;
use crate::tui::msg::{ClockTime, Command, EventKind, Job, JobId};

/// Which part of the screen keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqlFocus {
    /// The statement editor: keys are text.
    #[default]
    Editor,
    /// The results grid.
    Results,
    /// The operations log (Detail shows the highlighted operation and its code).
    Log,
}

/// What the statement will become, as far as is known now.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PlanState {
    /// Nothing typed.
    #[default]
    Empty,
    /// It does not parse, or cannot run on that table: why (one line, and the caret line).
    Error(String),
    /// The table in FROM is being described (or listed): its name.
    Describing(String),
    /// The plan.
    Ready(Plan),
}

/// A statement's measured cost beside its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// The plan it ran with.
    pub plan: Plan,
    /// RCU and WCU the engine reported.
    pub read: f64,
    /// WCU.
    pub write: f64,
    /// Pages.
    pub pages: u64,
    /// Items returned.
    pub items: usize,
    /// Pages whose answer carried no ConsumedCapacity (DynamoDB Local's ExecuteStatement).
    pub unreported: u64,
    /// What DynamoDB's rule charges for the pages, when the answer shows all it read.
    pub by_rule: Option<f64>,
}

/// The SQL screen.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    /// Where keys go.
    pub focus: SqlFocus,
    /// The statement.
    pub editor: Editor,
    /// What it will become.
    pub plan: PlanState,
    /// Tables described so far, by name.
    pub tables: HashMap<String, TableDesc>,
    /// The endpoint's table names, once listed.
    pub names: Option<Vec<String>>,
    /// A describe in flight: of this table. One at a time: while the names are not listed
    /// (ListTables still out, or refused), each keystroke of a name would describe another.
    describing: Option<String>,
    /// Tables whose describe failed, and why: not described again until Enter.
    failed: HashMap<String, String>,
    /// Run the statement once its table is described (Enter came first).
    run_when_described: bool,
    /// A scan on AWS waiting for `y`.
    pub confirming: Option<Plan>,
    /// The statement has `?`: the values being typed (a JSON array), and the plan to run.
    pub asking_params: Option<(String, Plan)>,
    /// The statement running.
    pub running: Option<JobId>,
    /// Results of the last statement.
    pub results: Arc<Items>,
    /// Their columns.
    pub columns: Vec<String>,
    /// Highlight in the results.
    pub cursor: ListCursor,
    /// The statement the results are of.
    pub results_label: String,
    /// Detail shows DynamoDB JSON.
    pub ddb_json: bool,
    /// Strongly consistent reads.
    pub consistent: bool,
    /// The last statement's plan and what it cost.
    pub measured: Option<Measured>,
    /// Listed the tables once.
    started: bool,
}

/// Results the screen holds at most: a statement that returns more stops after the page
/// that passes it, and says so (the CLI reads every page).
pub const MAX_RESULTS: usize = 100_000;

/// Widest statement label in the log.
const LABEL_CHARS: usize = 48;

impl Sql {
    /// The keys, for `?`.
    pub const HELP: &'static [HelpSection] = &[
        HelpSection {
            title: "SQL (PartiQL)",
            keys: &[
                (
                    "type",
                    "the statement; what it will become shows under it as you type",
                ),
                (
                    "Enter",
                    "run it (every page); on AWS a full table scan asks first",
                ),
                (
                    "Alt-Enter / Ctrl-N",
                    "a new line in the statement (paste keeps newlines)",
                ),
                (
                    "↑ ↓",
                    "the lines; on the first or last line, the history (kept across sessions)",
                ),
                (
                    "Esc / Tab",
                    "leave the editor: Tab cycles editor, results, log",
                ),
                (
                    "c",
                    "eventually / strongly consistent reads (out of the editor)",
                ),
                ("T", "Detail: plain JSON / DynamoDB JSON"),
                (
                    "e",
                    "the results to ./TABLE-TIME.jsonl, DynamoDB's export layout (from the results)",
                ),
                ("i / Enter", "back to the editor (from the results)"),
            ],
        },
        HelpSection {
            title: "Log",
            keys: &[(
                "↑ ↓ / j k",
                "the operation's parameters, per-call capacity and code in Detail",
            )],
        },
    ];

    /// Keys are text (the editor has focus).
    pub fn typing(&self) -> bool {
        self.asking_params.is_some()
            || (self.focus == SqlFocus::Editor && self.confirming.is_none())
    }

    /// The key hints: (full, short).
    pub fn hints(&self) -> (&'static str, &'static str) {
        if self.confirming.is_some() {
            return (
                "y run the full table scan (billed)  any other key: don't",
                "y run scan  other: no",
            );
        }
        if self.asking_params.is_some() {
            return (
                "the values of the `?` as a JSON array, e.g. [\"c-1\", 5]  Enter run  Esc don't",
                "[values]  Enter run  Esc don't",
            );
        }
        match self.focus {
            SqlFocus::Editor => (
                "Enter run  Alt-Enter new line  ↑↓ history  Esc leave the editor  Tab results",
                "Enter run  Esc leave  ↑↓ history",
            ),
            SqlFocus::Results => (
                "j/k move  T plain/DynamoDB JSON  e export  c consistency  i edit  Tab log  ? help  q quit",
                "j/k  T json  e export  i edit  ? help",
            ),
            SqlFocus::Log => (
                "j/k move  v code: aws/python/rust  y copy it  w transcript  Tab editor  ? help  q quit",
                "j/k  v code  y copy  w transcript",
            ),
        }
    }

    /// The screen came to the front: list the tables once (and describe the current one if
    /// it is not yet).
    pub fn on_enter(&mut self, session: &mut Session) -> Vec<Command> {
        if self.started || session.worker_dead.is_some() {
            return Vec::new();
        }
        self.started = true;
        let mut commands = vec![session.start(Job::Tables, "tables".into(), What::SqlTables)];
        // The table the app opened is described already (at connect): only another one is.
        let current = session.conn.table.clone();
        if !self.tables.contains_key(&current) {
            self.describing = Some(current.clone());
            commands.push(session.start(
                Job::DescribeTables(vec![current.clone()]),
                format!("describe {current}"),
                What::SqlDescribe,
            ));
        }
        commands
    }

    /// Pasted text goes into the statement.
    pub fn on_paste(&mut self, session: &mut Session, text: &str) -> Vec<Command> {
        if let Some((values, _)) = self.asking_params.as_mut() {
            values.push_str(text);
            return Vec::new();
        }
        if self.focus != SqlFocus::Editor {
            self.focus = SqlFocus::Editor;
        }
        self.editor.insert(text);
        self.replan(session)
    }

    /// A key.
    pub fn on_key(&mut self, session: &mut Session, key: KeyEvent) -> Vec<Command> {
        if let Some((mut text, plan)) = self.asking_params.take() {
            match key.code {
                KeyCode::Enter => return self.run_with(session, plan, Some(&text)),
                KeyCode::Esc => session.info("not run: nothing was sent"),
                KeyCode::Backspace => {
                    text.pop();
                    self.asking_params = Some((text, plan));
                }
                KeyCode::Char(c) => {
                    text.push(c);
                    self.asking_params = Some((text, plan));
                }
                _ => self.asking_params = Some((text, plan)),
            }
            return Vec::new();
        }
        if let Some(plan) = self.confirming.take() {
            if key.code == KeyCode::Char('y') {
                return self.run(session, plan);
            }
            session.info("not run: nothing was sent");
            return Vec::new();
        }
        match self.focus {
            SqlFocus::Editor => self.on_editor_key(session, key),
            SqlFocus::Results => self.on_results_key(session, key),
            SqlFocus::Log => self.on_log_key(session, key),
        }
    }

    fn on_editor_key(&mut self, session: &mut Session, key: KeyEvent) -> Vec<Command> {
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter if alt => self.editor.insert("\n"),
            KeyCode::Char('n' | 'j') if ctrl => self.editor.insert("\n"),
            KeyCode::Enter => return self.submit(session),
            KeyCode::Esc => {
                self.focus = SqlFocus::Results;
                return Vec::new();
            }
            KeyCode::Tab => {
                self.focus = SqlFocus::Results;
                return Vec::new();
            }
            KeyCode::BackTab => {
                self.focus = SqlFocus::Log;
                return Vec::new();
            }
            KeyCode::Char(c) if !ctrl => self.editor.insert(c.encode_utf8(&mut [0; 4])),
            KeyCode::Backspace => self.editor.backspace(),
            KeyCode::Delete => self.editor.delete(),
            KeyCode::Left => self.editor.left(),
            KeyCode::Right => self.editor.right(),
            KeyCode::Home => self.editor.home(),
            KeyCode::End => self.editor.end(),
            KeyCode::Up => self.editor.up(),
            KeyCode::Down => self.editor.down(),
            _ => return Vec::new(),
        }
        self.replan(session)
    }

    fn on_results_key(&mut self, session: &mut Session, key: KeyEvent) -> Vec<Command> {
        let len = self.results.len();
        let page = session_areas(session)
            .map_or(1, |a| usize::from(SqlAreas::rows(a.results).height))
            .max(1);
        if let Some(delta) = super::list::nav_delta(key.code, page) {
            self.cursor.move_by(delta, len, page);
            return Vec::new();
        }
        match key.code {
            KeyCode::Char('T') => self.ddb_json = !self.ddb_json,
            KeyCode::Char('c') => return self.toggle_consistency(session),
            KeyCode::Char('e') => return self.export_results(session),
            KeyCode::Char('i') | KeyCode::Enter => self.focus = SqlFocus::Editor,
            KeyCode::Tab => self.focus = SqlFocus::Log,
            KeyCode::BackTab | KeyCode::Esc => self.focus = SqlFocus::Editor,
            _ => {}
        }
        Vec::new()
    }

    /// `e` on the results: them, to `./TABLE-TIME.jsonl` in DynamoDB's export layout, as `e`
    /// writes what Explore holds (`import` reads it). The items are shared with the worker.
    fn export_results(&mut self, session: &mut Session) -> Vec<Command> {
        if let Some(err) = session.refuse_if_dead() {
            return err;
        }
        let table = self.measured.as_ref().map(|m| m.plan.table.clone());
        let Some(table) = table.filter(|_| !self.results.is_empty()) else {
            session.info("no results to export: run a statement that returns items first");
            return Vec::new();
        };
        vec![session.start(
            Job::ExportLoaded {
                table,
                items: crate::tui::msg::Loaded::Any(Arc::clone(&self.results)),
            },
            format!("export {} result(s)", self.results.len()),
            What::ExportLoaded,
        )]
    }

    fn on_log_key(&mut self, session: &mut Session, key: KeyEvent) -> Vec<Command> {
        match key.code {
            KeyCode::Tab | KeyCode::Esc | KeyCode::Char('i') => self.focus = SqlFocus::Editor,
            KeyCode::BackTab => self.focus = SqlFocus::Results,
            KeyCode::Char('c') => return self.toggle_consistency(session),
            KeyCode::Char('v') => session.cycle_code_form(),
            KeyCode::Char('y') => return session.copy_code(),
            _ => {
                let height = session_areas(session).map_or(1, |a| SqlAreas::rows(a.log).height);
                let (len, page) = (session.log.rows.len(), usize::from(height).max(1));
                if let Some(delta) = super::list::nav_delta(key.code, page) {
                    session.log.cursor.move_by(delta, len, page);
                }
            }
        }
        Vec::new()
    }

    fn toggle_consistency(&mut self, session: &mut Session) -> Vec<Command> {
        self.consistent = !self.consistent;
        session.info(if self.consistent {
            "SQL: strongly consistent reads (twice the RCU of eventual)"
        } else {
            "SQL: eventually consistent reads (half the RCU of strong)"
        });
        self.replan(session)
    }

    /// Works out what the statement will become; describes its table first when needed.
    pub fn replan(&mut self, session: &mut Session) -> Vec<Command> {
        let text = self.editor.text.trim();
        if text.is_empty() {
            self.plan = PlanState::Empty;
            return Vec::new();
        }
        let stmt = match partiql::parse(&self.editor.text) {
            Ok(s) => s,
            Err(e) => {
                self.plan = PlanState::Error(format!(
                    "does not parse: {e}\n{}",
                    e.pointer(&self.editor.text)
                ));
                return Vec::new();
            }
        };
        let name = stmt.table().to_owned();
        if let Some(desc) = self.tables.get(&name) {
            self.plan = match partiql::plan(&stmt, desc, self.consistent) {
                Ok(p) => PlanState::Ready(p),
                Err(e) => PlanState::Error(e),
            };
            return Vec::new();
        }
        if let Some(why) = self.failed.get(&name) {
            self.plan = PlanState::Error(format!("cannot describe {name}: {why}"));
            return Vec::new();
        }
        // Described only when the endpoint has it: not a describe per keystroke of a name.
        match &self.names {
            Some(names) if !names.contains(&name) => {
                self.plan = PlanState::Error(format!(
                    "no table {name:?} on this endpoint ({} table(s): {})",
                    names.len(),
                    names.iter().take(8).cloned().collect::<Vec<_>>().join(", ")
                ));
                Vec::new()
            }
            _ => self.describe(session, name),
        }
    }

    fn describe(&mut self, session: &mut Session, name: String) -> Vec<Command> {
        self.plan = PlanState::Describing(name.clone());
        // One at a time: the answer re-plans, which describes the name typed by then.
        if self.describing.is_some() || session.worker_dead.is_some() {
            return Vec::new();
        }
        self.describing = Some(name.clone());
        vec![session.start(
            Job::DescribeTables(vec![name.clone()]),
            format!("describe {name}"),
            What::SqlDescribe,
        )]
    }

    /// Enter: run, if the plan allows (a scan on AWS asks first).
    fn submit(&mut self, session: &mut Session) -> Vec<Command> {
        if let Some(err) = session.refuse_if_dead() {
            return err;
        }
        // Enter tries a table whose describe failed once more.
        self.failed.clear();
        let mut commands = self.replan(session);
        match self.plan.clone() {
            PlanState::Empty => session.info("type a statement first: nothing was sent"),
            PlanState::Error(e) => {
                session.error(format!("{}; nothing was sent", first_line(&e)));
            }
            PlanState::Describing(name) => {
                self.run_when_described = true;
                session.info(format!(
                    "describing {name} first: it runs once its keys are known"
                ));
            }
            PlanState::Ready(plan) => commands.extend(self.ask_or_run(session, plan)),
        }
        commands
    }

    fn ask_or_run(&mut self, session: &mut Session, plan: Plan) -> Vec<Command> {
        if plan.kind == PlanKind::Scan && session.conn.is_aws {
            session.info(format!(
                "a FULL TABLE SCAN of {}: estimated {} on AWS; y runs it",
                plan.target(),
                plan.estimate(self.consistent).unwrap_or_default()
            ));
            self.confirming = Some(plan);
            return Vec::new();
        }
        self.run(session, plan)
    }

    fn run(&mut self, session: &mut Session, plan: Plan) -> Vec<Command> {
        self.run_with(session, plan, None)
    }

    /// Runs the statement; `values`: the `?` values typed for it (a JSON array).
    fn run_with(
        &mut self,
        session: &mut Session,
        plan: Plan,
        values: Option<&str>,
    ) -> Vec<Command> {
        let write = plan.kind.is_write();
        if write && session.read_only {
            session.error("--read-only: this statement writes; nothing was sent");
            return Vec::new();
        }
        let text = self.editor.text.trim().to_owned();
        let stmt = match partiql::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                session.error(format!("does not parse: {e}; nothing was sent"));
                return Vec::new();
            }
        };
        let wanted = stmt.parameters();
        let params = match values {
            None if wanted > 0 => {
                session.info(format!(
                    "the statement has {wanted} `?`: type their values as a JSON array, Enter runs"
                ));
                self.asking_params = Some((String::new(), plan));
                return Vec::new();
            }
            None => Vec::new(),
            Some(text) => match crate::table::value::parse_plain_array(text) {
                Ok(p) if p.len() == wanted => p,
                Ok(p) => {
                    session.error(format!(
                        "the statement has {wanted} `?` and the array gives {}; nothing was sent",
                        p.len()
                    ));
                    return Vec::new();
                }
                Err(e) => {
                    session.error(format!("the values: {e}; nothing was sent"));
                    return Vec::new();
                }
            },
        };
        let rule = crate::table::sql::read_rule(&stmt, &plan);
        let mut commands = Vec::new();
        if self.editor.remember(&text) {
            commands.push(Command::SaveHistory(editor::history_line(&text)));
        }
        let job = Job::Sql(Box::new(Statement {
            text: text.clone(),
            params,
            consistent: self.consistent,
            write,
            deletes: plan.kind == PlanKind::Delete,
            max_pages: None,
            max_items: Some(MAX_RESULTS),
            limit: None,
            rule,
        }));
        let id = session.start(
            job,
            label(&text),
            What::Sql {
                plan: Box::new(plan),
            },
        );
        if let Command::Start { id, .. } = &id {
            self.running = Some(*id);
        }
        commands.push(id);
        commands
    }

    /// A final event for one of this screen's jobs.
    pub fn finish(
        &mut self,
        session: &mut Session,
        id: JobId,
        at: ClockTime,
        flight: InFlight,
        event: EventKind,
    ) -> Vec<Command> {
        match (flight.what, event) {
            (What::SqlTables, EventKind::TableNames(names)) => {
                self.names = Some(names);
                return self.replan(session);
            }
            (What::SqlDescribe, EventKind::Tables(tables)) => {
                self.describing = None;
                for t in tables {
                    self.tables.insert(t.name.clone(), t);
                }
                let mut commands = self.replan(session);
                if std::mem::take(&mut self.run_when_described)
                    && let PlanState::Ready(plan) = self.plan.clone()
                {
                    commands.extend(self.ask_or_run(session, plan));
                }
                return commands;
            }
            // Without the names, tables are described as they are typed.
            (What::SqlTables, EventKind::Failed(_)) => {}
            (What::SqlDescribe, EventKind::Failed(e)) => {
                // The one in flight failed: said for that name only, and the name typed by
                // now (if another) is described next.
                if let Some(name) = self.describing.take() {
                    self.failed.insert(name, e.to_string());
                }
                let commands = self.replan(session);
                if matches!(self.plan, PlanState::Error(_)) {
                    self.run_when_described = false;
                }
                return commands;
            }
            (What::Sql { plan }, EventKind::SqlDone(out)) => {
                if self.running == Some(id) {
                    self.running = None;
                }
                let answer = *out;
                self.show(session, at, flight.label, *plan, answer.out, answer.items);
            }
            (What::Sql { .. }, EventKind::Failed(e)) => {
                if self.running == Some(id) {
                    self.running = None;
                }
                let report = e
                    .partial_report()
                    .cloned()
                    .unwrap_or_else(|| crate::store::OpReport::new("sql"));
                session.error(format!("{} failed: {e}", flight.label));
                session.push_log(
                    at,
                    flight.label,
                    Outcome::Error(e.to_string()),
                    report,
                    true,
                );
            }
            _ => {}
        }
        Vec::new()
    }

    fn show(
        &mut self,
        session: &mut Session,
        at: ClockTime,
        label: String,
        plan: Plan,
        out: SqlOutput,
        items: Items,
    ) {
        let SqlOutput {
            pages,
            mut report,
            unreported_pages,
            next_token,
            ..
        } = out;
        let stopped = next_token.is_some();
        if stopped {
            report.param(
                "Stopped",
                format!(
                    "after {pages} page(s), {} items: the screen holds {MAX_RESULTS} at most \
                     (the CLI's sql reads every page)",
                    items.len()
                ),
            );
        }
        let count = items.len();
        report.param("Plan", plan_text(&plan, self.consistent));
        let measured = Measured {
            read: report.consumed.total.read,
            write: report.consumed.total.write,
            pages,
            items: count,
            plan: plan.clone(),
            unreported: unreported_pages,
            by_rule: (report.by_rule.not_computed == 0 && report.by_rule.calls > 0)
                .then_some(report.by_rule.rule.read),
        };
        session.info(format!(
            "{count} item(s) in {pages} page(s){}: {} RCU, {} WCU measured; estimated {}",
            if stopped {
                format!(", stopped past {MAX_RESULTS} (more pages left)")
            } else {
                String::new()
            },
            crate::fmt::units(measured.read),
            crate::fmt::units(measured.write),
            plan.estimate(self.consistent).unwrap_or_default()
        ));
        session.push_log(at, label.clone(), Outcome::Ok, report, true);
        if !plan.kind.is_write() {
            self.columns = self
                .tables
                .get(&plan.table)
                .map_or_else(Vec::new, |t| columns(t, &items));
            self.results = Arc::new(items);
            self.cursor = ListCursor::default();
            self.results_label = label;
        }
        self.measured = Some(measured);
    }
}

/// The screen's regions at the session's terminal size.
pub fn session_areas(session: &Session) -> Option<SqlAreas> {
    SqlAreas::of(session.screen())
}

/// The first line of a message.
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// A log label: `sql SELECT * FROM requests WHERE…`.
fn label(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = flat.chars().take(LABEL_CHARS).collect();
    if cut.len() < flat.len() {
        format!("sql {cut}…")
    } else {
        format!("sql {cut}")
    }
}

/// The plan in one line: `FULL TABLE SCAN of requests: estimated 500 RCU (eventual), $...`.
pub fn plan_text(plan: &Plan, consistent: bool) -> String {
    let key = plan
        .key_condition
        .as_ref()
        .map_or(String::new(), |k| format!(" where {k}"));
    let head = format!("{} of {}{key}", plan.what(), plan.target());
    match plan.estimate(consistent) {
        Some(estimate) => format!("{head}: estimated {estimate}"),
        None => head,
    }
}

#[cfg(test)]
mod tests;
