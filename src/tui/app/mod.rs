//! The app's state and its one way to change: [`App::update`], a pure function of the state
//! and a [`Msg`] that returns the [`Command`]s to carry out. No I/O, no clock, no terminal:
//! every behaviour is unit-tested by feeding messages (see `explore/tests.rs`, `tests.rs`).
//!
//! `App` is a router. It handles the global keys (`1`-`3` and `F1`-`F3` switch screens, `?`
//! help, `q` and Ctrl-C quit) in [`App::update`] and nowhere else, and hands everything else
//! to the screen in front. Each screen owns its state, keys and help, one folder each:
//! `explore/` (requests, items, log and their dialogs), `labs/`, `cost/`. What all screens
//! share (connection, log, status line, jobs in flight) is the [`Session`] (`session.rs`).

pub mod cost;
pub mod explore;
pub mod flow;
pub mod help;
pub mod jobs;
pub mod labs;
pub mod list;
pub mod oplog;
pub mod screen;
pub mod session;
pub mod sql;
#[cfg(test)]
mod tests;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use self::cost::Cost;
pub use self::explore::{ConfirmDelete, DeleteTarget, Explore, Modal};
pub use self::help::HelpModel;
pub use self::jobs::{InFlight, LongJob, What};
pub use self::labs::Labs;
pub use self::screen::ScreenId;
pub use self::session::{ConnInfo, Session, Status};
pub use self::sql::Sql;
use super::msg::{Command, EventKind, Msg, WorkerEvent};
use crate::request::schema::RequestId;

/// Everything on screen.
#[derive(Debug, Clone)]
pub struct App {
    /// What every screen shares.
    pub session: Session,
    /// The screen in front.
    pub screen: ScreenId,
    /// Screen 1.
    pub explore: Explore,
    /// Screen 2.
    pub labs: Labs,
    /// Screen 3.
    pub cost: Cost,
    /// Screen 4.
    pub sql: Sql,
    /// The `?` overlay, scrolled down by this many lines.
    pub help: Option<u16>,
}

impl App {
    /// A fresh app for a connection, at a terminal size.
    pub fn new(conn: ConnInfo, size: (u16, u16)) -> Self {
        let mut session = Session::new(conn, size);
        session.info(
            "g generates requests, / queries one by id, 1-3 switch screens, ? lists every key",
        );
        App {
            session,
            screen: ScreenId::Explore,
            explore: Explore::default(),
            labs: Labs::default(),
            cost: Cost::default(),
            sql: Sql::default(),
            help: None,
        }
    }

    /// The first commands: one scan page, so the Explore screen is not empty.
    pub fn init(&mut self) -> Vec<Command> {
        self.explore.init(&mut self.session)
    }

    /// Something the user is waiting for is running.
    pub fn busy(&self) -> bool {
        self.session.busy()
    }

    /// What `?` shows on the screen in front.
    pub fn help_model(&self) -> HelpModel {
        HelpModel::for_screen(match self.screen {
            ScreenId::Explore => Explore::HELP,
            ScreenId::Labs => Labs::HELP,
            ScreenId::Cost => Cost::HELP,
            ScreenId::Sql => Sql::HELP,
        })
    }

    /// The status line's key hints for the screen in front: (full, short).
    pub fn hints(&self) -> (&'static str, &'static str) {
        if self.help.is_some() {
            return (
                "j/k ↑ ↓ PgUp PgDn scroll  Esc / ? close help",
                "j/k scroll  Esc close",
            );
        }
        match self.screen {
            ScreenId::Explore => self.explore.hints(&self.session),
            ScreenId::Labs => self.labs.hints(),
            ScreenId::Cost => self.cost.hints(),
            ScreenId::Sql => self.sql.hints(),
        }
    }

    /// Is the screen in front taking typed text (so `1`, `?` and `q` are text, not keys)?
    fn typing(&self) -> bool {
        match self.screen {
            ScreenId::Explore => self.explore.typing(&self.session),
            ScreenId::Cost => self.cost.typing(),
            ScreenId::Sql => self.sql.typing(),
            ScreenId::Labs => false,
        }
    }

    /// The one way state changes.
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => match self.screen {
                _ if self.help.is_some() => Vec::new(),
                ScreenId::Explore => self.explore.on_paste(&self.session, &text),
                ScreenId::Sql => self.sql.on_paste(&mut self.session, &text),
                ScreenId::Labs | ScreenId::Cost => Vec::new(),
            },
            Msg::Mouse(mouse) => match self.screen {
                _ if self.help.is_some() => Vec::new(),
                ScreenId::Explore => self.explore.on_mouse(&mut self.session, mouse),
                ScreenId::Cost => self.cost.on_mouse(mouse, self.session.screen()),
                ScreenId::Labs | ScreenId::Sql => Vec::new(),
            },
            Msg::Resize(w, h) => {
                self.session.size = (w, h);
                self.explore.clamp_cursors(&mut self.session);
                Vec::new()
            }
            Msg::Tick => {
                self.session.spinner = self.session.spinner.wrapping_add(1);
                Vec::new()
            }
            Msg::Clock(now) => {
                self.explore.items.set_clock(now);
                Vec::new()
            }
            Msg::Worker(event) => self.on_worker(*event),
            Msg::TranscriptWritten(written) => {
                self.session.transcript_written(written);
                Vec::new()
            }
            Msg::WorkerDied(why) => {
                let s = &mut self.session;
                s.worker_dead = Some(why.clone());
                s.in_flight.clear();
                s.long_job = None;
                s.error(format!("worker died: {why}. Nothing more can run; q quits"));
                self.explore.on_worker_died();
                Vec::new()
            }
        }
    }

    // ----- the global keys, handled here and nowhere else -----

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            // Ctrl-C arrives as a key in raw mode: stop running jobs, then leave.
            let mut commands: Vec<Command> = self
                .session
                .long_job
                .as_ref()
                .map(|job| Command::Cancel(job.id))
                .into_iter()
                .collect();
            commands.push(Command::Quit);
            return commands;
        }
        if let Some(scroll) = self.help.take() {
            return self.on_help_key(scroll, key);
        }
        let typing = self.typing();
        if let Some(screen) = ScreenId::for_key(key.code, typing) {
            return self.switch_to(screen);
        }
        if !typing {
            match key.code {
                KeyCode::Char('?') => {
                    self.help = Some(0);
                    return Vec::new();
                }
                KeyCode::Char('w') if matches!(self.screen, ScreenId::Explore | ScreenId::Sql) => {
                    return self.session.transcript();
                }
                KeyCode::Char('q') => {
                    if let Some((_, what)) = self.session.long_job_context() {
                        let running = what.operation_name();
                        self.session.info(format!(
                            "a {running} is running: Esc on 1 Explore cancels it, Ctrl-C cancels and quits"
                        ));
                        return Vec::new();
                    }
                    return vec![Command::Quit];
                }
                _ => {}
            }
        }
        match self.screen {
            ScreenId::Explore => self.explore.on_key(&mut self.session, key),
            ScreenId::Labs => self.labs.on_key(&mut self.session, key),
            ScreenId::Cost => self.cost.on_key(key),
            ScreenId::Sql => self.sql.on_key(&mut self.session, key),
        }
    }

    fn on_help_key(&mut self, scroll: u16, key: KeyEvent) -> Vec<Command> {
        let screen = self.session.screen();
        let max = self.help_model().max_scroll(screen);
        let page = super::layout::help_page(screen).max(1);
        let scroll = match key.code {
            KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::Enter => return Vec::new(),
            KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => scroll.saturating_add(page),
            KeyCode::PageUp => scroll.saturating_sub(page),
            KeyCode::Home => 0,
            KeyCode::End => max,
            _ => scroll,
        };
        self.help = Some(scroll.min(max));
        Vec::new()
    }

    fn switch_to(&mut self, screen: ScreenId) -> Vec<Command> {
        if screen == self.screen {
            return Vec::new();
        }
        // An edit ends with its screen: back on Cost, digits switch screens until Enter.
        self.cost.editing = false;
        self.screen = screen;
        if screen == ScreenId::Cost && self.explore.generic() {
            self.session.info(format!(
                "the cost model prices the request table (request_id S + seq N); {} has other keys, \
                 so it measures nothing here",
                self.session.conn.table
            ));
        }
        if screen == ScreenId::Cost {
            // Price what was read: the records in the Items pane are this table's.
            // Measured once per loaded request: converting its records is not free.
            let items = &self.explore.items;
            let loaded = items.request_id.clone().map(|id| (id, items.len()));
            if loaded.is_some() && loaded != self.cost.measured_from {
                if let Some(sizes) = cost::explored_sizes(&items.records, &items.sizes) {
                    self.cost.measured(sizes);
                }
                self.cost.measured_from = loaded;
            }
        }
        // Leaving a running job behind is fine: say where it is.
        if screen != ScreenId::Explore
            && let Some((_, what)) = self.session.long_job_context()
        {
            let running = what.operation_name();
            self.session.info(format!(
                "a {running} is running on 1 Explore: its progress is there"
            ));
        }
        if screen == ScreenId::Sql {
            return self.sql.on_enter(&mut self.session);
        }
        Vec::new()
    }

    // ----- worker events -----

    fn on_worker(&mut self, event: WorkerEvent) -> Vec<Command> {
        let WorkerEvent { id, at, kind, sent } = event;
        // The calls of a job's final event go with the log row it adds.
        self.session.incoming_sent = sent;
        self.explore.items.set_clock(at);
        let s = &mut self.session;
        match kind {
            EventKind::TtlSwept(result) => {
                self.explore.ttl_swept(s, at, result);
                Vec::new()
            }
            EventKind::Planned(planned) => {
                if let Some(InFlight {
                    what: What::Generate { planned: p, .. },
                    ..
                }) = s.in_flight.get_mut(&id)
                {
                    if let Some(job) = s.long_job.as_mut().filter(|j| j.id == id) {
                        let counts: Vec<u32> = planned.iter().map(|r| r.records).collect();
                        job.limit_wcu = flow::limit_rate(&s.limits, &counts);
                    }
                    *p = planned;
                }
                Vec::new()
            }
            EventKind::ExportProgress { items, pages, rcu } => {
                if let Some(g) = s.export.as_mut().filter(|g| g.id == id) {
                    (g.items, g.pages, g.rcu) = (items, pages, rcu);
                }
                Vec::new()
            }
            EventKind::LabStep(progress) => {
                self.labs.on_progress(id, progress);
                Vec::new()
            }
            EventKind::Progress(progress) => {
                if let Some(job) = s.long_job.as_mut().filter(|j| j.id == id) {
                    job.progress = Some(progress.progress);
                    job.flow.push(&progress);
                }
                Vec::new()
            }
            final_event => {
                // Unknown: the worker died before, or a second final event for a job that
                // already answered (a query superseded as its answer was on its way).
                let Some(flight) = s.in_flight.remove(&id) else {
                    return Vec::new();
                };
                if s.long_job.as_ref().is_some_and(|j| j.id == id) {
                    s.long_job = None;
                }
                match flight.what {
                    What::Lab { .. } => self.labs.finish(s, id, at, flight, final_event),
                    What::SqlTables | What::SqlDescribe | What::Sql { .. } => {
                        self.sql.finish(s, id, at, flight, final_event)
                    }
                    _ => self.explore.finish(s, id, at, flight, final_event),
                }
            }
        }
    }
}

/// `eventual` or `strong`.
pub fn read_mode(consistent: bool) -> &'static str {
    if consistent { "strong" } else { "eventual" }
}

/// The first 8 characters of an id, for log labels.
pub fn short_id(id: &RequestId) -> String {
    let s = id.as_str();
    match s.char_indices().nth(8) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
