//! Counts for the response monitor of a cycle (admins and analysts only).

use super::schema::*;
use super::{Conn, DbError};
use diesel::dsl::count_star;
use diesel::prelude::*;

/// What the monitor counts in one cycle.
#[derive(Debug, Default)]
pub struct Counts {
    /// (unit code, evaluations of the unit).
    pub per_unit: Vec<(String, i64)>,
    /// (date `YYYY-MM-DD`, responses submitted that day).
    pub per_day: Vec<(String, i64)>,
    /// (profile question code, answer, responses).
    pub per_profile: Vec<(String, String, i64)>,
}

pub fn counts(conn: &mut Conn, cycle_id: i64) -> Result<Counts, DbError> {
    Ok(queries::counts(conn, cycle_id)?)
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;

    pub(crate) fn counts(c: &mut Db, cycle_id: i64) -> QueryResult<Counts> {
        let per_unit = evaluations::table
            .inner_join(responses::table)
            .inner_join(units::table.on(units::id.eq(evaluations::unit_id)))
            .filter(responses::cycle_id.eq(cycle_id))
            .group_by(units::code)
            .select((units::code, count_star()))
            .load(c)?;
        let per_day = responses::table
            .filter(responses::cycle_id.eq(cycle_id))
            .group_by(responses::submitted_on)
            .select((responses::submitted_on, count_star()))
            .order(responses::submitted_on)
            .load(c)?;
        let per_profile = response_profiles::table
            .inner_join(responses::table.on(responses::id.eq(response_profiles::response_id)))
            .filter(responses::cycle_id.eq(cycle_id))
            .group_by((response_profiles::question_code, response_profiles::value))
            .select((
                response_profiles::question_code,
                response_profiles::value,
                count_star(),
            ))
            .load(c)?;
        Ok(Counts {
            per_unit,
            per_day,
            per_profile,
        })
    }
}
