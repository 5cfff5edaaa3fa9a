//! PartiQL for DynamoDB: a parser and a planner, pure (no I/O), for checking a statement
//! before it is sent and saying what it will cost.
//!
//! # Why our own parser
//!
//! The `partiql-parser` crate (0.15) parses the PartiQL specification, not DynamoDB's dialect:
//! it refuses `?` parameters and every DynamoDB write form (`INSERT INTO t VALUE {...}`,
//! `UPDATE t SET ...`, `DELETE FROM t WHERE ...`). The embedded engine (Dynoxide) has a
//! PartiQL parser, but it is private to that crate. So this is a hand-written lexer
//! and recursive-descent parser ([`parse()`]) of the dialect documented in AWS's "PartiQL for
//! DynamoDB" reference.
//!
//! # What it covers
//!
//! - `SELECT * | expr, ... FROM table[.index] [WHERE cond] [ORDER BY path [ASC|DESC], ...]`;
//!   table and index bare or double-quoted (`"requests"."by_customer"`).
//! - `INSERT INTO table VALUE {map}` or `VALUE ?`.
//! - `UPDATE table SET path = expr[, ...] [SET ...] [REMOVE path[, ...]] [WHERE cond]
//!   [RETURNING ALL|MODIFIED OLD|NEW *]`.
//! - `DELETE FROM table [WHERE cond] [RETURNING ALL OLD *]`.
//! - Conditions: `AND OR NOT`, parentheses, `= <> != < <= > >=`, `[NOT] BETWEEN`, `[NOT] IN
//!   [..]` or `(..)`, `IS [NOT] MISSING|NULL|type`, `+ -`, and the functions `begins_with`,
//!   `contains`, `attribute_type`, `size`, `list_append`, `set_add`, `set_delete` (names
//!   case-insensitive, argument counts checked; the type name after IS is any word, not
//!   checked, and values are not type-checked against the key schema).
//! - Values: `'strings'` (`''` escapes), numbers kept as written (`-12.5e3`), `TRUE FALSE NULL
//!   MISSING`, `?` (counted in order), lists `[..]`, maps `{'k': v}`, bags `<<..>>`, paths
//!   `a.b[1]."c d"`. Keywords are case-insensitive, names case-sensitive (`""` escapes `"`).
//!
//! # What it refuses
//!
//! An empty statement, one over 8,192 bytes (DynamoDB's ExecuteStatement limit; refused
//! before lexing), an unterminated string or quoted name, a character outside the dialect,
//! `EXISTS(...)` (transactions' condition check), unknown functions or the wrong number of
//! arguments, a reserved word as a bare name, a trailing `;`, an IN list of more than 100
//! values, more than 100 levels of nesting or terms of a sum (the parser recurses; 8,192
//! bytes of `(` must not overflow its stack), and anything else off the grammar in
//! [`parse`](mod@parse): each as a [`ParseError`] that points at the token.
//!
//! [`plan()`] then says what DynamoDB does with a statement for a table ([`Plan`]): GetItem-like
//! read, Query, Scan or a write, its key condition and an estimate of its read units, and
//! refuses what DynamoDB refuses: an index the table does not have, a strongly consistent
//! read of a GSI, an UPDATE or DELETE without an equality on every key attribute (or one that
//! changes a key), an INSERT of a map without the key, more than 50 partition key values,
//! ORDER BY without WHERE, by a non-key attribute, or without the partition key when WHERE
//! names several partitions.

mod lex;
pub mod parse;
pub mod plan;

pub use lex::{MAX_STATEMENT_BYTES, ParseError};
pub use parse::{
    Action, BinOp, Delete, Expr, Insert, IsTest, Literal, OrderBy, Path, Returning, Select,
    Statement, Step, Update, parse,
};
pub use plan::{Plan, PlanKind, plan};
