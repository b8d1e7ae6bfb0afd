//! The scoring commands: `score`, `publish`, `rank` (and, with the data package, `import` and
//! `export`).

use crate::db::{self, Pool};
use crate::scoring::{self, ScoringResult};
use anyhow::Context;
use std::path::Path;
use std::time::Instant;

/// Overrides of the cycle's methodology configuration for one run.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct RunOptions {
    /// Bootstrap replicates (0 turns the intervals of totals and ranks off).
    #[arg(long)]
    pub bootstrap: Option<u32>,
    /// Bootstrap seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Evaluations a unit needs to be ranked.
    #[arg(long)]
    pub min_responses: Option<u32>,
    /// Years pooled for the normalisation bounds (this one and the Y−1 earlier published ones).
    #[arg(long)]
    pub pool_years: Option<u32>,
}

/// `ddci score`: runs the engine on a cycle's stored responses and stores the run.
pub fn score(pool: &Pool, year: i32, options: &RunOptions) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut conn = pool.get()?;
    let cycle = db::cycles::get(&mut conn, year)?;
    if cycle.status() == db::cycles::Status::Published {
        anyhow::bail!("cycle {year} is published; its numbers never change");
    }
    let mut config = cycle.config();
    apply(&mut config, options)?;
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, config.groups.clone())?;
    let scoring_catalog = db::scoring_input::scoring_catalog(&catalog);
    let evaluations = db::scoring_input::evaluations(&mut conn, cycle.id, &scoring_catalog)?;
    let history = db::scoring_input::history(&mut conn, year)?;
    let loaded = started.elapsed();
    let result = scoring::score(&scoring_catalog, &evaluations, &config, year, &history);
    let computed = started.elapsed();
    let run = db::runs::store(&mut conn, cycle.id, &config, &result)?;
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    print_summary(&result, &catalog);
    eprintln!(
        "run {run} stored: {} evaluations, B={}; load {} ms, engine {} ms, total {} ms",
        evaluations.len(),
        config.bootstrap_replicates,
        loaded.as_millis(),
        (computed - loaded).as_millis(),
        started.elapsed().as_millis()
    );
    Ok(())
}

fn apply(config: &mut scoring::Config, o: &RunOptions) -> anyhow::Result<()> {
    if o.min_responses == Some(0) {
        anyhow::bail!("--min-responses must be at least 1");
    }
    if o.pool_years == Some(0) {
        anyhow::bail!("--pool-years must be at least 1");
    }
    config.bootstrap_replicates = o.bootstrap.unwrap_or(config.bootstrap_replicates);
    config.bootstrap_seed = o.seed.unwrap_or(config.bootstrap_seed);
    config.min_responses = o.min_responses.unwrap_or(config.min_responses);
    config.pool_years = o.pool_years.unwrap_or(config.pool_years);
    Ok(())
}

/// A short ranking per kind on stdout: rank, unit, total, group.
fn print_summary(result: &ScoringResult, catalog: &crate::catalog::SeedCatalog) {
    for kind in &catalog.kinds {
        let mut rows: Vec<_> = result
            .scores
            .iter()
            .filter(|s| s.kind == kind.code)
            .collect();
        rows.sort_by_key(|s| (s.rank.is_none(), s.rank, s.unit_code.clone()));
        let ranked = rows.iter().filter(|s| s.ranked).count();
        println!(
            "{} ({}): {ranked} of {} units ranked",
            kind.name_vi,
            kind.name_en,
            rows.len()
        );
        for s in rows {
            let name = catalog
                .units
                .iter()
                .find(|u| u.code == s.unit_code)
                .map_or(s.unit_code.as_str(), |u| u.name_vi.as_str());
            match (s.rank, s.total) {
                (Some(r), Some(t)) => println!(
                    "  {r:>3}  {t:>6.2}  {:<16} {name}",
                    s.group.as_deref().unwrap_or("")
                ),
                _ => println!(
                    "    -       -  {:<16} {name} (n = {})",
                    "chưa đủ phiếu", s.responses
                ),
            }
        }
    }
}

/// `ddci publish`: closes the cycle if needed and freezes its latest run.
pub fn publish(pool: &Pool, year: i32) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let run = db::runs::publish(&mut conn, year)?;
    eprintln!("cycle {year} published with run {}", run.id);
    Ok(())
}

/// `ddci rank`: totals, ranks and groups from a table of component scores, as CSV on stdout.
pub fn rank(scores: &Path, weights: &Path, groups: Option<&Path>) -> anyhow::Result<()> {
    let open =
        |p: &Path| std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()));
    let scores_file = open(scores)?;
    let weights_file = open(weights)?;
    let groups_file = groups.map(open).transpose()?;
    let stdout = std::io::stdout();
    scoring::rank_csv(scores_file, weights_file, groups_file, stdout.lock()).with_context(
        || {
            format!(
                "cannot rank {} with the weights of {}",
                scores.display(),
                weights.display()
            )
        },
    )?;
    Ok(())
}
