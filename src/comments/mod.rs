//! Businesses' comments about units, handled with care (issue 14), without HTTP or SQL: staff
//! (admins and analysts) read each unit's comments and mark them fit for the unit or not; the
//! obvious identifiers in them are masked wherever they are shown or written ([`mask`]); and a
//! unit with at least 5 evaluations gets the comments marked fit as a workbook for its head
//! ([`workbook`]), without dates or profile. Comments are never public.
//!
//! Only comments marked *fit* go to a head: a comment nobody has read yet may hold an insult
//! or a detail that names its writer, and the issue asks staff to decide. Unreviewed and
//! "not fit" comments stay on the staff pages.

pub mod mask;
mod workbook;

pub use mask::{mask, MASK};
pub use workbook::workbook;

/// Below this many evaluations a unit publishes its count only (METHODOLOGY.md §3), and its
/// head gets no comments: with so few businesses a comment may name its writer.
pub const MIN_EVALUATIONS: i64 = crate::scoring::COUNT_ONLY_BELOW as i64;

/// A staff member's verdict on a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Fit,
    NotFit,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fit => "fit",
            Verdict::NotFit => "not_fit",
        }
    }

    pub fn is_fit(self) -> bool {
        self == Verdict::Fit
    }
}

impl std::str::FromStr for Verdict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fit" => Ok(Verdict::Fit),
            "not_fit" => Ok(Verdict::NotFit),
            _ => Err(format!("`{s}` is not a verdict (expected fit or not_fit)")),
        }
    }
}

/// Why a unit's head gets no comments.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unit {unit} has {evaluations} evaluation(s) in cycle {year}; a unit with fewer than {MIN_EVALUATIONS} publishes its count only (METHODOLOGY.md §3), so its head gets no comments")]
pub struct TooFewEvaluations {
    pub unit: String,
    pub year: i32,
    pub evaluations: i64,
}

/// Whether a unit with `evaluations` in cycle `year` may see its comments at all.
pub fn may_see_comments(unit: &str, year: i32, evaluations: i64) -> Result<(), TooFewEvaluations> {
    if evaluations < MIN_EVALUATIONS {
        return Err(TooFewEvaluations {
            unit: unit.to_string(),
            year,
            evaluations,
        });
    }
    Ok(())
}

/// What a unit head receives of `(text, verdict)` pairs: the comments marked fit, masked, in
/// the order of their text — never by date or by storage order, which could tell who wrote
/// first.
pub fn for_head<'a>(comments: impl IntoIterator<Item = (&'a str, Option<Verdict>)>) -> Vec<String> {
    let mut texts: Vec<String> = comments
        .into_iter()
        .filter(|(_, v)| *v == Some(Verdict::Fit))
        .map(|(t, _)| mask(t))
        .collect();
    texts.sort();
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_gets_only_fit_comments_masked_and_ordered_by_text() {
        let comments = [
            ("Thủ tục chậm, gọi 0912 345 678", Some(Verdict::Fit)),
            ("Cán bộ nhiệt tình", Some(Verdict::Fit)),
            ("Lời lẽ không phù hợp", Some(Verdict::NotFit)),
            ("Chưa ai đọc", None),
        ];
        assert_eq!(
            for_head(comments),
            ["Cán bộ nhiệt tình", "Thủ tục chậm, gọi [đã ẩn]"]
        );
    }

    #[test]
    fn units_below_five_evaluations_get_no_comments() {
        assert!(may_see_comments("COM_X", 2025, 5).is_ok());
        let refused = may_see_comments("COM_X", 2025, 4).expect_err("4 is too few");
        assert!(refused.to_string().contains("count only"), "{refused}");
    }

    #[test]
    fn verdicts_read_back_from_their_names() {
        for v in [Verdict::Fit, Verdict::NotFit] {
            assert_eq!(v.as_str().parse::<Verdict>(), Ok(v));
        }
        assert!("maybe".parse::<Verdict>().is_err());
    }
}
