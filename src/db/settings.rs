//! Installation settings kept in the database, so that every app instance shares them.

use super::schema::*;
use super::{Conn, DbError};
use diesel::prelude::*;

/// The value of `key`, storing `fresh` first if the key has none. Two instances racing to
/// create it end with the same stored value (the insert is in a write transaction).
pub fn get_or_init(conn: &mut Conn, key: &str, fresh: &str) -> Result<String, DbError> {
    Ok(queries::get_or_insert(conn, key, fresh)?)
}

/// The value of `key`, if set.
pub fn get(conn: &mut Conn, key: &str) -> Result<Option<String>, DbError> {
    Ok(queries::get(conn, key)?)
}

/// Removes `key` (nothing happens if it is not set).
pub fn delete(conn: &mut Conn, key: &str) -> Result<(), DbError> {
    Ok(queries::delete(conn, key)?)
}

/// 32 or 64 random bytes as hex, for new secrets.
pub fn random_hex(bytes: usize) -> String {
    use rand_core::RngCore;
    let mut buf = vec![0u8; bytes];
    rand_core::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    use crate::db::WriteTx;

    pub(crate) fn get(c: &mut Db, key: &str) -> QueryResult<Option<String>> {
        settings::table
            .find(key)
            .select(settings::value)
            .first(c)
            .optional()
    }

    pub(crate) fn delete(c: &mut Db, key: &str) -> QueryResult<()> {
        diesel::delete(settings::table.find(key)).execute(c)?;
        Ok(())
    }

    pub(crate) fn get_or_insert(c: &mut Db, key: &str, fresh: &str) -> QueryResult<String> {
        c.write_tx(|c| {
            let existing = settings::table
                .find(key)
                .select(settings::value)
                .first::<String>(c)
                .optional()?;
            if let Some(v) = existing {
                return Ok(v);
            }
            crate::db::insert_rows(
                c,
                settings::table,
                (settings::key.eq(key), settings::value.eq(fresh)),
            )?;
            Ok(fresh.to_string())
        })
    }
}
