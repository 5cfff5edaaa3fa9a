//! The Labs screen's state: experiments that show teammates how DynamoDB behaves. Until the
//! labs themselves land it only says what it will hold; it owns no keys beyond the global ones.

use super::help::HelpSection;

/// The Labs screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labs;

impl Labs {
    /// Its part of the help.
    pub const HELP: &'static [HelpSection] = &[HelpSection {
        title: "Labs",
        keys: &[("(none yet)", "the labs are not built yet")],
    }];

    /// The key hints: (full, short).
    pub fn hints(&self) -> (&'static str, &'static str) {
        (
            "1 Explore  3 Cost  ? help  q quit",
            "1 Explore  ? help  q quit",
        )
    }
}
