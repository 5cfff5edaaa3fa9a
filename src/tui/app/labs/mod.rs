//! The Labs screen's state: the list of labs, the selected one, each lab's last result, and
//! the lab running now (its step, and whether Esc asked it to stop). Enter runs the selected
//! lab as a worker job; `A` runs every available lab, one after another; Esc cancels (the
//! runner still deletes the lab's scratch tables).

#[cfg(test)]
pub(crate) mod tests;

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::help::HelpSection;
use super::jobs::{InFlight, What};
use super::session::Session;
use crate::labs::{LabError, LabId, LabProgress, LabResult, Scale};
use crate::tui::msg::{ClockTime, Command, EventKind, Job, JobId};

/// What the last run of a lab left.
#[derive(Debug, Clone, PartialEq)]
pub enum LastRun {
    /// Its measured result.
    Done(LabResult),
    /// Why it gave none.
    Failed(LabError),
}

/// The lab running now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningLab {
    /// Its job.
    pub id: JobId,
    /// The lab.
    pub lab: LabId,
    /// The step it is on.
    pub step: String,
    /// Esc was pressed: waiting for it to stop and delete its tables.
    pub cancelling: bool,
}

/// The Labs screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Labs {
    /// Index into [`LabId::ALL`] of the highlighted lab.
    pub selected: usize,
    /// The last run of each lab.
    pub last: BTreeMap<LabId, LastRun>,
    /// The lab running now.
    pub running: Option<RunningLab>,
    /// Labs `A` queued after the running one.
    pub queue: Vec<LabId>,
    /// The scale labs run at (small: seconds on the embedded engine).
    pub scale: Scale,
    /// On AWS: the lab Enter was pressed on once; pressing it again confirms.
    pub confirming: Option<Vec<LabId>>,
}

impl Default for Labs {
    fn default() -> Self {
        Labs {
            selected: 0,
            last: BTreeMap::new(),
            running: None,
            queue: Vec::new(),
            scale: Scale::Small,
            confirming: None,
        }
    }
}

impl Labs {
    /// Its part of the help.
    pub const HELP: &'static [HelpSection] = &[HelpSection {
        title: "Labs",
        keys: &[
            ("↑ ↓ / j k", "pick a lab"),
            (
                "Enter",
                "run it on scratch tables of its own (created, then deleted)",
            ),
            ("A", "run every available lab, one after another"),
            (
                "Esc",
                "cancel the running lab (its scratch tables are still deleted)",
            ),
            (
                "s",
                "scale: small (seconds) or full (the sizes the labs are designed for)",
            ),
        ],
    }];

    /// The key hints: (full, short).
    pub fn hints(&self) -> (&'static str, &'static str) {
        if self.running.is_some() {
            return (
                "Esc cancel the lab (tables still deleted)  j/k pick  1 Explore  3 Cost  Ctrl-C quit",
                "Esc cancel  Ctrl-C quit",
            );
        }
        if self.confirming.is_some() {
            return (
                "Enter run on AWS (costs money)  any other key: don't",
                "Enter run on AWS  other key: no",
            );
        }
        (
            "j/k pick  Enter run  A run all  s scale  1 Explore  3 Cost  ? help  q quit",
            "Enter run  A all  ? help  q quit",
        )
    }

    /// The highlighted lab.
    pub fn selected_lab(&self) -> LabId {
        LabId::ALL[self.selected.min(LabId::ALL.len() - 1)]
    }

    /// A key on this screen.
    pub fn on_key(&mut self, session: &mut Session, key: KeyEvent) -> Vec<Command> {
        if let Some(labs) = self.confirming.take() {
            if key.code == KeyCode::Enter {
                return self.start_run(session, labs);
            }
            session.info("not run");
            return Vec::new();
        }
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(LabId::ALL.len() - 1);
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Home => self.selected = 0,
            KeyCode::End => self.selected = LabId::ALL.len() - 1,
            KeyCode::Esc => return self.cancel(session),
            KeyCode::Char('s') if self.running.is_none() => {
                self.scale = match self.scale {
                    Scale::Small => Scale::Full,
                    Scale::Full => Scale::Small,
                };
                session.info(format!("labs run at {} scale", self.scale.as_str()));
            }
            KeyCode::Enter => {
                let lab = self.selected_lab();
                return self.ask_or_run(session, vec![lab]);
            }
            KeyCode::Char('A') => return self.ask_or_run(session, LabId::ALL.to_vec()),
            _ => {}
        }
        Vec::new()
    }

    fn ask_or_run(&mut self, session: &mut Session, labs: Vec<LabId>) -> Vec<Command> {
        if let Some(running) = &self.running {
            session.info(format!(
                "{} is running: wait for it, or Esc to cancel it",
                running.lab.name()
            ));
            return Vec::new();
        }
        if session.conn.is_aws {
            session.info(format!(
                "on AWS labs write to scratch tables and cost money (`dynamo-explorer lab run {} --aws` prints the estimate): Enter again runs",
                labs.iter().map(|l| l.name()).collect::<Vec<_>>().join(" ")
            ));
            self.confirming = Some(labs);
            return Vec::new();
        }
        self.start_run(session, labs)
    }

    fn start_run(&mut self, session: &mut Session, mut labs: Vec<LabId>) -> Vec<Command> {
        if let Some(err) = session.refuse_if_dead() {
            return err;
        }
        if labs.is_empty() {
            return Vec::new();
        }
        let first = labs.remove(0);
        self.queue = labs;
        vec![self.start(session, first)]
    }

    fn start(&mut self, session: &mut Session, lab: LabId) -> Command {
        let command = session.start(
            Job::Lab {
                lab,
                scale: self.scale,
            },
            format!("lab {}", lab.name()),
            What::Lab { lab },
        );
        if let Command::Start { id, .. } = &command {
            self.running = Some(RunningLab {
                id: *id,
                lab,
                step: "starting".into(),
                cancelling: false,
            });
        }
        session.info(format!(
            "running lab {} at {} scale…",
            lab.name(),
            self.scale.as_str()
        ));
        command
    }

    fn cancel(&mut self, session: &mut Session) -> Vec<Command> {
        let Some(running) = self.running.as_mut().filter(|r| !r.cancelling) else {
            return Vec::new();
        };
        running.cancelling = true;
        self.queue.clear();
        session.info(format!(
            "cancelling lab {}: it stops after the call in flight, then deletes its scratch tables…",
            running.lab.name()
        ));
        vec![Command::Cancel(running.id)]
    }

    /// A lab moved to its next step.
    pub fn on_progress(&mut self, id: JobId, progress: LabProgress) {
        if let Some(r) = self.running.as_mut().filter(|r| r.id == id) {
            r.step = progress.step;
        }
    }

    /// A lab job's final event; starts the next queued lab, if any.
    pub fn finish(
        &mut self,
        session: &mut Session,
        id: JobId,
        _at: ClockTime,
        flight: InFlight,
        kind: EventKind,
    ) -> Vec<Command> {
        let What::Lab { lab } = flight.what else {
            return Vec::new();
        };
        if self.running.as_ref().is_some_and(|r| r.id == id) {
            self.running = None;
        }
        match kind {
            EventKind::LabDone(Ok(result)) => {
                session.info_from_worker(format!("lab {} done: {}", lab.name(), result.conclusion));
                self.last.insert(lab, LastRun::Done(*result));
            }
            EventKind::LabDone(Err(err)) => {
                let text = err.to_string();
                if err.cancelled() {
                    session.info(text);
                } else {
                    session.error(text);
                }
                let stop = err.cancelled();
                self.last.insert(lab, LastRun::Failed(err));
                if stop {
                    self.queue.clear();
                }
            }
            EventKind::Failed(err) => {
                session.error(format!("lab {} failed: {err}", lab.name()));
            }
            _ => {}
        }
        if self.queue.is_empty() {
            return Vec::new();
        }
        let next = self.queue.remove(0);
        vec![self.start(session, next)]
    }
}
