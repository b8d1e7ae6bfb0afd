//! Group commit of submissions. With `synchronous=FULL`, every SQLite commit waits for the disk
//! (fsync of the WAL), and only one writer can commit at a time; one transaction per
//! submission caps the rate at what the disk can sync (a single writer reaches about 730
//! transactions/s on the project's machine). Here one writer thread takes every submission
//! waiting, writes them all in ONE transaction, and only then answers each waiting request:
//! a 201 is never sent before its submission is durably committed.
//!
//! Validation, code look-ups and the cycle's ids happen before, in the request's own thread,
//! so the writer does nothing but write. `DDCI_GROUP_COMMIT` turns it on or off; it is on for
//! SQLite and off for PostgreSQL, where several connections commit in parallel and
//! per-request transactions scale better.

use super::invitations::{self, BatchItem, Invitation, SubmitError};
use super::responses::CodeIds;
use super::{Conn, DbError, Pool};
use crate::responses::NewResponse;
use std::sync::{mpsc, Arc};

/// Largest number of submissions written in one transaction. Larger batches add little
/// throughput (the fsync is already shared) but make the first request of a batch wait for
/// the writes of all the others.
const MAX_BATCH: usize = 48;

/// A submission for the writer, and where to send its outcome.
struct Job {
    invitation: Invitation,
    ids: Arc<CodeIds>,
    response: NewResponse,
    reply: tokio::sync::oneshot::Sender<Result<(), SubmitError>>,
}

/// Stores submissions: through the writer thread (group commit) or directly.
pub struct Committer {
    pool: Pool,
    writer: Option<mpsc::Sender<Job>>,
}

/// Whether to group commits: `DDCI_GROUP_COMMIT` (true/false, 1/0) or the backend's default.
pub fn group_commit_wanted(pool: &Pool) -> bool {
    let default = matches!(pool, Pool::Sqlite(_));
    match std::env::var("DDCI_GROUP_COMMIT").as_deref().map(str::trim) {
        Ok("1" | "true" | "on" | "yes") => true,
        Ok("0" | "false" | "off" | "no") => false,
        _ => default,
    }
}

impl Committer {
    /// A committer for `pool`; with `group` it starts the writer thread, which ends when the
    /// committer is dropped.
    pub fn start(pool: Pool, group: bool) -> std::io::Result<Committer> {
        let writer = if group {
            let (tx, rx) = mpsc::channel();
            let p = pool.clone();
            std::thread::Builder::new()
                .name("ddci-committer".into())
                .spawn(move || write_loop(&p, &rx))?;
            Some(tx)
        } else {
            None
        };
        Ok(Committer { pool, writer })
    }

    pub fn grouped(&self) -> bool {
        self.writer.is_some()
    }

    /// Stores one submission exactly once; returns when it is durably committed (or refused).
    pub async fn submit(
        &self,
        invitation: Invitation,
        ids: Arc<CodeIds>,
        response: NewResponse,
    ) -> Result<(), SubmitError> {
        let Some(writer) = &self.writer else {
            let pool = self.pool.clone();
            return actix_web::web::block(move || {
                invitations::submit(&mut pool.get()?, &invitation, &ids, &response)
            })
            .await
            .map_err(|e| SubmitError::Db(DbError::Writer(e.to_string())))?;
        };
        let (reply, outcome) = tokio::sync::oneshot::channel();
        let job = Job {
            invitation,
            ids,
            response,
            reply,
        };
        writer.send(job).map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

fn stopped() -> SubmitError {
    SubmitError::Db(DbError::Writer("the writer thread has stopped".into()))
}

/// The writer: wait for one submission, take every other one already waiting (up to
/// MAX_BATCH), commit them together, answer each.
fn write_loop(pool: &Pool, rx: &mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let outcomes = commit(pool, &jobs);
        for (job, outcome) in jobs.into_iter().zip(outcomes) {
            // A request whose client went away no longer waits; its submission is stored.
            let _ = job.reply.send(outcome);
        }
    }
}

/// One outcome per job, in order.
fn commit(pool: &Pool, jobs: &[Job]) -> Vec<Result<(), SubmitError>> {
    let mut conn = match pool.get() {
        Ok(c) => c,
        Err(e) => return jobs.iter().map(|_| Err(copy_error(&e))).collect(),
    };
    let items: Vec<BatchItem<'_>> = jobs
        .iter()
        .map(|j| BatchItem {
            invitation: &j.invitation,
            ids: &j.ids,
            response: &j.response,
        })
        .collect();
    match invitations::submit_batch(&mut conn, &items) {
        Ok(stored) => stored
            .into_iter()
            .map(|s| {
                if s {
                    Ok(())
                } else {
                    Err(SubmitError::AlreadySubmitted)
                }
            })
            .collect(),
        Err(e) => {
            // Nothing of the batch was written; each submission gets its own outcome alone.
            tracing::warn!(error = %e, size = jobs.len(), "group commit failed; storing one by one");
            jobs.iter().map(|j| alone(&mut conn, j)).collect()
        }
    }
}

fn alone(conn: &mut Conn, job: &Job) -> Result<(), SubmitError> {
    invitations::submit(conn, &job.invitation, &job.ids, &job.response)
}

fn copy_error(e: &DbError) -> SubmitError {
    SubmitError::Db(DbError::Writer(e.to_string()))
}
