//! The contract's first promise: every point estimate of an exported package can be recomputed
//! from the package (and the packages of the pooled earlier cycles) with METHODOLOGY.md alone.
//! This file recomputes them with its own plain implementation of §2–§5, reading only CSV.

use crate::common::{run_ok, TestDb};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

type Row = HashMap<String, String>;

fn read_csv(dir: &Path, name: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(dir.join(name)).expect(name);
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(v: &str) -> Option<f64> {
    (!v.is_empty()).then(|| v.parse().expect("a number"))
}

fn close(a: Option<f64>, b: Option<f64>, what: &str) {
    match (a, b) {
        (Some(x), Some(y)) => assert!(
            (x - y).abs() <= 1e-9 * (1.0 + y.abs()),
            "{what}: {x} vs {y}"
        ),
        (None, None) => {}
        _ => panic!("{what}: {a:?} vs {b:?}"),
    }
}

/// §2, written from the text.
fn raw_value(aggregate: &str, xs: &[(f64, f64)]) -> f64 {
    let total: f64 = xs.iter().map(|(_, w)| w).sum();
    match aggregate {
        "mean" => xs.iter().map(|(x, w)| x * w).sum::<f64>() / total,
        "share_agree" => {
            100.0
                * xs.iter()
                    .filter(|(x, _)| *x >= 4.0)
                    .map(|(_, w)| w)
                    .sum::<f64>()
                / total
        }
        "share_yes" => {
            100.0
                * xs.iter()
                    .filter(|(x, _)| *x == 1.0)
                    .map(|(_, w)| w)
                    .sum::<f64>()
                / total
        }
        _ => {
            let half = total / 2.0;
            let values: BTreeSet<u64> = xs.iter().map(|(x, _)| x.to_bits()).collect();
            let mut values: Vec<f64> = values.into_iter().map(f64::from_bits).collect();
            values.sort_by(f64::total_cmp);
            for (k, v) in values.iter().enumerate() {
                let c: f64 = xs.iter().filter(|(x, _)| x <= v).map(|(_, w)| w).sum();
                if c >= half * (1.0 - 1e-12) {
                    if (c - half).abs() <= 1e-12 * total {
                        return values.get(k + 1).map_or(*v, |next| (v + next) / 2.0);
                    }
                    return *v;
                }
            }
            f64::NAN
        }
    }
}

/// §8's y for one answer.
fn y_of(aggregate: &str, x: f64) -> f64 {
    match aggregate {
        "share_agree" => 100.0 * f64::from(u8::from(x >= 4.0)),
        "share_yes" => 100.0 * f64::from(u8::from(x == 1.0)),
        _ => x,
    }
}

/// §8's rounding rule for σ² and τ².
fn rounded(v: f64, mu: f64) -> f64 {
    if v < 1e-12 * mu.powi(2).max(1.0) {
        0.0
    } else {
        v
    }
}

/// A unit of V: its code, its answers to the indicator as (value, weight), its raw value.
type UnitAnswers<'a> = (&'a String, &'a Vec<(f64, f64)>, f64);

/// §8 for one shrunk indicator of one kind: (m, μ, σ², τ²) and each unit's estimate, from the
/// answers of the units in V (units with n_u ≥ 5 that answered it), or `None` when the
/// indicator stays direct.
#[allow(clippy::type_complexity)]
fn shrink(
    aggregate: &str,
    units: &[UnitAnswers],
) -> Option<((usize, f64, f64, f64), HashMap<String, f64>)> {
    let m = units.len();
    let big_n: usize = units.iter().map(|(_, xs, _)| xs.len()).sum();
    if m < 3 || big_n < m + 1 {
        return None;
    }
    let (mut within, mut wsum) = (0.0, 0.0);
    for (_, xs, r) in units {
        for (x, w) in *xs {
            within += w * (y_of(aggregate, *x) - r).powi(2);
            wsum += w;
        }
    }
    let mu = units.iter().map(|(_, _, r)| r).sum::<f64>() / m as f64;
    let sigma2 = rounded(within / wsum * big_n as f64 / (big_n - m) as f64, mu);
    let n_eff = |xs: &[(f64, f64)]| {
        let s: f64 = xs.iter().map(|(_, w)| w).sum();
        s * s / xs.iter().map(|(_, w)| w * w).sum::<f64>()
    };
    let v: Vec<f64> = units.iter().map(|(_, xs, _)| sigma2 / n_eff(xs)).collect();
    let spread = units.iter().map(|(_, _, r)| (r - mu).powi(2)).sum::<f64>() / (m - 1) as f64;
    let tau2 = rounded((spread - v.iter().sum::<f64>() / m as f64).max(0.0), mu);
    let estimates = units
        .iter()
        .zip(&v)
        .map(|((u, _, r), v)| {
            let b = if tau2 == 0.0 {
                1.0
            } else if sigma2 == 0.0 {
                0.0
            } else {
                v / (v + tau2)
            };
            ((*u).clone(), b * mu + (1.0 - b) * r)
        })
        .collect();
    Some(((m, mu, sigma2, tau2), estimates))
}

struct Package {
    dir: std::path::PathBuf,
    config: serde_json::Value,
}

impl Package {
    fn csv(&self, name: &str) -> Vec<Row> {
        read_csv(&self.dir, name)
    }
}

fn export(db: &TestDb, year: i32, dir: &Path) -> Package {
    let out = dir.join(format!("p{year}"));
    run_ok(
        db,
        &[
            "export",
            "--cycle",
            &year.to_string(),
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("datapackage.json")).expect("json"))
            .expect("parse");
    Package {
        dir: out,
        config: json["ddci"].clone(),
    }
}

#[test]
fn every_point_estimate_of_a_package_recomputes_from_the_package_alone() {
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2024",
            "--responses",
            "250",
            "--seed",
            "1",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2024",
            "--bootstrap",
            "0",
            "--min-responses",
            "15",
        ],
    );
    run_ok(&db, &["publish", "--cycle", "2024"]);
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "250",
            "--seed",
            "2",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2025",
            "--bootstrap",
            "10",
            "--min-responses",
            "15",
            "--pool-years",
            "2",
        ],
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let earlier = export(&db, 2024, tmp.path());
    let package = export(&db, 2025, tmp.path());
    assert_eq!(package.config["pooled_cycles"], serde_json::json!([2024]));
    assert_eq!(package.config["min_responses"], 15);
    assert_eq!(package.config["bootstrap"]["replicates"], 10);

    let min_responses = package.config["min_responses"].as_u64().expect("min") as usize;
    let indicators = package.csv("indicators.csv");
    let weights: HashMap<String, f64> = package
        .csv("responses.csv")
        .into_iter()
        .map(|r| (r["response_id"].clone(), num(&r["weight"]).expect("weight")))
        .collect();
    let unit_kind: HashMap<String, String> = package
        .csv("units.csv")
        .into_iter()
        .map(|r| (r["unit_code"].clone(), r["kind"].clone()))
        .collect();

    // §2: raw values and n per (unit, indicator); §3: evaluations per unit.
    let mut answers: BTreeMap<(String, String), Vec<(f64, f64)>> = BTreeMap::new();
    let mut evaluations: HashMap<String, BTreeSet<String>> = HashMap::new();
    for a in package.csv("answers.csv") {
        let w = weights[&a["response_id"]];
        answers
            .entry((a["unit_code"].clone(), a["indicator_code"].clone()))
            .or_default()
            .push((num(&a["value"]).expect("v"), w));
        evaluations
            .entry(a["unit_code"].clone())
            .or_default()
            .insert(a["response_id"].clone());
    }
    let ranked = |u: &str| evaluations.get(u).map_or(0, BTreeSet::len) >= min_responses;
    let aggregate_of: HashMap<String, (String, String, String)> = indicators
        .iter()
        .map(|i| {
            (
                i["indicator_code"].clone(),
                (
                    i["aggregate"].clone(),
                    i["direction"].clone(),
                    i["component_code"].clone(),
                ),
            )
        })
        .collect();
    let raw: BTreeMap<(String, String), f64> = answers
        .iter()
        .map(|(k, xs)| (k.clone(), raw_value(&aggregate_of[&k.1].0, xs)))
        .collect();

    // §8: each shrunk kind's eligible indicators, from the answers and shrinkage.csv's rows.
    let shrunk_kinds: BTreeSet<String> = package.config["kinds"]
        .as_array()
        .expect("ddci.kinds")
        .iter()
        .filter(|k| k["estimator"] == "shrunk")
        .map(|k| k["kind"].as_str().expect("kind").to_string())
        .collect();
    let published_params: HashMap<(String, String), Row> = package
        .csv("shrinkage.csv")
        .into_iter()
        .map(|r| ((r["kind"].clone(), r["indicator_code"].clone()), r))
        .collect();
    let mut estimate = raw.clone();
    let mut shrunk_indicators = 0;
    for i in &indicators {
        let kind = &i["kind"];
        let (code, aggregate) = (&i["indicator_code"], &i["aggregate"]);
        if !shrunk_kinds.contains(kind) || aggregate == "median" {
            continue;
        }
        let in_v: Vec<UnitAnswers> = answers
            .iter()
            .filter(|((u, ind), _)| ind == code && evaluations.get(u).map_or(0, BTreeSet::len) >= 5)
            .map(|((u, _), xs)| (u, xs, raw[&(u.clone(), code.clone())]))
            .collect();
        let key = (kind.clone(), code.clone());
        let Some(((m, mu, sigma2, tau2), estimates)) = shrink(aggregate, &in_v) else {
            assert!(!published_params.contains_key(&key), "{code} stays direct");
            continue;
        };
        let row = &published_params[&key];
        assert_eq!(row["m"].parse::<usize>().expect("m"), m, "{code}: m");
        close(num(&row["mu"]), Some(mu), "mu");
        close(num(&row["sigma2"]), Some(sigma2), "sigma2");
        close(num(&row["tau2"]), Some(tau2), "tau2");
        for (u, e) in estimates {
            estimate.insert((u, code.clone()), e);
        }
        shrunk_indicators += 1;
    }
    assert_eq!(
        shrunk_indicators,
        published_params.len(),
        "one row per shrunk indicator"
    );
    assert!(shrunk_indicators > 0, "the 2025 communes are shrunk");

    // §4: pools from this cycle's ranked units and the earlier published package's ranked units.
    let mut pool: HashMap<String, (f64, f64)> = HashMap::new();
    let mut extend = |i: &str, x: f64| {
        let e = pool.entry(i.to_string()).or_insert((x, x));
        *e = (e.0.min(x), e.1.max(x));
    };
    for ((u, i), x) in &estimate {
        if ranked(u) {
            extend(i, *x);
        }
    }
    // Earlier cycles contribute the value their published run normalised (§8).
    for r in earlier.csv("indicator_scores.csv") {
        if !r["score"].is_empty() && aggregate_of.contains_key(&r["indicator_code"]) {
            let normalised = num(&r["estimate"]).or(num(&r["raw_value"]));
            extend(&r["indicator_code"], normalised.expect("raw"));
        }
    }

    let mut scores: HashMap<(String, String), f64> = HashMap::new();
    let published = package.csv("indicator_scores.csv");
    assert_eq!(
        published.len(),
        raw.len(),
        "one row per (unit, indicator) with n ≥ 1"
    );
    for r in &published {
        let key = (r["unit_code"].clone(), r["indicator_code"].clone());
        assert_eq!(r["n"].parse::<usize>().expect("n"), answers[&key].len());
        close(num(&r["raw_value"]), Some(raw[&key]), "raw_value");
        close(num(&r["estimate"]), Some(estimate[&key]), "estimate");
        if !ranked(&key.0) {
            assert!(r["score"].is_empty() && r["pool_min"].is_empty());
            continue;
        }
        let (l, u) = pool[&key.1];
        close(num(&r["pool_min"]), Some(l), "pool_min");
        close(num(&r["pool_max"]), Some(u), "pool_max");
        let x = estimate[&key];
        let s = if u - l < 1e-12 {
            5.5
        } else if aggregate_of[&key.1].1 == "higher_better" {
            1.0 + 9.0 * (x - l) / (u - l)
        } else {
            1.0 + 9.0 * (u - x) / (u - l)
        };
        close(num(&r["score"]), Some(s), "score");
        scores.insert(key, s);
    }

    // §5: components, totals, ranks, groups.
    let component_weight: HashMap<String, (String, f64)> = package
        .csv("components.csv")
        .into_iter()
        .map(|c| {
            (
                c["component_code"].clone(),
                (c["kind"].clone(), num(&c["weight"]).expect("W")),
            )
        })
        .collect();
    let indicator_weight: HashMap<String, f64> = indicators
        .iter()
        .map(|i| (i["indicator_code"].clone(), num(&i["weight"]).expect("w")))
        .collect();
    let mut totals: HashMap<String, f64> = HashMap::new();
    for unit in unit_kind.keys().filter(|u| ranked(u)) {
        let (mut num_t, mut den_t) = (0.0, 0.0);
        for (c, (kind, wc)) in &component_weight {
            if kind != &unit_kind[unit] {
                continue;
            }
            let parts: Vec<(f64, f64)> = scores
                .iter()
                .filter(|((u, i), _)| u == unit && &aggregate_of[i].2 == c)
                .map(|((_, i), s)| (indicator_weight[i], *s))
                .collect();
            if parts.is_empty() {
                continue;
            }
            let sc = parts.iter().map(|(w, s)| w * s).sum::<f64>()
                / parts.iter().map(|(w, _)| w).sum::<f64>();
            let published = package
                .csv("component_scores.csv")
                .into_iter()
                .find(|r| &r["unit_code"] == unit && &r["component_code"] == c)
                .expect("component row");
            close(num(&published["score"]), Some(sc), "component score");
            num_t += wc * sc;
            den_t += wc;
        }
        totals.insert(unit.clone(), 10.0 * num_t / den_t);
    }
    let groups = package.config["groups"].as_array().expect("groups").clone();
    let rows = package.csv("scores.csv");
    assert_eq!(
        rows.len(),
        unit_kind.len(),
        "one row per unit of the catalog"
    );
    for r in rows {
        let u = &r["unit_code"];
        let (n, seen) = (
            r["responses"].parse::<usize>().expect("n"),
            evaluations.get(u).map_or(0, BTreeSet::len),
        );
        if seen == 0 && (1..5).contains(&n) {
            // §3: a unit with 1–4 evaluations publishes its count only, no answer rows.
            assert!(r["ranked"] == "false" && r["total"].is_empty(), "{u}");
            continue;
        }
        assert_eq!(n, seen, "{u}");
        assert_eq!(r["ranked"], if ranked(u) { "true" } else { "false" });
        let Some(t) = totals.get(u) else {
            assert!(r["total"].is_empty() && r["rank"].is_empty() && r["group"].is_empty());
            continue;
        };
        close(num(&r["total"]), Some(*t), "total");
        let better = totals
            .iter()
            .filter(|(v, tv)| unit_kind[*v] == unit_kind[u] && **tv > t + 1e-9)
            .count();
        assert_eq!(
            r["rank"].parse::<usize>().expect("rank"),
            1 + better,
            "rank of {u}"
        );
        let group = groups
            .iter()
            .find(|g| g["min_total"].as_f64().is_none_or(|m| m <= t + 1e-9))
            .expect("a group");
        assert_eq!(r["group"], group["label_vi"].as_str().expect("label"));
        assert!(
            num(&r["total_ci_low"]).is_some(),
            "bootstrap intervals are published"
        );
    }
    // §9: every merged unit's change is now minus its backcast, computed from the earlier
    // package alone: exactly its predecessors' evaluations there, normalised with that run's
    // published bounds (not clamped), weighted with the current catalog's weights.
    let backcast = backcast_totals(
        &package,
        &earlier,
        &aggregate_of,
        &indicator_weight,
        &component_weight,
    );
    let merged_rows: Vec<Row> = package
        .csv("scores.csv")
        .into_iter()
        .filter(|r| r["change_basis"] == "backcast")
        .collect();
    assert!(!merged_rows.is_empty(), "the 2025 package has backcasts");
    let mut recomputed = 0;
    for r in merged_rows {
        let u = &r["unit_code"];
        assert!(
            r["rank_change"].is_empty(),
            "{u}: no rank change for a backcast"
        );
        let (Some(now), Some(before)) = (totals.get(u), backcast.get(u)) else {
            assert!(r["total_change"].is_empty(), "{u}");
            continue;
        };
        close(
            num(&r["total_change"]),
            Some(now - before),
            "total_change (backcast)",
        );
        recomputed += 1;
    }
    assert!(
        recomputed > 0,
        "at least one ranked merged unit has its backcast recomputed"
    );
    for s in package.csv("summary.csv") {
        let mut ts: Vec<f64> = totals
            .iter()
            .filter(|(u, _)| unit_kind[*u] == s["kind"])
            .map(|(_, t)| *t)
            .collect();
        ts.sort_by(f64::total_cmp);
        assert_eq!(s["ranked_units"].parse::<usize>().expect("n"), ts.len());
        let mean = ts.iter().sum::<f64>() / ts.len() as f64;
        let median = if ts.len() % 2 == 1 {
            ts[ts.len() / 2]
        } else {
            (ts[ts.len() / 2 - 1] + ts[ts.len() / 2]) / 2.0
        };
        close(num(&s["mean_total"]), Some(mean), "mean_total");
        close(num(&s["median_total"]), Some(median), "median_total");
    }
}

/// §9 backcasts of the package's merged units from the earlier package: unit → T backcast.
fn backcast_totals(
    package: &Package,
    earlier: &Package,
    aggregate_of: &HashMap<String, (String, String, String)>,
    indicator_weight: &HashMap<String, f64>,
    component_weight: &HashMap<String, (String, f64)>,
) -> HashMap<String, f64> {
    let mut predecessors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in package.csv("unit_links.csv") {
        if l["relation"] == "merged" {
            predecessors
                .entry(l["unit_code"].clone())
                .or_default()
                .push(l["predecessor_code"].clone());
        }
    }
    let weights: HashMap<String, f64> = earlier
        .csv("responses.csv")
        .into_iter()
        .map(|r| (r["response_id"].clone(), num(&r["weight"]).expect("weight")))
        .collect();
    let bounds: HashMap<String, (f64, f64)> = earlier
        .csv("indicator_scores.csv")
        .into_iter()
        .filter_map(|r| {
            Some((
                r["indicator_code"].clone(),
                (num(&r["pool_min"])?, num(&r["pool_max"])?),
            ))
        })
        .collect();
    let answers = earlier.csv("answers.csv");
    let kind_of: HashMap<String, String> = package
        .csv("units.csv")
        .into_iter()
        .map(|r| (r["unit_code"].clone(), r["kind"].clone()))
        .collect();
    let mut out = HashMap::new();
    for (unit, preds) in predecessors {
        // The successor's indicators that existed then and have published bounds.
        let mut by_indicator: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for a in answers.iter().filter(|a| preds.contains(&a["unit_code"])) {
            let i = &a["indicator_code"];
            if aggregate_of.contains_key(i) && bounds.contains_key(i) {
                let w = weights[&a["response_id"]];
                by_indicator
                    .entry(i.clone())
                    .or_default()
                    .push((num(&a["value"]).expect("v"), w));
            }
        }
        let mut by_component: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for (i, xs) in &by_indicator {
            let (aggregate, direction, component) = &aggregate_of[i];
            if component_weight[component].0 != kind_of[&unit] {
                continue;
            }
            let x = raw_value(aggregate, xs);
            let (l, u) = bounds[i];
            let s = if u - l < 1e-12 {
                5.5
            } else if direction == "higher_better" {
                1.0 + 9.0 * (x - l) / (u - l)
            } else {
                1.0 + 9.0 * (u - x) / (u - l)
            };
            let e = by_component.entry(component.clone()).or_insert((0.0, 0.0));
            e.0 += indicator_weight[i] * s;
            e.1 += indicator_weight[i];
        }
        let (mut num_t, mut den_t) = (0.0, 0.0);
        for (c, (sum, w)) in by_component {
            let wc = component_weight[&c].1;
            num_t += wc * sum / w;
            den_t += wc;
        }
        if den_t > 0.0 {
            out.insert(unit, 10.0 * num_t / den_t);
        }
    }
    out
}
