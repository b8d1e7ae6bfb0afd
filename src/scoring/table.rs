//! `ddci rank`: §5 from a table of component scores (checking a published table such as PCI,
//! or trying other weights). Files are CSV, UTF-8, `.` as the decimal point, header on line 1;
//! every error names the file, the physical line and the column.

use super::model::{default_groups, Group};
use super::rank::{rank_totals, ComponentRow, RankedRow};
pub use super::table_input::TableError;
use super::table_input::{check_unique, number, records, split_header};
/// §7's spreadsheet safety, under the name the codes file (`ops`) also uses.
use crate::sheet::safe_text as spreadsheet_safe;
use std::collections::HashMap;
use std::io::{Read, Write};

const SCORES: &str = "scores.csv";
const WEIGHTS: &str = "weights.csv";
const GROUPS: &str = "groups.csv";

/// Reads scores, weights and (optionally, else `default_groups()`) groups, and writes
/// `unit,total,rank,group` in the order of scores.csv.
pub fn rank_csv(
    scores: impl Read,
    weights: impl Read,
    groups: Option<impl Read>,
    out: impl Write,
) -> Result<(), TableError> {
    let (columns, rows) = read_scores(scores)?;
    let weights = read_weights(weights, &columns)?;
    let groups = match groups {
        Some(g) => read_groups(g)?,
        None => default_groups(),
    };
    write_ranked(&rank_totals(&rows, &weights, &groups), &groups, out)
}

/// Component names (header after the unit column) and one row per unit.
pub fn read_scores(input: impl Read) -> Result<(Vec<String>, Vec<ComponentRow>), TableError> {
    let (header, body) = split_header(records(input, SCORES)?, SCORES, None)?;
    let columns: Vec<String> = header.iter().skip(1).cloned().collect();
    if columns.is_empty() {
        return Err(TableError::NoComponents);
    }
    let mut seen = HashMap::new();
    for (j, name) in columns.iter().enumerate() {
        check_unique(&mut seen, name, (SCORES, 1, j + 2))?;
    }
    let mut units = HashMap::new();
    let mut rows = Vec::with_capacity(body.len());
    for (line, cells) in body {
        check_unique(&mut units, &cells[0], (SCORES, line, 1))?;
        let scores = cells[1..].iter().enumerate();
        let scores = scores.map(|(j, cell)| number(cell, SCORES, line, j + 2));
        let scores = scores.collect::<Result<Vec<_>, _>>()?;
        rows.push(ComponentRow {
            unit: cells[0].clone(),
            scores,
        });
    }
    Ok((columns, rows))
}

/// W_c for each of `columns`, from `component,weight` lines.
pub fn read_weights(input: impl Read, columns: &[String]) -> Result<Vec<f64>, TableError> {
    let (_, body) = split_header(records(input, WEIGHTS)?, WEIGHTS, Some("component,weight"))?;
    let mut weights: Vec<Option<f64>> = vec![None; columns.len()];
    let mut seen = HashMap::new();
    for (line, cells) in body {
        let component = &cells[0];
        check_unique(&mut seen, component, (WEIGHTS, line, 1))?;
        let Some(j) = columns.iter().position(|c| c == component) else {
            return Err(TableError::UnknownComponent {
                line,
                component: component.clone(),
            });
        };
        // `inf`, `NaN`, 0 and an empty cell are numbers (or nothing) but no valid weight;
        // other text is not a number at all.
        let weight = match cells[1].parse::<f64>() {
            Ok(w) => Some(w),
            Err(_) => number(&cells[1], WEIGHTS, line, 2)?,
        };
        match weight {
            Some(w) if w.is_finite() && w > 0.0 => weights[j] = Some(w),
            _ => {
                return Err(TableError::BadWeight {
                    line,
                    value: cells[1].clone(),
                })
            }
        }
    }
    let missing = weights.iter().position(Option::is_none);
    if let Some(j) = missing {
        return Err(TableError::MissingWeight {
            column: j + 2,
            component: columns[j].clone(),
        });
    }
    Ok(weights.into_iter().flatten().collect())
}

/// Groups best first from `label_vi,label_en,min_total`; only the last has no minimum, and the
/// minimums decrease (otherwise a group could never be reached).
pub fn read_groups(input: impl Read) -> Result<Vec<Group>, TableError> {
    let expected = Some("label_vi,label_en,min_total");
    let (_, body) = split_header(records(input, GROUPS)?, GROUPS, expected)?;
    let last_line = body.last().map(|l| l.0);
    let mut groups: Vec<Group> = Vec::with_capacity(body.len());
    for (line, cells) in body {
        let min_total = number(&cells[2], GROUPS, line, 3)?;
        let is_last = Some(line) == last_line;
        let previous = groups.last().and_then(|g| g.min_total);
        let problem = match (min_total, is_last) {
            (Some(_), true) => {
                Some("the last group must have an empty min_total (it takes every lower total).")
            }
            (None, false) => Some("only the last group may have an empty min_total."),
            (Some(m), false) if previous.is_some_and(|p| m >= p) => {
                Some("min_total must be lower than that of the group above.")
            }
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(TableError::BadGroup { line, problem });
        }
        let (label_vi, label_en) = (cells[0].clone(), cells[1].clone());
        groups.push(Group {
            label_vi,
            label_en,
            min_total,
        });
    }
    if groups.is_empty() {
        return Err(TableError::Empty { file: GROUPS });
    }
    Ok(groups)
}

/// Writes `unit,total,rank,group`; totals in Rust's shortest round-trip form.
pub fn write_ranked(
    rows: &[RankedRow],
    groups: &[Group],
    out: impl Write,
) -> Result<(), TableError> {
    let mut writer = csv::Writer::from_writer(out);
    writer
        .write_record(["unit", "total", "rank", "group"])
        .map_err(TableError::Write)?;
    for row in rows {
        let total = row.total.map(|t| t.to_string()).unwrap_or_default();
        let rank = row.rank.map(|r| r.to_string()).unwrap_or_default();
        let group = row
            .group
            .and_then(|g| groups.get(g))
            .map(|g| spreadsheet_safe(&g.label_vi));
        let record = [
            spreadsheet_safe(&row.unit),
            total,
            rank,
            group.unwrap_or_default(),
        ];
        writer.write_record(&record).map_err(TableError::Write)?;
    }
    writer.flush().map_err(|e| TableError::Write(e.into()))
}
