//! Crash test: the server is killed with SIGKILL in the middle of a submission load, restarted,
//! killed again… Afterwards every submission that was acknowledged with 201 is stored exactly
//! once, no response lacks an answer, no invitation is marked used without its response (nor
//! the reverse), and SQLite's integrity check passes. Runs on PostgreSQL too.

mod common;

use common::{cycle_with_codes, ddci, TestDb};
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

fn body(code: &str) -> String {
    serde_json::json!({
        "code": code,
        "evaluations": [
            {"unit_code": "DEP_CUC_THUE", "answers": {"DEP_TR01": 4, "DEP_TR02": 3, "DEP_TC01": 5}},
            {"unit_code": "DIS_HUU_LUNG", "answers": {"DIS_TR01": 2, "DIS_TR02": 4}}
        ]
    })
    .to_string()
}

fn start_server(db: &TestDb) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let child = ddci(db)
        .env("DDCI_CODE_ATTEMPTS_PER_MINUTE", "100000")
        .args(["serve", "--no-demo", "--bind", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let base = format!("http://127.0.0.1:{port}");
    let up = (0..200).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        ureq::get(&format!("{base}/healthz")).call().is_ok()
    });
    assert!(up, "server started");
    (child, base)
}

/// Submits codes from `queue` with 8 clients until the queue is empty or the server dies
/// (after `kill_after`, if given). Codes not tried stay in the queue.
fn round(
    db: &TestDb,
    queue: &Arc<Mutex<VecDeque<String>>>,
    kill_after: Option<Duration>,
) -> Vec<(String, Outcome)> {
    let (mut server, base) = start_server(db);
    let results = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (queue, results, url) = (
                queue.clone(),
                results.clone(),
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
                        .send_string(&body(&code))
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
        server.kill().expect("SIGKILL");
    }
    for c in clients {
        c.join().expect("client");
    }
    let _ = server.kill();
    let _ = server.wait();
    let results = results.lock().expect("results").clone();
    results
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut db::Conn, sql: &str) -> i64 {
    let rows: Vec<Count> = ddci::with_conn!(conn, c => diesel::sql_query(sql).load(c)).expect(sql);
    rows.first().map_or(0, |r| r.n)
}

#[test]
fn acknowledged_submissions_survive_repeated_sigkill_exactly_once() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 600);

    let queue = Arc::new(Mutex::new(codes.iter().cloned().collect::<VecDeque<_>>()));
    let mut history: HashMap<String, Vec<Outcome>> = HashMap::new();
    let mut kills = 0;
    for attempt in 0..12 {
        let kill = (attempt < 4).then(|| Duration::from_millis(150 + 50 * attempt));
        for (code, outcome) in round(&db, &queue, kill) {
            if outcome == Outcome::Unknown {
                // Retry it later: the answer tells whether the lost request was committed.
                queue.lock().expect("queue").push_back(code.clone());
            }
            history.entry(code).or_default().push(outcome);
        }
        kills += usize::from(kill.is_some());
        if queue.lock().expect("queue").is_empty() {
            break;
        }
    }
    assert!(
        queue.lock().expect("queue").is_empty(),
        "every code was eventually answered"
    );
    assert!(kills >= 3, "the server was killed mid-load several times");
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
    let incomplete = "SELECT COUNT(*) AS n FROM responses r WHERE (SELECT COUNT(*) FROM answers a WHERE a.response_id = r.id) <> 5 OR (SELECT COUNT(*) FROM evaluations e WHERE e.response_id = r.id) <> 2";
    assert_eq!(
        count(&mut conn, incomplete),
        0,
        "no response without all its answers"
    );
    if !db.is_postgres() {
        #[derive(diesel::QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let check: Vec<Check> =
            ddci::with_conn!(&mut conn, c => diesel::sql_query("PRAGMA integrity_check").load(c))
                .expect("check");
        assert_eq!(
            check.first().map(|c| c.integrity_check.as_str()),
            Some("ok")
        );
    }
    eprintln!("{} codes, {acknowledged} acknowledged with 201, {lost_in_flight} lost in flight and retried, {kills} kills", codes.len());
}
