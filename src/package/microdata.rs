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
use std::collections::{BTreeMap, HashMap, HashSet};

/// A published profile value, and a published combination of values on a row, is shared by at
/// least this many businesses (distinct responses) of the package (METHODOLOGY.md §7). The
/// name is historical: it counts businesses, not rows.
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
pub type Evaluation<'a> = (String, &'a StoredResponse, &'a str);

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
    for ((id, r, _), profile) in coarsened_evaluations(input) {
        let mut row = vec![id, number(r.weight)];
        row.extend(profile.iter().map(|v| safe_text(v)));
        t.rows.push(row);
    }
    t
}

/// Every published evaluation, ordered by pseudonym, with its coarsened profile (one value per
/// catalog profile question, in catalog order; blank when declined or coarsened away): the rows
/// of `responses.csv` before spreadsheet safety. Other formats of the same microdata (the Stata
/// file) read them here, so they publish the same pseudonyms and the same coarsening.
pub fn coarsened_evaluations<'a>(input: &'a PackageInput) -> Vec<(Evaluation<'a>, Vec<String>)> {
    let evals = evaluations(input);
    let codes: Vec<&str> = (input.catalog.profile_questions.iter())
        .map(|q| q.code.as_str())
        .collect();
    let mut values: Vec<Vec<String>> = evals.iter().map(|(_, r, _)| profile(r, &codes)).collect();
    let businesses: Vec<i64> = evals.iter().map(|(_, r, _)| r.id).collect();
    coarsen(&mut values, &businesses);
    evals.into_iter().zip(values).collect()
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

/// §7's coarsening, counted on businesses. In rounds: every row whose combination of values
/// (blanks included) is shared by fewer than `MIN_PROFILE_ROWS` businesses blanks its non-blank
/// value shared by the fewest businesses (ties: the earlier column), all against the same
/// counts; then everything is counted again, until no row changes. Rounds make the result
/// independent of the order of rows. A row whose combination is shared widely enough is never
/// touched, so a combination never loses a business once it has enough; every published value
/// is then shared by at least as many businesses as a combination that holds it.
/// `business[k]` is row k's response.
fn coarsen(rows: &mut [Vec<String>], business: &[i64]) {
    loop {
        let counts = Counts::of(rows, business);
        let blank: Vec<Option<usize>> = (rows.iter())
            .map(|row| {
                if counts.combination(row) >= MIN_PROFILE_ROWS {
                    return None;
                }
                (0..row.len())
                    .filter(|&c| !row[c].is_empty())
                    .min_by_key(|&c| (counts.value(c, &row[c]), c))
            })
            .collect();
        if blank.iter().all(Option::is_none) {
            return;
        }
        for (row, c) in rows.iter_mut().zip(blank) {
            if let Some(c) = c {
                row[c].clear();
            }
        }
    }
}

/// The businesses holding each combination and each (column, value).
struct Counts<'a> {
    combinations: HashMap<&'a [String], HashSet<i64>>,
    values: HashMap<(usize, &'a str), HashSet<i64>>,
}

impl<'a> Counts<'a> {
    fn of(rows: &'a [Vec<String>], business: &[i64]) -> Counts<'a> {
        let mut counts = Counts {
            combinations: HashMap::new(),
            values: HashMap::new(),
        };
        for (row, &b) in rows.iter().zip(business) {
            counts
                .combinations
                .entry(row.as_slice())
                .or_default()
                .insert(b);
            for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                counts.values.entry((c, v.as_str())).or_default().insert(b);
            }
        }
        counts
    }

    fn combination(&self, row: &[String]) -> usize {
        self.combinations.get(row).map_or(0, HashSet::len)
    }

    fn value(&self, c: usize, v: &str) -> usize {
        self.values.get(&(c, v)).map_or(0, HashSet::len)
    }
}

/// Weights are never blanked (they are needed to reproduce every number), so a weight value
/// that fewer than `MIN_PROFILE_ROWS` businesses of the package share would single them out:
/// such an export is refused. When every business has the same weight, the weights tell
/// nothing and any package size is fine. Returns the offending weight and its businesses.
pub fn singled_out_weight(input: &PackageInput) -> Option<(f64, usize)> {
    let mut by_weight: BTreeMap<u64, std::collections::BTreeSet<i64>> = BTreeMap::new();
    for (_, r, _) in evaluations(input) {
        by_weight
            .entry(r.weight.to_bits())
            .or_default()
            .insert(r.id);
    }
    if by_weight.len() < 2 {
        return None;
    }
    (by_weight.iter())
        .find(|(_, b)| b.len() < MIN_PROFILE_ROWS)
        .map(|(w, b)| (f64::from_bits(*w), b.len()))
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

    fn row(values: &[&str]) -> Vec<String> {
        values.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn values_are_counted_on_businesses_not_rows() {
        // One business rating six units has six rows of a profile nobody else has.
        let mut rows: Vec<Vec<String>> = (0..6).map(|_| row(&["fdi", "200+"])).collect();
        let mut business = vec![1; 6];
        for b in 2..7 {
            rows.push(row(&["private", "lt10"]));
            business.push(b);
        }
        coarsen(&mut rows, &business);
        assert!(rows[..6].iter().all(|r| r == &row(&["", ""])), "{rows:?}");
        assert!(rows[6..].iter().all(|r| r == &row(&["private", "lt10"])));
    }

    #[test]
    fn a_rare_combination_of_common_values_loses_its_rarest_value() {
        // 6 businesses trade/small, 6 agri/large, 1 trade/large: each value is common, the
        // combination trade/large is not. "large" (7 businesses) is rarer than "trade" (7)?
        // Both 7: the tie goes to the earlier column, so "trade" is blanked, leaving
        // (blank, large), which only business 13 holds; then "large" goes too.
        let mut rows = Vec::new();
        let mut business = Vec::new();
        for b in 0..6 {
            rows.push(row(&["trade", "small"]));
            business.push(b);
            rows.push(row(&["agri", "large"]));
            business.push(100 + b);
        }
        rows.push(row(&["trade", "large"]));
        business.push(13);
        coarsen(&mut rows, &business);
        assert_eq!(rows[12], row(&["", ""]));
        assert_eq!(rows.iter().filter(|r| r[0] == "trade").count(), 6);
    }

    #[test]
    fn the_value_shared_by_the_fewest_businesses_goes_first() {
        // Five businesses: sector common to all five, size shared by two, so the row keeps
        // its sector and loses its size.
        let mut rows = vec![
            row(&["trade", "lt10"]),
            row(&["trade", "lt10"]),
            row(&["trade", "10-49"]),
            row(&["trade", "10-49"]),
            row(&["trade", "10-49"]),
        ];
        coarsen(&mut rows, &[1, 2, 3, 4, 5]);
        assert!(rows.iter().all(|r| r == &row(&["trade", ""])), "{rows:?}");
    }

    #[test]
    fn profile_values_shared_by_fewer_than_five_businesses_are_blanked() {
        let mut rows: Vec<Vec<String>> = (0..9)
            .map(|i| vec![if i < 5 { "trade" } else { "agri" }.to_string()])
            .collect();
        coarsen(&mut rows, &(0..9).collect::<Vec<i64>>());
        assert_eq!(rows.iter().filter(|r| r[0] == "trade").count(), 5);
        assert!(
            rows[5..].iter().all(|r| r[0].is_empty()),
            "4 rows of `agri` are too few"
        );
    }
}
