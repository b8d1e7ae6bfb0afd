//! The JSON API for tablets and tools: exactly-once, anonymous submission with invitation codes.

use crate::common::{cycle_with_codes, ddci, run_ok, TestDb, TestServer};
use ddci::db;
use serde_json::{json, Value};

fn body(code: &str) -> Value {
    json!({
        "code": code,
        "profile": {"PROFILE_SIZE": "lt10", "PROFILE_SECTOR": "trade"},
        "evaluations": [
            {"unit_code": "DEP_THUE_TINH", "answers": {"DEP_TR01": 4, "DEP_TR02": 5, "DEP_TR03": 0, "DEP_TC01": 12, "DEP_IC01": null},
             "comment": "<script>alert(1)</script> Cán bộ nhiệt tình"},
            {"unit_code": "COM_HUU_LUNG", "answers": {"COM_TR01": 2}}
        ]
    })
}

/// (status, JSON body) of a POST, whatever the status.
fn post(server: &TestServer, path: &str, payload: &str) -> (u16, Value) {
    let result = ureq::post(&server.url(path))
        .set("content-type", "application/json")
        .send_string(payload);
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let text = response.into_string().expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

const PATH: &str = "/api/v1/cycles/2025/responses";

#[test]
fn a_valid_submission_is_stored_once_and_the_code_is_then_used() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 2);
    let pool = db.pool();
    let server = TestServer::start(pool.clone());
    let (status, json) = post(&server, PATH, &body(&codes[0]).to_string());
    assert_eq!(status, 201, "{json}");
    assert_eq!(json["receipt"].as_str().map(str::len), Some(19));

    let (status, json) = post(&server, PATH, &body(&codes[0]).to_string());
    assert_eq!(status, 409);
    assert_eq!(json["error"], "already_submitted");

    db.flush_pending(2025);
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(db::responses::count(&mut conn, cycle.id).expect("count"), 1);
    assert_eq!(
        db::invitations::counts(&mut conn, cycle.id).expect("counts"),
        (2, 1, 1)
    );
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, vec![]).expect("catalog");
    let scoring = db::scoring_input::scoring_catalog(&catalog);
    let evaluations = db::scoring_input::evaluations(&mut conn, cycle.id, &scoring).expect("evals");
    assert_eq!(evaluations.len(), 2, "two units rated");
    assert_eq!(
        evaluations.iter().map(|e| e.answers.len()).sum::<usize>(),
        5,
        "don't-know not scored"
    );
}

#[test]
fn a_code_typed_in_lower_case_with_spaces_is_accepted() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let typed = codes[0].to_lowercase().replace('-', " ");
    let (status, json) = post(&server, PATH, &body(&typed).to_string());
    assert_eq!(status, 201, "{json}");
}

#[test]
fn unknown_codes_and_other_years_answer_404() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let (status, json) = post(&server, PATH, &body("AAAA-BBBB-CCCC-DDDD").to_string());
    assert_eq!(
        (status, json["error"].as_str()),
        (404, Some("unknown_code"))
    );
    let (status, _) = post(&server, PATH, &body("not a code").to_string());
    assert_eq!(status, 404);
    let (status, _) = post(
        &server,
        "/api/v1/cycles/2024/responses",
        &body(&codes[0]).to_string(),
    );
    assert_eq!(status, 404);
}

#[test]
fn invalid_answers_get_one_error_per_field_and_store_nothing() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let pool = db.pool();
    let server = TestServer::start(pool.clone());
    let bad = json!({
        "code": codes[0],
        "profile": {"PROFILE_SIZE": "huge", "NO_SUCH": "x"},
        "evaluations": [
            {"unit_code": "DEP_THUE_TINH", "answers": {"DEP_TR01": 7, "COM_TR01": 3, "DEP_TR03": 0.5}},
            {"unit_code": "NOWHERE", "answers": {}}
        ]
    });
    let (status, json) = post(&server, PATH, &bad.to_string());
    assert_eq!(status, 422, "{json}");
    let mut fields: Vec<&str> = json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "evaluations[0].answers.COM_TR01",
            "evaluations[0].answers.DEP_TR01",
            "evaluations[0].answers.DEP_TR03",
            "evaluations[1].unit_code",
            "profile.NO_SUCH",
            "profile.PROFILE_SIZE",
        ]
    );
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(db::responses::count(&mut conn, cycle.id).expect("count"), 0);
    let (status, _) = post(&server, PATH, &body(&codes[0]).to_string());
    assert_eq!(
        status, 201,
        "the code is still usable after a refused attempt"
    );
}

#[test]
fn malformed_and_oversized_bodies_are_refused_with_a_message() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let (status, json) = post(&server, PATH, "{\"code\": ");
    assert_eq!((status, json["error"].as_str()), (400, Some("malformed")));
    let mut big = body(&codes[0]);
    big["evaluations"][0]["comment"] = Value::String("x".repeat(300 * 1024));
    let (status, json) = post(&server, PATH, &big.to_string());
    assert_eq!((status, json["error"].as_str()), (413, Some("too_large")));
    let (status, _) = post(&server, PATH, "{\"code\": \"x\", \"evaluations\": 3}");
    assert_eq!(status, 422);
}

#[test]
fn concurrent_submissions_with_one_code_store_exactly_one_response() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let pool = db.pool();
    let server = TestServer::start(pool.clone());
    let payload = body(&codes[0]).to_string();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        // All eight are spawned before any is joined, so that they race.
        #[allow(clippy::needless_collect)]
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| post(&server, PATH, &payload).0))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    db.flush_pending(2025);
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(db::responses::count(&mut conn, cycle.id).expect("count"), 1);
}

#[test]
fn guessing_codes_is_throttled_long_before_a_thousand_attempts() {
    let db = TestDb::new();
    cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let first_429 = (0..200).position(|i| {
        let guess = format!("AAAA-BBBB-CCCC-{i:04}");
        post(&server, PATH, &body(&guess).to_string()).0 == 429
    });
    assert!(matches!(first_429, Some(n) if n <= 100), "{first_429:?}");
}

#[test]
fn a_closed_survey_takes_no_more_responses() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    run_ok(&db, &["cycle", "close", "2025"]);
    let server = TestServer::start(db.pool());
    let (status, json) = post(&server, PATH, &body(&codes[0]).to_string());
    assert_eq!(
        (status, json["error"].as_str()),
        (409, Some("cycle_not_open"))
    );
}

#[test]
fn invite_never_overwrites_a_codes_file() {
    let db = TestDb::new();
    cycle_with_codes(&db, 1);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("codes.csv");
    std::fs::write(&file, "precious").expect("write");
    let out = ddci(&db)
        .args(["invite", "--cycle", "2025", "--count", "2", "--out"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "precious");
}

#[test]
fn invite_writes_labels_with_spreadsheet_formulas_neutralised() {
    let db = TestDb::new();
    let out = ddci(&db)
        .args(["cycle", "open", "2025"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let dir = tempfile::tempdir().expect("tmp");
    let labels = dir.path().join("labels.csv");
    std::fs::write(&labels, "label\nCông ty TNHH Hoa Mai\n=HYPERLINK(\"x\")\n").expect("write");
    let file = dir.path().join("codes.csv");
    let out = ddci(&db)
        .args(["invite", "--cycle", "2025", "--labels"])
        .arg(&labels)
        .arg("--out")
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).expect("codes");
    assert!(text.contains("Công ty TNHH Hoa Mai"));
    assert!(text.contains("'=HYPERLINK"), "formula neutralised: {text}");
}

#[derive(diesel::QueryableByName)]
struct ColumnName {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[test]
fn no_column_of_the_response_tables_can_lead_back_to_an_invitation() {
    use diesel::RunQueryDsl;
    let db = TestDb::new();
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    for table in [
        "responses",
        "answers",
        "response_profiles",
        "comments",
        "evaluations",
        "submissions",
    ] {
        let sql = if db.is_postgres() {
            format!("SELECT column_name::text AS name FROM information_schema.columns WHERE table_name = '{table}' AND table_schema = current_schema()")
        } else {
            format!("SELECT name FROM pragma_table_info('{table}')")
        };
        let columns: Vec<ColumnName> = diesel::sql_query(&sql).load(&mut *conn).expect("columns");
        let names: Vec<String> = columns.into_iter().map(|c| c.name).collect();
        assert!(!names.is_empty(), "{table} exists");
        // No invitation reference, no network or browser trace, no time of day.
        let banned = ["ip", "ip_address", "user_agent", "label", "code_hash"];
        let ok = |n: &str| !n.contains("invitation") && !banned.contains(&n) && !n.ends_with("_at");
        if table == "submissions" {
            // Says that an invitation was used, and nothing about which response it gave.
            assert_eq!(names, ["invitation_id"]);
        } else {
            assert!(names.iter().all(|n| ok(n)), "{table}: {names:?}");
        }
    }
}

#[test]
fn the_api_is_described_by_an_openapi_document() {
    let db = TestDb::new();
    let server = TestServer::start(db.pool());
    let text = ureq::get(&server.url("/api/v1/openapi.json"))
        .call()
        .expect("200")
        .into_string()
        .expect("body");
    let doc: Value = serde_json::from_str(&text).expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let post = &doc["paths"]["/api/v1/cycles/{year}/responses"]["post"];
    for status in ["201", "404", "409", "413", "422", "429"] {
        assert!(post["responses"][status].is_object(), "{status} documented");
    }
    assert!(doc["components"]["schemas"]["Submission"]["properties"]["evaluations"].is_object());
}
