//! The SQL screen: the statement editor, what it will become (said before it runs) and what
//! it cost after, its results in Explore's items grid, Detail, and the shared operations log.

use ratatui::Frame;
use ratatui::layout::{Margin, Position};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::explore::any::{Grid, draw_grid, item_detail};
use super::explore::detail::draw_operation;
use super::explore::log::draw_in;
use super::pane_block;
use crate::fmt::units;
use crate::table::partiql::PlanKind;
use crate::tui::app::App;
use crate::tui::app::sql::{PlanState, SqlFocus, plan_text};
use crate::tui::layout::SqlAreas;

/// Draws the screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let Some(a) = SqlAreas::of(frame.area()) else {
        return;
    };
    let sql = &app.sql;
    draw_editor(frame, a, app);
    draw_plan(frame, a, app);
    let empty = "Results show here. Type a statement above and press Enter: \
                 SELECT * FROM requests WHERE request_id = '...'";
    let grid = Grid {
        items: &sql.results,
        columns: &sql.columns,
        cursor: &sql.cursor,
        selected: None,
        label: &sql.results_label,
        empty,
    };
    draw_grid(
        frame,
        a.results,
        SqlAreas::rows(a.results),
        &grid,
        sql.focus == SqlFocus::Results,
    );
    if sql.focus == SqlFocus::Log {
        draw_operation(frame, a.detail, app.session.log.highlighted(), &app.session);
    } else {
        let block_text = item_detail(&sql.results, sql.cursor.selected, sql.ddb_json, a.detail);
        let (title, text) = block_text.unwrap_or_else(|| {
            (
                " Detail ".to_owned(),
                "The highlighted result shows here; with the log focused (Tab), the operation \
                 and its code."
                    .to_owned(),
            )
        });
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(pane_block(Line::from(title), false)),
            a.detail,
        );
    }
    draw_in(
        frame,
        a.log,
        SqlAreas::rows(a.log),
        app,
        sql.focus == SqlFocus::Log,
    );
}

fn draw_editor(frame: &mut Frame, a: SqlAreas, app: &App) {
    let sql = &app.sql;
    let focused = sql.focus == SqlFocus::Editor;
    let title = format!(
        " Statement (PartiQL, {} reads) ",
        if sql.consistent { "strong" } else { "eventual" }
    );
    let inner = a.editor.inner(Margin::new(1, 1));
    let (line, col) = sql.editor.position();
    // Scroll so the cursor's line is visible.
    let top = line.saturating_sub(usize::from(inner.height.saturating_sub(1)));
    let lines: Vec<Line> = sql
        .editor
        .text
        .split('\n')
        .skip(top)
        .take(usize::from(inner.height))
        .map(|l| {
            let skip = (col + 1).saturating_sub(usize::from(inner.width));
            Line::from(
                l.chars()
                    .skip(if line >= top { skip } else { 0 })
                    .collect::<String>(),
            )
        })
        .collect();
    let text = if sql.editor.text.is_empty() && !focused {
        vec![Line::styled(
            "i or Enter edits; e.g. SELECT * FROM requests WHERE request_id = '...'",
            Style::new().fg(Color::DarkGray),
        )]
    } else {
        lines
    };
    frame.render_widget(
        Paragraph::new(text).block(pane_block(Line::from(title), focused)),
        a.editor,
    );
    if focused {
        let skip = (col + 1).saturating_sub(usize::from(inner.width));
        let x = inner.x + u16::try_from(col - skip).unwrap_or(0);
        let y = inner.y + u16::try_from(line - top).unwrap_or(0);
        frame.set_cursor_position(Position::new(x, y));
    }
}

fn draw_plan(frame: &mut Frame, a: SqlAreas, app: &App) {
    let sql = &app.sql;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = match &sql.plan {
        PlanState::Empty => vec![Line::styled(
            "What the statement will become (a read of one item, a Query, or a full table scan) \
             shows here before it runs.",
            Style::new().fg(Color::DarkGray),
        )],
        PlanState::Error(e) => e
            .lines()
            .map(|l| Line::styled(l.to_owned(), Style::new().fg(Color::Red)))
            .collect(),
        PlanState::Describing(name) => vec![Line::styled(
            format!("describing {name} to read its keys…"),
            Style::new().fg(Color::DarkGray),
        )],
        PlanState::Ready(plan) => {
            let color = match plan.kind {
                PlanKind::Scan => Color::Red,
                PlanKind::Query => Color::Yellow,
                _ => Color::Green,
            };
            vec![Line::from(vec![
                Span::styled("will run as: ", bold),
                Span::styled(plan_text(plan, sql.consistent), Style::new().fg(color)),
            ])]
        }
    };
    if let PlanState::Ready(plan) = &sql.plan {
        lines.push(Line::styled(
            plan.reason.clone(),
            Style::new().fg(Color::DarkGray),
        ));
    }
    if let Some(m) = &sql.measured {
        let cost = if m.unreported > 0 {
            let rule = m.by_rule.map_or(String::new(), |r| {
                format!(" (DynamoDB's rule: {} RCU)", units(r))
            });
            format!("the engine reported no ConsumedCapacity{rule}")
        } else {
            format!("measured {} RCU, {} WCU", units(m.read), units(m.write))
        };
        lines.push(Line::from(vec![
            Span::styled("last run: ", bold),
            Span::raw(format!(
                "{} item(s), {} page(s): {cost}; estimated {}",
                m.items,
                m.pages,
                m.plan.estimate(sql.consistent).unwrap_or_default()
            )),
        ]));
    }
    if let Some((values, _)) = &sql.asking_params {
        lines.insert(
            0,
            Line::from(vec![
                Span::styled("values of the `?` (JSON array): ", bold),
                Span::styled(format!("{values}▏"), Style::new().fg(Color::Cyan)),
            ]),
        );
    }
    lines.truncate(usize::from(a.plan.height));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), a.plan);
}
