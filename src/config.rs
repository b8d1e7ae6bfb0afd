//! Settings from the environment; every variable is documented in README.md.

use crate::db::DatabaseUrl;

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
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Url(#[from] crate::db::UrlError),
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
            database: DatabaseUrl::from_env()?,
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
        })
    }
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
