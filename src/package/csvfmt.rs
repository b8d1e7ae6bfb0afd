//! Number cells shared by every file ddci writes for people's spreadsheets and tools (text
//! cells go through `crate::sheet::safe_text`).

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
