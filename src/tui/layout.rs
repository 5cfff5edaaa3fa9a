//! Where each pane goes for a terminal size. Pure arithmetic, shared by the view (to draw)
//! and by `update` (to page by a screenful and to hit-test mouse clicks), so the two never
//! disagree and `update` needs no access to the terminal.
//!
//! Every screen shares the chrome: the tab bar and the header above, the status lines below.
//! The Explore screen tiles its body into panes:
//!
//! ```text
//! tabs: 1 Explore  2 Labs  3 Cost
//! header
//! ┌Requests──┐┌Items──────┐
//! │          │└───────────┘
//! │          │┌Detail─────┐
//! └──────────┘└───────────┘
//! ┌Operations log─────────┐
//! └───────────────────────┘
//! status line / key hints
//! ```

use ratatui::layout::{Margin, Position, Rect};

/// Below this the app shows "terminal too small" instead of panes.
pub const MIN_WIDTH: u16 = 60;
/// Below this the app shows "terminal too small" instead of panes.
pub const MIN_HEIGHT: u16 = 16;

/// The panes that take focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// Request ids.
    Requests,
    /// Records of the current request.
    Items,
    /// Operations log.
    Log,
}

impl Pane {
    /// Focus order for Tab.
    pub const ORDER: [Pane; 3] = [Pane::Requests, Pane::Items, Pane::Log];

    /// Next in Tab order.
    pub fn next(self) -> Pane {
        match self {
            Pane::Requests => Pane::Items,
            Pane::Items => Pane::Log,
            Pane::Log => Pane::Requests,
        }
    }

    /// Previous in Tab order.
    pub fn prev(self) -> Pane {
        match self {
            Pane::Requests => Pane::Log,
            Pane::Items => Pane::Requests,
            Pane::Log => Pane::Items,
        }
    }

    /// Lines under the column header that are not rows (the Requests pane's "more…" line).
    fn footer_lines(self) -> u16 {
        match self {
            Pane::Requests => 1,
            Pane::Items | Pane::Log => 0,
        }
    }
}

/// The regions every screen has, or `None` when the terminal is too small for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chrome {
    /// The screens, as tabs.
    pub tabs: Rect,
    /// Backend, table, read mode.
    pub header: Rect,
    /// What the current screen draws.
    pub body: Rect,
    /// Status line and key hints (2 lines).
    pub status: Rect,
}

impl Chrome {
    /// The chrome at this size.
    pub fn of(area: Rect) -> Option<Chrome> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        let (x, y, w, h) = (area.x, area.y, area.width, area.height);
        Some(Chrome {
            tabs: Rect::new(x, y, w, 1),
            header: Rect::new(x, y + 1, w, 1),
            body: Rect::new(x, y + 2, w, h - 4),
            status: Rect::new(x, y + h - 2, w, 2),
        })
    }
}

/// The `?` overlay's rectangle at a screen size: `update` scrolls by its height, the view
/// draws into it.
pub fn help_popup(area: Rect) -> Rect {
    centered(area, 90, 38)
}

/// Lines the help overlay shows at once at this screen size (inside its border).
pub fn help_page(area: Rect) -> u16 {
    help_popup(area).height.saturating_sub(2)
}

/// A rectangle of `width` x `height` centred in `area` (shrunk to fit).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The Cost screen's halves in its body: the fields on the left, the bill on the right.
pub fn cost_halves(body: Rect) -> (Rect, Rect) {
    let left_w = (body.width * 42 / 100).clamp(34, 48).min(body.width);
    (
        Rect::new(body.x, body.y, left_w, body.height),
        Rect::new(body.x + left_w, body.y, body.width - left_w, body.height),
    )
}

/// The Cost field (its index, top to bottom) drawn on this row of a screen of this size, if
/// the point is on one: the fields are the lines inside the left half's border.
pub fn cost_field_at(screen: Rect, col: u16, row: u16, fields: usize) -> Option<usize> {
    let (left, _) = cost_halves(Chrome::of(screen)?.body);
    let inside = left.inner(Margin::new(1, 1));
    if !inside.contains(Position::new(col, row)) {
        return None;
    }
    let index = usize::from(row - inside.y);
    (index < fields).then_some(index)
}

/// The SQL screen's regions:
///
/// ```text
/// ┌Statement──────────────────┐
/// └───────────────────────────┘
/// plan (what it will become)
/// ┌Items──────┐┌Detail────────┐
/// └───────────┘└──────────────┘
/// ┌Operations log─────────────┐
/// └───────────────────────────┘
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqlAreas {
    /// The statement editor.
    pub editor: Rect,
    /// What it will become, and what it cost.
    pub plan: Rect,
    /// The results grid.
    pub results: Rect,
    /// The highlighted item or log row.
    pub detail: Rect,
    /// Operations log.
    pub log: Rect,
}

impl SqlAreas {
    /// Lines of statement the editor shows.
    pub const EDITOR_LINES: u16 = 4;

    /// The SQL screen's regions, or `None` when the terminal is too small for them.
    pub fn of(area: Rect) -> Option<SqlAreas> {
        let body = Chrome::of(area)?.body;
        let (x, w) = (body.x, body.width);
        let editor_h = Self::EDITOR_LINES + 2;
        let plan_h = 3;
        let rest = body.height.saturating_sub(editor_h + plan_h);
        let top_h = (rest * 60 / 100).max(4);
        let log_h = rest.saturating_sub(top_h);
        let y = body.y;
        let results_w = w * 55 / 100;
        let below = y + editor_h + plan_h;
        Some(SqlAreas {
            editor: Rect::new(x, y, w, editor_h),
            plan: Rect::new(x, y + editor_h, w, plan_h),
            results: Rect::new(x, below, results_w, top_h),
            detail: Rect::new(x + results_w, below, w - results_w, top_h),
            log: Rect::new(x, below + top_h, w, log_h),
        })
    }

    /// Where a list's rows go in `pane` (results or log): inside the border, under the
    /// column header.
    pub fn rows(pane: Rect) -> Rect {
        let inner = pane.inner(Margin::new(1, 1));
        Rect {
            y: inner.y.saturating_add(1),
            height: inner.height.saturating_sub(1),
            ..inner
        }
    }
}

/// Every region of the Explore screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The screens, as tabs.
    pub tabs: Rect,
    /// Backend, table, read mode.
    pub header: Rect,
    /// Request ids.
    pub requests: Rect,
    /// Records of the current request.
    pub items: Rect,
    /// The highlighted item or log row.
    pub detail: Rect,
    /// Operations log.
    pub log: Rect,
    /// Status line and key hints (2 lines).
    pub status: Rect,
}

impl Areas {
    /// The Explore screen's regions, or `None` when the terminal is too small for them.
    pub fn of(area: Rect) -> Option<Areas> {
        let Chrome {
            tabs,
            header,
            body,
            status,
        } = Chrome::of(area)?;
        let (x, w) = (body.x, body.width);
        let middle_h = body.height;
        let top_h = (middle_h * 65 / 100).max(8);
        let log_h = middle_h - top_h;
        let top_y = body.y;
        let requests_w = (w * 46 / 100).clamp(28, 56);
        let right_w = w - requests_w;
        let items_h = top_h * 55 / 100;
        let detail_h = top_h - items_h;
        Some(Areas {
            tabs,
            header,
            requests: Rect::new(x, top_y, requests_w, top_h),
            items: Rect::new(x + requests_w, top_y, right_w, items_h),
            detail: Rect::new(x + requests_w, top_y + items_h, right_w, detail_h),
            log: Rect::new(x, top_y + top_h, w, log_h),
            status,
        })
    }

    /// A pane's whole rectangle (border included).
    pub fn pane(&self, pane: Pane) -> Rect {
        match pane {
            Pane::Requests => self.requests,
            Pane::Items => self.items,
            Pane::Log => self.log,
        }
    }

    /// Where a pane's list rows go: inside the border, under the column header.
    pub fn rows(&self, pane: Pane) -> Rect {
        let inner = self.pane(pane).inner(Margin::new(1, 1));
        Rect {
            y: inner.y.saturating_add(1),
            height: inner.height.saturating_sub(1 + pane.footer_lines()),
            ..inner
        }
    }

    /// How many list rows a pane shows.
    pub fn page(&self, pane: Pane) -> usize {
        usize::from(self.rows(pane).height)
    }

    /// The focusable pane under a point, if any.
    pub fn pane_at(&self, col: u16, row: u16) -> Option<Pane> {
        let p = Position::new(col, row);
        Pane::ORDER
            .into_iter()
            .find(|pane| self.pane(*pane).contains(p))
    }

    /// The list row index (from the first visible one) under a point in `pane`.
    pub fn row_at(&self, pane: Pane, col: u16, row: u16) -> Option<usize> {
        let rows = self.rows(pane);
        rows.contains(Position::new(col, row))
            .then(|| usize::from(row - rows.y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_tile_the_screen_without_overlap() {
        for (w, h) in [(120, 40), (80, 24), (60, 16), (300, 100)] {
            let a = Areas::of(Rect::new(0, 0, w, h)).expect("big enough");
            let total: u32 = [
                a.tabs, a.header, a.requests, a.items, a.detail, a.log, a.status,
            ]
            .iter()
            .map(|r| u32::from(r.width) * u32::from(r.height))
            .sum();
            assert_eq!(total, u32::from(w) * u32::from(h), "{w}x{h}");
            assert!(a.page(Pane::Items) >= 1, "{w}x{h}: items show a row");
            assert!(a.page(Pane::Log) >= 1, "{w}x{h}: log shows a row");
            assert!(a.page(Pane::Requests) >= 1, "{w}x{h}: requests show a row");
        }
    }

    #[test]
    fn too_small_is_none() {
        assert!(Areas::of(Rect::new(0, 0, 20, 5)).is_none());
        assert!(Areas::of(Rect::new(0, 0, 0, 0)).is_none());
        assert!(Areas::of(Rect::new(0, 0, 59, 40)).is_none());
    }

    #[test]
    fn hit_testing_finds_panes_and_rows() {
        let a = Areas::of(Rect::new(0, 0, 120, 40)).expect("big enough");
        let rows = a.rows(Pane::Items);
        assert_eq!(a.pane_at(rows.x, rows.y), Some(Pane::Items));
        assert_eq!(a.row_at(Pane::Items, rows.x, rows.y + 2), Some(2));
        assert_eq!(
            a.row_at(Pane::Items, rows.x, rows.y - 1),
            None,
            "column header"
        );
        assert_eq!(a.pane_at(0, 0), None, "tabs");
        assert_eq!(a.pane_at(0, 1), None, "header");
    }
}
