//! The operations log: one row per user-level operation (time, APIs and calls, items, RCU,
//! WCU, elapsed, retries/unprocessed/throttled, result) and the session's totals with their
//! on-demand cost estimate in the title.

use ratatui::Frame;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table,
};

use crate::tui::app::App;
use crate::tui::app::oplog::Outcome;
use crate::tui::layout::{Areas, Pane};
use crate::tui::view::{duration, fit, heading, highlight, pane_block, units, usd};

/// Below this inner width the items and retries columns are left out.
const WIDE: u16 = 100;

/// The operation column: as wide as the widest label shown, from `LABEL_W` up to
/// `LABEL_W_WIDE` when wide. A longer label is cut with an ellipsis: cut silently,
/// "generate 1×100,000" read as "generate 1×10000", another number.
const LABEL_W: u16 = 16;
const LABEL_W_WIDE: u16 = 24;

/// The throttling reasons of a row, short (` · TableWriteKeyRange×12`): every reason ends in
/// `ThroughputExceeded`, so that part says nothing in a narrow column. Empty when none.
pub(super) fn reasons_text(report: &crate::store::OpReport) -> String {
    if report.throttling_reasons.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = report
        .throttling_reasons
        .iter()
        .map(|(reason, n)| {
            let short = reason.strip_suffix("ThroughputExceeded").unwrap_or(reason);
            format!("{short}×{n}")
        })
        .collect();
    format!(" · {}", parts.join(", "))
}

fn outcome_color(o: &Outcome) -> Color {
    match o {
        Outcome::Ok => Color::Green,
        Outcome::Superseded => Color::DarkGray,
        Outcome::Cancelled(_) => Color::Yellow,
        Outcome::Error(_) => Color::Red,
        Outcome::Note(_) => Color::Cyan,
    }
}

/// Draws the log pane.
pub fn draw(frame: &mut Frame, areas: &Areas, app: &App) {
    let is_focused = app.explore.focused(&app.session, Pane::Log);
    draw_in(frame, areas.log, areas.rows(Pane::Log), app, is_focused);
}

/// Draws the log in `area`, its rows in `rows_area` (inside the border, under the header).
pub fn draw_in(frame: &mut Frame, area: Rect, rows_area: Rect, app: &App, is_focused: bool) {
    let log = &app.session.log;
    let t = log.totals;
    let mut title = Line::from(vec![
        Span::raw(format!(" Operations ({}) ", log.count)),
        Span::styled(
            format!(
                "session: {} RCU, {} WCU, est. {} (us-east-1 on-demand) ",
                units(t.read),
                units(t.write),
                usd(t.on_demand_usd())
            ),
            Style::new().fg(Color::Cyan),
        ),
    ]);
    if log.off_rule > 0 {
        title.push_span(Span::styled(
            format!(
                "engine's figures, not DynamoDB's rule: {} op(s) ",
                log.off_rule
            ),
            Style::new().fg(Color::Magenta),
        ));
    }
    frame.render_widget(pane_block(title, is_focused), area);
    let inner = area.inner(Margin::new(1, 1));
    if inner.height == 0 {
        return;
    }
    if log.rows.is_empty() {
        frame.render_widget(
            Paragraph::new("Every operation shows here with the capacity it consumed.")
                .style(Style::new().fg(Color::DarkGray)),
            inner,
        );
        return;
    }
    let wide = inner.width >= WIDE;
    let window = log.cursor.window(log.rows.len(), rows_area.height.into());
    // The numbers first, so that their columns are as wide as their widest visible value
    // (a 100,000-record generate's WCU or a storm's retries are never cut off).
    let texts: Vec<(usize, [String; 5])> = window
        .map(|i| {
            let r = &log.rows[i].report;
            (
                i,
                [
                    r.items.to_string(),
                    units(r.consumed.total.read),
                    units(r.consumed.total.write),
                    duration(r.elapsed),
                    format!("{}/{}/{}", r.retries, r.unprocessed_resent, r.throttled),
                ],
            )
        })
        .collect();
    let names = ["items", "RCU", "WCU", "elapsed", "r/u/t"];
    let width = |k: usize| {
        texts
            .iter()
            .map(|(_, t)| t[k].chars().count())
            .chain([names[k].len()])
            .max()
            .unwrap_or(0) as u16
    };
    let col_width: Vec<u16> = (0..names.len()).map(width).collect();
    let label_w = texts
        .iter()
        .map(|(i, _)| log.rows[*i].label.chars().count() as u16)
        .fold(LABEL_W, u16::max)
        .min(if wide { LABEL_W_WIDE } else { LABEL_W });
    // Columns shown: items and r/u/t only when wide.
    let numeric: Vec<usize> = if wide {
        vec![0, 1, 2, 3, 4]
    } else {
        vec![1, 2, 3]
    };
    let rows: Vec<Row> = texts
        .into_iter()
        .map(|(i, text)| {
            let row = &log.rows[i];
            let style = if i == log.cursor.selected {
                highlight(is_focused)
            } else {
                Style::new()
            };
            let mut cells = vec![
                Cell::from(row.at.hms()),
                Cell::from(fit(&row.label, label_w.into())),
                Cell::from(row.report.calls_text()),
            ];
            for &k in &numeric {
                let t = text[k].clone();
                cells.push(Cell::from(if k == 4 {
                    Line::from(t)
                } else {
                    Line::from(t).right_aligned()
                }));
            }
            cells.push(Cell::from(Line::from(vec![
                Span::styled(
                    row.outcome.text(),
                    Style::new().fg(outcome_color(&row.outcome)),
                ),
                Span::styled(reasons_text(&row.report), Style::new().fg(Color::Yellow)),
                Span::styled(
                    row.report
                        .by_rule
                        .rule_text()
                        .map(|c| format!(" {c}"))
                        .unwrap_or_default(),
                    Style::new().fg(Color::Magenta),
                ),
            ])));
            Row::new(cells).style(style)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Length(label_w),
        Constraint::Length(if wide { 19 } else { 17 }),
    ];
    let mut header = vec![
        Cell::from("time UTC"),
        Cell::from("operation"),
        Cell::from("API×calls"),
    ];
    for &k in &numeric {
        widths.push(Constraint::Length(col_width[k].max(7)));
        header.push(Cell::from(if k == 4 {
            Line::from(names[k])
        } else {
            Line::from(names[k]).right_aligned()
        }));
    }
    widths.push(Constraint::Fill(1));
    header.push(Cell::from("result"));
    let table_area = Rect {
        height: rows_area.height + 1,
        ..inner
    };
    frame.render_widget(
        Table::new(rows, widths).header(Row::new(header).style(heading())),
        table_area,
    );
    if log.rows.len() > usize::from(rows_area.height) {
        let mut bar = ScrollbarState::new(log.rows.len()).position(log.cursor.selected);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight),
            area.inner(Margin::new(0, 1)),
            &mut bar,
        );
    }
}
