//! Paper: `ddci invite --letters` (one A4 letter per code, codes that work, refused for a
//! closed or published cycle with nothing stored) and `ddci questionnaire` (the printed
//! questionnaire, and the entry template whose sheets `ddci import` reads).

use crate::common::{ddci, expect_success, published_demo, run_ok, TestDb, TestServer};
use ddci::db;
use std::path::Path;

/// Each page's text, read back through the fonts' ToUnicode maps.
fn page_texts(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).expect("a PDF");
    doc.get_pages()
        .keys()
        .map(|n| doc.extract_text(&[*n]).expect("page text"))
        .collect()
}

/// The invitation codes (XXXX-XXXX-XXXX-XXXX, as one token) on a page.
fn codes_on(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|t| {
            t.len() == 19
                && t.split('-').count() == 4
                && t.split('-')
                    .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_alphanumeric()))
        })
        .map(str::to_string)
        .collect()
}

/// (issued, started, submitted) invitations of `year`.
fn invitations(db: &TestDb, year: i32) -> (i64, i64, i64) {
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, year).expect("cycle");
    db::invitations::counts(&mut conn, cycle.id).expect("counts")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn five_codes_give_five_pages_each_with_its_working_code() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025", "--closes-on", "2025-10-31"]);
    let dir = tempfile::tempdir().expect("tmp");
    let letters = dir.path().join("letters.pdf");
    expect_success(
        ddci(&db)
            .args(["invite", "--cycle", "2025", "--count", "5", "--letters"])
            .arg(&letters),
    );
    assert_eq!(
        files_in(dir.path()),
        ["letters.pdf"],
        "no codes file, no leftovers"
    );
    let pages = page_texts(&letters);
    assert_eq!(pages.len(), 5);
    let mut all_codes = Vec::new();
    for text in &pages {
        let codes = codes_on(text);
        assert_eq!(codes.len(), 1, "one code per page, as one token: {text}");
        for needle in [
            "HIỆP HỘI DOANH NGHIỆP TỈNH LẠNG SƠN",
            "Kế hoạch số 230/KH-UBND",
            "Hạn trả lời: 31/10/2025",
            "Answer by: 31/10/2025",
            "Quý doanh nghiệp",
            "Bảo mật:",
            "/survey",
        ] {
            assert!(text.contains(needle), "{needle} missing from: {text}");
        }
        all_codes.extend(codes);
    }
    all_codes.sort();
    all_codes.dedup();
    assert_eq!(all_codes.len(), 5, "five different codes");
    assert_eq!(invitations(&db, 2025), (5, 0, 0));

    // The printed codes are the stored ones: one of them submits a questionnaire.
    let server = TestServer::start(db.pool());
    let body = serde_json::json!({
        "code": all_codes[2],
        "profile": {},
        "evaluations": [{"unit_code": "DEP_THUE_TINH", "answers": {"DEP_TR01": 4}}]
    });
    let status = match ureq::post(&server.url("/api/v1/cycles/2025/responses"))
        .set("content-type", "application/json")
        .send_string(&body.to_string())
    {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(status, 201);
    assert_eq!(invitations(&db, 2025), (5, 1, 1));
}

#[test]
fn letters_carry_labels_in_nfc_with_embedded_subset_fonts_beside_the_codes_file() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "create", "2025"]);
    let dir = tempfile::tempdir().expect("tmp");
    let labels = dir.path().join("labels.csv");
    // The second label typed with combining marks, as some keyboards and exports write it.
    std::fs::write(
        &labels,
        "label\nCông ty TNHH Hoàng Long\nHTX Nông nghiệp Đo\u{302}\u{300}ng Đa\u{306}ng\n",
    )
    .expect("write");
    let (codes, letters) = (dir.path().join("codes.csv"), dir.path().join("letters.pdf"));
    expect_success(
        ddci(&db)
            .args(["invite", "--cycle", "2025", "--labels"])
            .arg(&labels)
            .arg("--out")
            .arg(&codes)
            .arg("--letters")
            .arg(&letters),
    );
    let pages = page_texts(&letters);
    assert_eq!(pages.len(), 2, "a created cycle gets letters too");
    assert!(pages[0].contains("Kính gửi: Công ty TNHH Hoàng Long"));
    assert!(
        pages[1].contains("Kính gửi: HTX Nông nghiệp Đồng Đăng"),
        "{}",
        pages[1]
    );
    assert!(
        pages[1].contains("Hạn trả lời: không hạn"),
        "no deadline: {}",
        pages[1]
    );
    // The codes file and the letters hold the same codes, in the same order.
    let csv = std::fs::read_to_string(&codes).expect("codes");
    let in_csv: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default().to_string())
        .collect();
    let on_letters: Vec<String> = pages.iter().flat_map(|p| codes_on(p)).collect();
    assert_eq!(in_csv, on_letters);

    let doc = lopdf::Document::load(&letters).expect("pdf");
    let mut fonts = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Type0".as_slice()) {
            continue;
        }
        fonts += 1;
        let name = dict
            .get(b"BaseFont")
            .and_then(|n| n.as_name())
            .expect("name");
        assert_eq!(name.get(6), Some(&b'+'), "a subset font: {name:?}");
        assert!(dict.has(b"ToUnicode"), "text can be searched and copied");
    }
    assert_eq!(fonts, 3, "sans, bold and mono for the code");
}

#[test]
fn letters_for_a_closed_or_published_cycle_are_refused_and_nothing_is_stored() {
    let db = TestDb::new();
    published_demo(&db, "2024", "60", "3", &["--bootstrap", "20"]);
    run_ok(&db, &["cycle", "open", "2025"]);
    run_ok(&db, &["cycle", "close", "2025"]);
    for (year, why) in [
        (
            2025,
            "cycle 2025 is closed; letters ask businesses to answer",
        ),
        (2024, "cycle 2024 is published"),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        let out = ddci(&db)
            .args(["invite", "--cycle", &year.to_string(), "--count", "3"])
            .arg("--out")
            .arg(dir.path().join("codes.csv"))
            .arg("--letters")
            .arg(dir.path().join("letters.pdf"))
            .output()
            .expect("runs");
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(why), "{stderr}");
        assert!(files_in(dir.path()).is_empty(), "no file, no leftover");
        assert_eq!(invitations(&db, year).0, 0, "no code stored");
    }
    // A closed cycle still gets a plain codes file (for reopening), as before.
    let dir = tempfile::tempdir().expect("tmp");
    expect_success(
        ddci(&db)
            .args(["invite", "--cycle", "2025", "--count", "1", "--out"])
            .arg(dir.path().join("codes.csv")),
    );
}

#[test]
fn invite_needs_an_output_and_never_overwrites_letters() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    let out = ddci(&db)
        .args(["invite", "--cycle", "2025", "--count", "2"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--letters"));
    let dir = tempfile::tempdir().expect("tmp");
    let letters = dir.path().join("letters.pdf");
    std::fs::write(&letters, "precious").expect("write");
    let out = ddci(&db)
        .args(["invite", "--cycle", "2025", "--count", "2", "--letters"])
        .arg(&letters)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("letters.pdf already exists; codes are shown only once"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&letters).expect("read"), "precious");
    assert_eq!(invitations(&db, 2025).0, 0);
}

#[test]
fn the_paper_questionnaire_has_every_question_and_numbered_pages() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    let dir = tempfile::tempdir().expect("tmp");
    let pdf = dir.path().join("questionnaire.pdf");
    expect_success(
        ddci(&db)
            .args(["questionnaire", "--cycle", "2025", "--pdf"])
            .arg(&pdf),
    );
    let pages = page_texts(&pdf);
    let n = pages.len();
    assert!(n > 3, "{n} pages");
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let all = flat(&pages.concat());
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, vec![]).expect("catalog");
    assert!(!catalog.indicators.is_empty());
    for i in &catalog.indicators {
        let printed = flat(&format!("{} [{}]", i.text_vi, i.code));
        assert!(all.contains(&printed), "{printed} missing");
        assert!(all.contains(&flat(&i.text_en)), "{} missing", i.text_en);
    }
    for q in &catalog.profile_questions {
        assert!(all.contains(&flat(&q.text_vi)), "{} missing", q.text_vi);
    }
    for u in &catalog.units {
        assert!(
            all.contains(&u.code),
            "unit {} missing from the list",
            u.code
        );
    }
    assert!(all.contains("1 Hoàn toàn không đồng ý / Strongly disagree"));
    for (k, text) in pages.iter().enumerate() {
        let footer = format!("Trang {}/{n} · Page {} of {n}", k + 1, k + 1);
        assert!(
            flat(text).contains(&footer),
            "page {} lacks {footer}",
            k + 1
        );
    }
}

#[test]
fn the_entry_template_matches_the_import_and_a_filled_copy_imports() {
    use calamine::{Data, Reader};
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    let dir = tempfile::tempdir().expect("tmp");
    let xlsx = dir.path().join("template.xlsx");
    let out = ddci(&db)
        .args(["questionnaire", "--cycle", "2025", "--xlsx"])
        .arg(&xlsx)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book = calamine::open_workbook_auto(&xlsx).expect("xlsx");
    let header = |book: &mut calamine::Sheets<_>, sheet: &str| -> Vec<String> {
        let range = book.worksheet_range(sheet).expect(sheet);
        range
            .rows()
            .next()
            .expect("header")
            .iter()
            .map(Data::to_string)
            .collect()
    };
    let responses = header(&mut book, "responses");
    assert_eq!(
        responses,
        [
            "response_id",
            "weight",
            "sector",
            "size",
            "ownership",
            "years",
            "commune"
        ],
        "the profile columns of the 2025 catalog"
    );
    assert_eq!(
        header(&mut book, "answers"),
        ["response_id", "unit_code", "indicator_code", "value"]
    );
    // Staff fill the sheets with codes from the `codes` sheet and save each as CSV.
    let codes = book.worksheet_range("codes").expect("codes");
    let column = |name: &str| -> Vec<String> {
        let header = codes.rows().next().expect("header");
        let c = header.iter().position(|h| *h == name).expect(name);
        codes
            .rows()
            .skip(1)
            .map(|r| r[c].to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let (sectors, communes) = (column("sector"), column("commune"));
    let units = column("unit_code");
    let unit = units
        .iter()
        .find(|u| u.starts_with("DEP_"))
        .expect("a department");
    let mut responses_csv = responses.join(",");
    responses_csv.push_str(&format!(
        "\nP-001,1,{},,,,{}\nP-002,1,,,,,\n",
        sectors[0], communes[3]
    ));
    let answers_csv = format!(
        "response_id,unit_code,indicator_code,value\nP-001,{unit},DEP_TR01,4\nP-001,{unit},DEP_TR03,0\nP-002,{unit},DEP_TR01,\n"
    );
    let (r, a) = (
        dir.path().join("responses.csv"),
        dir.path().join("answers.csv"),
    );
    // Excel's "CSV UTF-8" starts with a byte order mark.
    std::fs::write(&r, format!("\u{feff}{responses_csv}")).expect("write");
    std::fs::write(&a, format!("\u{feff}{answers_csv}")).expect("write");
    expect_success(
        ddci(&db)
            .args(["import", "--cycle", "2025", "--responses"])
            .arg(&r)
            .arg("--answers")
            .arg(&a),
    );
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("cycle");
    assert_eq!(db::responses::count(&mut conn, cycle.id).expect("count"), 2);
}

#[test]
fn questionnaire_needs_a_file_to_write() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    let out = ddci(&db)
        .args(["questionnaire", "--cycle", "2025"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--pdf"));
}

#[test]
fn a_letters_file_that_cannot_be_written_leaves_no_codes_file_and_stores_nothing() {
    let db = TestDb::new();
    run_ok(&db, &["cycle", "open", "2025"]);
    let dir = tempfile::tempdir().expect("tmp");
    let out = ddci(&db)
        .args(["invite", "--cycle", "2025", "--count", "3", "--out"])
        .arg(dir.path().join("codes.csv"))
        .arg("--letters")
        .arg(dir.path().join("no-such-folder").join("letters.pdf"))
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
    assert_eq!(invitations(&db, 2025).0, 0);
}
