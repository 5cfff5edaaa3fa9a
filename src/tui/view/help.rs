//! The `?` overlay: every key, and what the numbers mean.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

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
                "wheel scrolls the pane under it; click focuses and picks a row",
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

/// Draws the help overlay.
pub fn draw(frame: &mut Frame, area: Rect) {
    let popup = centered(area, 90, 32);
    frame.render_widget(Clear, popup);
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
    lines.push(Line::raw(
        "RCU/WCU: capacity units DynamoDB reports for each call (ReturnConsumedCapacity). \
         r/u/t: retries / unprocessed items resent / throttled. Costs are estimates at \
         us-east-1 on-demand prices.",
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Keys (Esc or ? closes) ")),
        popup,
    );
}
