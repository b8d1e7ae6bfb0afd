//! The what-if view of a published run (API and page): §5 with other component weights, from
//! the published component scores, beside the published totals and ranks.

use super::{number, unit_name, LoadedRun};
use crate::locale::pick;
use crate::scoring::what_if::{self, WeightError, WeightedComponent, WhatIfUnit};
use crate::scoring::UnitScore;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The run's components with their published weights.
pub fn components(loaded: &LoadedRun) -> Vec<WeightedComponent> {
    (loaded.catalog.components.iter())
        .map(|c| WeightedComponent {
            code: c.code.clone(),
            kind: c.kind.clone(),
            weight: c.weight,
        })
        .collect()
}

/// The `w[CODE]` entries of a query string's pairs (other parameters are not weights).
pub fn overrides(pairs: &[(String, String)]) -> Vec<(String, String)> {
    (pairs.iter())
        .filter_map(|(k, v)| {
            let code = k.strip_prefix("w[")?.strip_suffix(']')?;
            Some((code.to_string(), v.clone()))
        })
        .collect()
}

/// The weights in force (by component code) and every unit under them.
pub type Recomputed = (BTreeMap<String, f64>, Vec<WhatIfUnit>);

/// The weights in force and every unit under them, in ranking order per kind.
pub fn compute(
    loaded: &LoadedRun,
    overrides: &[(String, String)],
) -> Result<Recomputed, Vec<WeightError>> {
    let components = components(loaded);
    let weights = what_if::weights(&components, overrides)?;
    let mut units = what_if::recompute(
        &components,
        &loaded.result.component_scores,
        &weights,
        &loaded.config.groups,
    );
    units.sort_by(|a, b| {
        (&a.kind, a.rank.is_none(), a.rank, &a.unit_code).cmp(&(
            &b.kind,
            b.rank.is_none(),
            b.rank,
            &b.unit_code,
        ))
    });
    Ok((weights, units))
}

/// The unit's published row.
pub fn published<'a>(loaded: &'a LoadedRun, code: &str) -> Option<&'a UnitScore> {
    loaded.result.scores.iter().find(|s| s.unit_code == code)
}

/// The page's data: per kind, a slider per component and the units' new and published ranks.
pub fn page_view(
    loaded: &LoadedRun,
    lang: &str,
    weights: &BTreeMap<String, f64>,
    units: &[WhatIfUnit],
    errors: &[WeightError],
) -> Value {
    let kinds: Vec<Value> = (loaded.catalog.kinds.iter())
        .filter(|k| units.iter().any(|u| u.kind == k.code))
        .map(|k| {
            let sliders: Vec<Value> = (loaded.catalog.components.iter())
                .filter(|c| c.kind == k.code)
                .map(|c| {
                    let w = weights.get(&c.code).copied().unwrap_or(c.weight);
                    // From 0 to twice the published weight (or to the weight tried, if above),
                    // in twentieths of the published weight.
                    let base = if c.weight > 0.0 { c.weight } else { 1.0 };
                    json!({
                        "code": c.code, "name": pick(lang, &c.name_vi, &c.name_en),
                        "value": w, "shown": number(Some(w), lang, 1),
                        "published": number(Some(c.weight), lang, 1),
                        "max": (2.0 * base).max(w), "step": base / 20.0,
                    })
                })
                .collect();
            // `compute` already orders units by kind, new rank, code.
            let rows: Vec<Value> = (units.iter())
                .filter(|u| u.kind == k.code)
                .map(|u| {
                    let p = published(loaded, &u.unit_code);
                    let moved = u.rank.zip(p.and_then(|p| p.rank)).map(|(now, then)| i64::from(then) - i64::from(now));
                    json!({
                        "name": unit_name(loaded, &u.unit_code, lang), "code": u.unit_code,
                        "rank": u.rank, "total": number(u.total, lang, 2),
                        "published_rank": p.and_then(|p| p.rank),
                        "published_total": number(p.and_then(|p| p.total), lang, 2),
                        "moved": moved.filter(|m| *m != 0).map(|m| format!("{}{m}", if m > 0 { "+" } else { "" })),
                    })
                })
                .collect();
            json!({"name": pick(lang, &k.name_vi, &k.name_en), "sliders": sliders, "rows": rows})
        })
        .collect();
    let errors: Vec<Value> = (errors.iter())
        .map(|e| json!({"field": e.field, "message": e.message}))
        .collect();
    json!({"year": loaded.cycle.year, "kinds": kinds, "errors": errors})
}
