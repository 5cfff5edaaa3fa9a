//! The issue's "done when", in a real terminal: `--memory --limits on-demand`, generate one
//! request of 5,000 records, and watch it ride its partition key's 1,000 WCU/s: the header
//! says the limits are simulated, the live chart shows WCU per second against the limit line
//! with the in-flight count, and the log names the throttling reason with its count.
//!
//! The model allows 5,000 WCU into one key no faster than 4 s, so the chart is on screen for
//! at least that long; every step polls the screen with a deadline, never a fixed sleep.

use std::time::Duration;

use crate::common::pty::{self, Pty, Size};

/// Longest wait for one step: a debug build on 2 busy cores can be slow.
const STEP: Duration = Duration::from_secs(30);

#[test]
fn a_hot_key_generate_rides_the_simulated_limit_on_the_live_chart() {
    let mut cmd = pty::command(["--memory", "--limits", "on-demand"]);
    cmd.env("NO_COLOR", "1");
    let mut tui = Pty::spawn_command(cmd, Size::LARGE);
    tui.settle = Duration::from_millis(30);
    tui.wait_for("limits: on-demand sim", STEP);
    tui.wait_for("end of table: empty", STEP);

    tui.send("g");
    tui.wait_for("Generate requests", STEP);
    // One request (the default), 5,000 records.
    tui.send("\t\x7f\x7f5000");
    let preview = tui.wait_for("5,000 records of", STEP);
    assert!(
        preview.contains("5,000 WCU into 1 partition key: at least 4.0 s at"),
        "the preview gives the model's least time:\n{preview}"
    );
    tui.send("\r");

    // After the first whole second the chart's title has a rate, the limit and the writer's
    // in-flight count; once throttled, the pace it rides the key's limit at.
    let running = tui.wait_until("a rate on the live chart", STEP, |s| {
        s.contains("WCU/s · limit 1,000 (simulated) · ") && s.contains(" in flight")
    });
    let paced = tui.wait_until("the writer pacing itself", STEP, |s| {
        s.contains(" in flight · paced ")
    });
    assert!(
        paced.contains("limit 1,000 (simulated)"),
        "paced under the limit's chart:\n{paced}"
    );
    assert!(
        running.contains("Generate requests: running"),
        "the chart is part of the running dialog:\n{running}"
    );

    let done = tui.wait_for("wrote 5000 records in 1 request(s)", STEP);
    let row = done
        .lines()
        .find(|l| l.contains("generate 1×5,000"))
        .unwrap_or_else(|| panic!("the generate is logged:\n{done}"));
    // Refused calls name the key's limit; a writer paced so well that every call found some
    // capacity is only cut short (UnprocessedItems, which carry no reason, as in DynamoDB):
    // then the log's retries/unprocessed/throttled column counts the resent items.
    let resent = row.split_whitespace().find_map(|w| {
        let parts: Vec<u64> = w.split('/').filter_map(|p| p.parse().ok()).collect();
        (parts.len() == 3 && w.matches('/').count() == 2).then(|| parts[1])
    });
    assert!(
        row.contains("TableWriteKeyRange×") || resent.is_some_and(|n| n > 0),
        "the log names the partition key's limit as the throttling reason, or counts the \
         items it handed back: {row}"
    );

    tui.send("q");
    let status = tui.wait_exit(STEP);
    assert!(status.success(), "exit status {status:?}");
}
