//! Settings from the environment; every variable is documented in README.md. This is the one
//! place that reads the environment: the server and the commands receive [`Settings`].

use crate::db::{DatabaseUrl, UrlError};
use crate::net::TrustedProxies;
use std::num::NonZeroU32;
use std::path::PathBuf;

/// The embedded database used when `DATABASE_URL` is unset, relative to the working directory.
pub const DEFAULT_SQLITE_PATH: &str = "data/ddci.sqlite3";

#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`: a file path or `sqlite://PATH` (default `data/ddci.sqlite3`), or
    /// `postgres://…` in a build with the `postgres` feature.
    pub database: DatabaseUrl,
    /// `DDCI_BIND`: address to serve on (default `127.0.0.1:8080`).
    pub bind: String,
    /// `DDCI_POOL_SIZE`: database connections (default 8).
    pub pool_size: u32,
    /// `DDCI_DEMO`: `serve` fills an empty database with a demo cycle (default `true`).
    pub demo: bool,
    /// `DDCI_PUBLIC_URL`: the address businesses use, printed in invitation links
    /// (default `http://127.0.0.1:8080`).
    pub public_url: String,
    /// `DDCI_CODE_ATTEMPTS_PER_MINUTE`: invitation-code attempts per client address per minute
    /// (default 60; an unreadable value keeps the default).
    pub code_attempts_per_minute: NonZeroU32,
    /// `DDCI_TRUSTED_PROXIES`: reverse proxies (addresses and CIDR networks, comma-separated)
    /// whose `X-Forwarded-For` is believed; unset trusts nobody and counts the peer address.
    pub trusted_proxies: TrustedProxies,
    /// `DDCI_GROUP_COMMIT`: whether submissions are written in groups (true/false, 1/0, on/off);
    /// unset or unreadable leaves the choice to the backend (on for SQLite).
    pub group_commit: Option<bool>,
    /// `DDCI_ADMIN_PASSWORD`: the password of `ddci admin create`, for scripts.
    pub admin_password: Option<String>,
    /// `DDCI_SECRET_FILE`: the installation's key file (session and pseudonym keys), created
    /// with mode 0600 on first use; default beside the SQLite file (`data/ddci.key` for
    /// `data/ddci.sqlite3`), or `data/ddci.key` with PostgreSQL.
    pub secret_file: PathBuf,
    /// `DDCI_SMTP_URL`, `DDCI_MAIL_FROM`, `DDCI_SMTP_PER_MINUTE`: the mail server and sender of
    /// email invitations and reminders; checked only when mail is sent.
    pub mail: crate::mail::MailSettings,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error("{name} must be {expected}, not `{value}`")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
}

impl Settings {
    pub fn from_env() -> Result<Settings, SettingsError> {
        Ok(Settings {
            database: database_url()?,
            bind: std::env::var("DDCI_BIND").unwrap_or_else(|_| "127.0.0.1:8080".into()),
            pool_size: parse_env("DDCI_POOL_SIZE", "a whole number from 1 to 256", 8, |v| {
                v.parse().ok().filter(|n| (1..=256).contains(n))
            })?,
            public_url: std::env::var("DDCI_PUBLIC_URL")
                .map(|u| u.trim_end_matches('/').to_string())
                .unwrap_or_else(|_| "http://127.0.0.1:8080".into()),
            demo: parse_env("DDCI_DEMO", "true or false", true, |v| match v {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            })?,
            code_attempts_per_minute: std::env::var("DDCI_CODE_ATTEMPTS_PER_MINUTE")
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .and_then(NonZeroU32::new)
                .unwrap_or(NonZeroU32::MIN.saturating_add(59)),
            trusted_proxies: match std::env::var("DDCI_TRUSTED_PROXIES") {
                Err(_) => TrustedProxies::default(),
                Ok(list) => {
                    TrustedProxies::parse(&list).map_err(|entry| SettingsError::Invalid {
                        name: "DDCI_TRUSTED_PROXIES",
                        expected: "a comma-separated list of addresses and CIDR networks",
                        value: entry,
                    })?
                }
            },
            group_commit: match std::env::var("DDCI_GROUP_COMMIT").as_deref().map(str::trim) {
                Ok("1" | "true" | "on" | "yes") => Some(true),
                Ok("0" | "false" | "off" | "no") => Some(false),
                _ => None,
            },
            admin_password: std::env::var("DDCI_ADMIN_PASSWORD").ok(),
            secret_file: match std::env::var("DDCI_SECRET_FILE") {
                Ok(path) => PathBuf::from(path),
                Err(_) => default_secret_file(&database_url()?),
            },
            mail: crate::mail::MailSettings {
                smtp_url: std::env::var("DDCI_SMTP_URL").ok(),
                from: std::env::var("DDCI_MAIL_FROM").ok(),
                per_minute: match std::env::var("DDCI_SMTP_PER_MINUTE") {
                    Err(_) => None,
                    Ok(v) => Some(v.trim().parse().map_err(|_| SettingsError::Invalid {
                        name: "DDCI_SMTP_PER_MINUTE",
                        expected: "a whole number of messages a minute, at least 1",
                        value: v,
                    })?),
                },
            },
        })
    }

    /// Settings for an embedded server over `database` (the tests' servers): every other value
    /// is the default, whatever the environment holds.
    pub fn defaults_for(database: DatabaseUrl) -> Settings {
        Settings {
            secret_file: default_secret_file(&database),
            database,
            bind: "127.0.0.1:0".into(),
            pool_size: 8,
            demo: false,
            public_url: "http://127.0.0.1:8080".into(),
            code_attempts_per_minute: NonZeroU32::MIN.saturating_add(59),
            trusted_proxies: TrustedProxies::default(),
            group_commit: None,
            admin_password: None,
            mail: crate::mail::MailSettings::default(),
        }
    }
}

/// The key file beside the SQLite file (same name, extension `key`), or `data/ddci.key`.
pub fn default_secret_file(database: &DatabaseUrl) -> PathBuf {
    match database {
        DatabaseUrl::Sqlite(path) => path.with_extension("key"),
        #[allow(unreachable_patterns)]
        _ => PathBuf::from("data/ddci.key"),
    }
}

/// `DATABASE_URL`, or the default SQLite file when it is unset.
fn database_url() -> Result<DatabaseUrl, UrlError> {
    match std::env::var("DATABASE_URL") {
        Ok(v) => DatabaseUrl::parse(&v),
        Err(_) => Ok(DatabaseUrl::Sqlite(PathBuf::from(DEFAULT_SQLITE_PATH))),
    }
}

/// `RUST_LOG`, read before the other settings so that their errors are logged too.
pub fn log_filter() -> Option<String> {
    std::env::var("RUST_LOG").ok()
}

/// A variable the tests and benchmarks read for themselves (e.g. `DDCI_TEST_DATABASE_URL`),
/// so that the environment is still read in this one file.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn parse_env<T>(
    name: &'static str,
    expected: &'static str,
    default: T,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, SettingsError> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(value) => parse(value.trim()).ok_or(SettingsError::Invalid {
            name,
            expected,
            value,
        }),
    }
}
