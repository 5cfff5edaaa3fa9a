//! The help model: what `?` shows, as data. Each screen lists its own keys; the global keys
//! come last. The view renders it; `update` scrolls it by its line count, so the state never
//! asks the view how long the help is.

use ratatui::layout::Rect;

use crate::tui::layout;

/// A group of keys with a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpSection {
    /// `Requests`, `Dialogs`...
    pub title: &'static str,
    /// (keys, what they do).
    pub keys: &'static [(&'static str, &'static str)],
}

/// The keys that work on every screen.
pub const GLOBAL: HelpSection = HelpSection {
    title: "Every screen",
    keys: &[
        ("1 2 3 4 / F1-F4", "switch screen: Explore, Labs, Cost, SQL"),
        ("?", "this help"),
        ("q / Ctrl-C", "quit (Ctrl-C also cancels a running job)"),
    ],
};

/// What the numbers in the log mean; lines short enough for an 80-column terminal.
pub const FOOTNOTE: &[&str] = &[
    "RCU/WCU: capacity units DynamoDB reports per call (ReturnConsumedCapacity).",
    "r/u/t: retries / unprocessed items resent / throttled.",
    "Costs are estimates at us-east-1 on-demand prices.",
];

/// Everything the overlay shows for one screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpModel {
    /// The screen's sections, then [`GLOBAL`].
    pub sections: Vec<HelpSection>,
    /// Lines after a blank line.
    pub footnote: &'static [&'static str],
}

impl HelpModel {
    /// A screen's sections followed by the global keys.
    pub fn for_screen(screen: &[HelpSection]) -> Self {
        let mut sections = screen.to_vec();
        sections.push(GLOBAL);
        HelpModel {
            sections,
            footnote: FOOTNOTE,
        }
    }

    /// Lines when drawn: a heading per section, a line per key, a blank line, the footnote.
    pub fn line_count(&self) -> usize {
        self.sections
            .iter()
            .map(|s| 1 + s.keys.len())
            .sum::<usize>()
            + 1
            + self.footnote.len()
    }

    /// How far it can scroll on a screen this size (0 when everything fits).
    pub fn max_scroll(&self, screen: Rect) -> u16 {
        let page = usize::from(layout::help_page(screen));
        u16::try_from(self.line_count().saturating_sub(page)).unwrap_or(u16::MAX)
    }
}
