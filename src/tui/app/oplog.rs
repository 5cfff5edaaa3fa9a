//! The operations log: one row per user-level operation with what it sent, what it consumed
//! and how it ended, and the session's running totals. Partial failures and cancellations
//! add their rows too: capacity they consumed was billed all the same.

use super::list::ListCursor;
use crate::store::{Capacity, OpReport};
use crate::tui::msg::ClockTime;

/// Rows kept; older ones drop off (the totals keep counting them).
pub const MAX_LOG_ROWS: usize = 1000;

/// How an operation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Everything done.
    Ok,
    /// Done, but a newer request of the same kind replaced it before it arrived.
    Superseded,
    /// Stopped by the user; the text says how much was done.
    Cancelled(String),
    /// Failed; the text says why (and how much was done, for partial failures).
    Error(String),
    /// Not a user's operation but something the engine did (a TTL sweep): what.
    Note(String),
}

impl Outcome {
    /// How it reads: in the log's result column, Detail and a transcript.
    pub fn text(&self) -> String {
        match self {
            Outcome::Ok => "ok".into(),
            Outcome::Superseded => "ok (superseded by a newer query)".into(),
            Outcome::Cancelled(text) | Outcome::Note(text) => text.clone(),
            Outcome::Error(text) => format!("error: {text}"),
        }
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRow {
    /// When it finished (UTC).
    pub at: ClockTime,
    /// What the user did: `query 1a2b3c4d`, `generate 3×50`...
    pub label: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Calls, units, time, retries, parameters (empty when it failed before any call).
    /// Shared, not copied, with a transcript `w` writes (up to 500 calls' records each).
    pub report: std::sync::Arc<OpReport>,
    /// The calls as they were sent, when captured: Detail shows the main one as code.
    pub sent: Option<std::sync::Arc<crate::code::Sent>>,
    /// The main call rendered, once per form: Detail draws it every frame, and a
    /// BatchWriteItem of large items renders to megabytes.
    pub code: CodeCache,
}

/// A log row's main call as code, rendered on first use, per form (aws CLI, boto3, Rust).
#[derive(Debug, Clone, Default)]
pub struct CodeCache([std::sync::OnceLock<Code>; 3]);

/// A call rendered as code, with its line count (Detail says how many it leaves out on every
/// frame: counted once).
#[derive(Debug, Clone)]
pub struct Code {
    /// The code.
    pub text: String,
    /// Its lines.
    pub lines: usize,
}

impl CodeCache {
    /// The code of `call` in `lang`, rendered the first time it is asked for.
    pub fn get(
        &self,
        call: &crate::code::SentCall,
        lang: crate::code::Lang,
        target: &crate::code::Target,
    ) -> &Code {
        let slot = match lang {
            crate::code::Lang::Aws => 0,
            crate::code::Lang::Python => 1,
            crate::code::Lang::Rust => 2,
        };
        self.0[slot].get_or_init(|| {
            let text = crate::code::render(call, lang, target);
            let lines = text.lines().count();
            Code { text, lines }
        })
    }
}

/// A cache: equal whatever it holds.
impl PartialEq for CodeCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// All operations of this session.
#[derive(Debug, Clone, Default)]
pub struct OpLog {
    /// Oldest first.
    pub rows: Vec<LogRow>,
    /// Highlight and scroll (follows the newest row unless the log pane has focus).
    pub cursor: ListCursor,
    /// Sum over every operation of the session, dropped rows included.
    pub totals: Capacity,
    /// Operations in the session.
    pub count: u64,
    /// Operations whose capacity, as the engine reported it, broke DynamoDB's rules.
    pub off_rule: u64,
}

impl OpLog {
    /// Adds a row. `follow`: move the highlight to it (the log pane is not being browsed).
    pub fn push(&mut self, row: LogRow, follow: bool, height: usize) {
        self.totals.add(row.report.consumed.total);
        self.count += 1;
        self.off_rule += u64::from(row.report.by_rule.differs);
        self.rows.push(row);
        if self.rows.len() > MAX_LOG_ROWS {
            // One shift of at most 1,000 rows per user-level operation: cheap enough. The
            // highlight and the view move with the rows, so a browsing user sees no jump.
            self.rows.remove(0);
            self.cursor.selected = self.cursor.selected.saturating_sub(1);
            self.cursor.offset = self.cursor.offset.saturating_sub(1);
        }
        if follow {
            self.cursor
                .select(self.rows.len() - 1, self.rows.len(), height);
        } else {
            self.cursor.clamp(self.rows.len(), height);
        }
    }

    /// The highlighted row.
    pub fn highlighted(&self) -> Option<&LogRow> {
        self.rows.get(self.cursor.selected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize) -> LogRow {
        LogRow {
            at: ClockTime(0),
            label: format!("op {n}"),
            outcome: Outcome::Ok,
            report: OpReport::new("scan").into(),
            sent: None,
            code: Default::default(),
        }
    }

    #[test]
    fn a_full_log_drops_its_oldest_row_without_moving_what_is_being_read() {
        let mut log = OpLog::default();
        for n in 0..MAX_LOG_ROWS {
            log.push(row(n), true, 10);
        }
        // The user browses: row 500 highlighted, rows 495.. on screen.
        log.cursor.selected = 500;
        log.cursor.offset = 495;
        log.push(row(MAX_LOG_ROWS), false, 10);
        assert_eq!(log.rows.len(), MAX_LOG_ROWS);
        assert_eq!(log.rows[0].label, "op 1", "the oldest row went");
        assert_eq!(log.highlighted().expect("a row").label, "op 500");
        assert_eq!(
            log.rows[log.cursor.offset].label, "op 495",
            "the view stays put"
        );
        assert_eq!(log.count, MAX_LOG_ROWS as u64 + 1);
    }
}
