//! The statement tree and the recursive-descent parser of DynamoDB's PartiQL.
//!
//! Grammar (keywords case-insensitive, names case-sensitive):
//!
//! ```text
//! statement := select | insert | update | delete
//! select    := SELECT ( '*' | expr {',' expr} ) FROM name ['.' name] [WHERE expr]
//!              [ORDER BY path [ASC|DESC] {',' path [ASC|DESC]}]
//! insert    := INSERT INTO name VALUE ( map | '?' )
//! update    := UPDATE name action {action} [WHERE expr] [RETURNING (ALL|MODIFIED) (OLD|NEW) '*']
//! action    := SET path '=' expr {',' [SET] path '=' expr | ',' REMOVE path}
//!            | REMOVE path {',' [REMOVE] path | ',' SET path '=' expr}
//! delete    := DELETE FROM name [WHERE expr] [RETURNING ALL OLD '*']
//! expr      := and {OR and};  and := not {AND not};  not := NOT not | predicate
//! predicate := sum [ ('='|'<>'|'!='|'<'|'<='|'>'|'>=') sum | [NOT] BETWEEN sum AND sum
//!              | [NOT] IN ( '[' expr {',' expr} ']' | '(' expr {',' expr} ')' )
//!              | IS [NOT] (MISSING | NULL | type name) ]
//! sum       := unary {('+'|'-') unary};  unary := '-' unary | primary
//! primary   := string | number | TRUE | FALSE | NULL | MISSING | '?' | path
//!            | function '(' expr {',' expr} ')' | '(' expr ')'
//!            | '[' [expr {',' expr}] ']' | '{' [string ':' expr {',' string ':' expr}] '}'
//!            | '<<' [expr {',' expr}] '>>'
//! path      := name { '.' name | '[' integer ']' }
//! ```

use std::fmt;

use super::lex::{MAX_STATEMENT_BYTES, ParseError, Tok, Token, lex};

/// A parsed statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `SELECT ... FROM ...`.
    Select(Select),
    /// `INSERT INTO ... VALUE ...`.
    Insert(Insert),
    /// `UPDATE ... SET/REMOVE ...`.
    Update(Update),
    /// `DELETE FROM ...`.
    Delete(Delete),
}

/// `SELECT projection FROM table[.index] [WHERE ...] [ORDER BY ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// `None` for `*`, else the selected expressions.
    pub projection: Option<Vec<Expr>>,
    /// The table.
    pub table: String,
    /// The index, for `FROM "table"."index"`.
    pub index: Option<String>,
    /// The condition.
    pub where_clause: Option<Expr>,
    /// `ORDER BY` paths, in order.
    pub order_by: Vec<OrderBy>,
    /// How many `?` the statement has.
    pub parameters: usize,
}

/// One `ORDER BY` term.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    /// What to order by.
    pub path: Path,
    /// `DESC`.
    pub descending: bool,
}

/// `INSERT INTO table VALUE {...}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    /// The table.
    pub table: String,
    /// The item: a map literal or a `?`.
    pub value: Expr,
    /// How many `?` the statement has.
    pub parameters: usize,
}

/// `UPDATE table SET ... REMOVE ... [WHERE ...] [RETURNING ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// The table.
    pub table: String,
    /// SET and REMOVE actions, in order.
    pub actions: Vec<Action>,
    /// The condition (DynamoDB requires one naming the full key; the planner checks).
    pub where_clause: Option<Expr>,
    /// `RETURNING ...`.
    pub returning: Option<Returning>,
    /// How many `?` the statement has.
    pub parameters: usize,
}

/// `DELETE FROM table [WHERE ...] [RETURNING ALL OLD *]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// The table.
    pub table: String,
    /// The condition (DynamoDB requires one naming the full key; the planner checks).
    pub where_clause: Option<Expr>,
    /// `RETURNING ALL OLD *`.
    pub returning: Option<Returning>,
    /// How many `?` the statement has.
    pub parameters: usize,
}

/// One UPDATE action.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `SET path = value`.
    Set {
        /// The attribute set.
        path: Path,
        /// Its new value.
        value: Expr,
    },
    /// `REMOVE path`.
    Remove(Path),
}

/// `RETURNING ... *`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returning {
    /// `ALL OLD *`.
    AllOld,
    /// `MODIFIED OLD *`.
    ModifiedOld,
    /// `ALL NEW *`.
    AllNew,
    /// `MODIFIED NEW *`.
    ModifiedNew,
}

/// An attribute path: `a.b[1]."c d"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The top-level attribute.
    pub root: String,
    /// What follows it.
    pub steps: Vec<Step>,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.name`.
    Field(String),
    /// `[n]`.
    Index(usize),
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `'text'`, unescaped.
    Str(String),
    /// A number, its text exactly as written (with a leading `-` when negated).
    Num(String),
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// `NULL`.
    Null,
    /// `MISSING`.
    Missing,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `OR`.
    Or,
    /// `AND`.
    And,
    /// `=`.
    Eq,
    /// `<>` or `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
}

impl BinOp {
    fn text(self) -> &'static str {
        match self {
            BinOp::Or => "OR",
            BinOp::And => "AND",
            BinOp::Eq => "=",
            BinOp::Ne => "<>",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
        }
    }

    fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Add | BinOp::Sub => 5,
            _ => 4,
        }
    }
}

/// What `x IS [NOT] ...` tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IsTest {
    /// `MISSING`.
    Missing,
    /// `NULL`.
    Null,
    /// A type name, upper-cased (`STRING`, `NUMBER`, ...).
    Type(String),
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal.
    Lit(Literal),
    /// The n-th `?` (0-based, in the order they appear).
    Param(usize),
    /// An attribute path.
    Path(Path),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{'k': v}`.
    Map(Vec<(String, Expr)>),
    /// `<<a, b>>`.
    Bag(Vec<Expr>),
    /// `name(args)`, the name lower-cased.
    Call {
        /// The function.
        name: String,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// `NOT x`.
    Not(Box<Expr>),
    /// `-x` (a negated number is a [`Literal::Num`] instead).
    Neg(Box<Expr>),
    /// `a op b`.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `x [NOT] BETWEEN low AND high`.
    Between {
        /// Tested value.
        expr: Box<Expr>,
        /// Lower bound.
        low: Box<Expr>,
        /// Upper bound.
        high: Box<Expr>,
        /// `NOT BETWEEN`.
        negated: bool,
    },
    /// `x [NOT] IN [a, b]` (or `(a, b)`).
    In {
        /// Tested value.
        expr: Box<Expr>,
        /// The values.
        list: Vec<Expr>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `x IS [NOT] MISSING|NULL|type`.
    Is {
        /// Tested value.
        expr: Box<Expr>,
        /// What is tested.
        test: IsTest,
        /// `IS NOT`.
        negated: bool,
    },
}

/// DynamoDB's limit on the values of an IN list (ql-operators: "at max 50 hash attribute
/// values or at max 100 non-key attribute values"; the planner checks the 50).
pub const MAX_IN_VALUES: usize = 100;

/// The functions of DynamoDB's PartiQL this parser knows, with their argument counts.
pub const FUNCTIONS: [(&str, usize); 7] = [
    ("begins_with", 2),
    ("contains", 2),
    ("attribute_type", 2),
    ("size", 1),
    ("list_append", 2),
    ("set_add", 2),
    ("set_delete", 2),
];

/// Words that are never a bare name (quote them: `"value"`).
const RESERVED: [&str; 25] = [
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IN",
    "IS",
    "BETWEEN",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "SET",
    "REMOVE",
    "RETURNING",
    "INSERT",
    "INTO",
    "VALUE",
    "UPDATE",
    "DELETE",
    "TRUE",
    "FALSE",
    "NULL",
    "MISSING",
];

fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(word))
}

impl Statement {
    /// The table: `FROM`, `INTO` or `UPDATE` target.
    pub fn table(&self) -> &str {
        match self {
            Statement::Select(s) => &s.table,
            Statement::Insert(s) => &s.table,
            Statement::Update(s) => &s.table,
            Statement::Delete(s) => &s.table,
        }
    }

    /// The index of `SELECT ... FROM "table"."index"`.
    pub fn index(&self) -> Option<&str> {
        match self {
            Statement::Select(s) => s.index.as_deref(),
            _ => None,
        }
    }

    /// How many `?` parameters the statement takes.
    pub fn parameters(&self) -> usize {
        match self {
            Statement::Select(s) => s.parameters,
            Statement::Insert(s) => s.parameters,
            Statement::Update(s) => s.parameters,
            Statement::Delete(s) => s.parameters,
        }
    }

    /// INSERT, UPDATE or DELETE.
    pub fn is_write(&self) -> bool {
        !matches!(self, Statement::Select(_))
    }

    /// The WHERE condition, if any.
    pub fn where_clause(&self) -> Option<&Expr> {
        match self {
            Statement::Select(s) => s.where_clause.as_ref(),
            Statement::Insert(_) => None,
            Statement::Update(s) => s.where_clause.as_ref(),
            Statement::Delete(s) => s.where_clause.as_ref(),
        }
    }
}

/// Parses one statement of DynamoDB's PartiQL. Refuses, before lexing, an empty statement and
/// one over [`MAX_STATEMENT_BYTES`] (DynamoDB's ExecuteStatement limit).
pub fn parse(text: &str) -> Result<Statement, ParseError> {
    if text.len() > MAX_STATEMENT_BYTES {
        return Err(ParseError::at(
            text,
            0,
            0,
            format!(
                "a statement of at most {} bytes (DynamoDB's ExecuteStatement limit)",
                crate::fmt::thousands(MAX_STATEMENT_BYTES as u64)
            ),
            format!("{} bytes", crate::fmt::thousands(text.len() as u64)),
        ));
    }
    if text.trim().is_empty() {
        return Err(ParseError::at(
            text,
            0,
            0,
            "a statement (SELECT, INSERT, UPDATE or DELETE)",
            "an empty statement",
        ));
    }
    let tokens = lex(text)?;
    let mut p = Parser {
        text,
        tokens,
        pos: 0,
        params: 0,
        depth: 0,
    };
    let stmt = p.statement()?;
    if !matches!(p.peek().tok, Tok::End) {
        return Err(p.error("the end of the statement"));
    }
    Ok(stmt)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    params: usize,
    /// How deep in parentheses, collections, NOT and unary minus the parser is.
    depth: usize,
}

/// How deep parentheses, collections, NOT and unary minus may nest: the parser recurses
/// into them, and 8,192 bytes of `(` must not overflow its stack.
pub const MAX_DEPTH: usize = 100;

impl<'a> Parser<'a> {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos]
    }

    fn peek_at(&self, ahead: usize) -> &Token {
        &self.tokens[(self.pos + ahead).min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn slice(&self, t: &Token) -> &'a str {
        &self.text[t.offset..t.offset + t.len]
    }

    /// An error at the current token.
    fn error(&self, expected: impl Into<String>) -> ParseError {
        let t = self.peek();
        let found = match t.tok {
            Tok::End => "the end of the statement".to_owned(),
            _ => {
                let s = self.slice(t);
                if s.chars().count() > 40 {
                    format!("'{}...'", s.chars().take(40).collect::<String>())
                } else {
                    format!("'{s}'")
                }
            }
        };
        ParseError::at(self.text, t.offset, t.len, expected, found)
    }

    fn is_kw(&self, kw: &str) -> bool {
        let t = self.peek();
        t.tok == Tok::Word && self.slice(t).eq_ignore_ascii_case(kw)
    }

    fn accept_kw(&mut self, kw: &str) -> bool {
        let yes = self.is_kw(kw);
        if yes {
            self.advance();
        }
        yes
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), ParseError> {
        if self.accept_kw(kw) {
            Ok(())
        } else {
            Err(self.error(kw))
        }
    }

    fn is_sym(&self, sym: &str) -> bool {
        matches!(self.peek().tok, Tok::Sym(s) if s == sym)
    }

    fn accept_sym(&mut self, sym: &str) -> bool {
        let yes = self.is_sym(sym);
        if yes {
            self.advance();
        }
        yes
    }

    fn expect_sym(&mut self, sym: &str, expected: &str) -> Result<(), ParseError> {
        if self.accept_sym(sym) {
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// A table, index or attribute name: a bare word that is not reserved, or a quoted name.
    fn name(&mut self, what: &str) -> Result<String, ParseError> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::Quoted(s) => {
                if s.is_empty() {
                    return Err(self.error(format!("{what} (a quoted name cannot be empty)")));
                }
                self.advance();
                Ok(s.clone())
            }
            Tok::Word if !is_reserved(self.slice(&t)) => {
                self.advance();
                Ok(self.slice(&t).to_owned())
            }
            Tok::Word => Err(self.error(format!(
                "{what} (a reserved word is a name only when quoted: \"{}\")",
                self.slice(&t)
            ))),
            _ => Err(self.error(what)),
        }
    }

    fn statement(&mut self) -> Result<Statement, ParseError> {
        if self.accept_kw("SELECT") {
            self.select().map(Statement::Select)
        } else if self.accept_kw("INSERT") {
            self.insert().map(Statement::Insert)
        } else if self.accept_kw("UPDATE") {
            self.update().map(Statement::Update)
        } else if self.accept_kw("DELETE") {
            self.delete().map(Statement::Delete)
        } else {
            Err(self.error("SELECT, INSERT, UPDATE or DELETE"))
        }
    }

    fn select(&mut self) -> Result<Select, ParseError> {
        let projection = if self.accept_sym("*") {
            None
        } else {
            let mut exprs = vec![self.expr()?];
            while self.accept_sym(",") {
                exprs.push(self.expr()?);
            }
            Some(exprs)
        };
        self.expect_kw("FROM")?;
        let table = self.name("a table name")?;
        let index = if self.accept_sym(".") {
            Some(self.name("an index name")?)
        } else {
            None
        };
        let where_clause = if self.accept_kw("WHERE") {
            Some(self.expr()?)
        } else {
            None
        };
        let mut order_by = Vec::new();
        if self.accept_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let path = self.path()?;
                let descending = if self.accept_kw("DESC") {
                    true
                } else {
                    self.accept_kw("ASC");
                    false
                };
                order_by.push(OrderBy { path, descending });
                if !self.accept_sym(",") {
                    break;
                }
            }
        }
        if !matches!(self.peek().tok, Tok::End) {
            let expected = match (&where_clause, order_by.is_empty()) {
                (None, true) => "WHERE, ORDER BY or the end of the statement",
                (Some(_), true) => "ORDER BY or the end of the statement",
                _ => "the end of the statement",
            };
            return Err(self.error(expected));
        }
        Ok(Select {
            projection,
            table,
            index,
            where_clause,
            order_by,
            parameters: self.params,
        })
    }

    fn insert(&mut self) -> Result<Insert, ParseError> {
        self.expect_kw("INTO")?;
        let table = self.name("a table name")?;
        if self.is_sym(".") {
            return Err(self.error("VALUE (an INSERT names a table, not an index)"));
        }
        self.expect_kw("VALUE")?;
        let value = if self.is_sym("{") || self.peek().tok == Tok::Param {
            self.primary()?
        } else {
            return Err(self.error("an item: a map {'key': value, ...} or ?"));
        };
        Ok(Insert {
            table,
            value,
            parameters: self.params,
        })
    }

    fn update(&mut self) -> Result<Update, ParseError> {
        let table = self.name("a table name")?;
        let mut actions = Vec::new();
        let mut set = if self.accept_kw("SET") {
            true
        } else if self.accept_kw("REMOVE") {
            false
        } else {
            return Err(self.error("SET or REMOVE"));
        };
        loop {
            let path = self.path()?;
            if set {
                self.expect_sym("=", "=")?;
                let value = self.expr()?;
                actions.push(Action::Set { path, value });
            } else {
                actions.push(Action::Remove(path));
            }
            let comma = self.accept_sym(",");
            if self.accept_kw("SET") {
                set = true;
            } else if self.accept_kw("REMOVE") {
                set = false;
            } else if !comma {
                break;
            }
        }
        let where_clause = if self.accept_kw("WHERE") {
            Some(self.expr()?)
        } else {
            None
        };
        let returning = if self.accept_kw("RETURNING") {
            let all = if self.accept_kw("ALL") {
                true
            } else if self.accept_kw("MODIFIED") {
                false
            } else {
                return Err(self.error("ALL or MODIFIED"));
            };
            let old = if self.accept_kw("OLD") {
                true
            } else if self.accept_kw("NEW") {
                false
            } else {
                return Err(self.error("OLD or NEW"));
            };
            self.expect_sym("*", "*")?;
            Some(match (all, old) {
                (true, true) => Returning::AllOld,
                (false, true) => Returning::ModifiedOld,
                (true, false) => Returning::AllNew,
                (false, false) => Returning::ModifiedNew,
            })
        } else {
            None
        };
        if !matches!(self.peek().tok, Tok::End) {
            let expected = match (&where_clause, returning) {
                (None, None) => "',', SET, REMOVE, WHERE or RETURNING",
                (Some(_), None) => "RETURNING or the end of the statement",
                _ => "the end of the statement",
            };
            return Err(self.error(expected));
        }
        Ok(Update {
            table,
            actions,
            where_clause,
            returning,
            parameters: self.params,
        })
    }

    fn delete(&mut self) -> Result<Delete, ParseError> {
        self.expect_kw("FROM")?;
        let table = self.name("a table name")?;
        let where_clause = if self.accept_kw("WHERE") {
            Some(self.expr()?)
        } else {
            None
        };
        let returning = if self.accept_kw("RETURNING") {
            const ONLY: &str = "ALL OLD * (the only RETURNING a DELETE takes)";
            self.expect_kw("ALL").map_err(|_| self.error(ONLY))?;
            self.expect_kw("OLD").map_err(|_| self.error(ONLY))?;
            self.expect_sym("*", ONLY)?;
            Some(Returning::AllOld)
        } else {
            None
        };
        if !matches!(self.peek().tok, Tok::End) {
            let expected = match (&where_clause, returning) {
                (None, None) => "WHERE",
                (Some(_), None) => "RETURNING or the end of the statement",
                _ => "the end of the statement",
            };
            return Err(self.error(expected));
        }
        Ok(Delete {
            table,
            where_clause,
            returning,
            parameters: self.params,
        })
    }

    fn path(&mut self) -> Result<Path, ParseError> {
        let root = self.name("an attribute name")?;
        self.path_steps(root)
    }

    fn path_steps(&mut self, root: String) -> Result<Path, ParseError> {
        let mut steps = Vec::new();
        loop {
            if self.accept_sym(".") {
                // After a dot any word is a field name, reserved or not.
                let t = self.peek().clone();
                match &t.tok {
                    Tok::Word => {
                        self.advance();
                        steps.push(Step::Field(self.slice(&t).to_owned()));
                    }
                    Tok::Quoted(s) => {
                        self.advance();
                        steps.push(Step::Field(s.clone()));
                    }
                    _ => return Err(self.error("an attribute name after '.'")),
                }
            } else if self.accept_sym("[") {
                let t = self.peek().clone();
                let n = match t.tok {
                    Tok::Num => self.slice(&t).parse::<usize>().ok(),
                    _ => None,
                };
                let Some(n) = n else {
                    return Err(self.error("a list index (a whole number)"));
                };
                self.advance();
                self.expect_sym("]", "]")?;
                steps.push(Step::Index(n));
            } else {
                return Ok(Path { root, steps });
            }
        }
    }

    /// `f` one level deeper, refused past [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!(
                "at most {MAX_DEPTH} levels of parentheses, collections, NOT and -"
            )));
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.nested(|p| {
            let mut left = p.and()?;
            while p.accept_kw("OR") {
                let right = p.and()?;
                left = binary(BinOp::Or, left, right);
            }
            Ok(left)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while self.accept_kw("AND") {
            let right = self.not()?;
            left = binary(BinOp::And, left, right);
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.accept_kw("NOT") {
            Ok(Expr::Not(Box::new(self.nested(Self::not)?)))
        } else {
            self.predicate()
        }
    }

    fn predicate(&mut self) -> Result<Expr, ParseError> {
        let left = self.sum()?;
        let cmp = match self.peek().tok {
            Tok::Sym("=") => Some(BinOp::Eq),
            Tok::Sym("<>") | Tok::Sym("!=") => Some(BinOp::Ne),
            Tok::Sym("<") => Some(BinOp::Lt),
            Tok::Sym("<=") => Some(BinOp::Le),
            Tok::Sym(">") => Some(BinOp::Gt),
            Tok::Sym(">=") => Some(BinOp::Ge),
            _ => None,
        };
        if let Some(op) = cmp {
            self.advance();
            let right = self.sum()?;
            return Ok(binary(op, left, right));
        }
        if self.is_kw("IS") {
            self.advance();
            let negated = self.accept_kw("NOT");
            let t = self.peek().clone();
            if t.tok != Tok::Word {
                return Err(self.error("MISSING, NULL or a type name"));
            }
            self.advance();
            let word = self.slice(&t).to_ascii_uppercase();
            let test = match word.as_str() {
                "MISSING" => IsTest::Missing,
                "NULL" => IsTest::Null,
                _ => IsTest::Type(word),
            };
            return Ok(Expr::Is {
                expr: Box::new(left),
                test,
                negated,
            });
        }
        let negated = self.is_kw("NOT")
            && matches!(self.peek_at(1).tok, Tok::Word)
            && ["BETWEEN", "IN"]
                .iter()
                .any(|k| self.slice(self.peek_at(1)).eq_ignore_ascii_case(k));
        if negated {
            self.advance();
        }
        if self.accept_kw("BETWEEN") {
            let low = self.sum()?;
            self.expect_kw("AND")?;
            let high = self.sum()?;
            return Ok(Expr::Between {
                expr: Box::new(left),
                low: Box::new(low),
                high: Box::new(high),
                negated,
            });
        }
        if self.accept_kw("IN") {
            let close = if self.accept_sym("[") {
                "]"
            } else if self.accept_sym("(") {
                ")"
            } else {
                return Err(self.error("a list of values: [a, b] or (a, b)"));
            };
            let mut list = vec![self.expr()?];
            while self.accept_sym(",") {
                if list.len() == MAX_IN_VALUES {
                    return Err(self.error(format!(
                        "{close}: DynamoDB takes at most {MAX_IN_VALUES} values in an IN list"
                    )));
                }
                list.push(self.expr()?);
            }
            self.expect_sym(close, &format!("',' or {close}"))?;
            return Ok(Expr::In {
                expr: Box::new(left),
                list,
                negated,
            });
        }
        Ok(left)
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        let mut terms = 1;
        loop {
            if terms > MAX_DEPTH && (self.is_sym("+") || self.is_sym("-")) {
                // Each term is a level of the tree (`1+1+...`, 2 bytes a level).
                return Err(self.error(format!(
                    "at most {MAX_DEPTH} + and - in a row (the end of the sum)"
                )));
            }
            let op = if self.accept_sym("+") {
                BinOp::Add
            } else if self.accept_sym("-") {
                BinOp::Sub
            } else {
                return Ok(left);
            };
            let right = self.unary()?;
            left = binary(op, left, right);
            terms += 1;
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.accept_sym("-") {
            if self.peek().tok == Tok::Num {
                let t = self.advance();
                return Ok(Expr::Lit(Literal::Num(format!("-{}", self.slice(&t)))));
            }
            return Ok(Expr::Neg(Box::new(self.nested(Self::unary)?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::Str(s) => {
                self.advance();
                Ok(Expr::Lit(Literal::Str(s.clone())))
            }
            Tok::Num => {
                self.advance();
                Ok(Expr::Lit(Literal::Num(self.slice(&t).to_owned())))
            }
            Tok::Param => {
                self.advance();
                self.params += 1;
                Ok(Expr::Param(self.params - 1))
            }
            Tok::Quoted(_) => {
                let root = self.name("a value")?;
                Ok(Expr::Path(self.path_steps(root)?))
            }
            Tok::Word => {
                let word = self.slice(&t);
                let literal = match word.to_ascii_uppercase().as_str() {
                    "TRUE" => Some(Literal::Bool(true)),
                    "FALSE" => Some(Literal::Bool(false)),
                    "NULL" => Some(Literal::Null),
                    "MISSING" => Some(Literal::Missing),
                    _ => None,
                };
                if let Some(l) = literal {
                    self.advance();
                    return Ok(Expr::Lit(l));
                }
                if self.peek_at(1).tok == Tok::Sym("(") {
                    return self.call();
                }
                if is_reserved(word) {
                    return Err(self.error("a value, a path or a function"));
                }
                self.advance();
                Ok(Expr::Path(self.path_steps(word.to_owned())?))
            }
            Tok::Sym("(") => {
                self.advance();
                let e = self.expr()?;
                self.expect_sym(")", ")")?;
                Ok(e)
            }
            Tok::Sym("[") => {
                self.advance();
                Ok(Expr::List(self.items("]")?))
            }
            Tok::Sym("<<") => {
                self.advance();
                Ok(Expr::Bag(self.items(">>")?))
            }
            Tok::Sym("{") => {
                self.advance();
                let mut entries = Vec::new();
                if !self.accept_sym("}") {
                    loop {
                        let Tok::Str(key) = self.peek().tok.clone() else {
                            return Err(self.error("a map key (a 'string')"));
                        };
                        self.advance();
                        self.expect_sym(":", ":")?;
                        entries.push((key, self.expr()?));
                        if !self.accept_sym(",") {
                            self.expect_sym("}", "',' or }")?;
                            break;
                        }
                    }
                }
                Ok(Expr::Map(entries))
            }
            _ => Err(self.error("a value, a path or a function")),
        }
    }

    /// `a, b, ...` up to `close` (which may come first: an empty collection).
    fn items(&mut self, close: &str) -> Result<Vec<Expr>, ParseError> {
        let mut items = Vec::new();
        if self.accept_sym(close) {
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            if !self.accept_sym(",") {
                self.expect_sym(close, &format!("',' or {close}"))?;
                return Ok(items);
            }
        }
    }

    fn call(&mut self) -> Result<Expr, ParseError> {
        let t = self.peek().clone();
        let name = self.slice(&t).to_ascii_lowercase();
        if name == "exists" {
            return Err(self.error(
                "a function other than EXISTS (a transaction's condition check, not supported here)",
            ));
        }
        let Some(&(_, arity)) = FUNCTIONS.iter().find(|(f, _)| *f == name) else {
            let names: Vec<&str> = FUNCTIONS.iter().map(|(f, _)| *f).collect();
            return Err(self.error(format!("a function ({})", names.join(", "))));
        };
        self.advance();
        self.advance(); // (
        let args = self.items(")")?;
        if args.len() != arity {
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            return Err(ParseError::at(
                self.text,
                t.offset,
                t.len,
                format!("{arity} argument{} to {name}", plural(arity)),
                format!("{} argument{}", args.len(), plural(args.len())),
            ));
        }
        Ok(Expr::Call { name, args })
    }
}

fn binary(op: BinOp, left: Expr, right: Expr) -> Expr {
    Expr::Binary {
        op,
        left: Box::new(left),
        right: Box::new(right),
    }
}

/// A name as PartiQL reads it back: bare when it can be, else double-quoted.
pub fn quote_name(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_reserved(name);
    if bare {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A string literal: `'it''s'`.
pub fn quote_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&quote_name(&self.root))?;
        for step in &self.steps {
            match step {
                Step::Field(name) => write!(f, ".{}", quote_name(name))?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => f.write_str(&quote_string(s)),
            Literal::Num(n) => f.write_str(n),
            Literal::Bool(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
            Literal::Null => f.write_str("NULL"),
            Literal::Missing => f.write_str("MISSING"),
        }
    }
}

impl Expr {
    /// Binding strength: 1 OR, 2 AND, 3 NOT, 4 comparisons and predicates, 5 `+ -`, 6 unary
    /// `-`, 7 the rest.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary { op, .. } => op.precedence(),
            Expr::Not(_) => 3,
            Expr::Between { .. } | Expr::In { .. } | Expr::Is { .. } => 4,
            Expr::Neg(_) => 6,
            _ => 7,
        }
    }

    /// `self` written where binding strength `min` is needed: in parentheses if weaker.
    fn at(&self, min: u8) -> String {
        if self.precedence() < min {
            format!("({self})")
        } else {
            self.to_string()
        }
    }
}

fn join(items: &[Expr]) -> String {
    items
        .iter()
        .map(Expr::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Lit(l) => write!(f, "{l}"),
            Expr::Param(_) => f.write_str("?"),
            Expr::Path(p) => write!(f, "{p}"),
            Expr::List(items) => write!(f, "[{}]", join(items)),
            Expr::Bag(items) => write!(f, "<<{}>>", join(items)),
            Expr::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {v}", quote_string(k)))
                    .collect();
                write!(f, "{{{}}}", inner.join(", "))
            }
            Expr::Call { name, args } => write!(f, "{name}({})", join(args)),
            Expr::Not(e) => write!(f, "NOT {}", e.at(3)),
            // `-(1)` stays a negation (`-1` would read back as the literal).
            Expr::Neg(e) if matches!(**e, Expr::Lit(Literal::Num(_))) => write!(f, "-({e})"),
            Expr::Neg(e) => write!(f, "-{}", e.at(6)),
            // Operands of a comparison are sums.
            Expr::Binary { op, left, right } if op.precedence() == 4 => {
                write!(f, "{} {} {}", left.at(5), op.text(), right.at(5))
            }
            Expr::Binary { op, .. } => {
                // A chain `a AND b AND ...` or `1 + 2 - ...` is a left-deep tree as deep as
                // it is long (4,000 in 8,192 bytes of `+1`): walked, not recursed into. A
                // right operand binds tighter, so `a - (b - c)` keeps its parentheses.
                let p = op.precedence();
                let mut rights = Vec::new();
                let mut first = self;
                while let Expr::Binary { op, left, right } = first
                    && op.precedence() == p
                {
                    rights.push((op, right));
                    first = left;
                }
                f.write_str(&first.at(p))?;
                for (op, right) in rights.iter().rev() {
                    write!(f, " {} {}", op.text(), right.at(p + 1))?;
                }
                Ok(())
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => write!(
                f,
                "{} {}BETWEEN {} AND {}",
                expr.at(5),
                if *negated { "NOT " } else { "" },
                low.at(5),
                high.at(5)
            ),
            Expr::In {
                expr,
                list,
                negated,
            } => write!(
                f,
                "{} {}IN [{}]",
                expr.at(5),
                if *negated { "NOT " } else { "" },
                join(list)
            ),
            Expr::Is {
                expr,
                test,
                negated,
            } => {
                let test = match test {
                    IsTest::Missing => "MISSING",
                    IsTest::Null => "NULL",
                    IsTest::Type(t) => t,
                };
                let not = if *negated { "NOT " } else { "" };
                write!(f, "{} IS {not}{test}", expr.at(5))
            }
        }
    }
}

impl fmt::Display for Returning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Returning::AllOld => "RETURNING ALL OLD *",
            Returning::ModifiedOld => "RETURNING MODIFIED OLD *",
            Returning::AllNew => "RETURNING ALL NEW *",
            Returning::ModifiedNew => "RETURNING MODIFIED NEW *",
        })
    }
}

/// The statement written back as PartiQL (normalised: keywords upper-case, `IN [...]`,
/// names quoted only when they must be); it parses to the same statement.
impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tail = |f: &mut fmt::Formatter<'_>, w: &Option<Expr>, r: &Option<Returning>| {
            if let Some(w) = w {
                write!(f, " WHERE {w}")?;
            }
            if let Some(r) = r {
                write!(f, " {r}")?;
            }
            Ok(())
        };
        match self {
            Statement::Select(s) => {
                match &s.projection {
                    None => f.write_str("SELECT *")?,
                    Some(exprs) => write!(f, "SELECT {}", join(exprs))?,
                }
                write!(f, " FROM {}", quote_name(&s.table))?;
                if let Some(i) = &s.index {
                    write!(f, ".{}", quote_name(i))?;
                }
                tail(f, &s.where_clause, &None)?;
                if !s.order_by.is_empty() {
                    let terms: Vec<String> = s
                        .order_by
                        .iter()
                        .map(|o| format!("{}{}", o.path, if o.descending { " DESC" } else { "" }))
                        .collect();
                    write!(f, " ORDER BY {}", terms.join(", "))?;
                }
                Ok(())
            }
            Statement::Insert(s) => {
                write!(f, "INSERT INTO {} VALUE {}", quote_name(&s.table), s.value)
            }
            Statement::Update(s) => {
                write!(f, "UPDATE {}", quote_name(&s.table))?;
                let mut last: Option<bool> = None;
                for a in &s.actions {
                    let set = matches!(a, Action::Set { .. });
                    if last == Some(set) {
                        f.write_str(",")?;
                    } else {
                        f.write_str(if set { " SET" } else { " REMOVE" })?;
                    }
                    match a {
                        Action::Set { path, value } => write!(f, " {path} = {value}")?,
                        Action::Remove(path) => write!(f, " {path}")?,
                    }
                    last = Some(set);
                }
                tail(f, &s.where_clause, &s.returning)
            }
            Statement::Delete(s) => {
                write!(f, "DELETE FROM {}", quote_name(&s.table))?;
                tail(f, &s.where_clause, &s.returning)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(root: &str) -> Path {
        Path {
            root: root.into(),
            steps: vec![],
        }
    }

    fn p(root: &str) -> Expr {
        Expr::Path(path(root))
    }

    fn s(text: &str) -> Expr {
        Expr::Lit(Literal::Str(text.into()))
    }

    fn n(text: &str) -> Expr {
        Expr::Lit(Literal::Num(text.into()))
    }

    fn where_of(text: &str) -> Expr {
        parse(text).unwrap().where_clause().unwrap().clone()
    }

    fn err(text: &str) -> ParseError {
        parse(text).unwrap_err()
    }

    #[test]
    fn select_star_with_quoted_table_and_index() {
        let stmt = parse(r#"SELECT * FROM "requests"."by_customer""#).unwrap();
        assert_eq!(stmt.table(), "requests");
        assert_eq!(stmt.index(), Some("by_customer"));
        assert!(!stmt.is_write());
        let Statement::Select(sel) = stmt else {
            panic!("not a select")
        };
        assert_eq!(sel.projection, None);
        assert_eq!(sel.where_clause, None);
        let bare = parse("select * from t.i").unwrap();
        assert_eq!((bare.table(), bare.index()), ("t", Some("i")));
    }

    #[test]
    fn keywords_are_case_insensitive_and_names_are_not() {
        let stmt = parse("sElEcT * FrOm Requests wHeRe Request_Id = 'a'").unwrap();
        assert_eq!(stmt.table(), "Requests");
        assert_eq!(
            stmt.where_clause().unwrap(),
            &binary(BinOp::Eq, p("Request_Id"), s("a"))
        );
    }

    #[test]
    fn quoted_names_and_strings_unescape_their_doubled_quotes() {
        let stmt = parse(r#"SELECT * FROM "my-table" WHERE "a""b" = 'it''s'"#).unwrap();
        assert_eq!(stmt.table(), "my-table");
        assert_eq!(
            stmt.where_clause().unwrap(),
            &binary(BinOp::Eq, p("a\"b"), s("it's"))
        );
    }

    #[test]
    fn numbers_keep_their_text() {
        let w = where_of("SELECT * FROM t WHERE a = -12.5e3 AND b = 100 AND c = 0.10");
        assert_eq!(
            w,
            binary(
                BinOp::And,
                binary(
                    BinOp::And,
                    binary(BinOp::Eq, p("a"), n("-12.5e3")),
                    binary(BinOp::Eq, p("b"), n("100"))
                ),
                binary(BinOp::Eq, p("c"), n("0.10"))
            )
        );
    }

    #[test]
    fn projection_paths_with_fields_and_indexes() {
        let Statement::Select(sel) = parse(r#"SELECT a.b[1].c, "x y".z, d[0] FROM t"#).unwrap()
        else {
            panic!("not a select")
        };
        assert_eq!(
            sel.projection.unwrap(),
            vec![
                Expr::Path(Path {
                    root: "a".into(),
                    steps: vec![
                        Step::Field("b".into()),
                        Step::Index(1),
                        Step::Field("c".into())
                    ]
                }),
                Expr::Path(Path {
                    root: "x y".into(),
                    steps: vec![Step::Field("z".into())]
                }),
                Expr::Path(Path {
                    root: "d".into(),
                    steps: vec![Step::Index(0)]
                }),
            ]
        );
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tighter_than_and() {
        let w = where_of("SELECT * FROM t WHERE a = 1 OR NOT b = 2 AND c = 3");
        assert_eq!(
            w,
            binary(
                BinOp::Or,
                binary(BinOp::Eq, p("a"), n("1")),
                binary(
                    BinOp::And,
                    Expr::Not(Box::new(binary(BinOp::Eq, p("b"), n("2")))),
                    binary(BinOp::Eq, p("c"), n("3"))
                )
            )
        );
        let grouped = where_of("SELECT * FROM t WHERE (a = 1 OR b = 2) AND c = 3");
        assert!(matches!(grouped, Expr::Binary { op: BinOp::And, .. }));
    }

    #[test]
    fn comparisons_and_arithmetic() {
        let w = where_of("SELECT * FROM t WHERE a + 1 >= b - 2 AND x != y AND u <> v");
        let Expr::Binary { left, right, .. } = w else {
            panic!("not AND")
        };
        assert_eq!(
            *left,
            binary(
                BinOp::And,
                binary(
                    BinOp::Ge,
                    binary(BinOp::Add, p("a"), n("1")),
                    binary(BinOp::Sub, p("b"), n("2"))
                ),
                binary(BinOp::Ne, p("x"), p("y"))
            )
        );
        assert_eq!(*right, binary(BinOp::Ne, p("u"), p("v")));
    }

    #[test]
    fn between_in_and_is() {
        let w = where_of(
            "SELECT * FROM t WHERE a BETWEEN 1 AND 4 AND b NOT BETWEEN 'a' AND 'b' \
             AND c IN [1, 2] AND d NOT IN (3) AND e IS NOT MISSING AND f IS NULL AND g IS string",
        );
        let terms: Vec<String> = {
            fn flat(e: &Expr, out: &mut Vec<String>) {
                match e {
                    Expr::Binary {
                        op: BinOp::And,
                        left,
                        right,
                    } => {
                        flat(left, out);
                        flat(right, out);
                    }
                    _ => out.push(format!("{e:?}")),
                }
            }
            let mut out = Vec::new();
            flat(&w, &mut out);
            out
        };
        assert_eq!(terms.len(), 7, "{terms:?}");
        let between = Expr::Between {
            expr: Box::new(p("a")),
            low: Box::new(n("1")),
            high: Box::new(n("4")),
            negated: false,
        };
        assert_eq!(terms[0], format!("{between:?}"));
        assert!(terms[1].contains("negated: true"), "{}", terms[1]);
        let in_list = Expr::In {
            expr: Box::new(p("c")),
            list: vec![n("1"), n("2")],
            negated: false,
        };
        assert_eq!(terms[2], format!("{in_list:?}"));
        let not_in = Expr::In {
            expr: Box::new(p("d")),
            list: vec![n("3")],
            negated: true,
        };
        assert_eq!(terms[3], format!("{not_in:?}"));
        let is = |name: &str, test: IsTest, negated: bool| {
            format!(
                "{:?}",
                Expr::Is {
                    expr: Box::new(p(name)),
                    test,
                    negated
                }
            )
        };
        assert_eq!(terms[4], is("e", IsTest::Missing, true));
        assert_eq!(terms[5], is("f", IsTest::Null, false));
        assert_eq!(terms[6], is("g", IsTest::Type("STRING".into()), false));
    }

    #[test]
    fn in_with_brackets_or_parentheses_is_the_same() {
        assert_eq!(
            where_of("SELECT * FROM t WHERE k IN ['a', 'b']"),
            where_of("SELECT * FROM t WHERE k IN ('a', 'b')")
        );
    }

    #[test]
    fn functions_are_known_and_counted() {
        let w = where_of("SELECT * FROM t WHERE BEGINS_WITH(a, 'x') AND size(b) > 3");
        assert_eq!(
            w,
            binary(
                BinOp::And,
                Expr::Call {
                    name: "begins_with".into(),
                    args: vec![p("a"), s("x")]
                },
                binary(
                    BinOp::Gt,
                    Expr::Call {
                        name: "size".into(),
                        args: vec![p("b")]
                    },
                    n("3")
                )
            )
        );
        let e = err("SELECT * FROM t WHERE frobnicate(a) = 1");
        assert_eq!((e.offset, e.len), (22, 10));
        assert!(e.expected.contains("begins_with"), "{e}");
        let e = err("SELECT * FROM t WHERE size(a, b) = 1");
        assert_eq!(
            e.to_string(),
            "line 1, column 23: expected 1 argument to size, found 2 arguments"
        );
        let e = err("SELECT * FROM t WHERE EXISTS(a)");
        assert!(e.expected.contains("EXISTS"), "{e}");
    }

    #[test]
    fn collections_in_an_insert() {
        let stmt = parse(
            "INSERT INTO t VALUE {'pk': 'a', 'n': -1, 'l': [1, 'x'], 'm': {'in': TRUE}, 's': <<'u', 'v'>>, 'z': NULL}",
        )
        .unwrap();
        assert!(stmt.is_write());
        let Statement::Insert(ins) = stmt else {
            panic!("not an insert")
        };
        assert_eq!(
            ins.value,
            Expr::Map(vec![
                ("pk".into(), s("a")),
                ("n".into(), n("-1")),
                ("l".into(), Expr::List(vec![n("1"), s("x")])),
                (
                    "m".into(),
                    Expr::Map(vec![("in".into(), Expr::Lit(Literal::Bool(true)))])
                ),
                ("s".into(), Expr::Bag(vec![s("u"), s("v")])),
                ("z".into(), Expr::Lit(Literal::Null)),
            ])
        );
        let e = err("INSERT INTO t VALUE 'x'");
        assert_eq!(e.offset, 20);
        assert!(e.expected.contains("map"), "{e}");
        let e = err("INSERT INTO t VALUE {a: 1}");
        assert_eq!(
            (e.offset, e.expected.as_str()),
            (21, "a map key (a 'string')")
        );
    }

    #[test]
    fn parameters_are_counted_in_order() {
        let stmt =
            parse("UPDATE t SET a = ?, b = list_append(b, [?]) WHERE pk = ? AND sk = ?").unwrap();
        assert_eq!(stmt.parameters(), 4);
        let Statement::Update(up) = &stmt else {
            panic!("not an update")
        };
        assert_eq!(
            up.actions[1],
            Action::Set {
                path: path("b"),
                value: Expr::Call {
                    name: "list_append".into(),
                    args: vec![p("b"), Expr::List(vec![Expr::Param(1)])]
                }
            }
        );
        assert_eq!(
            up.where_clause,
            Some(binary(
                BinOp::And,
                binary(BinOp::Eq, p("pk"), Expr::Param(2)),
                binary(BinOp::Eq, p("sk"), Expr::Param(3))
            ))
        );
        assert_eq!(parse("INSERT INTO t VALUE ?").unwrap().parameters(), 1);
        assert_eq!(parse("SELECT * FROM t").unwrap().parameters(), 0);
    }

    #[test]
    fn update_set_and_remove_clauses() {
        let stmt = parse(
            "UPDATE t SET a = 1, SET b = 2, c = 3 REMOVE d, e.f[0] SET g = 'x' \
             WHERE pk = 'k' RETURNING MODIFIED NEW *",
        )
        .unwrap();
        let Statement::Update(up) = stmt else {
            panic!("not an update")
        };
        let set = |name: &str, v: Expr| Action::Set {
            path: path(name),
            value: v,
        };
        assert_eq!(
            up.actions,
            vec![
                set("a", n("1")),
                set("b", n("2")),
                set("c", n("3")),
                Action::Remove(path("d")),
                Action::Remove(Path {
                    root: "e".into(),
                    steps: vec![Step::Field("f".into()), Step::Index(0)]
                }),
                set("g", s("x")),
            ]
        );
        assert_eq!(up.returning, Some(Returning::ModifiedNew));
        let e = err("UPDATE t WHERE pk = 'k'");
        assert_eq!((e.offset, e.expected.as_str()), (9, "SET or REMOVE"));
    }

    #[test]
    fn delete_returns_only_all_old() {
        let stmt = parse("DELETE FROM t WHERE pk = 'a' RETURNING ALL OLD *").unwrap();
        let Statement::Delete(del) = stmt else {
            panic!("not a delete")
        };
        assert_eq!(del.returning, Some(Returning::AllOld));
        let e = err("DELETE FROM t WHERE pk = 'a' RETURNING ALL NEW *");
        assert_eq!(e.offset, 43);
        assert!(e.expected.starts_with("ALL OLD *"), "{e}");
    }

    #[test]
    fn misspelt_keyword_points_at_it() {
        let e = err("SELEC * FROM t");
        assert_eq!((e.offset, e.len, e.line, e.column), (0, 5, 1, 1));
        assert_eq!(
            e.to_string(),
            "line 1, column 1: expected SELECT, INSERT, UPDATE or DELETE, found 'SELEC'"
        );
    }

    #[test]
    fn missing_table_points_at_the_end() {
        let e = err("SELECT * FROM");
        assert_eq!((e.offset, e.len, e.column), (13, 0, 14));
        assert_eq!(
            e.to_string(),
            "line 1, column 14: expected a table name, found the end of the statement"
        );
        let e = err("SELECT * WHERE a = 1");
        assert_eq!(
            e.to_string(),
            "line 1, column 10: expected FROM, found 'WHERE'"
        );
    }

    #[test]
    fn unterminated_string_points_at_its_quote() {
        let text = "SELECT * FROM t WHERE a = 'x";
        let e = err(text);
        assert_eq!((e.offset, e.column), (26, 27));
        assert_eq!(
            e.to_string(),
            "line 1, column 27: expected a closing ' for the string opened here, found the end of the statement"
        );
        assert_eq!(
            e.pointer(text),
            "SELECT * FROM t WHERE a = 'x\n                          ^"
        );
    }

    #[test]
    fn empty_statement_is_refused() {
        for text in ["", "  \n\t "] {
            let e = err(text);
            assert_eq!(e.offset, 0);
            assert_eq!(
                e.to_string(),
                "line 1, column 1: expected a statement (SELECT, INSERT, UPDATE or DELETE), found an empty statement"
            );
        }
    }

    #[test]
    fn statement_over_8192_bytes_is_refused_before_lexing() {
        // Unterminated and full of characters the lexer refuses: had it been lexed, the
        // error would be about those.
        let big = format!("SELECT * FROM t WHERE a = '{}", "#".repeat(100_000));
        let e = err(&big);
        assert_eq!(e.offset, 0);
        assert_eq!(
            e.to_string(),
            "line 1, column 1: expected a statement of at most 8,192 bytes (DynamoDB's ExecuteStatement limit), found 100,027 bytes"
        );
        let head = "SELECT * FROM t WHERE a = 'x'";
        let exact = format!("{head}{}", " ".repeat(MAX_STATEMENT_BYTES - head.len()));
        assert!(parse(&exact).is_ok());
        let over = format!("{exact} ");
        assert_eq!(err(&over).found, "8,193 bytes");
    }

    #[test]
    fn reserved_words_are_names_only_when_quoted() {
        let e = err("SELECT * FROM t WHERE value = 1");
        assert_eq!((e.offset, e.found.as_str()), (22, "'value'"));
        assert!(parse(r#"SELECT * FROM t WHERE "value" = 1 AND a.value = 2"#).is_ok());
        let e = err("SELECT * FROM select");
        assert!(e.expected.contains("\"select\""), "{e}");
    }

    #[test]
    fn trailing_tokens_are_refused() {
        let e = err("SELECT * FROM t;");
        assert_eq!(e.offset, 15);
        assert_eq!(e.expected, "WHERE, ORDER BY or the end of the statement");
        let e = err("SELECT * FROM t WHERE a = 1 b");
        assert_eq!((e.offset, e.found.as_str()), (28, "'b'"));
    }

    #[test]
    fn nesting_is_limited_before_the_stack_is() {
        for open in ["(", "[", "NOT ", "- ", "<<", "size("] {
            let text = format!("SELECT * FROM t WHERE {}", open.repeat(2000));
            let text = &text[..text.len().min(MAX_STATEMENT_BYTES)];
            let e = err(text);
            assert!(e.expected.starts_with("at most 100 levels"), "{open}: {e}");
        }
        let ok = format!(
            "SELECT * FROM t WHERE {}a = 1{}",
            "(".repeat(90),
            ")".repeat(90)
        );
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn in_list_takes_at_most_100_values() {
        let values = |n: usize| vec!["1"; n].join(", ");
        assert!(parse(&format!("SELECT * FROM t WHERE a IN [{}]", values(100))).is_ok());
        let text = format!("SELECT * FROM t WHERE a IN ({})", values(101));
        let e = err(&text);
        assert_eq!(e.offset, text.rfind(',').unwrap() + 2);
        assert_eq!(
            e.expected,
            "): DynamoDB takes at most 100 values in an IN list"
        );
    }

    #[test]
    fn order_by_terms() {
        let Statement::Select(sel) =
            parse("SELECT * FROM t WHERE pk = 'a' ORDER BY sk DESC, b.c ASC, d").unwrap()
        else {
            panic!("not a select")
        };
        let got: Vec<(String, bool)> = sel
            .order_by
            .iter()
            .map(|o| (o.path.to_string(), o.descending))
            .collect();
        assert_eq!(
            got,
            vec![
                ("sk".to_owned(), true),
                ("b.c".to_owned(), false),
                ("d".to_owned(), false)
            ]
        );
    }

    #[test]
    fn multi_line_error_reports_line_and_column() {
        let text = "SELECT *\nFROM t\nWHERE a = = 1";
        let e = err(text);
        assert_eq!((e.line, e.column), (3, 11));
        assert_eq!(e.pointer(text), "WHERE a = = 1\n          ^");
    }

    #[test]
    fn display_reads_back_as_the_same_statement() {
        for text in [
            r#"SELECT a, "b c".d[2], size(e) FROM "my-table"."by x" WHERE a = 'it''s' ORDER BY a DESC"#,
            "SELECT * FROM t WHERE (a = 1 OR b = 2) AND NOT (c < 3 OR d IS NOT MISSING)",
            "SELECT * FROM t WHERE a - (b - c) > -(1) AND x NOT IN (1, ?, 'z') AND y NOT BETWEEN -1 AND 2e5",
            "SELECT * FROM t WHERE \"value\" = TRUE AND q.\"from\" IS STRING AND (a = b) = FALSE",
            "INSERT INTO t VALUE {'pk': ?, 'l': [<<1, 2>>, {}], 'm': {'x''y': NULL, 'n': MISSING}}",
            "UPDATE t SET a = 1, b = set_add(b, <<'x'>>) REMOVE c, d[3] SET e = a + 1 WHERE pk = ? RETURNING ALL OLD *",
            "DELETE FROM t WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *",
        ] {
            let stmt = parse(text).unwrap();
            let written = stmt.to_string();
            assert_eq!(parse(&written).unwrap(), stmt, "{text}\n -> {written}");
        }
        assert_eq!(
            parse("select * from t where k in ('a','b') and \"x\" = 1")
                .unwrap()
                .to_string(),
            "SELECT * FROM t WHERE k IN ['a', 'b'] AND x = 1"
        );
    }
}
