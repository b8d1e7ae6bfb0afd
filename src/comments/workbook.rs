//! The workbook of one unit's comments for its head: a title and a note in Vietnamese and
//! English, then one comment per row (already chosen, masked and ordered by
//! [`super::for_head`]). No date, no profile, no storage order: nothing to link a comment to
//! a business.

use crate::locale::text_with;
use crate::sheet::safe_text;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The `.xlsx` bytes for `unit_name`'s head in cycle `year`.
pub fn workbook(unit_name: &str, year: i32, comments: &[String]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Góp ý")?;
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 100)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let quoted = Format::new().set_text_wrap().set_quote_prefix();
    let y = year.to_string();
    let args = [("unit", unit_name), ("year", y.as_str())];
    for (row, (key, lang)) in [
        ("comments-book-title", "vi"),
        ("comments-book-title", "en"),
        ("comments-book-note", "vi"),
        ("comments-book-note", "en"),
    ]
    .iter()
    .enumerate()
    {
        let format = if row < 2 { &bold } else { &wrap };
        ws.write_string_with_format(row as u32, 1, text_with(lang, key, &args), format)?;
    }
    let header = 5;
    for (col, key) in [(0, "comments-book-number"), (1, "comments-book-column")] {
        let both = format!(
            "{} / {}",
            text_with("vi", key, &[]),
            text_with("en", key, &[])
        );
        ws.write_string_with_format(header, col, both, &bold)?;
    }
    for (n, comment) in comments.iter().enumerate() {
        let row = header + 1 + n as u32;
        ws.write_number(row, 0, (n + 1) as f64)?;
        // Text a spreadsheet would run as a formula keeps Excel's quote prefix.
        let format = if safe_text(comment) == *comment {
            &wrap
        } else {
            &quoted
        };
        ws.write_string_with_format(row, 1, comment, format)?;
    }
    if comments.is_empty() {
        ws.write_string(header + 1, 1, text_with("vi", "comments-book-none", &[]))?;
    }
    book.save_to_buffer()
}
