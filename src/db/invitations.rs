//! Invitations and the one-time submission that uses them.

use super::pending::Sealed;
use super::responses::InsertError;
use super::schema::*;
use super::{Conn, DbError};
use crate::survey::admission::InvitationFacts;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: i64,
    pub cycle_id: i64,
    pub status: String,
}

impl Invitation {
    /// What the admission check needs to know.
    pub fn facts(&self) -> InvitationFacts {
        InvitationFacts {
            cycle_id: self.cycle_id,
            submitted: self.status == "submitted",
        }
    }
}

/// Stores the hashes (and optional mail-merge labels) of new codes in one transaction.
pub fn insert(
    conn: &mut Conn,
    cycle_id: i64,
    codes: &[(String, Option<String>)],
) -> Result<(), DbError> {
    Ok(queries::insert(conn, cycle_id, codes)?)
}

pub fn by_id(conn: &mut Conn, id: i64) -> Result<Option<Invitation>, DbError> {
    Ok(queries::by_id(conn, id)?)
}

pub fn find_by_hash(conn: &mut Conn, hash: &str) -> Result<Option<Invitation>, DbError> {
    Ok(queries::find_by_hash(conn, hash)?)
}

/// Notes that a business has begun with its code (for the Association's counts).
pub fn mark_started(conn: &mut Conn, invitation_id: i64) -> Result<(), DbError> {
    Ok(queries::mark_started(conn, invitation_id)?)
}

/// Counts of a cycle's invitations: (issued, started, submitted).
pub fn counts(conn: &mut Conn, cycle_id: i64) -> Result<(i64, i64, i64), DbError> {
    Ok(queries::counts(conn, cycle_id)?)
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("this invitation code has already been used")]
    AlreadySubmitted,
    /// The cycle closed before the submission's transaction: nothing was stored.
    #[error("the survey is not open")]
    CycleNotOpen,
    #[error(transparent)]
    Insert(#[from] InsertError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Stores the sealed response as pending (`pending`), marks the invitation submitted and
/// deletes its draft — all in one transaction. The `submissions` primary key makes a second
/// submission fail whatever the timing (double clicks, two tabs, retried requests).
pub fn submit(
    conn: &mut Conn,
    invitation: &Invitation,
    response: &Sealed,
) -> Result<(), SubmitError> {
    queries::submit(conn, invitation, response)
}

/// What became of one submission of a group commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stored,
    /// Its code had already been used (also a second use within the batch).
    Used,
    /// Its cycle was no longer open inside the transaction.
    CycleNotOpen,
}

/// One submission of a group commit: its invitation and its sealed response.
pub struct BatchItem<'a> {
    pub invitation: &'a Invitation,
    pub response: &'a Sealed,
}

/// Stores several submissions in ONE transaction (one durable commit for all of them) and
/// tells, per submission in order, whether it was stored, its code had already been used
/// (including a second use of a code within the batch) or its cycle had closed. Neither fails
/// the others: used codes and cycle statuses are looked up inside the write transaction, which on SQLite
/// holds the write lock from its first statement, so nobody can use a code in between. If the
/// transaction fails anyway (e.g. another PostgreSQL client used a code in between), the error
/// is returned and the caller retries each submission alone.
pub fn submit_batch(conn: &mut Conn, items: &[BatchItem<'_>]) -> Result<Vec<Outcome>, InsertError> {
    queries::submit_batch(conn, items)
}

/// What becomes of each item of a batch, given the codes already used and the open cycles:
/// the first use of a code of an open cycle is stored.
fn outcomes(items: &[BatchItem<'_>], used: &[i64], open: &[i64]) -> Vec<Outcome> {
    let mut seen: std::collections::HashSet<i64> = used.iter().copied().collect();
    items
        .iter()
        .map(|i| {
            if !open.contains(&i.invitation.cycle_id) {
                Outcome::CycleNotOpen
            } else if seen.insert(i.invitation.id) {
                Outcome::Stored
            } else {
                Outcome::Used
            }
        })
        .collect()
}

fn is_unique_violation(e: &InsertError) -> bool {
    matches!(
        e,
        InsertError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::pending::insert_in_tx;
    use crate::db::Conn as Db;
    use crate::db::WriteTx;

    pub(crate) fn insert(
        c: &mut Db,
        cycle_id: i64,
        codes: &[(String, Option<String>)],
    ) -> QueryResult<()> {
        let today = crate::clock::today();
        let rows: Vec<_> = codes
            .iter()
            .map(|(hash, label)| {
                (
                    invitations::cycle_id.eq(cycle_id),
                    invitations::code_hash.eq(hash),
                    invitations::label.eq(label.as_deref()),
                    invitations::status.eq("issued"),
                    invitations::created_on.eq(&today),
                )
            })
            .collect();
        c.write_tx(|c| {
            for chunk in rows.chunks(5000) {
                crate::db::insert_rows(c, invitations::table, chunk)?;
            }
            Ok(())
        })
    }

    pub(crate) fn mark_started(c: &mut Db, invitation_id: i64) -> QueryResult<()> {
        diesel::update(
            invitations::table
                .find(invitation_id)
                .filter(invitations::status.eq("issued")),
        )
        .set(invitations::status.eq("started"))
        .execute(c)
        .map(|_| ())
    }

    pub(crate) fn by_id(c: &mut Db, id: i64) -> QueryResult<Option<Invitation>> {
        invitations::table
            .find(id)
            .select(Invitation::as_select())
            .first(c)
            .optional()
    }

    pub(crate) fn find_by_hash(c: &mut Db, hash: &str) -> QueryResult<Option<Invitation>> {
        invitations::table
            .filter(invitations::code_hash.eq(hash))
            .select(Invitation::as_select())
            .first(c)
            .optional()
    }

    pub(crate) fn counts(c: &mut Db, cycle_id: i64) -> QueryResult<(i64, i64, i64)> {
        let rows = invitations::table
            .filter(invitations::cycle_id.eq(cycle_id))
            .group_by(invitations::status)
            .select((invitations::status, diesel::dsl::count_star()))
            .load::<(String, i64)>(c)?;
        let get = |s: &str| rows.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
        let (started, submitted) = (get("started"), get("submitted"));
        Ok((
            get("issued") + started + submitted,
            started + submitted,
            submitted,
        ))
    }

    pub(crate) fn submit_batch(
        c: &mut Db,
        items: &[BatchItem<'_>],
    ) -> Result<Vec<Outcome>, InsertError> {
        c.write_tx(|c| {
            let mut open: Vec<i64> = items.iter().map(|i| i.invitation.cycle_id).collect();
            open.sort_unstable();
            open.dedup();
            let mut still_open = Vec::with_capacity(open.len());
            for cycle in open {
                if crate::db::cycle_open_in_tx(c, cycle)? {
                    still_open.push(cycle);
                }
            }
            let wanted: Vec<i64> = items.iter().map(|i| i.invitation.id).collect();
            let used: Vec<i64> = submissions::table
                .filter(submissions::invitation_id.eq_any(&wanted))
                .select(submissions::invitation_id)
                .load(c)?;
            let fresh = outcomes(items, &used, &still_open);
            let stored: Vec<&BatchItem<'_>> = items
                .iter()
                .zip(&fresh)
                .filter(|(_, f)| **f == Outcome::Stored)
                .map(|(i, _)| i)
                .collect();
            if stored.is_empty() {
                return Ok(fresh);
            }
            let ids: Vec<i64> = stored.iter().map(|i| i.invitation.id).collect();
            let rows: Vec<_> = ids
                .iter()
                .map(|id| submissions::invitation_id.eq(*id))
                .collect();
            crate::db::insert_rows(c, submissions::table, &rows)?;
            diesel::update(invitations::table.filter(invitations::id.eq_any(&ids)))
                .set(invitations::status.eq("submitted"))
                .execute(c)?;
            diesel::delete(drafts::table.filter(drafts::invitation_id.eq_any(&ids))).execute(c)?;
            let pending: Vec<&Sealed> = stored.iter().map(|i| i.response).collect();
            insert_in_tx(c, &pending)?;
            Ok(fresh)
        })
    }

    pub(crate) fn submit(
        c: &mut Db,
        invitation: &Invitation,
        response: &Sealed,
    ) -> Result<(), SubmitError> {
        let outcome = c.write_tx(|c| {
            if !crate::db::cycle_open_in_tx(c, invitation.cycle_id)? {
                return Ok(false);
            }
            crate::db::insert_rows(
                c,
                submissions::table,
                submissions::invitation_id.eq(invitation.id),
            )
            .map_err(InsertError::Db)?;
            diesel::update(invitations::table.find(invitation.id))
                .set(invitations::status.eq("submitted"))
                .execute(c)
                .map_err(InsertError::Db)?;
            diesel::delete(drafts::table.find(invitation.id))
                .execute(c)
                .map_err(InsertError::Db)?;
            insert_in_tx(c, &[response])
                .map(|()| true)
                .map_err(InsertError::Db)
        });
        match outcome {
            Ok(true) => Ok(()),
            Ok(false) => Err(SubmitError::CycleNotOpen),
            Err(e) if is_unique_violation(&e) => Err(SubmitError::AlreadySubmitted),
            Err(e) => Err(SubmitError::from(e)),
        }
    }
}
