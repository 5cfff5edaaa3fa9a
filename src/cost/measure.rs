//! The record size the estimate starts from, measured: the mean size of items read back (a
//! Scan page, or what this session wrote) and of the keys-only index entry each would make,
//! both as DynamoDB counts bytes (`size::item_size`). Pure: the caller reads the items.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::GSI_KEY_ATTRIBUTE;
use crate::generate::{DEFAULT_PAYLOAD_BYTES, build_records};
use crate::schema::{PARTITION_KEY, SORT_KEY};
use crate::size::{item_size, value_size};

/// Mean sizes of some items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasuredSize {
    /// Mean item size in bytes.
    pub record_bytes: f64,
    /// Mean size of the item's keys-only entry in an index on customer id (request_id, seq,
    /// customer_id).
    pub index_entry_bytes: f64,
    /// Items measured.
    pub items: u64,
}

/// Bytes of the attributes a keys-only index on customer id holds for `item`.
pub fn index_entry_size(item: &HashMap<String, AttributeValue>) -> usize {
    [PARTITION_KEY, SORT_KEY, GSI_KEY_ATTRIBUTE]
        .iter()
        .filter_map(|name| item.get(*name).map(|v| name.len() + value_size(v)))
        .sum()
}

/// The mean sizes of `items`; `None` when there are none.
pub fn measure_items<'a>(
    items: impl IntoIterator<Item = &'a HashMap<String, AttributeValue>>,
) -> Option<MeasuredSize> {
    let (mut n, mut bytes, mut keys) = (0u64, 0usize, 0usize);
    for item in items {
        n += 1;
        bytes += item_size(item);
        keys += index_entry_size(item);
    }
    (n > 0).then(|| MeasuredSize {
        record_bytes: bytes as f64 / n as f64,
        index_entry_bytes: keys as f64 / n as f64,
        items: n,
    })
}

/// A record as `generate` writes it for a one-record request with the default payload: the
/// size to start from when nothing has been written yet.
pub fn generated_record_size() -> MeasuredSize {
    let mut rng = fastrand::Rng::with_seed(1);
    let (_, records) = build_records(&[1], DEFAULT_PAYLOAD_BYTES, &mut rng);
    let items: Vec<_> = records
        .iter()
        .map(|r| serde_dynamo::to_item(r).expect("a generated record always converts"))
        .collect();
    measure_items(&items).expect("build_records(&[1]) makes one record")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_the_items_and_their_index_keys() {
        let g = generated_record_size();
        assert_eq!(g.items, 1);
        // request_id (10 + 36) + seq (3 + 1: zero) + customer_id (11 + 14) = 75.
        assert_eq!(g.index_entry_bytes, 75.0);
        // The payload and the other attributes on top of the keys.
        assert!(g.record_bytes > 200.0 + g.index_entry_bytes, "{g:?}");
        let item = HashMap::from([
            ("request_id".to_owned(), AttributeValue::S("ab".into())),
            ("payload".to_owned(), AttributeValue::S("xyz".into())),
        ]);
        let other = HashMap::from([("request_id".to_owned(), AttributeValue::S("abcd".into()))]);
        let m = measure_items([&item, &other]).unwrap();
        assert_eq!(m.record_bytes, ((10 + 2 + 7 + 3) + (10 + 4)) as f64 / 2.0);
        assert_eq!(m.index_entry_bytes, ((10 + 2) + (10 + 4)) as f64 / 2.0);
        assert!(measure_items(std::iter::empty()).is_none());
    }
}
