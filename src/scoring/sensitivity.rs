//! Sensitivity of ranks to the component weights (published as `rank_sensitivity_low` and
//! `rank_sensitivity_high`): how far a unit's rank moves when the province's weights are
//! changed by up to ±50%.
//!
//! Draw d (0-based, `DRAWS` of them) multiplies each component weight W_c by a factor
//! f = 0.5 + u, u uniform in [0, 1), one factor per component shared by all units of its kind,
//! and ranks each kind's ranked units by §5 with those weights, from the published component
//! scores. The range is the floor of the 5th and the ceiling of the 95th percentile of a
//! unit's ranks over the draws (numpy's linear rule), widened to contain its published rank.
//! Randomness: one `ChaCha8Rng::seed_from_u64(seed)` switched to stream `STREAM`; in each draw
//! the kinds come in ascending name order and their components in catalog order, and
//! u = (next_u64 >> 11)·2⁻⁵³. The same data and seed give the same ranges on any machine.

use super::bootstrap::replicate_rng;
use super::calibration::percentile_pair;
use super::rank::{ranks_into, total};
use rand_core::RngCore;

/// Draws of random weights.
pub const DRAWS: u32 = 1000;

/// The random stream of the draws: far above the bootstrap's replicate streams 0..B.
pub const STREAM: u64 = 1 << 40;

/// One kind's published component scores.
#[derive(Debug, Clone)]
pub struct KindScores<'a> {
    /// The kind's name (draws visit kinds in ascending name order).
    pub name: &'a str,
    /// W_c of the kind's components, catalog order.
    pub weights: &'a [f64],
    /// One row per ranked unit: S_{u,c} in the order of `weights`.
    pub rows: Vec<&'a [Option<f64>]>,
    /// Each row's published rank.
    pub ranks: Vec<Option<u32>>,
}

/// Per kind (in the order given) and row: the (low, high) rank range, `None` for a row
/// without a published rank.
pub fn rank_ranges(kinds: &[KindScores], seed: u64, draws: u32) -> Vec<Vec<Option<(u32, u32)>>> {
    let mut order: Vec<usize> = (0..kinds.len()).collect();
    order.sort_by(|&a, &b| kinds[a].name.cmp(kinds[b].name));
    let mut seen: Vec<Vec<Vec<f64>>> = (kinds.iter())
        .map(|k| vec![Vec::with_capacity(draws as usize); k.rows.len()])
        .collect();
    let mut rng = replicate_rng(seed, STREAM);
    let (mut weights, mut totals, mut ranks) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..draws {
        for &k in &order {
            let kind = &kinds[k];
            weights.clear();
            weights.extend(kind.weights.iter().map(|w| w * factor(&mut rng)));
            totals.clear();
            totals.extend(kind.rows.iter().map(|row| total(row, &weights)));
            ranks.clear();
            ranks.resize(totals.len(), None);
            ranks_into(&totals, &mut ranks);
            for (slot, rank) in seen[k].iter_mut().zip(&ranks) {
                slot.extend(rank.map(f64::from));
            }
        }
    }
    kinds
        .iter()
        .zip(seen)
        .map(|(kind, rows)| {
            (kind.ranks.iter().zip(rows))
                .map(|(published, values)| range(*published, values))
                .collect()
        })
        .collect()
}

fn factor(rng: &mut impl RngCore) -> f64 {
    0.5 + (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn range(published: Option<u32>, values: Vec<f64>) -> Option<(u32, u32)> {
    let rank = published?;
    let (lo, hi) = percentile_pair(values.into_iter())?;
    Some(((lo.floor() as u32).min(rank), (hi.ceil() as u32).max(rank)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind<'a>(name: &'a str, weights: &'a [f64], rows: &'a [Vec<Option<f64>>]) -> KindScores<'a> {
        let totals: Vec<Option<f64>> = rows.iter().map(|r| total(r, weights)).collect();
        let mut ranks = vec![None; rows.len()];
        ranks_into(&totals, &mut ranks);
        KindScores {
            name,
            weights,
            rows: rows.iter().map(Vec::as_slice).collect(),
            ranks,
        }
    }

    #[test]
    fn a_unit_best_on_every_component_keeps_rank_one_under_any_weights() {
        let rows = vec![
            vec![Some(9.0), Some(9.0)],
            vec![Some(5.0), Some(6.0)],
            vec![Some(2.0), Some(1.0)],
        ];
        let ranges = rank_ranges(&[kind("k", &[1.0, 1.0], &rows)], 7, 200);
        assert_eq!(ranges[0], vec![Some((1, 1)), Some((2, 2)), Some((3, 3))]);
    }

    #[test]
    fn units_that_trade_places_under_other_weights_get_a_range_containing_their_rank() {
        // Unit A is better on component 1, B on component 2; equal weights rank A first by a
        // hair, and a weight tilt of up to ±50% swaps them.
        let rows = vec![vec![Some(8.0), Some(4.1)], vec![Some(4.0), Some(8.0)]];
        let ranges = rank_ranges(&[kind("k", &[1.0, 1.0], &rows)], 7, 1000);
        assert_eq!(ranges[0], vec![Some((1, 2)), Some((1, 2))]);
    }

    #[test]
    fn the_ranges_are_reproducible_and_do_not_depend_on_the_order_of_kinds() {
        let a = vec![
            vec![Some(8.0), Some(4.1)],
            vec![Some(4.0), Some(8.0)],
            vec![Some(6.0), Some(6.0)],
        ];
        let b = vec![vec![Some(3.0), Some(7.0)], vec![Some(7.0), Some(3.2)]];
        let (ka, kb) = (kind("a", &[1.0, 2.0], &a), kind("b", &[1.0, 1.0], &b));
        let one = rank_ranges(&[ka.clone(), kb.clone()], 11, 300);
        let two = rank_ranges(&[kb, ka], 11, 300);
        assert_eq!(one[0], two[1]);
        assert_eq!(one[1], two[0]);
    }

    #[test]
    fn factors_stay_within_half_and_one_and_a_half() {
        let mut rng = replicate_rng(1, STREAM);
        let f: Vec<f64> = (0..10_000).map(|_| factor(&mut rng)).collect();
        assert!(f.iter().all(|x| (0.5..1.5).contains(x)));
        let mean = f.iter().sum::<f64>() / f.len() as f64;
        assert!((mean - 1.0).abs() < 0.01);
    }
}
