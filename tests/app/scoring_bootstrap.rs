//! The engine's bootstrap equals a plain re-implementation of the documented procedure
//! (docs/method-annex.md, "Decisions" 4–7), written here from the public building blocks only:
//! draw with `replicate_rng` + `DrawBelow`, aggregate with `raw_value`, normalise, total and
//! rank with `rank_totals`, and take numpy-style percentiles.

use ddci::scoring::bootstrap::{replicate_rng, DrawBelow};
use ddci::scoring::normalise::{normalise, Bounds};
use ddci::scoring::*;

const SEED: u64 = 4242;
const B: u32 = 40;

/// One kind, 3 ranked units and one unranked; c1 = {likert mean, likert share_agree (w 2)},
/// c2 = {number median, lower_better}; W = 1 and 2. Neither unit codes nor indicator codes are
/// in catalog order, so that the documented orders (by code) are really exercised.
fn cycle() -> (Catalog, Vec<Evaluation>) {
    let units = ["u-c", "u-a", "u-b", "u-z"];
    let ind = |code: &str, component, question_type, aggregate, direction, weight| Indicator {
        code: code.to_string(),
        component,
        question_type,
        aggregate,
        direction,
        weight,
    };
    let catalog = Catalog {
        units: units
            .iter()
            .map(|u| Unit {
                code: u.to_string(),
                kind: "department".into(),
            })
            .collect(),
        components: vec![
            Component {
                code: "c1".into(),
                kind: "department".into(),
                weight: 1.0,
            },
            Component {
                code: "c2".into(),
                kind: "department".into(),
                weight: 2.0,
            },
        ],
        indicators: vec![
            ind(
                "t-mean",
                0,
                QuestionType::Likert5,
                Aggregate::Mean,
                Direction::HigherBetter,
                1.0,
            ),
            ind(
                "s-agree",
                0,
                QuestionType::Likert5,
                Aggregate::ShareAgree,
                Direction::HigherBetter,
                2.0,
            ),
            ind(
                "r-days",
                1,
                QuestionType::Number,
                Aggregate::Median,
                Direction::LowerBetter,
                1.0,
            ),
        ],
    };
    // Deterministic but irregular answers; every 4th evaluation skips i2, every 5th skips i3.
    let mut evaluations = Vec::new();
    for (u, n) in [(0usize, 7u64), (1, 6), (2, 8), (3, 1)] {
        for k in 0..n {
            let v = (k * 7 + u as u64 * 3) % 5;
            let mut answers = vec![(0, (1 + v) as f64)];
            if k % 4 != 3 {
                answers.push((1, (1 + (v + k) % 5) as f64));
            }
            if k % 5 != 4 {
                answers.push((2, ((k * 3 + u as u64) % 9) as f64 * 0.5));
            }
            let weight = if k % 3 == 0 { 2.0 } else { 1.0 };
            // Response ids play no part in the resampling order.
            evaluations.push(Evaluation {
                response: 7,
                unit: u,
                weight,
                answers,
            });
        }
    }
    (catalog, evaluations)
}

/// totals[r][j], ranks[r][j] for the ranked units j (in code order) of each replicate r.
fn naive_replicates(
    c: &Catalog,
    e: &[Evaluation],
    ranked: &[usize],
) -> (Vec<Vec<f64>>, Vec<Vec<u32>>) {
    let mut per_unit: Vec<Vec<&Evaluation>> = ranked
        .iter()
        .map(|&u| e.iter().filter(|ev| ev.unit == u).collect())
        .collect();
    per_unit
        .iter_mut()
        .for_each(|list| list.sort_by(|a, b| resampling_order(c, a, b)));
    let (mut totals, mut ranks) = (Vec::new(), Vec::new());
    for r in 0..u64::from(B) {
        let mut rng = replicate_rng(SEED, r);
        let drawn: Vec<Vec<&Evaluation>> = per_unit
            .iter()
            .map(|list| {
                let draw = DrawBelow::new(list.len() as u64);
                (0..list.len())
                    .map(|_| list[draw.sample(&mut rng) as usize])
                    .collect()
            })
            .collect();
        let rows = score_replicate(c, &drawn);
        let ranked_rows = rank_totals(&rows, &[1.0, 2.0], &default_groups());
        totals.push(
            ranked_rows
                .iter()
                .map(|r| r.total.expect("total"))
                .collect(),
        );
        ranks.push(ranked_rows.iter().map(|r| r.rank.expect("rank")).collect());
    }
    (totals, ranks)
}

/// The documented order of a unit's evaluations: answers as (indicator code, value) sequences
/// in ascending code order, compared lexicographically (a prefix first), then the weight.
fn resampling_order(c: &Catalog, a: &Evaluation, b: &Evaluation) -> std::cmp::Ordering {
    let key = |ev: &Evaluation| {
        let mut k: Vec<(String, f64)> = ev
            .answers
            .iter()
            .map(|(i, x)| (c.indicators[*i].code.clone(), *x))
            .collect();
        k.sort_by(|p, q| p.0.cmp(&q.0));
        k
    };
    let (ka, kb) = (key(a), key(b));
    let first_difference = ka
        .iter()
        .zip(&kb)
        .map(|(p, q)| p.0.cmp(&q.0).then(p.1.total_cmp(&q.1)))
        .find(|o| o.is_ne());
    first_difference
        .unwrap_or(ka.len().cmp(&kb.len()))
        .then(a.weight.total_cmp(&b.weight))
}

/// §2 and §4 for drawn evaluations, giving component-score rows for `rank_totals`.
fn score_replicate(c: &Catalog, drawn: &[Vec<&Evaluation>]) -> Vec<ComponentRow> {
    let raw: Vec<Vec<Option<f64>>> = drawn
        .iter()
        .map(|evs| {
            (0..c.indicators.len())
                .map(|i| {
                    let answers: Vec<(f64, f64)> = evs
                        .iter()
                        .filter_map(|ev| {
                            ev.answers
                                .iter()
                                .find(|a| a.0 == i)
                                .map(|a| (a.1, ev.weight))
                        })
                        .collect();
                    raw_value(c.indicators[i].aggregate, &answers)
                })
                .collect()
        })
        .collect();
    let bounds: Vec<Option<Bounds>> = (0..c.indicators.len())
        .map(|i| {
            raw.iter()
                .filter_map(|row| row[i])
                .fold(None, Bounds::extend)
        })
        .collect();
    raw.iter()
        .enumerate()
        .map(|(j, row)| {
            let score = |i: usize| Some(normalise(row[i]?, bounds[i]?, c.indicators[i].direction));
            let comp = |inds: &[usize]| {
                let pairs: Vec<(f64, f64)> = inds
                    .iter()
                    .filter_map(|&i| Some((c.indicators[i].weight, score(i)?)))
                    .collect();
                let w: f64 = pairs.iter().map(|p| p.0).sum();
                (w > 0.0).then(|| pairs.iter().map(|(w, s)| w * s).sum::<f64>() / w)
            };
            ComponentRow {
                unit: format!("row{j}"),
                scores: vec![comp(&[0, 1]), comp(&[2])],
            }
        })
        .collect()
}

fn percentile_pair(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        percentile(&values, 0.05).expect("p5"),
        percentile(&values, 0.95).expect("p95"),
    )
}

#[test]
fn the_engine_bootstrap_equals_the_documented_procedure() {
    let (c, e) = cycle();
    let config = Config {
        min_responses: 2,
        bootstrap_replicates: B,
        bootstrap_seed: SEED,
        ..Config::default()
    };
    let plain = Config {
        intervals: IntervalMethod::Percentile,
        ..config.clone()
    };
    let calibrated = score(&c, &e, &config, 2024, &[]);
    let result = score(&c, &e, &plain, 2024, &[]);
    // Ranked units in ascending code order: u-a (1), u-b (2), u-c (0); u-z has 1 evaluation.
    let ranked = [1, 2, 0];
    let (totals, ranks) = naive_replicates(&c, &e, &ranked);
    for (j, &u) in ranked.iter().enumerate() {
        // Calibrated (METHODOLOGY §6): the basic interval from the 2.5th and 97.5th
        // percentiles, clipped to [10, 100], widened to the point; ranks widened to the rank.
        let s = &calibrated.scores[u];
        let mut sorted: Vec<f64> = totals.iter().map(|t| t[j]).collect();
        sorted.sort_by(f64::total_cmp);
        let (q_lo, q_hi) = (
            percentile(&sorted, 0.025).expect("q2.5"),
            percentile(&sorted, 0.975).expect("q97.5"),
        );
        let t = s.total.expect("total");
        let lo = (2.0 * t - q_hi).clamp(10.0, 100.0).min(t);
        let hi = (2.0 * t - q_lo).clamp(10.0, 100.0).max(t);
        assert!(
            (s.total_ci_low.expect("low") - lo).abs() < 1e-9,
            "{}",
            s.unit_code
        );
        assert!(
            (s.total_ci_high.expect("high") - hi).abs() < 1e-9,
            "{}",
            s.unit_code
        );
        let (rlo, rhi) = percentile_pair(ranks.iter().map(|r| f64::from(r[j])).collect());
        let rank = s.rank.expect("rank");
        assert_eq!(
            (s.rank_ci_low, s.rank_ci_high),
            (
                Some((rlo.floor() as u32).min(rank)),
                Some((rhi.ceil() as u32).max(rank))
            )
        );
        // The plain percentile method, as §6 first described it.
        let s = &result.scores[u];
        let (lo, hi) = percentile_pair(totals.iter().map(|t| t[j]).collect());
        // Sums may be added in another order than the engine's: allow rounding noise.
        let engine = (s.total_ci_low.expect("low"), s.total_ci_high.expect("high"));
        assert!(
            (engine.0 - lo).abs() < 1e-9,
            "{}: engine {engine:?}, plain {lo}",
            s.unit_code
        );
        assert!(
            (engine.1 - hi).abs() < 1e-9,
            "{}: engine {engine:?}, plain {hi}",
            s.unit_code
        );
        let (rlo, rhi) = percentile_pair(ranks.iter().map(|r| f64::from(r[j])).collect());
        assert_eq!(
            (s.rank_ci_low, s.rank_ci_high),
            (Some(rlo.floor() as u32), Some(rhi.ceil() as u32))
        );
    }
    assert_eq!(
        result.scores[3].total_ci_low, None,
        "unranked u-z has no interval"
    );
}
