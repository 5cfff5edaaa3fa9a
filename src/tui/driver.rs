//! Drives an [`App`] the way the event loop does, for the unit tests, the snapshot tests,
//! the faults test and the frame benchmark: one copy of `press`, `typed` and `started`.
//! Not part of the app's behaviour; public only so that tests and benches outside the crate
//! can use it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::App;
use super::msg::{ClockTime, Command, EventKind, Job, JobId, Msg, WorkerEvent};

/// Presses a key (no modifiers).
pub fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Presses a character key.
pub fn key(app: &mut App, c: char) -> Vec<Command> {
    press(app, KeyCode::Char(c))
}

/// Types text key by key; returns every command it caused.
pub fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| key(app, c)).collect()
}

/// A worker event for job `id`, stamped `at` (seconds since the epoch).
pub fn event(app: &mut App, id: JobId, at: u64, kind: EventKind) -> Vec<Command> {
    app.update(Msg::Worker(Box::new(WorkerEvent {
        id,
        at: ClockTime(at),
        kind,
        sent: None,
    })))
}

/// The one job a command list starts; panics (a test failure) unless there is exactly one.
pub fn started(commands: &[Command]) -> (JobId, Job) {
    let starts: Vec<_> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Start { id, job } => Some((*id, job.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(starts.len(), 1, "exactly one job started: {commands:?}");
    starts.into_iter().next().expect("one start")
}
