//! METHODOLOGY.md §5 from component scores: total, rank and group. The same functions serve the
//! full scoring run, every bootstrap replicate and the `ddci rank` table path, so a published
//! table can be checked with exactly the arithmetic that produced it.

use super::model::Group;
use super::result::UnitScore;
use std::cmp::Ordering;

/// Totals closer than this are tied (§5), and a total this close below a group's minimum
/// still reaches the group.
pub const TIE_TOLERANCE: f64 = 1e-9;

/// One row of a component-score table: a unit and S_{u,c} per component (`None` = missing).
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentRow {
    pub unit: String,
    pub scores: Vec<Option<f64>>,
}

/// Total, rank and group (index into the groups given) of one row; `None` when the row has no
/// component score at all.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedRow {
    pub unit: String,
    pub total: Option<f64>,
    pub rank: Option<u32>,
    pub group: Option<usize>,
}

/// Σ w·x / Σ w over the pairs whose value is present; `None` if none is (or Σ w is not > 0).
/// Used for both S_{u,c} (indicator weights) and T_u / 10 (component weights).
pub fn weighted_mean(pairs: impl Iterator<Item = (f64, Option<f64>)>) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (w, x) in pairs {
        if let Some(x) = x {
            num += w * x;
            den += w;
        }
    }
    if den <= 0.0 {
        return None;
    }
    let mean = num / den;
    mean.is_finite().then_some(mean)
}

/// T = 10·Σ W_c S_c / Σ W_c over the components with a score. `scores[c]` pairs with
/// `weights[c]`; the two slices have the same length (extra entries of either are ignored).
pub fn total(scores: &[Option<f64>], weights: &[f64]) -> Option<f64> {
    weighted_mean(weights.iter().copied().zip(scores.iter().copied())).map(|m| 10.0 * m)
}

/// rank = 1 + #{v : T_v > T + 1e-9} among `totals` (ties share a rank: 1, 2, 2, 4).
pub fn rank_among(t: f64, totals: impl Iterator<Item = f64>) -> u32 {
    let better = totals.filter(|&v| v > t + TIE_TOLERANCE).count();
    u32::try_from(better).map_or(u32::MAX, |b| b.saturating_add(1))
}

/// Ranks of optional totals among the present ones; written into `out` (same length).
pub fn ranks_into(totals: &[Option<f64>], out: &mut [Option<u32>]) {
    for (slot, t) in out.iter_mut().zip(totals) {
        *slot = t.map(|t| rank_among(t, totals.iter().flatten().copied()));
    }
}

/// Index of the first group with min_total ≤ T + 1e-9 (a group without minimum takes anything).
pub fn group_of(t: f64, groups: &[Group]) -> Option<usize> {
    groups
        .iter()
        .position(|g| g.min_total.is_none_or(|m| m <= t + TIE_TOLERANCE))
}

/// §5 from a table of component scores: every row gets its total, its rank among the rows with
/// a total, and its group. `weights` are the W_c of the table's columns, in column order.
pub fn rank_totals(rows: &[ComponentRow], weights: &[f64], groups: &[Group]) -> Vec<RankedRow> {
    let totals: Vec<Option<f64>> = rows.iter().map(|r| total(&r.scores, weights)).collect();
    let mut ranks = vec![None; rows.len()];
    ranks_into(&totals, &mut ranks);
    rows.iter()
        .zip(totals)
        .zip(ranks)
        .map(|((row, total), rank)| RankedRow {
            unit: row.unit.clone(),
            total,
            rank,
            group: total.and_then(|t| group_of(t, groups)),
        })
        .collect()
}

/// The order in which people read a kind's units (ranking page, CSV, workbook, `ddci score`):
/// ranked units by rank, ties by code, then the unranked ones by code.
pub fn ranking_order(a: &UnitScore, b: &UnitScore) -> Ordering {
    (a.rank.is_none(), a.rank, &a.unit_code).cmp(&(b.rank.is_none(), b.rank, &b.unit_code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, rank: Option<u32>) -> UnitScore {
        UnitScore {
            unit_code: code.into(),
            kind: "department".into(),
            responses: 0,
            ranked: rank.is_some(),
            total: None,
            rank,
            group: None,
            group_index: None,
            total_ci_low: None,
            total_ci_high: None,
            rank_ci_low: None,
            rank_ci_high: None,
            total_change: None,
            rank_change: None,
            change_basis: None,
            total_change_ci_low: None,
            total_change_ci_high: None,
            change_significant: None,
            rank_sensitivity_low: None,
            rank_sensitivity_high: None,
            count_only: false,
            missing_components: Vec::new(),
        }
    }

    #[test]
    fn ranked_units_come_by_rank_then_code_and_unranked_ones_last_by_code() {
        let mut units = [
            unit("Z", None),
            unit("C", Some(2)),
            unit("A", None),
            unit("D", Some(1)),
            unit("B", Some(2)),
        ];
        units.sort_by(ranking_order);
        let codes: Vec<&str> = units.iter().map(|u| u.unit_code.as_str()).collect();
        assert_eq!(codes, ["D", "B", "C", "A", "Z"]);
    }
}
