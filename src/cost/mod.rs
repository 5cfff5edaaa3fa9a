//! What the request table will cost in production (issue 13): a pure model, no I/O, no UI
//! types. The CLI (`dynamo-explorer cost`, in `src/cli/cost.rs`) and the TUI's Cost tab both
//! call it.
//!
//! # API
//!
//! ```
//! use dynamo_explorer::cost::{estimate, CostInputs, Prices, RecordsPerRequest, SizeSource, LineKind};
//!
//! let prices = Prices::us_east_1(); // embedded assets/prices/us-east-1.toml; or Prices::load(path)
//! let mut inputs = CostInputs::with_defaults(1_000_000.0, 352.0, 76.0, SizeSource::Flag);
//! inputs.records = RecordsPerRequest::Realistic;
//! inputs.validate().expect("valid"); // InputError names the flag, for a field's message
//! let e = estimate(&inputs, &prices);
//! let od = e.on_demand.as_ref().expect("both modes by default");
//! for line in &od.lines {
//!     // line.kind (writes, reads, deletes, storage, gsi, pitr), line.usd_per_month,
//!     // line.formula: the figures behind it, for "the formula of the highlighted line".
//!     assert!(line.usd_per_month >= 0.0 && !line.formula.is_empty());
//! }
//! assert!(od.line(LineKind::Writes).usd_per_month > 0.0);
//! let _ = (e.comparisons.break_even_utilization, e.comparisons.ttl_saving, e.sensitivity.most());
//! ```
//!
//! - [`CostInputs`]: the workload (requests/day, [`RecordsPerRequest`], record bytes and
//!   where they came from, read-backs/day, consistency, retention, deletes, index) and the
//!   table (capacity modes, peak ratio, utilization, class, PITR, free tier).
//!   [`CostInputs::validate`] first: [`estimate`] assumes valid inputs.
//! - [`estimate`] returns an [`Estimate`]: the usage, a [`Bill`] per capacity mode asked for
//!   (lines in [`LineKind`] order, each [`BillLine`] with `usd_per_month` and `formula`),
//!   the [`Comparisons`] and the [`Sensitivity`] list. Cheap enough to run on every keystroke
//!   (about ten passes over at most ~5,000 record counts).
//! - [`Report`] renders an estimate as text, Markdown or the `--json` object.
//!
//! - [`Sizes`] gives the mean record and index-entry sizes of items read back (a
//!   Scan page, the records read on Explore), or a generated record's.
//!
//! Files: `inputs.rs` (inputs, validation), `sizes.rs` (record sizes), `prices.rs` (prices
//! files), `model.rs` (the rules
//! and the bill lines), `scenario.rs` (inputs as numbers, +10% variations), `compare.rs`
//! (estimate, comparisons, sensitivity), `report.rs` (rendering), `fmt.rs` (numbers).
//!
//! # The GSI rule and its source
//!
//! An index on customer id is modelled per the developer guide ("Global secondary indexes:
//! provisioned throughput considerations" and "storage considerations"): putting an item
//! that has the index key writes one index entry, costing ceil(entry bytes / 1 KB) write
//! units; deleting it removes the entry at the same cost; an entry's stored size is the
//! table's primary key plus the index key plus the projected attributes, plus 100 bytes of
//! overhead. Keys-only: an entry is request_id, seq and customer_id (a record's own values,
//! ~75 bytes: 1 write unit); all: the whole item again. TTL deletes cost nothing, in the
//! index too. The embedded engine and DynamoDB Local agree with the write rule (measured,
//! ../shared/DYNAMODB.md). Read-backs query the table, so the index adds no reads.

mod compare;
pub mod fmt;
mod inputs;
mod model;
mod prices;
mod report;
mod scenario;
mod sizes;

pub use compare::{Comparisons, Estimate, PerMode, Sensitivity, SensitivityItem, estimate};
pub use inputs::{
    CapacityChoice, CostInputs, Deletes, Gsi, InputError, RecordsPerRequest, SizeSource,
    TableClass, defaults,
};
pub use model::{
    Bill, BillLine, DAYS_PER_MONTH, GB, HOURS_PER_MONTH, ITEM_OVERHEAD_BYTES, LineKind, Mode,
    PAGE_BYTES, SECONDS_PER_MONTH, Usage, item_write_units, query_read_units,
};
pub use prices::{ClassPrices, Dollars, Format, Price, Prices, PricesError, Quantity};
pub use report::{CostJson, Report};
pub use sizes::{Sizes, index_entry_size};

/// The attribute the index the issue asks about is keyed on.
pub const GSI_KEY_ATTRIBUTE: &str = "customer_id";
