//! The results workbook (.xlsx): one sheet per kind of unit (ranking with component scores),
//! one with every indicator, one with the method and the run's parameters. Numbers are real
//! numbers; text is always a text cell, and text that a spreadsheet would take for a formula
//! also carries Excel's quote prefix, so it stays text even when edited or re-saved.

use super::ranking::{ordered, RANKING_COLUMNS};
use super::LoadedRun;
use crate::sheet::safe_text;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

struct Cells {
    header: Format,
    quoted: Format,
    number: Format,
}

impl Cells {
    fn new() -> Cells {
        Cells {
            header: Format::new().set_bold(),
            quoted: Format::new().set_quote_prefix(),
            number: Format::new().set_num_format("0.00"),
        }
    }

    fn text(&self, ws: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
        if safe_text(s) == s {
            ws.write_string(row, col, s)?;
        } else {
            ws.write_string_with_format(row, col, s, &self.quoted)?;
        }
        Ok(())
    }

    fn number(
        &self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        x: Option<f64>,
    ) -> Result<(), XlsxError> {
        if let Some(v) = x {
            ws.write_number_with_format(row, col, v, &self.number)?;
        }
        Ok(())
    }

    fn headers(&self, ws: &mut Worksheet, names: &[String]) -> Result<(), XlsxError> {
        for (c, h) in names.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &self.header)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(())
    }
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

fn kind_sheet(
    wb: &mut Workbook,
    cells: &Cells,
    loaded: &LoadedRun,
    kind: &crate::catalog::Kind,
) -> Result<(), XlsxError> {
    let ws = wb
        .add_worksheet()
        .set_name(sheet_name(&format!("{}s", kind.code)))?;
    let components: Vec<_> = loaded
        .catalog
        .components
        .iter()
        .filter(|c| c.kind == kind.code)
        .collect();
    let mut names: Vec<String> = RANKING_COLUMNS
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    names.extend(components.iter().map(|c| c.code.clone()));
    cells.headers(ws, &names)?;
    for (i, s) in ordered(&loaded.result.scores, &kind.code)
        .iter()
        .enumerate()
    {
        let r = i as u32 + 1;
        let unit = loaded.catalog.units.iter().find(|u| u.code == s.unit_code);
        if let Some(rank) = s.rank {
            ws.write_number(r, 0, rank)?;
        }
        cells.text(ws, r, 1, &s.unit_code)?;
        cells.text(ws, r, 2, unit.map_or("", |u| &u.name_vi))?;
        cells.text(ws, r, 3, unit.map_or("", |u| &u.name_en))?;
        cells.number(ws, r, 4, s.total)?;
        cells.number(ws, r, 5, s.total_ci_low)?;
        cells.number(ws, r, 6, s.total_ci_high)?;
        cells.text(ws, r, 7, s.group.as_deref().unwrap_or(""))?;
        ws.write_number(r, 8, s.responses)?;
        cells.number(ws, r, 9, s.total_change)?;
        if let Some(c) = s.rank_change {
            ws.write_number(r, 10, c as f64)?;
        }
        cells.number(ws, r, 11, s.total_change_ci_low)?;
        cells.number(ws, r, 12, s.total_change_ci_high)?;
        if let Some(b) = s.change_significant {
            ws.write_boolean(r, 13, b)?;
        }
        for (col, v) in [(14, s.rank_sensitivity_low), (15, s.rank_sensitivity_high)] {
            if let Some(v) = v {
                ws.write_number(r, col, v)?;
            }
        }
        for (k, comp) in components.iter().enumerate() {
            let score = loaded
                .result
                .component_scores
                .iter()
                .find(|c| c.unit_code == s.unit_code && c.component_code == comp.code)
                .and_then(|c| c.score);
            cells.number(ws, r, RANKING_COLUMNS.len() as u16 + k as u16, score)?;
        }
    }
    ws.set_column_width(2, 40)?;
    ws.set_column_width(3, 40)?;
    Ok(())
}

fn indicator_sheet(wb: &mut Workbook, cells: &Cells, loaded: &LoadedRun) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("indicators")?;
    let names: Vec<String> = [
        "unit_code",
        "unit_name_vi",
        "indicator_code",
        "component_code",
        "text_vi",
        "text_en",
        "n",
        "raw_value",
        "ci_low",
        "ci_high",
        "score",
        "estimate",
        "shrinkage",
    ]
    .iter()
    .map(std::string::ToString::to_string)
    .collect();
    cells.headers(ws, &names)?;
    for (i, s) in loaded.result.indicator_scores.iter().enumerate() {
        let r = i as u32 + 1;
        let unit = loaded.catalog.units.iter().find(|u| u.code == s.unit_code);
        let def = loaded
            .catalog
            .indicators
            .iter()
            .find(|d| d.code == s.indicator_code);
        cells.text(ws, r, 0, &s.unit_code)?;
        cells.text(ws, r, 1, unit.map_or("", |u| &u.name_vi))?;
        cells.text(ws, r, 2, &s.indicator_code)?;
        cells.text(ws, r, 3, def.map_or("", |d| &d.component_code))?;
        cells.text(ws, r, 4, def.map_or("", |d| &d.text_vi))?;
        cells.text(ws, r, 5, def.map_or("", |d| &d.text_en))?;
        ws.write_number(r, 6, s.n)?;
        cells.number(ws, r, 7, s.raw_value)?;
        cells.number(ws, r, 8, s.ci_low)?;
        cells.number(ws, r, 9, s.ci_high)?;
        cells.number(ws, r, 10, s.score)?;
        cells.number(ws, r, 11, s.estimate)?;
        cells.number(ws, r, 12, s.shrinkage)?;
    }
    Ok(())
}

fn method_sheet(wb: &mut Workbook, cells: &Cells, loaded: &LoadedRun) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("method")?;
    let c = &loaded.config;
    let pooled: Vec<String> = loaded
        .result
        .pooled_cycles
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    let lines: Vec<(&str, String)> = vec![
        ("year", loaded.cycle.year.to_string()),
        ("status", loaded.cycle.status.clone()),
        ("run", loaded.run.id.to_string()),
        ("engine_version", loaded.run.engine_version.clone()),
        ("min_responses", c.min_responses.to_string()),
        ("bootstrap_replicates", c.bootstrap_replicates.to_string()),
        ("bootstrap_seed", c.bootstrap_seed.to_string()),
        ("pool_years", c.pool_years.to_string()),
        ("pooled_cycles", pooled.join(";")),
        ("method_vi", "Điểm chỉ tiêu chuẩn hóa về thang 1–10 theo giá trị nhỏ nhất và lớn nhất của các đơn vị cùng loại; điểm chỉ số thành phần là trung bình có trọng số của điểm chỉ tiêu; điểm tổng hợp là tổng có trọng số của điểm chỉ số thành phần, quy về thang 100. Khoảng tin cậy 90% của điểm tổng hợp tính bằng bootstrap. Chi tiết: trang /method.".into()),
        ("method_en", "Indicator scores are normalised to 1–10 between the lowest and highest unit of the same kind; a component score is the weighted mean of its indicator scores; the total is the weighted sum of component scores on a 100-point scale. The 90% interval of the total comes from a bootstrap. Details: the /method page.".into()),
    ];
    cells.headers(ws, &["field".to_string(), "value".to_string()])?;
    for (i, (k, v)) in lines.iter().enumerate() {
        cells.text(ws, i as u32 + 1, 0, k)?;
        cells.text(ws, i as u32 + 1, 1, v)?;
    }
    ws.set_column_width(1, 100)?;
    Ok(())
}

/// The workbook's bytes.
pub fn workbook(loaded: &LoadedRun) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let cells = Cells::new();
    for kind in &loaded.catalog.kinds {
        kind_sheet(&mut wb, &cells, loaded, kind)?;
    }
    indicator_sheet(&mut wb, &cells, loaded)?;
    method_sheet(&mut wb, &cells, loaded)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::sheet_name;

    #[test]
    fn sheet_names_follow_excel_rules() {
        assert_eq!(sheet_name("departments"), "departments");
        assert_eq!(sheet_name("a/b[c]:d*e?f\\g"), "abcdefg");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }
}
