//! The public ranking: per kind, ranked units by rank, then the units with too few responses.

use super::charts::{self, Bar};
use super::{number, unit_name, LoadedRun};
use crate::locale::{self, pick};
use crate::package::csvfmt::{opt_count, opt_number};
use crate::scoring::{ranking_order, UnitScore};
use crate::sheet::safe_text;
use serde_json::{json, Value};

/// The ranking's columns, shared by the CSV (after its `kind` column) and the workbook's sheets.
pub(super) const RANKING_COLUMNS: [&str; 16] = [
    "rank",
    "unit_code",
    "unit_name_vi",
    "unit_name_en",
    "total",
    "total_ci_low",
    "total_ci_high",
    "group",
    "responses",
    "total_change",
    "rank_change",
    "total_change_ci_low",
    "total_change_ci_high",
    "change_significant",
    "rank_sensitivity_low",
    "rank_sensitivity_high",
];

/// One kind's scores in `ranking_order`.
pub(super) fn ordered(scores: &[UnitScore], kind: &str) -> Vec<UnitScore> {
    let mut rows: Vec<UnitScore> = scores.iter().filter(|s| s.kind == kind).cloned().collect();
    rows.sort_by(ranking_order);
    rows
}

/// The columns a reader can sort the ranking table by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Rank,
    Name,
    Responses,
    Change,
}

impl SortBy {
    pub fn parse(s: Option<&str>) -> SortBy {
        match s {
            Some("name") => SortBy::Name,
            Some("responses") => SortBy::Responses,
            Some("change") => SortBy::Change,
            _ => SortBy::Rank,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            SortBy::Rank => "rank",
            SortBy::Name => "name",
            SortBy::Responses => "responses",
            SortBy::Change => "change",
        }
    }
}

/// Rows in the reader's order: by rank (the default; the total gives the same order), by
/// name in the page's language, by most responses, or by largest gain.
fn sorted(loaded: &LoadedRun, kind: &str, by: SortBy, lang: &str) -> Vec<UnitScore> {
    let mut rows = ordered(&loaded.result.scores, kind);
    match by {
        SortBy::Rank => {}
        SortBy::Name => {
            rows.sort_by_cached_key(|s| unit_name(loaded, &s.unit_code, lang).to_lowercase())
        }
        SortBy::Responses => rows.sort_by_key(|r| std::cmp::Reverse(r.responses)),
        SortBy::Change => rows.sort_by(|a, b| {
            let key = |s: &UnitScore| s.total_change.unwrap_or(f64::NEG_INFINITY);
            key(b).total_cmp(&key(a))
        }),
    }
    rows
}

/// The bar chart of a kind's ranked units, best first, coloured by group, with intervals.
fn ranking_chart(loaded: &LoadedRun, kind: &str, lang: &str) -> String {
    let bars: Vec<Bar> = ordered(&loaded.result.scores, kind)
        .iter()
        .filter_map(|s| {
            Some(Bar {
                label: unit_name(loaded, &s.unit_code, lang).to_string(),
                value: s.total?,
                interval: s.total_ci_low.zip(s.total_ci_high),
                group: s.group_index,
                marker: None,
            })
        })
        .collect();
    if bars.is_empty() {
        return String::new();
    }
    let axis = locale::text(lang, "chart-ranking-axis");
    charts::bars(&bars, (0.0, 100.0), &axis, lang).unwrap_or_else(|e| {
        tracing::error!(error = %e, "ranking chart failed");
        String::new()
    })
}

/// What the ranking page shows, in the page's language.
pub fn ranking_view(loaded: &LoadedRun, lang: &str, by: SortBy) -> Value {
    let legend: Vec<Value> = loaded
        .config
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| json!({"label": pick(lang, &g.label_vi, &g.label_en), "colour": charts::group_colour(i), "class": format!("g{i}")}))
        .collect();
    let kinds: Vec<Value> = loaded
        .catalog
        .kinds
        .iter()
        .map(|k| {
            let rows: Vec<Value> = sorted(loaded, &k.code, by, lang)
                .iter()
                .map(|s| {
                    let group = s.group_index.and_then(|i| loaded.config.groups.get(i));
                    json!({
                        "rank": s.rank,
                        "code": s.unit_code,
                        "name": unit_name(loaded, &s.unit_code, lang),
                        "total": number(s.total, lang, 2),
                        "ci": s.total_ci_low.zip(s.total_ci_high).map(|(l, h)| format!("{} – {}", number(Some(l), lang, 2), number(Some(h), lang, 2))),
                        "group": group.map(|g| pick(lang, &g.label_vi, &g.label_en)),
                        "group_class": s.group_index.map(|i| format!("g{i}")),
                        "responses": s.responses,
                        "change": s.total_change.map(|c| format!("{}{}", if c > 0.0 { "+" } else { "" }, number(Some(c), lang, 2))),
                        "rank_change": s.rank_change,
                        "significant": s.change_significant == Some(true),
                        "ranked": s.ranked,
                        "few": super::few_responses(s),
                        "count_only": s.count_only,
                    })
                })
                .collect();
            json!({
                "name": pick(lang, &k.name_vi, &k.name_en),
                "rows": rows,
                "chart": ranking_chart(loaded, &k.code, lang),
            })
        })
        .collect();
    json!({
        "year": loaded.cycle.year, "kinds": kinds, "min_responses": loaded.config.min_responses,
        "few_below": super::FEW_RESPONSES,
        "legend": legend, "sort": by.as_str(),
        // The note on "significant" only where a change has an interval to judge it by.
        "any_change_interval": loaded.result.scores.iter().any(|s| s.total_change_ci_low.is_some()),
    })
}

/// A published year in a few numbers, for the results index: per kind with ranked units, how
/// many of its units were ranked, and the best and the worst by total.
pub fn headline_view(loaded: &LoadedRun, lang: &str) -> Value {
    let kinds: Vec<Value> = loaded
        .catalog
        .kinds
        .iter()
        .filter_map(|k| {
            let of_kind = || loaded.result.scores.iter().filter(|s| s.kind == k.code);
            let mut ranked: Vec<_> = of_kind().filter(|s| s.ranked && s.rank.is_some()).collect();
            ranked.sort_by_key(|s| s.rank);
            let unit = |s: &crate::scoring::UnitScore| {
                json!({
                    "code": s.unit_code,
                    "name": unit_name(loaded, &s.unit_code, lang),
                    "total": number(s.total, lang, 2),
                    "rank": s.rank,
                })
            };
            let (best, worst) = (ranked.first()?, ranked.last()?);
            Some(json!({
                "name": pick(lang, &k.name_vi, &k.name_en),
                "ranked": ranked.len(),
                "units": of_kind().count(),
                "best": unit(best),
                "worst": unit(worst),
            }))
        })
        .collect();
    let evaluations: u32 = loaded.result.scores.iter().map(|s| s.responses).sum();
    json!({"year": loaded.cycle.year, "kinds": kinds, "evaluations": evaluations})
}

/// The ranking as CSV for spreadsheets: UTF-8 with a BOM (so Excel shows Vietnamese), `.` as
/// the decimal point, every text cell spreadsheet-safe.
pub fn ranking_csv(loaded: &LoadedRun) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(std::iter::once("kind").chain(RANKING_COLUMNS))?;
    for k in &loaded.catalog.kinds {
        for s in ordered(&loaded.result.scores, &k.code) {
            let unit = loaded.catalog.units.iter().find(|u| u.code == s.unit_code);
            w.write_record([
                safe_text(&s.kind),
                opt_count(s.rank),
                safe_text(&s.unit_code),
                safe_text(unit.map_or("", |u| u.name_vi.as_str())),
                safe_text(unit.map_or("", |u| u.name_en.as_str())),
                opt_number(s.total),
                opt_number(s.total_ci_low),
                opt_number(s.total_ci_high),
                s.group.as_deref().map(safe_text).unwrap_or_default(),
                s.responses.to_string(),
                opt_number(s.total_change),
                opt_count(s.rank_change),
                opt_number(s.total_change_ci_low),
                opt_number(s.total_change_ci_high),
                opt_count(s.change_significant),
                opt_count(s.rank_sensitivity_low),
                opt_count(s.rank_sensitivity_high),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
