//! Turns the catalog and the evaluations into compact per-unit arrays, once per run, so that
//! point estimates and every bootstrap replicate work on indexes and bucket weights only.
//!
//! Evaluations of a unit are put in a fixed order that ignores input order: by response id,
//! then weight, then answers. Resampling draws positions in this order, so permuting the input
//! changes no number, not even a bootstrap interval.

use super::aggregate::distinct_sorted;
use super::model::{Aggregate, Catalog, Direction, Evaluation};
use super::warnings::Tally;
use std::cmp::Ordering;
use std::collections::HashMap;

/// One kind's part of the catalog, with per-indicator attributes gathered for the hot loops.
/// "Local" indexes count within the kind, in catalog order.
#[derive(Debug, Clone, Default)]
pub(crate) struct KindPlan {
    pub name: String,
    /// Catalog indexes of the kind's units, components and indicators (catalog order).
    pub units: Vec<usize>,
    pub components: Vec<usize>,
    pub indicators: Vec<usize>,
    pub aggregate: Vec<Aggregate>,
    pub direction: Vec<Direction>,
    pub ind_weight: Vec<f64>,
    pub comp_weight: Vec<f64>,
    /// Local indicator indexes of each local component.
    pub comp_indicators: Vec<Vec<usize>>,
}

/// One unit's evaluations in resampling order, as bucket indexes (see `aggregate`).
#[derive(Debug, Clone, Default)]
pub(crate) struct UnitPlan {
    pub kind: usize,
    /// ρ of each evaluation.
    pub weights: Vec<f64>,
    /// Answers of evaluation e are `buckets[eval_start[e]..eval_start[e + 1]]`.
    pub eval_start: Vec<usize>,
    /// Index into `vals` of each answer's value.
    pub buckets: Vec<u32>,
    /// Distinct answered values of local indicator i are `vals[val_start[i]..val_start[i + 1]]`.
    pub val_start: Vec<usize>,
    pub vals: Vec<f64>,
    /// n_{u,i} and Σρ² per local indicator (point estimate only).
    pub n: Vec<u32>,
    pub sum_w2: Vec<f64>,
}

impl UnitPlan {
    pub fn n_evals(&self) -> usize {
        self.weights.len()
    }
}

/// A validated evaluation: answers as (local indicator, value), sorted, one per indicator.
#[derive(Debug, Clone)]
pub(crate) struct NormEval {
    pub response: u64,
    pub weight: f64,
    pub answers: Vec<(usize, f64)>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub kinds: Vec<KindPlan>,
    /// One per catalog unit, catalog order.
    pub units: Vec<UnitPlan>,
    /// Per catalog unit, its evaluations (kept for reliability).
    pub evals: Vec<Vec<NormEval>>,
    pub warnings: Vec<String>,
}

pub(crate) fn prepare(catalog: &Catalog, evaluations: &[Evaluation]) -> Plan {
    let (kinds, unit_kind, local) = kinds_of(catalog);
    let mut tally = Tally::default();
    let mut evals: Vec<Vec<NormEval>> = vec![Vec::new(); catalog.units.len()];
    for ev in evaluations {
        if let Some(norm) = normalise_eval(ev, &unit_kind, &local, catalog, &mut tally) {
            evals[ev.unit].push(norm);
        }
    }
    for list in &mut evals {
        list.sort_by(eval_order);
    }
    let units = evals
        .iter()
        .zip(&unit_kind)
        .map(|(list, &k)| build_unit(k, kinds[k].indicators.len(), list))
        .collect();
    let mut warnings = tally.into_warnings();
    warnings.extend(catalog_warnings(catalog, &local));
    Plan { kinds, units, evals, warnings }
}

/// Kinds in order of first appearance (units, then components); per unit its kind; per
/// indicator (kind, local index), `None` for an indicator whose component index is invalid.
fn kinds_of<'a>(catalog: &'a Catalog) -> (Vec<KindPlan>, Vec<usize>, Vec<Option<(usize, usize)>>) {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut kinds: Vec<KindPlan> = Vec::new();
    let mut kind_of = |name: &'a str, kinds: &mut Vec<KindPlan>| -> usize {
        *index.entry(name).or_insert_with(|| {
            kinds.push(KindPlan { name: name.to_string(), ..KindPlan::default() });
            kinds.len() - 1
        })
    };
    let unit_kind: Vec<usize> = catalog.units.iter().map(|u| kind_of(&u.kind, &mut kinds)).collect();
    for (u, &k) in unit_kind.iter().enumerate() {
        kinds[k].units.push(u);
    }
    let mut comp_local = Vec::with_capacity(catalog.components.len());
    for (c, comp) in catalog.components.iter().enumerate() {
        let k = kind_of(&comp.kind, &mut kinds);
        comp_local.push((k, kinds[k].components.len()));
        kinds[k].components.push(c);
        kinds[k].comp_weight.push(comp.weight);
        kinds[k].comp_indicators.push(Vec::new());
    }
    let local = catalog.indicators.iter().enumerate().map(|(i, ind)| {
        let &(k, lc) = comp_local.get(ind.component)?;
        let kind = &mut kinds[k];
        let li = kind.indicators.len();
        kind.indicators.push(i);
        kind.aggregate.push(ind.aggregate);
        kind.direction.push(ind.direction);
        kind.ind_weight.push(ind.weight);
        kind.comp_indicators[lc].push(li);
        Some((k, li))
    });
    let local = local.collect();
    (kinds, unit_kind, local)
}

/// Keeps the valid answers of an evaluation; `None` if the evaluation itself is unusable or
/// has no valid answer left (then it is not an evaluation in the sense of §1).
fn normalise_eval(
    ev: &Evaluation,
    unit_kind: &[usize],
    local: &[Option<(usize, usize)>],
    catalog: &Catalog,
    tally: &mut Tally,
) -> Option<NormEval> {
    let Some(&kind) = unit_kind.get(ev.unit) else {
        tally.bad_unit += 1;
        return None;
    };
    if !(ev.weight.is_finite() && ev.weight > 0.0) {
        tally.bad_weight += 1;
        return None;
    }
    let mut answers: Vec<(usize, f64)> = Vec::with_capacity(ev.answers.len());
    for &(i, x) in &ev.answers {
        match (local.get(i).copied().flatten(), catalog.indicators.get(i)) {
            (Some((k, li)), Some(ind)) if k == kind && ind.question_type.accepts(x) => {
                answers.push((li, x));
            }
            _ => tally.bad_answer += 1,
        }
    }
    answers.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let before = answers.len();
    answers.dedup_by_key(|a| a.0);
    tally.duplicate_answer += before - answers.len();
    if answers.is_empty() {
        tally.empty_evaluation += 1;
        return None;
    }
    Some(NormEval { response: ev.response, weight: ev.weight, answers })
}

/// Total order on evaluation content, so that the resampling order never depends on input order.
fn eval_order(a: &NormEval, b: &NormEval) -> Ordering {
    a.response
        .cmp(&b.response)
        .then(a.weight.total_cmp(&b.weight))
        .then_with(|| {
            let pairs = a.answers.iter().zip(&b.answers);
            pairs
                .map(|(x, y)| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| a.answers.len().cmp(&b.answers.len()))
        })
}

fn build_unit(kind: usize, m: usize, evals: &[NormEval]) -> UnitPlan {
    let mut per_ind: Vec<Vec<f64>> = vec![Vec::new(); m];
    let mut n = vec![0u32; m];
    let mut sum_w2 = vec![0.0; m];
    for e in evals {
        for &(i, x) in &e.answers {
            per_ind[i].push(x);
            n[i] += 1;
            sum_w2[i] += e.weight * e.weight;
        }
    }
    let mut val_start = Vec::with_capacity(m + 1);
    let mut vals = Vec::new();
    val_start.push(0);
    for values in per_ind {
        vals.extend(distinct_sorted(values.into_iter()));
        val_start.push(vals.len());
    }
    let mut plan = UnitPlan { kind, weights: Vec::with_capacity(evals.len()), n, sum_w2, ..UnitPlan::default() };
    plan.eval_start.push(0);
    for e in evals {
        for &(i, x) in &e.answers {
            let start = val_start[i];
            let found = vals[start..val_start[i + 1]].binary_search_by(|v| v.total_cmp(&x));
            // Always found: `vals` was built from these very answers.
            if let Ok(k) = found {
                plan.buckets.push((start + k) as u32);
            }
        }
        plan.weights.push(e.weight);
        plan.eval_start.push(plan.buckets.len());
    }
    plan.val_start = val_start;
    plan.vals = vals;
    plan
}

/// Catalog problems the method cannot use; reported, never fatal.
fn catalog_warnings(catalog: &Catalog, local: &[Option<(usize, usize)>]) -> Vec<String> {
    let orphans = catalog.indicators.iter().zip(local).filter(|(_, l)| l.is_none());
    let orphans: Vec<&str> = orphans.map(|(ind, _)| ind.code.as_str()).collect();
    let bad = |w: f64| !(w.is_finite() && w > 0.0);
    let mut bad_weights: Vec<&str> = catalog
        .components
        .iter()
        .filter(|c| bad(c.weight))
        .map(|c| c.code.as_str())
        .collect();
    let bad_ind = catalog.indicators.iter().filter(|i| bad(i.weight));
    bad_weights.extend(bad_ind.map(|i| i.code.as_str()));
    let mut warnings = Vec::new();
    if !orphans.is_empty() {
        let list = orphans.join(", ");
        warnings.push(format!("indicators without a valid component were ignored: {list}"));
    }
    if !bad_weights.is_empty() {
        let list = bad_weights.join(", ");
        warnings.push(format!("weights must be finite and > 0; check: {list}"));
    }
    warnings
}
