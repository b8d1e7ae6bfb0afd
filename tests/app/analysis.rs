//! Issue 15 end to end, on a real database and over real HTTP: two demo cycles scored with
//! B = 200 and published; the second publishes calibrated intervals, change intervals and rank
//! sensitivity ranges; the what-if API recomputes §5 from the published component scores.

use crate::common::{published_demo, run_ok, TestDb, TestServer};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

type Row = HashMap<String, String>;

fn read_csv(path: &Path) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    let headers = reader.headers().expect("header").clone();
    (reader.records())
        .map(|r| {
            let r = r.expect("row");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.into(), v.into()))
                .collect()
        })
        .collect()
}

fn num(v: &str) -> Option<f64> {
    (!v.is_empty()).then(|| v.parse().expect("a number"))
}

fn int(v: &str) -> Option<u32> {
    (!v.is_empty()).then(|| v.parse().expect("an integer"))
}

/// Demo data, scored with B = 200 and published, for 2024 and (when `both`) 2025.
fn published_cycles(db: &TestDb, both: bool) {
    let years: &[(&str, &str)] = if both {
        &[("2024", "1500"), ("2025", "2500")]
    } else {
        &[("2024", "1500")]
    };
    for (year, n) in years {
        published_demo(db, year, n, year, &["--bootstrap", "200"]);
    }
}

fn export(db: &TestDb, year: &str, dir: &Path) -> std::path::PathBuf {
    let out = dir.join(format!("p{year}"));
    run_ok(
        db,
        &[
            "export",
            "--cycle",
            year,
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    out
}

#[test]
fn a_published_cycle_carries_calibrated_intervals_change_intervals_and_sensitivity() {
    let db = TestDb::new();
    published_cycles(&db, true);
    let dir = tempfile::tempdir().expect("tempdir");
    let scores = read_csv(&export(&db, "2025", dir.path()).join("scores.csv"));
    let (mut ranked, mut with_change, mut significant) = (0, 0, 0);
    for r in &scores {
        let unit = &r["unit_code"];
        let Some(total) = num(&r["total"]) else {
            for col in [
                "total_change_ci_low",
                "change_significant",
                "rank_sensitivity_low",
            ] {
                assert!(r[col].is_empty(), "{unit}: unranked, {col} empty");
            }
            continue;
        };
        ranked += 1;
        let (lo, hi) = (
            num(&r["total_ci_low"]).expect("a value"),
            num(&r["total_ci_high"]).expect("a value"),
        );
        assert!(
            lo <= total && total <= hi,
            "{unit}: {total} in [{lo}, {hi}]"
        );
        assert!(10.0 <= lo && hi <= 100.0, "{unit}: interval on the scale");
        let rank = int(&r["rank"]).expect("a value");
        let (rlo, rhi) = (
            int(&r["rank_ci_low"]).expect("a value"),
            int(&r["rank_ci_high"]).expect("a value"),
        );
        assert!(
            rlo <= rank && rank <= rhi,
            "{unit}: rank {rank} in {rlo}–{rhi}"
        );
        let (slo, shi) = (
            int(&r["rank_sensitivity_low"]).expect("sensitivity low"),
            int(&r["rank_sensitivity_high"]).expect("sensitivity high"),
        );
        assert!(
            slo <= rank && rank <= shi,
            "{unit}: rank {rank} in {slo}–{shi}"
        );
        let basis = r["change_basis"].as_str();
        match (
            num(&r["total_change_ci_low"]),
            num(&r["total_change_ci_high"]),
        ) {
            (Some(clo), Some(chi)) => {
                with_change += 1;
                let change = num(&r["total_change"]).expect("a change with an interval");
                assert!(
                    clo <= change && change <= chi,
                    "{unit}: {change} in [{clo}, {chi}]"
                );
                assert!(matches!(basis, "same_unit" | "renamed"), "{unit}: {basis}");
                let expected = clo > 0.0 || chi < 0.0;
                assert_eq!(r["change_significant"], expected.to_string(), "{unit}");
                significant += usize::from(expected);
            }
            (None, None) => {
                assert!(r["change_significant"].is_empty(), "{unit}");
                assert!(
                    !matches!(basis, "same_unit" | "renamed"),
                    "{unit}: a {basis} change has its interval"
                );
            }
            other => panic!("{unit}: half an interval {other:?}"),
        }
    }
    assert!(ranked > 20, "{ranked} ranked units");
    assert!(with_change > 10, "{with_change} changes with an interval");
    // The 2025 demo is a different sample from 2024's: some units change significantly, not all.
    assert!(
        significant < with_change,
        "{significant} of {with_change} significant"
    );
    // The scorecard says it in words.
    let server = TestServer::start(db.pool());
    let unit = scores
        .iter()
        .find(|r| r["change_significant"] == "true")
        .map(|r| r["unit_code"].clone());
    if let Some(unit) = unit {
        let page = ureq::get(&server.url(&format!("/results/2025/don-vi/{unit}")))
            .call()
            .expect("scorecard")
            .into_string()
            .expect("text");
        assert!(
            page.contains("có ý nghĩa"),
            "the scorecard names a significant change"
        );
        assert!(page.contains("nếu trọng số các chỉ số thành phần thay đổi ±50%"));
    }
}

/// §5 from the package's component scores and components with `weights`, written from the text.
fn section_5(
    components: &[Row],
    component_scores: &[Row],
    weights: &BTreeMap<String, f64>,
) -> BTreeMap<String, (Option<f64>, Option<u32>)> {
    let kind_of: HashMap<&str, &str> = (components.iter())
        .map(|c| (c["component_code"].as_str(), c["kind"].as_str()))
        .collect();
    let mut sums: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for s in component_scores {
        let code = s["component_code"].as_str();
        let entry =
            (sums.entry((kind_of[code].to_string(), s["unit_code"].clone()))).or_insert((0.0, 0.0));
        if let Some(score) = num(&s["score"]) {
            entry.0 += weights[code] * score;
            entry.1 += weights[code];
        }
    }
    let totals: BTreeMap<(String, String), Option<f64>> = (sums.into_iter())
        .map(|(k, (num, den))| (k, (den > 0.0).then(|| 10.0 * num / den)))
        .collect();
    (totals.iter())
        .map(|((kind, unit), t)| {
            let rank = t.map(|t| {
                let better = (totals.iter())
                    .filter(|((k, _), v)| k == kind && v.is_some_and(|v| v > t + 1e-9))
                    .count();
                better as u32 + 1
            });
            (unit.clone(), (*t, rank))
        })
        .collect()
}

fn what_if(server: &TestServer, query: &str) -> (u16, serde_json::Value) {
    let url = server.url(&format!("/api/v1/cycles/2024/what-if{query}"));
    let response = match ureq::get(&url).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let status = response.status();
    let text = response.into_string().expect("text");
    (status, serde_json::from_str(&text).expect("json"))
}

#[test]
fn the_what_if_api_recomputes_section_5_from_the_published_component_scores() {
    let db = TestDb::new();
    published_cycles(&db, false);
    let dir = tempfile::tempdir().expect("tempdir");
    let package = export(&db, "2024", dir.path());
    let components = read_csv(&package.join("components.csv"));
    let component_scores = read_csv(&package.join("component_scores.csv"));
    let scores = read_csv(&package.join("scores.csv"));
    let server = TestServer::start(db.pool());

    // The published weights give the published ranking, exactly.
    let (status, body) = what_if(&server, "");
    assert_eq!(status, 200);
    let units = body["units"].as_array().expect("units");
    let ranked: Vec<&Row> = scores.iter().filter(|r| !r["total"].is_empty()).collect();
    assert_eq!(units.len(), ranked.len());
    for r in ranked {
        let u = units
            .iter()
            .find(|u| u["unit_code"] == r["unit_code"].as_str())
            .expect("unit");
        assert_eq!(u["total"].as_f64(), num(&r["total"]), "{}", r["unit_code"]);
        assert_eq!(u["rank"].as_u64().map(|x| x as u32), int(&r["rank"]));
        assert_eq!(u["group"].as_str(), Some(r["group"].as_str()));
    }

    // Random weights (0 included), against §5 recomputed here from the package.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..5 {
        let mut weights = BTreeMap::new();
        let mut query = Vec::new();
        for c in &components {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let w = ((state >> 33) % 7) as f64 * 0.5;
            weights.insert(c["component_code"].clone(), w);
            query.push(format!("w%5B{}%5D={w}", c["component_code"]));
        }
        let (status, body) = what_if(&server, &format!("?{}", query.join("&")));
        assert_eq!(status, 200, "{body}");
        let expected = section_5(&components, &component_scores, &weights);
        for u in body["units"].as_array().expect("units") {
            let code = u["unit_code"].as_str().expect("code");
            let (total, rank) = expected[code];
            match (u["total"].as_f64(), total) {
                (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-9 * b, "{code}: {a} vs {b}"),
                (a, b) => assert_eq!(a, b, "{code}"),
            }
            assert_eq!(u["rank"].as_u64().map(|x| x as u32), rank, "{code}");
        }
    }

    // Bad weights: 422 naming the field; an unknown year: 404.
    let (status, body) = what_if(&server, "?w%5BDEPC_NONE%5D=1&w%5BDEPC_TRANSPARENCY%5D=-2");
    assert_eq!(status, 422);
    let fields: Vec<&str> = (body["errors"].as_array().expect("errors").iter())
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["w[DEPC_NONE]", "w[DEPC_TRANSPARENCY]"]);
    let (status, _) = what_if(&server, "?w%5BDEPC_TRANSPARENCY%5D=abc");
    assert_eq!(status, 422);
    let missing = ureq::get(&server.url("/api/v1/cycles/1999/what-if")).call();
    assert!(matches!(missing, Err(ureq::Error::Status(404, _))));

    // The page: a form that works without scripts, with the ranks beside the published ones.
    let page = ureq::get(&server.url("/results/2024/what-if?w%5BDEPC_TRANSPARENCY%5D=3"))
        .call()
        .expect("page")
        .into_string()
        .expect("text");
    assert!(page.contains(r#"<form method="get" action="/results/2024/what-if""#));
    assert!(page.contains(r#"name="w[DEPC_TRANSPARENCY]""#));
    assert!(page.contains("Hạng công bố"));
}
