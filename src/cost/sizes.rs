//! The sizes the model needs, from items: the mean record and the mean keys-only index entry
//! (request_id, seq, customer_id), each as DynamoDB counts bytes. From a sample of a table,
//! from records read in the TUI, or from a record as `generate` writes it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::{GSI_KEY_ATTRIBUTE, SizeSource};
use crate::request::generate::{DEFAULT_PAYLOAD_BYTES, build_records};
use crate::request::schema::{PARTITION_KEY, SORT_KEY};
use crate::size::{item_size, value_size};

/// The record size and one keys-only index entry's, with where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sizes {
    /// Mean item bytes.
    pub record_bytes: f64,
    /// Mean bytes of the attributes a keys-only index on customer id holds.
    pub index_entry_bytes: f64,
    /// Where they came from.
    pub source: SizeSource,
}

/// Bytes of the attributes a keys-only index on customer id holds.
pub fn index_entry_size(item: &HashMap<String, AttributeValue>) -> usize {
    [PARTITION_KEY, SORT_KEY, GSI_KEY_ATTRIBUTE]
        .iter()
        .filter_map(|name| item.get(*name).map(|v| name.len() + value_size(v)))
        .sum()
}

impl Sizes {
    /// The means over `items`; `None` when there are none.
    pub fn mean_of(items: &[HashMap<String, AttributeValue>], source: SizeSource) -> Option<Sizes> {
        if items.is_empty() {
            return None;
        }
        let n = items.len() as f64;
        let total: usize = items.iter().map(item_size).sum();
        let keys: usize = items.iter().map(index_entry_size).sum();
        Some(Sizes {
            record_bytes: total as f64 / n,
            index_entry_bytes: keys as f64 / n,
            source,
        })
    }

    /// A record as `generate` writes it for a one-record request with the default payload;
    /// `reason` says why nothing was measured.
    pub fn generated(reason: String) -> Sizes {
        let mut rng = fastrand::Rng::with_seed(1);
        let (_, records) = build_records(&[1], DEFAULT_PAYLOAD_BYTES, &mut rng);
        let items: Vec<_> = records
            .iter()
            .filter_map(|r| serde_dynamo::to_item(r).ok())
            .collect();
        let source = SizeSource::Generated {
            payload_bytes: DEFAULT_PAYLOAD_BYTES,
            reason,
        };
        // A generated record always converts; the fallback only keeps this total.
        Sizes::mean_of(&items, source.clone()).unwrap_or(Sizes {
            record_bytes: 1.0,
            index_entry_bytes: 1.0,
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_record_is_sized_as_dynamodb_counts_it() {
        let s = Sizes::generated("test".into());
        let mut rng = fastrand::Rng::with_seed(1);
        let (_, records) = build_records(&[1], DEFAULT_PAYLOAD_BYTES, &mut rng);
        let r = &records[0];
        // Names and values: request_id (10 + 36 bytes), seq 0 (3 + 1), customer_id (11 + its length).
        let keys = 10 + r.request_id.as_str().len() + 3 + 1 + 11 + r.customer_id.len();
        assert_eq!(s.index_entry_bytes, keys as f64);
        assert!(s.record_bytes > DEFAULT_PAYLOAD_BYTES as f64 + s.index_entry_bytes);
    }
}
