//! Line breaking for the Python and Rust forms: an expression is laid out on one line when it
//! fits, else its parts go one per line, indented, each group breaking the same way.

/// Lines are kept within this many columns where they can be.
const WIDTH: usize = 100;

/// An expression to lay out.
#[derive(Debug, Clone)]
pub(crate) enum Doc {
    /// Never broken.
    Text(String),
    /// `open item, item close`; broken: one item a line, each followed by a comma.
    Group {
        open: String,
        items: Vec<Doc>,
        close: String,
    },
    /// `head.call().call()`; broken: one call a line.
    Chain { head: String, calls: Vec<Doc> },
}

impl Doc {
    pub(crate) fn text(s: impl Into<String>) -> Doc {
        Doc::Text(s.into())
    }

    pub(crate) fn group(open: impl Into<String>, items: Vec<Doc>, close: impl Into<String>) -> Doc {
        Doc::Group {
            open: open.into(),
            items,
            close: close.into(),
        }
    }

    /// `prefix` before the expression and `suffix` after it, kept on its first and last line.
    pub(crate) fn wrap(self, prefix: &str, suffix: &str) -> Doc {
        match self {
            Doc::Text(s) => Doc::Text(format!("{prefix}{s}{suffix}")),
            Doc::Group { open, items, close } => Doc::Group {
                open: format!("{prefix}{open}"),
                items,
                close: format!("{close}{suffix}"),
            },
            Doc::Chain { head, mut calls } => {
                let head = format!("{prefix}{head}");
                match calls.pop() {
                    Some(last) => {
                        calls.push(last.wrap("", suffix));
                        Doc::Chain { head, calls }
                    }
                    None => Doc::Chain {
                        head: format!("{head}{suffix}"),
                        calls,
                    },
                }
            }
        }
    }

    /// On one line.
    pub(crate) fn flat(&self) -> String {
        match self {
            Doc::Text(s) => s.clone(),
            Doc::Group { open, items, close } => {
                let items: Vec<String> = items.iter().map(Doc::flat).collect();
                format!("{open}{}{close}", items.join(", "))
            }
            Doc::Chain { head, calls } => {
                let mut s = head.clone();
                for c in calls {
                    s.push_str(&c.flat());
                }
                s
            }
        }
    }

    /// Laid out starting at column `indent` (the first line is not indented here).
    pub(crate) fn pretty(&self, indent: usize) -> String {
        if self.flat_width(WIDTH.saturating_sub(indent)).is_some() {
            return self.flat();
        }
        self.broken(indent)
    }

    /// The width of [`Doc::flat`] if it fits in `budget` bytes on one line, measured without
    /// building it and given up on as soon as it is over (a call's body can be megabytes,
    /// nested a dozen levels: building each level's flat text to measure it copied the body
    /// once per level).
    fn flat_width(&self, budget: usize) -> Option<usize> {
        let one_line = |s: &str| (s.len() <= budget && !s.contains('\n')).then_some(s.len());
        let (start, parts, sep, end) = match self {
            Doc::Text(s) => return one_line(s),
            Doc::Group { open, items, close } => (open, items, 2, close.as_str()),
            Doc::Chain { head, calls } => (head, calls, 0, ""),
        };
        let mut width = one_line(start)?;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                width += sep;
            }
            width += part.flat_width(budget.checked_sub(width)?)?;
        }
        width += one_line(end)?;
        (width <= budget).then_some(width)
    }

    /// Broken at its own level whether or not it fits.
    pub(crate) fn broken(&self, indent: usize) -> String {
        let pad = " ".repeat(indent + 4);
        match self {
            Doc::Text(s) => s.clone(),
            Doc::Group { open, items, close } if !items.is_empty() => {
                let mut s = open.clone();
                for item in items {
                    s.push('\n');
                    s.push_str(&pad);
                    s.push_str(&item.pretty(indent + 4));
                    s.push(',');
                }
                s.push('\n');
                s.push_str(&" ".repeat(indent));
                s.push_str(close);
                s
            }
            Doc::Group { .. } => self.flat(),
            Doc::Chain { head, calls } => {
                let mut s = head.clone();
                for call in calls {
                    s.push('\n');
                    s.push_str(&pad);
                    s.push_str(&call.pretty(indent + 4));
                }
                s
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_on_a_line_or_breaks_one_item_a_line() {
        let short = Doc::group("[", vec![Doc::text("1"), Doc::text("2")], "]");
        assert_eq!(short.pretty(0), "[1, 2]");
        let long = Doc::group("f(", vec![Doc::text("x".repeat(60)); 2], ")");
        let x = "x".repeat(60);
        assert_eq!(long.pretty(0), format!("f(\n    {x},\n    {x},\n)"));
        let chain = Doc::Chain {
            head: "a".into(),
            calls: vec![Doc::text(".b()"), Doc::text(".c()")],
        }
        .wrap("(", ")");
        assert_eq!(chain.pretty(0), "(a.b().c())");
        assert_eq!(chain.broken(4), "(a\n        .b()\n        .c())");
    }

    #[test]
    fn the_width_measured_is_the_flat_text_s() {
        let docs = [
            Doc::group("f(", vec![Doc::text("ab"), Doc::text("c")], ")"),
            Doc::Chain {
                head: "a".into(),
                calls: vec![Doc::text(".b()"), Doc::group(".c(", vec![], ")")],
            },
            Doc::text("x\ny"),
        ];
        for d in docs {
            let flat = d.flat();
            let fits = (!flat.contains('\n')).then_some(flat.len());
            assert_eq!(d.flat_width(WIDTH), fits, "{flat:?}");
            assert_eq!(d.flat_width(flat.len().saturating_sub(1)), None, "{flat:?}");
        }
    }
}
