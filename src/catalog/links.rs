//! `unit_links.csv`: which unit succeeds which, checked against `units.csv`.
//!
//! A link names two known units, has a known relation, never closes a cycle, and its predecessor
//! ends before its successor starts; every commune is linked to the former district(s) whose
//! area it covers.

use super::table::{CsvError, Row, Table};
use super::{Relation, UnitDef, UnitLink};
use std::collections::{HashMap, HashSet};

/// Kinds whose units must name the former units whose area they cover.
const TERRITORIAL_KINDS: &[&str] = &["commune"];

pub(super) fn unit_links(t: &Table, units: &[UnitDef]) -> Result<Vec<UnitLink>, CsvError> {
    let mut out: Vec<UnitLink> = Vec::new();
    let mut seen = HashSet::new();
    for row in t.rows() {
        let unit_code = known_unit(&row, "unit_code", units)?;
        let predecessor_code = known_unit(&row, "predecessor_code", units)?;
        let relation: Relation = row.parsed("relation")?;
        kinds_fit(
            &row,
            relation,
            units,
            (unit_code.as_str(), predecessor_code.as_str()),
        )?;
        if !seen.insert((unit_code.clone(), predecessor_code.clone())) {
            let msg = format!("`{unit_code}` is already linked to `{predecessor_code}`");
            return Err(row.error("predecessor_code", msg));
        }
        out.push(UnitLink {
            unit_code,
            predecessor_code,
            relation,
            note: row.get("note").to_string(),
        });
        if let Some(path) = cycle_through(&out) {
            let msg = format!("this link closes a cycle of links: {}", path.join(" → "));
            return Err(row.error("predecessor_code", msg));
        }
        if let Some(link) = out.last() {
            ends_before_start(&row, link, units)?;
        }
    }
    Ok(out)
}

fn known_unit(row: &Row, column: &str, units: &[UnitDef]) -> Result<String, CsvError> {
    let code = row.text(column)?;
    if !units.iter().any(|u| u.code == code) {
        return Err(row.error(column, format!("unknown unit `{code}` (not in units.csv)")));
    }
    Ok(code)
}

/// `territory` links two kinds (commune → district); the other relations stay within one kind.
fn kinds_fit(
    row: &Row,
    relation: Relation,
    units: &[UnitDef],
    (unit, predecessor): (&str, &str),
) -> Result<(), CsvError> {
    let kind = |code: &str| {
        units
            .iter()
            .find(|u| u.code == code)
            .map(|u| u.kind.as_str())
    };
    let same = kind(unit) == kind(predecessor);
    if same == (relation == Relation::Territory) {
        let msg = match relation {
            Relation::Territory => "a `territory` link joins units of different kinds".to_string(),
            r => format!("a `{}` link joins units of the same kind", r.as_str()),
        };
        return Err(row.error("relation", msg));
    }
    Ok(())
}

/// The first and last year over every row of a code (`None` = open).
fn span(units: &[UnitDef], code: &str) -> (Option<i32>, Option<i32>) {
    let rows: Vec<_> = units.iter().filter(|u| u.code == code).collect();
    let from = rows.iter().map(|u| u.valid_from).min().flatten();
    let to = if rows.iter().any(|u| u.valid_to.is_none()) {
        None
    } else {
        rows.iter().filter_map(|u| u.valid_to).max()
    };
    (from, to)
}

fn ends_before_start(row: &Row, link: &UnitLink, units: &[UnitDef]) -> Result<(), CsvError> {
    let (_, pred_to) = span(units, &link.predecessor_code);
    let (succ_from, _) = span(units, &link.unit_code);
    let ok = matches!((pred_to, succ_from), (Some(to), Some(from)) if to < from);
    if !ok {
        let year = |y: Option<i32>, open: &str| y.map_or(open.to_string(), |y| y.to_string());
        let msg = format!(
            "predecessor `{}` is valid until {} but `{}` starts in {}: a predecessor must end before its successor starts",
            link.predecessor_code,
            year(pred_to, "an open end"),
            link.unit_code,
            year(succ_from, "no given year"),
        );
        return Err(row.error("predecessor_code", msg));
    }
    Ok(())
}

/// A cycle in the successor → predecessor graph, as the codes along it.
fn cycle_through(links: &[UnitLink]) -> Option<Vec<String>> {
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for l in links {
        next.entry(&l.unit_code)
            .or_default()
            .push(&l.predecessor_code);
    }
    let last = links.last()?;
    // Only the newest link can have closed a cycle: look for a path back to its successor.
    let mut stack = vec![vec![
        last.unit_code.as_str(),
        last.predecessor_code.as_str(),
    ]];
    let mut visited = HashSet::new();
    while let Some(path) = stack.pop() {
        let here = *path.last()?;
        if here == last.unit_code {
            return Some(path.into_iter().map(String::from).collect());
        }
        if !visited.insert(here) {
            continue;
        }
        for n in next.get(here).into_iter().flatten() {
            let mut p = path.clone();
            p.push(*n);
            stack.push(p);
        }
    }
    None
}

/// Every unit of a territorial kind has a `territory` link.
pub(super) fn check_territory(
    units: &[UnitDef],
    lines: &[u64],
    links: &[UnitLink],
) -> Result<(), CsvError> {
    for (u, line) in units.iter().zip(lines) {
        let linked = links
            .iter()
            .any(|l| l.unit_code == u.code && l.relation == Relation::Territory);
        if TERRITORIAL_KINDS.contains(&u.kind.as_str()) && !linked {
            return Err(CsvError {
                file: "units.csv".into(),
                line: *line,
                column: Some("code".into()),
                message: format!(
                    "{} `{}` has no `territory` link in unit_links.csv (the former district whose area it covers)",
                    u.kind, u.code
                ),
            });
        }
    }
    Ok(())
}
