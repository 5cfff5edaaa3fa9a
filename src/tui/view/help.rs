//! The `?` overlay: every key, and what the numbers mean.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;

/// Every key the app knows, grouped, as (keys, what they do).
pub const KEYS: &[(&str, &[(&str, &str)])] = &[
    (
        "Anywhere",
        &[
            (
                "Tab / Shift-Tab",
                "focus the next / previous pane (Requests, Items, Log)",
            ),
            ("↑ ↓ / j k", "move; PgUp PgDn Home End jump"),
            (
                "mouse",
                "wheel scrolls the pane under it; a click picks a row",
            ),
            ("g", "generate requests (dialog)"),
            ("/", "query a request by id (type or paste)"),
            ("s", "scan the next page of the table into Requests"),
            ("r", "re-run the last query"),
            (
                "c",
                "toggle eventual / strong reads (strong costs twice the RCU)",
            ),
            ("?", "this help"),
            ("q / Ctrl-C", "quit (Ctrl-C also cancels a running job)"),
        ],
    ),
    ("Requests", &[("Enter", "query the highlighted request")]),
    (
        "Items",
        &[
            ("Space", "select / unselect the highlighted item"),
            ("a", "select all items (again: clear)"),
            ("d", "delete the selected items (asks first, says the WCU)"),
            ("D", "delete the whole request (asks first)"),
        ],
    ),
    (
        "Log",
        &[(
            "↑ ↓ / j k",
            "the operation's parameters and per-call capacity in Detail",
        )],
    ),
    (
        "Dialogs",
        &[
            (
                "Enter / Esc",
                "confirm / close; Esc cancels a running generate or delete",
            ),
            ("y / n", "confirm or refuse a delete"),
        ],
    ),
];

/// What the numbers in the log mean; lines short enough for an 80-column terminal.
const FOOTNOTE: &[&str] = &[
    "RCU/WCU: capacity units DynamoDB reports per call (ReturnConsumedCapacity).",
    "r/u/t: retries / unprocessed items resent / throttled.",
    "Costs are estimates at us-east-1 on-demand prices.",
];

/// The overlay's lines, unwrapped (each fits 78 columns).
fn lines() -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = Vec::new();
    for (group, keys) in KEYS {
        lines.push(Line::styled(*group, bold.fg(Color::Cyan)));
        for (key, what) in *keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<16}"), bold),
                Span::raw(*what),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.extend(FOOTNOTE.iter().map(|l| Line::raw(*l)));
    lines
}

fn popup(area: Rect) -> Rect {
    centered(area, 90, 34)
}

/// How many lines `lines()` makes, without building them: group headings, keys, a blank
/// line and the footnote.
fn line_count() -> usize {
    KEYS.iter().map(|(_, keys)| 1 + keys.len()).sum::<usize>() + 1 + FOOTNOTE.len()
}

/// Lines the overlay shows at once at this screen size.
pub fn page(area: Rect) -> u16 {
    popup(area).height.saturating_sub(2)
}

/// How far the overlay can scroll at this screen size (0 when everything fits).
pub fn max_scroll(area: Rect) -> u16 {
    line_count().saturating_sub(usize::from(page(area))) as u16
}

/// Draws the help overlay, scrolled down by `scroll` lines (clamped).
pub fn draw(frame: &mut Frame, area: Rect, scroll: u16) {
    let popup = popup(area);
    let max = max_scroll(area);
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
        Paragraph::new(lines())
            .scroll((scroll, 0))
            .block(Block::bordered().title(title)),
        popup,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_line_count_is_the_lines_made() {
        assert_eq!(super::line_count(), super::lines().len());
    }
}
