//! The respondent's web pages, through real HTTP: entry with an invitation code.

mod common;

use common::{ddci, TestDb, TestServer};
use ddci::db;

fn get(server: &TestServer, path: &str) -> (u16, String, Vec<String>) {
    let response = match ureq::get(&server.url(path)).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let cookies = response
        .all("set-cookie")
        .into_iter()
        .map(String::from)
        .collect();
    (
        response.status(),
        response.into_string().expect("body"),
        cookies,
    )
}

fn post_form(server: &TestServer, cookie: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let response = match ureq::post(&server.url("/survey"))
        .set("cookie", cookie)
        .send_form(fields)
    {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    (response.status(), response.into_string().expect("body"))
}

/// The CSRF cookie (as a `name=value` header) and its token, from a first visit.
fn csrf(server: &TestServer) -> (String, String) {
    let (_, _, cookies) = get(server, "/survey");
    let pair = cookies
        .iter()
        .find_map(|c| c.split(';').next().filter(|p| p.starts_with("csrf=")))
        .expect("a csrf cookie")
        .to_string();
    let token = pair.trim_start_matches("csrf=").to_string();
    (pair, token)
}

fn open_cycle_with_codes(db: &TestDb, n: usize) -> Vec<String> {
    assert!(ddci(db)
        .args(["cycle", "open", "2025"])
        .output()
        .expect("runs")
        .status
        .success());
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("codes.csv");
    let out = ddci(db)
        .args([
            "invite",
            "--cycle",
            "2025",
            "--count",
            &n.to_string(),
            "--out",
        ])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(out.status.success());
    csv::Reader::from_path(&file)
        .expect("codes")
        .records()
        .map(|r| r.expect("row")[0].to_string())
        .collect()
}

#[test]
fn without_an_open_cycle_the_survey_page_says_so() {
    let db = TestDb::new();
    let server = TestServer::start(db.pool());
    let (status, html, _) = get(&server, "/survey");
    assert_eq!(status, 200);
    assert!(
        html.contains("Hiện không có kỳ khảo sát nào đang mở"),
        "{html}"
    );
    assert!(!html.contains("<form"));
}

#[test]
fn a_link_with_the_code_fills_in_a_labelled_field() {
    let db = TestDb::new();
    let codes = open_cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let (status, html, cookies) = get(&server, &format!("/survey?code={}", codes[0]));
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("Phiếu khảo sát DDCI 2025"), "{html}");
    assert!(html.contains("<label for=\"code\">Mã mời</label>"));
    assert!(html.contains(&format!("value=\"{}\"", codes[0])));
    assert!(html.contains("aria-describedby=\"code-hint\""));
    let csrf = cookies
        .iter()
        .find(|c| c.starts_with("csrf="))
        .expect("csrf cookie");
    assert!(
        csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict"),
        "{csrf}"
    );
}

#[test]
fn the_pages_switch_to_english_and_remember_it() {
    let db = TestDb::new();
    open_cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let (_, html, cookies) = get(&server, "/survey?lang=en");
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("DDCI survey 2025"), "{html}");
    assert!(html.contains("<label for=\"code\">Invitation code</label>"));
    assert!(cookies.iter().any(|c| c.starts_with("lang=en")));
    let (_, home, _) = get(&server, "/?lang=en");
    assert!(home.contains("Department and District Competitiveness Index (DDCI)"));
    assert!(home.contains("open for answers"));
}

#[test]
fn a_form_post_without_the_csrf_token_is_refused() {
    let db = TestDb::new();
    let codes = open_cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let (status, html) = post_form(&server, "", &[("code", &codes[0])]);
    assert_eq!(status, 403);
    assert!(html.contains("Yêu cầu không hợp lệ"));
    let (cookie, _) = csrf(&server);
    let (status, _) = post_form(
        &server,
        &cookie,
        &[
            ("code", &codes[0]),
            ("csrf_token", "0123456789abcdef0123456789abcdef"),
        ],
    );
    assert_eq!(status, 403, "a token that is not the cookie's");
}

#[test]
fn a_mistyped_code_is_shown_again_with_the_error_tied_to_the_field() {
    let db = TestDb::new();
    open_cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let (cookie, token) = csrf(&server);
    let typed = "\"><script>alert(1)</script>";
    let (status, html) = post_form(&server, &cookie, &[("code", typed), ("csrf_token", &token)]);
    assert_eq!(status, 422);
    assert!(html.contains("id=\"code-error\""));
    assert!(html.contains("aria-describedby=\"code-hint code-error\""));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "what was typed is escaped"
    );
    assert!(html.contains("&lt;script&gt;"), "and kept");
    let (status, html) = post_form(
        &server,
        &cookie,
        &[("code", "AAAA-BBBB-CCCC-DDDD"), ("csrf_token", &token)],
    );
    assert_eq!(status, 422);
    assert!(
        html.contains("Không tìm thấy mã mời này trong kỳ khảo sát 2025"),
        "{html}"
    );
}

#[test]
fn a_valid_code_starts_the_survey_and_a_used_one_says_already_submitted() {
    let db = TestDb::new();
    let codes = open_cycle_with_codes(&db, 2);
    let pool = db.pool();
    let server = TestServer::start(pool.clone());
    let (cookie, token) = csrf(&server);
    let (status, html) = post_form(
        &server,
        &cookie,
        &[("code", &codes[0].to_lowercase()), ("csrf_token", &token)],
    );
    assert_eq!(status, 200);
    assert!(html.contains("Mã mời hợp lệ"), "{html}");
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(
        db::invitations::counts(&mut conn, cycle.id).expect("counts"),
        (2, 1, 0)
    );

    let body = serde_json::json!({"code": codes[1], "evaluations": [{"unit_code": "DEP_BHXH", "answers": {"DEP_TR01": 3}}]});
    let created = ureq::post(&server.url("/api/v1/cycles/2025/responses"))
        .set("content-type", "application/json")
        .send_string(&body.to_string())
        .expect("201");
    assert_eq!(created.status(), 201);
    let (status, html) = post_form(
        &server,
        &cookie,
        &[("code", &codes[1]), ("csrf_token", &token)],
    );
    assert_eq!(status, 409);
    assert!(
        html.contains("Mã mời này đã được dùng để gửi phiếu"),
        "{html}"
    );
    assert!(
        !html.contains("<form"),
        "a used code shows that and nothing else"
    );
}
