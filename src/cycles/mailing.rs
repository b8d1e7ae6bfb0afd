//! Email invitations and reminders of a cycle (issue 14), shared by the commands and the admin
//! pages, each audited. Exactly once per contact: a message's contact is marked "sending" in a
//! committed transaction before the message is handed to the server and "sent" after its 250
//! reply; a contact found "sending" later (a crash in between) is reported and sent again only
//! on request (`retry`), with a new code that revokes the old one.

use super::{Refused, Status};
use crate::db::contacts::{self, Claim, Mail, NewContact, Target};
use crate::db::{self, Conn};
use crate::mail::{compose, Contact, Letter, MailKind, Mailer, SendError};
use crate::survey::codes;
use std::collections::{HashMap, HashSet};

/// Contacts of a file that are new to the cycle, each with its new code (shown once: in the
/// message, or in the codes file).
#[derive(Debug, Clone)]
pub struct Planned {
    pub email: String,
    pub label: Option<String>,
    pub code: String,
}

/// What a run of sending did, for the command's output and the admin page.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub sent: usize,
    /// Refused messages: the address and the server's reply.
    pub failed: Vec<(String, String)>,
    /// Contacts left "sending" (by an earlier crash, or a broken connection now): the address
    /// and what is known. Sent again only with `retry`.
    pub unresolved: Vec<(String, String)>,
    /// Already sent earlier (or reminded today): nothing to do.
    pub done_before: usize,
    /// Skipped: the business has begun answering, so its code was not replaced.
    pub began: usize,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.failed.is_empty() && self.unresolved.is_empty()
    }

    /// One line of counts.
    pub fn summary(&self, what: &str) -> String {
        format!(
            "{} {what} sent, {} failed, {} left unresolved (sending), {} done before, {} skipped (already answering)",
            self.sent,
            self.failed.len(),
            self.unresolved.len(),
            self.done_before,
            self.began
        )
    }
}

/// The cycle, refused when published (no more invitations).
fn cycle_for_contacts(conn: &mut Conn, year: i32) -> anyhow::Result<db::cycles::CycleRow> {
    let cycle = db::cycles::get(conn, year)?;
    cycle
        .status()
        .refuse_if_published(year, Refused::NoMoreResponses)?;
    Ok(cycle)
}

/// The contacts of a file that the cycle does not have yet, each with a new code; nothing is
/// stored. Addresses already in the cycle keep their invitation.
pub fn plan_contacts(
    conn: &mut Conn,
    year: i32,
    contacts: &[Contact],
) -> anyhow::Result<(Vec<Planned>, usize)> {
    let cycle = cycle_for_contacts(conn, year)?;
    let known: HashSet<String> = contacts::emails(conn, cycle.id)?.into_iter().collect();
    let new: Vec<Planned> = contacts
        .iter()
        .filter(|c| !known.contains(&c.email))
        .map(|c| Planned {
            email: c.email.clone(),
            label: c.label.clone(),
            code: codes::generate(),
        })
        .collect();
    let existing = contacts.len() - new.len();
    Ok((new, existing))
}

/// Stores planned contacts with their invitations (the codes' hashes only), audited.
pub fn store_contacts(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    planned: &[Planned],
) -> anyhow::Result<()> {
    let cycle = cycle_for_contacts(conn, year)?;
    let rows: Vec<NewContact<'_>> = planned
        .iter()
        .map(|p| {
            let canonical = codes::normalize(&p.code).unwrap_or_default();
            NewContact {
                email: &p.email,
                label: p.label.as_deref(),
                code_hash: codes::hash(&canonical),
            }
        })
        .collect();
    contacts::insert(conn, cycle.id, &rows)?;
    db::admin::audit(
        conn,
        actor,
        "contacts.add",
        &format!("{year}: {} contacts", planned.len()),
    )?;
    Ok(())
}

/// What a sending run needs besides the database.
pub struct Sending<'a> {
    pub actor: &'a str,
    pub year: i32,
    pub public_url: &'a str,
    /// Also send again to contacts left "sending" (with a new code).
    pub retry: bool,
    /// Told about each refusal or unresolved contact as it happens (the command prints it).
    pub progress: &'a mut dyn FnMut(&str),
}

/// A cycle that takes answers now or will: mail about a closed one would invite in vain.
pub fn cycle_to_mail(
    conn: &mut Conn,
    year: i32,
    reminder: bool,
) -> anyhow::Result<db::cycles::CycleRow> {
    let cycle = cycle_for_contacts(conn, year)?;
    let status = cycle.status();
    let fits = status == Status::Open || (!reminder && status == Status::Draft);
    anyhow::ensure!(
        fits,
        "cycle {year} is {}: {} only to a cycle that is {}",
        status.as_str(),
        if reminder {
            "reminders go"
        } else {
            "invitations go"
        },
        if reminder { "open" } else { "draft or open" }
    );
    Ok(cycle)
}

/// Emails the invitation to the cycle's contacts (those of `only`, when given): new ones, those
/// never handed to the server and refused ones; `fresh` holds the codes made this run (by
/// contact address), others get a new code that replaces their unknown one. Contacts found
/// "sending" are reported, and sent again only with `retry`.
pub fn send_invitations(
    conn: &mut Conn,
    mailer: &mut Mailer,
    run: &mut Sending<'_>,
    only: Option<&HashSet<String>>,
    fresh: &HashMap<String, String>,
) -> anyhow::Result<Report> {
    let cycle = cycle_to_mail(conn, run.year, false)?;
    let mut report = Report::default();
    for target in contacts::targets(conn, cycle.id)? {
        let email = target.contact.email.clone().unwrap_or_default();
        if only.is_some_and(|o| !o.contains(&email)) {
            continue;
        }
        match target.contact.status.as_str() {
            "sent" => report.done_before += 1,
            "sending" if !run.retry => {
                (run.progress)(&format!(
                    "left sending by an earlier run (outcome unknown; --retry sends it again with a new code): {email}"
                ));
                report
                    .unresolved
                    .push((email, "outcome unknown".to_string()));
            }
            _ => {
                let code = fresh.get(&email).cloned();
                invite_one(conn, mailer, run, &cycle, &target, code, &mut report)?;
            }
        }
    }
    let detail = format!("{}: {}", run.year, report.summary("invitations"));
    db::admin::audit(conn, run.actor, "contacts.send", &detail)?;
    Ok(report)
}

/// One invitation: claim (with a new code unless this run made it), send, record.
fn invite_one(
    conn: &mut Conn,
    mailer: &mut Mailer,
    run: &mut Sending<'_>,
    cycle: &db::cycles::CycleRow,
    target: &Target,
    code: Option<String>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let from = target.contact.status.as_str();
    let email = target.contact.email.clone().unwrap_or_default();
    let (code, new_hash) = match code {
        Some(code) => (code, None),
        None => {
            let code = codes::generate();
            let hash = codes::hash(&codes::normalize(&code).unwrap_or_default());
            (code, Some(hash))
        }
    };
    match contacts::claim(
        conn,
        &target.contact,
        Mail::Invitation,
        Some(from),
        new_hash.as_deref(),
        true,
    )? {
        Claim::Taken => return Ok(()),
        Claim::Began => {
            // The business has its code (it began answering): no new code replaces it, and a
            // contact left "sending" evidently received its message.
            if from == "sending" {
                contacts::finish(conn, target.contact.id, Mail::Invitation, Ok(()))?;
            }
            report.began += 1;
            return Ok(());
        }
        Claim::Claimed { .. } => {}
    }
    let sender = mailer.sender();
    let letter = letter(cycle, run.public_url, Some(&code), &sender);
    let (subject, body) = compose(MailKind::Invitation, &letter);
    let outcome = mailer.send(&email, &subject, body);
    record(
        conn,
        target.contact.id,
        Mail::Invitation,
        &email,
        outcome,
        run,
        report,
    )
}

fn letter<'a>(
    cycle: &'a db::cycles::CycleRow,
    public_url: &'a str,
    code: Option<&'a str>,
    sender: &'a str,
) -> Letter<'a> {
    Letter {
        year: cycle.year,
        public_url,
        code,
        deadline: cycle.closes_on.as_deref(),
        contact: sender,
    }
}

/// Stores a message's outcome and counts it.
fn record(
    conn: &mut Conn,
    id: i64,
    mail: Mail,
    email: &str,
    outcome: Result<(), SendError>,
    run: &mut Sending<'_>,
    report: &mut Report,
) -> anyhow::Result<()> {
    contacts::finish(conn, id, mail, outcome.as_ref().map(|_| ()))?;
    match outcome {
        Ok(()) => report.sent += 1,
        Err(SendError::Refused(reply)) => {
            (run.progress)(&format!("failed: {email}: {reply}"));
            report.failed.push((email.to_string(), reply));
        }
        Err(e @ SendError::Unknown(_)) => {
            (run.progress)(&format!("left sending: {email}: {e}"));
            report.unresolved.push((email.to_string(), e.to_string()));
        }
    }
    Ok(())
}

/// Reminds every contact whose invitation is not submitted: a business that has not begun gets
/// a new code (its old one is revoked), one that has begun a message without a code. A contact
/// reminded today is not reminded again today (a second click, a rerun after a crash); one
/// left "sending" is reported, and reminded again only with `retry`.
pub fn remind(
    conn: &mut Conn,
    mailer: &mut Mailer,
    run: &mut Sending<'_>,
) -> anyhow::Result<Report> {
    let cycle = cycle_to_mail(conn, run.year, true)?;
    let today = crate::clock::today();
    let mut report = Report::default();
    for target in contacts::targets(conn, cycle.id)? {
        if target.invitation_status == "submitted" {
            continue;
        }
        let email = target.contact.email.clone().unwrap_or_default();
        let from = target.contact.reminder_status.clone();
        let reminded_today = target
            .contact
            .reminded_at
            .as_deref()
            .is_some_and(|at| at.starts_with(&today));
        match from.as_deref() {
            Some("sending") if !run.retry => {
                (run.progress)(&format!(
                    "reminder left sending by an earlier run (outcome unknown; --retry sends it again): {email}"
                ));
                report
                    .unresolved
                    .push((email, "outcome unknown".to_string()));
            }
            Some("sent") if reminded_today => report.done_before += 1,
            _ => remind_one(
                conn,
                mailer,
                run,
                &cycle,
                &target,
                from.as_deref(),
                &mut report,
            )?,
        }
    }
    let detail = format!("{}: {}", run.year, report.summary("reminders"));
    db::admin::audit(conn, run.actor, "contacts.remind", &detail)?;
    Ok(report)
}

fn remind_one(
    conn: &mut Conn,
    mailer: &mut Mailer,
    run: &mut Sending<'_>,
    cycle: &db::cycles::CycleRow,
    target: &Target,
    from: Option<&str>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let email = target.contact.email.clone().unwrap_or_default();
    let code = codes::generate();
    let hash = codes::hash(&codes::normalize(&code).unwrap_or_default());
    // Only a fresh invitation gets a new code; the claim decides, inside its transaction.
    let wants_code = target.invitation_status == "issued";
    let new_hash = wants_code.then_some(hash.as_str());
    let rotated =
        match contacts::claim(conn, &target.contact, Mail::Reminder, from, new_hash, false)? {
            Claim::Claimed { rotated } => rotated,
            Claim::Taken | Claim::Began => return Ok(()),
        };
    let (kind, code) = if rotated {
        (MailKind::ReminderWithCode, Some(code.as_str()))
    } else {
        (MailKind::ReminderContinue, None)
    };
    let sender = mailer.sender();
    let letter = letter(cycle, run.public_url, code, &sender);
    let (subject, body) = compose(kind, &letter);
    let outcome = mailer.send(&email, &subject, body);
    record(
        conn,
        target.contact.id,
        Mail::Reminder,
        &email,
        outcome,
        run,
        report,
    )
}

/// Deletes a closed or published cycle's addresses and labels; the number purged. Audited.
pub fn purge_contacts(conn: &mut Conn, actor: &str, year: i32) -> anyhow::Result<usize> {
    let cycle = db::cycles::get(conn, year)?;
    let status = cycle.status();
    anyhow::ensure!(
        matches!(status, Status::Closed | Status::Published),
        "cycle {year} is {}: its contacts are purged once it is closed (ddci cycle close {year})",
        status.as_str()
    );
    let n = contacts::purge(conn, cycle.id)?;
    db::admin::audit(
        conn,
        actor,
        "contacts.purge",
        &format!("{year}: {n} contacts"),
    )?;
    Ok(n)
}

/// The codes file of new contacts: `code,label,link,email` (as `codes_csv`, with the address
/// for a mail merge), UTF-8 with a byte order mark, text spreadsheet-safe.
pub fn contacts_csv(public_url: &str, planned: &[Planned]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(["code", "label", "link", "email"])?;
    for p in planned {
        let link = format!("{public_url}/survey?code={}", p.code);
        let label = p
            .label
            .as_deref()
            .map(crate::sheet::safe_text)
            .unwrap_or_default();
        let email = crate::sheet::safe_text(&p.email);
        w.write_record([p.code.as_str(), &label, &link, &email])?;
    }
    Ok(w.into_inner()?)
}
