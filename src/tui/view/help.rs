//! The `?` overlay: the keys of the screen in front, the global keys, and what the numbers
//! mean. It renders the app's [`HelpModel`]; how far it scrolls is the model's business.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::app::HelpModel;
use crate::tui::layout::help_popup;

/// The overlay's lines, unwrapped (each fits 78 columns).
fn lines(model: &HelpModel) -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = Vec::new();
    for section in &model.sections {
        lines.push(Line::styled(section.title, bold.fg(Color::Cyan)));
        for (key, what) in section.keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<16}"), bold),
                Span::raw(*what),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.extend(model.footnote.iter().map(|l| Line::raw(*l)));
    lines
}

/// Draws the help overlay, scrolled down by `scroll` lines (clamped).
pub fn draw(frame: &mut Frame, area: Rect, model: &HelpModel, scroll: u16) {
    let popup = help_popup(area);
    let max = model.max_scroll(area);
    let scroll = scroll.min(max);
    let title = match (scroll > 0, scroll < max) {
        (false, false) => " Keys (Esc or ? closes) ".to_string(),
        (up, down) => format!(
            " Keys (Esc or ? closes; {}{} j/k scroll) ",
            if up { "↑" } else { "" },
            if down { "↓ more," } else { "" }
        ),
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines(model))
            .scroll((scroll, 0))
            .block(Block::bordered().title(title)),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use crate::tui::app::{Cost, Explore, HelpModel, Labs};

    #[test]
    fn the_model_s_line_count_is_the_lines_drawn() {
        for screen in [Explore::HELP, Labs::HELP, Cost::HELP] {
            let model = HelpModel::for_screen(screen);
            assert_eq!(model.line_count(), super::lines(&model).len());
        }
    }
}
