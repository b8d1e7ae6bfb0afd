//! METHODOLOGY.md §9: the change of units across a reorganisation, as pure functions.
//!
//! Inputs are plain data: the catalog's links (successor → predecessor, with a relation), the
//! earlier published runs' totals ([`PublishedCycle`]) and, for backcasts, the earlier published
//! runs' evaluations, bounds and §8 parameters ([`PastRun`]). [`apply`] rewrites the change
//! columns of a scoring result; it never touches a score, total, rank or group.

use super::history::previous;
use super::model::{Aggregate, Catalog, Evaluation, PublishedCycle, COUNT_ONLY_BELOW};
use super::normalise::{normalise, Bounds};
use super::output::{previous_replicates, set_change_interval};
use super::rank::{total, weighted_mean};
use super::result::{ChangeBasis, ScoringResult};
use super::shrinkage::{self, Params};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// How a unit relates to one predecessor (`unit_links.csv`'s `relation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Renamed,
    Merged,
    SplitFrom,
    Territory,
}

impl Relation {
    pub const ALL: [Relation; 4] = [
        Relation::Renamed,
        Relation::Merged,
        Relation::SplitFrom,
        Relation::Territory,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Renamed => "renamed",
            Relation::Merged => "merged",
            Relation::SplitFrom => "split_from",
            Relation::Territory => "territory",
        }
    }
}

impl FromStr for Relation {
    type Err = super::model::EnumParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Relation::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| super::model::EnumParseError {
                what: "relation",
                value: s.to_string(),
                expected: "renamed merged split_from territory",
            })
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of `unit_links.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub unit_code: String,
    pub predecessor_code: String,
    pub relation: Relation,
}

/// One evaluation of an earlier published run: its unit, weight and answers by indicator code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastEvaluation {
    pub unit_code: String,
    pub weight: f64,
    pub answers: Vec<(String, f64)>,
}

/// What a backcast needs from one earlier published run (its data package holds all of it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PastRun {
    pub year: i32,
    /// n_u of the units of that run (`scores.csv`'s `responses`).
    pub responses: BTreeMap<String, u32>,
    /// Its evaluations of (at least) the predecessors of merged units.
    pub evaluations: Vec<PastEvaluation>,
    /// Published (pool_min, pool_max) by indicator code.
    pub bounds: BTreeMap<String, Bounds>,
    /// §8 parameters by indicator code, for the indicators that run shrank.
    pub shrinkage: BTreeMap<String, Params>,
}

impl PastRun {
    /// A published run as a backcast reads it: its catalog, the evaluations it scored and its
    /// result (all of which its data package holds).
    pub fn from_result(
        catalog: &Catalog,
        evaluations: &[Evaluation],
        result: &ScoringResult,
    ) -> PastRun {
        let code = |i: usize| catalog.indicators.get(i).map(|d| d.code.clone());
        let evaluations = (evaluations.iter())
            .filter_map(|e| {
                Some(PastEvaluation {
                    unit_code: catalog.units.get(e.unit)?.code.clone(),
                    weight: e.weight,
                    answers: (e.answers.iter())
                        .filter_map(|&(i, x)| Some((code(i)?, x)))
                        .collect(),
                })
            })
            .collect();
        let mut bounds = BTreeMap::new();
        for s in &result.indicator_scores {
            if let (Some(min), Some(max)) = (s.pool_min, s.pool_max) {
                bounds.insert(s.indicator_code.clone(), Bounds { min, max });
            }
        }
        let shrinkage = (result.shrinkage.iter())
            .map(|r| {
                let p = Params {
                    m: r.m,
                    mu: r.mu,
                    sigma2: r.sigma2,
                    tau2: r.tau2,
                };
                (r.indicator_code.clone(), p)
            })
            .collect();
        PastRun {
            year: result.year,
            responses: (result.scores.iter())
                .map(|s| (s.unit_code.clone(), s.responses))
                .collect(),
            evaluations,
            bounds,
            shrinkage,
        }
    }
}

/// A merged unit's score recomputed on an earlier run (§9).
#[derive(Debug, Clone, PartialEq)]
pub struct Backcast {
    /// The year of the run used.
    pub year: i32,
    /// (component code, score) for the components of the unit's kind, catalog order.
    pub components: Vec<(String, Option<f64>)>,
    pub total: f64,
}

/// The backcast of catalog unit `unit` from `predecessors`: the latest run (year < `year`) in
/// which every predecessor had n_u ≥ 5, exactly that run's evaluations of the predecessors,
/// §2 raw values (§8 with that run's μ, σ², τ² and B from the pooled n_eff where it shrank),
/// normalised with that run's published bounds (not clamped), and §5 with the current
/// catalog's weights over the components that have a score. `None` if no run qualifies or
/// no component can be scored.
pub fn backcast(
    catalog: &Catalog,
    unit: usize,
    predecessors: &[&str],
    runs: &[PastRun],
    year: i32,
) -> Option<Backcast> {
    let kind = &catalog.units.get(unit)?.kind;
    let qualifies = |r: &&PastRun| {
        r.year < year
            && !predecessors.is_empty()
            && predecessors
                .iter()
                .all(|p| r.responses.get(*p).is_some_and(|&n| n >= COUNT_ONLY_BELOW))
    };
    let run = runs.iter().filter(qualifies).max_by_key(|r| r.year)?;
    let preds: BTreeSet<&str> = predecessors.iter().copied().collect();
    let mut answers: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for ev in run
        .evaluations
        .iter()
        .filter(|e| preds.contains(e.unit_code.as_str()))
    {
        for (code, x) in &ev.answers {
            answers
                .entry(code.as_str())
                .or_default()
                .push((*x, ev.weight));
        }
    }
    let score_of = |i: usize| -> Option<f64> {
        let ind = &catalog.indicators[i];
        let bounds = *run.bounds.get(&ind.code)?;
        let a = answers.get(ind.code.as_str())?;
        let value = estimate(ind.aggregate, a, run.shrinkage.get(&ind.code))?;
        Some(normalise(value, bounds, ind.direction))
    };
    let mut components = Vec::new();
    let mut weights = Vec::new();
    let mut scores = Vec::new();
    for (c, comp) in catalog.components.iter().enumerate() {
        if &comp.kind != kind {
            continue;
        }
        // Indicators in code order, as the engine adds them.
        let mut inds: Vec<usize> = (0..catalog.indicators.len())
            .filter(|&i| catalog.indicators[i].component == c)
            .collect();
        inds.sort_by(|&a, &b| catalog.indicators[a].code.cmp(&catalog.indicators[b].code));
        let pairs = inds
            .iter()
            .map(|&i| (catalog.indicators[i].weight, score_of(i)));
        let s = weighted_mean(pairs);
        components.push((comp.code.clone(), s));
        weights.push(comp.weight);
        scores.push(s);
    }
    let t = total(&scores, &weights)?;
    Some(Backcast {
        year: run.year,
        components,
        total: t,
    })
}

/// §2 raw value of pooled answers, or §8 estimate with fixed parameters and B from the pooled
/// n_eff.
fn estimate(agg: Aggregate, answers: &[(f64, f64)], params: Option<&Params>) -> Option<f64> {
    let raw = super::aggregate::raw_value(agg, answers)?;
    match params {
        Some(p) if shrinkage::eligible(agg) => {
            let s = shrinkage::stats(agg, answers)?;
            let (e, _) = shrinkage::estimate(p, raw, s.n_eff());
            e.is_finite().then_some(e)
        }
        _ => Some(raw),
    }
}

/// What `apply` did for one unit with links.
#[derive(Debug, Clone, PartialEq)]
pub struct Succession {
    pub unit_code: String,
    pub basis: Option<ChangeBasis>,
    /// The backcast of a merged unit, when one exists.
    pub backcast: Option<Backcast>,
}

/// Rewrites `change_basis`, `total_change` and `rank_change` of the units of `result` that
/// have links (§9); units without links keep the engine's same-unit change. A unit with
/// `merged` links gets a backcast; else one with a `renamed` link continues its predecessor's
/// series; else one with `split_from` or `territory` links is not comparable.
///
/// Integration: `cycles::runs::score_cycle` calls this with the cycle's `unit_links` and the
/// earlier published runs (see `db::scoring_input`).
pub fn apply(
    catalog: &Catalog,
    links: &[Link],
    history: &[PublishedCycle],
    runs: &[PastRun],
    result: &mut ScoringResult,
) -> Vec<Succession> {
    let year = result.year;
    let mut by_unit: BTreeMap<&str, Vec<&Link>> = BTreeMap::new();
    for l in links {
        by_unit.entry(l.unit_code.as_str()).or_default().push(l);
    }
    let mut out = Vec::new();
    let replicates = &result.replicate_totals;
    for score in &mut result.scores {
        let Some(unit_links) = by_unit.get(score.unit_code.as_str()) else {
            continue;
        };
        let with = |r: Relation| -> Vec<&str> {
            (unit_links.iter())
                .filter(|l| l.relation == r)
                .map(|l| l.predecessor_code.as_str())
                .collect()
        };
        let (merged, renamed) = (with(Relation::Merged), with(Relation::Renamed));
        score.total_change = None;
        score.rank_change = None;
        score.change_basis = None;
        set_change_interval(score, None, None);
        let mut bc = None;
        if !merged.is_empty() {
            let unit = catalog.units.iter().position(|u| u.code == score.unit_code);
            bc = unit.and_then(|u| backcast(catalog, u, &merged, runs, year));
            if let (Some(now), Some(b)) = (score.total, &bc) {
                score.total_change = Some(now - b.total).filter(|d| d.is_finite());
                score.change_basis = Some(ChangeBasis::Backcast);
            }
        } else if let Some(pred) = renamed.first() {
            let before = score.total.and_then(|_| previous(history, year, pred));
            if let (Some((then, rank_then)), Some(now), Some(rank)) =
                (before, score.total, score.rank)
            {
                score.total_change = Some(now - then).filter(|d| d.is_finite());
                score.rank_change = Some(i64::from(rank_then) - i64::from(rank));
                score.change_basis = Some(ChangeBasis::Renamed);
                let now = replicates.get(&score.unit_code).map(Vec::as_slice);
                set_change_interval(score, now, previous_replicates(history, year, pred));
            }
        } else {
            score.change_basis = Some(ChangeBasis::NotComparable);
        }
        out.push(Succession {
            unit_code: score.unit_code.clone(),
            basis: score.change_basis,
            backcast: bc,
        });
    }
    out
}
