//! `responses.csv` and `answers.csv` of the public package (METHODOLOGY.md §7 "Anonymity"): one
//! row per evaluation under a keyed pseudonym, so one business's answers about different units
//! cannot be joined, and a profile coarsened so that no published value is rare.

use super::csvfmt::number;
use super::export::{PackageInput, StoredResponse};
use super::profile_column;
use super::tables::CsvFile;
use crate::sheet::safe_text;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap};

/// Rarer profile values than this are blanked in the public package.
pub const MIN_PROFILE_ROWS: usize = 5;

/// The pseudonym of one evaluation: HMAC-SHA256 keyed with the installation secret over the
/// bytes `ddci-evaluation` NUL, the response id in decimal ASCII, NUL, the unit code in UTF-8;
/// the first 20 hex digits (80 bits). The NUL separators keep the encoding unambiguous, and the
/// prefix keeps these MACs apart from any other use of the same secret.
pub fn pseudonym(secret: &[u8], response_id: i64, unit_code: &str) -> String {
    // HMAC takes keys of any length, so this never fails; an empty secret is refused earlier.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(b"ddci-evaluation\0");
    mac.update(response_id.to_string().as_bytes());
    mac.update(b"\0");
    mac.update(unit_code.as_bytes());
    let digest = hex::encode(mac.finalize().into_bytes());
    digest[..20].to_string()
}

/// One evaluation as published: (pseudonym, its response, unit code).
type Evaluation<'a> = (String, &'a StoredResponse, &'a str);

/// Every (response, unit) pair with at least one answer, ordered by pseudonym; none of a unit
/// that publishes its count only (1–4 evaluations, METHODOLOGY.md §3).
fn evaluations<'a>(input: &'a PackageInput) -> Vec<Evaluation<'a>> {
    let count_only: std::collections::BTreeSet<&str> = (input.result.scores.iter())
        .filter(|s| s.count_only)
        .map(|s| s.unit_code.as_str())
        .collect();
    let mut out = Vec::new();
    for r in input.responses {
        let mut units: Vec<&str> = r.answers.iter().map(|(u, _, _)| u.as_str()).collect();
        units.sort_unstable();
        units.dedup();
        for u in units.into_iter().filter(|u| !count_only.contains(u)) {
            out.push((pseudonym(input.secret, r.id, u), r, u));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// `responses.csv`: response_id, weight, then one column per catalog profile question.
pub fn responses(input: &PackageInput) -> CsvFile {
    let questions = &input.catalog.profile_questions;
    let columns: Vec<String> = questions.iter().map(|q| profile_column(&q.code)).collect();
    let mut fields = vec![("response_id", "string"), ("weight", "number")];
    fields.extend(columns.iter().map(|c| (c.as_str(), "string")));
    let mut t = CsvFile::new("responses.csv", &fields);
    let evals = evaluations(input);
    let codes: Vec<&str> = questions.iter().map(|q| q.code.as_str()).collect();
    let mut values: Vec<Vec<String>> = evals.iter().map(|(_, r, _)| profile(r, &codes)).collect();
    coarsen(&mut values, codes.len());
    for ((id, r, _), profile) in evals.iter().zip(values) {
        let mut row = vec![id.clone(), number(r.weight)];
        row.extend(profile.iter().map(|v| safe_text(v)));
        t.rows.push(row);
    }
    t
}

/// The response's value for each question, empty when it declined or the question is unknown.
fn profile(r: &StoredResponse, codes: &[&str]) -> Vec<String> {
    codes
        .iter()
        .map(|code| {
            r.profile
                .iter()
                .find(|(k, _)| k == code)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// Blanks every profile value that fewer than `MIN_PROFILE_ROWS` rows share, column by column.
/// One pass suffices: blanking a value in one column changes no count in another.
fn coarsen(rows: &mut [Vec<String>], columns: usize) {
    for c in 0..columns {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for r in rows.iter() {
            *counts.entry(r[c].clone()).or_default() += 1;
        }
        for r in rows.iter_mut() {
            if counts.get(&r[c]).copied().unwrap_or(0) < MIN_PROFILE_ROWS {
                r[c].clear();
            }
        }
    }
}

/// `answers.csv`, ordered by (response_id, unit_code, indicator_code).
pub fn answers(input: &PackageInput) -> CsvFile {
    let columns = [
        ("response_id", "string"),
        ("unit_code", "string"),
        ("indicator_code", "string"),
        ("value", "number"),
    ];
    let mut t = CsvFile::new("answers.csv", &columns);
    let mut rows: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for (id, r, unit) in evaluations(input) {
        for (u, i, v) in r.answers.iter().filter(|(u, _, _)| u == unit) {
            rows.insert((id.clone(), u.clone(), i.clone()), *v);
        }
    }
    for ((id, u, i), v) in rows {
        t.rows
            .push(vec![id, safe_text(&u), safe_text(&i), number(v)]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_differ_across_units_and_are_stable_for_a_secret() {
        let a = pseudonym(b"secret", 42, "DEP_KHDT");
        assert_eq!(a.len(), 20);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, pseudonym(b"secret", 42, "DEP_KHDT"));
        assert_ne!(a, pseudonym(b"secret", 42, "DIS_HUU_LUNG"));
        assert_ne!(a, pseudonym(b"secret", 43, "DEP_KHDT"));
        assert_ne!(a, pseudonym(b"other", 42, "DEP_KHDT"));
    }

    #[test]
    fn the_pseudonym_encoding_is_the_documented_one() {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"k").expect("any key length");
        mac.update(b"ddci-evaluation\x0042\x00DEP_KHDT");
        let full = hex::encode(mac.finalize().into_bytes());
        assert_eq!(pseudonym(b"k", 42, "DEP_KHDT"), full[..20]);
    }

    #[test]
    fn profile_values_shared_by_fewer_than_five_rows_are_blanked() {
        let mut rows: Vec<Vec<String>> = (0..9)
            .map(|i| vec![if i < 5 { "trade" } else { "agri" }.to_string()])
            .collect();
        coarsen(&mut rows, 1);
        assert_eq!(rows.iter().filter(|r| r[0] == "trade").count(), 5);
        assert!(
            rows[5..].iter().all(|r| r[0].is_empty()),
            "4 rows of `agri` are too few"
        );
    }
}
