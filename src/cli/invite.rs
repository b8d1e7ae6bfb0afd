//! `ddci invite`: new invitation codes for a cycle, written once to a CSV for the mail merge
//! and/or on printed letters (cli/paper.rs), or given to the contacts of a contacts file and
//! emailed (`--send`); `ddci remind` and `ddci contacts purge`. The database keeps only the
//! codes' hashes, so a file, a letter or a message is the only place a code exists.

use crate::catalog::table::Table;
use crate::config::Settings;
use crate::cycles::mailing::{self, Planned, Report, Sending};
use crate::cycles::{self, Refused};
use crate::db::{self, Pool};
use crate::mail::Mailer;
use anyhow::Context;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct InviteArgs {
    #[arg(long)]
    pub cycle: i32,
    /// Number of codes (or the number of labels when --labels is given).
    #[arg(long)]
    pub count: Option<usize>,
    /// CSV with a `label` column (business name or tax code), one code per row.
    #[arg(long, conflicts_with = "contacts")]
    pub labels: Option<PathBuf>,
    /// Contacts, CSV or Excel .xlsx, with the columns `email,label` (others are ignored): one
    /// code per new address. The whole file is checked before anything is stored.
    #[arg(long, conflicts_with = "count")]
    pub contacts: Option<PathBuf>,
    /// Email each contact its invitation (DDCI_SMTP_URL, DDCI_MAIL_FROM); a rerun sends to
    /// those not sent yet.
    #[arg(long, requires = "contacts")]
    pub send: bool,
    /// With --send: also send again to contacts left "sending" by a crash, with a new code
    /// (the old one is revoked).
    #[arg(long, requires = "send")]
    pub retry: bool,
    /// The codes file to create (never overwritten). May be left out with --contacts, or
    /// when --letters is given: the codes then exist only on the letters (or in the messages).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also (or instead) write one A4 letter per new code to this new PDF: the Business
    /// Association's invitation with the code, a QR code of its link and the deadline. Only
    /// for a created or open cycle.
    #[arg(long)]
    pub letters: Option<PathBuf>,
}

pub fn invite(pool: &Pool, settings: &Settings, args: &InviteArgs) -> anyhow::Result<()> {
    if let Some(contacts) = &args.contacts {
        return invite_contacts(pool, settings, args, contacts);
    }
    codes_files(
        pool,
        &settings.public_url,
        args.cycle,
        args.count,
        args.labels.as_deref(),
        Outputs {
            codes: args.out.as_deref(),
            letters: args.letters.as_deref(),
        },
    )
}

/// Where `ddci invite` puts the new codes: the codes CSV, the letters PDF, or both.
pub struct Outputs<'a> {
    pub codes: Option<&'a Path>,
    pub letters: Option<&'a Path>,
}

fn codes_files(
    pool: &Pool,
    public_url: &str,
    year: i32,
    count: Option<usize>,
    labels: Option<&Path>,
    outputs: Outputs<'_>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        outputs.codes.is_some() || outputs.letters.is_some(),
        "give --out codes.csv, --letters letters.pdf, or both: the codes are shown only once, there"
    );
    let targets = super::paper::new_files(&[outputs.codes, outputs.letters])?;
    let labels = read_labels(labels, count)?;
    let mut conn = pool.get()?;
    let cycle = db::cycles::get(&mut conn, year)?;
    cycle
        .status()
        .refuse_if_published(year, Refused::NoMoreResponses)?;
    if outputs.letters.is_some() {
        super::paper::refuse_letters(&cycle)?;
    }
    let issued = cycles::generate_codes(labels)?;
    let mut contents = Vec::new();
    if outputs.codes.is_some() {
        contents.push(cycles::codes_csv(public_url, &issued)?);
    }
    if outputs.letters.is_some() {
        contents.push(super::paper::letters(public_url, &cycle, &issued)?);
    }
    // Write the files first (to temporary names), store the hashes, then give the files their
    // names: no code is stored that nobody has, and no file lists codes that were not stored.
    super::paper::write_then_store(&targets, &contents, || {
        cycles::store_codes(&mut conn, "cli", year, &issued)
    })?;
    for target in &targets {
        eprintln!(
            "cycle {year}: {} invitation codes written to {}",
            issued.len(),
            target.display()
        );
    }
    Ok(())
}

/// One label per code (`None` without a labels file).
fn read_labels(labels: Option<&Path>, count: Option<usize>) -> anyhow::Result<Vec<Option<String>>> {
    let Some(path) = labels else {
        let n = count.context("give --count N or --labels FILE")?;
        anyhow::ensure!(n > 0, "--count must be at least 1");
        return Ok(vec![None; n]);
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let table = Table::parse(&path.display().to_string(), &text, &["label"])?;
    let mut out = Vec::new();
    for row in table.rows() {
        out.push(Some(row.text("label")?));
    }
    if let Some(n) = count {
        anyhow::ensure!(
            n == out.len(),
            "--count {n} differs from the {} labels in {}",
            out.len(),
            path.display()
        );
    }
    anyhow::ensure!(!out.is_empty(), "{} has no labels", path.display());
    Ok(out)
}

/// `ddci invite --contacts FILE [--send] [--retry] [--out FILE]`. Everything that can be
/// refused (the file, the mail settings, the server, the cycle) is checked before anything is
/// stored or sent.
fn invite_contacts(
    pool: &Pool,
    settings: &Settings,
    args: &InviteArgs,
    file: &Path,
) -> anyhow::Result<()> {
    let year = args.cycle;
    let contacts = crate::mail::read_contacts(file)?;
    let wanted = [args.out.as_deref(), args.letters.as_deref()];
    let targets = match wanted.iter().any(Option::is_some) {
        true => super::paper::new_files(&wanted)?,
        false => Vec::new(),
    };
    let mut mailer = match args.send {
        true => Some(Mailer::connect(&settings.mail)?),
        false => None,
    };
    let mut conn = pool.get()?;
    if mailer.is_some() {
        mailing::cycle_to_mail(&mut conn, year, false)?;
    }
    if args.letters.is_some() {
        super::paper::refuse_letters(&db::cycles::get(&mut conn, year)?)?;
    }
    let (planned, existing) = mailing::plan_contacts(&mut conn, year, &contacts)?;
    let mut contents = Vec::new();
    if args.out.is_some() {
        contents.push(mailing::contacts_csv(&settings.public_url, &planned)?);
    }
    if args.letters.is_some() {
        let cycle = db::cycles::get(&mut conn, year)?;
        let issued: Vec<(String, Option<String>)> = (planned.iter())
            .map(|p| (p.code.clone(), p.label.clone()))
            .collect();
        contents.push(super::paper::letters(
            &settings.public_url,
            &cycle,
            &issued,
        )?);
    }
    // As with --count: the files first (under temporary names), then the hashes, then the
    // files' names, so no stored code is missing from them.
    super::paper::write_then_store(&targets, &contents, || {
        mailing::store_contacts(&mut conn, "cli", year, &planned)
    })?;
    eprintln!(
        "cycle {year}: {} new contacts, each with its own code; {existing} already in the cycle",
        planned.len()
    );
    let Some(mailer) = mailer.as_mut() else {
        return Ok(());
    };
    let only: HashSet<String> = contacts.into_iter().map(|c| c.email).collect();
    let fresh: HashMap<String, String> = planned
        .into_iter()
        .map(|p: Planned| (p.email, p.code))
        .collect();
    let mut progress = |line: &str| eprintln!("{line}");
    let mut run = Sending {
        actor: "cli",
        year,
        public_url: &settings.public_url,
        retry: args.retry,
        progress: &mut progress,
    };
    let report = mailing::send_invitations(&mut conn, mailer, &mut run, Some(&only), &fresh)?;
    finish(year, "invitations", &report)
}

/// Prints a run's counts; an error (non-zero exit) if any message failed or is unresolved.
fn finish(year: i32, what: &str, report: &Report) -> anyhow::Result<()> {
    eprintln!("cycle {year}: {}", report.summary(what));
    anyhow::ensure!(
        report.ok(),
        "cycle {year}: {} {what} failed and {} are unresolved (see above)",
        report.failed.len(),
        report.unresolved.len()
    );
    Ok(())
}

/// `ddci remind --cycle YEAR [--retry]`.
pub fn remind(pool: &Pool, settings: &Settings, year: i32, retry: bool) -> anyhow::Result<()> {
    let mut mailer = Mailer::connect(&settings.mail)?;
    let mut conn = pool.get()?;
    let mut progress = |line: &str| eprintln!("{line}");
    let mut run = Sending {
        actor: "cli",
        year,
        public_url: &settings.public_url,
        retry,
        progress: &mut progress,
    };
    let report = mailing::remind(&mut conn, &mut mailer, &mut run)?;
    finish(year, "reminders", &report)
}

/// `ddci contacts purge --cycle YEAR`.
pub fn purge(pool: &Pool, year: i32) -> anyhow::Result<()> {
    let n = mailing::purge_contacts(&mut *pool.get()?, "cli", year)?;
    eprintln!("cycle {year}: {n} contacts purged (their email addresses and labels deleted)");
    Ok(())
}
