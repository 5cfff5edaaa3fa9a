//! A session as Markdown, to paste into a pull request or an issue: a table of every
//! operation (time, what ran, how it ended, calls, items, RCU/WCU, the price), then a section
//! per operation with what was sent, the throttling reasons, and its first call as code (aws
//! CLI, boto3, Rust) folded under it. The TUI writes it with `w`; CLI commands append to it
//! with `--transcript FILE`.

use std::fmt::Write as _;

use super::capture::Sent;
use super::{Lang, Target, render};
use crate::fmt::units;
use crate::store::OpReport;

/// Code longer than this is cut in a transcript (a BatchWriteItem of 25 items of 400 KB is
/// 10 MB of JSON): the full form is one `v`/`y` away in the TUI, `--print-call` in the CLI.
const MAX_CODE_BYTES: usize = 16 * 1024;

/// One operation.
pub struct Entry<'a> {
    /// When it ended: `15:20:01`.
    pub at: String,
    /// What ran: `generate 3×50`, `sql SELECT …`.
    pub operation: &'a str,
    /// `ok`, `error: …`, `cancelled: …`.
    pub outcome: String,
    /// Calls, capacity, parameters.
    pub report: &'a OpReport,
    /// The calls as they were sent, when captured.
    pub sent: Option<&'a Sent>,
}

/// One operation, owned: what a transcript written away from the UI thread carries.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedEntry {
    /// When it ended: `15:20:01 UTC`.
    pub at: String,
    /// What ran.
    pub operation: String,
    /// How it ended.
    pub outcome: String,
    /// Calls, capacity, parameters (shared with the log row, not copied).
    pub report: std::sync::Arc<OpReport>,
    /// The calls as they were sent, when captured (shared with the log row, not copied).
    pub sent: Option<std::sync::Arc<Sent>>,
}

/// A whole session, owned, to be rendered (rendering every call in three forms can take a
/// while: the TUI does it off its UI thread).
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The heading.
    pub title: String,
    /// The backend's label.
    pub backend: String,
    /// The table.
    pub table: String,
    /// Where the code sends its calls.
    pub target: Target,
    /// A paragraph under the heading (how long the code's endpoint answers).
    pub note: Option<String>,
    /// The operations, oldest first.
    pub entries: Vec<OwnedEntry>,
}

impl Session {
    /// The Markdown [`document`].
    pub fn render(&self) -> String {
        let entries: Vec<Entry<'_>> = self
            .entries
            .iter()
            .map(|e| Entry {
                at: e.at.clone(),
                operation: &e.operation,
                outcome: e.outcome.clone(),
                report: &e.report,
                sent: e.sent.as_deref(),
            })
            .collect();
        let mut out = document(
            &self.title,
            &self.backend,
            &self.table,
            &entries,
            &self.target,
        );
        if let Some(note) = &self.note {
            // Under the heading's backend line, before the summary table.
            let at = header(&self.title, &self.backend, &self.table).len();
            out.insert_str(at, &format!("> {note}\n\n"));
        }
        out
    }
}

/// The heading and the summary table.
pub fn header(title: &str, backend: &str, table: &str) -> String {
    format!(
        "# {title}\n\nBackend: {backend} · table `{}`\n\n",
        cell(table)
    )
}

/// The summary table of `entries`.
pub fn summary(entries: &[Entry<'_>]) -> String {
    let mut out = String::from(
        "| time | operation | outcome | calls | items | RCU | WCU | price |\n\
         |---|---|---|---:|---:|---:|---:|---:|\n",
    );
    for e in entries {
        let r = e.report;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | ${:.6} |",
            e.at,
            cell(e.operation),
            cell(&e.outcome),
            r.calls_text(),
            r.items,
            units(r.consumed.total.read),
            units(r.consumed.total.write),
            r.consumed.total.on_demand_usd()
        );
    }
    out.push('\n');
    out
}

/// A section for one operation: what was sent, the figures, and its first call as code.
pub fn section(e: &Entry<'_>, target: &Target) -> String {
    let r = e.report;
    let mut out = format!("## {} · {}\n\n", e.at, cell(e.operation));
    let _ = writeln!(out, "- **outcome:** {}", cell(&e.outcome));
    for (k, v) in &r.params {
        let _ = writeln!(out, "- **{}:** `{}`", cell(k), v.replace('`', "'"));
    }
    let _ = writeln!(
        out,
        "- **calls:** {}{}",
        r.calls_text(),
        e.sent
            .map(|s| format!(" ({})", s.summary()))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "- **items:** {} · **RCU:** {} · **WCU:** {} · **price:** ${:.6} (us-east-1 \
         on-demand) · **elapsed:** {} ms",
        r.items,
        units(r.consumed.total.read),
        units(r.consumed.total.write),
        r.consumed.total.on_demand_usd(),
        r.elapsed.as_millis()
    );
    let _ = writeln!(
        out,
        "- **retries / unprocessed resent / throttled:** {} / {} / {}{}",
        r.retries,
        r.unprocessed_resent,
        r.throttled,
        r.throttling_summary()
    );
    if let Some(call) = e.sent.and_then(Sent::main_call) {
        out.push('\n');
        // Every form holds the whole body, so a body over the cut is not rendered three times
        // to be thrown away (a BatchWriteItem of large items is megabytes in each form).
        let body = wire_len(&call.body);
        if body > MAX_CODE_BYTES {
            let _ = writeln!(
                out,
                "The {} call's body is {body} bytes, more than the {MAX_CODE_BYTES} a transcript \
                 holds: its code is one `--print-call` away (`v`/`y` in the TUI).",
                call.api
            );
        }
        for (lang, fence) in [
            (Lang::Aws, "sh"),
            (Lang::Python, "python"),
            (Lang::Rust, "rust"),
        ]
        .into_iter()
        .filter(|_| body <= MAX_CODE_BYTES)
        {
            let name = lang.name();
            let mut code = render(call, lang, target);
            if code.len() > MAX_CODE_BYTES {
                let mut cut = MAX_CODE_BYTES;
                while !code.is_char_boundary(cut) {
                    cut -= 1;
                }
                let total = code.len();
                code.truncate(cut);
                let _ = write!(
                    code,
                    "\n… cut at {MAX_CODE_BYTES} of {total} bytes: the whole call is one \
                     `--print-call` away"
                );
            }
            let _ = write!(
                out,
                "<details><summary>{} as {name}</summary>\n\n```{fence}\n{code}\n```\n\n</details>\n",
                call.api
            );
        }
    }
    out.push('\n');
    out
}

/// The whole document: heading, summary table, a section per operation.
pub fn document(
    title: &str,
    backend: &str,
    table: &str,
    entries: &[Entry<'_>],
    target: &Target,
) -> String {
    let mut out = header(title, backend, table);
    out.push_str(&summary(entries));
    for e in entries {
        out.push_str(&section(e, target));
    }
    out
}

/// `Query×3`, `DescribeTable+BatchWriteItem×7`.
/// The bytes of `v` as compact JSON, counted without building the text.
fn wire_len(v: &serde_json::Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut n = Count(0);
    let _ = serde_json::to_writer(&mut n, v);
    n.0
}

/// Text safe in a Markdown table cell: pipes escaped, one line.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::SentCall;
    use crate::store::Capacity;

    /// The shape GitHub needs to render it: a heading, a table whose rows all have the
    /// header's cells, a separator row right under the header, balanced code fences and
    /// `<details>`, a blank line after each `</summary>` (else the fence is not code).
    #[test]
    fn a_transcript_has_the_shape_github_renders() {
        let mut report = OpReport::new("query");
        report.items = 3;
        report.calls = 1;
        report.apis = vec!["Query"];
        report.consumed.total = Capacity {
            read: 0.5,
            write: 0.0,
        };
        report.param("KeyConditionExpression", "#pk = :pk | a pipe");
        report
            .throttling_reasons
            .insert("TableReadKeyRangeThroughputExceeded".into(), 2);
        let sent = Sent {
            first: vec![SentCall {
                api: "Query".into(),
                body: serde_json::json!({"TableName": "t", "KeyConditionExpression": "#pk = :pk",
                    "ExpressionAttributeNames": {"#pk": "pk"},
                    "ExpressionAttributeValues": {":pk": {"S": "a|b"}}}),
            }],
            counts: vec![("Query".into(), 1)],
            region: None,
        };
        let entries = [
            Entry {
                at: "15:20:01 UTC".into(),
                operation: "query a|b",
                outcome: "ok".into(),
                report: &report,
                sent: Some(&sent),
            },
            Entry {
                at: "15:20:02 UTC".into(),
                operation: "scan",
                outcome: "error: line one\nline two".into(),
                report: &report,
                sent: None,
            },
        ];
        let target = Target {
            endpoint: Some("http://127.0.0.1:8000".into()),
            region: "us-east-1".into(),
        };
        let md = document(
            "dynamo-explorer session",
            "embedded",
            "t",
            &entries,
            &target,
        );
        let lines: Vec<&str> = md.lines().collect();
        assert!(lines[0].starts_with("# "), "a heading first");
        let table: Vec<&str> = lines
            .iter()
            .copied()
            .skip_while(|l| !l.starts_with("| time"))
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert_eq!(
            table.len(),
            2 + entries.len(),
            "header, separator, a row each"
        );
        assert!(
            table[1].starts_with("|---"),
            "the separator under the header"
        );
        let cells = |l: &str| l.replace("\\|", "").matches('|').count();
        for row in &table {
            assert_eq!(
                cells(row),
                cells(table[0]),
                "every row has the header's cells: {row}"
            );
        }
        assert_eq!(md.matches("```").count() % 2, 0, "code fences balanced");
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count()
        );
        assert_eq!(
            md.matches("<details>").count(),
            3,
            "aws, boto3 and Rust of the one call"
        );
        for (i, l) in lines.iter().enumerate() {
            if l.ends_with("</summary>") {
                assert_eq!(lines[i + 1], "", "a blank line after the summary");
            }
        }
        assert_eq!(md.matches("\n## ").count(), entries.len(), "a section each");
        assert!(
            md.contains("TableReadKeyRangeThroughputExceeded"),
            "the reasons"
        );
    }
}

#[cfg(test)]
mod big_tests {
    use super::*;
    use crate::code::SentCall;

    /// A call whose body is over the cut is said in one line, not rendered in three forms;
    /// one under it is folded as code.
    #[test]
    fn a_body_over_the_cut_is_named_not_rendered() {
        let report = OpReport::new("generate");
        let target = Target {
            endpoint: None,
            region: "us-east-1".into(),
        };
        let section_of = |payload: usize| {
            let sent = Sent {
                first: vec![SentCall {
                    api: "BatchWriteItem".into(),
                    body: serde_json::json!({"RequestItems": {"t": [{"PutRequest": {"Item": {
                        "pk": {"S": "a"}, "payload": {"S": "x".repeat(payload)}}}}]}}),
                }],
                counts: vec![("BatchWriteItem".into(), 1)],
                region: None,
            };
            section(
                &Entry {
                    at: "15:20:01 UTC".into(),
                    operation: "generate",
                    outcome: "ok".into(),
                    report: &report,
                    sent: Some(&sent),
                },
                &target,
            )
        };
        let big = section_of(40_000);
        assert!(
            big.contains("body is 40084 bytes, more than the 16384 a transcript holds"),
            "{big}"
        );
        assert!(!big.contains("<details>"), "{big}");
        let small = section_of(100);
        assert_eq!(small.matches("<details>").count(), 3, "{small}");
    }
}
