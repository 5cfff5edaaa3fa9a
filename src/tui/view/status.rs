//! The status line (the last result, hint or error: errors stay until a user action replaces
//! them) and the key hints for the focused pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::{App, Modal, Status};
use crate::tui::layout::Pane;

const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// Draws the two status lines.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let busy = app.busy() && app.worker_dead.is_none();
    let mut spans = Vec::new();
    if busy {
        spans.push(Span::styled(
            format!("{} ", SPINNER[app.spinner % SPINNER.len()]),
            Style::new().fg(Color::Yellow),
        ));
    }
    match &app.status {
        Some(Status::Info(text)) => spans.push(Span::raw(text.clone())),
        Some(Status::Error(text)) => spans.push(Span::styled(
            format!("error: {text}"),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        )),
        None => {}
    }
    let message = Line::from(spans);
    let width = usize::from(area.width);
    // An error must be readable: when it does not fit one line it takes the hints' line too.
    if matches!(app.status, Some(Status::Error(_))) && message.width() > width {
        frame.render_widget(Paragraph::new(message).wrap(Wrap { trim: true }), area);
        return;
    }
    let (long, short) = key_hints(app);
    let hints = if long.chars().count() <= width {
        long
    } else {
        short
    };
    let hints = Line::styled(hints, Style::new().fg(Color::DarkGray));
    frame.render_widget(Paragraph::new(vec![message, hints]), area);
}

/// The keys that matter right now: the full list, and a shorter one for narrow terminals.
fn key_hints(app: &App) -> (&'static str, &'static str) {
    if app.long_job.is_some() {
        return (
            "Esc cancel (what was done stays)  Ctrl-C cancel and quit",
            "Esc cancel  Ctrl-C cancel and quit",
        );
    }
    match &app.modal {
        Some(Modal::Help(_)) => {
            return (
                "j/k ↑ ↓ PgUp PgDn scroll  Esc / ? close help",
                "j/k scroll  Esc close",
            );
        }
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
        Some(Modal::Confirm(_)) => return ("y delete  n/Esc keep", "y delete  n/Esc keep"),
        None => {}
    }
    match app.focus {
        Pane::Requests => (
            "↑↓ move  Enter query  s next page  / query id  g generate  c consistency  Tab pane  ? help  q quit",
            "Enter query  s scan  / id  g generate  c read mode  Tab  ? help  q quit",
        ),
        Pane::Items => (
            "↑↓ move  Space select  a all  d delete selected  D delete request  r re-query  Tab pane  ? help  q quit",
            "Space select  a all  d delete  D delete all  r re-query  ? help  q quit",
        ),
        Pane::Log => (
            "↑↓ move: Detail shows the operation's parameters and per-call capacity  Tab pane  ? help  q quit",
            "↑↓ move: Detail shows parameters, per-call capacity  ? help",
        ),
    }
}
