//! The respondent's web pages, through real HTTP: entry with an invitation code.

use crate::common::browser::Browser;
use crate::common::{cycle_with_codes, ddci, ServerProcess, TestDb, TestServer};
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
    let codes = cycle_with_codes(&db, 1);
    let out = ddci(&db)
        .args(["cycle", "open", "2025", "--closes-on", "2025-10-31"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = TestServer::start(db.pool());
    let (status, html, cookies) = get(&server, &format!("/survey?code={}", codes[0]));
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"vi\">"));
    assert!(html.contains("Phiếu khảo sát DDCI 2025"), "{html}");
    assert!(
        html.contains("Hạn trả lời: 31/10/2025"),
        "the deadline is shown"
    );
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
    cycle_with_codes(&db, 1);
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
    let codes = cycle_with_codes(&db, 1);
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
    cycle_with_codes(&db, 1);
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
fn a_business_answers_leaves_resumes_elsewhere_and_submits_once() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let pool = db.pool();
    let server = TestServer::start(pool.clone());
    let mut phone = Browser::new(&server);
    let (status, location, _) = phone.post("/survey", &[("code", &codes[0].to_lowercase())]);
    assert_eq!((status, location.as_str()), (303, "/survey/profile"));
    assert!(phone.cookies.contains_key("ddci_survey"));
    assert!(
        !phone.cookies["ddci_survey"].contains(&codes[0]),
        "the cookie never holds the code"
    );

    let (status, _, html) = phone.get("/survey/profile");
    assert_eq!(status, 200);
    assert!(
        html.contains("<legend>Số lao động hiện nay của doanh nghiệp</legend>"),
        "{html}"
    );
    let (status, _, html) = phone.post("/survey/profile", &[("profile.PROFILE_SIZE", "lt10")]);
    assert_eq!(status, 422, "no unit chosen");
    assert!(html.contains("Xin chọn ít nhất một đơn vị đã làm việc"));
    assert!(
        html.contains("value=\"lt10\" checked"),
        "the answer is kept"
    );
    let (status, location, _) = phone.post(
        "/survey/profile",
        &[
            ("profile.PROFILE_SIZE", "lt10"),
            ("unit", "DEP_THUE_TINH"),
            ("unit", "COM_HUU_LUNG"),
        ],
    );
    assert_eq!(
        (status, location.as_str()),
        (303, "/survey/unit/DEP_THUE_TINH")
    );

    let (status, _, html) = phone.get("/survey/unit/DEP_THUE_TINH");
    assert_eq!(status, 200);
    assert!(html.contains("Hoàn toàn không đồng ý") && html.contains("Không biết / Không áp dụng"));
    let block = [
        ("a.DEP_TR01", "4"),
        ("a.DEP_TC01", "-3"),
        ("comment", "<script>alert(1)</script> Cán bộ tận tình"),
    ];
    let (status, _, html) = phone.post("/survey/unit/DEP_THUE_TINH", &block);
    assert_eq!(status, 422);
    assert!(
        html.contains("id=\"DEP_TC01-error\""),
        "the error is tied to its question"
    );
    assert!(html.contains("value=\"-3\""), "what was typed is kept");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "and shown as text"
    );
    let block = [
        ("a.DEP_TR01", "4"),
        ("a.DEP_TC01", "2,5"),
        ("a.DEP_IC01", "0"),
        ("comment", "<script>alert(1)</script> Cán bộ tận tình"),
    ];
    let (status, location, _) = phone.post("/survey/unit/DEP_THUE_TINH", &block);
    assert_eq!(
        (status, location.as_str()),
        (303, "/survey/unit/COM_HUU_LUNG")
    );

    // The same code on another device resumes where the phone left off.
    let mut laptop = Browser::new(&server);
    let (status, location, _) = laptop.post("/survey", &[("code", &codes[0])]);
    assert_eq!(
        (status, location.as_str()),
        (303, "/survey/unit/COM_HUU_LUNG"),
        "where the phone left off"
    );
    let session = laptop
        .cookies
        .get("ddci_survey")
        .cloned()
        .unwrap_or_default();
    assert!(!session.is_empty());
    let (_, _, html) = laptop.get("/survey/review");
    assert!(
        html.contains("Đồng ý"),
        "the phone's answers are there: {html}"
    );
    assert!(
        html.contains("2,5 ngày"),
        "shown as typed, in Vietnamese format"
    );
    assert!(html.contains("Khối này chưa được trả lời"));
    assert!(
        !html.contains("action=\"/survey/submit\""),
        "no submit before every block is done"
    );
    let (status, location, _) = laptop.post(
        "/survey/unit/COM_HUU_LUNG",
        &[("a.COM_TR01", "dk"), ("a.COM_TC01", "dk")],
    );
    assert_eq!((status, location.as_str()), (303, "/survey/review"));
    let (_, _, html) = laptop.get("/survey/review");
    assert!(html.contains("action=\"/survey/submit\""));

    let (status, thanks, _) = laptop.post("/survey/submit", &[]);
    assert_eq!(
        status, 303,
        "the submission answers with the thank-you address"
    );
    assert!(thanks.starts_with("/survey/thanks?receipt="), "{thanks}");
    for _reload in 0..2 {
        let (status, _, html) = laptop.get(&thanks);
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Phiếu của doanh nghiệp đã được ghi nhận"));
        assert!(html.contains("Mã xác nhận"), "with its receipt: {html}");
    }
    let (status, _, html) = laptop.get(&format!("{thanks}&lang=en"));
    assert_eq!(status, 200);
    assert!(
        html.contains("Your questionnaire has been recorded"),
        "{html}"
    );
    // Handlebars writes `=` in attributes as `&#x3D;`, which a browser reads back as `=`.
    let receipt = thanks.trim_start_matches("/survey/thanks?receipt=");
    assert!(
        html.contains(&format!(
            "class=\"lang\" href=\"?receipt&#x3D;{receipt}&amp;lang&#x3D;vi\""
        )),
        "the language switch keeps the receipt: {html}"
    );
    let (status, _, _) = phone.post("/survey/submit", &[]);
    assert_eq!(
        status, 401,
        "the other device's session ended with the submission"
    );
    let (status, _, html) = phone.post("/survey", &[("code", &codes[0])]);
    assert_eq!(status, 409);
    assert!(html.contains("Mã mời này đã được dùng để gửi phiếu"));

    db.flush_pending(2025);
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(db::responses::count(&mut conn, cycle.id).expect("count"), 1);
    let catalog = db::scoring_input::scoring_catalog(
        &db::cycle_catalog::load(&mut conn, cycle.id, vec![]).expect("c"),
    );
    let evals = db::scoring_input::evaluations(&mut conn, cycle.id, &catalog).expect("evals");
    assert_eq!(
        evals.len(),
        1,
        "the district was rated only with don't-knows, so it is not an evaluation"
    );
    let mut values: Vec<f64> = evals[0].answers.iter().map(|(_, v)| *v).collect();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, [0.0, 2.5, 4.0]);
}

#[test]
fn the_server_log_never_contains_an_invitation_code() {
    use std::io::Read;
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let mut cmd = ddci(&db);
    cmd.env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped());
    let mut server = ServerProcess::start(cmd);
    let base = server.base.clone();
    let _ = ureq::get(&format!("{base}/survey?code={}", codes[0])).call();
    let _ = ureq::post(&format!("{base}/survey")).send_form(&[("code", &codes[0])]);
    let body = serde_json::json!({"code": codes[0], "evaluations": []}).to_string();
    let _ = ureq::post(&format!("{base}/api/v1/cycles/2025/responses"))
        .set("content-type", "application/json")
        .send_string(&body);
    server.child.kill().expect("kill");
    let _ = server.child.wait();
    let mut log = String::new();
    server
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("log");
    assert!(log.contains("/survey"), "requests are logged: {log}");
    let compact = codes[0].replace('-', "");
    assert!(!log.contains(&codes[0]) && !log.contains(&compact), "{log}");
}

#[test]
fn guessing_codes_on_the_web_form_is_throttled() {
    let db = TestDb::new();
    cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let mut browser = Browser::new(&server);
    let first_429 = (0..150).position(|i| {
        browser
            .post("/survey", &[("code", &format!("AAAA-BBBB-CCCC-{i:04}"))])
            .0
            == 429
    });
    assert!(matches!(first_429, Some(n) if n <= 100), "{first_429:?}");
}

#[test]
fn pages_send_the_security_headers_and_session_cookies_are_http_only() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let page = agent.get(&server.url("/survey")).call().expect("200");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let csp = page
        .header("content-security-policy")
        .unwrap_or_default()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    let csrf = page
        .header("set-cookie")
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    let token = csrf.trim_start_matches("csrf=").to_string();
    let answer = match agent
        .post(&server.url("/survey"))
        .set("cookie", &csrf)
        .send_form(&[("code", &codes[0]), ("csrf_token", &token)])
    {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(answer.status(), 303);
    let session = answer
        .all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("ddci_survey="))
        .expect("session cookie")
        .to_string();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
}

#[test]
fn an_untouched_block_asks_before_the_unit_is_skipped_and_every_page_shows_progress() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let mut phone = Browser::new(&server);
    phone.post("/survey", &[("code", &codes[0])]);
    let (_, _, html) = phone.get("/survey/profile");
    assert!(html.contains("Đã trả lời 0% số câu hỏi"), "{html}");
    phone.post(
        "/survey/profile",
        &[
            ("profile.PROFILE_SIZE", "lt10"),
            ("unit", "DEP_THUE_TINH"),
            ("unit", "COM_HUU_LUNG"),
        ],
    );

    let (status, _, html) = phone.get("/survey/unit/DEP_THUE_TINH");
    assert_eq!(status, 200);
    assert!(
        html.contains("% số câu hỏi"),
        "progress in questions: {html}"
    );
    assert!(
        html.contains("còn khoảng") && html.contains("phút"),
        "time left"
    );
    assert!(
        html.contains("tiếp tục sau bằng chính mã mời này"),
        "saved note"
    );
    assert!(
        html.contains("class=\"back\" href=\"/survey/profile\""),
        "back to the profile from the first block"
    );
    assert!(
        html.contains("<label for=\"DEP_TC01\">Số ngày</label>"),
        "{html}"
    );
    assert!(html.contains("Bình thường"), "the Likert midpoint");

    let (status, location, _) = phone.post("/survey/unit/DEP_THUE_TINH", &[("comment", "")]);
    assert_eq!(
        (status, location.as_str()),
        (303, "/survey/unit/DEP_THUE_TINH/skip"),
        "a blank block is not counted as done"
    );
    let (status, _, html) = phone.get("/survey/unit/DEP_THUE_TINH/skip");
    assert_eq!(status, 200);
    assert!(html.contains("Bạn chưa trả lời câu nào về đơn vị này — bỏ qua đơn vị này?"));
    assert!(
        html.contains("href=\"/survey/unit/DEP_THUE_TINH\""),
        "answer it"
    );
    assert!(
        html.contains("action=\"/survey/unit/DEP_THUE_TINH/skip\""),
        "skip it"
    );
    let (_, _, html) = phone.get("/survey/unit/DEP_THUE_TINH/skip?lang=en");
    assert!(html.contains("You have not answered any question about this unit — skip this unit?"));
    phone.get("/survey/profile?lang=vi");
    assert_eq!(
        phone.post_without_token("/survey/unit/DEP_THUE_TINH/skip", &[]),
        403
    );
    let (_, _, html) = phone.get("/survey/review");
    assert!(
        html.contains("Khối này chưa được trả lời"),
        "still listed, not done"
    );

    let (status, location, _) = phone.post("/survey/unit/DEP_THUE_TINH/skip", &[]);
    assert_eq!(
        (status, location.as_str()),
        (303, "/survey/unit/COM_HUU_LUNG")
    );
    let (status, location, _) = phone.post("/survey/unit/COM_HUU_LUNG", &[("a.COM_TR01", "4")]);
    assert_eq!((status, location.as_str()), (303, "/survey/review"));
    let (_, _, html) = phone.get("/survey/review");
    assert!(
        !html.contains("/survey/unit/DEP_THUE_TINH\""),
        "the skipped unit left the list"
    );
    assert!(
        html.contains("class=\"warning few-answers\"") && html.contains("mới có 1/"),
        "a block with few answers is flagged: {html}"
    );
    assert!(html.contains("action=\"/survey/submit\""));
}

#[test]
fn behind_https_every_cookie_is_secure_and_browsers_are_told_to_stay_on_https() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let mut settings = ddci::config::Settings::defaults_for(db.pool().url().clone());
    settings.public_url = "https://ddci.langson.example".into();
    let server = TestServer::start_with(db.pool(), settings);
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let page = agent
        .get(&server.url("/survey?lang=en"))
        .call()
        .expect("200");
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    let cookies: Vec<String> = page
        .all("set-cookie")
        .into_iter()
        .map(String::from)
        .collect();
    assert!(cookies.len() >= 2, "CSRF and language cookies: {cookies:?}");
    assert!(
        cookies.iter().all(|c| c.contains("; Secure")),
        "{cookies:?}"
    );
    let csrf = cookies
        .iter()
        .find(|c| c.starts_with("csrf="))
        .and_then(|c| c.split(';').next())
        .expect("csrf cookie")
        .to_string();
    let token = csrf.trim_start_matches("csrf=").to_string();
    let answer = match agent
        .post(&server.url("/survey"))
        .set("cookie", &csrf)
        .send_form(&[("code", &codes[0]), ("csrf_token", &token)])
    {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let session = answer
        .all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("ddci_survey="))
        .expect("session cookie")
        .to_string();
    assert!(
        session.contains("; Secure") && session.contains("HttpOnly"),
        "{session}"
    );
    // Over plain http (the default), no HSTS and no Secure flag.
    let plain = TestServer::start(db.pool());
    let page = agent.get(&plain.url("/survey")).call().expect("200");
    assert_eq!(page.header("strict-transport-security"), None);
    assert!(!page
        .header("set-cookie")
        .unwrap_or_default()
        .contains("Secure"));
}
