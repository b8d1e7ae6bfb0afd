//! Reading the CSV files of `ddci rank`: records with their physical line, header checks,
//! numbers, unique names; and the error type that names file, line and column.

use std::collections::HashMap;
use std::io::Read;

/// Why `ddci rank` refused its input (or could not write); every message is an English
/// sentence naming the file role, the physical line (header = 1) and, for a cell, the column.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("{file} could not be read as CSV: {source}")]
    Read {
        file: &'static str,
        source: csv::Error,
    },
    #[error("{file} is empty; it needs at least a header line.")]
    Empty { file: &'static str },
    #[error("{file} line 1: the header must be `{expected}`, but it is `{found}`.")]
    Header {
        file: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("{file} line {line}: the header has {expected} columns but this line has {found}.")]
    CellCount {
        file: &'static str,
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error("scores.csv line 1: there is no component column after the unit column.")]
    NoComponents,
    #[error("{file} line {line}, column {column}: the name is empty.")]
    EmptyName {
        file: &'static str,
        line: u64,
        column: usize,
    },
    #[error("{file} line {line}, column {column}: `{name}` appears a second time (first on line {first_line}).")]
    Duplicate {
        file: &'static str,
        line: u64,
        column: usize,
        name: String,
        first_line: u64,
    },
    #[error(
        "scores.csv line 1, column {column}: component `{component}` has no weight in weights.csv."
    )]
    MissingWeight { column: usize, component: String },
    #[error(
        "weights.csv line {line}, column 1: `{component}` is not a component column of scores.csv."
    )]
    UnknownComponent { line: u64, component: String },
    #[error("{file} line {line}, column {column}: `{value}` is not a number (use `.` as the decimal point).")]
    NotANumber {
        file: &'static str,
        line: u64,
        column: usize,
        value: String,
    },
    #[error("weights.csv line {line}, column 2: the weight must be a finite number greater than 0, but it is `{value}`.")]
    BadWeight { line: u64, value: String },
    #[error("groups.csv line {line}, column 3: {problem}")]
    BadGroup { line: u64, problem: &'static str },
    #[error("the ranked table could not be written: {0}")]
    Write(#[source] csv::Error),
}

/// A CSV record with its physical line.
pub(crate) type Line = (u64, Vec<String>);

/// All records of a file with their physical line (see `catalog::table::physical_line`).
pub(crate) fn records(mut input: impl Read, file: &'static str) -> Result<Vec<Line>, TableError> {
    let mut bytes = Vec::new();
    let read = input.read_to_end(&mut bytes);
    read.map_err(|e| TableError::Read {
        file,
        source: e.into(),
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|source| TableError::Read { file, source })?;
        let line = crate::catalog::table::physical_line(
            &bytes,
            record.position().map_or(0, csv::Position::byte),
        );
        lines.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(lines)
}

/// Header and data lines, every data line with as many cells as the header; the header is
/// checked against `expected` first when the file has a fixed one.
pub(crate) fn split_header(
    lines: Vec<Line>,
    file: &'static str,
    expected: Option<&'static str>,
) -> Result<(Vec<String>, Vec<Line>), TableError> {
    let mut lines = lines.into_iter();
    let Some((_, header)) = lines.next() else {
        return Err(TableError::Empty { file });
    };
    if let Some(expected) = expected {
        expect_header(&header, file, expected)?;
    }
    let body: Vec<Line> = lines.collect();
    if let Some((line, cells)) = body.iter().find(|(_, c)| c.len() != header.len()) {
        let (line, expected, found) = (*line, header.len(), cells.len());
        return Err(TableError::CellCount {
            file,
            line,
            expected,
            found,
        });
    }
    Ok((header, body))
}

pub(crate) fn expect_header(
    header: &[String],
    file: &'static str,
    expected: &'static str,
) -> Result<(), TableError> {
    let found = header.join(",");
    if found != expected {
        return Err(TableError::Header {
            file,
            expected,
            found,
        });
    }
    Ok(())
}

/// A finite number, or `None` for an empty cell.
pub(crate) fn number(
    cell: &str,
    file: &'static str,
    line: u64,
    column: usize,
) -> Result<Option<f64>, TableError> {
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(TableError::NotANumber {
            file,
            line,
            column,
            value: cell.to_string(),
        }),
    }
}

/// Remembers names with their line to reject a second occurrence.
pub(crate) fn check_unique(
    seen: &mut HashMap<String, u64>,
    name: &str,
    at: (&'static str, u64, usize),
) -> Result<(), TableError> {
    let (file, line, column) = at;
    if name.is_empty() {
        return Err(TableError::EmptyName { file, line, column });
    }
    if let Some(&first_line) = seen.get(name) {
        return Err(TableError::Duplicate {
            file,
            line,
            column,
            name: name.to_string(),
            first_line,
        });
    }
    seen.insert(name.to_string(), line);
    Ok(())
}
