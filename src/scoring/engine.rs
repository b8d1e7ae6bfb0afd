//! `score`: one scoring run of a cycle, from catalog and evaluations to everything the data
//! package publishes. Pure: no clock, no I/O, no global state; the same input gives the same
//! output bit for bit, whatever the input order or the number of threads.

use super::bootstrap::{bootstrap, Draw, Replicates, Setup};
use super::calibration::{rank_interval, total_interval};
use super::compute::{fill_full, raws_from_buckets, score_kind, unit_stats, FullBuckets, KindWork};
use super::history::{pooled_bounds, pooled_years};
use super::intervals::{interval_from_buckets, t_95};
use super::model::{
    Catalog, Config, Estimator, Evaluation, IntervalMethod, PublishedCycle, COUNT_ONLY_BELOW,
};
use super::normalise::Bounds;
use super::output;
use super::prepare::{prepare, Plan};
use super::reliability::reliability;
use super::result::ScoringResult;
use super::shrinkage::{self, Params, UnitStats};
use std::collections::HashMap;

/// Scores cycle `year`. `history` holds earlier published runs in any order (runs of `year` or
/// later are ignored); they provide the pooled bounds when `config.pool_years` > 1 and the
/// change columns. Invalid input is skipped and reported in `warnings`, never a panic.
pub fn score(
    catalog: &Catalog,
    evaluations: &[Evaluation],
    config: &Config,
    year: i32,
    history: &[PublishedCycle],
) -> ScoringResult {
    let plan = prepare(catalog, evaluations);
    let layout = Layout::new(&plan, config);
    let pooled_cycles = pooled_years(history, year, config.pool_years);
    let hist = hist_bounds(catalog, &plan, history, &pooled_cycles);
    let point = Point::compute(&plan, &layout, &hist);
    let setup = Setup {
        plan: &plan,
        order: layout.draw_order(catalog),
        draws: layout.replicate_draws(catalog, &plan),
        shrunk: layout.shrunk.clone(),
        rows: layout.ranked.iter().map(Vec::len).collect(),
        hist: &hist,
    };
    let boot = bootstrap(&setup, config.bootstrap_replicates, config.bootstrap_seed);
    let intervals = unit_intervals(catalog, &setup, &point, &boot, config.intervals);
    let parts = output::Parts {
        catalog,
        config,
        year,
        history,
        plan: &plan,
        layout: &layout,
        point: &point,
    };
    let mut result = output::build(&parts, &intervals);
    result.replicate_totals = replicate_totals(catalog, &setup, &boot);
    output::add_changes(&mut result, history);
    output::add_sensitivity(&parts, &mut result);
    result.pooled_cycles = pooled_cycles;
    result.reliability = reliability(catalog, &plan);
    result.warnings.extend(super::history::warnings(history));
    result
}

/// The published 90% intervals of every catalog unit (default for unranked ones).
fn unit_intervals(
    catalog: &Catalog,
    setup: &Setup,
    point: &Point,
    boot: &Replicates,
    method: IntervalMethod,
) -> Vec<UnitInterval> {
    let mut intervals = vec![UnitInterval::default(); catalog.units.len()];
    for (j, &(u, k, row)) in setup.order.iter().enumerate() {
        let work = &point.works[k];
        intervals[u] = UnitInterval {
            total: (work.totals[row])
                .and_then(|t| total_interval(method, t, boot.totals(j).flatten())),
            rank: (work.ranks[row]).and_then(|r| rank_interval(method, r, boot.ranks(j).flatten())),
        };
    }
    intervals
}

/// Replicate totals of the ranked units by code (NaN where a replicate had no total).
fn replicate_totals(
    catalog: &Catalog,
    setup: &Setup,
    boot: &Replicates,
) -> std::collections::BTreeMap<String, Vec<f64>> {
    (setup.order.iter().enumerate())
        .map(|(j, &(u, _, _))| {
            let totals: Vec<f64> = boot.totals(j).map(|t| t.unwrap_or(f64::NAN)).collect();
            (catalog.units[u].code.clone(), totals)
        })
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

/// 90% intervals of one ranked unit's total and rank.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct UnitInterval {
    pub total: Option<(f64, f64)>,
    pub rank: Option<(u32, u32)>,
}

/// Which units are ranked, and where each sits among its kind's ranked units.
pub(crate) struct Layout {
    /// Per catalog unit: its row among the ranked units of its kind, if ranked.
    pub row: Vec<Option<usize>>,
    /// Per kind: its ranked units (catalog indexes, catalog order).
    pub ranked: Vec<Vec<usize>>,
    /// Per catalog unit: 1 ≤ n_u < 5 and not ranked, so it publishes its count only (§3).
    pub count_only: Vec<bool>,
    /// Per catalog unit: n_u ≥ 5, so it may enter §8's V.
    pub in_v: Vec<bool>,
    /// Per kind: estimator = shrunk (§8).
    pub shrunk: Vec<bool>,
}

impl Layout {
    /// Ranked iff n_u ≥ the kind's min_responses (§3), and never with no evaluation at all (so
    /// that a minimum of 0 cannot rank a unit nobody evaluated). `cycles::RunOptions::apply`
    /// refuses minimums below 5, so a ranked unit never publishes its count only; the engine
    /// itself takes the configuration as given.
    fn new(plan: &Plan, config: &Config) -> Layout {
        let min: Vec<u32> = (plan.kinds.iter())
            .map(|k| config.min_responses_for(&k.name))
            .collect();
        let shrunk = (plan.kinds.iter())
            .map(|k| config.estimator_for(&k.name) == Estimator::Shrunk)
            .collect();
        let units = plan.units.len();
        let mut row = vec![None; units];
        let mut ranked = vec![Vec::new(); plan.kinds.len()];
        let mut count_only = vec![false; units];
        let mut in_v = vec![false; units];
        let small = COUNT_ONLY_BELOW as usize;
        for (u, unit) in plan.units.iter().enumerate() {
            let n = unit.n_evals();
            if n >= 1 && n >= min[unit.kind] as usize {
                row[u] = Some(ranked[unit.kind].len());
                ranked[unit.kind].push(u);
            } else {
                count_only[u] = (1..small).contains(&n);
            }
            in_v[u] = n >= small;
        }
        Layout {
            row,
            ranked,
            count_only,
            in_v,
            shrunk,
        }
    }

    /// What each bootstrap replicate draws, by ascending unit code: the ranked units, and for a
    /// shrunk kind every unit that may enter V (§8).
    fn replicate_draws(&self, catalog: &Catalog, plan: &Plan) -> Vec<Draw> {
        let mut draws: Vec<Draw> = (plan.units.iter().enumerate())
            .filter(|(u, unit)| self.row[*u].is_some() || (self.shrunk[unit.kind] && self.in_v[*u]))
            .map(|(u, unit)| Draw {
                unit: u,
                kind: unit.kind,
                row: self.row[u],
                in_v: self.shrunk[unit.kind] && self.in_v[u],
            })
            .collect();
        draws.sort_by(|a, b| {
            (catalog.units[a.unit].code)
                .cmp(&catalog.units[b.unit].code)
                .then(a.unit.cmp(&b.unit))
        });
        draws
    }

    /// Ranked units by ascending unit code: (unit, kind, row).
    fn draw_order(&self, catalog: &Catalog) -> Vec<(usize, usize, usize)> {
        let mut order: Vec<(usize, usize, usize)> = self
            .ranked
            .iter()
            .enumerate()
            .flat_map(|(k, units)| units.iter().enumerate().map(move |(row, &u)| (u, k, row)))
            .collect();
        order.sort_by(|a, b| {
            catalog.units[a.0]
                .code
                .cmp(&catalog.units[b.0].code)
                .then(a.0.cmp(&b.0))
        });
        order
    }
}

/// Earlier cycles' bounds per kind and local indicator, matched by indicator code.
fn hist_bounds(
    catalog: &Catalog,
    plan: &Plan,
    history: &[PublishedCycle],
    years: &[i32],
) -> Vec<Vec<Option<Bounds>>> {
    let by_code = pooled_bounds(history, years);
    let lookup = |i: &usize| by_code.get(catalog.indicators[*i].code.as_str()).copied();
    plan.kinds
        .iter()
        .map(|k| k.indicators.iter().map(lookup).collect())
        .collect()
}

/// Point estimates: raw values and intervals of every unit, §8 estimates, §4–5 state of every
/// kind.
pub(crate) struct Point {
    pub works: Vec<KindWork>,
    /// Per catalog unit and local indicator.
    pub raw: Vec<Vec<Option<f64>>>,
    pub ci: Vec<Vec<Option<(f64, f64)>>>,
    /// §8 statistics (eligible aggregates only).
    pub stats: Vec<Vec<Option<UnitStats>>>,
    /// (Σρ, Σρ²) of every answered indicator, medians included.
    pub weight_sums: Vec<Vec<Option<(f64, f64)>>>,
    /// The value §4 uses: r̃ where §8 applied, else the raw value.
    pub estimate: Vec<Vec<Option<f64>>>,
    /// B_u where §8 applied.
    pub shrinkage: Vec<Vec<Option<f64>>>,
    /// (kind, local indicator, parameters) of every shrunk indicator.
    pub params: Vec<(usize, usize, Params)>,
}

impl Point {
    fn compute(plan: &Plan, layout: &Layout, hist: &[Vec<Option<Bounds>>]) -> Point {
        let kinds = plan.kinds.iter().zip(&layout.ranked);
        let mut works: Vec<KindWork> = kinds.map(|(k, r)| KindWork::new(k, r.len())).collect();
        let mut t_cache: HashMap<u64, Option<f64>> = HashMap::new();
        let mut t = |df: f64| *t_cache.entry(df.to_bits()).or_insert_with(|| t_95(df));
        let (mut raws, mut cis) = (Vec::new(), Vec::new());
        let mut stats: Vec<Vec<Option<UnitStats>>> = Vec::new();
        let mut weight_sums: Vec<Vec<Option<(f64, f64)>>> = Vec::new();
        let mut b = FullBuckets::default();
        for unit in &plan.units {
            let kind = &plan.kinds[unit.kind];
            fill_full(unit, None, &mut b);
            let mut raw = vec![None; kind.indicators.len()];
            raws_from_buckets(unit, kind, &b.w, &mut raw);
            let ci = (0..raw.len()).map(|i| {
                let range = unit.val_start[i]..unit.val_start[i + 1];
                let (vals, w) = (&unit.vals[range.clone()], &b.w[range]);
                interval_from_buckets(kind.aggregate[i], vals, w, unit.sum_w2[i], &mut t)
            });
            cis.push(ci.collect());
            let st = (0..raw.len()).map(|i| unit_stats(unit, kind, &b, i, raw[i]));
            stats.push(st.collect());
            let sums = (0..raw.len()).map(|i| {
                let range = unit.val_start[i]..unit.val_start[i + 1];
                let w: f64 = b.w[range.clone()].iter().sum();
                (unit.n[i] > 0).then(|| (w, b.w2[range].iter().sum()))
            });
            weight_sums.push(sums.collect());
            raws.push(raw);
        }
        let mut estimate = raws.clone();
        let mut shrink = vec![Vec::new(); plan.units.len()];
        for (u, unit) in plan.units.iter().enumerate() {
            shrink[u] = vec![None; plan.kinds[unit.kind].indicators.len()];
        }
        let mut params = Vec::new();
        for (k, kind) in plan
            .kinds
            .iter()
            .enumerate()
            .filter(|(k, _)| layout.shrunk[*k])
        {
            for i in 0..kind.indicators.len() {
                let v: Vec<(usize, UnitStats)> = (kind.units.iter())
                    .filter(|&&u| layout.in_v[u])
                    .filter_map(|&u| Some((u, stats[u][i]?)))
                    .collect();
                let all: Vec<UnitStats> = v.iter().map(|x| x.1).collect();
                let Some(p) = shrinkage::fit(&all) else {
                    continue;
                };
                for (u, s) in v {
                    let (e, b) = shrinkage::estimate(&p, s.raw, s.n_eff());
                    estimate[u][i] = Some(e).filter(|e| e.is_finite());
                    shrink[u][i] = Some(b).filter(|b| b.is_finite());
                }
                params.push((k, i, p));
            }
        }
        for (u, unit) in plan.units.iter().enumerate() {
            if let Some(row) = layout.row[u] {
                let kind = &plan.kinds[unit.kind];
                works[unit.kind]
                    .raw_row(kind, row)
                    .copy_from_slice(&estimate[u]);
            }
        }
        for ((kind, h), work) in plan.kinds.iter().zip(hist).zip(&mut works) {
            score_kind(kind, h, work);
        }
        Point {
            works,
            raw: raws,
            ci: cis,
            stats,
            weight_sums,
            estimate,
            shrinkage: shrink,
            params,
        }
    }
}
