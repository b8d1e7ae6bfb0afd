//! Paper questionnaires in the package format (METHODOLOGY.md §7 "Import"): `responses.csv`
//! and `answers.csv` with real response ids. All or nothing: the first bad row stops the import
//! with its file, line and column.

use super::profile_column;
use crate::catalog::table::{parse_number, Row, Table};
use crate::catalog::{CsvError, IndicatorDef, SeedCatalog};
use crate::responses::{Channel, NewEvaluation, NewResponse};
use std::collections::{HashMap, HashSet};

/// The responses to store, with the physical line of each in responses.csv (for errors found
/// later, such as a response id already stored).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportBatch {
    pub responses: Vec<NewResponse>,
    pub lines: Vec<u64>,
}

pub fn parse_import(
    catalog: &SeedCatalog,
    responses_name: &str,
    responses_csv: &str,
    answers_name: &str,
    answers_csv: &str,
    submitted_on: &str,
) -> Result<ImportBatch, CsvError> {
    let (mut responses, lines) =
        parse_responses(catalog, responses_name, responses_csv, submitted_on)?;
    let index: HashMap<String, usize> = responses
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.clone(), i))
        .collect();
    let table = Table::parse(
        answers_name,
        answers_csv,
        &["response_id", "unit_code", "indicator_code", "value"],
    )?;
    let mut seen = HashSet::new();
    for row in table.rows() {
        let key = row.text("response_id")?;
        let Some(&i) = index.get(&key) else {
            return Err(row.error(
                "response_id",
                format!("response_id `{key}` is not in {responses_name}"),
            ));
        };
        let (unit, indicator, value) = answer(catalog, &row)?;
        if !seen.insert((key, unit.clone(), indicator.clone())) {
            return Err(row.error(
                "indicator_code",
                format!("a second answer of this response to `{indicator}` about `{unit}`"),
            ));
        }
        add_answer(&mut responses[i], unit, indicator, value);
    }
    Ok(ImportBatch { responses, lines })
}

fn parse_responses(
    catalog: &SeedCatalog,
    name: &str,
    text: &str,
    submitted_on: &str,
) -> Result<(Vec<NewResponse>, Vec<u64>), CsvError> {
    let profile: Vec<(String, String)> = catalog
        .profile_questions
        .iter()
        .map(|q| (profile_column(&q.code), q.code.clone()))
        .collect();
    let mut optional: Vec<&str> = vec!["weight"];
    optional.extend(profile.iter().map(|(c, _)| c.as_str()));
    let table = Table::parse_with(name, text, &["response_id"], &optional)?;
    let mut seen = HashMap::new();
    let (mut out, mut lines) = (Vec::new(), Vec::new());
    for row in table.rows() {
        let key = row.text("response_id")?;
        if let Some(first) = seen.insert(key.clone(), row.line) {
            return Err(row.error(
                "response_id",
                format!("duplicate response_id `{key}` (first on line {first})"),
            ));
        }
        let weight = if table.has_column("weight") {
            parse_weight(&row)?
        } else {
            1.0
        };
        out.push(NewResponse {
            key,
            weight,
            channel: Channel::Paper,
            submitted_on: submitted_on.to_string(),
            profile: profile_answers(catalog, &profile, &row)?,
            evaluations: Vec::new(),
        });
        lines.push(row.line);
    }
    Ok((out, lines))
}

/// A respondent weight ρ > 0; an empty cell is refused rather than read as 1, because a blank
/// on a paper batch is more likely an omission than a deliberate default.
fn parse_weight(row: &Row) -> Result<f64, CsvError> {
    if row.get("weight").is_empty() {
        return Err(row.error(
            "weight",
            "the weight is empty; write a number greater than 0",
        ));
    }
    row.positive("weight")
}

fn profile_answers(
    catalog: &SeedCatalog,
    columns: &[(String, String)],
    row: &Row,
) -> Result<Vec<(String, String)>, CsvError> {
    let mut out = Vec::new();
    for (column, code) in columns {
        let value = row.get(column);
        if value.is_empty() {
            continue;
        }
        let is_number = catalog
            .profile_questions
            .iter()
            .any(|q| &q.code == code && q.question_type == "number");
        let valid = if is_number {
            parse_number(value).is_some_and(|x| x >= 0.0)
        } else {
            catalog
                .profile_choices
                .iter()
                .any(|c| &c.question_code == code && c.code == value)
        };
        if !valid {
            return Err(row.error(column, format!("`{value}` is not an answer of {code}")));
        }
        out.push((code.clone(), value.to_string()));
    }
    Ok(out)
}

/// (unit code, indicator code, value or don't-know) of one answers.csv row, checked.
fn answer(catalog: &SeedCatalog, row: &Row) -> Result<(String, String, Option<f64>), CsvError> {
    let unit_code = row.text("unit_code")?;
    let Some(unit) = catalog.units.iter().find(|u| u.code == unit_code) else {
        return Err(row.error("unit_code", format!("unknown unit `{unit_code}`")));
    };
    let code = row.text("indicator_code")?;
    let Some(indicator) = catalog.indicators.iter().find(|i| i.code == code) else {
        return Err(row.error("indicator_code", format!("unknown indicator `{code}`")));
    };
    if indicator.kind != unit.kind {
        let msg = format!(
            "indicator `{code}` is asked of {} units, but `{unit_code}` is a {}",
            indicator.kind, unit.kind
        );
        return Err(row.error("indicator_code", msg));
    }
    Ok((unit_code, code, value(indicator, row)?))
}

fn value(indicator: &IndicatorDef, row: &Row) -> Result<Option<f64>, CsvError> {
    let cell = row.get("value");
    if cell.is_empty() {
        return Ok(None);
    }
    let Some(x) = parse_number(cell) else {
        return Err(row.error(
            "value",
            format!("`{cell}` is not a number (use `.` as the decimal point)"),
        ));
    };
    if !indicator.question_type.accepts(x) {
        let range = match indicator.question_type.as_str() {
            "likert5" => "a whole number from 1 to 5",
            "yes_no" => "0 or 1",
            _ => "a number of at least 0",
        };
        return Err(row.error(
            "value",
            format!("{x} is outside the range of `{}` ({range})", indicator.code),
        ));
    }
    Ok(Some(x))
}

fn add_answer(response: &mut NewResponse, unit: String, indicator: String, value: Option<f64>) {
    match response
        .evaluations
        .iter_mut()
        .find(|e| e.unit_code == unit)
    {
        Some(e) => e.answers.push((indicator, value)),
        None => response.evaluations.push(NewEvaluation {
            unit_code: unit,
            answers: vec![(indicator, value)],
            comment: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> SeedCatalog {
        SeedCatalog::embedded()
            .expect("built-in catalog")
            .for_year(2024)
    }

    fn import(responses: &str, answers: &str) -> Result<ImportBatch, String> {
        parse_import(
            &catalog(),
            "responses.csv",
            responses,
            "answers.csv",
            answers,
            "2025-09-01",
        )
        .map_err(|e| e.to_string())
    }

    const R: &str = "response_id,weight,sector\nP1,1,trade\nP2,2.5,\n";

    #[test]
    fn a_good_file_becomes_responses_grouped_by_unit() {
        let a = "response_id,unit_code,indicator_code,value\nP1,DEP_KHDT,DEP_TR01,4\nP1,DEP_KHDT,DEP_TR03,\nP1,DIS_BAC_SON,DIS_TR01,5\nP2,DEP_KHDT,DEP_TC01,12.5\n";
        let batch = import(R, a).expect("valid");
        assert_eq!(batch.lines, [2, 3]);
        let p1 = &batch.responses[0];
        assert_eq!((p1.key.as_str(), p1.weight), ("P1", 1.0));
        assert_eq!(
            p1.profile,
            [("PROFILE_SECTOR".to_string(), "trade".to_string())]
        );
        assert_eq!(p1.evaluations.len(), 2);
        assert_eq!(p1.evaluations[0].answers[1], ("DEP_TR03".to_string(), None));
        assert_eq!(batch.responses[1].weight, 2.5);
    }

    #[test]
    fn each_bad_row_is_refused_with_file_line_and_column() {
        let head = "response_id,unit_code,indicator_code,value\nP1,DEP_KHDT,DEP_TR01,4\n";
        let cases = [
            ("P1,DEP_NOPE,DEP_TR01,4", "answers.csv, line 3, column `unit_code`: unknown unit `DEP_NOPE`"),
            ("P1,DEP_KHDT,DEP_XX99,4", "answers.csv, line 3, column `indicator_code`: unknown indicator `DEP_XX99`"),
            ("P1,DEP_KHDT,DIS_TR01,4", "answers.csv, line 3, column `indicator_code`: indicator `DIS_TR01` is asked of district units"),
            ("P1,DEP_KHDT,DEP_TR02,6", "answers.csv, line 3, column `value`: 6 is outside the range"),
            ("P1,DEP_KHDT,DEP_TR02,\"1,5\"", "answers.csv, line 3, column `value`: `1,5` is not a number"),
            ("P1,DEP_KHDT,DEP_TR03,2", "answers.csv, line 3, column `value`: 2 is outside the range"),
            ("P9,DEP_KHDT,DEP_TR02,3", "answers.csv, line 3, column `response_id`: response_id `P9` is not in responses.csv"),
            ("P1,DEP_KHDT,DEP_TR01,5", "answers.csv, line 3, column `indicator_code`: a second answer"),
        ];
        for (line, expected) in cases {
            let err = import(R, &format!("{head}{line}\n")).expect_err(line);
            assert!(err.starts_with(expected), "{line}: {err}");
        }
    }

    #[test]
    fn bad_responses_files_are_refused() {
        let a = "response_id,unit_code,indicator_code,value\n";
        let cases = [
            ("response_id,weight\nP1,1\nP1,1\n", "responses.csv, line 3, column `response_id`: duplicate response_id `P1` (first on line 2)"),
            ("response_id,weight\nP1,\n", "responses.csv, line 2, column `weight`: the weight is empty"),
            ("response_id,weight\nP1,0\n", "responses.csv, line 2, column `weight`: must be greater than 0"),
            ("response_id,weight\nP1,abc\n", "responses.csv, line 2, column `weight`: `abc` is not a number"),
            ("response_id,shoe_size\nP1,42\n", "responses.csv, line 1, column `shoe_size`: unknown column"),
            ("response_id,sector\nP1,mining_on_mars\n", "responses.csv, line 2, column `sector`: `mining_on_mars` is not an answer"),
        ];
        for (responses, expected) in cases {
            let err = import(responses, a).expect_err(responses);
            assert!(err.starts_with(expected), "{responses}: {err}");
        }
        let batch = import("response_id\nP1\n", a).expect("no weight column means weight 1");
        assert_eq!(batch.responses[0].weight, 1.0);
    }

    #[test]
    fn lines_are_physical_lines_even_after_a_quoted_line_break() {
        let r = "response_id\n\"P\n0\"\nP1\nP1\n";
        let err = import(r, "response_id,unit_code,indicator_code,value\n").expect_err("dup");
        assert!(
            err.starts_with("responses.csv, line 5, column `response_id`"),
            "{err}"
        );
    }

    #[test]
    fn lines_are_physical_lines_in_a_crlf_file_with_blank_lines() {
        // Excel on Windows writes CRLF. Header on line 1, 54 good rows on lines 2–55, a blank
        // line 56, and the bad row on line 57.
        let ids: Vec<String> = (1..=60).map(|k| format!("P{k}")).collect();
        let responses = format!("response_id\r\n{}\r\n", ids.join("\r\n"));
        let mut answers = String::from("response_id,unit_code,indicator_code,value\r\n");
        for id in &ids[..54] {
            answers.push_str(&format!("{id},DEP_KHDT,DEP_TR01,4\r\n"));
        }
        answers.push_str("\r\nP55,DEP_NOPE,DEP_TR01,4\r\n");
        let err = import(&responses, &answers).expect_err("unknown unit");
        assert!(
            err.starts_with("answers.csv, line 57, column `unit_code`"),
            "{err}"
        );
    }

    #[test]
    fn paper_responses_carry_channel_date_and_declined_profile_answers() {
        let a = "response_id,unit_code,indicator_code,value\nP2,DEP_KHDT,DEP_TR01,\n";
        let batch = import(R, a).expect("valid");
        let p2 = &batch.responses[1];
        assert_eq!(
            (p2.channel, p2.submitted_on.as_str()),
            (Channel::Paper, "2025-09-01")
        );
        assert!(p2.profile.is_empty(), "an empty profile cell is declined");
        assert_eq!(p2.evaluations[0].answers, [("DEP_TR01".to_string(), None)]);
        assert_eq!(p2.evaluations[0].comment, None);
    }
}
