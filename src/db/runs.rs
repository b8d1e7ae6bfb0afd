//! Scoring runs: storing every number a run produced, reading a run back, publishing.

use super::cycles::{CycleError, CycleRow};
use super::schema::*;
use super::{Conn, DbError};
use crate::cycles::Status;
use crate::scoring::model::{Config, IntervalMethod};
use crate::scoring::result::*;
use diesel::prelude::*;

/// A stored run's parameters.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scoring_runs)]
pub struct RunRow {
    pub id: i64,
    pub cycle_id: i64,
    pub created_at: String,
    pub min_responses: i32,
    pub pool_years: i32,
    pub bootstrap_replicates: i32,
    pub bootstrap_seed: i64,
    pub groups_json: String,
    pub pooled_cycles: String,
    pub engine_version: String,
    pub warnings_json: String,
    /// Per-kind settings (METHODOLOGY.md §3, §8) as JSON: kind → {min_responses, estimator}.
    pub kinds_json: String,
    /// How replicates became intervals (`IntervalMethod`); "percentile" before calibration.
    pub intervals: String,
}

impl RunRow {
    /// The configuration the run actually used (CLI overrides included).
    pub fn config(&self) -> Config {
        Config {
            min_responses: self.min_responses.max(1) as u32,
            pool_years: self.pool_years.max(1) as u32,
            bootstrap_replicates: self.bootstrap_replicates.max(0) as u32,
            bootstrap_seed: self.bootstrap_seed as u64,
            groups: serde_json::from_str(&self.groups_json).unwrap_or_default(),
            kinds: serde_json::from_str(&self.kinds_json).unwrap_or_default(),
            intervals: self.intervals.parse().unwrap_or(IntervalMethod::Percentile),
        }
    }

    pub fn pooled_cycles(&self) -> Vec<i32> {
        serde_json::from_str(&self.pooled_cycles).unwrap_or_default()
    }
}

/// Stores a run and all its numbers in one transaction; returns the run id.
pub fn store(
    conn: &mut Conn,
    cycle_id: i64,
    config: &Config,
    result: &ScoringResult,
    responses: &[i64],
) -> Result<i64, DbError> {
    Ok(queries::store(conn, cycle_id, config, result, responses)?)
}

/// The responses a run scored; empty for runs stored before runs recorded them.
pub fn responses(conn: &mut Conn, run_id: i64) -> Result<Vec<i64>, DbError> {
    Ok(queries::responses(conn, run_id)?)
}

/// The newest run of a cycle.
pub fn latest(conn: &mut Conn, cycle_id: i64) -> Result<Option<RunRow>, DbError> {
    Ok(queries::latest(conn, cycle_id)?)
}

/// Every run of a cycle, newest first.
pub fn list(conn: &mut Conn, cycle_id: i64) -> Result<Vec<RunRow>, DbError> {
    Ok(queries::list(conn, cycle_id)?)
}

/// One run of a cycle (`None` if the id belongs to no run of that cycle).
pub fn of_cycle(conn: &mut Conn, cycle_id: i64, run_id: i64) -> Result<Option<RunRow>, DbError> {
    Ok(queries::by_id(conn, run_id)?.filter(|r| r.cycle_id == cycle_id))
}

/// A run's replicate totals by unit code (empty for runs stored before calibration).
pub fn replicates(
    conn: &mut Conn,
    run_id: i64,
) -> Result<std::collections::BTreeMap<String, Vec<f64>>, DbError> {
    Ok(queries::replicates(conn, run_id)?)
}

/// A run's numbers, in the shape the engine produced them.
pub fn load(conn: &mut Conn, run: &RunRow, year: i32) -> Result<ScoringResult, DbError> {
    let mut result = queries::load(conn, run.id)?;
    result.year = year;
    result.pooled_cycles = run.pooled_cycles();
    result.warnings = serde_json::from_str(&run.warnings_json).unwrap_or_default();
    for s in &mut result.scores {
        s.group_index = run
            .config()
            .groups
            .iter()
            .position(|g| Some(&g.label_vi) == s.group.as_ref());
    }
    Ok(result)
}

/// The run whose numbers the public sees: the published one, else the latest.
pub fn current(conn: &mut Conn, cycle: &CycleRow) -> Result<Option<RunRow>, DbError> {
    match cycle.published_run_id {
        Some(id) => Ok(queries::by_id(conn, id)?),
        None => latest(conn, cycle.id),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cycle {0} is already published; its numbers never change")]
    AlreadyPublished(i32),
    #[error("cycle {0} has no scoring run; run `ddci score --cycle {0}` first")]
    NoRun(i32),
    #[error("the latest run of cycle {0} ranks no unit; it cannot be published")]
    NothingRanked(i32),
    #[error(transparent)]
    Cycle(#[from] CycleError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Closes the cycle if still open (moving its pending submissions, sealed with `pending_key`,
/// into the live tables as a close does) and freezes its latest run as the published one.
pub fn publish(
    conn: &mut Conn,
    year: i32,
    pending_key: &crate::seal::SealKey,
) -> Result<RunRow, PublishError> {
    let cycle = super::cycles::get(conn, year)?;
    if cycle.status() == Status::Published {
        return Err(PublishError::AlreadyPublished(year));
    }
    let run = latest(conn, cycle.id)?.ok_or(PublishError::NoRun(year))?;
    let ranked = queries::ranked_units(conn, run.id).map_err(DbError::from)?;
    if ranked == 0 {
        return Err(PublishError::NothingRanked(year));
    }
    let done = queries::freeze(conn, cycle.id, run.id, pending_key).map_err(DbError::from)?;
    if !done {
        return Err(PublishError::AlreadyPublished(year));
    }
    Ok(run)
}

fn to_json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub(crate) mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    use crate::db::WriteTx;

    pub(crate) fn load(c: &mut Db, run: i64) -> QueryResult<ScoringResult> {
        let scores = load_scores(c, run)?;
        // Today's §3: a count-only unit shows no raw value or interval, whatever the run stored.
        let count_only: std::collections::BTreeSet<&str> = (scores.iter())
            .filter(|s| s.count_only)
            .map(|s| s.unit_code.as_str())
            .collect();
        let mut indicator_scores = load_indicator_scores(c, run)?;
        indicator_scores.retain(|s| !count_only.contains(s.unit_code.as_str()));
        Ok(ScoringResult {
            scores,
            indicator_scores,
            component_scores: run_component_scores::table
                .filter(run_component_scores::run_id.eq(run))
                .select((
                    run_component_scores::unit_code,
                    run_component_scores::component_code,
                    run_component_scores::score,
                ))
                .load::<(String, String, Option<f64>)>(c)?
                .into_iter()
                .map(|(unit_code, component_code, score)| ComponentScore {
                    unit_code,
                    component_code,
                    score,
                })
                .collect(),
            summary: run_summaries::table
                .filter(run_summaries::run_id.eq(run))
                .select((
                    run_summaries::kind,
                    run_summaries::ranked_units,
                    run_summaries::median_total,
                    run_summaries::mean_total,
                ))
                .load::<(String, i32, Option<f64>, Option<f64>)>(c)?
                .into_iter()
                .map(|(kind, n, median_total, mean_total)| KindSummary {
                    kind,
                    ranked_units: n.max(0) as u32,
                    median_total,
                    mean_total,
                })
                .collect(),
            reliability: run_reliability::table
                .filter(run_reliability::run_id.eq(run))
                .select((
                    run_reliability::kind,
                    run_reliability::component_code,
                    run_reliability::n,
                    run_reliability::alpha,
                ))
                .load::<(String, String, i32, Option<f64>)>(c)?
                .into_iter()
                .map(|(kind, component_code, n, alpha)| Reliability {
                    kind,
                    component_code,
                    n: n.max(0) as u32,
                    alpha,
                })
                .collect(),
            shrinkage: run_shrinkage::table
                .filter(run_shrinkage::run_id.eq(run))
                .order((run_shrinkage::kind, run_shrinkage::indicator_code))
                .select((
                    run_shrinkage::kind,
                    run_shrinkage::indicator_code,
                    run_shrinkage::m,
                    run_shrinkage::mu,
                    run_shrinkage::sigma2,
                    run_shrinkage::tau2,
                ))
                .load::<(String, String, i32, f64, f64, f64)>(c)?
                .into_iter()
                .map(|(kind, indicator_code, m, mu, sigma2, tau2)| ShrinkageRow {
                    kind,
                    indicator_code,
                    m: m.max(0) as u32,
                    mu,
                    sigma2,
                    tau2,
                })
                .collect(),
            ..ScoringResult::default()
        })
    }

    fn load_scores(c: &mut Db, run: i64) -> QueryResult<Vec<UnitScore>> {
        let rows = run_scores::table
            .filter(run_scores::run_id.eq(run))
            .select(StoredScore::as_select())
            .load::<StoredScore>(c)?;
        Ok(rows.into_iter().map(StoredScore::into_score).collect())
    }

    fn load_indicator_scores(c: &mut Db, run: i64) -> QueryResult<Vec<IndicatorScore>> {
        type Row = (
            String,
            String,
            i32,
            Option<f64>,
            Option<f64>,
            Option<f64>,
            Option<f64>,
            Option<f64>,
            Option<f64>,
            (
                Option<f64>,
                Option<f64>,
                Option<f64>,
                Option<f64>,
                Option<f64>,
            ),
        );
        Ok(run_indicator_scores::table
            .filter(run_indicator_scores::run_id.eq(run))
            .select((
                run_indicator_scores::unit_code,
                run_indicator_scores::indicator_code,
                run_indicator_scores::n,
                run_indicator_scores::raw_value,
                run_indicator_scores::ci_low,
                run_indicator_scores::ci_high,
                run_indicator_scores::pool_min,
                run_indicator_scores::pool_max,
                run_indicator_scores::score,
                (
                    run_indicator_scores::weight_sum,
                    run_indicator_scores::weight_sq_sum,
                    run_indicator_scores::within_ss,
                    run_indicator_scores::estimate,
                    run_indicator_scores::shrinkage,
                ),
            ))
            .load::<Row>(c)?
            .into_iter()
            .map(
                |(
                    unit_code,
                    indicator_code,
                    n,
                    raw_value,
                    ci_low,
                    ci_high,
                    pool_min,
                    pool_max,
                    score,
                    (weight_sum, weight_sq_sum, within_ss, estimate, shrinkage),
                )| {
                    IndicatorScore {
                        unit_code,
                        indicator_code,
                        n: n.max(0) as u32,
                        raw_value,
                        ci_low,
                        ci_high,
                        pool_min,
                        pool_max,
                        score,
                        weight_sum,
                        weight_sq_sum,
                        within_ss,
                        // Runs stored before §8 normalised the raw value itself.
                        estimate: estimate.or(raw_value),
                        shrinkage,
                    }
                },
            )
            .collect())
    }

    pub(crate) fn by_id(c: &mut Db, id: i64) -> QueryResult<Option<RunRow>> {
        scoring_runs::table
            .find(id)
            .select(RunRow::as_select())
            .first(c)
            .optional()
    }

    pub(crate) fn list(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<RunRow>> {
        scoring_runs::table
            .filter(scoring_runs::cycle_id.eq(cycle_id))
            .order(scoring_runs::id.desc())
            .select(RunRow::as_select())
            .load(c)
    }

    pub(crate) fn latest(c: &mut Db, cycle_id: i64) -> QueryResult<Option<RunRow>> {
        scoring_runs::table
            .filter(scoring_runs::cycle_id.eq(cycle_id))
            .order(scoring_runs::id.desc())
            .select(RunRow::as_select())
            .first(c)
            .optional()
    }

    pub(crate) fn ranked_units(c: &mut Db, run: i64) -> QueryResult<i64> {
        run_scores::table
            .filter(run_scores::run_id.eq(run))
            .filter(run_scores::ranked.eq(true))
            .count()
            .get_result(c)
    }

    /// Sets the published run only if none is set yet, so two publishers cannot both win.
    pub(crate) fn freeze(
        c: &mut Db,
        cycle_id: i64,
        run: i64,
        pending_key: &crate::seal::SealKey,
    ) -> Result<bool, crate::db::pending::MixError> {
        c.write_tx(|c| {
            crate::db::pending::flush_in_tx(c, pending_key, cycle_id)?;
            let n = diesel::update(
                cycles::table
                    .find(cycle_id)
                    .filter(cycles::published_run_id.is_null()),
            )
            .set((
                cycles::published_run_id.eq(run),
                cycles::status.eq("published"),
            ))
            .execute(c)?;
            Ok(n == 1)
        })
    }

    pub(crate) fn store(
        c: &mut Db,
        cycle_id: i64,
        config: &Config,
        result: &ScoringResult,
        responses: &[i64],
    ) -> QueryResult<i64> {
        c.write_tx(|c| {
            let run = insert_run(c, cycle_id, config, result)?;
            insert_scores(c, run, config, result)?;
            insert_details(c, run, result)?;
            insert_replicates(c, run, result)?;
            insert_responses(c, run, responses)?;
            Ok(run)
        })
    }

    fn insert_responses(c: &mut Db, run: i64, responses: &[i64]) -> QueryResult<()> {
        // Two bound values a row: well below either backend's limit per statement.
        for chunk in responses.chunks(5_000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|id| {
                    (
                        run_responses::run_id.eq(run),
                        run_responses::response_id.eq(*id),
                    )
                })
                .collect();
            crate::db::insert_rows(c, run_responses::table, &rows)?;
        }
        Ok(())
    }

    pub(crate) fn responses(c: &mut Db, run: i64) -> QueryResult<Vec<i64>> {
        run_responses::table
            .filter(run_responses::run_id.eq(run))
            .select(run_responses::response_id)
            .load(c)
    }

    fn insert_run(
        c: &mut Db,
        cycle_id: i64,
        config: &Config,
        result: &ScoringResult,
    ) -> QueryResult<i64> {
        diesel::insert_into(scoring_runs::table)
            .values((
                scoring_runs::cycle_id.eq(cycle_id),
                scoring_runs::created_at.eq(crate::clock::now_rfc3339()),
                scoring_runs::min_responses.eq(config.min_responses as i32),
                scoring_runs::pool_years.eq(config.pool_years as i32),
                scoring_runs::bootstrap_replicates.eq(config.bootstrap_replicates as i32),
                scoring_runs::bootstrap_seed.eq(config.bootstrap_seed as i64),
                scoring_runs::groups_json.eq(to_json(&config.groups)),
                scoring_runs::pooled_cycles.eq(to_json(&result.pooled_cycles)),
                scoring_runs::engine_version.eq(crate::scoring::ENGINE_VERSION),
                scoring_runs::warnings_json.eq(to_json(&result.warnings)),
                scoring_runs::kinds_json.eq(to_json(&config.kinds)),
                scoring_runs::intervals.eq(config.intervals.as_str()),
            ))
            .returning(scoring_runs::id)
            .get_result(c)
    }

    fn insert_scores(
        c: &mut Db,
        run: i64,
        config: &Config,
        result: &ScoringResult,
    ) -> QueryResult<()> {
        let rows: Vec<_> = result
            .scores
            .iter()
            .map(|s| {
                (
                    run_scores::run_id.eq(run),
                    run_scores::unit_code.eq(&s.unit_code),
                    run_scores::kind.eq(&s.kind),
                    run_scores::responses.eq(s.responses as i32),
                    run_scores::ranked.eq(s.ranked),
                    run_scores::total.eq(s.total),
                    run_scores::rank.eq(s.rank.map(|r| r as i32)),
                    run_scores::group_vi.eq(s.group.clone()),
                    run_scores::group_en.eq(s
                        .group_index
                        .and_then(|i| config.groups.get(i))
                        .map(|g| g.label_en.clone())),
                    run_scores::total_ci_low.eq(s.total_ci_low),
                    run_scores::total_ci_high.eq(s.total_ci_high),
                    run_scores::rank_ci_low.eq(s.rank_ci_low.map(|r| r as i32)),
                    run_scores::rank_ci_high.eq(s.rank_ci_high.map(|r| r as i32)),
                    run_scores::total_change.eq(s.total_change),
                    run_scores::rank_change.eq(s.rank_change.map(|r| r as i32)),
                    run_scores::missing_components.eq(s.missing_components.join(";")),
                    run_scores::change_basis.eq(s.change_basis.map(ChangeBasis::as_str)),
                    run_scores::count_only.eq(s.count_only),
                    run_scores::total_change_ci_low.eq(s.total_change_ci_low),
                    run_scores::total_change_ci_high.eq(s.total_change_ci_high),
                    run_scores::change_significant.eq(s.change_significant),
                    run_scores::rank_sensitivity_low.eq(s.rank_sensitivity_low.map(|r| r as i32)),
                    run_scores::rank_sensitivity_high.eq(s.rank_sensitivity_high.map(|r| r as i32)),
                )
            })
            .collect();
        crate::db::insert_rows(c, run_scores::table, &rows)?;
        Ok(())
    }

    fn insert_replicates(c: &mut Db, run: i64, result: &ScoringResult) -> QueryResult<()> {
        let rows: Vec<_> = (result.replicate_totals.iter())
            .map(|(unit, totals)| {
                (
                    run_replicates::run_id.eq(run),
                    run_replicates::unit_code.eq(unit),
                    run_replicates::totals.eq(super::pack_f64(totals)),
                )
            })
            .collect();
        crate::db::insert_rows(c, run_replicates::table, &rows)?;
        Ok(())
    }

    /// A run's replicate totals by unit code (empty for runs stored before calibration).
    pub(crate) fn replicates(
        c: &mut Db,
        run: i64,
    ) -> QueryResult<std::collections::BTreeMap<String, Vec<f64>>> {
        let rows: Vec<(String, Vec<u8>)> = run_replicates::table
            .filter(run_replicates::run_id.eq(run))
            .select((run_replicates::unit_code, run_replicates::totals))
            .load(c)?;
        Ok(rows
            .into_iter()
            .map(|(unit, bytes)| (unit, super::unpack_f64(&bytes)))
            .collect())
    }

    fn insert_details(c: &mut Db, run: i64, result: &ScoringResult) -> QueryResult<()> {
        let rows: Vec<_> = result
            .indicator_scores
            .iter()
            .map(|s| {
                (
                    run_indicator_scores::run_id.eq(run),
                    run_indicator_scores::unit_code.eq(&s.unit_code),
                    run_indicator_scores::indicator_code.eq(&s.indicator_code),
                    run_indicator_scores::n.eq(s.n as i32),
                    run_indicator_scores::raw_value.eq(s.raw_value),
                    run_indicator_scores::ci_low.eq(s.ci_low),
                    run_indicator_scores::ci_high.eq(s.ci_high),
                    run_indicator_scores::pool_min.eq(s.pool_min),
                    run_indicator_scores::pool_max.eq(s.pool_max),
                    run_indicator_scores::score.eq(s.score),
                    run_indicator_scores::weight_sum.eq(s.weight_sum),
                    run_indicator_scores::weight_sq_sum.eq(s.weight_sq_sum),
                    run_indicator_scores::within_ss.eq(s.within_ss),
                    run_indicator_scores::estimate.eq(s.estimate),
                    run_indicator_scores::shrinkage.eq(s.shrinkage),
                )
            })
            .collect();
        // 15 values a row: 1,500 rows stay below SQLite's 32,766 bound parameters.
        for chunk in rows.chunks(1500) {
            crate::db::insert_rows(c, run_indicator_scores::table, chunk)?;
        }
        let rows: Vec<_> = result
            .component_scores
            .iter()
            .map(|s| {
                (
                    run_component_scores::run_id.eq(run),
                    run_component_scores::unit_code.eq(&s.unit_code),
                    run_component_scores::component_code.eq(&s.component_code),
                    run_component_scores::score.eq(s.score),
                )
            })
            .collect();
        crate::db::insert_rows(c, run_component_scores::table, &rows)?;
        insert_summaries(c, run, result)
    }

    fn insert_summaries(c: &mut Db, run: i64, result: &ScoringResult) -> QueryResult<()> {
        let rows: Vec<_> = result
            .summary
            .iter()
            .map(|s| {
                (
                    run_summaries::run_id.eq(run),
                    run_summaries::kind.eq(&s.kind),
                    run_summaries::ranked_units.eq(s.ranked_units as i32),
                    run_summaries::median_total.eq(s.median_total),
                    run_summaries::mean_total.eq(s.mean_total),
                )
            })
            .collect();
        crate::db::insert_rows(c, run_summaries::table, &rows)?;
        let rows: Vec<_> = result
            .reliability
            .iter()
            .map(|s| {
                (
                    run_reliability::run_id.eq(run),
                    run_reliability::kind.eq(&s.kind),
                    run_reliability::component_code.eq(&s.component_code),
                    run_reliability::n.eq(s.n as i32),
                    run_reliability::alpha.eq(s.alpha),
                )
            })
            .collect();
        crate::db::insert_rows(c, run_reliability::table, &rows)?;
        let rows: Vec<_> = result
            .shrinkage
            .iter()
            .map(|s| {
                (
                    run_shrinkage::run_id.eq(run),
                    run_shrinkage::kind.eq(&s.kind),
                    run_shrinkage::indicator_code.eq(&s.indicator_code),
                    run_shrinkage::m.eq(s.m as i32),
                    run_shrinkage::mu.eq(s.mu),
                    run_shrinkage::sigma2.eq(s.sigma2),
                    run_shrinkage::tau2.eq(s.tau2),
                )
            })
            .collect();
        crate::db::insert_rows(c, run_shrinkage::table, &rows)?;
        Ok(())
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = run_scores)]
struct StoredScore {
    unit_code: String,
    kind: String,
    responses: i32,
    ranked: bool,
    total: Option<f64>,
    rank: Option<i32>,
    group_vi: Option<String>,
    total_ci_low: Option<f64>,
    total_ci_high: Option<f64>,
    rank_ci_low: Option<i32>,
    rank_ci_high: Option<i32>,
    total_change: Option<f64>,
    rank_change: Option<i32>,
    missing_components: String,
    change_basis: Option<String>,
    count_only: bool,
    total_change_ci_low: Option<f64>,
    total_change_ci_high: Option<f64>,
    change_significant: Option<bool>,
    rank_sensitivity_low: Option<i32>,
    rank_sensitivity_high: Option<i32>,
}

impl StoredScore {
    fn into_score(self) -> UnitScore {
        let count = |v: Option<i32>| v.map(|r| r.max(0) as u32);
        UnitScore {
            unit_code: self.unit_code,
            kind: self.kind,
            responses: self.responses.max(0) as u32,
            ranked: self.ranked,
            total: self.total,
            rank: count(self.rank),
            group: self.group_vi,
            group_index: None,
            total_ci_low: self.total_ci_low,
            total_ci_high: self.total_ci_high,
            rank_ci_low: count(self.rank_ci_low),
            rank_ci_high: count(self.rank_ci_high),
            total_change: self.total_change,
            rank_change: self.rank_change.map(i64::from),
            change_basis: self.change_basis.as_deref().and_then(ChangeBasis::parse),
            total_change_ci_low: self.total_change_ci_low,
            total_change_ci_high: self.total_change_ci_high,
            change_significant: self.change_significant,
            rank_sensitivity_low: count(self.rank_sensitivity_low),
            rank_sensitivity_high: count(self.rank_sensitivity_high),
            // Today's §3 rule, also for runs stored before it existed.
            count_only: self.count_only
                || (!self.ranked
                    && (1..crate::scoring::COUNT_ONLY_BELOW as i32).contains(&self.responses)),
            missing_components: self
                .missing_components
                .split(';')
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect(),
        }
    }
}

/// Replicate totals as stored: little-endian f64s in replicate order.
fn pack_f64(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn unpack_f64(bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn replicate_totals_survive_storage_bit_for_bit() {
        let values = [12.5, f64::NAN, 99.999_999_999, 10.0];
        let back = super::unpack_f64(&super::pack_f64(&values));
        assert_eq!(back.len(), 4);
        assert!(back
            .iter()
            .zip(values)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}
