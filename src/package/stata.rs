//! The package's microdata as one Stata file for researchers (VCCI's PCI team works in Stata):
//! one row per evaluation with the same pseudonyms and the same coarsened profile as
//! `responses.csv` (read from [`super::microdata::coarsened_evaluations`], never recomputed),
//! and one column per indicator. Variable labels carry the question texts, value labels the
//! answer wording of the survey (Likert scales, yes/no) and the profile choices, in Vietnamese.
//! The byte layout is [`crate::stata`]'s.

use super::export::{PackageError, PackageInput};
use super::microdata::{coarsened_evaluations, singled_out_weight};
use super::profile_column;
use crate::catalog::{IndicatorDef, Scale};
use crate::locale::text;
use crate::stata::{self, Column, Dataset, ValueLabel, Variable};
use std::collections::{HashMap, HashSet};

#[derive(Debug, thiserror::Error)]
pub enum StataExportError {
    #[error(transparent)]
    Package(#[from] PackageError),
    #[error("cannot write the Stata file: {0}")]
    Stata(#[from] stata::StataError),
}

/// The `.dta` file (Stata 118) of the package's evaluations. Refused exactly when the package
/// is (an empty pseudonym key, a weight that singles businesses out).
pub fn dta(input: &PackageInput) -> Result<Vec<u8>, StataExportError> {
    if input.secret.is_empty() {
        return Err(PackageError::EmptySecret.into());
    }
    if let Some((weight, businesses)) = singled_out_weight(input) {
        return Err(PackageError::WeightSinglesOut { weight, businesses }.into());
    }
    Ok(stata::write(&dataset(input))?)
}

/// The Vietnamese text of a locale key: the file is for the province's researchers first.
fn vi(key: &str) -> String {
    text("vi", key)
}

/// Value labels of one set, each text made unique (pandas refuses a set whose texts repeat):
/// a repeated text gets its value in brackets.
fn value_label(name: &str, entries: Vec<(i32, String)>) -> ValueLabel {
    let mut seen = HashSet::new();
    let entries = entries
        .into_iter()
        .map(|(v, t)| {
            let t = if seen.insert(t.clone()) {
                t
            } else {
                format!("{t} [{v}]")
            };
            (v, t)
        })
        .collect();
    ValueLabel {
        name: name.to_string(),
        entries,
    }
}

/// The answer scales' value labels, worded as the questionnaire words them.
fn scale_labels() -> Vec<ValueLabel> {
    let likert = |scale: &str| {
        let entries = (1..=5)
            .map(|v| (v, vi(&format!("scale-{scale}-{v}"))))
            .collect();
        value_label(scale, entries)
    };
    vec![
        likert("agree"),
        likert("quality"),
        likert("frequency"),
        value_label("yes_no", vec![(0, vi("answer-no")), (1, vi("answer-yes"))]),
    ]
}

/// The value label set of an indicator's answers, if its scale has words.
fn scale_label(i: &IndicatorDef) -> Option<String> {
    match i.scale {
        Scale::Number => None,
        other => Some(other.as_str().to_string()),
    }
}

fn dataset(input: &PackageInput) -> Dataset {
    let rows = coarsened_evaluations(input);
    let catalog = input.catalog;
    let mut taken: HashSet<String> = HashSet::new();
    let mut value_labels = scale_labels();
    taken.extend(value_labels.iter().map(|l| l.name.clone()));
    let text_column = |f: &dyn Fn(usize) -> String| Column::Text((0..rows.len()).map(f).collect());
    let mut variables = vec![
        Variable {
            name: stata::name_for("response_id", &mut taken),
            label: vi("stata-response-id"),
            value_label: None,
            column: text_column(&|k| rows[k].0 .0.clone()),
        },
        Variable {
            name: stata::name_for("unit_code", &mut taken),
            label: vi("stata-unit-code"),
            value_label: None,
            column: text_column(&|k| rows[k].0 .2.to_string()),
        },
    ];
    // The unit once more, as a labelled number: its name reads in every table.
    let units: HashMap<&str, i32> = (catalog.units.iter().enumerate())
        .map(|(n, u)| (u.code.as_str(), n as i32 + 1))
        .collect();
    let unit_set = stata::name_for("unit", &mut taken);
    value_labels.push(value_label(
        &unit_set,
        (catalog.units.iter().enumerate())
            .map(|(n, u)| (n as i32 + 1, u.name_vi.clone()))
            .collect(),
    ));
    variables.push(Variable {
        name: unit_set.clone(),
        label: vi("stata-unit"),
        value_label: Some(unit_set),
        column: Column::Number(
            (rows.iter())
                .map(|((_, _, u), _)| units.get(u).map(|&n| f64::from(n)))
                .collect(),
        ),
    });
    variables.push(Variable {
        name: stata::name_for("weight", &mut taken),
        label: vi("stata-weight"),
        value_label: None,
        column: Column::Number(rows.iter().map(|((_, r, _), _)| Some(r.weight)).collect()),
    });
    let mut characteristics = Vec::new();
    for (q_at, q) in catalog.profile_questions.iter().enumerate() {
        let name = stata::name_for(&profile_column(&q.code), &mut taken);
        characteristics.push((name.clone(), "question_vi".to_string(), q.text_vi.clone()));
        characteristics.push((name.clone(), "question_en".to_string(), q.text_en.clone()));
        let mut choices: Vec<_> = (catalog.profile_choices.iter())
            .filter(|c| c.question_code == q.code)
            .collect();
        choices.sort_by_key(|c| c.sort_order);
        let code_of: HashMap<&str, i32> = (choices.iter().enumerate())
            .map(|(n, c)| (c.code.as_str(), n as i32 + 1))
            .collect();
        value_labels.push(value_label(
            &name,
            (choices.iter().enumerate())
                .map(|(n, c)| (n as i32 + 1, c.label_vi.clone()))
                .collect(),
        ));
        // A blank (declined or coarsened away) is missing, like an unknown value.
        let column = (rows.iter())
            .map(|(_, profile)| code_of.get(profile[q_at].as_str()).map(|&n| f64::from(n)))
            .collect();
        variables.push(Variable {
            name: name.clone(),
            label: q.text_vi.clone(),
            value_label: Some(name),
            column: Column::Number(column),
        });
    }
    for i in &catalog.indicators {
        let column = (rows.iter())
            .map(|((_, r, unit), _)| {
                (r.answers.iter())
                    .find(|(u, code, _)| u == unit && *code == i.code)
                    .map(|(_, _, v)| *v)
            })
            .collect();
        let name = stata::name_for(&i.code.to_ascii_lowercase(), &mut taken);
        // The label holds Stata's 80 characters; the whole question, in both languages, is
        // in the variable's characteristics (`char list dep_tr01[]`).
        characteristics.push((name.clone(), "question_vi".to_string(), i.text_vi.clone()));
        characteristics.push((name.clone(), "question_en".to_string(), i.text_en.clone()));
        variables.push(Variable {
            name,
            label: i.text_vi.clone(),
            value_label: scale_label(i),
            column: Column::Number(column),
        });
    }
    Dataset {
        label: crate::locale::text_with(
            "vi",
            "stata-dataset",
            &[("year", &input.year.to_string())],
        ),
        variables,
        value_labels,
        characteristics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stata::Column;

    #[test]
    fn one_row_per_package_evaluation_with_its_pseudonym_and_labelled_answers() {
        let f = super::super::fixture::fixture();
        let input = f.input();
        let ds = dataset(&input);
        let csv = super::super::microdata::responses(&input);
        let Column::Text(ids) = &ds.variables[0].column else {
            panic!("response_id is text");
        };
        let package_ids: Vec<&String> = csv.rows.iter().map(|r| &r[0]).collect();
        assert_eq!(ids.iter().collect::<Vec<_>>(), package_ids);
        let dep_tr01 = (ds.variables.iter())
            .find(|v| v.name == "dep_tr01")
            .expect("DEP_TR01");
        let Column::Number(values) = &dep_tr01.column else {
            panic!("answers are numbers");
        };
        // Every response answered DEP_TR01 = 4 about DEP_KHDT; response 1's row about
        // DIS_BAC_SON has no such answer.
        let mut answered: Vec<Option<f64>> = values.clone();
        answered.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
        assert_eq!(answered, [vec![None], vec![Some(4.0); 9]].concat());
        for i in &f.catalog.indicators {
            let v = (ds.variables.iter())
                .find(|v| v.name == i.code.to_ascii_lowercase())
                .expect("a column per indicator");
            assert_eq!(v.label, i.text_vi);
            assert_eq!(v.value_label.is_some(), i.scale != Scale::Number);
        }
        let agree = &ds.value_labels[0];
        assert_eq!(agree.entries[0].1, "Hoàn toàn không đồng ý");
        assert_eq!(agree.entries[4].1, "Hoàn toàn đồng ý");
        assert!(dta(&input).is_ok());
    }

    #[test]
    fn repeated_label_texts_are_told_apart() {
        let l = value_label("x", vec![(1, "A".into()), (2, "A".into())]);
        assert_eq!(l.entries[1].1, "A [2]");
    }
}
