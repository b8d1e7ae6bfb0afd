//! Numbers as the page's readers write them: `75,99`, `1.234,5` in Vietnamese, `75.99` in
//! English (files for machines keep `.`).

use crate::locale;

/// `x` with `decimals` digits in the page's language; nothing for no value.
pub fn number(x: Option<f64>, lang: &str, decimals: usize) -> String {
    let write: fn(f64, usize) -> String = locale::pick(lang, vi_number, en_number);
    x.map(|v| write(v, decimals)).unwrap_or_default()
}

/// A count as the page's readers write it: `1.500` in Vietnamese, `1,500` in English.
pub fn whole(x: f64, lang: &str) -> String {
    let vi = vi_number(x, 0);
    locale::pick(lang, vi.clone(), vi.replace('.', ","))
}

/// A stored instant (RFC 3339) as Lạng Sơn reads it: Asia/Ho_Chi_Minh (UTC+7 all year, no
/// summer time), `06/12/2026 14:05` in Vietnamese, `06 Dec 2026 14:05` in English; anything
/// else as it is.
pub fn local_time(stored: &str, lang: &str) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(stored) else {
        return stored.to_string();
    };
    let Some(vietnam) = chrono::FixedOffset::east_opt(7 * 3600) else {
        return stored.to_string();
    };
    let local = t.with_timezone(&vietnam);
    local
        .format(locale::pick(lang, "%d/%m/%Y %H:%M", "%d %b %Y %H:%M"))
        .to_string()
}

fn en_number(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}")
}

/// `x` with `decimals` digits after a decimal comma and `.` between thousands.
pub fn vi_number(x: f64, decimals: usize) -> String {
    let fixed = format!("{:.*}", decimals, x.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((fixed.as_str(), ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::{number, vi_number};

    #[test]
    fn numbers_use_a_decimal_comma_and_dots_between_thousands() {
        assert_eq!(vi_number(75.987, 2), "75,99");
        assert_eq!(vi_number(1234.5, 1), "1.234,5");
        assert_eq!(vi_number(-3.26, 1), "-3,3");
        assert_eq!(vi_number(-0.01, 1), "0,0");
        assert_eq!(vi_number(5.0, 0), "5");
    }

    #[test]
    fn instants_read_in_vietnam_time() {
        assert_eq!(
            super::local_time("2026-12-06T22:05:09Z", "vi"),
            "07/12/2026 05:05"
        );
        assert_eq!(
            super::local_time("2026-12-06T01:00:00+00:00", "en"),
            "06 Dec 2026 08:00"
        );
        assert_eq!(super::local_time("yesterday", "vi"), "yesterday");
    }

    #[test]
    fn counts_group_thousands_in_the_page_language() {
        assert_eq!(super::whole(1500.0, "vi"), "1.500");
        assert_eq!(super::whole(1234567.0, "en"), "1,234,567");
        assert_eq!(super::whole(999.0, "vi"), "999");
    }

    #[test]
    fn english_pages_use_a_decimal_point() {
        assert_eq!(number(Some(1234.567), "en", 2), "1234.57");
        assert_eq!(number(Some(1234.567), "vi", 2), "1.234,57");
        assert_eq!(number(None, "en", 2), "");
    }
}
