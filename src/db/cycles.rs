//! Survey cycles: creation with their own copy of the catalog, and status changes.

use super::schema::*;
use super::{Conn, DbError};
use crate::catalog::SeedCatalog;
use crate::scoring::model::{Config, Group};
use crate::survey::admission::CycleFacts;
use diesel::prelude::*;

use crate::cycles::Status;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cycles)]
pub struct CycleRow {
    pub id: i64,
    pub year: i32,
    pub status: String,
    pub min_responses: i32,
    pub pool_years: i32,
    pub bootstrap_replicates: i32,
    pub bootstrap_seed: i64,
    pub groups_json: String,
    pub closes_on: Option<String>,
    pub created_at: String,
    pub published_run_id: Option<i64>,
}

impl CycleRow {
    pub fn status(&self) -> Status {
        self.status.parse().unwrap_or(Status::Draft)
    }

    /// What the admission check needs to know.
    pub fn facts(&self) -> CycleFacts {
        CycleFacts {
            id: self.id,
            open: self.status() == Status::Open,
        }
    }

    /// The methodology configuration stored with the cycle.
    pub fn config(&self) -> Config {
        let groups: Vec<Group> = serde_json::from_str(&self.groups_json)
            .unwrap_or_else(|_| crate::scoring::model::default_groups());
        Config {
            min_responses: self.min_responses.max(1) as u32,
            pool_years: self.pool_years.max(1) as u32,
            bootstrap_replicates: self.bootstrap_replicates.max(0) as u32,
            bootstrap_seed: self.bootstrap_seed as u64,
            groups,
            // Per-kind settings come from the cycle's catalog (kinds.csv), see
            // `cycles::runs::kind_settings`.
            kinds: Default::default(),
            // New runs use the calibrated intervals (METHODOLOGY.md §6).
            intervals: Default::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CycleError {
    #[error("there is no cycle {0}")]
    NotFound(i32),
    #[error("a cycle {0} already exists")]
    Exists(i32),
    #[error("cycle {year} is {status}; {what}")]
    WrongStatus {
        year: i32,
        status: &'static str,
        what: &'static str,
    },
    #[error("the catalog is empty; run `ddci seed` first")]
    NoCatalog,
    #[error("the catalog has no unit valid in {0}")]
    NoUnits(i32),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for CycleError {
    fn from(e: diesel::result::Error) -> Self {
        CycleError::Db(DbError::Query(e))
    }
}

pub fn find(conn: &mut Conn, year: i32) -> Result<Option<CycleRow>, DbError> {
    Ok(queries::find(conn, year)?)
}

pub fn get(conn: &mut Conn, year: i32) -> Result<CycleRow, CycleError> {
    find(conn, year)?.ok_or(CycleError::NotFound(year))
}

pub fn list(conn: &mut Conn) -> Result<Vec<CycleRow>, DbError> {
    Ok(queries::list(conn)?)
}

/// Creates a draft cycle holding a copy of the part of `catalog` valid in `year` (its kinds,
/// units, questions, profile and unit links) and the default configuration.
pub fn create(conn: &mut Conn, year: i32, catalog: &SeedCatalog) -> Result<CycleRow, CycleError> {
    if find(conn, year)?.is_some() {
        return Err(CycleError::Exists(year));
    }
    let predecessors = catalog.units.clone();
    let catalog = &catalog.for_year(year);
    if catalog.units.is_empty() {
        return Err(CycleError::NoUnits(year));
    }
    let mut config = Config::default();
    config.groups.clone_from(&catalog.groups);
    queries::create(conn, year, catalog, &predecessors, &config).map_err(|e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => CycleError::Exists(year),
        other => other.into(),
    })
}

/// Creates the cycle from the stored seed catalog if it does not exist yet, then opens it.
pub fn open(conn: &mut Conn, year: i32) -> Result<CycleRow, CycleError> {
    let cycle = match find(conn, year)? {
        Some(c) => c,
        None => {
            let catalog = super::catalog::load(conn)?.ok_or(CycleError::NoCatalog)?;
            create(conn, year, &catalog)?
        }
    };
    if cycle.status() == Status::Published {
        return Err(wrong(&cycle, "a published cycle cannot be reopened"));
    }
    set_status(conn, cycle.id, Status::Open)?;
    get(conn, year)
}

/// Ends collection. The submissions still pending (`pending`) move into the live tables in
/// the same transaction, so a closed cycle's responses are all in place for scoring.
pub fn close(
    conn: &mut Conn,
    year: i32,
    pending_key: &crate::seal::SealKey,
) -> Result<CycleRow, CycleError> {
    let cycle = get(conn, year)?;
    match cycle.status() {
        Status::Open => {
            use crate::db::WriteTx;
            conn.write_tx(|c| -> Result<(), CycleError> {
                queries::set_status(c, cycle.id, Status::Closed.as_str())?;
                crate::db::pending::flush_in_tx(c, pending_key, cycle.id).map_err(DbError::from)?;
                Ok(())
            })?;
            get(conn, year)
        }
        Status::Closed => Ok(cycle),
        _ => Err(wrong(&cycle, "only an open cycle can be closed")),
    }
}

pub(crate) fn wrong(cycle: &CycleRow, what: &'static str) -> CycleError {
    CycleError::WrongStatus {
        year: cycle.year,
        status: cycle.status().as_str(),
        what,
    }
}

/// The answer deadline shown to businesses (`YYYY-MM-DD`).
pub fn set_closes_on(conn: &mut Conn, cycle_id: i64, date: &str) -> Result<(), DbError> {
    Ok(queries::set_closes_on(conn, cycle_id, date)?)
}

pub fn set_status(conn: &mut Conn, cycle_id: i64, status: Status) -> Result<(), DbError> {
    Ok(queries::set_status(conn, cycle_id, status.as_str())?)
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    use crate::db::WriteTx;
    use std::collections::HashMap;

    pub(crate) fn find(c: &mut Db, year: i32) -> QueryResult<Option<CycleRow>> {
        cycles::table
            .filter(cycles::year.eq(year))
            .select(CycleRow::as_select())
            .first(c)
            .optional()
    }

    pub(crate) fn list(c: &mut Db) -> QueryResult<Vec<CycleRow>> {
        cycles::table
            .order(cycles::year.desc())
            .select(CycleRow::as_select())
            .load(c)
    }

    pub(crate) fn set_closes_on(c: &mut Db, cycle_id: i64, date: &str) -> QueryResult<()> {
        diesel::update(cycles::table.find(cycle_id))
            .set(cycles::closes_on.eq(Some(date)))
            .execute(c)
            .map(|_| ())
    }

    pub(crate) fn set_status(c: &mut Db, cycle_id: i64, status: &str) -> QueryResult<()> {
        diesel::update(cycles::table.find(cycle_id))
            .set(cycles::status.eq(status))
            .execute(c)
            .map(|_| ())
    }

    pub(crate) fn create(
        c: &mut Db,
        year: i32,
        catalog: &SeedCatalog,
        all_units: &[crate::catalog::UnitDef],
        config: &Config,
    ) -> QueryResult<CycleRow> {
        c.write_tx(|c| {
            let groups = serde_json::to_string(&config.groups).unwrap_or_else(|_| "[]".into());
            let id: i64 = diesel::insert_into(cycles::table)
                .values((
                    cycles::year.eq(year),
                    cycles::status.eq("draft"),
                    cycles::min_responses.eq(config.min_responses as i32),
                    cycles::pool_years.eq(config.pool_years as i32),
                    cycles::bootstrap_replicates.eq(config.bootstrap_replicates as i32),
                    cycles::bootstrap_seed.eq(config.bootstrap_seed as i64),
                    cycles::groups_json.eq(groups),
                    cycles::created_at.eq(crate::clock::now_rfc3339()),
                ))
                .returning(cycles::id)
                .get_result(c)?;
            copy_kinds(c, id, catalog)?;
            copy_units(c, id, catalog)?;
            copy_links(c, id, catalog, all_units)?;
            copy_questions(c, id, catalog)?;
            copy_profile(c, id, catalog)?;
            cycles::table
                .find(id)
                .select(CycleRow::as_select())
                .first(c)
        })
    }

    fn copy_units(c: &mut Db, cycle_id: i64, catalog: &SeedCatalog) -> QueryResult<()> {
        let rows: Vec<_> = catalog
            .units
            .iter()
            .map(|u| {
                let kind = catalog.kinds.iter().find(|k| k.code == u.kind);
                (
                    units::cycle_id.eq(cycle_id),
                    units::code.eq(&u.code),
                    units::kind.eq(&u.kind),
                    units::kind_name_vi.eq(kind.map_or(u.kind.as_str(), |k| k.name_vi.as_str())),
                    units::kind_name_en.eq(kind.map_or(u.kind.as_str(), |k| k.name_en.as_str())),
                    units::name_vi.eq(&u.name_vi),
                    units::name_en.eq(&u.name_en),
                    units::sort_order.eq(u.sort_order),
                    units::official_code.eq(u.official_code.as_deref()),
                    units::valid_from.eq(u.valid_from),
                    units::valid_to.eq(u.valid_to),
                )
            })
            .collect();
        crate::db::insert_rows(c, units::table, &rows)?;
        Ok(())
    }

    fn copy_kinds(c: &mut Db, cycle_id: i64, catalog: &SeedCatalog) -> QueryResult<()> {
        let rows: Vec<_> = catalog
            .kinds
            .iter()
            .map(|k| {
                (
                    cycle_kinds::cycle_id.eq(cycle_id),
                    cycle_kinds::code.eq(&k.code),
                    cycle_kinds::name_vi.eq(&k.name_vi),
                    cycle_kinds::name_en.eq(&k.name_en),
                    cycle_kinds::sort_order.eq(k.sort_order),
                    cycle_kinds::min_responses.eq(k.min_responses.map(|n| n as i32)),
                    cycle_kinds::estimator.eq(k.estimator.as_str()),
                    cycle_kinds::valid_from.eq(k.valid_from),
                    cycle_kinds::valid_to.eq(k.valid_to),
                    cycle_kinds::intro_vi.eq(&k.intro_vi),
                    cycle_kinds::intro_en.eq(&k.intro_en),
                )
            })
            .collect();
        crate::db::insert_rows(c, cycle_kinds::table, &rows)?;
        Ok(())
    }

    /// The links of the cycle's units, with each predecessor's name (its last row's).
    fn copy_links(
        c: &mut Db,
        cycle_id: i64,
        catalog: &SeedCatalog,
        all_units: &[crate::catalog::UnitDef],
    ) -> QueryResult<()> {
        let name = |code: &str| {
            all_units
                .iter()
                .rfind(|u| u.code == code)
                .map_or((code.to_string(), code.to_string()), |u| {
                    (u.name_vi.clone(), u.name_en.clone())
                })
        };
        let rows: Vec<_> = catalog
            .unit_links
            .iter()
            .map(|l| {
                let (vi, en) = name(&l.predecessor_code);
                (
                    cycle_unit_links::cycle_id.eq(cycle_id),
                    cycle_unit_links::unit_code.eq(&l.unit_code),
                    cycle_unit_links::predecessor_code.eq(&l.predecessor_code),
                    cycle_unit_links::relation.eq(l.relation.as_str()),
                    cycle_unit_links::note.eq(&l.note),
                    cycle_unit_links::predecessor_name_vi.eq(vi),
                    cycle_unit_links::predecessor_name_en.eq(en),
                )
            })
            .collect();
        if !rows.is_empty() {
            crate::db::insert_rows(c, cycle_unit_links::table, &rows)?;
        }
        Ok(())
    }

    fn copy_questions(c: &mut Db, cycle_id: i64, catalog: &SeedCatalog) -> QueryResult<()> {
        let rows: Vec<_> = catalog
            .components
            .iter()
            .map(|k| {
                (
                    components::cycle_id.eq(cycle_id),
                    components::code.eq(&k.code),
                    components::kind.eq(&k.kind),
                    components::name_vi.eq(&k.name_vi),
                    components::name_en.eq(&k.name_en),
                    components::weight.eq(k.weight),
                    components::sort_order.eq(k.sort_order),
                )
            })
            .collect();
        crate::db::insert_rows(c, components::table, &rows)?;
        let ids: HashMap<String, i64> = components::table
            .filter(components::cycle_id.eq(cycle_id))
            .select((components::code, components::id))
            .load::<(String, i64)>(c)?
            .into_iter()
            .collect();
        let rows: Vec<_> = catalog
            .indicators
            .iter()
            .map(|i| {
                (
                    indicators::cycle_id.eq(cycle_id),
                    indicators::component_id
                        .eq(ids.get(&i.component_code).copied().unwrap_or_default()),
                    indicators::code.eq(&i.code),
                    indicators::question_type.eq(i.question_type.as_str()),
                    indicators::aggregate.eq(i.aggregate.as_str()),
                    indicators::direction.eq(i.direction.as_str()),
                    indicators::weight.eq(i.weight),
                    indicators::scale.eq(i.scale.as_str()),
                    indicators::text_vi.eq(&i.text_vi),
                    indicators::text_en.eq(&i.text_en),
                    indicators::unit_vi.eq(&i.unit_vi),
                    indicators::unit_en.eq(&i.unit_en),
                    indicators::dont_know.eq(i.dont_know),
                    indicators::sort_order.eq(i.sort_order),
                )
            })
            .collect();
        crate::db::insert_rows(c, indicators::table, &rows)?;
        Ok(())
    }

    fn copy_profile(c: &mut Db, cycle_id: i64, catalog: &SeedCatalog) -> QueryResult<()> {
        for q in &catalog.profile_questions {
            let qid: i64 = diesel::insert_into(profile_questions::table)
                .values((
                    profile_questions::cycle_id.eq(cycle_id),
                    profile_questions::code.eq(&q.code),
                    profile_questions::question_type.eq(&q.question_type),
                    profile_questions::text_vi.eq(&q.text_vi),
                    profile_questions::text_en.eq(&q.text_en),
                    profile_questions::sort_order.eq(q.sort_order),
                ))
                .returning(profile_questions::id)
                .get_result(c)?;
            let rows: Vec<_> = catalog
                .profile_choices
                .iter()
                .filter(|ch| ch.question_code == q.code)
                .map(|ch| {
                    (
                        profile_choices::profile_question_id.eq(qid),
                        profile_choices::code.eq(&ch.code),
                        profile_choices::label_vi.eq(&ch.label_vi),
                        profile_choices::label_en.eq(&ch.label_en),
                        profile_choices::sort_order.eq(ch.sort_order),
                        profile_choices::former_names.eq(ch.former_names.join("; ")),
                    )
                })
                .collect();
            if !rows.is_empty() {
                crate::db::insert_rows(c, profile_choices::table, &rows)?;
            }
        }
        Ok(())
    }
}
