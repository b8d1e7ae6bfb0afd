//! The formulas of METHODOLOGY.md §2–6 on small hand-computed cases. Every expected number is
//! worked out in a comment from the data of its test.

use ddci::scoring::bootstrap::{replicate_rng, DrawBelow};
use ddci::scoring::intervals::{t_95, z_95};
use ddci::scoring::*;
use QuestionType::{Likert5, Number, YesNo};

// ---------------------------------------------------------------- small builders

/// A catalog written as lists: units (code, kind), components (code, kind, W),
/// indicators (code, component code, type, aggregate, direction, w).
type IndSpec<'a> = (&'a str, &'a str, QuestionType, Aggregate, Direction, f64);

fn catalog(units: &[(&str, &str)], comps: &[(&str, &str, f64)], inds: &[IndSpec]) -> Catalog {
    let comp_index = |code: &str| comps.iter().position(|c| c.0 == code).expect("component");
    Catalog {
        units: units
            .iter()
            .map(|(c, k)| Unit {
                code: c.to_string(),
                kind: k.to_string(),
            })
            .collect(),
        components: comps
            .iter()
            .map(|(c, k, w)| Component {
                code: c.to_string(),
                kind: k.to_string(),
                weight: *w,
            })
            .collect(),
        indicators: inds
            .iter()
            .map(
                |&(code, comp, question_type, aggregate, direction, weight)| Indicator {
                    code: code.to_string(),
                    component: comp_index(comp),
                    question_type,
                    aggregate,
                    direction,
                    weight,
                },
            )
            .collect(),
    }
}

fn unit_ix(c: &Catalog, code: &str) -> usize {
    c.units.iter().position(|u| u.code == code).expect("unit")
}

fn ind_ix(c: &Catalog, code: &str) -> usize {
    c.indicators
        .iter()
        .position(|i| i.code == code)
        .expect("indicator")
}

/// One evaluation of weight ρ: answers given as (indicator code, value).
fn ev_w(
    c: &Catalog,
    response: u64,
    unit: &str,
    weight: f64,
    answers: &[(&str, f64)],
) -> Evaluation {
    Evaluation {
        response,
        unit: unit_ix(c, unit),
        weight,
        answers: answers.iter().map(|(i, x)| (ind_ix(c, i), *x)).collect(),
    }
}

fn ev(c: &Catalog, response: u64, unit: &str, answers: &[(&str, f64)]) -> Evaluation {
    ev_w(c, response, unit, 1.0, answers)
}

/// Point estimates only, ranking from `min_responses` evaluations.
fn config(min_responses: u32) -> Config {
    Config {
        min_responses,
        bootstrap_replicates: 0,
        ..Config::default()
    }
}

fn unit<'a>(r: &'a ScoringResult, code: &str) -> &'a UnitScore {
    r.scores
        .iter()
        .find(|s| s.unit_code == code)
        .expect("unit row")
}

fn ind<'a>(r: &'a ScoringResult, u: &str, i: &str) -> Option<&'a IndicatorScore> {
    r.indicator_scores
        .iter()
        .find(|s| s.unit_code == u && s.indicator_code == i)
}

fn comp(r: &ScoringResult, u: &str, c: &str) -> Option<Option<f64>> {
    r.component_scores
        .iter()
        .find(|s| s.unit_code == u && s.component_code == c)
        .map(|s| s.score)
}

fn close(actual: Option<f64>, expected: f64, tol: f64) {
    let a = actual.unwrap_or_else(|| panic!("expected {expected}, got None"));
    assert!((a - expected).abs() <= tol, "expected {expected}, got {a}");
}

const EPS: f64 = 1e-12;
const HB: Direction = Direction::HigherBetter;
const LB: Direction = Direction::LowerBetter;

/// One likert5 `mean` indicator `i1` in component `c1` of kind `department`.
fn one_indicator(units: &[&str]) -> Catalog {
    let units: Vec<(&str, &str)> = units.iter().map(|u| (*u, "department")).collect();
    catalog(
        &units,
        &[("c1", "department", 1.0)],
        &[("i1", "c1", Likert5, Aggregate::Mean, HB, 1.0)],
    )
}

// ---------------------------------------------------------------- §2 aggregates

#[test]
fn mean_share_and_median_follow_section_2() {
    // mean: (1·1 + 2·1 + 3·1 + 4·1 + 5·2) / 6 = 20/6.
    close(
        raw_value(
            Aggregate::Mean,
            &[(1., 1.), (2., 1.), (3., 1.), (4., 1.), (5., 2.)],
        ),
        20.0 / 6.0,
        EPS,
    );
    // share_agree: answers 2,4,5,3 with weights 1,1,2,1 → (1 + 2)/5 = 60 %.
    close(
        raw_value(
            Aggregate::ShareAgree,
            &[(2., 1.), (4., 1.), (5., 2.), (3., 1.)],
        ),
        60.0,
        EPS,
    );
    // share_yes: 1,0,1,1 → 3/4 = 75 %.
    close(
        raw_value(
            Aggregate::ShareYes,
            &[(1., 1.), (0., 1.), (1., 1.), (1., 1.)],
        ),
        75.0,
        EPS,
    );
    assert_eq!(raw_value(Aggregate::Mean, &[]), None);
}

#[test]
fn weighted_median_handles_even_counts_and_exact_halves() {
    let ones = |xs: &[f64]| xs.iter().map(|x| (*x, 1.0)).collect::<Vec<_>>();
    // [1,2,3,4]: H = 2, C(2) = 2 = H exactly → (2 + 3)/2.
    close(
        raw_value(Aggregate::Median, &ones(&[1., 2., 3., 4.])),
        2.5,
        EPS,
    );
    // [1,2,2,3]: H = 2, C(1) = 1 < H, C(2) = 3 > H → 2.
    close(
        raw_value(Aggregate::Median, &ones(&[1., 2., 2., 3.])),
        2.0,
        EPS,
    );
    // Odd count, unsorted input: [5,1,3] → 3.
    close(raw_value(Aggregate::Median, &ones(&[5., 1., 3.])), 3.0, EPS);
    // Weights 1 and 3 on values 1 and 5: H = 2, C(1) = 1 < H, C(5) = 4 → 5.
    close(
        raw_value(Aggregate::Median, &[(1., 1.), (5., 3.)]),
        5.0,
        EPS,
    );
    // Weights 0.5, 0.5, 1 on 1, 2, 3: H = 1, C(2) = 1 = H → (2 + 3)/2.
    close(
        raw_value(Aggregate::Median, &[(1., 0.5), (2., 0.5), (3., 1.)]),
        2.5,
        EPS,
    );
    // Weights 0.1, 0.2, 0.3: Σρ = 0.6000000000000001, H = 0.30000000000000004 and
    // C(2) = 0.1 + 0.2 = 0.30000000000000004: equal within 1e-12·Σρ → (2 + 3)/2.
    close(
        raw_value(Aggregate::Median, &[(1., 0.1), (2., 0.2), (3., 0.3)]),
        2.5,
        EPS,
    );
    // A lone value is its own median even at the exact half.
    close(raw_value(Aggregate::Median, &[(4., 2.0)]), 4.0, EPS);
}

// ---------------------------------------------------------------- §4–5 through `score`

/// c1 (W = 1): i1 likert mean (w 1), i2 likert share_agree (w 3); c2 (W = 3): i3 number median,
/// lower_better. Two evaluations per unit, all weights 1.
fn three_units() -> (Catalog, Vec<Evaluation>) {
    let c = catalog(
        &[
            ("A", "department"),
            ("B", "department"),
            ("C", "department"),
        ],
        &[("c1", "department", 1.0), ("c2", "department", 3.0)],
        &[
            ("i1", "c1", Likert5, Aggregate::Mean, HB, 1.0),
            ("i2", "c1", Likert5, Aggregate::ShareAgree, HB, 3.0),
            ("i3", "c2", Number, Aggregate::Median, LB, 1.0),
        ],
    );
    let e = vec![
        ev(&c, 1, "A", &[("i1", 5.), ("i2", 5.), ("i3", 2.)]),
        ev(&c, 2, "A", &[("i1", 4.), ("i2", 4.), ("i3", 4.)]),
        ev(&c, 3, "B", &[("i1", 3.), ("i2", 3.), ("i3", 10.)]),
        ev(&c, 4, "B", &[("i1", 3.), ("i2", 4.), ("i3", 10.)]),
        ev(&c, 5, "C", &[("i1", 1.), ("i2", 1.), ("i3", 6.)]),
        ev(&c, 6, "C", &[("i1", 2.), ("i2", 2.), ("i3", 8.)]),
    ];
    (c, e)
}

#[test]
fn scores_components_totals_ranks_and_groups_follow_sections_4_and_5() {
    let (c, e) = three_units();
    let r = score(&c, &e, &config(2), 2024, &[]);
    // Raw values: A i1 = 4.5, i2 = 100, i3 = median{2,4} = 3 (exact half);
    //             B i1 = 3,   i2 = 50,  i3 = 10;   C i1 = 1.5, i2 = 0, i3 = median{6,8} = 7.
    close(ind(&r, "A", "i3").and_then(|s| s.raw_value), 3.0, EPS);
    close(ind(&r, "C", "i3").and_then(|s| s.raw_value), 7.0, EPS);
    // Pools: i1 [1.5, 4.5], i2 [0, 100], i3 [3, 10].
    let b_i1 = ind(&r, "B", "i1").expect("row");
    assert_eq!(
        (b_i1.n, b_i1.pool_min, b_i1.pool_max),
        (2, Some(1.5), Some(4.5))
    );
    // B: i1 = 1 + 9·(3 − 1.5)/3 = 5.5; i2 = 1 + 9·50/100 = 5.5; i3 (lower) = 1 + 9·(10 − 10)/7 = 1.
    close(ind(&r, "B", "i1").and_then(|s| s.score), 5.5, EPS);
    close(ind(&r, "B", "i3").and_then(|s| s.score), 1.0, EPS);
    // C: i3 = 1 + 9·(10 − 7)/7 = 4.857142857…; c1 = (1·1 + 3·1)/4 = 1.
    close(
        ind(&r, "C", "i3").and_then(|s| s.score),
        1.0 + 27.0 / 7.0,
        EPS,
    );
    close(comp(&r, "C", "c1").flatten(), 1.0, EPS);
    // Totals: A = 10·(1·10 + 3·10)/4 = 100; B = 10·(1·5.5 + 3·1)/4 = 21.25;
    //         C = 10·(1·1 + 3·34/7)/4 = 1090/28 = 38.928571428…
    close(unit(&r, "A").total, 100.0, 1e-9);
    close(unit(&r, "B").total, 21.25, 1e-9);
    close(unit(&r, "C").total, 1090.0 / 28.0, 1e-9);
    let ranks: Vec<_> = ["A", "B", "C"].iter().map(|u| unit(&r, u).rank).collect();
    assert_eq!(ranks, [Some(1), Some(3), Some(2)]);
    assert_eq!(unit(&r, "A").group.as_deref(), Some("Rất tốt"));
    assert_eq!(unit(&r, "A").group_index, Some(0));
    assert_eq!(unit(&r, "B").group.as_deref(), Some("Thấp"));
    // Summary: median 38.928571…, mean (100 + 21.25 + 38.928571…)/3 = 53.392857….
    let s = &r.summary[0];
    assert_eq!((s.kind.as_str(), s.ranked_units), ("department", 3));
    close(s.median_total, 1090.0 / 28.0, 1e-9);
    close(s.mean_total, (100.0 + 21.25 + 1090.0 / 28.0) / 3.0, 1e-9);
}

#[test]
fn equal_totals_share_a_rank_and_the_next_rank_is_skipped() {
    let c = one_indicator(&["A", "B", "C", "D"]);
    let answers = [("A", 5.), ("B", 3.), ("C", 3.), ("D", 1.)];
    let mut e = Vec::new();
    for round in 0..2 {
        for (k, (u, x)) in answers.iter().enumerate() {
            e.push(ev(&c, round * 10 + k as u64, u, &[("i1", *x)]));
        }
    }
    let r = score(&c, &e, &config(2), 2024, &[]);
    // Raw 5, 3, 3, 1 → scores 10, 5.5, 5.5, 1 → totals 100, 55, 55, 10 → ranks 1, 2, 2, 4.
    let got: Vec<_> = ["A", "B", "C", "D"]
        .iter()
        .map(|u| (unit(&r, u).total, unit(&r, u).rank))
        .collect();
    assert_eq!(
        got,
        [
            (Some(100.0), Some(1)),
            (Some(55.0), Some(2)),
            (Some(55.0), Some(2)),
            (Some(10.0), Some(4))
        ]
    );
    assert_eq!(unit(&r, "B").group.as_deref(), Some("Trung bình"));
}

#[test]
fn an_indicator_without_spread_scores_five_and_a_half() {
    let c = one_indicator(&["A", "B"]);
    let e = vec![ev(&c, 1, "A", &[("i1", 4.)]), ev(&c, 2, "B", &[("i1", 4.)])];
    let r = score(&c, &e, &config(1), 2024, &[]);
    // U − L = 0 → s = 5.5 for both, T = 55, both rank 1.
    for u in ["A", "B"] {
        close(ind(&r, u, "i1").and_then(|s| s.score), 5.5, EPS);
        assert_eq!((unit(&r, u).total, unit(&r, u).rank), (Some(55.0), Some(1)));
    }
}

#[test]
fn an_unranked_unit_publishes_raw_values_and_intervals_only() {
    let c = one_indicator(&["A", "B", "D"]);
    let mut e = Vec::new();
    for k in 0..6 {
        e.push(ev(&c, 10 + k, "A", &[("i1", 4.)]));
        e.push(ev(&c, 20 + k, "B", &[("i1", 2.)]));
    }
    // D: 5 evaluations < min_responses = 6 (and ≥ 5, so not count-only), raw 5 = outside the
    // ranked units' range [2, 4].
    for k in 0..5 {
        e.push(ev(&c, 30 + k, "D", &[("i1", 5.)]));
    }
    let cfg = Config {
        min_responses: 6,
        bootstrap_replicates: 20,
        ..Config::default()
    };
    let r = score(&c, &e, &cfg, 2024, &[]);
    let d = unit(&r, "D");
    assert_eq!(
        (d.responses, d.ranked, d.total, d.rank, d.group.as_deref()),
        (5, false, None, None, None)
    );
    assert_eq!(
        (d.total_ci_low, d.rank_ci_low, d.total_change),
        (None, None, None)
    );
    assert!(d.missing_components.is_empty());
    let row = ind(&r, "D", "i1").expect("D keeps its indicator row");
    // Raw 5; n = n_eff = 5, s = 0 → interval [5, 5]; no score, no pool bounds.
    assert!(!d.count_only);
    assert_eq!(
        (row.n, row.raw_value, row.ci_low, row.ci_high),
        (5, Some(5.0), Some(5.0), Some(5.0))
    );
    assert_eq!((row.score, row.pool_min, row.pool_max), (None, None, None));
    assert_eq!(
        comp(&r, "D", "c1"),
        None,
        "no component rows for unranked units"
    );
    // D's 5 stays out of the pool: A (raw 4) still has the maximum.
    assert_eq!(ind(&r, "A", "i1").and_then(|s| s.pool_max), Some(4.0));
    assert!(unit(&r, "A").total_ci_low.is_some());
}

/// c1: i1, i2; c2: i3 — all likert5 means, higher_better, weights 1.
fn two_components(units: &[&str]) -> Catalog {
    let units: Vec<(&str, &str)> = units.iter().map(|u| (*u, "department")).collect();
    catalog(
        &units,
        &[("c1", "department", 1.0), ("c2", "department", 1.0)],
        &[
            ("i1", "c1", Likert5, Aggregate::Mean, HB, 1.0),
            ("i2", "c1", Likert5, Aggregate::Mean, HB, 1.0),
            ("i3", "c2", Likert5, Aggregate::Mean, HB, 1.0),
        ],
    )
}

#[test]
fn missing_indicators_and_components_are_left_out_of_the_averages() {
    let c = two_components(&["A", "B", "C"]);
    let e = vec![
        ev(&c, 1, "A", &[("i1", 5.), ("i2", 5.), ("i3", 5.)]),
        ev(&c, 2, "B", &[("i1", 3.)]),
        ev(&c, 3, "C", &[("i1", 1.), ("i2", 1.), ("i3", 1.)]),
    ];
    let r = score(&c, &e, &config(1), 2024, &[]);
    // B answered only i1: no (B, i2) or (B, i3) row; i1 scores 1 + 9·2/4 = 5.5, so c1 = 5.5
    // from i1 alone, c2 is missing and T = 10·5.5 = 55 from c1 alone.
    assert!(ind(&r, "B", "i2").is_none() && ind(&r, "B", "i3").is_none());
    close(comp(&r, "B", "c1").flatten(), 5.5, EPS);
    assert_eq!(comp(&r, "B", "c2"), Some(None));
    assert_eq!(unit(&r, "B").missing_components, ["c2"]);
    assert_eq!(
        (unit(&r, "B").total, unit(&r, "B").rank),
        (Some(55.0), Some(2))
    );
    assert!(unit(&r, "A").missing_components.is_empty());
}

// ---------------------------------------------------------------- history

fn published(year: i32, raw: &[(&str, &str, f64)], totals: &[(&str, f64, u32)]) -> PublishedCycle {
    PublishedCycle {
        year,
        ranked_raw_values: raw
            .iter()
            .map(|(u, i, x)| (u.to_string(), i.to_string(), *x))
            .collect(),
        ranked_totals: totals
            .iter()
            .map(|(u, t, r)| (u.to_string(), *t, *r))
            .collect(),
        replicate_totals: Default::default(),
    }
}

#[test]
fn pooled_bounds_take_the_most_recent_earlier_cycles_only() {
    let c = two_components(&["A", "B"]);
    let e = vec![
        ev(&c, 1, "A", &[("i1", 4.), ("i2", 4.)]),
        ev(&c, 2, "B", &[("i1", 3.), ("i2", 2.)]),
    ];
    let history = vec![
        published(2022, &[("Z", "i1", 1.0)], &[]), // outside a 2-year window
        published(2023, &[("Z", "i1", 2.0), ("A", "i1", 4.5)], &[]), // no i2 in 2023
        published(2024, &[("Z", "i1", 1.0)], &[]), // the scored year itself: ignored
        published(2025, &[("Z", "i1", 1.0)], &[]), // a later year: ignored
    ];
    let cfg = Config {
        pool_years: 2,
        ..config(1)
    };
    let r = score(&c, &e, &cfg, 2024, &history);
    assert_eq!(r.pooled_cycles, [2023]);
    // i1 pool = {4, 3} ∪ {2, 4.5} = [2, 4.5]: A = 1 + 9·2/2.5 = 8.2, B = 1 + 9·1/2.5 = 4.6.
    let a = ind(&r, "A", "i1").expect("row");
    assert_eq!((a.pool_min, a.pool_max), (Some(2.0), Some(4.5)));
    close(a.score, 8.2, EPS);
    close(ind(&r, "B", "i1").and_then(|s| s.score), 4.6, EPS);
    // i2 has no earlier values: pool [2, 4] from this cycle.
    assert_eq!(ind(&r, "B", "i2").and_then(|s| s.pool_min), Some(2.0));
    // With pool_years = 1 history does not enter: i1 pool [3, 4], A = 10.
    let r1 = score(&c, &e, &config(1), 2024, &history);
    assert!(r1.pooled_cycles.is_empty());
    close(ind(&r1, "A", "i1").and_then(|s| s.score), 10.0, EPS);
}

#[test]
fn change_is_measured_against_the_last_cycle_in_which_the_unit_was_ranked() {
    let c = one_indicator(&["A", "B", "C"]);
    let e = vec![ev(&c, 1, "A", &[("i1", 5.)]), ev(&c, 2, "B", &[("i1", 1.)])];
    let history = vec![
        published(2022, &[], &[("A", 40.0, 3), ("B", 60.0, 1), ("C", 70.0, 1)]),
        published(2023, &[], &[("A", 50.0, 2)]),
    ];
    let r = score(&c, &e, &config(1), 2024, &history);
    // Now A = 100 (rank 1), B = 10 (rank 2).
    // A vs 2023: 100 − 50 = +50, rank 2 − 1 = +1 (moved up).
    assert_eq!(
        (unit(&r, "A").total_change, unit(&r, "A").rank_change),
        (Some(50.0), Some(1))
    );
    // B was not ranked in 2023, so 2022: 10 − 60 = −50, rank 1 − 2 = −1.
    assert_eq!(
        (unit(&r, "B").total_change, unit(&r, "B").rank_change),
        (Some(-50.0), Some(-1))
    );
    // C is not ranked now: no change.
    assert_eq!(
        (unit(&r, "C").total_change, unit(&r, "C").rank_change),
        (None, None)
    );
}

// ---------------------------------------------------------------- §6 intervals

#[test]
fn the_mean_interval_uses_t_with_n_minus_one_degrees_of_freedom() {
    // x = 1,2,2,3,3,3,4,4,5,5 (equal weights): x̄ = 32/10 = 3.2, Σ(x − x̄)² = 15.6,
    // s² = 15.6/9 = 1.7333…, s = 1.3165612; t_{0.95, 9} = 1.833113 (table value);
    // half-width = 1.833113·1.3165612/√10 = 0.7631858 → [2.4368142, 3.9631858].
    close(t_95(9.0), 1.833113, 1e-6);
    let xs = [1., 2., 2., 3., 3., 3., 4., 4., 5., 5.];
    let answers: Vec<(f64, f64)> = xs.iter().map(|x| (*x, 1.0)).collect();
    let (lo, hi) = interval(Aggregate::Mean, &answers).expect("interval");
    close(Some(lo), 2.4368142, 2e-6);
    close(Some(hi), 3.9631858, 2e-6);
    // Same through `score`, for an unranked unit (intervals are always published).
    let c = one_indicator(&["A"]);
    let e: Vec<Evaluation> = xs
        .iter()
        .enumerate()
        .map(|(k, x)| ev(&c, k as u64, "A", &[("i1", *x)]))
        .collect();
    let r = score(&c, &e, &config(30), 2024, &[]);
    let row = ind(&r, "A", "i1").expect("row");
    assert_eq!(
        (row.n, row.raw_value, row.ci_low, row.ci_high),
        (10, Some(3.2), Some(lo), Some(hi))
    );
}

#[test]
fn shares_use_the_wilson_interval() {
    // z_{0.95} = 1.6448536. p = 0.5, n = 10: z²/n = 0.27055435, centre = 0.5,
    // half = z/(1 + z²/n)·√(p(1 − p)/n + z²/(4n²)) = 1.2945961·0.1782242 = 0.2307282
    // → [26.927182, 73.072818] %.
    close(Some(z_95()), 1.6448536, 1e-7);
    let yes: Vec<(f64, f64)> = (0..10).map(|k| (f64::from(k % 2), 1.0)).collect();
    let (lo, hi) = interval(Aggregate::ShareYes, &yes).expect("interval");
    close(Some(lo), 26.927182, 1e-5);
    close(Some(hi), 73.072818, 1e-5);
    // share_agree with 4 of 10 answers ≥ 4: p = 0.4 → [19.422699, 64.836140] % (same formula).
    let likert: Vec<(f64, f64)> = [1., 2., 2., 3., 3., 3., 4., 4., 5., 5.]
        .iter()
        .map(|x| (*x, 1.0))
        .collect();
    let (lo, hi) = interval(Aggregate::ShareAgree, &likert).expect("interval");
    close(Some(lo), 19.422699, 1e-5);
    close(Some(hi), 64.836140, 1e-5);
    // No interval for a median.
    assert_eq!(interval(Aggregate::Median, &likert), None);
}

#[test]
fn unequal_weights_use_kish_effective_sample_size() {
    // ρ = 1, 1, 2, 4: n_eff = (Σρ)²/Σρ² = 8²/(1 + 1 + 4 + 16) = 64/22 = 2.9090909.
    close(Some(kish_n_eff(8.0, 22.0)), 64.0 / 22.0, EPS);
    let w = [1., 1., 2., 4.];
    // share_yes of 1, 0, 1, 1: p = (1 + 2 + 4)/8 = 0.875; Wilson with n = 64/22
    // → [40.213597, 98.645892] %.
    let yes: Vec<(f64, f64)> = [1., 0., 1., 1.].iter().copied().zip(w).collect();
    close(raw_value(Aggregate::ShareYes, &yes), 87.5, EPS);
    let (lo, hi) = interval(Aggregate::ShareYes, &yes).expect("interval");
    close(Some(lo), 40.213597, 1e-5);
    close(Some(hi), 98.645892, 1e-5);
    // mean of 2, 4, 4, 5: x̄ = 34/8 = 4.25; Σρ(x − x̄)² = 5.0625 + 0.0625 + 0.125 + 2.25 = 7.5;
    // s² = (7.5/8)·n_eff/(n_eff − 1) = 0.9375·32/21 = 10/7; s/√n_eff = √(110/224) = 0.7007649;
    // t with the real df = n_eff − 1 = 21/11 (statrs' quantile).
    let xs: Vec<(f64, f64)> = [2., 4., 4., 5.].iter().copied().zip(w).collect();
    let half = t_95(21.0 / 11.0).expect("t") * (110.0_f64 / 224.0).sqrt();
    let (lo, hi) = interval(Aggregate::Mean, &xs).expect("interval");
    close(Some(lo), 4.25 - half, 1e-12);
    close(Some(hi), 4.25 + half, 1e-12);
    // Two answers with ρ = 1 and 3: n = 2 but n_eff = 16/10 = 1.6 < 2 → no interval.
    assert_eq!(interval(Aggregate::Mean, &[(1.0, 1.0), (3.0, 3.0)]), None);
    assert_eq!(interval(Aggregate::Mean, &[(1.0, 1.0)]), None);
}

#[test]
fn percentiles_match_numpy_linear_interpolation() {
    let xs: Vec<f64> = (1..=10).map(f64::from).collect();
    // h = 9·0.05 = 0.45 → 1 + 0.45·(2 − 1) = 1.45; h = 9·0.95 = 8.55 → 9.55.
    close(percentile(&xs, 0.05), 1.45, EPS);
    close(percentile(&xs, 0.95), 9.55, EPS);
    assert_eq!(percentile(&[7.0], 0.05), Some(7.0));
    assert_eq!(percentile(&[], 0.05), None);
}

#[test]
fn a_lone_ranked_unit_has_degenerate_bootstrap_intervals() {
    // One ranked unit: every replicate has no spread → all scores 5.5, T = 55, rank 1.
    let c = one_indicator(&["A"]);
    let e: Vec<Evaluation> = (0..5)
        .map(|k| ev(&c, k, "A", &[("i1", f64::from(k as u8 % 5 + 1))]))
        .collect();
    let cfg = Config {
        bootstrap_replicates: 50,
        ..config(2)
    };
    let a = score(&c, &e, &cfg, 2024, &[]).scores.remove(0);
    assert_eq!((a.total_ci_low, a.total_ci_high), (Some(55.0), Some(55.0)));
    assert_eq!((a.rank_ci_low, a.rank_ci_high), (Some(1), Some(1)));
}

#[test]
fn the_bootstrap_draw_sequence_is_pinned() {
    // Seed 20211121, draws below 10, replicates 0 and 1. The expected values were produced by
    // an independent re-implementation (Python: rand_core's PCG32 seed expansion, ChaCha with
    // 8 rounds, 64-bit block counter in words 12–13 and the stream in words 14–15, next_u64 =
    // two little-endian words, then the multiply-shift rejection of `DrawBelow`). If this
    // changes, published bootstrap intervals no longer reproduce.
    let draw = DrawBelow::new(10);
    let mut rng = replicate_rng(20211121, 0);
    let got: Vec<u64> = (0..10).map(|_| draw.sample(&mut rng)).collect();
    assert_eq!(got, [3, 3, 8, 1, 8, 3, 9, 5, 7, 3]);
    let mut rng = replicate_rng(20211121, 1);
    let got: Vec<u64> = (0..10).map(|_| draw.sample(&mut rng)).collect();
    assert_eq!(got, [5, 4, 8, 5, 4, 8, 0, 7, 7, 5]);
}

// ---------------------------------------------------------------- reliability

#[test]
fn cronbach_alpha_matches_a_hand_computation() {
    // Items (1,2), (2,3), (3,3), (4,5): var₁ = 5/3, var₂ = 4.75/3; row sums 3, 5, 6, 9 have
    // var = 18.75/3. α = 2/(2 − 1)·(1 − (5 + 4.75)/18.75) = 2·0.48 = 0.96.
    let rows = vec![vec![1., 2.], vec![2., 3.], vec![3., 3.], vec![4., 5.]];
    close(cronbach_alpha(&rows), 0.96, EPS);
    // Constant row sums: no variance → no α.
    assert_eq!(cronbach_alpha(&[vec![1., 5.], vec![5., 1.]]), None);
    assert_eq!(cronbach_alpha(&[vec![1., 5.]]), None);
}

/// c1: i1 (higher_better) and i2 (`second`), likert5 means.
fn one_scale(units: &[&str], second: Direction) -> Catalog {
    let units: Vec<(&str, &str)> = units.iter().map(|u| (*u, "department")).collect();
    catalog(
        &units,
        &[("c1", "department", 1.0)],
        &[
            ("i1", "c1", Likert5, Aggregate::Mean, HB, 1.0),
            ("i2", "c1", Likert5, Aggregate::Mean, second, 1.0),
        ],
    )
}

#[test]
fn reliability_uses_complete_evaluations_of_units_with_at_least_five() {
    let c = one_scale(&["A", "B"], HB);
    let e = vec![
        ev(&c, 1, "A", &[("i1", 1.), ("i2", 2.)]),
        ev(&c, 2, "A", &[("i1", 2.), ("i2", 3.)]),
        ev(&c, 3, "A", &[("i1", 3.), ("i2", 3.)]),
        ev(&c, 4, "A", &[("i1", 4.), ("i2", 5.)]),
        ev(&c, 5, "A", &[("i1", 5.)]), // incomplete: left out, but A has 5 evaluations
        // B has 2 evaluations (§3: count only), so its rows stay out; with them the row sums
        // would be 3, 5, 6, 9, 6, 6 and α would change.
        ev(&c, 6, "B", &[("i1", 5.), ("i2", 1.)]),
        ev(&c, 7, "B", &[("i1", 1.), ("i2", 5.)]),
    ];
    // min_responses 30: nobody is ranked, reliability still uses A's evaluations.
    let r = score(&c, &e, &config(30), 2024, &[]);
    // A's complete rows are the matrix of the test above → α = 0.96 with n = 4.
    assert_eq!(r.reliability.len(), 1);
    let rel = &r.reliability[0];
    assert_eq!(
        (rel.kind.as_str(), rel.component_code.as_str(), rel.n),
        ("department", "c1", 4)
    );
    close(rel.alpha, 0.96, EPS);
}

#[test]
fn a_lower_better_item_is_reverse_keyed_before_alpha() {
    // i2 is worded the other way: its answers 4, 3, 3, 1 read as 6 − x = 2, 3, 3, 5, which
    // with i1 = 1, 2, 3, 4 is the matrix of the hand computation above: α = 0.96. Read as
    // given, the row sums 5, 5, 6, 5 barely vary and α would be negative.
    let c = one_scale(&["A"], LB);
    let answers = [(1., 4.), (2., 3.), (3., 3.), (4., 1.), (3., 3.)];
    let e: Vec<Evaluation> = answers
        .iter()
        .zip(1..)
        .map(|((x1, x2), id)| ev(&c, id, "A", &[("i1", *x1), ("i2", *x2)]))
        .collect();
    let r = score(&c, &e, &config(30), 2024, &[]);
    // The fifth row (3, 3 → 3, 3) joins the four: items 1,2,3,4,3 and 2,3,3,5,3; row sums
    // 3,5,6,9,6. var₁ = 5.2/4, var₂ = 4.8/4, var(sum) = 18.8/4:
    // α = 2·(1 − (5.2 + 4.8)/18.8) = 0.936170…
    let rel = &r.reliability[0];
    assert_eq!(rel.n, 5);
    close(rel.alpha, 2.0 * (1.0 - 10.0 / 18.8), EPS);
    assert!(cronbach_alpha(
        &answers
            .iter()
            .map(|(a, b)| vec![*a, *b])
            .collect::<Vec<_>>()
    )
    .is_none_or(|raw| raw < 0.5));
}

// ---------------------------------------------------------------- groups, empty input, NaN

#[test]
fn group_boundaries_include_their_minimum() {
    let rows: Vec<ComponentRow> = [8.0, 7.99999999999, 7.999, 4.0, 1.0]
        .iter()
        .enumerate()
        .map(|(k, s)| ComponentRow {
            unit: format!("u{k}"),
            scores: vec![Some(*s)],
        })
        .collect();
    let ranked = rank_totals(&rows, &[1.0], &default_groups());
    let groups: Vec<Option<usize>> = ranked.iter().map(|r| r.group).collect();
    // 80 → Rất tốt; 79.9999999999 is within 1e-9 of 80 → Rất tốt; 79.99 → Tốt;
    // 40 → Tương đối thấp (its minimum); 10 → Thấp.
    assert_eq!(groups, [Some(0), Some(0), Some(1), Some(4), Some(5)]);
    assert_eq!(default_groups()[0].label_vi, "Rất tốt");
    assert_eq!(ranked[0].total, Some(80.0));
}

#[test]
fn no_responses_leave_every_unit_unranked_with_warnings() {
    let c = catalog(
        &[("A", "department"), ("X", "district")],
        &[("c1", "department", 1.0), ("k1", "district", 1.0)],
        &[
            ("i1", "c1", Likert5, Aggregate::Mean, HB, 1.0),
            ("j1", "k1", YesNo, Aggregate::ShareYes, HB, 1.0),
        ],
    );
    let r = score(&c, &[], &Config::default(), 2024, &[]);
    assert_eq!(r.scores.len(), 2);
    assert!(r
        .scores
        .iter()
        .all(|s| !s.ranked && s.responses == 0 && s.total.is_none()));
    assert!(r.indicator_scores.is_empty() && r.component_scores.is_empty());
    assert!(r.warnings.iter().any(|w| w.starts_with("no responses")));
    assert!(r
        .warnings
        .iter()
        .any(|w| w == "no ranked unit of kind department"));
    assert!(r
        .warnings
        .iter()
        .any(|w| w == "no ranked unit of kind district"));
    assert_eq!(
        r.summary[1],
        KindSummary {
            kind: "district".into(),
            ranked_units: 0,
            median_total: None,
            mean_total: None
        }
    );
}

#[test]
fn invalid_input_is_skipped_with_warnings_and_never_yields_nan() {
    let (c, mut e) = three_units();
    e.push(ev(&c, 7, "A", &[("i1", 7.0), ("i3", f64::NAN)])); // both answers invalid
    e.push(ev_w(&c, 8, "B", 0.0, &[("i1", 3.0)])); // weight 0
    e.push(ev_w(&c, 9, "B", f64::NAN, &[("i1", 3.0)])); // weight NaN
    e.push(Evaluation {
        response: 10,
        unit: 99,
        weight: 1.0,
        answers: vec![(0, 1.0)],
    });
    e.push(Evaluation {
        response: 11,
        unit: 0,
        weight: 1.0,
        answers: vec![(0, 5.0), (0, 4.0), (42, 1.0)],
    });
    let cfg = Config {
        bootstrap_replicates: 30,
        ..config(2)
    };
    let r = score(&c, &e, &cfg, 2024, &[]);
    // A gained one valid evaluation (i1 = 4, the smaller duplicate), nothing else was counted.
    assert_eq!(unit(&r, "A").responses, 3);
    assert_eq!(unit(&r, "B").responses, 2);
    for needle in [
        "1 evaluation(s) skipped: unit",
        "2 evaluation(s) skipped: weight",
        "3 answer(s) skipped",
        "1 duplicate",
        "1 evaluation(s) without",
    ] {
        assert!(
            r.warnings.iter().any(|w| w.starts_with(needle)),
            "missing warning {needle}: {:?}",
            r.warnings
        );
    }
    assert_all_finite(&r);
}

fn assert_all_finite(r: &ScoringResult) {
    let mut values: Vec<Option<f64>> = Vec::new();
    for s in &r.indicator_scores {
        values.extend([
            s.raw_value,
            s.ci_low,
            s.ci_high,
            s.pool_min,
            s.pool_max,
            s.score,
        ]);
    }
    values.extend(r.component_scores.iter().map(|s| s.score));
    for s in &r.scores {
        values.extend([s.total, s.total_ci_low, s.total_ci_high, s.total_change]);
    }
    for s in &r.summary {
        values.extend([s.median_total, s.mean_total]);
    }
    values.extend(r.reliability.iter().map(|s| s.alpha));
    assert!(
        values.iter().flatten().all(|x| x.is_finite()),
        "non-finite output"
    );
}

#[test]
fn the_engine_version_is_the_crate_version() {
    assert_eq!(ENGINE_VERSION, env!("CARGO_PKG_VERSION"));
}
