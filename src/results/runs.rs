//! Comparing two scoring runs of one cycle, so analysts see what a change of parameters (or
//! late paper questionnaires) did to totals and ranks before publishing.

use crate::scoring::ScoringResult;

/// One unit in two runs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UnitDiff {
    pub unit_code: String,
    pub total: Option<f64>,
    pub rank: Option<u32>,
    pub previous_total: Option<f64>,
    pub previous_rank: Option<u32>,
    /// This run's total minus the previous run's; none unless both have one.
    pub total_change: Option<f64>,
    /// Previous rank minus this rank: positive means the unit moved up.
    pub rank_change: Option<i64>,
}

/// Every unit of `current`, in its order, beside the same unit in `previous`.
pub fn diff(current: &ScoringResult, previous: Option<&ScoringResult>) -> Vec<UnitDiff> {
    current
        .scores
        .iter()
        .map(|s| {
            let before =
                previous.and_then(|p| p.scores.iter().find(|b| b.unit_code == s.unit_code));
            let previous_total = before.and_then(|b| b.total);
            let previous_rank = before.and_then(|b| b.rank);
            UnitDiff {
                unit_code: s.unit_code.clone(),
                total: s.total,
                rank: s.rank,
                previous_total,
                previous_rank,
                total_change: s.total.zip(previous_total).map(|(a, b)| a - b),
                rank_change: s
                    .rank
                    .zip(previous_rank)
                    .map(|(a, b)| i64::from(b) - i64::from(a)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::UnitScore;

    fn unit(code: &str, total: Option<f64>, rank: Option<u32>) -> UnitScore {
        UnitScore {
            unit_code: code.into(),
            kind: "department".into(),
            responses: 40,
            ranked: total.is_some(),
            total,
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

    fn result(scores: Vec<UnitScore>) -> ScoringResult {
        ScoringResult {
            scores,
            ..ScoringResult::default()
        }
    }

    #[test]
    fn changes_are_now_minus_before_and_rank_moves_up_positive() {
        let now = result(vec![
            unit("A", Some(70.0), Some(1)),
            unit("B", Some(60.5), Some(2)),
            unit("C", None, None),
        ]);
        let before = result(vec![
            unit("A", Some(65.0), Some(2)),
            unit("B", Some(66.0), Some(1)),
        ]);
        let d = diff(&now, Some(&before));
        assert_eq!(d[0].total_change, Some(5.0));
        assert_eq!(d[0].rank_change, Some(1));
        assert_eq!(d[1].total_change, Some(-5.5));
        assert_eq!(d[1].rank_change, Some(-1));
        assert_eq!(d[2].total_change, None);
        assert!(diff(&now, None).iter().all(|u| u.previous_total.is_none()));
    }
}
