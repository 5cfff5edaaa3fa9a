//! The labs by name: each one's question, whether it can run yet, and its scale.

use serde::Serialize;

/// How big a lab runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// Seconds on the embedded engine: the sizes scaled down, the same comparisons.
    Small,
    /// The sizes the labs are designed for (1,000 records, tables of 1,000 requests...).
    Full,
}

impl Scale {
    /// `small` or `full`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Small => "small",
            Scale::Full => "full",
        }
    }

    /// `small` at small scale, else `full`.
    pub fn pick<T>(self, small: T, full: T) -> T {
        match self {
            Scale::Small => small,
            Scale::Full => full,
        }
    }
}

/// Every lab, in the order they teach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabId {
    /// 1: eventual, strong and transactional reads.
    Reads,
    /// 2: Query against Scan with a filter as the table grows.
    QueryVsScan,
    /// 3: capacity units against item size.
    ItemSize,
    /// 4: page size against calls and RCU.
    Paging,
    /// 5: PutItem one at a time against BatchWriteItem.
    Batching,
    /// 6: partition key choice under the simulated limits.
    PartitionKey,
    /// 7: GSI write amplification and back-pressure.
    Gsi,
    /// 8: TTL expiry against deleting.
    TtlVsDelete,
    /// 9: conditional writes and transactions.
    ConditionsAndTransactions,
    /// 10: filters and projections.
    FiltersAndProjections,
}

impl LabId {
    /// All labs, in order.
    pub const ALL: [LabId; 10] = [
        LabId::Reads,
        LabId::QueryVsScan,
        LabId::ItemSize,
        LabId::Paging,
        LabId::Batching,
        LabId::PartitionKey,
        LabId::Gsi,
        LabId::TtlVsDelete,
        LabId::ConditionsAndTransactions,
        LabId::FiltersAndProjections,
    ];

    /// The name the CLI takes and the scratch tables carry.
    pub fn name(self) -> &'static str {
        match self {
            LabId::Reads => "reads",
            LabId::QueryVsScan => "query-vs-scan",
            LabId::ItemSize => "item-size",
            LabId::Paging => "paging",
            LabId::Batching => "batching",
            LabId::PartitionKey => "partition-key",
            LabId::Gsi => "gsi",
            LabId::TtlVsDelete => "ttl-vs-delete",
            LabId::ConditionsAndTransactions => "conditions-and-transactions",
            LabId::FiltersAndProjections => "filters-and-projections",
        }
    }

    /// The question the lab answers, in one line.
    pub fn question(self) -> &'static str {
        match self {
            LabId::Reads => {
                "What does a read cost: eventual vs strong vs transactional, GetItem vs Query?"
            }
            LabId::QueryVsScan => {
                "Finding one request's records: does Query or Scan with a filter cost more as the table grows?"
            }
            LabId::ItemSize => {
                "How does item size turn into write and read units (and do attribute names count)?"
            }
            LabId::Paging => "Does the page size (Limit) of a Query change its calls and RCU?",
            LabId::Batching => {
                "Writing many records: PutItem one at a time or BatchWriteItem, what changes?"
            }
            LabId::PartitionKey => {
                "Why key by request id: what a heavy customer does to a table keyed by customer id"
            }
            LabId::Gsi => "What does a GSI add to every write, and what if it cannot keep up?",
            LabId::TtlVsDelete => {
                "Deleting records vs letting TTL expire them: cost and visibility"
            }
            LabId::ConditionsAndTransactions => {
                "What do a failed conditional put and a transactional write cost?"
            }
            LabId::FiltersAndProjections => {
                "Do a FilterExpression and a ProjectionExpression save read units?"
            }
        }
    }

    /// The lab of this name.
    pub fn parse(name: &str) -> Option<LabId> {
        LabId::ALL.into_iter().find(|l| l.name() == name)
    }

    /// `reads, query-vs-scan, ...`: for messages about unknown names.
    pub fn known_names() -> String {
        LabId::ALL.map(LabId::name).join(", ")
    }
}
