//! Scoring runs and publishing, each written to the audit log.

use super::Refused;
use crate::catalog::SeedCatalog;
use crate::db::{self, Conn};
use crate::scoring::succession::{self, Link, Relation};
use crate::scoring::{self, Config, KindSettings, ScoringResult};
use std::collections::BTreeMap;

/// Overrides of the cycle's methodology configuration for one run.
#[derive(Debug, Default, Clone, clap::Args, serde::Deserialize)]
pub struct RunOptions {
    /// Bootstrap replicates (0 turns the intervals of totals and ranks off).
    #[arg(long)]
    pub bootstrap: Option<u32>,
    /// Bootstrap seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Evaluations a unit needs to be ranked, for every kind (overrides the kinds' own
    /// minimums; at least 5).
    #[arg(long)]
    pub min_responses: Option<u32>,
    /// Years pooled for the normalisation bounds (this one and the Y−1 earlier published ones).
    #[arg(long)]
    pub pool_years: Option<u32>,
}

impl RunOptions {
    /// The cycle's configuration with these overrides; zero where it makes no sense is refused,
    /// and so is any minimum below 5 (METHODOLOGY.md §3: a unit with fewer than 5 evaluations
    /// publishes its count only, so it can never be ranked).
    pub fn apply(&self, mut config: Config) -> anyhow::Result<Config> {
        let least = scoring::COUNT_ONLY_BELOW;
        if let Some(n) = self.min_responses {
            anyhow::ensure!(
                n >= least,
                "--min-responses must be at least {least} (got {n}): a unit with fewer than {least} evaluations publishes its count only (METHODOLOGY §3)"
            );
        }
        anyhow::ensure!(
            self.pool_years != Some(0),
            "--pool-years must be at least 1"
        );
        anyhow::ensure!(
            self.bootstrap.is_none_or(|b| b <= 100_000),
            "--bootstrap must be at most 100000"
        );
        config.bootstrap_replicates = self.bootstrap.unwrap_or(config.bootstrap_replicates);
        config.bootstrap_seed = self.seed.unwrap_or(config.bootstrap_seed);
        if let Some(n) = self.min_responses {
            config.min_responses = n;
            for kind in config.kinds.values_mut() {
                kind.min_responses = None;
            }
        }
        anyhow::ensure!(
            config.min_responses >= least,
            "the cycle's min_responses is {}, below the smallest allowed, {least} (METHODOLOGY §3); score with --min-responses {least} or more",
            config.min_responses
        );
        for (kind, settings) in &config.kinds {
            if let Some(n) = settings.min_responses.filter(|&n| n < least) {
                anyhow::bail!(
                    "kind {kind}: min_responses is {n}, below the smallest allowed, {least} (METHODOLOGY §3); fix kinds.csv or score with --min-responses {least} or more"
                );
            }
        }
        config.pool_years = self.pool_years.unwrap_or(config.pool_years);
        Ok(config)
    }
}

/// A stored scoring run.
pub struct Scored {
    pub run_id: i64,
    pub evaluations: usize,
    pub config: Config,
    pub result: ScoringResult,
    pub catalog: SeedCatalog,
}

/// Runs the engine on the cycle's stored responses and stores the run with its parameters.
pub fn score_cycle(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    options: &RunOptions,
) -> anyhow::Result<Scored> {
    let cycle = db::cycles::get(conn, year)?;
    cycle
        .status()
        .refuse_if_published(year, Refused::NumbersFrozen)?;
    let catalog = db::cycle_catalog::load(conn, cycle.id, cycle.config().groups)?;
    let mut base = cycle.config();
    base.kinds = kind_settings(&catalog);
    let config = options.apply(base)?;
    let scoring_catalog = db::scoring_input::scoring_catalog(&catalog);
    let evaluations = db::scoring_input::evaluations(conn, cycle.id, &scoring_catalog)?;
    let history = db::scoring_input::history(conn, year)?;
    let mut result = scoring::score(&scoring_catalog, &evaluations, &config, year, &history);
    let links = unit_links(conn, cycle.id)?;
    if !links.is_empty() {
        let merged = links.iter().any(|l| l.relation == Relation::Merged);
        let runs = if merged {
            db::scoring_input::past_runs(conn, year)?
        } else {
            Vec::new()
        };
        succession::apply(&scoring_catalog, &links, &history, &runs, &mut result);
    }
    let run_id = db::runs::store(conn, cycle.id, &config, &result)?;
    let detail = format!(
        "{year}: run {run_id}, B={}, seed={}, min_responses={}, pool_years={}",
        config.bootstrap_replicates, config.bootstrap_seed, config.min_responses, config.pool_years
    );
    db::admin::audit(conn, actor, "cycle.score", &detail)?;
    Ok(Scored {
        run_id,
        evaluations: evaluations.len(),
        config,
        result,
        catalog,
    })
}

/// The per-kind settings of the cycle's catalog (`kinds.csv`: `min_responses`, `estimator`;
/// METHODOLOGY.md §3, §8), before the command line's overrides.
///
/// INTEGRATION POINT: the catalog work adds these columns to the cycle's kinds; map them here.
/// Until then every kind is direct with the cycle's default minimum.
fn kind_settings(_catalog: &SeedCatalog) -> BTreeMap<String, KindSettings> {
    BTreeMap::new()
}

/// The cycle's succession links (`unit_links.csv`, METHODOLOGY.md §9).
///
/// INTEGRATION POINT: the catalog work stores the links with each cycle's catalog; read them
/// here (as `succession::Link`s). Until then no unit has links and every change is same-unit.
fn unit_links(_conn: &mut Conn, _cycle_id: i64) -> anyhow::Result<Vec<Link>> {
    Ok(Vec::new())
}

/// Closes the cycle if needed and freezes its latest run; returns the run's id.
pub fn publish_cycle(conn: &mut Conn, actor: &str, year: i32) -> anyhow::Result<i64> {
    let run = db::runs::publish(conn, year)?;
    db::admin::audit(
        conn,
        actor,
        "cycle.publish",
        &format!("{year}: run {}", run.id),
    )?;
    Ok(run.id)
}
