//! A questionnaire in progress, kept on the server so that the same code resumes it on any
//! device. Each page's form is checked here; nothing typed is lost when a page is refused.

use super::submission::{EvaluationInput, FieldError, Submission};
use crate::catalog::{IndicatorDef, SeedCatalog};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a respondent has answered so far. Answers are kept as typed (`dk` is "don't know").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub profile: BTreeMap<String, String>,
    /// The chosen units, kind by kind in catalog order.
    pub units: Vec<String>,
    pub answers: BTreeMap<String, BTreeMap<String, String>>,
    pub comments: BTreeMap<String, String>,
    /// Units whose block has been saved.
    pub done: BTreeSet<String>,
}

pub const DONT_KNOW: &str = "dk";

fn err(field: impl Into<String>, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.to_string(),
    }
}

impl Draft {
    /// The profile page: `profile.CODE` = choice code, `unit` = each chosen unit. Error
    /// messages are message keys of `locales/`.
    pub fn apply_profile(
        &mut self,
        catalog: &SeedCatalog,
        form: &[(String, String)],
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        self.profile.clear();
        for (key, value) in form {
            let Some(code) = key.strip_prefix("profile.") else {
                continue;
            };
            let valid = catalog
                .profile_choices
                .iter()
                .any(|c| c.question_code == code && &c.code == value);
            if valid {
                self.profile.insert(code.to_string(), value.clone());
            } else if !value.is_empty() {
                errors.push(err(key.clone(), "error-choice"));
            }
        }
        let chosen: BTreeSet<&str> = form
            .iter()
            .filter(|(k, _)| k == "unit")
            .map(|(_, v)| v.as_str())
            .collect();
        // Blocks come kind by kind (departments, then the district), each in catalog order.
        self.units = catalog
            .kinds
            .iter()
            .flat_map(|k| catalog.units.iter().filter(move |u| u.kind == k.code))
            .filter(|u| chosen.contains(u.code.as_str()))
            .map(|u| u.code.clone())
            .collect();
        if self.units.is_empty() {
            errors.push(err("unit", "error-no-unit"));
        }
        self.done.retain(|u| self.units.contains(u));
        errors
    }

    /// One unit's block: `a.CODE` = value as typed or `dk`, `comment` = free text.
    pub fn apply_block(
        &mut self,
        catalog: &SeedCatalog,
        unit: &str,
        form: &[(String, String)],
    ) -> Vec<FieldError> {
        let Some(kind) = catalog
            .units
            .iter()
            .find(|u| u.code == unit)
            .map(|u| u.kind.as_str())
        else {
            return vec![err("unit", "error-no-unit")];
        };
        let mut errors = Vec::new();
        let mut answers = BTreeMap::new();
        for i in catalog.indicators.iter().filter(|i| i.kind == kind) {
            let field = format!("a.{}", i.code);
            // A number question sends its text box and, when ticked, its don't-know box.
            let values: Vec<&str> = form
                .iter()
                .filter(|(k, _)| *k == field)
                .map(|(_, v)| v.trim())
                .collect();
            let typed = if values.contains(&DONT_KNOW) {
                DONT_KNOW.to_string()
            } else {
                values
                    .into_iter()
                    .find(|v| !v.is_empty())
                    .unwrap_or_default()
                    .to_string()
            };
            if typed.is_empty() {
                continue;
            }
            if typed != DONT_KNOW && parse_answer(i, &typed).is_none() {
                errors.push(err(field.clone(), error_key(i)));
            }
            answers.insert(i.code.clone(), typed);
        }
        self.answers.insert(unit.to_string(), answers);
        let comment = form
            .iter()
            .find(|(k, _)| k == "comment")
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default();
        if comment.chars().count() > super::submission::MAX_COMMENT_CHARS {
            errors.push(err("comment", "error-comment-long"));
        }
        self.comments.insert(unit.to_string(), comment);
        // A blank block is not done: the business is asked whether to skip the unit, so a
        // unit is never dropped from the evaluations without the business knowing.
        if errors.is_empty() && !self.is_blank(unit) {
            self.done.insert(unit.to_string());
        }
        errors
    }

    /// Whether the unit's block holds no answer at all (not even "don't know") and no comment.
    pub fn is_blank(&self, unit: &str) -> bool {
        self.answers.get(unit).is_none_or(BTreeMap::is_empty)
            && self.comments.get(unit).is_none_or(String::is_empty)
    }

    /// Takes `unit` off the business's list of units, with whatever its block held.
    pub fn skip(&mut self, unit: &str) {
        self.units.retain(|u| u != unit);
        self.done.remove(unit);
        self.answers.remove(unit);
        self.comments.remove(unit);
    }

    /// Questions answered ("don't know" included) out of those asked: the profile's and the
    /// blocks' of the chosen units.
    pub fn progress(&self, catalog: &SeedCatalog) -> Progress {
        let profile = catalog
            .profile_questions
            .iter()
            .filter(|q| q.question_type == "single_choice")
            .count();
        let asked: usize = self.units.iter().map(|u| questions_of(catalog, u)).sum();
        let answered: usize = self.answers.values().map(BTreeMap::len).sum();
        Progress {
            answered: (self.profile.len() + answered).min(profile + asked),
            total: profile + asked,
        }
    }

    /// The unit's answers that are not "don't know".
    pub fn substantive_answers(&self, unit: &str) -> usize {
        self.answers
            .get(unit)
            .map_or(0, |a| a.values().filter(|v| *v != DONT_KNOW).count())
    }

    /// The next unit whose block is not saved yet.
    pub fn next_unit(&self) -> Option<&str> {
        self.units
            .iter()
            .find(|u| !self.done.contains(*u))
            .map(String::as_str)
    }

    /// The whole questionnaire, as the API would receive it.
    pub fn to_submission(&self, catalog: &SeedCatalog, code: &str) -> Submission {
        let evaluations = self
            .units
            .iter()
            .map(|u| EvaluationInput {
                unit_code: u.clone(),
                answers: self
                    .answers
                    .get(u)
                    .map(|a| {
                        a.iter()
                            .filter_map(|(code, typed)| {
                                let i = catalog.indicators.iter().find(|i| &i.code == code)?;
                                Some((
                                    code.clone(),
                                    if typed == DONT_KNOW {
                                        None
                                    } else {
                                        parse_answer(i, typed)
                                    },
                                ))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                comment: self.comments.get(u).filter(|c| !c.is_empty()).cloned(),
            })
            .collect();
        let profile = self
            .profile
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        Submission {
            code: code.to_string(),
            profile,
            evaluations,
        }
    }
}

/// The number of questions in `unit`'s block.
pub fn questions_of(catalog: &SeedCatalog, unit: &str) -> usize {
    let Some(u) = catalog.units.iter().find(|u| u.code == unit) else {
        return 0;
    };
    catalog
        .indicators
        .iter()
        .filter(|i| i.kind == u.kind)
        .count()
}

/// How far a questionnaire has come, in questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub answered: usize,
    pub total: usize,
}

/// About how long one question takes to read and answer on a phone.
const SECONDS_PER_QUESTION: usize = 10;

impl Progress {
    /// Whole percent, rounded down: 100 only when every question has an answer.
    pub fn percent(self) -> usize {
        (self.answered * 100).checked_div(self.total).unwrap_or(0)
    }

    /// Minutes left at [`SECONDS_PER_QUESTION`], rounded up, so that a last question or two
    /// still reads "about 1 minute" rather than "0".
    pub fn minutes_left(self) -> usize {
        (self.total.saturating_sub(self.answered) * SECONDS_PER_QUESTION).div_ceil(60)
    }
}

/// A typed answer as a number, if valid for the question (a decimal comma is accepted on the
/// web, where Vietnamese keyboards produce it).
pub fn parse_answer(i: &IndicatorDef, typed: &str) -> Option<f64> {
    let x: f64 = typed.replace(',', ".").parse().ok()?;
    i.question_type.accepts(x).then_some(x)
}

fn error_key(i: &IndicatorDef) -> &'static str {
    match i.question_type.as_str() {
        "number" => "error-number",
        _ => "error-choice",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reaches_100_only_when_every_question_is_answered() {
        let p = |answered, total| Progress { answered, total };
        assert_eq!(p(0, 0).percent(), 0);
        assert_eq!(p(199, 200).percent(), 99);
        assert_eq!(p(200, 200).percent(), 100);
    }

    #[test]
    fn time_left_is_ten_seconds_a_question_in_whole_minutes_rounded_up() {
        let p = |answered, total| Progress { answered, total };
        assert_eq!(p(10, 10).minutes_left(), 0);
        assert_eq!(p(9, 10).minutes_left(), 1);
        assert_eq!(p(0, 42).minutes_left(), 7);
        assert_eq!(p(0, 43).minutes_left(), 8);
    }

    #[test]
    fn a_skipped_unit_leaves_the_list_with_its_answers() {
        let mut d = Draft {
            units: vec!["A".into(), "B".into()],
            ..Draft::default()
        };
        assert!(d.is_blank("A"));
        d.answers
            .insert("A".into(), [("Q".into(), DONT_KNOW.into())].into());
        assert!(!d.is_blank("A"), "don't know is an answer");
        d.skip("A");
        assert_eq!(d.units, ["B"]);
        assert!(d.answers.is_empty());
    }
}
