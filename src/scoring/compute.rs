//! Sections 2, 4 and 5 on prepared arrays. Shared verbatim by the point estimate (every
//! evaluation counted once) and each bootstrap replicate (evaluations counted as drawn), so
//! both follow the same arithmetic; nothing here allocates once the buffers are sized.

use super::aggregate::raw_from_buckets;
use super::normalise::{normalise, Bounds};
use super::prepare::{KindPlan, UnitPlan};
use super::rank::{ranks_into, total, weighted_mean};
use super::shrinkage::{eligible, stats_from_buckets, UnitStats};

/// Fills `bw` (resized to the unit's bucket count) with Σ count·ρ per bucket. `counts[e]` is
/// how often evaluation e is drawn; `None` means once each (the point estimate).
pub(crate) fn fill_buckets(unit: &UnitPlan, counts: Option<&[u32]>, bw: &mut Vec<f64>) {
    bw.clear();
    bw.resize(unit.vals.len(), 0.0);
    for (e, &rho) in unit.weights.iter().enumerate() {
        let w = match counts {
            None => rho,
            Some(c) if c[e] == 0 => continue,
            Some(c) => f64::from(c[e]) * rho,
        };
        for &b in &unit.buckets[unit.eval_start[e]..unit.eval_start[e + 1]] {
            bw[b as usize] += w;
        }
    }
}

/// Bucket sums of one unit: Σ count·ρ (`w`), Σ count·ρ² (`w2`) and Σ count (`n`) per bucket.
#[derive(Debug, Clone, Default)]
pub(crate) struct FullBuckets {
    pub w: Vec<f64>,
    pub w2: Vec<f64>,
    pub n: Vec<u32>,
}

/// Like `fill_buckets`, with Σρ² and answer counts too (what §8 needs).
pub(crate) fn fill_full(unit: &UnitPlan, counts: Option<&[u32]>, b: &mut FullBuckets) {
    let len = unit.vals.len();
    b.w.clear();
    b.w.resize(len, 0.0);
    b.w2.clear();
    b.w2.resize(len, 0.0);
    b.n.clear();
    b.n.resize(len, 0);
    for (e, &rho) in unit.weights.iter().enumerate() {
        let c = match counts {
            None => 1,
            Some(c) if c[e] == 0 => continue,
            Some(c) => c[e],
        };
        let (w, w2) = match counts {
            None => (rho, rho * rho),
            Some(_) => (f64::from(c) * rho, f64::from(c) * (rho * rho)),
        };
        for &k in &unit.buckets[unit.eval_start[e]..unit.eval_start[e + 1]] {
            let k = k as usize;
            b.w[k] += w;
            b.w2[k] += w2;
            b.n[k] += c;
        }
    }
}

/// §8 statistics of local indicator `i` of a unit from full buckets and its raw value.
pub(crate) fn unit_stats(
    unit: &UnitPlan,
    kind: &KindPlan,
    b: &FullBuckets,
    i: usize,
    raw: Option<f64>,
) -> Option<UnitStats> {
    let r = unit.val_start[i]..unit.val_start[i + 1];
    let agg = kind.aggregate[i];
    if !eligible(agg) {
        return None;
    }
    let (vals, w, w2, n) = (
        &unit.vals[r.clone()],
        &b.w[r.clone()],
        &b.w2[r.clone()],
        &b.n[r],
    );
    stats_from_buckets(agg, vals, w, w2, n, raw)
}

/// The raw value of every indicator of the unit's kind from filled buckets.
pub(crate) fn raws_from_buckets(
    unit: &UnitPlan,
    kind: &KindPlan,
    bw: &[f64],
    out: &mut [Option<f64>],
) {
    for (i, slot) in out.iter_mut().enumerate() {
        let range = unit.val_start[i]..unit.val_start[i + 1];
        *slot = raw_from_buckets(kind.aggregate[i], &unit.vals[range.clone()], &bw[range]);
    }
}

/// One kind's §4–5 state for its ranked units ("rows", in the kind's catalog order).
#[derive(Debug, Clone, Default)]
pub(crate) struct KindWork {
    /// rows × indicators, row-major.
    pub raw: Vec<Option<f64>>,
    /// Pooled bounds per indicator.
    pub bounds: Vec<Option<Bounds>>,
    /// rows × components, row-major.
    pub comps: Vec<Option<f64>>,
    pub totals: Vec<Option<f64>>,
    pub ranks: Vec<Option<u32>>,
}

impl KindWork {
    pub fn new(kind: &KindPlan, rows: usize) -> KindWork {
        KindWork {
            raw: vec![None; rows * kind.indicators.len()],
            bounds: vec![None; kind.indicators.len()],
            comps: vec![None; rows * kind.components.len()],
            totals: vec![None; rows],
            ranks: vec![None; rows],
        }
    }

    /// Mutable raw values of one row.
    pub fn raw_row(&mut self, kind: &KindPlan, row: usize) -> &mut [Option<f64>] {
        let m = kind.indicators.len();
        &mut self.raw[row * m..(row + 1) * m]
    }

    /// Score of indicator i of a row (§4), given the bounds already pooled.
    pub fn score(&self, kind: &KindPlan, row: usize, i: usize) -> Option<f64> {
        let x = self.raw[row * kind.indicators.len() + i]?;
        Some(normalise(x, self.bounds[i]?, kind.direction[i]))
    }
}

/// Pools the bounds (earlier cycles' `hist` plus this run's rows), then computes component
/// scores, totals and ranks of every row. `work.raw` must hold the rows' raw values.
pub(crate) fn score_kind(kind: &KindPlan, hist: &[Option<Bounds>], work: &mut KindWork) {
    let m = kind.indicators.len();
    work.bounds.copy_from_slice(hist);
    for row in work.raw.chunks_exact(m.max(1)) {
        for (b, x) in work.bounds.iter_mut().zip(row) {
            if let Some(x) = *x {
                *b = Bounds::extend(*b, x);
            }
        }
    }
    score_rows(kind, work);
}

/// Component scores, totals and ranks of every row, with `work.bounds` already set.
fn score_rows(kind: &KindPlan, work: &mut KindWork) {
    let n_comp = kind.components.len();
    for row in 0..work.totals.len() {
        for (c, inds) in kind.comp_indicators.iter().enumerate() {
            let pairs = inds
                .iter()
                .map(|&i| (kind.ind_weight[i], work.score(kind, row, i)));
            work.comps[row * n_comp + c] = weighted_mean(pairs);
        }
        let comps = &work.comps[row * n_comp..(row + 1) * n_comp];
        work.totals[row] = total(comps, &kind.comp_weight);
    }
    ranks_into(&work.totals, &mut work.ranks);
}
