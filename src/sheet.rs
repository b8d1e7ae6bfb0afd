//! Spreadsheet safety (METHODOLOGY.md §7) for every text cell ddci writes: the data package,
//! the ranking CSV and workbook, `ddci rank` and the codes file. One rule, so no file can let
//! through what another neutralises.

use crate::catalog::table::parse_number;

/// A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a
/// number gets a leading `'`, so no spreadsheet runs it. "A number" is a plain finite decimal
/// (`parse_number`): Rust's own parser would also take `-inf` or `-NaN`, which a spreadsheet
/// reads as a formula, and `trim` would let `\t5` through.
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
    use super::safe_text;

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
}
