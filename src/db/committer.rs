//! Group commit of submissions. With `synchronous=FULL`, every SQLite commit waits for the disk
//! (fsync of the WAL), and only one writer can commit at a time; one transaction per
//! submission caps the rate at what the disk can sync (a single writer reaches about 730
//! transactions/s on the project's machine). Here one writer thread takes every submission
//! waiting, writes them all in ONE transaction, and only then answers each waiting request:
//! a 201 is never sent before its submission is durably committed.
//!
//! Validation, code look-ups and the cycle's ids happen before, in the request's own thread,
//! so the writer does nothing but write. Whether to group is the caller's choice (the settings'
//! `DDCI_GROUP_COMMIT`): on by default for SQLite and off for PostgreSQL, where several
//! connections commit in parallel and per-request transactions scale better.

use super::invitations::{self, BatchItem, Invitation, Outcome, SubmitError};
use super::pending::{self, Sealed};
use super::responses::CodeIds;
use super::{DbError, Pool, PooledConn};
use crate::responses::NewResponse;
use crate::seal::SealKey;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Largest number of submissions written in one transaction. Larger batches add little
/// throughput (the fsync is already shared) but make the first request of a batch wait for
/// the writes of all the others.
const MAX_BATCH: usize = 48;

/// A submission for the writer, and where to send its outcome.
struct Job {
    invitation: Invitation,
    response: Sealed,
    reply: tokio::sync::oneshot::Sender<Result<(), SubmitError>>,
}

/// Stores submissions: through the writer thread (group commit) or directly, as pending rows
/// that the mixing thread moves into the live tables (`pending`).
pub struct Committer {
    pool: Pool,
    writer: Option<mpsc::Sender<Job>>,
    /// Seals pending submissions (from the key file).
    key: SealKey,
    /// Wakes the mixing thread after a commit; the thread ends when the committer is dropped.
    mixer: mpsc::Sender<()>,
    /// Alive as long as the committer: the checkpoint thread stops when it is gone.
    _alive: Arc<()>,
}

impl Committer {
    /// A committer for `pool`; with `group` it starts the writer thread, which ends when the
    /// committer is dropped. The mixing thread always runs.
    pub fn start(pool: Pool, group: bool, key: SealKey) -> std::io::Result<Committer> {
        let alive = Arc::new(());
        let (mixer, wake) = mpsc::channel();
        let (p, k) = (pool.clone(), key.clone());
        std::thread::Builder::new()
            .name("ddci-mixer".into())
            .spawn(move || mix_loop(&p, &k, &wake))?;
        let writer = if group {
            let (tx, rx) = mpsc::channel();
            let p = pool.clone();
            std::thread::Builder::new()
                .name("ddci-committer".into())
                .spawn(move || write_loop(&p, &rx))?;
            if pool.is_sqlite() {
                let (p, token) = (pool.clone(), Arc::downgrade(&alive));
                std::thread::Builder::new()
                    .name("ddci-checkpoint".into())
                    .spawn(move || checkpoint_loop(&p, &token))?;
            }
            Some(tx)
        } else {
            None
        };
        Ok(Committer {
            pool,
            writer,
            key,
            mixer,
            _alive: alive,
        })
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
        let response = pending::seal(&self.key, invitation.cycle_id, &ids, &response)?;
        let outcome = self.store(invitation, response).await;
        if outcome.is_ok() {
            // The mixing thread may have stopped only because the committer is being dropped.
            let _ = self.mixer.send(());
        }
        outcome
    }

    async fn store(&self, invitation: Invitation, response: Sealed) -> Result<(), SubmitError> {
        let Some(writer) = &self.writer else {
            // Not grouped: the request's own transaction, on a thread that may block.
            let pool = self.pool.clone();
            return tokio::task::spawn_blocking(move || {
                invitations::submit(&mut *pool.get()?, &invitation, &response)
            })
            .await
            .map_err(|e| SubmitError::Db(DbError::Writer(std::io::Error::other(e))))?;
        };
        let (reply, outcome) = tokio::sync::oneshot::channel();
        let job = Job {
            invitation,
            response,
            reply,
        };
        writer.send(job).map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

/// How often the mixing thread looks for batches when no commit woke it (a backlog left by a
/// previous run, or batches that other servers' submissions completed).
const MIX_IDLE: Duration = Duration::from_secs(5);
/// The least time between two mixes: under load, batches grow instead of each commit of the
/// writer being followed by a mixing transaction that competes for the write lock.
const MIX_SPACING: Duration = Duration::from_millis(250);

/// The mixing thread: after commits (or every MIX_IDLE), moves the cycles' pending batches
/// into the live tables. Ends when the committer is dropped.
fn mix_loop(pool: &Pool, key: &SealKey, wake: &mpsc::Receiver<()>) {
    loop {
        match wake.recv_timeout(MIX_IDLE) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        std::thread::sleep(MIX_SPACING);
        // Wake-ups that came meanwhile are served by this mix.
        while wake.try_recv().is_ok() {}
        let mixed = pool
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut c| pending::mix_ready(&mut c, key).map_err(|e| e.to_string()));
        match mixed {
            Ok(0) => {}
            Ok(n) => tracing::debug!(moved = n, "pending submissions mixed"),
            Err(e) => tracing::error!(error = %e, "mixing pending submissions failed"),
        }
    }
}

fn stopped() -> SubmitError {
    SubmitError::Db(DbError::Writer(std::io::Error::other(
        "the writer thread has stopped",
    )))
}

/// The writer: wait for one submission, take every other one already waiting (up to
/// MAX_BATCH), commit them together, answer each. It keeps one connection, tuned for writing.
fn write_loop(pool: &Pool, rx: &mpsc::Receiver<Job>) {
    let mut conn: Option<PooledConn> = None;
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        if conn.is_none() {
            conn = writer_connection(pool)
                .map_err(|e| tracing::error!(error = %e, "no connection for the writer"))
                .ok();
        }
        let outcomes = match conn.as_mut() {
            Some(c) => commit(c, &jobs),
            None => jobs.iter().map(|_| Err(stopped())).collect(),
        };
        if outcomes
            .iter()
            .any(|o| matches!(o, Err(e) if !matches!(e, SubmitError::AlreadySubmitted | SubmitError::CycleNotOpen)))
        {
            // After a database error, start again with a fresh connection.
            conn = None;
        }
        for (job, outcome) in jobs.into_iter().zip(outcomes) {
            // A request whose client went away no longer waits; its submission is stored.
            let _ = job.reply.send(outcome);
        }
    }
}

/// The writer's connection. On SQLite: a larger page cache (the answers' B-trees are written
/// all over, since response ids are random), and no automatic WAL checkpoint — that would run
/// inside the writer's commit, with every request of the batch waiting; the checkpoint thread
/// does it instead.
fn writer_connection(pool: &Pool) -> Result<PooledConn, DbError> {
    let mut conn = pool.get()?;
    if conn.is_sqlite() {
        use diesel::connection::SimpleConnection;
        conn.batch_execute(
            "PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0;",
        )?;
    }
    Ok(conn)
}

/// Copies the WAL back into the database file a few times a second, without ever blocking
/// the writer (PASSIVE), so that the WAL stays small while the writer commits.
fn checkpoint_loop(pool: &Pool, alive: &std::sync::Weak<()>) {
    use diesel::connection::SimpleConnection;
    while alive.upgrade().is_some() {
        std::thread::sleep(std::time::Duration::from_millis(200));
        if let Ok(mut c) = pool.get() {
            if let Err(e) = c.batch_execute("PRAGMA wal_checkpoint(PASSIVE);") {
                tracing::warn!(error = %e, "WAL checkpoint failed");
            }
        }
    }
}

/// One outcome per job, in order.
fn commit(conn: &mut super::Conn, jobs: &[Job]) -> Vec<Result<(), SubmitError>> {
    let items: Vec<BatchItem<'_>> = jobs
        .iter()
        .map(|j| BatchItem {
            invitation: &j.invitation,
            response: &j.response,
        })
        .collect();
    match invitations::submit_batch(conn, &items) {
        Ok(stored) => stored
            .into_iter()
            .map(|s| match s {
                Outcome::Stored => Ok(()),
                Outcome::Used => Err(SubmitError::AlreadySubmitted),
                Outcome::CycleNotOpen => Err(SubmitError::CycleNotOpen),
            })
            .collect(),
        Err(e) => {
            // Nothing of the batch was written; each submission gets its own outcome alone.
            tracing::warn!(error = %e, size = jobs.len(), "group commit failed; storing one by one");
            jobs.iter().map(|j| alone(conn, j)).collect()
        }
    }
}

fn alone(conn: &mut super::Conn, job: &Job) -> Result<(), SubmitError> {
    invitations::submit(conn, &job.invitation, &job.response)
}
