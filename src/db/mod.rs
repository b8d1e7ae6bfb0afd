//! Storage: one connection type over the two backends, an r2d2 pool, embedded migrations.
//!
//! SQL lives in the submodules: each public function takes `&mut Conn` (a pooled connection
//! dereferences to it) and its diesel queries sit in a private `queries` module, written once
//! for both backends. The dialects differ only in the migrations.

pub mod admin;
pub mod catalog;
pub mod comments;
pub mod committer;
pub mod contacts;
pub mod cycle_catalog;
pub mod cycles;
pub mod drafts;
pub mod invitations;
pub mod monitor;
pub mod package_data;
pub mod pending;
pub mod responses;
pub mod runs;
pub mod schema;
pub mod scoring_input;
pub mod settings;
pub mod url;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::query_builder::InsertStatement;
use diesel::query_dsl::methods::ExecuteDsl;
use diesel::r2d2::{ManageConnection, PooledConnection, R2D2Connection};
#[cfg(feature = "postgres")]
use diesel::PgConnection;
use diesel::RunQueryDsl;
use diesel::{Connection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::Arc;

pub use url::{DatabaseUrl, UrlError};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend. Queries are written once against it; diesel's
/// `MultiConnection` compiles them for both dialects. The few places that must know the
/// backend match on it explicitly, all in this file: [`Manager::open`] (opening by URL
/// scheme), [`write_tx`] (BEGIN IMMEDIATE on SQLite), [`insert_rows`] (multi-row inserts),
/// [`cycle_open_in_tx`] (a row lock PostgreSQL needs) and [`Conn::migrations`] (one migration
/// set per dialect).
#[derive(diesel::MultiConnection)]
pub enum Conn {
    Sqlite(SqliteConnection),
    #[cfg(feature = "postgres")]
    Postgres(PgConnection),
}

/// A connection lent by the pool; it dereferences to [`Conn`].
pub type PooledConn = PooledConnection<Manager>;

/// A write transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE) so that
/// concurrent writers wait on the busy timeout instead of failing when a read lock cannot be
/// upgraded; on PostgreSQL it is an ordinary transaction.
pub trait WriteTx {
    fn write_tx<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>;
}

impl WriteTx for Conn {
    fn write_tx<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        write_tx(self, f)
    }
}

/// [`WriteTx::write_tx`]: the body runs on the multi-backend connection, whose transaction
/// state is the inner connection's, so nested transactions inside it become savepoints.
fn write_tx<T, E, F>(conn: &mut Conn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        Conn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <Conn as TransactionManager<Conn>>::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            <Conn as TransactionManager<Conn>>::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// Whether the cycle is open, read inside a write transaction so that a submission is never
/// stored after the cycle closes. On SQLite the transaction's BEGIN IMMEDIATE already holds the
/// write lock, so no close can commit in between; on PostgreSQL the row is read `FOR SHARE`:
/// a close (an UPDATE of that row) waits for the submissions holding it, and a submission that
/// waited for a close reads the closed status. Submissions do not block each other.
pub fn cycle_open_in_tx(conn: &mut Conn, cycle_id: i64) -> diesel::QueryResult<bool> {
    use diesel::prelude::*;
    use schema::cycles;
    let query = cycles::table
        .filter(cycles::id.eq(cycle_id))
        .select(cycles::status);
    let status: Option<String> = match conn {
        Conn::Sqlite(c) => query.first(c).optional()?,
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => query.for_share().first(c).optional()?,
    };
    Ok(status.as_deref() == Some(crate::cycles::Status::Open.as_str()))
}

/// Statements that run on every backend's own connection (see [`insert_rows`]).
#[cfg(not(feature = "postgres"))]
pub trait RunsOnEither: ExecuteDsl<SqliteConnection> {}
#[cfg(not(feature = "postgres"))]
impl<S: ExecuteDsl<SqliteConnection>> RunsOnEither for S {}
#[cfg(feature = "postgres")]
pub trait RunsOnEither: ExecuteDsl<SqliteConnection> + ExecuteDsl<PgConnection> {}
#[cfg(feature = "postgres")]
impl<S: ExecuteDsl<SqliteConnection> + ExecuteDsl<PgConnection>> RunsOnEither for S {}

/// `INSERT … VALUES (…), (…), …` of many rows in one statement. `MultiConnection` cannot
/// build a multi-row insert (SQLite has no DEFAULT keyword for the columns a row leaves out),
/// so this statement runs on the backend's own connection.
pub fn insert_rows<T, V>(conn: &mut Conn, table: T, rows: V) -> diesel::QueryResult<usize>
where
    T: diesel::Table,
    V: diesel::Insertable<T>,
    InsertStatement<T, V::Values>: RunsOnEither,
{
    let statement = diesel::insert_into(table).values(rows);
    match conn {
        Conn::Sqlite(c) => statement.execute(c),
        #[cfg(feature = "postgres")]
        Conn::Postgres(c) => statement.execute(c),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database {url}: {}", one_line(&source.to_string()))]
    Connect {
        url: String,
        source: diesel::ConnectionError,
    },
    #[error("cannot open the database {url}: {}", one_line(&source.to_string()))]
    Setup {
        url: String,
        source: diesel::result::Error,
    },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the database did not answer: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// The submission writer (group commit) or a worker thread is gone.
    #[error("submissions cannot be stored now: {0}")]
    Writer(#[source] std::io::Error),
}

/// Libraries' messages can span lines (libpq adds hints); errors here are one sentence.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Opens connections for the pool: the backend comes from the URL's scheme, never from trying
/// one driver after another (SQLite would take any string as a file name), and each SQLite
/// connection gets its pragmas when it is made.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

/// Pragmas for every SQLite connection: foreign keys enforced, a busy timeout instead of
/// immediate "database is locked", and synchronous=FULL because an acknowledged submission
/// must survive a power loss. `secure_delete` overwrites what is deleted (drafts replaced,
/// pending submissions once mixed) instead of leaving it in the file's free pages.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; \
    PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";

impl Manager {
    fn connect_error(&self, source: diesel::ConnectionError) -> DbError {
        DbError::Connect {
            url: self.url.display(),
            source,
        }
    }

    fn open(&self) -> Result<Conn, DbError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut c = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(|e| self.connect_error(e))?;
                c.batch_execute(SQLITE_PRAGMAS)
                    .map_err(|source| DbError::Setup {
                        url: self.url.display(),
                        source,
                    })?;
                Ok(Conn::Sqlite(c))
            }
            #[cfg(feature = "postgres")]
            DatabaseUrl::Postgres(u) => PgConnection::establish(u)
                .map(Conn::Postgres)
                .map_err(|e| self.connect_error(e)),
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        self.open().map_err(|e| match e {
            DbError::Connect { source, .. } => diesel::r2d2::Error::ConnectionError(source),
            DbError::Setup { source, .. } => diesel::r2d2::Error::QueryError(source),
            other => diesel::r2d2::Error::QueryError(diesel::result::Error::QueryBuilderError(
                other.to_string().into(),
            )),
        })
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// A pool of connections to whichever backend `DATABASE_URL` named.
#[derive(Clone)]
pub struct Pool {
    inner: diesel::r2d2::Pool<Manager>,
    url: Arc<DatabaseUrl>,
}

impl Pool {
    /// Opens (creating the SQLite file and its folder if needed) and migrates the database.
    pub fn connect(url: &DatabaseUrl, size: u32) -> Result<Pool, DbError> {
        let manager = Manager { url: url.clone() };
        if let Some(path) = url.sqlite_path() {
            prepare_sqlite_file(path)?;
        }
        // One direct connection first: an unreachable server or an unwritable file gives one
        // clear error at once instead of the pool's retries and logs until its timeout.
        let mut first = manager.open()?;
        first.migrations(Migrations::Apply)?;
        drop(first);
        // Pools keep no idle minimum: connections are made when a request needs one and
        // awaited by it, so no background thread is ever half-way through connecting when the
        // process exits.
        let inner = diesel::r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(0))
            .connection_timeout(std::time::Duration::from_secs(10))
            .build_unchecked(manager);
        Ok(Pool {
            inner,
            url: Arc::new(url.clone()),
        })
    }

    pub fn get(&self) -> Result<PooledConn, DbError> {
        Ok(self.inner.get()?)
    }

    /// The database this pool opens.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn is_sqlite(&self) -> bool {
        self.url.sqlite_path().is_some()
    }

    pub fn backend_name(&self) -> &'static str {
        if self.is_sqlite() {
            "sqlite"
        } else {
            "postgres"
        }
    }
}

/// Which way [`Conn::migrations`] goes.
#[derive(Debug, Clone, Copy)]
pub enum Migrations {
    /// Every migration that has not run yet.
    Apply,
    /// Every migration, newest first (the up/down/up test; operators who start over).
    RevertAll,
}

impl Conn {
    /// A trivial query, for `/healthz`.
    pub fn ping(&mut self) -> Result<(), DbError> {
        self.batch_execute("SELECT 1")?;
        Ok(())
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Conn::Sqlite(_))
    }

    /// Runs the dialect's own migration set.
    pub fn migrations(&mut self, direction: Migrations) -> Result<(), DbError> {
        match self {
            Conn::Sqlite(c) => run_migrations(c, SQLITE_MIGRATIONS, direction),
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => run_migrations(c, POSTGRES_MIGRATIONS, direction),
        }
    }

    /// Applies every migration that has not run yet.
    pub fn run_pending_migrations(&mut self) -> Result<(), DbError> {
        self.migrations(Migrations::Apply)
    }

    /// Reverts every migration (used by the up/down/up test and by operators who start over).
    pub fn revert_all_migrations(&mut self) -> Result<(), DbError> {
        self.migrations(Migrations::RevertAll)
    }
}

fn run_migrations<DB, C>(
    conn: &mut C,
    set: EmbeddedMigrations,
    direction: Migrations,
) -> Result<(), DbError>
where
    DB: diesel::backend::Backend,
    C: MigrationHarness<DB>,
{
    match direction {
        Migrations::Apply => conn.run_pending_migrations(set).map(drop),
        Migrations::RevertAll => conn.revert_all_migrations(set).map(drop),
    }
    .map_err(DbError::Migrate)
}

/// Creates the SQLite file's folder, and sets WAL once, on one connection, before the pool
/// opens its connections in parallel (several connections switching the mode at once would
/// collide). WAL is a property of the file: concurrent readers never wait for the writer.
fn prepare_sqlite_file(path: &std::path::Path) -> Result<(), DbError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| DbError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let url = path.display().to_string();
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).map_err(|source| {
        DbError::Connect {
            url: url.clone(),
            source,
        }
    })?;
    conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
        .map_err(|source| DbError::Setup { url, source })
}
