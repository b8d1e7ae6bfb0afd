//! `ddci invite`: new invitation codes for a cycle, written once to a CSV for the mail merge
//! and/or on printed letters (cli/paper.rs). The database keeps only their hashes, so the
//! files are the only place the codes exist.

use crate::catalog::table::Table;
use crate::cycles::{self, Refused};
use crate::db::{self, Pool};
use anyhow::Context;
use std::path::Path;

/// Where `ddci invite` puts the new codes: the codes CSV, the letters PDF, or both.
pub struct Outputs<'a> {
    pub codes: Option<&'a Path>,
    pub letters: Option<&'a Path>,
}

pub fn invite(
    pool: &Pool,
    public_url: &str,
    year: i32,
    count: Option<usize>,
    labels: Option<&Path>,
    outputs: Outputs<'_>,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        outputs.codes.is_some() || outputs.letters.is_some(),
        "give --out codes.csv, --letters letters.pdf, or both"
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
