//! A cursor over a list that may hold 100,000 rows: the highlighted index and the first
//! visible row. Views render only `offset..offset + height`, so a frame costs what fits on
//! screen, not what is loaded.

/// Highlighted row and scroll offset of one pane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    /// The highlighted row (0 when the list is empty).
    pub selected: usize,
    /// The first visible row.
    pub offset: usize,
}

/// How far a list key moves the highlight in a pane of `page` rows: ↑↓ and j/k one row,
/// PgUp/PgDn a page, Home/End to either end. `None` for any other key.
pub fn nav_delta(code: ratatui::crossterm::event::KeyCode, page: usize) -> Option<isize> {
    use ratatui::crossterm::event::KeyCode;
    let page = isize::try_from(page.max(1)).unwrap_or(isize::MAX);
    Some(match code {
        KeyCode::Up | KeyCode::Char('k') => -1,
        KeyCode::Down | KeyCode::Char('j') => 1,
        KeyCode::PageUp => -page,
        KeyCode::PageDown => page,
        KeyCode::Home => isize::MIN,
        KeyCode::End => isize::MAX,
        _ => return None,
    })
}

impl ListCursor {
    /// Moves by `delta` rows (negative: up), clamped to the list.
    pub fn move_by(&mut self, delta: isize, len: usize, height: usize) {
        let target = self.selected.saturating_add_signed(delta);
        self.select(target, len, height);
    }

    /// Highlights `index` (clamped) and scrolls it into view.
    pub fn select(&mut self, index: usize, len: usize, height: usize) {
        self.selected = index.min(len.saturating_sub(1));
        self.offset = visible_offset(self.offset, self.selected, len, height);
    }

    /// Re-clamps after the list or the pane changed size.
    pub fn clamp(&mut self, len: usize, height: usize) {
        self.select(self.selected, len, height);
    }

    /// The rows to draw: `offset..end`, with the offset fixed up for `height` (the view may
    /// be drawn at another size than `update` last saw).
    pub fn window(&self, len: usize, height: usize) -> std::ops::Range<usize> {
        let offset = visible_offset(
            self.offset,
            self.selected.min(len.saturating_sub(1)),
            len,
            height,
        );
        offset..(offset + height).min(len)
    }
}

/// The smallest scroll change that keeps `selected` visible in `height` rows.
fn visible_offset(offset: usize, selected: usize, len: usize, height: usize) -> usize {
    if height == 0 || len == 0 {
        return 0;
    }
    let mut offset = offset.min(len.saturating_sub(height));
    if selected < offset {
        offset = selected;
    } else if selected >= offset + height {
        offset = selected + 1 - height;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_scrolls_the_window_just_enough() {
        let mut c = ListCursor::default();
        c.move_by(5, 100, 10);
        assert_eq!((c.selected, c.offset), (5, 0));
        c.move_by(7, 100, 10);
        assert_eq!((c.selected, c.offset), (12, 3));
        c.move_by(-20, 100, 10);
        assert_eq!((c.selected, c.offset), (0, 0));
        c.select(usize::MAX, 100, 10);
        assert_eq!((c.selected, c.offset), (99, 90));
        assert_eq!(c.window(100, 10), 90..100);
    }

    #[test]
    fn empty_and_tiny_panes_do_not_panic() {
        let mut c = ListCursor::default();
        c.move_by(3, 0, 0);
        assert_eq!(c.window(0, 0), 0..0);
        c.select(5, 10, 0);
        assert_eq!(c.window(10, 0), 0..0);
        c.select(5, 3, 1);
        assert_eq!(c.window(3, 1), 2..3);
    }

    #[test]
    fn window_follows_a_shrunken_list() {
        let c = ListCursor {
            selected: 50,
            offset: 45,
        };
        assert_eq!(c.window(10, 5), 5..10);
    }
}
