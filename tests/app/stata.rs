//! The Stata file for researchers (issue 14): `ddci export --format stata` and the download
//! beside the data package, read back with pandas and pyreadstat as a researcher would, and
//! compared with the data package of the same run.

use crate::common::browser::Browser;
use crate::common::{ddci, published_demo, python, run_ok, TestDb, TestServer};
use serde_json::Value;
use std::collections::HashMap;

/// Reads the .dta with both libraries; prints what a researcher would see.
const READ: &str = r#"
import json, sys, math
import pandas as pd, pyreadstat
path = sys.argv[1]
df = pd.read_stata(path)
raw, meta = pyreadstat.read_dta(path)
def clean(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v
cats = {c: [str(x) for x in df[c].cat.categories] for c in df.columns if str(df[c].dtype) == "category"}
texts = {c: [clean(x) if not isinstance(x, float) else None for x in df[c].astype(object)] for c in cats}
print(json.dumps({
    "columns": list(raw.columns),
    "labels": meta.column_names_to_labels,
    "label_sets": meta.variable_to_label,
    "file_label": meta.file_label,
    "categories": cats,
    "texts": texts,
    "rows": [{k: clean(v) for k, v in r.items()} for r in raw.to_dict(orient="records")],
}, ensure_ascii=False))
"#;

fn csv_rows(path: &std::path::Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn the_stata_file_holds_the_packages_evaluations_with_vietnamese_labels() {
    let db = TestDb::new();
    published_demo(&db, "2024", "400", "14", &["--bootstrap", "20"]);
    let dir = tempfile::tempdir().expect("tmp");
    let dta = dir.path().join("ddci-2024.dta");
    let package = dir.path().join("package");
    run_ok(
        &db,
        &[
            "export",
            "--cycle",
            "2024",
            "--format",
            "stata",
            "--out",
            &dta.display().to_string(),
        ],
    );
    run_ok(
        &db,
        &[
            "export",
            "--cycle",
            "2024",
            "--out",
            &package.display().to_string(),
        ],
    );
    let read = python::json(READ, &[&dta.display().to_string()]);

    let responses = csv_rows(&package.join("responses.csv"));
    let answers = csv_rows(&package.join("answers.csv"));
    let indicators = csv_rows(&package.join("indicators.csv"));
    let rows = read["rows"].as_array().expect("rows");
    assert_eq!(
        rows.len(),
        responses.len(),
        "one row per evaluation of the package"
    );
    assert_eq!(
        read["file_label"].as_str(),
        Some("DDCI Lạng Sơn 2024 — các lượt doanh nghiệp đánh giá đơn vị")
    );

    // The same pseudonyms, in the same order, with the same (coarsened) profile.
    let catalog = ddci::catalog::SeedCatalog::embedded()
        .expect("catalog")
        .for_year(2024);
    let label_of: HashMap<(&str, &str), &str> = (catalog.profile_choices.iter())
        .map(|c| {
            (
                (c.question_code.as_str(), c.code.as_str()),
                c.label_vi.as_str(),
            )
        })
        .collect();
    for (k, (row, csv)) in rows.iter().zip(&responses).enumerate() {
        assert_eq!(
            row["response_id"].as_str(),
            Some(csv["response_id"].as_str())
        );
        for q in &catalog.profile_questions {
            let column = ddci::package::profile_column(&q.code);
            let text = read["texts"][&column][k].as_str();
            let expected = label_of
                .get(&(q.code.as_str(), csv[&column].as_str()))
                .copied();
            assert_eq!(
                text, expected,
                "row {k}, {column}: blank in the package is missing"
            );
            assert_eq!(read["labels"][&column].as_str(), Some(q.text_vi.as_str()));
        }
    }

    // Every answer of answers.csv, and nothing else, in the indicator columns.
    let at: HashMap<(&str, &str), &Value> = rows
        .iter()
        .map(|r| {
            (
                (
                    r["response_id"].as_str().expect("id"),
                    r["unit_code"].as_str().expect("unit"),
                ),
                r,
            )
        })
        .collect();
    for a in &answers {
        let row = at[&(a["response_id"].as_str(), a["unit_code"].as_str())];
        let column = a["indicator_code"].to_ascii_lowercase();
        let value: f64 = a["value"].parse().expect("number");
        assert_eq!(row[&column].as_f64(), Some(value), "{a:?}");
    }
    let mut filled = 0;
    for i in &indicators {
        let column = i["indicator_code"].to_ascii_lowercase();
        filled += rows.iter().filter(|r| !r[&column].is_null()).count();
        // A variable label on every indicator: its Vietnamese question (cut only past 320 bytes).
        let label = read["labels"][&column].as_str().unwrap_or_default();
        assert!(
            !label.is_empty() && i["text_vi"].starts_with(label),
            "{column}: {label}"
        );
    }
    assert_eq!(filled, answers.len(), "no answer the package does not hold");
    for i in &catalog.indicators {
        let set = read["label_sets"][i.code.to_ascii_lowercase()].as_str();
        let expected = (i.scale != ddci::catalog::Scale::Number).then(|| i.scale.as_str());
        assert_eq!(set, expected, "{}: the value labels of its scale", i.code);
    }

    // Value labels: the survey's Likert wording and yes/no become pandas categories.
    let agree = (catalog.indicators.iter())
        .find(|i| i.scale == ddci::catalog::Scale::Agree)
        .expect("an agree question");
    let categories = read["categories"][agree.code.to_ascii_lowercase()]
        .as_array()
        .expect("categorical");
    let wording = [
        "Hoàn toàn không đồng ý",
        "Không đồng ý",
        "Bình thường",
        "Đồng ý",
        "Hoàn toàn đồng ý",
    ];
    assert!(!categories.is_empty());
    assert!(
        categories
            .iter()
            .all(|c| wording.contains(&c.as_str().unwrap_or_default())),
        "{categories:?}"
    );
    let yes_no = (catalog.indicators.iter())
        .find(|i| i.scale == ddci::catalog::Scale::YesNo)
        .expect("a yes/no question");
    let categories = read["categories"][yes_no.code.to_ascii_lowercase()]
        .as_array()
        .expect("categorical");
    assert!(
        categories
            .iter()
            .all(|c| ["Có", "Không"].contains(&c.as_str().unwrap_or_default())),
        "{categories:?}"
    );
    let unit_names = read["texts"]["unit"].as_array().expect("unit names");
    assert!(unit_names.iter().all(|n| n
        .as_str()
        .is_some_and(|n| catalog.units.iter().any(|u| u.name_vi == n))));

    // The same bytes beside the package on the results page; none for a cycle not published.
    let server = TestServer::start(db.pool());
    let mut b = Browser::new(&server);
    let (status, _, page) = b.get("/results/2024");
    assert_eq!(status, 200);
    assert!(
        page.contains("href=\"/results/2024/du-lieu.dta\""),
        "a link beside the package"
    );
    let (status, content_type, disposition, bytes) = b.download("/results/2024/du-lieu.dta");
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/x-stata-dta")
    );
    assert!(
        disposition.contains("ddci-lang-son-2024-du-lieu.dta"),
        "{disposition}"
    );
    assert_eq!(
        bytes,
        std::fs::read(&dta).expect("dta"),
        "the download is the CLI's file"
    );
    let (status, _, _, _) = b.download("/results/2025/du-lieu.dta");
    assert_eq!(status, 404);
}

#[test]
fn a_cycle_that_is_not_published_has_no_stata_file() {
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "60",
            "--seed",
            "3",
        ],
    );
    run_ok(&db, &["score", "--cycle", "2025", "--bootstrap", "10"]);
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("x.dta");
    let result = ddci(&db)
        .args(["export", "--cycle", "2025", "--format", "stata", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("cycle 2025 is not published"), "{stderr}");
    assert!(!out.exists(), "nothing written");
    // Staff see the scored run as a preview, but not as a Stata file.
    crate::common::admin_account(&db, "hiephoi", "admin");
    let server = TestServer::start(db.pool());
    let mut b = Browser::new(&server);
    b.post(
        "/admin/login",
        &[
            ("username", "hiephoi"),
            ("password", crate::common::ADMIN_PASSWORD),
            ("next", "/admin"),
        ],
    );
    let (status, _, page) = b.get("/results/2025");
    assert_eq!(status, 200, "the preview");
    assert!(!page.contains("du-lieu.dta"), "no Stata link on a preview");
    let (status, _, _, _) = b.download("/results/2025/du-lieu.dta");
    assert_eq!(status, 404);
}
