//! Writing the data package (METHODOLOGY.md §7) of one scoring run.

use super::microdata::{answers, responses};
use super::published::{
    component_scores, components, indicator_scores, indicators, reliability, scores, shrinkage,
    summary, unit_links, units,
};
use super::tables::CsvFile;
use crate::catalog::SeedCatalog;
use crate::scoring::model::Config;
use crate::scoring::result::ScoringResult;
use serde_json::json;
use std::io::Write;
use std::path::Path;

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
    /// With an empty key anyone could recompute the pseudonyms and join a business's evaluations.
    #[error("the installation secret for evaluation pseudonyms is empty; refusing to export")]
    EmptySecret,
    /// Weights are published unblanked, so a rare weight would name its businesses (§7).
    #[error("refusing to export: the response weight {weight} is held by only {businesses} business(es) of the package, which would single them out; use stratum weights shared by at least 5 businesses each (METHODOLOGY.md §7)")]
    WeightSinglesOut { weight: f64, businesses: usize },
}

/// Every file of the package, `datapackage.json` first, as (name, bytes).
pub fn files(input: &PackageInput) -> Result<Vec<(String, Vec<u8>)>, PackageError> {
    if input.secret.is_empty() {
        return Err(PackageError::EmptySecret);
    }
    if let Some((weight, businesses)) = super::microdata::singled_out_weight(input) {
        return Err(PackageError::WeightSinglesOut { weight, businesses });
    }
    let tables = [
        units(input),
        unit_links(input),
        components(input),
        indicators(input),
        responses(input),
        answers(input),
        indicator_scores(input),
        component_scores(input),
        scores(input),
        summary(input),
        reliability(input),
        shrinkage(input),
    ];
    let mut out = vec![("datapackage.json".to_string(), descriptor(input, &tables)?)];
    for t in &tables {
        out.push((t.name.to_string(), t.bytes()?));
    }
    Ok(out)
}

pub fn write_dir(input: &PackageInput, dir: &Path) -> Result<(), PackageError> {
    write_files(&files(input)?, dir)
}

/// Writes already built package files into `dir` (created if needed).
pub fn write_files(files: &[(String, Vec<u8>)], dir: &Path) -> Result<(), PackageError> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

/// The package as a zip; entries carry a fixed date, so the same run gives the same bytes.
pub fn zip_bytes(input: &PackageInput) -> Result<Vec<u8>, PackageError> {
    zip_files(&files(input)?)
}

/// Already built package files as a zip with fixed entry dates.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, PackageError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

pub fn write_zip(input: &PackageInput, path: &Path) -> Result<(), PackageError> {
    Ok(std::fs::write(path, zip_bytes(input)?)?)
}

/// `ddci.kinds`: each kind of the catalog with its estimator and minimum (METHODOLOGY.md §8).
fn kinds(input: &PackageInput) -> Vec<serde_json::Value> {
    let c = input.config;
    let mut names: Vec<&str> = (input.catalog.units.iter().map(|u| u.kind.as_str()))
        .chain(c.kinds.keys().map(String::as_str))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|k| {
            json!({"kind": k, "estimator": c.estimator_for(k).as_str(),
                   "min_responses": c.min_responses_for(k)})
        })
        .collect()
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
            "bootstrap": {
                "replicates": c.bootstrap_replicates,
                "seed": c.bootstrap_seed,
                "intervals": c.intervals.as_str(),
            },
            "sensitivity": {
                "draws": crate::scoring::sensitivity::DRAWS,
                "factor_min": 0.5,
                "factor_max": 1.5,
                "seed": c.bootstrap_seed,
                "stream": crate::scoring::sensitivity::STREAM,
            },
            "groups": groups,
            "kinds": kinds(input),
            "engine_version": input.engine_version,
        },
    });
    Ok(serde_json::to_vec_pretty(&value)?)
}
