//! The SQL screen through `App::update`: the plan as the statement is typed, Enter runs it
//! (a scan on AWS asks first), `--read-only` refuses writes, the answer fills the grid and
//! the log, the history.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{PlanState, SqlFocus};
use crate::store::{Capacity, OpReport};
use crate::table::sql::{ReadRule, SqlOutput};
use crate::table::{KeyAttr, TableDesc};
use crate::tui::app::explore::tests::conn;
use crate::tui::app::oplog::Outcome;
use crate::tui::app::{App, ScreenId};
use crate::tui::driver::{self, key, press, started, typed};
use crate::tui::msg::{Command, EventKind, Job, Msg};

fn requests() -> TableDesc {
    let k = |name: &str, kind: &str, role: &str| KeyAttr {
        name: name.into(),
        kind: kind.into(),
        role: role.into(),
    };
    TableDesc {
        name: "requests".into(),
        status: "ACTIVE".into(),
        key_schema: vec![k("request_id", "S", "HASH"), k("seq", "N", "RANGE")],
        billing_mode: "PAY_PER_REQUEST".into(),
        item_count: 1_000,
        size_bytes: 4_096_000,
        gsis: vec![],
        lsis: vec![],
        ttl_attribute: None,
    }
}

/// On the SQL screen, the request table described, the table names listed.
fn app(is_aws: bool) -> App {
    let mut c = conn();
    c.is_aws = is_aws;
    let mut a = App::new(c, (120, 40));
    a.sql.tables.insert("requests".into(), requests());
    let commands = key(&mut a, '4');
    assert_eq!(a.screen, ScreenId::Sql);
    let (id, job) = commands
        .iter()
        .find_map(|c| match c {
            Command::Start {
                id,
                job: job @ Job::Tables,
            } => Some((*id, job.clone())),
            _ => None,
        })
        .expect("the tables are listed when the screen opens");
    assert_eq!(job, Job::Tables);
    driver::event(
        &mut a,
        id,
        1,
        EventKind::TableNames(vec!["requests".into()]),
    );
    a
}

fn plan_kind(a: &App) -> String {
    match &a.sql.plan {
        PlanState::Ready(p) => serde_json::to_value(p.kind)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned(),
        other => format!("{other:?}"),
    }
}

#[test]
fn the_plan_follows_the_statement_as_it_is_typed() {
    let mut a = app(false);
    typed(&mut a, "SELECT * FROM requests WHERE customer_id = 'c-1'");
    assert_eq!(plan_kind(&a), "scan");
    let PlanState::Ready(p) = &a.sql.plan else {
        unreachable!()
    };
    assert_eq!(p.estimated_read_units, 500.0, "4,096,000 bytes, eventual");
    for _ in 0.."customer_id = 'c-1'".len() {
        press(&mut a, KeyCode::Backspace);
    }
    typed(&mut a, "request_id = 'r-1'");
    assert_eq!(plan_kind(&a), "query");
    typed(&mut a, " AND seq = 3");
    assert_eq!(plan_kind(&a), "get");
    typed(&mut a, " AND");
    assert!(
        matches!(&a.sql.plan, PlanState::Error(e) if e.contains("does not parse")),
        "{:?}",
        a.sql.plan
    );
}

#[test]
fn a_table_not_on_the_endpoint_is_named_and_nothing_is_described() {
    let mut a = app(false);
    let commands = typed(&mut a, "SELECT * FROM orders");
    assert!(
        matches!(&a.sql.plan, PlanState::Error(e) if e.contains("\"orders\"")),
        "{:?}",
        a.sql.plan
    );
    assert!(
        commands.is_empty(),
        "no describe per keystroke: {commands:?}"
    );
    let before = a.session.in_flight.len();
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.session.in_flight.len(), before, "nothing sent");
}

/// Without the table names (ListTables refused, say), a name is described as it is typed:
/// one describe at a time, and a failure is said for its own name only.
#[test]
fn without_the_names_one_describe_at_a_time_and_a_failure_for_its_own_name() {
    let mut a = App::new(conn(), (120, 40));
    a.sql.tables.insert("requests".into(), requests());
    let opened = key(&mut a, '4');
    let (tables, _) = started(&opened);
    driver::event(
        &mut a,
        tables,
        1,
        EventKind::Failed(crate::store::StoreError::InvalidInput(
            "AccessDenied".into(),
        )),
    );
    let describes = |c: &[Command]| {
        c.iter()
            .filter_map(|c| match c {
                Command::Start {
                    id,
                    job: Job::DescribeTables(names),
                } => Some((*id, names.clone())),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let first = typed(&mut a, "SELECT * FROM o");
    let d = describes(&first);
    assert_eq!(d.len(), 1, "{first:?}");
    let (id, names) = d[0].clone();
    assert_eq!(names, ["o"]);
    let more = typed(&mut a, "rders");
    assert!(describes(&more).is_empty(), "one at a time: {more:?}");
    press(&mut a, KeyCode::Enter);
    // `o` fails: said for `o` only; `orders`, typed since, is described next, and runs.
    let next = driver::event(
        &mut a,
        id,
        2,
        EventKind::Failed(crate::store::StoreError::InvalidInput("no table o".into())),
    );
    assert!(
        matches!(&a.sql.plan, PlanState::Describing(n) if n == "orders"),
        "{:?}",
        a.sql.plan
    );
    let d = describes(&next);
    assert_eq!(d.len(), 1, "{next:?}");
    let (id, names) = d[0].clone();
    assert_eq!(names, ["orders"]);
    let mut orders = requests();
    orders.name = "orders".into();
    let ran = driver::event(&mut a, id, 3, EventKind::Tables(vec![orders]));
    assert!(
        ran.iter().any(|c| matches!(
            c,
            Command::Start {
                job: Job::Sql(_),
                ..
            }
        )),
        "Enter pressed while describing runs it once described: {ran:?}"
    );
}

#[test]
fn enter_runs_and_the_answer_fills_the_grid_and_the_log() {
    let mut a = app(false);
    typed(&mut a, "SELECT * FROM requests WHERE request_id = 'r-1'");
    let commands = press(&mut a, KeyCode::Enter);
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::SaveHistory(l) if l.contains("r-1"))),
        "the statement goes to the history: {commands:?}"
    );
    let (id, job) = started(&commands);
    let Job::Sql(st) = job else { panic!("{job:?}") };
    assert!(!st.write && !st.consistent);
    assert_eq!(
        st.max_items,
        Some(super::MAX_RESULTS),
        "the screen holds a bounded answer"
    );
    assert_eq!(
        st.rule,
        ReadRule::Pages,
        "SELECT * by its key condition: the rule applies"
    );
    let item: HashMap<String, AttributeValue> = HashMap::from([
        ("request_id".into(), AttributeValue::S("r-1".into())),
        ("seq".into(), AttributeValue::N("0".into())),
    ]);
    let mut report = OpReport::new("sql");
    report.consumed.total = Capacity {
        read: 0.5,
        write: 0.0,
    };
    let out = SqlOutput {
        items: vec![item],
        pages: 1,
        next_token: None,
        report,
        unreported_pages: 0,
    };
    driver::event(&mut a, id, 2, EventKind::SqlDone(Box::new(out.into())));
    assert_eq!(a.sql.results.len(), 1);
    assert_eq!(
        a.sql.columns[..2],
        ["request_id".to_owned(), "seq".to_owned()]
    );
    let row = a.session.log.rows.last().expect("a log row");
    assert!(
        row.label.starts_with("sql SELECT * FROM requests"),
        "{}",
        row.label
    );
    assert_eq!(row.outcome, Outcome::Ok);
    assert!(
        row.report
            .params
            .iter()
            .any(|(k, v)| k == "Plan" && v.contains("Query")),
        "the plan stands in the log beside the measured figures: {:?}",
        row.report.params
    );
    let m = a.sql.measured.as_ref().expect("measured");
    assert_eq!((m.read, m.items), (0.5, 1));

    // `e` on the results writes them out as `e` on Explore does, named after the table.
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.sql.focus, SqlFocus::Results);
    let export = key(&mut a, 'e');
    let (id, job) = started(&export);
    let Job::ExportLoaded { table, items } = job else {
        panic!("{job:?}")
    };
    assert_eq!((table.as_str(), items.len()), ("requests", 1));
    driver::event(
        &mut a,
        id,
        3,
        EventKind::Exported("./requests-3.jsonl".into(), 1, 80),
    );
    assert!(
        format!("{:?}", a.session.status).contains("exported 1 item(s) to ./requests-3.jsonl"),
        "{:?}",
        a.session.status
    );
}

#[test]
fn e_with_no_results_says_so_and_sends_nothing() {
    let mut a = app(false);
    press(&mut a, KeyCode::Esc);
    assert!(key(&mut a, 'e').is_empty());
    assert!(
        format!("{:?}", a.session.status).contains("no results to export"),
        "{:?}",
        a.session.status
    );
}

#[test]
fn a_scan_on_aws_asks_first_and_any_other_key_sends_nothing() {
    let mut a = app(true);
    typed(&mut a, "SELECT * FROM requests");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert!(a.sql.confirming.is_some());
    assert!(a.hints().0.contains("y run"));
    assert!(key(&mut a, 'n').is_empty(), "n: not run");
    assert!(a.sql.confirming.is_none());
    press(&mut a, KeyCode::Enter);
    let commands = key(&mut a, 'y');
    let (_, job) = started(&commands);
    assert!(matches!(job, Job::Sql(_)));
}

#[test]
fn read_only_refuses_a_write_before_anything_is_sent() {
    let mut a = app(false);
    a.session.read_only = true;
    typed(
        &mut a,
        "DELETE FROM requests WHERE request_id = 'r-1' AND seq = 0",
    );
    assert_eq!(plan_kind(&a), "delete");
    let commands = press(&mut a, KeyCode::Enter);
    assert!(commands.is_empty(), "{commands:?}");
    assert!(
        matches!(&a.session.status, Some(crate::tui::app::Status::Error(e)) if e.contains("--read-only")),
        "{:?}",
        a.session.status
    );
}

#[test]
fn alt_enter_adds_a_line_and_up_walks_the_history() {
    let mut a = app(false);
    a.sql.editor.history = vec!["SELECT * FROM requests".into()];
    typed(&mut a, "SELECT *");
    a.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)));
    typed(&mut a, "FROM requests");
    assert_eq!(a.sql.editor.text, "SELECT *\nFROM requests");
    assert_eq!(plan_kind(&a), "scan");
    press(&mut a, KeyCode::Up);
    press(&mut a, KeyCode::Up);
    assert_eq!(a.sql.editor.text, "SELECT * FROM requests", "the history");
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.sql.focus, SqlFocus::Results);
    assert!(!a.sql.typing());
    key(&mut a, '1');
    assert_eq!(
        a.screen,
        ScreenId::Explore,
        "out of the editor, 1 switches screens"
    );
}

/// A log row whose job sent a Query: `y` copies it in the form shown, `v` changes the form,
/// `w` writes the session as Markdown.
#[test]
fn a_log_row_copies_as_code_and_the_session_writes_as_markdown() {
    use std::sync::Arc;

    use crate::code::{Sent, SentCall};
    use crate::tui::msg::{ClockTime, WorkerEvent};

    let mut a = app(false);
    typed(&mut a, "SELECT * FROM requests WHERE request_id = 'r-1'");
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    let body = serde_json::json!({
        "Statement": "SELECT * FROM requests WHERE request_id = 'r-1'",
        "ConsistentRead": false,
        "ReturnConsumedCapacity": "INDEXES"
    });
    let sent = Sent {
        first: vec![SentCall {
            api: "ExecuteStatement".into(),
            body,
        }],
        counts: vec![("ExecuteStatement".into(), 1)],
        region: None,
    };
    a.update(Msg::Worker(Box::new(WorkerEvent {
        id,
        at: ClockTime(3),
        kind: EventKind::SqlDone(Box::default()),
        sent: Some(Arc::new(sent)),
    })));
    // Tab twice: editor -> results -> log.
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.sql.focus, SqlFocus::Log);
    let copied = key(&mut a, 'y');
    let [Command::Copy(code)] = copied.as_slice() else {
        panic!("{copied:?}")
    };
    assert!(code.starts_with("aws dynamodb execute-statement"), "{code}");
    assert!(
        code.contains("--endpoint-url http://127.0.0.1:8000"),
        "{code}"
    );
    assert!(
        matches!(&a.session.status, Some(crate::tui::app::Status::Info(s)) if s.contains("copied") && s.contains("bytes")),
        "{:?}",
        a.session.status
    );
    key(&mut a, 'v');
    let copied = key(&mut a, 'y');
    let [Command::Copy(python)] = copied.as_slice() else {
        panic!("{copied:?}")
    };
    assert!(python.contains("boto3.client"), "{python}");
    let written = key(&mut a, 'w');
    let [Command::WriteTranscript(session)] = written.as_slice() else {
        panic!("{written:?}")
    };
    let md = session.render();
    assert!(md.starts_with("# dynamo-explorer session"), "{md}");
    let note = md.lines().nth(4).unwrap_or_default();
    assert!(
        note.starts_with(
            "> The code calls this session's embedded engine at http://127.0.0.1:8000"
        ) && note.contains("only while the session runs"),
        "the engine's lifetime under the heading: {md}"
    );
    // On a file, the way to have that URL answer again.
    a.session.conn.label = "embedded /tmp/x.db".into();
    a.session.conn.embedded = Some(crate::backend::DbLocation::File("/tmp/x.db".into()));
    let again = a.session.transcript();
    let [Command::WriteTranscript(on_file)] = again.as_slice() else {
        panic!("{again:?}")
    };
    let on_file = on_file.render();
    assert!(
        on_file.contains(
            "`dynamo-explorer --db /tmp/x.db serve --port 8000` serves the same database"
        ),
        "{on_file}"
    );
    assert!(md.contains("| sql SELECT * FROM requests"), "{md}");
    assert!(md.contains("aws dynamodb execute-statement"), "{md}");
    // Written off the UI thread: the status says so, then what came of it.
    let status = |a: &App| format!("{:?}", a.session.status);
    assert!(
        status(&a).contains("writing the transcript of"),
        "{}",
        status(&a)
    );
    a.update(Msg::TranscriptWritten(Ok(("t.md".into(), md.len()))));
    assert!(
        status(&a).contains(&format!(
            "transcript written to ./t.md ({} bytes)",
            md.len()
        )),
        "{}",
        status(&a)
    );
    a.update(Msg::TranscriptWritten(Err("Permission denied".into())));
    assert!(
        matches!(&a.session.status, Some(crate::tui::app::Status::Error(e)) if e.contains("cannot write the transcript: Permission denied")),
        "{}",
        status(&a)
    );
}

#[test]
fn a_statement_with_parameters_asks_for_their_values_and_sends_them() {
    let mut a = app(false);
    typed(
        &mut a,
        "SELECT * FROM requests WHERE request_id = ? AND seq < ?",
    );
    assert_eq!(plan_kind(&a), "query");
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "nothing sent yet");
    assert!(a.sql.asking_params.is_some());
    assert!(a.sql.typing(), "the values are typed text");
    typed(&mut a, "[\"r-1\"]");
    assert!(
        press(&mut a, KeyCode::Enter).is_empty(),
        "one value for two `?`"
    );
    assert!(
        matches!(&a.session.status, Some(crate::tui::app::Status::Error(e)) if e.contains("2 `?`")),
        "{:?}",
        a.session.status
    );
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "[\"r-1\", 5]");
    let (_, job) = started(&press(&mut a, KeyCode::Enter));
    let Job::Sql(st) = job else { panic!("{job:?}") };
    assert_eq!(
        st.params,
        vec![
            AttributeValue::S("r-1".into()),
            AttributeValue::N("5".into())
        ]
    );
}
