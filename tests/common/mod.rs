//! Shared test fixtures: one fresh database per test (a SQLite file in a temporary folder, or,
//! when DDCI_TEST_DATABASE_URL names a PostgreSQL database, a fresh schema in it), and the real
//! HTTP server on port 0, in this process or as a `ddci serve` child; running the `ddci` binary.

pub mod browser;
pub mod python;

use ddci::db::{DatabaseUrl, Pool};
use std::net::TcpListener;
use std::process::{Child, Command};
use std::time::Duration;

/// The password of every admin account the tests create.
pub const ADMIN_PASSWORD: &str = "mật-khẩu-đủ-dài-2025";

pub struct TestDb {
    pub url: DatabaseUrl,
    pub raw_url: String,
    _dir: tempfile::TempDir,
    #[cfg(feature = "postgres")]
    schema: Option<(String, String)>,
}

impl TestDb {
    pub fn new() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        #[cfg(feature = "postgres")]
        if let Some(base) = ddci::config::var("DDCI_TEST_DATABASE_URL") {
            return TestDb::postgres(base, dir);
        }
        let path = dir.path().join("ddci.sqlite3");
        let raw_url = path.display().to_string();
        TestDb {
            url: DatabaseUrl::parse(&raw_url).expect("sqlite url"),
            raw_url,
            _dir: dir,
            #[cfg(feature = "postgres")]
            schema: None,
        }
    }

    #[cfg(feature = "postgres")]
    fn postgres(base: String, dir: tempfile::TempDir) -> TestDb {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let schema = format!("t_{}", ddci::responses::random_id());
        let mut c = diesel::PgConnection::establish(&base).expect("postgres test database");
        c.batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("create schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let raw_url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        TestDb {
            url: DatabaseUrl::parse(&raw_url).expect("postgres url"),
            raw_url,
            _dir: dir,
            schema: Some((base, schema)),
        }
    }

    pub fn pool(&self) -> Pool {
        Pool::connect(&self.url, 4).expect("test database opens and migrates")
    }

    pub fn is_postgres(&self) -> bool {
        !matches!(self.url, DatabaseUrl::Sqlite(_))
    }

    /// Moves the cycle's pending submissions into the live tables now (as closing it would),
    /// for tests that look at the responses of an open cycle.
    pub fn flush_pending(&self, year: i32) {
        let key = self.secrets().pending_key();
        let mut conn = self.pool().get().expect("connection");
        let cycle = ddci::db::cycles::get(&mut conn, year).expect("cycle");
        ddci::db::pending::flush(&mut conn, &key, cycle.id).expect("flush");
    }

    /// The installation's secrets (the key file the server and the CLI use for this database).
    pub fn secrets(&self) -> ddci::secrets::Secrets {
        let settings = ddci::config::Settings::defaults_for(self.url.clone());
        let mut conn = self.pool().get().expect("connection");
        ddci::secrets::open(&settings.secret_file, &mut conn).expect("key file")
    }
}

#[cfg(feature = "postgres")]
impl Drop for TestDb {
    fn drop(&mut self) {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        if let Some((base, schema)) = &self.schema {
            if let Ok(mut c) = diesel::PgConnection::establish(base) {
                let _ = c.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
            }
        }
    }
}

/// The real application on 127.0.0.1 and a free port, stopped when dropped.
pub struct TestServer {
    pub base: String,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start(pool: Pool) -> TestServer {
        let settings = ddci::config::Settings::defaults_for(pool.url().clone());
        TestServer::start_with(pool, settings)
    }

    /// The server with other settings (a trusted proxy, a lower limit).
    pub fn start_with(pool: Pool, settings: ddci::config::Settings) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server =
                    ddci::startup::server(listener, pool, &settings).expect("server starts");
                tx.send(server.handle()).expect("handle sent");
                let _ = server.await;
            })
        });
        let handle = rx.recv().expect("server handle");
        TestServer {
            base,
            handle,
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        actix_web::rt::System::new().block_on(stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `ddci serve` as a child process on a port the system picks, killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts `cmd` (the `ddci` binary with its environment) as `serve --no-demo` and waits
    /// until its health check answers.
    pub fn start(mut cmd: Command) -> ServerProcess {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let child = cmd
            .args(["serve", "--no-demo", "--bind", &format!("127.0.0.1:{port}")])
            .spawn()
            .expect("serve");
        let base = format!("http://127.0.0.1:{port}");
        let up = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(50));
            ureq::get(&format!("{base}/healthz")).call().is_ok()
        });
        assert!(up, "server started");
        ServerProcess { child, base }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `ddci` binary with DATABASE_URL pointing at `db`.
pub fn ddci(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ddci"));
    cmd.env("DATABASE_URL", &db.raw_url).env("RUST_LOG", "warn");
    cmd
}

/// Runs `cmd` and fails the test, showing its stderr, unless it succeeds; its stdout.
pub fn expect_success(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A demo cycle of `responses` responses, scored with `score` (extra `ddci score` arguments)
/// and published.
pub fn published_demo(db: &TestDb, year: &str, responses: &str, seed: &str, score: &[&str]) {
    run_ok(
        db,
        &[
            "demo",
            "--cycle",
            year,
            "--responses",
            responses,
            "--seed",
            seed,
        ],
    );
    let mut args = vec!["score", "--cycle", year];
    args.extend_from_slice(score);
    run_ok(db, &args);
    run_ok(db, &["publish", "--cycle", year]);
}

/// `ddci ARGS` on `db`, which must succeed; its stdout.
pub fn run_ok(db: &TestDb, args: &[&str]) -> String {
    expect_success(ddci(db).args(args))
}

/// An admin account `name` with `role` and ADMIN_PASSWORD.
pub fn admin_account(db: &TestDb, name: &str, role: &str) {
    expect_success(
        ddci(db)
            .args(["admin", "create", "--username", name, "--role", role])
            .env("DDCI_ADMIN_PASSWORD", ADMIN_PASSWORD),
    );
}

/// An open 2025 cycle with `n` fresh invitation codes.
pub fn cycle_with_codes(db: &TestDb, n: usize) -> Vec<String> {
    run_ok(db, &["cycle", "open", "2025"]);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("codes.csv");
    expect_success(
        ddci(db)
            .args([
                "invite",
                "--cycle",
                "2025",
                "--count",
                &n.to_string(),
                "--out",
            ])
            .arg(&file),
    );
    let bytes = std::fs::read(&file).expect("codes file");
    let text = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("a UTF-8 byte order mark, so that Excel reads Vietnamese labels right");
    let mut reader = csv::Reader::from_reader(text);
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        ["code", "label", "link"]
    );
    reader
        .records()
        .map(|r| r.expect("row")[0].to_string())
        .collect()
}
