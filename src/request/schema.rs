//! The one definition of the request table: names, key schema, TTL attribute and the record
//! type. The store, the tests and the terraform drift test all read it from here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Table name used when `--table` is not given.
pub const DEFAULT_TABLE_NAME: &str = "requests";
/// Partition key: one request id per partition key, so heavy customers never become hot keys.
pub const PARTITION_KEY: &str = "request_id";
/// Sort key: 0-based index of the record within its request.
pub const SORT_KEY: &str = "seq";
/// TTL attribute (epoch seconds): TTL deletes are free, which is how records go "eventually".
pub const TTL_ATTRIBUTE: &str = "expires_at";

/// DynamoDB scalar attribute types used by the key schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// String (`S`).
    S,
    /// Number (`N`).
    N,
}

impl KeyType {
    /// The type letter DynamoDB and terraform use.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::S => "S",
            KeyType::N => "N",
        }
    }
}

/// Partition key attribute type.
pub const PARTITION_KEY_TYPE: KeyType = KeyType::S;
/// Sort key attribute type.
pub const SORT_KEY_TYPE: KeyType = KeyType::N;

/// Largest item DynamoDB stores: 400 KB including attribute names.
pub const MAX_ITEM_BYTES: usize = 409_600;

/// Identifier of one incoming request (a UUID), shared by all its records.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestId(String);

/// Why a string is not a request id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestIdError {
    /// Nothing but whitespace.
    #[error("the request id is empty")]
    Empty,
    /// Over DynamoDB's 2048-byte partition key limit.
    #[error("the request id is {0} bytes; a partition key is at most 2048 bytes")]
    TooLong(usize),
    /// Control characters (a pasted newline, say) never belong in an id.
    #[error("the request id contains control characters (a pasted newline?)")]
    ControlChars,
}

impl RequestId {
    /// A fresh random (v4) request id.
    pub fn new_random() -> Self {
        RequestId(Uuid::new_v4().to_string())
    }

    /// Accepts any non-empty key DynamoDB would accept, trimmed. Ids written by other tools need
    /// not be UUIDs, so only what DynamoDB itself rejects is refused here.
    pub fn parse(s: &str) -> Result<Self, RequestIdError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(RequestIdError::Empty);
        }
        if t.len() > 2048 {
            return Err(RequestIdError::TooLong(t.len()));
        }
        if t.chars().any(char::is_control) {
            return Err(RequestIdError::ControlChars);
        }
        Ok(RequestId(t.to_owned()))
    }

    /// The id as stored in DynamoDB.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RequestId {
    type Err = RequestIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RequestId::parse(s)
    }
}

/// One record of a request, as stored in the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Partition key.
    pub request_id: RequestId,
    /// Sort key: 0-based position within the request.
    pub seq: u32,
    /// RFC 3339 UTC time the request was written.
    pub created_at: String,
    /// The customer that sent the request (never a key: heavy customers would be hot keys).
    pub customer_id: String,
    /// How many records the request has, so a reader knows when it has them all.
    pub record_count: u32,
    /// Generated text of a chosen size.
    pub payload: String,
    /// TTL, epoch seconds.
    pub expires_at: i64,
}

/// The primary key of one record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordKey {
    /// Partition key.
    pub request_id: RequestId,
    /// Sort key.
    pub seq: u32,
}

impl Record {
    /// This record's primary key.
    pub fn key(&self) -> RecordKey {
        RecordKey {
            request_id: self.request_id.clone(),
            seq: self.seq,
        }
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.request_id, self.seq)
    }
}

/// Is `name` a table name DynamoDB accepts (3..255 chars of `[a-zA-Z0-9_.-]`)?
pub fn validate_table_name(name: &str) -> Result<(), String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(3..=255).contains(&name.len()) || !ok_chars {
        return Err(format!(
            "invalid table name {name:?}: DynamoDB table names are 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_id_rejects_what_dynamodb_rejects() {
        assert_eq!(RequestId::parse("   "), Err(RequestIdError::Empty));
        assert_eq!(RequestId::parse(""), Err(RequestIdError::Empty));
        assert_eq!(
            RequestId::parse(&"x".repeat(3000)),
            Err(RequestIdError::TooLong(3000))
        );
        assert_eq!(
            RequestId::parse("abc\ndef"),
            Err(RequestIdError::ControlChars)
        );
        assert_eq!(RequestId::parse("  abc  ").unwrap().as_str(), "abc");
    }

    #[test]
    fn table_names() {
        assert!(validate_table_name("requests").is_ok());
        assert!(validate_table_name("ab").is_err());
        assert!(validate_table_name("bad name").is_err());
        assert!(validate_table_name(&"a".repeat(256)).is_err());
        assert!(validate_table_name("a.b-c_d").is_ok());
    }
}
