//! Drawing: [`draw`] is a pure function of `&App` onto a frame. One file per pane or dialog,
//! so "where is the delete confirmation drawn" is answered by a file name (`confirm.rs`).
//! Lists draw only the rows that fit (see `app::list`), whatever is loaded.

mod confirm;
mod detail;
mod generate_dialog;
mod header;
pub mod help;
mod items;
mod log;
mod query_input;
mod requests;
mod status;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use super::app::{App, Modal, What};
use super::layout::{Areas, MIN_HEIGHT, MIN_WIDTH, Pane};

/// Draws the whole screen for `app`.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let Some(areas) = Areas::of(area) else {
        too_small(frame, area);
        return;
    };
    header::draw(frame, areas.header, app);
    requests::draw(frame, &areas, app);
    items::draw(frame, &areas, app);
    detail::draw(frame, areas.detail, app);
    log::draw(frame, &areas, app);
    status::draw(frame, areas.status, app);

    if let Some((job, what)) = app.long_job_context() {
        match (what, &app.modal) {
            (What::Generate { spec, .. }, Some(Modal::Generate(form))) => {
                generate_dialog::draw(frame, area, form, Some((job, spec)));
            }
            (What::Generate { spec, .. }, _) => {
                generate_dialog::draw(frame, area, &Default::default(), Some((job, spec)));
            }
            (What::Delete { .. }, _) => confirm::draw_progress(frame, area, job, what),
            _ => {}
        }
        return;
    }
    match &app.modal {
        Some(Modal::Help(scroll)) => help::draw(frame, area, *scroll),
        Some(Modal::Generate(form)) => generate_dialog::draw(frame, area, form, None),
        Some(Modal::Query(input)) => query_input::draw(frame, area, input, app.consistent),
        Some(Modal::Confirm(confirm)) => confirm::draw(frame, area, confirm),
        None => {}
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = format!(
        "terminal too small: {}x{}; dynamo-explorer needs at least {MIN_WIDTH}x{MIN_HEIGHT}. q quits",
        area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(text)
            .style(Style::new().fg(Color::Yellow))
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// The bordered block of a pane; the focused one stands out.
fn pane_block<'a>(title: Line<'a>, focused: bool) -> Block<'a> {
    let block = Block::bordered().title(title);
    if focused {
        block
            .border_type(BorderType::Thick)
            .border_style(Style::new().fg(Color::Cyan))
    } else {
        block.border_style(Style::new().fg(Color::DarkGray))
    }
}

/// Is `pane` focused (and no dialog has the keys)?
fn focused(app: &App, pane: Pane) -> bool {
    app.focus == pane && app.modal.is_none() && app.long_job.is_none()
}

/// Style of the highlighted row.
fn highlight(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().bg(Color::DarkGray)
    }
}

/// Column header style.
fn heading() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// Cuts `s` to `width` characters, ending in `…` when cut.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// A rectangle of `width` x `height` centred in `area` (shrunk to fit).
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// `1234567` -> `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Capacity units: whole numbers without decimals, halves and tenths with one.
fn units(u: f64) -> String {
    format!("{u:.1}")
}

/// `412 ms` or `3.20 s`.
fn duration(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// Dollars with two significant digits however small (`$0.000094`, `$0.00000031`): these are
/// real prices, and exploring a small table costs fractions of a cent.
fn usd(x: f64) -> String {
    if x <= 0.0 {
        return "$0".into();
    }
    let decimals = (1 - x.log10().floor() as i32).clamp(2, 12) as usize;
    format!("${x:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_format_for_humans() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(duration(std::time::Duration::from_millis(12)), "12 ms");
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(3.1e-7), "$0.00000031");
        assert_eq!(usd(150.0 * 0.625e-6), "$0.000094");
        assert_eq!(usd(12.5), "$12.50");
        assert_eq!(duration(std::time::Duration::from_millis(3200)), "3.20 s");
        let r = centered(Rect::new(0, 0, 10, 4), 20, 2);
        assert_eq!(r, Rect::new(0, 1, 10, 2));
    }
}
