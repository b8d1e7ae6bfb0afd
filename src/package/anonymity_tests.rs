//! Anonymity and content of the microdata and score files (METHODOLOGY.md §7).

use super::fixture::*;
use super::*;

#[test]
fn responses_csv_has_one_row_per_evaluation_under_unrelated_pseudonyms() {
    let f = fixture();
    let r = rows(&file(&f, "responses.csv"));
    assert_eq!(r.len(), 10, "9 responses, one of them rating two units");
    let ids: Vec<&str> = r.iter().map(|row| row[0].as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "rows ordered by response_id");
    let secret = f.input().secret;
    let dep = pseudonym(secret, 1, "DEP_KHDT");
    let dis = pseudonym(secret, 1, "DIS_BAC_SON");
    assert_ne!(dep, dis);
    assert!(ids.contains(&dep.as_str()) && ids.contains(&dis.as_str()));
    assert!(!ids.iter().any(|id| *id == "1" || *id == "2"), "no raw ids");
    let two = r
        .iter()
        .find(|row| row[0] == pseudonym(secret, 2, "DEP_KHDT"));
    assert_eq!(two.map(|row| row[1].as_str()), Some("1.5"));
}

#[test]
fn a_profile_value_of_four_rows_is_blanked_and_one_of_five_rows_stays() {
    let mut f = fixture();
    f.responses.retain(|r| r.id != 1);
    f.responses.push(stored(10)); // agri: now 4 trade rows and 4 + 1 = 5 agri rows
    let r = rows(&file(&f, "responses.csv"));
    let count = |v: &str| r.iter().filter(|row| row[2] == v).count();
    assert_eq!((count("trade"), count("agri"), count("")), (0, 5, 4));
    assert!(r.iter().all(|row| row[3..].iter().all(String::is_empty)));
}

#[test]
fn answers_csv_is_ordered_and_writes_yes_no_as_0_or_1() {
    let f = fixture();
    let r = rows(&file(&f, "answers.csv"));
    assert_eq!(r.len(), 19);
    let keys: Vec<(&str, &str, &str)> = r
        .iter()
        .map(|x| (x[0].as_str(), x[1].as_str(), x[2].as_str()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    assert!(r.iter().filter(|x| x[2] == "DEP_TR03").all(|x| x[3] == "1"));
    let responses = rows(&file(&f, "responses.csv"));
    assert!(r.iter().all(|a| responses.iter().any(|x| x[0] == a[0])));
}

#[test]
fn scores_csv_leaves_unranked_units_empty_and_joins_missing_components() {
    let r = rows(&file(&fixture(), "scores.csv"));
    assert_eq!(
        r[0],
        [
            "DEP_KHDT",
            "department",
            "30",
            "true",
            "72.5",
            "1",
            "Tốt",
            "70.25",
            "74",
            "1",
            "2",
            "-1.5",
            "-1",
            "DEPC_TIME_COSTS;DEPC_DYNAMISM",
            "",
            "-3.25",
            "0.5",
            "false",
            "1",
            "2"
        ]
    );
    let unranked = [
        "DIS_BAC_SON",
        "district",
        "6",
        "false",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ];
    assert_eq!(r[1], unranked);
    let ind = rows(&file(&fixture(), "indicator_scores.csv"));
    assert_eq!(
        ind[0],
        [
            "DEP_KHDT",
            "DEP_TR01",
            "30",
            "0.1",
            "",
            "0.0000001",
            "0",
            "100",
            "5.5",
            "30",
            "30",
            "2.7",
            "0.1",
            ""
        ]
    );
}

#[test]
fn a_unit_with_fewer_than_five_evaluations_publishes_its_count_only() {
    // DIS_BAC_SON has one evaluation (response 1): §3 keeps its answers and its indicator rows
    // out of every file; scores.csv still gives its count.
    let mut f = fixture();
    let small = f
        .result
        .scores
        .iter_mut()
        .find(|s| s.unit_code == "DIS_BAC_SON");
    let small = small.expect("fixture unit");
    small.responses = 1;
    small.count_only = true;
    f.result
        .indicator_scores
        .push(crate::scoring::IndicatorScore {
            unit_code: "DIS_BAC_SON".into(),
            ..f.result.indicator_scores[0].clone()
        });
    let secret = f.input().secret;
    let dis = pseudonym(secret, 1, "DIS_BAC_SON");
    let responses = rows(&file(&f, "responses.csv"));
    assert_eq!(responses.len(), 9);
    assert!(responses.iter().all(|r| r[0] != dis));
    let answers = rows(&file(&f, "answers.csv"));
    assert!(answers.iter().all(|r| r[1] != "DIS_BAC_SON"));
    assert!(!answers.is_empty());
    let ind = rows(&file(&f, "indicator_scores.csv"));
    assert!(ind.iter().all(|r| r[0] != "DIS_BAC_SON"));
    let scores = rows(&file(&f, "scores.csv"));
    let row = scores.iter().find(|r| r[0] == "DIS_BAC_SON").expect("row");
    assert_eq!((row[2].as_str(), row[3].as_str()), ("1", "false"));
}
