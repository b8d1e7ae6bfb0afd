//! Turns the catalog and the evaluations into compact per-unit arrays, once per run, so that
//! point estimates and every bootstrap replicate work on indexes and bucket weights only.

use super::buckets::build_unit;
use super::evals::{collect, UnitEvals};
use super::model::{Aggregate, Catalog, Component, Direction, Evaluation, Indicator, QuestionType};
use super::warnings::Tally;
use std::collections::HashMap;

/// One kind's part of the catalog, with per-indicator attributes gathered for the hot loops.
/// "Local" indexes count within the kind: components in catalog order, indicators in order of
/// their codes (the resampling order compares answers by indicator code, see `evals`).
#[derive(Debug, Clone, Default)]
pub(crate) struct KindPlan {
    pub name: String,
    /// Catalog indexes of the kind's units, components and indicators (by local index).
    pub units: Vec<usize>,
    pub components: Vec<usize>,
    pub indicators: Vec<usize>,
    /// Local indicator indexes in catalog order, for output.
    pub output_order: Vec<usize>,
    pub question_type: Vec<QuestionType>,
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

#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub kinds: Vec<KindPlan>,
    /// One per catalog unit, catalog order.
    pub units: Vec<UnitPlan>,
    /// Per catalog unit, its evaluations (kept for reliability).
    pub evals: Vec<UnitEvals>,
    pub warnings: Vec<String>,
}

pub(crate) fn prepare(catalog: &Catalog, evaluations: &[Evaluation]) -> Plan {
    let (kinds, unit_kind, local) = kinds_of(catalog);
    let mut tally = Tally::default();
    let evals = collect(catalog, evaluations, &unit_kind, &local, &mut tally);
    let units = evals
        .iter()
        .zip(&unit_kind)
        .map(|(e, &k)| build_unit(k, &kinds[k], e))
        .collect();
    let mut warnings = tally.into_warnings();
    warnings.extend(catalog_warnings(catalog, &local));
    Plan {
        kinds,
        units,
        evals,
        warnings,
    }
}

/// Kinds; the kind of each unit; (kind, local index) of each indicator.
type KindLayout = (Vec<KindPlan>, Vec<usize>, Vec<Option<(usize, usize)>>);

/// Kinds in order of first appearance (units, then components); per unit its kind; per
/// indicator (kind, local index), `None` for an indicator whose component index is invalid.
fn kinds_of(catalog: &Catalog) -> KindLayout {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut kinds: Vec<KindPlan> = Vec::new();
    let names = catalog.units.iter().map(|u| &u.kind);
    for name in names.chain(catalog.components.iter().map(|c| &c.kind)) {
        index.entry(name).or_insert_with(|| {
            kinds.push(KindPlan {
                name: name.clone(),
                ..KindPlan::default()
            });
            kinds.len() - 1
        });
    }
    // Every name was inserted just above, so the default is never used.
    let kind_of = |name: &String| index.get(name.as_str()).copied().unwrap_or_default();
    let unit_kind: Vec<usize> = catalog.units.iter().map(|u| kind_of(&u.kind)).collect();
    for (u, &k) in unit_kind.iter().enumerate() {
        kinds[k].units.push(u);
    }
    let comp_local: Vec<(usize, usize)> = (catalog.components.iter().enumerate())
        .map(|(c, comp)| {
            (
                kind_of(&comp.kind),
                kinds[kind_of(&comp.kind)].add_component(c, comp),
            )
        })
        .collect();
    let mut by_code: Vec<usize> = (0..catalog.indicators.len()).collect();
    by_code.sort_by(|&a, &b| {
        catalog.indicators[a]
            .code
            .cmp(&catalog.indicators[b].code)
            .then(a.cmp(&b))
    });
    let mut local = vec![None; catalog.indicators.len()];
    for i in by_code {
        let ind = &catalog.indicators[i];
        if let Some(&(k, lc)) = comp_local.get(ind.component) {
            local[i] = Some((k, kinds[k].add_indicator(i, ind, lc)));
        }
    }
    for kind in &mut kinds {
        kind.output_order = (0..kind.indicators.len()).collect();
        kind.output_order.sort_by_key(|&li| kind.indicators[li]);
    }
    (kinds, unit_kind, local)
}

impl KindPlan {
    /// Adds catalog component `c`; returns its local index.
    fn add_component(&mut self, c: usize, comp: &Component) -> usize {
        self.components.push(c);
        self.comp_weight.push(comp.weight);
        self.comp_indicators.push(Vec::new());
        self.components.len() - 1
    }

    /// Adds catalog indicator `i` to local component `lc`; returns its local index.
    fn add_indicator(&mut self, i: usize, ind: &Indicator, lc: usize) -> usize {
        let li = self.indicators.len();
        self.indicators.push(i);
        self.question_type.push(ind.question_type);
        self.aggregate.push(ind.aggregate);
        self.direction.push(ind.direction);
        self.ind_weight.push(ind.weight);
        self.comp_indicators[lc].push(li);
        li
    }
}

/// Catalog problems the method cannot use; reported, never fatal.
fn catalog_warnings(catalog: &Catalog, local: &[Option<(usize, usize)>]) -> Vec<String> {
    let orphans = catalog
        .indicators
        .iter()
        .zip(local)
        .filter(|(_, l)| l.is_none());
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
        warnings.push(format!(
            "indicators without a valid component were ignored: {list}"
        ));
    }
    if !bad_weights.is_empty() {
        let list = bad_weights.join(", ");
        warnings.push(format!("weights must be finite and > 0; check: {list}"));
    }
    warnings
}
