//! Loaded items as the grids hold them (Explore's Items pane, the SQL console's results):
//! compact, each attribute name once for all the items, and the columns to show.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::TableDesc;
use super::value::Item;

/// Most attribute columns a grid keeps (a sparse table can have thousands).
pub const MAX_COLUMNS: usize = 64;

/// Items the columns are chosen from, at most.
const COLUMN_SAMPLE: usize = 2_000;

/// Loaded items, kept compact: each attribute name is stored once for all the items, an item
/// is its (name, value) pairs. As `HashMap`s, 100,000 items of 20 attributes took 387 MB
/// (benches/any_table.rs); the pairs take about half.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Items {
    names: Vec<String>,
    index: HashMap<String, u32>,
    rows: Vec<Box<[(u32, AttributeValue)]>>,
}

impl Items {
    /// From the items a read returned.
    pub fn from_items(items: Vec<Item>) -> Self {
        let mut out = Items::default();
        out.rows.reserve(items.len());
        for item in items {
            out.push(item);
        }
        out
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Item) {
        let row: Vec<(u32, AttributeValue)> = item
            .into_iter()
            .map(|(name, v)| {
                // A name seen before (nearly always) is looked up, not copied.
                let id = match self.index.get(&name) {
                    Some(&id) => id,
                    None => {
                        let id = self.names.len() as u32;
                        self.index.insert(name.clone(), id);
                        self.names.push(name);
                        id
                    }
                };
                (id, v)
            })
            .collect();
        self.rows.push(row.into_boxed_slice());
    }

    /// Items loaded.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// None loaded.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Attribute `name` of item `row`.
    pub fn get(&self, row: usize, name: &str) -> Option<&AttributeValue> {
        let id = *self.index.get(name)?;
        self.rows
            .get(row)?
            .iter()
            .find(|(n, _)| *n == id)
            .map(|(_, v)| v)
    }

    /// Item `row`, whole.
    pub fn item(&self, row: usize) -> Option<Item> {
        let pairs = self.rows.get(row)?;
        Some(
            pairs
                .iter()
                .map(|(n, v)| (self.names[*n as usize].clone(), v.clone()))
                .collect(),
        )
    }

    /// Item `row`'s attributes as (name, value) pairs in name order, borrowed: what Detail
    /// draws every frame, without copying the item.
    pub fn pairs(&self, row: usize) -> Option<Vec<(&str, &AttributeValue)>> {
        let mut pairs: Vec<(&str, &AttributeValue)> = self
            .rows
            .get(row)?
            .iter()
            .map(|(n, v)| (self.names[*n as usize].as_str(), v))
            .collect();
        pairs.sort_by_key(|(k, _)| *k);
        Some(pairs)
    }

    /// The attribute names of item `row`.
    fn names_of(&self, row: usize) -> impl Iterator<Item = &str> {
        self.rows
            .get(row)
            .into_iter()
            .flat_map(|pairs| pairs.iter().map(|(n, _)| self.names[*n as usize].as_str()))
    }

    /// Keeps the items for which `keep(index)` holds.
    pub fn retain_rows(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let mut i = 0;
        self.rows.retain(|_| {
            let k = keep(i);
            i += 1;
            k
        });
    }
}

/// Key attributes first (table, then indexes), then the others by how many items have them.
pub fn columns(table: &TableDesc, items: &Items) -> Vec<String> {
    let mut cols: Vec<String> = Vec::new();
    let keys = table.key_schema.iter().chain(
        table
            .gsis
            .iter()
            .chain(&table.lsis)
            .flat_map(|i| &i.key_schema),
    );
    for k in keys {
        if !cols.contains(&k.name) {
            cols.push(k.name.clone());
        }
    }
    // Counted on at most COLUMN_SAMPLE items, spread over all of them: a 100,000-item load
    // stays a few milliseconds on the UI thread.
    let step = items.len().div_ceil(COLUMN_SAMPLE).max(1);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for row in (0..items.len()).step_by(step) {
        for name in items.names_of(row) {
            *seen.entry(name).or_default() += 1;
        }
    }
    let mut others: Vec<(&str, usize)> = seen
        .into_iter()
        .filter(|(n, _)| !cols.iter().any(|c| c == n))
        .collect();
    others.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // Index keys no sampled item has are left out; the table's own keys always stay.
    cols.retain(|c| {
        table.key_schema.iter().any(|k| &k.name == c)
            || (0..items.len())
                .step_by(step)
                .any(|row| items.get(row, c).is_some())
    });
    cols.extend(others.into_iter().map(|(n, _)| n.to_owned()));
    cols.truncate(MAX_COLUMNS);
    cols
}
