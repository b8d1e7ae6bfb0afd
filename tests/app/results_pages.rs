//! Public results: the ranking page and its downloads, for published cycles only.

use crate::common::{published_demo, run_ok, TestDb, TestServer};
use ddci::db;

fn get(server: &TestServer, path: &str) -> (u16, Option<String>, Option<String>, Vec<u8>) {
    let response = match ureq::get(&server.url(path)).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let status = response.status();
    let content_type = response.header("content-type").map(String::from);
    let disposition = response.header("content-disposition").map(String::from);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).expect("body");
    (status, content_type, disposition, bytes)
}

/// A published 2025 cycle and an unpublished, scored 2026 cycle.
fn cycles(db: &TestDb) {
    published_demo(
        db,
        "2025",
        "300",
        "5",
        &["--bootstrap", "20", "--min-responses", "10"],
    );
    run_ok(
        db,
        &[
            "demo",
            "--cycle",
            "2026",
            "--responses",
            "100",
            "--seed",
            "6",
        ],
    );
    run_ok(
        db,
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
}

#[test]
fn the_ranking_of_a_published_cycle_reads_in_vietnamese_and_english() {
    let db = TestDb::new();
    cycles(&db);
    let server = TestServer::start(db.pool());
    let (status, _, _, index) = get(&server, "/results");
    assert_eq!(status, 200);
    let index = String::from_utf8(index).expect("utf-8");
    assert!(
        index.contains("href=\"/results/2025\"") && !index.contains("/results/2026"),
        "{index}"
    );

    let (status, _, _, page) = get(&server, "/results/2025");
    assert_eq!(status, 200);
    let page = String::from_utf8(page).expect("utf-8");
    assert!(page.contains("Kết quả DDCI năm 2025"));
    assert!(
        page.contains("<h2>Sở, ban, ngành</h2>") && page.contains("Thuế tỉnh Lạng Sơn"),
        "{page}"
    );
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let loaded = ddci::results::load(&mut conn, cycle)
        .expect("load")
        .expect("run");
    let first = loaded
        .result
        .scores
        .iter()
        .find(|s| s.rank == Some(1))
        .expect("a first unit");
    let total = ddci::results::vi_number(first.total.expect("total"), 2);
    assert!(total.contains(','), "vi-VN decimal comma: {total}");
    assert!(
        page.contains(&format!(
            "<td class=\"num\" data-label=\"Điểm\">{total}</td>"
        )),
        "the first unit's total {total}"
    );

    let (_, _, _, english) = get(&server, "/results/2025?lang=en");
    let english = String::from_utf8(english).expect("utf-8");
    assert!(
        english.contains("DDCI results 2025") && english.contains("Lang Son Provincial Tax Office")
    );
}

#[test]
fn unpublished_results_and_their_downloads_are_not_public() {
    let db = TestDb::new();
    cycles(&db);
    let server = TestServer::start(db.pool());
    for path in [
        "/results/2026",
        "/results/2026/xep-hang.csv",
        "/results/2026/du-lieu.zip",
        "/results/1999",
    ] {
        assert_eq!(get(&server, path).0, 404, "{path}");
    }
}

#[test]
fn the_ranking_csv_opens_in_excel_and_matches_the_stored_run() {
    let db = TestDb::new();
    cycles(&db);
    let server = TestServer::start(db.pool());
    let (status, content_type, disposition, bytes) = get(&server, "/results/2025/xep-hang.csv");
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("text/csv; charset=utf-8"));
    assert_eq!(
        disposition.as_deref(),
        Some("attachment; filename=\"ddci-lang-son-2025-xep-hang.csv\"")
    );
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 86, "every unit");
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let loaded = ddci::results::load(&mut conn, cycle)
        .expect("load")
        .expect("run");
    for row in &rows {
        let stored = loaded
            .result
            .scores
            .iter()
            .find(|s| s.unit_code == row[2])
            .expect("unit");
        let total: Option<f64> = (!row[5].is_empty()).then(|| row[5].parse().expect("number"));
        assert_eq!(total, stored.total, "{}", &row[2]);
        assert_eq!(row[1].parse::<u32>().ok(), stored.rank);
    }
}

#[test]
fn the_open_data_package_downloads_as_a_zip_of_the_published_run() {
    let db = TestDb::new();
    cycles(&db);
    let server = TestServer::start(db.pool());
    let (status, content_type, disposition, bytes) = get(&server, "/results/2025/du-lieu.zip");
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("application/zip"));
    assert_eq!(
        disposition.as_deref(),
        Some("attachment; filename=\"ddci-lang-son-2025-du-lieu.zip\"")
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("datapackage.json").expect("descriptor"),
        &mut text,
    )
    .expect("read");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(json["ddci"]["status"], "published");
    assert_eq!(json["ddci"]["bootstrap"]["replicates"], 20);
}

#[test]
fn addresses_the_site_does_not_have_are_404_pages_of_the_site_and_head_answers() {
    let db = TestDb::new();
    cycles(&db);
    let server = TestServer::start(db.pool());
    let cases = [
        ("/khong-co", "Không tìm thấy trang"),
        ("/results/abc", "Không tìm thấy trang"),
        (
            "/results/2025/don-vi/KHONG_CO",
            "không có đơn vị nào với mã đó",
        ),
        ("/khong-co?lang=en", "Page not found"),
        (
            "/results/2025/don-vi/NOPE?lang=en",
            "no unit with that code",
        ),
    ];
    for (path, text) in cases {
        let (status, content_type, _, body) = get(&server, path);
        let html = String::from_utf8(body).expect("utf-8");
        assert_eq!(status, 404, "{path}");
        assert_eq!(
            content_type.as_deref(),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        assert!(
            html.contains("class=\"brand\""),
            "{path}: the site's layout"
        );
        assert!(html.contains(text), "{path}: {html}");
        assert!(!html.contains("parse"), "{path}: never the parser's words");
    }
    let head = ureq::head(&server.url("/")).call().expect("HEAD / answers");
    assert_eq!(head.status(), 200);
    assert_eq!(head.into_string().expect("empty"), "");
}
