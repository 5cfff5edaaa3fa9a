//! What each command prints with `--json`: one `Serialize` type per command, so the fields
//! are spelled once, in a type, and a script's interface cannot drift one command at a time.
//! Field names are an interface (README lists them): rename none.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::limits::LayerStats;
use crate::request::completeness::{Claim, Completeness, SeqRange};
use crate::request::schema::{Record, RecordKey, RequestId};
use crate::store::{
    ByRule, Capacity, ConsumedDetail, InFlight, OpReport, QueryOutput, RequestSummary, ScanPage,
};

/// The calls an operation made and what they consumed: part of every command's JSON.
#[derive(Debug, Serialize)]
pub struct CallsJson<'a> {
    /// API calls that got a response.
    pub calls: u64,
    /// Calls sent again after a throttle, a 5xx or a dropped connection.
    pub retries: u64,
    /// Items sent again after coming back in `UnprocessedItems`.
    pub unprocessed_resent: u64,
    /// Throttling errors seen.
    pub throttled: u64,
    /// The reasons DynamoDB (or the simulated limits) gave for them, with counts.
    pub throttling_reasons: &'a BTreeMap<String, u64>,
    /// Total capacity: `{read_units, write_units}`.
    pub consumed: &'a Capacity,
    /// Capacity by table and index.
    pub consumed_detail: &'a ConsumedDetail,
    /// What DynamoDB's documented rules charge for the same calls, beside the engine's own
    /// base-table figure (`engine`), and whether they differ (`differs`).
    pub capacity_by_rule: &'a ByRule,
    /// Wall time of the operation.
    pub elapsed_ms: u64,
    /// Batch writes (generate, delete): calls in flight at the start, at the peak, the
    /// lowest, at the end, the most allowed, whether adaptive, and the pace if throttled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_flight: Option<&'a InFlight>,
}

/// The reports a command printed, kept for `--transcript` while it runs (`None`: not asked).
static PRINTED: std::sync::Mutex<Option<Vec<OpReport>>> = std::sync::Mutex::new(None);

/// Starts keeping the reports commands print.
pub fn keep_printed() {
    *PRINTED.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
}

/// The reports printed since [`keep_printed`].
pub fn take_printed() -> Vec<OpReport> {
    PRINTED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .unwrap_or_default()
}

/// A report a command prints, human or JSON: kept when `--transcript` asks.
pub fn printed(r: &OpReport) {
    if let Some(kept) = PRINTED.lock().unwrap_or_else(|e| e.into_inner()).as_mut()
        && kept.last() != Some(r)
    {
        kept.push(r.clone());
    }
}

impl<'a> From<&'a OpReport> for CallsJson<'a> {
    fn from(r: &'a OpReport) -> Self {
        printed(r);
        CallsJson {
            calls: r.calls,
            retries: r.retries,
            unprocessed_resent: r.unprocessed_resent,
            throttled: r.throttled,
            throttling_reasons: &r.throttling_reasons,
            consumed: &r.consumed.total,
            consumed_detail: &r.consumed,
            capacity_by_rule: &r.by_rule,
            elapsed_ms: r.elapsed.as_millis() as u64,
            in_flight: r.in_flight.as_ref(),
        }
    }
}

/// `generate --json` when every record landed.
#[derive(Debug, Serialize)]
pub struct GenerateJson<'a> {
    /// The requests written, in order.
    pub request_ids: &'a [RequestId],
    /// Records written.
    pub items: u64,
    /// Records per second of wall time, rounded.
    pub items_per_second: f64,
    /// CPU this process used for the write.
    pub client_cpu_ms: u64,
    /// Calls and capacity.
    #[serde(flatten)]
    pub calls: CallsJson<'a>,
}

impl<'a> GenerateJson<'a> {
    /// The JSON of a complete write of `request_ids`.
    pub fn new(request_ids: &'a [RequestId], report: &'a OpReport, client_cpu_ms: u64) -> Self {
        let rate = report.items as f64 / report.elapsed.as_secs_f64().max(1e-9);
        GenerateJson {
            request_ids,
            items: report.items,
            items_per_second: rate.round(),
            client_cpu_ms,
            calls: report.into(),
        }
    }
}

/// `generate --json` when the write stopped part way: what landed, what may have, what not.
#[derive(Debug, Serialize)]
pub struct GenerateIncompleteJson<'a> {
    /// The requests asked for, in order.
    pub request_ids: &'a [RequestId],
    /// Records confirmed written.
    pub items: u64,
    /// Records sent whose answer was lost: they may or may not have landed.
    pub in_flight: u64,
    /// Keys known not to have landed.
    pub not_written: &'a [RecordKey],
    /// Why it stopped.
    pub error: String,
    /// CPU this process used for the write.
    pub client_cpu_ms: u64,
    /// Calls and capacity up to the stop.
    #[serde(flatten)]
    pub calls: CallsJson<'a>,
}

/// `query --json`.
#[derive(Debug, Serialize)]
pub struct QueryJson<'a> {
    /// The request queried.
    pub request_id: &'a RequestId,
    /// Items returned.
    pub count: u64,
    /// Items evaluated.
    pub scanned_count: u64,
    /// Pages read.
    pub pages: u64,
    /// Strongly consistent read.
    pub consistent: bool,
    /// CPU this process used for the read.
    pub client_cpu_ms: u64,
    /// The records, as plain JSON objects.
    pub items: &'a [Record],
    /// Records read that are past their `expires_at` (TTL has not deleted them yet; 0 with
    /// `--exclude-expired`, whose filter hid them: `scanned_count - count`).
    pub expired: u64,
    /// Calls and capacity.
    #[serde(flatten)]
    pub calls: CallsJson<'a>,
    /// Whether the records found are the whole request.
    #[serde(flatten)]
    pub completeness: CompletenessJson<'a>,
}

/// Part of `query --json`: is the request complete, and if not, what is missing.
#[derive(Debug, Serialize)]
pub struct CompletenessJson<'a> {
    /// The `record_count` most of the records say; null when none was found.
    pub record_count: Option<u32>,
    /// Exactly seqs 0..record_count-1 found, each once, all saying the same record_count.
    pub complete: bool,
    /// Missing seq ranges `{first, last}` (inclusive): the largest
    /// [`crate::request::completeness::KEPT_MISSING_RANGES`], in seq order.
    pub missing: &'a [SeqRange],
    /// Seqs missing in all.
    pub missing_records: u64,
    /// Missing ranges in all (more than `missing` lists when it was capped).
    pub missing_ranges: usize,
    /// Records that say another record_count: `{record_count, records}`.
    pub record_count_disagreements: &'a [Claim],
    /// The line the text output prints: `incomplete: 34,107 of 100,000; missing ...`.
    pub completeness: String,
}

impl<'a> From<&'a Completeness> for CompletenessJson<'a> {
    fn from(c: &'a Completeness) -> Self {
        CompletenessJson {
            record_count: c.record_count,
            complete: c.is_complete(),
            missing: &c.missing,
            missing_records: c.missing_records,
            missing_ranges: c.missing_ranges,
            record_count_disagreements: &c.disagreements,
            completeness: c.summary(),
        }
    }
}

impl<'a> QueryJson<'a> {
    /// The JSON of a finished query.
    pub fn new(
        out: &'a QueryOutput,
        consistent: bool,
        client_cpu_ms: u64,
        completeness: &'a Completeness,
    ) -> Self {
        QueryJson {
            request_id: &out.request_id,
            count: out.count,
            scanned_count: out.scanned_count,
            pages: out.pages,
            consistent,
            client_cpu_ms,
            items: &out.records,
            // The caller sets it, at the time it judged expiry by (the filter's `:now`).
            expired: 0,
            calls: (&out.report).into(),
            completeness: completeness.into(),
        }
    }
}

/// `scan --json`: one page.
#[derive(Debug, Serialize)]
pub struct ScanJson<'a> {
    /// Request ids on the page: `{request_id, records, record_count, created_at}`.
    pub requests: &'a [RequestSummary],
    /// Items returned.
    pub count: u64,
    /// Items evaluated.
    pub scanned_count: u64,
    /// Where the next page starts (`--start`); null at the end of the table.
    pub last_evaluated_key: &'a Option<RecordKey>,
    /// Calls and capacity.
    #[serde(flatten)]
    pub calls: CallsJson<'a>,
}

impl<'a> From<&'a ScanPage> for ScanJson<'a> {
    fn from(page: &'a ScanPage) -> Self {
        ScanJson {
            requests: &page.requests,
            count: page.count,
            scanned_count: page.scanned_count,
            last_evaluated_key: &page.last_evaluated_key,
            calls: (&page.report).into(),
        }
    }
}

/// `delete --json`.
#[derive(Debug, Serialize)]
pub struct DeleteJson<'a> {
    /// The request deleted from.
    pub request_id: &'a RequestId,
    /// Records deleted.
    pub deleted: u64,
    /// CPU this process used for the delete.
    pub client_cpu_ms: u64,
    /// Calls and capacity.
    #[serde(flatten)]
    pub calls: CallsJson<'a>,
}

/// `serve --json`, printed when it stops: what the simulated limits did, in all and second
/// by second.
#[derive(Debug, Serialize)]
pub struct ServeJson<'a> {
    /// The limits simulated, as the header names them.
    pub limits: String,
    /// Calls checked, refused, cut short; per second with the units let through.
    #[serde(flatten)]
    pub stats: &'a LayerStats,
}
