//! The Detail pane: the highlighted item as pretty JSON, or, when the log has focus, the
//! highlighted operation: the parameters it sent and the ConsumedCapacity of every call.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::size::write_units;
use crate::store::ByRule;
use crate::tui::app::App;
use crate::tui::app::oplog::LogRow;
use crate::tui::app::session::Session;
use crate::tui::layout::Pane;
use crate::tui::view::{duration, pane_block, units, usd};

/// Draws the Detail pane.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if app.explore.focus == Pane::Log {
        draw_operation(frame, area, app.session.log.highlighted(), &app.session);
    } else {
        draw_item(frame, area, app);
    }
}

fn draw_item(frame: &mut Frame, area: Rect, app: &App) {
    if app.explore.generic()
        && let Some((title, text)) = super::any::detail_text(app, area)
    {
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(pane_block(Line::from(title), false)),
            area,
        );
        return;
    }
    let Some((record, size)) = app.explore.items.highlighted() else {
        let block = pane_block(Line::from(" Detail "), false);
        frame.render_widget(
            Paragraph::new("The highlighted item shows here as JSON; with the log focused, the highlighted operation.")
                .style(Style::new().fg(Color::DarkGray))
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    };
    let title = format!(
        " Detail: seq {} ({size} bytes, {} WCU to delete) ",
        record.seq,
        write_units(size as usize)
    );
    // Drawn every frame: a payload of up to 400 KB is cut to what the pane can show before it
    // is serialised and wrapped (the size is in the title).
    let visible = usize::from(area.width) * usize::from(area.height);
    let json = if record.payload.len() > visible {
        let mut shown = record.clone();
        shown.payload = shown.payload.chars().take(visible).collect::<String>() + "…";
        serde_json::to_string_pretty(&shown)
    } else {
        serde_json::to_string_pretty(record)
    }
    .unwrap_or_else(|e| format!("cannot show this record as JSON: {e}"));
    frame.render_widget(
        Paragraph::new(json)
            .wrap(Wrap { trim: false })
            .block(pane_block(Line::from(title), false)),
        area,
    );
}

pub fn draw_operation(frame: &mut Frame, area: Rect, row: Option<&LogRow>, session: &Session) {
    let Some(row) = row else {
        frame.render_widget(
            Paragraph::new("No operations yet.")
                .style(Style::new().fg(Color::DarkGray))
                .block(pane_block(Line::from(" Detail "), false)),
            area,
        );
        return;
    };
    let r = &row.report;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(row.label.clone(), bold),
            Span::raw(format!(" at {} UTC: {}", row.at.hms(), row.outcome.text())),
        ]),
        Line::from(format!(
            "{} items, {} call(s), {} RCU, {} WCU, {}, {} retries, {} unprocessed resent, {} throttled, est. {}",
            r.items,
            r.calls,
            units(r.consumed.total.read),
            units(r.consumed.total.write),
            duration(r.elapsed),
            r.retries,
            r.unprocessed_resent,
            r.throttled,
            usd(r.consumed.total.on_demand_usd())
        )),
    ];
    code_lines(&mut lines, row, session, area, bold);
    if !r.throttling_reasons.is_empty() {
        lines.push(Line::styled("Throttling reasons (calls)", bold));
        for (reason, n) in &r.throttling_reasons {
            lines.push(Line::styled(
                format!("  {reason}: {n}"),
                Style::new().fg(Color::Yellow),
            ));
        }
    }
    rule_lines(&mut lines, &r.by_rule, bold);
    for (name, c) in &r.consumed.indexes {
        lines.push(Line::from(format!(
            "  index {name}: {} RCU, {} WCU",
            units(c.read),
            units(c.write)
        )));
    }
    lines.push(Line::styled("Parameters sent", bold));
    if r.params.is_empty() {
        lines.push(Line::from("  (none: it failed before sending anything)"));
    }
    for (k, v) in &r.params {
        lines.push(Line::from(format!("  {k} = {v}")));
    }
    lines.push(Line::styled(
        format!(
            "Calls: ConsumedCapacity of each ({} of {} kept)",
            r.call_log.len(),
            r.calls
        ),
        bold,
    ));
    for (i, call) in r.call_log.iter().enumerate() {
        let rule = match call.by_rule {
            Some(c) if r.by_rule.differs => {
                format!(" (rule: {} RCU, {} WCU)", units(c.read), units(c.write))
            }
            _ => String::new(),
        };
        lines.push(Line::from(format!(
            "  {:>3} {} {} items, {} RCU, {} WCU{rule}, {}: {}",
            i + 1,
            call.api,
            call.items,
            units(call.consumed.read),
            units(call.consumed.write),
            duration(call.latency),
            call.outcome
        )));
    }
    let title = format!(" Detail: operation at {} ", row.at.hms());
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane_block(Line::from(title), false)),
        area,
    );
}

/// The operation's main call as code, in the form chosen with `v`, cut to half the pane
/// (`y` copies all of it).
fn code_lines(
    lines: &mut Vec<Line<'static>>,
    row: &LogRow,
    session: &Session,
    area: Rect,
    bold: Style,
) {
    let Some(sent) = row.sent.as_deref() else {
        return;
    };
    let Some(call) = sent.main_call() else {
        return;
    };
    let code = row
        .code
        .get(call, session.code_form, &session.code_target());
    lines.push(Line::styled(
        format!(
            "As {} ({}; v: another form, y: copy)",
            session.code_form.name(),
            sent.summary()
        ),
        bold,
    ));
    let room = usize::from(area.height / 2).max(4);
    let total = code.lines;
    // A line of code can hold a whole request body (the aws form's --request-items): only
    // what the pane can show of it is copied and wrapped, every frame.
    let visible = usize::from(area.width) * usize::from(area.height);
    for l in code.text.lines().take(room) {
        let shown = match l.char_indices().nth(visible) {
            Some((cut, _)) => format!("  {}…", &l[..cut]),
            None => format!("  {l}"),
        };
        lines.push(Line::styled(shown, Style::new().fg(Color::Cyan)));
    }
    if total > room {
        lines.push(Line::styled(
            format!("  … {} more line(s): y copies all {total}", total - room),
            Style::new().fg(Color::DarkGray),
        ));
    }
}

/// What DynamoDB's documented rules charge beside what the engine reported: said only when
/// they differ, or when the rule could not be computed for some calls (and why).
fn rule_lines(lines: &mut Vec<Line<'static>>, by_rule: &ByRule, bold: Style) {
    let warn = Style::new().fg(Color::Magenta);
    if let Some(contrast) = by_rule.contrast() {
        lines.push(Line::styled(
            "Capacity: the engine's figures are not DynamoDB's",
            bold,
        ));
        lines.push(Line::styled(format!("  {contrast}"), warn));
        let missing = if by_rule.unreported > 0 {
            format!(
                " {} of {} calls came back with no ConsumedCapacity at all.",
                by_rule.unreported, by_rule.calls
            )
        } else {
            String::new()
        };
        lines.push(Line::from(format!(
            "  This engine reports capacity unlike DynamoDB, which charges a write 1 WCU per KB \
             of each item and a Query or Scan page 1 RCU per 4 KB it reads (half when eventual).\
             {missing} The rule's figure is computed from the items sent and returned on {} \
             call(s); AWS would bill that.",
            by_rule.calls
        )));
    }
    if by_rule.not_computed > 0 {
        lines.push(Line::styled(
            format!(
                "  DynamoDB's rule not computed for {} call(s): {}",
                by_rule.not_computed,
                by_rule.why_not.unwrap_or("")
            ),
            Style::new().fg(Color::DarkGray),
        ));
    }
}
