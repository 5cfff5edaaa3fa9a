//! `sql 'STATEMENT'`: PartiQL on any table, with what it will become said first. The
//! statement is parsed and planned against the key schema of the table (or index) in its FROM
//! before anything is sent: a read of one item, a Query of one partition (its key condition
//! named), or a **full table scan**, with the estimated RCU and price. `--explain` stops
//! there; otherwise every page runs and the measured RCU stands beside the estimate. On AWS a
//! statement planned as a scan needs `--yes`.

use clap::Args;
use color_eyre::eyre::{Result, bail, eyre};
use serde::Serialize;

use super::Cli;
use super::any::{item_text, items_array, print_with_raw};
use super::report::CallsJson;
use crate::backend::{AnyConnection, Create};
use crate::store::StoreError;
use crate::table::partiql::{self, Plan, PlanKind};
use crate::table::sql::{SqlOutput, Statement, read_rule};
use crate::table::value::parse_plain_array;

/// The examples at the end of the command's `--help`.
pub(super) const EXAMPLES: &str = "Examples:
  # what it will become, without running it: a full table scan, and its estimated RCU
  dynamo-explorer sql \"SELECT * FROM requests WHERE customer_id = 'customer-00001'\" --explain
  # a Query of one partition, with a parameter
  dynamo-explorer sql 'SELECT * FROM requests WHERE request_id = ?' --params '[\"3f1c...\"]'
  # an index
  dynamo-explorer --endpoint http://127.0.0.1:8000 sql 'SELECT * FROM \"orders\".\"by_customer\" WHERE customer = ?' --params '[\"c-17\"]' --json";

/// `sql` flags.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// A PartiQL statement in DynamoDB's dialect: SELECT, INSERT, UPDATE or DELETE. The table
    /// is the one in its FROM (or INTO, or UPDATE), not --table.
    #[arg(value_name = "STATEMENT")]
    pub statement: String,
    /// Values of the statement's `?` parameters, in order, as a JSON array (plain JSON, or
    /// DynamoDB JSON like {"N": "5"} taken as typed).
    #[arg(long, value_name = "JSON")]
    pub params: Option<String>,
    /// Print what the statement will become (get, query or scan; key condition; estimated
    /// RCU) and run nothing.
    #[arg(long)]
    pub explain: bool,
    /// Run a statement planned as a full table scan on AWS (refused without it).
    #[arg(long)]
    pub yes: bool,
    /// A strongly consistent read (twice the RCU of an eventual one).
    #[arg(long)]
    pub consistent: bool,
}

/// Checks the statement and its parameters: one line each, nothing sent.
pub(crate) fn check(args: &SqlArgs) -> Result<(partiql::Statement, Statement)> {
    let stmt = partiql::parse(&args.statement).map_err(|e| super::Pointed {
        message: format!("the statement does not parse: {e}"),
        excerpt: e.pointer(&args.statement),
    })?;
    let params = match &args.params {
        Some(text) => parse_plain_array(text).map_err(|e| eyre!("--params: {e}"))?,
        None => Vec::new(),
    };
    let wanted = stmt.parameters();
    if params.len() != wanted {
        bail!(
            "the statement has {wanted} `?` parameter(s) and --params gives {}; nothing was sent",
            params.len()
        );
    }
    let run = Statement {
        text: args.statement.clone(),
        params,
        consistent: args.consistent,
        write: stmt.is_write(),
        deletes: matches!(stmt, partiql::Statement::Delete(_)),
        max_pages: None,
        max_items: None,
        limit: None,
        rule: Default::default(),
    };
    Ok((stmt, run))
}

/// The plan in two or three human lines (stderr before a run, stdout for `--explain`).
pub fn plan_lines(plan: &Plan, consistent: bool) -> Vec<String> {
    let mut lines = vec![format!(
        "plan: {} of {}: {}",
        plan.what(),
        plan.target(),
        plan.reason
    )];
    if let Some(k) = &plan.key_condition {
        lines.push(format!("key condition: {k}"));
    }
    if let Some(estimate) = plan.estimate(consistent) {
        lines.push(format!("estimated: {estimate} on demand"));
    }
    lines
}

/// `sql` JSON.
#[derive(Serialize)]
struct SqlJson<'a> {
    statement: &'a str,
    plan: &'a Plan,
    count: usize,
    pages: u64,
    /// False when the engine's answers carried no ConsumedCapacity (DynamoDB Local's
    /// ExecuteStatement): `consumed` is then 0 and `capacity_by_rule` says what DynamoDB
    /// would charge, where it can.
    engine_reported_capacity: bool,
    #[serde(flatten)]
    calls: Option<CallsJson<'a>>,
}

/// Opens the table the statement names (never created: a statement on a missing table is
/// an error that names it).
async fn open_named(cli: &Cli, table: &str) -> Result<AnyConnection> {
    super::any::open_table(cli, table, Create::Never)
        .await
        .map_err(|e| match e.downcast_ref::<StoreError>() {
            Some(StoreError::TableMissing { .. }) => eyre!(
                "table {table:?} (the statement's) does not exist on this endpoint; `tables` \
                 lists the tables there are; nothing was sent"
            ),
            _ => e,
        })
}

/// `sql`.
pub(super) async fn run(cli: &Cli, args: &SqlArgs) -> Result<()> {
    let (stmt, run) = check(args)?;
    if stmt.is_write() && !args.explain {
        cli.conn.writable("this statement")?;
    }
    let conn = open_named(cli, stmt.table()).await?;
    let mut run = run;
    let plan = match partiql::plan(&stmt, &conn.table, args.consistent) {
        Ok(p) => {
            run.rule = read_rule(&stmt, &p);
            p
        }
        Err(e) => {
            super::any::close(conn).await;
            bail!("{e}; nothing was sent");
        }
    };
    if args.explain {
        super::any::close(conn).await;
        if cli.json {
            return print_with_raw(
                &SqlJson {
                    statement: &args.statement,
                    plan: &plan,
                    count: 0,
                    pages: 0,
                    engine_reported_capacity: true,
                    calls: None,
                },
                &[],
            );
        }
        for line in plan_lines(&plan, args.consistent) {
            say!("{line}");
        }
        return Ok(());
    }
    if plan.kind == PlanKind::Scan && conn.info.is_aws && !args.yes {
        super::any::close(conn).await;
        bail!(
            "this statement reads the whole table {}: estimated {}; add --yes to run it; \
             nothing was sent",
            plan.target(),
            plan.estimate(args.consistent).unwrap_or_default()
        );
    }
    if !cli.json {
        for line in plan_lines(&plan, args.consistent) {
            eprintln!("{line}");
        }
    }
    let result = conn.store.execute_statement(&run, None, None).await;
    super::any::close(conn).await;
    let out: SqlOutput = result?;
    if cli.json {
        return print_with_raw(
            &SqlJson {
                statement: &args.statement,
                plan: &plan,
                count: out.items.len(),
                pages: out.pages,
                engine_reported_capacity: out.engine_reported(),
                calls: Some(CallsJson::from(&out.report)),
            },
            &[("items", items_array(&out.items, cli.ddb_json))],
        );
    }
    for item in &out.items {
        say!("{}", item_text(item, cli.ddb_json));
    }
    say!("{}", super::output::summary_line(&out.report));
    let estimate = plan
        .estimate(args.consistent)
        .map_or(String::new(), |e| format!("; estimated {e}"));
    if !out.engine_reported() {
        let rule = &out.report.by_rule;
        let by_rule = if rule.not_computed == 0 {
            format!(
                "; DynamoDB's rule charges {} RCU for it",
                crate::fmt::units(rule.rule.read)
            )
        } else {
            String::new()
        };
        say!(
            "measured: the engine reported no ConsumedCapacity for {} of {} ExecuteStatement \
             page(s) (DynamoDB Local never does){by_rule}{estimate}",
            out.unreported_pages,
            out.pages
        );
    } else if !plan.kind.is_write() {
        say!(
            "measured: {} RCU over {} page(s){estimate}",
            crate::fmt::units(out.report.consumed.total.read),
            out.pages
        );
    }
    Ok(())
}

/// `sql --explain --print-call FORM`: the ExecuteStatement it would send, as code; nothing
/// is sent.
pub(super) fn print_explained_call(
    cli: &Cli,
    args: &SqlArgs,
    lang: crate::code::Lang,
) -> Result<()> {
    let (_, run) = check(args)?;
    let mut body = serde_json::json!({
        "Statement": run.text,
        "ConsistentRead": run.consistent,
        "ReturnConsumedCapacity": "INDEXES",
    });
    if !run.params.is_empty() {
        body["Parameters"] = serde_json::Value::Array(
            run.params
                .iter()
                .map(crate::table::value::to_ddb_json)
                .collect(),
        );
    }
    let sent = crate::code::Sent {
        first: vec![crate::code::SentCall {
            api: "ExecuteStatement".into(),
            body,
        }],
        counts: vec![("ExecuteStatement".into(), 1)],
        region: None,
    };
    super::calls::print(&sent, lang, cli);
    Ok(())
}
