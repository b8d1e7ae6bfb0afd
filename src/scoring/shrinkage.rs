//! METHODOLOGY.md §8: empirical Bayes estimates for the units of a `shrunk` kind.
//!
//! Everything here works on per-(unit, indicator) sufficient statistics ([`UnitStats`]), which
//! the data package publishes (`weight_sum`, `weight_sq_sum`, `within_ss`, `raw_value`, `n`), so
//! the estimates reproduce from the package alone. The same functions serve the point estimate
//! and every bootstrap replicate.

use super::model::Aggregate;

/// Relative threshold below which σ² and τ² are taken as exactly 0 (§8 "Rounding").
pub const ZERO_TOL: f64 = 1e-12;

/// The answers of one unit to one indicator, summarised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitStats {
    /// n_{u,i}: answers (evaluations counted as often as they are drawn in a replicate).
    pub n: u32,
    /// Σρ.
    pub weight_sum: f64,
    /// Σρ².
    pub weight_sq_sum: f64,
    /// r_u = Σρy/Σρ, the §2 raw value.
    pub raw: f64,
    /// Σρ(y − r_u)².
    pub within_ss: f64,
}

impl UnitStats {
    /// Kish's n_eff = (Σρ)²/Σρ².
    pub fn n_eff(&self) -> f64 {
        self.weight_sum * self.weight_sum / self.weight_sq_sum
    }
}

/// One shrunk indicator's parameters (a row of `shrinkage.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// m = |V|.
    pub m: u32,
    pub mu: f64,
    /// Pooled within-unit variance σ², after the rounding rule.
    pub sigma2: f64,
    /// Between-unit variance τ², after the rounding rule.
    pub tau2: f64,
}

/// True when §8 applies to an indicator with this aggregate (`median` stays direct).
pub fn eligible(agg: Aggregate) -> bool {
    !matches!(agg, Aggregate::Median)
}

/// The y of an answer x (§8): x for `mean`, 100·[x ≥ 4] for `share_agree`, 100·[x = 1] for
/// `share_yes`; `None` for `median`.
pub fn y_of(agg: Aggregate, x: f64) -> Option<f64> {
    let share = |yes: bool| if yes { 100.0 } else { 0.0 };
    match agg {
        Aggregate::Mean => Some(x),
        Aggregate::ShareAgree => Some(share(x >= 4.0)),
        Aggregate::ShareYes => Some(share(x == 1.0)),
        Aggregate::Median => None,
    }
}

/// Statistics from bucket arrays: distinct answered values `vals` with Σρ (`bw`), Σρ² (`bw2`)
/// and answer counts (`bn`) per value; `raw` is the §2 raw value of the same buckets.
pub fn stats_from_buckets(
    agg: Aggregate,
    vals: &[f64],
    bw: &[f64],
    bw2: &[f64],
    bn: &[u32],
    raw: Option<f64>,
) -> Option<UnitStats> {
    let raw = raw?;
    let n: u32 = bn.iter().sum();
    if n == 0 {
        return None;
    }
    let mut within_ss = 0.0;
    for (&v, &w) in vals.iter().zip(bw) {
        let d = y_of(agg, v)? - raw;
        within_ss += w * d * d;
    }
    Some(UnitStats {
        n,
        weight_sum: bw.iter().sum(),
        weight_sq_sum: bw2.iter().sum(),
        raw,
        within_ss,
    })
}

/// Statistics straight from (answer x, weight ρ) pairs, in the given order; the reference
/// implementation used by tests and backcasts.
pub fn stats(agg: Aggregate, answers: &[(f64, f64)]) -> Option<UnitStats> {
    let ys: Vec<(f64, f64)> = answers
        .iter()
        .map(|&(x, w)| Some((y_of(agg, x)?, w)))
        .collect::<Option<_>>()?;
    let raw = super::aggregate::raw_value(agg, answers)?;
    Some(UnitStats {
        n: u32::try_from(answers.len()).ok()?,
        weight_sum: answers.iter().map(|a| a.1).sum(),
        weight_sq_sum: answers.iter().map(|a| a.1 * a.1).sum(),
        raw,
        within_ss: ys.iter().map(|&(y, w)| w * (y - raw) * (y - raw)).sum(),
    })
}

/// Fits μ, σ², τ² over V (the units given: each with n_u ≥ 5 and n_{u,i} ≥ 1; the caller
/// selects them). `None` when m < 3 or N − m < 1: the indicator stays direct.
pub fn fit(v: &[UnitStats]) -> Option<Params> {
    let m = v.len();
    let big_n: u64 = v.iter().map(|s| u64::from(s.n)).sum();
    if m < 3 || big_n < m as u64 + 1 {
        return None;
    }
    let (mf, nf) = (m as f64, big_n as f64);
    let ss: f64 = v.iter().map(|s| s.within_ss).sum();
    let ws: f64 = v.iter().map(|s| s.weight_sum).sum();
    let mu = v.iter().map(|s| s.raw).sum::<f64>() / mf;
    let tol = ZERO_TOL * (mu * mu).max(1.0);
    let round = |x: f64| if x < tol { 0.0 } else { x };
    let sigma2 = round(ss / ws * nf / (nf - mf));
    let between = v.iter().map(|s| (s.raw - mu) * (s.raw - mu)).sum::<f64>() / (mf - 1.0);
    let mean_v = v.iter().map(|s| sigma2 / s.n_eff()).sum::<f64>() / mf;
    let tau2 = round((between - mean_v).max(0.0));
    let ok = mu.is_finite() && sigma2.is_finite() && tau2.is_finite();
    ok.then_some(Params {
        m: m as u32,
        mu,
        sigma2,
        tau2,
    })
}

/// B_u for a unit with effective size `n_eff`: 1 if τ² = 0; else 0 if σ² = 0; else
/// v_u/(v_u + τ²) with v_u = σ²/n_eff.
pub fn factor(p: &Params, n_eff: f64) -> f64 {
    if p.tau2 == 0.0 {
        1.0
    } else if p.sigma2 == 0.0 {
        0.0
    } else {
        let v = p.sigma2 / n_eff;
        v / (v + p.tau2)
    }
}

/// (r̃_u, B_u): r̃_u = B_u·μ + (1 − B_u)·r_u.
pub fn estimate(p: &Params, raw: f64, n_eff: f64) -> (f64, f64) {
    let b = factor(p, n_eff);
    (b * p.mu + (1.0 - b) * raw, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(answers: &[f64]) -> UnitStats {
        let pairs: Vec<(f64, f64)> = answers.iter().map(|&x| (x, 1.0)).collect();
        stats(Aggregate::Mean, &pairs).unwrap_or_else(|| panic!("stats"))
    }

    #[test]
    fn fewer_than_three_units_stay_direct() {
        assert_eq!(fit(&[unit(&[1.0, 2.0]), unit(&[3.0, 4.0])]), None);
    }

    #[test]
    fn one_answer_per_unit_stays_direct() {
        // N − m = 0.
        assert_eq!(fit(&[unit(&[1.0]), unit(&[3.0]), unit(&[4.0])]), None);
    }

    #[test]
    fn equal_answers_give_zero_variances_and_full_shrinkage() {
        let p = fit(&[unit(&[3.0; 5]), unit(&[3.0; 6]), unit(&[3.0; 7])]).unwrap_or_else(|| {
            panic!("fit");
        });
        assert_eq!((p.sigma2, p.tau2, p.mu), (0.0, 0.0, 3.0));
        assert_eq!(estimate(&p, 3.0, 5.0), (3.0, 1.0));
    }

    #[test]
    fn shares_use_the_indicator_of_agreement() {
        let s = stats(Aggregate::ShareAgree, &[(5.0, 1.0), (2.0, 1.0), (4.0, 2.0)]);
        let s = s.unwrap_or_else(|| panic!("stats"));
        assert_eq!(s.raw, 75.0);
        // y = 100, 0, 100 with weights 1, 1, 2: Σρ(y − 75)² = 625 + 5625 + 2·625.
        assert_eq!(s.within_ss, 7500.0);
        assert_eq!((s.weight_sum, s.weight_sq_sum), (4.0, 6.0));
    }
}
