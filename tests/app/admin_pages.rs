//! The Business Association's path through the admin pages — account, cycle, codes, monitor,
//! scoring, publication — then a visitor reading and downloading the results; and who may
//! reach which route.

use crate::common::browser::{sign_in, Browser};
use crate::common::{admin_account, ddci, run_ok, TestDb, TestServer, ADMIN_PASSWORD};
use ddci::db;

/// An admin form: its path, its fields, and whether an analyst may submit it.
type Action<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);

/// Posts an action, confirms it on the confirmation page, and answers the outcome page.
fn confirmed(b: &mut Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let (status, _, page) = b.post(path, fields);
    assert_eq!(status, 200, "{path}: a confirmation page first\n{page}");
    assert!(page.contains("name=\"confirm\" value=\"yes\""), "{page}");
    // The page names each value by the form's label, never by its parameter key.
    for (key, _) in fields {
        assert!(
            !page.contains(&format!("<dt>{key}</dt>")),
            "{key} shown as a key\n{page}"
        );
    }
    if fields.iter().any(|(k, _)| *k == "min_responses") {
        assert!(
            page.contains("<dt>Số lượt đánh giá tối thiểu") || page.contains("<dt>Minimum"),
            "{page}"
        );
    }
    let mut all = fields.to_vec();
    all.push(("confirm", "yes"));
    let (status, _, page) = b.post(path, &all);
    (status, page)
}

#[test]
fn accounts_need_a_valid_name_and_a_long_password() {
    let db = TestDb::new();
    let out = ddci(&db)
        .args([
            "admin",
            "create",
            "--username",
            "hiephoi",
            "--role",
            "admin",
        ])
        .env("DDCI_ADMIN_PASSWORD", "short")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
    let out = ddci(&db)
        .args(["admin", "create", "--username", "hiephoi", "--role", "root"])
        .env("DDCI_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .output()
        .expect("runs");
    assert!(!out.status.success(), "unknown role refused");
    admin_account(&db, "hiephoi", "admin");
    let out = ddci(&db)
        .args([
            "admin",
            "create",
            "--username",
            "hiephoi",
            "--role",
            "analyst",
        ])
        .env("DDCI_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let (user, hash) = db::admin::credentials(&mut conn, "hiephoi")
        .expect("query")
        .expect("account");
    assert_eq!(user.role, ddci::auth::Role::Admin);
    assert!(
        hash.starts_with("$argon2id$") && !hash.contains(ADMIN_PASSWORD),
        "only a hash is stored"
    );
}

#[test]
fn an_admin_runs_a_cycle_from_sign_in_to_publication_and_a_visitor_reads_it() {
    let db = TestDb::new();
    admin_account(&db, "hiephoi", "admin");
    let server = TestServer::start(db.pool());
    let mut admin = Browser::new(&server);

    let (status, location, _) = admin.get("/admin");
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/login?next=/admin")
    );
    let (status, _, page) = admin.post(
        "/admin/login",
        &[("username", "hiephoi"), ("password", "sai-mat-khau-roi")],
    );
    assert_eq!(status, 401);
    assert!(page.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
    let (status, location, _) = admin.post(
        "/admin/login",
        &[
            ("username", "hiephoi"),
            ("password", ADMIN_PASSWORD),
            ("next", "/admin"),
        ],
    );
    assert_eq!((status, location.as_str()), (303, "/admin"));
    let cookie = admin
        .set_cookies
        .iter()
        .find(|c| c.starts_with("ddci_admin="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    let (status, page) = confirmed(
        &mut admin,
        "/admin/cycles",
        &[("year", "2025"), ("source", "seed")],
    );
    assert_eq!(status, 200, "{page}");
    let (status, page) = confirmed(
        &mut admin,
        "/admin/cycles",
        &[("year", "2025"), ("source", "seed")],
    );
    assert_eq!(status, 409, "a second cycle for one year is refused");
    assert!(page.contains("a cycle 2025 already exists"), "{page}");
    let (status, _) = confirmed(
        &mut admin,
        "/admin/cycles/2025/open",
        &[("closes_on", "2025-10-31")],
    );
    assert_eq!(status, 200);

    let (status, disposition, csv) =
        admin.post_download("/admin/cycles/2025/invitations", &[("count", "12")]);
    assert_eq!(status, 200);
    assert!(
        disposition.contains("ddci-lang-son-2025-ma-moi-"),
        "{disposition}"
    );
    let csv = csv
        .strip_prefix("\u{feff}".as_bytes())
        .expect("the download starts with a byte order mark, for Excel");
    let mut reader = csv::Reader::from_reader(csv);
    let codes: Vec<String> = reader
        .records()
        .map(|r| r.expect("row")[0].to_string())
        .collect();
    assert_eq!(codes.len(), 12);
    for code in &codes[..3] {
        let body = serde_json::json!({"code": code, "profile": {"PROFILE_SIZE": "lt10"},
            "evaluations": [{"unit_code": "DEP_THANH_TRA", "answers": {"DEP_TR01": 4}, "comment": "<b>Cán bộ</b> nhiệt tình"}]});
        let status = ureq::post(&server.url("/api/v1/cycles/2025/responses"))
            .set("content-type", "application/json")
            .send_string(&body.to_string())
            .map_or_else(
                |e| match e {
                    ureq::Error::Status(s, _) => s,
                    other => panic!("{other}"),
                },
                |r| r.status(),
            );
        assert_eq!(status, 201);
    }
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "300",
            "--seed",
            "9",
        ],
    );

    let (status, _, page) = admin.get("/admin/cycles/2025");
    assert_eq!(status, 200);
    assert!(
        page.contains("Đã phát 12 mã, 3 mã đã bắt đầu trả lời, 3 mã đã gửi phiếu."),
        "{page}"
    );
    assert!(
        page.contains("Đã nhận 303 phiếu."),
        "the monitor counts every response"
    );
    assert!(
        page.contains("&lt; 5"),
        "small profile groups are suppressed"
    );
    // The monitor: one table per kind, each unit's progress against its kind's minimum.
    assert!(page.contains("Lượt đánh giá theo đơn vị — Sở, ban, ngành (tối thiểu "));
    assert!(page.contains("— UBND xã, phường (tối thiểu 10 lượt đánh giá)"));
    assert!(page.contains("<td class=\"progress-cell\"><progress max=\"100\""));
    // Responses per day drawn as a chart above their table.
    assert!(page.contains("<figure class=\"chart\"><svg role=\"img\""));
    // The three API submissions wait for a mixing batch of 10; the page says so.
    assert!(
        page.contains("3 phiếu mới nhận đang chờ được trộn vào số liệu"),
        "{page}"
    );
    let (_, _, comments) = admin.get("/admin/cycles/2025/comments/DEP_THANH_TRA");
    assert!(
        !comments.contains("&lt;b&gt;Cán bộ&lt;/b&gt;"),
        "comments arrive with their batch, not one by one"
    );
    db.flush_pending(2025);
    let (_, _, comments) = admin.get("/admin/cycles/2025/comments/DEP_THANH_TRA");
    assert!(
        comments.contains("&lt;b&gt;Cán bộ&lt;/b&gt; nhiệt tình"),
        "comments are shown as text"
    );

    let (status, page) = confirmed(
        &mut admin,
        "/admin/cycles/2025/score",
        &[("bootstrap", "20"), ("min_responses", "10")],
    );
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("units ranked"), "{page}");
    let (status, _) = confirmed(
        &mut admin,
        "/admin/cycles/2025/score",
        &[("bootstrap", "20"), ("min_responses", "12"), ("seed", "7")],
    );
    assert_eq!(status, 200);
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let runs = db::runs::list(&mut conn, cycle.id).expect("runs");
    assert_eq!(runs.len(), 2);
    assert_eq!(
        (runs[0].min_responses, runs[0].bootstrap_seed),
        (12, 7),
        "the form's parameters were used"
    );
    let (status, _, page) = admin.get(&format!("/admin/cycles/2025/runs/{}", runs[0].id));
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("So với lượt tính trước ({})", runs[1].id)),
        "{page}"
    );
    // The run's time in Vietnam, written dd/mm/yyyy hh:mm.
    let at = page
        .split("<dt>Thời điểm (giờ Việt Nam)</dt><dd>")
        .nth(1)
        .and_then(|rest| rest.split("</dd>").next())
        .expect("the run's time");
    let digits: String = at
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(digits, "99/99/9999 99:99", "{at}");
    // Grouped by kind (departments before communes), each by rank, with a kind column.
    let kinds: Vec<&str> = page
        .split("<tr><td>")
        .skip(1)
        .filter_map(|row| row.split("</td>").next())
        .collect();
    let first_commune = kinds
        .iter()
        .position(|k| *k == "UBND xã, phường")
        .expect("communes");
    assert!(kinds[..first_commune]
        .iter()
        .all(|k| *k == "Sở, ban, ngành"));
    assert!(kinds[first_commune..]
        .iter()
        .all(|k| *k == "UBND xã, phường"));
    let ranks: Vec<u32> = page
        .split("<tr><td>Sở, ban, ngành</td>")
        .skip(1)
        .filter_map(|row| {
            let cell = row.split("<td class=\"num\">").nth(1)?;
            cell.split('<').next()?.parse().ok()
        })
        .collect();
    assert!(
        ranks.len() > 3 && ranks.windows(2).all(|w| w[0] <= w[1]),
        "{ranks:?}"
    );

    let (status, page) = confirmed(&mut admin, "/admin/cycles/2025/publish", &[]);
    assert_eq!(status, 200, "{page}");
    let (status, page) = confirmed(&mut admin, "/admin/cycles/2025/publish", &[]);
    assert_eq!(status, 409, "publishing twice is refused");
    assert!(page.contains("already published"), "{page}");

    let (_, _, audit) = admin.get("/admin/audit");
    for action in [
        "login.failed",
        "login",
        "cycle.create",
        "cycle.open",
        "invitations.issue",
        "cycle.score",
        "cycle.publish",
    ] {
        assert!(
            audit.contains(&format!("<td>{action}</td>")),
            "{action} is audited"
        );
    }
    let (status, location, _) = admin.post("/admin/logout", &[]);
    assert_eq!((status, location.as_str()), (303, "/"));
    assert_eq!(admin.get("/admin").0, 303, "signed out");

    let mut visitor = Browser::new(&server);
    let (status, _, page) = visitor.get("/results/2025");
    assert_eq!(status, 200);
    assert!(page.contains("<svg role=\"img\""), "a bar chart");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let loaded = ddci::results::load(&mut conn, cycle)
        .expect("load")
        .expect("run");
    let ranked = loaded
        .result
        .scores
        .iter()
        .find(|s| s.ranked)
        .expect("a ranked unit");
    let (status, _, card) = visitor.get(&format!("/results/2025/don-vi/{}", ranked.unit_code));
    assert_eq!(status, 200);
    assert!(
        card.matches("<svg role=\"img\"").count() >= 1,
        "the component chart (the trend needs two published years)"
    );
    assert!(
        card.contains("doanh nghiệp đồng ý")
            && card.contains("Ba điểm mạnh nhất")
            && card.contains("Ba điểm yếu nhất")
    );
    assert!(
        card.contains("(càng cao càng tốt)") && card.contains("(càng thấp càng tốt)"),
        "every indicator says which way is better"
    );
    assert!(
        card.contains("Trung vị điểm tổng hợp của Sở, ban, ngành")
            || card.contains("Trung vị điểm tổng hợp của UBND xã, phường"),
        "the unit against its kind's median"
    );
    for unit in ["lần", "ngày", "giờ"] {
        for d in 0..10 {
            assert!(
                !card.contains(&format!("{d},0 {unit}")),
                "a whole count reads without ',0'"
            );
        }
    }
    let total = ddci::results::vi_number(ranked.total.expect("total"), 2);
    assert!(
        card.contains(&format!("<span class=\"big\">{total}</span>")),
        "{total}"
    );

    // The three downloads, each parsed back.
    let (status, content_type, disposition, csv) = visitor.download("/results/2025/xep-hang.csv");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    assert!(
        disposition.contains("ddci-lang-son-2025-xep-hang.csv"),
        "{disposition}"
    );
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let text = String::from_utf8(csv[3..].to_vec()).expect("utf-8");
    let name = &loaded
        .catalog
        .units
        .iter()
        .find(|u| u.code == ranked.unit_code)
        .expect("unit")
        .name_vi;
    assert!(
        text.contains(name.as_str()),
        "the ranked unit's Vietnamese name"
    );
    let (status, content_type, _, xlsx) = visitor.download("/results/2025/ket-qua.xlsx");
    assert_eq!(status, 200);
    assert!(content_type.contains("spreadsheetml"), "{content_type}");
    let book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx)).expect("xlsx opens");
    assert!(calamine::Reader::sheet_names(&book).len() >= 4);
    let (status, content_type, _, zip) = visitor.download("/results/2025/du-lieu.zip");
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("zip opens");
    assert!(archive.by_name("datapackage.json").is_ok());
}

#[test]
fn the_workbook_has_the_four_sheets_and_the_stored_numbers() {
    use calamine::{Data, Reader};
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "300",
            "--seed",
            "3",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2025",
            "--bootstrap",
            "10",
            "--min-responses",
            "10",
        ],
    );
    run_ok(&db, &["publish", "--cycle", "2025"]);
    let server = TestServer::start(db.pool());
    let mut visitor = Browser::new(&server);
    let (status, content_type, disposition, bytes) = visitor.download("/results/2025/ket-qua.xlsx");
    assert_eq!(status, 200);
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        disposition,
        "attachment; filename=\"ddci-lang-son-2025-ket-qua.xlsx\""
    );
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    assert_eq!(
        book.sheet_names(),
        [
            "Sở, ban, ngành",
            "UBND xã, phường",
            "Chỉ tiêu",
            "Phương pháp"
        ],
        "sheets named in Vietnamese"
    );
    let sheet = book.worksheet_range("Sở, ban, ngành").expect("sheet");
    let header = |row: usize| -> Vec<String> {
        sheet
            .rows()
            .nth(row)
            .expect("header")
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(
        header(0)[..5],
        [
            "Hạng",
            "Mã đơn vị",
            "Tên đơn vị",
            "Tên tiếng Anh",
            "Điểm tổng hợp (thang 100)"
        ],
        "the first header row is Vietnamese"
    );
    assert_eq!(header(1)[..2], ["Rank", "Unit code"], "then English");
    assert_eq!(
        header(0)[13],
        "Thay đổi có ý nghĩa",
        "change with its interval"
    );
    assert_eq!(
        header(0)[16],
        "Tính minh bạch và tiếp cận thông tin",
        "components by name"
    );
    assert!(
        header(1)[16].ends_with("(DEPC_TRANSPARENCY)"),
        "beside their code"
    );
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let loaded = ddci::results::load(&mut conn, cycle)
        .expect("load")
        .expect("run");
    let rows: Vec<_> = sheet.rows().skip(2).collect();
    assert_eq!(
        rows.len(),
        loaded
            .result
            .scores
            .iter()
            .filter(|s| s.kind == "department")
            .count()
    );
    for row in rows {
        let code = row[1].to_string();
        let stored = loaded
            .result
            .scores
            .iter()
            .find(|s| s.unit_code == code)
            .expect("unit");
        let total = match &row[4] {
            Data::Float(x) => Some(*x),
            Data::Empty => None,
            other => panic!("{other:?}"),
        };
        assert_eq!(total, stored.total, "{code}");
        let sensitivity = match &row[14] {
            Data::Float(x) => Some(*x as u32),
            Data::Empty => None,
            other => panic!("{other:?}"),
        };
        assert_eq!(sensitivity, stored.rank_sensitivity_low, "{code}");
    }
    let indicators = book.worksheet_range("Chỉ tiêu").expect("sheet");
    assert_eq!(
        indicators.rows().count() - 2,
        loaded.result.indicator_scores.len()
    );
}

#[test]
fn formulas_in_catalog_names_stay_text_in_the_workbook() {
    use calamine::{Data, Reader};
    let db = TestDb::new();
    let dir = tempfile::tempdir().expect("tmp");
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/lang-son")).expect("seeds")
    {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    let units = dir.path().join("units.csv");
    let text = std::fs::read_to_string(&units).expect("units");
    std::fs::write(
        &units,
        text.replacen(
            "Cục Thuế tỉnh",
            "=HYPERLINK(\"http://evil.example\";\"x\")",
            1,
        ),
    )
    .expect("write");
    run_ok(&db, &["seed", "--dir", dir.path().to_str().expect("path")]);
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2024",
            "--responses",
            "200",
            "--seed",
            "4",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2024",
            "--bootstrap",
            "0",
            "--min-responses",
            "5",
        ],
    );
    run_ok(&db, &["publish", "--cycle", "2024"]);
    let server = TestServer::start(db.pool());
    let (_, _, _, bytes) = Browser::new(&server).download("/results/2024/ket-qua.xlsx");
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    let formulas = book.worksheet_formula("Sở, ban, ngành").expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
    let sheet = book.worksheet_range("Sở, ban, ngành").expect("sheet");
    let cell = sheet.rows().find(|r| r[1] == "DEP_CUC_THUE").expect("row")[2].clone();
    assert_eq!(
        cell,
        Data::String("=HYPERLINK(\"http://evil.example\";\"x\")".into()),
        "kept as text"
    );
}

/// Every admin route with the role it needs, and what a visitor and an analyst get.
#[test]
fn each_route_admits_only_whom_it_should() {
    let db = TestDb::new();
    admin_account(&db, "hiephoi", "admin");
    admin_account(&db, "phantich", "analyst");
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2026",
            "--responses",
            "120",
            "--seed",
            "8",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2026",
            "--bootstrap",
            "0",
            "--min-responses",
            "5",
        ],
    );
    let pool = db.pool();
    let run = {
        let mut conn = pool.get().expect("conn");
        let cycle = db::cycles::get(&mut conn, 2026).expect("cycle");
        db::runs::latest(&mut conn, cycle.id)
            .expect("q")
            .expect("run")
            .id
    };
    let server = TestServer::start(pool);
    let run_page = format!("/admin/cycles/2026/runs/{run}");
    // (path, analyst may read)
    let pages: [(&str, bool); 6] = [
        ("/admin", true),
        ("/admin/cycles/2026", true),
        ("/admin/cycles/2026/comments", true),
        (&run_page, true),
        ("/admin/audit", true),
        ("/admin/users", false),
    ];
    // (path, fields, analyst may do)
    let actions: [Action; 7] = [
        ("/admin/cycles", &[("year", "2027")], false),
        ("/admin/cycles/2026/open", &[], false),
        ("/admin/cycles/2026/close", &[], false),
        ("/admin/cycles/2026/publish", &[], false),
        ("/admin/cycles/2026/invitations", &[("count", "3")], false),
        (
            "/admin/users",
            &[
                ("username", "moi"),
                ("password", ADMIN_PASSWORD),
                ("role", "admin"),
            ],
            false,
        ),
        ("/admin/cycles/2026/score", &[], true),
    ];
    let unpublished = [
        "/results/2026",
        "/results/2026/xep-hang.csv",
        "/results/2026/ket-qua.xlsx",
        "/results/2026/du-lieu.zip",
        "/results/2026/pci",
        "/results/2026/don-vi/DEP_THANH_TRA",
    ];

    let mut visitor = Browser::new(&server);
    for (path, _) in pages {
        let (status, location, _) = visitor.get(path);
        assert_eq!(status, 303, "{path}");
        assert!(location.starts_with("/admin/login"), "{path} → {location}");
    }
    for (path, fields, _) in actions {
        let (status, location, _) = visitor.post(path, fields);
        assert_eq!(
            (status, location.starts_with("/admin/login")),
            (303, true),
            "{path}"
        );
    }
    for path in unpublished {
        assert_eq!(
            visitor.download(path).0,
            404,
            "{path} is not public before publication"
        );
    }

    let mut analyst = sign_in(&server, "phantich");
    for (path, may) in pages {
        assert_eq!(
            analyst.get(path).0,
            if may { 200 } else { 403 },
            "analyst GET {path}"
        );
    }
    for (path, fields, may) in actions {
        assert_eq!(
            analyst.post(path, fields).0,
            if may { 200 } else { 403 },
            "analyst POST {path}"
        );
    }
    for path in unpublished {
        assert_eq!(
            analyst.download(path).0,
            200,
            "analyst sees {path} before publication"
        );
    }
    assert!(
        analyst.get("/results/2026").2.contains("Bản xem trước"),
        "marked as a preview"
    );
    // Staff previews and their downloads are kept by no browser or proxy.
    for path in unpublished {
        assert_eq!(
            analyst.header(path, "cache-control"),
            (200, Some("no-store".to_string())),
            "{path}"
        );
    }

    let mut admin = sign_in(&server, "hiephoi");
    for (path, _) in pages {
        assert_eq!(admin.get(path).0, 200, "admin GET {path}");
    }
    for (path, fields, _) in actions {
        assert_eq!(
            admin.post_without_token(path, fields),
            403,
            "{path} without a CSRF token"
        );
    }
    let mut conn = db.pool().get().expect("conn");
    assert_eq!(
        db::cycles::get(&mut conn, 2026).expect("cycle").status,
        "open",
        "nothing changed"
    );
}

#[test]
fn failed_sign_ins_are_throttled() {
    let db = TestDb::new();
    admin_account(&db, "hiephoi", "admin");
    let server = TestServer::start(db.pool());
    let mut b = Browser::new(&server);
    let statuses: Vec<u16> = (0..12)
        .map(|i| {
            b.post(
                "/admin/login",
                &[
                    ("username", "hiephoi"),
                    ("password", &format!("wrong-{i}-password")),
                ],
            )
            .0
        })
        .collect();
    assert_eq!(&statuses[..10], &[401; 10]);
    assert_eq!(statuses[10], 429, "{statuses:?}");
    let (status, _, page) = b.post(
        "/admin/login",
        &[("username", "hiephoi"), ("password", ADMIN_PASSWORD)],
    );
    assert_eq!(status, 429, "even the right password waits");
    assert!(page.contains("Xin đợi một phút"));
}

#[test]
fn a_disabled_account_is_signed_out_at_once_and_cannot_sign_in_until_enabled() {
    let db = TestDb::new();
    admin_account(&db, "chu_tich", "admin");
    admin_account(&db, "phan_tich", "analyst");
    let server = TestServer::start(db.pool());
    let mut admin = sign_in(&server, "chu_tich");
    let mut analyst = sign_in(&server, "phan_tich");
    assert_eq!(analyst.get("/admin").0, 200);
    let (status, _, page) = admin.post(
        "/admin/users/account",
        &[("username", "phan_tich"), ("action", "disable")],
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        analyst.get("/admin").0,
        303,
        "the analyst's session has ended"
    );
    let (status, _, _) = Browser::new(&server).post(
        "/admin/login",
        &[("username", "phan_tich"), ("password", ADMIN_PASSWORD)],
    );
    assert_eq!(status, 401, "a disabled account cannot sign in");
    let (_, _, users) = admin.get("/admin/users");
    assert!(
        users.contains("Đã khóa") || users.contains("Disabled"),
        "{users}"
    );
    // Nobody disables their own account (there would be no admin left to undo it).
    let (status, _, _) = admin.post(
        "/admin/users/account",
        &[("username", "chu_tich"), ("action", "disable")],
    );
    assert_eq!(status, 409);
    assert_eq!(admin.get("/admin").0, 200);
    admin.post(
        "/admin/users/account",
        &[("username", "phan_tich"), ("action", "enable")],
    );
    sign_in(&server, "phan_tich");
    let mut conn = db.pool().get().expect("conn");
    let log = db::admin::audit_log(&mut conn, 20).expect("log");
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"account.disable") && actions.contains(&"account.enable"));
}

#[test]
fn the_audit_log_keeps_at_most_64_characters_of_a_typed_name() {
    let db = TestDb::new();
    let server = TestServer::start(db.pool());
    let typed = format!("{}{}", "ă".repeat(64), "x".repeat(5_000));
    let (status, _, _) = Browser::new(&server).post(
        "/admin/login",
        &[("username", &typed), ("password", "wrong-password-here")],
    );
    assert_eq!(status, 401);
    let mut conn = db.pool().get().expect("conn");
    let log = db::admin::audit_log(&mut conn, 10).expect("log");
    let failed: Vec<_> = log.iter().filter(|e| e.action == "login.failed").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].actor, "ă".repeat(64));
}

#[test]
fn every_results_and_admin_page_renders_in_both_languages() {
    let db = TestDb::new();
    admin_account(&db, "hiephoi", "admin");
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2024",
            "--responses",
            "200",
            "--seed",
            "1",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2024",
            "--bootstrap",
            "10",
            "--min-responses",
            "5",
        ],
    );
    run_ok(&db, &["publish", "--cycle", "2024"]);
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "200",
            "--seed",
            "2",
        ],
    );
    run_ok(
        &db,
        &[
            "score",
            "--cycle",
            "2025",
            "--bootstrap",
            "10",
            "--min-responses",
            "5",
        ],
    );
    let server = TestServer::start(db.pool());
    let mut admin = sign_in(&server, "hiephoi");
    let pages = [
        "/",
        "/results",
        "/results/2024",
        "/results/2024?sort=name",
        "/results/2024?sort=change",
        "/results/2024/don-vi/DEP_THANH_TRA",
        "/results/2024/don-vi/DIS_HUU_LUNG",
        "/results/2024/pci",
        "/method",
        "/results/2025",
        "/results/2025/don-vi/DEP_THANH_TRA",
        "/admin",
        "/admin/cycles/2025",
        "/admin/cycles/2025/comments",
        "/admin/audit",
        "/admin/users",
        "/admin/login",
    ];
    for lang in ["vi", "en"] {
        for path in pages {
            let sep = if path.contains('?') { '&' } else { '?' };
            let (status, _, html) = admin.get(&format!("{path}{sep}lang={lang}"));
            assert_eq!(status, 200, "{path} in {lang}");
            assert!(
                html.contains(&format!("<html lang=\"{lang}\">")),
                "{path} in {lang}"
            );
        }
    }
    let (_, _, english) = admin.get("/results/2025/don-vi/DEP_THANH_TRA?lang=en");
    assert!(
        english.contains("of businesses agree")
            && english.contains("2024")
            && english.contains("2025"),
        "trend over both years"
    );
    let (_, _, method) = admin.get("/method?lang=en");
    assert!(method.contains("<h1>The DDCI scoring method</h1>"));
}
