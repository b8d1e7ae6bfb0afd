//! The package files that come straight from the catalog and the scoring run: a plain mapping of
//! their fields to the columns of METHODOLOGY.md §7, every text cell spreadsheet-safe.

use super::csvfmt::{number, opt_count, opt_number};
use super::export::PackageInput;
use super::tables::CsvFile;
use crate::sheet::safe_text;

pub fn units(input: &PackageInput) -> CsvFile {
    let mut t = CsvFile::new(
        "units.csv",
        &[
            ("unit_code", "string"),
            ("kind", "string"),
            ("name_vi", "string"),
            ("name_en", "string"),
            ("valid_from", "integer"),
            ("valid_to", "integer"),
            ("official_code", "string"),
        ],
    );
    let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
    for u in &input.catalog.units {
        t.rows.push(vec![
            safe_text(&u.code),
            safe_text(&u.kind),
            safe_text(&u.name_vi),
            safe_text(&u.name_en),
            year(u.valid_from),
            year(u.valid_to),
            safe_text(u.official_code.as_deref().unwrap_or_default()),
        ]);
    }
    t
}

/// `unit_links.csv`: the succession links of the cycle's units (METHODOLOGY.md §9).
pub fn unit_links(input: &PackageInput) -> CsvFile {
    let mut t = CsvFile::new(
        "unit_links.csv",
        &[
            ("unit_code", "string"),
            ("predecessor_code", "string"),
            ("relation", "string"),
            ("note", "string"),
        ],
    );
    for l in &input.catalog.unit_links {
        t.rows.push(vec![
            safe_text(&l.unit_code),
            safe_text(&l.predecessor_code),
            l.relation.as_str().to_string(),
            safe_text(&l.note),
        ]);
    }
    t
}

pub fn components(input: &PackageInput) -> CsvFile {
    let mut t = CsvFile::new(
        "components.csv",
        &[
            ("component_code", "string"),
            ("kind", "string"),
            ("name_vi", "string"),
            ("name_en", "string"),
            ("weight", "number"),
        ],
    );
    for c in &input.catalog.components {
        t.rows.push(vec![
            safe_text(&c.code),
            safe_text(&c.kind),
            safe_text(&c.name_vi),
            safe_text(&c.name_en),
            number(c.weight),
        ]);
    }
    t
}

pub fn indicators(input: &PackageInput) -> CsvFile {
    let columns = [
        ("indicator_code", "string"),
        ("component_code", "string"),
        ("kind", "string"),
        ("question_type", "string"),
        ("aggregate", "string"),
        ("direction", "string"),
        ("weight", "number"),
        ("text_vi", "string"),
        ("text_en", "string"),
    ];
    let mut t = CsvFile::new("indicators.csv", &columns);
    for i in &input.catalog.indicators {
        t.rows.push(vec![
            safe_text(&i.code),
            safe_text(&i.component_code),
            safe_text(&i.kind),
            i.question_type.as_str().into(),
            i.aggregate.as_str().into(),
            i.direction.as_str().into(),
            number(i.weight),
            safe_text(&i.text_vi),
            safe_text(&i.text_en),
        ]);
    }
    t
}

/// Every (unit, indicator) with n ≥ 1 of a unit with n_u ≥ 5, in the run's order (rows of a
/// count-only unit stored by an older run are left out too: today's §3 applies).
pub fn indicator_scores(input: &PackageInput) -> CsvFile {
    let columns = [
        ("unit_code", "string"),
        ("indicator_code", "string"),
        ("n", "integer"),
        ("raw_value", "number"),
        ("ci_low", "number"),
        ("ci_high", "number"),
        ("pool_min", "number"),
        ("pool_max", "number"),
        ("score", "number"),
        ("weight_sum", "number"),
        ("weight_sq_sum", "number"),
        ("within_ss", "number"),
        ("estimate", "number"),
        ("shrinkage", "number"),
    ];
    let mut t = CsvFile::new("indicator_scores.csv", &columns);
    let count_only: std::collections::BTreeSet<&str> = (input.result.scores.iter())
        .filter(|s| s.count_only)
        .map(|s| s.unit_code.as_str())
        .collect();
    let rows = (input.result.indicator_scores.iter())
        .filter(|s| !count_only.contains(s.unit_code.as_str()));
    for s in rows {
        t.rows.push(vec![
            safe_text(&s.unit_code),
            safe_text(&s.indicator_code),
            s.n.to_string(),
            opt_number(s.raw_value),
            opt_number(s.ci_low),
            opt_number(s.ci_high),
            opt_number(s.pool_min),
            opt_number(s.pool_max),
            opt_number(s.score),
            opt_number(s.weight_sum),
            opt_number(s.weight_sq_sum),
            opt_number(s.within_ss),
            opt_number(s.estimate),
            opt_number(s.shrinkage),
        ]);
    }
    t
}

/// `shrinkage.csv`: the §8 parameters of every shrunk indicator.
pub fn shrinkage(input: &PackageInput) -> CsvFile {
    let columns = [
        ("kind", "string"),
        ("indicator_code", "string"),
        ("m", "integer"),
        ("mu", "number"),
        ("sigma2", "number"),
        ("tau2", "number"),
    ];
    let mut t = CsvFile::new("shrinkage.csv", &columns);
    for r in &input.result.shrinkage {
        t.rows.push(vec![
            safe_text(&r.kind),
            safe_text(&r.indicator_code),
            r.m.to_string(),
            number(r.mu),
            number(r.sigma2),
            number(r.tau2),
        ]);
    }
    t
}

pub fn component_scores(input: &PackageInput) -> CsvFile {
    let columns = [
        ("unit_code", "string"),
        ("component_code", "string"),
        ("score", "number"),
    ];
    let mut t = CsvFile::new("component_scores.csv", &columns);
    for s in &input.result.component_scores {
        t.rows.push(vec![
            safe_text(&s.unit_code),
            safe_text(&s.component_code),
            opt_number(s.score),
        ]);
    }
    t
}

pub fn scores(input: &PackageInput) -> CsvFile {
    let columns = [
        ("unit_code", "string"),
        ("kind", "string"),
        ("responses", "integer"),
        ("ranked", "boolean"),
        ("total", "number"),
        ("rank", "integer"),
        ("group", "string"),
        ("total_ci_low", "number"),
        ("total_ci_high", "number"),
        ("rank_ci_low", "integer"),
        ("rank_ci_high", "integer"),
        ("total_change", "number"),
        ("rank_change", "integer"),
        ("missing_components", "string"),
        ("change_basis", "string"),
        ("total_change_ci_low", "number"),
        ("total_change_ci_high", "number"),
        ("change_significant", "boolean"),
        ("rank_sensitivity_low", "integer"),
        ("rank_sensitivity_high", "integer"),
    ];
    let mut t = CsvFile::new("scores.csv", &columns);
    for s in &input.result.scores {
        t.rows.push(vec![
            safe_text(&s.unit_code),
            safe_text(&s.kind),
            s.responses.to_string(),
            s.ranked.to_string(),
            opt_number(s.total),
            opt_count(s.rank),
            s.group.as_deref().map(safe_text).unwrap_or_default(),
            opt_number(s.total_ci_low),
            opt_number(s.total_ci_high),
            opt_count(s.rank_ci_low),
            opt_count(s.rank_ci_high),
            opt_number(s.total_change),
            opt_count(s.rank_change),
            safe_text(&s.missing_components.join(";")),
            s.change_basis
                .map(|b| b.as_str().to_string())
                .unwrap_or_default(),
            opt_number(s.total_change_ci_low),
            opt_number(s.total_change_ci_high),
            opt_count(s.change_significant),
            opt_count(s.rank_sensitivity_low),
            opt_count(s.rank_sensitivity_high),
        ]);
    }
    t
}

pub fn summary(input: &PackageInput) -> CsvFile {
    let columns = [
        ("kind", "string"),
        ("ranked_units", "integer"),
        ("median_total", "number"),
        ("mean_total", "number"),
    ];
    let mut t = CsvFile::new("summary.csv", &columns);
    for s in &input.result.summary {
        t.rows.push(vec![
            safe_text(&s.kind),
            s.ranked_units.to_string(),
            opt_number(s.median_total),
            opt_number(s.mean_total),
        ]);
    }
    t
}

pub fn reliability(input: &PackageInput) -> CsvFile {
    let columns = [
        ("kind", "string"),
        ("component_code", "string"),
        ("n", "integer"),
        ("alpha", "number"),
    ];
    let mut t = CsvFile::new("reliability.csv", &columns);
    for r in &input.result.reliability {
        t.rows.push(vec![
            safe_text(&r.kind),
            safe_text(&r.component_code),
            r.n.to_string(),
            opt_number(r.alpha),
        ]);
    }
    t
}
