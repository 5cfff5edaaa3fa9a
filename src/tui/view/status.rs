//! The status line (the last result, hint or error: errors stay until a user action replaces
//! them) and the key hints of the screen in front (each screen says which keys matter).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::{App, Status};

const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// Draws the two status lines.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let session = &app.session;
    let busy = app.busy() && session.worker_dead.is_none();
    let mut spans = Vec::new();
    if busy {
        spans.push(Span::styled(
            format!("{} ", SPINNER[session.spinner % SPINNER.len()]),
            Style::new().fg(Color::Yellow),
        ));
    }
    match &session.status {
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
    if matches!(session.status, Some(Status::Error(_))) && message.width() > width {
        frame.render_widget(Paragraph::new(message).wrap(Wrap { trim: true }), area);
        return;
    }
    let (long, short) = app.hints();
    let hints = if long.chars().count() <= width {
        long
    } else {
        short
    };
    let hints = Line::styled(hints, Style::new().fg(Color::DarkGray));
    frame.render_widget(Paragraph::new(vec![message, hints]), area);
}
