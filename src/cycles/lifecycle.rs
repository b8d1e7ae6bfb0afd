//! Creating, opening and closing cycles, each step written to the audit log.

use crate::catalog::SeedCatalog;
use crate::db::{self, cycles::CycleRow, Conn};
use anyhow::Context;

/// Where a new cycle's catalog comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogSource {
    /// The stored seed catalog (`ddci seed`).
    Seed,
    /// A copy of an earlier cycle's own catalog (units, questions, weights, groups).
    CopyOf(i32),
}

pub fn create_cycle(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    source: CatalogSource,
) -> anyhow::Result<CycleRow> {
    anyhow::ensure!(
        (2000..=2100).contains(&year),
        "{year} is not a survey year (2000–2100)"
    );
    let catalog = match source {
        CatalogSource::Seed => ensure_catalog(conn)?,
        CatalogSource::CopyOf(from) => {
            let earlier = db::cycles::get(conn, from)?;
            db::cycle_catalog::load(conn, earlier.id, earlier.config().groups)?
        }
    };
    let row = db::cycles::create(conn, year, &catalog)?;
    let from = match source {
        CatalogSource::Seed => "seed catalog".to_string(),
        CatalogSource::CopyOf(y) => format!("copy of {y}"),
    };
    db::admin::audit(conn, actor, "cycle.create", &format!("{year} ({from})"))?;
    Ok(row)
}

/// The stored catalog, loading the built-in one first on an empty database.
pub fn ensure_catalog(conn: &mut Conn) -> anyhow::Result<SeedCatalog> {
    if let Some(c) = db::catalog::load(conn)? {
        return Ok(c);
    }
    let catalog = SeedCatalog::embedded()?;
    db::catalog::replace(conn, &catalog)?;
    Ok(catalog)
}

/// Opens a cycle (creating it from the seed catalog if needed), with an optional deadline.
pub fn open_cycle(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    closes_on: Option<&str>,
) -> anyhow::Result<CycleRow> {
    if let Some(date) = closes_on {
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .with_context(|| format!("the deadline `{date}` is not a date like 2025-10-31"))?;
    }
    ensure_catalog(conn)?;
    let cycle = db::cycles::open(conn, year)?;
    if let Some(date) = closes_on {
        db::cycles::set_closes_on(conn, cycle.id, date)?;
    }
    let detail = closes_on.map_or(year.to_string(), |d| format!("{year}, closes on {d}"));
    db::admin::audit(conn, actor, "cycle.open", &detail)?;
    Ok(db::cycles::get(conn, year)?)
}

/// Closes the cycle; its pending submissions (sealed with `pending_key`, from the key file)
/// move into the live tables as it closes.
pub fn close_cycle(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    pending_key: &crate::seal::SealKey,
) -> anyhow::Result<CycleRow> {
    let row = db::cycles::close(conn, year, pending_key)?;
    db::admin::audit(conn, actor, "cycle.close", &year.to_string())?;
    Ok(row)
}
