//! The header line: which backend (AWS in a warning colour: it is billed), the table, its
//! billing mode and approximate size, and the read mode the next reads use.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::thousands;
use crate::tui::app::{App, read_mode};

/// Draws the header into `area` (one line).
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let c = &app.session.conn;
    let sep = || Span::styled(" │ ", Style::new().fg(Color::DarkGray));
    let backend = if c.is_aws {
        Span::styled(
            format!(" {} (real, billed) ", c.label),
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        )
    } else {
        Span::styled(c.label.clone(), Style::new().fg(Color::Green))
    };
    let mode = if app.explore.consistent {
        Span::styled(
            "reads: strong (2x RCU)",
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        )
    } else {
        Span::raw(format!("reads: {}", read_mode(false)))
    };
    let count = u64::try_from(c.item_count).unwrap_or(0);
    // DescribeTable's count is refreshed every ~6 hours on AWS: add what this session changed.
    let (full_count, short_count) = match app.session.session_items {
        (0, 0) => (
            format!("~{} items (approx.)", thousands(count)),
            format!("~{}", thousands(count)),
        ),
        (w, d) => (
            format!(
                "~{} items, session +{} −{}",
                thousands(count),
                thousands(w),
                thousands(d)
            ),
            format!("~{} +{} −{}", thousands(count), thousands(w), thousands(d)),
        ),
    };
    // Simulated limits stand out: they change what every write does.
    let limits_style = if c.limits.contains("(simulated)") {
        Style::new().fg(Color::Magenta)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    let limits = Span::styled(c.limits.clone(), limits_style);
    // An engine that reports capacity against DynamoDB's rules: every figure shown is its own.
    let off_rule = (app.session.log.off_rule > 0).then(|| {
        Span::styled(
            "capacity: engine's, not DynamoDB's rule",
            Style::new().fg(Color::Black).bg(Color::Magenta),
        )
    });
    // The app's name is on the tab bar above.
    let mut full = Line::from(vec![
        backend.clone(),
        sep(),
        Span::raw(format!("table {}", c.table)),
        sep(),
        Span::raw(c.billing_mode.clone()),
        sep(),
        Span::raw(full_count),
        sep(),
        mode.clone(),
        sep(),
        limits.clone(),
    ]);
    if let Some(mark) = &off_rule {
        full.push_span(sep());
        full.push_span(mark.clone());
    }
    let line = if full.width() <= usize::from(area.width) {
        full
    } else {
        // Narrow terminals: the same facts, shorter.
        let billing = match c.billing_mode.as_str() {
            "PAY_PER_REQUEST" => "on-demand",
            "PROVISIONED" => "provisioned",
            other => other,
        };
        let mut short = Line::from(vec![
            backend,
            sep(),
            Span::raw(c.table.clone()),
            sep(),
            Span::raw(billing.to_owned()),
            sep(),
            Span::raw(short_count),
            sep(),
            // "reads: strong (2x RCU)" -> "reads: strong 2x".
            Span::styled(
                if app.explore.consistent {
                    "reads: strong 2x".to_owned()
                } else {
                    format!("reads: {}", read_mode(false))
                },
                mode.style,
            ),
        ]);
        // Simulated limits matter even when space is short; "off" can go.
        if c.limits.contains("(simulated)") {
            short.push_span(sep());
            short.push_span(Span::styled(
                c.limits.replace(" (simulated)", " sim."),
                limits_style,
            ));
        }
        if let Some(mark) = off_rule {
            short.push_span(sep());
            short.push_span(mark.content("capacity: not DynamoDB's"));
        }
        short
    };
    frame.render_widget(Paragraph::new(line), area);
}
