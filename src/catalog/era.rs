//! Validity years and unit succession: one catalog across the 2025 reorganisation.

use super::SeedCatalog;
use std::collections::HashSet;

/// Whether a row valid from `from` to `to` (cycle years, `None` = open) is valid in `year`.
pub fn valid_in(from: Option<i32>, to: Option<i32>, year: i32) -> bool {
    from.is_none_or(|f| f <= year) && to.is_none_or(|t| year <= t)
}

/// Whether two validity ranges share a year.
pub(super) fn overlap(a: (Option<i32>, Option<i32>), b: (Option<i32>, Option<i32>)) -> bool {
    let lo = a.0.unwrap_or(i32::MIN).max(b.0.unwrap_or(i32::MIN));
    let hi = a.1.unwrap_or(i32::MAX).min(b.1.unwrap_or(i32::MAX));
    lo <= hi
}

/// How a kind's unit scores are estimated (METHODOLOGY.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Estimator {
    /// The unit's own evaluations only.
    #[default]
    Direct,
    /// Shrunk toward the kind's mean according to the unit's sample size.
    Shrunk,
}

impl Estimator {
    pub fn as_str(self) -> &'static str {
        match self {
            Estimator::Direct => "direct",
            Estimator::Shrunk => "shrunk",
        }
    }
}

impl std::str::FromStr for Estimator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "direct" => Ok(Estimator::Direct),
            "shrunk" => Ok(Estimator::Shrunk),
            _ => Err(format!(
                "`{s}` is not a valid estimator (expected one of: direct shrunk)"
            )),
        }
    }
}

/// How a unit relates to a unit of an earlier cycle (METHODOLOGY.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Same remit under a new name and code: the series continues.
    Renamed,
    /// One of several units merged into this one.
    Merged,
    /// Part of the predecessor's remit: not comparable.
    SplitFrom,
    /// A commune covering (part of) the area of a former district: not comparable.
    Territory,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Renamed => "renamed",
            Relation::Merged => "merged",
            Relation::SplitFrom => "split_from",
            Relation::Territory => "territory",
        }
    }
}

impl std::str::FromStr for Relation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "renamed" => Relation::Renamed,
            "merged" => Relation::Merged,
            "split_from" => Relation::SplitFrom,
            "territory" => Relation::Territory,
            _ => {
                return Err(format!(
                    "`{s}` is not a valid relation (expected one of: renamed merged split_from territory)"
                ))
            }
        })
    }
}

/// One row of `unit_links.csv`: `unit_code` succeeds `predecessor_code`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitLink {
    pub unit_code: String,
    pub predecessor_code: String,
    pub relation: Relation,
    pub note: String,
}

pub(super) fn for_year(c: &SeedCatalog, year: i32) -> SeedCatalog {
    let kinds: Vec<_> = c
        .kinds
        .iter()
        .filter(|k| valid_in(k.valid_from, k.valid_to, year))
        .cloned()
        .collect();
    let kind_ok = |k: &str| kinds.iter().any(|x| x.code == k);
    let units: Vec<_> = c
        .units
        .iter()
        .filter(|u| kind_ok(&u.kind) && valid_in(u.valid_from, u.valid_to, year))
        .cloned()
        .collect();
    let unit_codes: HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let questions: Vec<_> = c
        .profile_questions
        .iter()
        .filter(|q| valid_in(q.valid_from, q.valid_to, year))
        .cloned()
        .collect();
    SeedCatalog {
        components: c
            .components
            .iter()
            .filter(|x| kind_ok(&x.kind))
            .cloned()
            .collect(),
        indicators: c
            .indicators
            .iter()
            .filter(|x| kind_ok(&x.kind))
            .cloned()
            .collect(),
        profile_choices: c
            .profile_choices
            .iter()
            .filter(|ch| questions.iter().any(|q| q.code == ch.question_code))
            .cloned()
            .collect(),
        groups: c.groups.clone(),
        pci_links: c
            .pci_links
            .iter()
            .filter(|l| valid_in(l.valid_from, l.valid_to, year))
            .cloned()
            .collect(),
        unit_links: c
            .unit_links
            .iter()
            .filter(|l| unit_codes.contains(l.unit_code.as_str()))
            .cloned()
            .collect(),
        profile_questions: questions,
        units,
        kinds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_is_inclusive_and_open_ends_are_unbounded() {
        assert!(valid_in(None, Some(2024), 2024));
        assert!(!valid_in(None, Some(2024), 2025));
        assert!(valid_in(Some(2025), None, 2030));
        assert!(!valid_in(Some(2025), None, 2024));
        assert!(overlap((None, Some(2024)), (Some(2024), None)));
        assert!(!overlap((None, Some(2024)), (Some(2025), None)));
    }
}
