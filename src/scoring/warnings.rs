//! Counts of skipped input, turned into English sentences for `ScoringResult::warnings`.
//! The engine never fails on bad input: it skips what the method cannot use and says so.

/// How many pieces of input were skipped, by reason.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub bad_unit: usize,
    pub bad_weight: usize,
    pub bad_answer: usize,
    pub duplicate_answer: usize,
    pub empty_evaluation: usize,
}

impl Tally {
    pub fn into_warnings(self) -> Vec<String> {
        let lines = [
            (self.bad_unit, "evaluation(s) skipped: unit index not in the catalog"),
            (self.bad_weight, "evaluation(s) skipped: weight not a finite number > 0"),
            (
                self.bad_answer,
                "answer(s) skipped: unknown indicator, indicator of another kind, or value outside its type",
            ),
            (self.duplicate_answer, "duplicate answer(s) to the same indicator skipped (the smallest value was kept)"),
            (self.empty_evaluation, "evaluation(s) without any valid answer skipped (not evaluations in the sense of §1)"),
        ];
        lines
            .iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, text)| format!("{count} {text}"))
            .collect()
    }
}
