//! METHODOLOGY.md §6 reliability: Cronbach's α per component with at least two likert5
//! indicators, unweighted, over every evaluation of the kind (ranked unit or not) that answered
//! all of them.

use super::model::{Catalog, QuestionType};
use super::prepare::{KindPlan, NormEval, Plan};
use super::result::Reliability;

/// Cronbach's α of complete rows (one per evaluation, one column per item):
/// α = k/(k−1)·(1 − Σ var(item)/var(row sum)), all variances with the same denominator.
/// Each variance is taken as n·Σx² − (Σx)² (= n(n−1)·sample variance), which is exact for
/// likert answers, so a constant row sum is recognised exactly (then `None`).
/// `None` also with fewer than 2 rows or 2 items.
pub fn cronbach_alpha(rows: &[Vec<f64>]) -> Option<f64> {
    let k = rows.first()?.len();
    if rows.len() < 2 || k < 2 || rows.iter().any(|r| r.len() != k) {
        return None;
    }
    let n = rows.len() as f64;
    let scaled_var = |values: &mut dyn Iterator<Item = f64>| {
        let (s, s2) = values.fold((0.0, 0.0), |(s, s2), x| (s + x, s2 + x * x));
        n * s2 - s * s
    };
    let item_vars: f64 = (0..k).map(|j| scaled_var(&mut rows.iter().map(|r| r[j]))).sum();
    let total_var = scaled_var(&mut rows.iter().map(|r| r.iter().sum::<f64>()));
    if total_var <= 0.0 {
        return None;
    }
    let kf = k as f64;
    let alpha = kf / (kf - 1.0) * (1.0 - item_vars / total_var);
    alpha.is_finite().then_some(alpha)
}

/// α for every eligible component, in catalog order of components.
pub(crate) fn reliability(catalog: &Catalog, plan: &Plan) -> Vec<Reliability> {
    let mut out = Vec::new();
    for kind in &plan.kinds {
        for (c, inds) in kind.comp_indicators.iter().enumerate() {
            let likert: Vec<usize> = inds
                .iter()
                .copied()
                .filter(|&i| catalog.indicators[kind.indicators[i]].question_type == QuestionType::Likert5)
                .collect();
            if likert.len() < 2 {
                continue;
            }
            let rows = complete_rows(kind, plan, &likert);
            out.push(Reliability {
                kind: kind.name.clone(),
                component_code: catalog.components[kind.components[c]].code.clone(),
                n: u32::try_from(rows.len()).unwrap_or(u32::MAX),
                alpha: cronbach_alpha(&rows),
            });
        }
    }
    out
}

/// One row per evaluation of the kind that answered every indicator in `items` (local indexes).
fn complete_rows(kind: &KindPlan, plan: &Plan, items: &[usize]) -> Vec<Vec<f64>> {
    let evals = kind.units.iter().flat_map(|&u| &plan.evals[u]);
    evals.filter_map(|e| row_of(e, items)).collect()
}

fn row_of(e: &NormEval, items: &[usize]) -> Option<Vec<f64>> {
    items
        .iter()
        .map(|&i| {
            let k = e.answers.binary_search_by_key(&i, |a| a.0).ok()?;
            Some(e.answers[k].1)
        })
        .collect()
}
