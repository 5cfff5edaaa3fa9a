//! The Cost screen's state and keys: the monthly bill of the request table in production,
//! recalculated by the pure cost model (`crate::cost`) on every keystroke. The fields are in
//! `form.rs`; the record size starts as a generated record's and follows the records read on
//! the Explore screen until the user types one.

pub mod form;

use ratatui::crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use self::form::{CostForm, Field};
use super::help::HelpSection;
use crate::cost::{CostInputs, Estimate, LineKind, Prices, Report, SizeSource, Sizes, estimate};
use crate::request::schema::{Record, RequestId};
use crate::tui::msg::Command;

/// Which half of the screen has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The fields: ↑↓ pick one, Enter edits a number (see [`Cost::editing`]).
    Inputs,
    /// The bill: ↑↓ pick the line whose formula is shown.
    Bill,
}

/// The Cost screen.
#[derive(Debug, Clone)]
pub struct Cost {
    /// The fields.
    pub form: CostForm,
    /// The highlighted field.
    pub field: Field,
    /// The highlighted bill line.
    pub line: LineKind,
    /// Fields or bill.
    pub focus: Focus,
    /// The highlighted number field takes typed text. Only then: otherwise digits, `q` and
    /// `?` are the keys they are on every screen (`1`-`3` switch screens). Enter or a click
    /// starts editing; Enter, Esc, ↑↓ or Tab end it.
    pub editing: bool,
    /// The current fields as the model's inputs and their estimate, or the field that is
    /// wrong and why.
    pub result: Result<(CostInputs, Estimate), (Field, String)>,
    /// The prices (us-east-1, shipped with the app).
    pub prices: Prices,
    /// The Explore request (and its record count) the record size was last measured from.
    pub measured_from: Option<(RequestId, usize)>,
}

impl Default for Cost {
    fn default() -> Self {
        let mut cost = Cost {
            form: CostForm::default(),
            field: Field::RequestsPerDay,
            line: LineKind::Writes,
            focus: Focus::Inputs,
            editing: false,
            result: Err((Field::RequestsPerDay, String::new())),
            prices: Prices::us_east_1(),
            measured_from: None,
        };
        cost.recalculate();
        cost
    }
}

impl Cost {
    /// Its part of the help.
    pub const HELP: &'static [HelpSection] = &[HelpSection {
        title: "Cost",
        keys: &[
            (
                "↑ ↓ / j k",
                "pick a field, or (in the bill) a line to see its formula",
            ),
            (
                "Enter / click",
                "edit a number (digits . Backspace); Enter or Esc ends the edit",
            ),
            (
                "Space ← →",
                "change a choice (mix, reads, deletes, index, class...)",
            ),
            ("Tab", "move between the fields and the bill"),
            ("Esc", "stop editing; then, leave the fields for the bill"),
        ],
    }];

    /// Digits go into a field (so `1`-`3` do not switch screens; F1-F3 still do): only while
    /// one is being edited.
    pub fn typing(&self) -> bool {
        self.editing
    }

    /// The key hints: (full, short).
    pub fn hints(&self) -> (&'static str, &'static str) {
        match self.focus {
            Focus::Inputs if self.editing => (
                "editing: digits . Backspace  Enter/Esc done  ↑↓ next field  F1-F3 screens",
                "editing: digits  Enter/Esc done",
            ),
            Focus::Inputs if self.field.is_number() => (
                "↑↓ field  Enter edit  Tab bill  1-3 screens  ? help  q quit",
                "↑↓ field  Enter edit  Tab bill  ? help",
            ),
            Focus::Inputs => (
                "↑↓ field  Space/←/→ change  Tab bill  1-3 screens  ? help  q quit",
                "↑↓ field  Space change  Tab bill  ? help",
            ),
            Focus::Bill => (
                "↑↓ line: its formula below  Tab fields  1-3 screens  ? help  q quit",
                "↑↓ line  Tab fields  ? help  q quit",
            ),
        }
    }

    /// A key for this screen (the router has handled the global ones).
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if self.editing {
            self.on_editing_key(key);
            return Vec::new();
        }
        match (self.focus, key.code) {
            (_, KeyCode::Tab | KeyCode::BackTab) => {
                self.focus = match self.focus {
                    Focus::Inputs => Focus::Bill,
                    Focus::Bill => Focus::Inputs,
                };
            }
            (Focus::Inputs, KeyCode::Esc) => self.focus = Focus::Bill,
            (Focus::Inputs, KeyCode::Up | KeyCode::Char('k')) => self.field = step(self.field, -1),
            (Focus::Inputs, KeyCode::Down | KeyCode::Char('j')) => self.field = step(self.field, 1),
            (Focus::Inputs, KeyCode::Enter) if self.field.is_number() => self.editing = true,
            // Space cycles any choice, the records field's fixed / realistic mix too.
            (
                Focus::Inputs,
                KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right,
            ) => {
                self.form.cycle(self.field);
                self.recalculate();
            }
            (Focus::Bill, KeyCode::Up | KeyCode::Char('k')) => self.line = line_step(self.line, -1),
            (Focus::Bill, KeyCode::Down | KeyCode::Char('j')) => {
                self.line = line_step(self.line, 1)
            }
            _ => {}
        }
        Vec::new()
    }

    /// A key while a number field is being edited: text, or the end of the edit.
    fn on_editing_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Enter | KeyCode::Esc => self.editing = false,
            KeyCode::Up | KeyCode::Down => {
                self.editing = false;
                self.field = step(self.field, if key.code == KeyCode::Up { -1 } else { 1 });
            }
            KeyCode::Tab | KeyCode::BackTab => {
                self.editing = false;
                self.focus = Focus::Bill;
            }
            KeyCode::Backspace => {
                self.form.backspace(self.field);
                self.recalculate();
            }
            KeyCode::Char(c) => {
                self.form.type_char(self.field, c);
                self.recalculate();
            }
            _ => {}
        }
    }

    /// A click on a field picks it and, for a number, starts editing it; a click on a choice
    /// that is already picked changes it. `screen` is the terminal's area.
    pub fn on_mouse(&mut self, mouse: MouseEvent, screen: Rect) -> Vec<Command> {
        if mouse.kind != MouseEventKind::Down(MouseButton::Left) {
            return Vec::new();
        }
        let Some(index) =
            crate::tui::layout::cost_field_at(screen, mouse.column, mouse.row, Field::ALL.len())
        else {
            return Vec::new();
        };
        let field = Field::ALL[index];
        let again = self.focus == Focus::Inputs && self.field == field;
        self.focus = Focus::Inputs;
        self.field = field;
        if field.is_number() {
            self.editing = true;
        } else {
            self.editing = false;
            if again {
                self.form.cycle(field);
                self.recalculate();
            }
        }
        Vec::new()
    }

    /// Records were read on the Explore screen: price with their mean size (unless typed).
    pub fn measured(&mut self, sizes: Sizes) {
        self.form.measured(sizes);
        self.recalculate();
    }

    /// Where the record size shown came from.
    pub fn size_source(&self) -> &SizeSource {
        &self.form.size_source
    }

    /// The estimate ready to render (`None` while a field is wrong).
    pub fn report(&self) -> Option<Report<'_>> {
        let (inputs, estimate) = self.result.as_ref().ok()?;
        Some(Report {
            inputs,
            estimate,
            prices: &self.prices,
            prices_file: None,
            reads_defaulted: false,
        })
    }

    fn recalculate(&mut self) {
        self.result = self.form.inputs().map(|inputs| {
            let e = estimate(&inputs, &self.prices);
            (inputs, e)
        });
    }
}

/// The sizes of records read on the Explore screen: their mean size as DynamoDB counts it
/// (computed when they were read), and a keys-only index entry's from up to 1,000 of them.
pub fn explored_sizes(records: &[Record], sizes: &[u32]) -> Option<Sizes> {
    if records.is_empty() || sizes.is_empty() {
        return None;
    }
    let step = (records.len() / 1000).max(1);
    let sample: Vec<_> = records
        .iter()
        .step_by(step)
        .filter_map(|r| serde_dynamo::to_item(r).ok())
        .collect();
    let source = SizeSource::Explored {
        records: records.len() as u64,
    };
    let mut out = Sizes::mean_of(&sample, source)?;
    out.record_bytes = sizes.iter().map(|&b| f64::from(b)).sum::<f64>() / sizes.len() as f64;
    Some(out)
}

/// The field `delta` places down (clamped).
fn step(field: Field, delta: isize) -> Field {
    let i = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
    Field::ALL[i.saturating_add_signed(delta).min(Field::ALL.len() - 1)]
}

/// The bill line `delta` places down (clamped).
fn line_step(line: LineKind, delta: isize) -> LineKind {
    let i = LineKind::ALL.iter().position(|l| *l == line).unwrap_or(0);
    LineKind::ALL[i.saturating_add_signed(delta).min(LineKind::ALL.len() - 1)]
}
