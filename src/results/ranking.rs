//! The public ranking: per kind, ranked units by rank, then the units with too few responses.

use super::{vi_number, LoadedRun};
use crate::package::csvfmt::{opt_count, opt_number, safe_text};
use crate::scoring::UnitScore;
use serde_json::{json, Value};

fn unit_name<'a>(loaded: &'a LoadedRun, code: &'a str, lang: &str) -> &'a str {
    loaded
        .catalog
        .units
        .iter()
        .find(|u| u.code == code)
        .map_or(code, |u| if lang == "en" { &u.name_en } else { &u.name_vi })
}

fn fmt(x: Option<f64>, lang: &str, decimals: usize) -> String {
    x.map(|v| {
        if lang == "en" {
            format!("{v:.decimals$}")
        } else {
            vi_number(v, decimals)
        }
    })
    .unwrap_or_default()
}

/// Ranked units first by rank (ties by code), then unranked units by code.
fn ordered(scores: &[UnitScore], kind: &str) -> Vec<UnitScore> {
    let mut rows: Vec<UnitScore> = scores.iter().filter(|s| s.kind == kind).cloned().collect();
    rows.sort_by(|a, b| {
        (a.rank.is_none(), a.rank, &a.unit_code).cmp(&(b.rank.is_none(), b.rank, &b.unit_code))
    });
    rows
}

/// What the ranking page shows, in the page's language.
pub fn ranking_view(loaded: &LoadedRun, lang: &str) -> Value {
    let kinds: Vec<Value> = loaded
        .catalog
        .kinds
        .iter()
        .map(|k| {
            let rows: Vec<Value> = ordered(&loaded.result.scores, &k.code)
                .iter()
                .map(|s| {
                    let group = s.group_index.and_then(|i| loaded.config.groups.get(i));
                    json!({
                        "rank": s.rank,
                        "name": unit_name(loaded, &s.unit_code, lang),
                        "total": fmt(s.total, lang, 2),
                        "ci": s.total_ci_low.zip(s.total_ci_high).map(|(l, h)| format!("{} – {}", fmt(Some(l), lang, 2), fmt(Some(h), lang, 2))),
                        "group": group.map(|g| if lang == "en" { g.label_en.clone() } else { g.label_vi.clone() }),
                        "group_class": s.group_index.map(|i| format!("g{i}")),
                        "responses": s.responses,
                        "change": s.total_change.map(|c| format!("{}{}", if c > 0.0 { "+" } else { "" }, fmt(Some(c), lang, 2))),
                        "rank_change": s.rank_change,
                        "ranked": s.ranked,
                    })
                })
                .collect();
            json!({"name": if lang == "en" { &k.name_en } else { &k.name_vi }, "rows": rows})
        })
        .collect();
    json!({"year": loaded.cycle.year, "kinds": kinds, "min_responses": loaded.config.min_responses})
}

/// The ranking as CSV for spreadsheets: UTF-8 with a BOM (so Excel shows Vietnamese), `.` as
/// the decimal point, every text cell spreadsheet-safe.
pub fn ranking_csv(loaded: &LoadedRun) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "kind",
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
    ])?;
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
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
