//! Numbers for people: thousands separators. One copy for the CLI, the TUI, the cost model,
//! the limits' messages and the labs' reports.

/// A whole number with thousands separators: `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    group_digits(&n.to_string())
}

/// `digits` (ASCII digits only) with a comma before every group of three from the right.
pub fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A real number rounded to a whole one, with separators and its sign: `-10,000`.
pub fn thousands_f64(n: f64) -> String {
    let whole = n.round().abs() as u64;
    let out = thousands(whole);
    if n < 0.0 && whole > 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Units as the tables show them: one decimal, more when it is a fraction of a unit.
pub fn units(u: f64) -> String {
    if u != 0.0 && u.abs() < 0.1 {
        format!("{u:.3}")
    } else if u.abs() >= 1_000.0 {
        // Whole units, thousands apart, as every other count in the reports (a tenth is
        // noise at this size, and the tables keep their width).
        thousands_f64(u)
    } else {
        format!("{u:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_of_three_from_the_right() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands_f64(-9999.6), "-10,000");
        assert_eq!(thousands_f64(-0.2), "0");
        assert_eq!(group_digits("26025640"), "26,025,640");
    }
}
