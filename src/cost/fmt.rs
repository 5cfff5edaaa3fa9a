//! Number formatting for the bill's formulas and tables: thousands separators, dollars,
//! and as many decimals as a figure needs to be read, without hiding that it is rounded.

/// A count or quantity with thousands separators: `26025640`, `26,025,640`; a fraction keeps
/// up to `decimals` places, trailing zeros dropped (`26.03`, `0.5`).
pub fn num(value: f64, decimals: usize) -> String {
    grouped(value, decimals, true)
}

fn grouped(value: f64, decimals: usize, trim: bool) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let grouped = crate::fmt::group_digits(int);
    let frac = if trim {
        frac.trim_end_matches('0')
    } else {
        frac
    };
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A whole count: `2,975`.
pub fn count(value: f64) -> String {
    num(value, 0)
}

/// Dollars with cents, or more places under a dollar so small lines do not read as $0.00:
/// `$1,234.57`, `$0.0912`, `$0`.
pub fn usd(value: f64) -> String {
    let places = if value == 0.0 || value.abs() >= 1.0 {
        2
    } else {
        4
    };
    let text = if value == 0.0 {
        "0".to_owned()
    } else {
        grouped(value, places, false)
    };
    match text.strip_prefix('-') {
        Some(rest) => format!("-${rest}"),
        None => format!("${text}"),
    }
}

/// A unit price as given: `$0.625`, `$0.00065` (no rounding: it is an input).
pub fn price(value: f64) -> String {
    format!("${value}")
}

/// A signed dollar change: `+$12.50`, `-$3.10`, `$0`.
pub fn usd_change(value: f64) -> String {
    if value > 0.0 {
        format!("+{}", usd(value))
    } else {
        usd(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_trims() {
        assert_eq!(count(26_025_640.4), "26,025,640");
        assert_eq!(num(26.0256, 2), "26.03");
        assert_eq!(num(0.5, 3), "0.5");
        assert_eq!(num(999.0, 2), "999");
        assert_eq!(num(1000.0, 0), "1,000");
        assert_eq!(num(-1234.5, 1), "-1,234.5");
        assert_eq!(usd(1234.567), "$1,234.57");
        assert_eq!(usd(0.09123), "$0.0912");
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd_change(12.5), "+$12.50");
        assert_eq!(usd_change(-3.1), "-$3.10");
        assert_eq!(usd(-0.00001), "$0.0000");
        assert_eq!(price(0.00065), "$0.00065");
    }
}
