//! `ddci rank` (`rank_csv`): §5 from a CSV of component scores, its output format, and error
//! messages that name the file, the line and the column.

use ddci::scoring::table::read_groups;
use ddci::scoring::{rank_csv, TableError};

fn run(scores: &str, weights: &str, groups: Option<&str>) -> Result<String, TableError> {
    let mut out = Vec::new();
    rank_csv(
        scores.as_bytes(),
        weights.as_bytes(),
        groups.map(str::as_bytes),
        &mut out,
    )?;
    Ok(String::from_utf8(out).expect("UTF-8 output"))
}

fn error(scores: &str, weights: &str) -> String {
    run(scores, weights, None)
        .expect_err("an error")
        .to_string()
}

const WEIGHTS: &str = "component,weight\na,1\nb,3\n";

#[test]
fn totals_ranks_and_groups_are_written_in_input_order() {
    // u1: 10·(1·8 + 3·8)/4 = 80 → Rất tốt. u2: 10·(1·5 + 3·7)/4 = 65 → Khá.
    // u3: b is empty, so only a counts: 10·8 = 80 → ties u1 at rank 1. u4: no score at all.
    let scores = "unit,a,b\nu1,8,8\nu2,5,7\nu3,8,\nu4,,\n";
    let out = run(scores, WEIGHTS, None).expect("ranked");
    assert_eq!(
        out,
        "unit,total,rank,group\nu1,80,1,Rất tốt\nu2,65,3,Khá\nu3,80,1,Rất tốt\nu4,,,\n"
    );
}

#[test]
fn totals_are_written_in_shortest_round_trip_form() {
    // Weights 1 and 2, scores 1 and 1.5: (1·1 + 2·1.5)/3 = 4/3 = 1.3333333333333333 (f64),
    // ×10 = 13.333333333333332 (the nearest f64), written as Rust's `{}` prints it.
    let out = run("unit,a,b\nx,1,1.5\n", "component,weight\na,1\nb,2\n", None).expect("ranked");
    assert_eq!(out, "unit,total,rank,group\nx,13.333333333333332,1,Thấp\n");
    assert_eq!(
        13.333333333333332_f64.to_string().parse::<f64>(),
        Ok(10.0 * (4.0 / 3.0))
    );
}

#[test]
fn custom_groups_replace_the_default_ones() {
    let groups = "label_vi,label_en,min_total\nCao,High,50\nThấp,Low,\n";
    let out = run("unit,a,b\nx,6,6\ny,4,4\n", WEIGHTS, Some(groups)).expect("ranked");
    assert_eq!(out, "unit,total,rank,group\nx,60,1,Cao\ny,40,2,Thấp\n");
}

#[test]
fn a_unit_name_that_looks_like_a_formula_is_neutralised() {
    let out = run("unit,a,b\n=SUM(A1),1,1\n", WEIGHTS, None).expect("ranked");
    assert_eq!(out, "unit,total,rank,group\n'=SUM(A1),10,1,Thấp\n");
}

#[test]
fn a_unit_or_group_named_like_an_infinity_is_neutralised() {
    // Rust parses `-inf` and `-NaN` as numbers, a spreadsheet as a formula: they get the quote.
    let groups = "label_vi,label_en,min_total\n-NaN,Low,\n";
    let out = run("unit,a,b\n-inf,1,1\n-5,2,2\n", WEIGHTS, Some(groups)).expect("ranked");
    assert_eq!(
        out,
        "unit,total,rank,group\n'-inf,10,2,'-NaN\n-5,20,1,'-NaN\n"
    );
}

#[test]
fn a_component_without_a_weight_is_refused() {
    assert_eq!(
        error("unit,a,b,c\nx,1,2,3\n", WEIGHTS),
        "scores.csv line 1, column 4: component `c` has no weight in weights.csv."
    );
}

#[test]
fn a_weight_for_an_unknown_column_is_refused() {
    assert_eq!(
        error("unit,a,b\nx,1,2\n", "component,weight\na,1\nb,1\nz,2\n"),
        "weights.csv line 4, column 1: `z` is not a component column of scores.csv."
    );
}

#[test]
fn a_cell_that_is_not_a_number_is_refused() {
    assert_eq!(
        error("unit,a,b\nx,1,2\ny,1,\"1,5\"\n", WEIGHTS),
        "scores.csv line 3, column 3: `1,5` is not a number (use `.` as the decimal point)."
    );
    assert_eq!(
        error("unit,a,b\nx,NaN,2\n", WEIGHTS),
        "scores.csv line 2, column 2: `NaN` is not a number (use `.` as the decimal point)."
    );
}

#[test]
fn weights_must_be_finite_and_positive() {
    for bad in ["0", "-1", "inf"] {
        assert_eq!(
            error("unit,a,b\nx,1,2\n", &format!("component,weight\na,1\nb,{bad}\n")),
            format!("weights.csv line 3, column 2: the weight must be a finite number greater than 0, but it is `{bad}`.")
        );
    }
    assert_eq!(
        error("unit,a,b\nx,1,2\n", "component,weight\na,1\nb,\n"),
        "weights.csv line 3, column 2: the weight must be a finite number greater than 0, but it is ``."
    );
}

#[test]
fn a_unit_listed_twice_is_refused() {
    assert_eq!(
        error("unit,a,b\nx,1,2\ny,1,2\n\nx,3,3\n", WEIGHTS),
        "scores.csv line 5, column 1: `x` appears a second time (first on line 2)."
    );
}

#[test]
fn headers_and_cell_counts_are_checked() {
    assert_eq!(
        error("unit,a,b\nx,1,2\n", "name,weight\na,1\n"),
        "weights.csv line 1: the header must be `component,weight`, but it is `name,weight`."
    );
    assert_eq!(
        error("unit,a,b\nx,1\n", WEIGHTS),
        "scores.csv line 2: the header has 3 columns but this line has 2."
    );
    assert_eq!(
        error("", WEIGHTS),
        "scores.csv is empty; it needs at least a header line."
    );
    assert_eq!(
        error("unit\nx\n", WEIGHTS),
        "scores.csv line 1: there is no component column after the unit column."
    );
    assert_eq!(
        error("unit,a,a\nx,1,2\n", WEIGHTS),
        "scores.csv line 1, column 3: `a` appears a second time (first on line 1)."
    );
}

#[test]
fn groups_must_end_with_an_open_group_and_decrease() {
    let message = |text: &str| {
        read_groups(text.as_bytes())
            .expect_err("an error")
            .to_string()
    };
    assert_eq!(
        message("label_vi,label_en,min_total\nA,A,50\nB,B,40\n"),
        "groups.csv line 3, column 3: the last group must have an empty min_total (it takes every lower total)."
    );
    assert_eq!(
        message("label_vi,label_en,min_total\nA,A,\nB,B,\n"),
        "groups.csv line 2, column 3: only the last group may have an empty min_total."
    );
    assert_eq!(
        message("label_vi,label_en,min_total\nA,A,50\nB,B,60\nC,C,\n"),
        "groups.csv line 3, column 3: min_total must be lower than that of the group above."
    );
}
