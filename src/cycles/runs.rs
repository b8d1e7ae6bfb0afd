//! Scoring runs and publishing, each written to the audit log.

use super::Refused;
use crate::catalog::SeedCatalog;
use crate::db::{self, Conn};
use crate::scoring::model::{Estimator, KindSettings};
use crate::scoring::succession::{self, Link, Relation};
use crate::scoring::{self, Config, ScoringResult};
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
    let mut config = cycle.config();
    let catalog = db::cycle_catalog::load(conn, cycle.id, config.groups.clone())?;
    config.kinds = kind_settings(&catalog);
    let config = options.apply(config)?;
    let scoring_catalog = db::scoring_input::scoring_catalog(&catalog);
    let evaluations = db::scoring_input::evaluations(conn, cycle.id, &scoring_catalog)?;
    let history = db::scoring_input::history(conn, year)?;
    let mut result = scoring::score(&scoring_catalog, &evaluations, &config, year, &history);
    let links = unit_links(&catalog);
    if !links.is_empty() {
        let merged = links.iter().any(|l| l.relation == Relation::Merged);
        let runs = if merged {
            db::scoring_input::past_runs(conn, year)?
        } else {
            Vec::new()
        };
        succession::apply(&scoring_catalog, &links, &history, &runs, &mut result);
    }
    // The run records exactly the responses it scored, so that its data package holds those
    // and none stored later (an open survey, a paper import).
    let mut used: Vec<i64> = evaluations.iter().map(|e| e.response as i64).collect();
    used.sort_unstable();
    used.dedup();
    let run_id = db::runs::store(conn, cycle.id, &config, &result, &used)?;
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

/// The cycle's succession links (its copy of `unit_links.csv`, METHODOLOGY.md §9) as the engine
/// takes them.
fn unit_links(catalog: &SeedCatalog) -> Vec<Link> {
    use crate::catalog::Relation as R;
    let relation = |r: R| match r {
        R::Renamed => Relation::Renamed,
        R::Merged => Relation::Merged,
        R::SplitFrom => Relation::SplitFrom,
        R::Territory => Relation::Territory,
    };
    catalog
        .unit_links
        .iter()
        .map(|l| Link {
            unit_code: l.unit_code.clone(),
            predecessor_code: l.predecessor_code.clone(),
            relation: relation(l.relation),
        })
        .collect()
}

/// Each kind's minimum and estimator from the cycle's catalog (`kinds.csv`, METHODOLOGY.md §3
/// and §8), before the command line's overrides.
fn kind_settings(catalog: &SeedCatalog) -> BTreeMap<String, KindSettings> {
    catalog
        .kinds
        .iter()
        .map(|k| {
            let estimator = match k.estimator {
                crate::catalog::Estimator::Direct => Estimator::Direct,
                crate::catalog::Estimator::Shrunk => Estimator::Shrunk,
            };
            let settings = KindSettings {
                min_responses: k.min_responses,
                estimator,
            };
            (k.code.clone(), settings)
        })
        .collect()
}

/// Closes the cycle if needed and freezes its latest run; returns the run's id.
/// Publishes the cycle's latest run; `pending_key` (the key file's) opens the submissions still
/// pending, which move into the live tables as the cycle closes.
pub fn publish_cycle(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    pending_key: &crate::seal::SealKey,
) -> anyhow::Result<i64> {
    let run = db::runs::publish(conn, year, pending_key)?;
    db::admin::audit(
        conn,
        actor,
        "cycle.publish",
        &format!("{year}: run {}", run.id),
    )?;
    Ok(run.id)
}
