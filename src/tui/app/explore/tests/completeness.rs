//! What the Requests pane learns about a request's completeness: from a scan that read past
//! all of a request, and from a query of it.

use super::super::requests::Verdict;
use super::*;

fn verdict(a: &App, id: &RequestId) -> Verdict {
    (0..a.explore.requests.len())
        .filter_map(|i| a.explore.requests.row(i))
        .find(|r| &r.request_id == id)
        .expect("listed")
        .verdict
}

fn key_of(id: &RequestId, seq: u32) -> Option<RecordKey> {
    Some(RecordKey {
        request_id: id.clone(),
        seq,
    })
}

/// Scans one more page of `requests` (`(id, records on the page, record_count)`).
fn scan(a: &mut App, requests: &[(RequestId, u64, u32)], next: Option<RecordKey>) {
    let (id, _) = started(&key(a, 's'));
    let summaries = requests
        .iter()
        .map(|(id, n, count)| summary(id, *n, *count))
        .collect();
    event(a, id, EventKind::Scanned(page(summaries, next)));
}

#[test]
fn a_scan_marks_a_request_it_read_past_with_fewer_records_than_its_count() {
    let mut a = app();
    let (id, _) = started(&a.init());
    // The page ends inside request 2: its 20 records so far prove nothing yet.
    let first = page(
        vec![summary(&rid(1), 50, 50), summary(&rid(2), 20, 50)],
        key_of(&rid(2), 19),
    );
    event(&mut a, id, EventKind::Scanned(first));
    assert_eq!(verdict(&a, &rid(1)), Verdict::Unknown, "50 of 50 seen");
    assert_eq!(
        verdict(&a, &rid(2)),
        Verdict::Unknown,
        "the scan is still in it"
    );
    assert_eq!(a.explore.requests.incomplete(), 0);
    // The next page moves on after 10 more: 30 of 50, it cannot be complete.
    scan(
        &mut a,
        &[(rid(2), 10, 50), (rid(3), 5, 5)],
        key_of(&rid(3), 4),
    );
    assert_eq!(verdict(&a, &rid(2)), Verdict::ScanMismatch);
    // Request 3 ended the page exactly; the next page shows another request, so it was all.
    assert_eq!(verdict(&a, &rid(3)), Verdict::Unknown);
    scan(&mut a, &[(rid(4), 3, 7)], None);
    assert_eq!(verdict(&a, &rid(3)), Verdict::Unknown, "5 of 5");
    assert_eq!(
        verdict(&a, &rid(4)),
        Verdict::ScanMismatch,
        "the table ended at 3 of 7"
    );
    assert_eq!(a.explore.requests.incomplete(), 2);
}

#[test]
fn a_request_the_previous_page_ended_in_is_passed_when_the_next_page_has_another() {
    let mut a = app();
    let (id, _) = started(&a.init());
    event(
        &mut a,
        id,
        EventKind::Scanned(page(vec![summary(&rid(1), 40, 50)], key_of(&rid(1), 39))),
    );
    assert_eq!(verdict(&a, &rid(1)), Verdict::Unknown);
    scan(&mut a, &[(rid(2), 10, 10)], key_of(&rid(2), 9));
    assert_eq!(verdict(&a, &rid(1)), Verdict::ScanMismatch, "40 of 50");
}

#[test]
fn a_query_verdict_marks_the_request_and_a_later_scan_mismatch_replaces_it() {
    let mut a = app_with_requests(&[rid(1), rid(2)]);
    // The query finds 7 of 10: seqs 3, 4 and 9 are gone.
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    let mut out = records(&rid(1), 10);
    out.records.retain(|r| ![3, 4, 9].contains(&r.seq));
    out.sizes.truncate(7);
    event(&mut a, id, EventKind::Queried(out));
    assert_eq!(
        verdict(&a, &rid(1)),
        Verdict::Queried {
            complete: false,
            found: 7
        }
    );
    assert!(!a.explore.items.completeness.is_complete());
    assert_eq!(a.explore.items.completeness.missing_records, 3);
    // Request 2, read whole.
    a.explore.requests.cursor.selected = 1;
    a.explore.focus = Pane::Requests;
    let (id, _) = started(&press(&mut a, KeyCode::Enter));
    event(&mut a, id, EventKind::Queried(records(&rid(2), 10)));
    assert_eq!(
        verdict(&a, &rid(2)),
        Verdict::Queried {
            complete: true,
            found: 10
        }
    );
    assert_eq!(a.explore.requests.incomplete(), 1);
    // A new pass counting 10 of 10 proves nothing: the query's finding stays.
    scan(&mut a, &[(rid(1), 10, 10), (rid(2), 10, 10)], None);
    assert_eq!(
        verdict(&a, &rid(1)),
        Verdict::Queried {
            complete: false,
            found: 7
        }
    );
    // One that counts fewer (records deleted since) is newer news.
    scan(&mut a, &[(rid(1), 10, 10), (rid(2), 9, 10)], None);
    assert_eq!(verdict(&a, &rid(2)), Verdict::ScanMismatch);
}
