//! A complete questionnaire as the JSON API (and later the web form) receives it, checked
//! against the cycle's catalog. Every problem is reported against its field, all at once.

use crate::catalog::SeedCatalog;
use crate::responses::{Channel, NewEvaluation, NewResponse};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Longest comment kept, in characters: a page of text.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// A complete questionnaire.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The invitation code, e.g. `7KQ2-M9XD-4HT0-B31Z` (case, spaces and dashes do not matter).
    pub code: String,
    /// Profile question code → choice code (or a number for number questions); any may be left
    /// out, as on the web.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub profile: BTreeMap<String, serde_json::Value>,
    pub evaluations: Vec<EvaluationInput>,
}

/// The answers about one unit.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    pub unit_code: String,
    /// Indicator code → value; `null` is "don't know / not applicable".
    #[serde(default)]
    pub answers: BTreeMap<String, Option<f64>>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// One refused field, named like `evaluations[1].answers.DEP_TR01`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// The response to store (with a fresh random key), or every field error.
pub fn validate(
    catalog: &SeedCatalog,
    s: &Submission,
    channel: Channel,
    today: &str,
) -> Result<NewResponse, Vec<FieldError>> {
    let mut errors = Vec::new();
    let profile = check_profile(catalog, &s.profile, &mut errors);
    let evaluations = check_evaluations(catalog, &s.evaluations, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewResponse {
        key: format!(
            "{}-{:016x}",
            channel.as_str(),
            crate::responses::random_id()
        ),
        weight: 1.0,
        channel,
        submitted_on: today.to_string(),
        profile,
        evaluations,
    })
}

fn check_profile(
    catalog: &SeedCatalog,
    profile: &BTreeMap<String, serde_json::Value>,
    errors: &mut Vec<FieldError>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (code, value) in profile {
        let field = format!("profile.{code}");
        let Some(q) = catalog.profile_questions.iter().find(|q| &q.code == code) else {
            errors.push(err(field, "unknown profile question"));
            continue;
        };
        match profile_value(catalog, &q.code, &q.question_type, value) {
            Ok(Some(v)) => out.push((code.clone(), v)),
            Ok(None) => {}
            Err(message) => errors.push(err(field, message)),
        }
    }
    out
}

/// `Ok(None)` for a declined question (`null`).
fn profile_value(
    catalog: &SeedCatalog,
    question: &str,
    question_type: &str,
    value: &serde_json::Value,
) -> Result<Option<String>, String> {
    match (question_type, value) {
        (_, serde_json::Value::Null) => Ok(None),
        ("number", serde_json::Value::Number(n)) if n.as_f64().is_some_and(|x| x >= 0.0) => {
            Ok(Some(n.to_string()))
        }
        ("number", _) => Err("must be a number of at least 0".into()),
        (_, serde_json::Value::String(choice)) => {
            let known = catalog
                .profile_choices
                .iter()
                .any(|c| c.question_code == question && &c.code == choice);
            if known {
                Ok(Some(choice.clone()))
            } else {
                Err(format!("`{choice}` is not one of the choices"))
            }
        }
        _ => Err("must be the code of one of the choices".into()),
    }
}

fn check_evaluations(
    catalog: &SeedCatalog,
    inputs: &[EvaluationInput],
    errors: &mut Vec<FieldError>,
) -> Vec<NewEvaluation> {
    if inputs.is_empty() {
        errors.push(err("evaluations", "rate at least one unit"));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, e) in inputs.iter().enumerate() {
        let field = format!("evaluations[{i}]");
        let Some(unit) = catalog.units.iter().find(|u| u.code == e.unit_code) else {
            errors.push(err(
                format!("{field}.unit_code"),
                format!("unknown unit `{}`", e.unit_code),
            ));
            continue;
        };
        if !seen.insert(unit.code.as_str()) {
            errors.push(err(
                format!("{field}.unit_code"),
                "this unit is rated twice",
            ));
            continue;
        }
        let answers = check_answers(catalog, &unit.kind, &field, &e.answers, errors);
        let comment = e
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
            let message = format!("a comment may have at most {MAX_COMMENT_CHARS} characters");
            errors.push(err(format!("{field}.comment"), message));
        }
        out.push(NewEvaluation {
            unit_code: unit.code.clone(),
            answers,
            comment: comment.map(String::from),
        });
    }
    out
}

fn check_answers(
    catalog: &SeedCatalog,
    kind: &str,
    field: &str,
    answers: &BTreeMap<String, Option<f64>>,
    errors: &mut Vec<FieldError>,
) -> Vec<(String, Option<f64>)> {
    let mut out = Vec::new();
    for (code, value) in answers {
        let field = format!("{field}.answers.{code}");
        let Some(indicator) = catalog.indicators.iter().find(|i| &i.code == code) else {
            errors.push(err(field, "unknown question"));
            continue;
        };
        if indicator.kind != kind {
            errors.push(err(field, "this question belongs to another kind of unit"));
            continue;
        }
        match value {
            Some(x) if !indicator.question_type.accepts(*x) => {
                let message = match indicator.question_type.as_str() {
                    "likert5" => "must be a whole number from 1 to 5",
                    "yes_no" => "must be 0 (no) or 1 (yes)",
                    _ => "must be a number of at least 0",
                };
                errors.push(err(field, message));
            }
            _ => out.push((code.clone(), *value)),
        }
    }
    out
}
