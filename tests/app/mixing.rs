//! The pending stage and the mixing step (issue 12, item 7), through real HTTP: a submission's
//! transaction writes only a sealed pending row; the live tables get responses in shuffled
//! batches of at least 10, dated with the batch's day, in a transaction that touches no
//! invitation; closing a cycle moves what remains. On PostgreSQL, no live row shares its
//! transaction id (`xmin`) with an invitation row.

use crate::common::{cycle_with_codes, run_ok, TestDb, TestServer};
use ddci::db;
use diesel::RunQueryDsl;
use serde_json::json;
use std::time::{Duration, Instant};

const PATH: &str = "/api/v1/cycles/2025/responses";

fn submit(server: &TestServer, code: &str, comment: &str) {
    let body = json!({
        "code": code,
        "profile": {"PROFILE_SIZE": "lt10"},
        "evaluations": [
            {"unit_code": "DEP_THUE_TINH", "answers": {"DEP_TR01": 4, "DEP_TC01": 2}, "comment": comment},
            {"unit_code": "COM_HUU_LUNG", "answers": {"COM_TR01": 3}}
        ]
    });
    let status = match ureq::post(&server.url(PATH))
        .set("content-type", "application/json")
        .send_string(&body.to_string())
    {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(status, 201, "{code}");
}

/// (live responses, pending submissions) of the 2025 cycle.
fn stages(db: &TestDb) -> (i64, i64) {
    let mut conn = db.pool().get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    (
        db::responses::count(&mut conn, cycle.id).expect("live"),
        db::pending::count(&mut conn, cycle.id).expect("pending"),
    )
}

/// Waits (up to 15 s) until the stages are `want`.
fn wait_for(db: &TestDb, want: (i64, i64)) {
    let start = Instant::now();
    while stages(db) != want {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "stages stayed {:?}, not {want:?}",
            stages(db)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
}

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(db: &TestDb, sql: &str) -> i64 {
    let mut conn = db.pool().get().expect("conn");
    let rows: Vec<Count> = diesel::sql_query(sql).load(&mut *conn).expect(sql);
    rows.first().map_or(0, |r| r.n)
}

#[test]
fn submissions_wait_until_ten_then_reach_the_live_tables_together_with_the_batch_date() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 12);
    let server = TestServer::start(db.pool());
    for (i, code) in codes.iter().take(9).enumerate() {
        submit(&server, code, &format!("Ý kiến số {i}"));
    }
    // Well past the mixing step's spacing: nine are not a batch, so they all wait.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        stages(&db),
        (0, 9),
        "below 10, nothing reaches the live tables"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM comments"), 0);

    submit(&server, &codes[9], "Ý kiến số 9");
    wait_for(&db, (10, 0));
    let mut conn = db.pool().get().expect("conn");
    let dates: Vec<Text> = diesel::sql_query(
        "SELECT submitted_on AS t FROM responses UNION ALL SELECT submitted_on AS t FROM comments",
    )
    .load(&mut *conn)
    .expect("dates");
    assert_eq!(dates.len(), 20, "10 responses and their 10 comments");
    let today = ddci::clock::today();
    assert!(
        dates.iter().all(|d| d.t == today),
        "every row carries its batch's date"
    );
    // Comment ids are random like response ids: not a run of consecutive numbers.
    let mut ids: Vec<i64> = diesel::sql_query("SELECT id FROM comments")
        .load::<Id>(&mut *conn)
        .expect("ids")
        .into_iter()
        .map(|r| r.id)
        .collect();
    ids.sort_unstable();
    assert!(
        ids.windows(2).all(|w| w[1] - w[0] > 1_000_000),
        "comment ids are spread, not a sequence: {ids:?}"
    );
    drop(conn);

    // The next two wait for a batch of their own.
    submit(&server, &codes[10], "Ý kiến số 10");
    submit(&server, &codes[11], "Ý kiến số 11");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(stages(&db), (10, 2));
}

#[test]
fn closing_a_cycle_moves_what_is_still_pending() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 3);
    let server = TestServer::start(db.pool());
    for code in &codes {
        submit(&server, code, "Thủ tục nhanh");
    }
    assert_eq!(stages(&db), (0, 3));
    run_ok(&db, &["cycle", "close", "2025"]);
    assert_eq!(stages(&db), (3, 0), "the close moved the last three");
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM comments"), 3);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM submissions"), 3);
}

#[test]
fn closing_refuses_pending_submissions_sealed_under_another_key_file_and_changes_nothing() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 2);
    let server = TestServer::start(db.pool());
    for code in &codes {
        submit(&server, code, "Thủ tục nhanh");
    }
    let mut conn = db.pool().get().expect("conn");
    let wrong = ddci::seal::SealKey::derive(b"another", b"installation", b"pending");
    let err = db::cycles::close(&mut conn, 2025, &wrong).expect_err("wrong key");
    assert!(err.to_string().contains("restore the key file"), "{err}");
    drop(conn);
    assert_eq!(stages(&db), (0, 2), "nothing moved, nothing lost");
    let mut conn = db.pool().get().expect("conn");
    assert_eq!(
        db::cycles::get(&mut conn, 2025).expect("cycle").status,
        "open",
        "and the cycle stays open"
    );
}

/// On PostgreSQL, the rows a transaction writes carry its id (`xmin`); a response written with
/// its invitation's update would pair with it by this join.
#[test]
fn no_live_row_shares_a_transaction_with_an_invitation() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 25);
    let server = TestServer::start(db.pool());
    for code in codes.iter().take(5) {
        submit(&server, code, "Cán bộ nhiệt tình");
    }
    let join = |table: &str| {
        format!(
            "SELECT COUNT(*) AS n FROM invitations i JOIN {table} r ON i.xmin::text = r.xmin::text"
        )
    };
    if db.is_postgres() {
        // The join finds what it looks for: each pending row shares its submission's
        // transaction with the invitation it marked used.
        assert_eq!(count(&db, &join("pending_responses")), 5);
    }
    for code in codes.iter().skip(5) {
        submit(&server, code, "Cán bộ nhiệt tình");
    }
    // However the 20 were batched, at most 9 stay pending; then closing moves them.
    let start = Instant::now();
    while stages(&db).1 >= 10 || stages(&db).0 + stages(&db).1 != 25 {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{:?}",
            stages(&db)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let tables = [
        "responses",
        "answers",
        "evaluations",
        "response_profiles",
        "comments",
    ];
    let (live, pending) = stages(&db);
    assert!(live >= 10, "mixed in batches of at least 10: {live}");
    if db.is_postgres() {
        for table in tables {
            assert_eq!(count(&db, &join(table)), 0, "{table}");
        }
        assert_eq!(count(&db, &join("pending_responses")), pending);
    }
    run_ok(&db, &["cycle", "close", "2025"]);
    assert_eq!(stages(&db), (25, 0));
    if db.is_postgres() {
        for table in tables {
            assert_eq!(count(&db, &join(table)), 0, "{table} after the close");
        }
    }
}
