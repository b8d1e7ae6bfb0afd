//! The scoring commands: `score`, `publish`, `rank` (and, with the data package, `import` and
//! `export`).

use crate::db::Pool;
use crate::scoring::{self, ScoringResult};
use anyhow::Context;
use std::path::Path;
use std::time::Instant;

pub use crate::cycles::RunOptions;

/// `ddci score`: runs the engine on a cycle's stored responses and stores the run.
pub fn score(pool: &Pool, year: i32, options: &RunOptions) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut conn = pool.get()?;
    let scored = crate::cycles::score_cycle(&mut conn, "cli", year, options)?;
    for w in &scored.result.warnings {
        eprintln!("warning: {w}");
    }
    print_summary(&scored.result, &scored.catalog);
    eprintln!(
        "run {} stored: {} evaluations, B={}; total {} ms",
        scored.run_id,
        scored.evaluations,
        scored.config.bootstrap_replicates,
        started.elapsed().as_millis()
    );
    Ok(())
}

/// A short ranking per kind on stdout, in Vietnamese: rank, unit, total, group.
fn print_summary(result: &ScoringResult, catalog: &crate::catalog::SeedCatalog) {
    let unranked = crate::locale::text("vi", "cli-unranked");
    for kind in &catalog.kinds {
        let mut rows: Vec<_> = result
            .scores
            .iter()
            .filter(|s| s.kind == kind.code)
            .collect();
        rows.sort_by(|a, b| scoring::ranking_order(a, b));
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
                    unranked, s.responses
                ),
            }
        }
    }
}

/// `ddci publish`: closes the cycle if needed and freezes its latest run.
pub fn publish(pool: &Pool, settings: &crate::config::Settings, year: i32) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let secrets = crate::secrets::open(&settings.secret_file, &mut conn)?;
    let run = crate::cycles::publish_cycle(&mut conn, "cli", year, &secrets.pending_key())?;
    eprintln!("cycle {year} published with run {run}");
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
