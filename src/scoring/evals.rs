//! Validated evaluations of one unit, in the fixed order that resampling uses.
//!
//! The order depends on content only: the answers, compared as sequences of (indicator code,
//! value) in ascending code order, then the weight. Resampling draws positions in this order,
//! so neither the input order nor the response ids (pseudonyms in a published package) change
//! any number, not even a bootstrap interval; evaluations equal in content are interchangeable.

use super::model::{Catalog, Evaluation};
use super::warnings::Tally;
use std::cmp::Ordering;

/// One evaluation; its answers are `UnitEvals::answers[start..end]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EvalRef {
    pub weight: f64,
    start: usize,
    end: usize,
}

/// The evaluations of one unit. Answers are (local indicator, value), sorted by indicator, one
/// per indicator, stored flat to spare an allocation per evaluation.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnitEvals {
    pub evals: Vec<EvalRef>,
    answers: Vec<(usize, f64)>,
}

impl UnitEvals {
    pub fn answers(&self, e: &EvalRef) -> &[(usize, f64)] {
        &self.answers[e.start..e.end]
    }

    /// Evaluations with their answers, in resampling order.
    pub fn iter(&self) -> impl Iterator<Item = (&EvalRef, &[(usize, f64)])> {
        self.evals.iter().map(|e| (e, self.answers(e)))
    }

    /// Puts the evaluations in resampling order (call once, after the last `push`).
    pub fn sort(&mut self) {
        let answers = &self.answers;
        self.evals.sort_by(|a, b| {
            // Local indicator indexes follow indicator codes (see `prepare`).
            let content = cmp_answers(&answers[a.start..a.end], &answers[b.start..b.end]);
            content.then(a.weight.total_cmp(&b.weight))
        });
    }

    /// Adds the valid answers of `ev` (a unit of kind `kind`); skips the evaluation if its
    /// weight is unusable or no valid answer is left (then it is no evaluation in the sense
    /// of §1). `local[i]` is (kind, local index) of catalog indicator i.
    pub fn push(
        &mut self,
        ev: &Evaluation,
        kind: usize,
        ctx: (&Catalog, &[Option<(usize, usize)>]),
        tally: &mut Tally,
    ) {
        let (catalog, local) = ctx;
        if !(ev.weight.is_finite() && ev.weight > 0.0) {
            tally.bad_weight += 1;
            return;
        }
        let start = self.answers.len();
        for &(i, x) in &ev.answers {
            match (local.get(i).copied().flatten(), catalog.indicators.get(i)) {
                (Some((k, li)), Some(ind)) if k == kind && ind.question_type.accepts(x) => {
                    self.answers.push((li, x));
                }
                _ => tally.bad_answer += 1,
            }
        }
        tally.duplicate_answer += sort_dedup_tail(&mut self.answers, start);
        if self.answers.len() == start {
            tally.empty_evaluation += 1;
            return;
        }
        let end = self.answers.len();
        self.evals.push(EvalRef {
            weight: ev.weight,
            start,
            end,
        });
    }
}

/// Sorts `v[start..]` by (indicator, value) and keeps the first (smallest) value of each
/// indicator; returns how many duplicates were dropped.
fn sort_dedup_tail(v: &mut Vec<(usize, f64)>, start: usize) -> usize {
    let tail = &mut v[start..];
    if !tail.is_sorted_by(|a, b| a.0 < b.0) {
        tail.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    }
    let len = v.len();
    let mut kept = start;
    for r in start..len {
        if kept == start || v[r].0 != v[kept - 1].0 {
            v[kept] = v[r];
            kept += 1;
        }
    }
    v.truncate(kept);
    len - kept
}

/// Lexicographic order on sorted answer lists (a total order: values by `total_cmp`).
fn cmp_answers(a: &[(usize, f64)], b: &[(usize, f64)]) -> Ordering {
    let pairs = a.iter().zip(b);
    pairs
        .map(|(x, y)| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| a.len().cmp(&b.len()))
}

/// Validates all evaluations into per-unit lists in resampling order.
pub(crate) fn collect(
    catalog: &Catalog,
    evaluations: &[Evaluation],
    unit_kind: &[usize],
    local: &[Option<(usize, usize)>],
    tally: &mut Tally,
) -> Vec<UnitEvals> {
    let mut units: Vec<UnitEvals> = vec![UnitEvals::default(); unit_kind.len()];
    for ev in evaluations {
        match unit_kind.get(ev.unit) {
            Some(&kind) => units[ev.unit].push(ev, kind, (catalog, local), tally),
            None => tally.bad_unit += 1,
        }
    }
    units.iter_mut().for_each(UnitEvals::sort);
    units
}
