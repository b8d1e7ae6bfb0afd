//! The seed catalog in the database: `ddci seed` replaces it whole, cycles copy it.

use super::schema::*;
use super::{Conn, DbError};
use crate::catalog::*;
use crate::scoring::model::Group;
use diesel::prelude::*;

#[derive(Insertable)]
#[diesel(table_name = catalog_kinds)]
struct NewKind<'a> {
    code: &'a str,
    name_vi: &'a str,
    name_en: &'a str,
    sort_order: i32,
    min_responses: Option<i32>,
    estimator: &'a str,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
    intro_vi: &'a str,
    intro_en: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = catalog_units)]
struct NewUnit<'a> {
    position: i32,
    code: &'a str,
    kind: &'a str,
    name_vi: &'a str,
    name_en: &'a str,
    sort_order: i32,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
    official_code: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = catalog_unit_links)]
struct NewUnitLink<'a> {
    unit_code: &'a str,
    predecessor_code: &'a str,
    relation: &'a str,
    note: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = catalog_components)]
struct NewComponent<'a> {
    code: &'a str,
    kind: &'a str,
    name_vi: &'a str,
    name_en: &'a str,
    weight: f64,
    sort_order: i32,
}

#[derive(Insertable)]
#[diesel(table_name = catalog_indicators)]
struct NewIndicator<'a> {
    code: &'a str,
    component_code: &'a str,
    question_type: &'a str,
    aggregate: &'a str,
    direction: &'a str,
    weight: f64,
    scale: &'a str,
    text_vi: &'a str,
    text_en: &'a str,
    unit_vi: &'a str,
    unit_en: &'a str,
    dont_know: bool,
    sort_order: i32,
}

#[derive(Insertable)]
#[diesel(table_name = catalog_profile_questions)]
struct NewProfileQuestion<'a> {
    code: &'a str,
    question_type: &'a str,
    text_vi: &'a str,
    text_en: &'a str,
    sort_order: i32,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
}

#[derive(Insertable)]
#[diesel(table_name = catalog_profile_choices)]
struct NewProfileChoice<'a> {
    question_code: &'a str,
    code: &'a str,
    label_vi: &'a str,
    label_en: &'a str,
    sort_order: i32,
    former_names: String,
}

#[derive(Insertable)]
#[diesel(table_name = catalog_groups)]
struct NewGroup<'a> {
    position: i32,
    label_vi: &'a str,
    label_en: &'a str,
    min_total: Option<f64>,
}

#[derive(Insertable)]
#[diesel(table_name = pci_accountability)]
struct NewPciLink<'a> {
    pci_code: &'a str,
    name_vi: &'a str,
    name_en: &'a str,
    pci_weight: Option<f64>,
    lead_unit_code: &'a str,
    ddci_component_codes: String,
    sort_order: i32,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
}

/// Replaces the seed catalog in one transaction: running it twice leaves the same rows, and
/// cycles are untouched because they hold their own copies.
pub fn replace(conn: &mut Conn, seed: &SeedCatalog) -> Result<(), DbError> {
    Ok(queries::replace(conn, seed)?)
}

/// The seed catalog as stored, or `None` before the first `ddci seed`.
pub fn load(conn: &mut Conn) -> Result<Option<SeedCatalog>, DbError> {
    Ok(queries::load(conn)?)
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    use crate::db::WriteTx;

    pub(crate) fn replace(c: &mut Db, seed: &SeedCatalog) -> QueryResult<()> {
        c.write_tx(|c| {
            delete_all(c)?;
            insert_units(c, seed)?;
            insert_questions(c, seed)?;
            insert_extras(c, seed)
        })
    }

    fn delete_all(c: &mut Db) -> QueryResult<()> {
        diesel::delete(catalog_unit_links::table).execute(c)?;
        diesel::delete(pci_accountability::table).execute(c)?;
        diesel::delete(catalog_groups::table).execute(c)?;
        diesel::delete(catalog_profile_choices::table).execute(c)?;
        diesel::delete(catalog_profile_questions::table).execute(c)?;
        diesel::delete(catalog_indicators::table).execute(c)?;
        diesel::delete(catalog_components::table).execute(c)?;
        diesel::delete(catalog_units::table).execute(c)?;
        diesel::delete(catalog_kinds::table).execute(c)?;
        Ok(())
    }

    fn insert_units(c: &mut Db, seed: &SeedCatalog) -> QueryResult<()> {
        let kinds: Vec<_> = seed
            .kinds
            .iter()
            .map(|k| NewKind {
                code: &k.code,
                name_vi: &k.name_vi,
                name_en: &k.name_en,
                sort_order: k.sort_order,
                min_responses: k.min_responses.map(|n| n as i32),
                estimator: k.estimator.as_str(),
                valid_from: k.valid_from,
                valid_to: k.valid_to,
                intro_vi: &k.intro_vi,
                intro_en: &k.intro_en,
            })
            .collect();
        crate::db::insert_rows(c, catalog_kinds::table, &kinds)?;
        let units: Vec<_> = seed
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| NewUnit {
                position: i as i32 + 1,
                code: &u.code,
                kind: &u.kind,
                name_vi: &u.name_vi,
                name_en: &u.name_en,
                sort_order: u.sort_order,
                valid_from: u.valid_from,
                valid_to: u.valid_to,
                official_code: u.official_code.as_deref(),
            })
            .collect();
        crate::db::insert_rows(c, catalog_units::table, &units)?;
        let links: Vec<_> = seed
            .unit_links
            .iter()
            .map(|l| NewUnitLink {
                unit_code: &l.unit_code,
                predecessor_code: &l.predecessor_code,
                relation: l.relation.as_str(),
                note: &l.note,
            })
            .collect();
        if !links.is_empty() {
            crate::db::insert_rows(c, catalog_unit_links::table, &links)?;
        }
        Ok(())
    }

    fn insert_questions(c: &mut Db, seed: &SeedCatalog) -> QueryResult<()> {
        let components: Vec<_> = seed
            .components
            .iter()
            .map(|k| NewComponent {
                code: &k.code,
                kind: &k.kind,
                name_vi: &k.name_vi,
                name_en: &k.name_en,
                weight: k.weight,
                sort_order: k.sort_order,
            })
            .collect();
        crate::db::insert_rows(c, catalog_components::table, &components)?;
        let indicators: Vec<_> = seed
            .indicators
            .iter()
            .map(|i| NewIndicator {
                code: &i.code,
                component_code: &i.component_code,
                question_type: i.question_type.as_str(),
                aggregate: i.aggregate.as_str(),
                direction: i.direction.as_str(),
                weight: i.weight,
                scale: i.scale.as_str(),
                text_vi: &i.text_vi,
                text_en: &i.text_en,
                unit_vi: &i.unit_vi,
                unit_en: &i.unit_en,
                dont_know: i.dont_know,
                sort_order: i.sort_order,
            })
            .collect();
        crate::db::insert_rows(c, catalog_indicators::table, &indicators)?;
        Ok(())
    }

    fn insert_extras(c: &mut Db, seed: &SeedCatalog) -> QueryResult<()> {
        let questions: Vec<_> = seed
            .profile_questions
            .iter()
            .map(|q| NewProfileQuestion {
                code: &q.code,
                question_type: &q.question_type,
                text_vi: &q.text_vi,
                text_en: &q.text_en,
                sort_order: q.sort_order,
                valid_from: q.valid_from,
                valid_to: q.valid_to,
            })
            .collect();
        crate::db::insert_rows(c, catalog_profile_questions::table, &questions)?;
        let choices: Vec<_> = seed
            .profile_choices
            .iter()
            .map(|q| NewProfileChoice {
                question_code: &q.question_code,
                code: &q.code,
                label_vi: &q.label_vi,
                label_en: &q.label_en,
                sort_order: q.sort_order,
                former_names: q.former_names.join("; "),
            })
            .collect();
        crate::db::insert_rows(c, catalog_profile_choices::table, &choices)?;
        let groups: Vec<_> = seed
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| NewGroup {
                position: i as i32 + 1,
                label_vi: &g.label_vi,
                label_en: &g.label_en,
                min_total: g.min_total,
            })
            .collect();
        crate::db::insert_rows(c, catalog_groups::table, &groups)?;
        let links: Vec<_> = seed
            .pci_links
            .iter()
            .map(|l| NewPciLink {
                pci_code: &l.pci_code,
                name_vi: &l.name_vi,
                name_en: &l.name_en,
                pci_weight: l.pci_weight,
                lead_unit_code: &l.lead_unit_code,
                ddci_component_codes: l.ddci_component_codes.join(";"),
                sort_order: l.sort_order,
                valid_from: l.valid_from,
                valid_to: l.valid_to,
            })
            .collect();
        crate::db::insert_rows(c, pci_accountability::table, &links)?;
        Ok(())
    }

    pub(crate) fn load(c: &mut Db) -> QueryResult<Option<SeedCatalog>> {
        let kinds = catalog_kinds::table
            .order((catalog_kinds::sort_order, catalog_kinds::code))
            .select(StoredKind::as_select())
            .load::<StoredKind>(c)?;
        if kinds.is_empty() {
            return Ok(None);
        }
        let kinds = kinds
            .into_iter()
            .map(StoredKind::into_kind)
            .collect::<QueryResult<_>>()?;
        load_rest(c, kinds).map(Some)
    }

    fn load_rest(c: &mut Db, kinds: Vec<Kind>) -> QueryResult<SeedCatalog> {
        let units = catalog_units::table
            .order(catalog_units::position)
            .select(StoredUnit::as_select())
            .load::<StoredUnit>(c)?
            .into_iter()
            .map(StoredUnit::into_def)
            .collect();
        let components = catalog_components::table
            .order((catalog_components::sort_order, catalog_components::code))
            .load::<(String, String, String, String, f64, i32)>(c)?
            .into_iter()
            .map(
                |(code, kind, name_vi, name_en, weight, sort_order)| ComponentDef {
                    code,
                    kind,
                    name_vi,
                    name_en,
                    weight,
                    sort_order,
                },
            )
            .collect();
        Ok(SeedCatalog {
            kinds,
            units,
            components,
            indicators: load_indicators(c)?,
            profile_questions: load_profile_questions(c)?,
            profile_choices: load_profile_choices(c)?,
            groups: load_groups(c)?,
            pci_links: load_pci_links(c)?,
            unit_links: load_unit_links(c)?,
        })
    }

    fn load_unit_links(c: &mut Db) -> QueryResult<Vec<UnitLink>> {
        catalog_unit_links::table
            .order((
                catalog_unit_links::unit_code,
                catalog_unit_links::predecessor_code,
            ))
            .select((
                catalog_unit_links::unit_code,
                catalog_unit_links::predecessor_code,
                catalog_unit_links::relation,
                catalog_unit_links::note,
            ))
            .load::<(String, String, String, String)>(c)?
            .into_iter()
            .map(|(unit_code, predecessor_code, relation, note)| {
                Ok(UnitLink {
                    unit_code,
                    predecessor_code,
                    relation: parse_stored(&relation)?,
                    note,
                })
            })
            .collect()
    }

    fn load_indicators(c: &mut Db) -> QueryResult<Vec<IndicatorDef>> {
        let rows = catalog_indicators::table
            .inner_join(catalog_components::table)
            .order((catalog_indicators::sort_order, catalog_indicators::code))
            .select((catalog_indicators::all_columns, catalog_components::kind))
            .load::<(StoredIndicator, String)>(c)?;
        rows.into_iter().map(|(i, kind)| i.into_def(kind)).collect()
    }

    fn load_profile_questions(c: &mut Db) -> QueryResult<Vec<ProfileQuestionDef>> {
        Ok(catalog_profile_questions::table
            .order((
                catalog_profile_questions::sort_order,
                catalog_profile_questions::code,
            ))
            .load::<(
                String,
                String,
                String,
                String,
                i32,
                Option<i32>,
                Option<i32>,
            )>(c)?
            .into_iter()
            .map(
                |(code, question_type, text_vi, text_en, sort_order, valid_from, valid_to)| {
                    ProfileQuestionDef {
                        code,
                        question_type,
                        text_vi,
                        text_en,
                        sort_order,
                        valid_from,
                        valid_to,
                    }
                },
            )
            .collect())
    }

    fn load_profile_choices(c: &mut Db) -> QueryResult<Vec<ProfileChoiceDef>> {
        Ok(catalog_profile_choices::table
            .order((
                catalog_profile_choices::question_code,
                catalog_profile_choices::sort_order,
                catalog_profile_choices::code,
            ))
            .load::<(String, String, String, String, i32, String)>(c)?
            .into_iter()
            .map(
                |(question_code, code, label_vi, label_en, sort_order, former)| ProfileChoiceDef {
                    question_code,
                    code,
                    label_vi,
                    label_en,
                    sort_order,
                    former_names: split_names(&former),
                },
            )
            .collect())
    }

    fn load_groups(c: &mut Db) -> QueryResult<Vec<Group>> {
        Ok(catalog_groups::table
            .order(catalog_groups::position)
            .load::<(i32, String, String, Option<f64>)>(c)?
            .into_iter()
            .map(|(_, label_vi, label_en, min_total)| Group {
                label_vi,
                label_en,
                min_total,
            })
            .collect())
    }

    fn load_pci_links(c: &mut Db) -> QueryResult<Vec<PciLink>> {
        Ok(pci_accountability::table
            .order(pci_accountability::sort_order)
            .select(StoredPci::as_select())
            .load::<StoredPci>(c)?
            .into_iter()
            .map(|p| PciLink {
                pci_code: p.pci_code,
                name_vi: p.name_vi,
                name_en: p.name_en,
                pci_weight: p.pci_weight,
                lead_unit_code: p.lead_unit_code,
                sort_order: p.sort_order,
                ddci_component_codes: p
                    .ddci_component_codes
                    .split(';')
                    .filter(|c| !c.is_empty())
                    .map(String::from)
                    .collect(),
                valid_from: p.valid_from,
                valid_to: p.valid_to,
            })
            .collect())
    }
}

/// `a; b; c` back into names.
pub(crate) fn split_names(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect()
}

/// A stored kind: a row of `catalog_kinds`, or of `cycle_kinds` (a cycle's copy, the same
/// columns in the same order).
#[derive(Queryable, Selectable)]
#[diesel(table_name = catalog_kinds)]
pub(crate) struct StoredKind {
    code: String,
    name_vi: String,
    name_en: String,
    sort_order: i32,
    min_responses: Option<i32>,
    estimator: String,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
    intro_vi: String,
    intro_en: String,
}

impl StoredKind {
    pub(crate) fn into_kind(self) -> QueryResult<Kind> {
        Ok(Kind {
            estimator: parse_stored(&self.estimator)?,
            min_responses: self.min_responses.map(|n| n.max(1) as u32),
            code: self.code,
            name_vi: self.name_vi,
            name_en: self.name_en,
            sort_order: self.sort_order,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            intro_vi: self.intro_vi,
            intro_en: self.intro_en,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = catalog_units)]
struct StoredUnit {
    code: String,
    kind: String,
    name_vi: String,
    name_en: String,
    sort_order: i32,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
    official_code: Option<String>,
}

impl StoredUnit {
    fn into_def(self) -> UnitDef {
        UnitDef {
            code: self.code,
            kind: self.kind,
            name_vi: self.name_vi,
            name_en: self.name_en,
            sort_order: self.sort_order,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            official_code: self.official_code,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pci_accountability)]
struct StoredPci {
    sort_order: i32,
    pci_code: String,
    name_vi: String,
    name_en: String,
    pci_weight: Option<f64>,
    lead_unit_code: String,
    ddci_component_codes: String,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
}

/// A stored indicator row; its enums were checked on the way in (and by CHECK constraints).
#[derive(Queryable)]
struct StoredIndicator {
    code: String,
    component_code: String,
    question_type: String,
    aggregate: String,
    direction: String,
    weight: f64,
    scale: String,
    text_vi: String,
    text_en: String,
    unit_vi: String,
    unit_en: String,
    dont_know: bool,
    sort_order: i32,
}

impl StoredIndicator {
    fn into_def(self, kind: String) -> QueryResult<IndicatorDef> {
        Ok(IndicatorDef {
            question_type: parse_stored(&self.question_type)?,
            aggregate: parse_stored(&self.aggregate)?,
            direction: parse_stored(&self.direction)?,
            scale: parse_stored(&self.scale)?,
            code: self.code,
            component_code: self.component_code,
            kind,
            weight: self.weight,
            text_vi: self.text_vi,
            text_en: self.text_en,
            unit_vi: self.unit_vi,
            unit_en: self.unit_en,
            dont_know: self.dont_know,
            sort_order: self.sort_order,
        })
    }
}

/// Parses an enum column; a bad value means the database was edited by hand.
pub(crate) fn parse_stored<T>(v: &str) -> QueryResult<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    v.parse()
        .map_err(|e: T::Err| diesel::result::Error::DeserializationError(e.to_string().into()))
}
