//! The Cost screen. The cost model is not built yet: until it is, it says what it will hold.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::tui::app::App;

/// Draws the screen's body.
pub fn draw(frame: &mut Frame, area: Rect, _app: &App) {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let lines = vec![
        Line::styled(
            "Cost: the monthly bill of the request table in production",
            bold,
        ),
        Line::raw(""),
        Line::raw(
            "Planned here: requests per day, records per request, record size (measured from this table), reads, retention, TTL or explicit deletes, an index, capacity mode as fields; the bill line by line with its formula, on-demand against provisioned, and which input moves the total most.",
        ),
        Line::raw(""),
        Line::styled(
            "Not built yet, in the TUI or the CLI. Meanwhile the Operations log on 1 Explore prices each call.",
            Style::new().fg(Color::Yellow),
        ),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Cost ")),
        area,
    );
}
