//! Scoring a stored cycle end to end through the `ddci` command: score, publish, freeze.

use crate::common::{ddci, expect_success, run_ok, TestDb};
use ddci::db;

fn run_err(db: &TestDb, args: &[&str]) -> String {
    let out = ddci(db).args(args).output().expect("runs");
    assert!(!out.status.success(), "ddci {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn scoring_stores_a_run_that_publishing_freezes_for_good() {
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "300",
            "--seed",
            "3",
        ],
    );
    let summary = run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2025",
            "--bootstrap",
            "20",
            "--seed",
            "9",
        ],
    );
    assert!(
        summary.contains("Sở, ban, ngành (Departments and agencies):"),
        "{summary}"
    );
    assert!(
        summary.contains("UBND xã, phường (Commune-level People's Committees):"),
        "{summary}"
    );

    run_ok(&db, &["publish", "--cycle", "2025"]);
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(cycle.status, "published");
    let run = db::runs::current(&mut conn, &cycle)
        .expect("q")
        .expect("published run");
    assert_eq!(Some(run.id), cycle.published_run_id);
    assert_eq!((run.bootstrap_replicates, run.bootstrap_seed), (20, 9));

    let err = run_err(&db, &["score", "--cycle", "2025"]);
    assert!(
        err.contains("cycle 2025 is published; its numbers never change"),
        "{err}"
    );
    let err = run_err(&db, &["publish", "--cycle", "2025"]);
    assert!(err.contains("cycle 2025 is already published"), "{err}");
    let after = db::runs::current(&mut conn, &cycle)
        .expect("q")
        .expect("run");
    assert_eq!(
        after.id, run.id,
        "the published run stays the published run"
    );
}

#[test]
fn publishing_a_run_that_ranks_no_unit_is_refused() {
    let db = TestDb::new();
    run_ok(
        &db,
        &["demo", "--cycle", "2025", "--responses", "8", "--seed", "3"],
    );
    run_ok(&db, &["score", "--cycle", "2025", "--bootstrap", "0"]);
    let err = run_err(&db, &["publish", "--cycle", "2025"]);
    assert!(
        err.contains("the latest run of cycle 2025 ranks no unit"),
        "{err}"
    );
    let pool = db.pool();
    let cycle = db::cycles::get(&mut pool.get().expect("conn"), 2025).expect("cycle");
    assert_eq!(cycle.status, "open");
}

#[test]
fn scoring_a_cycle_without_responses_warns_and_lists_every_unit_unranked() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    let out = ddci(&db)
        .args(["score", "--cycle", "2025"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning:"), "{err}");
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let run = db::runs::latest(&mut conn, cycle.id)
        .expect("q")
        .expect("stored");
    let result = db::runs::load(&mut conn, &run, 2025).expect("load");
    assert_eq!(result.scores.len(), 86);
    assert!(result
        .scores
        .iter()
        .all(|s| !s.ranked && s.total.is_none() && s.responses == 0));
}

#[test]
fn the_same_seed_and_replicates_give_the_same_intervals() {
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "200",
            "--seed",
            "4",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2025",
            "--bootstrap",
            "30",
            "--seed",
            "11",
            "--min-responses",
            "10",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2025",
            "--bootstrap",
            "30",
            "--seed",
            "11",
            "--min-responses",
            "10",
        ],
    );
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let second = db::runs::latest(&mut conn, cycle.id)
        .expect("q")
        .expect("run");
    let mut first = second.clone();
    first.id -= 1;
    let a = db::runs::load(&mut conn, &first, 2025).expect("first");
    let b = db::runs::load(&mut conn, &second, 2025).expect("second");
    let key = |r: &ddci::scoring::ScoringResult| {
        let mut s = r.scores.clone();
        s.sort_by(|x, y| x.unit_code.cmp(&y.unit_code));
        s
    };
    assert!(a.scores.iter().any(|s| s.total_ci_low.is_some()));
    assert_eq!(key(&a), key(&b));
}

#[test]
fn a_min_responses_override_is_kept_with_the_run() {
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "60",
            "--seed",
            "4",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2025",
            "--bootstrap",
            "0",
            "--min-responses",
            "5",
            "--pool-years",
            "3",
        ],
    );
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let run = db::runs::latest(&mut conn, cycle.id)
        .expect("q")
        .expect("run");
    assert_eq!(
        (run.min_responses, run.pool_years, run.bootstrap_replicates),
        (5, 3, 0)
    );
    let result = db::runs::load(&mut conn, &run, 2025).expect("load");
    for s in &result.scores {
        assert_eq!(s.ranked, s.responses >= 5, "{}", s.unit_code);
    }
}

#[test]
fn rank_reads_component_scores_and_prints_only_csv_on_stdout() {
    let dir = tempfile::tempdir().expect("tmp");
    let scores = dir.path().join("scores.csv");
    let weights = dir.path().join("weights.csv");
    std::fs::write(&scores, "unit,A,B\nX,8,6\nY,6,8\nZ,5,5\n").expect("write");
    std::fs::write(&weights, "component,weight\nA,3\nB,1\n").expect("write");
    let stdout = expect_success(
        std::process::Command::new(env!("CARGO_BIN_EXE_ddci"))
            .env_remove("DATABASE_URL")
            .args(["rank", "--scores"])
            .arg(&scores)
            .arg("--weights")
            .arg(&weights),
    );
    // X: 10·(3·8+1·6)/4 = 75; Y: 10·(3·6+1·8)/4 = 65; Z: 50.
    assert_eq!(
        stdout,
        "unit,total,rank,group\nX,75,1,Tốt\nY,65,2,Khá\nZ,50,3,Trung bình\n"
    );
}

#[test]
fn rank_neutralises_a_unit_named_minus_inf_in_its_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let scores = dir.path().join("scores.csv");
    let weights = dir.path().join("weights.csv");
    std::fs::write(&scores, "unit,A\n-inf,8\n").expect("write");
    std::fs::write(&weights, "component,weight\nA,1\n").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ddci"))
        .env_remove("DATABASE_URL")
        .args(["rank", "--scores"])
        .arg(&scores)
        .arg("--weights")
        .arg(&weights)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "unit,total,rank,group\n'-inf,80,1,Rất tốt\n"
    );
}

#[test]
fn rank_refuses_a_component_without_weight_naming_the_column() {
    let dir = tempfile::tempdir().expect("tmp");
    let scores = dir.path().join("s.csv");
    let weights = dir.path().join("w.csv");
    std::fs::write(&scores, "unit,A,B\nX,8,6\n").expect("write");
    std::fs::write(&weights, "component,weight\nA,3\n").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ddci"))
        .args(["rank", "--scores"])
        .arg(&scores)
        .arg("--weights")
        .arg(&weights)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("component `B` has no weight"), "{err}");
}

#[test]
fn the_database_itself_refuses_to_change_a_published_run_or_add_responses() {
    use diesel::RunQueryDsl;
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "200",
            "--seed",
            "3",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2025",
            "--bootstrap",
            "0",
            "--min-responses",
            "10",
        ],
    );
    run_ok(&db, &["publish", "--cycle", "2025"]);
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    for sql in [
        "UPDATE run_scores SET total = 99",
        "DELETE FROM run_indicator_scores",
        "UPDATE run_component_scores SET score = 1",
        "DELETE FROM scoring_runs",
        "UPDATE cycles SET published_run_id = NULL",
        "UPDATE cycles SET status = 'open'",
    ] {
        let outcome = diesel::sql_query(sql).execute(&mut *conn);
        assert!(outcome.is_err(), "`{sql}` must be refused by the database");
    }
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let late = ddci::demo::generate(
        &db::cycle_catalog::load(&mut conn, cycle.id, vec![]).expect("catalog"),
        2025,
        1,
        99,
    );
    assert!(db::responses::insert_all(&mut conn, cycle.id, &late).is_err());
    assert_eq!(
        db::responses::count(&mut conn, cycle.id).expect("count"),
        200
    );
}

#[test]
fn scoring_reads_exactly_the_stored_answers() {
    use ddci::db::schema::{answers, responses};
    use diesel::prelude::*;
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "50",
            "--seed",
            "8",
        ],
    );
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, vec![]).expect("catalog");
    let scoring = db::scoring_input::scoring_catalog(&catalog);
    let evaluations = db::scoring_input::evaluations(&mut conn, cycle.id, &scoring).expect("load");
    let stored: i64 = answers::table
        .inner_join(responses::table)
        .filter(responses::cycle_id.eq(cycle.id))
        .filter(answers::value.is_not_null())
        .count()
        .get_result(&mut *conn)
        .expect("count");
    let loaded: usize = evaluations.iter().map(|e| e.answers.len()).sum();
    assert_eq!(loaded as i64, stored);
    let sum_loaded: f64 = evaluations
        .iter()
        .flat_map(|e| &e.answers)
        .map(|(_, v)| v)
        .sum();
    let sum_stored: Option<f64> = answers::table
        .inner_join(responses::table)
        .filter(responses::cycle_id.eq(cycle.id))
        .select(diesel::dsl::sum(answers::value))
        .first(&mut *conn)
        .expect("sum");
    assert_eq!(Some(sum_loaded), sum_stored);
}
