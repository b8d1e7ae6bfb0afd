//! The pending stage of submissions (issue 12, item 7).
//!
//! The transaction that stores a submission also marks its invitation used. Had it written the
//! response's rows, they would share that transaction with the invitation: on PostgreSQL the
//! same `xmin`, on either backend the same commit and the same date, which pairs each response
//! with its invitation's label. So that transaction writes one opaque row here, sealed with a
//! key of the installation's key file. The mixing step (a thread of the server, see
//! `committer`) moves pending rows of a cycle into the live tables in a transaction of its own,
//! in batches of at least [`MIN_BATCH`], shuffled, dated with the batch's day, and deletes
//! them. Closing a cycle moves whatever remains, inside the close transaction.
//!
//! Exactly-once holds across the stages: a submission is acknowledged only when its pending row
//! is committed with its `submissions` row; a mixing transaction inserts the live rows and
//! deletes the pending ones together; on PostgreSQL the rows it takes are locked (`FOR UPDATE
//! SKIP LOCKED`), so two mixers never take the same row.

use super::responses::{insert_resolved, CodeIds, InsertError, Resolved};
use super::schema::*;
use super::{Conn, DbError, WriteTx};
use crate::responses::NewResponse;
use crate::seal::SealKey;
use diesel::prelude::*;

/// The smallest batch the mixing step moves (k): every live row then shares its transaction
/// and its date with at least 9 other submissions.
pub const MIN_BATCH: usize = 10;
/// The largest batch: a backlog is moved in transactions of bounded size, so that the
/// submissions' own commits (which wait for the write lock on SQLite) are never held up long.
const MAX_BATCH: i64 = 100;
/// The pause between two batches of a backlog, in which waiting submissions take the lock.
const BETWEEN_BATCHES: std::time::Duration = std::time::Duration::from_millis(20);

/// A submission sealed for the pending table: its random id is the associated data, so a
/// sealed payload does not open on another row.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub id: i64,
    pub cycle_id: i64,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum MixError {
    #[error("{0} pending submission(s) of this cycle do not open with the key file's key; restore the key file this server was using (see `ddci restore`), then try again")]
    Unreadable(usize),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<MixError> for DbError {
    fn from(e: MixError) -> DbError {
        match e {
            MixError::Db(q) => DbError::Query(q),
            unreadable => DbError::Writer(std::io::Error::other(unreadable.to_string())),
        }
    }
}

/// `response` resolved against its cycle's `ids` and sealed with `key`.
pub fn seal(
    key: &SealKey,
    cycle_id: i64,
    ids: &CodeIds,
    response: &NewResponse,
) -> Result<Sealed, InsertError> {
    let resolved = super::responses::resolve(ids, response)?;
    let id = crate::responses::random_id();
    let json = serde_json::to_vec(&resolved).unwrap_or_default();
    Ok(Sealed {
        id,
        cycle_id,
        bytes: key.seal(&aad(id), &json),
    })
}

fn aad(id: i64) -> Vec<u8> {
    format!("pending:{id}").into_bytes()
}

/// Writes pending rows inside the submission's transaction.
pub(crate) fn insert_in_tx(conn: &mut Conn, items: &[&Sealed]) -> QueryResult<()> {
    let rows: Vec<_> = items
        .iter()
        .map(|s| {
            (
                pending_responses::id.eq(s.id),
                pending_responses::cycle_id.eq(s.cycle_id),
                pending_responses::sealed.eq(&s.bytes),
            )
        })
        .collect();
    super::insert_rows(conn, pending_responses::table, &rows).map(drop)
}

/// Number of a cycle's submissions still pending.
pub fn count(conn: &mut Conn, cycle_id: i64) -> Result<i64, DbError> {
    Ok(pending_responses::table
        .filter(pending_responses::cycle_id.eq(cycle_id))
        .count()
        .get_result(conn)?)
}

/// Moves every cycle's pending submissions that make a batch of at least [`MIN_BATCH`] into
/// the live tables, each batch in its own transaction; returns how many were moved.
pub fn mix_ready(conn: &mut Conn, key: &SealKey) -> Result<usize, MixError> {
    let waiting: Vec<(i64, i64)> = pending_responses::table
        .group_by(pending_responses::cycle_id)
        .select((pending_responses::cycle_id, diesel::dsl::count_star()))
        .load(conn)?;
    let mut moved = 0;
    for (cycle_id, n) in waiting {
        if n < MIN_BATCH as i64 {
            continue;
        }
        // The whole backlog, batch after batch, until what is left is not a batch.
        loop {
            let n = conn.write_tx(|c| mix_in_tx(c, key, cycle_id, MIN_BATCH))?;
            moved += n;
            if n < MAX_BATCH as usize {
                break;
            }
            std::thread::sleep(BETWEEN_BATCHES);
        }
    }
    Ok(moved)
}

/// Moves all of a cycle's pending submissions now, whatever their number, in one transaction.
/// Closing a cycle does this (inside its own transaction); tests use it to look at the live
/// tables of an open cycle. Never call it on a schedule: batches under 10 defeat the mixing.
pub fn flush(conn: &mut Conn, key: &SealKey, cycle_id: i64) -> Result<usize, MixError> {
    conn.write_tx(|c| flush_in_tx(c, key, cycle_id))
}

/// Moves all of a cycle's pending submissions, whatever their number, inside the caller's
/// transaction (closing the cycle).
pub(crate) fn flush_in_tx(c: &mut Conn, key: &SealKey, cycle_id: i64) -> Result<usize, MixError> {
    let mut moved = 0;
    loop {
        let n = mix_in_tx(c, key, cycle_id, 1)?;
        moved += n;
        if n < MAX_BATCH as usize {
            return Ok(moved);
        }
    }
}

/// One batch: take up to MAX_BATCH pending rows of the cycle (at least `min`, else nothing),
/// open them, store them shuffled and dated today, delete them.
fn mix_in_tx(c: &mut Conn, key: &SealKey, cycle_id: i64, min: usize) -> Result<usize, MixError> {
    let taken = take(c, cycle_id)?;
    if taken.len() < min {
        return Ok(0);
    }
    let mut batch = Vec::with_capacity(taken.len());
    let mut unreadable = 0;
    for (id, sealed) in &taken {
        match open(key, *id, sealed) {
            Some(r) => batch.push(r),
            None => unreadable += 1,
        }
    }
    if unreadable > 0 {
        return Err(MixError::Unreadable(unreadable));
    }
    let today = crate::clock::today();
    for r in &mut batch {
        r.submitted_on.clone_from(&today);
    }
    shuffle(&mut batch);
    insert_resolved(c, cycle_id, &batch)?;
    let ids: Vec<i64> = taken.iter().map(|(id, _)| *id).collect();
    for chunk in ids.chunks(500) {
        diesel::delete(pending_responses::table.filter(pending_responses::id.eq_any(chunk)))
            .execute(c)?;
    }
    Ok(batch.len())
}

fn open(key: &SealKey, id: i64, sealed: &[u8]) -> Option<Resolved> {
    let json = key.open(&aad(id), sealed)?;
    serde_json::from_slice(&json).ok()
}

/// Up to MAX_BATCH pending rows of the cycle, locked for this transaction. Ids are random, so
/// their order says nothing about when each was submitted.
fn take(c: &mut Conn, cycle_id: i64) -> QueryResult<Vec<(i64, Vec<u8>)>> {
    let query = pending_responses::table
        .filter(pending_responses::cycle_id.eq(cycle_id))
        .order(pending_responses::id)
        .limit(MAX_BATCH)
        .select((pending_responses::id, pending_responses::sealed));
    match c {
        // BEGIN IMMEDIATE already holds the database's write lock.
        Conn::Sqlite(c) => query.load(c),
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => query.for_update().skip_locked().load(c),
    }
}

/// Fisher–Yates with the operating system's generator.
fn shuffle<T>(items: &mut [T]) {
    use rand_core::RngCore;
    for i in (1..items.len()).rev() {
        let j = (rand_core::OsRng.next_u64() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_keeps_every_item_and_moves_them() {
        let mut items: Vec<u32> = (0..200).collect();
        shuffle(&mut items);
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..200).collect::<Vec<_>>());
        assert_ne!(items, sorted, "200 items left in order: 1 chance in 200!");
    }

    #[test]
    fn sealed_payload_opens_only_on_its_row() {
        let key = SealKey::derive(b"s", b"k", b"pending");
        let mut ids = CodeIds::default();
        ids.units.insert("U".into(), 7);
        ids.indicators.insert("Q".into(), 9);
        let response = NewResponse {
            key: "k".into(),
            weight: 1.0,
            channel: crate::responses::Channel::Web,
            submitted_on: "2025-10-01".into(),
            profile: vec![("PROFILE_SIZE".into(), "lt10".into())],
            evaluations: vec![crate::responses::NewEvaluation {
                unit_code: "U".into(),
                answers: vec![("Q".into(), Some(4.0))],
                comment: Some("nhanh".into()),
            }],
        };
        let sealed = seal(&key, 3, &ids, &response).expect("codes known");
        let opened = open(&key, sealed.id, &sealed.bytes).expect("opens");
        assert_eq!(opened.evaluations[0].unit_id, 7);
        assert_eq!(opened.evaluations[0].answers, vec![(9, Some(4.0))]);
        assert!(open(&key, sealed.id + 1, &sealed.bytes).is_none());
        ids.units.clear();
        assert!(matches!(
            seal(&key, 3, &ids, &response),
            Err(InsertError::UnknownUnit(_))
        ));
    }
}
