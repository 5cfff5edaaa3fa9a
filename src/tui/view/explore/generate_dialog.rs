//! The generate dialog: the form, an estimate of what it will cost, the validation message,
//! and while the job runs a progress gauge (records done, records/s, WCU, retries) over a live
//! chart of the write units consumed per second, the simulated limit and the throttles.

use ratatui::Frame;
use ratatui::layout::{Margin, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Clear, Dataset, Gauge, GraphType, Paragraph, Wrap};

use crate::limits::{LimitsConfig, WritePlan};
use crate::request::generate::{GenerateSpec, Mix, max_payload_bytes};
use crate::request::schema::MAX_ITEM_BYTES;
use crate::size::write_units;
use crate::tui::app::LongJob;
use crate::tui::app::explore::generate_form::{Field, GenerateForm};
use crate::tui::view::{centered, thousands, units};

const LABEL_W: usize = 22;
/// Lines the live chart adds to a progress dialog.
pub const CHART_HEIGHT: u16 = 11;
/// Below this the chart is left out (small terminals keep the gauge).
const CHART_MIN_HEIGHT: u16 = 5;
/// Lines of the fields, a blank, the estimate and the bound (or the error).
const FORM_LINES: u16 = Field::ALL.len() as u16 + 4;
/// The dialog's height without the chart: the form, the gauge, its numbers and hints.
const DIALOG_HEIGHT: u16 = FORM_LINES + 7;

/// Draws the dialog; `running` is the job and the spec it runs, once started.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    form: &GenerateForm,
    running: Option<(&LongJob, &GenerateSpec)>,
    limits: &LimitsConfig,
) {
    let popup = centered(
        area,
        72,
        if running.is_some() {
            DIALOG_HEIGHT + CHART_HEIGHT
        } else {
            DIALOG_HEIGHT
        },
    );
    frame.render_widget(Clear, popup);
    let title = if running.is_some() {
        " Generate requests: running "
    } else {
        " Generate requests "
    };
    let block = Block::bordered()
        .title(title)
        .border_style(Style::new().fg(Color::Cyan));
    let inner = popup.inner(Margin::new(1, 1));
    frame.render_widget(block, popup);

    let editing = running.is_none();
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, field) in Field::ALL.into_iter().enumerate() {
        let active = editing && form.field == field;
        let marker = if active { "▶ " } else { "  " };
        let label = Span::styled(
            format!("{marker}{:<w$}", field.label(), w = LABEL_W),
            if active {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            },
        );
        let value = match form.text(field) {
            Some(text) => {
                if active {
                    cursor = Some(Position::new(
                        inner.x + (2 + LABEL_W + 1 + text.chars().count()) as u16,
                        inner.y + i as u16,
                    ));
                }
                Span::styled(
                    format!("[{text:<10}]"),
                    Style::new().fg(if active { Color::Yellow } else { Color::White }),
                )
            }
            None => {
                let (fixed, realistic) = match form.mix {
                    Mix::Fixed => ("(•) fixed", "( ) realistic"),
                    Mix::Realistic => ("( ) fixed", "(•) realistic"),
                };
                Span::styled(
                    format!("{fixed}  {realistic}"),
                    Style::new().fg(if active { Color::Yellow } else { Color::White }),
                )
            }
        };
        lines.push(Line::from(vec![label, value]));
    }
    lines.push(Line::raw(""));
    match running {
        None => {
            lines.push(Line::styled(estimate(form), Style::new().fg(Color::Cyan)));
            if let Some(bound) = least_time(form, limits) {
                lines.push(Line::styled(bound, Style::new().fg(Color::Magenta)));
            }
            if let Some(err) = &form.error {
                lines.push(Line::styled(
                    err.clone(),
                    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
                ));
            }
        }
        Some((_, spec)) => {
            let shown = GenerateForm {
                requests: spec.requests.to_string(),
                records: spec.records.to_string(),
                payload: spec.payload_bytes.to_string(),
                mix: spec.mix,
                ttl: spec.ttl.to_string(),
                ..GenerateForm::default()
            };
            lines.push(Line::styled(estimate(&shown), Style::new().fg(Color::Cyan)));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);

    // Under the fields and the estimate: the gauge, and the chart as tall as fits.
    let bottom = Rect {
        y: inner.y + FORM_LINES.min(inner.height),
        height: inner.height.saturating_sub(FORM_LINES),
        ..inner
    };
    match running {
        None => {
            frame.render_widget(
                Paragraph::new("Tab/↓ next field  Space/←/→ mix  Enter start  Esc close")
                    .style(Style::new().fg(Color::DarkGray)),
                Rect {
                    y: inner.y + inner.height.saturating_sub(1),
                    height: inner.height.min(1),
                    ..inner
                },
            );
            if let Some(pos) = cursor
                && popup.contains(pos)
            {
                frame.set_cursor_position(pos);
            }
        }
        Some((job, _)) => progress(frame, bottom, job),
    }
}

/// Gauge and numbers of a running batch write (shared with the delete progress dialog).
pub fn progress(frame: &mut Frame, area: Rect, job: &LongJob) {
    if area.height == 0 {
        return;
    }
    let (ratio, label, numbers) = match job.progress {
        None => (0.0, "starting…".to_owned(), "preparing records…".to_owned()),
        Some(p) => {
            let secs = p.elapsed.as_secs_f64().max(1e-3);
            let rate = (p.done as f64 / secs).round() as u64;
            (
                if p.total == 0 {
                    1.0
                } else {
                    p.done as f64 / p.total as f64
                },
                format!("{} / {}", thousands(p.done), thousands(p.total)),
                format!(
                    "{}/s  {} WCU  {} retries  {} unprocessed resent  {} throttled",
                    thousands(rate),
                    units(p.write_units),
                    p.retries,
                    p.unprocessed_resent,
                    p.throttled
                ),
            )
        }
    };
    frame.render_widget(
        Gauge::default()
            .gauge_style(Style::new().fg(Color::Green).bg(Color::DarkGray))
            .ratio(ratio.clamp(0.0, 1.0))
            .label(label),
        Rect { height: 1, ..area },
    );
    let hint = if job.cancelling {
        Span::styled("cancelling…", Style::new().fg(Color::Yellow))
    } else {
        Span::styled(
            "Esc cancels (what was done stays)",
            Style::new().fg(Color::DarkGray),
        )
    };
    let rest = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    frame.render_widget(
        Paragraph::new(vec![Line::raw(numbers), Line::from(hint)]),
        Rect {
            height: rest.height.min(2),
            ..rest
        },
    );
    let chart = Rect {
        y: rest.y + 2,
        height: rest.height.saturating_sub(2),
        ..rest
    };
    if chart.height >= CHART_MIN_HEIGHT {
        flow_chart(frame, chart, job);
    }
}

/// Write units consumed per second against the simulated limit, throttled seconds marked,
/// and the in-flight count the adaptive writer chose.
fn flow_chart(frame: &mut Frame, area: Rect, job: &LongJob) {
    let flow = &job.flow;
    let rates = flow.rate_points();
    let marks = flow.throttle_points();
    let peak = rates.iter().map(|&(_, r)| r).fold(0.0, f64::max);
    let y_max = (job.limit_wcu.unwrap_or(0.0).max(peak) * 1.2).max(10.0);
    let x_max = (flow.complete_seconds() as f64).max(10.0);
    let limit_line: Vec<(f64, f64)> = job
        .limit_wcu
        .map(|l| vec![(0.0, l), (x_max, l)])
        .unwrap_or_default();
    let mut datasets = vec![
        Dataset::default()
            .name("WCU/s")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(Color::Green))
            .data(&rates),
    ];
    if !limit_line.is_empty() {
        datasets.push(
            Dataset::default()
                .name("limit")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(Color::Red))
                .data(&limit_line),
        );
    }
    if !marks.is_empty() {
        datasets.push(
            Dataset::default()
                .name("pushed back")
                .marker(Marker::Dot)
                .graph_type(GraphType::Scatter)
                .style(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
                .data(&marks),
        );
    }
    let now = match flow.latest_rate() {
        Some(rate) => format!("{} WCU/s", thousands(rate.round() as u64)),
        None => "WCU/s from the first second".to_owned(),
    };
    let limit = match job.limit_wcu {
        Some(l) => format!(" · limit {} (simulated)", thousands(l.round() as u64)),
        None => String::new(),
    };
    // Once throttled the writer paces its calls: the pace says more than the ceiling.
    let in_flight = match (flow.max_in_flight, flow.pace) {
        (0, _) => String::new(),
        (_, Some(pace)) => format!(
            " · {} in flight · paced {}/s",
            flow.in_flight,
            thousands(pace.round() as u64)
        ),
        (max, None) => format!(" · in flight {} of {max}", flow.in_flight),
    };
    // The counts of throttled calls and unprocessed items are on the line above.
    let title = format!(" {now}{limit}{in_flight} ");
    let axis = Style::new().fg(Color::DarkGray);
    frame.render_widget(
        Chart::new(datasets)
            .block(Block::bordered().title(title).border_style(axis))
            .x_axis(
                Axis::default()
                    .bounds([0.0, x_max])
                    .style(axis)
                    .labels(["0 s".to_owned(), format!("{x_max:.0} s")]),
            )
            .y_axis(
                Axis::default()
                    .bounds([0.0, y_max])
                    .style(axis)
                    .labels(["0".to_owned(), thousands(y_max.round() as u64)]),
            ),
        area,
    );
}

/// What the form would write and roughly what it would cost.
/// The least time the simulated limits allow for the write ("10,000 WCU into 1 partition
/// key: at least 10 s at 1,000 WCU/s"); `None` with no limits or unfinished fields.
fn least_time(form: &GenerateForm, limits: &LimitsConfig) -> Option<String> {
    let (requests, records, _, per_record) = form_units(form)?;
    let plan = match form.mix {
        Mix::Fixed => WritePlan {
            total_wcu: (requests * records * per_record) as f64,
            partition_keys: requests,
            largest_key_wcu: (records * per_record) as f64,
        },
        // Realistic: the largest request is drawn at random (up to 5,000 records), so only
        // the table's rate bounds it for sure; the mean gives the total.
        Mix::Realistic => WritePlan::even(
            requests as f64 * crate::request::generate::realistic_mean() * per_record as f64,
            requests,
        ),
    };
    Some(format!(
        "simulated limits: {}",
        limits.min_write_time(plan)?
    ))
}

/// Requests, records per request, item bytes and WCU per record, once the fields are numbers.
fn form_units(form: &GenerateForm) -> Option<(u64, u64, usize, u64)> {
    let requests = form.requests.parse::<u64>().ok()?;
    let records = form.records.parse::<u64>().ok()?;
    let payload = form.payload.parse::<usize>().ok()?;
    // Everything but the payload weighs about the same in every record.
    let overhead = MAX_ITEM_BYTES - max_payload_bytes();
    let item = payload.saturating_add(overhead);
    Some((requests, records, item, write_units(item)))
}

fn estimate(form: &GenerateForm) -> String {
    let Some((requests, records, item, per_record)) = form_units(form) else {
        return "fill in every field".into();
    };
    match form.mix {
        Mix::Fixed => {
            let total = requests.saturating_mul(records);
            format!(
                "{} records of ~{} bytes: ~{} WCU ({} per record: 1 per started KB)",
                thousands(total),
                thousands(item as u64),
                thousands(total.saturating_mul(per_record)),
                per_record
            )
        }
        Mix::Realistic => format!(
            "realistic: most requests get 1 record, ~1 in 50 gets 100 to 5,000; ~{item} bytes and {per_record} WCU per record"
        ),
    }
}
