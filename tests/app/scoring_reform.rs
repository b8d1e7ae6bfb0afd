//! METHODOLOGY.md §3 (minimum per kind, units with 1–4 evaluations), §8 (shrinkage) and §9
//! (succession) on hand-computed cases and properties. Every expected number is worked out in a
//! comment from the data of its test.

use crate::common::{ddci, run_ok, TestDb};
use ddci::cycles::RunOptions;
use ddci::scoring::shrinkage::{self, Params};
use ddci::scoring::succession::{self, Link, PastRun, Relation};
use ddci::scoring::*;
use proptest::prelude::*;

const KIND: &str = "commune";

/// A catalog of `units` of kind `commune`, one component `c1` (W = 1) and one likert5 `mean`
/// indicator `i1`, higher is better.
fn catalog(units: &[&str], kind: &str) -> Catalog {
    Catalog {
        units: units
            .iter()
            .map(|c| Unit {
                code: c.to_string(),
                kind: kind.to_string(),
            })
            .collect(),
        components: vec![Component {
            code: "c1".into(),
            kind: kind.into(),
            weight: 1.0,
        }],
        indicators: vec![Indicator {
            code: "i1".into(),
            component: 0,
            question_type: QuestionType::Likert5,
            aggregate: Aggregate::Mean,
            direction: Direction::HigherBetter,
            weight: 1.0,
        }],
    }
}

/// Evaluations of `unit` (catalog index) answering i1 with (x, ρ).
fn evals(first_response: u64, unit: usize, answers: &[(f64, f64)]) -> Vec<Evaluation> {
    (answers.iter().enumerate())
        .map(|(k, &(x, w))| Evaluation {
            response: first_response + k as u64,
            unit,
            weight: w,
            answers: vec![(0, x)],
        })
        .collect()
}

fn ones(xs: &[f64]) -> Vec<(f64, f64)> {
    xs.iter().map(|&x| (x, 1.0)).collect()
}

/// Shrunk kind `commune` ranking from 5 evaluations; point estimates only.
fn shrunk_config() -> Config {
    let mut config = Config {
        bootstrap_replicates: 0,
        ..Config::default()
    };
    config.kinds.insert(
        KIND.into(),
        KindSettings {
            min_responses: Some(5),
            estimator: Estimator::Shrunk,
        },
    );
    config
}

fn score_units(data: &[&[(f64, f64)]], config: &Config) -> ScoringResult {
    let codes: Vec<String> = (0..data.len()).map(|k| format!("U{k}")).collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let cat = catalog(&refs, KIND);
    let all: Vec<Evaluation> = (data.iter().enumerate())
        .flat_map(|(u, a)| evals(100 * u as u64, u, a))
        .collect();
    score(&cat, &all, config, 2025, &[])
}

fn row<'a>(r: &'a ScoringResult, unit: &str) -> &'a IndicatorScore {
    (r.indicator_scores.iter())
        .find(|s| s.unit_code == unit && s.indicator_code == "i1")
        .unwrap_or_else(|| panic!("no indicator row of {unit}"))
}

fn unit<'a>(r: &'a ScoringResult, code: &str) -> &'a UnitScore {
    (r.scores.iter())
        .find(|s| s.unit_code == code)
        .unwrap_or_else(|| panic!("no row of {code}"))
}

fn close(actual: Option<f64>, expected: f64) {
    let a = actual.unwrap_or_else(|| panic!("expected {expected}, got None"));
    assert!(
        (a - expected).abs() <= 1e-12,
        "expected {expected}, got {a}"
    );
}

// ---------------------------------------------------------------- §8 hand-computed

#[test]
fn equal_weights_shrink_each_unit_a_fifth_of_the_way_to_the_mean() {
    // U0 = [1,3,1,3,2]: r = 2, Σρ(y − r)² = 4; U1 = [2,4,2,4,3]: r = 3, 4; U2 = [3,5,3,5,4]: r = 4, 4.
    // N = 15, m = 3: σ² = 12/15 · 15/12 = 1; v_u = 1/5; μ = 3;
    // τ² = (1 + 0 + 1)/2 − 1/5 = 0.8; B = 0.2/(0.2 + 0.8) = 0.2.
    // r̃ = 2.2, 3, 3.8; pool [2.2, 3.8]: scores 1, 5.5, 10; totals 10, 55, 100.
    let r = score_units(
        &[
            &ones(&[1.0, 3.0, 1.0, 3.0, 2.0]),
            &ones(&[2.0, 4.0, 2.0, 4.0, 3.0]),
            &ones(&[3.0, 5.0, 3.0, 5.0, 4.0]),
        ],
        &shrunk_config(),
    );
    assert_eq!(r.shrinkage.len(), 1);
    let p = &r.shrinkage[0];
    assert_eq!(
        (p.kind.as_str(), p.indicator_code.as_str(), p.m),
        (KIND, "i1", 3)
    );
    close(Some(p.mu), 3.0);
    close(Some(p.sigma2), 1.0);
    close(Some(p.tau2), 0.8);
    let u0 = row(&r, "U0");
    assert_eq!(u0.raw_value, Some(2.0));
    assert_eq!(
        (u0.weight_sum, u0.weight_sq_sum, u0.within_ss),
        (Some(5.0), Some(5.0), Some(4.0))
    );
    close(u0.shrinkage, 0.2);
    close(u0.estimate, 2.2);
    close(row(&r, "U1").estimate, 3.0);
    close(row(&r, "U2").estimate, 3.8);
    close(u0.pool_min, 2.2);
    close(u0.pool_max, 3.8);
    close(unit(&r, "U0").total, 10.0);
    close(unit(&r, "U1").total, 55.0);
    close(unit(&r, "U2").total, 100.0);
    // §6's analytic interval stays on r_u: 2 ± t(4)·√(4/5·5/4)/√5 around 2, not 2.2.
    let (lo, hi) = (
        u0.ci_low.unwrap_or(f64::NAN),
        u0.ci_high.unwrap_or(f64::NAN),
    );
    assert!(((lo + hi) / 2.0 - 2.0).abs() < 1e-12);
}

#[test]
fn no_between_unit_variance_puts_every_unit_at_the_mean() {
    // U0 = [1,3,1,3,2]: r = 2, ss 4; U1 = [1,3,1,3,3]: r = 2.2, ss 4.8; U2 = [1,3,1,3,1]: r = 1.8, ss 4.8.
    // σ² = 13.6/15 · 15/12 = 13.6/12; v = σ²/5 ≈ 0.2267; between = (0 + 0.04 + 0.04)/2 = 0.04 < v,
    // so τ² = 0, B = 1 and every estimate is μ = 2; the pool has no spread: every score 5.5.
    let r = score_units(
        &[
            &ones(&[1.0, 3.0, 1.0, 3.0, 2.0]),
            &ones(&[1.0, 3.0, 1.0, 3.0, 3.0]),
            &ones(&[1.0, 3.0, 1.0, 3.0, 1.0]),
        ],
        &shrunk_config(),
    );
    let p = &r.shrinkage[0];
    assert_eq!(p.tau2, 0.0);
    close(Some(p.sigma2), 13.6 / 12.0);
    for u in ["U0", "U1", "U2"] {
        assert_eq!(row(&r, u).shrinkage, Some(1.0));
        close(row(&r, u).estimate, 2.0);
        close(unit(&r, u).total, 55.0);
    }
    close(row(&r, "U1").raw_value, 2.2);
}

#[test]
fn fewer_than_three_units_with_five_evaluations_stay_direct() {
    // U2 has 4 evaluations: it publishes its count only and is not in V, so m = 2 < 3.
    let r = score_units(
        &[
            &ones(&[1.0, 3.0, 1.0, 3.0, 2.0]),
            &ones(&[2.0, 4.0, 2.0, 4.0, 3.0]),
            &ones(&[5.0, 5.0, 5.0, 5.0]),
        ],
        &shrunk_config(),
    );
    assert!(r.shrinkage.is_empty());
    for (u, raw) in [("U0", 2.0), ("U1", 3.0)] {
        assert_eq!(row(&r, u).estimate, Some(raw));
        assert_eq!(row(&r, u).shrinkage, None);
    }
    let small = unit(&r, "U2");
    assert!(small.count_only && !small.ranked);
    assert_eq!(small.responses, 4);
    assert!(r.indicator_scores.iter().all(|s| s.unit_code != "U2"));
}

#[test]
fn unequal_weights_use_kish_sizes() {
    // U0: (x, ρ) = (2,2) (4,1) (4,1) (2,1) (4,1): Σρ = 6, r = 18/6 = 3, Σρ² = 8, n_eff = 4.5,
    //     Σρ(y − r)² = 2 + 1 + 1 + 1 + 1 = 6.
    // U1 = [1,3,1,3,2] (r = 2, ss 4), U2 = [3,5,3,5,4] (r = 4, ss 4), weights 1, n_eff = 5.
    // σ² = 14/16 · 15/12 = 35/32; μ = 3; v = 35/144, 7/32, 7/32; Σv/3 = 49/216;
    // τ² = 1 − 49/216 = 167/216; B_0 = 105/439, B_1 = B_2 = 189/857;
    // r̃ = 3, 2 + 189/857, 4 − 189/857.
    let r = score_units(
        &[
            &[(2.0, 2.0), (4.0, 1.0), (4.0, 1.0), (2.0, 1.0), (4.0, 1.0)],
            &ones(&[1.0, 3.0, 1.0, 3.0, 2.0]),
            &ones(&[3.0, 5.0, 3.0, 5.0, 4.0]),
        ],
        &shrunk_config(),
    );
    let p = &r.shrinkage[0];
    close(Some(p.sigma2), 35.0 / 32.0);
    close(Some(p.tau2), 167.0 / 216.0);
    let u0 = row(&r, "U0");
    assert_eq!(
        (u0.weight_sum, u0.weight_sq_sum, u0.within_ss),
        (Some(6.0), Some(8.0), Some(6.0))
    );
    close(u0.shrinkage, 105.0 / 439.0);
    close(u0.estimate, 3.0);
    close(row(&r, "U1").shrinkage, 189.0 / 857.0);
    close(row(&r, "U1").estimate, 2.0 + 189.0 / 857.0);
    close(row(&r, "U2").estimate, 4.0 - 189.0 / 857.0);
}

#[test]
fn a_direct_kind_is_unchanged_and_publishes_no_shrinkage() {
    let data: [&[(f64, f64)]; 3] = [
        &ones(&[1.0, 3.0, 1.0, 3.0, 2.0]),
        &ones(&[2.0, 4.0, 2.0, 4.0, 3.0]),
        &ones(&[3.0, 5.0, 3.0, 5.0, 4.0]),
    ];
    let config = Config {
        min_responses: 5,
        bootstrap_replicates: 0,
        ..Config::default()
    };
    let r = score_units(&data, &config);
    assert!(r.shrinkage.is_empty());
    assert_eq!(row(&r, "U0").estimate, Some(2.0));
    assert_eq!(row(&r, "U0").shrinkage, None);
    close(unit(&r, "U1").total, 55.0);
}

#[test]
fn the_bootstrap_of_a_shrunk_kind_is_reproducible_and_contains_the_estimate() {
    let data: Vec<Vec<(f64, f64)>> = (0..6)
        .map(|u| {
            (0..8)
                .map(|k| (f64::from(((u + k) % 5) as u8 + 1), 1.0))
                .collect()
        })
        .collect();
    let refs: Vec<&[(f64, f64)]> = data.iter().map(Vec::as_slice).collect();
    let config = Config {
        bootstrap_replicates: 200,
        ..shrunk_config()
    };
    let a = score_units(&refs, &config);
    let b = score_units(&refs, &config);
    assert_eq!(a, b);
    assert!(a.scores.iter().all(|s| s.total_ci_low.is_some()));
}

// ---------------------------------------------------------------- §8 properties

fn params() -> impl Strategy<Value = Params> {
    (0.0..10.0f64, 1e-3..5.0f64, 1e-3..5.0f64).prop_map(|(mu, sigma2, tau2)| Params {
        m: 3,
        mu,
        sigma2,
        tau2,
    })
}

proptest! {
    #[test]
    fn every_estimate_moves_toward_the_mean_and_never_past_it(
        p in params(), raw in 0.0..10.0f64, n_eff in 1.0..500.0f64,
    ) {
        let (e, b) = shrinkage::estimate(&p, raw, n_eff);
        prop_assert!((0.0..=1.0).contains(&b));
        prop_assert!((e - p.mu).abs() <= (raw - p.mu).abs() + 1e-12);
        prop_assert!(e >= raw.min(p.mu) - 1e-12 && e <= raw.max(p.mu) + 1e-12);
    }

    #[test]
    fn the_shrinkage_factor_falls_as_the_effective_size_grows(
        p in params(), n in 1.0..500.0f64, more in 1e-3..500.0f64,
    ) {
        prop_assert!(shrinkage::factor(&p, n + more) < shrinkage::factor(&p, n));
    }

    #[test]
    fn engine_estimates_lie_between_raw_value_and_mean(
        data in prop::collection::vec(prop::collection::vec(1u8..=5, 5..12), 3..8),
    ) {
        let owned: Vec<Vec<(f64, f64)>> = data
            .iter()
            .map(|xs| xs.iter().map(|&x| (f64::from(x), 1.0)).collect())
            .collect();
        let refs: Vec<&[(f64, f64)]> = owned.iter().map(Vec::as_slice).collect();
        let r = score_units(&refs, &shrunk_config());
        for p in &r.shrinkage {
            for s in &r.indicator_scores {
                let (raw, e) = (s.raw_value.unwrap_or(f64::NAN), s.estimate.unwrap_or(f64::NAN));
                prop_assert!((e - p.mu).abs() <= (raw - p.mu).abs() + 1e-9);
                prop_assert!(e >= raw.min(p.mu) - 1e-9 && e <= raw.max(p.mu) + 1e-9);
            }
        }
    }
}

// ---------------------------------------------------------------- §9 succession

/// Two departments-like kinds' worth of data: three units with different answer patterns.
fn three_units(first: u64) -> Vec<Evaluation> {
    let mut all = evals(first, 0, &ones(&[5.0, 4.0, 4.0, 5.0, 3.0, 4.0]));
    all.extend(evals(
        first + 100,
        1,
        &ones(&[2.0, 3.0, 2.0, 1.0, 3.0, 2.0]),
    ));
    all.extend(evals(
        first + 200,
        2,
        &ones(&[3.0, 4.0, 3.0, 3.0, 2.0, 4.0]),
    ));
    all
}

fn direct_config() -> Config {
    Config {
        min_responses: 5,
        bootstrap_replicates: 0,
        ..Config::default()
    }
}

fn history_of(r: &ScoringResult, year: i32) -> PublishedCycle {
    PublishedCycle {
        year,
        ranked_raw_values: Vec::new(),
        ranked_totals: (r.scores.iter())
            .filter_map(|s| Some((s.unit_code.clone(), s.total?, s.rank?)))
            .collect(),
        replicate_totals: r.replicate_totals.clone(),
    }
}

#[test]
fn a_merge_of_one_predecessor_backcasts_to_its_published_total() {
    let old = catalog(&["P", "X", "Y"], "department");
    let old_evals = three_units(0);
    let published = score(&old, &old_evals, &direct_config(), 2024, &[]);
    let p_total = unit(&published, "P").total.unwrap_or(f64::NAN);
    let runs = [PastRun::from_result(&old, &old_evals, &published)];
    let new = catalog(&["S", "X", "Y"], "department");
    let history = [history_of(&published, 2024)];
    let mut now = score(&new, &three_units(1000), &direct_config(), 2025, &history);
    // The new data mirror the old, so S's total now equals P's then; still S has a new code.
    assert_eq!(unit(&now, "S").change_basis, None);
    let links = [Link {
        unit_code: "S".into(),
        predecessor_code: "P".into(),
        relation: Relation::Merged,
    }];
    let done = succession::apply(&new, &links, &history, &runs, &mut now);
    let bc = done[0]
        .backcast
        .as_ref()
        .unwrap_or_else(|| panic!("no backcast"));
    assert_eq!((bc.year, bc.total), (2024, p_total));
    let s = unit(&now, "S");
    assert_eq!(s.change_basis, Some(ChangeBasis::Backcast));
    assert_eq!(s.total_change, Some(s.total.unwrap_or(f64::NAN) - p_total));
    assert_eq!(s.rank_change, None);
    // X kept its code: its change is against itself.
    assert_eq!(unit(&now, "X").change_basis, Some(ChangeBasis::SameUnit));
}

#[test]
fn a_merge_pools_the_predecessors_evaluations_with_the_old_bounds() {
    // 2024: P = [5,4,4,5,3,4] (mean 25/6), Q = [2,3,2,1,3,2] (13/6), Y = [3,4,3,3,2,4] (19/6).
    // Pool [13/6, 25/6]. P + Q pooled: mean 38/12 = 19/6: score 1 + 9·(19/6 − 13/6)/2 = 5.5,
    // total 55.
    let old = catalog(&["P", "Q", "Y"], "department");
    let old_evals = three_units(0);
    let published = score(&old, &old_evals, &direct_config(), 2024, &[]);
    let runs = [PastRun::from_result(&old, &old_evals, &published)];
    let new = catalog(&["S", "Y"], "department");
    let mut e = evals(0, 0, &ones(&[4.0; 6]));
    e.extend(evals(100, 1, &ones(&[2.0; 6])));
    let mut now = score(&new, &e, &direct_config(), 2025, &[]);
    let links: Vec<Link> = ["P", "Q"]
        .iter()
        .map(|p| Link {
            unit_code: "S".into(),
            predecessor_code: p.to_string(),
            relation: Relation::Merged,
        })
        .collect();
    let done = succession::apply(&new, &links, &[], &runs, &mut now);
    let bc = done[0]
        .backcast
        .as_ref()
        .unwrap_or_else(|| panic!("no backcast"));
    close(Some(bc.total), 55.0);
    // S now: pool [2, 4], S = 4 → 10 → total 100; change 100 − 55.
    close(unit(&now, "S").total_change, 45.0);
}

#[test]
fn no_backcast_when_a_predecessor_had_fewer_than_five_evaluations() {
    let old = catalog(&["P", "Q", "Y"], "department");
    let mut old_evals = three_units(0);
    old_evals.retain(|e| !(e.unit == 1 && e.response > 103));
    let published = score(&old, &old_evals, &direct_config(), 2024, &[]);
    assert_eq!(unit(&published, "Q").responses, 4);
    let runs = [PastRun::from_result(&old, &old_evals, &published)];
    let new = catalog(&["S", "Y"], "department");
    let mut now = score(&new, &three_units(0)[..12], &direct_config(), 2025, &[]);
    let links: Vec<Link> = ["P", "Q"]
        .iter()
        .map(|p| Link {
            unit_code: "S".into(),
            predecessor_code: p.to_string(),
            relation: Relation::Merged,
        })
        .collect();
    succession::apply(&new, &links, &[], &runs, &mut now);
    assert_eq!(unit(&now, "S").change_basis, None);
    assert_eq!(unit(&now, "S").total_change, None);
}

#[test]
fn renamed_units_continue_and_territory_units_are_not_comparable() {
    let old = catalog(&["P", "X", "Y"], "department");
    let published = score(&old, &three_units(0), &direct_config(), 2024, &[]);
    let history = [history_of(&published, 2024)];
    let new = catalog(&["R", "X", "T"], "department");
    let mut now = score(&new, &three_units(0), &direct_config(), 2025, &history);
    let links = [
        Link {
            unit_code: "R".into(),
            predecessor_code: "P".into(),
            relation: Relation::Renamed,
        },
        Link {
            unit_code: "T".into(),
            predecessor_code: "Y".into(),
            relation: Relation::Territory,
        },
    ];
    succession::apply(&new, &links, &history, &[], &mut now);
    let r = unit(&now, "R");
    assert_eq!(r.change_basis, Some(ChangeBasis::Renamed));
    assert_eq!(r.total_change, Some(0.0));
    assert_eq!(r.rank_change, Some(0));
    let t = unit(&now, "T");
    assert_eq!(t.change_basis, Some(ChangeBasis::NotComparable));
    assert_eq!((t.total_change, t.rank_change), (None, None));
    assert!("bogus".parse::<Relation>().is_err());
}

// ---------------------------------------------------------------- §3

#[test]
fn a_minimum_below_five_is_refused() {
    let four = RunOptions {
        min_responses: Some(4),
        ..RunOptions::default()
    };
    let err = four.apply(Config::default()).err().map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("at least 5")));
    let mut config = Config::default();
    config.kinds.insert(
        KIND.into(),
        KindSettings {
            min_responses: Some(3),
            estimator: Estimator::Shrunk,
        },
    );
    let err = RunOptions::default()
        .apply(config.clone())
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("commune") && e.contains('3')));
    // The command line overrides every kind's minimum.
    let ten = RunOptions {
        min_responses: Some(10),
        ..RunOptions::default()
    };
    let applied = ten.apply(config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied.min_responses_for(KIND), 10);
    assert_eq!(applied.estimator_for(KIND), Estimator::Shrunk);
}

#[test]
fn each_kind_ranks_from_its_own_minimum() {
    let mut config = direct_config();
    config.min_responses = 30;
    config.kinds.insert(
        KIND.into(),
        KindSettings {
            min_responses: Some(6),
            estimator: Estimator::Direct,
        },
    );
    let r = score_units(
        &[&ones(&[1.0; 6]), &ones(&[2.0; 5]), &ones(&[3.0; 2])],
        &config,
    );
    assert!(unit(&r, "U0").ranked);
    let five = unit(&r, "U1");
    assert!(!five.ranked && !five.count_only);
    assert!(row(&r, "U1").raw_value.is_some());
    assert!(unit(&r, "U2").count_only);
}

#[test]
fn the_command_line_refuses_a_minimum_below_five() {
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2024",
            "--responses",
            "40",
            "--seed",
            "3",
        ],
    );
    let out = ddci(&db)
        .args([
            "score",
            "--cycle",
            "2024",
            "--min-responses",
            "4",
            "--bootstrap",
            "0",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 5"));
}

// ---------------------------------------------------------------- storage

#[test]
fn a_stored_run_keeps_its_shrinkage_change_basis_count_only_and_kind_settings() {
    use ddci::db;
    let db = TestDb::new();
    run_ok(&db, &["cycle", "create", "2025"]);
    let mut result = score_units(
        &[
            &ones(&[1.0, 3.0, 1.0, 3.0, 2.0]),
            &ones(&[2.0, 4.0, 2.0, 4.0, 3.0]),
            &ones(&[3.0, 5.0, 3.0, 5.0, 4.0]),
            &ones(&[5.0, 5.0]),
        ],
        &shrunk_config(),
    );
    result.scores[0].change_basis = Some(ChangeBasis::Backcast);
    result.scores[0].total_change = Some(1.5);
    let pool = db.pool();
    let mut conn = pool.get().unwrap_or_else(|e| panic!("{e}"));
    let cycle = db::cycles::get(&mut conn, 2025).unwrap_or_else(|e| panic!("{e}"));
    db::runs::store(&mut conn, cycle.id, &shrunk_config(), &result, &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let run = db::runs::latest(&mut conn, cycle.id)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no run"));
    assert_eq!(run.config().kinds, shrunk_config().kinds);
    let loaded = db::runs::load(&mut conn, &run, 2025).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.shrinkage, result.shrinkage);
    let key = |r: &ScoringResult| {
        let mut v = r.indicator_scores.clone();
        v.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
        v
    };
    assert_eq!(key(&loaded), key(&result));
    let u0 = unit(&loaded, "U0");
    assert_eq!(
        (u0.change_basis, u0.total_change),
        (Some(ChangeBasis::Backcast), Some(1.5))
    );
    let small = unit(&loaded, "U3");
    assert!(small.count_only && small.responses == 2);
}

// ---------------------------------------------------------------- pages and package

fn fetch(server: &crate::common::TestServer, path: &str) -> String {
    let response = match ureq::get(&server.url(path)).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    response.into_string().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn pages_mark_units_ranked_on_few_responses_and_show_only_the_count_of_tiny_units() {
    use ddci::db;
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2024",
            "--responses",
            "60",
            "--seed",
            "9",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2024",
            "--bootstrap",
            "20",
            "--min-responses",
            "5",
        ],
    );
    run_ok(&db, &["publish", "--cycle", "2024"]);
    let pool = db.pool();
    let mut conn = pool.get().unwrap_or_else(|e| panic!("{e}"));
    let cycle = db::cycles::get(&mut conn, 2024).unwrap_or_else(|e| panic!("{e}"));
    let run = db::runs::current(&mut conn, &cycle)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no run"));
    let result = db::runs::load(&mut conn, &run, 2024).unwrap_or_else(|e| panic!("{e}"));
    let few = result.scores.iter().find(|s| s.ranked && s.responses < 30);
    let tiny = result.scores.iter().find(|s| s.count_only);
    let (few, tiny) = (
        few.expect("a unit ranked on few"),
        tiny.expect("a count-only unit"),
    );
    assert!((1..5).contains(&tiny.responses));
    assert!(result
        .indicator_scores
        .iter()
        .all(|s| s.unit_code != tiny.unit_code));
    let server = crate::common::TestServer::start(db.pool());
    let ranking = fetch(&server, "/results/2024");
    assert!(ranking.contains("◔") && ranking.contains("Xếp hạng dựa trên dưới 30 lượt đánh giá"));
    assert!(ranking.contains("Dưới 5 lượt đánh giá: chỉ công bố số lượt"));
    let card = fetch(&server, &format!("/results/2024/don-vi/{}", few.unit_code));
    assert!(card.contains("dưới 30 lượt"), "{}", few.unit_code);
    let card = fetch(
        &server,
        &format!("/results/2024/don-vi/{}?lang=en", tiny.unit_code),
    );
    assert!(card.contains("only the count is published"), "{card}");
    assert!(
        !card.contains("n = "),
        "no indicator lines for a count-only unit"
    );
    // The package leaves out the tiny unit's answers.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("p");
    run_ok(
        &db,
        &[
            "export",
            "--cycle",
            "2024",
            "--out",
            out.to_str().unwrap_or_default(),
        ],
    );
    let answers = std::fs::read_to_string(out.join("answers.csv")).unwrap_or_default();
    assert!(answers.lines().count() > 1);
    assert!(!answers.contains(&format!(",{},", tiny.unit_code)));
    let scores = std::fs::read_to_string(out.join("scores.csv")).unwrap_or_default();
    assert!(scores
        .lines()
        .next()
        .is_some_and(|h| h.contains(",change_basis,")));
}

#[test]
fn a_median_indicator_stays_direct_with_its_weight_sums_published() {
    // i1 as a weighted median: never shrunk (§8), but Σρ and Σρ² are published.
    let mut cat = catalog(&["U0", "U1", "U2"], KIND);
    cat.indicators[0].aggregate = Aggregate::Median;
    let mut all = evals(
        0,
        0,
        &[(1.0, 2.0), (3.0, 1.0), (1.0, 1.0), (3.0, 1.0), (2.0, 1.0)],
    );
    all.extend(evals(100, 1, &ones(&[2.0, 4.0, 2.0, 4.0, 3.0])));
    all.extend(evals(200, 2, &ones(&[3.0, 5.0, 3.0, 5.0, 4.0])));
    let r = score(&cat, &all, &shrunk_config(), 2025, &[]);
    assert!(r.shrinkage.is_empty());
    let u0 = row(&r, "U0");
    assert_eq!(
        (u0.weight_sum, u0.weight_sq_sum, u0.within_ss),
        (Some(6.0), Some(8.0), None)
    );
    assert_eq!((u0.estimate, u0.shrinkage), (u0.raw_value, None));
}
