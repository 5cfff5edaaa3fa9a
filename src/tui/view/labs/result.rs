//! The selected lab's result: a table of variants x measured columns, a bar chart of the
//! lab's key figure, and the conclusion computed from the numbers.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph, Row, Table, Wrap};

use super::super::{heading, pane_block, usd};
use crate::labs::LabResult;
use crate::labs::report::{NOT_SUPPORTED, units};
use crate::tui::app::App;
use crate::tui::app::labs::LastRun;

/// Draws the right-hand side for the highlighted lab.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let lab = app.labs.selected_lab();
    let block = pane_block(Line::from(format!(" {} ", lab.name())), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let question = Line::styled(lab.question(), Style::new().fg(Color::Gray));
    let result = match app.labs.last.get(&lab) {
        Some(LastRun::Done(r)) => r,
        other => {
            let text = match other {
                Some(LastRun::Failed(e)) => e.to_string(),
                _ => format!(
                    "Not run yet. Enter runs it at {} scale on scratch tables of its own; A runs every lab.",
                    app.labs.scale.as_str()
                ),
            };
            frame.render_widget(
                Paragraph::new(vec![question, Line::raw(""), Line::raw(text)])
                    .wrap(Wrap { trim: true }),
                inner,
            );
            return;
        }
    };
    let table_rows = result.variants.len() as u16 + 1;
    let bars = result.chart.bars.len() as u16;
    let [q, table, chart, conclusion] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(table_rows + 1),
        Constraint::Length(bars + 1),
        Constraint::Min(2),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(question), q);
    draw_table(frame, table, result);
    draw_chart(frame, chart, result);
    frame.render_widget(
        Paragraph::new(result.conclusion.as_str()).wrap(Wrap { trim: true }),
        conclusion,
    );
}

/// Narrower than this, the table leaves out items and throttles (the CLI shows them all).
const FULL_TABLE_WIDTH: u16 = 70;

fn draw_table(frame: &mut Frame, area: Rect, result: &LabResult) {
    let full = area.width >= FULL_TABLE_WIDTH;
    // The names as shown, marked when not measured; the column is as wide as the longest.
    let names: Vec<String> = result
        .variants
        .iter()
        .map(|v| {
            if v.rule.is_some() {
                format!("{} (rule)", v.name)
            } else if v.unsupported.is_some() {
                format!("{} (not supported)", v.name)
            } else {
                v.name.clone()
            }
        })
        .collect();
    let name_width = names.iter().map(String::len).max().unwrap_or(7) as u16;
    // (heading, width, shown when narrow)
    let columns: [(&str, u16, bool); 8] = [
        ("variant", name_width.max(7), true),
        ("calls", 5, true),
        ("items", 5, false),
        ("RCU", 6, true),
        ("WCU", 6, true),
        ("$/M items", 9, true),
        ("ms", 5, true),
        ("thr", 3, false),
    ];
    let keep = |i: usize| full || columns[i].2;
    let header = Row::new(
        columns
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, c)| c.0),
    )
    .style(heading());
    let rows = result.variants.iter().zip(names).map(|(v, name)| {
        let [calls, items, rcu, wcu, ms, throttled] = v.cells();
        let cells = [
            name,
            calls,
            items,
            rcu,
            wcu,
            v.usd_per_million_items()
                .map_or_else(|| "-".to_owned(), usd),
            ms,
            throttled,
        ];
        Row::new(
            cells
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, c)| c),
        )
    });
    let widths: Vec<Constraint> = columns
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(i, c)| {
            if i == 0 {
                Constraint::Min(c.1.min(area.width / 3))
            } else {
                Constraint::Length(c.1)
            }
        })
        .collect();
    frame.render_widget(Table::new(rows, widths).header(header), area);
}

fn draw_chart(frame: &mut Frame, area: Rect, result: &LabResult) {
    // BarChart takes whole numbers: tenths of a unit keep 0.5 RCU visible.
    let bars: Vec<Bar> = result
        .chart
        .bars
        .iter()
        .map(|(label, value)| {
            let bar = Bar::default().label(Line::from(label.as_str()));
            if value.is_nan() {
                bar.value(0).text_value(NOT_SUPPORTED)
            } else {
                bar.value((value * 10.0).round().max(0.0) as u64)
                    .text_value(units(*value))
            }
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .block(Block::new().title(result.chart.title.as_str()))
            .direction(Direction::Horizontal)
            .bar_width(1)
            .bar_gap(0)
            .bar_style(Style::new().fg(Color::Cyan))
            .data(BarGroup::default().bars(&bars)),
        area,
    );
}
