//! Any table, whatever its key schema: its description ([`desc`]), values in and out as text
//! ([`value`]), expressions checked before they are sent ([`expr`]), and reads and deletes by
//! its keys ([`ops`]). The request table keeps its own domain in `request/` and `store/`.

pub mod desc;
pub mod expr;
pub mod items;
pub mod ops;
pub mod partiql;
pub mod sql;
pub mod transfer;
pub mod value;

pub use desc::{IndexDesc, KeyAttr, TableDesc};
pub use ops::{
    Expressions, Prepared, QuerySpec, ReadOutput, ScanSpec, key_of, parse_key, prepare_query,
    prepare_scan,
};
