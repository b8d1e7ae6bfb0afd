//! Storage: one enum over the two backends, an r2d2 pool per backend, embedded migrations.
//!
//! SQL lives in the submodules; each function takes `&mut Conn` and uses [`with_conn!`] so the
//! same diesel code is compiled once per backend (the dialects differ only in the migrations).

pub mod admin;
pub mod catalog;
pub mod committer;
pub mod cycle_catalog;
pub mod cycles;
pub mod drafts;
pub mod invitations;
pub mod monitor;
pub mod package_data;
pub mod responses;
pub mod runs;
pub mod schema;
pub mod scoring_input;
pub mod settings;
pub mod url;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, PooledConnection};
#[cfg(feature = "postgres")]
use diesel::PgConnection;
use diesel::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use url::{DatabaseUrl, UrlError};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

type SqlitePool = diesel::r2d2::Pool<ConnectionManager<SqliteConnection>>;
#[cfg(feature = "postgres")]
type PgPool = diesel::r2d2::Pool<ConnectionManager<PgConnection>>;

/// A pool of connections to whichever backend `DATABASE_URL` named.
#[derive(Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(PgPool),
}

/// One pooled connection.
pub enum Conn {
    Sqlite(PooledConnection<ConnectionManager<SqliteConnection>>),
    #[cfg(feature = "postgres")]
    Postgres(PooledConnection<ConnectionManager<PgConnection>>),
}

/// Runs `$body` with `$c` bound to the concrete diesel connection of either backend.
#[macro_export]
macro_rules! with_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite(pooled) => {
                let $c: &mut diesel::SqliteConnection = &mut **pooled;
                $body
            }
            #[cfg(feature = "postgres")]
            $crate::db::Conn::Postgres(pooled) => {
                let $c: &mut diesel::PgConnection = &mut **pooled;
                $body
            }
        }
    };
}

/// Defines the enclosed functions once per backend, in modules `sqlite` and `pg`, with `Db`
/// naming that backend's connection type; [`dispatch!`] calls the right one.
#[macro_export]
macro_rules! per_backend {
    ($($item:item)*) => {
        pub(crate) mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            pub(crate) type Db = diesel::SqliteConnection;
            $($item)*
        }
        #[cfg(feature = "postgres")]
        pub(crate) mod pg {
            #[allow(unused_imports)]
            use super::*;
            pub(crate) type Db = diesel::PgConnection;
            $($item)*
        }
    };
}

/// Calls `sqlite::f(conn, args…)` or `pg::f(conn, args…)` of the current module.
#[macro_export]
macro_rules! dispatch {
    ($conn:expr, $f:ident ( $($arg:expr),* $(,)? )) => {
        match $conn {
            $crate::db::Conn::Sqlite(pooled) => sqlite::$f(&mut **pooled, $($arg),*),
            #[cfg(feature = "postgres")]
            $crate::db::Conn::Postgres(pooled) => pg::$f(&mut **pooled, $($arg),*),
        }
    };
}

/// A write transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE) so that
/// concurrent writers wait on the busy timeout instead of failing when a read lock cannot be
/// upgraded; on PostgreSQL it is an ordinary transaction.
pub trait WriteTx {
    fn write_tx<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>;
}

impl WriteTx for SqliteConnection {
    fn write_tx<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        self.immediate_transaction(f)
    }
}

#[cfg(feature = "postgres")]
impl WriteTx for PgConnection {
    fn write_tx<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Self) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        use diesel::Connection as _;
        self.transaction(f)
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
    #[error("cannot open the database {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
    #[error("the database did not answer: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// The submission writer (group commit) or a worker thread is gone.
    #[error("submissions cannot be stored now: {0}")]
    Writer(String),
}

/// Pragmas for every SQLite connection: WAL for concurrent readers, foreign keys enforced,
/// a busy timeout instead of immediate "database is locked", and synchronous=FULL because an
/// acknowledged submission must survive a power loss.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

impl Pool {
    /// Opens (creating the SQLite file and its folder if needed) and migrates the database.
    pub fn connect(url: &DatabaseUrl, size: u32) -> Result<Pool, DbError> {
        let pool = match url {
            DatabaseUrl::Sqlite(path) => Pool::Sqlite(open_sqlite(path, size)?),
            #[cfg(feature = "postgres")]
            DatabaseUrl::Postgres(u) => Pool::Postgres(open_postgres(u, size)?),
        };
        pool.migrate()?;
        Ok(pool)
    }

    pub fn get(&self) -> Result<Conn, DbError> {
        Ok(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.get()?),
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => Conn::Postgres(p.get()?),
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Pool::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            Pool::Postgres(_) => "postgres",
        }
    }

    fn migrate(&self) -> Result<(), DbError> {
        let mut conn = self.get()?;
        conn.run_pending_migrations()
    }
}

impl Conn {
    /// Applies every migration that has not run yet.
    pub fn run_pending_migrations(&mut self) -> Result<(), DbError> {
        let result = match self {
            Conn::Sqlite(c) => (**c).run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => (**c)
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|_| ()),
        };
        result.map_err(|e| DbError::Migrate(e.to_string()))
    }

    /// Reverts every migration (used by the up/down/up test and by operators who start over).
    pub fn revert_all_migrations(&mut self) -> Result<(), DbError> {
        let result = match self {
            Conn::Sqlite(c) => (**c).revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => (**c).revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        };
        result.map_err(|e| DbError::Migrate(e.to_string()))
    }

    /// A trivial query, for `/healthz`.
    pub fn ping(&mut self) -> Result<(), DbError> {
        with_conn!(self, c => c.batch_execute("SELECT 1"))?;
        Ok(())
    }
}

// Pools keep no idle minimum: connections are made when a request needs one and awaited by it,
// so no background thread is ever half-way through connecting when the process exits.

fn open_sqlite(path: &std::path::Path, size: u32) -> Result<SqlitePool, DbError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| DbError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    enable_wal(path)?;
    let manager = ConnectionManager::<SqliteConnection>::new(path.to_string_lossy());
    diesel::r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(0))
        .connection_customizer(Box::new(SqlitePragmas))
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)
        .map_err(|e| DbError::Connect {
            url: path.display().to_string(),
            reason: one_line(&e.to_string()),
        })
}

/// WAL is a property of the file: set it once, on one connection, before the pool opens its
/// connections in parallel (several connections switching the mode at once would collide).
fn enable_wal(path: &std::path::Path) -> Result<(), DbError> {
    use diesel::Connection;
    let url = path.to_string_lossy();
    let connect_error = |e: String| DbError::Connect {
        url: path.display().to_string(),
        reason: one_line(&e),
    };
    let mut conn = SqliteConnection::establish(&url).map_err(|e| connect_error(e.to_string()))?;
    conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
        .map_err(|e| connect_error(e.to_string()))
}

/// Libraries' messages can span lines (libpq adds hints); errors here are one sentence.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str, size: u32) -> Result<PgPool, DbError> {
    // One direct attempt first: an unreachable server gives one clear error at once instead of
    // the pool's retries and logs until its timeout.
    <PgConnection as diesel::Connection>::establish(url).map_err(|e| DbError::Connect {
        url: url::redact(url),
        reason: one_line(&e.to_string()),
    })?;
    let manager = ConnectionManager::<PgConnection>::new(url);
    diesel::r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(0))
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)
        .map_err(|e| DbError::Connect {
            url: url::redact(url),
            reason: one_line(&e.to_string()),
        })
}
