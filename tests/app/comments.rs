//! Comments handled with care (issue 14): staff read a unit's comments masked, mark them fit
//! or not (admins and analysts, audited), a unit head's workbook holds only the fit ones, and
//! no public page or file ever shows a comment.

use crate::common::browser::{sign_in, Browser};
use crate::common::{admin_account, cycle_with_codes, ddci, run_ok, TestDb, TestServer};
use serde_json::json;
use std::io::Read;

const UNIT: &str = "DEP_THUE_TINH";
/// A commune that gets one evaluation only: count only, so its comment goes nowhere.
const SMALL: &str = "COM_HUU_LUNG";

/// (comment, what the staff page and the workbook show instead).
const COMMENTS: [(&str, &str); 5] = [
    (
        "Chi cục thuế Kỳ Lừa hướng dẫn kỹ, gọi 0912 345 678 là có người nghe.",
        "Chi cục thuế Kỳ Lừa hướng dẫn kỹ, gọi [đã ẩn] là có người nghe.",
    ),
    (
        "Hoàn thuế năm 2024 mất 30 ngày; hỏi ketoan@hoanglong-ls.vn sẽ rõ.",
        "Hoàn thuế năm 2024 mất 30 ngày; hỏi [đã ẩn] sẽ rõ.",
    ),
    (
        "MST 4900123456-001 bị đòi bổ sung giấy tờ ba lần, phí 5 triệu.",
        "MST [đã ẩn] bị đòi bổ sung giấy tờ ba lần, phí 5 triệu.",
    ),
    (
        "Lời lẽ thô tục về cán bộ Kỳ Lừa",
        "Lời lẽ thô tục về cán bộ Kỳ Lừa",
    ),
    (
        "Góp ý chưa ai đọc về bến xe Kỳ Lừa",
        "Góp ý chưa ai đọc về bến xe Kỳ Lừa",
    ),
];
const SMALL_COMMENT: &str = "Xã Hữu Lũng nhỏ, góp ý riêng (0205) 3812 345";

fn submit(server: &TestServer, code: &str, unit: &str, comment: Option<&str>) {
    let answers = if unit == UNIT {
        json!({"DEP_TR01": 4})
    } else {
        json!({"COM_TR01": 2})
    };
    let body = json!({
        "code": code,
        "profile": {"PROFILE_SECTOR": "trade"},
        "evaluations": [{"unit_code": unit, "answers": answers, "comment": comment}],
    });
    let status = ureq::post(&server.url("/api/v1/cycles/2025/responses"))
        .set("content-type", "application/json")
        .send_string(&body.to_string())
        .map(|r| r.status())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status, 201);
}

/// Six businesses rate UNIT (five with a comment), one rates SMALL with a comment.
fn cycle_with_comments(db: &TestDb, server: &TestServer) {
    let codes = cycle_with_codes(db, 7);
    for (k, code) in codes[..6].iter().enumerate() {
        submit(server, code, UNIT, COMMENTS.get(k).map(|c| c.0));
    }
    submit(server, &codes[6], SMALL, Some(SMALL_COMMENT));
    // Seven submissions make no mixing batch (10): move them now, as closing would.
    db.flush_pending(2025);
}

/// (comment id, shown text) of each comment on a unit's staff page.
fn listed(page: &str) -> Vec<(String, String)> {
    page.split("<article class=\"comment\" id=\"c")
        .skip(1)
        .map(|chunk| {
            let id = chunk.split('"').next().expect("id").to_string();
            let body = chunk
                .split("<p>")
                .nth(1)
                .and_then(|p| p.split("</p>").next())
                .expect("body");
            (id, body.to_string())
        })
        .collect()
}

fn id_of(listed: &[(String, String)], shown: &str) -> String {
    listed
        .iter()
        .find(|(_, b)| b == shown)
        .map(|(id, _)| id.clone())
        .unwrap_or_else(|| panic!("{shown} listed"))
}

/// The comment texts of the head's workbook (column B below the header row).
fn workbook_comments(bytes: &[u8]) -> Vec<String> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let sheet = book.worksheet_range("Góp ý").expect("the sheet");
    sheet.rows().skip(6).map(|r| r[1].to_string()).collect()
}

#[test]
fn staff_mark_masked_comments_and_heads_get_only_the_fit_ones() {
    let db = TestDb::new();
    admin_account(&db, "hiephoi", "admin");
    admin_account(&db, "phantich", "analyst");
    let server = TestServer::start(db.pool());
    cycle_with_comments(&db, &server);
    let mut admin = sign_in(&server, "hiephoi");
    let mut analyst = sign_in(&server, "phantich");

    let (status, _, index) = admin.get("/admin/cycles/2025/comments");
    assert_eq!(status, 200);
    assert!(
        index.contains(&format!("/admin/cycles/2025/comments/{UNIT}\"")),
        "{index}"
    );
    assert!(
        !index.contains(SMALL),
        "a unit with 1 evaluation is not listed"
    );

    let path = format!("/admin/cycles/2025/comments/{UNIT}");
    let (status, _, page) = analyst.get(&path);
    assert_eq!(status, 200);
    let shown = listed(&page);
    assert_eq!(shown.len(), 5);
    for (raw, masked) in COMMENTS {
        assert!(shown.iter().any(|(_, b)| b == masked), "{masked} shown");
        assert!(
            raw == masked || !page.contains(raw),
            "{raw} never shown unmasked"
        );
    }
    for identifier in ["0912 345 678", "ketoan@hoanglong-ls.vn", "4900123456"] {
        assert!(!page.contains(identifier), "{identifier}");
    }

    // The admin marks three fit (one of them first not fit), the analyst one not fit.
    let ids: Vec<String> = COMMENTS.iter().map(|(_, m)| id_of(&shown, m)).collect();
    for (by_admin, id, verdict) in [
        (true, &ids[0], "fit"),
        (true, &ids[1], "fit"),
        (true, &ids[2], "not_fit"),
        (true, &ids[2], "fit"),
        (false, &ids[3], "not_fit"),
    ] {
        let b = if by_admin { &mut admin } else { &mut analyst };
        let (status, location, _) = b.post(&path, &[("comment_id", id), ("verdict", verdict)]);
        assert_eq!((status, location), (303, format!("{path}#c{id}")));
    }
    let (_, _, page) = admin.get(&path);
    assert_eq!(page.matches("Đã đánh dấu: phù hợp").count(), 3, "{page}");
    assert_eq!(page.matches("Đã đánh dấu: không phù hợp").count(), 1);
    assert_eq!(page.matches("Chưa xem").count(), 1);
    let (_, _, index) = admin.get("/admin/cycles/2025/comments");
    assert!(
        index.contains("<td>6</td><td>5</td><td>3</td><td>1</td><td>1</td>"),
        "{index}"
    );

    // Refused: no token, an unknown verdict, a comment of another unit, a small unit.
    assert_eq!(
        admin.post_without_token(&path, &[("comment_id", &ids[4]), ("verdict", "fit")]),
        403
    );
    let (status, _, _) = admin.post(&path, &[("comment_id", &ids[4]), ("verdict", "maybe")]);
    assert_eq!(status, 409);
    let (status, _, text) = admin.post(
        "/admin/cycles/2025/comments/DEP_KHDT",
        &[("comment_id", &ids[4]), ("verdict", "fit")],
    );
    assert_eq!(status, 409, "{text}");
    let (status, _, small) = admin.get(&format!("/admin/cycles/2025/comments/{SMALL}"));
    assert_eq!(status, 200);
    assert!(
        small.contains("dưới 5 lượt đánh giá") && !small.contains("Hữu Lũng nhỏ"),
        "{small}"
    );

    // Every verdict is in the audit log, with who gave it.
    let (_, _, audit) = admin.get("/admin/audit");
    assert_eq!(audit.matches("comment.review").count(), 5, "{audit}");
    assert!(
        audit.contains("<td>phantich</td><td>comment.review</td>"),
        "{audit}"
    );

    // The head's workbook: the three fit comments, masked, ordered by text; no dates.
    let (status, content_type, disposition, bytes) =
        analyst.download(&format!("{path}/gop-y.xlsx"));
    assert_eq!(status, 200);
    assert!(content_type.contains("spreadsheetml"), "{content_type}");
    assert!(
        disposition.contains("gop-y-dep_thue_tinh-2025.xlsx"),
        "{disposition}"
    );
    let mut expected: Vec<String> = COMMENTS[..3].iter().map(|(_, m)| m.to_string()).collect();
    expected.sort();
    assert_eq!(workbook_comments(&bytes), expected);
    let today = ddci::clock::today();
    let all_cells = {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).expect("xlsx");
        let sheet = book.worksheet_range("Góp ý").expect("sheet");
        sheet
            .rows()
            .flatten()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        !all_cells.contains(&today),
        "no submission date in the workbook"
    );
    let (_, _, audit) = admin.get("/admin/audit");
    assert!(audit.contains("comments.workbook"), "{audit}");

    // The command line gives the same workbook and refuses the small unit, writing nothing.
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("gop-y.xlsx");
    run_ok(
        &db,
        &[
            "comments",
            "--cycle",
            "2025",
            "--unit",
            UNIT,
            "--out",
            &out.display().to_string(),
        ],
    );
    assert_eq!(
        workbook_comments(&std::fs::read(&out).expect("file")),
        expected
    );
    let small_out = dir.path().join("small.xlsx");
    let result = ddci(&db)
        .args(["comments", "--cycle", "2025", "--unit", SMALL, "--out"])
        .arg(&small_out)
        .output()
        .expect("runs");
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("count only") && stderr.contains(SMALL),
        "{stderr}"
    );
    assert!(!small_out.exists());
    let (status, _, refused) =
        admin.get(&format!("/admin/cycles/2025/comments/{SMALL}/gop-y.xlsx"));
    assert_eq!(status, 409);
    assert!(refused.contains("count only"), "{refused}");
}

/// Every public page and file of a published cycle, as text (zip entries unpacked).
fn public_texts(b: &mut Browser) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in [
        "/",
        "/results",
        "/results/2025",
        "/results/2025/pci",
        "/results/2025/what-if",
        &format!("/results/2025/don-vi/{UNIT}"),
        &format!("/results/2025/don-vi/{SMALL}"),
        "/results/2025/xep-hang.csv",
        "/api/v1/cycles/2025/what-if",
        "/api/v1/cycles/2025/questionnaire",
    ] {
        let (_, _, _, bytes) = b.download(path);
        out.push((
            path.to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    for path in ["/results/2025/du-lieu.zip", "/results/2025/ket-qua.xlsx"] {
        let (status, _, _, bytes) = b.download(path);
        assert_eq!(status, 200, "{path}");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        for k in 0..zip.len() {
            let mut entry = zip.by_index(k).expect("entry");
            let mut text = String::new();
            let _ = entry.read_to_string(&mut text);
            out.push((format!("{path}:{}", entry.name()), text));
        }
    }
    let (status, _, _, bytes) = b.download("/results/2025/du-lieu.dta");
    assert_eq!(status, 200);
    out.push((
        "du-lieu.dta".into(),
        String::from_utf8_lossy(&bytes).into_owned(),
    ));
    out
}

#[test]
fn comments_are_never_public() {
    let db = TestDb::new();
    let server = TestServer::start(db.pool());
    cycle_with_comments(&db, &server);
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "150",
            "--seed",
            "5",
        ],
    );
    run_ok(&db, &["score", "--cycle", "2025", "--bootstrap", "10"]);
    run_ok(&db, &["publish", "--cycle", "2025"]);
    let mut b = Browser::new(&server);
    let texts = public_texts(&mut b);
    assert!(
        texts
            .iter()
            .any(|(p, t)| p.ends_with("answers.csv") && t.contains(UNIT)),
        "the unit's answers are public"
    );
    let words = [
        "hướng dẫn kỹ",
        "Hoàn thuế năm 2024",
        "hoanglong",
        "giấy tờ ba lần",
        "Lời lẽ thô tục",
        "chưa ai đọc",
        "Hữu Lũng nhỏ",
    ];
    for (path, text) in &texts {
        for w in words {
            assert!(!text.contains(w), "{path} shows a comment ({w})");
        }
    }
}
