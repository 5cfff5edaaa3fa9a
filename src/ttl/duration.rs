//! [`Ttl`]: how long a generated record lives before TTL may delete it, as `generate --ttl`
//! and the generate dialog take it: a whole number and a unit, `90s`, `15m`, `2h`, `30d`.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The longest TTL taken: ten years, far past any demo, and it keeps `expires_at` (epoch
/// seconds) well inside DynamoDB's and Dynoxide's number ranges.
const MAX_SECS: u64 = 10 * 365 * 86_400;

/// Units, largest first (for display).
const UNITS: [(char, u64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// A record's time to live, in whole seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ttl(u64);

/// Why a TTL text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TtlError {
    /// Not a number followed by a unit.
    #[error("{0:?} is not a duration: give a whole number and a unit, e.g. 90s, 15m, 2h or 30d")]
    Malformed(String),
    /// Zero.
    #[error("{0:?} is zero: a record must live at least 1s")]
    Zero(String),
    /// Over the cap.
    #[error("{0:?} is over the cap of 3650d (ten years)")]
    TooLong(String),
}

impl Ttl {
    /// Records live 30 days unless asked otherwise (`generate --ttl`'s default).
    pub const DEFAULT: Ttl = Ttl(crate::request::generate::DEFAULT_TTL_DAYS as u64 * 86_400);

    /// From whole seconds (1 or more).
    pub fn from_secs(secs: u64) -> Result<Ttl, TtlError> {
        Ttl::from_str(&format!("{secs}s"))
    }

    /// The duration.
    pub fn as_duration(self) -> Duration {
        Duration::from_secs(self.0)
    }

    /// Whole seconds.
    pub fn secs(self) -> u64 {
        self.0
    }

    /// `expires_at` of a record written at `epoch` (seconds).
    pub fn expires_at(self, epoch: i64) -> i64 {
        epoch.saturating_add(i64::try_from(self.0).unwrap_or(i64::MAX))
    }
}

impl Default for Ttl {
    fn default() -> Self {
        Ttl::DEFAULT
    }
}

impl FromStr for Ttl {
    type Err = TtlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let malformed = || TtlError::Malformed(t.to_owned());
        let unit = t.chars().last().ok_or_else(malformed)?;
        let (_, scale) = UNITS
            .iter()
            .find(|(u, _)| *u == unit.to_ascii_lowercase())
            .ok_or_else(malformed)?;
        let digits = &t[..t.len() - unit.len_utf8()];
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(malformed());
        }
        // Too many digits to parse is too long, not malformed.
        let n: u64 = digits
            .parse()
            .map_err(|_| TtlError::TooLong(t.to_owned()))?;
        let secs = n
            .checked_mul(*scale)
            .ok_or_else(|| TtlError::TooLong(t.to_owned()))?;
        match secs {
            0 => Err(TtlError::Zero(t.to_owned())),
            s if s > MAX_SECS => Err(TtlError::TooLong(t.to_owned())),
            s => Ok(Ttl(s)),
        }
    }
}

impl fmt::Display for Ttl {
    /// The largest unit that divides it: `30d`, `90m`, `90s`; so it parses back the same.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (unit, scale) = UNITS
            .iter()
            .find(|(_, scale)| self.0.is_multiple_of(*scale))
            .unwrap_or(&UNITS[3]);
        write!(f, "{}{unit}", self.0 / scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_examples_parse() {
        assert_eq!("90s".parse::<Ttl>().unwrap().secs(), 90);
        assert_eq!("2h".parse::<Ttl>().unwrap().secs(), 7_200);
        assert_eq!("30d".parse::<Ttl>().unwrap(), Ttl::DEFAULT);
        assert_eq!("15m".parse::<Ttl>().unwrap().secs(), 900);
        assert_eq!(" 2H ".parse::<Ttl>().unwrap().secs(), 7_200);
    }

    #[test]
    fn bad_text_says_what_is_wrong() {
        for bad in ["", "30", "d", "-5m", "1.5h", "2w", "2 h", "1e3s", "3d4h"] {
            let e = bad.parse::<Ttl>().unwrap_err();
            assert!(matches!(e, TtlError::Malformed(_)), "{bad:?}: {e}");
            assert!(e.to_string().contains("e.g. 90s"), "{e}");
        }
        assert!(matches!("0s".parse::<Ttl>(), Err(TtlError::Zero(_))));
        assert!(matches!("3651d".parse::<Ttl>(), Err(TtlError::TooLong(_))));
        assert!(matches!(
            "99999999999999999999999d".parse::<Ttl>(),
            Err(TtlError::TooLong(_))
        ));
        assert!("3650d".parse::<Ttl>().is_ok());
    }

    #[test]
    fn display_parses_back_to_the_same_ttl() {
        for secs in [1, 59, 60, 90, 3_600, 5_400, 86_400, 2_592_000, 86_401] {
            let ttl = Ttl::from_secs(secs).unwrap();
            assert_eq!(ttl.to_string().parse::<Ttl>().unwrap(), ttl, "{ttl}");
        }
        assert_eq!(Ttl::DEFAULT.to_string(), "30d");
        assert_eq!(Ttl::from_secs(5_400).unwrap().to_string(), "90m");
    }
}
