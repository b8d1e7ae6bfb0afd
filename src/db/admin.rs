//! Admin accounts, their server-side sessions, and the audit log.

use super::schema::*;
use super::{Conn, DbError};
use crate::auth::Role;
use diesel::prelude::*;

/// One account as the web layer sees it (never with its password hash).
#[derive(Debug, Clone, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub created_at: String,
    /// When the account was disabled; a disabled account cannot sign in.
    pub disabled_at: Option<String>,
}

/// One line of the audit log.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account named `{0}` already exists")]
    Exists(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

type UserRow = (i64, String, String, String, Option<String>);

fn user((id, username, role, created_at, disabled_at): UserRow) -> User {
    User {
        id,
        username,
        role: role.parse().unwrap_or(Role::Analyst),
        created_at,
        disabled_at,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DisableError {
    #[error("there is no account named `{0}`")]
    Unknown(String),
    #[error("an admin cannot disable their own account")]
    Own,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Disables `username` (or enables it again with `disable = false`), ends every session of a
/// disabled account, and audits it, in one transaction.
pub fn set_disabled(
    conn: &mut Conn,
    actor: &str,
    username: &str,
    disable: bool,
) -> Result<(), DisableError> {
    if disable && actor == username {
        return Err(DisableError::Own);
    }
    let at = crate::clock::now_rfc3339();
    match queries::set_disabled(conn, actor, username, disable, &at) {
        Ok(true) => Ok(()),
        Ok(false) => Err(DisableError::Unknown(username.to_string())),
        Err(e) => Err(DisableError::Db(e.into())),
    }
}

/// Stores a new account (the password already hashed) and audits it.
pub fn create_user(
    conn: &mut Conn,
    actor: &str,
    username: &str,
    password_hash: &str,
    role: Role,
) -> Result<(), CreateUserError> {
    let at = crate::clock::now_rfc3339();
    queries::insert_user(conn, actor, username, password_hash, role.as_str(), &at).map_err(|e| {
        match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => CreateUserError::Exists(username.to_string()),
            other => CreateUserError::Db(other.into()),
        }
    })
}

/// The account and its password hash, for logging in.
pub fn credentials(conn: &mut Conn, username: &str) -> Result<Option<(User, String)>, DbError> {
    Ok(queries::credentials(conn, username)?.map(|(row, hash)| (user(row), hash)))
}

pub fn list_users(conn: &mut Conn) -> Result<Vec<User>, DbError> {
    Ok(queries::list_users(conn)?.into_iter().map(user).collect())
}

/// Stores a session (the token's hash) valid until `expires_at` (RFC 3339 UTC).
pub fn start_session(
    conn: &mut Conn,
    token_hash: &str,
    user_id: i64,
    expires_at: &str,
) -> Result<(), DbError> {
    Ok(queries::start_session(
        conn, token_hash, user_id, expires_at,
    )?)
}

/// The user of a live session; expired sessions count as none.
pub fn session_user(conn: &mut Conn, token_hash: &str) -> Result<Option<User>, DbError> {
    let now = crate::clock::now_rfc3339();
    Ok(queries::session_user(conn, token_hash, &now)?.map(user))
}

/// Ends a session (logout), and drops every expired one while at it.
pub fn end_session(conn: &mut Conn, token_hash: &str) -> Result<(), DbError> {
    let now = crate::clock::now_rfc3339();
    Ok(queries::end_session(conn, token_hash, &now)?)
}

/// Appends to the audit log.
pub fn audit(conn: &mut Conn, actor: &str, action: &str, detail: &str) -> Result<(), DbError> {
    let at = crate::clock::now_rfc3339();
    Ok(queries::audit(conn, &at, actor, action, detail)?)
}

/// Appends to the audit log inside a caller's transaction (the action and its record commit
/// together).
pub(crate) use queries::audit as audit_in_transaction;

/// The latest `limit` entries, newest first.
pub fn audit_log(conn: &mut Conn, limit: i64) -> Result<Vec<AuditEntry>, DbError> {
    Ok(queries::audit_log(conn, limit)?)
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    use crate::db::WriteTx;

    pub(crate) fn insert_user(
        c: &mut Db,
        actor: &str,
        username: &str,
        hash: &str,
        role: &str,
        at: &str,
    ) -> QueryResult<()> {
        c.write_tx(|c| {
            crate::db::insert_rows(
                c,
                admin_users::table,
                (
                    admin_users::username.eq(username),
                    admin_users::password_hash.eq(hash),
                    admin_users::role.eq(role),
                    admin_users::created_at.eq(at),
                ),
            )?;
            audit(
                c,
                at,
                actor,
                "account.create",
                &format!("{username} ({role})"),
            )
        })
    }

    pub(crate) fn credentials(
        c: &mut Db,
        username: &str,
    ) -> QueryResult<Option<(UserRow, String)>> {
        admin_users::table
            .filter(admin_users::username.eq(username))
            .select((
                (
                    admin_users::id,
                    admin_users::username,
                    admin_users::role,
                    admin_users::created_at,
                    admin_users::disabled_at,
                ),
                admin_users::password_hash,
            ))
            .first(c)
            .optional()
    }

    /// Sets or clears `disabled_at`; false when no account has that name.
    pub(crate) fn set_disabled(
        c: &mut Db,
        actor: &str,
        username: &str,
        disable: bool,
        at: &str,
    ) -> QueryResult<bool> {
        c.write_tx(|c| {
            let id: Option<i64> = admin_users::table
                .filter(admin_users::username.eq(username))
                .select(admin_users::id)
                .first(c)
                .optional()?;
            let Some(id) = id else {
                return Ok(false);
            };
            diesel::update(admin_users::table.find(id))
                .set(admin_users::disabled_at.eq(disable.then_some(at)))
                .execute(c)?;
            if disable {
                diesel::delete(admin_sessions::table.filter(admin_sessions::user_id.eq(id)))
                    .execute(c)?;
            }
            let action = if disable {
                "account.disable"
            } else {
                "account.enable"
            };
            audit(c, at, actor, action, username)?;
            Ok(true)
        })
    }

    pub(crate) fn list_users(c: &mut Db) -> QueryResult<Vec<UserRow>> {
        admin_users::table
            .order(admin_users::username)
            .select((
                admin_users::id,
                admin_users::username,
                admin_users::role,
                admin_users::created_at,
                admin_users::disabled_at,
            ))
            .load(c)
    }

    pub(crate) fn start_session(
        c: &mut Db,
        token_hash: &str,
        user_id: i64,
        expires_at: &str,
    ) -> QueryResult<()> {
        crate::db::insert_rows(
            c,
            admin_sessions::table,
            (
                admin_sessions::token_hash.eq(token_hash),
                admin_sessions::user_id.eq(user_id),
                admin_sessions::expires_at.eq(expires_at),
            ),
        )
        .map(|_| ())
    }

    pub(crate) fn session_user(
        c: &mut Db,
        token_hash: &str,
        now: &str,
    ) -> QueryResult<Option<UserRow>> {
        admin_sessions::table
            .inner_join(admin_users::table)
            .filter(admin_sessions::token_hash.eq(token_hash))
            .filter(admin_sessions::expires_at.gt(now))
            // A disabled account's sessions are deleted; this keeps any in flight useless too.
            .filter(admin_users::disabled_at.is_null())
            .select((
                admin_users::id,
                admin_users::username,
                admin_users::role,
                admin_users::created_at,
                admin_users::disabled_at,
            ))
            .first(c)
            .optional()
    }

    pub(crate) fn end_session(c: &mut Db, token_hash: &str, now: &str) -> QueryResult<()> {
        diesel::delete(
            admin_sessions::table.filter(
                admin_sessions::token_hash
                    .eq(token_hash)
                    .or(admin_sessions::expires_at.le(now)),
            ),
        )
        .execute(c)
        .map(|_| ())
    }

    pub(crate) fn audit(
        c: &mut Db,
        at: &str,
        actor: &str,
        action: &str,
        detail: &str,
    ) -> QueryResult<()> {
        crate::db::insert_rows(
            c,
            audit_log::table,
            (
                audit_log::at.eq(at),
                audit_log::actor.eq(actor),
                audit_log::action.eq(action),
                audit_log::detail.eq(detail),
            ),
        )
        .map(|_| ())
    }

    pub(crate) fn audit_log(c: &mut Db, limit: i64) -> QueryResult<Vec<super::AuditEntry>> {
        audit_log::table
            .order(audit_log::id.desc())
            .limit(limit)
            .select((
                audit_log::id,
                audit_log::at,
                audit_log::actor,
                audit_log::action,
                audit_log::detail,
            ))
            .load(c)
    }
}
