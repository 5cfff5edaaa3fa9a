//! Condition expressions (`--filter`) checked before anything is sent: parsed by DynamoDB's
//! grammar (comparisons, BETWEEN, IN, AND/OR/NOT, parentheses, and the functions
//! attribute_exists, attribute_not_exists, attribute_type, begins_with, contains, size), every
//! `#name` and `:value` checked against the ones given, and an error that points at the word.
//!
//! Bare attribute names are aliased (`status` becomes `#status` with its name given), so a
//! name that is one of DynamoDB's reserved words, or holds a dot-free odd character, needs no
//! `#name` of the user's: nothing DynamoDB would refuse for it is sent.

use std::collections::{BTreeMap, BTreeSet};

/// A checked expression, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The expression with bare names replaced by aliases.
    pub text: String,
    /// Aliases this expression added (`#status` -> `status`).
    pub names: BTreeMap<String, String>,
    /// The `#name`s it uses (the user's and the added ones).
    pub used_names: BTreeSet<String>,
    /// The `:value`s it uses.
    pub used_values: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Alias(String),
    Value(String),
    Index(String),
    Sym(&'static str),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    at: usize,
    text: String,
}

fn lex(s: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let take = |i: &mut usize, pred: &dyn Fn(char) -> bool| {
            let start = *i;
            while *i < chars.len() && pred(chars[*i].1) {
                *i += 1;
            }
            chars[start..*i].iter().map(|(_, c)| *c).collect::<String>()
        };
        let tok = match c {
            '#' | ':' => {
                i += 1;
                let name = take(&mut i, &word_char);
                if name.is_empty() {
                    return Err(point(s, at, &format!("{c} must be followed by a name")));
                }
                if c == '#' {
                    Tok::Alias(format!("#{name}"))
                } else {
                    Tok::Value(format!(":{name}"))
                }
            }
            '(' | ')' | ',' | '.' | '[' | ']' | '=' => {
                i += 1;
                Tok::Sym(match c {
                    '(' => "(",
                    ')' => ")",
                    ',' => ",",
                    '.' => ".",
                    '[' => "[",
                    ']' => "]",
                    _ => "=",
                })
            }
            '<' | '>' => {
                i += 1;
                let next = chars.get(i).map(|(_, c)| *c);
                Tok::Sym(match (c, next) {
                    ('<', Some('=')) => {
                        i += 1;
                        "<="
                    }
                    ('<', Some('>')) => {
                        i += 1;
                        "<>"
                    }
                    ('>', Some('=')) => {
                        i += 1;
                        ">="
                    }
                    ('<', _) => "<",
                    _ => ">",
                })
            }
            c if c.is_ascii_digit() => Tok::Index(take(&mut i, &|c: char| c.is_ascii_digit())),
            c if word_char(c) => Tok::Word(take(&mut i, &word_char)),
            other => return Err(point(s, at, &format!("{other:?} is not allowed here"))),
        };
        let end = chars.get(i).map_or(s.len(), |(p, _)| *p);
        out.push(Token {
            tok,
            at,
            text: s[at..end].to_owned(),
        });
    }
    Ok(out)
}

/// `msg` with the expression and a caret under position `at`.
fn point(s: &str, at: usize, msg: &str) -> String {
    let col = s[..at.min(s.len())].chars().count();
    format!(
        "{msg} (at column {}: {s:?})\n  {s}\n  {}^",
        col + 1,
        " ".repeat(col)
    )
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    out: Checked,
}

const FUNCTIONS: [&str; 5] = [
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
    "begins_with",
    "contains",
];

fn is_keyword(w: &str) -> bool {
    ["AND", "OR", "NOT", "BETWEEN", "IN"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(w))
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Result<Self, String> {
        Ok(Parser {
            src,
            toks: lex(src)?,
            pos: 0,
            out: Checked {
                text: String::new(),
                names: BTreeMap::new(),
                used_names: BTreeSet::new(),
                used_values: BTreeSet::new(),
            },
        })
    }

    /// The checked expression `text`, once nothing is left to read (`leftover`: what to say
    /// if something is) and every `#name` it uses is given or added.
    fn finish(
        self,
        text: String,
        leftover: &str,
        names: &BTreeSet<String>,
    ) -> Result<Checked, String> {
        if self.peek().is_some() {
            return Err(self.err_here(leftover));
        }
        let mut out = self.out;
        out.text = text;
        if let Some(used) = out
            .used_names
            .iter()
            .find(|u| !names.contains(*u) && !out.names.contains_key(*u))
        {
            let at = self.src.find(used.as_str()).unwrap_or(0);
            return Err(point(
                self.src,
                at,
                &format!("{used} is not in --names (give it as {{\"{used}\": \"attribute\"}})"),
            ));
        }
        Ok(out)
    }

    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn err_here(&self, msg: &str) -> String {
        match self.peek() {
            Some(t) => point(self.src, t.at, &format!("{msg}, found {:?}", t.text)),
            None => point(self.src, self.src.len(), &format!("{msg}, found the end")),
        }
    }

    fn keyword(&mut self, k: &str) -> bool {
        match self.peek() {
            Some(Token {
                tok: Tok::Word(w), ..
            }) if w.eq_ignore_ascii_case(k) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn sym(&mut self, s: &str) -> bool {
        match self.peek() {
            Some(Token {
                tok: Tok::Sym(x), ..
            }) if *x == s => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), String> {
        if self.sym(s) {
            Ok(())
        } else {
            Err(self.err_here(&format!("expected {s:?}")))
        }
    }

    fn condition(&mut self) -> Result<String, String> {
        let mut text = self.and()?;
        while self.keyword("OR") {
            text = format!("{text} OR {}", self.and()?);
        }
        Ok(text)
    }

    fn and(&mut self) -> Result<String, String> {
        let mut text = self.not()?;
        while self.keyword("AND") {
            text = format!("{text} AND {}", self.not()?);
        }
        Ok(text)
    }

    fn not(&mut self) -> Result<String, String> {
        if self.keyword("NOT") {
            return Ok(format!("NOT {}", self.not()?));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<String, String> {
        if self.sym("(") {
            let inner = self.condition()?;
            self.expect_sym(")")?;
            return Ok(format!("({inner})"));
        }
        if let Some(Token {
            tok: Tok::Word(w), ..
        }) = self.peek()
            && FUNCTIONS.contains(&w.as_str())
            && matches!(
                self.toks.get(self.pos + 1),
                Some(Token {
                    tok: Tok::Sym("("),
                    ..
                })
            )
        {
            let name = w.clone();
            self.pos += 2;
            let path = self.path()?;
            let text = match name.as_str() {
                "attribute_exists" | "attribute_not_exists" => format!("{name}({path})"),
                _ => {
                    self.expect_sym(",")?;
                    let second = self.operand()?;
                    format!("{name}({path}, {second})")
                }
            };
            self.expect_sym(")")?;
            return Ok(text);
        }
        let left = self.operand()?;
        if self.keyword("BETWEEN") {
            let lo = self.operand()?;
            if !self.keyword("AND") {
                return Err(self.err_here("BETWEEN needs AND between its bounds"));
            }
            let hi = self.operand()?;
            return Ok(format!("{left} BETWEEN {lo} AND {hi}"));
        }
        if self.keyword("IN") {
            self.expect_sym("(")?;
            let mut list = vec![self.operand()?];
            while self.sym(",") {
                list.push(self.operand()?);
            }
            self.expect_sym(")")?;
            return Ok(format!("{left} IN ({})", list.join(", ")));
        }
        for op in ["=", "<>", "<=", ">=", "<", ">"] {
            if self.sym(op) {
                let right = self.operand()?;
                return Ok(format!("{left} {op} {right}"));
            }
        }
        Err(self.err_here("expected a comparison (=, <>, <, <=, >, >=), BETWEEN or IN"))
    }

    fn operand(&mut self) -> Result<String, String> {
        match self.peek().cloned() {
            Some(Token {
                tok: Tok::Value(v), ..
            }) => {
                self.pos += 1;
                self.out.used_values.insert(v.clone());
                Ok(v)
            }
            Some(Token {
                tok: Tok::Word(w), ..
            }) if w == "size"
                && matches!(
                    self.toks.get(self.pos + 1),
                    Some(Token {
                        tok: Tok::Sym("("),
                        ..
                    })
                ) =>
            {
                self.pos += 2;
                let path = self.path()?;
                self.expect_sym(")")?;
                Ok(format!("size({path})"))
            }
            _ => self.path(),
        }
    }

    fn name(&mut self) -> Result<String, String> {
        match self.peek().cloned() {
            Some(Token {
                tok: Tok::Alias(a), ..
            }) => {
                self.pos += 1;
                self.out.used_names.insert(a.clone());
                Ok(a)
            }
            Some(Token {
                tok: Tok::Word(w), ..
            }) if !is_keyword(&w) && !FUNCTIONS.contains(&w.as_str()) => {
                self.pos += 1;
                // An alias of the name's own characters where they are allowed, numbered
                // apart from the user's and from each other.
                let base: String = w
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                let mut alias = format!("#{base}");
                let mut n = 1;
                while self
                    .out
                    .names
                    .get(&alias)
                    .is_some_and(|existing| existing != &w)
                    || self.src.contains(&alias) && !self.out.names.contains_key(&alias)
                {
                    n += 1;
                    alias = format!("#{base}_{n}");
                }
                self.out.names.insert(alias.clone(), w);
                self.out.used_names.insert(alias.clone());
                Ok(alias)
            }
            _ => Err(self.err_here("expected an attribute name, #name or :value")),
        }
    }

    fn path(&mut self) -> Result<String, String> {
        let mut text = self.name()?;
        loop {
            if self.sym(".") {
                text.push('.');
                text.push_str(&self.name()?);
            } else if self.sym("[") {
                match self.peek().cloned() {
                    Some(Token {
                        tok: Tok::Index(n), ..
                    }) => {
                        self.pos += 1;
                        text.push_str(&format!("[{n}]"));
                    }
                    _ => return Err(self.err_here("a list index is a whole number")),
                }
                self.expect_sym("]")?;
            } else {
                return Ok(text);
            }
        }
    }
}

/// Parses and checks a condition expression; `names` and `values` are the `#name`s and
/// `:value`s given with it.
pub fn check_condition(
    expr: &str,
    names: &BTreeSet<String>,
    values: &BTreeSet<String>,
) -> Result<Checked, String> {
    if expr.trim().is_empty() {
        return Err("the expression is empty".into());
    }
    let mut p = Parser::new(expr)?;
    let text = p.condition()?;
    let out = p.finish(text, "expected AND, OR or the end", names)?;
    for used in &out.used_values {
        if !values.contains(used) {
            let at = expr.find(used.as_str()).unwrap_or(0);
            return Err(point(
                expr,
                at,
                &format!("{used} is not in --values (give it as {{\"{used}\": ...}})"),
            ));
        }
    }
    Ok(out)
}

/// Checks a projection (`a, b.c, #d[0]`): attribute paths separated by commas, bare names
/// aliased as in a condition.
pub fn check_projection(list: &str, names: &BTreeSet<String>) -> Result<Checked, String> {
    if list.trim().is_empty() {
        return Err("the projection is empty: give attribute names separated by commas".into());
    }
    let mut p = Parser::new(list)?;
    let mut paths = vec![p.path()?];
    while p.sym(",") {
        paths.push(p.path()?);
    }
    p.finish(paths.join(", "), "expected \",\" or the end", names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(xs: &[&str]) -> BTreeSet<String> {
        xs.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn bare_names_are_aliased_and_reserved_words_need_no_help() {
        let c = check_condition(
            "status = :s AND size(data.items[2]) > :n OR attribute_exists(#c)",
            &set(&["#c"]),
            &set(&[":s", ":n"]),
        )
        .unwrap();
        assert_eq!(
            c.text,
            "#status = :s AND size(#data.#items[2]) > :n OR attribute_exists(#c)"
        );
        assert_eq!(c.names["#status"], "status");
        assert_eq!(c.names["#data"], "data");
        assert!(c.used_values.contains(":n") && c.used_names.contains("#c"));
        let c = check_condition(
            "NOT (a BETWEEN :lo AND :hi) AND b IN (:x, :y) AND begins_with(c, :p)",
            &set(&[]),
            &set(&[":lo", ":hi", ":x", ":y", ":p"]),
        )
        .unwrap();
        assert_eq!(
            c.text,
            "NOT (#a BETWEEN :lo AND :hi) AND #b IN (:x, :y) AND begins_with(#c, :p)"
        );
    }

    #[test]
    fn errors_point_at_the_word() {
        let e =
            check_condition("a = :x AND AND b = :y", &set(&[]), &set(&[":x", ":y"])).unwrap_err();
        assert!(
            e.contains("found \"AND\"") && e.contains("column 12"),
            "{e}"
        );
        let e = check_condition("a == :x", &set(&[]), &set(&[":x"])).unwrap_err();
        assert!(e.contains("column 4"), "{e}");
        let e = check_condition("a = :missing", &set(&[]), &set(&[])).unwrap_err();
        assert!(e.contains(":missing is not in --values"), "{e}");
        let e = check_condition("#n = :x", &set(&[]), &set(&[":x"])).unwrap_err();
        assert!(e.contains("#n is not in --names"), "{e}");
        let e = check_condition("(a = :x", &set(&[]), &set(&[":x"])).unwrap_err();
        assert!(e.contains("expected \")\""), "{e}");
        assert!(check_condition("  ", &set(&[]), &set(&[])).is_err());
        assert!(check_condition("a = :x;", &set(&[]), &set(&[":x"])).is_err());
    }

    #[test]
    fn projections_alias_every_bare_name() {
        let p = check_projection("pk, data.items[0], #d", &set(&["#d"])).unwrap();
        assert_eq!(p.text, "#pk, #data.#items[0], #d");
        assert!(check_projection("a,,b", &set(&[])).is_err());
    }
}
