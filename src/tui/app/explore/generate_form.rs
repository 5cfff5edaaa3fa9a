//! The generate dialog's form: five fields, each opening at its default with the cursor at
//! its end. Numbers are typed digit by digit, the time to live as `generate --ttl` takes it
//! (`90s`, `2h`, `30d`); the spec is checked by the same `GenerateSpec::validate` and `Ttl`
//! parser the CLI uses, and their message shown in the dialog.

use crate::request::generate::{GenerateSpec, Mix};
use crate::ttl::Ttl;

/// The fields, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// How many requests.
    Requests,
    /// Records per request.
    Records,
    /// Payload bytes per record.
    Payload,
    /// How long the records live (`--ttl`).
    Ttl,
    /// Fixed or realistic.
    Mix,
}

impl Field {
    /// All, in tab order.
    pub const ALL: [Field; 5] = [
        Field::Requests,
        Field::Records,
        Field::Payload,
        Field::Ttl,
        Field::Mix,
    ];

    /// The label the dialog shows.
    pub fn label(self) -> &'static str {
        match self {
            Field::Requests => "Requests",
            Field::Records => "Records per request",
            Field::Payload => "Payload bytes",
            Field::Mix => "Mix",
            Field::Ttl => "Time to live (TTL)",
        }
    }

    fn index(self) -> usize {
        Field::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// Longest number a field takes: enough for every cap, short enough never to overflow.
const MAX_DIGITS: usize = 9;

/// The dialog's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateForm {
    /// Requests field text.
    pub requests: String,
    /// Records per request field text.
    pub records: String,
    /// Payload bytes field text.
    pub payload: String,
    /// Mix.
    pub mix: Mix,
    /// Time to live field text (`30d`).
    pub ttl: String,
    /// The field with the cursor.
    pub field: Field,
    /// Why the last Enter was refused.
    pub error: Option<String>,
}

impl Default for GenerateForm {
    fn default() -> Self {
        // The CLI's defaults, so the dialog and `generate` agree.
        GenerateForm {
            requests: "1".into(),
            records: "10".into(),
            payload: "200".into(),
            mix: Mix::Fixed,
            ttl: Ttl::DEFAULT.to_string(),
            field: Field::Requests,
            error: None,
        }
    }
}

impl GenerateForm {
    /// The text of a numeric field (`None` for Mix).
    pub fn text(&self, field: Field) -> Option<&str> {
        match field {
            Field::Requests => Some(&self.requests),
            Field::Records => Some(&self.records),
            Field::Payload => Some(&self.payload),
            Field::Ttl => Some(&self.ttl),
            Field::Mix => None,
        }
    }

    fn text_mut(&mut self) -> Option<&mut String> {
        match self.field {
            Field::Requests => Some(&mut self.requests),
            Field::Records => Some(&mut self.records),
            Field::Payload => Some(&mut self.payload),
            Field::Ttl => Some(&mut self.ttl),
            Field::Mix => None,
        }
    }

    /// Next field (wraps).
    pub fn next_field(&mut self) {
        self.field = Field::ALL[(self.field.index() + 1) % Field::ALL.len()];
    }

    /// Previous field (wraps).
    pub fn prev_field(&mut self) {
        self.field = Field::ALL[(self.field.index() + Field::ALL.len() - 1) % Field::ALL.len()];
    }

    /// A typed character: digits in number fields, and a unit (`s`, `m`, `h`, `d`) in the
    /// time to live; `f`/`r` pick the mix.
    pub fn type_char(&mut self, c: char) {
        if self.field == Field::Mix {
            match c.to_ascii_lowercase() {
                'f' => self.mix = Mix::Fixed,
                'r' => self.mix = Mix::Realistic,
                ' ' => self.toggle_mix(),
                _ => {}
            }
            return;
        }
        let unit = self.field == Field::Ttl && matches!(c, 's' | 'm' | 'h' | 'd');
        if let Some(text) = self.text_mut()
            && (c.is_ascii_digit() || unit)
            && text.len() < MAX_DIGITS
        {
            text.push(c);
        }
    }

    /// Backspace: deletes the last character.
    pub fn backspace(&mut self) {
        if let Some(text) = self.text_mut() {
            text.pop();
        }
    }

    /// Fixed <-> realistic.
    pub fn toggle_mix(&mut self) {
        self.mix = match self.mix {
            Mix::Fixed => Mix::Realistic,
            Mix::Realistic => Mix::Fixed,
        };
    }

    /// The spec, if every field parses and it passes `GenerateSpec::validate`.
    pub fn spec(&self) -> Result<GenerateSpec, String> {
        let number = |field: Field| -> Result<u64, String> {
            let text = self.text(field).unwrap_or_default();
            if text.is_empty() {
                return Err(format!("{} is empty: type a whole number", field.label()));
            }
            text.parse::<u64>()
                .map_err(|_| format!("{} {text:?} is not a whole number", field.label()))
        };
        let too_large = |field: Field, n: u64| format!("{} {n} is far too large", field.label());
        let requests = number(Field::Requests)?;
        let records = number(Field::Records)?;
        let payload = number(Field::Payload)?;
        let spec = GenerateSpec {
            requests: u32::try_from(requests).map_err(|_| too_large(Field::Requests, requests))?,
            records: u32::try_from(records).map_err(|_| too_large(Field::Records, records))?,
            payload_bytes: usize::try_from(payload)
                .map_err(|_| too_large(Field::Payload, payload))?,
            mix: self.mix,
            ttl: self
                .ttl
                .parse::<Ttl>()
                .map_err(|e| format!("{} {e}", Field::Ttl.label()))?,
        };
        spec.validate().map_err(|e| {
            // The validator speaks in CLI flags; the dialog in field names.
            e.replace("--requests", Field::Requests.label())
                .replace("--records", Field::Records.label())
                .replace("--payload-bytes", Field::Payload.label())
        })?;
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_ttl(text: &str) -> GenerateForm {
        GenerateForm {
            field: Field::Ttl,
            ttl: String::new(),
            ..GenerateForm::default()
        }
        .typed(text)
    }

    impl GenerateForm {
        fn typed(mut self, text: &str) -> Self {
            text.chars().for_each(|c| self.type_char(c));
            self
        }
    }

    #[test]
    fn the_time_to_live_takes_the_cli_s_durations() {
        assert_eq!(GenerateForm::default().spec().unwrap().ttl, Ttl::DEFAULT);
        assert_eq!(with_ttl("90s").spec().unwrap().ttl.secs(), 90);
        assert_eq!(with_ttl("2h").spec().unwrap().ttl.secs(), 7_200);
        // Letters other than the units are not typed at all.
        assert_eq!(with_ttl("9x0s").ttl, "90s");
        let err = with_ttl("90").spec().unwrap_err();
        assert!(
            err.starts_with("Time to live (TTL) \"90\" is not a duration"),
            "{err}"
        );
        assert!(with_ttl("0d").spec().unwrap_err().contains("zero"));
    }
}
