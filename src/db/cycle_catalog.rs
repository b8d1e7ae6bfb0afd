//! A cycle's own copy of the catalog, read back in the shape of a seed catalog.

use super::catalog::parse_stored;
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

mod queries {
    #[allow(unused_imports)]
    use super::*;
    use crate::db::Conn as Db;
    pub(crate) fn load(c: &mut Db, cycle_id: i64) -> QueryResult<SeedCatalog> {
        let unit_rows = units::table
            .filter(units::cycle_id.eq(cycle_id))
            .order((units::sort_order, units::code))
            .select((
                units::code,
                units::kind,
                units::kind_name_vi,
                units::kind_name_en,
                units::name_vi,
                units::name_en,
                units::sort_order,
            ))
            .load::<(String, String, String, String, String, String, i32)>(c)?;
        let mut kinds: Vec<Kind> = Vec::new();
        let mut units_out = Vec::new();
        for (code, kind, kvi, ken, name_vi, name_en, sort_order) in unit_rows {
            if !kinds.iter().any(|k| k.code == kind) {
                let sort_order = kinds.len() as i32 + 1;
                kinds.push(Kind {
                    code: kind.clone(),
                    name_vi: kvi,
                    name_en: ken,
                    sort_order,
                });
            }
            units_out.push(UnitDef {
                code,
                kind,
                name_vi,
                name_en,
                sort_order,
            });
        }
        Ok(SeedCatalog {
            kinds,
            units: units_out,
            components: load_components(c, cycle_id)?,
            indicators: load_indicators(c, cycle_id)?,
            profile_questions: load_profile_questions(c, cycle_id)?,
            profile_choices: load_profile_choices(c, cycle_id)?,
            groups: Vec::new(),
            pci_links: Vec::new(),
        })
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
            ))
            .load::<(String, String, String, String, i32)>(c)?
            .into_iter()
            .map(
                |(question_code, code, label_vi, label_en, sort_order)| ProfileChoiceDef {
                    question_code,
                    code,
                    label_vi,
                    label_en,
                    sort_order,
                },
            )
            .collect())
    }
}
