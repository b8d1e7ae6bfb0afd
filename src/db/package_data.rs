//! What the data package needs from storage: the stored responses with their profile and scored answers, and the keys already used.

use super::schema::*;
use super::{Conn, DbError};
use crate::package::StoredResponse;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// The responses a run scored, with their profile and non-missing scored answers: exactly
/// those the run recorded, so that responses stored after it (an open survey, a paper import)
/// never enter its package. A run stored before runs recorded their responses has no record;
/// its package keeps the earlier behaviour, every response of the cycle.
pub fn stored_responses(
    conn: &mut Conn,
    cycle_id: i64,
    run_id: i64,
) -> Result<Vec<StoredResponse>, DbError> {
    let scored = super::runs::responses(conn, run_id)?;
    let mut all = queries::stored_responses(conn, cycle_id)?;
    if !scored.is_empty() {
        let scored: HashSet<i64> = scored.into_iter().collect();
        all.retain(|r| scored.contains(&r.id));
    }
    Ok(all)
}

/// Which of `keys` are already response keys of the cycle.
pub fn existing_keys(
    conn: &mut Conn,
    cycle_id: i64,
    keys: &[String],
) -> Result<HashSet<String>, DbError> {
    let mut found = HashSet::new();
    for chunk in keys.chunks(500) {
        found.extend(queries::existing_keys(conn, cycle_id, chunk)?);
    }
    Ok(found)
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    pub(crate) fn existing_keys(
        c: &mut Db,
        cycle_id: i64,
        keys: &[String],
    ) -> QueryResult<Vec<String>> {
        responses::table
            .filter(responses::cycle_id.eq(cycle_id))
            .filter(responses::response_key.eq_any(keys))
            .select(responses::response_key)
            .load(c)
    }

    pub(crate) fn stored_responses(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<StoredResponse>> {
        let mut by_id: HashMap<i64, StoredResponse> = responses::table
            .filter(responses::cycle_id.eq(cycle_id))
            .select((responses::id, responses::weight))
            .load::<(i64, f64)>(c)?
            .into_iter()
            .map(|(id, weight)| {
                (
                    id,
                    StoredResponse {
                        id,
                        weight,
                        profile: vec![],
                        answers: vec![],
                    },
                )
            })
            .collect();
        let of_cycle = responses::table
            .filter(responses::cycle_id.eq(cycle_id))
            .select(responses::id);
        let profiles = response_profiles::table
            .filter(response_profiles::response_id.eq_any(of_cycle))
            .select((
                response_profiles::response_id,
                response_profiles::question_code,
                response_profiles::value,
            ))
            .load::<(i64, String, String)>(c)?;
        for (id, q, v) in profiles {
            if let Some(r) = by_id.get_mut(&id) {
                r.profile.push((q, v));
            }
        }
        let of_cycle = responses::table
            .filter(responses::cycle_id.eq(cycle_id))
            .select(responses::id);
        let answers = answers::table
            .inner_join(units::table)
            .inner_join(indicators::table)
            .filter(answers::response_id.eq_any(of_cycle))
            .filter(answers::value.is_not_null())
            .select((
                answers::response_id,
                units::code,
                indicators::code,
                answers::value.assume_not_null(),
            ))
            .load::<(i64, String, String, f64)>(c)?;
        for (id, unit, indicator, value) in answers {
            if let Some(r) = by_id.get_mut(&id) {
                r.answers.push((unit, indicator, value));
            }
        }
        let mut out: Vec<StoredResponse> = by_id.into_values().collect();
        out.sort_by_key(|r| r.id);
        Ok(out)
    }
}
