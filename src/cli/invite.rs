//! `ddci invite`: new invitation codes for a cycle, written once to a CSV for the mail merge.
//! The database keeps only their hashes, so the file is the only place the codes exist.

use crate::catalog::table::Table;
use crate::cycles::{self, Refused};
use crate::db::{self, Pool};
use anyhow::Context;
use std::path::Path;

pub fn invite(
    pool: &Pool,
    public_url: &str,
    year: i32,
    count: Option<usize>,
    labels: Option<&Path>,
    out: &Path,
) -> anyhow::Result<()> {
    if out.exists() {
        anyhow::bail!(
            "{} already exists; codes are shown only once, so ddci never overwrites a codes file",
            out.display()
        );
    }
    let labels = read_labels(labels, count)?;
    let mut conn = pool.get()?;
    let cycle = db::cycles::get(&mut conn, year)?;
    cycle
        .status()
        .refuse_if_published(year, Refused::NoMoreResponses)?;
    let issued = cycles::generate_codes(labels)?;
    // Write the file first (to a temporary name), store the hashes, then give the file its
    // name: no code is stored that nobody has, and no file lists codes that were not stored.
    let tmp = out.with_extension("partial");
    std::fs::write(&tmp, cycles::codes_csv(public_url, &issued)?)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    if let Err(e) = cycles::store_codes(&mut conn, "cli", year, &issued) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!(
        "cycle {year}: {} invitation codes written to {}",
        issued.len(),
        out.display()
    );
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
