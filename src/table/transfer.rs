//! Moving a table's items: reading them as a stream of pages (a parallel Scan of every segment
//! to its end, or the pages of one Query) for `export`, and writing them through the store's
//! batch writer (25 per call, adaptive calls in flight, UnprocessedItems sent again, paced
//! under throttling) for `import`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use futures::StreamExt;
use tokio::sync::mpsc;

use super::ops::{Prepared, Tally};
use super::value::Item;
use crate::store::{
    CancellationToken, OpReport, ProgressSink, Store, StoreError, WriteOptions, in_calls,
};

/// Items per page (Limit) when a whole table is read. DynamoDB Local reads the whole table for every Scan page without
/// one (26.9 s a page on 1,000,000 items, 0.05 s with Limit 1000); on AWS a page of 1,000
/// items of ~1 KB is about the 1 MB page it would send anyway.
pub const PAGE_ITEMS: u32 = 1_000;

/// Scan segments: one per this many bytes of DescribeTable's (approximate) size.
const BYTES_PER_SEGMENT: i64 = 16 * 1024 * 1024;
/// Most segments chosen by default.
const MAX_DEFAULT_SEGMENTS: u32 = 16;

/// The Scan segments an export of a table of `size_bytes` reads in parallel: one per 16 MB,
/// 1 to 16.
pub fn default_segments(size_bytes: i64) -> u32 {
    (size_bytes / BYTES_PER_SEGMENT + 1).clamp(1, MAX_DEFAULT_SEGMENTS.into()) as u32
}

/// The read units a Scan of a whole table of `size_bytes` costs: its size in 4 KB units, half
/// when eventual (DescribeTable's size is refreshed about every 6 hours: an estimate).
pub fn scan_estimate(size_bytes: i64, consistent: bool) -> f64 {
    crate::size::page_read_units(usize::try_from(size_bytes).unwrap_or(0), consistent)
}

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

/// A writer that counts the bytes it wrote.
pub struct Counted<W: std::io::Write> {
    inner: W,
    /// Bytes written so far.
    pub bytes: u64,
}

impl<W: std::io::Write> Counted<W> {
    /// Counts what goes to `inner`.
    pub fn new(inner: W) -> Self {
        Counted { inner, bytes: 0 }
    }
}

impl<W: std::io::Write> std::io::Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Store {
    /// The whole table to `file` (new, empty), in DynamoDB's export layout (`{"Item": ...}`
    /// per line, every type exact), in `segments` parallel Scan segments of 1,000-item pages,
    /// written as pages arrive (memory stays flat). Stops at `cancel` with whole lines. The
    /// report of every call, the items and the bytes written.
    pub async fn export_to_file(
        &self,
        file: std::fs::File,
        segments: u32,
        progress: &Progress,
        cancel: &CancellationToken,
    ) -> Result<(OpReport, u64, u64), StoreError> {
        let prepared = Prepared {
            limit: Some(PAGE_ITEMS),
            ..super::prepare_scan(&super::ScanSpec::default()).map_err(StoreError::InvalidInput)?
        };
        let (tx, mut rx) = mpsc::channel::<Vec<Item>>(segments.max(1) as usize);
        let writer = tokio::task::spawn_blocking(move || -> std::io::Result<(u64, u64)> {
            use std::io::Write;
            let mut out = Counted::new(std::io::BufWriter::new(file));
            let mut items = 0u64;
            while let Some(page) = rx.blocking_recv() {
                for item in &page {
                    super::value::write_export_line(
                        &mut out,
                        &super::value::item_to_ddb_json(item),
                    )?;
                    items += 1;
                }
            }
            out.flush()?;
            Ok((items, out.bytes))
        });
        let read = self
            .read_pages(&prepared, Source::Scan { segments }, tx, progress, cancel)
            .await;
        let written = writer
            .await
            .map_err(|e| StoreError::InvalidInput(format!("the export's writer stopped: {e}")))?
            .map_err(|e| StoreError::InvalidInput(format!("cannot write the export: {e}")))?;
        let (report, _) = read?;
        Ok((report, written.0, written.1))
    }

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

    /// Writes `items` (each with its line in the file, in the file's order; `total` in all)
    /// through the batch writer `generate` uses: 25 per call, calls in flight adapted to the
    /// round trip and paced under throttling, UnprocessedItems sent again. `key` names the
    /// table's key attributes. Items are pulled as calls start, so only the calls in flight
    /// are held. On a failure, the error says from which line a re-run finishes the job
    /// (every line before it landed).
    #[allow(clippy::too_many_arguments)]
    pub async fn put_items(
        &self,
        key: &[&str],
        items: impl Iterator<Item = (u64, Item)> + Send,
        total: u64,
        opts: WriteOptions,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<OpReport, PutFailure> {
        let mut report = OpReport::new("import");
        report.param("Operation", "BatchWriteItem PutRequest x25 per call");
        let mut calls = in_calls(items.map(|(line, item)| {
            let put = PutRequest::builder().set_item(Some(item)).build();
            let put = put.expect("a PutRequest with its item set builds");
            (line, WriteRequest::builder().put_request(put).build())
        }));
        let out = self
            .batch_write_tagged(report, total, key, &mut calls, opts, progress, cancel)
            .await;
        let error = match (out.error, out.cancelled) {
            (Some(error), _) => error,
            (None, true) => StoreError::InvalidInput("cancelled".into()),
            (None, false) => return Ok(out.report),
        };
        // Calls start in the file's order and every started call ends before the writer
        // returns: all lines before the first not known to have landed did.
        let from_line = out
            .not_done
            .iter()
            .chain(&out.unknown)
            .min()
            .copied()
            .or_else(|| calls.next().map(|call| call[0].0));
        Err(PutFailure {
            from_line,
            landed: out.report.items,
            error,
            report: Box::new(out.report),
        })
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
