//! Abuse: code guessing is throttled, oversized and malformed bodies are refused with a clear
//! answer, script payloads in comments, profile answers and catalog names stay text on every
//! page (public, survey, admin) and in every export, spreadsheet formulas stay text in CSV and
//! XLSX, a form POST without a valid CSRF token gets 403, SQL metacharacters in any input do
//! nothing, and download names cannot leave their folder. The real server over real HTTP.
//!
//! The page and form lists are tables: a new page or form is one more line.

use crate::common::browser::Browser;
use crate::common::{admin_account, run_ok, TestDb, TestServer, ADMIN_PASSWORD};
use ddci::db;
use std::io::Read;

/// Script payloads planted in the catalog and in a comment; each is recognised by its
/// `alert(N)`, which must show (as text) and never inside a live tag.
const UNIT_VI: &str = "<script>alert(1)</script> Cục Thuế";
const UNIT_EN: &str = "=HYPERLINK(\"http://evil.example\")<img src=x onerror=alert(2)>";
const COMPONENT_VI: &str = "<svg onload=alert(3)>Minh bạch";
const CHOICE_VI: &str = "<iframe src=javascript:alert(4)>Dưới 10 lao động";
const COMMENT: &str = "<script>alert(5)</script> '); DROP TABLE answers; --";
/// Live forms of the payloads: none may appear in any page.
const LIVE: [&str; 5] = [
    "<script>alert",
    "<img src=x",
    "<svg onload",
    "<iframe src",
    "onerror=alert",
];

/// Replaces one cell (row whose first column is `key`, column `column`) of a seed CSV.
fn set_cell(dir: &std::path::Path, file: &str, key: (&str, &str), column: &str, value: &str) {
    let path = dir.join(file);
    let mut reader = csv::Reader::from_path(&path).expect("read");
    let headers = reader.headers().expect("headers").clone();
    let key_col = headers.iter().position(|h| h == key.0).expect("key column");
    let col = headers.iter().position(|h| h == column).expect("column");
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            let mut row: Vec<String> = r.iter().map(str::to_string).collect();
            if row[key_col] == key.1 {
                row[col] = value.to_string();
            }
            row
        })
        .collect();
    let mut w = csv::Writer::from_path(&path).expect("write");
    w.write_record(&headers).expect("header");
    for row in rows {
        w.write_record(&row).expect("row");
    }
    w.flush().expect("flush");
}

/// A database whose catalog carries the payloads: cycle 2024 published (with a hostile
/// comment), cycle 2025 open; an admin account; codes for 2025.
fn hostile(db: &TestDb) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tmp");
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/lang-son");
    for entry in std::fs::read_dir(seeds).expect("seeds") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    let d = dir.path();
    set_cell(
        d,
        "units.csv",
        ("code", "DEP_THANH_TRA"),
        "name_vi",
        UNIT_VI,
    );
    set_cell(
        d,
        "units.csv",
        ("code", "DEP_THANH_TRA"),
        "name_en",
        UNIT_EN,
    );
    let component = ("code", "DEPC_TRANSPARENCY");
    set_cell(d, "components.csv", component, "name_vi", COMPONENT_VI);
    set_cell(
        d,
        "profile_choices.csv",
        ("code", "lt10"),
        "label_vi",
        CHOICE_VI,
    );
    run_ok(db, &["seed", "--dir", d.to_str().expect("path")]);
    admin_account(db, "hiephoi", "admin");
    run_ok(
        db,
        &[
            "demo",
            "--cycle",
            "2024",
            "--responses",
            "300",
            "--seed",
            "5",
        ],
    );
    let codes = invite(db, 2024, 1);
    let server = TestServer::start(db.pool());
    let body = serde_json::json!({"code": codes[0], "profile": {"PROFILE_SIZE": "lt10"},
        "evaluations": [{"unit_code": "DEP_THANH_TRA", "answers": {"DEP_TR01": 4}, "comment": COMMENT}]});
    assert_eq!(post_json(&server, 2024, &body.to_string()).0, 201);
    drop(server);
    let score = ["score", "--cycle", "2024", "--bootstrap", "0"];
    run_ok(db, &[&score[..], &["--min-responses", "5"]].concat());
    run_ok(db, &["publish", "--cycle", "2024"]);
    run_ok(db, &["cycle", "open", "2025"]);
    invite(db, 2025, 10)
}

fn invite(db: &TestDb, year: i32, n: usize) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("codes.csv");
    let (y, count) = (year.to_string(), n.to_string());
    let file_arg = file.to_str().expect("path");
    run_ok(
        db,
        &[
            "invite", "--cycle", &y, "--count", &count, "--out", file_arg,
        ],
    );
    let mut reader = csv::Reader::from_path(&file).expect("codes");
    reader
        .records()
        .map(|r| r.expect("row")[0].to_string())
        .collect()
}

/// (status, content type, body) of a JSON POST to the API.
fn post_json(server: &TestServer, year: i32, body: &str) -> (u16, String, String) {
    let url = server.url(&format!("/api/v1/cycles/{year}/responses"));
    let answer = ureq::post(&url)
        .set("content-type", "application/json")
        .send_string(body);
    let r = match answer {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let ct = r.header("content-type").unwrap_or_default().to_string();
    (r.status(), ct, r.into_string().expect("body"))
}

fn sign_in(server: &TestServer) -> Browser<'_> {
    let mut b = Browser::new(server);
    let (status, location, _) = b.post(
        "/admin/login",
        &[
            ("username", "hiephoi"),
            ("password", ADMIN_PASSWORD),
            ("next", "/admin"),
        ],
    );
    assert_eq!((status, location.as_str()), (303, "/admin"));
    b
}

/// A respondent with a session for `code`, on the profile page.
fn respondent<'a>(server: &'a TestServer, code: &str) -> Browser<'a> {
    let mut b = Browser::new(server);
    let (status, location, page) = b.post("/survey", &[("code", code)]);
    assert_eq!(status, 303, "{page}");
    assert_eq!(location, "/survey/profile");
    b
}

fn assert_inert(path: &str, page: &str) {
    for live in LIVE {
        assert!(!page.contains(live), "{path} contains `{live}`");
    }
}

/// Pages and whether they must show a payload (`alert(N)` as text).
const PUBLIC_PAGES: &[(&str, &[&str])] = &[
    ("/", &[]),
    ("/survey", &[]),
    ("/results", &[]),
    ("/results/2024", &["alert(1)"]),
    ("/results/2024?sort=name", &["alert(1)"]),
    ("/results/2024/pci", &[]),
    (
        "/results/2024/don-vi/DEP_THANH_TRA",
        &["alert(1)", "alert(3)"],
    ),
    ("/method", &[]),
    // English from here on (the choice is kept in a cookie).
    ("/results/2024?lang=en", &["alert(2)"]),
    ("/results/2024/don-vi/DEP_THANH_TRA?lang=en", &["alert(2)"]),
    ("/results/2024/pci", &[]),
    ("/", &[]),
];
const SURVEY_PAGES: &[(&str, &[&str])] = &[
    ("/survey/profile", &["alert(1)", "alert(4)"]),
    ("/survey/unit/DEP_THANH_TRA", &["alert(1)"]),
    ("/survey/review", &["alert(1)"]),
];
const ADMIN_PAGES: &[(&str, &[&str])] = &[
    ("/admin", &[]),
    ("/admin/cycles/2024", &[]),
    ("/admin/cycles/2024/comments", &["alert(1)"]),
    (
        "/admin/cycles/2024/comments/DEP_THANH_TRA",
        &["alert(1)", "alert(5)"],
    ),
    ("/admin/cycles/2025", &[]),
    ("/admin/audit", &[]),
    ("/admin/users", &[]),
];

fn check_pages(b: &mut Browser, pages: &[(&str, &[&str])]) {
    for (path, shows) in pages {
        let (status, _, page) = b.get(path);
        assert_eq!(status, 200, "{path}");
        assert_inert(path, &page);
        for marker in *shows {
            assert!(page.contains(marker), "{path} shows {marker} as text");
        }
    }
}

#[test]
fn script_payloads_render_inert_on_every_page_and_formulas_stay_text_in_exports() {
    let db = TestDb::new();
    let codes = hostile(&db);
    let server = TestServer::start(db.pool());
    check_pages(&mut Browser::new(&server), PUBLIC_PAGES);

    let mut r = respondent(&server, &codes[0]);
    let (status, _, page) = r.post(
        "/survey/profile",
        &[
            ("profile.PROFILE_SIZE", "lt10"),
            ("profile.PROFILE_SECTOR", "<script>alert(6)</script>"),
            ("unit", "DEP_THANH_TRA"),
        ],
    );
    assert_eq!(status, 422, "a choice that does not exist is refused");
    assert_inert("/survey/profile (refused)", &page);
    let (status, _, _) = r.post(
        "/survey/profile",
        &[("profile.PROFILE_SIZE", "lt10"), ("unit", "DEP_THANH_TRA")],
    );
    assert_eq!(status, 303);
    let (status, _, _) = r.post("/survey/unit/DEP_THANH_TRA", &[("comment", COMMENT)]);
    assert_eq!(status, 303);
    check_pages(&mut r, SURVEY_PAGES);
    let (_, _, review) = r.get("/survey/review");
    assert!(review.contains("alert(5)"), "the comment is shown as text");

    let mut admin = sign_in(&server);
    let run = {
        let pool = db.pool();
        let mut conn = pool.get().expect("conn");
        let cycle = db::cycles::get(&mut conn, 2024).expect("cycle");
        db::runs::list(&mut conn, cycle.id).expect("runs")[0].id
    };
    let run_page = format!("/admin/cycles/2024/runs/{run}");
    let run_page: &[(&str, &[&str])] = &[(&run_page, &["alert(1)"])];
    check_pages(&mut admin, &[ADMIN_PAGES, run_page].concat());

    let mut visitor = Browser::new(&server);
    let (status, ct, disposition, csv) = visitor.download("/results/2024/xep-hang.csv");
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/csv") && disposition.starts_with("attachment"));
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(
        csv.contains("\"'=HYPERLINK("),
        "a formula becomes text in the CSV"
    );
    assert!(!csv.contains(",=HYPERLINK(") && !csv.contains("\"=HYPERLINK("));
    check_workbook(&mut visitor);
    check_package(&mut visitor);
}

fn check_workbook(b: &mut Browser) {
    use calamine::{Data, Reader};
    let (status, ct, disposition, bytes) = b.download("/results/2024/ket-qua.xlsx");
    assert_eq!(status, 200);
    assert!(ct.contains("spreadsheetml") && disposition.starts_with("attachment"));
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    for sheet in book.sheet_names() {
        let formulas = book.worksheet_formula(&sheet).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet}: no cell is a formula"
        );
    }
    let sheet = book.worksheet_range("Sở, ban, ngành").expect("sheet");
    let texts: Vec<String> = sheet
        .used_cells()
        .filter_map(|(_, _, c)| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("HYPERLINK")),
        "the name is in the workbook, as a text cell"
    );
}

fn check_package(b: &mut Browser) {
    let (status, _, disposition, bytes) = b.download("/results/2024/du-lieu.zip");
    assert_eq!(status, 200);
    assert!(disposition.starts_with("attachment"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut units = String::new();
    let name = (0..zip.len())
        .map(|i| zip.by_index(i).expect("entry").name().to_string())
        .find(|n| n.ends_with("units.csv"))
        .expect("units.csv");
    zip.by_name(&name)
        .expect("units.csv")
        .read_to_string(&mut units)
        .expect("read");
    assert!(units.contains("\"'=HYPERLINK("), "{units}");
    for i in 0..zip.len() {
        let entry = zip.by_index(i).expect("entry");
        let path = entry.enclosed_name().expect("a name inside the archive");
        assert!(
            path.components()
                .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{path:?} stays inside the folder"
        );
    }
}

#[test]
fn code_guessing_is_throttled_long_before_a_thousand_attempts() {
    let db = TestDb::new();
    hostile(&db);
    let server = TestServer::start(db.pool());
    let guess = |i: usize| format!("AAAA-BBBB-CCCC-{i:04}");
    let api: Vec<u16> = (0..100)
        .map(|i| {
            let body = serde_json::json!({"code": guess(i), "evaluations": []});
            post_json(&server, 2025, &body.to_string()).0
        })
        .collect();
    let first = api.iter().position(|s| *s == 429).expect("429 comes");
    assert!(first <= 60, "API: 429 after {first} attempts");
    assert!(api[first..].iter().all(|s| *s == 429), "and stays");

    // The web form counts for the same address: a second server starts afresh.
    let server = TestServer::start(db.pool());
    let mut b = Browser::new(&server);
    let web: Vec<u16> = (0..100)
        .map(|i| b.post("/survey", &[("code", &guess(i))]).0)
        .collect();
    let first = web.iter().position(|s| *s == 429).expect("429 comes");
    assert!(first <= 60, "web form: 429 after {first} attempts");
    assert!(web[first..].iter().all(|s| *s == 429));
    assert!(
        web[..first].iter().all(|s| *s == 422 || *s == 200),
        "{web:?}"
    );
}

#[test]
fn oversized_and_malformed_bodies_get_a_clear_refusal() {
    let db = TestDb::new();
    let codes = hostile(&db);
    let server = TestServer::start(db.pool());
    let big = format!(
        "{{\"code\": \"{}\", \"evaluations\": [], \"x\": \"{}\"}}",
        codes[0],
        "a".repeat(300 * 1024)
    );
    let (status, ct, body) = post_json(&server, 2025, &big);
    assert_eq!(status, 413);
    assert!(
        ct.starts_with("application/json") && body.contains("too_large"),
        "{body}"
    );

    for malformed in ["{\"code\": ", "not json", "{\"code\": \"x\",}", "[1, 2"] {
        let (status, ct, body) = post_json(&server, 2025, malformed);
        assert_eq!(status, 400, "{malformed}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("a JSON error");
        assert!(ct.starts_with("application/json"));
        assert_eq!(json["error"], "malformed");
        assert!(
            json["message"].as_str().is_some_and(|m| m.len() > 5),
            "{body}"
        );
    }

    let mut r = respondent(&server, &codes[1]);
    let (status, _, _) = r.post(
        "/survey/profile",
        &[("PROFILE_SIZE", &"x".repeat(300 * 1024))],
    );
    assert_eq!(status, 413, "an oversized form is refused too");
}

/// Every form and the fields it needs; each POST without a valid token must get 403.
const FORMS: &[(&str, &[(&str, &str)])] = &[
    ("/survey", &[("code", "AAAA-BBBB-CCCC-DDDD")]),
    (
        "/survey/profile",
        &[("profile.PROFILE_SIZE", "lt10"), ("unit", "DEP_THANH_TRA")],
    ),
    ("/survey/unit/DEP_THANH_TRA", &[("DEP_TR01", "4")]),
    ("/survey/submit", &[]),
    (
        "/admin/login",
        &[("username", "hiephoi"), ("password", ADMIN_PASSWORD)],
    ),
    ("/admin/logout", &[]),
    (
        "/admin/cycles/2025/contacts",
        &[("contacts", "email\na@example.vn")],
    ),
    ("/admin/cycles/2025/contacts/send", &[]),
    ("/admin/cycles/2025/contacts/remind", &[]),
    (
        "/admin/cycles",
        &[("year", "2026"), ("source", "seed"), ("confirm", "yes")],
    ),
    ("/admin/cycles/2025/close", &[("confirm", "yes")]),
    ("/admin/cycles/2025/invitations", &[("count", "3")]),
    (
        "/admin/users",
        &[
            ("username", "ke-gian"),
            ("role", "admin"),
            ("password", ADMIN_PASSWORD),
        ],
    ),
    (
        "/admin/cycles/2024/comments/DEP_THANH_TRA",
        &[("comment_id", "1"), ("verdict", "fit")],
    ),
];

#[test]
fn form_posts_without_a_valid_csrf_token_get_403() {
    let db = TestDb::new();
    let codes = hostile(&db);
    let server = TestServer::start(db.pool());
    // A signed-in admin who is also answering the survey: the victim a forged form targets.
    let mut b = sign_in(&server);
    let (status, _, _) = b.post("/survey", &[("code", &codes[0])]);
    assert_eq!(status, 303);
    for (path, fields) in FORMS {
        assert_eq!(b.post_without_token(path, fields), 403, "{path}, no token");
        let mut forged = fields.to_vec();
        forged.push(("csrf_token", "forged-token"));
        assert_eq!(
            b.post_without_token(path, &forged),
            403,
            "{path}, wrong token"
        );
    }
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    assert!(db::cycles::find(&mut conn, 2026).expect("find").is_none());
    let open = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(open.status, "open", "nothing a forged form asked was done");
    let (status, _, _) = b.get("/admin");
    assert_eq!(status, 200, "still signed in");
}

const SQL: [&str; 6] = [
    "' OR '1'='1",
    "'; DROP TABLE responses; --",
    "\" OR 1=1 --",
    "1; DELETE FROM invitations",
    "%' UNION SELECT code_hash FROM invitations --",
    "\\'); DELETE FROM answers; --",
];

#[test]
fn sql_metacharacters_in_every_input_are_only_text() {
    let db = TestDb::new();
    let codes = hostile(&db);
    let server = TestServer::start(db.pool());
    let valid = |code: &str, unit: &str, key: &str, comment: &str| {
        serde_json::json!({"code": code, "profile": {"PROFILE_SIZE": "lt10"},
            "evaluations": [{"unit_code": unit, "answers": {key: 4}, "comment": comment}]})
        .to_string()
    };
    let mut b = Browser::new(&server);
    for (i, s) in SQL.iter().enumerate() {
        let enc = s
            .replace('%', "%25")
            .replace(' ', "%20")
            .replace('"', "%22");
        let enc = enc
            .replace('#', "%23")
            .replace('?', "%3F")
            .replace('\\', "%5C");
        let api = |body: String| post_json(&server, 2025, &body).0;
        assert_eq!(
            api(valid(s, "DEP_THANH_TRA", "DEP_TR01", "")),
            404,
            "code {s}"
        );
        assert_eq!(api(valid(&codes[i], s, "DEP_TR01", "")), 422, "unit {s}");
        assert_eq!(
            api(valid(&codes[i], "DEP_THANH_TRA", s, "")),
            422,
            "key {s}"
        );
        assert_eq!(
            api(valid(&codes[i], "DEP_THANH_TRA", "DEP_TR01", s)),
            201,
            "comment {s}"
        );
        let (status, _, page) = b.post("/survey", &[("code", s)]);
        assert_eq!(status, 422, "web code {s}");
        assert_inert("/survey", &page);
        for path in [
            format!("/results/{enc}"),
            format!("/results/2024/don-vi/{enc}"),
            format!("/api/v1/cycles/{enc}/questionnaire"),
        ] {
            assert_eq!(b.get(&path).0, 404, "{path}");
        }
        let (status, _, _) = b.get(&format!("/results/2024?sort={enc}&lang={enc}"));
        assert_eq!(status, 200);
        let (status, _, _) = b.post("/admin/login", &[("username", s), ("password", s)]);
        assert_eq!(status, 401, "login {s}");
    }
    db.flush_pending(2025);
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(db::responses::count(&mut conn, cycle.id).expect("count"), 6);
    assert_eq!(
        db::invitations::counts(&mut conn, cycle.id).expect("counts"),
        (10, 6, 6),
        "invitations intact"
    );
    let last = db::cycles::get(&mut conn, 2024).expect("cycle");
    assert_eq!(
        db::responses::count(&mut conn, last.id).expect("count"),
        301
    );
    let mut admin = sign_in(&server);
    let (_, _, comments) = admin.get("/admin/cycles/2025/comments/DEP_THANH_TRA");
    assert!(
        comments.contains("DROP TABLE responses; --"),
        "stored and shown verbatim"
    );
}

#[test]
fn download_names_cannot_leave_their_folder() {
    let db = TestDb::new();
    hostile(&db);
    let server = TestServer::start(db.pool());
    let mut b = Browser::new(&server);
    for path in [
        "/results/2024/xep-hang.csv",
        "/results/2024/ket-qua.xlsx",
        "/results/2024/du-lieu.zip",
    ] {
        let (status, _, disposition, _) = b.download(path);
        assert_eq!(status, 200, "{path}");
        let name = disposition
            .split("filename=\"")
            .nth(1)
            .and_then(|n| n.strip_suffix('"'))
            .expect("a file name");
        assert!(
            !name.is_empty()
                && !name.starts_with('.')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{path}: {name}"
        );
    }
    let mut admin = sign_in(&server);
    let (status, disposition, _) =
        admin.post_download("/admin/cycles/2025/invitations", &[("count", "2")]);
    assert_eq!(status, 200);
    assert!(
        !disposition.contains('/') && !disposition.contains(".."),
        "{disposition}"
    );
    for path in [
        "/results/..%2F..%2Fetc%2Fpasswd/xep-hang.csv",
        "/results/2024/..%2F..%2FCargo.toml",
        "/results/2024/don-vi/..%2F..%2F..%2FCargo.toml",
        "/static/..%2FCargo.toml",
        "/static/..%2F..%2F..%2Fetc%2Fpasswd",
        "/results/%2E%2E/%2E%2E/Cargo.toml",
    ] {
        let (status, _, _, body) = b.download(path);
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("[package]") && !body.contains("root:"),
            "{path}"
        );
    }
}
