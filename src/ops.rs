//! What administrators do to a cycle — create, open, close, score, publish, issue codes — in
//! one place for the command line and the admin pages, each step written to the audit log.
//! `actor` is the admin's user name, or `cli` for the command line.

use crate::catalog::SeedCatalog;
use crate::db::{self, cycles::CycleRow, cycles::Status, Conn};
use crate::scoring::{self, Config, ScoringResult};
use crate::survey::codes;
use anyhow::Context;

/// Overrides of the cycle's methodology configuration for one run.
#[derive(Debug, Default, Clone, clap::Args, serde::Deserialize)]
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

impl RunOptions {
    /// The cycle's configuration with these overrides; zero where it makes no sense is refused.
    pub fn apply(&self, mut config: Config) -> anyhow::Result<Config> {
        anyhow::ensure!(
            self.min_responses != Some(0),
            "--min-responses must be at least 1"
        );
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
        config.min_responses = self.min_responses.unwrap_or(config.min_responses);
        config.pool_years = self.pool_years.unwrap_or(config.pool_years);
        Ok(config)
    }
}

/// Where a new cycle's catalog comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogSource {
    /// The stored seed catalog (`ddci seed`).
    Seed,
    /// A copy of an earlier cycle's own catalog (units, questions, weights, groups).
    CopyOf(i32),
}

pub fn create_cycle(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    source: CatalogSource,
) -> anyhow::Result<CycleRow> {
    anyhow::ensure!(
        (2000..=2100).contains(&year),
        "{year} is not a survey year (2000–2100)"
    );
    let catalog = match source {
        CatalogSource::Seed => ensure_catalog(conn)?,
        CatalogSource::CopyOf(from) => {
            let earlier = db::cycles::get(conn, from)?;
            db::cycle_catalog::load(conn, earlier.id, earlier.config().groups)?
        }
    };
    let row = db::cycles::create(conn, year, &catalog)?;
    let from = match source {
        CatalogSource::Seed => "seed catalog".to_string(),
        CatalogSource::CopyOf(y) => format!("copy of {y}"),
    };
    db::admin::audit(conn, actor, "cycle.create", &format!("{year} ({from})"))?;
    Ok(row)
}

/// The stored catalog, loading the built-in one first on an empty database.
pub fn ensure_catalog(conn: &mut Conn) -> anyhow::Result<SeedCatalog> {
    if let Some(c) = db::catalog::load(conn)? {
        return Ok(c);
    }
    let catalog = SeedCatalog::embedded()?;
    db::catalog::replace(conn, &catalog)?;
    Ok(catalog)
}

/// Opens a cycle (creating it from the seed catalog if needed), with an optional deadline.
pub fn open_cycle(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    closes_on: Option<&str>,
) -> anyhow::Result<CycleRow> {
    if let Some(date) = closes_on {
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .with_context(|| format!("the deadline `{date}` is not a date like 2025-10-31"))?;
    }
    ensure_catalog(conn)?;
    let cycle = db::cycles::open(conn, year)?;
    if let Some(date) = closes_on {
        db::cycles::set_closes_on(conn, cycle.id, date)?;
    }
    let detail = closes_on.map_or(year.to_string(), |d| format!("{year}, closes on {d}"));
    db::admin::audit(conn, actor, "cycle.open", &detail)?;
    Ok(db::cycles::get(conn, year)?)
}

pub fn close_cycle(conn: &mut Conn, actor: &str, year: i32) -> anyhow::Result<CycleRow> {
    let row = db::cycles::close(conn, year)?;
    db::admin::audit(conn, actor, "cycle.close", &year.to_string())?;
    Ok(row)
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
    anyhow::ensure!(
        cycle.status() != Status::Published,
        "cycle {year} is published; its numbers never change"
    );
    let config = options.apply(cycle.config())?;
    let catalog = db::cycle_catalog::load(conn, cycle.id, config.groups.clone())?;
    let scoring_catalog = db::scoring_input::scoring_catalog(&catalog);
    let evaluations = db::scoring_input::evaluations(conn, cycle.id, &scoring_catalog)?;
    let history = db::scoring_input::history(conn, year)?;
    let result = scoring::score(&scoring_catalog, &evaluations, &config, year, &history);
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

/// New invitation codes for `labels` (one each). Nothing is stored yet: callers first put
/// the codes where people will get them, then [`store_codes`].
pub fn generate_codes(
    labels: Vec<Option<String>>,
) -> anyhow::Result<Vec<(String, Option<String>)>> {
    anyhow::ensure!(!labels.is_empty(), "at least one code is needed");
    anyhow::ensure!(labels.len() <= 100_000, "at most 100000 codes at a time");
    Ok(labels.into_iter().map(|l| (codes::generate(), l)).collect())
}

/// Stores the hashes of issued codes (never the codes) for an unpublished cycle.
pub fn store_codes(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    issued: &[(String, Option<String>)],
) -> anyhow::Result<()> {
    let cycle = db::cycles::get(conn, year)?;
    anyhow::ensure!(
        cycle.status() != Status::Published,
        "cycle {year} is published; it takes no more responses"
    );
    let hashes: Vec<_> = issued
        .iter()
        .filter_map(|(code, label)| Some((codes::hash(&codes::normalize(code)?), label.clone())))
        .collect();
    db::invitations::insert(conn, cycle.id, &hashes)?;
    let detail = format!("{year}: {} codes", issued.len());
    db::admin::audit(conn, actor, "invitations.issue", &detail)?;
    Ok(())
}

/// The codes file for the mail merge: `code,label,link`, labels spreadsheet-safe.
pub fn codes_csv(public_url: &str, issued: &[(String, Option<String>)]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["code", "label", "link"])?;
    for (code, label) in issued {
        let link = format!("{public_url}/survey?code={code}");
        let label = label
            .as_deref()
            .map(crate::scoring::table::spreadsheet_safe)
            .unwrap_or_default();
        w.write_record([code.as_str(), label.as_str(), link.as_str()])?;
    }
    Ok(w.into_inner()?)
}
