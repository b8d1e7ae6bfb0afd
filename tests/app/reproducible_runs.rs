//! Every published number reproduces: a scoring run records exactly the responses it scored,
//! and its data package holds those and no later one (here: paper questionnaires imported
//! between scoring and publishing); and a submission whose cycle closes before its write
//! transaction is refused, so nothing is stored after the close.

use crate::common::{cycle_with_codes, ddci, expect_success, run_ok, TestDb};
use ddci::db;
use ddci::responses::{Channel, NewEvaluation, NewResponse};
use ddci::survey::codes;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

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

/// §2's raw value of one (unit, indicator) from (value, weight) pairs.
fn raw_value(aggregate: &str, xs: &[(f64, f64)]) -> Option<f64> {
    let total: f64 = xs.iter().map(|(_, w)| w).sum();
    let share = |keep: &dyn Fn(f64) -> bool| {
        100.0
            * xs.iter()
                .filter(|(x, _)| keep(*x))
                .map(|(_, w)| w)
                .sum::<f64>()
            / total
    };
    match aggregate {
        "mean" => Some(xs.iter().map(|(x, w)| x * w).sum::<f64>() / total),
        "share_agree" => Some(share(&|x| x >= 4.0)),
        "share_yes" => Some(share(&|x| x == 1.0)),
        // The weighted median has its own tie rules; the other aggregates suffice here.
        _ => None,
    }
}

/// Paper questionnaires that all rate the tax department's first indicators very low, so that
/// including them would move its raw values.
fn paper(n: usize) -> (String, String) {
    let mut responses = String::from("response_id,weight,sector,size\n");
    let mut answers = String::from("response_id,unit_code,indicator_code,value\n");
    for i in 0..n {
        responses.push_str(&format!("P-{i:03},1,trade,lt10\n"));
        for ind in ["DEP_TR01", "DEP_TR02", "DEP_TR03"] {
            answers.push_str(&format!("P-{i:03},DEP_THUE_TINH,{ind},1\n"));
        }
    }
    (responses, answers)
}

fn responses_in_db(db: &TestDb) -> i64 {
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    db::responses::count(&mut conn, cycle.id).expect("count")
}

#[test]
fn a_published_package_holds_exactly_the_scored_runs_responses() {
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "2000",
            "--seed",
            "12",
        ],
    );
    run_ok(&db, &["score", "--cycle", "2025", "--bootstrap", "0"]);
    let scored = responses_in_db(&db);

    // More questionnaires arrive on paper after the run, then the cycle is published.
    let (responses, answers) = paper(40);
    let dir = tempfile::tempdir().expect("tmp");
    let (r, a) = (dir.path().join("r.csv"), dir.path().join("a.csv"));
    std::fs::write(&r, responses).expect("write");
    std::fs::write(&a, answers).expect("write");
    expect_success(
        ddci(&db)
            .args(["import", "--cycle", "2025", "--responses"])
            .arg(&r)
            .arg("--answers")
            .arg(&a),
    );
    assert_eq!(responses_in_db(&db), scored + 40);
    run_ok(&db, &["publish", "--cycle", "2025"]);

    // The run recorded exactly the responses stored when it was scored.
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let run = db::runs::latest(&mut conn, cycle.id)
        .expect("runs")
        .expect("a run");
    assert_eq!(cycle.published_run_id, Some(run.id));
    let recorded = db::runs::responses(&mut conn, run.id).expect("recorded");
    assert_eq!(recorded.len() as i64, scored);
    // Frozen with the published run.
    let delete = diesel::sql_query("DELETE FROM run_responses");
    assert!(diesel::RunQueryDsl::execute(delete, &mut *conn).is_err());
    drop(conn);

    let out = dir.path().join("package");
    run_ok(
        &db,
        &[
            "export",
            "--cycle",
            "2025",
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    let weights: HashMap<String, f64> = read_csv(&out, "responses.csv")
        .into_iter()
        .map(|r| {
            (
                r["response_id"].clone(),
                r["weight"].parse().expect("weight"),
            )
        })
        .collect();
    let aggregate: HashMap<String, String> = read_csv(&out, "indicators.csv")
        .into_iter()
        .map(|i| (i["indicator_code"].clone(), i["aggregate"].clone()))
        .collect();
    let mut pairs: BTreeMap<(String, String), Vec<(f64, f64)>> = BTreeMap::new();
    for a in read_csv(&out, "answers.csv") {
        pairs
            .entry((a["unit_code"].clone(), a["indicator_code"].clone()))
            .or_default()
            .push((
                a["value"].parse().expect("value"),
                weights[&a["response_id"]],
            ));
    }
    // Every published raw value, and its n, recomputes from the package's answers.
    let mut checked = 0;
    let mut tax = 0;
    for row in read_csv(&out, "indicator_scores.csv") {
        if row["raw_value"].is_empty() {
            continue; // a unit that publishes its count only
        }
        let key = (row["unit_code"].clone(), row["indicator_code"].clone());
        let xs = pairs
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?}: no answers"));
        assert_eq!(
            row["n"].parse::<usize>().expect("n"),
            xs.len(),
            "{key:?}: n"
        );
        let Some(expected) = raw_value(&aggregate[&key.1], xs) else {
            continue;
        };
        let published: f64 = row["raw_value"].parse().expect("raw");
        assert!(
            (published - expected).abs() <= 1e-9 * (1.0 + expected.abs()),
            "{key:?}: published {published}, from the package {expected}"
        );
        checked += 1;
        if key.0 == "DEP_THUE_TINH" {
            tax += 1;
        }
    }
    assert!(checked > 500, "{checked} raw values checked");
    assert!(tax >= 3, "the unit the paper forms rated is among them");
}

/// A response as the API would hand it to storage.
fn response() -> NewResponse {
    NewResponse {
        key: format!("web-{}", ddci::responses::random_id()),
        weight: 1.0,
        channel: Channel::Api,
        submitted_on: "2025-06-01".into(),
        profile: vec![("PROFILE_SIZE".into(), "lt10".into())],
        evaluations: vec![NewEvaluation {
            unit_code: "DEP_THUE_TINH".into(),
            answers: vec![("DEP_TR01".into(), Some(4.0))],
            comment: None,
        }],
    }
}

#[test]
fn a_submission_admitted_before_a_close_is_refused_inside_its_transaction() {
    let db = TestDb::new();
    let codes_ = cycle_with_codes(&db, 4);
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let ids = Arc::new(db::responses::code_ids(&mut conn, cycle.id).expect("ids"));
    // Every code is admitted while the cycle is open, as a request would be.
    let invitations: Vec<db::invitations::Invitation> = codes_
        .iter()
        .map(|c| {
            let hash = codes::hash(&codes::normalize(c).expect("a code"));
            db::invitations::find_by_hash(&mut conn, &hash)
                .expect("look-up")
                .expect("known")
        })
        .collect();
    drop(conn);
    actix_web::rt::System::new().block_on(async {
        // Grouped (the SQLite default) and one transaction per request (PostgreSQL's).
        let key = db.secrets().pending_key();
        let grouped =
            db::committer::Committer::start(pool.clone(), true, key.clone()).expect("writer");
        let alone = db::committer::Committer::start(pool.clone(), false, key).expect("writer");
        for (committer, inv) in [(&grouped, &invitations[0]), (&alone, &invitations[1])] {
            committer
                .submit(inv.clone(), ids.clone(), response())
                .await
                .expect("stored while open");
        }
        // The close lands between admission and the write.
        run_ok(&db, &["cycle", "close", "2025"]);
        for (committer, inv) in [(&grouped, &invitations[2]), (&alone, &invitations[3])] {
            let outcome = committer.submit(inv.clone(), ids.clone(), response()).await;
            assert!(
                matches!(outcome, Err(db::invitations::SubmitError::CycleNotOpen)),
                "{outcome:?}"
            );
        }
    });
    let mut conn = pool.get().expect("conn");
    assert_eq!(db::responses::count(&mut conn, cycle.id).expect("count"), 2);
    assert_eq!(
        db::invitations::counts(&mut conn, cycle.id)
            .expect("counts")
            .2,
        2,
        "the refused codes are not used up"
    );
}
