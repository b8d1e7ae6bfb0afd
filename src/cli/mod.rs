//! The one `ddci` command line. Every command reads the database from `DATABASE_URL` and
//! migrates it on connect.

use crate::catalog::SeedCatalog;
use crate::config::Settings;
use crate::db::{self, Pool};

use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod admin;
mod backup;
mod invite;
mod loadtest;
mod package;
mod paper;
mod scoring;
mod study;
pub use scoring::RunOptions;

#[derive(Debug, Parser)]
#[command(
    name = "ddci",
    version,
    about = "Survey and scoring engine of the DDCI (Department and District Competitiveness Index)",
    long_about = "Survey and scoring engine of the DDCI (Department and District Competitiveness \
                  Index).\n\nWithout a command, `ddci` serves the web application (`ddci serve`). \
                  The database comes from DATABASE_URL: a file path or sqlite://PATH (default \
                  data/ddci.sqlite3), or postgres://… in a build with the `postgres` feature."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default). On an empty database it seeds the catalog and,
    /// unless DDCI_DEMO=false or --no-demo, fills a demo: on a loopback address 2024 published
    /// and 2025 open, with three invitation codes printed; elsewhere one open demo cycle.
    Serve {
        /// Address to listen on (overrides DDCI_BIND; default 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<String>,
        /// Do not fill a demo on an empty database.
        #[arg(long)]
        no_demo: bool,
    },
    /// Load the catalog (units, components, questionnaire, profile, groups, PCI map) into the
    /// database. Idempotent; existing cycles keep their own copy.
    Seed {
        /// A catalog folder laid out like seeds/lang-son (default: the Lạng Sơn catalog built in).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Accounts for the admin pages (/admin): the Business Association's administrators and
    /// analysts.
    Admin {
        #[command(subcommand)]
        action: admin::AdminAction,
    },
    /// Create, open, close or list survey cycles.
    Cycle {
        #[command(subcommand)]
        action: CycleAction,
    },
    /// Fill a cycle with realistic synthetic responses (creates and opens the cycle if needed).
    Demo {
        #[arg(long)]
        cycle: i32,
        #[arg(long, default_value_t = 1200)]
        responses: usize,
        #[arg(long, default_value_t = 20211121)]
        seed: u64,
    },
    /// Import paper questionnaires (METHODOLOGY.md §7 format); all or nothing.
    Import {
        #[arg(long)]
        cycle: i32,
        /// responses.csv: response_id, optional weight, profile columns.
        #[arg(long)]
        responses: PathBuf,
        /// answers.csv: response_id, unit_code, indicator_code, value.
        #[arg(long)]
        answers: PathBuf,
    },
    /// Write the data package (METHODOLOGY.md §7) of the cycle's published run, or else of its
    /// latest run, to a folder or (with a .zip name) a zip file. `--format stata` writes the
    /// package's evaluations as one Stata file (.dta, format 118) instead; published cycles only.
    Export {
        #[arg(long)]
        cycle: i32,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = package::ExportFormat::Package)]
        format: package::ExportFormat,
    },
    /// Write a consistent copy of the database and the installation's key file to a new zip
    /// file (SQLite; with PostgreSQL use pg_dump and copy the key file).
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup made by `ddci backup` to DATABASE_URL and DDCI_SECRET_FILE (stop the
    /// service first). Refuses to replace an existing database unless --force.
    Restore {
        file: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Score a cycle's stored responses (METHODOLOGY.md) and store the run with its parameters;
    /// prints a short ranking. A published cycle cannot be scored again.
    Score {
        #[arg(long)]
        cycle: i32,
        #[command(flatten)]
        options: RunOptions,
    },
    /// Close the cycle if still open and freeze its latest run as the published one.
    Publish {
        #[arg(long)]
        cycle: i32,
    },
    /// Generate invitation codes for a cycle: --count N or --labels FILE write them, with labels
    /// and survey links, to a new CSV file (--out) and/or as printed letters (--letters FILE,
    /// one A4 page per code with a QR code of its link); --contacts FILE (CSV or .xlsx with the
    /// columns email,label) gives each contact its own code and, with --send, emails it (the
    /// database keeps only hashes of the codes).
    Invite(invite::InviteArgs),
    /// Email a reminder to every contact of the cycle whose questionnaire is not submitted: a
    /// new code (the old one revoked) to those who have not begun, the link to continue to
    /// those who have. Prints how many were sent.
    Remind {
        #[arg(long)]
        cycle: i32,
        /// Also remind again the contacts whose reminder was left "sending" by a crash.
        #[arg(long)]
        retry: bool,
    },
    /// The email addresses of a cycle's contacts (personal data).
    Contacts {
        #[command(subcommand)]
        action: ContactsAction,
    },
    /// Print a cycle's questionnaire for interviews and businesses without internet (--pdf),
    /// and/or write the spreadsheet template for keying paper forms (--xlsx) whose sheets
    /// `responses` and `answers`, saved as CSV, are what `ddci import` reads.
    Questionnaire {
        #[arg(long)]
        cycle: i32,
        /// The printable questionnaire (A4 PDF) to write.
        #[arg(long)]
        pdf: Option<PathBuf>,
        /// The entry template (xlsx) to write.
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
    /// Load test of a running server: clients submit complete questionnaires through the JSON
    /// API (or fetch one page with --get); prints throughput, p50/p95/p99 latency and every
    /// non-2xx status. Needs no database.
    Loadtest(loadtest::LoadtestArgs),
    /// Simulation study of a kind's minimum: simulated cycles from a known truth, scored for
    /// several minimums; prints ranked units, median absolute rank error and the coverage of
    /// the 90% intervals, and the smallest minimum meeting both targets. Needs no database.
    Study(study::StudyArgs),
    /// Totals, ranks and groups from a table of component scores; CSV `unit,total,rank,group`
    /// on stdout (messages on stderr). Needs no database.
    Rank {
        /// CSV: first column the unit, one column per component.
        #[arg(long)]
        scores: PathBuf,
        /// CSV with header `component,weight`.
        #[arg(long)]
        weights: PathBuf,
        /// CSV with header `label_vi,label_en,min_total` (default: the Lạng Sơn groups).
        #[arg(long)]
        groups: Option<PathBuf>,
    },
    /// Write a unit's comments for its head to a new .xlsx file: only those staff marked fit,
    /// masked, ordered by text, without dates or profile. Refused for units with fewer than 5
    /// evaluations (METHODOLOGY.md §3). Audited.
    Comments {
        #[arg(long)]
        cycle: i32,
        /// The unit's code (as in units.csv).
        #[arg(long)]
        unit: String,
        /// The workbook to create (never overwritten).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContactsAction {
    /// Delete the addresses and labels of a closed or published cycle's contacts (Decree
    /// 13/2023/NĐ-CP: kept no longer than the survey needs them); prints how many.
    Purge {
        #[arg(long)]
        cycle: i32,
    },
}

#[derive(Debug, Subcommand)]
pub enum CycleAction {
    /// Create a draft cycle with a copy of the current catalog.
    Create { year: i32 },
    /// Open a cycle for responses, creating it from the current catalog if needed.
    Open {
        year: i32,
        /// The answer deadline shown to businesses (YYYY-MM-DD); collection still ends only
        /// with `ddci cycle close`.
        #[arg(long)]
        closes_on: Option<String>,
    },
    /// End collection for a cycle.
    Close { year: i32 },
    /// List cycles with their status and number of responses.
    List,
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve {
        bind: None,
        no_demo: false,
    });
    // `rank` works on files alone: it must run without any database configuration.
    if let Command::Rank {
        scores,
        weights,
        groups,
    } = &command
    {
        return scoring::rank(scores, weights, groups.as_deref());
    }
    if let Command::Study(args) = &command {
        return study::study(args);
    }
    // Neither does `loadtest`, which only talks HTTP to a running server.
    if let Command::Loadtest(args) = &command {
        return loadtest::run(args);
    }
    let settings = Settings::from_env()?;
    match command {
        Command::Serve { bind, no_demo } => {
            let settings = Settings {
                bind: bind.unwrap_or(settings.bind),
                demo: settings.demo && !no_demo,
                ..settings
            };
            crate::startup::run_blocking(settings)
        }
        Command::Seed { dir } => seed(&connect(&settings)?, dir),
        Command::Cycle { action } => cycle(&connect(&settings)?, &settings, action),
        Command::Admin { action } => admin::run(
            &connect(&settings)?,
            action,
            settings.admin_password.as_deref(),
        ),
        Command::Demo {
            cycle,
            responses,
            seed,
        } => demo(&connect(&settings)?, cycle, responses, seed),
        Command::Score { cycle, options } => scoring::score(&connect(&settings)?, cycle, &options),
        Command::Publish { cycle } => scoring::publish(&connect(&settings)?, &settings, cycle),
        Command::Import {
            cycle,
            responses,
            answers,
        } => package::import(&connect(&settings)?, cycle, &responses, &answers),
        Command::Backup { out } => backup::backup(&settings, &out),
        Command::Restore { file, force } => backup::restore(&settings, &file, force),
        Command::Export { cycle, out, format } => match format {
            package::ExportFormat::Package => {
                package::export(&connect(&settings)?, &settings, cycle, &out)
            }
            package::ExportFormat::Stata => {
                package::export_stata(&connect(&settings)?, &settings, cycle, &out)
            }
        },
        Command::Invite(args) => invite::invite(&connect(&settings)?, &settings, &args),
        Command::Remind { cycle, retry } => {
            invite::remind(&connect(&settings)?, &settings, cycle, retry)
        }
        Command::Contacts {
            action: ContactsAction::Purge { cycle },
        } => invite::purge(&connect(&settings)?, cycle),
        Command::Comments { cycle, unit, out } => {
            package::comments(&connect(&settings)?, cycle, &unit, &out)
        }
        Command::Questionnaire { cycle, pdf, xlsx } => {
            paper::questionnaire(&connect(&settings)?, cycle, pdf.as_deref(), xlsx.as_deref())
        }
        Command::Rank { .. } | Command::Loadtest(_) | Command::Study(_) => Ok(()),
    }
}

/// Opens and migrates the database for a one-shot command. One connection: a command uses one
/// at a time, and a pool that refills itself in the background could still be connecting when
/// the process exits (which libpq does not survive gracefully).
pub fn connect(settings: &Settings) -> anyhow::Result<Pool> {
    crate::startup::connect(settings, 1)
}

fn seed(pool: &Pool, dir: Option<PathBuf>) -> anyhow::Result<()> {
    let catalog = match &dir {
        Some(d) => SeedCatalog::from_dir(d)?,
        None => SeedCatalog::embedded()?,
    };
    db::catalog::replace(&mut *pool.get()?, &catalog)?;
    eprintln!(
        "catalog loaded: {} kinds, {} units, {} components, {} indicators",
        catalog.kinds.len(),
        catalog.units.len(),
        catalog.components.len(),
        catalog.indicators.len()
    );
    Ok(())
}

fn cycle(pool: &Pool, settings: &Settings, action: CycleAction) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let row = match action {
        CycleAction::Create { year } => {
            crate::cycles::create_cycle(&mut conn, "cli", year, crate::cycles::CatalogSource::Seed)?
        }
        CycleAction::Open { year, closes_on } => {
            crate::cycles::open_cycle(&mut conn, "cli", year, closes_on.as_deref())?
        }
        CycleAction::Close { year } => {
            // Pending submissions are sealed with the key file's key; closing moves them.
            let secrets = crate::secrets::open(&settings.secret_file, &mut conn)?;
            crate::cycles::close_cycle(&mut conn, "cli", year, &secrets.pending_key())?
        }
        CycleAction::List => return list_cycles(&mut conn),
    };
    eprintln!("cycle {}: {}", row.year, row.status);
    Ok(())
}

fn list_cycles(conn: &mut db::Conn) -> anyhow::Result<()> {
    println!("year,status,responses");
    for c in db::cycles::list(conn)? {
        let n = db::responses::count(conn, c.id)?;
        println!("{},{},{}", c.year, c.status, n);
    }
    Ok(())
}

pub use crate::cycles::ensure_catalog;

fn demo(pool: &Pool, year: i32, responses: usize, seed: u64) -> anyhow::Result<()> {
    let n = crate::startup::fill_demo(pool, year, responses, seed)?;
    eprintln!("cycle {year}: {n} demo responses added");
    Ok(())
}
