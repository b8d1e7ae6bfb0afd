//! What the questionnaire templates receive: catalog texts in the page's language, the draft's
//! answers marked as checked, and each field's error key.

use super::{field_error, pick};
use crate::catalog::{IndicatorDef, Scale, SeedCatalog};
use crate::survey::draft::{questions_of, Draft, DONT_KNOW};
use crate::survey::submission::FieldError;
use serde_json::{json, Value};

pub fn profile(catalog: &SeedCatalog, draft: &Draft, lang: &str, errors: &[FieldError]) -> Value {
    let questions: Vec<Value> = catalog
        .profile_questions
        .iter()
        .filter(|q| q.question_type == "single_choice")
        .map(|q| {
            let chosen = draft.profile.get(&q.code);
            let choices: Vec<Value> = catalog
                .profile_choices
                .iter()
                .filter(|c| c.question_code == q.code)
                .map(|c| json!({"value": c.code, "label": pick(lang, &c.label_vi, &c.label_en), "checked": chosen == Some(&c.code), "former": c.former_names.join(", ")}))
                .collect();
            // Choices that carry former names (the 2025 communes) form a select whose options
            // show those names, with a table of former → current names to search on the page.
            let select = catalog
                .profile_choices
                .iter()
                .any(|c| c.question_code == q.code && !c.former_names.is_empty());
            let field = format!("profile.{}", q.code);
            json!({"field": field, "text": pick(lang, &q.text_vi, &q.text_en), "choices": choices, "select": select, "error_key": field_error(errors, &field)})
        })
        .collect();
    let kinds: Vec<Value> = catalog
        .kinds
        .iter()
        .enumerate()
        .map(|(k, kind)| {
            let units: Vec<Value> = catalog
                .units
                .iter()
                .filter(|u| u.kind == kind.code)
                .map(|u| json!({"code": u.code, "name": pick(lang, &u.name_vi, &u.name_en), "checked": draft.units.contains(&u.code)}))
                .collect();
            // The first kind (departments) is a list to tick; any other kind is one choice.
            json!({"code": kind.code, "many": k == 0, "units": units, "name": pick(lang, &kind.name_vi, &kind.name_en), "commune": kind.code == "commune"})
        })
        .collect();
    json!({"questions": questions, "kinds": kinds, "units_error_key": field_error(errors, "unit"), "has_errors": !errors.is_empty(), "orientation": orientation(catalog, draft, "/survey")})
}

/// What every questionnaire page says at its top: how far the business has come, about how
/// long is left, that answers are kept, and where "back" goes (`back`).
pub fn orientation(catalog: &SeedCatalog, draft: &Draft, back: &str) -> Value {
    let p = draft.progress(catalog);
    json!({
        "percent": p.percent(),
        "answered": p.answered,
        "total": p.total,
        "minutes": p.minutes_left(),
        "back": back,
    })
}

/// The page before `unit`'s block: the previous unit's block, or the profile for the first.
fn before_block(draft: &Draft, unit: &str) -> String {
    let at = draft.units.iter().position(|u| u == unit);
    match at.and_then(|i| i.checked_sub(1)) {
        Some(i) => format!("/survey/unit/{}", draft.units[i]),
        None => "/survey/profile".to_string(),
    }
}

/// The confirmation asked when a unit's block was saved without any answer.
pub fn skip_prompt(catalog: &SeedCatalog, draft: &Draft, unit: &str, lang: &str) -> Value {
    let name = catalog
        .units
        .iter()
        .find(|u| u.code == unit)
        .map(|u| pick(lang, &u.name_vi, &u.name_en).clone())
        .unwrap_or_default();
    let back = format!("/survey/unit/{unit}");
    json!({"unit_code": unit, "unit_name": name, "orientation": orientation(catalog, draft, &back)})
}

pub fn block(
    catalog: &SeedCatalog,
    draft: &Draft,
    unit: &str,
    lang: &str,
    errors: &[FieldError],
) -> Value {
    let Some(u) = catalog.units.iter().find(|u| u.code == unit) else {
        return json!({});
    };
    let answers = draft.answers.get(unit);
    let questions: Vec<Value> = catalog
        .indicators
        .iter()
        .filter(|i| i.kind == u.kind)
        .map(|i| {
            question(
                i,
                answers.and_then(|a| a.get(&i.code)).map(String::as_str),
                lang,
                errors,
            )
        })
        .collect();
    let intro = catalog
        .kind(&u.kind)
        .map(|k| pick(lang, &k.intro_vi, &k.intro_en).clone())
        .unwrap_or_default();
    json!({
        "unit_code": u.code,
        "unit_name": pick(lang, &u.name_vi, &u.name_en),
        "kind_intro": intro,
        "questions": questions,
        "comment": draft.comments.get(unit).cloned().unwrap_or_default(),
        "comment_error_key": field_error(errors, "comment"),
        "has_errors": !errors.is_empty(),
        "orientation": orientation(catalog, draft, &before_block(draft, unit)),
    })
}

fn question(i: &IndicatorDef, typed: Option<&str>, lang: &str, errors: &[FieldError]) -> Value {
    let field = format!("a.{}", i.code);
    let options: Vec<Value> = options(i.scale)
        .into_iter()
        .map(|(value, label_key)| json!({"value": value, "label_key": label_key, "checked": typed == Some(value)}))
        .collect();
    let number =
        (i.scale == Scale::Number).then(|| typed.filter(|t| *t != DONT_KNOW).unwrap_or_default());
    json!({
        "field": field,
        "id": i.code,
        "text": pick(lang, &i.text_vi, &i.text_en),
        "options": options,
        "is_number": i.scale == Scale::Number,
        "number": number,
        "unit": pick(lang, &i.unit_vi, &i.unit_en),
        "dont_know": i.dont_know,
        "dont_know_checked": typed == Some(DONT_KNOW),
        "error_key": field_error(errors, &field),
    })
}

/// The answer options of a scale: (submitted value, message key of its label).
fn options(scale: Scale) -> Vec<(&'static str, &'static str)> {
    match scale {
        Scale::Agree => vec![
            ("1", "scale-agree-1"),
            ("2", "scale-agree-2"),
            ("3", "scale-agree-3"),
            ("4", "scale-agree-4"),
            ("5", "scale-agree-5"),
        ],
        Scale::Quality => vec![
            ("1", "scale-quality-1"),
            ("2", "scale-quality-2"),
            ("3", "scale-quality-3"),
            ("4", "scale-quality-4"),
            ("5", "scale-quality-5"),
        ],
        Scale::Frequency => vec![
            ("1", "scale-frequency-1"),
            ("2", "scale-frequency-2"),
            ("3", "scale-frequency-3"),
            ("4", "scale-frequency-4"),
            ("5", "scale-frequency-5"),
        ],
        Scale::YesNo => vec![("1", "answer-yes"), ("0", "answer-no")],
        Scale::Number => vec![],
    }
}

pub fn review(catalog: &SeedCatalog, draft: &Draft, lang: &str) -> Value {
    let blocks: Vec<Value> = draft
        .units
        .iter()
        .filter_map(|code| {
            let u = catalog.units.iter().find(|u| &u.code == code)?;
            let answers = draft.answers.get(code);
            let rows: Vec<Value> = catalog
                .indicators
                .iter()
                .filter(|i| i.kind == u.kind)
                .map(|i| {
                    let typed = answers.and_then(|a| a.get(&i.code)).map(String::as_str);
                    json!({"text": pick(lang, &i.text_vi, &i.text_en), "answer": answer_view(i, typed, lang)})
                })
                .collect();
            let (answered, asked) = (draft.substantive_answers(code), questions_of(catalog, code));
            Some(json!({
                "code": u.code,
                "name": pick(lang, &u.name_vi, &u.name_en),
                "done": draft.done.contains(code),
                // Fewer than half the questions answered: worth a second look before sending.
                "few": answered * 2 < asked,
                "answered": answered,
                "asked": asked,
                "rows": rows,
                "comment": draft.comments.get(code).cloned().unwrap_or_default(),
            }))
        })
        .collect();
    let back = draft
        .units
        .last()
        .map_or("/survey/profile".to_string(), |u| {
            format!("/survey/unit/{u}")
        });
    json!({"blocks": blocks, "ready": draft.next_unit().is_none(), "orientation": orientation(catalog, draft, &back)})
}

/// How a stored answer reads on the review page: a message key or a number with its unit.
fn answer_view(i: &IndicatorDef, typed: Option<&str>, lang: &str) -> Value {
    match typed {
        None | Some("") => json!({"key": "not-answered"}),
        Some(DONT_KNOW) => json!({"key": "dont-know"}),
        Some(v) => match options(i.scale).into_iter().find(|(value, _)| *value == v) {
            Some((_, key)) => json!({"key": key}),
            None => {
                json!({"text": format!("{v} {}", pick(lang, &i.unit_vi, &i.unit_en)).trim().to_string()})
            }
        },
    }
}
