//! The `/` input line: a request id typed or pasted; a bad id is explained here and nothing
//! is sent.

use ratatui::Frame;
use ratatui::layout::{Margin, Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::app::explore::query_input::QueryInput;
use crate::tui::app::read_mode;

/// Draws the input line near the top of the screen.
pub fn draw(frame: &mut Frame, area: Rect, input: &QueryInput, consistent: bool) {
    let width = area.width.min(80);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height.min(3),
        width,
        5.min(area.height.saturating_sub(area.height.min(3))),
    );
    if popup.height < 3 {
        return;
    }
    frame.render_widget(Clear, popup);
    let title = format!(" Query a request ({} read) ", read_mode(consistent));
    let inner = popup.inner(Margin::new(1, 1));
    let prompt = "request id: ";
    // Show the end of a long id: that is where the cursor is.
    let room = usize::from(inner.width).saturating_sub(prompt.len() + 1);
    let count = input.text.chars().count();
    let shown: String = input
        .text
        .chars()
        .skip(count.saturating_sub(room))
        .collect();
    let mut lines = vec![Line::from(vec![
        Span::styled(prompt, Style::new().fg(Color::Cyan)),
        Span::raw(shown.clone()),
    ])];
    match &input.message {
        Some(m) => lines.push(Line::styled(m.clone(), Style::new().fg(Color::Red))),
        None => lines.push(Line::styled(
            "Enter query  Esc cancel",
            Style::new().fg(Color::DarkGray),
        )),
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(title)
                .border_style(Style::new().fg(Color::Cyan)),
        ),
        popup,
    );
    let pos = Position::new(
        inner.x + (prompt.len() + shown.chars().count()) as u16,
        inner.y,
    );
    if inner.contains(pos) {
        frame.set_cursor_position(pos);
    }
}
