//! The statement editor: multi-line text with a cursor, and the history of statements run,
//! walked with ↑ on the first line and ↓ on the last (kept across sessions by the caller).

/// Statements kept in the history, at most.
pub const MAX_HISTORY: usize = 500;

/// Text and cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Editor {
    /// The statement as typed.
    pub text: String,
    /// Cursor, a byte offset into `text` on a char boundary.
    pub cursor: usize,
    /// Statements run, oldest first.
    pub history: Vec<String>,
    /// Position while walking the history (`None`: editing the draft).
    walking: Option<usize>,
    /// What was being typed before walking the history.
    draft: String,
}

impl Editor {
    /// Inserts text at the cursor (typed or pasted; pasted newlines are kept, `\r\n` as `\n`).
    pub fn insert(&mut self, s: &str) {
        let clean = s.replace("\r\n", "\n").replace('\r', "\n");
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
        self.walking = None;
    }

    /// Deletes the char before the cursor.
    pub fn backspace(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
    }

    /// Deletes the char under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.text.len() {
            self.text.remove(self.cursor);
        }
    }

    /// One char left.
    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    /// One char right.
    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    /// Start of the line.
    pub fn home(&mut self) {
        self.cursor = self.line_start();
    }

    /// End of the line.
    pub fn end(&mut self) {
        self.cursor += self.text[self.cursor..]
            .find('\n')
            .unwrap_or(self.text.len() - self.cursor);
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }

    /// (line, column in chars) of the cursor.
    pub fn position(&self) -> (usize, usize) {
        let before = &self.text[..self.cursor];
        let line = before.matches('\n').count();
        let col = before[self.line_start()..].chars().count();
        (line, col)
    }

    /// ↑: the line above, or, on the first line, the statement before in the history.
    pub fn up(&mut self) {
        let (line, col) = self.position();
        if line == 0 {
            self.history_back();
        } else {
            self.goto(line - 1, col);
        }
    }

    /// ↓: the line below, or, on the last line, the next statement in the history.
    pub fn down(&mut self) {
        let (line, col) = self.position();
        if line + 1 >= self.text.split('\n').count() {
            self.history_forward();
        } else {
            self.goto(line + 1, col);
        }
    }

    fn goto(&mut self, line: usize, col: usize) {
        let mut at = 0;
        for (i, l) in self.text.split('\n').enumerate() {
            if i == line {
                let within: usize = l.chars().take(col).map(char::len_utf8).sum();
                self.cursor = at + within;
                return;
            }
            at += l.len() + 1;
        }
    }

    fn history_back(&mut self) {
        let next = match self.walking {
            None if self.history.is_empty() => return,
            None => {
                self.draft = self.text.clone();
                self.history.len() - 1
            }
            Some(0) => return,
            Some(i) => i - 1,
        };
        self.walking = Some(next);
        self.show(self.history[next].clone());
    }

    fn history_forward(&mut self) {
        let Some(i) = self.walking else { return };
        if i + 1 < self.history.len() {
            self.walking = Some(i + 1);
            self.show(self.history[i + 1].clone());
        } else {
            self.walking = None;
            let draft = std::mem::take(&mut self.draft);
            self.show(draft);
        }
    }

    fn show(&mut self, text: String) {
        self.text = text;
        self.cursor = self.text.len();
    }

    /// A statement was run: it goes to the end of the history (once, if run twice in a row).
    /// Returns whether it was added (so the caller saves it).
    pub fn remember(&mut self, statement: &str) -> bool {
        self.walking = None;
        let s = statement.trim();
        if s.is_empty() || self.history.last().is_some_and(|l| l == s) {
            return false;
        }
        self.history.push(s.to_owned());
        if self.history.len() > MAX_HISTORY {
            self.history.remove(0);
        }
        true
    }
}

/// The history file's text to statements: one JSON string per line (a statement may hold
/// newlines); lines that are not are skipped. The newest [`MAX_HISTORY`] are kept.
pub fn parse_history(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<String>(l).ok())
        .collect();
    if out.len() > MAX_HISTORY {
        out.drain(..out.len() - MAX_HISTORY);
    }
    out
}

/// One statement as a line of the history file.
pub fn history_line(statement: &str) -> String {
    serde_json::to_string(statement).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_moving_and_deleting_keep_the_cursor_on_char_boundaries() {
        let mut e = Editor::default();
        e.insert("SELECT é");
        e.left();
        e.backspace();
        assert_eq!(e.text, "SELECTé");
        e.right();
        e.insert("\r\nFROM t");
        assert_eq!(e.text, "SELECTé\nFROM t");
        assert_eq!(e.position(), (1, 6));
        e.up();
        assert_eq!(e.position(), (0, 6));
        e.end();
        assert_eq!(e.position(), (0, 7));
        e.delete();
        assert_eq!(e.text, "SELECTéFROM t");
    }

    #[test]
    fn up_on_the_first_line_walks_the_history_and_down_comes_back_to_the_draft() {
        let mut e = Editor::default();
        assert!(e.remember("SELECT 1"));
        assert!(!e.remember("SELECT 1"), "the same twice is kept once");
        assert!(e.remember("SELECT 2"));
        e.insert("draft");
        e.up();
        assert_eq!(e.text, "SELECT 2");
        e.up();
        assert_eq!(e.text, "SELECT 1");
        e.up();
        assert_eq!(e.text, "SELECT 1", "the oldest stays");
        e.down();
        assert_eq!(e.text, "SELECT 2");
        e.down();
        assert_eq!(e.text, "draft");
    }

    #[test]
    fn the_history_file_keeps_multi_line_statements_and_skips_garbage() {
        let lines = [
            history_line("SELECT *\nFROM t"),
            "not json".into(),
            history_line("x"),
        ];
        assert_eq!(
            parse_history(&lines.join("\n")),
            vec!["SELECT *\nFROM t".to_owned(), "x".to_owned()]
        );
    }
}
