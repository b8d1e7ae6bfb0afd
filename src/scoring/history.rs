//! Earlier published runs: their raw values widen the pooled bounds (§4, `pool_years` > 1) and
//! their totals and ranks give the change columns (§5). History may come in any order; only
//! runs of years strictly before the scored year are used.

use super::model::PublishedCycle;
use super::normalise::Bounds;
use std::collections::{BTreeSet, HashMap};

/// The earlier cycles entering the pool: the `pool_years − 1` most recent years below `year`
/// that have a published run, ascending.
pub(crate) fn pooled_years(history: &[PublishedCycle], year: i32, pool_years: u32) -> Vec<i32> {
    let earlier: BTreeSet<i32> = history
        .iter()
        .map(|h| h.year)
        .filter(|&y| y < year)
        .collect();
    let take = pool_years.saturating_sub(1) as usize;
    let mut years: Vec<i32> = earlier.into_iter().rev().take(take).collect();
    years.reverse();
    years
}

/// Bounds of the raw values of each indicator code over the pooled years' ranked units.
pub(crate) fn pooled_bounds<'a>(
    history: &'a [PublishedCycle],
    years: &[i32],
) -> HashMap<&'a str, Bounds> {
    let mut bounds: HashMap<&str, Bounds> = HashMap::new();
    let runs = history.iter().filter(|h| years.contains(&h.year));
    for (_, indicator, x) in runs.flat_map(|h| &h.ranked_raw_values) {
        let b = Bounds::extend(bounds.get(indicator.as_str()).copied(), *x);
        if let Some(b) = b {
            bounds.insert(indicator.as_str(), b);
        }
    }
    bounds
}

/// (total, rank) of `unit` in the latest earlier year in which it was ranked.
/// Several runs of one year are a caller error (warned about); the first listed one wins.
pub(crate) fn previous(history: &[PublishedCycle], year: i32, unit: &str) -> Option<(f64, u32)> {
    previous_in(history, year, unit).map(|(_, t, r)| (t, r))
}

/// Like `previous`, with the year of the run.
pub(crate) fn previous_in(
    history: &[PublishedCycle],
    year: i32,
    unit: &str,
) -> Option<(i32, f64, u32)> {
    let mut best: Option<(i32, f64, u32)> = None;
    for h in history.iter().filter(|h| h.year < year) {
        if best.is_some_and(|(y, _, _)| y >= h.year) {
            continue;
        }
        let hit = h
            .ranked_totals
            .iter()
            .find(|(code, t, _)| code == unit && t.is_finite());
        if let Some((_, t, r)) = hit {
            best = Some((h.year, *t, *r));
        }
    }
    best
}

/// Warnings about history that the method cannot use as intended.
pub(crate) fn warnings(history: &[PublishedCycle]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let duplicates: BTreeSet<i32> = history
        .iter()
        .map(|h| h.year)
        .filter(|y| !seen.insert(*y))
        .collect();
    duplicates
        .into_iter()
        .map(|y| format!("history holds more than one published run for {y}; their values were pooled together and the first one gives the change"))
        .collect()
}
