//! Unsent answers stay the business's own (issue 12, item 6): a draft is sealed with a key that
//! only its invitation code gives, so no database file holds what a business typed but did not
//! send; saving after the submission writes nothing.

use crate::common::browser::Browser;
use crate::common::{cycle_with_codes, TestDb, TestServer};
use ddci::db;
use diesel::RunQueryDsl;

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
}

/// Every byte of the database's files: the SQLite file with its WAL and shared memory, or
/// (after a CHECKPOINT) PostgreSQL's drafts and invitations table files and the WAL segments
/// written since `since`.
fn database_bytes(db: &TestDb, since: std::time::SystemTime) -> Vec<Vec<u8>> {
    let read_dir = |dir: &std::path::Path| -> Vec<Vec<u8>> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().is_file())
                    .filter_map(|e| std::fs::read(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(path) = db.url.sqlite_path() {
        return read_dir(path.parent().expect("dir"));
    }
    let mut conn = db.pool().get().expect("conn");
    diesel::sql_query("CHECKPOINT")
        .execute(&mut *conn)
        .expect("checkpoint");
    let mut text = |sql: &str| -> String {
        let rows: Vec<Text> = diesel::sql_query(sql).load(&mut *conn).expect(sql);
        rows.into_iter().next().map(|r| r.t).unwrap_or_default()
    };
    let data = std::path::PathBuf::from(text("SELECT current_setting('data_directory') AS t"));
    let mut files = Vec::new();
    for table in ["drafts", "invitations"] {
        let file = data.join(text(&format!(
            "SELECT pg_relation_filepath('{table}') AS t"
        )));
        files.push(std::fs::read(&file).expect("a table's file (tests run as root)"));
    }
    let recent = since - std::time::Duration::from_secs(2);
    for entry in std::fs::read_dir(data.join("pg_wal"))
        .expect("pg_wal")
        .flatten()
    {
        let fresh = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t > recent);
        if fresh && entry.path().is_file() {
            files.push(std::fs::read(entry.path()).expect("wal"));
        }
    }
    files
}

fn holds(files: &[Vec<u8>], marker: &str) -> bool {
    let finder = memchr::memmem::Finder::new(marker.as_bytes());
    files.iter().any(|f| finder.find(f).is_some())
}

#[test]
fn a_replaced_draft_comment_leaves_no_trace_in_any_database_file() {
    let since = std::time::SystemTime::now();
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 1);
    let server = TestServer::start(db.pool());
    let marker = format!("MARKER-{}", ddci::responses::random_id());

    let mut phone = Browser::new(&server);
    let (status, _, _) = phone.post("/survey", &[("code", &codes[0])]);
    assert_eq!(status, 303);
    let (status, _, _) = phone.post(
        "/survey/profile",
        &[("profile.PROFILE_SIZE", "lt10"), ("unit", "DEP_THUE_TINH")],
    );
    assert_eq!(status, 303);
    let block = [("a.DEP_TR01", "4"), ("comment", marker.as_str())];
    let (status, _, _) = phone.post("/survey/unit/DEP_THUE_TINH", &block);
    assert_eq!(status, 303);

    // The draft is stored, and opens with the code: another device resumes it…
    let mut laptop = Browser::new(&server);
    let (status, _, _) = laptop.post("/survey", &[("code", &codes[0])]);
    assert_eq!(status, 303);
    let (_, _, html) = laptop.get("/survey/unit/DEP_THUE_TINH");
    assert!(html.contains(&marker), "the code opens the draft: {html}");
    // …but no database file holds it in clear.
    assert!(
        !holds(&database_bytes(&db, since), &marker),
        "the draft is sealed in the database"
    );

    // The business changes its mind and sends.
    let block = [("a.DEP_TR01", "4"), ("comment", "Đã sửa ý kiến")];
    let (status, _, _) = laptop.post("/survey/unit/DEP_THUE_TINH", &block);
    assert_eq!(status, 303);
    let (status, location, _) = laptop.post("/survey/submit", &[]);
    assert_eq!(status, 303, "{location}");
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(
        !holds(&database_bytes(&db, since), &marker),
        "after sending, the replaced comment is nowhere"
    );
    assert!(
        !holds(&database_bytes(&db, since), "MARKER-"),
        "not even the prefix"
    );
}

#[test]
fn a_draft_does_not_open_with_another_code_and_is_not_saved_after_the_submission() {
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 2);
    let server = TestServer::start(db.pool());
    let secrets = db.secrets();
    let mut tab = Browser::new(&server);
    tab.post("/survey", &[("code", &codes[0])]);
    tab.post(
        "/survey/profile",
        &[("profile.PROFILE_SIZE", "lt10"), ("unit", "DEP_THUE_TINH")],
    );

    let mut conn = db.pool().get().expect("conn");
    let find = |conn: &mut db::Conn, code: &str| {
        let canonical = ddci::survey::codes::normalize(code).expect("code");
        let hash = ddci::survey::codes::hash(&canonical);
        let invitation = db::invitations::find_by_hash(conn, &hash)
            .expect("look-up")
            .expect("invitation");
        let key = ddci::seal::SealKey::for_draft(&secrets.draft_salt(), &canonical);
        (invitation, key)
    };
    let (mine, my_key) = find(&mut conn, &codes[0]);
    let (_, other_key) = find(&mut conn, &codes[1]);
    let draft = db::drafts::load(&mut conn, mine.id, &my_key).expect("load");
    assert_eq!(
        draft.units,
        ["DEP_THUE_TINH"],
        "the business's own code opens it"
    );
    let foreign = db::drafts::load(&mut conn, mine.id, &other_key).expect("load");
    assert!(foreign.units.is_empty(), "another code reads nothing");

    // Submitted meanwhile (say, from another tab): a late save of this tab writes nothing.
    let submit = serde_json::json!({
        "code": codes[0],
        "profile": {"PROFILE_SIZE": "lt10"},
        "evaluations": [{"unit_code": "DEP_THUE_TINH", "answers": {"DEP_TR01": 4}}]
    });
    let status = ureq::post(&server.url("/api/v1/cycles/2025/responses"))
        .set("content-type", "application/json")
        .send_string(&submit.to_string())
        .map(|r| r.status())
        .expect("201");
    assert_eq!(status, 201);
    let saved = db::drafts::save(&mut conn, mine.id, &my_key, &draft).expect("save");
    assert_eq!(saved, db::drafts::Saved::AlreadySubmitted);
    let rows: Vec<Text> = diesel::sql_query("SELECT 'x' AS t FROM drafts")
        .load(&mut *conn)
        .expect("drafts");
    assert!(rows.is_empty(), "no draft reappears after the submission");
}

#[test]
fn no_database_file_holds_an_invitation_code_in_any_spelling() {
    let since = std::time::SystemTime::now();
    let db = TestDb::new();
    let codes = cycle_with_codes(&db, 3);
    let server = TestServer::start(db.pool());
    // One code submitted, one with a draft, one only issued.
    let submit = serde_json::json!({
        "code": codes[0].to_lowercase(),
        "profile": {"PROFILE_SIZE": "lt10"},
        "evaluations": [{"unit_code": "DEP_THUE_TINH", "answers": {"DEP_TR01": 4}}]
    });
    let status = ureq::post(&server.url("/api/v1/cycles/2025/responses"))
        .set("content-type", "application/json")
        .send_string(&submit.to_string())
        .map(|r| r.status())
        .expect("201");
    assert_eq!(status, 201);
    let mut tab = Browser::new(&server);
    tab.post("/survey", &[("code", &codes[1])]);
    tab.post(
        "/survey/profile",
        &[("profile.PROFILE_SIZE", "lt10"), ("unit", "DEP_THUE_TINH")],
    );
    db.flush_pending(2025);
    let files = database_bytes(&db, since);
    for code in &codes {
        let canonical = ddci::survey::codes::normalize(code).expect("code");
        for spelling in [code.clone(), canonical.clone(), canonical.replace('-', "")] {
            assert!(
                !holds(&files, &spelling),
                "{spelling} is in a database file"
            );
            assert!(!holds(&files, &spelling.to_lowercase()));
        }
    }
}
