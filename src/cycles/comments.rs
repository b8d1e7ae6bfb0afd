//! A unit's comments for its head (issue 14), shared by `ddci comments` and the admin pages:
//! only a unit with at least 5 evaluations, only comments marked fit, masked, ordered by text,
//! without dates or profile; every workbook handed out is audited.

use crate::comments::{for_head, may_see_comments, workbook};
use crate::db::{self, Conn};
use std::collections::HashMap;

/// The unit's evaluations in the cycle, by unit code.
pub fn evaluations(conn: &mut Conn, cycle_id: i64) -> anyhow::Result<HashMap<String, i64>> {
    Ok(db::monitor::counts(conn, cycle_id)?
        .per_unit
        .into_iter()
        .collect())
}

/// The workbook of `unit`'s comments in cycle `year` for its head: (file name, bytes).
/// Refused for an unknown unit and for a unit with fewer than 5 evaluations.
pub fn head_workbook(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    unit: &str,
) -> anyhow::Result<(String, Vec<u8>)> {
    let cycle = db::cycles::get(conn, year)?;
    let catalog = db::cycle_catalog::load(conn, cycle.id, vec![])?;
    let def = (catalog.units.iter())
        .find(|u| u.code == unit)
        .ok_or_else(|| anyhow::anyhow!("cycle {year} has no unit `{unit}`"))?;
    let n = evaluations(conn, cycle.id)?.get(unit).copied().unwrap_or(0);
    may_see_comments(unit, year, n)?;
    let comments = db::comments::of_unit(conn, cycle.id, unit)?;
    let texts = for_head(comments.iter().map(|c| (c.body.as_str(), c.verdict)));
    let bytes = workbook(&def.name_vi, year, &texts)?;
    let detail = format!("cycle {year}, unit {unit}: {} comments", texts.len());
    db::admin::audit(conn, actor, "comments.workbook", &detail)?;
    Ok((format!("gop-y-{}-{year}.xlsx", unit.to_lowercase()), bytes))
}
