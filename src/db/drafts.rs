//! Drafts: a questionnaire in progress, stored per invitation (deleted at submission).

use super::schema::*;
use super::{Conn, DbError};
use crate::survey::draft::Draft;
use diesel::prelude::*;

pub fn load(conn: &mut Conn, invitation_id: i64) -> Result<Draft, DbError> {
    let json = queries::load(conn, invitation_id)?;
    // A draft that no longer parses (after an upgrade) starts again rather than failing.
    Ok(json
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default())
}

pub fn save(conn: &mut Conn, invitation_id: i64, draft: &Draft) -> Result<(), DbError> {
    let json = serde_json::to_string(draft).unwrap_or_else(|_| "{}".into());
    Ok(queries::save(conn, invitation_id, &json)?)
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    use crate::db::WriteTx;

    pub(crate) fn load(c: &mut Db, invitation_id: i64) -> QueryResult<Option<String>> {
        drafts::table
            .find(invitation_id)
            .select(drafts::data_json)
            .first(c)
            .optional()
    }

    pub(crate) fn save(c: &mut Db, invitation_id: i64, json: &str) -> QueryResult<()> {
        c.write_tx(|c| {
            diesel::delete(drafts::table.find(invitation_id)).execute(c)?;
            crate::db::insert_rows(
                c,
                drafts::table,
                (
                    drafts::invitation_id.eq(invitation_id),
                    drafts::data_json.eq(json),
                    drafts::updated_at.eq(crate::clock::now_rfc3339()),
                ),
            )
            .map(|_| ())
        })
    }
}
