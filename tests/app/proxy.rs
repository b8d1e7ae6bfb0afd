//! Behind a reverse proxy: `X-Forwarded-For` is believed only from `DDCI_TRUSTED_PROXIES`,
//! only failed code attempts count toward the limit, and each forwarded client has its own
//! count. The real server over real HTTP, the proxy being this test on 127.0.0.1.

use crate::common::browser::Browser;
use crate::common::{cycle_with_codes, TestDb, TestServer};
use ddci::net::TrustedProxies;
use serde_json::json;

const PATH: &str = "/api/v1/cycles/2025/responses";

fn body(code: &str) -> String {
    json!({
        "code": code,
        "profile": {"PROFILE_SIZE": "lt10", "PROFILE_SECTOR": "trade"},
        "evaluations": [
            {"unit_code": "DEP_THUE_TINH", "answers": {"DEP_TR01": 4, "DEP_TR02": 5}},
            {"unit_code": "COM_HUU_LUNG", "answers": {"COM_TR01": 2}}
        ]
    })
    .to_string()
}

/// The status of an API submission sent by `client` through the proxy (or directly).
fn submit(server: &TestServer, client: Option<&str>, code: &str) -> u16 {
    let mut request = ureq::post(&server.url(PATH)).set("content-type", "application/json");
    if let Some(c) = client {
        // What nginx's `proxy_add_x_forwarded_for` sends: anything the client claimed, then
        // the address it came from.
        request = request.set("x-forwarded-for", &format!("10.9.9.9, {c}"));
    }
    match request.send_string(&body(code)) {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
        Err(e) => panic!("{e}"),
    }
}

fn behind_proxy(db: &TestDb, trusted: &str) -> TestServer {
    let pool = db.pool();
    let mut settings = ddci::config::Settings::defaults_for(pool.url().clone());
    settings.trusted_proxies = TrustedProxies::parse(trusted).expect("proxy list");
    TestServer::start_with(pool, settings)
}

fn guess(i: usize) -> String {
    format!("AAAA-BBBB-CCCC-{i:04}")
}

#[test]
fn behind_a_trusted_proxy_valid_submissions_pass_and_guessing_is_throttled_per_client() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 300);
    let server = behind_proxy(&db, "127.0.0.1, ::1");

    // Deadline day: one forwarded client (an interview tablet) sends 300 questionnaires.
    let statuses: Vec<u16> = codes
        .iter()
        .map(|c| submit(&server, Some("203.0.113.7"), c))
        .collect();
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

    // Another forwarded client guesses codes: 429 within 70 tries, and it stays.
    let guesses: Vec<u16> = (0..100)
        .map(|i| submit(&server, Some("198.51.100.20"), &guess(i)))
        .collect();
    let first = guesses.iter().position(|s| *s == 429).expect("429 comes");
    assert!(first < 70, "429 after {first} guesses");
    assert!(guesses[..first].iter().all(|s| *s == 404), "{guesses:?}");
    assert!(guesses[first..].iter().all(|s| *s == 429), "{guesses:?}");

    // The province behind the same proxy is not throttled: other clients still get answers,
    // an IPv6 client counts per /64, and so does the web code form.
    assert_eq!(submit(&server, Some("203.0.113.8"), &guess(0)), 404);
    for i in 0..60 {
        let client = format!("2001:db8:1:2::{i:x}");
        assert_eq!(submit(&server, Some(&client), &guess(i)), 404);
    }
    assert_eq!(
        submit(&server, Some("2001:db8:1:2:ffff::1"), &guess(0)),
        429,
        "the same /64"
    );
    assert_eq!(submit(&server, Some("2001:db8:1:3::1"), &guess(0)), 404);

    let mut b = Browser::new(&server);
    b.forwarded_for = Some("198.51.100.30".into());
    let web: Vec<u16> = (0..100)
        .map(|i| b.post("/survey", &[("code", &guess(i))]).0)
        .collect();
    let first = web.iter().position(|s| *s == 429).expect("429 comes");
    assert!(first < 70, "web form: 429 after {first} guesses");
    b.forwarded_for = Some("198.51.100.31".into());
    assert_eq!(b.post("/survey", &[("code", &guess(0))]).0, 422);
}

#[test]
fn without_trust_the_forwarded_address_is_ignored() {
    let db = TestDb::new();
    cycle_with_codes(&db, 1);
    // Trusting another address: this test's requests come straight from a client.
    let server = behind_proxy(&db, "10.0.0.0/8");
    let statuses: Vec<u16> = (0..100)
        .map(|i| {
            // A guesser cannot escape its count by inventing a new address each time.
            let forged = format!("203.0.113.{}", i % 250);
            submit(&server, Some(&forged), &guess(i))
        })
        .collect();
    let first = statuses.iter().position(|s| *s == 429).expect("429 comes");
    assert!(first < 70, "429 after {first} guesses");
    assert_eq!(
        submit(&server, None, &guess(0)),
        429,
        "one count: the peer's"
    );
}

#[test]
fn valid_submissions_never_count_toward_the_limit_without_a_proxy() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 90);
    let server = TestServer::start(db.pool());
    for c in &codes {
        assert_eq!(submit(&server, None, c), 201);
    }
    // A used code is not a guess either.
    for c in &codes[..10] {
        assert_eq!(submit(&server, None, c), 409);
    }
    assert_eq!(submit(&server, None, &guess(0)), 404);
}

#[test]
fn a_trusted_proxy_list_that_is_not_addresses_fails_with_one_sentence() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ddci"))
        .current_dir(dir.path())
        .env("DDCI_TRUSTED_PROXIES", "127.0.0.1, proxy.local")
        .args(["serve", "--no-demo", "--bind", "127.0.0.1:0"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim_end(),
        "error: DDCI_TRUSTED_PROXIES must be a comma-separated list of addresses and CIDR networks, not `proxy.local`"
    );
}
