//! A CSV table read by column name, whose errors name the file, the physical line and the column.

use std::collections::HashMap;

/// Where in which file something is wrong, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}{}: {message}", column.as_ref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
pub struct CsvError {
    pub file: String,
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

/// One parsed CSV file.
pub struct Table {
    pub file: String,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

/// One data row, with its physical line number for error messages.
pub struct Row<'a> {
    table: &'a Table,
    pub line: u64,
    record: &'a csv::StringRecord,
}

impl Table {
    /// Parses `text`; every column of `required` must be in the header, and no other column may
    /// be (a misspelled optional column would otherwise be silently ignored).
    pub fn parse(file: &str, text: &str, required: &[&str]) -> Result<Table, CsvError> {
        Table::parse_with(file, text, required, &[])
    }

    /// Like [`Table::parse`], with columns that may be present or not.
    pub fn parse_with(
        file: &str,
        text: &str,
        required: &[&str],
        optional: &[&str],
    ) -> Result<Table, CsvError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| csv_error(file, 1, &e))?
            .clone();
        let columns = header_columns(file, &header, required, optional)?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(file, 0, &e))?;
            // The csv crate's line counter disagrees with editors on CRLF files and after blank
            // lines; the record's byte offset gives the physical line a person sees.
            let offset = record.position().map_or(0, csv::Position::byte);
            let line = physical_line(text.as_bytes(), offset);
            rows.push((line, record));
        }
        Ok(Table {
            file: file.to_string(),
            columns,
            rows,
        })
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row {
            table: self,
            line: *line,
            record,
        })
    }
}

fn header_columns(
    file: &str,
    header: &csv::StringRecord,
    required: &[&str],
    optional: &[&str],
) -> Result<HashMap<String, usize>, CsvError> {
    let mut columns = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        if !required.contains(&name) && !optional.contains(&name) {
            return Err(header_error(file, name, "unknown column"));
        }
        if columns.insert(name.to_string(), i).is_some() {
            return Err(header_error(file, name, "column appears twice"));
        }
    }
    if let Some(missing) = required.iter().find(|c| !columns.contains_key(**c)) {
        return Err(header_error(file, missing, "missing column"));
    }
    Ok(columns)
}

/// The physical line (1-based, as an editor numbers it) on which the record starting at byte
/// `offset` stands. The csv crate's own count ignores blank lines, and its offset points at the
/// blank lines skipped before the record.
pub fn physical_line(bytes: &[u8], offset: u64) -> u64 {
    let mut at = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
        at += 1;
    }
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64
}

fn header_error(file: &str, column: &str, message: &str) -> CsvError {
    CsvError {
        file: file.to_string(),
        line: 1,
        column: Some(column.to_string()),
        message: message.to_string(),
    }
}

fn csv_error(file: &str, fallback_line: u64, e: &csv::Error) -> CsvError {
    let line = e.position().map_or(fallback_line, csv::Position::line);
    CsvError {
        file: file.to_string(),
        line,
        column: None,
        message: format!("malformed CSV: {e}"),
    }
}

impl<'a> Row<'a> {
    /// The trimmed cell of a column that the header is known to have.
    pub fn get(&self, column: &str) -> &'a str {
        self.table
            .columns
            .get(column)
            .and_then(|i| self.record.get(*i))
            .map_or("", str::trim)
    }

    pub fn error(&self, column: &str, message: impl Into<String>) -> CsvError {
        CsvError {
            file: self.table.file.clone(),
            line: self.line,
            column: Some(column.to_string()),
            message: message.into(),
        }
    }

    /// A non-empty cell.
    pub fn text(&self, column: &str) -> Result<String, CsvError> {
        let v = self.get(column);
        if v.is_empty() {
            return Err(self.error(column, "must not be empty"));
        }
        Ok(v.to_string())
    }

    /// A finite number, written with `.` as the decimal point.
    pub fn number(&self, column: &str) -> Result<f64, CsvError> {
        let v = self.get(column);
        parse_number(v).ok_or_else(|| self.error(column, format!("`{v}` is not a number")))
    }

    pub fn optional_number(&self, column: &str) -> Result<Option<f64>, CsvError> {
        if self.get(column).is_empty() {
            return Ok(None);
        }
        self.number(column).map(Some)
    }

    pub fn positive(&self, column: &str) -> Result<f64, CsvError> {
        let v = self.number(column)?;
        if v <= 0.0 {
            return Err(self.error(column, format!("must be greater than 0, not {v}")));
        }
        Ok(v)
    }

    pub fn integer(&self, column: &str) -> Result<i32, CsvError> {
        let v = self.get(column);
        v.parse()
            .map_err(|_| self.error(column, format!("`{v}` is not a whole number")))
    }

    /// An empty cell or a cycle year (2000–2100).
    pub fn optional_year(&self, column: &str) -> Result<Option<i32>, CsvError> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        match v.parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Ok(Some(y)),
            _ => Err(self.error(column, format!("`{v}` is not a year (2000–2100)"))),
        }
    }

    /// An empty cell or a whole number of at least 1.
    pub fn optional_count(&self, column: &str) -> Result<Option<u32>, CsvError> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        match v.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(self.error(column, format!("`{v}` is not a whole number ≥ 1"))),
        }
    }

    /// `valid_from` and `valid_to`, refused when the range is empty.
    pub fn validity(&self) -> Result<(Option<i32>, Option<i32>), CsvError> {
        let from = self.optional_year("valid_from")?;
        let to = self.optional_year("valid_to")?;
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(self.error("valid_to", format!("{t} is before valid_from {f}")));
            }
        }
        Ok((from, to))
    }

    pub fn boolean(&self, column: &str) -> Result<bool, CsvError> {
        match self.get(column) {
            "true" => Ok(true),
            "false" => Ok(false),
            v => Err(self.error(column, format!("`{v}` is not `true` or `false`"))),
        }
    }

    /// A cell parsed with `FromStr`, e.g. a catalog enum.
    pub fn parsed<T>(&self, column: &str) -> Result<T, CsvError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        self.get(column)
            .parse()
            .map_err(|e: T::Err| self.error(column, e.to_string()))
    }
}

/// A finite decimal number with `.` as the decimal point; `1,5`, `NaN` and `inf` are refused.
pub fn parse_number(v: &str) -> Option<f64> {
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if v.is_empty() || !ok_chars {
        return None;
    }
    v.parse::<f64>().ok().filter(|x| x.is_finite())
}
