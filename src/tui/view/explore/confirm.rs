//! The delete confirmation (how many items, about how many WCU) and the progress of a
//! running delete.

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::generate_dialog;
use crate::tui::app::{ConfirmDelete, DeleteTarget, LongJob, What};
use crate::tui::view::{centered, thousands};

/// Draws "Delete N items?".
pub fn draw(frame: &mut Frame, area: Rect, confirm: &ConfirmDelete) {
    let popup = centered(area, 68, 10);
    frame.render_widget(Clear, popup);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let n = confirm.count();
    let mut lines = match &confirm.target {
        DeleteTarget::Keys(_) => vec![
            Line::styled(
                format!(
                    "Delete {} selected item{} of request",
                    thousands(n as u64),
                    if n == 1 { "" } else { "s" }
                ),
                bold,
            ),
            Line::raw(confirm.request_id.to_string()),
            Line::raw(""),
            Line::raw(format!(
                "About {} WCU: one BatchWriteItem DeleteRequest per item, each item's size rounded up to 1 KB.",
                thousands(confirm.write_units)
            )),
        ],
        DeleteTarget::Request { loaded } => vec![
            Line::styled("Delete the whole request", bold),
            Line::raw(confirm.request_id.to_string()),
            Line::raw(""),
            Line::raw(format!(
                "{} records loaded: about {} WCU, plus a strongly consistent keys-only Query to find every record.",
                thousands(*loaded as u64),
                thousands(confirm.write_units)
            )),
        ],
    };
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "y delete    n / Esc keep",
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    ));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(" Delete? ")
                .border_style(Style::new().fg(Color::Red)),
        ),
        popup,
    );
}

/// Draws the progress of a running delete.
pub fn draw_progress(frame: &mut Frame, area: Rect, job: &LongJob, what: &What) {
    let popup = centered(area, 72, 5 + generate_dialog::CHART_HEIGHT);
    frame.render_widget(Clear, popup);
    let title = match what {
        What::Delete {
            request_id,
            whole: true,
            ..
        } => format!(
            " Deleting request {} ",
            crate::tui::app::short_id(request_id)
        ),
        What::Delete {
            request_id, count, ..
        } => format!(
            " Deleting {count} item(s) of {} ",
            crate::tui::app::short_id(request_id)
        ),
        _ => " Deleting ".to_owned(),
    };
    frame.render_widget(
        Block::bordered()
            .title(title)
            .border_style(Style::new().fg(Color::Red)),
        popup,
    );
    generate_dialog::progress(frame, popup.inner(Margin::new(1, 1)), job);
}
