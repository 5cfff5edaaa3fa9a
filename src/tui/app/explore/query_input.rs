//! The `/` input line: a request id typed or pasted, checked with `RequestId::parse` before
//! anything is sent.

use crate::request::schema::RequestId;

/// The input line's text and its complaint, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryInput {
    /// What was typed.
    pub text: String,
    /// Why the last Enter or paste was refused, or a note about a paste.
    pub message: Option<String>,
}

impl QueryInput {
    /// A typed character (control characters never belong in an id).
    pub fn type_char(&mut self, c: char) {
        if !c.is_control() {
            self.text.push(c);
            self.message = None;
        }
    }

    /// Deletes the last character.
    pub fn backspace(&mut self) {
        self.text.pop();
        self.message = None;
    }

    /// Pasted text: ids are one line, so a paste of several lines keeps the first non-empty
    /// one, trimmed, and says so.
    pub fn paste(&mut self, pasted: &str) {
        let mut lines = pasted.lines().map(str::trim).filter(|l| !l.is_empty());
        match lines.next() {
            None => self.message = Some("the pasted text is empty".into()),
            Some(first) => {
                self.text.push_str(first);
                let rest = lines.count();
                self.message = (rest > 0)
                    .then(|| format!("pasted {} lines: kept the first, dropped {rest}", rest + 1));
            }
        }
    }

    /// The id to query, or why not.
    pub fn parse(&self) -> Result<RequestId, String> {
        RequestId::parse(&self.text).map_err(|e| e.to_string())
    }
}
