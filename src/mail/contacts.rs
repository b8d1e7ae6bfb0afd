//! A contacts file: CSV or Excel (.xlsx) with the columns `email,label` (others are ignored).
//! The whole file is checked before anything is stored or sent; every error names the file,
//! the line and the field.

use std::collections::HashMap;
use std::path::Path;

/// One contact of a file: its line (1 = the header), its address (trimmed, lower case) and
/// its optional label (business name or tax code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub line: usize,
    pub email: String,
    pub label: Option<String>,
}

/// Errors beyond this many are summarised: a wrong file is recognised by its first few.
const MAX_ERRORS: usize = 20;

/// Reads `path`: an Excel workbook when it ends in `.xlsx` (its first sheet), else CSV.
pub fn read_contacts(path: &Path) -> anyhow::Result<Vec<Contact>> {
    let bytes =
        std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let name = path.display().to_string();
    parse(&name, &bytes)
}

/// Parses a contacts file named `name` (its extension chooses Excel or CSV).
pub fn parse(name: &str, bytes: &[u8]) -> anyhow::Result<Vec<Contact>> {
    let rows = if name.to_ascii_lowercase().ends_with(".xlsx") {
        xlsx_rows(name, bytes)?
    } else {
        csv_rows(name, bytes)?
    };
    check(name, rows)
}

/// Rows of cells with their line numbers, the header first.
type Rows = Vec<(usize, Vec<String>)>;

fn csv_rows(name: &str, bytes: &[u8]) -> anyhow::Result<Rows> {
    // Excel writes a byte order mark before UTF-8 CSV; it is not part of the first column name.
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            anyhow::anyhow!("{name}, line {line}: {e} (a contacts file is UTF-8 CSV or .xlsx)")
        })?;
        let line = record.position().map_or(0, csv::Position::line) as usize;
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(rows)
}

fn xlsx_rows(name: &str, bytes: &[u8]) -> anyhow::Result<Rows> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| anyhow::anyhow!("{name}: not a readable Excel workbook ({e})"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| anyhow::anyhow!("{name}: the workbook has no sheet"))?
        .map_err(|e| anyhow::anyhow!("{name}: cannot read its first sheet ({e})"))?;
    // Excel's row numbers, so that "line 7" is the row the Association sees as 7.
    let first = range.start().map_or(0, |(row, _)| row as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            (
                first + i + 1,
                cells.iter().map(ToString::to_string).collect(),
            )
        })
        .collect())
}

/// The contacts of `rows`, or every problem found (invalid and duplicate addresses, an unknown
/// header), so that the file is fixed once.
fn check(name: &str, rows: Rows) -> anyhow::Result<Vec<Contact>> {
    let mut rows = rows.into_iter();
    let (_, header) = rows
        .next()
        .ok_or_else(|| anyhow::anyhow!("{name} is empty: expected the header email,label"))?;
    let column = |wanted: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(wanted))
    };
    let Some(email_at) = column("email") else {
        anyhow::bail!(
            "{name}, line 1: the header has no `email` column (it has: {}); a contacts file \
             has the columns email,label",
            header.join(",")
        );
    };
    let label_at = column("label");
    let mut errors = Vec::new();
    let mut contacts = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (line, cells) in rows {
        let cell = |at: usize| cells.get(at).map_or("", |c| c.trim());
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let email = cell(email_at).to_lowercase();
        if let Err(e) = email.parse::<lettre::Address>() {
            errors.push(format!(
                "{name}, line {line}, email: `{}` is not a valid email address ({e})",
                cell(email_at)
            ));
            continue;
        }
        if let Some(first) = first_line.get(&email) {
            errors.push(format!(
                "{name}, line {line}, email: {email} is already on line {first}"
            ));
            continue;
        }
        first_line.insert(email.clone(), line);
        let label = label_at.map(cell).filter(|l| !l.is_empty());
        contacts.push(Contact {
            line,
            email,
            label: label.map(str::to_string),
        });
    }
    if !errors.is_empty() {
        let more = errors.len().saturating_sub(MAX_ERRORS);
        errors.truncate(MAX_ERRORS);
        if more > 0 {
            errors.push(format!("… and {more} more"));
        }
        anyhow::bail!("{} (nothing was stored or sent)", errors.join("\n"));
    }
    anyhow::ensure!(!contacts.is_empty(), "{name} has no contacts");
    Ok(contacts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_with_a_byte_order_mark_and_extra_columns_is_read() {
        let text =
            "\u{feff}tax_code,Email,label\n0101,An@Example.vn,Công ty An\n0102,binh@example.vn,\n";
        let got = parse("c.csv", text.as_bytes()).expect("valid");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].email, "an@example.vn");
        assert_eq!(got[0].label.as_deref(), Some("Công ty An"));
        assert_eq!((got[1].line, got[1].label.as_deref()), (3, None));
    }

    #[test]
    fn invalid_and_duplicate_addresses_name_their_lines() {
        let text = "email,label\na@example.vn,A\nnot-an-address,B\nA@example.vn,C\n";
        let e = parse("c.csv", text.as_bytes())
            .expect_err("refused")
            .to_string();
        assert!(e.contains("c.csv, line 3, email: `not-an-address`"), "{e}");
        assert!(
            e.contains("c.csv, line 4, email: a@example.vn is already on line 2"),
            "{e}"
        );
    }

    #[test]
    fn a_header_without_email_is_refused_naming_the_file() {
        let e = parse("list.csv", b"name,phone\nAn,0901\n")
            .expect_err("refused")
            .to_string();
        assert!(
            e.starts_with("list.csv, line 1: the header has no `email` column"),
            "{e}"
        );
    }
}
