//! The entry template for paper questionnaires: an xlsx workbook whose sheets `responses` and
//! `answers` have exactly the columns `ddci import` reads (package::import), with drop-down
//! lists of the cycle's codes, so staff key paper forms into Excel, save each sheet as CSV
//! and import them.

use crate::catalog::{Scale, SeedCatalog};
use crate::locale::text_with;
use crate::package::profile_column;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, Format, Formula, Workbook, Worksheet, XlsxError,
};

/// Rows that get the drop-down lists (a year's paper forms are far fewer).
const ROWS: u32 = 20_000;

/// The header of the `answers` sheet, as `ddci import` reads it.
pub const ANSWER_COLUMNS: [&str; 4] = ["response_id", "unit_code", "indicator_code", "value"];

/// The header of the `responses` sheet: the form number, the weight and one column per
/// profile question of `catalog`, as `ddci import` reads them.
pub fn response_columns(catalog: &SeedCatalog) -> Vec<String> {
    let mut columns = vec!["response_id".to_string(), "weight".to_string()];
    columns.extend(
        catalog
            .profile_questions
            .iter()
            .map(|q| profile_column(&q.code)),
    );
    columns
}

/// The workbook: a guide, the two entry sheets, and `codes` (units, questions and profile
/// choices that the drop-down lists offer).
pub fn entry_template(catalog: &SeedCatalog, year: i32) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let lists = lists(catalog);
    guide(book.add_worksheet(), year)?;
    responses_sheet(book.add_worksheet(), catalog, &lists)?;
    answers_sheet(book.add_worksheet(), &lists)?;
    codes_sheet(book.add_worksheet(), catalog)?;
    book.save_to_buffer()
}

fn guide(sheet: &mut Worksheet, year: i32) -> Result<(), XlsxError> {
    sheet.set_name("guide")?;
    sheet.set_column_width(0, 140)?;
    let wrap = Format::new().set_text_wrap();
    let y = year.to_string();
    let mut row = 0;
    for lang in ["vi", "en"] {
        for k in 1..=4 {
            let line = text_with(
                lang,
                &format!("template-guide-{k}"),
                &[("year", y.as_str())],
            );
            sheet.write_string_with_format(row, 0, line, &wrap)?;
            row += 1;
        }
        row += 1;
    }
    Ok(())
}

/// Where the lists of the drop-downs are on the `codes` sheet: (column letter, last row).
struct Lists {
    units: String,
    indicators: String,
    /// Per profile question code, its list (none for number questions).
    profile: Vec<(String, Option<String>)>,
}

/// The ranges of the `codes` sheet as [`codes_sheet`] writes it.
fn lists(catalog: &SeedCatalog) -> Lists {
    let profile = (5u16..)
        .step_by(2)
        .zip(&catalog.profile_questions)
        .map(|(c, q)| {
            let n = catalog
                .profile_choices
                .iter()
                .filter(|ch| ch.question_code == q.code)
                .count();
            (q.code.clone(), (n > 0).then(|| range(c, n)))
        })
        .collect();
    Lists {
        units: range(0, catalog.units.len()),
        indicators: range(2, catalog.indicators.len()),
        profile,
    }
}

fn codes_sheet(sheet: &mut Worksheet, catalog: &SeedCatalog) -> Result<(), XlsxError> {
    sheet.set_name("codes")?;
    let bold = Format::new().set_bold();
    let columns = ["unit_code", "unit", "indicator_code", "question", "values"];
    for (c, name) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, c, name, &bold)?;
    }
    for (r, u) in (1u32..).zip(&catalog.units) {
        sheet.write_string(r, 0, &u.code)?;
        sheet.write_string(r, 1, &u.name_vi)?;
    }
    for (r, i) in (1u32..).zip(&catalog.indicators) {
        sheet.write_string(r, 2, &i.code)?;
        sheet.write_string(r, 3, &i.text_vi)?;
        sheet.write_string(r, 4, values(i.scale))?;
    }
    // Each profile question: its codes (what the drop-down offers) and their wording beside.
    for (c, q) in (5u16..).step_by(2).zip(&catalog.profile_questions) {
        sheet.write_string_with_format(0, c, profile_column(&q.code), &bold)?;
        sheet.write_string_with_format(0, c + 1, &q.text_vi, &bold)?;
        let choices = catalog
            .profile_choices
            .iter()
            .filter(|ch| ch.question_code == q.code);
        for (r, choice) in (1u32..).zip(choices) {
            sheet.write_string(r, c, &choice.code)?;
            sheet.write_string(r, c + 1, &choice.label_vi)?;
        }
    }
    sheet.set_column_width(1, 40)?;
    sheet.set_column_width(3, 60)?;
    Ok(())
}

/// The values a scale takes in the `value` column.
fn values(scale: Scale) -> &'static str {
    match scale {
        Scale::Agree | Scale::Quality | Scale::Frequency => "1–5",
        Scale::YesNo => "1 / 0",
        Scale::Number => "≥ 0",
    }
}

/// `=codes!$A$2:$A$N` for column `col` holding `n` codes below its header.
fn range(col: u16, n: usize) -> String {
    let letter = column_letter(col);
    format!("=codes!${letter}$2:${letter}${}", n + 1)
}

fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut s = String::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        s.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    s
}

fn header(sheet: &mut Worksheet, columns: &[String]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (c, name) in (0u16..).zip(columns) {
        sheet.write_string_with_format(0, c, name, &bold)?;
        sheet.set_column_width(c, 18)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn list(formula: &str) -> DataValidation {
    DataValidation::new().allow_list_formula(Formula::new(formula))
}

fn responses_sheet(
    sheet: &mut Worksheet,
    catalog: &SeedCatalog,
    lists: &Lists,
) -> Result<(), XlsxError> {
    sheet.set_name("responses")?;
    header(sheet, &response_columns(catalog))?;
    let weight = DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThan(0.0))
        .set_input_message("weight > 0 (1)")?;
    sheet.add_data_validation(1, 1, ROWS, 1, &weight)?;
    for (c, (_, choices)) in (2u16..).zip(&lists.profile) {
        let rule = match choices {
            Some(formula) => list(formula),
            None => DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
        };
        sheet.add_data_validation(1, c, ROWS, c, &rule)?;
    }
    Ok(())
}

fn answers_sheet(sheet: &mut Worksheet, lists: &Lists) -> Result<(), XlsxError> {
    sheet.set_name("answers")?;
    let columns: Vec<String> = ANSWER_COLUMNS.iter().map(ToString::to_string).collect();
    header(sheet, &columns)?;
    sheet.add_data_validation(1, 1, ROWS, 1, &list(&lists.units))?;
    sheet.add_data_validation(1, 2, ROWS, 2, &list(&lists.indicators))?;
    let value = DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_input_message("1–5, 1 / 0, ≥ 0")?;
    sheet.add_data_validation(1, 3, ROWS, 3, &value)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(range(2, 3), "=codes!$C$2:$C$4");
    }

    #[test]
    fn the_responses_header_is_what_the_import_accepts() {
        let catalog = SeedCatalog::embedded().expect("catalog").for_year(2025);
        let header = response_columns(&catalog).join(",");
        let csv = format!(
            "{header}\nP1,1{}\n",
            ",".repeat(response_columns(&catalog).len() - 2)
        );
        let batch = crate::package::parse_import(
            &catalog,
            "responses.csv",
            &csv,
            "answers.csv",
            &format!("{}\n", ANSWER_COLUMNS.join(",")),
            "2025-09-01",
        );
        assert!(batch.is_ok(), "{batch:?}");
    }
}
