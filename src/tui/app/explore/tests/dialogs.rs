//! The generate dialog and its job, errors, help and quitting.

use super::*;

// ----- generating -----

#[test]
fn g_opens_the_form_at_its_defaults_and_edits_fields() {
    let mut a = app();
    key(&mut a, 'g');
    let Some(Modal::Generate(form)) = &a.explore.modal else {
        panic!("dialog open")
    };
    assert_eq!(
        (
            form.requests.as_str(),
            form.records.as_str(),
            form.payload.as_str(),
            form.mix
        ),
        ("1", "10", "200", Mix::Fixed)
    );
    assert_eq!(form.field, Field::Requests);
    // Digits append at the end; Backspace deletes; letters are ignored in number fields.
    typed(&mut a, "2x");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "50");
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Up);
    press(&mut a, KeyCode::BackTab);
    press(&mut a, KeyCode::BackTab);
    let Some(Modal::Generate(form)) = &a.explore.modal else {
        panic!("dialog open")
    };
    assert_eq!(form.field, Field::Mix, "Shift-Tab wraps to the last field");
    assert_eq!(
        (form.requests.as_str(), form.records.as_str()),
        ("12", "50")
    );
    key(&mut a, ' ');
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Realistic));
    press(&mut a, KeyCode::Left);
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Fixed));
    key(&mut a, 'r');
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Realistic));
    key(&mut a, 'f');
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Fixed));
    press(&mut a, KeyCode::Right);
    assert!(matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.mix == Mix::Realistic));
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert!(a.explore.modal.is_none());
}

#[test]
fn bad_generate_input_is_explained_in_the_dialog_which_keeps_the_values() {
    let mut a = app();
    key(&mut a, 'g');
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "0");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    let Some(Modal::Generate(form)) = &a.explore.modal else {
        panic!("dialog stays open")
    };
    assert_eq!(form.requests, "0");
    assert_eq!(form.error.as_deref(), Some("Requests must be at least 1"));
    // Empty field.
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::Enter);
    assert!(
        matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.error.as_deref() == Some("Requests is empty: type a whole number"))
    );
    // Over the payload limit.
    typed(&mut a, "1");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    typed(&mut a, "0000");
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert!(
        matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.error.as_deref().is_some_and(|e| e.starts_with("Payload bytes 2000000")))
    );
}

#[test]
fn generate_runs_reports_progress_and_lists_the_new_requests_first() {
    let mut a = app_with_requests(&[rid(9)]);
    key(&mut a, 'g');
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "3");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "50");
    let (id, job) = started(&press(&mut a, KeyCode::Enter));
    assert_eq!(
        job,
        Job::Generate(GenerateSpec {
            requests: 3,
            records: 50,
            payload_bytes: 200,
            mix: Mix::Fixed,
            ttl: Default::default(),
        })
    );
    assert!(
        matches!(a.explore.modal, Some(Modal::Generate(_))),
        "dialog shows progress"
    );
    let planned: Vec<GeneratedRequest> = (1..=3)
        .map(|n| GeneratedRequest {
            request_id: rid(n),
            records: 50,
            created_at: "2026-11-24T14:13:03Z".into(),
        })
        .collect();
    event(&mut a, id, EventKind::Planned(planned));
    let progress = BatchProgress {
        done: 75,
        total: 150,
        write_units: 75.0,
        retries: 1,
        throttled: 0,
        unprocessed_resent: 2,
        elapsed: Duration::from_millis(500),
    };
    event(&mut a, id, EventKind::Progress(progress.into()));
    assert_eq!(
        a.session.long_job.as_ref().expect("running").progress,
        Some(progress)
    );
    // A progress event of another job is not ours.
    event(
        &mut a,
        JobId(999),
        EventKind::Progress(
            BatchProgress {
                done: 1,
                ..progress
            }
            .into(),
        ),
    );
    assert_eq!(
        a.session.long_job.as_ref().expect("running").progress,
        Some(progress)
    );

    event(
        &mut a,
        id,
        EventKind::Generated(report("generate", "BatchWriteItem", 150, 0.0, 150.0)),
    );
    assert!(a.explore.modal.is_none(), "dialog closes when done");
    assert!(a.session.long_job.is_none());
    assert_eq!(a.explore.focus, Pane::Requests);
    let ids: Vec<_> = (0..a.explore.requests.len())
        .map(|i| a.explore.requests.row(i).expect("row").request_id.clone())
        .collect();
    assert_eq!(ids, vec![rid(1), rid(2), rid(3), rid(9)], "new ones first");
    assert_eq!(a.explore.requests.cursor.selected, 0);
    assert!(status_text(&a).contains("wrote 150 records in 3 request(s): 150 WCU"));
    assert_eq!(
        a.session.log.rows.last().expect("logged").label,
        "generate 3×50"
    );
    assert_eq!(
        a.session.session_items,
        (150, 0),
        "the header counts what was written"
    );
}

#[test]
fn esc_cancels_a_running_generate_and_the_log_says_how_much_was_written() {
    let mut a = app();
    key(&mut a, 'g');
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    event(
        &mut a,
        id,
        EventKind::Planned(vec![GeneratedRequest {
            request_id: rid(1),
            records: 10,
            created_at: "2026-11-24T14:13:03Z".into(),
        }]),
    );
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Command::Cancel(id)]);
    assert!(
        a.session
            .long_job
            .as_ref()
            .expect("still running until the store stops")
            .cancelling
    );
    event(
        &mut a,
        id,
        EventKind::Failed(StoreError::Cancelled {
            what: "records written",
            confirmed: 4,
            total: 10,
            report: Box::new(report("generate", "BatchWriteItem", 4, 0.0, 4.0)),
        }),
    );
    assert!(a.session.long_job.is_none());
    assert!(a.explore.modal.is_none());
    let row = a.session.log.rows.last().expect("logged");
    assert_eq!(
        row.outcome,
        Outcome::Cancelled("cancelled: 4 of 10 written".into())
    );
    assert!((a.session.log.totals.write - 4.0).abs() < 1e-9);
    assert_eq!(a.explore.requests.len(), 1, "what was written can be read");
    assert!(status_text(&a).contains("cancelled: 4 of 10 written"));
    assert_eq!(
        a.session.session_items,
        (4, 0),
        "what landed before the cancel counts"
    );
}

#[test]
fn a_partial_generate_failure_counts_what_landed_and_shows_the_error() {
    let mut a = app();
    key(&mut a, 'g');
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    event(
        &mut a,
        id,
        EventKind::Failed(StoreError::Incomplete {
            what: "records written",
            confirmed: 7,
            total: 10,
            in_flight: 0,
            not_done: Vec::new(),
            cause: Box::new(StoreError::RetriesExhausted {
                attempts: 12,
                code: "ProvisionedThroughputExceededException".into(),
                message: "slow down".into(),
            }),
            report: Box::new(report("generate", "BatchWriteItem", 7, 0.0, 7.0)),
        }),
    );
    let row = a.session.log.rows.last().expect("logged");
    assert!(matches!(&row.outcome, Outcome::Error(e) if e.contains("7 of 10")));
    assert!((a.session.log.totals.write - 7.0).abs() < 1e-9);
    assert!(status_text(&a).starts_with("error: generate 1×10 failed: 7 of 10"));
    assert_eq!(
        a.session.session_items,
        (7, 0),
        "what landed before the failure counts"
    );
}

// ----- errors, help, quitting -----

#[test]
fn errors_stay_until_a_user_action_replaces_them() {
    let mut a = app_with_requests(&[rid(1)]);
    let (query, _) = started(&press(&mut a, KeyCode::Enter));
    let (scan, _) = started(&key(&mut a, 's'));
    event(
        &mut a,
        query,
        EventKind::Failed(StoreError::Unreachable {
            endpoint: "http://127.0.0.1:9".into(),
            detail: "connection refused".into(),
        }),
    );
    let text = status_text(&a);
    assert!(
        text.starts_with(
            "error: query 00000000… failed: cannot reach DynamoDB at http://127.0.0.1:9"
        ),
        "{text}"
    );
    assert!(text.contains("is the engine running?"), "{text}");
    assert!(matches!(
        &a.session.log.rows.last().expect("logged").outcome,
        Outcome::Error(_)
    ));
    assert!(a.explore.items.request_id.is_none());
    // A result from the worker does not hide it; moving does not either.
    event(&mut a, scan, EventKind::Scanned(page(vec![], None)));
    key(&mut a, 'j');
    assert!(status_text(&a).starts_with("error:"));
    // A user action that says something does.
    key(&mut a, 'c');
    assert!(status_text(&a).starts_with("info:"));
}

#[test]
fn a_dead_worker_is_reported_and_nothing_more_is_sent() {
    let mut a = app();
    a.init();
    a.update(Msg::WorkerDied("boom".into()));
    assert_eq!(
        status_text(&a),
        "error: worker died: boom. Nothing more can run; q quits"
    );
    assert!(key(&mut a, 's').is_empty());
    assert!(key(&mut a, 'g').is_empty());
    assert!(a.explore.modal.is_none());
    assert_eq!(key(&mut a, 'q'), vec![Command::Quit]);
}

#[test]
fn help_opens_with_question_mark_and_closes_with_esc() {
    let mut a = app();
    key(&mut a, '?');
    assert_eq!(a.help, Some(0));
    assert!(
        key(&mut a, 's').is_empty(),
        "keys do not leak through the overlay"
    );
    assert_eq!(a.help, Some(0));
    press(&mut a, KeyCode::Esc);
    assert!(a.help.is_none());
    key(&mut a, '?');
    key(&mut a, '?');
    assert!(a.help.is_none());
}

#[test]
fn help_scrolls_only_as_far_as_its_lines_go() {
    let mut a = App::new(conn(), (80, 24));
    key(&mut a, '?');
    key(&mut a, 'k');
    assert_eq!(a.help, Some(0), "no scrolling above the top");
    key(&mut a, 'j');
    assert_eq!(a.help, Some(1));
    press(&mut a, KeyCode::End);
    let Some(end) = a.help else {
        panic!("help closed: {:?}", a.help)
    };
    assert!(end > 1, "at 80x24 the key list is longer than the overlay");
    key(&mut a, 'j');
    assert_eq!(a.help, Some(end), "no scrolling past the end");
    press(&mut a, KeyCode::Home);
    assert_eq!(a.help, Some(0));
    // On a tall terminal everything fits: nothing to scroll.
    let mut tall = App::new(conn(), (120, 70));
    key(&mut tall, '?');
    press(&mut tall, KeyCode::End);
    assert_eq!(tall.help, Some(0));
}

#[test]
fn q_quits_and_ctrl_c_also_cancels_the_running_job() {
    let mut a = app();
    assert_eq!(key(&mut a, 'q'), vec![Command::Quit]);
    key(&mut a, 'g');
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    assert!(
        key(&mut a, 'q').is_empty(),
        "q is not a quit while a job runs"
    );
    let ctrl_c = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(ctrl_c, vec![Command::Cancel(id), Command::Quit]);
    // Ctrl-C in a dialog quits too.
    let mut b = app();
    key(&mut b, '/');
    let ctrl_c = b.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(ctrl_c, vec![Command::Quit]);
}

#[test]
fn key_releases_are_ignored() {
    let mut a = app();
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert!(a.update(Msg::Key(release)).is_empty());
}

#[test]
fn tick_animates_and_unknown_events_are_ignored() {
    let mut a = app();
    a.update(Msg::Tick);
    assert_eq!(a.session.spinner, 1);
    assert!(
        event(
            &mut a,
            JobId(77),
            EventKind::Deleted(OpReport::new("delete"))
        )
        .is_empty()
    );
    assert!(a.session.log.rows.is_empty());
}

#[test]
fn long_and_garbage_ids_are_refused_in_the_input_without_sending() {
    let mut a = app_with_requests(&[]);
    // 3 KB pasted: over DynamoDB's 2,048-byte partition key limit.
    key(&mut a, '/');
    a.update(Msg::Paste("a".repeat(3 * 1024)));
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "nothing is sent");
    assert!(
        matches!(&a.explore.modal, Some(Modal::Query(i)) if i.message.as_deref().is_some_and(|m| m.contains("2048 bytes"))),
        "{:?}",
        a.explore.modal
    );
    press(&mut a, KeyCode::Esc);
    // Binary-looking paste: an escape sequence and a NUL inside one line.
    key(&mut a, '/');
    a.update(Msg::Paste("\u{1b}[31mred\u{0}id\u{fffd}".into()));
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "nothing is sent");
    assert!(
        matches!(&a.explore.modal, Some(Modal::Query(i)) if i.message.as_deref().is_some_and(|m| m.contains("control characters"))),
        "{:?}",
        a.explore.modal
    );
    // Replacement characters alone are valid UTF-8 a key may hold: sent as typed.
    press(&mut a, KeyCode::Esc);
    key(&mut a, '/');
    a.update(Msg::Paste("\u{fffd}\u{fffd}-id".into()));
    let (_, job) = started(&press(&mut a, KeyCode::Enter));
    assert!(
        matches!(job, Job::Query { request_id, .. } if request_id.as_str() == "\u{fffd}\u{fffd}-id")
    );
}

#[test]
fn huge_and_non_numeric_generate_values_never_start_a_job() {
    let mut a = app();
    key(&mut a, 'g');
    // Digits stop at nine: 9,999,999,999 cannot even be typed; what can is refused.
    typed(&mut a, "99999999999999");
    typed(&mut a, "-x.,e ");
    let Some(Modal::Generate(form)) = &a.explore.modal else {
        panic!("dialog open")
    };
    assert_eq!(form.requests, "199999999", "digits only, at most nine");
    assert!(press(&mut a, KeyCode::Enter).is_empty(), "nothing is sent");
    assert!(
        matches!(&a.explore.modal, Some(Modal::Generate(f)) if f.error.as_deref().is_some_and(|e| e.contains("cap"))),
        "{:?}",
        a.explore.modal
    );
}
