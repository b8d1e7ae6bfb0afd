//! Writing responses (web, API, paper import, demo) and reading them back for scoring.
//!
//! A response row gets a random id and a date; nothing here receives an invitation.

use super::schema::*;
use super::{Conn, DbError};
use diesel::prelude::*;
use std::borrow::Borrow;
use std::collections::HashMap;

pub use crate::responses::{Channel, NewEvaluation, NewResponse};

/// Ids of a cycle's units and indicators by code, for turning codes into foreign keys.
#[derive(Debug, Clone, Default)]
pub struct CodeIds {
    pub units: HashMap<String, i64>,
    pub indicators: HashMap<String, i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    #[error("unknown unit code `{0}`")]
    UnknownUnit(String),
    #[error("unknown indicator code `{0}`")]
    UnknownIndicator(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

pub fn code_ids(conn: &mut Conn, cycle_id: i64) -> Result<CodeIds, DbError> {
    Ok(queries::code_ids(conn, cycle_id)?)
}

/// Stores all `batch` in one transaction (all or nothing).
pub fn insert_all(
    conn: &mut Conn,
    cycle_id: i64,
    batch: &[NewResponse],
) -> Result<usize, InsertError> {
    let ids = code_ids(conn, cycle_id).map_err(|e| match e {
        DbError::Query(q) => InsertError::Db(q),
        other => InsertError::Db(diesel::result::Error::QueryBuilderError(
            other.to_string().into(),
        )),
    })?;
    queries::insert_all(conn, cycle_id, &ids, batch)
}

/// Number of stored responses of a cycle.
pub fn count(conn: &mut Conn, cycle_id: i64) -> Result<i64, DbError> {
    Ok(queries::count(conn, cycle_id)?)
}

/// Appends one answer to an evaluation's packed form (see the `evaluations` migration).
pub fn pack(out: &mut Vec<u8>, indicator_id: i64, value: f64) {
    out.extend_from_slice(&indicator_id.to_le_bytes());
    out.extend_from_slice(&value.to_le_bytes());
}

/// The (indicator id, value) pairs of a packed evaluation; a trailing partial pair is ignored.
pub fn unpack(packed: &[u8]) -> impl Iterator<Item = (i64, f64)> + '_ {
    packed.chunks_exact(16).map(|pair| {
        let (id, value) = pair.split_at(8);
        let id = i64::from_le_bytes(id.try_into().unwrap_or_default());
        let value = f64::from_le_bytes(value.try_into().unwrap_or_default());
        (id, value)
    })
}

/// A response ready to store: unit and indicator codes already turned into the cycle's ids, so
/// storing it cannot fail on a code (the mixing step stores submissions acknowledged earlier).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Resolved {
    pub key: String,
    pub weight: f64,
    pub channel: String,
    pub submitted_on: String,
    pub profile: Vec<(String, String)>,
    pub evaluations: Vec<ResolvedEvaluation>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ResolvedEvaluation {
    pub unit_id: i64,
    pub answers: Vec<(i64, Option<f64>)>,
    pub comment: Option<String>,
}

/// `r` with its codes turned into `ids`, or the first code the cycle does not have.
pub fn resolve(ids: &CodeIds, r: &NewResponse) -> Result<Resolved, InsertError> {
    let mut evaluations = Vec::with_capacity(r.evaluations.len());
    for e in &r.evaluations {
        let unit_id = *ids
            .units
            .get(&e.unit_code)
            .ok_or_else(|| InsertError::UnknownUnit(e.unit_code.clone()))?;
        let mut answers = Vec::with_capacity(e.answers.len());
        for (code, value) in &e.answers {
            let indicator_id = *ids
                .indicators
                .get(code)
                .ok_or_else(|| InsertError::UnknownIndicator(code.clone()))?;
            answers.push((indicator_id, *value));
        }
        evaluations.push(ResolvedEvaluation {
            unit_id,
            answers,
            comment: e.comment.clone(),
        });
    }
    Ok(Resolved {
        key: r.key.clone(),
        weight: r.weight,
        channel: r.channel.as_str().to_string(),
        submitted_on: r.submitted_on.clone(),
        profile: r.profile.clone(),
        evaluations,
    })
}

/// Inserts responses inside a transaction that the caller holds.
pub(crate) fn insert_in_tx<R: Borrow<NewResponse>>(
    conn: &mut Conn,
    cycle_id: i64,
    ids: &CodeIds,
    batch: &[R],
) -> Result<usize, InsertError> {
    let resolved = (batch.iter())
        .map(|r| resolve(ids, r.borrow()))
        .collect::<Result<Vec<_>, _>>()?;
    queries::insert_resolved(conn, cycle_id, &resolved)?;
    Ok(batch.len())
}

/// Inserts resolved responses inside a transaction that the caller holds.
pub(crate) fn insert_resolved(
    conn: &mut Conn,
    cycle_id: i64,
    batch: &[Resolved],
) -> QueryResult<()> {
    queries::insert_resolved(conn, cycle_id, batch)
}

/// Rows for one batched insert of answers: SQLite allows 32,766 bound values per statement.
const ANSWER_CHUNK: usize = 8000;
/// Rows of the answer statements prepared once and reused (4 bound values each).
const CACHED_ROWS: usize = 128;

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    use crate::db::WriteTx;

    pub(crate) fn code_ids(c: &mut Db, cycle_id: i64) -> QueryResult<CodeIds> {
        let units = units::table
            .filter(units::cycle_id.eq(cycle_id))
            .select((units::code, units::id))
            .load::<(String, i64)>(c)?;
        let indicators = indicators::table
            .filter(indicators::cycle_id.eq(cycle_id))
            .select((indicators::code, indicators::id))
            .load::<(String, i64)>(c)?;
        Ok(CodeIds {
            units: units.into_iter().collect(),
            indicators: indicators.into_iter().collect(),
        })
    }

    pub(crate) fn count(c: &mut Db, cycle_id: i64) -> QueryResult<i64> {
        responses::table
            .filter(responses::cycle_id.eq(cycle_id))
            .count()
            .get_result(c)
    }

    pub(crate) fn insert_all(
        c: &mut Db,
        cycle_id: i64,
        ids: &CodeIds,
        batch: &[NewResponse],
    ) -> Result<usize, InsertError> {
        c.write_tx(|c| super::insert_in_tx(c, cycle_id, ids, batch))
    }

    /// Inserts resolved responses inside the caller's transaction.
    pub(crate) fn insert_resolved(
        c: &mut Db,
        cycle_id: i64,
        batch: &[Resolved],
    ) -> QueryResult<()> {
        let mut answer_rows = Vec::new();
        let mut packed_rows = Vec::new();
        for r in batch {
            let id = crate::responses::random_id();
            insert_response_row(c, cycle_id, id, r)?;
            for e in &r.evaluations {
                let mut packed = Vec::with_capacity(16 * e.answers.len());
                for &(indicator_id, value) in &e.answers {
                    answer_rows.push((id, e.unit_id, indicator_id, value));
                    if let Some(v) = value {
                        pack(&mut packed, indicator_id, v);
                    }
                }
                if !packed.is_empty() {
                    packed_rows.push((
                        evaluations::response_id.eq(id),
                        evaluations::unit_id.eq(e.unit_id),
                        evaluations::packed.eq(packed),
                    ));
                }
                insert_comment(
                    c,
                    cycle_id,
                    e.unit_id,
                    e.comment.as_deref(),
                    &r.submitted_on,
                )?;
            }
        }
        insert_answers(c, &answer_rows)?;
        for chunk in packed_rows.chunks(ANSWER_CHUNK) {
            crate::db::insert_rows(c, evaluations::table, chunk)?;
        }
        Ok(())
    }

    /// Answers in statements of exactly CACHED_ROWS rows, which diesel prepares once per
    /// connection (a statement with a varying number of rows is parsed again every time, which
    /// was a tenth of the submission writer's time); the rest in one last statement.
    fn insert_answers(c: &mut Db, rows: &[(i64, i64, i64, Option<f64>)]) -> QueryResult<()> {
        let row = |&(r, u, i, v): &(i64, i64, i64, Option<f64>)| {
            (
                answers::response_id.eq(r),
                answers::unit_id.eq(u),
                answers::indicator_id.eq(i),
                answers::value.eq(v),
            )
        };
        let mut fixed = rows.chunks_exact(CACHED_ROWS);
        for chunk in &mut fixed {
            let values: [_; CACHED_ROWS] = std::array::from_fn(|k| row(&chunk[k]));
            crate::db::insert_rows(c, answers::table, values)?;
        }
        for chunk in fixed.remainder().chunks(ANSWER_CHUNK) {
            let values: Vec<_> = chunk.iter().map(row).collect();
            crate::db::insert_rows(c, answers::table, values)?;
        }
        Ok(())
    }

    fn insert_response_row(c: &mut Db, cycle_id: i64, id: i64, r: &Resolved) -> QueryResult<()> {
        crate::db::insert_rows(
            c,
            responses::table,
            (
                responses::id.eq(id),
                responses::cycle_id.eq(cycle_id),
                responses::response_key.eq(&r.key),
                responses::weight.eq(r.weight),
                responses::channel.eq(&r.channel),
                responses::submitted_on.eq(&r.submitted_on),
            ),
        )?;
        let profile: Vec<_> = r
            .profile
            .iter()
            .map(|(q, v)| {
                (
                    response_profiles::response_id.eq(id),
                    response_profiles::question_code.eq(q),
                    response_profiles::value.eq(v),
                )
            })
            .collect();
        if !profile.is_empty() {
            crate::db::insert_rows(c, response_profiles::table, &profile)?;
        }
        Ok(())
    }

    fn insert_comment(
        c: &mut Db,
        cycle_id: i64,
        unit_id: i64,
        comment: Option<&str>,
        date: &str,
    ) -> QueryResult<()> {
        let Some(body) = comment.map(str::trim).filter(|b| !b.is_empty()) else {
            return Ok(());
        };
        // A random id, like responses': one business's comments do not sit next to each other.
        crate::db::insert_rows(
            c,
            comments::table,
            (
                comments::id.eq(crate::responses::random_id()),
                comments::cycle_id.eq(cycle_id),
                comments::unit_id.eq(unit_id),
                comments::body.eq(body),
                comments::submitted_on.eq(date),
            ),
        )
        .map(|_| ())
    }
}
