//! Which backend `DATABASE_URL` names. A mistyped scheme is an error, never a silent SQLite file.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    #[cfg(feature = "postgres")]
    Postgres(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("DATABASE_URL uses the scheme `{0}:`, which ddci does not know; use a file path, sqlite://PATH or postgres://…")]
    UnknownScheme(String),
    #[error("DATABASE_URL names PostgreSQL, but this ddci was built without PostgreSQL support; rebuild with `--features postgres`")]
    PostgresNotBuilt,
    #[error("DATABASE_URL is empty")]
    Empty,
}

impl DatabaseUrl {
    /// Parses `DATABASE_URL`: `postgres://…`/`postgresql://…`, `sqlite://PATH`, `sqlite:PATH` or a
    /// plain file path. Anything else that looks like `scheme:` is refused.
    pub fn parse(raw: &str) -> Result<DatabaseUrl, UrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(UrlError::Empty);
        }
        match scheme_of(raw) {
            None => Ok(DatabaseUrl::Sqlite(PathBuf::from(raw))),
            Some("sqlite") => {
                let rest = &raw["sqlite:".len()..];
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() {
                    return Err(UrlError::Empty);
                }
                Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
            }
            Some("postgres") | Some("postgresql") if raw.contains("://") => postgres(raw),
            Some(other) => Err(UrlError::UnknownScheme(other.to_string())),
        }
    }

    /// The file, for SQLite.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match self {
            DatabaseUrl::Sqlite(path) => Some(path),
            #[cfg(feature = "postgres")]
            DatabaseUrl::Postgres(_) => None,
        }
    }

    /// For messages: the SQLite path or the PostgreSQL URL without its password.
    pub fn display(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => p.display().to_string(),
            #[cfg(feature = "postgres")]
            DatabaseUrl::Postgres(u) => redact(u),
        }
    }
}

#[cfg(feature = "postgres")]
fn postgres(raw: &str) -> Result<DatabaseUrl, UrlError> {
    Ok(DatabaseUrl::Postgres(raw.to_string()))
}

#[cfg(not(feature = "postgres"))]
fn postgres(_raw: &str) -> Result<DatabaseUrl, UrlError> {
    Err(UrlError::PostgresNotBuilt)
}

/// The scheme, when the text starts with `letters:` before any `/` (RFC 3986 scheme syntax).
fn scheme_of(raw: &str) -> Option<&str> {
    let colon = raw.find(':')?;
    let head = &raw[..colon];
    let is_scheme = !head.is_empty()
        && head.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then_some(head)
}

/// Hides the password of a URL like `postgres://user:secret@host/db`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_and_sqlite_urls_name_sqlite_files() {
        assert_eq!(
            DatabaseUrl::parse("data/x.sqlite3"),
            Ok(DatabaseUrl::Sqlite("data/x.sqlite3".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/a.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/a.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://rel.db"),
            Ok(DatabaseUrl::Sqlite("rel.db".into()))
        );
    }

    #[test]
    fn mistyped_schemes_are_refused_not_taken_as_files() {
        for bad in [
            "postgress://u@h/db",
            "postgre://h/db",
            "mysql://h/db",
            "pg:h",
        ] {
            assert!(
                matches!(DatabaseUrl::parse(bad), Err(UrlError::UnknownScheme(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn passwords_are_hidden_in_messages() {
        assert_eq!(redact("postgres://u:pw@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
