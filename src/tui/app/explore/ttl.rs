//! What the Explore screen does with a background TTL sweep of the embedded engine: a log
//! row for each sweep that expired records, at no capacity (so the session's totals do not
//! move), and the header's count of records gone this session.

use super::Explore;
use crate::store::OpReport;
use crate::ttl::{SweepError, SweepReport};
use crate::tui::app::oplog::Outcome;
use crate::tui::app::session::Session;
use crate::tui::msg::ClockTime;

/// The log's operation label for a sweep.
pub const TTL_LABEL: &str = "TTL sweep";

impl Explore {
    /// A background sweep ended. One that expired nothing leaves no row (one runs every 10 to
    /// 30 s); a failure leaves one, unless the last sweep's row says the same.
    pub fn ttl_swept(
        &mut self,
        session: &mut Session,
        at: ClockTime,
        result: Result<SweepReport, SweepError>,
    ) {
        let (outcome, report) = match result {
            Ok(r) if r.deleted == 0 => return,
            Ok(r) => {
                session.session_items.1 += r.deleted;
                // No call was made and nothing was consumed: the report carries the items
                // and the time only, so the session's RCU/WCU totals stay as they were.
                let mut report = OpReport::new("TTL sweep");
                report.items = r.deleted;
                report.elapsed = r.elapsed;
                session.info_from_worker(format!("{r} (the embedded engine's TTL sweep)"));
                (Outcome::Note(r.to_string()), report)
            }
            Err(e) => {
                let outcome = Outcome::Error(e.to_string());
                let last = session.log.rows.iter().rev().find(|r| r.label == TTL_LABEL);
                if last.is_some_and(|r| r.outcome == outcome) {
                    return;
                }
                (outcome, OpReport::new("TTL sweep"))
            }
        };
        self.push_log(session, at, TTL_LABEL.to_owned(), outcome, report);
    }
}
