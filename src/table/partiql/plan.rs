//! What DynamoDB does with a statement, for a table: a GetItem-like read, a Query, a Scan or
//! a write; the key condition it reads by; and an estimate of its read units.
//!
//! The rule, from AWS's PartiQL reference (ql-reference.select): "Using the SELECT statement
//! can result in a full table scan if an equality or IN condition with a partition key is not
//! provided in the WHERE clause". Not a scan: `WHERE OrderID = 100`, `WHERE OrderID = 100 and
//! Address='x'`, `WHERE OrderID = 100 or OrderID = 200`, `WHERE OrderID IN [100, 300, 234]`.
//! A scan: `WHERE OrderID > 1`, `WHERE Address='x'`, `WHERE OrderID = 100 OR Address='x'`, no
//! WHERE. UPDATE and DELETE need an equality on every key attribute (ql-reference.update,
//! ql-reference.delete); a global secondary index serves only eventually consistent reads.
//!
//! Read units follow DynamoDB's read rule (read-write capacity mode docs): one unit per 4 KB
//! read strongly consistent, half that eventually consistent; GetItem rounds each item up to
//! 4 KB, Query and Scan sum the items' sizes and round up to 4 KB.

use serde::Serialize;

use super::parse::{Action, BinOp, Expr, Literal, Select, Statement, quote_name};
use crate::table::{KeyAttr, TableDesc};

/// DynamoDB's limit on partition key values in an IN (ql-operators: "at max 50 hash attribute
/// values").
pub const MAX_PARTITION_VALUES: usize = 50;

/// What kind of operation a statement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanKind {
    /// Items named by their full key (GetItem-like; BatchGetItem-like for several).
    Get,
    /// One or more partitions read (Query).
    Query,
    /// Every item read (Scan).
    Scan,
    /// INSERT.
    Insert,
    /// UPDATE.
    Update,
    /// DELETE.
    Delete,
}

impl PlanKind {
    /// INSERT, UPDATE or DELETE: write capacity, no read estimate.
    pub fn is_write(self) -> bool {
        matches!(self, PlanKind::Insert | PlanKind::Update | PlanKind::Delete)
    }
}

/// What DynamoDB does with a statement, and what it reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Get, query, scan or a write.
    pub kind: PlanKind,
    /// The table.
    pub table: String,
    /// The index read, if any.
    pub index: Option<String>,
    /// The key condition: `request_id = 'abc' AND seq BETWEEN 1 AND 4`, or for IN and OR
    /// `request_id IN ['a', 'b']`. `None` for a scan.
    pub key_condition: Option<String>,
    /// Estimated read units (0 for a write).
    pub estimated_read_units: f64,
    /// How many partition key values a get, query or write names; `None` for a scan.
    pub partitions: Option<usize>,
    /// The estimate is a lower bound (a query: the partitions' sizes are unknown).
    #[serde(skip)]
    pub estimate_is_floor: bool,
    /// Why this kind, in one sentence.
    pub reason: String,
}

impl Plan {
    /// What it becomes: `FULL TABLE SCAN`, `Query of 2 partition(s)`, `read of one item by
    /// key (GetItem-like)`, `INSERT of one item`.
    pub fn what(&self) -> String {
        match self.kind {
            PlanKind::Get => "read of one item by key (GetItem-like)".to_owned(),
            PlanKind::Query => format!("Query of {} partition(s)", self.partitions.unwrap_or(1)),
            PlanKind::Scan => "FULL TABLE SCAN".to_owned(),
            PlanKind::Insert => "INSERT of one item".to_owned(),
            PlanKind::Update => "UPDATE of one item".to_owned(),
            PlanKind::Delete => "DELETE of one item".to_owned(),
        }
    }

    /// What it reads: `requests`, or `orders.by_status`.
    pub fn target(&self) -> String {
        match &self.index {
            Some(i) => format!("{}.{i}", self.table),
            None => self.table.clone(),
        }
    }

    /// `at least 0.5 RCU (eventual), $0.000000`: the estimate and its on-demand price; `None`
    /// for a write.
    pub fn estimate(&self, consistent: bool) -> Option<String> {
        (!self.kind.is_write()).then(|| {
            format!(
                "{}{} RCU ({}), ${:.6}",
                if self.estimate_is_floor {
                    "at least "
                } else {
                    ""
                },
                crate::fmt::units(self.estimated_read_units),
                if consistent { "strong" } else { "eventual" },
                crate::store::Capacity::of(crate::store::UnitKind::Read, self.estimated_read_units)
                    .on_demand_usd()
            )
        })
    }
}

/// What DynamoDB does with `stmt` on `table`, read strongly `consistent` or not. Refuses, in
/// one line, what DynamoDB refuses: another table's statement, an index the table does not
/// have, a strongly consistent read of a GSI, an UPDATE or DELETE without an equality on
/// every key attribute (or one that changes a key attribute), an INSERT of a map without the
/// key.
pub fn plan(stmt: &Statement, table: &TableDesc, consistent: bool) -> Result<Plan, String> {
    if stmt.table() != table.name {
        return Err(format!(
            "the statement names table {}, but the table is {}",
            quote_name(stmt.table()),
            quote_name(&table.name)
        ));
    }
    if table.key_schema.is_empty() {
        return Err(format!("table {} has no key schema", table.name));
    }
    match stmt {
        Statement::Select(s) => plan_select(table, s, consistent),
        Statement::Insert(s) => plan_insert(table, &s.value),
        Statement::Update(s) => {
            for a in &s.actions {
                let (verb, path) = match a {
                    Action::Set { path, .. } => ("SET", path),
                    Action::Remove(path) => ("REMOVE", path),
                };
                if table.key_schema.iter().any(|k| k.name == path.root) {
                    return Err(format!(
                        "UPDATE cannot {verb} key attribute {}: DynamoDB refuses to change an item's key",
                        quote_name(&path.root)
                    ));
                }
            }
            plan_write(table, PlanKind::Update, s.where_clause.as_ref())
        }
        Statement::Delete(s) => plan_write(table, PlanKind::Delete, s.where_clause.as_ref()),
    }
}

fn plan_select(table: &TableDesc, select: &Select, consistent: bool) -> Result<Plan, String> {
    let index = select.index.as_deref();
    let where_clause = select.where_clause.as_ref();
    let keys: &[KeyAttr] = match index {
        Some(name) => {
            let r = table.index(name)?;
            if consistent && r.global {
                return Err(format!(
                    "{} is a global secondary index: DynamoDB refuses a strongly consistent read of it (GSIs are eventually consistent)",
                    quote_name(name)
                ));
            }
            &r.index.key_schema
        }
        None => &table.key_schema,
    };
    let Some(pk) = keys.first() else {
        return Err(format!("index {} has no key schema", index.unwrap_or("")));
    };
    let sk = keys.get(1);
    let pk_name = quote_name(&pk.name);
    // ORDER BY: only by key attributes, and only with a WHERE clause (DynamoDB's
    // ValidationException text).
    if !select.order_by.is_empty() {
        if where_clause.is_none() {
            return Err(
                "Must have WHERE clause in the statement when using ORDER BY clause".into(),
            );
        }
        for o in &select.order_by {
            if !o.path.steps.is_empty() || !keys.iter().any(|k| k.name == o.path.root) {
                let names: Vec<String> = keys.iter().map(|k| quote_name(&k.name)).collect();
                return Err(format!(
                    "ORDER BY {}: DynamoDB orders only by a key attribute ({})",
                    o.path,
                    names.join(", ")
                ));
            }
        }
    }
    let scan = |why: String| {
        let mut reason = format!("{why}: DynamoDB reads every item");
        if index.is_some() {
            reason.push_str(
                " of the index (estimated from the table's size: DescribeTable gives no index size here)",
            );
        }
        Plan {
            kind: PlanKind::Scan,
            table: table.name.clone(),
            index: index.map(str::to_owned),
            key_condition: None,
            estimated_read_units: crate::table::transfer::scan_estimate(
                table.size_bytes,
                consistent,
            ),
            partitions: None,
            estimate_is_floor: false,
            reason,
        }
    };
    let Some(w) = where_clause else {
        return Ok(scan("no WHERE clause".into()));
    };
    let Some(values) = partition_values(w, &pk.name) else {
        let why = if matches!(w, Expr::Binary { op: BinOp::Or, .. }) {
            format!("not every OR branch has an equality or IN on the partition key {pk_name}")
        } else {
            format!("no equality or IN on the partition key {pk_name}")
        };
        return Ok(scan(why));
    };
    // Distinct by their text (a literal's text is canonical; each `?` is a value of its own),
    // in a set: planned per keystroke, and 8 KB of `pk = 1 OR pk = 2 ...` is a thousand values.
    let mut seen = std::collections::HashSet::new();
    let distinct: Vec<String> = values
        .into_iter()
        .filter_map(|v| {
            let text = v.to_string();
            let key = match v {
                Expr::Param(i) => format!("?{i}"),
                _ => text.clone(),
            };
            seen.insert(key).then_some(text)
        })
        .collect();
    let partitions = distinct.len();
    if partitions > MAX_PARTITION_VALUES {
        return Err(format!(
            "the statement names {partitions} values of the partition key {pk_name}: DynamoDB takes at most {MAX_PARTITION_VALUES}"
        ));
    }
    let mut key_condition = if partitions == 1 {
        format!("{pk_name} = {}", distinct[0])
    } else {
        format!("{pk_name} IN [{}]", distinct.join(", "))
    };
    if partitions > 1
        && !select.order_by.is_empty()
        && !select.order_by.iter().any(|o| o.path.root == pk.name)
    {
        return Err(format!(
            "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause: add {pk_name} to ORDER BY"
        ));
    }
    let sort = sk.and_then(|sk| {
        let conditions: Vec<(&Expr, bool)> = conjuncts(w)
            .into_iter()
            .filter_map(|c| sort_condition(c, &sk.name).map(|eq| (c, eq)))
            .collect();
        conditions
            .iter()
            .find(|(_, eq)| *eq)
            .or(conditions.first())
            .copied()
    });
    if let Some((c, _)) = sort {
        key_condition.push_str(&format!(" AND {c}"));
    }
    let values_text = if partitions == 1 {
        "1 value".to_owned()
    } else {
        format!("{partitions} values")
    };
    let full_key = sk.is_none() || sort.is_some_and(|(_, eq)| eq);
    if index.is_none() && full_key {
        let avg = if table.item_count > 0 && table.size_bytes > 0 {
            table.size_bytes as f64 / table.item_count as f64
        } else {
            1.0
        };
        let per_item = crate::size::page_read_units(avg.ceil() as usize, consistent);
        let items = if partitions == 1 {
            "1 item".to_owned()
        } else {
            format!("{partitions} items")
        };
        let names: Vec<String> = keys.iter().map(|k| quote_name(&k.name)).collect();
        return Ok(Plan {
            kind: PlanKind::Get,
            table: table.name.clone(),
            index: None,
            key_condition: Some(key_condition),
            estimated_read_units: per_item * partitions as f64,
            partitions: Some(partitions),
            estimate_is_floor: false,
            reason: format!(
                "equality on every key attribute ({}): a GetItem-like read of {items}, each of the table's average item size",
                names.join(", ")
            ),
        });
    }
    let mut reason = format!("equality or IN on the partition key {pk_name} ({values_text})");
    if let Some((c, _)) = sort {
        reason.push_str(&format!(" and the sort key condition {c}"));
    }
    if index.is_some() {
        reason.push_str(": a Query of the index (an index read is always a Query)");
    } else {
        reason.push_str(": a Query");
    }
    reason.push_str("; the estimate is a floor, one read per partition (their sizes are unknown)");
    Ok(Plan {
        kind: PlanKind::Query,
        table: table.name.clone(),
        index: index.map(str::to_owned),
        key_condition: Some(key_condition),
        estimated_read_units: partitions as f64 * crate::size::page_read_units(0, consistent),
        partitions: Some(partitions),
        estimate_is_floor: true,
        reason,
    })
}

fn plan_insert(table: &TableDesc, value: &Expr) -> Result<Plan, String> {
    let mut key_condition = None;
    if let Expr::Map(entries) = value {
        let mut parts = Vec::new();
        for k in &table.key_schema {
            let Some((_, v)) = entries.iter().find(|(name, _)| *name == k.name) else {
                return Err(format!(
                    "the INSERT's item has no {}: DynamoDB refuses an item without its full key ({})",
                    quote_name(&k.name),
                    table.key_text()
                ));
            };
            parts.push(format!("{} = {v}", quote_name(&k.name)));
        }
        key_condition = Some(parts.join(" AND "));
    }
    Ok(Plan {
        kind: PlanKind::Insert,
        table: table.name.clone(),
        index: None,
        key_condition,
        estimated_read_units: 0.0,
        partitions: Some(1),
        estimate_is_floor: false,
        reason: "INSERT writes one item (refused if an item with its key exists)".into(),
    })
}

fn plan_write(
    table: &TableDesc,
    kind: PlanKind,
    where_clause: Option<&Expr>,
) -> Result<Plan, String> {
    let (article, verb) = if kind == PlanKind::Update {
        ("an", "UPDATE")
    } else {
        ("a", "DELETE")
    };
    let all = where_clause.map(conjuncts).unwrap_or_default();
    let mut parts = Vec::new();
    for k in &table.key_schema {
        match all.iter().find_map(|c| equality(c, &k.name)) {
            Some(v) => parts.push(format!("{} = {v}", quote_name(&k.name))),
            None => {
                let wanted: Vec<String> = table
                    .key_schema
                    .iter()
                    .map(|k| format!("{} = ...", quote_name(&k.name)))
                    .collect();
                return Err(format!(
                    "Where clause does not contain a mandatory equality on all key attributes: DynamoDB refuses {article} {verb} without WHERE {} (missing {})",
                    wanted.join(" AND "),
                    quote_name(&k.name)
                ));
            }
        }
    }
    Ok(Plan {
        kind,
        table: table.name.clone(),
        index: None,
        key_condition: Some(parts.join(" AND ")),
        estimated_read_units: 0.0,
        partitions: Some(1),
        estimate_is_floor: false,
        reason: format!("{verb} of the one item its full key names (no read units; one write)"),
    })
}

/// The top-level AND terms of `e` (`e` itself when it is not an AND).
fn conjuncts(e: &Expr) -> Vec<&Expr> {
    terms(e, BinOp::And)
}

/// The operands of a chain of `op` (`a AND b AND c`: a left-deep tree as deep as it is long,
/// so walked with a stack, not recursion).
fn terms(e: &Expr, op: BinOp) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Binary { op: o, left, right } if *o == op => {
                stack.push(right);
                stack.push(left);
            }
            _ => out.push(e),
        }
    }
    out
}

/// `e` is the attribute `name` itself (not a path into it).
fn is_attr(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Path(p) if p.root == name && p.steps.is_empty())
}

/// `e` is a value a key can be: a string, a number or a `?`.
fn is_key_value(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Lit(Literal::Str(_)) | Expr::Lit(Literal::Num(_)) | Expr::Param(_)
    )
}

/// The value of `name = v` (or `v = name`).
fn equality<'e>(e: &'e Expr, name: &str) -> Option<&'e Expr> {
    match e {
        Expr::Binary {
            op: BinOp::Eq,
            left,
            right,
        } => {
            if is_attr(left, name) && is_key_value(right) {
                Some(right)
            } else if is_attr(right, name) && is_key_value(left) {
                Some(left)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The partition key values `e` restricts `pk` to: from `pk = v`, `pk IN [..]`, an AND with
/// such a term, or an OR whose every branch has one. `None`: `e` does not fix the partition.
fn partition_values<'e>(e: &'e Expr, pk: &str) -> Option<Vec<&'e Expr>> {
    match e {
        Expr::Binary { op: BinOp::And, .. } => conjuncts(e)
            .into_iter()
            .find_map(|c| partition_values(c, pk)),
        Expr::Binary { op: BinOp::Or, .. } => {
            let mut values = Vec::new();
            for branch in terms(e, BinOp::Or) {
                values.extend(partition_values(branch, pk)?);
            }
            Some(values)
        }
        Expr::In {
            expr,
            list,
            negated: false,
        } if is_attr(expr, pk) && list.iter().all(is_key_value) => Some(list.iter().collect()),
        _ => equality(e, pk).map(|v| vec![v]),
    }
}

/// Whether `c` is a key condition on the sort key `sk` (`=`, `<`, `<=`, `>`, `>=`, BETWEEN,
/// begins_with), and if so whether it is an equality.
fn sort_condition(c: &Expr, sk: &str) -> Option<bool> {
    match c {
        Expr::Binary {
            op: op @ (BinOp::Eq | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
            left,
            right,
        } if (is_attr(left, sk) && is_key_value(right))
            || (is_key_value(left) && is_attr(right, sk)) =>
        {
            Some(*op == BinOp::Eq)
        }
        Expr::Between {
            expr,
            low,
            high,
            negated: false,
        } if is_attr(expr, sk) && is_key_value(low) && is_key_value(high) => Some(false),
        Expr::Call { name, args }
            if name == "begins_with"
                && args.len() == 2
                && is_attr(&args[0], sk)
                && is_key_value(&args[1]) =>
        {
            Some(false)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::IndexDesc;
    use crate::table::partiql::{MAX_STATEMENT_BYTES, parse};

    fn key(name: &str, kind: &str, role: &str) -> KeyAttr {
        KeyAttr {
            name: name.into(),
            kind: kind.into(),
            role: role.into(),
        }
    }

    /// Like the request table: `request_id` S + `seq` N, 1,000 items of 4,096 bytes, a GSI
    /// `by_customer` and an LSI `by_time`.
    fn requests() -> TableDesc {
        TableDesc {
            name: "requests".into(),
            status: "ACTIVE".into(),
            key_schema: vec![key("request_id", "S", "HASH"), key("seq", "N", "RANGE")],
            billing_mode: "PAY_PER_REQUEST".into(),
            item_count: 1000,
            size_bytes: 4_096_000,
            gsis: vec![IndexDesc {
                name: "by_customer".into(),
                key_schema: vec![
                    key("customer_id", "S", "HASH"),
                    key("created_at", "S", "RANGE"),
                ],
                projection: "ALL".into(),
            }],
            lsis: vec![IndexDesc {
                name: "by_time".into(),
                key_schema: vec![
                    key("request_id", "S", "HASH"),
                    key("created_at", "S", "RANGE"),
                ],
                projection: "KEYS_ONLY".into(),
            }],
            ttl_attribute: None,
        }
    }

    /// A partition key only: 10 items of 10,000 bytes on average.
    fn users() -> TableDesc {
        TableDesc {
            name: "users".into(),
            status: "ACTIVE".into(),
            key_schema: vec![key("user_id", "S", "HASH")],
            billing_mode: "PROVISIONED".into(),
            item_count: 10,
            size_bytes: 100_000,
            gsis: vec![],
            lsis: vec![],
            ttl_attribute: None,
        }
    }

    fn planned(text: &str, consistent: bool) -> Result<Plan, String> {
        let stmt = parse(text).map_err(|e| e.to_string())?;
        let table = if stmt.table() == "users" {
            users()
        } else {
            requests()
        };
        plan(&stmt, &table, consistent)
    }

    use PlanKind::{Delete, Get, Insert, Query, Scan, Update};

    /// A statement, and its plan's kind, index, key condition and partitions.
    type Case = (
        &'static str,
        PlanKind,
        Option<&'static str>,
        Option<&'static str>,
        Option<usize>,
    );

    #[test]
    fn statements_plan_to_their_kind_index_and_key_condition() {
        #[rustfmt::skip]
        let cases: &[Case] = &[
            // The full key: a GetItem-like read.
            ("SELECT * FROM requests WHERE request_id = 'abc' AND seq = 3",
             Get, None, Some("request_id = 'abc' AND seq = 3"), Some(1)),
            (r#"SELECT * FROM "requests" WHERE "seq" = 3 AND (("request_id" = 'abc'))"#,
             Get, None, Some("request_id = 'abc' AND seq = 3"), Some(1)),
            ("SELECT * FROM users WHERE user_id = 'u1'",
             Get, None, Some("user_id = 'u1'"), Some(1)),
            ("SELECT * FROM users WHERE user_id IN ['a', 'b']",
             Get, None, Some("user_id IN ['a', 'b']"), Some(2)),
            ("SELECT * FROM users WHERE user_id = 'a' OR user_id = 'b'",
             Get, None, Some("user_id IN ['a', 'b']"), Some(2)),
            ("SELECT * FROM requests WHERE (request_id = 'a' OR request_id = 'b') AND seq = 1",
             Get, None, Some("request_id IN ['a', 'b'] AND seq = 1"), Some(2)),
            // The partition only, or with a sort key range: a Query.
            ("SELECT * FROM requests WHERE request_id IN ('a', 'b')",
             Query, None, Some("request_id IN ['a', 'b']"), Some(2)),
            ("SELECT * FROM requests WHERE 'a' = request_id",
             Query, None, Some("request_id = 'a'"), Some(1)),
            ("SELECT * FROM requests WHERE request_id = 'a' AND seq > 2",
             Query, None, Some("request_id = 'a' AND seq > 2"), Some(1)),
            ("SELECT * FROM requests WHERE seq <= 10 AND request_id = 'a' AND status = 'ok'",
             Query, None, Some("request_id = 'a' AND seq <= 10"), Some(1)),
            ("SELECT * FROM requests WHERE request_id = 'abc' AND seq BETWEEN 1 AND 4",
             Query, None, Some("request_id = 'abc' AND seq BETWEEN 1 AND 4"), Some(1)),
            ("SELECT * FROM requests WHERE request_id = 'a' AND seq <> 2",
             Query, None, Some("request_id = 'a'"), Some(1)),
            ("SELECT * FROM requests WHERE request_id = 'a' OR request_id = 'b'",
             Query, None, Some("request_id IN ['a', 'b']"), Some(2)),
            ("SELECT * FROM requests WHERE request_id = 'a' OR request_id IN ['b', 'a']",
             Query, None, Some("request_id IN ['a', 'b']"), Some(2)),
            ("SELECT * FROM requests WHERE request_id = ?",
             Query, None, Some("request_id = ?"), Some(1)),
            ("SELECT * FROM requests WHERE request_id = ? OR request_id = ?",
             Query, None, Some("request_id IN [?, ?]"), Some(2)),
            ("SELECT * FROM requests WHERE request_id = ? AND seq = ?",
             Get, None, Some("request_id = ? AND seq = ?"), Some(1)),
            // An index read is always a Query, with the index's keys.
            (r#"SELECT * FROM "requests"."by_customer" WHERE customer_id = 'c1' AND begins_with(created_at, '2026-')"#,
             Query, Some("by_customer"), Some("customer_id = 'c1' AND begins_with(created_at, '2026-')"), Some(1)),
            ("SELECT * FROM requests.by_customer WHERE customer_id = 'c1' AND created_at = 'x'",
             Query, Some("by_customer"), Some("customer_id = 'c1' AND created_at = 'x'"), Some(1)),
            ("SELECT * FROM requests.by_time WHERE request_id = 'a' AND created_at >= '2026'",
             Query, Some("by_time"), Some("request_id = 'a' AND created_at >= '2026'"), Some(1)),
            // No equality or IN on the partition key: a Scan.
            ("SELECT * FROM requests", Scan, None, None, None),
            ("SELECT * FROM requests WHERE seq = 1", Scan, None, None, None),
            ("SELECT * FROM requests WHERE request_id > 'a'", Scan, None, None, None),
            ("SELECT * FROM requests WHERE request_id = 'a' OR status = 'x'", Scan, None, None, None),
            ("SELECT * FROM requests WHERE request_id.x = 'a'", Scan, None, None, None),
            ("SELECT * FROM requests WHERE request_id = other_id", Scan, None, None, None),
            ("SELECT * FROM requests WHERE NOT request_id = 'a'", Scan, None, None, None),
            ("SELECT * FROM requests WHERE request_id NOT IN ['a']", Scan, None, None, None),
            ("SELECT * FROM requests WHERE \"Request_id\" = 'a'", Scan, None, None, None),
            ("SELECT * FROM requests WHERE begins_with(request_id, 'a')", Scan, None, None, None),
            ("SELECT * FROM requests.by_customer WHERE request_id = 'a'",
             Scan, Some("by_customer"), None, None),
            // Writes.
            ("INSERT INTO requests VALUE {'request_id': 'a', 'seq': 1, 'x': [1]}",
             Insert, None, Some("request_id = 'a' AND seq = 1"), Some(1)),
            ("INSERT INTO requests VALUE ?", Insert, None, None, Some(1)),
            ("UPDATE requests SET x = 1 WHERE request_id = 'a' AND seq = 1 AND x < 5",
             Update, None, Some("request_id = 'a' AND seq = 1"), Some(1)),
            ("DELETE FROM users WHERE user_id = ? RETURNING ALL OLD *",
             Delete, None, Some("user_id = ?"), Some(1)),
        ];
        for (text, kind, index, key_condition, partitions) in cases {
            let got = planned(text, false).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (
                    got.kind,
                    got.index.as_deref(),
                    got.key_condition.as_deref(),
                    got.partitions
                ),
                (*kind, *index, *key_condition, *partitions),
                "{text}"
            );
            assert_eq!(got.table, parse(text).unwrap().table(), "{text}");
        }
    }

    #[test]
    fn scan_estimate_is_the_table_size_in_read_units() {
        let eventual = planned("SELECT * FROM requests WHERE status = 'x'", false).unwrap();
        assert_eq!(eventual.estimated_read_units, 500.0);
        assert!(!eventual.estimate_is_floor);
        assert_eq!(
            eventual.reason,
            "no equality or IN on the partition key request_id: DynamoDB reads every item"
        );
        let strong = planned("SELECT * FROM requests", true).unwrap();
        assert_eq!(strong.estimated_read_units, 1000.0);
        assert_eq!(strong.reason, "no WHERE clause: DynamoDB reads every item");
        let or = planned(
            "SELECT * FROM requests WHERE request_id = 'a' OR x = 1",
            false,
        )
        .unwrap();
        assert!(
            or.reason.starts_with("not every OR branch"),
            "{}",
            or.reason
        );
    }

    #[test]
    fn scan_of_an_index_is_estimated_from_the_table_and_says_so() {
        let p = planned("SELECT * FROM requests.by_customer", false).unwrap();
        assert_eq!(p.estimated_read_units, 500.0);
        assert!(p.reason.contains("table's size"), "{}", p.reason);
    }

    #[test]
    fn scan_of_an_empty_table_costs_at_least_one_read() {
        let mut empty = users();
        empty.item_count = 0;
        empty.size_bytes = 0;
        let stmt = parse("SELECT * FROM users").unwrap();
        assert_eq!(
            plan(&stmt, &empty, false).unwrap().estimated_read_units,
            0.5
        );
        assert_eq!(plan(&stmt, &empty, true).unwrap().estimated_read_units, 1.0);
        let get = parse("SELECT * FROM users WHERE user_id = 'a'").unwrap();
        assert_eq!(plan(&get, &empty, true).unwrap().estimated_read_units, 1.0);
    }

    #[test]
    fn get_estimate_rounds_the_average_item_up_per_key() {
        // 4,096 bytes a item: one unit strong, half eventual.
        let one = planned(
            "SELECT * FROM requests WHERE request_id = 'a' AND seq = 1",
            true,
        )
        .unwrap();
        assert_eq!(one.estimated_read_units, 1.0);
        // 10,000 bytes a item: 3 units strong, 1.5 eventual, for each of 2 keys.
        let two = planned("SELECT * FROM users WHERE user_id IN ['a', 'b']", false).unwrap();
        assert_eq!(two.estimated_read_units, 3.0);
        assert!(!two.estimate_is_floor);
        assert!(two.reason.contains("2 items"), "{}", two.reason);
    }

    #[test]
    fn query_estimate_is_a_floor_of_one_read_per_partition() {
        let q = planned(
            "SELECT * FROM requests WHERE request_id IN ['a', 'b', 'c']",
            false,
        )
        .unwrap();
        assert_eq!(q.estimated_read_units, 1.5);
        assert!(q.estimate_is_floor);
        let strong = planned("SELECT * FROM requests WHERE request_id = 'a'", true).unwrap();
        assert_eq!(strong.estimated_read_units, 1.0);
        let index = planned(
            "SELECT * FROM requests.by_customer WHERE customer_id = 'c'",
            false,
        )
        .unwrap();
        assert!(index.reason.contains("always a Query"), "{}", index.reason);
    }

    #[test]
    fn writes_read_nothing() {
        for text in [
            "INSERT INTO requests VALUE {'request_id': 'a', 'seq': 1}",
            "UPDATE requests SET a = 1 WHERE request_id = 'a' AND seq = 1",
            "DELETE FROM requests WHERE request_id = 'a' AND seq = 1",
        ] {
            let p = planned(text, true).unwrap();
            assert_eq!(p.estimated_read_units, 0.0, "{text}");
            assert!(parse(text).unwrap().is_write());
        }
    }

    #[test]
    fn update_and_delete_need_equality_on_every_key_attribute() {
        for text in [
            "UPDATE requests SET a = 1 WHERE request_id = 'a'",
            "UPDATE requests SET a = 1",
            "DELETE FROM requests WHERE request_id = 'a' AND seq > 1",
            "DELETE FROM requests WHERE request_id = 'a' OR seq = 1",
            "DELETE FROM requests WHERE request_id IN ['a'] AND seq = 1",
            "DELETE FROM requests",
        ] {
            let e = planned(text, false).unwrap_err();
            assert!(
                e.starts_with(
                    "Where clause does not contain a mandatory equality on all key attributes"
                ),
                "{text}: {e}"
            );
        }
        assert_eq!(
            planned("DELETE FROM requests WHERE request_id = 'a'", false).unwrap_err(),
            "Where clause does not contain a mandatory equality on all key attributes: \
             DynamoDB refuses a DELETE without WHERE request_id = ... AND seq = ... (missing seq)"
        );
    }

    #[test]
    fn update_cannot_change_a_key_attribute() {
        let e = planned(
            "UPDATE requests SET seq = 2 WHERE request_id = 'a' AND seq = 1",
            false,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "UPDATE cannot SET key attribute seq: DynamoDB refuses to change an item's key"
        );
        let e = planned(
            "UPDATE requests REMOVE request_id WHERE request_id = 'a' AND seq = 1",
            false,
        )
        .unwrap_err();
        assert!(e.contains("REMOVE key attribute request_id"), "{e}");
    }

    #[test]
    fn insert_of_a_map_without_the_key_is_refused() {
        let e = planned("INSERT INTO requests VALUE {'request_id': 'a'}", false).unwrap_err();
        assert_eq!(
            e,
            "the INSERT's item has no seq: DynamoDB refuses an item without its full key \
             (request_id (S, HASH) + seq (N, RANGE))"
        );
    }

    #[test]
    fn more_than_50_partition_key_values_are_refused() {
        let values = |n: usize| {
            (0..n)
                .map(|i| format!("'k{i}'"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let fifty = format!("SELECT * FROM users WHERE user_id IN [{}]", values(50));
        assert_eq!(planned(&fifty, false).unwrap().partitions, Some(50));
        let e = planned(
            &format!("SELECT * FROM users WHERE user_id IN [{}]", values(51)),
            false,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "the statement names 51 values of the partition key user_id: DynamoDB takes at most 50"
        );
    }

    #[test]
    fn a_statement_of_8192_bytes_of_conditions_plans() {
        let mut text = "SELECT * FROM requests WHERE request_id = 'a'".to_owned();
        while text.len() + 14 <= MAX_STATEMENT_BYTES {
            text.push_str(" AND x = 1 + 1");
        }
        let stmt = parse(&text).unwrap();
        let p = plan(&stmt, &requests(), false).unwrap();
        assert_eq!(p.key_condition.as_deref(), Some("request_id = 'a'"));
        assert_eq!(stmt.to_string(), text);
        // The longest chain 8,192 bytes hold (`OR a`, 5 bytes a term): parsed, planned,
        // written back, cloned, compared and dropped without overflowing the test thread's
        // stack.
        let mut ors = "SELECT * FROM requests WHERE request_id = 'a'".to_owned();
        while ors.len() + 5 <= MAX_STATEMENT_BYTES {
            ors.push_str(" OR a");
        }
        let stmt = parse(&ors).unwrap();
        assert_eq!(plan(&stmt, &requests(), true).unwrap().kind, Scan);
        assert_eq!(stmt.to_string(), ors);
        assert!(stmt.clone() == stmt && !format!("{stmt:?}").is_empty());
    }

    #[test]
    fn order_by_needs_a_where_clause_and_key_attributes() {
        let ok = planned(
            "SELECT * FROM requests WHERE request_id = 'a' ORDER BY seq DESC",
            false,
        )
        .unwrap();
        assert_eq!(ok.kind, Query);
        assert_eq!(
            planned("SELECT * FROM requests ORDER BY seq", false).unwrap_err(),
            "Must have WHERE clause in the statement when using ORDER BY clause"
        );
        assert_eq!(
            planned(
                "SELECT * FROM requests WHERE request_id = 'a' ORDER BY status",
                false
            )
            .unwrap_err(),
            "ORDER BY status: DynamoDB orders only by a key attribute (request_id, seq)"
        );
        let index = planned(
            "SELECT * FROM requests.by_customer WHERE customer_id = 'c' ORDER BY created_at",
            false,
        );
        assert_eq!(index.unwrap().index.as_deref(), Some("by_customer"));
        let e = planned(
            "SELECT * FROM requests WHERE request_id IN ['a', 'b'] ORDER BY seq",
            false,
        )
        .unwrap_err();
        assert!(
            e.starts_with("Must have hash key in ORDER BY clause"),
            "{e}"
        );
        let both = planned(
            "SELECT * FROM requests WHERE request_id IN ['a', 'b'] ORDER BY request_id, seq",
            false,
        );
        assert_eq!(both.unwrap().partitions, Some(2));
    }

    #[test]
    fn unknown_index_is_named_with_the_tables_indexes() {
        let e = planned(r#"SELECT * FROM "requests"."missing_index""#, false).unwrap_err();
        assert_eq!(
            e,
            "table requests has no index \"missing_index\"; its indexes: by_customer, by_time"
        );
    }

    #[test]
    fn statement_for_another_table_is_refused() {
        let stmt = parse("SELECT * FROM orders WHERE id = 1").unwrap();
        let e = plan(&stmt, &requests(), false).unwrap_err();
        assert_eq!(
            e,
            "the statement names table orders, but the table is requests"
        );
    }

    #[test]
    fn strongly_consistent_read_of_a_gsi_is_refused_but_not_of_an_lsi() {
        let e = planned(
            "SELECT * FROM requests.by_customer WHERE customer_id = 'c'",
            true,
        )
        .unwrap_err();
        assert!(e.contains("by_customer is a global secondary index"), "{e}");
        let lsi = planned(
            "SELECT * FROM requests.by_time WHERE request_id = 'a'",
            true,
        )
        .unwrap();
        assert_eq!(lsi.kind, Query);
    }

    #[test]
    fn plan_serializes_its_kind_lowercase_without_the_floor_flag() {
        let p = planned("SELECT * FROM requests WHERE request_id = 'a'", false).unwrap();
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["kind"], "query");
        assert_eq!(json["key_condition"], "request_id = 'a'");
        assert_eq!(json["partitions"], 1);
        assert!(json.get("estimate_is_floor").is_none());
        let kinds: Vec<String> = [Get, Query, Scan, Insert, Update, Delete]
            .iter()
            .map(|k| serde_json::to_string(k).unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "\"get\"",
                "\"query\"",
                "\"scan\"",
                "\"insert\"",
                "\"update\"",
                "\"delete\""
            ]
        );
    }
}
