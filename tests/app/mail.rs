//! Email invitations and reminders (issue 14) through a real SMTP server: the `mailin`
//! protocol state machine behind a socket on a free port, in this process. Sending, the
//! answered business left out of reminders, crash resume, a refused recipient, bad input that
//! stores and sends nothing, purge, and the admin page's counts.

use crate::common::browser::Browser;
use crate::common::{admin_account, ddci, run_ok, TestDb, TestServer, ADMIN_PASSWORD};
use diesel::RunQueryDsl;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const FROM: &str = "khaosat@hiephoi.example.vn";
/// Recipients the test server refuses with 550 (their local part starts so).
const REFUSED: &str = "tu-choi";

/// One message as the server received it: envelope recipients and the decoded text.
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    text: String,
}

impl Received {
    /// The invitation code of the message's survey link, if it carries one.
    fn code(&self) -> Option<String> {
        let at = self.text.find("/survey?code=")? + "/survey?code=".len();
        Some(self.text[at..at + 19].to_string())
    }
}

/// A real SMTP server on 127.0.0.1 and a free port, keeping what it receives.
struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

#[derive(Clone)]
struct Handler {
    to: Vec<String>,
    data: Vec<u8>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl mailin::Handler for Handler {
    fn rcpt(&mut self, to: &str) -> mailin::Response {
        if to.starts_with(REFUSED) {
            return mailin::response::NO_MAILBOX;
        }
        mailin::response::OK
    }

    fn data_start(&mut self, _: &str, _: &str, _: bool, to: &[String]) -> mailin::Response {
        self.to = to.to_vec();
        self.data.clear();
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin::Response {
        let text = decode(&String::from_utf8_lossy(&self.data));
        let message = Received {
            to: self.to.clone(),
            text,
        };
        self.received.lock().expect("lock").push(message);
        mailin::response::OK
    }
}

/// The text of a single-part message as lettre encodes it (base64 or quoted-printable).
fn decode(raw: &str) -> String {
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers, then the body");
    let encoding = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding:"))
        .map(str::trim)
        .unwrap_or("7bit");
    assert!(
        head.contains("Content-Type: text/plain; charset=utf-8"),
        "plain UTF-8 text: {head}"
    );
    let bytes = match encoding {
        "base64" => {
            use base64::Engine;
            let clean: String = body.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(clean)
                .expect("base64 body")
        }
        "quoted-printable" => {
            quoted_printable::decode(body, quoted_printable::ParseMode::Robust).expect("QP body")
        }
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).expect("UTF-8 text")
}

fn session(stream: TcpStream, handler: Handler) -> std::io::Result<()> {
    let peer = stream.peer_addr()?.ip();
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut session = mailin::SessionBuilder::new("sink.test").build(peer, handler);
    session.greeting().write_to(&mut writer)?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let response = session.process(&line);
        match response.action {
            mailin::Action::NoReply => {}
            mailin::Action::Close => {
                response.write_to(&mut writer)?;
                return writer.flush();
            }
            _ => response.write_to(&mut writer)?,
        }
        writer.flush()?;
    }
}

impl SmtpSink {
    fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let port = listener.local_addr().expect("address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler = Handler {
            to: Vec::new(),
            data: Vec::new(),
            received: received.clone(),
        };
        // Lives as long as the test process; each connection is served on its own thread.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = handler.clone();
                std::thread::spawn(move || session(stream, handler));
            }
        });
        SmtpSink { port, received }
    }

    fn messages(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

/// `ddci` with the mail settings of `sink`.
fn mail_cmd(db: &TestDb, sink: &SmtpSink) -> std::process::Command {
    let mut cmd = ddci(db);
    cmd.env("DDCI_SMTP_URL", sink.url())
        .env("DDCI_MAIL_FROM", FROM)
        .env("DDCI_PUBLIC_URL", "https://ddci.example.vn");
    cmd
}

/// `ddci invite --cycle 2025 --contacts FILE --send`: (success, stderr).
fn send_invitations(db: &TestDb, sink: &SmtpSink, file: &Path) -> (bool, String) {
    run(mail_cmd(db, sink)
        .args(["invite", "--cycle", "2025", "--contacts"])
        .arg(file)
        .arg("--send"))
}

/// Runs `cmd`: (success, stderr).
fn run(cmd: &mut std::process::Command) -> (bool, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn address(i: usize) -> String {
    format!("doanhnghiep{i:02}@example.vn")
}

/// A contacts CSV of `emails`, with a tax-code column the command ignores.
fn contacts_csv(dir: &Path, name: &str, emails: &[String]) -> PathBuf {
    let mut text = String::from("ma_so_thue,email,label\n");
    for (i, e) in emails.iter().enumerate() {
        text.push_str(&format!("01010{i:05},{e},Công ty TNHH Hoàng Long số {i}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("contacts file");
    path
}

fn open_cycle(db: &TestDb) {
    run_ok(db, &["cycle", "open", "2025", "--closes-on", "2025-12-31"]);
}

/// A complete questionnaire for `code` through the JSON API: the status.
fn submit(server: &TestServer, code: &str) -> u16 {
    let body = serde_json::json!({
        "code": code,
        "profile": {"PROFILE_SIZE": "lt10", "PROFILE_SECTOR": "trade"},
        "evaluations": [{"unit_code": "DEP_THUE_TINH", "answers": {"DEP_TR01": 4}}],
    });
    match ureq::post(&server.url("/api/v1/cycles/2025/responses"))
        .set("content-type", "application/json")
        .send_string(&body.to_string())
    {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
        Err(e) => panic!("{e}"),
    }
}

/// One column of the contacts table, by address.
fn contact_column(db: &TestDb, email: &str, column: &str) -> Option<String> {
    #[derive(diesel::QueryableByName)]
    struct Cell {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        value: Option<String>,
    }
    let mut conn = db.pool().get().expect("connection");
    let sql = format!("SELECT {column} AS value FROM contacts WHERE email = '{email}'");
    let rows: Vec<Cell> = diesel::sql_query(sql).load(&mut *conn).expect("query");
    rows.into_iter().next().and_then(|c| c.value)
}

fn contacts_stored(db: &TestDb) -> i64 {
    let mut conn = db.pool().get().expect("connection");
    ddci::db::contacts::counts(&mut conn, cycle_id(db))
        .expect("counts")
        .total
}

fn cycle_id(db: &TestDb) -> i64 {
    let mut conn = db.pool().get().expect("connection");
    ddci::db::cycles::get(&mut conn, 2025).expect("cycle").id
}

#[test]
fn twelve_contacts_get_twelve_working_codes_and_reminders_skip_the_one_that_answered() {
    let (db, sink, dir) = (
        TestDb::new(),
        SmtpSink::start(),
        tempfile::tempdir().expect("tmp"),
    );
    open_cycle(&db);
    let emails: Vec<String> = (1..=12).map(address).collect();
    let file = contacts_csv(dir.path(), "contacts.csv", &emails);
    let (ok, err) = send_invitations(&db, &sink, &file);
    assert!(ok, "{err}");
    assert!(err.contains("12 invitations sent, 0 failed"), "{err}");

    let invitations = sink.messages();
    assert_eq!(invitations.len(), 12);
    let mut to: Vec<String> = invitations.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, emails, "one message to each contact");
    let codes: std::collections::HashSet<String> =
        invitations.iter().filter_map(Received::code).collect();
    assert_eq!(codes.len(), 12, "twelve distinct codes");
    let text = &invitations[0].text;
    let (vi, en) = (
        text.find("Kính gửi Quý doanh nghiệp").expect("Vietnamese"),
        text.find("Dear business").expect("English"),
    );
    assert!(vi < en, "Vietnamese first:\n{text}");
    assert!(
        text.contains("https://ddci.example.vn/survey?code="),
        "{text}"
    );
    assert!(text.contains("Hạn trả lời: 31/12/2025") && text.contains("31 December 2025"));
    assert!(
        text.contains("Nghị định 13/2023/NĐ-CP") && text.contains(FROM),
        "{text}"
    );

    // Every code works: each is admitted by the API (the last one is kept unused, so that a
    // refused submission leaves its invitation fresh for the reminder).
    let server = TestServer::start(db.pool());
    let by_address = |m: &Received| (m.to[0].clone(), m.code().expect("code"));
    let pairs: Vec<(String, String)> = invitations.iter().map(by_address).collect();
    let answered = pairs
        .iter()
        .find(|(e, _)| *e == address(5))
        .expect("5")
        .clone();
    assert_eq!(submit(&server, &answered.1), 201);
    assert_eq!(submit(&server, &answered.1), 409, "used once");
    // Business 7 begins on the web form, so its reminder carries no code.
    let began = pairs
        .iter()
        .find(|(e, _)| *e == address(7))
        .expect("7")
        .clone();
    let mut browser = Browser::new(&server);
    let (status, location, _) = browser.post("/survey", &[("code", &began.1)]);
    assert_eq!((status, location.as_str()), (303, "/survey/profile"));

    let (ok, err) = run(mail_cmd(&db, &sink).args(["remind", "--cycle", "2025"]));
    assert!(ok, "{err}");
    assert!(err.contains("11 reminders sent"), "{err}");
    let reminders: Vec<Received> = sink.messages().split_off(12);
    assert_eq!(reminders.len(), 11);
    assert!(
        reminders.iter().all(|m| m.to != [answered.0.clone()]),
        "no reminder to the business that answered"
    );
    for m in &reminders {
        let old = &pairs
            .iter()
            .find(|(e, _)| *e == m.to[0])
            .expect("contact")
            .1;
        if m.to[0] == began.0 {
            assert_eq!(m.code(), None, "no code for a business that began");
            assert!(
                m.text.contains("https://ddci.example.vn/survey"),
                "{}",
                m.text
            );
        } else {
            let new = m.code().expect("a new code for one that has not begun");
            assert_ne!(&new, old);
            assert!(m.text.contains("Nhắc") || m.text.contains("chưa nhận được"));
        }
    }
    // The reminded business's old code is revoked; its new one works.
    let other = reminders
        .iter()
        .find(|m| m.to[0] == address(1))
        .expect("reminder to 1");
    let old = &pairs.iter().find(|(e, _)| *e == address(1)).expect("1").1;
    assert_eq!(submit(&server, old), 404, "the old code is revoked");
    assert_eq!(submit(&server, &other.code().expect("code")), 201);
    // The code of the business that began still works.
    assert_eq!(submit(&server, &began.1), 201);
    // A second reminder the same day sends nothing (a second click, a rerun).
    let (ok, err) = run(mail_cmd(&db, &sink).args(["remind", "--cycle", "2025"]));
    assert!(ok, "{err}");
    assert!(err.contains("0 reminders sent"), "{err}");
    assert_eq!(sink.messages().len(), 23);
}

#[test]
fn a_contact_left_sending_is_reported_and_resent_only_with_retry_with_a_new_code() {
    let (db, sink, dir) = (
        TestDb::new(),
        SmtpSink::start(),
        tempfile::tempdir().expect("tmp"),
    );
    open_cycle(&db);
    let emails: Vec<String> = (1..=3).map(address).collect();
    let file = contacts_csv(dir.path(), "contacts.csv", &emails);
    let codes = dir.path().join("codes.csv");
    // Codes for a mail merge first (no --send): the codes file holds them.
    let (ok, err) = run(mail_cmd(&db, &sink)
        .args(["invite", "--cycle", "2025", "--contacts"])
        .arg(&file)
        .arg("--out")
        .arg(&codes));
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&codes).expect("codes file");
    let stuck_code = text
        .lines()
        .find(|l| l.contains(&address(2)))
        .and_then(|l| l.split(',').next())
        .expect("a code for contact 2")
        .trim_start_matches('\u{feff}')
        .to_string();
    // A crash between committing "sending" and the server's reply.
    {
        let mut conn = db.pool().get().expect("connection");
        diesel::sql_query(format!(
            "UPDATE contacts SET status = 'sending' WHERE email = '{}'",
            address(2)
        ))
        .execute(&mut *conn)
        .expect("update");
    }
    let send = |retry: bool| {
        let mut cmd = mail_cmd(&db, &sink);
        cmd.args(["invite", "--cycle", "2025", "--contacts"])
            .arg(&file)
            .arg("--send");
        if retry {
            cmd.arg("--retry");
        }
        run(&mut cmd)
    };
    let (ok, err) = send(false);
    assert!(!ok, "an unresolved contact fails the command");
    assert!(err.contains("left sending by an earlier run"), "{err}");
    assert!(err.contains(&address(2)), "{err}");
    let first: Vec<String> = sink.messages().iter().map(|m| m.to[0].clone()).collect();
    assert_eq!(
        first,
        [address(1), address(3)],
        "not resent without --retry"
    );
    assert_eq!(
        contact_column(&db, &address(2), "status").as_deref(),
        Some("sending")
    );

    let (ok, err) = send(true);
    assert!(ok, "{err}");
    assert!(
        err.contains("1 invitations sent") && err.contains("2 done before"),
        "{err}"
    );
    let all = sink.messages();
    assert_eq!(all.len(), 3, "only the unresolved contact again");
    assert_eq!(all[2].to, [address(2)]);
    let new_code = all[2].code().expect("code");
    assert_ne!(new_code, stuck_code, "a new code");
    let server = TestServer::start(db.pool());
    assert_eq!(submit(&server, &stuck_code), 404, "the old code is revoked");
    assert_eq!(submit(&server, &new_code), 201);
    assert_eq!(
        contact_column(&db, &address(2), "status").as_deref(),
        Some("sent")
    );
}

#[test]
fn a_refused_recipient_is_named_with_the_reply_and_the_others_are_sent() {
    let (db, sink, dir) = (
        TestDb::new(),
        SmtpSink::start(),
        tempfile::tempdir().expect("tmp"),
    );
    open_cycle(&db);
    let refused = format!("{REFUSED}@example.vn");
    let emails = vec![address(1), address(2), refused.clone(), address(4)];
    let file = contacts_csv(dir.path(), "contacts.csv", &emails);
    let (ok, err) = send_invitations(&db, &sink, &file);
    assert!(!ok, "a failure makes the exit status non-zero");
    assert!(
        err.contains(&format!("failed: {refused}")) && err.contains("550"),
        "{err}"
    );
    assert!(err.contains("3 invitations sent, 1 failed"), "{err}");
    let to: Vec<String> = sink.messages().iter().map(|m| m.to[0].clone()).collect();
    assert_eq!(to, [address(1), address(2), address(4)]);
    assert_eq!(
        contact_column(&db, &refused, "status").as_deref(),
        Some("failed")
    );
    let error = contact_column(&db, &refused, "last_error").expect("the reply is kept");
    assert!(error.contains("550"), "{error}");
}

#[test]
fn bad_contacts_files_and_mail_settings_store_and_send_nothing() {
    let (db, sink, dir) = (
        TestDb::new(),
        SmtpSink::start(),
        tempfile::tempdir().expect("tmp"),
    );
    open_cycle(&db);
    let invite = |file: &Path, extra: &[&str], env: &[(&str, &str)]| {
        let mut cmd = mail_cmd(&db, &sink);
        cmd.args(["invite", "--cycle", "2025", "--contacts"])
            .arg(file)
            .args(extra);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(&mut cmd)
    };
    let cases: [(&str, &str, &str); 3] = [
        (
            "invalid.csv",
            "email,label\na@example.vn,A\nkhông-phải-email,B\n",
            "invalid.csv, line 3, email: `không-phải-email` is not a valid email address",
        ),
        (
            "duplicate.csv",
            "email,label\na@example.vn,A\nb@example.vn,B\nA@Example.vn,C\n",
            "duplicate.csv, line 4, email: a@example.vn is already on line 2",
        ),
        (
            "header.csv",
            "e-mail,ten\na@example.vn,A\n",
            "header.csv, line 1: the header has no `email` column",
        ),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("file");
        let (ok, err) = invite(&path, &["--send"], &[]);
        assert!(!ok && err.contains(expected), "{name}: {err}");
    }
    let good = contacts_csv(dir.path(), "good.csv", &[address(1), address(2)]);
    let (ok, err) = invite(&good, &["--send"], &[("DDCI_MAIL_FROM", "")]);
    assert!(!ok && err.contains("DDCI_MAIL_FROM is not set"), "{err}");
    let closed_port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let unreachable = format!("smtp://127.0.0.1:{closed_port}");
    let (ok, err) = invite(&good, &["--send"], &[("DDCI_SMTP_URL", &unreachable)]);
    assert!(!ok && err.contains("cannot reach the SMTP server"), "{err}");
    assert!(err.contains("nothing was stored or sent"), "{err}");
    assert_eq!(contacts_stored(&db), 0, "nothing stored");
    assert!(sink.messages().is_empty(), "nothing sent");

    // Excel, as the Association keeps its contacts: an invalid address names its row.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, cells) in [
        ["email", "label"],
        ["an@example.vn", "Hợp tác xã Bình An"],
        ["sai", "X"],
    ]
    .iter()
    .enumerate()
    {
        for (col, cell) in cells.iter().enumerate() {
            sheet
                .write_string(row as u32, col as u16, *cell)
                .expect("cell");
        }
    }
    let xlsx = dir.path().join("danh-ba.xlsx");
    book.save(&xlsx).expect("workbook");
    let (ok, err) = invite(&xlsx, &[], &[]);
    assert!(
        !ok && err.contains("danh-ba.xlsx, line 3, email: `sai`"),
        "{err}"
    );
    sheet_without_errors(&xlsx);
    let (ok, err) = invite(&xlsx, &[], &[]);
    assert!(ok, "{err}");
    assert_eq!(contacts_stored(&db), 1);
    assert_eq!(
        contact_column(&db, "an@example.vn", "label").as_deref(),
        Some("Hợp tác xã Bình An")
    );
}

/// Rewrites the test workbook with its one valid contact.
fn sheet_without_errors(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, cells) in [["email", "label"], ["an@example.vn", "Hợp tác xã Bình An"]]
        .iter()
        .enumerate()
    {
        for (col, cell) in cells.iter().enumerate() {
            sheet
                .write_string(row as u32, col as u16, *cell)
                .expect("cell");
        }
    }
    book.save(path).expect("workbook");
}

#[test]
fn purge_deletes_the_addresses_once_the_cycle_is_closed() {
    let (db, sink, dir) = (
        TestDb::new(),
        SmtpSink::start(),
        tempfile::tempdir().expect("tmp"),
    );
    open_cycle(&db);
    let file = contacts_csv(dir.path(), "contacts.csv", &[address(1), address(2)]);
    let (ok, err) = send_invitations(&db, &sink, &file);
    assert!(ok, "{err}");
    let (ok, err) = run(ddci(&db).args(["contacts", "purge", "--cycle", "2025"]));
    assert!(!ok && err.contains("once it is closed"), "{err}");
    assert!(
        contact_column(&db, &address(1), "status").is_some(),
        "kept while open"
    );
    run_ok(&db, &["cycle", "close", "2025"]);
    let (ok, err) = run(ddci(&db).args(["contacts", "purge", "--cycle", "2025"]));
    assert!(ok, "{err}");
    assert!(err.contains("2 contacts purged"), "{err}");
    let mut conn = db.pool().get().expect("connection");
    let counts = ddci::db::contacts::counts(&mut conn, cycle_id(&db)).expect("counts");
    assert_eq!(
        (counts.total, counts.sent, counts.purged),
        (2, 2, 2),
        "counts stay"
    );
    let held = ddci::db::contacts::emails(&mut conn, cycle_id(&db)).expect("emails");
    assert!(held.is_empty(), "no address left: {held:?}");
}

/// A multipart form with the CSRF token and a file, as a browser sends an upload.
fn upload(b: &mut Browser, url: &str, name: &str, bytes: &[u8]) -> (u16, String) {
    let token = b.cookies["csrf"].clone();
    let boundary = "----ddci-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"contacts\"; filename=\"{name}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let result = ureq::post(url)
        .set("cookie", &b.cookie_header())
        .set(
            "content-type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .send_bytes(&body);
    let (status, _, page) = b.finish(result);
    (status, page)
}

fn count_on_page(page: &str, name: &str) -> i64 {
    let marker = format!("data-count=\"{name}\">");
    let at = page.find(&marker).expect("count on the page") + marker.len();
    page[at..]
        .split('<')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .expect("a number")
}

#[test]
fn the_admin_page_uploads_sends_and_counts_sent_failed_and_answered() {
    let (db, sink) = (TestDb::new(), SmtpSink::start());
    open_cycle(&db);
    admin_account(&db, "hiephoi", "admin");
    admin_account(&db, "phantich", "analyst");
    let mut settings = ddci::config::Settings::defaults_for(db.pool().url().clone());
    settings.mail = ddci::mail::MailSettings {
        smtp_url: Some(sink.url()),
        from: Some(FROM.into()),
        per_minute: None,
    };
    let server = TestServer::start_with(db.pool(), settings);
    let sign_in = |name: &str| {
        let mut b = Browser::new(&server);
        let (status, _, _) = b.post(
            "/admin/login",
            &[
                ("username", name),
                ("password", ADMIN_PASSWORD),
                ("next", "/admin"),
            ],
        );
        assert_eq!(status, 303, "{name} signs in");
        b
    };
    let mut admin = sign_in("hiephoi");
    let (status, _, page) = admin.get("/admin/cycles/2025/contacts");
    assert_eq!(status, 200);
    assert!(
        page.contains("Nghị định 13/2023/NĐ-CP"),
        "the notice on the upload page"
    );
    let (status, _, page) = admin.get("/admin/cycles/2025/contacts?lang=en");
    assert_eq!(status, 200);
    assert!(page.contains("Decree 13/2023/NĐ-CP") && page.contains("Upload contacts"));
    let target = server.url("/admin/cycles/2025/contacts");
    let csv = format!(
        "email,label\n{},Công ty A\n{REFUSED}@example.vn,Công ty B\n{},Công ty C\n",
        address(1),
        address(3)
    );
    let (status, page) = upload(&mut admin, &target, "danh-ba.csv", csv.as_bytes());
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("3 new contacts stored"), "{page}");
    let (status, page) = upload(&mut admin, &target, "sai.csv", b"name\nx\n");
    assert_eq!(status, 409);
    assert!(page.contains("sai.csv, line 1"), "{page}");

    let mut analyst = sign_in("phantich");
    let (status, _, _) = analyst.post("/admin/cycles/2025/contacts/send", &[]);
    assert_eq!(status, 403, "only admins send");
    assert!(sink.messages().is_empty());

    let (status, _, page) = admin.post("/admin/cycles/2025/contacts/send", &[]);
    assert_eq!(status, 200, "{page}");
    let mut page = String::new();
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        page = admin.get("/admin/cycles/2025/contacts").2;
        if count_on_page(&page, "sent") + count_on_page(&page, "failed") == 3 {
            break;
        }
    }
    assert_eq!(
        (
            count_on_page(&page, "total"),
            count_on_page(&page, "sent"),
            count_on_page(&page, "failed")
        ),
        (3, 2, 1),
        "{page}"
    );
    assert!(
        page.contains(&format!("{REFUSED}@example.vn")) && page.contains("550"),
        "{page}"
    );
    let code = sink
        .messages()
        .iter()
        .find(|m| m.to == [address(3)])
        .and_then(Received::code)
        .expect("code of contact 3");
    assert_eq!(submit(&server, &code), 201);
    let page = admin.get("/admin/cycles/2025/contacts").2;
    assert_eq!(count_on_page(&page, "answered"), 1, "{page}");
    // Reminders from the page: contact 1 only (3 answered; the refused address fails again).
    let (status, _, _) = admin.post("/admin/cycles/2025/contacts/remind", &[]);
    assert_eq!(status, 200);
    let mut audit = String::new();
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        audit = admin.get("/admin/audit").2;
        if audit.contains("contacts.remind") {
            break;
        }
    }
    assert!(
        audit.contains("contacts.add") && audit.contains("contacts.send"),
        "{audit}"
    );
    assert!(audit.contains("contacts.remind"), "{audit}");
    let page = admin.get("/admin/cycles/2025/contacts").2;
    assert_eq!(count_on_page(&page, "reminded"), 1, "{page}");
    let reminded: Vec<Vec<String>> = sink.messages()[2..].iter().map(|m| m.to.clone()).collect();
    assert_eq!(reminded, [vec![address(1)]]);
}

#[test]
fn a_reminder_left_sending_is_reported_and_sent_again_only_with_retry() {
    let (db, sink, dir) = (
        TestDb::new(),
        SmtpSink::start(),
        tempfile::tempdir().expect("tmp"),
    );
    open_cycle(&db);
    let file = contacts_csv(dir.path(), "contacts.csv", &[address(1), address(2)]);
    let (ok, err) = send_invitations(&db, &sink, &file);
    assert!(ok, "{err}");
    {
        let mut conn = db.pool().get().expect("connection");
        diesel::sql_query(format!(
            "UPDATE contacts SET reminder_status = 'sending' WHERE email = '{}'",
            address(1)
        ))
        .execute(&mut *conn)
        .expect("update");
    }
    let (ok, err) = run(mail_cmd(&db, &sink).args(["remind", "--cycle", "2025"]));
    assert!(!ok, "an unresolved reminder fails the command");
    assert!(
        err.contains(&address(1)) && err.contains("1 reminders sent"),
        "{err}"
    );
    let to: Vec<String> = sink.messages()[2..]
        .iter()
        .map(|m| m.to[0].clone())
        .collect();
    assert_eq!(to, [address(2)]);
    let (ok, err) = run(mail_cmd(&db, &sink).args(["remind", "--cycle", "2025", "--retry"]));
    assert!(ok, "{err}");
    assert!(
        err.contains("1 reminders sent") && err.contains("1 done before"),
        "{err}"
    );
    let to: Vec<String> = sink.messages()[3..]
        .iter()
        .map(|m| m.to[0].clone())
        .collect();
    assert_eq!(to, [address(1)], "only the unresolved one, once");
}
