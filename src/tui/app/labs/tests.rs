//! The Labs screen's `update`: picking, running (Enter, A), progress, cancelling, results.

use ratatui::crossterm::event::KeyCode;

use crate::labs::report::{Chart, LabResult, Variant};
use crate::labs::runner::LabErrorKind;
use crate::labs::{LabError, LabId, LabProgress, Scale};
use crate::store::Capacity;
use crate::tui::app::App;
use crate::tui::app::explore::tests::conn;
use crate::tui::app::labs::LastRun;
use crate::tui::driver::{event, key, press, started};
use crate::tui::msg::{Command, EventKind, Job};

fn variant(name: &str, calls: u64, items: u64, read: f64, ms: u64) -> Variant {
    Variant {
        name: name.into(),
        calls,
        items,
        read_units: read,
        write_units: 0.0,
        elapsed_ms: ms,
        throttled: 0,
        item_bytes: Some(3_000),
        returned_bytes: None,
        rule: None,
        ..Default::default()
    }
}

/// A `reads` result with fixed numbers, as the lab would report them for 4 items.
pub(crate) fn reads_result() -> LabResult {
    let variants = vec![
        variant("get eventual", 4, 4, 2.0, 9),
        variant("get strong", 4, 4, 4.0, 8),
        variant("get transactional", 4, 4, 8.0, 11),
        variant("query eventual", 1, 4, 1.5, 3),
        variant("query strong", 1, 4, 3.0, 3),
    ];
    LabResult {
        name: "reads",
        question: LabId::Reads.question(),
        scale: Scale::Small,
        chart: Chart {
            title: "RCU per 3,000 B item read".into(),
            bars: variants
                .iter()
                .map(|v| (v.name.clone(), v.read_units / v.items as f64))
                .collect(),
        },
        variants,
        conclusion: "Per 3,000 B item, GetItem cost 0.5 RCU eventual, 1.0 strong (2.0x eventual) and 2.0 transactional (2.0x strong). A Query of the same 4 items cost 1.5 RCU eventual and 3.0 strong (2.0x): 0.8 RCU per item strong against 1.0 by GetItem, because a Query rounds up to 4 KB once per page, not per item.".into(),
        spent: Capacity::default(),
    }
}

fn on_labs() -> App {
    let mut a = App::new(conn(), (120, 40));
    key(&mut a, '2');
    a
}

#[test]
fn j_and_k_pick_a_lab_within_the_list() {
    let mut a = on_labs();
    key(&mut a, 'k');
    assert_eq!(a.labs.selected, 0);
    key(&mut a, 'j');
    assert_eq!(a.labs.selected_lab(), LabId::QueryVsScan);
    for _ in 0..20 {
        press(&mut a, KeyCode::Down);
    }
    assert_eq!(a.labs.selected_lab(), LabId::FiltersAndProjections);
}

#[test]
fn enter_runs_the_selected_lab_and_its_result_lands_on_the_labs_screen() {
    let mut a = on_labs();
    let (id, job) = started(&press(&mut a, KeyCode::Enter));
    assert_eq!(
        job,
        Job::Lab {
            lab: LabId::Reads,
            scale: Scale::Small
        }
    );
    assert!(a.busy());
    // Enter again while it runs starts nothing.
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    let step = LabProgress {
        lab: LabId::Reads,
        step: "get strong".into(),
    };
    event(&mut a, id, 1, EventKind::LabStep(step));
    assert_eq!(
        a.labs.running.as_ref().map(|r| r.step.as_str()),
        Some("get strong")
    );
    event(
        &mut a,
        id,
        2,
        EventKind::LabDone(Ok(Box::new(reads_result()))),
    );
    assert!(a.labs.running.is_none());
    assert!(!a.busy());
    assert!(
        matches!(a.labs.last.get(&LabId::Reads), Some(LastRun::Done(r)) if r.variants.len() == 5)
    );
    // The Explore screen's log and panes saw nothing of it.
    assert!(a.explore.requests.is_empty());
}

#[test]
fn esc_cancels_the_running_lab_once_and_the_cancel_is_reported() {
    let mut a = on_labs();
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    assert_eq!(press(&mut a, KeyCode::Esc), vec![Command::Cancel(id)]);
    assert!(a.labs.running.as_ref().is_some_and(|r| r.cancelling));
    assert!(
        press(&mut a, KeyCode::Esc).is_empty(),
        "one cancel is enough"
    );
    let err = LabError {
        lab: "reads",
        step: "get strong".into(),
        kind: LabErrorKind::Cancelled,
        left_tables: Vec::new(),
    };
    event(&mut a, id, 2, EventKind::LabDone(Err(err)));
    assert!(a.labs.running.is_none());
    let status = format!("{:?}", a.session.status);
    assert!(
        status.contains("cancelled at step") && status.contains("deleted"),
        "{status}"
    );
}

#[test]
fn a_runs_every_available_lab_one_after_another_and_a_cancel_stops_the_rest() {
    let mut a = on_labs();
    let (first, job) = started(&key(&mut a, 'A'));
    assert_eq!(
        job,
        Job::Lab {
            lab: LabId::Reads,
            scale: Scale::Small
        }
    );
    assert_eq!(a.labs.queue.len(), LabId::ALL.len() - 1);
    let next = event(
        &mut a,
        first,
        2,
        EventKind::LabDone(Ok(Box::new(reads_result()))),
    );
    let (second, job) = started(&next);
    assert_eq!(
        job,
        Job::Lab {
            lab: LabId::QueryVsScan,
            scale: Scale::Small
        }
    );
    press(&mut a, KeyCode::Esc);
    assert!(a.labs.queue.is_empty());
    let err = LabError {
        lab: "query-vs-scan",
        step: "scan 50".into(),
        kind: LabErrorKind::Cancelled,
        left_tables: Vec::new(),
    };
    assert!(event(&mut a, second, 3, EventKind::LabDone(Err(err))).is_empty());
}

#[test]
fn on_aws_a_lab_needs_a_second_enter() {
    let mut c = conn();
    c.is_aws = true;
    let mut a = App::new(c, (120, 40));
    key(&mut a, '2');
    assert!(press(&mut a, KeyCode::Enter).is_empty());
    assert!(format!("{:?}", a.session.status).contains("cost money"));
    let (_, job) = started(&press(&mut a, KeyCode::Enter));
    assert!(matches!(
        job,
        Job::Lab {
            lab: LabId::Reads,
            ..
        }
    ));
    // Any other key declines.
    let mut a = App::new(a.session.conn.clone(), (120, 40));
    key(&mut a, '2');
    press(&mut a, KeyCode::Enter);
    assert!(key(&mut a, 'x').is_empty());
    assert!(a.labs.confirming.is_none());
}

#[test]
fn s_switches_the_scale_between_runs() {
    let mut a = on_labs();
    key(&mut a, 's');
    assert_eq!(a.labs.scale, Scale::Full);
    let (_, job) = started(&press(&mut a, KeyCode::Enter));
    assert_eq!(
        job,
        Job::Lab {
            lab: LabId::Reads,
            scale: Scale::Full
        }
    );
}
