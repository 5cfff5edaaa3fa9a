//! The Cost screen's state: the monthly bill of the request table in production. Until the
//! cost model lands it only says what it will hold; it owns no keys beyond the global ones.

use super::help::HelpSection;

/// The Cost screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cost;

impl Cost {
    /// Its part of the help.
    pub const HELP: &'static [HelpSection] = &[HelpSection {
        title: "Cost",
        keys: &[("(none yet)", "the cost model is not built yet")],
    }];

    /// The key hints: (full, short).
    pub fn hints(&self) -> (&'static str, &'static str) {
        (
            "1 Explore  2 Labs  ? help  q quit",
            "1 Explore  ? help  q quit",
        )
    }
}
