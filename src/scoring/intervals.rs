//! METHODOLOGY.md §6: analytic 90% indicator intervals, and the percentile rule used for the
//! bootstrap intervals.

use super::aggregate::{buckets, raw_from_buckets};
use super::model::Aggregate;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// One-sided level of the two-sided 90% intervals.
const LEVEL: f64 = 0.95;

/// n_eff below this gets no interval. The tiny slack keeps n = 2 equal weights (whose Kish n_eff
/// is 2 up to rounding, e.g. for ρ = 0.1) on the side the method intends.
const MIN_N_EFF: f64 = 2.0 * (1.0 - 1e-12);

/// Kish's effective sample size (Σρ)²/Σρ²; equals n for equal weights.
pub fn kish_n_eff(sum_w: f64, sum_w2: f64) -> f64 {
    sum_w * sum_w / sum_w2
}

/// z_{0.95} of the standard normal (≈ 1.6448536).
pub fn z_95() -> f64 {
    // Normal::new(0, 1) cannot fail; 1.6448536269514722 is the fallback for completeness.
    Normal::new(0.0, 1.0).map_or(1.644_853_626_951_472_2, |n| n.inverse_cdf(LEVEL))
}

/// t_{0.95} with real degrees of freedom `df` (> 0).
pub fn t_95(df: f64) -> Option<f64> {
    if !df.is_finite() || df <= 0.0 {
        return None;
    }
    let q = StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(LEVEL);
    q.is_finite().then_some(q)
}

/// Weighted mean interval x̄ ± t_{0.95, n_eff−1}·s/√n_eff with
/// s² = (Σρ(x − x̄)²/Σρ)·n_eff/(n_eff − 1). `dev2` is Σρ(x − x̄)².
pub fn mean_interval(
    mean: f64,
    sum_w: f64,
    sum_w2: f64,
    dev2: f64,
    mut t: impl FnMut(f64) -> Option<f64>,
) -> Option<(f64, f64)> {
    let n_eff = kish_n_eff(sum_w, sum_w2);
    if n_eff.is_nan() || n_eff < MIN_N_EFF {
        return None;
    }
    let s2 = dev2 / sum_w * n_eff / (n_eff - 1.0);
    let half = t(n_eff - 1.0)? * (s2 / n_eff).sqrt();
    finite_pair(mean - half, mean + half)
}

/// Wilson score interval for a share given in percent, with n = n_eff, returned in percent.
pub fn wilson_interval(percent: f64, n_eff: f64, z: f64) -> Option<(f64, f64)> {
    if n_eff.is_nan() || n_eff < MIN_N_EFF {
        return None;
    }
    let p = percent / 100.0;
    let z2n = z * z / n_eff;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z / (1.0 + z2n) * (p * (1.0 - p) / n_eff + z2n / (4.0 * n_eff)).sqrt();
    finite_pair(100.0 * (centre - half), 100.0 * (centre + half))
}

/// The §6 indicator interval from bucket weights (see `aggregate`), with Σρ² of the answers.
pub fn interval_from_buckets(
    agg: Aggregate,
    vals: &[f64],
    bw: &[f64],
    sum_w2: f64,
    t: impl FnMut(f64) -> Option<f64>,
) -> Option<(f64, f64)> {
    let raw = raw_from_buckets(agg, vals, bw)?;
    let sum_w: f64 = bw.iter().sum();
    match agg {
        Aggregate::Median => None,
        Aggregate::ShareAgree | Aggregate::ShareYes => {
            wilson_interval(raw, kish_n_eff(sum_w, sum_w2), z_95())
        }
        Aggregate::Mean => {
            let dev2 = vals
                .iter()
                .zip(bw)
                .map(|(v, w)| w * (v - raw) * (v - raw))
                .sum();
            mean_interval(raw, sum_w, sum_w2, dev2, t)
        }
    }
}

/// The §6 indicator interval straight from (answer x, weight ρ) pairs.
pub fn interval(agg: Aggregate, answers: &[(f64, f64)]) -> Option<(f64, f64)> {
    let (vals, bw) = buckets(answers);
    let sum_w2 = answers.iter().map(|a| a.1 * a.1).sum();
    interval_from_buckets(agg, &vals, &bw, sum_w2, t_95)
}

/// numpy's default percentile (`method="linear"`) of ascending `sorted` values, `p` in [0, 1]:
/// h = (m − 1)·p, then numpy's `_lerp` between the order statistics around h (including its
/// switch to `b − (b − a)(1 − t)` for t ≥ 0.5, so results match numpy bit for bit).
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p;
    let lo = (h.floor() as usize).min(last);
    let hi = (lo + 1).min(last);
    let (a, b, t) = (sorted[lo], sorted[hi], h - lo as f64);
    let diff = b - a;
    let value = if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    };
    value.is_finite().then_some(value)
}

fn finite_pair(low: f64, high: f64) -> Option<(f64, f64)> {
    (low.is_finite() && high.is_finite()).then_some((low, high))
}
