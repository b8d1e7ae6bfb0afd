//! METHODOLOGY.md §2: the raw value of one indicator for one unit.
//!
//! The engine never looks at individual answers in its hot loop: the answers of a unit to an
//! indicator are summarised as *bucket weights*, `bw[k]` = Σρ over answers equal to `vals[k]`,
//! where `vals` are the sorted distinct answered values. Every aggregate of §2 is a function of
//! these buckets, so a bootstrap replicate only has to re-add weights into a handful of buckets.

use super::model::Aggregate;

/// Relative tolerance of the weighted-median rule (§2).
const MEDIAN_TOL: f64 = 1e-12;

/// Raw value from bucket weights. `vals` must be sorted ascending and distinct, with
/// `bw.len() == vals.len()`; buckets of weight 0 count as "not answered".
/// Returns `None` when nothing was answered (Σρ = 0).
pub fn raw_from_buckets(agg: Aggregate, vals: &[f64], bw: &[f64]) -> Option<f64> {
    let total: f64 = bw.iter().sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let value = match agg {
        Aggregate::Mean => dot(vals, bw) / total,
        Aggregate::ShareAgree => 100.0 * weight_where(vals, bw, |x| x >= 4.0) / total,
        Aggregate::ShareYes => 100.0 * weight_where(vals, bw, |x| x == 1.0) / total,
        Aggregate::Median => median_from_buckets(vals, bw, total)?,
    };
    value.is_finite().then_some(value)
}

/// Raw value straight from (answer x, weight ρ) pairs; the reference implementation of §2 used by
/// tests and by anyone checking a single number. Weights are added in the given order, as the
/// engine adds them in its evaluation order.
pub fn raw_value(agg: Aggregate, answers: &[(f64, f64)]) -> Option<f64> {
    let (vals, bw) = buckets(answers);
    raw_from_buckets(agg, &vals, &bw)
}

/// Sorted distinct values and their summed weights.
pub fn buckets(answers: &[(f64, f64)]) -> (Vec<f64>, Vec<f64>) {
    let vals = distinct_sorted(answers.iter().map(|a| a.0));
    let mut bw = vec![0.0; vals.len()];
    for &(x, w) in answers {
        if let Ok(k) = vals.binary_search_by(|v| v.total_cmp(&x)) {
            bw[k] += w;
        }
    }
    (vals, bw)
}

/// Sorted distinct finite values (the bucket values of one (unit, indicator)).
pub fn distinct_sorted(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut vals: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    vals.sort_by(f64::total_cmp);
    vals.dedup();
    vals
}

fn dot(vals: &[f64], bw: &[f64]) -> f64 {
    vals.iter().zip(bw).map(|(v, w)| v * w).sum()
}

fn weight_where(vals: &[f64], bw: &[f64], keep: impl Fn(f64) -> bool) -> f64 {
    vals.iter()
        .zip(bw)
        .filter(|(v, _)| keep(**v))
        .map(|(_, w)| *w)
        .sum()
}

/// §2's weighted median: the smallest answered v with C(v) ≥ H·(1 − 1e-12); when C(v) is within
/// 1e-12·Σρ of H the median is halfway to the next larger answered value.
fn median_from_buckets(vals: &[f64], bw: &[f64], total: f64) -> Option<f64> {
    let half = total / 2.0;
    let mut answered = vals.iter().zip(bw).filter(|(_, w)| **w > 0.0);
    let mut cum = 0.0;
    let mut last = None;
    while let Some((&v, &w)) = answered.next() {
        cum += w;
        last = Some(v);
        if cum >= half * (1.0 - MEDIAN_TOL) {
            if (cum - half).abs() <= MEDIAN_TOL * total {
                return Some(answered.next().map_or(v, |(&next, _)| (v + next) / 2.0));
            }
            return Some(v);
        }
    }
    // Only reachable through rounding in C(v); the largest answered value is then the median.
    last
}
