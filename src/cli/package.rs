//! `import` (paper responses) and `export` (the data package of METHODOLOGY.md §7).

use crate::catalog::CsvError;
use crate::config::Settings;
use crate::db::{self, Pool};
use crate::package;
use anyhow::Context;
use std::path::Path;

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn file_name(path: &Path) -> String {
    path.display().to_string()
}

/// `ddci import`: all or nothing; the first bad row names its file, line and column.
pub fn import(pool: &Pool, year: i32, responses: &Path, answers: &Path) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let cycle = db::cycles::get(&mut conn, year)?;
    cycle
        .status()
        .refuse_if_published(year, crate::cycles::Refused::NumbersFrozen)?;
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, vec![])?;
    let batch = package::parse_import(
        &catalog,
        &file_name(responses),
        &read(responses)?,
        &file_name(answers),
        &read(answers)?,
        &crate::clock::today(),
    )?;
    let keys: Vec<String> = batch.responses.iter().map(|r| r.key.clone()).collect();
    let taken = db::package_data::existing_keys(&mut conn, cycle.id, &keys)?;
    if let Some((r, line)) = batch
        .responses
        .iter()
        .zip(&batch.lines)
        .find(|(r, _)| taken.contains(&r.key))
    {
        return Err(CsvError {
            file: file_name(responses),
            line: *line,
            column: Some("response_id".into()),
            message: format!("response_id `{}` is already stored in cycle {year}", r.key),
        }
        .into());
    }
    let n = db::responses::insert_all(&mut conn, cycle.id, &batch.responses)?;
    eprintln!("cycle {year}: {n} paper responses imported");
    Ok(())
}

/// `ddci export`: the package of the cycle's published run, or else of its latest run.
pub fn export(pool: &Pool, settings: &Settings, year: i32, out: &Path) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let secrets = crate::secrets::open(&settings.secret_file, &mut conn)?;
    let cycle = db::cycles::get(&mut conn, year)?;
    let loaded = crate::results::load(&mut conn, cycle)?.with_context(|| {
        format!("cycle {year} has no scoring run; run `ddci score --cycle {year}` first")
    })?;
    let files = crate::results::package_files(&mut conn, &loaded, &secrets.pseudonym)?;
    let is_zip = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    let written = if is_zip {
        crate::package::zip_files(&files).and_then(|bytes| Ok(std::fs::write(out, bytes)?))
    } else {
        crate::package::write_files(&files, out)
    };
    written.with_context(|| format!("cannot write the package to {}", out.display()))?;
    eprintln!(
        "cycle {year}: run {} written to {}",
        loaded.run.id,
        out.display()
    );
    Ok(())
}

/// What `ddci export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// The open data package (a folder, or a zip with a .zip name).
    Package,
    /// The package's evaluations as one Stata 118 file (.dta).
    Stata,
}

/// `ddci export --format stata`: the published run's evaluations as a Stata file.
pub fn export_stata(pool: &Pool, settings: &Settings, year: i32, out: &Path) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let secrets = crate::secrets::open(&settings.secret_file, &mut conn)?;
    let cycle = db::cycles::get(&mut conn, year)?;
    let bytes = crate::results::stata_file(&mut conn, cycle, &secrets.pseudonym)?;
    // Beside the target, then renamed: a failed write leaves no truncated .dta behind.
    let part = out.with_extension("dta.part");
    std::fs::write(&part, bytes)
        .and_then(|()| std::fs::rename(&part, out))
        .with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("cycle {year}: Stata file written to {}", out.display());
    Ok(())
}

/// `ddci comments`: a unit's comments for its head, to a new file (audited as `cli`). The file
/// is claimed first, so a name already taken is refused before anything is audited; a refusal
/// after that removes it again.
pub fn comments(pool: &Pool, year: i32, unit: &str, out: &Path) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .with_context(|| format!("cannot create {} (it is never overwritten)", out.display()))?;
    let written = pool
        .get()
        .map_err(anyhow::Error::from)
        .and_then(|mut conn| crate::cycles::comments::head_workbook(&mut conn, "cli", year, unit))
        .and_then(|(_, bytes)| {
            std::io::Write::write_all(&mut file, &bytes)
                .with_context(|| format!("cannot write {}", out.display()))
        });
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    eprintln!(
        "cycle {year}: comments about {unit} written to {}",
        out.display()
    );
    Ok(())
}
