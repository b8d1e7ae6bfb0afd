//! Writing the data package (METHODOLOGY.md §7) of one scoring run.

use super::csvfmt::{number, opt_count, opt_number, safe_text};
use super::profile_column;
use super::tables::CsvFile;
use crate::catalog::SeedCatalog;
use crate::scoring::model::Config;
use crate::scoring::result::ScoringResult;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

/// Rarer profile values than this are blanked in the public package.
const MIN_PROFILE_ROWS: usize = 5;

/// A stored response as the package needs it: never its key, never its date.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub id: i64,
    pub weight: f64,
    /// (profile question code, value).
    pub profile: Vec<(String, String)>,
    /// (unit code, indicator code, value): non-missing scored answers only.
    pub answers: Vec<(String, String, f64)>,
}

pub struct PackageInput<'a> {
    pub year: i32,
    pub status: &'a str,
    pub catalog: &'a SeedCatalog,
    pub config: &'a Config,
    pub pooled_cycles: &'a [i32],
    pub engine_version: &'a str,
    pub result: &'a ScoringResult,
    pub responses: &'a [StoredResponse],
    pub secret: &'a [u8],
}

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("cannot write the zip file: {0}")]
    Zip(#[from] zip::result::ZipError),
}

/// Every file of the package, `datapackage.json` first, as (name, bytes).
pub fn files(input: &PackageInput) -> Result<Vec<(String, Vec<u8>)>, PackageError> {
    let tables = [
        units(input),
        components(input),
        indicators(input),
        responses(input),
        answers(input),
        indicator_scores(input),
        component_scores(input),
        scores(input),
        summary(input),
        reliability(input),
    ];
    let mut out = vec![("datapackage.json".to_string(), descriptor(input, &tables)?)];
    for t in &tables {
        out.push((t.name.to_string(), t.bytes()?));
    }
    Ok(out)
}

pub fn write_dir(input: &PackageInput, dir: &Path) -> Result<(), PackageError> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in files(input)? {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

/// The package as a zip; entries carry a fixed date, so the same run gives the same bytes.
pub fn zip_bytes(input: &PackageInput) -> Result<Vec<u8>, PackageError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files(input)? {
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

pub fn write_zip(input: &PackageInput, path: &Path) -> Result<(), PackageError> {
    Ok(std::fs::write(path, zip_bytes(input)?)?)
}

fn descriptor(input: &PackageInput, tables: &[CsvFile]) -> Result<Vec<u8>, PackageError> {
    let c = input.config;
    let groups: Vec<_> = c
        .groups
        .iter()
        .map(|g| json!({"label_vi": g.label_vi, "label_en": g.label_en, "min_total": g.min_total}))
        .collect();
    let value = json!({
        "profile": "tabular-data-package",
        "name": format!("ddci-{}", input.year),
        "title": format!("DDCI {} — chỉ số năng lực cạnh tranh cấp sở, ban, ngành và địa phương", input.year),
        "resources": tables.iter().map(CsvFile::resource).collect::<Vec<_>>(),
        "ddci": {
            "cycle": input.year,
            "status": input.status,
            "min_responses": c.min_responses,
            "pool_years": c.pool_years,
            "pooled_cycles": input.pooled_cycles,
            "bootstrap": {"replicates": c.bootstrap_replicates, "seed": c.bootstrap_seed},
            "groups": groups,
            "engine_version": input.engine_version,
        },
    });
    Ok(serde_json::to_vec_pretty(&value)?)
}

fn units(input: &PackageInput) -> CsvFile {
    let mut t = CsvFile::new(
        "units.csv",
        &[
            ("unit_code", "string"),
            ("kind", "string"),
            ("name_vi", "string"),
            ("name_en", "string"),
        ],
    );
    for u in &input.catalog.units {
        t.rows.push(vec![
            safe_text(&u.code),
            safe_text(&u.kind),
            safe_text(&u.name_vi),
            safe_text(&u.name_en),
        ]);
    }
    t
}

fn components(input: &PackageInput) -> CsvFile {
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

fn indicators(input: &PackageInput) -> CsvFile {
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

/// The pseudonym of one evaluation: HMAC-SHA256 under the installation secret of
/// "ddci-evaluation", the response id in decimal and the unit code, separated by NUL bytes;
/// 20 hex digits (80 bits). One business's evaluations of two units get unrelated pseudonyms.
pub fn pseudonym(secret: &[u8], response_id: i64, unit_code: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(b"ddci-evaluation\0");
    mac.update(response_id.to_string().as_bytes());
    mac.update(b"\0");
    mac.update(unit_code.as_bytes());
    let digest = hex::encode(mac.finalize().into_bytes());
    digest[..20].to_string()
}

/// (pseudonym, response, unit code) for every evaluation, ordered by pseudonym.
fn evaluations<'a>(input: &'a PackageInput) -> Vec<(String, &'a StoredResponse, &'a str)> {
    let mut out = Vec::new();
    for r in input.responses {
        let mut units: Vec<&str> = r.answers.iter().map(|(u, _, _)| u.as_str()).collect();
        units.sort_unstable();
        units.dedup();
        for u in units {
            out.push((pseudonym(input.secret, r.id, u), r, u));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn responses(input: &PackageInput) -> CsvFile {
    let questions = &input.catalog.profile_questions;
    let columns: Vec<String> = questions.iter().map(|q| profile_column(&q.code)).collect();
    let mut fields = vec![("response_id", "string"), ("weight", "number")];
    fields.extend(columns.iter().map(|c| (c.as_str(), "string")));
    let mut t = CsvFile::new("responses.csv", &fields);
    let evals = evaluations(input);
    let mut values: Vec<Vec<String>> = evals
        .iter()
        .map(|(_, r, _)| {
            questions
                .iter()
                .map(|q| {
                    r.profile
                        .iter()
                        .find(|(k, _)| k == &q.code)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    coarsen(&mut values, questions.len());
    for ((id, r, _), profile) in evals.iter().zip(values) {
        let mut row = vec![id.clone(), number(r.weight)];
        row.extend(profile.iter().map(|v| safe_text(v)));
        t.rows.push(row);
    }
    t
}

/// Blanks every profile value that fewer than `MIN_PROFILE_ROWS` rows share, column by column.
fn coarsen(rows: &mut [Vec<String>], columns: usize) {
    for c in 0..columns {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for r in rows.iter() {
            *counts.entry(r[c].clone()).or_default() += 1;
        }
        for r in rows.iter_mut() {
            if counts.get(&r[c]).copied().unwrap_or(0) < MIN_PROFILE_ROWS {
                r[c].clear();
            }
        }
    }
}

fn answers(input: &PackageInput) -> CsvFile {
    let columns = [
        ("response_id", "string"),
        ("unit_code", "string"),
        ("indicator_code", "string"),
        ("value", "number"),
    ];
    let mut t = CsvFile::new("answers.csv", &columns);
    let mut rows: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for (id, r, unit) in evaluations(input) {
        for (u, i, v) in r.answers.iter().filter(|(u, _, _)| u == unit) {
            rows.insert((id.clone(), u.clone(), i.clone()), *v);
        }
    }
    for ((id, u, i), v) in rows {
        t.rows
            .push(vec![id, safe_text(&u), safe_text(&i), number(v)]);
    }
    t
}

fn indicator_scores(input: &PackageInput) -> CsvFile {
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
    ];
    let mut t = CsvFile::new("indicator_scores.csv", &columns);
    for s in &input.result.indicator_scores {
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
        ]);
    }
    t
}

fn component_scores(input: &PackageInput) -> CsvFile {
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

fn scores(input: &PackageInput) -> CsvFile {
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
        ]);
    }
    t
}

fn summary(input: &PackageInput) -> CsvFile {
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

fn reliability(input: &PackageInput) -> CsvFile {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_differ_across_units_and_are_stable_for_a_secret() {
        let a = pseudonym(b"secret", 42, "DEP_KHDT");
        assert_eq!(a.len(), 20);
        assert_eq!(a, pseudonym(b"secret", 42, "DEP_KHDT"));
        assert_ne!(a, pseudonym(b"secret", 42, "DIS_HUU_LUNG"));
        assert_ne!(a, pseudonym(b"other", 42, "DEP_KHDT"));
    }

    #[test]
    fn profile_values_shared_by_fewer_than_five_rows_are_blanked() {
        let mut rows: Vec<Vec<String>> = (0..9)
            .map(|i| vec![if i < 5 { "trade" } else { "agri" }.to_string()])
            .collect();
        coarsen(&mut rows, 1);
        assert_eq!(rows.iter().filter(|r| r[0] == "trade").count(), 5);
        assert!(
            rows[5..].iter().all(|r| r[0].is_empty()),
            "4 rows of `agri` are too few"
        );
    }
}
