//! The foundation: migrations, the seed catalog, cycles, the first run and its failures.

use crate::common::{ddci, expect_success, run_ok, TestDb, TestServer};
use ddci::catalog::{SeedCatalog, EMBEDDED};
use ddci::db;

/// The catalog with every list in code order, to compare contents regardless of row order.
fn canonical(mut c: SeedCatalog) -> SeedCatalog {
    c.units.sort_by(|a, b| a.code.cmp(&b.code));
    c.components.sort_by(|a, b| a.code.cmp(&b.code));
    c.indicators.sort_by(|a, b| a.code.cmp(&b.code));
    c.profile_choices
        .sort_by(|a, b| (&a.question_code, &a.code).cmp(&(&b.question_code, &b.code)));
    c.profile_questions.sort_by(|a, b| a.code.cmp(&b.code));
    c.unit_links.sort_by(|a, b| {
        (&a.unit_code, &a.predecessor_code).cmp(&(&b.unit_code, &b.predecessor_code))
    });
    c
}

fn seeded(db: &TestDb) -> ddci::db::Pool {
    let pool = db.pool();
    let catalog = SeedCatalog::embedded().expect("built-in catalog is valid");
    db::catalog::replace(&mut pool.get().expect("conn"), &catalog).expect("seed");
    pool
}

/// The built-in catalog written to a folder, with `edit` applied to one file.
fn catalog_dir(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    for (name, text) in EMBEDDED {
        let text = if *name == file {
            edit(text)
        } else {
            text.to_string()
        };
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

#[test]
fn the_lang_son_catalog_has_the_units_and_components_of_the_plan() {
    // The catalog before the 2025 reorganisation (tests/app/catalog_eras.rs covers 2025 on).
    let c = SeedCatalog::embedded().expect("valid").for_year(2024);
    let count = |kind: &str| c.units.iter().filter(|u| u.kind == kind).count();
    assert_eq!(count("department"), 25);
    assert_eq!(count("district"), 11);
    for kind in ["department", "district"] {
        let comps: Vec<_> = c.components.iter().filter(|k| k.kind == kind).collect();
        assert_eq!(comps.len(), 8, "{kind}");
        for comp in comps {
            let n = c
                .indicators
                .iter()
                .filter(|i| i.component_code == comp.code)
                .count();
            assert!(n >= 4, "{} has {n} questions", comp.code);
        }
    }
    assert!(c.units.iter().any(|u| u.name_vi.contains("Hữu Lũng")));
    assert_eq!(c.groups.len(), 6);
    assert_eq!(c.groups[0].label_vi, "Rất tốt");
}

#[test]
fn seeding_twice_leaves_the_same_rows() {
    let db = TestDb::new();
    let pool = seeded(&db);
    let mut conn = pool.get().expect("conn");
    let first = db::catalog::load(&mut conn).expect("load").expect("seeded");
    run_ok(&db, &["seed"]);
    let second = db::catalog::load(&mut conn).expect("load").expect("seeded");
    assert_eq!(first, second);
    assert_eq!(
        canonical(first),
        canonical(SeedCatalog::embedded().expect("valid"))
    );
}

#[test]
fn a_changed_catalog_for_a_new_cycle_leaves_old_cycles_untouched() {
    let db = TestDb::new();
    let pool = seeded(&db);
    let mut conn = pool.get().expect("conn");
    let seed = db::catalog::load(&mut conn).expect("load").expect("seeded");
    let old = db::cycles::create(&mut conn, 2024, &seed).expect("2024");
    let before = db::cycle_catalog::load(&mut conn, old.id, vec![]).expect("2024 catalog");

    // A department question, asked in both years.
    let first = |c: &SeedCatalog| {
        c.indicators
            .iter()
            .find(|i| i.code == "DEP_TR01")
            .map(|i| i.text_vi.clone())
            .expect("DEP_TR01")
    };
    let first_text = first(&seed);
    let dir = catalog_dir("indicators.csv", |t| {
        t.replacen(&first_text, "Câu hỏi đã sửa cho năm sau", 1)
    });
    expect_success(ddci(&db).args(["seed", "--dir"]).arg(dir.path()));
    run_ok(&db, &["cycle", "open", "2025"]);

    let after = db::cycle_catalog::load(&mut conn, old.id, vec![]).expect("2024 catalog");
    assert_eq!(before, after, "the 2024 questionnaire must not change");
    let new = db::cycles::get(&mut conn, 2025).expect("2025");
    assert_eq!(new.status, "open");
    let new_catalog = db::cycle_catalog::load(&mut conn, new.id, vec![]).expect("2025 catalog");
    assert_eq!(first(&new_catalog), "Câu hỏi đã sửa cho năm sau");
    assert_eq!(first(&before), first_text);
}

#[test]
fn a_second_cycle_for_the_same_year_is_refused() {
    let db = TestDb::new();
    let pool = seeded(&db);
    let mut conn = pool.get().expect("conn");
    let seed = db::catalog::load(&mut conn).expect("load").expect("seeded");
    db::cycles::create(&mut conn, 2024, &seed).expect("first");
    let err = db::cycles::create(&mut conn, 2024, &seed).expect_err("second");
    assert_eq!(err.to_string(), "a cycle 2024 already exists");
}

#[test]
fn migrations_run_up_down_and_up_again() {
    let db = TestDb::new();
    let pool = seeded(&db);
    let mut conn = pool.get().expect("conn");
    conn.revert_all_migrations().expect("down");
    assert!(
        db::cycles::list(&mut conn).is_err(),
        "tables are gone after down"
    );
    conn.run_pending_migrations().expect("up again");
    assert!(db::cycles::list(&mut conn)
        .expect("cycles table")
        .is_empty());
    assert!(db::catalog::load(&mut conn)
        .expect("catalog tables")
        .is_none());
    let catalog = SeedCatalog::embedded().expect("valid");
    db::catalog::replace(&mut conn, &catalog).expect("seed after up/down/up");
}

fn seed_error(file: &str, edit: impl Fn(&str) -> String) -> String {
    let dir = catalog_dir(file, edit);
    SeedCatalog::from_dir(dir.path())
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn a_catalog_with_a_missing_column_is_refused_naming_file_line_and_column() {
    let msg = seed_error("units.csv", |t| t.replacen("code,kind,", "code,", 1));
    assert_eq!(msg, "units.csv, line 1, column `kind`: missing column");
}

#[test]
fn a_catalog_with_an_unknown_component_is_refused_naming_the_line() {
    let msg = seed_error("indicators.csv", |t| {
        t.replacen(",DEPC_TRANSPARENCY,", ",DEPC_NO_SUCH,", 1)
    });
    assert!(
        msg.starts_with(
            "indicators.csv, line 2, column `component_code`: unknown component `DEPC_NO_SUCH`"
        ),
        "{msg}"
    );
}

#[test]
fn a_catalog_with_a_duplicate_code_is_refused_naming_both_places() {
    let msg = seed_error("units.csv", |t| t.replacen("DEP_VPUBND,", "DEP_KHDT,", 1));
    assert!(msg.starts_with("units.csv, line 3, column `code`: duplicate code `DEP_KHDT` (first at units.csv line 2)"), "{msg}");
}

#[test]
fn a_catalog_with_a_wrong_enum_value_is_refused() {
    let msg = seed_error("indicators.csv", |t| {
        t.replacen(",likert5,", ",likert7,", 1)
    });
    assert!(msg.starts_with("indicators.csv, line 2, column `question_type`: `likert7` is not a valid question_type"), "{msg}");
}

#[test]
fn a_refused_catalog_leaves_the_stored_one_unchanged() {
    let db = TestDb::new();
    let pool = seeded(&db);
    let dir = catalog_dir("units.csv", |t| {
        format!("{t}DEP_NEW,nowhere,Sở mới,New,99,,,\n")
    });
    let out = ddci(&db)
        .args(["seed", "--dir"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("units.csv, line 113, column `kind`: unknown kind `nowhere`"),
        "{err}"
    );
    let stored = db::catalog::load(&mut pool.get().expect("conn"))
        .expect("load")
        .expect("still seeded");
    assert_eq!(
        canonical(stored),
        canonical(SeedCatalog::embedded().expect("valid"))
    );
}

#[test]
fn the_landing_page_and_health_check_answer_over_http() {
    let db = TestDb::new();
    let pool = seeded(&db);
    ddci::startup::fill_demo(&pool, 2025, 40, 7).expect("demo");
    let server = TestServer::start(pool);
    let health = ureq::get(&server.url("/healthz")).call().expect("200");
    assert_eq!(health.status(), 200);
    let body = health.into_string().expect("body");
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    let page = ureq::get(&server.url("/")).call().expect("200");
    assert_eq!(
        page.header("content-security-policy")
            .map(|v| v.contains("frame-ancestors 'none'")),
        Some(true)
    );
    let html = page.into_string().expect("html");
    assert!(html.contains("Đánh giá năng lực cạnh tranh cấp sở, ban, ngành và địa phương"));
    assert!(html.contains("<td>2025</td>"), "the demo cycle is listed");
    assert!(
        html.contains("<td class=\"num\">40</td>"),
        "with its 40 responses"
    );
}

#[test]
fn a_failing_page_is_a_page_of_the_site_in_the_visitors_language_and_the_api_stays_json() {
    use diesel::RunQueryDsl;
    let db = TestDb::new();
    let pool = seeded(&db);
    ddci::startup::fill_demo(&pool, 2025, 10, 7).expect("demo");
    let server = TestServer::start(pool.clone());
    // The landing page reads the cycles: without their table it fails inside the handler.
    let mut conn = pool.get().expect("conn");
    diesel::sql_query("ALTER TABLE cycles RENAME TO cycles_gone")
        .execute(&mut *conn)
        .expect("rename");
    for (lang, text) in [
        ("vi", "Hệ thống đang gặp sự cố"),
        ("en", "The service has a problem"),
    ] {
        let answer = ureq::get(&server.url(&format!("/?lang={lang}"))).call();
        let Err(ureq::Error::Status(500, page)) = answer else {
            panic!("a 500 was expected, got {answer:?}");
        };
        assert_eq!(
            page.content_type(),
            "text/html",
            "the apology is a page, not plain text"
        );
        let html = page.into_string().expect("html");
        assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{html}");
        assert!(
            html.contains("class=\"brand\""),
            "with the site's header: {html}"
        );
        assert!(html.contains(text), "{html}");
        assert!(
            !html.contains("cycles"),
            "never the program's words: {html}"
        );
    }
    let api = ureq::post(&server.url("/api/v1/cycles/2025/responses"))
        .set("content-type", "application/json")
        .send_string(r#"{"code": "AAAA-AAAA-AAAA-AAAA", "evaluations": []}"#);
    let Err(ureq::Error::Status(500, answer)) = api else {
        panic!("a 500 was expected, got {api:?}");
    };
    assert_eq!(answer.content_type(), "application/json");
}

#[test]
fn demo_fills_a_cycle_with_businesses_that_rate_departments_and_their_district() {
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2025",
            "--responses",
            "30",
            "--seed",
            "5",
        ],
    );
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2025).expect("created");
    assert_eq!(cycle.status, "open");
    assert_eq!(
        db::responses::count(&mut conn, cycle.id).expect("count"),
        30
    );
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, vec![]).expect("catalog");
    let batch = ddci::demo::generate(&catalog, 2025, 30, 5);
    for r in &batch {
        let kinds: Vec<_> = r
            .evaluations
            .iter()
            .map(|e| {
                catalog
                    .units
                    .iter()
                    .find(|u| u.code == e.unit_code)
                    .map(|u| u.kind.as_str())
            })
            .collect();
        // From 2025 the local unit a business rates is its commune (before, its district).
        assert_eq!(kinds.iter().filter(|k| **k == Some("commune")).count(), 1);
        assert!(kinds.iter().filter(|k| **k == Some("department")).count() >= 2);
    }
    assert!(
        batch
            .iter()
            .flat_map(|r| &r.evaluations)
            .flat_map(|e| &e.answers)
            .any(|(_, v)| v.is_none()),
        "some don't-knows"
    );
}

#[test]
fn a_mistyped_database_url_fails_with_one_sentence_and_no_sqlite_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ddci"))
        .current_dir(dir.path())
        .env("DATABASE_URL", "postgress://postgres@127.0.0.1/ddci")
        .args(["cycle", "list"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: DATABASE_URL uses the scheme `postgress:`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        std::fs::read_dir(dir.path()).expect("dir").next().is_none(),
        "nothing created"
    );
}

#[test]
fn an_unwritable_data_folder_fails_with_one_sentence() {
    let dir = tempfile::tempdir().expect("tmp");
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a folder").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ddci"))
        .env("DATABASE_URL", blocker.join("ddci.sqlite3"))
        .arg("seed")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot use the database"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn a_port_in_use_fails_with_one_sentence() {
    let db = TestDb::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let addr = taken.local_addr().expect("addr").to_string();
    let out = ddci(&db)
        .args(["serve", "--no-demo", "--bind", &addr])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!("error: cannot listen on {addr}")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[cfg(feature = "postgres")]
#[test]
fn an_unreachable_postgres_server_fails_with_one_sentence() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ddci"))
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .args(["cycle", "list"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: cannot use the database postgres://nobody@127.0.0.1:1/none"),
        "{err}"
    );
}
