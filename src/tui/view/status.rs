//! The status line (the last result, hint or error: errors stay until a user action replaces
//! them) and the key hints of the screen in front (each screen says which keys matter).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Wrap};

use crate::tui::app::{App, Status};

const SPINNER: [&str; 4] = ["◐", "◓", "◑", "◒"];

/// Draws the two status lines.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let session = &app.session;
    let busy = app.busy() && session.worker_dead.is_none();
    let mut spans = Vec::new();
    if busy {
        spans.push(Span::styled(
            format!("{} ", SPINNER[session.spinner % SPINNER.len()]),
            Style::new().fg(Color::Yellow),
        ));
    }
    match &session.status {
        Some(Status::Info(text)) => spans.push(Span::raw(text.clone())),
        Some(Status::Error(text)) => spans.push(Span::styled(
            format!("error: {text}"),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        )),
        None => {}
    }
    if let Some(g) = &session.export {
        let ratio = if g.expected > 0 {
            (g.items as f64 / g.expected as f64).min(1.0)
        } else {
            0.0
        };
        let text = format!(
            " exporting {}: {} of ~{} items, {} pages, {:.1} RCU (${:.6}){}",
            g.table,
            g.items,
            g.expected,
            g.pages,
            g.rcu,
            crate::store::Capacity {
                read: g.rcu,
                write: 0.0
            }
            .on_demand_usd(),
            if g.cancelling {
                ", stopping…"
            } else {
                ", Esc stops it"
            }
        );
        let bar_w = (area.width / 4).clamp(10, 30);
        let bar = Rect {
            width: bar_w,
            height: 1,
            ..area
        };
        let rest = Rect {
            x: area.x + bar_w,
            width: area.width - bar_w,
            height: 1,
            ..area
        };
        frame.render_widget(
            LineGauge::default()
                .filled_style(Style::new().fg(Color::Cyan))
                .ratio(ratio)
                .label(format!("{:>3.0}%", ratio * 100.0)),
            bar,
        );
        frame.render_widget(Paragraph::new(text), rest);
        // The second line: an error the user has not acted on yet (it stays visible while
        // the export runs), else the hints.
        let second = Rect {
            y: area.y + 1,
            height: 1,
            ..area
        };
        let line = if matches!(session.status, Some(Status::Error(_))) {
            Line::from(spans)
        } else {
            hints_line(app, usize::from(area.width))
        };
        frame.render_widget(Paragraph::new(line), second);
        return;
    }
    let message = Line::from(spans);
    let width = usize::from(area.width);
    // An error must be readable: when it does not fit one line it takes the hints' line too.
    if matches!(session.status, Some(Status::Error(_))) && message.width() > width {
        frame.render_widget(Paragraph::new(message).wrap(Wrap { trim: true }), area);
        return;
    }
    frame.render_widget(Paragraph::new(vec![message, hints_line(app, width)]), area);
}

/// The screen's key hints: the long ones when they fit in `width`, else the short ones.
fn hints_line(app: &App, width: usize) -> Line<'static> {
    let (long, short) = app.hints();
    let hints = if long.chars().count() <= width {
        long
    } else {
        short
    };
    Line::styled(hints, Style::new().fg(Color::DarkGray))
}
