//! Properties of the scoring engine on random small cycles: ranges, invariance to input order,
//! monotonicity, and a bootstrap that does not depend on threads.

use ddci::scoring::*;
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A random but valid cycle: 2 kinds, 2–5 units each, 2 components per kind with 1–3
/// indicators of random type, aggregate, direction and weight; 0–9 evaluations per unit.
fn scenario(seed: u64) -> (Catalog, Vec<Evaluation>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pick = |n: u32| rng.next_u32() % n;
    let mut c = Catalog::default();
    for kind in ["department", "district"] {
        for u in 0..2 + pick(4) {
            c.units.push(Unit {
                code: format!("{kind}-{u}"),
                kind: kind.into(),
            });
        }
        for k in 0..2 {
            let weight = f64::from(1 + pick(3));
            c.components.push(Component {
                code: format!("{kind}-c{k}"),
                kind: kind.into(),
                weight,
            });
            for i in 0..1 + pick(3) {
                let (question_type, aggregate) = match pick(5) {
                    0 => (QuestionType::Likert5, Aggregate::Mean),
                    1 => (QuestionType::Likert5, Aggregate::ShareAgree),
                    2 => (QuestionType::YesNo, Aggregate::ShareYes),
                    3 => (QuestionType::Number, Aggregate::Median),
                    _ => (QuestionType::Likert5, Aggregate::Median),
                };
                let direction = if pick(3) == 0 {
                    Direction::LowerBetter
                } else {
                    Direction::HigherBetter
                };
                c.indicators.push(Indicator {
                    code: format!("{kind}-c{k}-i{i}"),
                    component: c.components.len() - 1,
                    question_type,
                    aggregate,
                    direction,
                    weight: f64::from(1 + pick(2)),
                });
            }
        }
    }
    let mut evaluations = Vec::new();
    for (u, unit) in c.units.iter().enumerate() {
        for r in 0..pick(10) {
            let weight = [0.5, 1.0, 1.0, 2.0][pick(4) as usize];
            let mut answers = Vec::new();
            for (ix, i) in c.indicators.iter().enumerate() {
                // Each indicator of the unit's kind is answered with probability 4/5.
                if c.components[i.component].kind == unit.kind && pick(5) != 0 {
                    answers.push((ix, answer(i.question_type, pick(100))));
                }
            }
            if !answers.is_empty() {
                evaluations.push(Evaluation {
                    response: u64::from(r) * 100 + u as u64,
                    unit: u,
                    weight,
                    answers,
                });
            }
        }
    }
    (c, evaluations)
}

fn answer(qt: QuestionType, r: u32) -> f64 {
    match qt {
        QuestionType::Likert5 => f64::from(1 + r % 5),
        QuestionType::YesNo => f64::from(r % 2),
        QuestionType::Number => f64::from(r % 7) * 1.5,
    }
}

fn config(replicates: u32) -> Config {
    Config {
        min_responses: 2,
        bootstrap_replicates: replicates,
        bootstrap_seed: 99,
        ..Config::default()
    }
}

/// A permutation of 0..n from a seed (Fisher–Yates).
fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        p.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
    }
    p
}

/// The result with every list sorted by its codes, to compare runs whose catalogs list units
/// in different orders.
fn by_code(mut r: ScoringResult) -> ScoringResult {
    r.scores.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
    r.scores.iter_mut().for_each(|s| s.group_index = None);
    r.indicator_scores
        .sort_by(|a, b| (&a.unit_code, &a.indicator_code).cmp(&(&b.unit_code, &b.indicator_code)));
    r.component_scores
        .sort_by(|a, b| (&a.unit_code, &a.component_code).cmp(&(&b.unit_code, &b.component_code)));
    r.summary.sort_by(|a, b| a.kind.cmp(&b.kind));
    r.reliability
        .sort_by(|a, b| a.component_code.cmp(&b.component_code));
    r
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn what_if_with_the_published_weights_gives_the_published_ranking(seed in any::<u64>()) {
        use ddci::scoring::what_if::{recompute, weights, WeightedComponent};
        let (c, e) = scenario(seed);
        let r = score(&c, &e, &config(0), 2024, &[]);
        let comps: Vec<WeightedComponent> = c.components.iter().map(|k| WeightedComponent {
            code: k.code.clone(), kind: k.kind.clone(), weight: k.weight,
        }).collect();
        let w = weights(&comps, &[]).expect("published weights");
        let groups = Config::default().groups;
        for u in recompute(&comps, &r.component_scores, &w, &groups) {
            let published = r.scores.iter().find(|s| s.unit_code == u.unit_code).expect("unit");
            prop_assert_eq!(u.total, published.total);
            prop_assert_eq!(u.rank, published.rank);
            prop_assert_eq!(u.group, published.group_index);
        }
    }

    #[test]
    fn every_total_and_rank_lies_inside_its_own_interval_and_sensitivity_range(seed in any::<u64>()) {
        let (c, e) = scenario(seed);
        let r = score(&c, &e, &config(30), 2024, &[]);
        for u in r.scores.iter().filter(|u| u.total.is_some()) {
            let (t, rank) = (u.total.unwrap_or(f64::NAN), u.rank.unwrap_or(0));
            let (lo, hi) = (u.total_ci_low.unwrap_or(f64::NAN), u.total_ci_high.unwrap_or(f64::NAN));
            prop_assert!(lo <= t && t <= hi, "{t} in [{lo}, {hi}]");
            prop_assert!((10.0..=100.0).contains(&lo) && (10.0..=100.0).contains(&hi));
            prop_assert!(u.rank_ci_low.unwrap_or(u32::MAX) <= rank && rank <= u.rank_ci_high.unwrap_or(0));
            let (slo, shi) = (u.rank_sensitivity_low.unwrap_or(u32::MAX), u.rank_sensitivity_high.unwrap_or(0));
            prop_assert!(slo <= rank && rank <= shi, "rank {rank} in sensitivity {slo}–{shi}");
        }
    }


    #[test]
    fn scores_lie_in_one_to_ten_and_totals_in_ten_to_one_hundred(seed in any::<u64>()) {
        let (c, e) = scenario(seed);
        let r = score(&c, &e, &config(0), 2024, &[]);
        let tol = 1e-9;
        for s in r.indicator_scores.iter().filter_map(|s| s.score) {
            prop_assert!((1.0..=10.0).contains(&s), "indicator score {s}");
        }
        for s in r.component_scores.iter().filter_map(|s| s.score) {
            prop_assert!((1.0 - tol..=10.0 + tol).contains(&s), "component score {s}");
        }
        for u in &r.scores {
            prop_assert_eq!(u.ranked, u.total.is_some());
            if let Some(t) = u.total {
                prop_assert!((10.0 - tol..=100.0 + tol).contains(&t), "total {t}");
            }
        }
    }

    #[test]
    fn the_order_of_evaluations_and_answers_changes_nothing(seed in any::<u64>(), shuffle in any::<u64>()) {
        let (c, e) = scenario(seed);
        let mut shuffled: Vec<Evaluation> = permutation(e.len(), shuffle).into_iter().map(|k| e[k].clone()).collect();
        for ev in &mut shuffled {
            ev.answers.reverse();
        }
        prop_assert_eq!(score(&c, &e, &config(25), 2024, &[]), score(&c, &shuffled, &config(25), 2024, &[]));
    }

    #[test]
    fn the_order_of_units_in_the_catalog_changes_nothing(seed in any::<u64>(), shuffle in any::<u64>()) {
        let (c, e) = scenario(seed);
        // new_units[k] = old unit p[k]; an evaluation of old unit u now points at position
        // inverse[u].
        let p = permutation(c.units.len(), shuffle);
        let mut inverse = vec![0; p.len()];
        p.iter().enumerate().for_each(|(new, &old)| inverse[old] = new);
        let mut c2 = c.clone();
        c2.units = p.iter().map(|&old| c.units[old].clone()).collect();
        let e2: Vec<Evaluation> = e.iter().map(|ev| Evaluation { unit: inverse[ev.unit], ..ev.clone() }).collect();
        let a = by_code(score(&c, &e, &config(25), 2024, &[]));
        let b = by_code(score(&c2, &e2, &config(25), 2024, &[]));
        prop_assert_eq!(a, b);
    }

    #[test]
    fn response_ids_change_nothing(seed in any::<u64>(), salt in any::<u64>()) {
        // A published package replaces response ids by pseudonyms: intervals must still reproduce.
        let (c, e) = scenario(seed);
        let renamed: Vec<Evaluation> = e.iter().map(|ev| Evaluation { response: ev.response.wrapping_mul(salt | 1) ^ salt, ..ev.clone() }).collect();
        prop_assert_eq!(score(&c, &e, &config(25), 2024, &[]), score(&c, &renamed, &config(25), 2024, &[]));
    }

    #[test]
    fn the_order_of_indicators_in_the_catalog_changes_nothing(seed in any::<u64>(), shuffle in any::<u64>()) {
        let (c, e) = scenario(seed);
        let p = permutation(c.indicators.len(), shuffle);
        let mut inverse = vec![0; p.len()];
        p.iter().enumerate().for_each(|(new, &old)| inverse[old] = new);
        let mut c2 = c.clone();
        c2.indicators = p.iter().map(|&old| c.indicators[old].clone()).collect();
        let e2: Vec<Evaluation> = e
            .iter()
            .map(|ev| Evaluation { answers: ev.answers.iter().map(|&(i, x)| (inverse[i], x)).collect(), ..ev.clone() })
            .collect();
        let a = by_code(score(&c, &e, &config(25), 2024, &[]));
        let b = by_code(score(&c2, &e2, &config(25), 2024, &[]));
        // The engine works on indicators in code order, so even the last bits agree.
        prop_assert_eq!(a, b);
    }

    #[test]
    fn better_answers_on_a_higher_better_indicator_never_lower_the_total(seed in any::<u64>(), which in any::<u64>()) {
        let (c, e) = scenario(seed);
        let before = score(&c, &e, &config(0), 2024, &[]);
        let ranked: Vec<usize> = (0..c.units.len()).filter(|&u| before.scores[u].ranked).collect();
        prop_assume!(!ranked.is_empty());
        let u = ranked[(which % ranked.len() as u64) as usize];
        let better: Vec<usize> = (0..c.indicators.len())
            .filter(|&i| c.indicators[i].direction == Direction::HigherBetter)
            .filter(|&i| c.components[c.indicators[i].component].kind == c.units[u].kind)
            .collect();
        prop_assume!(!better.is_empty());
        let i = better[((which >> 32) % better.len() as u64) as usize];
        let qt = c.indicators[i].question_type;
        let raised: Vec<Evaluation> = e.iter().cloned().map(|mut ev| {
            if ev.unit == u {
                for a in ev.answers.iter_mut().filter(|a| a.0 == i) {
                    a.1 = match qt {
                        QuestionType::Likert5 => (a.1 + 1.0).min(5.0),
                        QuestionType::YesNo => 1.0,
                        QuestionType::Number => a.1 + 1.0,
                    };
                }
            }
            ev
        }).collect();
        let after = score(&c, &raised, &config(0), 2024, &[]);
        let (t0, t1) = (before.scores[u].total, after.scores[u].total);
        prop_assert!(t1.unwrap_or(f64::NAN) >= t0.unwrap_or(f64::NAN) - 1e-9, "total fell from {t0:?} to {t1:?}");
    }

    #[test]
    fn the_bootstrap_is_reproducible_and_independent_of_the_thread_count(seed in any::<u64>()) {
        let (c, e) = scenario(seed);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| e.to_string())?;
            Ok::<_, String>(pool.install(|| score(&c, &e, &config(40), 2024, &[])))
        };
        let one = run(1).map_err(TestCaseError::fail)?;
        let two = run(2).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&one, &two);
        prop_assert_eq!(&one, &score(&c, &e, &config(40), 2024, &[]));
        for u in one.scores.iter().filter(|u| u.ranked) {
            let (lo, hi) = (u.total_ci_low.unwrap_or(f64::NAN), u.total_ci_high.unwrap_or(f64::NAN));
            prop_assert!(lo <= hi, "interval [{lo}, {hi}]");
            prop_assert!(u.rank_ci_low <= u.rank_ci_high);
        }
    }
}

#[test]
fn a_different_seed_gives_different_intervals() {
    let (c, e) = (0..50)
        .map(scenario)
        .find(|(c, e)| {
            score(c, e, &config(0), 2024, &[])
                .scores
                .iter()
                .filter(|s| s.ranked)
                .count()
                >= 3
        })
        .expect("a scenario with three ranked units");
    let a = score(&c, &e, &config(60), 2024, &[]);
    let b = score(
        &c,
        &e,
        &Config {
            bootstrap_seed: 100,
            ..config(60)
        },
        2024,
        &[],
    );
    let ci = |r: &ScoringResult| {
        r.scores
            .iter()
            .map(|s| (s.total_ci_low, s.total_ci_high))
            .collect::<Vec<_>>()
    };
    assert_ne!(ci(&a), ci(&b));
    // Point estimates do not depend on the seed.
    let totals = |r: &ScoringResult| r.scores.iter().map(|s| s.total).collect::<Vec<_>>();
    assert_eq!(totals(&a), totals(&b));
}
