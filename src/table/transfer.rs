//! Moving a table's items: reading them as a stream of pages (a parallel Scan of every segment
//! to its end, or the pages of one Query) for `export`, and writing them with BatchWriteItem
//! (25 per call, calls in flight, UnprocessedItems sent again with backoff) for `import`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{PutRequest, ReturnConsumedCapacity, WriteRequest};
use futures::StreamExt;
use tokio::sync::mpsc;

use super::ops::{Prepared, Tally};
use super::value::Item;
use crate::size::{item_size, write_units};
use crate::store::{
    Attempts, CallRecord, CancellationToken, Capacity, OpReport, Rule, Store, StoreError, UnitKind,
    call_error,
};

/// Items per page (Limit) when a whole table is read. DynamoDB Local reads the whole table for every Scan page without
/// one (26.9 s a page on 1,000,000 items, 0.05 s with Limit 1000); on AWS a page of 1,000
/// items of ~1 KB is about the 1 MB page it would send anyway.
pub const PAGE_ITEMS: u32 = 1_000;
/// Items in one BatchWriteItem call, DynamoDB's most.
const BATCH: usize = 25;

/// Figures a long read or write updates as it goes, for a progress line.
#[derive(Debug, Default)]
pub struct Progress {
    /// Items read or written.
    pub items: AtomicU64,
    /// Pages read, or calls answered.
    pub calls: AtomicU64,
    /// Capacity units consumed, in thousandths.
    pub milli_units: AtomicU64,
}

impl Progress {
    fn add(&self, items: u64, units: f64) {
        self.items.fetch_add(items, Ordering::Relaxed);
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.milli_units
            .fetch_add((units * 1000.0).round() as u64, Ordering::Relaxed);
    }

    /// Capacity units so far.
    pub fn units(&self) -> f64 {
        self.milli_units.load(Ordering::Relaxed) as f64 / 1000.0
    }
}

/// What to read.
#[derive(Debug, Clone)]
pub enum Source {
    /// The whole table, in this many parallel Scan segments.
    Scan {
        /// Segments (1: a plain Scan).
        segments: u32,
    },
    /// One Query, all its pages.
    Query,
}

impl Store {
    /// Reads `source` with `p`, sending each page's items to `pages` as it arrives (a full
    /// channel makes the readers wait: memory stays flat). Stops early when `cancel` fires or
    /// the receiver is gone. The report of every call.
    pub async fn read_pages(
        &self,
        p: &Prepared,
        source: Source,
        pages: mpsc::Sender<Vec<Item>>,
        progress: &Progress,
        cancel: &CancellationToken,
    ) -> Result<(OpReport, u64), StoreError> {
        let started = Instant::now();
        let mut report = OpReport::new("export");
        let total = match source {
            Source::Scan { segments } => segments.max(1),
            Source::Query => 1,
        };
        let query = matches!(source, Source::Query);
        let reads: Vec<Result<(OpReport, Tally), StoreError>> = futures::stream::iter(0..total)
            .map(|segment| {
                let pages = pages.clone();
                async move {
                    let mut seg_report = OpReport::new("export");
                    let mut tally = Tally::default();
                    let mut start = None;
                    loop {
                        if cancel.is_cancelled() {
                            return Ok((seg_report, tally));
                        }
                        let before = seg_report.consumed.total.read;
                        let (items, next) = if query {
                            self.query_page_any(p, start, &mut seg_report, &mut tally)
                                .await?
                        } else {
                            let seg = (total > 1).then_some((segment, total));
                            self.scan_page_any(p, seg, start, &mut seg_report, &mut tally)
                                .await?
                        };
                        progress.add(items.len() as u64, seg_report.consumed.total.read - before);
                        if pages.send(items).await.is_err() {
                            return Ok((seg_report, tally));
                        }
                        match next {
                            Some(k) => start = Some(k),
                            None => return Ok((seg_report, tally)),
                        }
                    }
                }
            })
            .buffer_unordered(total.min(64) as usize)
            .collect()
            .await;
        let mut read_pages = 0;
        for r in reads {
            let (seg_report, tally) = r?;
            read_pages += tally.pages;
            report.absorb(seg_report);
        }
        report.items = progress.items.load(Ordering::Relaxed);
        report.elapsed = started.elapsed();
        Ok((report, read_pages))
    }

    /// Writes `items` with BatchWriteItem, 25 per call and up to `in_flight` calls at once,
    /// sending UnprocessedItems again with backoff. Each item comes with its line number in
    /// the file; on a failure, the error says from which line a re-run finishes the job
    /// (every line before it landed).
    pub async fn put_items(
        &self,
        items: Vec<(u64, Item)>,
        in_flight: usize,
        progress: &Progress,
        cancel: &CancellationToken,
    ) -> Result<OpReport, PutFailure> {
        let started = Instant::now();
        let report = std::sync::Mutex::new(OpReport::new("import"));
        let batches: Vec<Vec<(u64, Item)>> = {
            let mut out = Vec::new();
            let mut it = items.into_iter().peekable();
            while it.peek().is_some() {
                out.push(it.by_ref().take(BATCH).collect());
            }
            out
        };
        let firsts: Vec<u64> = batches.iter().map(|b| b[0].0).collect();
        let done = Arc::new(std::sync::Mutex::new(vec![false; batches.len()]));
        let results: Vec<Result<(), StoreError>> =
            futures::stream::iter(batches.into_iter().enumerate())
                .map(|(i, batch)| {
                    let (done, report) = (done.clone(), &report);
                    async move {
                        if cancel.is_cancelled() {
                            return Err(StoreError::InvalidInput("cancelled".into()));
                        }
                        self.put_batch(batch, report, progress).await?;
                        done.lock().unwrap_or_else(|p| p.into_inner())[i] = true;
                        Ok(())
                    }
                })
                .buffer_unordered(in_flight.max(1))
                .collect()
                .await;
        let mut report = report.into_inner().unwrap_or_else(|p| p.into_inner());
        report.items = progress.items.load(Ordering::Relaxed);
        report.elapsed = started.elapsed();
        match results.into_iter().find_map(Result::err) {
            None => Ok(report),
            Some(error) => {
                let done = done.lock().unwrap_or_else(|p| p.into_inner());
                let first_missing = done.iter().position(|d| !d).unwrap_or(done.len());
                Err(PutFailure {
                    from_line: firsts.get(first_missing).copied(),
                    landed: progress.items.load(Ordering::Relaxed),
                    error,
                    report: Box::new(report),
                })
            }
        }
    }

    async fn put_batch(
        &self,
        batch: Vec<(u64, Item)>,
        report: &std::sync::Mutex<OpReport>,
        progress: &Progress,
    ) -> Result<(), StoreError> {
        let mut pending: Vec<WriteRequest> = batch
            .into_iter()
            .map(|(_, item)| {
                let put = PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map_err(|e| StoreError::InvalidInput(e.to_string()))?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<Result<_, StoreError>>()?;
        let mut round = 0u32;
        while !pending.is_empty() {
            let sent = pending.len() as u64;
            let mut attempts = Attempts::default();
            let result = self
                .send("BatchWriteItem", sent, None, &mut attempts, || {
                    self.client()
                        .batch_write_item()
                        .request_items(self.table(), pending.clone())
                        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
                        .send()
                })
                .await;
            // Scoped: the lock is never held across the backoff below.
            let back = {
                let mut r = report.lock().unwrap_or_else(|p| p.into_inner());
                attempts.merge_into(&mut r);
                let (out, latency) = result.map_err(call_error)?;
                let back: Vec<WriteRequest> = out
                    .unprocessed_items()
                    .and_then(|m| m.get(self.table()))
                    .cloned()
                    .unwrap_or_default();
                let units: u64 = pending
                    .iter()
                    .filter(|w| !back.contains(w))
                    .filter_map(|w| w.put_request())
                    .map(|put| write_units(item_size(put.item())))
                    .sum();
                let outcome = if back.is_empty() {
                    "ok".to_owned()
                } else {
                    format!("unprocessed {}", back.len())
                };
                let consumed = r.record_answered(
                    UnitKind::Write,
                    out.consumed_capacity(),
                    Rule::Units(Capacity::of(UnitKind::Write, units as f64)),
                    |consumed, by_rule| CallRecord {
                        api: "BatchWriteItem",
                        items: sent,
                        consumed,
                        by_rule,
                        latency,
                        outcome,
                    },
                );
                r.unprocessed_resent += back.len() as u64;
                progress.add(sent - back.len() as u64, consumed.write);
                back
            };
            if back.is_empty() {
                return Ok(());
            }
            round += 1;
            if round > 10 {
                return Err(StoreError::RetriesExhausted {
                    attempts: round,
                    code: "UnprocessedItems".into(),
                    message: format!("{} items still unprocessed", back.len()),
                });
            }
            // Full jitter over a ceiling that doubles from 100 ms, capped at 3.2 s.
            let ceiling = 50u64 << round.min(6);
            tokio::time::sleep(Duration::from_millis(fastrand::u64(1..=ceiling))).await;
            pending = back;
        }
        Ok(())
    }
}

/// A write that stopped midway.
#[derive(Debug)]
pub struct PutFailure {
    /// The first line not known to have landed: a re-run with `--from-line` this finishes.
    pub from_line: Option<u64>,
    /// Items that landed.
    pub landed: u64,
    /// Why it stopped.
    pub error: StoreError,
    /// What was done.
    pub report: Box<OpReport>,
}
