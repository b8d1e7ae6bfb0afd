//! The package's microdata as one Stata file for researchers (VCCI's PCI team works in Stata):
//! one row per evaluation with the same pseudonyms and the same coarsened profile as
//! `responses.csv` (read from [`super::microdata::coarsened_evaluations`], never recomputed),
//! and one column per indicator. Variable labels carry the question texts, value labels the
//! answer wording of the survey (Likert scales, yes/no) and the profile choices, in Vietnamese.
//! The byte layout is [`crate::stata`]'s.

use super::export::{PackageError, PackageInput};
use super::microdata::{coarsened_evaluations, singled_out_weight, Evaluation};
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

/// One published evaluation with its coarsened profile.
type Row<'a> = (Evaluation<'a>, Vec<String>);

/// The dataset as it is built: the rows it describes and the names already taken.
struct Builder<'r, 'a> {
    rows: &'r [Row<'a>],
    taken: HashSet<String>,
    ds: Dataset,
}

impl<'r, 'a> Builder<'r, 'a> {
    fn new(rows: &'r [Row<'a>]) -> Self {
        let value_labels = scale_labels();
        Builder {
            rows,
            taken: value_labels.iter().map(|l| l.name.clone()).collect(),
            ds: Dataset {
                value_labels,
                ..Dataset::default()
            },
        }
    }

    /// A valid Stata name from `raw`, unique in the file.
    fn name(&mut self, raw: &str) -> String {
        stata::name_for(raw, &mut self.taken)
    }

    fn add(&mut self, name: String, label: String, value_label: Option<String>, column: Column) {
        self.ds.variables.push(Variable {
            name,
            label,
            value_label,
            column,
        });
    }

    /// A question's whole text in both languages, as characteristics of its variable: the
    /// label holds only Stata's 80 characters (`char list dep_tr01[]` shows them).
    fn question(&mut self, name: &str, vi: &str, en: &str) {
        for (key, text) in [("question_vi", vi), ("question_en", en)] {
            (self.ds.characteristics).push((name.to_string(), key.to_string(), text.to_string()));
        }
    }

    /// A column with one number per row.
    fn numbers(&self, f: impl Fn(&Row<'a>) -> Option<f64>) -> Column {
        Column::Number(self.rows.iter().map(f).collect())
    }
}

/// The evaluation's pseudonym and unit (as a code and as a labelled number), and its weight.
fn identity(b: &mut Builder, input: &PackageInput) {
    let name = b.name("response_id");
    let ids = (b.rows.iter()).map(|((id, _, _), _)| id.clone()).collect();
    b.add(name, vi("stata-response-id"), None, Column::Text(ids));
    let name = b.name("unit_code");
    let codes = (b.rows.iter())
        .map(|((_, _, u), _)| u.to_string())
        .collect();
    b.add(name, vi("stata-unit-code"), None, Column::Text(codes));
    // The unit once more as a number labelled with its name, so its name reads in every table.
    let units = &input.catalog.units;
    let number: HashMap<&str, i32> = (units.iter().enumerate())
        .map(|(n, u)| (u.code.as_str(), n as i32 + 1))
        .collect();
    let name = b.name("unit");
    let names = (units.iter().enumerate())
        .map(|(n, u)| (n as i32 + 1, u.name_vi.clone()))
        .collect();
    b.ds.value_labels.push(value_label(&name, names));
    let column = b.numbers(|((_, _, u), _)| number.get(u).map(|&n| f64::from(n)));
    b.add(name.clone(), vi("stata-unit"), Some(name), column);
    let name = b.name("weight");
    let column = b.numbers(|((_, r, _), _)| Some(r.weight));
    b.add(name, vi("stata-weight"), None, column);
}

/// One labelled number per profile question: its choices numbered in the catalog's order; a
/// blank (declined or coarsened away) is missing, like an unknown value.
fn profile(b: &mut Builder, input: &PackageInput) {
    let catalog = input.catalog;
    for (at, q) in catalog.profile_questions.iter().enumerate() {
        let name = b.name(&profile_column(&q.code));
        b.question(&name, &q.text_vi, &q.text_en);
        let mut choices: Vec<_> = (catalog.profile_choices.iter())
            .filter(|c| c.question_code == q.code)
            .collect();
        choices.sort_by_key(|c| c.sort_order);
        let number: HashMap<&str, i32> = (choices.iter().enumerate())
            .map(|(n, c)| (c.code.as_str(), n as i32 + 1))
            .collect();
        let labels = (choices.iter().enumerate())
            .map(|(n, c)| (n as i32 + 1, c.label_vi.clone()))
            .collect();
        b.ds.value_labels.push(value_label(&name, labels));
        let column = b.numbers(|(_, p)| number.get(p[at].as_str()).map(|&n| f64::from(n)));
        b.add(name.clone(), q.text_vi.clone(), Some(name), column);
    }
}

/// One number per indicator: the evaluation's answer, missing when it gave none.
fn indicators(b: &mut Builder, input: &PackageInput) {
    for i in &input.catalog.indicators {
        let column = b.numbers(|((_, r, unit), _)| {
            (r.answers.iter())
                .find(|(u, code, _)| u == unit && *code == i.code)
                .map(|(_, _, v)| *v)
        });
        let name = b.name(&i.code.to_ascii_lowercase());
        b.question(&name, &i.text_vi, &i.text_en);
        b.add(name, i.text_vi.clone(), scale_label(i), column);
    }
}

fn dataset(input: &PackageInput) -> Dataset {
    let rows = coarsened_evaluations(input);
    let mut b = Builder::new(&rows);
    identity(&mut b, input);
    profile(&mut b, input);
    indicators(&mut b, input);
    let year = input.year.to_string();
    b.ds.label = crate::locale::text_with("vi", "stata-dataset", &[("year", &year)]);
    b.ds
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
