//! The tab bar: the app's name and one tab per screen, the one in front highlighted, and a
//! marker on Explore while its generate or delete runs behind another screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, ScreenId};

/// Draws the tab bar into `area` (one line).
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let mut spans = vec![Span::styled(
        "dynamo-explorer ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let job_running = app.session.long_job.is_some();
    for screen in ScreenId::ALL {
        let mut text = format!(" {} {} ", screen.number(), screen.title());
        if screen == ScreenId::Explore && job_running && app.screen != ScreenId::Explore {
            // Its job keeps running while the user looks elsewhere.
            text = format!(" {} {} ◐ ", screen.number(), screen.title());
        }
        let style = if screen == app.screen {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(Color::Gray)
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
