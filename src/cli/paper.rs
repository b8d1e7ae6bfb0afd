//! Paper: the letters of `ddci invite --letters` and `ddci questionnaire` (the printed
//! questionnaire and the entry template). The documents themselves are made in `print`.

use crate::db::{self, cycles::CycleRow, Pool};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// The files among `wanted` that were given, refused if none was, if one already exists (codes
/// are shown once, so ddci never overwrites a file that may hold them) or if two are the same.
pub fn new_files<'a>(wanted: &[Option<&'a Path>]) -> anyhow::Result<Vec<&'a Path>> {
    let files: Vec<&Path> = wanted.iter().flatten().copied().collect();
    anyhow::ensure!(!files.is_empty(), "no output file given");
    for (k, f) in files.iter().enumerate() {
        anyhow::ensure!(
            !f.exists(),
            "{} already exists; codes are shown only once, so ddci never overwrites a codes file",
            f.display()
        );
        anyhow::ensure!(
            !files[..k].contains(f),
            "{} is given twice; give each output its own file",
            f.display()
        );
    }
    Ok(files)
}

/// Letters ask businesses to answer: refused for a cycle that takes no more answers.
pub fn refuse_letters(cycle: &CycleRow) -> anyhow::Result<()> {
    anyhow::ensure!(
        cycle.status().can_send_letters(),
        "cycle {year} is {status}; letters ask businesses to answer, so they are made only for \
         a created or open cycle (`ddci cycle open {year}` reopens a closed one)",
        year = cycle.year,
        status = cycle.status,
    );
    Ok(())
}

/// The letters PDF of `issued` codes (with their labels) for `cycle`.
pub fn letters(
    public_url: &str,
    cycle: &CycleRow,
    issued: &[(String, Option<String>)],
) -> anyhow::Result<Vec<u8>> {
    let dated = crate::clock::today();
    let letters: Vec<crate::print::Letter> = issued
        .iter()
        .map(|(code, label)| crate::print::Letter {
            year: cycle.year,
            code: code.clone(),
            address: format!("{public_url}/survey"),
            link: crate::cycles::survey_link(public_url, code),
            label: label.clone(),
            closes_on: cycle.closes_on.clone(),
            dated: dated.clone(),
        })
        .collect();
    crate::print::letters_pdf(&letters)
}

/// `name.partial` beside `path`: where its content is written before it gets its name.
fn partial(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Writes each of `contents` to a temporary file beside its target, runs `store`, then gives
/// every file its name. If writing or storing fails, no temporary file is left and nothing
/// was stored (the caller's `store` is one transaction).
pub fn write_then_store(
    targets: &[&Path],
    contents: &[Vec<u8>],
    store: impl FnOnce() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let temps: Vec<PathBuf> = targets.iter().map(|t| partial(t)).collect();
    let clean = || {
        for t in &temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for (temp, bytes) in temps.iter().zip(contents) {
        if let Err(e) = std::fs::write(temp, bytes) {
            clean();
            return Err(e).with_context(|| format!("cannot write {}", temp.display()));
        }
    }
    if let Err(e) = store() {
        clean();
        return Err(e);
    }
    for (temp, target) in temps.iter().zip(targets) {
        std::fs::rename(temp, target)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(())
}

/// `ddci questionnaire`: the printed questionnaire and/or the entry template of a cycle.
pub fn questionnaire(
    pool: &Pool,
    year: i32,
    pdf: Option<&Path>,
    xlsx: Option<&Path>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        pdf.is_some() || xlsx.is_some(),
        "give --pdf questionnaire.pdf, --xlsx template.xlsx, or both"
    );
    let mut conn = pool.get()?;
    let cycle = db::cycles::get(&mut conn, year)?;
    let catalog = db::cycle_catalog::load(&mut conn, cycle.id, Vec::new())?;
    let mut files = Vec::new();
    if let Some(path) = pdf {
        files.push((path, crate::print::questionnaire_pdf(&catalog, year)?));
    }
    if let Some(path) = xlsx {
        let bytes = crate::print::entry_template(&catalog, year)
            .context("cannot make the entry template")?;
        files.push((path, bytes));
    }
    for (path, bytes) in files {
        // A questionnaire holds no code: writing over an older one loses nothing.
        let temp = partial(path);
        std::fs::write(&temp, bytes).with_context(|| format!("cannot write {}", temp.display()))?;
        std::fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("cycle {year}: questionnaire written to {}", path.display());
    }
    Ok(())
}
