//! Drafts: a questionnaire in progress, stored per invitation (deleted at submission), sealed
//! with the key that only the business's code gives (`seal`): the database, its backups and
//! PostgreSQL's dead rows hold ciphertext only.

use super::schema::*;
use super::{Conn, DbError};
use crate::seal::SealKey;
use crate::survey::draft::Draft;
use diesel::prelude::*;

/// The invitation's draft; a fresh one if there is none, or if it does not open with `key`
/// (after an upgrade, or sealed under another code after a reissue).
pub fn load(conn: &mut Conn, invitation_id: i64, key: &SealKey) -> Result<Draft, DbError> {
    let sealed = queries::load(conn, invitation_id)?;
    Ok(sealed
        .and_then(|s| key.open(&aad(invitation_id), &s))
        .and_then(|json| serde_json::from_slice(&json).ok())
        .unwrap_or_default())
}

/// What became of a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Stored,
    /// The invitation was submitted meanwhile (another tab): nothing is written, so no draft
    /// reappears after its submission.
    AlreadySubmitted,
}

pub fn save(
    conn: &mut Conn,
    invitation_id: i64,
    key: &SealKey,
    draft: &Draft,
) -> Result<Saved, DbError> {
    let json = serde_json::to_vec(draft).unwrap_or_else(|_| b"{}".to_vec());
    let sealed = key.seal(&aad(invitation_id), &json);
    Ok(queries::save(conn, invitation_id, &sealed)?)
}

/// The associated data of a draft: its invitation, so a sealed draft moved to another row
/// does not open.
fn aad(invitation_id: i64) -> Vec<u8> {
    format!("draft:{invitation_id}").into_bytes()
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    use crate::db::WriteTx;

    pub(crate) fn load(c: &mut Db, invitation_id: i64) -> QueryResult<Option<Vec<u8>>> {
        drafts::table
            .find(invitation_id)
            .select(drafts::sealed)
            .first(c)
            .optional()
    }

    /// Checks "already submitted" inside the write transaction that saves: a submission
    /// commits either before (nothing is saved) or after (and deletes the draft).
    pub(crate) fn save(c: &mut Db, invitation_id: i64, sealed: &[u8]) -> QueryResult<Saved> {
        c.write_tx(|c| {
            let submitted: i64 = submissions::table
                .filter(submissions::invitation_id.eq(invitation_id))
                .count()
                .get_result(c)?;
            if submitted > 0 {
                return Ok(Saved::AlreadySubmitted);
            }
            diesel::delete(drafts::table.find(invitation_id)).execute(c)?;
            crate::db::insert_rows(
                c,
                drafts::table,
                (
                    drafts::invitation_id.eq(invitation_id),
                    drafts::sealed.eq(sealed),
                    drafts::updated_at.eq(crate::clock::now_rfc3339()),
                ),
            )?;
            Ok(Saved::Stored)
        })
    }
}
