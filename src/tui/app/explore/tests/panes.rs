//! Moving between and in panes, selecting items and deleting them.

use super::*;

// ----- moving -----

#[test]
fn tab_and_shift_tab_cycle_focus() {
    let mut a = app();
    assert_eq!(a.explore.focus, Pane::Requests);
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.explore.focus, Pane::Items);
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.explore.focus, Pane::Log);
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.explore.focus, Pane::Requests);
    press(&mut a, KeyCode::BackTab);
    assert_eq!(a.explore.focus, Pane::Log);
}

#[test]
fn j_k_arrows_pages_home_end_move_in_the_focused_pane() {
    let mut a = app_with_items(500);
    let page = a.session.page(Pane::Items);
    key(&mut a, 'j');
    press(&mut a, KeyCode::Down);
    assert_eq!(a.explore.items.cursor.selected, 2);
    key(&mut a, 'k');
    press(&mut a, KeyCode::Up);
    press(&mut a, KeyCode::Up);
    assert_eq!(a.explore.items.cursor.selected, 0);
    press(&mut a, KeyCode::PageDown);
    assert_eq!(a.explore.items.cursor.selected, page);
    press(&mut a, KeyCode::PageUp);
    assert_eq!(a.explore.items.cursor.selected, 0);
    press(&mut a, KeyCode::End);
    assert_eq!(a.explore.items.cursor.selected, 499);
    assert_eq!(a.explore.items.cursor.offset, 500 - page);
    press(&mut a, KeyCode::Home);
    assert_eq!(
        (
            a.explore.items.cursor.selected,
            a.explore.items.cursor.offset
        ),
        (0, 0)
    );
    // The Requests pane did not move.
    assert_eq!(a.explore.requests.cursor.selected, 0);
}

#[test]
fn mouse_click_focuses_and_selects_wheel_scrolls_the_pane_under_it() {
    let mut a = app_with_items(100);
    a.explore.focus = Pane::Requests;
    let areas = a.session.areas().expect("120x40 fits");
    let rows = areas.rows(Pane::Items);
    a.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: rows.x + 3,
        row: rows.y + 4,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.explore.focus, Pane::Items);
    assert_eq!(a.explore.items.cursor.selected, 4);
    let log = areas.rows(Pane::Log);
    a.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: rows.x,
        row: rows.y,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.explore.items.cursor.selected, 7);
    assert_eq!(a.explore.focus, Pane::Items);
    // The wheel over the log moves the log, not the focused pane.
    a.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: log.x,
        row: log.y,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.explore.items.cursor.selected, 7);
    // A click under the last row changes nothing.
    a.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: areas.rows(Pane::Requests).x,
        row: areas.rows(Pane::Requests).y + 5,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.explore.focus, Pane::Requests);
    assert_eq!(a.explore.requests.cursor.selected, 0);
}

#[test]
fn resize_keeps_the_highlight_visible() {
    let mut a = app_with_items(500);
    press(&mut a, KeyCode::End);
    a.update(Msg::Resize(80, 24));
    let page = a.session.page(Pane::Items);
    let c = a.explore.items.cursor;
    assert!(
        c.offset <= c.selected && c.selected < c.offset + page,
        "{c:?}, {page}"
    );
    // Too small for panes: no panic, no paging.
    a.update(Msg::Resize(20, 5));
    press(&mut a, KeyCode::PageUp);
}

// ----- selecting and deleting -----

#[test]
fn space_selects_and_unselects_the_highlighted_item() {
    let mut a = app_with_items(5);
    key(&mut a, ' ');
    assert!(a.explore.items.is_selected(0));
    key(&mut a, 'j');
    key(&mut a, ' ');
    assert_eq!(a.explore.items.selected_count(), 2);
    key(&mut a, ' ');
    assert_eq!(a.explore.items.selected_count(), 1);
    // Elsewhere it only hints.
    a.explore.focus = Pane::Requests;
    key(&mut a, ' ');
    assert_eq!(a.explore.items.selected_count(), 1);
    assert!(status_text(&a).contains("Items pane"));
}

#[test]
fn a_selects_all_and_again_clears() {
    let mut a = app_with_items(5);
    key(&mut a, ' ');
    key(&mut a, 'a');
    assert_eq!(a.explore.items.selected_count(), 5);
    key(&mut a, 'a');
    assert_eq!(a.explore.items.selected_count(), 0);
    let mut empty = app();
    key(&mut empty, 'a');
    assert!(status_text(&empty).contains("query a request first"));
}

#[test]
fn d_asks_with_count_and_wcu_then_y_deletes_and_the_request_is_re_read() {
    let mut a = app_with_items(5);
    assert!(key(&mut a, 'd').is_empty());
    assert!(status_text(&a).contains("no items selected"));
    // seq 0: 300 bytes (1 WCU); seq 2: 1100 bytes (2 WCU).
    key(&mut a, ' ');
    key(&mut a, 'j');
    key(&mut a, 'j');
    key(&mut a, ' ');
    assert!(key(&mut a, 'd').is_empty());
    let Some(Modal::Confirm(confirm)) = &a.explore.modal else {
        panic!("confirmation open: {:?}", a.explore.modal)
    };
    assert_eq!(confirm.count(), 2);
    assert_eq!(confirm.write_units, 3);
    // Any other key leaves it open; n closes it without deleting.
    assert!(key(&mut a, 'x').is_empty());
    assert!(matches!(a.explore.modal, Some(Modal::Confirm(_))));
    assert!(key(&mut a, 'n').is_empty());
    assert!(a.explore.modal.is_none());
    assert_eq!(a.explore.items.selected_count(), 2, "n keeps the selection");

    key(&mut a, 'd');
    let (id, job) = started(&key(&mut a, 'y'));
    assert_eq!(
        job,
        Job::DeleteKeys {
            request_id: rid(1),
            keys: vec![
                RecordKey {
                    request_id: rid(1),
                    seq: 0
                },
                RecordKey {
                    request_id: rid(1),
                    seq: 2
                }
            ]
        }
    );
    assert!(a.session.long_job.is_some());
    // While it runs, keys other than Esc and Ctrl-C do nothing.
    assert!(key(&mut a, 'g').is_empty());
    assert!(a.explore.modal.is_none());
    let (refresh, job) = started(&event(
        &mut a,
        id,
        EventKind::Deleted(report("delete", "BatchWriteItem", 2, 0.0, 3.0)),
    ));
    assert!(a.session.long_job.is_none());
    assert_eq!(
        job,
        Job::Query {
            request_id: rid(1),
            opts: QueryOptions {
                consistent: true,
                page_size: None,
                parallel: DEFAULT_QUERY_PARALLEL
            }
        },
        "re-read with a strong read so the deleted items are surely gone"
    );
    let row = a.session.log.rows.last().expect("delete logged");
    assert_eq!(row.label, "delete 2 of 00000000…");
    assert!((row.report.consumed.total.write - 3.0).abs() < 1e-9);
    assert!(status_text(&a).contains("deleted 2 items: 3 WCU"));
    assert_eq!(
        a.session.session_items,
        (0, 2),
        "the header counts what was deleted"
    );
    let mut left = records(&rid(1), 5);
    left.records.retain(|r| r.seq != 0 && r.seq != 2);
    left.sizes = vec![700, 1500, 1900];
    event(&mut a, refresh, EventKind::Queried(left));
    assert_eq!(a.explore.items.len(), 3);
    assert_eq!(a.explore.items.selected_count(), 0);
    assert!(status_text(&a).contains("deleted 2 items: 3 WCU; re-read: 3 records left"));
    assert!((a.session.log.totals.write - 3.0).abs() < 1e-9);
}

#[test]
fn big_d_deletes_the_whole_request_after_the_same_confirmation() {
    let mut a = app_with_items(3);
    assert!(key(&mut a, 'D').is_empty());
    let Some(Modal::Confirm(confirm)) = &a.explore.modal else {
        panic!("confirmation open")
    };
    assert_eq!(confirm.target, DeleteTarget::Request { loaded: 3 });
    // 300 + 700 + 1100 bytes: 1 + 1 + 2 WCU.
    assert_eq!(confirm.write_units, 4);
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    assert!(a.explore.modal.is_none());
    key(&mut a, 'D');
    let (id, job) = started(&key(&mut a, 'y'));
    assert_eq!(job, Job::DeleteRequest(rid(1)));
    let commands = event(
        &mut a,
        id,
        EventKind::Deleted(report("delete", "BatchWriteItem", 3, 1.0, 4.0)),
    );
    started(&commands);
    assert!(
        a.explore.requests.is_empty(),
        "the request is gone from the list"
    );
}

#[test]
fn d_and_big_d_without_a_request_only_hint() {
    let mut a = app();
    assert!(key(&mut a, 'D').is_empty());
    assert!(a.explore.modal.is_none());
    assert!(status_text(&a).contains("no current request"));
    assert!(key(&mut a, 'd').is_empty());
    assert!(a.explore.modal.is_none());
}

#[test]
fn a_cancelled_delete_is_logged_and_the_request_re_read() {
    let mut a = app_with_items(100);
    key(&mut a, 'a');
    key(&mut a, 'd');
    let (id, _) = started(&key(&mut a, 'y'));
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Command::Cancel(id)]);
    assert!(
        press(&mut a, KeyCode::Esc).is_empty(),
        "cancel is sent once"
    );
    let commands = event(
        &mut a,
        id,
        EventKind::Failed(StoreError::Cancelled {
            what: "deletes",
            confirmed: 50,
            total: 100,
            report: Box::new(report("delete", "BatchWriteItem", 50, 0.0, 50.0)),
        }),
    );
    started(&commands);
    let row = a.session.log.rows.last().expect("logged");
    assert_eq!(
        row.outcome,
        Outcome::Cancelled("cancelled: 50 of 100 deleted".into())
    );
    assert!(
        (a.session.log.totals.write - 50.0).abs() < 1e-9,
        "partial work still counts"
    );
}
