//! METHODOLOGY.md §6 bootstrap, reproducible on any machine and any number of threads.
//!
//! Replicate r (0-based) uses `ChaCha8Rng::seed_from_u64(seed)` switched to stream r. It visits
//! the ranked units — and, in a shrunk kind, every unit with n_u ≥ 5 (§8) — in ascending byte
//! order of their codes (so reordering the catalog changes nothing) and, for each, draws n_u
//! positions into the unit's evaluation order (see `evals`)
//! with `draw_below`. Replicates run in parallel, but each depends only on (data, seed, r) and
//! lands in its own slot, so the result is the same whatever rayon does.

use super::compute::{
    fill_buckets, fill_full, raws_from_buckets, score_kind, unit_stats, FullBuckets, KindWork,
};
use super::normalise::Bounds;
use super::prepare::Plan;
use super::shrinkage::{self, UnitStats};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use rayon::prelude::*;

/// The random stream of replicate `r`.
pub fn replicate_rng(seed: u64, r: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(r);
    rng
}

/// Unbiased uniform integers in 0..n (Lemire's multiply-shift with rejection): take
/// x = next_u64(), m = x·n as a 128-bit product, reject while the low 64 bits of m are below
/// 2^64 mod n, else return the high 64 bits. Written out here so the sequence is documented
/// and does not change with a `rand` release.
#[derive(Debug, Clone, Copy)]
pub struct DrawBelow {
    n: u64,
    threshold: u64,
}

impl DrawBelow {
    /// `n` ≥ 1; for n = 0 every draw returns 0 without consuming randomness.
    pub fn new(n: u64) -> DrawBelow {
        let threshold = if n == 0 { 0 } else { n.wrapping_neg() % n };
        DrawBelow { n, threshold }
    }

    pub fn sample(self, rng: &mut impl RngCore) -> u64 {
        if self.n == 0 {
            return 0;
        }
        loop {
            let m = u128::from(rng.next_u64()) * u128::from(self.n);
            if (m as u64) >= self.threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

/// One unit drawn in every replicate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Draw {
    pub unit: usize,
    pub kind: usize,
    /// Row among the kind's ranked units, if ranked.
    pub row: Option<usize>,
    /// Of a shrunk kind with n_u ≥ 5: enters §8's V in the replicate.
    pub in_v: bool,
}

/// What the replicates need besides the plan.
pub(crate) struct Setup<'a> {
    pub plan: &'a Plan,
    /// Ranked units by ascending code: (catalog unit, kind, row within the kind's ranked
    /// units); one interval each.
    pub order: Vec<(usize, usize, usize)>,
    /// Units drawn in each replicate, in drawing order (ascending code): the ranked units and,
    /// for shrunk kinds, every unit that may enter V. With direct kinds only this is `order`.
    pub draws: Vec<Draw>,
    /// Per kind: estimator = shrunk.
    pub shrunk: Vec<bool>,
    /// Ranked units per kind.
    pub rows: Vec<usize>,
    /// Earlier cycles' pooled bounds per kind and local indicator; fixed in every replicate.
    pub hist: &'a [Vec<Option<Bounds>>],
}

/// Every replicate's total and rank of every entry of `setup.order`, replicate-major.
#[derive(Debug, Clone, Default)]
pub(crate) struct Replicates {
    width: usize,
    values: Vec<(Option<f64>, Option<u32>)>,
}

impl Replicates {
    /// Totals of entry `j` in replicate order (`None` where the replicate had no total).
    pub fn totals(&self, j: usize) -> impl Iterator<Item = Option<f64>> + '_ {
        self.values
            .iter()
            .skip(j)
            .step_by(self.width.max(1))
            .map(|v| v.0)
    }

    /// Ranks of entry `j` in replicate order.
    pub fn ranks(&self, j: usize) -> impl Iterator<Item = Option<u32>> + '_ {
        self.values
            .iter()
            .skip(j)
            .step_by(self.width.max(1))
            .map(|v| v.1)
    }
}

/// Runs `replicates` replicates of every entry of `setup.order`.
pub(crate) fn bootstrap(setup: &Setup, replicates: u32, seed: u64) -> Replicates {
    let width = setup.order.len();
    if width == 0 || replicates == 0 {
        return Replicates::default();
    }
    let mut values: Vec<(Option<f64>, Option<u32>)> =
        vec![(None, None); width * replicates as usize];
    values.par_chunks_mut(width).enumerate().for_each_init(
        || Scratch::new(setup),
        |scratch, (r, slots)| replicate(setup, seed, r as u64, scratch, slots),
    );
    Replicates { width, values }
}

/// Buffers reused across the replicates one thread runs.
struct Scratch {
    counts: Vec<u32>,
    bw: Vec<f64>,
    full: FullBuckets,
    works: Vec<KindWork>,
    /// Per entry of `draws` with `in_v`: its replicate raw values and §8 statistics.
    v_raw: Vec<Vec<Option<f64>>>,
    v_stats: Vec<Vec<Option<UnitStats>>>,
    v_buf: Vec<UnitStats>,
}

impl Scratch {
    fn new(setup: &Setup) -> Scratch {
        let kinds = setup.plan.kinds.iter().zip(&setup.rows);
        let width = |d: &Draw| setup.plan.kinds[d.kind].indicators.len();
        let v = setup.draws.iter().filter(|d| d.in_v);
        Scratch {
            counts: Vec::new(),
            bw: Vec::new(),
            full: FullBuckets::default(),
            works: kinds
                .map(|(kind, &rows)| KindWork::new(kind, rows))
                .collect(),
            v_raw: v.clone().map(|d| vec![None; width(d)]).collect(),
            v_stats: v.map(|d| vec![None; width(d)]).collect(),
            v_buf: Vec::new(),
        }
    }
}

fn replicate(
    setup: &Setup,
    seed: u64,
    r: u64,
    s: &mut Scratch,
    slots: &mut [(Option<f64>, Option<u32>)],
) {
    let plan = setup.plan;
    let mut rng = replicate_rng(seed, r);
    let mut slot = 0;
    for d in &setup.draws {
        let unit = &plan.units[d.unit];
        let n = unit.n_evals();
        s.counts.clear();
        s.counts.resize(n, 0);
        let draw = DrawBelow::new(n as u64);
        for _ in 0..n {
            s.counts[draw.sample(&mut rng) as usize] += 1;
        }
        let kind = &plan.kinds[d.kind];
        if d.in_v {
            fill_full(unit, Some(&s.counts), &mut s.full);
            let raw = &mut s.v_raw[slot];
            raws_from_buckets(unit, kind, &s.full.w, raw);
            for (i, st) in s.v_stats[slot].iter_mut().enumerate() {
                *st = unit_stats(unit, kind, &s.full, i, raw[i]);
            }
            slot += 1;
        } else if let Some(row) = d.row {
            fill_buckets(unit, Some(&s.counts), &mut s.bw);
            raws_from_buckets(unit, kind, &s.bw, s.works[d.kind].raw_row(kind, row));
        }
    }
    shrink_replicate(setup, s);
    for ((kind, hist), work) in plan.kinds.iter().zip(setup.hist).zip(&mut s.works) {
        score_kind(kind, hist, work);
    }
    for (slot, &(_, k, row)) in slots.iter_mut().zip(&setup.order) {
        *slot = (s.works[k].totals[row], s.works[k].ranks[row]);
    }
}

/// §8 in one replicate: for each shrunk kind and indicator, μ, σ², τ² and B are fitted again
/// over the replicate's V, and the ranked units' rows get their estimates.
fn shrink_replicate(setup: &Setup, s: &mut Scratch) {
    let v_draws: Vec<&Draw> = setup.draws.iter().filter(|d| d.in_v).collect();
    for (k, kind) in setup.plan.kinds.iter().enumerate() {
        if !setup.shrunk[k] {
            continue;
        }
        let v_draws = &v_draws;
        let in_kind = move || (v_draws.iter().enumerate()).filter(move |(_, d)| d.kind == k);
        for (slot, d) in in_kind() {
            if let Some(row) = d.row {
                s.works[k]
                    .raw_row(kind, row)
                    .copy_from_slice(&s.v_raw[slot]);
            }
        }
        for i in 0..kind.indicators.len() {
            s.v_buf.clear();
            s.v_buf
                .extend(in_kind().filter_map(|(slot, _)| s.v_stats[slot][i]));
            let Some(p) = shrinkage::fit(&s.v_buf) else {
                continue;
            };
            for (slot, d) in in_kind() {
                let (Some(row), Some(st)) = (d.row, s.v_stats[slot][i]) else {
                    continue;
                };
                let (e, _) = shrinkage::estimate(&p, st.raw, st.n_eff());
                let width = kind.indicators.len();
                s.works[k].raw[row * width + i] = Some(e).filter(|e| e.is_finite());
            }
        }
    }
}
