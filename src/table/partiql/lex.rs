//! The lexer, and the error every stage of the parser returns.
//!
//! Tokens keep their byte offset and length in the statement, so an error can point at the
//! exact word. Numbers keep their literal text (never an `f64`), names and strings their
//! unescaped text.

use std::fmt;

/// DynamoDB's limit on an ExecuteStatement statement (the API's `Statement` field: 1 to 8,192).
pub const MAX_STATEMENT_BYTES: usize = 8192;

/// A statement DynamoDB's PartiQL would refuse, and where.
///
/// `found` and `expected` are ready to print: `found` is the token in single quotes
/// (`'WHERE'`), or a phrase such as `the end of the statement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the bad token in the statement (its length when the statement ended).
    pub offset: usize,
    /// Its length in bytes (0 at the end of the statement).
    pub len: usize,
    /// What was there.
    pub found: String,
    /// What the grammar wanted there.
    pub expected: String,
    /// 1-based line of `offset`.
    pub line: usize,
    /// 1-based column of `offset`, in characters.
    pub column: usize,
}

impl ParseError {
    /// An error at `offset..offset + len` of `text`.
    pub(crate) fn at(
        text: &str,
        offset: usize,
        len: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> ParseError {
        let before = &text[..offset.min(text.len())];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        ParseError {
            offset,
            len,
            found: found.into(),
            expected: expected.into(),
            line,
            column,
        }
    }

    /// The statement's line that holds the error and, under it, a caret line marking the
    /// token: for a CLI or a TUI pane. A long line is cut to a window around the token.
    pub fn pointer(&self, text: &str) -> String {
        let offset = self.offset.min(text.len());
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line: Vec<char> = text[start..end].chars().collect();
        let col = text[start..offset].chars().count();
        let width = text[offset..(offset + self.len).min(end).max(offset)]
            .chars()
            .count()
            .max(1);
        // A window of at most 100 characters around the token.
        const WINDOW: usize = 100;
        let (from, to) = if line.len() <= WINDOW {
            (0, line.len())
        } else {
            let from = col.saturating_sub(40);
            (from, (from + WINDOW).min(line.len()))
        };
        let mut shown: String = line[from..to].iter().collect();
        let mut pad: String = line[from..col.max(from)]
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        if from > 0 {
            shown.insert_str(0, "...");
            pad.insert_str(0, "   ");
        }
        if to < line.len() {
            shown.push_str("...");
        }
        let carets = width.min((to + 1).saturating_sub(col).max(1));
        format!("{shown}\n{pad}{}", "^".repeat(carets))
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: expected {}, found {}",
            self.line, self.column, self.expected, self.found
        )
    }
}

impl std::error::Error for ParseError {}

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// An unquoted word: a keyword or a name (its text is the source slice).
    Word,
    /// A double-quoted name, unescaped.
    Quoted(String),
    /// A single-quoted string, unescaped.
    Str(String),
    /// A number (its text is the source slice).
    Num,
    /// `?`.
    Param,
    /// Punctuation or an operator.
    Sym(&'static str),
    /// The end of the statement.
    End,
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub offset: usize,
    pub len: usize,
}

/// Longest first: `<<` before `<`, `<=` and `<>` before `<`.
/// `;` is in no rule: it lexes only so that the parser can say "expected the end of the
/// statement".
const SYMBOLS: [&str; 22] = [
    "<<", ">>", "<=", ">=", "<>", "!=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "*", "=", "<",
    ">", "+", "-", ";",
];

/// The tokens of `text`, ending with [`Tok::End`]. Refuses an unterminated string or quoted
/// name (pointing at its opening quote) and a character outside the dialect.
pub(crate) fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let tok = if b.is_ascii_alphabetic() || b == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            Tok::Word
        } else if b.is_ascii_digit() {
            i = number_end(bytes, i);
            if i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                let mut end = i;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                {
                    end += 1;
                }
                return Err(ParseError::at(
                    text,
                    start,
                    end - start,
                    "a number or a name (a name cannot begin with a digit unless quoted)",
                    format!("'{}'", &text[start..end]),
                ));
            }
            Tok::Num
        } else if b == b'\'' || b == b'"' {
            let (unescaped, end) = quoted(text, i)?;
            i = end;
            if b == b'\'' {
                Tok::Str(unescaped)
            } else {
                Tok::Quoted(unescaped)
            }
        } else if b == b'?' {
            i += 1;
            Tok::Param
        } else if let Some(sym) = SYMBOLS
            .iter()
            .find(|s| bytes[i..].starts_with(s.as_bytes()))
        {
            i += sym.len();
            Tok::Sym(sym)
        } else {
            let c = text[i..].chars().next().unwrap_or('?');
            return Err(ParseError::at(
                text,
                start,
                c.len_utf8(),
                "a name, a value or an operator",
                format!("the character {c:?}, which PartiQL does not use"),
            ));
        };
        out.push(Token {
            tok,
            offset: start,
            len: i - start,
        });
    }
    out.push(Token {
        tok: Tok::End,
        offset: text.len(),
        len: 0,
    });
    Ok(out)
}

/// The end of the number starting at `i`: digits, then `.digits`, then `e[+-]digits`.
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    let digits = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    i = digits(i);
    if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
        i = digits(i + 1);
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        if j < bytes.len() && bytes[j].is_ascii_digit() {
            i = digits(j);
        }
    }
    i
}

/// The unescaped text of the string or name opening at `start` (its quote doubled inside
/// escapes it) and the offset after its closing quote.
fn quoted(text: &str, start: usize) -> Result<(String, usize), ParseError> {
    let quote = text.as_bytes()[start] as char;
    let mut out = String::new();
    let mut rest = &text[start + 1..];
    let mut at = start + 1;
    loop {
        let Some(i) = rest.find(quote) else {
            let what = if quote == '\'' {
                "string"
            } else {
                "quoted name"
            };
            return Err(ParseError::at(
                text,
                start,
                1,
                format!("a closing {quote} for the {what} opened here"),
                "the end of the statement",
            ));
        };
        out.push_str(&rest[..i]);
        if rest[i + 1..].starts_with(quote) {
            out.push(quote);
            rest = &rest[i + 2..];
            at += i + 2;
        } else {
            return Ok((out, at + i + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        lex(text).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_names_strings_numbers_and_symbols() {
        let toks = lex(r#"a "b ""c""" 'it''s' -12.5e3 ? <<>> <= != <>"#).unwrap();
        let got: Vec<(Tok, usize, usize)> =
            toks.into_iter().map(|t| (t.tok, t.offset, t.len)).collect();
        assert_eq!(
            got,
            vec![
                (Tok::Word, 0, 1),
                (Tok::Quoted("b \"c\"".into()), 2, 9),
                (Tok::Str("it's".into()), 12, 7),
                (Tok::Sym("-"), 20, 1),
                (Tok::Num, 21, 6),
                (Tok::Param, 28, 1),
                (Tok::Sym("<<"), 30, 2),
                (Tok::Sym(">>"), 32, 2),
                (Tok::Sym("<="), 35, 2),
                (Tok::Sym("!="), 38, 2),
                (Tok::Sym("<>"), 41, 2),
                (Tok::End, 43, 0),
            ]
        );
    }

    #[test]
    fn a_number_keeps_its_text_and_stops_at_a_path_dot() {
        let text = "a[1].b 100 1e5 2.50";
        let toks = lex(text).unwrap();
        let nums: Vec<&str> = toks
            .iter()
            .filter(|t| t.tok == Tok::Num)
            .map(|t| &text[t.offset..t.offset + t.len])
            .collect();
        assert_eq!(nums, ["1", "100", "1e5", "2.50"]);
        assert_eq!(kinds("1.x")[1], Tok::Sym("."));
    }

    #[test]
    fn unterminated_string_points_at_its_quote() {
        let e = lex("a = 'x").unwrap_err();
        assert_eq!((e.offset, e.len, e.column), (4, 1, 5));
        assert_eq!(e.found, "the end of the statement");
        let e = lex("\"abc").unwrap_err();
        assert!(e.expected.contains("quoted name"), "{e}");
    }

    #[test]
    fn unknown_character_is_named() {
        let e = lex("a = #b").unwrap_err();
        assert_eq!((e.offset, e.len), (4, 1));
        assert_eq!(
            e.to_string(),
            "line 1, column 5: expected a name, a value or an operator, found the character '#', which PartiQL does not use"
        );
        let e = lex("x = é").unwrap_err();
        assert_eq!((e.offset, e.len), (4, 2));
    }

    #[test]
    fn pointer_marks_the_token_on_its_line() {
        let text = "SELECT *\nFROM t WHEER x";
        let e = ParseError::at(text, 16, 5, "WHERE", "'WHEER'");
        assert_eq!((e.line, e.column), (2, 8));
        assert_eq!(e.pointer(text), "FROM t WHEER x\n       ^^^^^");
        let end = ParseError::at("SELECT", 6, 0, "*", "the end of the statement");
        assert_eq!(end.pointer("SELECT"), "SELECT\n      ^");
    }

    #[test]
    fn pointer_cuts_a_long_line_around_the_token() {
        let text = format!("{}#{}", "a".repeat(500), "b".repeat(500));
        let e = lex(&text).unwrap_err();
        assert_eq!(e.offset, 500);
        let p = e.pointer(&text);
        let lines: Vec<&str> = p.lines().collect();
        assert!(lines[0].len() < 110, "{}", lines[0].len());
        assert_eq!(lines[0].find('#'), lines[1].find('^'));
    }
}
