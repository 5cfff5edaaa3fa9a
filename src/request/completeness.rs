//! Is a request complete? Every record carries `record_count` so that a reader can tell: the
//! request is complete when the records found are exactly seqs `0..record_count-1`, each
//! once, all saying the same `record_count`. Anything else (a killed generate, a partial
//! delete, another tool's writes) is reported as what is missing and what disagrees, in a
//! line short enough for a pane title. Pure: the CLI and the TUI both read it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::fmt::thousands;
use crate::request::schema::Record;

/// Missing ranges kept (the largest ones, in seq order): what `query --json` lists at most;
/// `missing_ranges` says how many there are in all. Bounded so that a request missing every
/// other record never holds 50,000 ranges, and a pane title picks from a few.
pub const KEPT_MISSING_RANGES: usize = 100;

/// The summary line's length when no width is given (the CLI's line).
const DEFAULT_SUMMARY_CHARS: usize = 80;

/// Seqs `first..=last`, all missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeqRange {
    /// First missing seq.
    pub first: u32,
    /// Last missing seq (inclusive).
    pub last: u32,
}

impl SeqRange {
    /// Seqs in the range (at least one).
    pub fn seqs(self) -> u64 {
        u64::from(self.last - self.first) + 1
    }

    /// `5` or `34,207..99,999`.
    fn text(self) -> String {
        if self.first == self.last {
            thousands(self.first.into())
        } else {
            format!(
                "{}..{}",
                thousands(self.first.into()),
                thousands(self.last.into())
            )
        }
    }
}

/// Records that say a `record_count` other than the one most records say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Claim {
    /// The `record_count` they say.
    pub record_count: u32,
    /// How many records say it.
    pub records: u64,
}

/// What the records of one request say about its completeness.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completeness {
    /// Records found.
    pub found: u64,
    /// The `record_count` most records say (ties: the larger); `None` when none was found.
    pub record_count: Option<u32>,
    /// Other values of `record_count` some records say, most records first.
    pub disagreements: Vec<Claim>,
    /// Ranges of seqs below `record_count` that no record has: the largest
    /// [`KEPT_MISSING_RANGES`] (ties: the first), in seq order.
    pub missing: Vec<SeqRange>,
    /// Missing ranges in all (more than `missing` holds when it was capped).
    pub missing_ranges: usize,
    /// Seqs missing in all.
    pub missing_records: u64,
    /// Records whose seq is `record_count` or more: not part of the request it says it is.
    pub beyond: u64,
    /// Records whose seq another record already has.
    pub duplicates: u64,
}

impl Completeness {
    /// The completeness of a request from its records (any order).
    pub fn of(records: &[Record]) -> Self {
        Self::from_seqs(records.iter().map(|r| (r.seq, r.record_count)))
    }

    /// The completeness of a request from each record's `(seq, record_count)`.
    pub fn from_seqs(records: impl IntoIterator<Item = (u32, u32)>) -> Self {
        let mut claims: BTreeMap<u32, u64> = BTreeMap::new();
        let mut seqs = Vec::new();
        for (seq, count) in records {
            *claims.entry(count).or_default() += 1;
            seqs.push(seq);
        }
        // A query returns them in seq order already: sorting is then one pass.
        if !seqs.is_sorted() {
            seqs.sort_unstable();
        }
        let Some((&n, _)) = claims
            .iter()
            .max_by_key(|&(value, records)| (*records, *value))
        else {
            return Completeness::default();
        };
        let mut disagreements: Vec<Claim> = claims
            .iter()
            .filter(|&(&value, _)| value != n)
            .map(|(&record_count, &records)| Claim {
                record_count,
                records,
            })
            .collect();
        disagreements.sort_by_key(|c| std::cmp::Reverse(c.records));

        let mut out = Completeness {
            found: seqs.len() as u64,
            record_count: Some(n),
            disagreements,
            ..Completeness::default()
        };
        // The next seq expected below `n`; u64 so that `n` itself fits when all are found.
        let mut expected: u64 = 0;
        let mut previous = None;
        for &seq in &seqs {
            if previous == Some(seq) {
                out.duplicates += 1;
                continue;
            }
            previous = Some(seq);
            if seq >= n {
                out.beyond += 1;
                continue;
            }
            if u64::from(seq) > expected {
                out.push_missing(expected as u32, seq - 1);
            }
            expected = u64::from(seq) + 1;
        }
        if expected < u64::from(n) {
            out.push_missing(expected as u32, n - 1);
        }
        out.missing_ranges = out.missing.len();
        out.missing = largest(std::mem::take(&mut out.missing), KEPT_MISSING_RANGES);
        out
    }

    fn push_missing(&mut self, first: u32, last: u32) {
        let range = SeqRange { first, last };
        self.missing_records += range.seqs();
        self.missing.push(range);
    }

    /// Exactly seqs `0..record_count-1`, each once, all agreeing. No records: not complete
    /// (nothing says how many there should be).
    pub fn is_complete(&self) -> bool {
        self.record_count.is_some()
            && self.missing.is_empty()
            && self.disagreements.is_empty()
            && self.beyond == 0
            && self.duplicates == 0
    }

    /// The CLI's line: `complete: 1,000 of 1,000` or
    /// `incomplete: 34,107 of 100,000; missing 34,207..99,999 and 12 gaps`.
    pub fn summary(&self) -> String {
        self.full(DEFAULT_SUMMARY_CHARS)
    }

    /// The summary in `max_chars` for a pane title: as much of [`Completeness::summary`] as
    /// fits, else `incomplete: 34,107 of 100,000; …`, else the verdict alone. Numbers are
    /// never cut.
    pub fn summary_within(&self, max_chars: usize) -> String {
        if let Some(full) = self.summary_fitting(max_chars) {
            return full;
        }
        let Some(n) = self.record_count else {
            return "no records".into();
        };
        let verdict = if self.is_complete() {
            "complete"
        } else {
            "incomplete"
        };
        let head = format!(
            "{verdict}: {} of {}; …",
            thousands(self.found),
            thousands(n.into())
        );
        if head.chars().count() <= max_chars {
            head
        } else {
            verdict.into()
        }
    }

    /// The whole summary (at least the largest missing range) if it fits in `max_chars`.
    pub fn summary_fitting(&self, max_chars: usize) -> Option<String> {
        let full = self.full(max_chars);
        (full.chars().count() <= max_chars).then_some(full)
    }

    /// Every part of the summary; the missing ranges listed are the largest that fit in
    /// about `max_chars` (always at least one), the rest counted as gaps.
    fn full(&self, max_chars: usize) -> String {
        let Some(n) = self.record_count else {
            return "no records: nothing says how many there should be".into();
        };
        let head = format!(
            "{}: {} of {}",
            if self.is_complete() {
                "complete"
            } else {
                "incomplete"
            },
            thousands(self.found),
            thousands(n.into())
        );
        let mut tail = Vec::new();
        for c in self.disagreements.iter().take(2) {
            tail.push(format!(
                "{} say record_count {}",
                thousands(c.records),
                thousands(c.record_count.into())
            ));
        }
        if self.disagreements.len() > 2 {
            tail.push(format!(
                "{} other record_counts",
                self.disagreements.len() - 2
            ));
        }
        if self.beyond > 0 {
            tail.push(format!(
                "{} beyond seq {}",
                thousands(self.beyond),
                n.max(1) - 1
            ));
        }
        if self.duplicates > 0 {
            tail.push(format!("{} duplicate seqs", thousands(self.duplicates)));
        }
        let fixed = head.len() + tail.iter().map(|t| t.len() + 2).sum::<usize>();
        let mut parts = vec![head];
        if !self.missing.is_empty() {
            parts.push(self.missing_text(max_chars.saturating_sub(fixed + 2)));
        }
        parts.extend(tail);
        parts.join("; ")
    }

    /// `missing 5, 10..12 and 3 gaps` in about `budget` characters (at least one range).
    fn missing_text(&self, budget: usize) -> String {
        let gaps = |rest: usize| match rest {
            0 => String::new(),
            1 => " and 1 gap".into(),
            n => format!(" and {} gaps", thousands(n as u64)),
        };
        let mut listed = 1;
        while listed < self.missing.len() {
            let next = self.missing_list(listed + 1, &gaps);
            if next.chars().count() > budget {
                break;
            }
            listed += 1;
        }
        self.missing_list(listed, &gaps)
    }

    fn missing_list(&self, listed: usize, gaps: &dyn Fn(usize) -> String) -> String {
        let ranges: Vec<String> = largest(self.missing.clone(), listed)
            .into_iter()
            .map(SeqRange::text)
            .collect();
        format!(
            "missing {}{}",
            ranges.join(", "),
            gaps(self.missing_ranges - ranges.len())
        )
    }
}

/// The `cap` largest of `ranges` (in seq order; ties: the first), in seq order.
fn largest(mut ranges: Vec<SeqRange>, cap: usize) -> Vec<SeqRange> {
    if ranges.len() > cap {
        // Stable: equal sizes keep their seq order, so the first ones win ties.
        ranges.sort_by_key(|r| std::cmp::Reverse(r.seqs()));
        ranges.truncate(cap);
        ranges.sort_unstable_by_key(|r| r.first);
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(seqs: impl IntoIterator<Item = u32>, n: u32) -> Completeness {
        Completeness::from_seqs(seqs.into_iter().map(|s| (s, n)))
    }

    #[test]
    fn exactly_zero_to_n_minus_one_is_complete() {
        let c = of(0..1000, 1000);
        assert!(c.is_complete());
        assert_eq!(c.summary(), "complete: 1,000 of 1,000");
        assert_eq!(c.missing_records, 0);
        // Order does not matter.
        assert!(of((0..10).rev(), 10).is_complete());
        assert!(of([0], 1).is_complete());
    }

    #[test]
    fn missing_seqs_become_compact_ranges() {
        // 0..=9 found, 10 and 20..=24 missing, up to 29.
        let seqs = (0..30).filter(|s| *s != 10 && !(20..25).contains(s));
        let c = of(seqs, 30);
        assert!(!c.is_complete());
        assert_eq!(
            c.missing,
            vec![
                SeqRange {
                    first: 10,
                    last: 10
                },
                SeqRange {
                    first: 20,
                    last: 24
                }
            ]
        );
        assert_eq!(c.missing_records, 6);
        assert_eq!(c.summary(), "incomplete: 24 of 30; missing 10, 20..24");
    }

    #[test]
    fn the_head_and_tail_can_be_missing() {
        let c = of(5..8, 10);
        assert_eq!(c.summary(), "incomplete: 3 of 10; missing 0..4, 8..9");
        assert_eq!(c.missing_records, 7);
    }

    #[test]
    fn a_killed_write_lists_the_largest_ranges_and_counts_the_rest_as_gaps() {
        // As the example: 34,107 of 100,000 found, the tail missing from 34,207 and
        // 12 small gaps below it.
        let gaps: Vec<u32> = (0..12).map(|g| 1000 + g * 2000).collect();
        let mut seqs: Vec<u32> = (0..34_207).collect();
        let mut removed = 0;
        seqs.retain(|s| {
            let gone = gaps.iter().any(|g| (*g..*g + 9).contains(s)) && removed < 100;
            removed += u32::from(gone);
            !gone
        });
        let found = seqs.len();
        let c = of(seqs, 100_000);
        assert_eq!((c.missing.len(), c.missing_ranges), (13, 13));
        assert_eq!(c.found, found as u64);
        assert_eq!(c.missing_records, 100_000 - found as u64);
        assert_eq!(found, 34_107);
        assert_eq!(
            c.summary(),
            "incomplete: 34,107 of 100,000; missing 1,000..1,008, 34,207..99,999 and 11 gaps"
        );
        // In a pane title: the largest range that fits, then less, never a cut number.
        assert_eq!(
            c.summary_within(70),
            "incomplete: 34,107 of 100,000; missing 34,207..99,999 and 12 gaps"
        );
        assert_eq!(c.summary_within(40), "incomplete: 34,107 of 100,000; …");
        assert_eq!(c.summary_within(20), "incomplete");
        let line = c.summary_within(120);
        assert!(line.chars().count() <= 120, "{line}");
        assert!(line.ends_with(" gaps"), "{line}");
        // Wide enough: every range, no "gaps".
        let wide = c.summary_within(10_000);
        assert!(!wide.contains("gap"), "{wide}");
        assert_eq!(wide.matches(", ").count(), 12, "13 ranges: {wide}");
    }

    #[test]
    fn json_ranges_are_capped_to_the_largest_in_seq_order() {
        // Every other seq missing, plus a big tail: 500 ranges.
        let c = of((0..1000).filter(|s| s % 2 == 0), 2000);
        assert_eq!(c.missing_ranges, 500);
        assert_eq!(c.missing_records, 1500);
        let capped = &c.missing;
        assert_eq!(capped.len(), KEPT_MISSING_RANGES);
        assert_eq!(
            capped.last(),
            Some(&SeqRange {
                first: 999,
                last: 1999
            })
        );
        assert!(capped.windows(2).all(|w| w[0].first < w[1].first));
        // Ties keep the first ones.
        assert_eq!(capped[0], SeqRange { first: 1, last: 1 });
    }

    #[test]
    fn records_that_disagree_about_record_count_are_named() {
        let records = (0..10).map(|s| (s, if s < 7 { 10 } else { 12 }));
        let c = Completeness::from_seqs(records);
        assert_eq!(c.record_count, Some(10));
        assert_eq!(
            c.disagreements,
            vec![Claim {
                record_count: 12,
                records: 3
            }]
        );
        assert!(c.missing.is_empty());
        assert!(!c.is_complete(), "all seqs present but 3 records disagree");
        assert_eq!(c.summary(), "incomplete: 10 of 10; 3 say record_count 12");
        // A tie goes to the larger count: the reader then looks for more, not fewer.
        let tie = Completeness::from_seqs([(0, 1), (1, 2)]);
        assert_eq!(tie.record_count, Some(2));
        assert!(!tie.is_complete() && tie.missing.is_empty());
    }

    #[test]
    fn no_records_is_not_complete_and_says_why() {
        let c = Completeness::of(&[]);
        assert!(!c.is_complete());
        assert_eq!(c.record_count, None);
        assert_eq!(c.found, 0);
        assert!(c.summary().starts_with("no records"));
        assert_eq!(c.summary_within(12), "no records");
    }

    #[test]
    fn duplicates_and_seqs_beyond_the_count_are_not_complete() {
        let c = of([0, 1, 1, 2], 3);
        assert_eq!(c.duplicates, 1);
        assert!(c.missing.is_empty());
        assert!(!c.is_complete());
        assert_eq!(c.summary(), "incomplete: 4 of 3; 1 duplicate seqs");

        let c = of([0, 1, 2, 7], 3);
        assert_eq!(c.beyond, 1);
        assert!(!c.is_complete());
        assert_eq!(c.summary(), "incomplete: 4 of 3; 1 beyond seq 2");

        // Found as many records as the count, yet one seq is missing.
        let c = of([0, 2, 3], 3);
        assert_eq!((c.beyond, c.missing_records), (1, 1));
        assert_eq!(c.summary(), "incomplete: 3 of 3; missing 1; 1 beyond seq 2");
    }
}
