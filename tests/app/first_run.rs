//! A newcomer's first run: `ddci serve` from a fresh folder, with no database and no settings,
//! shows a published ranking and prints codes that complete the survey through the forms.

use crate::common::browser::Browser;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `ddci serve` in `dir` with the defaults (demo on, SQLite under data/), killed when dropped.
struct FirstRun {
    child: Child,
    base: String,
    console: String,
}

impl FirstRun {
    fn start(dir: &std::path::Path) -> FirstRun {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ddci"))
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .env_remove("DDCI_PUBLIC_URL")
            .env("DDCI_DEMO", "true")
            .env("RUST_LOG", "warn")
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::piped())
            .spawn()
            .expect("serve");
        // The console's welcome ends with the admin command; read up to it.
        let mut console = String::new();
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        for line in lines.by_ref() {
            let line = line.expect("console line");
            console.push_str(&line);
            console.push('\n');
            if line.contains("ddci admin create") {
                break;
            }
        }
        let base = format!("http://127.0.0.1:{port}");
        let up = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(50));
            ureq::get(&format!("{base}/healthz")).call().is_ok()
        });
        assert!(up, "server started; console: {console}");
        FirstRun {
            child,
            base,
            console,
        }
    }

    /// The survey links printed on the console, as paths.
    fn survey_paths(&self) -> Vec<String> {
        self.console
            .split_whitespace()
            .filter_map(|w| w.strip_prefix(&self.base))
            .filter(|p| p.starts_with("/survey?code="))
            .map(str::to_string)
            .collect()
    }
}

impl Drop for FirstRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_first_run_publishes_a_demo_year_and_prints_codes_that_complete_the_survey() {
    let dir = tempfile::tempdir().expect("fresh folder");
    let started = std::time::Instant::now();
    let run = FirstRun::start(dir.path());
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "a first run starts quickly"
    );
    assert!(dir.path().join("data/ddci.sqlite3").exists());
    assert!(
        run.console
            .contains("ddci admin create --username admin --role admin"),
        "how to make an admin account: {}",
        run.console
    );
    let links = run.survey_paths();
    assert_eq!(links.len(), 3, "three demo codes: {}", run.console);

    let mut visitor = Browser::at(&run.base);
    let (status, _, html) = visitor.get("/results");
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/results/2024\""), "{html}");
    let (status, _, html) = visitor.get("/results/2024");
    assert_eq!(status, 200);
    assert!(html.contains("<table"), "a ranking table: {html}");

    let mut business = Browser::at(&run.base);
    let code = links[0].trim_start_matches("/survey?code=").to_string();
    let (status, _, html) = business.get(&links[0]);
    assert_eq!(status, 200);
    assert!(html.contains(&code), "the link fills in the code");
    let (status, location, _) = business.post("/survey", &[("code", &code)]);
    assert_eq!((status, location.as_str()), (303, "/survey/profile"));
    let (status, location, _) = business.post(
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
    let (status, location, _) = business.post("/survey/unit/DEP_THUE_TINH", &[("a.DEP_TR01", "4")]);
    assert_eq!(
        (status, location.as_str()),
        (303, "/survey/unit/COM_HUU_LUNG")
    );
    let (status, location, _) = business.post("/survey/unit/COM_HUU_LUNG", &[("a.COM_TR01", "5")]);
    assert_eq!((status, location.as_str()), (303, "/survey/review"));
    let (status, thanks, _) = business.post("/survey/submit", &[]);
    assert_eq!(status, 303);
    assert!(thanks.starts_with("/survey/thanks?receipt="), "{thanks}");
    for _reload in 0..2 {
        let (status, _, html) = business.get(&thanks);
        assert_eq!(status, 200);
        assert!(html.contains("Phiếu của doanh nghiệp đã được ghi nhận"));
    }
    let (status, _, html) = business.get(&format!("{thanks}&lang=en"));
    assert_eq!(status, 200);
    assert!(
        html.contains("Your questionnaire has been recorded"),
        "{html}"
    );
}
