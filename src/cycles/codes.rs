//! Invitation codes: generated here, shown once, stored only as hashes.

use super::Refused;
use crate::db::{self, Conn};
use crate::survey::codes;

/// New invitation codes for `labels` (one each). Nothing is stored yet: callers first put
/// the codes where people will get them, then [`store_codes`].
pub fn generate_codes(
    labels: Vec<Option<String>>,
) -> anyhow::Result<Vec<(String, Option<String>)>> {
    anyhow::ensure!(!labels.is_empty(), "at least one code is needed");
    anyhow::ensure!(labels.len() <= 100_000, "at most 100000 codes at a time");
    Ok(labels.into_iter().map(|l| (codes::generate(), l)).collect())
}

/// Stores the hashes of issued codes (never the codes) for an unpublished cycle.
pub fn store_codes(
    conn: &mut Conn,
    actor: &str,
    year: i32,
    issued: &[(String, Option<String>)],
) -> anyhow::Result<()> {
    let cycle = db::cycles::get(conn, year)?;
    cycle
        .status()
        .refuse_if_published(year, Refused::NoMoreResponses)?;
    let hashes: Vec<_> = issued
        .iter()
        .filter_map(|(code, label)| Some((codes::hash(&codes::normalize(code)?), label.clone())))
        .collect();
    db::invitations::insert(conn, cycle.id, &hashes)?;
    let detail = format!("{year}: {} codes", issued.len());
    db::admin::audit(conn, actor, "invitations.issue", &detail)?;
    Ok(())
}

/// The codes file for the mail merge: `code,label,link`, labels spreadsheet-safe. It starts
/// with a UTF-8 byte order mark: without it Excel on Windows reads the file in the system's
/// code page, and labels like "Công ty TNHH Hoàng Long" come out garbled.
pub fn codes_csv(public_url: &str, issued: &[(String, Option<String>)]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(["code", "label", "link"])?;
    for (code, label) in issued {
        let link = survey_link(public_url, code);
        let label = label
            .as_deref()
            .map(crate::sheet::safe_text)
            .unwrap_or_default();
        w.write_record([code.as_str(), label.as_str(), link.as_str()])?;
    }
    Ok(w.into_inner()?)
}

/// The survey link that carries `code` (codes file, letters and their QR codes).
pub fn survey_link(public_url: &str, code: &str) -> String {
    format!("{public_url}/survey?code={code}")
}
