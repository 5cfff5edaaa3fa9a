//! The Labs screen. The labs are not built yet: until they are, it says what it will hold.

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
        Line::styled("Labs: experiments that show how DynamoDB behaves", bold),
        Line::raw(""),
        Line::raw(
            "Planned here: one key runs an experiment on a scratch table of its own and shows a table of measured results (calls, items, RCU, WCU, latency, throttles), a chart, and a conclusion computed from the numbers: reads (eventual, strong, transactional), query vs scan, item size, paging, batching, partition key, GSIs, TTL vs delete, conditions and transactions, filters and projections.",
        ),
        Line::raw(""),
        Line::styled(
            "Not built yet, in the TUI or the CLI. Meanwhile 1 Explore shows the capacity of every call.",
            Style::new().fg(Color::Yellow),
        ),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Labs ")),
        area,
    );
}
