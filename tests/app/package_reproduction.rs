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

    // §4: pools from this cycle's ranked units and the earlier published package's ranked units.
    let mut pool: HashMap<String, (f64, f64)> = HashMap::new();
    let mut extend = |i: &str, x: f64| {
        let e = pool.entry(i.to_string()).or_insert((x, x));
        *e = (e.0.min(x), e.1.max(x));
    };
    for ((u, i), x) in &raw {
        if ranked(u) {
            extend(i, *x);
        }
    }
    for r in earlier.csv("indicator_scores.csv") {
        if !r["score"].is_empty() && aggregate_of.contains_key(&r["indicator_code"]) {
            extend(&r["indicator_code"], num(&r["raw_value"]).expect("raw"));
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
        if !ranked(&key.0) {
            assert!(r["score"].is_empty() && r["pool_min"].is_empty());
            continue;
        }
        let (l, u) = pool[&key.1];
        close(num(&r["pool_min"]), Some(l), "pool_min");
        close(num(&r["pool_max"]), Some(u), "pool_max");
        let x = raw[&key];
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
        assert_eq!(
            r["responses"].parse::<usize>().expect("n"),
            evaluations.get(u).map_or(0, BTreeSet::len)
        );
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
