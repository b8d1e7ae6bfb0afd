//! Reads each catalog file, then checks the references between them.

use super::table::{CsvError, Row, Table};
use super::*;
use std::collections::{HashMap, HashSet};

type Read<'a> = &'a dyn Fn(&str) -> Result<String, CatalogError>;

pub(super) fn parse_catalog(
    read: impl Fn(&str) -> Result<String, CatalogError>,
) -> Result<SeedCatalog, CatalogError> {
    let read: Read = &read;
    let kinds = kinds(read)?;
    let kind_set: HashSet<&str> = kinds.iter().map(|k| k.code.as_str()).collect();
    let mut codes = CodeRegistry::default();
    let (units, unit_lines) = units(read, &kind_set, &mut codes)?;
    let components = components(read, &kind_set, &mut codes)?;
    let indicators = indicators(read, &components, &mut codes)?;
    check_every_component_has_indicators(&components, &indicators)?;
    let profile_questions = profile_questions(read)?;
    let profile_choices = profile_choices(read, &profile_questions)?;
    let groups = groups(read)?;
    let pci_links = pci_links(read, &units, &components)?;
    let unit_links =
        super::links::unit_links(&table(read, "unit_links.csv", LINK_COLUMNS)?, &units)?;
    super::links::check_territory(&units, &unit_lines, &unit_links)?;
    Ok(SeedCatalog {
        unit_links,
        kinds,
        units,
        components,
        indicators,
        profile_questions,
        profile_choices,
        groups,
        pci_links,
    })
}

fn table(read: Read, file: &str, columns: &[&str]) -> Result<Table, CatalogError> {
    Ok(Table::parse(file, &read(file)?, columns)?)
}

/// A table whose `optional` columns may be left out (catalogs written before they existed).
fn table_with(
    read: Read,
    file: &str,
    columns: &[&str],
    optional: &[&str],
) -> Result<Table, CatalogError> {
    Ok(Table::parse_with(file, &read(file)?, columns, optional)?)
}

const LINK_COLUMNS: &[&str] = &["unit_code", "predecessor_code", "relation", "note"];
const VALIDITY: [&str; 2] = ["valid_from", "valid_to"];

/// Unit, component and indicator codes share one namespace (METHODOLOGY.md §1).
#[derive(Default)]
struct CodeRegistry {
    seen: HashMap<String, String>,
}

impl CodeRegistry {
    fn claim(&mut self, row: &Row, column: &str) -> Result<String, CsvError> {
        let code = row.text(column)?;
        let valid = code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(row.error(column, format!("`{code}` must use only A-Z, 0-9 and _")));
        }
        let here = format!("{} line {}", row_file(row), row.line);
        if let Some(first) = self.seen.insert(code.clone(), here) {
            return Err(row.error(
                column,
                format!("duplicate code `{code}` (first at {first})"),
            ));
        }
        Ok(code)
    }
}

fn row_file(row: &Row) -> String {
    row.error("", "").file
}

fn kinds(read: Read) -> Result<Vec<Kind>, CatalogError> {
    let t = table_with(
        read,
        "kinds.csv",
        &["code", "name_vi", "name_en", "sort_order"],
        &[
            "min_responses",
            "estimator",
            "valid_from",
            "valid_to",
            "intro_vi",
            "intro_en",
        ],
    )?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in t.rows() {
        let code = row.text("code")?;
        let valid = code.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if !valid || !seen.insert(code.clone()) {
            return Err(row
                .error("code", format!("`{code}` is not a new lowercase kind code"))
                .into());
        }
        let (valid_from, valid_to) = row.validity()?;
        let estimator = match row.get("estimator") {
            "" => Estimator::Direct,
            _ => row.parsed("estimator")?,
        };
        out.push(Kind {
            code,
            name_vi: row.text("name_vi")?,
            name_en: row.text("name_en")?,
            sort_order: row.integer("sort_order")?,
            min_responses: row.optional_count("min_responses")?,
            estimator,
            valid_from,
            valid_to,
            intro_vi: row.get("intro_vi").to_string(),
            intro_en: row.get("intro_en").to_string(),
        });
    }
    Ok(out)
}

fn known_kind(row: &Row, kinds: &HashSet<&str>) -> Result<String, CsvError> {
    let kind = row.text("kind")?;
    if !kinds.contains(kind.as_str()) {
        return Err(row.error("kind", format!("unknown kind `{kind}` (not in kinds.csv)")));
    }
    Ok(kind)
}

/// The units with the line of each row. One code may have several rows (a new name from some
/// year on) as long as their validity years do not overlap.
fn units(
    read: Read,
    kinds: &HashSet<&str>,
    codes: &mut CodeRegistry,
) -> Result<(Vec<UnitDef>, Vec<u64>), CatalogError> {
    let t = table_with(
        read,
        "units.csv",
        &["code", "kind", "name_vi", "name_en", "sort_order"],
        &["valid_from", "valid_to", "official_code"],
    )?;
    let mut out: Vec<UnitDef> = Vec::new();
    let mut lines = Vec::new();
    for row in t.rows() {
        let (valid_from, valid_to) = row.validity()?;
        let code = row.text("code")?;
        let earlier = out.iter().zip(&lines).find(|(u, _)| u.code == code);
        let code = match earlier {
            Some((u, line)) => same_code_again(&row, u, *line, (valid_from, valid_to))?,
            None => codes.claim(&row, "code")?,
        };
        let official = row.get("official_code");
        out.push(UnitDef {
            code,
            kind: known_kind(&row, kinds)?,
            name_vi: row.text("name_vi")?,
            name_en: row.text("name_en")?,
            sort_order: row.integer("sort_order")?,
            valid_from,
            valid_to,
            official_code: (!official.is_empty()).then(|| official.to_string()),
        });
        lines.push(row.line);
    }
    Ok((out, lines))
}

/// A second row for a unit code: allowed for another period of the same unit.
fn same_code_again(
    row: &Row,
    first: &UnitDef,
    first_line: u64,
    validity: (Option<i32>, Option<i32>),
) -> Result<String, CsvError> {
    if super::era::overlap((first.valid_from, first.valid_to), validity) {
        let msg = format!(
            "duplicate code `{}` (first at units.csv line {first_line}) with overlapping validity years",
            first.code
        );
        return Err(row.error("code", msg));
    }
    if row.get("kind") != first.kind {
        let msg = format!("code `{}` changes kind (see line {first_line})", first.code);
        return Err(row.error("kind", msg));
    }
    Ok(first.code.clone())
}

fn components(
    read: Read,
    kinds: &HashSet<&str>,
    codes: &mut CodeRegistry,
) -> Result<Vec<ComponentDef>, CatalogError> {
    let columns = ["code", "kind", "name_vi", "name_en", "weight", "sort_order"];
    let t = table(read, "components.csv", &columns)?;
    let mut out = Vec::new();
    for row in t.rows() {
        out.push(ComponentDef {
            code: codes.claim(&row, "code")?,
            kind: known_kind(&row, kinds)?,
            name_vi: row.text("name_vi")?,
            name_en: row.text("name_en")?,
            weight: row.positive("weight")?,
            sort_order: row.integer("sort_order")?,
        });
    }
    Ok(out)
}

const INDICATOR_COLUMNS: &[&str] = &[
    "code",
    "component_code",
    "kind",
    "question_type",
    "aggregate",
    "direction",
    "weight",
    "scale",
    "text_vi",
    "text_en",
    "unit_vi",
    "unit_en",
    "dont_know",
    "sort_order",
];

fn indicators(
    read: Read,
    components: &[ComponentDef],
    codes: &mut CodeRegistry,
) -> Result<Vec<IndicatorDef>, CatalogError> {
    let t = table(read, "indicators.csv", INDICATOR_COLUMNS)?;
    let kind_of: HashMap<&str, &str> = components
        .iter()
        .map(|c| (c.code.as_str(), c.kind.as_str()))
        .collect();
    let mut out = Vec::new();
    for row in t.rows() {
        out.push(indicator(&row, &kind_of, codes)?);
    }
    Ok(out)
}

fn indicator(
    row: &Row,
    kind_of: &HashMap<&str, &str>,
    codes: &mut CodeRegistry,
) -> Result<IndicatorDef, CsvError> {
    let code = codes.claim(row, "code")?;
    let component_code = row.text("component_code")?;
    let Some(component_kind) = kind_of.get(component_code.as_str()) else {
        let msg = format!("unknown component `{component_code}` (not in components.csv)");
        return Err(row.error("component_code", msg));
    };
    let kind = row.text("kind")?;
    if kind != *component_kind {
        let msg = format!("kind `{kind}` differs from its component's kind `{component_kind}`");
        return Err(row.error("kind", msg));
    }
    let question_type: QuestionType = row.parsed("question_type")?;
    let aggregate: Aggregate = row.parsed("aggregate")?;
    if !aggregate.fits(question_type) {
        let msg = format!("aggregate `{aggregate}` does not fit question_type `{question_type}`");
        return Err(row.error("aggregate", msg));
    }
    let scale: Scale = row.parsed("scale")?;
    if scale.question_type() != question_type {
        let msg = format!(
            "scale `{}` does not fit question_type `{question_type}`",
            scale.as_str()
        );
        return Err(row.error("scale", msg));
    }
    Ok(IndicatorDef {
        code,
        component_code,
        kind,
        question_type,
        aggregate,
        direction: row.parsed("direction")?,
        weight: row.positive("weight")?,
        scale,
        text_vi: row.text("text_vi")?,
        text_en: row.text("text_en")?,
        unit_vi: row.get("unit_vi").to_string(),
        unit_en: row.get("unit_en").to_string(),
        dont_know: row.boolean("dont_know")?,
        sort_order: row.integer("sort_order")?,
    })
}

fn check_every_component_has_indicators(
    components: &[ComponentDef],
    indicators: &[IndicatorDef],
) -> Result<(), CsvError> {
    for c in components {
        if !indicators.iter().any(|i| i.component_code == c.code) {
            return Err(CsvError {
                file: "indicators.csv".into(),
                line: 1,
                column: Some("component_code".into()),
                message: format!("component `{}` has no indicator", c.code),
            });
        }
    }
    Ok(())
}

fn profile_questions(read: Read) -> Result<Vec<ProfileQuestionDef>, CatalogError> {
    let columns = ["code", "question_type", "text_vi", "text_en", "sort_order"];
    let t = table_with(read, "profile_questions.csv", &columns, &VALIDITY)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in t.rows() {
        let code = row.text("code")?;
        if !seen.insert(code.clone()) {
            return Err(row.error("code", format!("duplicate code `{code}`")).into());
        }
        let question_type = row.text("question_type")?;
        if !matches!(question_type.as_str(), "single_choice" | "number") {
            let msg = format!("`{question_type}` is not `single_choice` or `number`");
            return Err(row.error("question_type", msg).into());
        }
        let (valid_from, valid_to) = row.validity()?;
        out.push(ProfileQuestionDef {
            code,
            question_type,
            text_vi: row.text("text_vi")?,
            text_en: row.text("text_en")?,
            sort_order: row.integer("sort_order")?,
            valid_from,
            valid_to,
        });
    }
    Ok(out)
}

fn profile_choices(
    read: Read,
    questions: &[ProfileQuestionDef],
) -> Result<Vec<ProfileChoiceDef>, CatalogError> {
    let columns = [
        "question_code",
        "code",
        "label_vi",
        "label_en",
        "sort_order",
    ];
    let t = table_with(read, "profile_choices.csv", &columns, &["former_names"])?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in t.rows() {
        let question_code = row.text("question_code")?;
        if !questions.iter().any(|q| q.code == question_code) {
            let msg = format!("unknown profile question `{question_code}`");
            return Err(row.error("question_code", msg).into());
        }
        let code = row.text("code")?;
        if !seen.insert((question_code.clone(), code.clone())) {
            return Err(row
                .error("code", format!("duplicate choice `{code}`"))
                .into());
        }
        out.push(ProfileChoiceDef {
            question_code,
            code,
            label_vi: row.text("label_vi")?,
            label_en: row.text("label_en")?,
            sort_order: row.integer("sort_order")?,
            former_names: split_names(row.get("former_names")),
        });
    }
    Ok(out)
}

fn split_names(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect()
}

fn groups(read: Read) -> Result<Vec<Group>, CatalogError> {
    let t = table(read, "groups.csv", &["label_vi", "label_en", "min_total"])?;
    let mut out: Vec<Group> = Vec::new();
    let mut last_line = 1;
    for row in t.rows() {
        let min_total = row.optional_number("min_total")?;
        let previous = out.last().map(|g| g.min_total);
        let ordered = match (previous, min_total) {
            (Some(None), _) => false,
            (Some(Some(p)), Some(m)) => m < p,
            _ => true,
        };
        if !ordered {
            let msg =
                "groups must be best first with decreasing min_total; only the last may be empty";
            return Err(row.error("min_total", msg).into());
        }
        out.push(Group {
            label_vi: row.text("label_vi")?,
            label_en: row.text("label_en")?,
            min_total,
        });
        last_line = row.line;
    }
    if out.last().is_none_or(|g| g.min_total.is_some()) {
        return Err(CsvError {
            file: "groups.csv".into(),
            line: last_line,
            column: Some("min_total".into()),
            message: "the last group must have an empty min_total".into(),
        }
        .into());
    }
    Ok(out)
}

fn pci_links(
    read: Read,
    units: &[UnitDef],
    components: &[ComponentDef],
) -> Result<Vec<PciLink>, CatalogError> {
    let columns = [
        "pci_code",
        "name_vi",
        "name_en",
        "pci_weight",
        "lead_unit_code",
        "ddci_component_codes",
    ];
    let t = table_with(read, "pci_accountability.csv", &columns, &VALIDITY)?;
    let mut out = Vec::new();
    for (i, row) in t.rows().enumerate() {
        let lead = row.text("lead_unit_code")?;
        if !units.iter().any(|u| u.code == lead) {
            return Err(row
                .error("lead_unit_code", format!("unknown unit `{lead}`"))
                .into());
        }
        let codes = split_codes(row.get("ddci_component_codes"));
        if let Some(bad) = codes
            .iter()
            .find(|c| !components.iter().any(|k| &k.code == *c))
        {
            let msg = format!("unknown component `{bad}`");
            return Err(row.error("ddci_component_codes", msg).into());
        }
        out.push(PciLink {
            pci_code: row.text("pci_code")?,
            name_vi: row.text("name_vi")?,
            name_en: row.text("name_en")?,
            pci_weight: row.optional_number("pci_weight")?,
            lead_unit_code: lead,
            ddci_component_codes: codes,
            sort_order: i as i32 + 1,
            valid_from: row.validity()?.0,
            valid_to: row.validity()?.1,
        });
    }
    Ok(out)
}

fn split_codes(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}
