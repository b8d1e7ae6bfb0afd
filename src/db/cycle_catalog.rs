//! A cycle's own copy of the catalog, read back in the shape of a seed catalog.

use super::catalog::{parse_stored, StoredKind};
use super::schema::*;
use super::{Conn, DbError};
use crate::catalog::*;
use crate::scoring::model::Group;
use diesel::prelude::*;

/// The catalog a cycle was created with (units, questionnaire, profile, groups of its config).
pub fn load(conn: &mut Conn, cycle_id: i64, groups: Vec<Group>) -> Result<SeedCatalog, DbError> {
    let mut catalog = queries::load(conn, cycle_id)?;
    catalog.groups = groups;
    Ok(catalog)
}

type IndicatorTuple = (
    String,
    String,
    String,
    String,
    String,
    String,
    f64,
    String,
    String,
    String,
    String,
    String,
    bool,
    i32,
);

fn indicator_def(t: IndicatorTuple) -> QueryResult<IndicatorDef> {
    let (code, component_code, kind, qt, agg, dir, weight, scale, tvi, ten, uvi, uen, dk, so) = t;
    Ok(IndicatorDef {
        code,
        component_code,
        kind,
        question_type: parse_stored(&qt)?,
        aggregate: parse_stored(&agg)?,
        direction: parse_stored(&dir)?,
        weight,
        scale: parse_stored(&scale)?,
        text_vi: tvi,
        text_en: ten,
        unit_vi: uvi,
        unit_en: uen,
        dont_know: dk,
        sort_order: so,
    })
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = units)]
struct CycleUnit {
    code: String,
    kind: String,
    kind_name_vi: String,
    kind_name_en: String,
    name_vi: String,
    name_en: String,
    sort_order: i32,
    official_code: Option<String>,
    valid_from: Option<i32>,
    valid_to: Option<i32>,
}

impl CycleUnit {
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

/// One of a cycle's unit links with its predecessor's names: (unit code, predecessor code,
/// relation, predecessor name vi, en).
pub type LinkName = (String, String, String, String, String);

/// Predecessor names of a cycle's unit links, for pages that describe succession.
pub fn link_names(conn: &mut Conn, cycle_id: i64) -> Result<Vec<LinkName>, DbError> {
    Ok(queries::link_names(conn, cycle_id)?)
}

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    pub(crate) fn link_names(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<LinkName>> {
        cycle_unit_links::table
            .filter(cycle_unit_links::cycle_id.eq(cycle_id))
            .order((
                cycle_unit_links::unit_code,
                cycle_unit_links::predecessor_code,
            ))
            .select((
                cycle_unit_links::unit_code,
                cycle_unit_links::predecessor_code,
                cycle_unit_links::relation,
                cycle_unit_links::predecessor_name_vi,
                cycle_unit_links::predecessor_name_en,
            ))
            .load(c)
    }

    pub(crate) fn load(c: &mut Db, cycle_id: i64) -> QueryResult<SeedCatalog> {
        let unit_rows = units::table
            .filter(units::cycle_id.eq(cycle_id))
            .order((units::sort_order, units::code))
            .select(CycleUnit::as_select())
            .load::<CycleUnit>(c)?;
        let mut kinds = load_kinds(c, cycle_id)?;
        let mut units_out = Vec::new();
        for u in unit_rows {
            // Cycles created before kinds were copied: the kind as the units name it.
            if !kinds.iter().any(|k| k.code == u.kind) {
                kinds.push(Kind {
                    code: u.kind.clone(),
                    name_vi: u.kind_name_vi.clone(),
                    name_en: u.kind_name_en.clone(),
                    sort_order: kinds.len() as i32 + 1,
                    min_responses: None,
                    estimator: Estimator::Direct,
                    valid_from: None,
                    valid_to: None,
                    intro_vi: String::new(),
                    intro_en: String::new(),
                });
            }
            units_out.push(u.into_def());
        }
        // Kinds without a unit in this cycle play no part in it.
        kinds.retain(|k| units_out.iter().any(|u| u.kind == k.code));
        Ok(SeedCatalog {
            kinds,
            unit_links: load_links(c, cycle_id)?,
            units: units_out,
            components: load_components(c, cycle_id)?,
            indicators: load_indicators(c, cycle_id)?,
            profile_questions: load_profile_questions(c, cycle_id)?,
            profile_choices: load_profile_choices(c, cycle_id)?,
            groups: Vec::new(),
            pci_links: Vec::new(),
        })
    }

    fn load_kinds(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<Kind>> {
        cycle_kinds::table
            .filter(cycle_kinds::cycle_id.eq(cycle_id))
            .order((cycle_kinds::sort_order, cycle_kinds::code))
            .select((
                cycle_kinds::code,
                cycle_kinds::name_vi,
                cycle_kinds::name_en,
                cycle_kinds::sort_order,
                cycle_kinds::min_responses,
                cycle_kinds::estimator,
                cycle_kinds::valid_from,
                cycle_kinds::valid_to,
                cycle_kinds::intro_vi,
                cycle_kinds::intro_en,
            ))
            .load::<StoredKind>(c)?
            .into_iter()
            .map(StoredKind::into_kind)
            .collect()
    }

    fn load_links(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<UnitLink>> {
        cycle_unit_links::table
            .filter(cycle_unit_links::cycle_id.eq(cycle_id))
            .order((
                cycle_unit_links::unit_code,
                cycle_unit_links::predecessor_code,
            ))
            .select((
                cycle_unit_links::unit_code,
                cycle_unit_links::predecessor_code,
                cycle_unit_links::relation,
                cycle_unit_links::note,
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

    fn load_components(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<ComponentDef>> {
        Ok(components::table
            .filter(components::cycle_id.eq(cycle_id))
            .order((components::sort_order, components::code))
            .select((
                components::code,
                components::kind,
                components::name_vi,
                components::name_en,
                components::weight,
                components::sort_order,
            ))
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
            .collect())
    }

    fn load_indicators(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<IndicatorDef>> {
        indicators::table
            .inner_join(components::table)
            .filter(indicators::cycle_id.eq(cycle_id))
            .order((
                components::sort_order,
                indicators::sort_order,
                indicators::code,
            ))
            .select((
                indicators::code,
                components::code,
                components::kind,
                indicators::question_type,
                indicators::aggregate,
                indicators::direction,
                indicators::weight,
                indicators::scale,
                indicators::text_vi,
                indicators::text_en,
                indicators::unit_vi,
                indicators::unit_en,
                indicators::dont_know,
                indicators::sort_order,
            ))
            .load::<IndicatorTuple>(c)?
            .into_iter()
            .map(indicator_def)
            .collect()
    }

    fn load_profile_questions(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<ProfileQuestionDef>> {
        Ok(profile_questions::table
            .filter(profile_questions::cycle_id.eq(cycle_id))
            .order((profile_questions::sort_order, profile_questions::code))
            .select((
                profile_questions::code,
                profile_questions::question_type,
                profile_questions::text_vi,
                profile_questions::text_en,
                profile_questions::sort_order,
            ))
            .load::<(String, String, String, String, i32)>(c)?
            .into_iter()
            .map(
                |(code, question_type, text_vi, text_en, sort_order)| ProfileQuestionDef {
                    code,
                    question_type,
                    text_vi,
                    text_en,
                    sort_order,
                    valid_from: None,
                    valid_to: None,
                },
            )
            .collect())
    }

    fn load_profile_choices(c: &mut Db, cycle_id: i64) -> QueryResult<Vec<ProfileChoiceDef>> {
        Ok(profile_choices::table
            .inner_join(profile_questions::table)
            .filter(profile_questions::cycle_id.eq(cycle_id))
            .order((profile_questions::sort_order, profile_choices::sort_order))
            .select((
                profile_questions::code,
                profile_choices::code,
                profile_choices::label_vi,
                profile_choices::label_en,
                profile_choices::sort_order,
                profile_choices::former_names,
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
                    former_names: super::super::catalog::split_names(&former),
                },
            )
            .collect())
    }
}
