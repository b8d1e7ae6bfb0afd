//! Crash test: the server is killed with SIGKILL in the middle of a submission load, restarted,
//! killed again… Afterwards every submission that was acknowledged with 201 is stored exactly
//! once, no response lacks an answer, no invitation is marked used without its response (nor
//! the reverse), and SQLite's integrity check passes. Runs on PostgreSQL too.
//!
//! Each submission is complete: three departments and a district, every question answered
//! (144 answers), so that a response cut short would show.

use crate::common::{cycle_with_codes, ddci, ServerProcess, TestDb};
use ddci::db;
use diesel::RunQueryDsl;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Created,
    AlreadyUsed,
    /// No answer: the server died with the request in flight.
    Unknown,
}

/// Codes submitted in the test, and clients submitting at once.
const CODES: usize = 6000;
const CLIENTS: usize = 32;

/// The units rated by every submission.
const UNITS: [&str; 4] = [
    "DEP_THUE_TINH",
    "DEP_TAI_CHINH_KHDT",
    "DEP_NN_MT",
    "COM_HUU_LUNG",
];

/// A complete questionnaire template: every question of the rated units answered with 1
/// (valid for every question type); the code is filled in per request.
fn template(db: &TestDb) -> (serde_json::Value, i64) {
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, vec![]).expect("catalog");
    let mut answers_per_response = 0;
    let evaluations: Vec<_> = UNITS
        .iter()
        .map(|code| {
            let unit = catalog.units.iter().find(|u| u.code == *code).expect(code);
            let answers: serde_json::Map<_, _> = catalog
                .indicators
                .iter()
                .filter(|i| i.kind == unit.kind)
                .map(|i| (i.code.clone(), serde_json::json!(1)))
                .collect();
            answers_per_response += answers.len() as i64;
            serde_json::json!({"unit_code": code, "answers": answers, "comment": "Thủ tục nhanh"})
        })
        .collect();
    let body = serde_json::json!({
        "code": "",
        "profile": {"PROFILE_SIZE": "lt10"},
        "evaluations": evaluations
    });
    (body, answers_per_response)
}

fn body(template: &serde_json::Value, code: &str) -> String {
    let mut b = template.clone();
    b["code"] = serde_json::json!(code);
    b.to_string()
}

fn start_server(db: &TestDb) -> ServerProcess {
    let mut cmd = ddci(db);
    cmd.env("DDCI_CODE_ATTEMPTS_PER_MINUTE", "100000")
        .stderr(std::process::Stdio::null());
    ServerProcess::start(cmd)
}

/// Submits codes from `queue` with CLIENTS clients until the queue is empty or the server
/// dies (after `kill_after`, if given). Codes not tried stay in the queue.
fn round(
    db: &TestDb,
    template: &Arc<serde_json::Value>,
    queue: &Arc<Mutex<VecDeque<String>>>,
    kill_after: Option<Duration>,
) -> Vec<(String, Outcome)> {
    let mut server = start_server(db);
    let base = server.base.clone();
    let results = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (queue, results, template, url) = (
                queue.clone(),
                results.clone(),
                template.clone(),
                format!("{base}/api/v1/cycles/2025/responses"),
            );
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(10))
                    .build();
                loop {
                    let Some(code) = queue.lock().expect("queue").pop_front() else {
                        break;
                    };
                    let outcome = match agent
                        .post(&url)
                        .set("content-type", "application/json")
                        .send_string(&body(&template, &code))
                    {
                        Ok(r) if r.status() == 201 => Outcome::Created,
                        Err(ureq::Error::Status(409, _)) => Outcome::AlreadyUsed,
                        Err(ureq::Error::Status(status, _)) => panic!("unexpected status {status}"),
                        Ok(r) => panic!("unexpected status {}", r.status()),
                        Err(_) => Outcome::Unknown,
                    };
                    results.lock().expect("results").push((code, outcome));
                    if outcome == Outcome::Unknown {
                        break;
                    }
                }
            })
        })
        .collect();
    if let Some(after) = kill_after {
        std::thread::sleep(after);
        server.child.kill().expect("SIGKILL");
    }
    for c in clients {
        c.join().expect("client");
    }
    drop(server);
    let results = results.lock().expect("results").clone();
    results
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut db::Conn, sql: &str) -> i64 {
    let rows: Vec<Count> = diesel::sql_query(sql).load(conn).expect(sql);
    rows.first().map_or(0, |r| r.n)
}

#[test]
fn acknowledged_submissions_survive_repeated_sigkill_exactly_once() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, CODES);
    let (template, answers_per_response) = template(&db);
    let template = Arc::new(template);

    let queue = Arc::new(Mutex::new(codes.iter().cloned().collect::<VecDeque<_>>()));
    let mut history: HashMap<String, Vec<Outcome>> = HashMap::new();
    let mut kills = 0;
    for attempt in 0..16 {
        // Five kills at different points of the load, then rounds until every code is done.
        let kill = (attempt < 5).then(|| Duration::from_millis(200 + 100 * attempt));
        let outcomes = round(&db, &template, &queue, kill);
        // A kill counts when it cut requests off, i.e. when the server was under load.
        kills += usize::from(outcomes.iter().any(|(_, o)| *o == Outcome::Unknown));
        for (code, outcome) in outcomes {
            if outcome == Outcome::Unknown {
                // Retry it later: the answer tells whether the lost request was committed.
                queue.lock().expect("queue").push_back(code.clone());
            }
            history.entry(code).or_default().push(outcome);
        }
        if queue.lock().expect("queue").is_empty() {
            break;
        }
    }
    assert!(
        queue.lock().expect("queue").is_empty(),
        "every code was eventually answered"
    );
    assert!(kills >= 5, "the server was killed mid-load several times");
    let lost_in_flight = history
        .values()
        .filter(|h| h.contains(&Outcome::Unknown))
        .count();

    let acknowledged = history
        .values()
        .filter(|h| h.contains(&Outcome::Created))
        .count();
    for (code, h) in &history {
        assert!(
            h.iter().filter(|o| **o == Outcome::Created).count() <= 1,
            "{code}: {h:?}"
        );
        let final_state = h.last().copied();
        assert!(
            matches!(final_state, Some(Outcome::Created | Outcome::AlreadyUsed)),
            "{code}: {h:?}"
        );
        if final_state == Some(Outcome::AlreadyUsed) {
            assert!(
                h.contains(&Outcome::Unknown) || h.contains(&Outcome::Created),
                "409 only after a lost or acknowledged submit: {code}: {h:?}"
            );
        }
    }

    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    // Both stages together, before the close: every used code has its response either still
    // pending (sealed) or mixed into the live tables — never both, never neither.
    let live = db::responses::count(&mut conn, cycle.id).expect("count");
    let pending = db::pending::count(&mut conn, cycle.id).expect("pending");
    assert_eq!(
        live + pending,
        count(&mut conn, "SELECT COUNT(*) AS n FROM submissions"),
        "each used code has exactly one response, pending or live ({live} live, {pending} pending)"
    );
    // Closing moves what is still pending (every pending row opens with the key file's key).
    db::cycles::close(&mut conn, 2025, &db.secrets().pending_key()).expect("close");
    assert_eq!(db::pending::count(&mut conn, cycle.id).expect("pending"), 0);
    let responses = db::responses::count(&mut conn, cycle.id).expect("count");
    assert_eq!(
        responses,
        codes.len() as i64,
        "every code ended with exactly one stored response"
    );
    assert!(responses >= acknowledged as i64);
    let (_, _, submitted) = db::invitations::counts(&mut conn, cycle.id).expect("counts");
    assert_eq!(
        submitted, responses,
        "no invitation marked used without its response, nor the reverse"
    );
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM submissions"),
        responses
    );
    let incomplete = format!(
        "SELECT COUNT(*) AS n FROM responses r WHERE \
         (SELECT COUNT(*) FROM answers a WHERE a.response_id = r.id) <> {answers_per_response} \
         OR (SELECT COUNT(*) FROM evaluations e WHERE e.response_id = r.id) <> 4 \
         OR (SELECT COUNT(*) FROM response_profiles p WHERE p.response_id = r.id) <> 1"
    );
    assert_eq!(
        count(&mut conn, &incomplete),
        0,
        "no response without all its answers"
    );
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM comments"),
        4 * responses,
        "every comment of every response, none of a lost one"
    );
    for (code, h) in &history {
        if h.contains(&Outcome::Created) {
            let canonical = ddci::survey::codes::normalize(code).expect("code");
            let invitation =
                db::invitations::find_by_hash(&mut conn, &ddci::survey::codes::hash(&canonical))
                    .expect("lookup")
                    .expect("invitation");
            assert_eq!(invitation.status, "submitted", "{code} acknowledged");
        }
    }
    if !db.is_postgres() {
        #[derive(diesel::QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
            .load(&mut *conn)
            .expect("check");
        assert_eq!(
            check.first().map(|c| c.integrity_check.as_str()),
            Some("ok")
        );
    }
    eprintln!("{} codes, {acknowledged} acknowledged with 201, {lost_in_flight} lost in flight and retried, {kills} kills", codes.len());
}
