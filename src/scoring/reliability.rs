//! METHODOLOGY.md §6 reliability: Cronbach's α per component with at least two likert5
//! indicators, unweighted, over every evaluation of a unit of the kind with at least 5
//! evaluations (ranked or not) that answered all of them. A `lower_better` item is
//! reverse-keyed (6 − x) first: components mix positively and negatively worded statements,
//! and α assumes every item points the same way.

use super::model::{Catalog, Direction, QuestionType, COUNT_ONLY_BELOW};
use super::prepare::{KindPlan, Plan};
use super::result::Reliability;

/// Running sums for Cronbach's α over complete rows (one per evaluation, one value per item).
/// Each variance is kept as n·Σx² − (Σx)² (= n(n−1)·sample variance, the same factor for every
/// variance, so it cancels); this is exact for likert answers, so a constant row sum is
/// recognised exactly.
#[derive(Debug, Clone, Default)]
pub struct AlphaSums {
    n: usize,
    item_sum: Vec<f64>,
    item_sum2: Vec<f64>,
    total_sum: f64,
    total_sum2: f64,
}

impl AlphaSums {
    pub fn new(items: usize) -> AlphaSums {
        AlphaSums {
            item_sum: vec![0.0; items],
            item_sum2: vec![0.0; items],
            ..AlphaSums::default()
        }
    }

    /// Adds one complete row; rows of another length are ignored.
    pub fn add(&mut self, row: &[f64]) {
        if row.len() != self.item_sum.len() {
            return;
        }
        for ((s, s2), x) in self.item_sum.iter_mut().zip(&mut self.item_sum2).zip(row) {
            *s += x;
            *s2 += x * x;
        }
        let t: f64 = row.iter().sum();
        self.total_sum += t;
        self.total_sum2 += t * t;
        self.n += 1;
    }

    pub fn rows(&self) -> usize {
        self.n
    }

    /// α = k/(k−1)·(1 − Σ var(item)/var(row sum)); `None` with fewer than 2 rows or items, or
    /// when the row sums do not vary.
    pub fn alpha(&self) -> Option<f64> {
        let k = self.item_sum.len();
        if self.n < 2 || k < 2 {
            return None;
        }
        let n = self.n as f64;
        let scaled = |s: f64, s2: f64| n * s2 - s * s;
        let items: f64 = self
            .item_sum
            .iter()
            .zip(&self.item_sum2)
            .map(|(s, s2)| scaled(*s, *s2))
            .sum();
        let total = scaled(self.total_sum, self.total_sum2);
        if total <= 0.0 {
            return None;
        }
        let kf = k as f64;
        let alpha = kf / (kf - 1.0) * (1.0 - items / total);
        alpha.is_finite().then_some(alpha)
    }
}

/// Cronbach's α of complete rows (see `AlphaSums`); `None` if the rows differ in length.
pub fn cronbach_alpha(rows: &[Vec<f64>]) -> Option<f64> {
    let k = rows.first()?.len();
    if rows.iter().any(|r| r.len() != k) {
        return None;
    }
    let mut sums = AlphaSums::new(k);
    rows.iter().for_each(|r| sums.add(r));
    sums.alpha()
}

/// α for every eligible component, in catalog order of components.
pub(crate) fn reliability(catalog: &Catalog, plan: &Plan) -> Vec<Reliability> {
    let mut out = Vec::new();
    for kind in &plan.kinds {
        let eligible = eligible_components(catalog, kind);
        for ((c, _), sums) in eligible.iter().zip(kind_sums(kind, plan, &eligible)) {
            out.push(Reliability {
                kind: kind.name.clone(),
                component_code: catalog.components[kind.components[*c]].code.clone(),
                n: u32::try_from(sums.rows()).unwrap_or(u32::MAX),
                alpha: sums.alpha(),
            });
        }
    }
    out
}

/// (local component, its likert5 local indicators) for components with at least two of them.
fn eligible_components(catalog: &Catalog, kind: &KindPlan) -> Vec<(usize, Vec<usize>)> {
    let is_likert =
        |i: &usize| catalog.indicators[kind.indicators[*i]].question_type == QuestionType::Likert5;
    let likert = kind
        .comp_indicators
        .iter()
        .map(|inds| inds.iter().copied().filter(is_likert).collect());
    let likert = likert
        .enumerate()
        .filter(|(_, items): &(usize, Vec<usize>)| items.len() >= 2);
    likert.collect()
}

/// A likert5 answer as α reads it: `lower_better` items reverse-keyed.
fn keyed(direction: Direction, x: f64) -> f64 {
    match direction {
        Direction::HigherBetter => x,
        Direction::LowerBetter => 6.0 - x,
    }
}

/// One pass over the kind's evaluations: each is spread into a dense row of answers by local
/// indicator, then every eligible component whose items are all answered takes its row.
fn kind_sums(kind: &KindPlan, plan: &Plan, eligible: &[(usize, Vec<usize>)]) -> Vec<AlphaSums> {
    let mut sums: Vec<AlphaSums> = eligible
        .iter()
        .map(|(_, items)| AlphaSums::new(items.len()))
        .collect();
    if eligible.is_empty() {
        return sums;
    }
    let mut dense: Vec<Option<f64>> = vec![None; kind.indicators.len()];
    let mut row = Vec::new();
    // Units with n_u < 5 publish their count only and take no part (§3, §6).
    let units =
        (kind.units.iter()).filter(|&&u| plan.units[u].n_evals() >= COUNT_ONLY_BELOW as usize);
    for (_, answers) in units.flat_map(|&u| plan.evals[u].iter()) {
        spread(answers, &mut dense, true);
        for ((_, items), s) in eligible.iter().zip(&mut sums) {
            // An incomplete row comes out shorter than `items`, and `add` skips it.
            row.clear();
            row.extend(
                items
                    .iter()
                    .map_while(|&i| dense[i].map(|x| keyed(kind.direction[i], x))),
            );
            s.add(&row);
        }
        spread(answers, &mut dense, false);
    }
    sums
}

/// Writes (or, with `set` false, clears) an evaluation's answers in the dense row.
fn spread(answers: &[(usize, f64)], dense: &mut [Option<f64>], set: bool) {
    for &(i, x) in answers {
        dense[i] = set.then_some(x);
    }
}
