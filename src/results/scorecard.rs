//! One unit's scorecard: its total and rank, each component against the kind's median, each
//! indicator in plain words with its interval and score, its strongest and weakest
//! indicators, and the trend over published years.

use super::charts::{self, Bar, Series};
use super::{number, unit_name, LoadedRun};
use crate::catalog::{IndicatorDef, Scale};
use crate::locale::{self, pick};
use crate::scoring::model::{Aggregate, Direction, QuestionType};
use crate::scoring::{IndicatorScore, ScoringResult};
use serde_json::{json, Value};

/// One earlier (or this) published year of the unit, for the trend.
pub struct YearOf {
    pub year: i32,
    pub result: ScoringResult,
}

/// Median of the kind's scores on a component (ranked units only).
fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    Some(if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    })
}

fn component_score(result: &ScoringResult, unit: &str, component: &str) -> Option<f64> {
    result
        .component_scores
        .iter()
        .find(|c| c.unit_code == unit && c.component_code == component)
        .and_then(|c| c.score)
}

fn components(loaded: &LoadedRun, unit: &str, kind: &str, lang: &str) -> Vec<Value> {
    let ranked: Vec<&str> = loaded
        .result
        .scores
        .iter()
        .filter(|s| s.kind == kind && s.ranked)
        .map(|s| s.unit_code.as_str())
        .collect();
    loaded
        .catalog
        .components
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| {
            let kind_median = median(
                ranked
                    .iter()
                    .filter_map(|u| component_score(&loaded.result, u, &c.code))
                    .collect(),
            );
            let score = component_score(&loaded.result, unit, &c.code);
            json!({
                "name": pick(lang, &c.name_vi, &c.name_en),
                "score_value": score, "median_value": kind_median,
                "score": number(score, lang, 2), "median": number(kind_median, lang, 2),
            })
        })
        .collect()
}

/// The Fluent key that says an indicator's raw value in plain words.
fn phrase_key(def: &IndicatorDef) -> &'static str {
    match (def.aggregate, def.question_type) {
        (Aggregate::ShareAgree, _) => "indicator-agree",
        (Aggregate::ShareYes, _) => "indicator-yes",
        (Aggregate::Mean, QuestionType::Likert5) => "indicator-mean-scale",
        (Aggregate::Mean, _) => "indicator-mean",
        (Aggregate::Median, _) => "indicator-median",
    }
}

/// Digits after the decimal comma: shares as whole percent; a count or a number of days that
/// is whole ("4 lần", not "4,0 lần") without any; other means and medians with one.
fn decimals_of(def: &IndicatorDef, s: &IndicatorScore) -> usize {
    let whole = |x: Option<f64>| x.is_none_or(|v| (v - v.round()).abs() < 1e-9);
    let shares = matches!(def.aggregate, Aggregate::ShareAgree | Aggregate::ShareYes);
    let whole_number =
        def.scale == Scale::Number && whole(s.raw_value) && whole(s.ci_low) && whole(s.ci_high);
    if shares || whole_number {
        0
    } else {
        1
    }
}

/// "càng cao càng tốt" / "càng thấp càng tốt": a reader cannot tell from "23% agree that
/// informal charges are common" alone whether 23% is good.
fn direction_key(def: &IndicatorDef) -> &'static str {
    match def.direction {
        Direction::HigherBetter => "direction-higher-better",
        Direction::LowerBetter => "direction-lower-better",
    }
}

fn indicator(def: &IndicatorDef, s: &IndicatorScore, lang: &str) -> Value {
    let decimals = decimals_of(def, s);
    json!({
        "phrase_key": phrase_key(def),
        "direction_key": direction_key(def),
        "value": number(s.raw_value, lang, decimals),
        "text": pick(lang, &def.text_vi, &def.text_en),
        "unit": pick(lang, &def.unit_vi, &def.unit_en),
        "ci": s.ci_low.zip(s.ci_high).map(|(l, h)| format!("{} – {}", number(Some(l), lang, decimals), number(Some(h), lang, decimals))),
        "score": number(s.score, lang, 2),
        "n": s.n,
        "has_value": s.raw_value.is_some(),
    })
}

fn indicators_of<'a>(
    loaded: &'a LoadedRun,
    unit: &str,
) -> Vec<(&'a IndicatorDef, &'a IndicatorScore)> {
    loaded
        .catalog
        .indicators
        .iter()
        .filter_map(|d| {
            let s = loaded
                .result
                .indicator_scores
                .iter()
                .find(|s| s.unit_code == unit && s.indicator_code == d.code)?;
            Some((d, s))
        })
        .collect()
}

/// The three best and three worst indicators by indicator score (1–10, the direction already
/// applied), never by raw value: a low share of firms reporting informal charges is a
/// strength. Ties in catalog order; with fewer than six scored, no indicator is both.
fn extremes(list: &[(&IndicatorDef, &IndicatorScore)], lang: &str) -> (Vec<Value>, Vec<Value>) {
    let mut scored: Vec<_> = list.iter().filter(|(_, s)| s.score.is_some()).collect();
    scored.sort_by(|a, b| {
        b.1.score
            .unwrap_or(0.0)
            .total_cmp(&a.1.score.unwrap_or(0.0))
    });
    let n_best = scored.len().div_ceil(2).min(3);
    let n_worst = (scored.len() - n_best).min(3);
    let best = scored
        .iter()
        .take(n_best)
        .map(|(d, s)| indicator(d, s, lang))
        .collect();
    let worst = scored
        .iter()
        .rev()
        .take(n_worst)
        .map(|(d, s)| indicator(d, s, lang))
        .collect();
    (best, worst)
}

/// The median total of the ranked units of `kind`, and how far `total` is from it.
fn against_median(loaded: &LoadedRun, kind: &str, total: Option<f64>) -> Option<(f64, f64)> {
    let totals = (loaded.result.scores.iter())
        .filter(|s| s.kind == kind && s.ranked)
        .filter_map(|s| s.total)
        .collect();
    let m = median(totals)?;
    Some((m, total? - m))
}

fn trend_charts(
    loaded: &LoadedRun,
    unit: &str,
    kind: &str,
    years: &[YearOf],
    lang: &str,
) -> (String, String) {
    let total = Series {
        label: locale::text(lang, "chart-trend-total"),
        points: years
            .iter()
            .filter_map(|y| {
                let s = y.result.scores.iter().find(|s| s.unit_code == unit)?;
                Some((y.year, s.total?))
            })
            .collect(),
    };
    let components: Vec<Series> = loaded
        .catalog
        .components
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| Series {
            label: pick(lang, &c.name_vi, &c.name_en).clone(),
            points: years
                .iter()
                .filter_map(|y| Some((y.year, component_score(&y.result, unit, &c.code)?)))
                .collect(),
        })
        .collect();
    // A trend needs two published years with a total; one point (or none: a new unit, a unit
    // not ranked) would draw an empty chart.
    if total.points.len() < 2 {
        return (String::new(), String::new());
    }
    let axis = locale::text(lang, "chart-trend-axis");
    let draw = |r: Result<String, String>| {
        r.unwrap_or_else(|e| {
            tracing::error!(error = %e, "trend chart failed");
            String::new()
        })
    };
    (
        draw(charts::trend(&[total], (0.0, 100.0), &axis, lang)),
        draw(charts::trend(&components, (1.0, 10.0), &axis, lang)),
    )
}

/// The scorecard of `unit` in the page's language, or `None` for a code not in the catalog.
pub fn scorecard_view(
    loaded: &LoadedRun,
    unit: &str,
    years: &[YearOf],
    lang: &str,
) -> Option<Value> {
    let def = loaded.catalog.units.iter().find(|u| u.code == unit)?;
    let score = loaded.result.scores.iter().find(|s| s.unit_code == unit)?;
    let kind = loaded.catalog.kinds.iter().find(|k| k.code == def.kind)?;
    let comps = components(loaded, unit, &def.kind, lang);
    let bars: Vec<Bar> = comps
        .iter()
        .filter_map(|c| {
            Some(Bar {
                label: c["name"].as_str()?.to_string(),
                value: c["score_value"].as_f64()?,
                interval: None,
                group: score.group_index,
                marker: c["median_value"].as_f64(),
            })
        })
        .collect();
    let axis = locale::text(lang, "chart-components-axis");
    let components_chart = charts::bars(&bars, (0.0, 10.0), &axis, lang).unwrap_or_default();
    let list = indicators_of(loaded, unit);
    let (best, worst) = extremes(&list, lang);
    let blocks: Vec<Value> = loaded.catalog.components.iter().filter(|c| c.kind == def.kind).map(|c| json!({
        "name": pick(lang, &c.name_vi, &c.name_en),
        "indicators": list.iter().filter(|(d, _)| d.component_code == c.code).map(|(d, s)| indicator(d, s, lang)).collect::<Vec<_>>(),
    })).collect();
    let (trend_total, trend_components) = trend_charts(loaded, unit, &def.kind, years, lang);
    let ranked_in_kind = loaded
        .result
        .scores
        .iter()
        .filter(|s| s.kind == def.kind && s.ranked)
        .count();
    let group = score.group_index.and_then(|i| loaded.config.groups.get(i));
    let vs_median = against_median(loaded, &def.kind, score.total).map(|(m, d)| {
        let sign = if d > 0.0 { "+" } else { "" };
        json!({"median": number(Some(m), lang, 2), "diff": format!("{sign}{}", number(Some(d), lang, 2))})
    });
    Some(json!({
        "year": loaded.cycle.year, "code": unit, "name": unit_name(loaded, unit, lang),
        "kind": pick(lang, &kind.name_vi, &kind.name_en),
        "ranked": score.ranked, "responses": score.responses, "min_responses": loaded.config.min_responses_for(&def.kind),
        "few": super::few_responses(score), "few_below": super::FEW_RESPONSES, "count_only": score.count_only,
        "total": number(score.total, lang, 2), "rank": score.rank, "of": ranked_in_kind,
        "ci": score.total_ci_low.zip(score.total_ci_high).map(|(l, h)| format!("{} – {}", number(Some(l), lang, 2), number(Some(h), lang, 2))),
        "rank_ci": score.rank_ci_low.zip(score.rank_ci_high).map(|(l, h)| format!("{l} – {h}")),
        "group": group.map(|g| pick(lang, &g.label_vi, &g.label_en)),
        "change": score.total_change.map(|c| format!("{}{}", if c > 0.0 { "+" } else { "" }, number(Some(c), lang, 2))),
        "change_note": super::change_note(score, lang),
        "sensitivity": score.rank.zip(score.rank_sensitivity_low.zip(score.rank_sensitivity_high)).map(|(rank, (low, high))| json!({"rank": rank, "low": low, "high": high, "stable": low == high})),
        "vs_median": vs_median,
        "components": comps, "components_chart": components_chart,
        "blocks": blocks, "best": best, "worst": worst,
        "trend_total": trend_total, "trend_components": trend_components,
        "years": years.iter().map(|y| y.year).collect::<Vec<_>>(),
    }))
}

/// A predecessor of the unit (the cycle's `unit_links.csv`), with its name.
#[derive(Debug, Clone)]
pub struct Predecessor {
    pub code: String,
    pub relation: String,
    pub name_vi: String,
    pub name_en: String,
}

/// "A, B và C" / "A, B and C".
fn joined(names: &[String], lang: &str) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{}{}{last}", rest.join(", "), pick(lang, " và ", " and ")),
    }
}

/// What the scorecard says of a unit formed in the reorganisation (METHODOLOGY.md §9): whom it
/// succeeds, its backcast for a merger, and for a split or a commune the predecessors' last
/// published totals, labelled as another unit's. `None` for a unit without predecessors.
pub fn succession_view(
    loaded: &LoadedRun,
    unit: &str,
    preds: &[Predecessor],
    years: &[YearOf],
    lang: &str,
) -> Option<Value> {
    let relation = preds.first()?.relation.as_str();
    let score = loaded.result.scores.iter().find(|s| s.unit_code == unit)?;
    let names: Vec<String> = preds
        .iter()
        .map(|p| pick(lang, &p.name_vi, &p.name_en).clone())
        .collect();
    let earlier: Vec<&YearOf> = years
        .iter()
        .rev()
        .filter(|y| y.year < loaded.cycle.year)
        .collect();
    let backcast = (relation == "merged")
        .then(|| score.total.zip(score.total_change))
        .flatten()
        .map(|(now, change)| number(Some(now - change), lang, 2));
    // §9: the backcast comes from the latest published run in which every predecessor had at
    // least 5 evaluations.
    let backcast_year = earlier
        .iter()
        .find(|y| {
            preds.iter().all(|p| {
                (y.result.scores.iter()).any(|s| s.unit_code == p.code && s.responses >= 5)
            })
        })
        .map(|y| y.year);
    let context: Vec<Value> = if matches!(relation, "split_from" | "territory") {
        preds
            .iter()
            .zip(&names)
            .filter_map(|(p, name)| {
                earlier.iter().find_map(|y| {
                    let s = y.result.scores.iter().find(|s| s.unit_code == p.code)?;
                    let total = number(Some(s.total?), lang, 2);
                    Some(json!({"name": name, "year": y.year, "total": total}))
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(json!({
        "text_key": format!("succession-{}", relation.replace('_', "-")),
        "names": joined(&names, lang),
        "backcast": backcast.filter(|_| backcast_year.is_some()),
        "backcast_year": backcast_year,
        "context": context,
    }))
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn names_are_joined_as_a_sentence_reads() {
        let names = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(super::joined(&names(&["A"]), "vi"), "A");
        assert_eq!(super::joined(&names(&["A", "B"]), "vi"), "A và B");
        assert_eq!(super::joined(&names(&["A", "B", "C"]), "en"), "A, B and C");
    }

    #[test]
    fn median_of_odd_and_even_lists() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}
