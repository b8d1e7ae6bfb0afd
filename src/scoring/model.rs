//! Plain data that the scoring engine reads and writes. No I/O, no database types.
//!
//! Codes are the catalog's stable codes (METHODOLOGY.md §1); indexes (`usize`) point into the
//! `Catalog` vectors so that the hot loops never hash strings.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// How a question is answered; fixes the valid values (METHODOLOGY.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    Likert5,
    YesNo,
    Number,
}

/// How the answers of one unit to one indicator become its raw value (METHODOLOGY.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    Mean,
    ShareAgree,
    ShareYes,
    Median,
}

/// Whether a larger raw value is better or worse for businesses (METHODOLOGY.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherBetter,
    LowerBetter,
}

/// The spelling of an enum value was not one of the allowed ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what} (expected one of: {expected})")]
pub struct EnumParseError {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

macro_rules! string_enum {
    ($ty:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }
        impl FromStr for $ty {
            type Err = EnumParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    _ => Err(EnumParseError {
                        what: $what,
                        value: s.to_string(),
                        expected: concat!($($text, " "),+),
                    }),
                }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(QuestionType, "question_type", { Likert5 => "likert5", YesNo => "yes_no", Number => "number" });
string_enum!(Aggregate, "aggregate", {
    Mean => "mean", ShareAgree => "share_agree", ShareYes => "share_yes", Median => "median"
});
string_enum!(Direction, "direction", { HigherBetter => "higher_better", LowerBetter => "lower_better" });
string_enum!(Estimator, "estimator", { Direct => "direct", Shrunk => "shrunk" });

/// How a kind's raw values are estimated (METHODOLOGY.md §8): `direct` is §2 unchanged,
/// `shrunk` replaces eligible raw values by empirical Bayes estimates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Estimator {
    #[default]
    Direct,
    Shrunk,
}

/// The settings of one kind (METHODOLOGY.md §3, §8). A kind not listed in `Config::kinds` is
/// direct with the run's default minimum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindSettings {
    /// Evaluations a unit of this kind needs to be ranked; `None` = `Config::min_responses`.
    pub min_responses: Option<u32>,
    pub estimator: Estimator,
}

/// The smallest minimum a run accepts, and the count below which a unit publishes its count
/// only (METHODOLOGY.md §3).
pub const COUNT_ONLY_BELOW: u32 = 5;

impl QuestionType {
    /// True when `x` is a valid non-missing answer of this type.
    pub fn accepts(self, x: f64) -> bool {
        match self {
            QuestionType::Likert5 => x.fract() == 0.0 && (1.0..=5.0).contains(&x),
            QuestionType::YesNo => x == 0.0 || x == 1.0,
            QuestionType::Number => x.is_finite() && x >= 0.0,
        }
    }
}

impl Aggregate {
    /// The aggregates METHODOLOGY.md allows for a question type.
    pub fn fits(self, qt: QuestionType) -> bool {
        match self {
            Aggregate::Mean | Aggregate::Median => true,
            Aggregate::ShareAgree => qt == QuestionType::Likert5,
            Aggregate::ShareYes => qt == QuestionType::YesNo,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub code: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub code: String,
    pub kind: String,
    /// W_c > 0.
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: String,
    /// Index into `Catalog::components`; the indicator's kind is its component's kind.
    pub component: usize,
    pub question_type: QuestionType,
    pub aggregate: Aggregate,
    pub direction: Direction,
    /// w_i > 0 (default 1).
    pub weight: f64,
}

/// The scored part of one cycle's catalog. Order matters only for output order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub units: Vec<Unit>,
    pub components: Vec<Component>,
    pub indicators: Vec<Indicator>,
}

/// One (response, unit) pair with its non-missing scored answers.
/// `answers` holds (index into `Catalog::indicators`, value); missing answers are simply absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Any identifier of the response, used only to keep evaluations of one response together
    /// in outputs; it never influences a number.
    pub response: u64,
    /// Index into `Catalog::units`.
    pub unit: usize,
    /// Respondent weight ρ > 0.
    pub weight: f64,
    pub answers: Vec<(usize, f64)>,
}

/// One performance group (METHODOLOGY.md §5); `min_total == None` only for the last group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub label_vi: String,
    pub label_en: String,
    pub min_total: Option<f64>,
}

/// The methodology configuration of one scoring run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub min_responses: u32,
    pub pool_years: u32,
    pub bootstrap_replicates: u32,
    pub bootstrap_seed: u64,
    pub groups: Vec<Group>,
    /// Per-kind settings by kind name (METHODOLOGY.md §3, §8); empty = every kind direct with
    /// `min_responses`.
    #[serde(default)]
    pub kinds: BTreeMap<String, KindSettings>,
    /// How replicates become intervals (METHODOLOGY.md §6, "Calibration").
    #[serde(default)]
    pub intervals: IntervalMethod,
}

/// How bootstrap replicates become the published intervals (see `scoring::calibration`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    /// Basic (reflected) bootstrap intervals of totals at the nominal level the coverage study
    /// calibrated, clipped to [10, 100]; percentile rank intervals; both contain the published
    /// total and rank. See `scoring::calibration`.
    #[default]
    Calibrated,
    /// Plain percentile intervals (the method before calibration).
    Percentile,
}

impl IntervalMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            IntervalMethod::Calibrated => "calibrated",
            IntervalMethod::Percentile => "percentile",
        }
    }
}

impl std::str::FromStr for IntervalMethod {
    type Err = EnumParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [IntervalMethod::Calibrated, IntervalMethod::Percentile]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| EnumParseError {
                what: "interval method",
                value: s.to_string(),
                expected: "calibrated percentile",
            })
    }
}

impl Config {
    /// The minimum of kind `kind`: its own setting, else the run's default.
    pub fn min_responses_for(&self, kind: &str) -> u32 {
        self.kinds
            .get(kind)
            .and_then(|k| k.min_responses)
            .unwrap_or(self.min_responses)
    }

    /// The estimator of kind `kind` (direct unless set).
    pub fn estimator_for(&self, kind: &str) -> Estimator {
        self.kinds
            .get(kind)
            .map(|k| k.estimator)
            .unwrap_or_default()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            min_responses: 30,
            pool_years: 1,
            bootstrap_replicates: 1000,
            bootstrap_seed: 20211121,
            groups: default_groups(),
            kinds: BTreeMap::new(),
            intervals: IntervalMethod::default(),
        }
    }
}

/// The Lạng Sơn groups, best first (METHODOLOGY.md §5).
pub fn default_groups() -> Vec<Group> {
    let g = |vi: &str, en: &str, min: Option<f64>| Group {
        label_vi: vi.to_string(),
        label_en: en.to_string(),
        min_total: min,
    };
    vec![
        g("Rất tốt", "Excellent", Some(80.0)),
        g("Tốt", "High", Some(70.0)),
        g("Khá", "Mid-high", Some(60.0)),
        g("Trung bình", "Mid-low", Some(50.0)),
        g("Tương đối thấp", "Low", Some(40.0)),
        g("Thấp", "Very low", None),
    ]
}

/// What the engine needs from one earlier published run: its year, the raw values of its
/// ranked units (for pooled bounds) and its totals and ranks (for change).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PublishedCycle {
    pub year: i32,
    /// (unit_code, indicator_code, raw_value) for ranked units only.
    pub ranked_raw_values: Vec<(String, String, f64)>,
    /// (unit_code, total, rank) for ranked units only.
    pub ranked_totals: Vec<(String, f64, u32)>,
    /// The run's replicate totals by unit code (empty for runs stored without them).
    pub replicate_totals: std::collections::BTreeMap<String, Vec<f64>>,
}
