//! Comments as staff read them, with their reviews (`comment_reviews`, issue 14): who reviewed
//! is written to the audit log in the same transaction, never beside the comment.

use super::schema::*;
use super::{Conn, DbError, WriteTx};
use crate::comments::Verdict;
use diesel::prelude::*;

/// One comment on the staff page: its id (for the review form), text, day and verdict.
#[derive(Debug, Clone)]
pub struct StaffComment {
    pub id: i64,
    pub body: String,
    pub submitted_on: String,
    pub verdict: Option<Verdict>,
}

fn verdict(fit: Option<bool>) -> Option<Verdict> {
    fit.map(|f| if f { Verdict::Fit } else { Verdict::NotFit })
}

/// The comments about `unit_code` in the cycle, oldest first, with their verdicts.
pub fn of_unit(
    conn: &mut Conn,
    cycle_id: i64,
    unit_code: &str,
) -> Result<Vec<StaffComment>, DbError> {
    Ok(queries::of_unit(conn, cycle_id, unit_code)?
        .into_iter()
        .map(|(id, body, submitted_on, fit)| StaffComment {
            id,
            body,
            submitted_on,
            verdict: verdict(fit),
        })
        .collect())
}

/// Every comment's (unit code, verdict) in the cycle, for the counts per unit.
pub fn verdicts(conn: &mut Conn, cycle_id: i64) -> Result<Vec<(String, Option<Verdict>)>, DbError> {
    Ok(queries::verdicts(conn, cycle_id)?
        .into_iter()
        .map(|(unit, fit)| (unit, verdict(fit)))
        .collect())
}

/// Records `actor`'s verdict on a comment of `unit_code` in the cycle (replacing an earlier
/// one) and audits it, in one transaction. `false` when the cycle has no such comment about
/// that unit.
pub fn review(
    conn: &mut Conn,
    actor: &str,
    (year, cycle_id): (i32, i64),
    unit_code: &str,
    comment_id: i64,
    v: Verdict,
) -> Result<bool, DbError> {
    let at = crate::clock::now_rfc3339();
    let detail = format!(
        "cycle {year}, unit {unit_code}, comment {comment_id}: {}",
        v.as_str()
    );
    Ok(conn.write_tx(|c| -> QueryResult<bool> {
        if !queries::belongs(c, cycle_id, unit_code, comment_id)? {
            return Ok(false);
        }
        diesel::delete(comment_reviews::table.find(comment_id)).execute(c)?;
        crate::db::insert_rows(
            c,
            comment_reviews::table,
            (
                comment_reviews::comment_id.eq(comment_id),
                comment_reviews::fit.eq(v.is_fit()),
                comment_reviews::reviewed_at.eq(&at),
            ),
        )?;
        super::admin::audit_in_transaction(c, &at, actor, "comment.review", &detail)?;
        Ok(true)
    })?)
}

/// A comment row as stored: id, text, day, verdict (`fit`, or none).
type Row = (i64, String, String, Option<bool>);

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;

    pub(crate) fn of_unit(c: &mut Db, cycle_id: i64, unit_code: &str) -> QueryResult<Vec<Row>> {
        comments::table
            .inner_join(units::table.on(units::id.eq(comments::unit_id)))
            .left_join(comment_reviews::table.on(comment_reviews::comment_id.eq(comments::id)))
            .filter(comments::cycle_id.eq(cycle_id))
            .filter(units::code.eq(unit_code))
            .order((comments::submitted_on, comments::id))
            .select((
                comments::id,
                comments::body,
                comments::submitted_on,
                comment_reviews::fit.nullable(),
            ))
            .load(c)
    }

    pub(crate) fn verdicts(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<(String, Option<bool>)>> {
        comments::table
            .inner_join(units::table.on(units::id.eq(comments::unit_id)))
            .left_join(comment_reviews::table.on(comment_reviews::comment_id.eq(comments::id)))
            .filter(comments::cycle_id.eq(cycle_id))
            .select((units::code, comment_reviews::fit.nullable()))
            .load(c)
    }

    pub(crate) fn belongs(
        c: &mut Db,
        cycle_id: i64,
        unit_code: &str,
        comment_id: i64,
    ) -> QueryResult<bool> {
        let n: i64 = comments::table
            .inner_join(units::table.on(units::id.eq(comments::unit_id)))
            .filter(comments::id.eq(comment_id))
            .filter(comments::cycle_id.eq(cycle_id))
            .filter(units::code.eq(unit_code))
            .count()
            .get_result(c)?;
        Ok(n > 0)
    }
}
