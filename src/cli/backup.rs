//! `ddci backup` and `ddci restore`: the database and the installation's key file, together
//! (issue 12). Either alone is not enough: without the key file, sessions end and the data
//! package's pseudonyms change; without the database there is nothing to key.
//!
//! SQLite only: the backup is `VACUUM INTO`, a consistent snapshot taken while the service
//! runs (readers and writers go on; the copy sees one committed state). With PostgreSQL,
//! back up with `pg_dump` and copy the key file beside it (README, "Backup and restore").

use crate::config::Settings;
use crate::db::DatabaseUrl;
use anyhow::{bail, Context};
use diesel::RunQueryDsl;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const DB_ENTRY: &str = "ddci.sqlite3";
const KEY_ENTRY: &str = "ddci.key";

fn sqlite_path(settings: &Settings) -> anyhow::Result<&Path> {
    match &settings.database {
        DatabaseUrl::Sqlite(path) => Ok(path),
        #[allow(unreachable_patterns)]
        _ => bail!(
            "ddci backup/restore handle the embedded SQLite database; with PostgreSQL use pg_dump/pg_restore and copy the key file {} with the dump (README, \"Backup and restore\")",
            settings.secret_file.display()
        ),
    }
}

/// Writes a new zip `out` holding a consistent copy of the database and the key file.
pub fn backup(settings: &Settings, out: &Path) -> anyhow::Result<()> {
    let db_path = sqlite_path(settings)?;
    if out.exists() {
        bail!(
            "{} already exists; a backup never overwrites a file",
            out.display()
        );
    }
    let pool = super::connect(settings)?;
    let mut conn = pool.get()?;
    // The key file exists from here on (created, or moved out of an older database).
    let secrets = crate::secrets::open(&settings.secret_file, &mut conn)?;
    // The snapshot goes beside the database (same disk), and is removed once read.
    let snapshot = sibling(db_path, &format!(".backup-{}", std::process::id()));
    let _ = std::fs::remove_file(&snapshot);
    let taken = diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(snapshot.to_string_lossy().to_string())
        .execute(&mut *conn)
        .context("cannot take a consistent copy of the database");
    let db_bytes = taken.and_then(|_| Ok(std::fs::read(&snapshot)?));
    let _ = std::fs::remove_file(&snapshot);
    let db_bytes = db_bytes?;
    let mut zip = zip::ZipWriter::new(
        std::fs::File::create_new(out)
            .with_context(|| format!("cannot create {}", out.display()))?,
    );
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o600);
    zip.start_file(DB_ENTRY, options)?;
    zip.write_all(&db_bytes)?;
    zip.start_file(KEY_ENTRY, options)?;
    zip.write_all(crate::secrets::format(&secrets).as_bytes())?;
    zip.finish()?.sync_all()?;
    eprintln!(
        "backup written to {} (database {} bytes and the key file); keep it as private as the key file",
        out.display(),
        db_bytes.len()
    );
    Ok(())
}

/// Restores a backup zip to the configured database file and key file. Refuses to replace an
/// existing database or a different key file unless `force`.
pub fn restore(settings: &Settings, file: &Path, force: bool) -> anyhow::Result<()> {
    let db_path = sqlite_path(settings)?.to_path_buf();
    let (db_bytes, key_text) = read_backup(file)?;
    if db_path.exists() && !force {
        bail!(
            "{} already exists; stop the service and run `ddci restore --force {}` to replace it",
            db_path.display(),
            file.display()
        );
    }
    let key_path = &settings.secret_file;
    if let Ok(existing) = std::fs::read_to_string(key_path) {
        if existing != key_text && !force {
            bail!(
                "the key file {} holds other keys; run with --force to replace it",
                key_path.display()
            );
        }
    }
    write_private(key_path, key_text.as_bytes())?;
    replace_database(&db_path, &db_bytes)?;
    eprintln!(
        "restored {} and {} from {}",
        db_path.display(),
        key_path.display(),
        file.display()
    );
    Ok(())
}

/// The two entries of a backup, checked: a SQLite database and a readable key file.
fn read_backup(file: &Path) -> anyhow::Result<(Vec<u8>, String)> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let mut zip = zip::ZipArchive::new(f)
        .with_context(|| format!("{} is not a ddci backup (not a zip file)", file.display()))?;
    let mut entry = |name: &str| -> anyhow::Result<Vec<u8>> {
        let mut e = zip.by_name(name).with_context(|| {
            format!("{} is not a ddci backup: it has no {name}", file.display())
        })?;
        let mut out = Vec::new();
        e.read_to_end(&mut out)?;
        Ok(out)
    };
    let db_bytes = entry(DB_ENTRY)?;
    let key_text = String::from_utf8(entry(KEY_ENTRY)?).unwrap_or_default();
    if !db_bytes.starts_with(b"SQLite format 3\0") {
        bail!("{}: {DB_ENTRY} is not a SQLite database", file.display());
    }
    crate::secrets::parse(&key_text)
        .map_err(|what| anyhow::anyhow!("{}: {KEY_ENTRY} is damaged: {what}", file.display()))?;
    Ok((db_bytes, key_text))
}

/// Writes through a temporary file and a rename, and drops the old database's WAL files, so a
/// crash leaves either the old database or the restored one.
fn replace_database(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = sibling(path, "restoring");
    std::fs::write(&tmp, bytes)?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sibling(path, suffix));
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    crate::secrets::write_private(path, bytes, false)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}
