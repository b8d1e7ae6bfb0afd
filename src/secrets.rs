//! The installation's secrets, kept in a key file outside the database (issue 12): the key of
//! the respondents' session cookies and the key of the data package's evaluation pseudonyms.
//! A copy of the database alone can then neither forge a session nor map a pseudonym back to
//! its response. The file is created on first use with mode 0600; `ddci backup` copies it with
//! the database. Installations that kept these keys in the database (`settings`) have them
//! moved into the file, so cookies and pseudonyms stay the same, and removed from the database.

use crate::db::{self, Conn, DbError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The database settings that held the keys before the key file existed.
const LEGACY_SESSION: &str = "cookie_key";
const LEGACY_PSEUDONYM: &str = "package_secret";

#[derive(Clone)]
pub struct Secrets {
    /// 64 bytes: signing and encryption key of the session cookies.
    pub session: Vec<u8>,
    /// 32 bytes: HMAC key of the evaluation pseudonyms.
    pub pseudonym: Vec<u8>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(…)")
    }
}

impl Secrets {
    /// The salt of the draft keys (issue 12): derived from the session key, so that the key
    /// file keeps its two lines; HKDF's distinct `info` keeps the derived keys independent.
    pub fn draft_salt(&self) -> Vec<u8> {
        let key = crate::seal::SealKey::derive(&self.session, b"ddci", b"draft salt v1");
        key.to_hex().into_bytes()
    }

    /// The key that seals pending submissions until they are mixed into the live tables.
    pub fn pending_key(&self) -> crate::seal::SealKey {
        crate::seal::SealKey::derive(&self.session, b"ddci", b"pending submissions v1")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("cannot read the key file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create the key file {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key file {path} is damaged: {what}; restore it from a backup (without it, sessions end and pseudonyms change)")]
    Damaged { path: PathBuf, what: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The key file's secrets, creating the file (from the database's legacy keys if any, else
/// fresh random keys) when it does not exist yet.
pub fn open(path: &Path, conn: &mut Conn) -> Result<Secrets, SecretsError> {
    let secrets = match read(path)? {
        Some(s) => s,
        None => {
            let legacy = legacy(conn)?;
            let fresh = legacy.unwrap_or_else(|| Secrets {
                session: random(64),
                pseudonym: random(32),
            });
            create(path, &fresh)?
        }
    };
    // Whatever happened before, the database keeps no copy.
    db::settings::delete(conn, LEGACY_SESSION)?;
    db::settings::delete(conn, LEGACY_PSEUDONYM)?;
    Ok(secrets)
}

/// The file's text: one `name=hex` line per key.
pub fn format(s: &Secrets) -> String {
    format!(
        "# ddci installation keys: keep this file private (mode 0600) and back it up with the database.\nsession={}\npseudonym={}\n",
        hex::encode(&s.session),
        hex::encode(&s.pseudonym)
    )
}

/// Parses the file's text.
pub fn parse(text: &str) -> Result<Secrets, String> {
    let field = |name: &str, len: usize| -> Result<Vec<u8>, String> {
        let line = (text.lines())
            .find_map(|l| l.trim().strip_prefix(name)?.strip_prefix('='))
            .ok_or(format!("no `{name}=` line"))?;
        let bytes = hex::decode(line.trim()).map_err(|_| format!("`{name}` is not hex"))?;
        if bytes.len() == len {
            Ok(bytes)
        } else {
            Err(format!("`{name}` has {} bytes, not {len}", bytes.len()))
        }
    };
    Ok(Secrets {
        session: field("session", 64)?,
        pseudonym: field("pseudonym", 32)?,
    })
}

fn read(path: &Path) -> Result<Option<Secrets>, SecretsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text)
            .map(Some)
            .map_err(|what| SecretsError::Damaged {
                path: path.to_path_buf(),
                what,
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SecretsError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes a new key file readable by its owner only. The keys are written to a private
/// temporary file first and then linked into place, which fails if the file exists: a process
/// starting at the same moment never reads a half-written file, and whichever links first
/// wins (its keys are then read and used by the other).
fn create(path: &Path, s: &Secrets) -> Result<Secrets, SecretsError> {
    let err = |source| SecretsError::Create {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(
        ".new-{}-{}",
        std::process::id(),
        hex::encode(random(6))
    ));
    let tmp = path.with_file_name(name);
    let written = write_private(&tmp, format(s).as_bytes(), true);
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(s.clone()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read(path)?.ok_or_else(|| err(e))
        }
        Err(e) => Err(err(e)),
    }
}

/// Writes `bytes` to a file readable by its owner only (mode 0600), synced to disk; `new`
/// refuses an existing file, else it is replaced.
pub fn write_private(path: &Path, bytes: &[u8], new: bool) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if new {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn legacy(conn: &mut Conn) -> Result<Option<Secrets>, SecretsError> {
    let get = |conn: &mut Conn, key: &str, len: usize| -> Result<Option<Vec<u8>>, DbError> {
        let value = db::settings::get(conn, key)?;
        Ok(value
            .and_then(|v| hex::decode(v).ok())
            .filter(|b| b.len() == len))
    };
    let session = get(conn, LEGACY_SESSION, 64)?;
    let pseudonym = get(conn, LEGACY_PSEUDONYM, 32)?;
    if session.is_none() && pseudonym.is_none() {
        return Ok(None);
    }
    Ok(Some(Secrets {
        session: session.unwrap_or_else(|| random(64)),
        pseudonym: pseudonym.unwrap_or_else(|| random(32)),
    }))
}

fn random(bytes: usize) -> Vec<u8> {
    use rand_core::RngCore;
    let mut buf = vec![0u8; bytes];
    rand_core::OsRng.fill_bytes(&mut buf);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_round_trips_and_names_what_is_damaged() {
        let s = Secrets {
            session: vec![7; 64],
            pseudonym: vec![9; 32],
        };
        let back = parse(&format(&s)).expect("parses");
        assert_eq!((&back.session, &back.pseudonym), (&s.session, &s.pseudonym));
        let short = format(&s).replace(&hex::encode([9u8; 32]), "abcd");
        assert_eq!(
            parse(&short).err().as_deref(),
            Some("`pseudonym` has 2 bytes, not 32")
        );
        assert!(parse("session=zz").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_new_key_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("ddci.key");
        let s = Secrets {
            session: random(64),
            pseudonym: random(32),
        };
        create(&path, &s).expect("created");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // A second creation keeps the first file's keys.
        let other = Secrets {
            session: random(64),
            pseudonym: random(32),
        };
        let kept = create(&path, &other).expect("read back");
        assert_eq!(kept.pseudonym, s.pseudonym);
    }
}
