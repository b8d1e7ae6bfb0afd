//! The installation's keys live in a key file, not in the database (issue 12): a database copy
//! alone cannot map pseudonyms or forge sessions; `ddci backup` / `ddci restore` move both
//! together, and a restored installation publishes exactly the same package.

use crate::common::{ddci, expect_success, run_ok, TestDb};
use std::path::Path;

fn export(db: &TestDb, key: Option<&Path>, out: &Path) -> String {
    let mut cmd = ddci(db);
    if let Some(key) = key {
        cmd.env("DDCI_SECRET_FILE", key);
    }
    expect_success(cmd.args([
        "export",
        "--cycle",
        "2024",
        "--out",
        out.to_str().expect("utf-8"),
    ]));
    std::fs::read_to_string(out.join("responses.csv")).expect("responses.csv")
}

#[test]
fn the_keys_live_in_a_private_file_and_a_backup_restores_the_same_package() {
    let db = TestDb::new();
    if db.is_postgres() {
        return; // backup/restore are SQLite's; PostgreSQL uses pg_dump (README)
    }
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2024",
            "--responses",
            "300",
            "--seed",
            "3",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2024",
            "--bootstrap",
            "0",
            "--min-responses",
            "10",
        ],
    );
    let work = tempfile::tempdir().expect("tempdir");
    let original = export(&db, None, &work.path().join("a"));

    // The key file sits beside the database, readable by its owner only.
    let db_path = std::path::PathBuf::from(&db.raw_url);
    let key = db_path.with_extension("key");
    let text = std::fs::read_to_string(&key).expect("key file");
    assert!(text.contains("session=") && text.contains("pseudonym="));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The database holds neither key: with another key file, every pseudonym changes.
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    for legacy in ["cookie_key", "package_secret"] {
        assert_eq!(
            ::ddci::db::settings::get(&mut conn, legacy).expect("read"),
            None
        );
    }
    drop(conn);
    let other = export(
        &db,
        Some(&work.path().join("other.key")),
        &work.path().join("b"),
    );
    let ids = |csv: &str| -> Vec<String> {
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap_or("").to_string())
            .collect()
    };
    let (a, b) = (ids(&original), ids(&other));
    assert_eq!(a.len(), b.len());
    assert!(
        a.iter().all(|id| !b.contains(id)),
        "no pseudonym survives a key change"
    );

    // Backup, then restore elsewhere: the same package, byte for byte.
    let backup = work.path().join("backup.zip");
    run_ok(&db, &["backup", "--out", backup.to_str().expect("utf-8")]);
    let again = ddci(&db)
        .args(["backup", "--out", backup.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert!(!again.status.success(), "a backup never overwrites a file");
    let restored_db = work.path().join("restored").join("ddci.sqlite3");
    let restored_key = work.path().join("restored").join("keys").join("ddci.key");
    let restore = |force: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ddci"));
        cmd.env("DATABASE_URL", &restored_db)
            .env("DDCI_SECRET_FILE", &restored_key)
            .env("RUST_LOG", "warn")
            .args(["restore", backup.to_str().expect("utf-8")]);
        if force {
            cmd.arg("--force");
        }
        cmd.output().expect("runs")
    };
    let first = restore(false);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = restore(false);
    assert!(
        !second.status.success(),
        "an existing database is not replaced without --force"
    );
    assert!(String::from_utf8_lossy(&second.stderr).contains("--force"));
    assert!(restore(true).status.success());
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ddci"));
    let out = work.path().join("c");
    cmd.env("DATABASE_URL", &restored_db)
        .env("DDCI_SECRET_FILE", &restored_key)
        .env("RUST_LOG", "warn")
        .args([
            "export",
            "--cycle",
            "2024",
            "--out",
            out.to_str().expect("utf-8"),
        ]);
    expect_success(&mut cmd);
    for file in [
        "responses.csv",
        "answers.csv",
        "scores.csv",
        "indicator_scores.csv",
    ] {
        let a = std::fs::read(work.path().join("a").join(file)).expect("original");
        let c = std::fs::read(out.join(file)).expect("restored");
        assert!(a == c, "{file} differs after restore");
    }
}

#[test]
fn keys_kept_in_an_older_database_move_into_the_key_file() {
    let db = TestDb::new();
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let old = "ab".repeat(32);
    ::ddci::db::settings::get_or_init(&mut conn, "package_secret", &old).expect("legacy key");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ddci.key");
    let secrets = ::ddci::secrets::open(&path, &mut conn).expect("opens");
    assert_eq!(
        hex::encode(&secrets.pseudonym),
        old,
        "pseudonyms stay the same"
    );
    assert_eq!(
        ::ddci::db::settings::get(&mut conn, "package_secret").expect("read"),
        None
    );
    let again = ::ddci::secrets::open(&path, &mut conn).expect("reopens");
    assert_eq!(again.pseudonym, secrets.pseudonym);
}
