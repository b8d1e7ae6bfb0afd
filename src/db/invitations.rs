//! Invitations and the one-time submission that uses them.

use super::responses::{CodeIds, InsertError};
use super::schema::*;
use super::{Conn, DbError};
use crate::responses::NewResponse;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: i64,
    pub cycle_id: i64,
    pub status: String,
}

/// Stores the hashes (and optional mail-merge labels) of new codes in one transaction.
pub fn insert(
    conn: &mut Conn,
    cycle_id: i64,
    codes: &[(String, Option<String>)],
) -> Result<(), DbError> {
    Ok(crate::dispatch!(conn, insert(cycle_id, codes))?)
}

pub fn by_id(conn: &mut Conn, id: i64) -> Result<Option<Invitation>, DbError> {
    Ok(crate::dispatch!(conn, by_id(id))?)
}

pub fn find_by_hash(conn: &mut Conn, hash: &str) -> Result<Option<Invitation>, DbError> {
    Ok(crate::dispatch!(conn, find_by_hash(hash))?)
}

/// Notes that a business has begun with its code (for the Association's counts).
pub fn mark_started(conn: &mut Conn, invitation_id: i64) -> Result<(), DbError> {
    Ok(crate::dispatch!(conn, mark_started(invitation_id))?)
}

/// Counts of a cycle's invitations: (issued, started, submitted).
pub fn counts(conn: &mut Conn, cycle_id: i64) -> Result<(i64, i64, i64), DbError> {
    Ok(crate::dispatch!(conn, counts(cycle_id))?)
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("this invitation code has already been used")]
    AlreadySubmitted,
    #[error(transparent)]
    Insert(#[from] InsertError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Stores the response, marks the invitation submitted and deletes its draft — all in one
/// transaction. The `submissions` primary key makes a second submission fail whatever the
/// timing (double clicks, two tabs, retried requests).
pub fn submit(
    conn: &mut Conn,
    invitation: &Invitation,
    response: &NewResponse,
) -> Result<(), SubmitError> {
    let ids = super::responses::code_ids(conn, invitation.cycle_id)?;
    crate::dispatch!(conn, submit(invitation, &ids, response))
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

crate::per_backend! {
    use crate::db::WriteTx;
    use crate::db::responses::InsertResponses;

    pub(crate) fn insert(c: &mut Db, cycle_id: i64, codes: &[(String, Option<String>)]) -> QueryResult<()> {
        let today = crate::clock::today();
        let rows: Vec<_> = codes.iter().map(|(hash, label)| (
            invitations::cycle_id.eq(cycle_id),
            invitations::code_hash.eq(hash),
            invitations::label.eq(label.as_deref()),
            invitations::status.eq("issued"),
            invitations::created_on.eq(&today),
        )).collect();
        c.write_tx(|c| {
            for chunk in rows.chunks(5000) {
                diesel::insert_into(invitations::table).values(chunk).execute(c)?;
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
        invitations::table.find(id).select(Invitation::as_select()).first(c).optional()
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
        Ok((get("issued") + started + submitted, started + submitted, submitted))
    }

    pub(crate) fn submit(
        c: &mut Db,
        invitation: &Invitation,
        ids: &CodeIds,
        response: &NewResponse,
    ) -> Result<(), SubmitError> {
        let outcome = c.write_tx(|c| {
            diesel::insert_into(submissions::table)
                .values(submissions::invitation_id.eq(invitation.id))
                .execute(c)
                .map_err(InsertError::Db)?;
            diesel::update(invitations::table.find(invitation.id))
                .set(invitations::status.eq("submitted"))
                .execute(c)
                .map_err(InsertError::Db)?;
            diesel::delete(drafts::table.find(invitation.id)).execute(c).map_err(InsertError::Db)?;
            c.insert_responses(invitation.cycle_id, ids, std::slice::from_ref(response))
                .map(|_| ())
        });
        match outcome {
            Err(e) if is_unique_violation(&e) => Err(SubmitError::AlreadySubmitted),
            other => other.map_err(SubmitError::from),
        }
    }
}
