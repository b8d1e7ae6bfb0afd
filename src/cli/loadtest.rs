//! `ddci loadtest`: many clients submit complete questionnaires through the JSON API (or fetch
//! one page, with `--get`) for a while; then throughput, latency percentiles and every non-2xx
//! status are printed. Needs no database: it talks to a running server only.

mod report;

use anyhow::Context;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use report::{Report, Samples};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct LoadtestArgs {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    pub url: String,
    /// Invitation codes (the CSV `ddci invite` writes; first column, or the `code` column);
    /// each is used once.
    #[arg(long, required_unless_present = "get")]
    pub codes: Option<PathBuf>,
    /// Simultaneous clients, each with its own keep-alive connection.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Seconds to run (clients also stop when the codes run out).
    #[arg(long, default_value_t = 20)]
    pub duration: u64,
    /// Fetch this page (e.g. /results/2024) instead of submitting.
    #[arg(long)]
    pub get: Option<String>,
    /// Survey year the codes belong to (default: this year, as the demo cycle).
    #[arg(long)]
    pub cycle: Option<i32>,
    /// Seed of the generated answers.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// The parts of the API's questionnaire a submission needs.
#[derive(Debug, Deserialize)]
pub struct Questionnaire {
    units: Vec<Unit>,
    questions: Vec<Question>,
    profile: Vec<Profile>,
}

#[derive(Debug, Deserialize)]
struct Unit {
    code: String,
    kind: String,
}

#[derive(Debug, Deserialize)]
struct Question {
    code: String,
    kind: String,
    question_type: String,
    dont_know: bool,
}

#[derive(Debug, Deserialize)]
struct Profile {
    code: String,
    choices: Vec<String>,
}

pub fn run(args: &LoadtestArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.concurrency >= 1, "--concurrency must be at least 1");
    anyhow::ensure!(args.duration >= 1, "--duration must be at least 1 second");
    let base = args.url.trim_end_matches('/').to_string();
    let work = match &args.get {
        Some(path) => Work::Get(format!("{base}{path}")),
        None => {
            let year = args
                .cycle
                .unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now()));
            let path = args.codes.as_deref().context("--codes is required")?;
            let codes = read_codes(path)?;
            let q = fetch_questionnaire(&base, year)?;
            eprintln!(
                "{} codes, {} units in the {year} questionnaire",
                codes.len(),
                q.units.len()
            );
            Work::Submit {
                url: format!("{base}/api/v1/cycles/{year}/responses"),
                questionnaire: q,
                codes,
                seed: args.seed,
            }
        }
    };
    let report = drive(
        Arc::new(work),
        args.concurrency,
        Duration::from_secs(args.duration),
    );
    print!("{}", report.text());
    Ok(())
}

enum Work {
    Get(String),
    Submit {
        url: String,
        questionnaire: Questionnaire,
        codes: Vec<String>,
        seed: u64,
    },
}

fn read_codes(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("cannot read the codes file {}", path.display()))?;
    let column = reader
        .headers()?
        .iter()
        // `ddci invite` starts the file with a byte order mark, for Excel.
        .position(|h| h.trim_start_matches('\u{feff}') == "code")
        .unwrap_or(0);
    let mut codes = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("{}: line {}", path.display(), i + 2))?;
        if let Some(code) = row.get(column).filter(|c| !c.trim().is_empty()) {
            codes.push(code.trim().to_string());
        }
    }
    anyhow::ensure!(!codes.is_empty(), "{} holds no codes", path.display());
    Ok(codes)
}

fn fetch_questionnaire(base: &str, year: i32) -> anyhow::Result<Questionnaire> {
    let url = format!("{base}/api/v1/cycles/{year}/questionnaire");
    let text = ureq::get(&url)
        .call()
        .with_context(|| format!("cannot fetch {url}"))?
        .into_string()?;
    let q: Questionnaire = serde_json::from_str(&text).context("unexpected questionnaire")?;
    anyhow::ensure!(!q.units.is_empty(), "the {year} questionnaire has no units");
    Ok(q)
}

/// Runs `concurrency` clients until `duration` has passed or the codes run out.
fn drive(work: Arc<Work>, concurrency: usize, duration: Duration) -> Report {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let clients: Vec<_> = (0..concurrency)
        .map(|_| {
            let (work, next) = (work.clone(), next.clone());
            std::thread::spawn(move || client(&work, &next, deadline))
        })
        .collect();
    let mut all = Samples::default();
    for c in clients {
        if let Ok(samples) = c.join() {
            all.merge(samples);
        }
    }
    Report::new(all, start.elapsed())
}

fn client(work: &Work, next: &AtomicUsize, deadline: Instant) -> Samples {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let mut samples = Samples::default();
    while Instant::now() < deadline {
        let (sent, answer) = match work {
            Work::Get(url) => (Instant::now(), agent.get(url).call()),
            Work::Submit {
                url,
                questionnaire,
                codes,
                seed,
            } => {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(code) = codes.get(i) else { break };
                let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(i as u64));
                let body = submission(questionnaire, code, &mut rng).to_string();
                let sent = Instant::now();
                let answer = agent
                    .post(url)
                    .set("content-type", "application/json")
                    .send_string(&body);
                (sent, answer)
            }
        };
        record(&mut samples, answer, sent);
    }
    samples
}

/// A complete questionnaire for `code`: the profile, then three units of the first kind and
/// one of the second (three departments and a district in the Lạng Sơn catalog: about 130
/// answers), every question answered, with "don't know" now and then where it is offered.
pub fn submission(q: &Questionnaire, code: &str, rng: &mut impl RngCore) -> Value {
    let mut kinds: Vec<&str> = q.units.iter().map(|u| u.kind.as_str()).collect();
    kinds.dedup();
    let mut chosen = Vec::new();
    for (k, kind) in kinds.iter().take(2).enumerate() {
        let of_kind: Vec<&Unit> = q.units.iter().filter(|u| u.kind == *kind).collect();
        let want = if k == 0 && kinds.len() > 1 {
            3
        } else {
            4 - chosen.len()
        };
        let first = pick(rng, of_kind.len());
        for j in 0..want.min(of_kind.len()) {
            chosen.push(of_kind[(first + j) % of_kind.len()]);
        }
    }
    let evaluations: Vec<Value> = chosen
        .iter()
        .map(|u| {
            let answers: Map<String, Value> = q
                .questions
                .iter()
                .filter(|x| x.kind == u.kind)
                .map(|x| (x.code.clone(), answer(x, rng)))
                .collect();
            json!({"unit_code": u.code, "answers": answers})
        })
        .collect();
    let profile: Map<String, Value> = q
        .profile
        .iter()
        .filter(|p| !p.choices.is_empty())
        .map(|p| (p.code.clone(), json!(p.choices[pick(rng, p.choices.len())])))
        .collect();
    json!({"code": code, "profile": profile, "evaluations": evaluations})
}

fn answer(q: &Question, rng: &mut impl RngCore) -> Value {
    if q.dont_know && pick(rng, 10) == 0 {
        return Value::Null;
    }
    match q.question_type.as_str() {
        "likert5" => json!(1 + pick(rng, 5)),
        "yes_no" => json!(pick(rng, 2)),
        _ => json!(pick(rng, 30)),
    }
}

/// A number in 0..n (n ≥ 1).
fn pick(rng: &mut impl RngCore, n: usize) -> usize {
    (rng.next_u32() as usize) % n.max(1)
}

fn record(samples: &mut Samples, answer: Result<ureq::Response, ureq::Error>, sent: Instant) {
    let response = match answer {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(ureq::Error::Transport(_)) => {
            samples.transport_errors += 1;
            return;
        }
    };
    let status = response.status();
    // Read the whole body: the connection is reused, and the time includes the download.
    let _ = response.into_string();
    samples.record(status, sent.elapsed());
}
