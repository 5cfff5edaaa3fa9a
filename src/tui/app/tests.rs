//! The router: screens switch with `1`-`3` and `F1`-`F3`, the global keys work everywhere
//! except while a dialog takes typed text, a job keeps running across switches, and `?`
//! shows the keys of the screen in front.

use ratatui::crossterm::event::KeyCode;

use super::explore::tests::{conn, records};
use super::*;
use crate::store::{BatchProgress, StoreError};
use crate::tui::driver::{event, key, press, started, typed};
use crate::tui::msg::{Command, EventKind, Job};

fn app() -> App {
    App::new(conn(), (120, 40))
}

#[test]
fn number_and_function_keys_switch_screens() {
    let mut a = app();
    assert_eq!(a.screen, ScreenId::Explore);
    assert!(key(&mut a, '2').is_empty());
    assert_eq!(a.screen, ScreenId::Labs);
    key(&mut a, '3');
    assert_eq!(a.screen, ScreenId::Cost);
    press(&mut a, KeyCode::F(1));
    assert_eq!(a.screen, ScreenId::Explore);
    press(&mut a, KeyCode::F(3));
    assert_eq!(a.screen, ScreenId::Cost);
    press(&mut a, KeyCode::F(5));
    assert_eq!(a.screen, ScreenId::Cost, "no fifth screen");
    key(&mut a, '4');
    assert_eq!(a.screen, ScreenId::Sql);
    assert!(a.sql.typing(), "the statement editor has the keys");
    key(&mut a, '1');
    assert_eq!(a.screen, ScreenId::Sql, "1 is text in the editor");
    press(&mut a, KeyCode::Esc);
    key(&mut a, '3');
    // On Cost the digits switch screens as everywhere, until Enter starts editing a field:
    // then 1 is typed, and Esc (or Enter) ends the edit.
    key(&mut a, '1');
    assert_eq!(a.screen, ScreenId::Explore, "1 switches from Cost");
    key(&mut a, '3');
    press(&mut a, KeyCode::Enter);
    assert!(a.cost.editing);
    key(&mut a, '1');
    assert_eq!(a.screen, ScreenId::Cost);
    assert_eq!(a.cost.form.requests_per_day, "10000001");
    press(&mut a, KeyCode::Esc);
    assert!(!a.cost.editing);
    key(&mut a, '1');
    assert_eq!(a.screen, ScreenId::Explore);
}

#[test]
fn on_cost_q_and_question_mark_are_keys_unless_a_field_is_being_edited() {
    let mut a = app();
    key(&mut a, '3');
    assert_eq!(a.cost.hints().0.split("  ").nth(1), Some("Enter edit"));
    key(&mut a, '?');
    assert!(a.help.is_some(), "? opens the help on Cost");
    press(&mut a, KeyCode::Esc);
    assert_eq!(key(&mut a, 'q'), vec![Command::Quit], "q quits from Cost");
    // Editing: q, ? and 2 are text (q and ? are not numbers, so nothing changes).
    press(&mut a, KeyCode::Enter);
    assert!(
        a.cost.hints().0.starts_with("editing"),
        "{}",
        a.cost.hints().0
    );
    assert!(key(&mut a, 'q').is_empty());
    key(&mut a, '?');
    assert!(a.help.is_none());
    key(&mut a, '2');
    assert_eq!(a.screen, ScreenId::Cost);
    assert_eq!(a.cost.form.requests_per_day, "10000002");
    // Leaving the screen ends the edit: back on Cost, 1 switches again.
    press(&mut a, KeyCode::F(2));
    press(&mut a, KeyCode::F(3));
    key(&mut a, '1');
    assert_eq!(a.screen, ScreenId::Explore);
}

#[test]
fn a_click_on_a_cost_field_picks_it_and_edits_a_number() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let click = |column, row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut a = app();
    key(&mut a, '3');
    // The fields start inside the left pane's border, under the tabs and the header: row 3.
    a.update(click(5, 3 + 2));
    assert_eq!(a.cost.field, cost::form::Field::RecordBytes);
    assert!(a.cost.editing, "a click on a number edits it");
    key(&mut a, '7');
    assert!(a.cost.form.record_bytes.ends_with('7'));
    // A click on a choice picks it; a second click changes it.
    a.update(click(5, 3 + 6));
    assert_eq!(a.cost.field, cost::form::Field::Deletes);
    assert!(!a.cost.editing);
    let deletes = a.cost.form.deletes;
    a.update(click(5, 3 + 6));
    assert_ne!(a.cost.form.deletes, deletes);
    // Outside the fields: nothing.
    a.update(click(100, 20));
    assert_eq!(a.cost.field, cost::form::Field::Deletes);
}

#[test]
fn explore_keys_do_nothing_on_other_screens() {
    let mut a = app();
    key(&mut a, '2');
    assert!(key(&mut a, 's').is_empty(), "no scan from Labs");
    assert!(key(&mut a, 'g').is_empty());
    assert!(a.explore.modal.is_none(), "no generate dialog behind Labs");
    assert_eq!(
        key(&mut a, 'q'),
        vec![Command::Quit],
        "q quits from any screen"
    );
}

#[test]
fn digits_typed_into_a_dialog_are_text_not_screen_switches() {
    let mut a = app();
    key(&mut a, 'g');
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "3");
    assert_eq!(a.screen, ScreenId::Explore, "3 went into the field");
    let Some(Modal::Generate(form)) = &a.explore.modal else {
        panic!("the dialog is open: {:?}", a.explore.modal)
    };
    assert_eq!(
        form.text(explore::generate_form::Field::Requests),
        Some("3")
    );
    // `?` and `q` are text too while typing an id.
    press(&mut a, KeyCode::Esc);
    key(&mut a, '/');
    assert!(typed(&mut a, "q?1").is_empty());
    assert!(a.help.is_none());
    assert_eq!(a.screen, ScreenId::Explore);
    // F-keys always switch.
    press(&mut a, KeyCode::F(2));
    assert_eq!(a.screen, ScreenId::Labs);
    key(&mut a, '1');
    assert!(
        matches!(a.explore.modal, Some(Modal::Query(_))),
        "the dialog waits where it was"
    );
}

#[test]
fn a_generate_keeps_running_across_screens_and_finishes_on_explore() {
    let mut a = app();
    key(&mut a, 'g');
    let (id, job) = started(&press(&mut a, KeyCode::Enter));
    assert!(matches!(job, Job::Generate(_)));
    key(&mut a, '2');
    assert_eq!(
        a.screen,
        ScreenId::Labs,
        "switching is allowed while it runs"
    );
    let Some(Status::Info(note)) = &a.session.status else {
        panic!("a note: {:?}", a.session.status)
    };
    assert!(note.contains("generate is running on 1 Explore"), "{note}");
    // Progress lands while another screen is in front.
    let progress = BatchProgress {
        done: 5,
        total: 10,
        write_units: 5.0,
        retries: 0,
        throttled: 0,
        unprocessed_resent: 0,
        elapsed: std::time::Duration::from_millis(40),
    };
    event(&mut a, id, 1, EventKind::Progress(progress.into()));
    assert_eq!(
        a.session
            .long_job
            .as_ref()
            .and_then(|j| j.progress)
            .map(|p| p.done),
        Some(5)
    );
    // q does not abandon it; Esc belongs to Explore, so it does nothing on Labs.
    assert!(key(&mut a, 'q').is_empty());
    assert!(press(&mut a, KeyCode::Esc).is_empty());
    key(&mut a, '1');
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Command::Cancel(id)]);
    event(
        &mut a,
        id,
        2,
        EventKind::Failed(StoreError::Cancelled {
            what: "records written",
            confirmed: 5,
            total: 10,
            report: Box::new(crate::store::OpReport::new("generate")),
        }),
    );
    assert!(a.session.long_job.is_none());
    assert!(!a.busy());
    let row = a.session.log.rows.last().expect("logged");
    assert!(row.label.starts_with("generate"), "{}", row.label);
}

#[test]
fn answers_land_on_explore_while_another_screen_is_in_front() {
    let mut a = app();
    let (scan, _) = started(&a.init());
    key(&mut a, '3');
    press(&mut a, KeyCode::F(1));
    key(&mut a, '/');
    let id = crate::request::schema::RequestId::new_random();
    typed(&mut a, id.as_str());
    let (query, _) = started(&press(&mut a, KeyCode::Enter));
    key(&mut a, '2');
    event(&mut a, query, 3, EventKind::Queried(records(&id, 7)));
    assert_eq!(
        a.explore.items.len(),
        7,
        "the Items pane filled behind Labs"
    );
    assert_eq!(a.session.log.rows.len(), 1, "the shared log has it");
    assert!(a.session.in_flight.contains_key(&scan));
}

#[test]
fn help_shows_the_screen_in_front_and_the_global_keys() {
    let mut a = app();
    let titles = |a: &App| -> Vec<&'static str> {
        a.help_model().sections.iter().map(|s| s.title).collect()
    };
    assert_eq!(titles(&a).first(), Some(&"Explore"));
    assert_eq!(titles(&a).last(), Some(&"Every screen"));
    key(&mut a, '2');
    assert_eq!(titles(&a), vec!["Labs", "Every screen"]);
    key(&mut a, '?');
    assert_eq!(a.help, Some(0));
    assert!(key(&mut a, '1').is_empty());
    assert_eq!(
        a.screen,
        ScreenId::Labs,
        "keys do not leak through the overlay"
    );
    press(&mut a, KeyCode::Esc);
    assert!(a.help.is_none());
}

#[test]
fn the_cost_screen_recalculates_on_every_keystroke() {
    let mut a = app();
    key(&mut a, '3');
    let total = |a: &App| {
        let (_, e) = a.cost.result.as_ref().expect("the defaults price");
        e.comparisons.totals.on_demand
    };
    let before = total(&a);
    // One more digit on requests/day: ten times the requests.
    press(&mut a, KeyCode::Enter);
    key(&mut a, '0');
    let after = total(&a);
    assert!(after > 9.0 * before, "{before} -> {after}");
    // A wrong value names its field and keeps the text.
    for _ in 0..20 {
        press(&mut a, KeyCode::Backspace);
    }
    let Err((field, why)) = &a.cost.result else {
        panic!("an empty field is refused")
    };
    assert_eq!(*field, cost::form::Field::RequestsPerDay);
    assert!(why.contains("requests/day"), "{why}");
    typed(&mut a, "2000");
    assert!(a.cost.result.is_ok());
    // Space cycles a choice: explicit deletes cost writes.
    let ttl = total(&a);
    for _ in 0..6 {
        press(&mut a, KeyCode::Down);
    }
    assert_eq!(a.cost.field, cost::form::Field::Deletes);
    key(&mut a, ' ');
    assert!(total(&a) > ttl, "explicit deletes cost more than TTL");
}

#[test]
fn the_cost_screen_prices_the_records_read_on_explore() {
    let mut a = app();
    key(&mut a, '/');
    let id = crate::request::schema::RequestId::new_random();
    typed(&mut a, id.as_str());
    let (query, _) = started(&press(&mut a, KeyCode::Enter));
    event(&mut a, query, 3, EventKind::Queried(records(&id, 4)));
    key(&mut a, '3');
    // The test records' sizes are 300, 700, 1100 and 1500 bytes: a mean of 900.
    assert_eq!(a.cost.form.record_bytes, "900");
    assert!(matches!(
        a.cost.size_source(),
        crate::cost::SizeSource::Explored { records: 4 }
    ));
    // Once typed, the size stays the user's.
    for _ in 0..2 {
        press(&mut a, KeyCode::Down);
    }
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::F(1));
    press(&mut a, KeyCode::F(3));
    assert_eq!(a.cost.form.record_bytes, "90");
}
