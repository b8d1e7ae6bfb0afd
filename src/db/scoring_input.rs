//! What the scoring engine reads from the database: a cycle's scored catalog, its evaluations
//! and the published runs of earlier cycles.

use super::schema::*;
use super::{Conn, DbError};
use crate::catalog::SeedCatalog;
use crate::scoring::model::{self as m, Catalog, Evaluation, PublishedCycle};
use diesel::prelude::*;
use std::collections::HashMap;

/// The scored part of a cycle's catalog, in display order.
pub fn scoring_catalog(catalog: &SeedCatalog) -> Catalog {
    let components: Vec<m::Component> = catalog
        .components
        .iter()
        .map(|c| m::Component {
            code: c.code.clone(),
            kind: c.kind.clone(),
            weight: c.weight,
        })
        .collect();
    let position: HashMap<&str, usize> = catalog
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.as_str(), i))
        .collect();
    let indicators = catalog
        .indicators
        .iter()
        .filter_map(|i| {
            Some(m::Indicator {
                code: i.code.clone(),
                component: *position.get(i.component_code.as_str())?,
                question_type: i.question_type,
                aggregate: i.aggregate,
                direction: i.direction,
                weight: i.weight,
            })
        })
        .collect();
    let units = catalog
        .units
        .iter()
        .map(|u| m::Unit {
            code: u.code.clone(),
            kind: u.kind.clone(),
        })
        .collect();
    Catalog {
        units,
        components,
        indicators,
    }
}

/// Every evaluation of the cycle: (response, unit) pairs with their non-missing answers.
pub fn evaluations(
    conn: &mut Conn,
    cycle_id: i64,
    catalog: &Catalog,
) -> Result<Vec<Evaluation>, DbError> {
    let ids = super::responses::code_ids(conn, cycle_id)?;
    let units = positions(&ids.units, catalog.units.iter().map(|u| u.code.as_str()));
    let indicators = positions(
        &ids.indicators,
        catalog.indicators.iter().map(|i| i.code.as_str()),
    );
    let rows = queries::answer_rows(conn, cycle_id)?;
    Ok(group_rows(rows, &units, &indicators))
}

/// Database id → position in the scoring catalog.
fn positions<'a>(
    by_code: &HashMap<String, i64>,
    codes: impl Iterator<Item = &'a str>,
) -> HashMap<i64, usize> {
    codes
        .enumerate()
        .filter_map(|(pos, code)| by_code.get(code).map(|id| (*id, pos)))
        .collect()
}

/// (response id, unit id, packed answers, weight).
type EvaluationRow = (i64, i64, Vec<u8>, f64);

fn group_rows(
    rows: Vec<EvaluationRow>,
    units: &HashMap<i64, usize>,
    indicators: &HashMap<i64, usize>,
) -> Vec<Evaluation> {
    rows.into_iter()
        .filter_map(|(response, unit_id, packed, weight)| {
            let unit = *units.get(&unit_id)?;
            let answers = super::responses::unpack(&packed)
                .filter_map(|(id, value)| Some((*indicators.get(&id)?, value)))
                .collect();
            Some(Evaluation {
                response: response as u64,
                unit,
                weight,
                answers,
            })
        })
        .collect()
}

/// The published runs of cycles before `year`, for pooled bounds and change.
pub fn history(conn: &mut Conn, year: i32) -> Result<Vec<PublishedCycle>, DbError> {
    Ok(queries::history(conn, year)?)
}

/// The published runs of cycles before `year` as §9's backcast reads them: each with its own
/// catalog, the evaluations it scored and its stored numbers.
pub fn past_runs(
    conn: &mut Conn,
    year: i32,
) -> Result<Vec<crate::scoring::succession::PastRun>, DbError> {
    let published = queries::published_cycles(conn, year)?;
    let mut out = Vec::new();
    for (cycle_id, cycle_year) in published {
        let Some(cycle) = super::cycles::find(conn, cycle_year)? else {
            continue;
        };
        let Some(run) = super::runs::current(conn, &cycle)? else {
            continue;
        };
        let seed = super::cycle_catalog::load(conn, cycle_id, cycle.config().groups)?;
        let catalog = scoring_catalog(&seed);
        let evals = evaluations(conn, cycle_id, &catalog)?;
        let result = super::runs::load(conn, &run, cycle_year)?;
        out.push(crate::scoring::succession::PastRun::from_result(
            &catalog, &evals, &result,
        ));
    }
    Ok(out)
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    pub(crate) fn answer_rows(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<EvaluationRow>> {
        evaluations::table
            .inner_join(responses::table)
            .filter(responses::cycle_id.eq(cycle_id))
            .select((
                evaluations::response_id,
                evaluations::unit_id,
                evaluations::packed,
                responses::weight,
            ))
            .load::<EvaluationRow>(c)
    }

    /// (cycle id, year) of the published cycles before `year`.
    pub(crate) fn published_cycles(c: &mut Db, year: i32) -> QueryResult<Vec<(i64, i32)>> {
        cycles::table
            .filter(cycles::year.lt(year))
            .filter(cycles::published_run_id.is_not_null())
            .select((cycles::id, cycles::year))
            .load::<(i64, i32)>(c)
    }

    pub(crate) fn history(c: &mut Db, year: i32) -> QueryResult<Vec<PublishedCycle>> {
        let published = cycles::table
            .filter(cycles::year.lt(year))
            .filter(cycles::published_run_id.is_not_null())
            .select((cycles::year, cycles::published_run_id.assume_not_null()))
            .load::<(i32, i64)>(c)?;
        published
            .into_iter()
            .map(|(year, run)| published_cycle(c, year, run))
            .collect()
    }

    fn published_cycle(c: &mut Db, year: i32, run: i64) -> QueryResult<PublishedCycle> {
        let ranked_totals = run_scores::table
            .filter(run_scores::run_id.eq(run))
            .filter(run_scores::ranked.eq(true))
            .select((
                run_scores::unit_code,
                run_scores::total.assume_not_null(),
                run_scores::rank.assume_not_null(),
            ))
            .load::<(String, f64, i32)>(c)?
            .into_iter()
            .map(|(u, t, r)| (u, t, r.max(0) as u32))
            .collect::<Vec<_>>();
        let ranked: std::collections::HashSet<&str> =
            ranked_totals.iter().map(|(u, _, _)| u.as_str()).collect();
        // §8: an earlier cycle contributes the value its run normalised (r̃ where it shrank).
        let ranked_raw_values = run_indicator_scores::table
            .filter(run_indicator_scores::run_id.eq(run))
            .filter(run_indicator_scores::raw_value.is_not_null())
            .select((
                run_indicator_scores::unit_code,
                run_indicator_scores::indicator_code,
                run_indicator_scores::raw_value.assume_not_null(),
                run_indicator_scores::estimate,
            ))
            .load::<(String, String, f64, Option<f64>)>(c)?
            .into_iter()
            .filter(|(u, _, _, _)| ranked.contains(u.as_str()))
            .map(|(u, i, raw, estimate)| (u, i, estimate.unwrap_or(raw)))
            .collect();
        Ok(PublishedCycle {
            year,
            ranked_raw_values,
            ranked_totals,
            replicate_totals: crate::db::runs::queries::replicates(c, run)?,
        })
    }
}
