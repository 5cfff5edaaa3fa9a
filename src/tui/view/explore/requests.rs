//! The Requests pane: request ids found by scanning one page per `s`, and the ones generated
//! in this session, with their record counts and creation time.

use ratatui::Frame;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table,
};

use crate::tui::app::App;
use crate::tui::app::explore::requests::{RequestRow, ScanState, Verdict};
use crate::tui::layout::{Areas, Pane};
use crate::tui::view::{fit, heading, highlight, pane_block};

const RECORDS_W: u16 = 7;
const CREATED_W: u16 = 8;

/// Draws the Requests pane.
pub fn draw(frame: &mut Frame, areas: &Areas, app: &App) {
    let area = areas.requests;
    let is_focused = app.explore.focused(&app.session, Pane::Requests);
    let state = &app.explore.requests;
    let incomplete = state.incomplete();
    let mut title = vec![Span::raw(format!(" Requests ({}) ", state.len()))];
    if incomplete > 0 {
        title.push(Span::styled(
            format!("{incomplete} incomplete "),
            Style::new().fg(Color::LightRed),
        ));
    }
    if app.explore.scanning(&app.session) {
        title.push(Span::styled("scanning… ", Style::new().fg(Color::Yellow)));
    }
    frame.render_widget(pane_block(Line::from(title), is_focused), area);

    let inner = area.inner(Margin::new(1, 1));
    if inner.height == 0 {
        return;
    }
    let rows_area = areas.rows(Pane::Requests);
    let window = state.cursor.window(state.len(), rows_area.height.into());
    let visible: Vec<(usize, &RequestRow, String)> = window
        .clone()
        .filter_map(|i| Some((i, state.row(i)?)))
        .map(|(i, row)| (i, row, records_text(row)))
        .collect();
    // As wide as the widest count shown ("34107/100000") and its mark, so no count is cut.
    let records_w = visible
        .iter()
        .map(|(_, _, t)| t.chars().count() as u16 + 1)
        .fold(RECORDS_W, u16::max);
    let id_w = inner.width.saturating_sub(records_w + CREATED_W + 2);
    let rows: Vec<Row> = visible
        .into_iter()
        .map(|(i, row, records)| {
            let style = if i == state.cursor.selected {
                highlight(is_focused)
            } else {
                Style::new()
            };
            Row::new(vec![
                Cell::from(fit(row.request_id.as_str(), id_w.into())),
                Cell::from(Line::from(vec![Span::raw(records), mark(row.verdict)]).right_aligned()),
                Cell::from(created_time(row)),
            ])
            .style(style)
        })
        .collect();
    let widths = [
        Constraint::Length(id_w),
        Constraint::Length(records_w),
        Constraint::Length(CREATED_W),
    ];
    let header = Row::new(vec![
        Cell::from("request id"),
        Cell::from(Line::from("records").right_aligned()),
        Cell::from("created"),
    ])
    .style(heading());
    let table_area = Rect {
        height: rows_area.height + 1,
        ..inner
    };
    frame.render_widget(Table::new(rows, widths).header(header), table_area);

    let footer = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    if footer.y > table_area.y {
        let (text, color) = match &state.scan {
            ScanState::NotStarted => ("not scanned yet: s reads a page", Color::DarkGray),
            ScanState::More(_) => ("more… s reads the next page", Color::Cyan),
            ScanState::EndOfTable => ("end of table (s scans again)", Color::DarkGray),
        };
        let text = if state.is_empty() && state.scan == ScanState::EndOfTable {
            "end of table: empty. g generates requests"
        } else {
            text
        };
        frame.render_widget(
            Paragraph::new(fit(text, inner.width.into())).style(Style::new().fg(color)),
            footer,
        );
    }
    if state.len() > usize::from(rows_area.height) {
        let mut bar = ScrollbarState::new(state.len()).position(state.cursor.selected);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight),
            area.inner(Margin::new(0, 1)),
            &mut bar,
        );
    }
}

/// `✓` a query found every record; `✗` records are missing (a query found it incomplete,
/// or the scan read all of it and counted another number than its `record_count`).
fn mark(verdict: Verdict) -> Span<'static> {
    match verdict {
        Verdict::Queried { complete: true, .. } => Span::styled("✓", Style::new().fg(Color::Green)),
        v if v.incomplete() => Span::styled("✗", Style::new().fg(Color::LightRed)),
        _ => Span::raw(" "),
    }
}

/// `50`; `30/50` while the scan has seen only part of the request, or after a query found
/// 30 of its 50.
fn records_text(row: &RequestRow) -> String {
    if let (Verdict::Queried { found, .. }, Some(total)) = (row.verdict, row.record_count)
        && found != u64::from(total)
    {
        return format!("{found}/{total}");
    }
    match row.record_count {
        Some(total) if row.scanned > 0 && row.scanned != u64::from(total) => {
            format!("{}/{total}", row.scanned)
        }
        Some(total) => total.to_string(),
        None => row.scanned.to_string(),
    }
}

/// The time of day of `created_at` (`2026-11-24T14:13:03Z` -> `14:13:03`); the full value is
/// in the item detail.
fn created_time(row: &RequestRow) -> String {
    let Some(created) = &row.created_at else {
        return "-".into();
    };
    match created.split_once('T') {
        Some((_, time)) => time.chars().take(8).collect(),
        None => fit(created, CREATED_W.into()),
    }
}
