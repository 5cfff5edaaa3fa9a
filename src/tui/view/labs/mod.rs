//! The Labs screen: the labs on the left (name, question, last result), the selected lab's
//! result on the right (`result.rs`: table, bar chart, conclusion).

mod result;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState};

use super::{fit, highlight, pane_block};
use crate::labs::LabId;
use crate::tui::app::App;
use crate::tui::app::labs::LastRun;

/// Draws the screen's body.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(30), Constraint::Percentage(70)]).areas(area);
    draw_list(frame, left, app);
    result::draw(frame, right, app);
}

/// One line: what the last run left (or that it runs now).
fn status_of(app: &App, lab: LabId) -> Span<'static> {
    let labs = &app.labs;
    if let Some(r) = labs.running.as_ref().filter(|r| r.lab == lab) {
        let what = if r.cancelling {
            "cancelling"
        } else {
            "running"
        };
        return Span::styled(format!("{what}: {}", r.step), Style::new().fg(Color::Cyan));
    }
    if labs.queue.contains(&lab) {
        return Span::styled("queued", Style::new().fg(Color::Cyan));
    }
    match labs.last.get(&lab) {
        Some(LastRun::Done(r)) => Span::styled(
            format!("✓ {} scale: {}", r.scale.as_str(), r.conclusion),
            Style::new().fg(Color::Green),
        ),
        Some(LastRun::Failed(e)) if e.cancelled() => Span::styled(
            format!("cancelled at {}", e.step),
            Style::new().fg(Color::Yellow),
        ),
        Some(LastRun::Failed(e)) => Span::styled(
            format!("✗ failed at {}", e.step),
            Style::new().fg(Color::Red),
        ),
        None => Span::styled(
            "not run yet: Enter runs it",
            Style::new().fg(Color::DarkGray),
        ),
    }
}

fn draw_list(frame: &mut Frame, area: Rect, app: &App) {
    let width = area.width.saturating_sub(4) as usize;
    let items: Vec<ListItem> = LabId::ALL
        .iter()
        .enumerate()
        .map(|(i, &lab)| {
            let name = Line::from(vec![
                Span::raw(format!("{:>2} ", i + 1)),
                Span::styled(lab.name(), Style::new().add_modifier(Modifier::BOLD)),
            ]);
            let question = Line::styled(
                format!("   {}", fit(lab.question(), width.saturating_sub(3))),
                Style::new().fg(Color::Gray),
            );
            let status = status_of(app, lab);
            let status = Line::from(Span::styled(
                format!("   {}", fit(&status.content, width.saturating_sub(3))),
                status.style,
            ));
            ListItem::new(vec![name, question, status])
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.labs.selected));
    let title = Line::from(format!(" Labs ({} scale) ", app.labs.scale.as_str()));
    frame.render_stateful_widget(
        List::new(items)
            .block(pane_block(title, true))
            .highlight_style(highlight(true)),
        area,
        &mut state,
    );
}
