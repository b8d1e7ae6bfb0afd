//! The results workbook (.xlsx), the people's download: one sheet per kind of unit (ranking with
//! component scores), one with every indicator, one with the method and the run's parameters.
//! Sheets are named in Vietnamese; each has two header rows, Vietnamese then English, frozen
//! above the data, and names stand beside codes. Numbers are real numbers shown with two
//! decimals (counts and ranks as whole numbers); text is always a text cell, and text that a
//! spreadsheet would take for a formula also carries Excel's quote prefix, so it stays text
//! even when edited or re-saved. (The data package's CSVs keep their machine column names.)

use super::ranking::ordered;
use super::LoadedRun;
use crate::sheet::safe_text;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// Rows above the data: the Vietnamese headers, then the English ones.
const HEADER_ROWS: u32 = 2;

struct Cells {
    header: Format,
    header_en: Format,
    quoted: Format,
    number: Format,
    count: Format,
    signed: Format,
}

impl Cells {
    fn new() -> Cells {
        Cells {
            header: Format::new().set_bold().set_text_wrap(),
            header_en: Format::new().set_italic().set_text_wrap(),
            quoted: Format::new().set_quote_prefix(),
            number: Format::new().set_num_format("0.00"),
            count: Format::new().set_num_format("0"),
            signed: Format::new().set_num_format("+0;-0;0"),
        }
    }

    /// A whole number (a rank, a count); `signed` shows its sign, as a change in rank.
    fn count(
        &self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        x: Option<f64>,
        signed: bool,
    ) -> Result<(), XlsxError> {
        let format = if signed { &self.signed } else { &self.count };
        if let Some(v) = x {
            ws.write_number_with_format(row, col, v, format)?;
        }
        Ok(())
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

    /// The two header rows, (Vietnamese, English) per column, frozen above the data.
    fn headers(&self, ws: &mut Worksheet, names: &[(String, String)]) -> Result<(), XlsxError> {
        for (c, (vi, en)) in names.iter().enumerate() {
            text_as(ws, 0, c as u16, vi, &self.header)?;
            text_as(ws, 1, c as u16, en, &self.header_en)?;
        }
        ws.set_freeze_panes(HEADER_ROWS, 0)?;
        Ok(())
    }
}

/// Header text from the catalog is as untrusted as any other: safe, in its own format.
fn text_as(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    s: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if safe_text(s) == s {
        ws.write_string_with_format(row, col, s, format)?;
    } else {
        ws.write_string_with_format(row, col, s, &format.clone().set_quote_prefix())?;
    }
    Ok(())
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// Column headers as (Vietnamese, English) pairs.
fn pairs(names: &[(&str, &str)]) -> Vec<(String, String)> {
    names
        .iter()
        .map(|(vi, en)| (vi.to_string(), en.to_string()))
        .collect()
}

/// The ranking columns of a kind's sheet, before its components.
const RANKING_HEADERS: [(&str, &str); 16] = [
    ("Hạng", "Rank"),
    ("Mã đơn vị", "Unit code"),
    ("Tên đơn vị", "Unit name (Vietnamese)"),
    ("Tên tiếng Anh", "Unit name (English)"),
    ("Điểm tổng hợp (thang 100)", "Total (100-point scale)"),
    ("Cận dưới khoảng tin cậy 90%", "90% interval, low"),
    ("Cận trên khoảng tin cậy 90%", "90% interval, high"),
    ("Nhóm xếp hạng", "Performance group"),
    ("Số lượt đánh giá", "Evaluations"),
    (
        "Thay đổi điểm so với năm trước",
        "Change in total from last year",
    ),
    ("Thay đổi hạng", "Change in rank"),
    (
        "Cận dưới khoảng tin cậy 90% của thay đổi điểm",
        "Change in total, 90% interval, low",
    ),
    (
        "Cận trên khoảng tin cậy 90% của thay đổi điểm",
        "Change in total, 90% interval, high",
    ),
    ("Thay đổi có ý nghĩa", "Significant change"),
    (
        "Khoảng hạng nếu trọng số thay đổi ±50%: từ",
        "Rank if the weights change by ±50%: from",
    ),
    (
        "Khoảng hạng nếu trọng số thay đổi ±50%: đến",
        "Rank if the weights change by ±50%: to",
    ),
];

fn kind_sheet(
    wb: &mut Workbook,
    cells: &Cells,
    loaded: &LoadedRun,
    kind: &crate::catalog::Kind,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(sheet_name(&kind.name_vi))?;
    let components: Vec<_> = loaded
        .catalog
        .components
        .iter()
        .filter(|c| c.kind == kind.code)
        .collect();
    let mut names = pairs(&RANKING_HEADERS);
    // A component's column: its Vietnamese name, then its English name with its code.
    names.extend(
        components
            .iter()
            .map(|c| (c.name_vi.clone(), format!("{} ({})", c.name_en, c.code))),
    );
    cells.headers(ws, &names)?;
    for (i, s) in ordered(&loaded.result.scores, &kind.code)
        .iter()
        .enumerate()
    {
        let r = i as u32 + HEADER_ROWS;
        let unit = loaded.catalog.units.iter().find(|u| u.code == s.unit_code);
        cells.count(ws, r, 0, s.rank.map(f64::from), false)?;
        cells.text(ws, r, 1, &s.unit_code)?;
        cells.text(ws, r, 2, unit.map_or("", |u| &u.name_vi))?;
        cells.text(ws, r, 3, unit.map_or("", |u| &u.name_en))?;
        cells.number(ws, r, 4, s.total)?;
        cells.number(ws, r, 5, s.total_ci_low)?;
        cells.number(ws, r, 6, s.total_ci_high)?;
        cells.text(ws, r, 7, s.group.as_deref().unwrap_or(""))?;
        cells.count(ws, r, 8, Some(f64::from(s.responses)), false)?;
        cells.number(ws, r, 9, s.total_change)?;
        cells.count(ws, r, 10, s.rank_change.map(|c| c as f64), true)?;
        cells.number(ws, r, 11, s.total_change_ci_low)?;
        cells.number(ws, r, 12, s.total_change_ci_high)?;
        if let Some(b) = s.change_significant {
            ws.write_string(r, 13, if b { "có / yes" } else { "không / no" })?;
        }
        cells.count(ws, r, 14, s.rank_sensitivity_low.map(f64::from), false)?;
        cells.count(ws, r, 15, s.rank_sensitivity_high.map(f64::from), false)?;
        for (k, comp) in components.iter().enumerate() {
            let score = loaded
                .result
                .component_scores
                .iter()
                .find(|c| c.unit_code == s.unit_code && c.component_code == comp.code)
                .and_then(|c| c.score);
            cells.number(ws, r, RANKING_HEADERS.len() as u16 + k as u16, score)?;
        }
    }
    ws.set_column_width(2, 40)?;
    ws.set_column_width(3, 40)?;
    ws.set_column_range_width(
        4,
        RANKING_HEADERS.len() as u16 - 1 + components.len() as u16,
        16,
    )?;
    Ok(())
}

fn indicator_sheet(wb: &mut Workbook, cells: &Cells, loaded: &LoadedRun) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Chỉ tiêu")?;
    let names = pairs(&[
        ("Mã đơn vị", "Unit code"),
        ("Tên đơn vị", "Unit name"),
        ("Mã chỉ tiêu", "Indicator code"),
        ("Mã chỉ số thành phần", "Component code"),
        ("Chỉ số thành phần", "Component"),
        ("Câu hỏi", "Question (Vietnamese)"),
        ("Câu hỏi (tiếng Anh)", "Question (English)"),
        ("Số lượt đánh giá", "Evaluations (n)"),
        ("Giá trị gốc", "Raw value"),
        ("Cận dưới khoảng tin cậy 90%", "90% interval, low"),
        ("Cận trên khoảng tin cậy 90%", "90% interval, high"),
        ("Điểm chỉ tiêu (1–10)", "Indicator score (1–10)"),
        ("Ước lượng dùng để tính điểm", "Estimate used for the score"),
        ("Hệ số co về trung bình", "Shrinkage weight"),
    ]);
    cells.headers(ws, &names)?;
    for (i, s) in loaded.result.indicator_scores.iter().enumerate() {
        let r = i as u32 + HEADER_ROWS;
        let unit = loaded.catalog.units.iter().find(|u| u.code == s.unit_code);
        let def = loaded
            .catalog
            .indicators
            .iter()
            .find(|d| d.code == s.indicator_code);
        cells.text(ws, r, 0, &s.unit_code)?;
        cells.text(ws, r, 1, unit.map_or("", |u| &u.name_vi))?;
        cells.text(ws, r, 2, &s.indicator_code)?;
        let component = def.and_then(|d| {
            loaded
                .catalog
                .components
                .iter()
                .find(|c| c.code == d.component_code)
        });
        cells.text(ws, r, 3, def.map_or("", |d| &d.component_code))?;
        cells.text(ws, r, 4, component.map_or("", |c| &c.name_vi))?;
        cells.text(ws, r, 5, def.map_or("", |d| &d.text_vi))?;
        cells.text(ws, r, 6, def.map_or("", |d| &d.text_en))?;
        cells.count(ws, r, 7, Some(f64::from(s.n)), false)?;
        cells.number(ws, r, 8, s.raw_value)?;
        cells.number(ws, r, 9, s.ci_low)?;
        cells.number(ws, r, 10, s.ci_high)?;
        cells.number(ws, r, 11, s.score)?;
        cells.number(ws, r, 12, s.estimate)?;
        cells.number(ws, r, 13, s.shrinkage)?;
    }
    ws.set_column_width(1, 32)?;
    ws.set_column_width(4, 32)?;
    ws.set_column_width(5, 60)?;
    Ok(())
}

fn method_sheet(wb: &mut Workbook, cells: &Cells, loaded: &LoadedRun) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Phương pháp")?;
    let c = &loaded.config;
    let pooled: Vec<String> = loaded
        .result
        .pooled_cycles
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    // (Vietnamese label, machine key, value): people read the label, scripts the key.
    let lines: Vec<(&str, &str, String)> = vec![
        ("Năm khảo sát", "year", loaded.cycle.year.to_string()),
        ("Trạng thái", "status", loaded.cycle.status.clone()),
        ("Lần tính điểm", "run", loaded.run.id.to_string()),
        ("Phiên bản bộ tính điểm", "engine_version", loaded.run.engine_version.clone()),
        ("Số lượt đánh giá tối thiểu để xếp hạng", "min_responses", c.min_responses.to_string()),
        ("Số lần lặp bootstrap", "bootstrap_replicates", c.bootstrap_replicates.to_string()),
        ("Hạt giống ngẫu nhiên của bootstrap", "bootstrap_seed", c.bootstrap_seed.to_string()),
        ("Số năm gộp để chuẩn hóa", "pool_years", c.pool_years.to_string()),
        ("Các năm được gộp", "pooled_cycles", pooled.join(";")),
        ("Phương pháp (tiếng Việt)", "method_vi", "Điểm chỉ tiêu chuẩn hóa về thang 1–10 theo giá trị nhỏ nhất và lớn nhất của các đơn vị cùng loại; điểm chỉ số thành phần là trung bình có trọng số của điểm chỉ tiêu; điểm tổng hợp là tổng có trọng số của điểm chỉ số thành phần, quy về thang 100. Khoảng tin cậy 90% của điểm tổng hợp tính bằng bootstrap. Chi tiết: trang /method.".into()),
        ("Phương pháp (tiếng Anh)", "method_en", "Indicator scores are normalised to 1–10 between the lowest and highest unit of the same kind; a component score is the weighted mean of its indicator scores; the total is the weighted sum of component scores on a 100-point scale. The 90% interval of the total comes from a bootstrap. Details: the /method page.".into()),
    ];
    cells.headers(
        ws,
        &pairs(&[("Mục", "Item"), ("Khóa", "Key"), ("Giá trị", "Value")]),
    )?;
    for (i, (label, key, value)) in lines.iter().enumerate() {
        let r = i as u32 + HEADER_ROWS;
        cells.text(ws, r, 0, label)?;
        cells.text(ws, r, 1, key)?;
        cells.text(ws, r, 2, value)?;
    }
    ws.set_column_width(0, 40)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 100)?;
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
