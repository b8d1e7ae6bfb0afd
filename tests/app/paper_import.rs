//! Paper questionnaires through `ddci import`: all or nothing, errors with file, line, column.

use crate::common::{ddci, expect_success, run_ok, TestDb};
use ddci::db;

const RESPONSES: &str = "response_id,weight,sector,size\nP-001,1,trade,lt10\nP-002,1.5,agri,\n";
const ANSWERS: &str = "response_id,unit_code,indicator_code,value\n\
P-001,DEP_THUE_TINH,DEP_TR01,4\n\
P-001,DEP_THUE_TINH,DEP_TC01,10\n\
P-001,COM_CHI_LANG,COM_TR01,2\n\
P-002,DEP_BHXH,DEP_TR01,5\n";

fn import(db: &TestDb, responses: &str, answers: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tmp");
    let r = dir.path().join("responses.csv");
    let a = dir.path().join("answers.csv");
    std::fs::write(&r, responses).expect("write");
    std::fs::write(&a, answers).expect("write");
    ddci(db)
        .args(["import", "--cycle", "2025", "--responses"])
        .arg(&r)
        .arg("--answers")
        .arg(&a)
        .output()
        .expect("runs")
}

fn count(db: &TestDb) -> i64 {
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    db::responses::count(&mut conn, cycle.id).expect("count")
}

#[test]
fn a_good_paper_import_stores_every_questionnaire_with_its_weight() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    let out = import(&db, RESPONSES, ANSWERS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&db), 2);
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let catalog = db::scoring_input::scoring_catalog(
        &db::cycle_catalog::load(&mut conn, cycle.id, vec![]).expect("c"),
    );
    let evals = db::scoring_input::evaluations(&mut conn, cycle.id, &catalog).expect("evals");
    assert_eq!(evals.len(), 3, "P-001 rated two units, P-002 one");
    let mut weights: Vec<f64> = evals.iter().map(|e| e.weight).collect();
    weights.sort_by(f64::total_cmp);
    assert_eq!(weights, [1.0, 1.0, 1.5]);
}

#[test]
fn a_bad_row_refuses_the_whole_import_and_changes_nothing() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    let cases = [
        (
            "P-002,DEP_BHXH,DEP_TR01,9\n",
            "answers.csv, line 6, column `value`",
        ),
        (
            "P-002,DEP_NOWHERE,DEP_TR01,3\n",
            "answers.csv, line 6, column `unit_code`",
        ),
        (
            "P-002,DEP_BHXH,COM_TR01,3\n",
            "answers.csv, line 6, column `indicator_code`",
        ),
        (
            "P-003,DEP_BHXH,DEP_TR02,3\n",
            "answers.csv, line 6, column `response_id`",
        ),
        (
            "P-002,DEP_BHXH,DEP_TR02,\"3,5\"\n",
            "answers.csv, line 6, column `value`",
        ),
    ];
    for (bad, expected) in cases {
        let out = import(&db, RESPONSES, &format!("{ANSWERS}{bad}"));
        assert!(!out.status.success(), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{bad}: {err}");
        assert_eq!(count(&db), 0, "nothing stored after {bad}");
    }
}

#[test]
fn a_response_id_already_stored_in_the_cycle_is_refused_naming_its_line() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    assert!(import(&db, RESPONSES, ANSWERS).status.success());
    let again = "response_id,weight\nP-010,1\nP-002,1\n";
    let answers = "response_id,unit_code,indicator_code,value\nP-010,DEP_BHXH,DEP_TR01,3\nP-002,DEP_BHXH,DEP_TR01,3\n";
    let out = import(&db, again, answers);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "line 3, column `response_id`: response_id `P-002` is already stored in cycle 2025"
        ),
        "{err}"
    );
    assert_eq!(count(&db), 2, "P-010 was not stored either");
}

#[test]
fn a_zip_export_holds_the_descriptor_and_every_table() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    assert!(import(&db, RESPONSES, ANSWERS).status.success());
    run_ok(&db, &["score", "--cycle", "2025", "--bootstrap", "0"]);
    let dir = tempfile::tempdir().expect("tmp");
    let zip_path = dir.path().join("ddci-2025.zip");
    let second = dir.path().join("again.zip");
    for path in [&zip_path, &second] {
        expect_success(
            ddci(&db)
                .args(["export", "--cycle", "2025", "--out"])
                .arg(path),
        );
    }
    let bytes = std::fs::read(&zip_path).expect("zip");
    assert_eq!(
        bytes,
        std::fs::read(&second).expect("zip"),
        "the same run gives the same bytes"
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let names: Vec<String> = archive.file_names().map(String::from).collect();
    for expected in [
        "datapackage.json",
        "units.csv",
        "components.csv",
        "indicators.csv",
        "responses.csv",
        "answers.csv",
        "indicator_scores.csv",
        "component_scores.csv",
        "scores.csv",
        "summary.csv",
        "reliability.csv",
        "shrinkage.csv",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("datapackage.json").expect("descriptor"),
        &mut text,
    )
    .expect("read");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(json["profile"], "tabular-data-package");
    assert_eq!(json["ddci"]["cycle"], 2025);
    assert_eq!(json["ddci"]["status"], "open");
    assert_eq!(json["resources"].as_array().map(Vec::len), Some(12));
    let mut answers = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("answers.csv").expect("answers"),
        &mut answers,
    )
    .expect("read");
    assert!(
        !answers.contains("P-001"),
        "real response ids never leave the database"
    );
    // The imported units have fewer than 5 evaluations each: they publish their count only
    // (METHODOLOGY §3), so the four scored answers stay out of the package.
    assert_eq!(answers.lines().count(), 1, "the header only");
    let mut scores = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("scores.csv").expect("scores"),
        &mut scores,
    )
    .expect("read");
    assert!(scores
        .lines()
        .any(|l| l.starts_with("DEP_BHXH,department,1,false,")));
}
