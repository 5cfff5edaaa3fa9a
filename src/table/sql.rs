//! PartiQL's ExecuteStatement on any table: every page (NextToken), the capacity each page
//! consumed, `?` parameters. What a statement will become (a read of one item, a Query, a
//! full table scan) is [`super::partiql`]'s, decided before this runs.

use std::time::Instant;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

use super::partiql::{self, Plan, PlanKind};
use super::value::Item;
use crate::size::{item_size, page_read_units};
use crate::store::{
    Attempts, CallRecord, CancellationToken, Capacity, OpReport, Rule, Store, StoreError, UnitKind,
    call_error,
};

/// DynamoDB's rule needs the items read; an ExecuteStatement answer gives those it returned,
/// not those its WHERE read and discarded, nor the old item a write replaced.
const NOT_COMPUTED: Rule = Rule::Unknown(
    "an ExecuteStatement answer does not say which items were read, only those it returned",
);

/// How DynamoDB's rule charges a statement's pages, when its answer carries what it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadRule {
    /// Not computable from the answer: a projection, a WHERE beyond the key condition (items
    /// read and discarded), an index, a write.
    #[default]
    Unknown,
    /// A Query or Scan: each page's items summed, rounded up to 4 KB.
    Pages,
    /// GetItem-like reads: each item rounded up to 4 KB.
    PerItem,
}

/// The rule for `stmt` as `plan` says it runs: only a `SELECT *` of the table whose WHERE is
/// its key condition and nothing more returns every item it reads, whole.
pub fn read_rule(stmt: &partiql::Statement, plan: &Plan) -> ReadRule {
    let partiql::Statement::Select(s) = stmt else {
        return ReadRule::Unknown;
    };
    if s.projection.is_some() || s.index.is_some() {
        return ReadRule::Unknown;
    }
    let whole = match (&s.where_clause, &plan.key_condition) {
        (None, _) => true,
        (Some(w), Some(k)) => w.to_string() == *k,
        (Some(_), None) => false,
    };
    match plan.kind {
        PlanKind::Get if whole => ReadRule::PerItem,
        PlanKind::Query | PlanKind::Scan if whole => ReadRule::Pages,
        _ => ReadRule::Unknown,
    }
}

/// What a statement returned, over all its pages.
#[derive(Debug, Clone, Default)]
pub struct SqlOutput {
    /// Items returned, in order.
    pub items: Vec<Item>,
    /// Pages (calls answered).
    pub pages: u64,
    /// Where the next page would start, when stopped by `max_pages`.
    pub next_token: Option<String>,
    /// Calls, capacity, time.
    pub report: OpReport,
    /// Pages whose answer carried no ConsumedCapacity (DynamoDB Local reports none for
    /// ExecuteStatement).
    pub unreported_pages: u64,
}

impl SqlOutput {
    /// The engine reported capacity for the pages read (or there were none).
    pub fn engine_reported(&self) -> bool {
        self.unreported_pages == 0
    }
}

/// A statement and how to run it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statement {
    /// The PartiQL text.
    pub text: String,
    /// `?` parameters, in order.
    pub params: Vec<AttributeValue>,
    /// A strongly consistent read.
    pub consistent: bool,
    /// An INSERT, UPDATE or DELETE: its capacity is write capacity.
    pub write: bool,
    /// A DELETE: on a full disk it may use the reserve kept for deletes.
    pub deletes: bool,
    /// Stop after this many pages; None: every page.
    pub max_pages: Option<u64>,
    /// Stop once this many items have come back (the TUI holds its results in memory);
    /// None: every item.
    pub max_items: Option<usize>,
    /// Items per page (ExecuteStatement's Limit); None: DynamoDB's 1 MB pages.
    pub limit: Option<u32>,
    /// How DynamoDB's rule charges its pages ([`read_rule`]).
    pub rule: ReadRule,
}

impl Store {
    /// Runs `st`, page after page, until the last or `st.max_pages`, or until `cancel`.
    pub async fn execute_statement(
        &self,
        st: &Statement,
        start: Option<String>,
        cancel: Option<&CancellationToken>,
    ) -> Result<SqlOutput, StoreError> {
        let started = Instant::now();
        let mut report = OpReport::new("sql");
        report.param("Statement", &st.text);
        if !st.params.is_empty() {
            report.param("Parameters", st.params.len());
        }
        report.param(
            "ConsistentRead",
            if st.consistent {
                "true (strong)"
            } else {
                "false (eventual)"
            },
        );
        let kind = if st.write {
            UnitKind::Write
        } else {
            UnitKind::Read
        };
        let mut out = SqlOutput::default();
        let mut token = start;
        loop {
            if cancel.is_some_and(CancellationToken::is_cancelled) {
                break;
            }
            let mut attempts = Attempts {
                deletes_only: st.deletes,
                ..Attempts::default()
            };
            let result = self
                .send("ExecuteStatement", 0, cancel, &mut attempts, || {
                    self.client()
                        .execute_statement()
                        .statement(&st.text)
                        .set_parameters((!st.params.is_empty()).then(|| st.params.clone()))
                        .consistent_read(st.consistent)
                        .set_next_token(token.clone())
                        .set_limit(st.limit.map(|n| n.min(i32::MAX as u32) as i32))
                        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
                        .send()
                })
                .await;
            attempts.merge_into(&mut report);
            let (page, latency) = result.map_err(call_error)?;
            let items = page.items.unwrap_or_default();
            let consumed: Vec<_> = page.consumed_capacity.into_iter().collect();
            out.unreported_pages += u64::from(consumed.is_empty());
            let rule = page_rule(st, &items);
            report.record_answered(kind, &consumed, rule, |units, by_rule| CallRecord {
                api: "ExecuteStatement",
                items: items.len() as u64,
                consumed: units,
                by_rule,
                latency,
                outcome: "ok".into(),
            });
            out.items.extend(items);
            out.pages += 1;
            token = page.next_token.filter(|t| !t.is_empty());
            if token.is_none()
                || st.max_pages.is_some_and(|m| out.pages >= m)
                || st.max_items.is_some_and(|m| out.items.len() >= m)
            {
                break;
            }
        }
        out.next_token = token;
        report.items = out.items.len() as u64;
        report.elapsed = started.elapsed();
        out.report = report;
        Ok(out)
    }
}

/// DynamoDB's rule for one page of `st`'s answer.
fn page_rule(st: &Statement, items: &[Item]) -> Rule {
    let c = st.consistent;
    let units = match st.rule {
        ReadRule::Unknown => return NOT_COMPUTED,
        ReadRule::Pages => page_read_units(items.iter().map(item_size).sum(), c),
        // A read by key of each item (none read still costs one unit).
        ReadRule::PerItem => items
            .iter()
            .map(|i| page_read_units(item_size(i), c))
            .sum::<f64>()
            .max(page_read_units(0, c)),
    };
    Rule::Units(Capacity::of(UnitKind::Read, units))
}
