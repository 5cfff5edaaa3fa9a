//! The Explore screen's state and keys: the Requests, Items and Log panes and their dialogs
//! (generate, query input, delete confirmation). Jobs it starts and the answers it handles
//! are in `jobs.rs`; the pane data in one file each beside this one.

pub mod any;
pub mod generate_form;
pub mod items;
mod jobs;
pub mod query_input;
pub mod requests;
#[cfg(test)]
pub(crate) mod tests;
mod ttl;

use ratatui::crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};

use self::any::ConfirmAny as ConfirmAnyRef;
use self::generate_form::GenerateForm;
use self::items::ItemsState;
use self::query_input::QueryInput;
use self::requests::RequestsState;
use super::help::HelpSection;
use super::list::ListCursor;
use super::session::Session;
use crate::request::schema::{RecordKey, RequestId};
use crate::tui::layout::Pane;
use crate::tui::msg::{Command, JobId};

/// Rows the mouse wheel moves.
const WHEEL_STEP: isize = 3;

/// A dialog over the panes; it gets the keys first.
#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    /// The generate form (also shows the progress while its job runs).
    Generate(GenerateForm),
    /// The `/` input line.
    Query(QueryInput),
    /// "Delete N items (~W WCU)?"
    Confirm(ConfirmDelete),
    /// The table picker (`t`).
    Tables(any::TablePicker),
    /// The query builder of a table of any key schema.
    Builder(any::QueryBuilder),
    /// A delete of items of any table, by key, waiting for `y`.
    ConfirmAny(any::ConfirmAny),
}

/// A delete waiting for `y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmDelete {
    /// The request.
    pub request_id: RequestId,
    /// Which records.
    pub target: DeleteTarget,
    /// Estimated WCU: each item's size rounded up to 1 KB, at least 1.
    pub write_units: u64,
}

/// What a delete removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteTarget {
    /// These records.
    Keys(Vec<RecordKey>),
    /// Every record of the request (this many are loaded in the Items pane).
    Request {
        /// Records loaded, for the estimate.
        loaded: usize,
    },
}

impl ConfirmDelete {
    /// Items it deletes (as far as is known).
    pub fn count(&self) -> usize {
        match &self.target {
            DeleteTarget::Keys(keys) => keys.len(),
            DeleteTarget::Request { loaded } => *loaded,
        }
    }
}

/// The Explore screen.
#[derive(Debug, Clone)]
pub struct Explore {
    /// The focused pane.
    pub focus: Pane,
    /// Strongly consistent reads for the next queries and scans.
    pub consistent: bool,
    /// Request ids.
    pub requests: RequestsState,
    /// Records of the current request.
    pub items: ItemsState,
    /// The open dialog.
    pub modal: Option<Modal>,
    /// The newest query: only its answer fills the Items pane.
    pub latest_query: Option<JobId>,
    /// What `r` re-runs.
    pub last_query: Option<RequestId>,
    /// The table, as described (any key schema); `None` until known.
    pub table: Option<crate::table::TableDesc>,
    /// The panes on a table that is not the request table.
    pub any: any::AnyState,
    /// On AWS, `E` was pressed once: the estimate was said, the next `E` exports.
    pub export_confirmed: bool,
}

impl Default for Explore {
    fn default() -> Self {
        Explore {
            focus: Pane::Requests,
            consistent: false,
            requests: RequestsState::default(),
            items: ItemsState::default(),
            modal: None,
            latest_query: None,
            export_confirmed: false,
            last_query: None,
            table: None,
            any: any::AnyState::default(),
        }
    }
}

impl Explore {
    /// Its part of the help.
    pub const HELP: &'static [HelpSection] = &[
        HelpSection {
            title: "Explore",
            keys: &[
                (
                    "Tab / Shift-Tab",
                    "focus the next / previous pane (Requests, Items, Log)",
                ),
                ("↑ ↓ / j k", "move; PgUp PgDn Home End jump"),
                (
                    "mouse",
                    "wheel scrolls the pane under it; a click picks a row",
                ),
                ("g", "generate requests (dialog)"),
                ("t", "pick a table of the endpoint (type filters)"),
                (
                    "T / e / E",
                    "item as DynamoDB JSON / export loaded items / the whole table (gauge; Esc stops)",
                ),
                ("/", "query a request by id (type or paste)"),
                ("s", "scan the next page of the table into Requests"),
                ("r", "re-run the last query"),
                (
                    "c",
                    "toggle eventual / strong reads (strong costs twice the RCU)",
                ),
            ],
        },
        HelpSection {
            title: "Requests",
            keys: &[
                ("Enter", "query the highlighted request"),
                (
                    "✓ ✗",
                    "every record found / some missing (by a query or a scan)",
                ),
            ],
        },
        HelpSection {
            title: "Items",
            keys: &[
                ("Space", "select / unselect the highlighted item"),
                ("a", "select all items (again: clear)"),
                ("d", "delete the selected items (asks first, says the WCU)"),
                ("D", "delete the whole request (asks first)"),
            ],
        },
        HelpSection {
            title: "Log",
            keys: &[
                (
                    "↑ ↓ / j k",
                    "the operation's call as code, parameters and per-call capacity in Detail",
                ),
                ("v", "the code as an aws CLI command, boto3 Python or Rust"),
                ("y", "copy that code to the clipboard (OSC 52)"),
                (
                    "w",
                    "write the session as Markdown to ./dynamo-explorer-TIME.md",
                ),
            ],
        },
        HelpSection {
            title: "Dialogs",
            keys: &[
                (
                    "Enter / Esc",
                    "confirm / close; Esc cancels a running generate or delete",
                ),
                ("y / n", "confirm or refuse a delete"),
            ],
        },
    ];

    /// The first commands: one scan page, so the screen is not empty.
    pub fn init(&mut self, session: &mut Session) -> Vec<Command> {
        if self.generic() {
            return self.scan_any(session, true);
        }
        self.scan(session)
    }

    /// A dialog is taking typed text: digits and `?` go to it, not to the global keys.
    pub fn typing(&self, session: &Session) -> bool {
        session.long_job.is_none()
            && matches!(
                self.modal,
                Some(
                    Modal::Generate(_)
                        | Modal::Query(_)
                        | Modal::Tables(_)
                        | Modal::Builder(_)
                        | Modal::ConfirmAny(ConfirmAnyRef {
                            typed_name: Some(_),
                            ..
                        })
                )
            )
    }

    /// Does `pane` have the keys (no dialog over it, no job's progress)?
    pub fn focused(&self, session: &Session, pane: Pane) -> bool {
        self.focus == pane && self.modal.is_none() && session.long_job.is_none()
    }

    /// A key for this screen (the router has handled the global ones).
    pub fn on_key(&mut self, session: &mut Session, key: KeyEvent) -> Vec<Command> {
        if let Some(job) = session.long_job.as_mut() {
            if key.code == KeyCode::Esc && !job.cancelling {
                job.cancelling = true;
                let id = job.id;
                session.info("cancelling: calls in flight finish, nothing new is sent…");
                return vec![Command::Cancel(id)];
            }
            return Vec::new();
        }
        match self.modal.take() {
            Some(Modal::Generate(form)) => self.on_generate_key(session, form, key),
            Some(Modal::Query(input)) => self.on_query_key(session, input, key),
            Some(Modal::Confirm(confirm)) => self.on_confirm_key(session, confirm, key),
            Some(Modal::Tables(picker)) => self.on_picker_key(session, picker, key),
            Some(Modal::Builder(b)) => self.on_builder_key(session, b, key),
            Some(Modal::ConfirmAny(c)) => self.on_confirm_any_key(session, c, key),
            None => {
                if key.code == KeyCode::Char('t') {
                    return self.open_picker(session);
                }
                if key.code == KeyCode::Char('e') {
                    return self.export_loaded(session);
                }
                if key.code == KeyCode::Char('E') {
                    return self.export_table(session);
                }
                if key.code == KeyCode::Esc
                    && let Some(g) = session.export.as_mut().filter(|g| !g.cancelling)
                {
                    g.cancelling = true;
                    let id = g.id;
                    session.info("cancelling the export: the file keeps whole lines");
                    return vec![Command::Cancel(id)];
                }
                if self.generic()
                    && let Some(commands) = self.on_any_key(session, key)
                {
                    return commands;
                }
                self.on_main_key(session, key)
            }
        }
    }

    fn on_main_key(&mut self, session: &mut Session, key: KeyEvent) -> Vec<Command> {
        if let Some(delta) = super::list::nav_delta(key.code, session.page(self.focus)) {
            self.move_pane(session, self.focus, delta);
            return Vec::new();
        }
        match key.code {
            KeyCode::Char('g') => {
                if let Some(err) = session.refuse_if_dead() {
                    return err;
                }
                if session.read_only {
                    session.error("--read-only: generate writes; nothing was sent");
                    return Vec::new();
                }
                self.modal = Some(Modal::Generate(GenerateForm::default()));
            }
            KeyCode::Char('/') => self.modal = Some(Modal::Query(QueryInput::default())),
            KeyCode::Char('c') => {
                self.consistent = !self.consistent;
                session.info(if self.consistent {
                    "strongly consistent reads from now on: twice the RCU of eventual"
                } else {
                    "eventually consistent reads from now on: half the RCU of strong"
                });
            }
            KeyCode::Char('s') => return self.scan(session),
            KeyCode::Char('v') if self.focus == Pane::Log => session.cycle_code_form(),
            KeyCode::Char('y') if self.focus == Pane::Log => return session.copy_code(),
            KeyCode::Char('r') => match self.last_query.clone() {
                Some(id) => return self.query(session, id, true, self.consistent),
                None => session
                    .info("no query to re-run yet: / types an id, Enter on a request reads it"),
            },
            KeyCode::Tab => self.focus = self.focus.next(),
            KeyCode::BackTab => self.focus = self.focus.prev(),
            KeyCode::Enter if self.focus == Pane::Requests => match self.requests.highlighted() {
                Some(row) => {
                    let id = row.request_id.clone();
                    return self.query(session, id, true, self.consistent);
                }
                None => session.info("no requests yet: g generates some, s scans the next page"),
            },
            KeyCode::Char(' ') => {
                if self.focus != Pane::Items {
                    session.info("Space selects an item in the Items pane: Tab there first");
                } else if self.items.is_empty() {
                    session.info("no items to select: query a request first");
                } else {
                    self.items.toggle_highlighted();
                }
            }
            KeyCode::Char('a') => {
                if self.items.is_empty() {
                    session.info("no items to select: query a request first");
                } else {
                    self.items.toggle_all();
                    session.info(format!(
                        "{} of {} items selected",
                        self.items.selected_count(),
                        self.items.len()
                    ));
                }
            }
            KeyCode::Char('d' | 'D') if session.read_only => {
                session.error("--read-only: deletes are refused; nothing was sent");
            }
            KeyCode::Char('d') => self.confirm_delete_selected(session),
            KeyCode::Char('D') => self.confirm_delete_request(session),
            _ => {}
        }
        Vec::new()
    }

    fn on_generate_key(
        &mut self,
        session: &mut Session,
        mut form: GenerateForm,
        key: KeyEvent,
    ) -> Vec<Command> {
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Enter => match form.spec() {
                Ok(spec) => {
                    form.error = None;
                    self.modal = Some(Modal::Generate(form));
                    return self.generate(session, spec);
                }
                Err(message) => form.error = Some(message),
            },
            KeyCode::Tab | KeyCode::Down => form.next_field(),
            KeyCode::BackTab | KeyCode::Up => form.prev_field(),
            KeyCode::Backspace => form.backspace(),
            KeyCode::Left | KeyCode::Right if form.field == generate_form::Field::Mix => {
                form.toggle_mix();
            }
            KeyCode::Char(c) => form.type_char(c),
            _ => {}
        }
        self.modal = Some(Modal::Generate(form));
        Vec::new()
    }

    fn on_query_key(
        &mut self,
        session: &mut Session,
        mut input: QueryInput,
        key: KeyEvent,
    ) -> Vec<Command> {
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Enter => match input.parse() {
                Ok(id) => return self.query(session, id, true, self.consistent),
                Err(message) => input.message = Some(message),
            },
            KeyCode::Backspace => input.backspace(),
            KeyCode::Char(c) => input.type_char(c),
            _ => {}
        }
        self.modal = Some(Modal::Query(input));
        Vec::new()
    }

    fn on_confirm_key(
        &mut self,
        session: &mut Session,
        confirm: ConfirmDelete,
        key: KeyEvent,
    ) -> Vec<Command> {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => self.delete(session, confirm),
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                session.info("nothing deleted");
                Vec::new()
            }
            _ => {
                self.modal = Some(Modal::Confirm(confirm));
                Vec::new()
            }
        }
    }

    /// Bracketed paste: into the open dialog, or, on the panes, as an id to look up.
    pub fn on_paste(&mut self, session: &Session, text: &str) -> Vec<Command> {
        if session.long_job.is_some() {
            return Vec::new();
        }
        let generic = self.generic();
        match self.modal.as_mut() {
            Some(Modal::Query(input)) => input.paste(text),
            Some(Modal::Generate(form)) => {
                for c in text.trim().chars() {
                    form.type_char(c);
                }
            }
            Some(Modal::Confirm(_) | Modal::ConfirmAny(_)) => {}
            Some(Modal::Tables(picker)) => picker.filter.push_str(text.trim()),
            Some(Modal::Builder(b)) => b.fields[b.field].push_str(text.trim()),
            None if generic => {}
            None => {
                let mut input = QueryInput::default();
                input.paste(text);
                self.modal = Some(Modal::Query(input));
            }
        }
        Vec::new()
    }

    /// The wheel scrolls the pane under the pointer; a click focuses it and picks a row.
    pub fn on_mouse(&mut self, session: &mut Session, mouse: MouseEvent) -> Vec<Command> {
        if self.modal.is_some() || session.long_job.is_some() {
            return Vec::new();
        }
        let Some(areas) = session.areas() else {
            return Vec::new();
        };
        let Some(pane) = areas.pane_at(mouse.column, mouse.row) else {
            return Vec::new();
        };
        match mouse.kind {
            MouseEventKind::ScrollDown => self.move_pane(session, pane, WHEEL_STEP),
            MouseEventKind::ScrollUp => self.move_pane(session, pane, -WHEEL_STEP),
            MouseEventKind::Down(MouseButton::Left) => {
                self.focus = pane;
                if let Some(row) = areas.row_at(pane, mouse.column, mouse.row) {
                    let page = areas.page(pane);
                    let len = self.pane_len(session, pane);
                    let cursor = self.cursor_mut(session, pane);
                    let index = cursor.window(len, page).start + row;
                    if index < len {
                        cursor.select(index, len, page);
                    }
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// The key hints for the status line: (full, short).
    pub fn hints(&self, session: &Session) -> (&'static str, &'static str) {
        if session.long_job.is_some() {
            return (
                "Esc cancel (what was done stays)  1-3 screens  Ctrl-C cancel and quit",
                "Esc cancel  Ctrl-C cancel and quit",
            );
        }
        match &self.modal {
            Some(Modal::Generate(_)) => {
                return (
                    "digits type  Backspace delete  Tab/↓ next field  Space/←/→ mix  Enter start  Esc close",
                    "Tab/↓ field  Space mix  Enter start  Esc close",
                );
            }
            Some(Modal::Query(_)) => {
                return (
                    "type or paste an id  Enter query  Esc cancel",
                    "Enter query  Esc cancel",
                );
            }
            Some(Modal::Confirm(_) | Modal::ConfirmAny(_)) => {
                return ("y delete  n/Esc keep", "y delete  n/Esc keep");
            }
            Some(Modal::Tables(_)) => {
                return (
                    "type to filter  ↑↓ move  Enter open  Esc close",
                    "type filter  Enter open  Esc",
                );
            }
            Some(Modal::Builder(_)) => {
                return (
                    "type  Tab/↓ next field  Enter query  Esc close",
                    "Tab field  Enter query  Esc",
                );
            }
            None => {}
        }
        if self.generic() {
            return match (self.focus, session.read_only) {
                (Pane::Requests, _) => (
                    "↑↓ move  Enter query partition  s next page  / query builder  t tables  c consistency  Tab pane  ? help  q quit",
                    "Enter query  s scan  / builder  t tables  ? help  q quit",
                ),
                (Pane::Items, false) => (
                    "↑↓ move  Space select  a all  d delete selected  T DynamoDB JSON  / builder  t tables  ? help  q quit",
                    "Space select  d delete  T types  / builder  t tables  q quit",
                ),
                (Pane::Items, true) => (
                    "↑↓ move  T DynamoDB JSON  / query builder  t tables  Tab pane  ? help  q quit",
                    "T types  / builder  t tables  ? help  q quit",
                ),
                (Pane::Log, _) => (
                    "↑↓ move: Detail shows the operation as code  v aws/python/rust  y copy  w transcript  Tab pane  ? help  q quit",
                    "↑↓ move  v code form  y copy  w transcript  ? help",
                ),
            };
        }
        if session.read_only && self.focus != Pane::Log {
            return (
                "↑↓ move  Enter query  s next page  / query id  t tables  c consistency  Tab pane  ? help  q quit  (read-only)",
                "Enter query  s scan  / id  t tables  ? help  q quit  (read-only)",
            );
        }
        match self.focus {
            Pane::Requests => (
                "↑↓ move  Enter query  s next page  / query id  g generate  t tables  c consistency  Tab pane  ? help  q quit",
                "Enter query  s scan  / id  g generate  c read mode  Tab  ? help  q quit",
            ),
            Pane::Items => (
                "↑↓ move  Space select  a all  d delete selected  D delete request  r re-query  Tab pane  ? help  q quit",
                "Space select  a all  d delete  D delete all  r re-query  ? help  q quit",
            ),
            Pane::Log => (
                "↑↓ move: Detail shows the operation as code  v aws/python/rust  y copy  w transcript  Tab pane  ? help  q quit",
                "↑↓ move  v code form  y copy  w transcript  ? help",
            ),
        }
    }

    // ----- moving -----

    fn pane_len(&self, session: &Session, pane: Pane) -> usize {
        match pane {
            Pane::Requests if self.generic() => self.any.partitions.len(),
            Pane::Items if self.generic() => self.any.items.len(),
            Pane::Requests => self.requests.len(),
            Pane::Items => self.items.len(),
            Pane::Log => session.log.rows.len(),
        }
    }

    // The log's cursor lives with the log in the session: Explore is the screen that shows it.
    fn cursor_mut<'a>(&'a mut self, session: &'a mut Session, pane: Pane) -> &'a mut ListCursor {
        let generic = self.generic();
        match pane {
            Pane::Requests if generic => &mut self.any.cursor,
            Pane::Items if generic => &mut self.any.items_cursor,
            Pane::Requests => &mut self.requests.cursor,
            Pane::Items => &mut self.items.cursor,
            Pane::Log => &mut session.log.cursor,
        }
    }

    fn move_pane(&mut self, session: &mut Session, pane: Pane, delta: isize) {
        let (len, page) = (self.pane_len(session, pane), session.page(pane));
        self.cursor_mut(session, pane).move_by(delta, len, page);
    }

    /// Keeps every cursor inside its list after the terminal changed size.
    pub fn clamp_cursors(&mut self, session: &mut Session) {
        for pane in Pane::ORDER {
            let (len, page) = (self.pane_len(session, pane), session.page(pane));
            self.cursor_mut(session, pane).clamp(len, page);
        }
    }
}
