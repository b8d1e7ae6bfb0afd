//! `import` (paper responses) and `export` (the data package of METHODOLOGY.md §7).

use crate::catalog::{CsvError, SeedCatalog};
use crate::db::{self, Pool};
use crate::package::{self, PackageInput};
use crate::scoring::ScoringResult;
use anyhow::Context;
use std::path::Path;

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn file_name(path: &Path) -> String {
    path.display().to_string()
}

/// `ddci import`: all or nothing; the first bad row names its file, line and column.
pub fn import(pool: &Pool, year: i32, responses: &Path, answers: &Path) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let cycle = db::cycles::get(&mut conn, year)?;
    if cycle.status() == db::cycles::Status::Published {
        anyhow::bail!("cycle {year} is published; its numbers never change");
    }
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, vec![])?;
    let batch = package::parse_import(
        &catalog,
        &file_name(responses),
        &read(responses)?,
        &file_name(answers),
        &read(answers)?,
        &crate::clock::today(),
    )?;
    let keys: Vec<String> = batch.responses.iter().map(|r| r.key.clone()).collect();
    let taken = db::package_data::existing_keys(&mut conn, cycle.id, &keys)?;
    if let Some((r, line)) = batch
        .responses
        .iter()
        .zip(&batch.lines)
        .find(|(r, _)| taken.contains(&r.key))
    {
        return Err(CsvError {
            file: file_name(responses),
            line: *line,
            column: Some("response_id".into()),
            message: format!("response_id `{}` is already stored in cycle {year}", r.key),
        }
        .into());
    }
    let n = db::responses::insert_all(&mut conn, cycle.id, &batch.responses)?;
    eprintln!("cycle {year}: {n} paper responses imported");
    Ok(())
}

/// `ddci export`: the package of the cycle's published run, or else of its latest run.
pub fn export(pool: &Pool, year: i32, out: &Path) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let cycle = db::cycles::get(&mut conn, year)?;
    let run = db::runs::current(&mut conn, &cycle)?.with_context(|| {
        format!("cycle {year} has no scoring run; run `ddci score --cycle {year}` first")
    })?;
    let config = run.config();
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, config.groups.clone())?;
    let mut result = db::runs::load(&mut conn, &run, year)?;
    sort_like_catalog(&mut result, &catalog);
    let responses = db::package_data::stored_responses(&mut conn, cycle.id)?;
    let secret = db::package_data::secret(&mut conn)?;
    let pooled = run.pooled_cycles();
    let input = PackageInput {
        year,
        status: &cycle.status,
        catalog: &catalog,
        config: &config,
        pooled_cycles: &pooled,
        engine_version: &run.engine_version,
        result: &result,
        responses: &responses,
        secret: &secret,
    };
    let is_zip = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip {
        package::write_zip(&input, out)
    } else {
        package::write_dir(&input, out)
    }
    .with_context(|| format!("cannot write the package to {}", out.display()))?;
    eprintln!("cycle {year}: run {} written to {}", run.id, out.display());
    Ok(())
}

/// Stored rows come back in key order; the package lists units and indicators in catalog order.
pub fn sort_like_catalog(result: &mut ScoringResult, catalog: &SeedCatalog) {
    let pos = |codes: Vec<&String>| -> std::collections::HashMap<String, usize> {
        codes
            .into_iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect()
    };
    let units = pos(catalog.units.iter().map(|u| &u.code).collect());
    let indicators = pos(catalog.indicators.iter().map(|i| &i.code).collect());
    let components = pos(catalog.components.iter().map(|c| &c.code).collect());
    let at = |m: &std::collections::HashMap<String, usize>, c: &str| {
        m.get(c).copied().unwrap_or(usize::MAX)
    };
    result.scores.sort_by_key(|s| at(&units, &s.unit_code));
    result
        .indicator_scores
        .sort_by_key(|s| (at(&units, &s.unit_code), at(&indicators, &s.indicator_code)));
    result
        .component_scores
        .sort_by_key(|s| (at(&units, &s.unit_code), at(&components, &s.component_code)));
    result
        .reliability
        .sort_by_key(|r| at(&components, &r.component_code));
    let kinds: Vec<&str> = catalog.kinds.iter().map(|k| k.code.as_str()).collect();
    result.summary.sort_by_key(|s| {
        kinds
            .iter()
            .position(|k| *k == s.kind)
            .unwrap_or(usize::MAX)
    });
}
