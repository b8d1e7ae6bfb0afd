//! Turns the engine's index-based state into the published rows (METHODOLOGY.md §7), in catalog
//! order: units as listed, indicators and components as listed within each kind.

use super::calibration::change_interval;
use super::engine::{Layout, Point, UnitInterval};
use super::history::previous;
use super::model::{Catalog, Config, PublishedCycle};
use super::prepare::Plan;
use super::rank::group_of;
use super::result::{
    ChangeBasis, ComponentScore, IndicatorScore, KindSummary, ScoringResult, ShrinkageRow,
    UnitScore,
};

/// Everything the row builders read.
pub(crate) struct Parts<'a> {
    pub catalog: &'a Catalog,
    pub config: &'a Config,
    pub year: i32,
    pub history: &'a [PublishedCycle],
    pub plan: &'a Plan,
    pub layout: &'a Layout,
    pub point: &'a Point,
}

pub(crate) fn build(p: &Parts, intervals: &[UnitInterval]) -> ScoringResult {
    let mut result = ScoringResult {
        year: p.year,
        ..ScoringResult::default()
    };
    // `intervals` has one entry per catalog unit.
    for (u, &interval) in intervals.iter().enumerate() {
        result.indicator_scores.extend(indicator_rows(p, u));
        result.component_scores.extend(component_rows(p, u));
        result.scores.push(unit_row(p, u, interval));
    }
    result.summary = summaries(p, &result.scores);
    result.shrinkage = shrinkage_rows(p);
    result.warnings = p.plan.warnings.clone();
    if p.plan.units.iter().all(|u| u.n_evals() == 0) {
        result
            .warnings
            .push("no responses: no unit was evaluated".to_string());
    }
    // By kind name, like the published tables: the order of units in the catalog changes
    // nothing.
    let mut unranked: Vec<&str> = (result.summary.iter())
        .filter(|s| s.ranked_units == 0)
        .map(|s| s.kind.as_str())
        .collect();
    unranked.sort_unstable();
    let warnings: Vec<String> = (unranked.iter())
        .map(|k| format!("no ranked unit of kind {k}"))
        .collect();
    result.warnings.extend(warnings);
    result
}

/// (kind, row) of a ranked unit.
fn ranked_at(p: &Parts, u: usize) -> Option<(usize, usize)> {
    Some((p.plan.units[u].kind, p.layout.row[u]?))
}

/// §8 parameters, ordered by kind and indicator code.
fn shrinkage_rows(p: &Parts) -> Vec<ShrinkageRow> {
    let mut rows: Vec<ShrinkageRow> = (p.point.params.iter())
        .map(|&(k, i, params)| ShrinkageRow {
            kind: p.plan.kinds[k].name.clone(),
            indicator_code: p.catalog.indicators[p.plan.kinds[k].indicators[i]]
                .code
                .clone(),
            m: params.m,
            mu: params.mu,
            sigma2: params.sigma2,
            tau2: params.tau2,
        })
        .collect();
    rows.sort_by(|a, b| (&a.kind, &a.indicator_code).cmp(&(&b.kind, &b.indicator_code)));
    rows
}

/// Rows of a unit; none for a unit that publishes its count only (§3).
fn indicator_rows(p: &Parts, u: usize) -> Vec<IndicatorScore> {
    if p.layout.count_only[u] {
        return Vec::new();
    }
    let unit = &p.plan.units[u];
    let kind = &p.plan.kinds[unit.kind];
    let ranked = ranked_at(p, u);
    let rows = kind.output_order.iter().map(|&i| (i, kind.indicators[i]));
    rows.filter(|(i, _)| unit.n[*i] > 0)
        .map(|(i, ci)| {
            let bounds = ranked.and_then(|(k, _)| p.point.works[k].bounds[i]);
            let interval = p.point.ci[u][i];
            IndicatorScore {
                unit_code: p.catalog.units[u].code.clone(),
                indicator_code: p.catalog.indicators[ci].code.clone(),
                n: unit.n[i],
                raw_value: p.point.raw[u][i],
                ci_low: interval.map(|c| c.0),
                ci_high: interval.map(|c| c.1),
                pool_min: bounds.map(|b| b.min),
                pool_max: bounds.map(|b| b.max),
                score: ranked.and_then(|(k, row)| p.point.works[k].score(kind, row, i)),
                weight_sum: p.point.weight_sums[u][i].map(|s| s.0),
                weight_sq_sum: p.point.weight_sums[u][i].map(|s| s.1),
                within_ss: p.point.stats[u][i].map(|s| s.within_ss),
                estimate: p.point.estimate[u][i],
                shrinkage: p.point.shrinkage[u][i],
            }
        })
        .collect()
}

/// Component scores of a ranked unit, `None` where missing.
fn component_values<'a>(p: &Parts<'a>, u: usize) -> Option<&'a [Option<f64>]> {
    let (k, row) = ranked_at(p, u)?;
    let width = p.plan.kinds[k].components.len();
    Some(&p.point.works[k].comps[row * width..(row + 1) * width])
}

fn component_rows(p: &Parts, u: usize) -> Vec<ComponentScore> {
    let Some(values) = component_values(p, u) else {
        return Vec::new();
    };
    let kind = &p.plan.kinds[p.plan.units[u].kind];
    let rows = kind.components.iter().zip(values);
    rows.map(|(&c, &score)| ComponentScore {
        unit_code: p.catalog.units[u].code.clone(),
        component_code: p.catalog.components[c].code.clone(),
        score,
    })
    .collect()
}

fn unit_row(p: &Parts, u: usize, interval: UnitInterval) -> UnitScore {
    let unit = &p.catalog.units[u];
    let point =
        ranked_at(p, u).map(|(k, row)| (p.point.works[k].totals[row], p.point.works[k].ranks[row]));
    let (total, rank) = point.unwrap_or((None, None));
    let group_index = total.and_then(|t| group_of(t, &p.config.groups));
    let before = total.and_then(|_| previous(p.history, p.year, &unit.code));
    let kind = &p.plan.kinds[p.plan.units[u].kind];
    let missing = component_values(p, u)
        .unwrap_or_default()
        .iter()
        .zip(&kind.components);
    UnitScore {
        unit_code: unit.code.clone(),
        kind: unit.kind.clone(),
        responses: u32::try_from(p.plan.units[u].n_evals()).unwrap_or(u32::MAX),
        ranked: p.layout.row[u].is_some(),
        total,
        rank,
        group: group_index.map(|g| p.config.groups[g].label_vi.clone()),
        group_index,
        total_ci_low: interval.total.map(|c| c.0),
        total_ci_high: interval.total.map(|c| c.1),
        rank_ci_low: interval.rank.map(|c| c.0),
        rank_ci_high: interval.rank.map(|c| c.1),
        total_change: before
            .zip(total)
            .map(|((then, _), now)| now - then)
            .filter(|d| d.is_finite()),
        rank_change: before
            .zip(rank)
            .map(|((_, then), now)| i64::from(then) - i64::from(now)),
        change_basis: before.map(|_| ChangeBasis::SameUnit),
        total_change_ci_low: None,
        total_change_ci_high: None,
        change_significant: None,
        rank_sensitivity_low: None,
        rank_sensitivity_high: None,
        count_only: p.layout.count_only[u],
        missing_components: missing
            .filter(|(s, _)| s.is_none())
            .map(|(_, &c)| p.catalog.components[c].code.clone())
            .collect(),
    }
}

/// The change intervals of same-unit changes (§5, §6), from this run's replicates and those
/// stored with the earlier run the change compares with. `succession::apply` redoes it for
/// renamed units and clears it for backcasts and not-comparable units.
pub(crate) fn add_changes(result: &mut ScoringResult, history: &[PublishedCycle]) {
    let year = result.year;
    for s in &mut result.scores {
        let then = previous_replicates(history, year, &s.unit_code);
        let now = result.replicate_totals.get(&s.unit_code);
        set_change_interval(s, now.map(Vec::as_slice), then);
    }
}

/// The replicates of `unit` in the run `history::previous` compares with.
pub(crate) fn previous_replicates<'a>(
    history: &'a [PublishedCycle],
    year: i32,
    unit: &str,
) -> Option<&'a [f64]> {
    let (then_year, _, _) = super::history::previous_in(history, year, unit)?;
    let run = history.iter().find(|h| h.year == then_year)?;
    run.replicate_totals.get(unit).map(Vec::as_slice)
}

/// Sets (or clears) the change interval columns of one row.
pub(crate) fn set_change_interval(s: &mut UnitScore, now: Option<&[f64]>, then: Option<&[f64]>) {
    let interval = match (s.total_change, now, then) {
        (Some(change), Some(now), Some(then)) => change_interval(change, now, then),
        _ => None,
    };
    s.total_change_ci_low = interval.map(|c| c.low);
    s.total_change_ci_high = interval.map(|c| c.high);
    s.change_significant = interval.map(|c| c.significant());
}

/// Rank ranges over random weights (`scoring::sensitivity`) of every ranked unit.
pub(crate) fn add_sensitivity(p: &Parts, result: &mut ScoringResult) {
    use super::sensitivity::{rank_ranges, KindScores, DRAWS};
    let kinds: Vec<KindScores> = (p.plan.kinds.iter().zip(&p.point.works))
        .map(|(kind, work)| {
            let width = kind.components.len().max(1);
            KindScores {
                name: &kind.name,
                weights: &kind.comp_weight,
                rows: work.comps.chunks(width).take(work.totals.len()).collect(),
                ranks: work.ranks.clone(),
            }
        })
        .collect();
    let ranges = rank_ranges(&kinds, p.config.bootstrap_seed, DRAWS);
    for (u, score) in result.scores.iter_mut().enumerate() {
        let Some((k, row)) = ranked_at(p, u) else {
            continue;
        };
        let range = ranges[k][row];
        score.rank_sensitivity_low = range.map(|r| r.0);
        score.rank_sensitivity_high = range.map(|r| r.1);
    }
}

/// Per kind: ranked units, and the median and mean of their totals.
fn summaries(p: &Parts, scores: &[UnitScore]) -> Vec<KindSummary> {
    let summary = |name: &String| {
        let ranked = scores.iter().filter(|s| s.ranked && &s.kind == name);
        let mut totals: Vec<f64> = ranked.clone().filter_map(|s| s.total).collect();
        totals.sort_by(f64::total_cmp);
        KindSummary {
            kind: name.clone(),
            ranked_units: u32::try_from(ranked.count()).unwrap_or(u32::MAX),
            median_total: median(&totals),
            mean_total: mean(&totals),
        }
    };
    p.plan
        .kinds
        .iter()
        .filter(|k| !k.units.is_empty())
        .map(|k| summary(&k.name))
        .collect()
}

/// Ordinary median of ascending values (mean of the two middle ones for an even count).
fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    let m = values.iter().sum::<f64>() / values.len() as f64;
    (!values.is_empty() && m.is_finite()).then_some(m)
}
