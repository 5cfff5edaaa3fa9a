//! The Items pane: the records of the current request with their size as DynamoDB counts it.
//! Only the rows that fit are built, so 100,000 loaded records draw as fast as 10. Records
//! past their `expires_at` are dimmed, their expires_at reads "expired", and the footer
//! counts them: reads return them until TTL deletes them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table,
};

use crate::request::schema::RequestId;
use crate::tui::app::explore::items::ItemsState;
use crate::tui::app::{App, read_mode, short_id};
use crate::tui::layout::{Areas, Pane};
use crate::tui::view::{fit, heading, highlight, pane_block, thousands};

/// Below this inner width created_at and expires_at are left out for the payload's sake.
const WIDE: u16 = 60;

/// Draws the Items pane.
pub fn draw(frame: &mut Frame, areas: &Areas, app: &App) {
    let area = areas.items;
    let is_focused = app.explore.focused(&app.session, Pane::Items);
    let items = &app.explore.items;
    let note = app.explore.querying(&app.session).map(|id| {
        if items.request_id.as_ref() == Some(id) {
            "refreshing… ".to_owned()
        } else {
            format!("loading {}… ", fit(id.as_str(), 13))
        }
    });
    let mut title = vec![Span::raw(" Items ")];
    if let Some(id) = &items.request_id {
        let room = usize::from(area.width.saturating_sub(2))
            .saturating_sub(7 + note.as_ref().map_or(0, |n| n.chars().count()));
        let (id, verdict) = id_and_verdict(items, id, room);
        title.push(Span::styled(id, Style::new().add_modifier(Modifier::BOLD)));
        if let Some((text, color)) = verdict {
            title.push(Span::styled(text, Style::new().fg(color)));
        }
    }
    if let Some(note) = note {
        title.push(Span::styled(note, Style::new().fg(Color::Yellow)));
    }
    let mut block = pane_block(Line::from(title), is_focused);
    if items.request_id.is_some() {
        let expired = match items.expired_count() {
            0 => String::new(),
            n => format!("{} expired · ", thousands(n as u64)),
        };
        block = block.title_bottom(format!(
            " {} records · {expired}{} selected · {} read ",
            thousands(items.len() as u64),
            thousands(items.selected_count() as u64),
            read_mode(items.consistent)
        ));
    }
    frame.render_widget(block, area);

    let inner = area.inner(Margin::new(1, 1));
    if inner.height == 0 {
        return;
    }
    if items.is_empty() {
        let text = match &items.request_id {
            None => "No request loaded. Enter on a request in Requests, or / to type an id.",
            Some(_) => "No records: this request has none (deleted, expired, or never written).",
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(Style::new().fg(Color::DarkGray))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }

    let wide = inner.width >= WIDE;
    let rows_area = areas.rows(Pane::Items);
    let window = items.cursor.window(items.len(), rows_area.height.into());
    let fixed: u16 = if wide {
        1 + 6 + 6 + 20 + 10 + 5
    } else {
        1 + 6 + 6 + 3
    };
    let preview_w = usize::from(inner.width.saturating_sub(fixed + 1));
    let rows: Vec<Row> = window
        .map(|i| {
            let record = &items.records[i];
            let size = items.sizes.get(i).copied().unwrap_or(0);
            let marker = if items.is_selected(i) { "●" } else { " " };
            let expired = items.is_expired(i);
            let style = if i == items.cursor.selected {
                highlight(is_focused)
            } else if items.is_selected(i) {
                Style::new().fg(Color::Yellow)
            } else if expired {
                Style::new().fg(Color::DarkGray)
            } else {
                Style::new()
            };
            // Only a screenful of payload characters is ever copied, however large the item.
            let preview: String = record.payload.chars().take(preview_w).collect();
            let mut cells = vec![
                Cell::from(marker),
                Cell::from(Line::from(record.seq.to_string()).right_aligned()),
                Cell::from(Line::from(size.to_string()).right_aligned()),
            ];
            if wide {
                cells.push(Cell::from(fit(&record.created_at, 20)));
                cells.push(Cell::from(preview));
                cells.push(if expired {
                    Cell::from(Span::styled("expired", Style::new().fg(Color::Red)))
                } else {
                    Cell::from(record.expires_at.to_string())
                });
            } else {
                cells.push(Cell::from(preview));
            }
            Row::new(cells).style(style)
        })
        .collect();
    let (widths, header): (Vec<Constraint>, Vec<Cell>) = if wide {
        (
            vec![
                Constraint::Length(1),
                Constraint::Length(6),
                Constraint::Length(6),
                Constraint::Length(20),
                Constraint::Fill(1),
                Constraint::Length(10),
            ],
            vec![
                Cell::from("✓"),
                Cell::from(Line::from("seq").right_aligned()),
                Cell::from(Line::from("bytes").right_aligned()),
                Cell::from("created_at"),
                Cell::from("payload"),
                Cell::from("expires_at"),
            ],
        )
    } else {
        (
            vec![
                Constraint::Length(1),
                Constraint::Length(6),
                Constraint::Length(6),
                Constraint::Fill(1),
            ],
            vec![
                Cell::from("✓"),
                Cell::from(Line::from("seq").right_aligned()),
                Cell::from(Line::from("bytes").right_aligned()),
                Cell::from("payload"),
            ],
        )
    };
    let table_area = Rect {
        height: rows_area.height + 1,
        ..inner
    };
    frame.render_widget(
        Table::new(rows, widths).header(Row::new(header).style(heading())),
        table_area,
    );
    if items.len() > usize::from(rows_area.height) {
        let mut bar = ScrollbarState::new(items.len()).position(items.cursor.selected);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight),
            area.inner(Margin::new(0, 1)),
            &mut bar,
        );
    }
}

/// The title's request id and completeness in `room` characters. What is missing matters
/// more than the id (the Requests pane and Detail show it): the whole id, else its first 8
/// characters, else none, as long as the completeness then fits whole; if it never does,
/// the short id and as much of it as fits.
fn id_and_verdict(
    items: &ItemsState,
    id: &RequestId,
    room: usize,
) -> (String, Option<(String, Color)>) {
    let whole = format!("{id} ");
    if items.is_empty() {
        return (whole, None);
    }
    let c = &items.completeness;
    let color = if c.is_complete() {
        Color::Green
    } else {
        Color::LightRed
    };
    let short = format!("{} ", short_id(id));
    let fits = |id: &str| c.summary_fitting(room.saturating_sub(id.chars().count() + 1));
    let (id, verdict) = [whole, short.clone(), String::new()]
        .into_iter()
        .find_map(|id| fits(&id).map(|v| (id, v)))
        .unwrap_or_else(|| {
            let v = c.summary_within(room.saturating_sub(short.chars().count() + 1));
            (short, v)
        });
    (id, Some((verdict + " ", color)))
}
