//! The Cost screen: the fields on the left, the bill of both capacity modes on the right with
//! the highlighted line's formula, the comparisons, and a bar chart of the monthly lines when
//! the terminal is tall enough.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Cell, Paragraph, Row, Table, Wrap};

use crate::cost::fmt::usd;
use crate::cost::{LineKind, Mode};
use crate::tui::app::App;
use crate::tui::app::cost::form::Field;
use crate::tui::app::cost::{Cost, Focus};
use crate::tui::layout::cost_halves;
use crate::tui::view::{heading, highlight, pane_block};

/// Rows the chart takes: a bar per line of the bill and its border.
const CHART_HEIGHT: u16 = LineKind::ALL.len() as u16 + 2;

/// Draws the screen's body.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let cost = &app.cost;
    let (left, right) = cost_halves(area);
    inputs(frame, left, cost);
    let Some(report) = cost.report() else {
        let message = match &cost.result {
            Err((field, why)) => format!("{}: {why}", field.label()),
            Ok(_) => String::new(),
        };
        frame.render_widget(
            Paragraph::new(message)
                .style(Style::new().fg(Color::Red))
                .wrap(Wrap { trim: true })
                .block(pane_block(Line::raw(" Bill "), false)),
            right,
        );
        return;
    };
    let comparisons: Vec<String> = report
        .comparison_lines()
        .into_iter()
        .chain([report.most_line()])
        .collect();
    let [bill_area, formula_area, rest] = Layout::vertical([
        Constraint::Length(10),
        Constraint::Length(6),
        Constraint::Min(0),
    ])
    .areas(right);
    // The chart when there is room for it and at least a few lines of comparisons.
    let chart_h = if rest.height >= CHART_HEIGHT + 6 {
        CHART_HEIGHT
    } else {
        0
    };
    let [comparisons_area, chart_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(chart_h)]).areas(rest);
    bill(frame, bill_area, cost, &report.headline());
    formula(frame, formula_area, cost);
    frame.render_widget(
        Paragraph::new(comparisons.into_iter().map(Line::raw).collect::<Vec<_>>())
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Comparisons ")),
        comparisons_area,
    );
    if chart_h > 0 {
        chart(frame, chart_area, cost);
    }
}

fn inputs(frame: &mut Frame, area: Rect, cost: &Cost) {
    let focused = cost.focus == Focus::Inputs;
    let wrong = cost.result.as_ref().err().map(|(f, _)| *f);
    let mut lines: Vec<Line> = Field::ALL
        .iter()
        .map(|&field| {
            let selected = field == cost.field;
            let mut value = cost.form.value(field);
            if selected && cost.editing {
                value.push('▏');
            }
            let value_style = if wrong == Some(field) {
                Style::new().fg(Color::Red)
            } else {
                Style::new()
            };
            let line = Line::from(vec![
                Span::raw(format!(" {:<17}", field.label())),
                Span::styled(value, value_style),
            ]);
            if selected {
                line.style(highlight(focused))
            } else {
                line
            }
        })
        .collect();
    lines.push(Line::styled(
        format!(" size: {}", cost.size_source().describe()),
        Style::new().fg(Color::DarkGray),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane_block(
                Line::raw(if cost.editing {
                    format!(" Editing {} ", cost.field.label())
                } else {
                    " Workload and table ".to_owned()
                }),
                focused,
            )),
        area,
    );
}

fn bill(frame: &mut Frame, area: Rect, cost: &Cost, headline: &str) {
    let Ok((_, e)) = &cost.result else {
        return;
    };
    let focused = cost.focus == Focus::Bill;
    let (Some(od), Some(pr)) = (&e.on_demand, &e.provisioned) else {
        return;
    };
    let mut rows: Vec<Row> = LineKind::ALL
        .iter()
        .map(|&kind| {
            let row = Row::new(vec![
                Cell::from(kind.key()),
                Cell::from(usd(od.line(kind).usd_per_month)),
                Cell::from(usd(pr.line(kind).usd_per_month)),
            ]);
            if kind == cost.line {
                row.style(highlight(focused))
            } else {
                row
            }
        })
        .collect();
    let cheaper = e.comparisons.cheaper;
    let total_style = |mode: Mode| {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        if mode == cheaper {
            bold.fg(Color::Green)
        } else {
            bold
        }
    };
    rows.push(Row::new(vec![
        Cell::from("total").style(Style::new().add_modifier(Modifier::BOLD)),
        Cell::from(usd(od.total_usd)).style(total_style(Mode::OnDemand)),
        Cell::from(usd(pr.total_usd)).style(total_style(Mode::Provisioned)),
    ]));
    let table = Table::new(
        rows,
        [
            Constraint::Length(9),
            Constraint::Length(16),
            Constraint::Length(16),
        ],
    )
    .header(Row::new(vec!["USD/month", "on-demand", "provisioned"]).style(heading()))
    .block(pane_block(
        Line::raw(format!(" Bill: {headline} ")),
        focused,
    ));
    frame.render_widget(table, area);
}

fn formula(frame: &mut Frame, area: Rect, cost: &Cost) {
    let Ok((_, e)) = &cost.result else {
        return;
    };
    let lines: Vec<Line> = [&e.on_demand, &e.provisioned]
        .into_iter()
        .flatten()
        .map(|b| {
            Line::from(vec![
                Span::styled(
                    format!("{}: ", b.mode.label()),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(b.line(cost.line).formula.clone()),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(format!(" {}: formula ", cost.line.key()))),
        area,
    );
}

fn chart(frame: &mut Frame, area: Rect, cost: &Cost) {
    let Ok((_, e)) = &cost.result else {
        return;
    };
    let cheaper = e.comparisons.cheaper;
    let Some(bill) = [&e.on_demand, &e.provisioned]
        .into_iter()
        .flatten()
        .find(|b| b.mode == cheaper)
    else {
        return;
    };
    // Cents, so that small lines do not vanish beside large ones.
    let cents = |x: f64| (x * 100.0).round().max(0.0) as u64;
    let bars: Vec<Bar> = LineKind::ALL
        .iter()
        .map(|&k| {
            let usd_month = bill.line(k).usd_per_month;
            Bar::default()
                .label(Line::raw(k.key()))
                .value(cents(usd_month))
                .text_value(usd(usd_month))
                .style(Style::new().fg(Color::Cyan))
        })
        .collect();
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .data(BarGroup::default().bars(&bars))
        .block(Block::bordered().title(format!(
            " Monthly lines, {} (the cheaper mode) ",
            cheaper.label()
        )));
    frame.render_widget(chart, area);
}
