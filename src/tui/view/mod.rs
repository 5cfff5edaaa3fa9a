//! Drawing: [`draw`] is a pure function of `&App` onto a frame. Every screen shares the
//! chrome (`tabs.rs`, `header.rs`, `status.rs`, the `help.rs` overlay); each screen draws its
//! body from its own folder: `explore/` (a file per pane or dialog, so "where is the delete
//! confirmation drawn" is answered by a file name), `labs/`, `cost/`. Lists draw only the
//! rows that fit (see `app::list`), whatever is loaded.

mod cost;
mod explore;
mod header;
mod help;
mod labs;
mod sql;
mod status;
mod tabs;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use super::app::{App, ScreenId};
use super::layout::centered;
use super::layout::{Chrome, MIN_HEIGHT, MIN_WIDTH};
use crate::fmt::thousands;

/// Draws the whole screen for `app`.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let Some(chrome) = Chrome::of(area) else {
        too_small(frame, area);
        return;
    };
    tabs::draw(frame, chrome.tabs, app);
    header::draw(frame, chrome.header, app);
    match app.screen {
        ScreenId::Explore => explore::draw(frame, app),
        ScreenId::Labs => labs::draw(frame, chrome.body, app),
        ScreenId::Cost => cost::draw(frame, chrome.body, app),
        ScreenId::Sql => sql::draw(frame, app),
    }
    status::draw(frame, chrome.status, app);
    if let Some(scroll) = app.help {
        help::draw(frame, area, &app.help_model(), scroll);
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
