//! Group commit (DDCI_GROUP_COMMIT): many submissions arriving together share one durable
//! commit, yet each gets its own answer — 201 once stored, 409 for a code already used —
//! and one used code never fails the others of its batch. The server binary runs with group
//! commit forced on, so the same tests cover it on PostgreSQL.

use crate::common::{cycle_with_codes, ddci, ServerProcess, TestDb};
use ddci::db;
use std::sync::{Arc, Barrier};

/// The server binary with group commit forced on and code guessing left unthrottled.
fn serve(db: &TestDb) -> ServerProcess {
    let mut cmd = ddci(db);
    cmd.env("DDCI_GROUP_COMMIT", "1")
        .env("DDCI_CODE_ATTEMPTS_PER_MINUTE", "100000")
        .stderr(std::process::Stdio::null());
    ServerProcess::start(cmd)
}

fn body(code: &str) -> String {
    serde_json::json!({
        "code": code,
        "profile": {"PROFILE_SIZE": "lt10"},
        "evaluations": [
            {"unit_code": "DEP_THUE_TINH", "answers": {"DEP_TR01": 4, "DEP_TR02": 5, "DEP_TC01": 3}},
            {"unit_code": "COM_HUU_LUNG", "answers": {"COM_TR01": 2}}
        ]
    })
    .to_string()
}

fn status_of(base: &str, code: &str) -> u16 {
    let answer = ureq::post(&format!("{base}/api/v1/cycles/2025/responses"))
        .set("content-type", "application/json")
        .send_string(&body(code));
    match answer {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
        Err(e) => panic!("no answer: {e}"),
    }
}

/// Sends every code of `codes` at the same moment, one thread each; statuses in order.
fn all_at_once(base: &str, codes: &[String]) -> Vec<u16> {
    let barrier = Arc::new(Barrier::new(codes.len()));
    // Every client is spawned before any is joined: joining inside one iterator chain would run
    // them one after another, and the barrier would never open.
    #[allow(clippy::needless_collect)]
    let threads: Vec<_> = codes
        .iter()
        .map(|code| {
            let (barrier, base, code) = (barrier.clone(), base.to_string(), code.clone());
            std::thread::spawn(move || {
                barrier.wait();
                status_of(&base, &code)
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("client"))
        .collect()
}

/// (responses stored, live or still pending; invitations marked submitted) read afresh from
/// the database.
fn stored(db: &TestDb) -> (i64, i64) {
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let responses = db::responses::count(&mut conn, cycle.id).expect("count")
        + db::pending::count(&mut conn, cycle.id).expect("pending");
    let (_, _, submitted) = db::invitations::counts(&mut conn, cycle.id).expect("counts");
    (responses, submitted)
}

#[test]
fn submissions_sent_together_are_each_acknowledged_and_all_stored() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 64);
    let server = serve(&db);
    let statuses = all_at_once(&server.base, &codes);
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    drop(server);
    assert_eq!(
        stored(&db),
        (64, 64),
        "every acknowledged submission is in the database"
    );
    db.flush_pending(2025);
    let mut conn = db.pool().get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(
        db::responses::count(&mut conn, cycle.id).expect("live"),
        64,
        "and each reaches the live tables once"
    );
}

#[test]
fn a_code_sent_several_times_at_once_is_stored_once_and_the_others_get_409() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 8);
    let server = serve(&db);
    // Each code four times, all 32 requests at the same moment.
    let sent: Vec<String> = codes.iter().flat_map(|c| vec![c.clone(); 4]).collect();
    let statuses = all_at_once(&server.base, &sent);
    for (i, code) in codes.iter().enumerate() {
        let mine = &statuses[4 * i..4 * i + 4];
        assert_eq!(
            mine.iter().filter(|s| **s == 201).count(),
            1,
            "{code}: {mine:?}"
        );
        assert_eq!(
            mine.iter().filter(|s| **s == 409).count(),
            3,
            "{code}: {mine:?}"
        );
    }
    assert_eq!(stored(&db), (8, 8));
}

#[test]
fn a_used_code_does_not_fail_the_fresh_codes_sent_with_it() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 40);
    let server = serve(&db);
    let (used, fresh) = codes.split_at(20);
    for code in used {
        assert_eq!(status_of(&server.base, code), 201);
    }
    // Used and fresh codes interleaved, all at once: they land in the same batches.
    let mixed: Vec<String> = used
        .iter()
        .zip(fresh)
        .flat_map(|(u, f)| [u.clone(), f.clone()])
        .collect();
    let statuses = all_at_once(&server.base, &mixed);
    let expected: Vec<u16> = (0..40)
        .map(|i| if i % 2 == 0 { 409 } else { 201 })
        .collect();
    assert_eq!(statuses, expected);
    assert_eq!(stored(&db), (40, 40));
}
