//! METHODOLOGY.md §7 disclosure control, counted on businesses (issue 12): in a published demo
//! package, every row's combination of published profile values matches at least 5 businesses
//! of the cycle, which is what stops a business rating several units from being picked out by
//! its rare profile.

use crate::common::{run_ok, TestDb};
use ddci::db;
use std::collections::{BTreeSet, HashMap};

#[test]
fn every_published_profile_combination_matches_at_least_five_businesses() {
    let db = TestDb::new();
    run_ok(
        &db,
        &[
            "demo",
            "--cycle",
            "2024",
            "--responses",
            "2000",
            "--seed",
            "7",
        ],
    );
    run_ok(&db, &["score", "--cycle", "2024", "--bootstrap", "0"]);
    run_ok(&db, &["publish", "--cycle", "2024"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p");
    run_ok(
        &db,
        &[
            "export",
            "--cycle",
            "2024",
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );

    let mut reader = csv::Reader::from_path(out.join("responses.csv")).expect("responses.csv");
    let headers: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows: Vec<Vec<String>> = (reader.records())
        .map(|r| r.expect("row").iter().map(String::from).collect())
        .collect();
    assert!(
        rows.len() > 2000,
        "{} rows: several per business",
        rows.len()
    );

    // The cycle's businesses with their true profiles, by package column name.
    let pool = db.pool();
    let mut conn = pool.get().expect("conn");
    let cycle = db::cycles::get(&mut conn, 2024).expect("cycle");
    let run = db::runs::current(&mut conn, &cycle)
        .expect("run")
        .expect("published run");
    let businesses =
        db::package_data::stored_responses(&mut conn, cycle.id, run.id).expect("responses");
    let profiles: Vec<HashMap<String, String>> = (businesses.iter())
        .map(|b| {
            (b.profile.iter())
                .map(|(code, v)| (ddci::package::profile_column(code), v.clone()))
                .collect()
        })
        .collect();

    let mut checked = BTreeSet::new();
    let mut blanked = 0;
    for row in &rows {
        // Columns after response_id and weight are the profile.
        let published: Vec<(&str, &str)> = (headers[2..].iter().zip(&row[2..]))
            .filter(|(_, v)| !v.is_empty())
            .map(|(h, v)| (h.as_str(), v.as_str()))
            .collect();
        blanked += headers.len() - 2 - published.len();
        if !checked.insert(published.clone()) {
            continue;
        }
        let matching = (profiles.iter())
            .filter(|p| {
                published
                    .iter()
                    .all(|(h, v)| p.get(*h).map(String::as_str) == Some(*v))
            })
            .count();
        assert!(matching >= 5, "{published:?} matches {matching} businesses");
    }
    assert!(blanked > 0, "a demo profile has rare combinations to blank");
    // Not everything is blanked: the package still describes who answered.
    assert!(checked.iter().any(|c| c.len() >= 2), "{checked:?}");
}
