//! METHODOLOGY.md §4: min–max normalisation of raw values to 1–10 against a pooled reference.

use super::model::Direction;

/// Below this spread (U − L) every unit scores 5.5.
const NO_SPREAD: f64 = 1e-12;

/// Pooled bounds (L, U) of one indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: f64,
    pub max: f64,
}

impl Bounds {
    /// `bounds` widened to include `x` (from nothing when `None`); non-finite `x` is ignored.
    pub fn extend(bounds: Option<Bounds>, x: f64) -> Option<Bounds> {
        if !x.is_finite() {
            return bounds;
        }
        Some(match bounds {
            None => Bounds { min: x, max: x },
            Some(b) => Bounds {
                min: b.min.min(x),
                max: b.max.max(x),
            },
        })
    }
}

/// The 1–10 score of raw value `x`: 1 + 9·(x − L)/(U − L) (or its mirror for lower_better);
/// 5.5 when the pool has no spread. With L ≤ x ≤ U the result lies in [1, 10] exactly: the ratio
/// is divided first, and (x − L)/(U − L) ≤ 1 survives rounding.
pub fn normalise(x: f64, bounds: Bounds, direction: Direction) -> f64 {
    let spread = bounds.max - bounds.min;
    if spread < NO_SPREAD {
        return 5.5;
    }
    let distance = match direction {
        Direction::HigherBetter => x - bounds.min,
        Direction::LowerBetter => bounds.max - x,
    };
    1.0 + 9.0 * (distance / spread)
}
