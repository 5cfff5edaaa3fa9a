//! Item size and capacity-unit math, as DynamoDB bills it (see ../shared/DYNAMODB.md).
//! Used to check payloads against the 400 KB limit before sending, to show each item's size,
//! and to estimate the WCU of a delete before the user confirms it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

/// DynamoDB's kilobyte for capacity math.
const KB: usize = 1024;

/// Bytes DynamoDB counts for an item: attribute names plus values.
pub fn item_size(item: &HashMap<String, AttributeValue>) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

/// Bytes DynamoDB counts for one attribute value.
pub fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(v) => v.iter().map(String::len).sum(),
        AttributeValue::Ns(v) => v.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(v) => v.iter().map(|b| b.as_ref().len()).sum(),
        // L and M: 3 bytes of overhead plus 1 per element, plus the elements.
        AttributeValue::L(v) => 3 + v.iter().map(|e| 1 + value_size(e)).sum::<usize>(),
        AttributeValue::M(m) => {
            3 + m
                .iter()
                .map(|(k, e)| 1 + k.len() + value_size(e))
                .sum::<usize>()
        }
        _ => 0,
    }
}

/// Size of a number: 1 byte + 1 per two significant digits of the integer and fraction parts
/// (leading and trailing zeros trimmed), +1 if negative; zero costs 1.
pub fn number_size(n: &str) -> usize {
    let n = n.trim();
    let (negative, digits) = match n.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, n.strip_prefix('+').unwrap_or(n)),
    };
    // Exponent notation is rare in practice; count its mantissa's digits.
    let mantissa = digits.split(['e', 'E']).next().unwrap_or("");
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let int_digits = int_part.trim_start_matches('0').len();
    let frac_digits = frac_part.trim_end_matches('0').len();
    if int_digits == 0 && frac_digits == 0 {
        return 1;
    }
    1 + int_digits.div_ceil(2) + frac_digits.div_ceil(2) + usize::from(negative)
}

/// Write capacity units to put or delete an item of `size` bytes: 1 per started KB, at least 1.
pub fn write_units(size: usize) -> u64 {
    size.div_ceil(KB).max(1) as u64
}

/// Read capacity units for a Query or Scan page that evaluated `total_size` bytes: rounded up
/// to 4 KB once per page; eventual reads cost half.
pub fn page_read_units(total_size: usize, consistent: bool) -> f64 {
    let units = total_size.div_ceil(4 * KB).max(1) as f64;
    if consistent { units } else { units / 2.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_documented_formula() {
        assert_eq!(number_size("0"), 1);
        assert_eq!(number_size("7"), 2);
        assert_eq!(number_size("12"), 2);
        assert_eq!(number_size("123"), 3);
        assert_eq!(number_size("-123"), 4);
        assert_eq!(number_size("1000"), 3); // int digits 4 -> 2 bytes; zeros count in the integer part
        assert_eq!(number_size("0.5"), 2);
        assert_eq!(number_size("1.50"), 3);
        assert_eq!(number_size("1764000000"), 6);
    }

    #[test]
    fn item_size_adds_names_and_values() {
        let item = HashMap::from([
            ("a".to_owned(), AttributeValue::S("xyz".into())),
            ("bb".to_owned(), AttributeValue::N("12".into())),
            ("c".to_owned(), AttributeValue::Bool(true)),
        ]);
        assert_eq!(item_size(&item), (1 + 3) + (2 + 2) + (1 + 1));
    }

    #[test]
    fn capacity_units_round_per_item_and_page() {
        assert_eq!(write_units(1), 1);
        assert_eq!(write_units(1024), 1);
        assert_eq!(write_units(1025), 2);
        assert_eq!(write_units(5000), 5);
        assert_eq!(page_read_units(5000, false), 1.0);
        assert_eq!(page_read_units(5000, true), 2.0);
        assert_eq!(page_read_units(0, true), 1.0);
    }
}
