//! What one scoring run produces. Field names are the column names of the data package's CSV
//! files (METHODOLOGY.md §7) so that writing the package is a plain mapping; the few extra fields
//! are marked as such. Every `f64` here is finite: a value that cannot be computed is `None`.

use serde::{Deserialize, Serialize};

/// One row of `indicator_scores.csv`: a (unit, indicator) pair with at least one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub unit_code: String,
    pub indicator_code: String,
    /// n_{u,i}: evaluations of the unit that answered the indicator.
    pub n: u32,
    pub raw_value: Option<f64>,
    /// 90% analytic interval (§6); none for `median` or when n_eff < 2.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Pooled bounds L and U (§4); ranked units only.
    pub pool_min: Option<f64>,
    pub pool_max: Option<f64>,
    /// Normalised score in [1, 10]; ranked units only.
    pub score: Option<f64>,
    /// Σρ over the answers (§8).
    #[serde(default)]
    pub weight_sum: Option<f64>,
    /// Σρ² over the answers (§8).
    #[serde(default)]
    pub weight_sq_sum: Option<f64>,
    /// Σρ(y − r_u)² (§8); empty for `median` indicators.
    #[serde(default)]
    pub within_ss: Option<f64>,
    /// The value §4 normalises: r̃_u where §8 shrank the indicator, else the raw value.
    #[serde(default)]
    pub estimate: Option<f64>,
    /// B_u where §8 shrank the indicator; empty when direct.
    #[serde(default)]
    pub shrinkage: Option<f64>,
}

/// One row of `shrinkage.csv`: the §8 parameters of one shrunk indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShrinkageRow {
    pub kind: String,
    pub indicator_code: String,
    pub m: u32,
    pub mu: f64,
    pub sigma2: f64,
    pub tau2: f64,
}

/// How a unit's change was computed (METHODOLOGY.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeBasis {
    SameUnit,
    Renamed,
    Backcast,
    NotComparable,
}

impl ChangeBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeBasis::SameUnit => "same_unit",
            ChangeBasis::Renamed => "renamed",
            ChangeBasis::Backcast => "backcast",
            ChangeBasis::NotComparable => "not_comparable",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeBasis> {
        [
            ChangeBasis::SameUnit,
            ChangeBasis::Renamed,
            ChangeBasis::Backcast,
            ChangeBasis::NotComparable,
        ]
        .into_iter()
        .find(|b| b.as_str() == s)
    }
}

/// One row of `component_scores.csv`, for every component of a ranked unit's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentScore {
    pub unit_code: String,
    pub component_code: String,
    pub score: Option<f64>,
}

/// One row of `scores.csv`, for every unit of the catalog (catalog order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitScore {
    pub unit_code: String,
    pub kind: String,
    /// n_u: number of evaluations of the unit.
    pub responses: u32,
    pub ranked: bool,
    pub total: Option<f64>,
    pub rank: Option<u32>,
    /// Vietnamese label of the group (the CSV column).
    pub group: Option<String>,
    /// Not a CSV column: index of the group in `Config::groups`, for the UI (label_en etc.).
    pub group_index: Option<usize>,
    pub total_ci_low: Option<f64>,
    pub total_ci_high: Option<f64>,
    pub rank_ci_low: Option<u32>,
    pub rank_ci_high: Option<u32>,
    pub total_change: Option<f64>,
    /// Rank then − rank now: positive means the unit moved up.
    pub rank_change: Option<i64>,
    /// How the change was computed (§9); `None` when there is no earlier result.
    #[serde(default)]
    pub change_basis: Option<ChangeBasis>,
    /// 90% interval of `total_change` from the two cycles' replicates (§6); empty for
    /// backcasts, not-comparable units, and earlier runs stored without replicates.
    #[serde(default)]
    pub total_change_ci_low: Option<f64>,
    #[serde(default)]
    pub total_change_ci_high: Option<f64>,
    /// The change's 90% interval excludes 0; empty when there is no interval.
    #[serde(default)]
    pub change_significant: Option<bool>,
    /// 5th–95th percentile of the unit's rank over random component weights (±50%), see
    /// `scoring::sensitivity`; ranked units only.
    #[serde(default)]
    pub rank_sensitivity_low: Option<u32>,
    #[serde(default)]
    pub rank_sensitivity_high: Option<u32>,
    /// 1 ≤ n_u < 5: the unit publishes its count only (§3), no raw value, interval or answer.
    #[serde(default)]
    pub count_only: bool,
    /// Codes of components of the unit's kind without a score (CSV: joined with `;`).
    /// Empty for unranked units, which have no component scores at all.
    pub missing_components: Vec<String>,
}

/// One row of `summary.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindSummary {
    pub kind: String,
    pub ranked_units: u32,
    pub median_total: Option<f64>,
    pub mean_total: Option<f64>,
}

/// One row of `reliability.csv`: Cronbach's α of a component with ≥ 2 likert5 indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reliability {
    pub kind: String,
    pub component_code: String,
    /// Rows used: evaluations that answered every likert5 indicator of the component.
    pub n: u32,
    pub alpha: Option<f64>,
}

/// Everything a scoring run publishes (METHODOLOGY.md §7), plus diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoringResult {
    /// The cycle year that was scored (the `year` argument of `score`).
    pub year: i32,
    pub indicator_scores: Vec<IndicatorScore>,
    pub component_scores: Vec<ComponentScore>,
    pub scores: Vec<UnitScore>,
    pub summary: Vec<KindSummary>,
    pub reliability: Vec<Reliability>,
    /// §8 parameters of every shrunk indicator, ordered by kind and indicator code.
    #[serde(default)]
    pub shrinkage: Vec<ShrinkageRow>,
    /// Not published: every bootstrap replicate's total of each ranked unit, by unit code, in
    /// replicate order (NaN where a replicate had none). Stored with the run, so that a later
    /// cycle's change interval uses exactly the replicates behind this run's intervals.
    #[serde(default)]
    pub replicate_totals: std::collections::BTreeMap<String, Vec<f64>>,
    /// Earlier years whose published raw values entered the pooled bounds, ascending.
    pub pooled_cycles: Vec<i32>,
    /// Human-readable notes in English (no responses, skipped invalid answers, …).
    pub warnings: Vec<String>,
}
