//! Cell formatting shared by every file ddci writes for people's spreadsheets and tools.

use crate::catalog::table::parse_number;

/// Shortest text that parses back to the same f64 (Rust's `Display`); callers never pass NaN
/// or infinity (the engine yields `None` instead), and a non-finite value is written empty.
pub fn number(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

pub fn opt_number(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

pub fn opt_count<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// METHODOLOGY.md §7 spreadsheet safety: a text cell that starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return and is not a number gets a leading `'`, so no spreadsheet runs it.
/// "A number" is a plain finite decimal (`parse_number`): Rust's own parser would also take
/// `-inf` or `-NaN`, which a spreadsheet reads as a formula, and `trim` would let `\t5` through.
pub fn safe_text(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && parse_number(s).is_none() {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_shortest_round_trip_form() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(75.0), "75");
        assert_eq!(number(1e-7).parse::<f64>().ok(), Some(1e-7));
        assert_eq!(number(f64::NAN), "");
        assert_eq!(opt_number(None), "");
    }

    #[test]
    fn formulas_are_neutralised_but_numbers_are_not() {
        assert_eq!(safe_text("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe_text("-5"), "-5");
        assert_eq!(safe_text("-x"), "'-x");
        assert_eq!(safe_text("@cmd"), "'@cmd");
        assert_eq!(safe_text("\tx"), "'\tx");
        assert_eq!(safe_text("Sở Tư pháp"), "Sở Tư pháp");
    }

    #[test]
    fn only_plain_numbers_escape_the_quote() {
        assert_eq!(safe_text("+2.5"), "+2.5");
        assert_eq!(safe_text("-1e3"), "-1e3");
        assert_eq!(safe_text("+x"), "'+x");
        assert_eq!(safe_text("\rx"), "'\rx");
        assert_eq!(safe_text("-inf"), "'-inf");
        assert_eq!(safe_text("-NaN"), "'-NaN");
        assert_eq!(safe_text("\t5"), "'\t5");
        assert_eq!(safe_text("- 5"), "'- 5");
        assert_eq!(safe_text("a=b"), "a=b");
        assert_eq!(safe_text(""), "");
    }

    #[test]
    fn numbers_never_use_a_comma_nor_print_nan_or_infinity() {
        assert_eq!(number(1234.5678), "1234.5678");
        assert_eq!(number(f64::INFINITY), "");
        assert_eq!(number(f64::NEG_INFINITY), "");
        let third = 1.0 / 3.0;
        assert_eq!(number(third).parse::<f64>().ok(), Some(third));
        assert_eq!(opt_number(Some(2.5)), "2.5");
        assert_eq!(opt_count(Some(3u32)), "3");
        assert_eq!(opt_count::<i64>(None), "");
    }
}
