//! `score`: one scoring run of a cycle, from catalog and evaluations to everything the data
//! package publishes. Pure: no clock, no I/O, no global state; the same input gives the same
//! output bit for bit, whatever the input order or the number of threads.

use super::bootstrap::{bootstrap, Setup, UnitInterval};
use super::compute::{fill_buckets, raws_from_buckets, score_kind, KindWork};
use super::history::{pooled_bounds, pooled_years};
use super::intervals::{interval_from_buckets, t_95};
use super::model::{Catalog, Config, Evaluation, PublishedCycle};
use super::normalise::Bounds;
use super::output;
use super::prepare::{prepare, Plan};
use super::reliability::reliability;
use super::result::ScoringResult;
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
    let layout = Layout::new(catalog, &plan, config.min_responses);
    let pooled_cycles = pooled_years(history, year, config.pool_years);
    let hist = hist_bounds(catalog, &plan, history, &pooled_cycles);
    let point = Point::compute(&plan, &layout, &hist);
    let setup = Setup {
        plan: &plan,
        order: layout.draw_order(catalog),
        rows: layout.ranked.iter().map(Vec::len).collect(),
        hist: &hist,
    };
    let boot = bootstrap(&setup, config.bootstrap_replicates, config.bootstrap_seed);
    let mut intervals = vec![UnitInterval::default(); catalog.units.len()];
    for (&(u, _, _), interval) in setup.order.iter().zip(boot) {
        intervals[u] = interval;
    }
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
    result.pooled_cycles = pooled_cycles;
    result.reliability = reliability(catalog, &plan);
    result.warnings.extend(super::history::warnings(history));
    result
}

/// Which units are ranked, and where each sits among its kind's ranked units.
pub(crate) struct Layout {
    /// Per catalog unit: its row among the ranked units of its kind, if ranked.
    pub row: Vec<Option<usize>>,
    /// Per kind: its ranked units (catalog indexes, catalog order).
    pub ranked: Vec<Vec<usize>>,
}

impl Layout {
    /// Ranked iff n_u ≥ min_responses (§3), and never with no evaluation at all (so that
    /// min_responses = 0 cannot rank a unit nobody evaluated).
    fn new(catalog: &Catalog, plan: &Plan, min_responses: u32) -> Layout {
        let mut row = vec![None; catalog.units.len()];
        let mut ranked = vec![Vec::new(); plan.kinds.len()];
        for (u, unit) in plan.units.iter().enumerate() {
            let n = unit.n_evals();
            if n >= 1 && n >= min_responses as usize {
                row[u] = Some(ranked[unit.kind].len());
                ranked[unit.kind].push(u);
            }
        }
        Layout { row, ranked }
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

/// Point estimates: raw values and intervals of every unit, §4–5 state of every kind.
pub(crate) struct Point {
    pub works: Vec<KindWork>,
    /// Per catalog unit and local indicator.
    pub raw: Vec<Vec<Option<f64>>>,
    pub ci: Vec<Vec<Option<(f64, f64)>>>,
}

impl Point {
    fn compute(plan: &Plan, layout: &Layout, hist: &[Vec<Option<Bounds>>]) -> Point {
        let kinds = plan.kinds.iter().zip(&layout.ranked);
        let mut works: Vec<KindWork> = kinds.map(|(k, r)| KindWork::new(k, r.len())).collect();
        let mut t_cache: HashMap<u64, Option<f64>> = HashMap::new();
        let mut t = |df: f64| *t_cache.entry(df.to_bits()).or_insert_with(|| t_95(df));
        let (mut raws, mut cis) = (Vec::new(), Vec::new());
        let mut bw = Vec::new();
        for (u, unit) in plan.units.iter().enumerate() {
            let kind = &plan.kinds[unit.kind];
            fill_buckets(unit, None, &mut bw);
            let mut raw = vec![None; kind.indicators.len()];
            raws_from_buckets(unit, kind, &bw, &mut raw);
            let ci = (0..raw.len()).map(|i| {
                let range = unit.val_start[i]..unit.val_start[i + 1];
                let (vals, w) = (&unit.vals[range.clone()], &bw[range]);
                interval_from_buckets(kind.aggregate[i], vals, w, unit.sum_w2[i], &mut t)
            });
            cis.push(ci.collect());
            if let Some(row) = layout.row[u] {
                works[unit.kind].raw_row(kind, row).copy_from_slice(&raw);
            }
            raws.push(raw);
        }
        for ((kind, h), work) in plan.kinds.iter().zip(hist).zip(&mut works) {
            score_kind(kind, h, work);
        }
        Point {
            works,
            raw: raws,
            ci: cis,
        }
    }
}
