//! Results of a scoring run as people read and download them: the run loaded with its catalog
//! in display order, rankings per kind, numbers in the Vietnamese format, the ranking CSV.

pub mod charts;
mod format;
mod method;
pub use method::{annex_html, method_html};
pub mod monitor;
pub mod pci;
mod ranking;
pub mod runs;
pub mod scorecard;
pub mod what_if;
pub mod workbook;

pub use format::{local_time, number, vi_number, whole};
pub use ranking::{headline_view, ranking_csv, ranking_view, SortBy};

use crate::catalog::SeedCatalog;
use crate::db::{self, cycles::CycleRow, runs::RunRow, Conn, DbError};
use crate::locale;
use crate::package::{PackageInput, StoredResponse};
use crate::scoring::{Config, ScoringResult};
use std::collections::HashMap;

/// One cycle's current run (the published one once published) with everything around it.
pub struct LoadedRun {
    pub cycle: CycleRow,
    pub run: RunRow,
    pub config: Config,
    pub catalog: SeedCatalog,
    pub result: ScoringResult,
}

/// The cycle's current run, or `None` when the cycle has none.
pub fn load(conn: &mut Conn, cycle: CycleRow) -> Result<Option<LoadedRun>, DbError> {
    let Some(run) = db::runs::current(conn, &cycle)? else {
        return Ok(None);
    };
    let config = run.config();
    let catalog = db::cycle_catalog::load(conn, cycle.id, config.groups.clone())?;
    let mut result = db::runs::load(conn, &run, cycle.year)?;
    sort_like_catalog(&mut result, &catalog);
    Ok(Some(LoadedRun {
        cycle,
        run,
        config,
        catalog,
        result,
    }))
}

/// The data package's files of a loaded run (the responses come from storage; `secret` is the
/// installation's pseudonym key, from its key file).
pub fn package_files(
    conn: &mut Conn,
    loaded: &LoadedRun,
    secret: &[u8],
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    with_package_input(conn, loaded, secret, |input| {
        Ok(crate::package::files(input)?)
    })
}

/// `f` on the package input of a loaded run (its responses read from storage).
fn with_package_input<T>(
    conn: &mut Conn,
    loaded: &LoadedRun,
    secret: &[u8],
    f: impl FnOnce(&PackageInput) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let responses: Vec<StoredResponse> =
        db::package_data::stored_responses(conn, loaded.cycle.id, loaded.run.id)?;
    let pooled = loaded.run.pooled_cycles();
    let input = PackageInput {
        year: loaded.cycle.year,
        status: &loaded.cycle.status,
        catalog: &loaded.catalog,
        config: &loaded.config,
        pooled_cycles: &pooled,
        engine_version: &loaded.run.engine_version,
        result: &loaded.result,
        responses: &responses,
        secret,
    };
    f(&input)
}

/// The Stata file (.dta) of a loaded run's package evaluations: for researchers, beside the
/// package and never inside it. Only a published run has one (the caller decides on previews).
pub fn stata_bytes(conn: &mut Conn, loaded: &LoadedRun, secret: &[u8]) -> anyhow::Result<Vec<u8>> {
    refuse_unpublished(&loaded.cycle)?;
    with_package_input(conn, loaded, secret, |input| {
        Ok(crate::package::dta(input)?)
    })
}

fn refuse_unpublished(cycle: &CycleRow) -> anyhow::Result<()> {
    if cycle.status() != crate::cycles::Status::Published {
        anyhow::bail!(
            "cycle {year} is not published; the Stata file is made for published cycles only (`ddci publish --cycle {year}`)",
            year = cycle.year
        );
    }
    Ok(())
}

/// The Stata file of a cycle's published run; refused for a cycle that is not published.
pub fn stata_file(conn: &mut Conn, cycle: CycleRow, secret: &[u8]) -> anyhow::Result<Vec<u8>> {
    refuse_unpublished(&cycle)?;
    let year = cycle.year;
    let loaded = load(conn, cycle)?.ok_or_else(|| {
        anyhow::anyhow!("cycle {year} has no scoring run; run `ddci score --cycle {year}` first")
    })?;
    stata_bytes(conn, &loaded, secret)
}

/// Stored rows come back in key order; people read units and indicators in catalog order.
pub fn sort_like_catalog(result: &mut ScoringResult, catalog: &SeedCatalog) {
    let position = |codes: Vec<&String>| -> HashMap<String, usize> {
        codes
            .into_iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect()
    };
    let units = position(catalog.units.iter().map(|u| &u.code).collect());
    let indicators = position(catalog.indicators.iter().map(|i| &i.code).collect());
    let components = position(catalog.components.iter().map(|c| &c.code).collect());
    let at = |m: &HashMap<String, usize>, c: &str| m.get(c).copied().unwrap_or(usize::MAX);
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

/// A unit's name in the page's language (its code if the catalog lacks it).
pub(crate) fn unit_name<'a>(loaded: &'a LoadedRun, code: &'a str, lang: &str) -> &'a str {
    loaded
        .catalog
        .units
        .iter()
        .find(|u| u.code == code)
        .map_or(code, |u| locale::pick(lang, &u.name_vi, &u.name_en))
}

/// Ranked units with fewer evaluations than this carry a "few responses" mark on the pages
/// (the default minimum of METHODOLOGY.md §3; a kind may rank on fewer).
pub const FEW_RESPONSES: u32 = 30;

/// True for a ranked unit with fewer than `FEW_RESPONSES` evaluations.
pub fn few_responses(s: &crate::scoring::UnitScore) -> bool {
    s.ranked && s.responses < FEW_RESPONSES
}

/// What a unit's change means, given its 90% interval (issue 15): "a significant rise" only
/// when the interval excludes 0; `None` without an interval (backcasts, first years, runs
/// stored before intervals of change existed).
pub(crate) fn change_note(s: &crate::scoring::UnitScore, lang: &str) -> Option<String> {
    let (low, high) = s.total_change_ci_low.zip(s.total_change_ci_high)?;
    let range = format!(
        "{} – {}",
        number(Some(low), lang, 2),
        number(Some(high), lang, 2)
    );
    Some(match (s.change_significant, s.total_change) {
        (Some(true), Some(c)) if c > 0.0 => {
            locale::text_with(lang, "change-significant-rise", &[("range", &range)])
        }
        (Some(true), _) => locale::text_with(lang, "change-significant-fall", &[("range", &range)]),
        _ => locale::text_with(lang, "change-not-significant", &[("range", &range)]),
    })
}
