//! METHODOLOGY.md §6 bootstrap, reproducible on any machine and any number of threads.
//!
//! Replicate r (0-based) uses `ChaCha8Rng::seed_from_u64(seed)` switched to stream r. It visits
//! the ranked units in ascending byte order of their codes (so reordering the catalog changes
//! nothing) and, for each, draws n_u positions into the unit's evaluation order (see `evals`)
//! with `draw_below`. Replicates run in parallel, but each depends only on (data, seed, r) and
//! lands in its own slot, so the result is the same whatever rayon does.

use super::compute::{fill_buckets, raws_from_buckets, score_kind, KindWork};
use super::intervals::percentile;
use super::normalise::Bounds;
use super::prepare::Plan;
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

/// What the replicates need besides the plan.
pub(crate) struct Setup<'a> {
    pub plan: &'a Plan,
    /// Ranked units in draw order: (catalog unit, kind, row within the kind's ranked units).
    pub order: Vec<(usize, usize, usize)>,
    /// Ranked units per kind.
    pub rows: Vec<usize>,
    /// Earlier cycles' pooled bounds per kind and local indicator; fixed in every replicate.
    pub hist: &'a [Vec<Option<Bounds>>],
}

/// 90% bootstrap intervals of one ranked unit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct UnitInterval {
    pub total: Option<(f64, f64)>,
    pub rank: Option<(u32, u32)>,
}

/// Runs `replicates` replicates; one interval per entry of `setup.order`.
pub(crate) fn bootstrap(setup: &Setup, replicates: u32, seed: u64) -> Vec<UnitInterval> {
    let width = setup.order.len();
    if width == 0 || replicates == 0 {
        return vec![UnitInterval::default(); width];
    }
    let mut out: Vec<(Option<f64>, Option<u32>)> = vec![(None, None); width * replicates as usize];
    out.par_chunks_mut(width).enumerate().for_each_init(
        || Scratch::new(setup),
        |scratch, (r, slots)| replicate(setup, seed, r as u64, scratch, slots),
    );
    (0..width)
        .map(|j| summarise(out.iter().skip(j).step_by(width)))
        .collect()
}

/// Buffers reused across the replicates one thread runs.
struct Scratch {
    counts: Vec<u32>,
    bw: Vec<f64>,
    works: Vec<KindWork>,
}

impl Scratch {
    fn new(setup: &Setup) -> Scratch {
        let kinds = setup.plan.kinds.iter().zip(&setup.rows);
        Scratch {
            counts: Vec::new(),
            bw: Vec::new(),
            works: kinds
                .map(|(kind, &rows)| KindWork::new(kind, rows))
                .collect(),
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
    for &(u, k, row) in &setup.order {
        let unit = &plan.units[u];
        let n = unit.n_evals();
        s.counts.clear();
        s.counts.resize(n, 0);
        let draw = DrawBelow::new(n as u64);
        for _ in 0..n {
            s.counts[draw.sample(&mut rng) as usize] += 1;
        }
        fill_buckets(unit, Some(&s.counts), &mut s.bw);
        let kind = &plan.kinds[k];
        raws_from_buckets(unit, kind, &s.bw, s.works[k].raw_row(kind, row));
    }
    for ((kind, hist), work) in plan.kinds.iter().zip(setup.hist).zip(&mut s.works) {
        score_kind(kind, hist, work);
    }
    for (slot, &(_, k, row)) in slots.iter_mut().zip(&setup.order) {
        *slot = (s.works[k].totals[row], s.works[k].ranks[row]);
    }
}

/// 5th and 95th percentiles of one unit's totals, and floor/ceil of those of its ranks.
fn summarise<'a>(
    values: impl Iterator<Item = &'a (Option<f64>, Option<u32>)> + Clone,
) -> UnitInterval {
    let mut totals: Vec<f64> = values.clone().filter_map(|v| v.0).collect();
    let mut ranks: Vec<f64> = values.filter_map(|v| v.1).map(f64::from).collect();
    totals.sort_by(f64::total_cmp);
    ranks.sort_by(f64::total_cmp);
    let pair = |sorted: &[f64]| Some((percentile(sorted, 0.05)?, percentile(sorted, 0.95)?));
    UnitInterval {
        total: pair(&totals),
        rank: pair(&ranks).map(|(lo, hi)| (lo.floor() as u32, hi.ceil() as u32)),
    }
}
