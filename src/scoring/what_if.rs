//! What-if weights (issue 15): §5 recomputed from a run's published component scores with
//! other component weights, as the Association tries alternatives. Pure; the API and the
//! what-if page validate the weights and call [`recompute`].

use super::model::Group;
use super::rank::{group_of, ranks_into, total};
use super::result::ComponentScore;
use std::collections::BTreeMap;

/// A component of the scored catalog: its code, kind and published weight.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedComponent {
    pub code: String,
    pub kind: String,
    pub weight: f64,
}

/// One unit under the new weights.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIfUnit {
    pub unit_code: String,
    pub kind: String,
    pub total: Option<f64>,
    pub rank: Option<u32>,
    /// Index into the run's groups.
    pub group: Option<usize>,
}

/// A weight that cannot be used, named by its query field (`w[CODE]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightError {
    pub field: String,
    pub message: String,
}

/// The weights to use: the published ones, with `overrides` (component code → text of a
/// number) applied. Every override must name a component and be a finite number ≥ 0.
pub fn weights(
    components: &[WeightedComponent],
    overrides: &[(String, String)],
) -> Result<BTreeMap<String, f64>, Vec<WeightError>> {
    let mut out: BTreeMap<String, f64> = (components.iter())
        .map(|c| (c.code.clone(), c.weight))
        .collect();
    let mut errors = Vec::new();
    for (code, text) in overrides {
        let field = format!("w[{code}]");
        let value = text.trim().parse::<f64>().ok().filter(|w| w.is_finite());
        match (out.get_mut(code), value) {
            (None, _) => errors.push(WeightError {
                field,
                message: format!("no component has the code {code}"),
            }),
            (Some(_), None) => errors.push(WeightError {
                field,
                message: format!("{text:?} is not a number"),
            }),
            (Some(_), Some(w)) if w < 0.0 => errors.push(WeightError {
                field,
                message: "a weight must be 0 or more".into(),
            }),
            (Some(slot), Some(w)) => *slot = w,
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// §5 for every unit that has component scores: T = 10·Σ W_c S_c / Σ W_c over the components
/// of its kind with a score (a unit whose scored components all weigh 0 gets no total), rank
/// among its kind's units with a total, group. Units come in kind order, then by code.
pub fn recompute(
    components: &[WeightedComponent],
    scores: &[ComponentScore],
    weights: &BTreeMap<String, f64>,
    groups: &[Group],
) -> Vec<WhatIfUnit> {
    // Each component's kind and its position among its kind's components.
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let position: BTreeMap<&str, (&str, usize)> = (components.iter())
        .map(|c| {
            let next = seen.entry(c.kind.as_str()).or_default();
            *next += 1;
            (c.code.as_str(), (c.kind.as_str(), *next - 1))
        })
        .collect();
    let mut by_unit: BTreeMap<(&str, &str), Vec<Option<f64>>> = BTreeMap::new();
    for s in scores {
        let Some(&(kind, i)) = position.get(s.component_code.as_str()) else {
            continue;
        };
        let row =
            (by_unit.entry((kind, s.unit_code.as_str()))).or_insert_with(|| vec![None; seen[kind]]);
        row[i] = s.score;
    }
    let mut out = Vec::new();
    // `by_unit` is ordered by (kind, unit): its kinds come sorted, each once after dedup.
    let mut kinds: Vec<&str> = by_unit.keys().map(|(k, _)| *k).collect();
    kinds.dedup();
    for kind in kinds {
        let w: Vec<f64> = (components.iter())
            .filter(|c| c.kind == kind)
            .map(|c| weights.get(&c.code).copied().unwrap_or(c.weight))
            .collect();
        let rows: Vec<(&str, &Vec<Option<f64>>)> = (by_unit.iter())
            .filter(|((k, _), _)| *k == kind)
            .map(|((_, u), row)| (*u, row))
            .collect();
        let totals: Vec<Option<f64>> = rows.iter().map(|(_, row)| total(row, &w)).collect();
        let mut ranks = vec![None; totals.len()];
        ranks_into(&totals, &mut ranks);
        for (((unit, _), t), r) in rows.iter().zip(&totals).zip(ranks) {
            out.push(WhatIfUnit {
                unit_code: unit.to_string(),
                kind: kind.to_string(),
                total: *t,
                rank: r,
                group: t.and_then(|t| group_of(t, groups)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::model::default_groups;

    fn comps() -> Vec<WeightedComponent> {
        let c = |code: &str, w| WeightedComponent {
            code: code.into(),
            kind: "department".into(),
            weight: w,
        };
        vec![c("A", 1.0), c("B", 2.0)]
    }

    fn score(unit: &str, comp: &str, s: Option<f64>) -> ComponentScore {
        ComponentScore {
            unit_code: unit.into(),
            component_code: comp.into(),
            score: s,
        }
    }

    #[test]
    fn other_weights_change_totals_and_ranks_by_section_5() {
        let scores = [
            score("U1", "A", Some(9.0)),
            score("U1", "B", Some(3.0)),
            score("U2", "A", Some(4.0)),
            score("U2", "B", Some(6.0)),
        ];
        let groups = default_groups();
        let published = weights(&comps(), &[]).expect("a value");
        let out = recompute(&comps(), &scores, &published, &groups);
        // U1: 10·(9 + 6)/3 = 50; U2: 10·(4 + 12)/3 = 53.33…
        assert_eq!(out[0].total, Some(50.0));
        assert_eq!((out[0].rank, out[1].rank), (Some(2), Some(1)));
        let tilted = weights(&comps(), &[("B".into(), "0".into())]).expect("a value");
        let out = recompute(&comps(), &scores, &tilted, &groups);
        assert_eq!(out[0].total, Some(90.0));
        assert_eq!((out[0].rank, out[1].rank), (Some(1), Some(2)));
        assert_eq!(out[0].group, Some(0));
    }

    #[test]
    fn a_unit_scored_only_on_components_weighing_zero_gets_no_total() {
        let scores = [score("U1", "A", None), score("U1", "B", Some(7.0))];
        let w = weights(&comps(), &[("B".into(), "0".into())]).expect("a value");
        let out = recompute(&comps(), &scores, &w, &default_groups());
        assert_eq!(
            (out[0].total, out[0].rank, out[0].group),
            (None, None, None)
        );
    }

    #[test]
    fn bad_weights_are_refused_with_their_field_named() {
        let bad = [
            ("A".to_string(), "-1".to_string()),
            ("B".to_string(), "abc".to_string()),
            ("Z".to_string(), "1".to_string()),
            ("A".to_string(), "inf".to_string()),
        ];
        let errors = weights(&comps(), &bad).expect_err("refused");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["w[A]", "w[B]", "w[Z]", "w[A]"]);
    }
}
