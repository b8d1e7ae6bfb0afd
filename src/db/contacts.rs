//! The contacts a cycle's invitations are emailed to, and the state of each message. The
//! address is personal data kept until [`purge`]; a contact reaches its invitation only for
//! "answered or not", and the code only as the invitation's hash.

use super::schema::*;
use super::{Conn, DbError, WriteTx};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: i64,
    pub invitation_id: i64,
    pub email: Option<String>,
    pub label: Option<String>,
    pub status: String,
    pub reminder_status: Option<String>,
    pub reminded_at: Option<String>,
}

/// A contact with its invitation's status (`issued`, `started` or `submitted`).
#[derive(Debug, Clone)]
pub struct Target {
    pub contact: ContactRow,
    pub invitation_status: String,
}

/// A new contact: its address, label and the hash of its new code.
pub struct NewContact<'a> {
    pub email: &'a str,
    pub label: Option<&'a str>,
    pub code_hash: String,
}

/// Which message a claim is for: each has its own status column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mail {
    Invitation,
    Reminder,
}

/// The outcome of claiming a contact for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Marked "sending" (committed); `rotated` says the invitation now has the new code.
    Claimed { rotated: bool },
    /// Someone else changed the contact meanwhile (another run, the admin page): skipped.
    Taken,
    /// The invitation is no longer fresh (the business began), so its code was not replaced.
    Began,
}

/// Counts of a cycle's contacts for the admin page and the commands.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Counts {
    pub total: i64,
    pub created: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub answered: i64,
    pub reminded: i64,
    pub purged: i64,
}

/// The cycle's addresses still held (lower case).
pub fn emails(conn: &mut Conn, cycle_id: i64) -> Result<Vec<String>, DbError> {
    Ok(contacts::table
        .filter(contacts::cycle_id.eq(cycle_id))
        .filter(contacts::email.is_not_null())
        .select(contacts::email.assume_not_null())
        .load(conn)?)
}

/// Stores new contacts, each with a new invitation (its code's hash), in one transaction; their
/// ids in order. Contacts start "created": nothing has been sent.
pub fn insert(conn: &mut Conn, cycle_id: i64, new: &[NewContact<'_>]) -> Result<Vec<i64>, DbError> {
    let (today, now) = (crate::clock::today(), crate::clock::now_rfc3339());
    Ok(conn.write_tx(|c| {
        let mut ids = Vec::with_capacity(new.len());
        for n in new {
            // The label stays with the contact only, so that purging the contacts removes it.
            super::insert_rows(
                c,
                invitations::table,
                (
                    invitations::cycle_id.eq(cycle_id),
                    invitations::code_hash.eq(&n.code_hash),
                    invitations::label.eq(None::<String>),
                    invitations::status.eq("issued"),
                    invitations::created_on.eq(&today),
                ),
            )?;
            let invitation: i64 = invitations::table
                .filter(invitations::code_hash.eq(&n.code_hash))
                .select(invitations::id)
                .first(c)?;
            super::insert_rows(
                c,
                contacts::table,
                (
                    contacts::cycle_id.eq(cycle_id),
                    contacts::invitation_id.eq(invitation),
                    contacts::email.eq(n.email),
                    contacts::label.eq(n.label),
                    contacts::status.eq("created"),
                    contacts::created_at.eq(&now),
                ),
            )?;
            let id: i64 = contacts::table
                .filter(contacts::invitation_id.eq(invitation))
                .select(contacts::id)
                .first(c)?;
            ids.push(id);
        }
        Ok::<_, diesel::result::Error>(ids)
    })?)
}

/// The cycle's contacts whose address is still held, with their invitations' status, in the
/// order they were added.
pub fn targets(conn: &mut Conn, cycle_id: i64) -> Result<Vec<Target>, DbError> {
    let rows: Vec<(ContactRow, String)> = contacts::table
        .inner_join(invitations::table)
        .filter(contacts::cycle_id.eq(cycle_id))
        .filter(contacts::email.is_not_null())
        .order(contacts::id)
        .select((ContactRow::as_select(), invitations::status))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(contact, invitation_status)| Target {
            contact,
            invitation_status,
        })
        .collect())
}

/// Error inside a claim's transaction: `Taken` rolls the code's replacement back.
enum ClaimTx {
    Db(diesel::result::Error),
    Taken,
}

impl From<diesel::result::Error> for ClaimTx {
    fn from(e: diesel::result::Error) -> Self {
        ClaimTx::Db(e)
    }
}

/// Marks contact `id` "sending" for `mail` if its status is still `from` (`None`: no reminder
/// yet), and with `new_hash` replaces its invitation's code — only while the invitation is
/// fresh ("issued"), which revokes the old code. In one committed transaction, before the
/// message is handed to the server. `need_new_code`: without the replacement the message
/// cannot go (an invitation), so nothing is claimed ([`Claim::Began`]).
pub fn claim(
    conn: &mut Conn,
    target: &ContactRow,
    mail: Mail,
    from: Option<&str>,
    new_hash: Option<&str>,
    need_new_code: bool,
) -> Result<Claim, DbError> {
    let result = conn.write_tx(|c| {
        let mut rotated = false;
        if let Some(hash) = new_hash {
            rotated = diesel::update(
                invitations::table
                    .find(target.invitation_id)
                    .filter(invitations::status.eq("issued")),
            )
            .set(invitations::code_hash.eq(hash))
            .execute(c)?
                == 1;
            if !rotated && need_new_code {
                return Ok(Claim::Began);
            }
        }
        let claimed = match (mail, from) {
            (Mail::Invitation, Some(from)) => diesel::update(
                contacts::table
                    .find(target.id)
                    .filter(contacts::status.eq(from)),
            )
            .set(contacts::status.eq("sending"))
            .execute(c)?,
            (Mail::Reminder, Some(from)) => diesel::update(
                contacts::table
                    .find(target.id)
                    .filter(contacts::reminder_status.eq(from)),
            )
            .set(contacts::reminder_status.eq("sending"))
            .execute(c)?,
            (Mail::Reminder, None) => diesel::update(
                contacts::table
                    .find(target.id)
                    .filter(contacts::reminder_status.is_null()),
            )
            .set(contacts::reminder_status.eq("sending"))
            .execute(c)?,
            (Mail::Invitation, None) => 0,
        };
        if claimed != 1 {
            return Err(ClaimTx::Taken);
        }
        Ok(Claim::Claimed { rotated })
    });
    match result {
        Ok(claim) => Ok(claim),
        Err(ClaimTx::Taken) => Ok(Claim::Taken),
        Err(ClaimTx::Db(e)) => Err(e.into()),
    }
}

/// Records the server's answer to a claimed message: "sent" after its 250 reply, "failed"
/// with the reply of a refusal; an unknown outcome only notes the error and leaves it
/// "sending", to be sent again only on request.
pub fn finish(
    conn: &mut Conn,
    id: i64,
    mail: Mail,
    outcome: Result<(), &crate::mail::SendError>,
) -> Result<(), DbError> {
    use crate::mail::SendError;
    let now = crate::clock::now_rfc3339();
    let target = contacts::table.find(id);
    match (mail, outcome) {
        (Mail::Invitation, Ok(())) => diesel::update(target)
            .set((
                contacts::status.eq("sent"),
                contacts::sent_at.eq(&now),
                contacts::last_error.eq(None::<String>),
            ))
            .execute(conn)?,
        (Mail::Reminder, Ok(())) => diesel::update(target)
            .set((
                contacts::reminder_status.eq("sent"),
                contacts::reminded_at.eq(&now),
                contacts::reminders.eq(contacts::reminders + 1),
                contacts::last_error.eq(None::<String>),
            ))
            .execute(conn)?,
        (Mail::Invitation, Err(SendError::Refused(reply))) => diesel::update(target)
            .set((
                contacts::status.eq("failed"),
                contacts::last_error.eq(reply),
            ))
            .execute(conn)?,
        (Mail::Reminder, Err(SendError::Refused(reply))) => diesel::update(target)
            .set((
                contacts::reminder_status.eq("failed"),
                contacts::last_error.eq(reply),
            ))
            .execute(conn)?,
        (_, Err(unknown @ SendError::Unknown(_))) => diesel::update(target)
            .set(contacts::last_error.eq(unknown.to_string()))
            .execute(conn)?,
    };
    Ok(())
}

/// Deletes the cycle's addresses and labels (personal data); the number of contacts purged.
/// The rows stay, without them, so the counts of sent and answered remain.
pub fn purge(conn: &mut Conn, cycle_id: i64) -> Result<usize, DbError> {
    let now = crate::clock::now_rfc3339();
    Ok(diesel::update(
        contacts::table
            .filter(contacts::cycle_id.eq(cycle_id))
            .filter(contacts::purged_at.is_null()),
    )
    .set((
        contacts::email.eq(None::<String>),
        contacts::label.eq(None::<String>),
        contacts::last_error.eq(None::<String>),
        contacts::purged_at.eq(&now),
    ))
    .execute(conn)?)
}

/// Counts of the cycle's contacts: by the invitation message's status, answered (their
/// invitation submitted), reminded at least once, purged.
pub fn counts(conn: &mut Conn, cycle_id: i64) -> Result<Counts, DbError> {
    let rows: Vec<(String, String, i32, Option<String>)> = contacts::table
        .inner_join(invitations::table)
        .filter(contacts::cycle_id.eq(cycle_id))
        .select((
            contacts::status,
            invitations::status,
            contacts::reminders,
            contacts::purged_at,
        ))
        .load(conn)?;
    let mut c = Counts::default();
    for (status, invitation, reminders, purged) in rows {
        c.total += 1;
        match status.as_str() {
            "created" => c.created += 1,
            "sending" => c.sending += 1,
            "sent" => c.sent += 1,
            _ => c.failed += 1,
        }
        c.answered += i64::from(invitation == "submitted");
        c.reminded += i64::from(reminders > 0);
        c.purged += i64::from(purged.is_some());
    }
    Ok(c)
}

/// A contact whose last message failed or was left "sending", for the admin page.
#[derive(Debug, Clone)]
pub struct Problem {
    pub email: String,
    /// `failed` or `sending`: the reminder's when it is the one in trouble, else the
    /// invitation's.
    pub status: String,
    pub error: Option<String>,
}

#[derive(Queryable)]
struct ProblemRow {
    email: Option<String>,
    status: String,
    reminder_status: Option<String>,
    last_error: Option<String>,
}

/// The contacts whose last message failed or was left "sending".
pub fn problems(conn: &mut Conn, cycle_id: i64) -> Result<Vec<Problem>, DbError> {
    let rows: Vec<ProblemRow> = contacts::table
        .filter(contacts::cycle_id.eq(cycle_id))
        .filter(contacts::email.is_not_null())
        .filter(
            contacts::status
                .eq_any(["failed", "sending"])
                .or(contacts::reminder_status.eq_any(["failed", "sending"])),
        )
        .order(contacts::id)
        .select((
            contacts::email,
            contacts::status,
            contacts::reminder_status,
            contacts::last_error,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Problem {
            email: r.email.unwrap_or_default(),
            status: match r.reminder_status.as_deref() {
                Some(s @ ("failed" | "sending")) => s.to_string(),
                _ => r.status,
            },
            error: r.last_error,
        })
        .collect())
}
