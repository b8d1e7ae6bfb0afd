//! A cycle's status and the rules that follow from it — pure, so the admin pages, the commands
//! and storage all ask the same questions.

/// A cycle's life: draft → open → closed → published (a closed cycle may be reopened).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Open,
    Closed,
    Published,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
            Status::Published => "published",
        }
    }

    /// Collection can start (again): a draft, or a closed cycle that is not yet published.
    pub fn can_open(self) -> bool {
        matches!(self, Status::Draft | Status::Closed)
    }

    pub fn can_close(self) -> bool {
        self == Status::Open
    }

    /// Scoring runs, paper imports and new codes change a cycle's numbers, which a published
    /// cycle never does.
    pub fn can_score(self) -> bool {
        self != Status::Published
    }

    /// Letters ask businesses to answer, so they are made only while answers can still
    /// come: for a draft or an open cycle, not a closed or published one.
    pub fn can_send_letters(self) -> bool {
        matches!(self, Status::Draft | Status::Open)
    }

    /// Publishing needs a run to freeze.
    pub fn can_publish(self, has_run: bool) -> bool {
        self != Status::Published && has_run
    }

    /// The one refusal of everything that would change a published cycle; `what` says what
    /// was refused, e.g. [`Refused::NumbersFrozen`].
    pub fn refuse_if_published(self, year: i32, what: Refused) -> Result<(), PublishedError> {
        if self == Status::Published {
            return Err(PublishedError { year, what });
        }
        Ok(())
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "draft" => Status::Draft,
            "open" => Status::Open,
            "closed" => Status::Closed,
            "published" => Status::Published,
            _ => return Err(format!("unknown cycle status `{s}`")),
        })
    }
}

/// What a published cycle refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Scoring, rescoring or importing responses.
    NumbersFrozen,
    /// Issuing invitation codes.
    NoMoreResponses,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cycle {year} is published; {}", match what {
    Refused::NumbersFrozen => "its numbers never change",
    Refused::NoMoreResponses => "it takes no more responses",
})]
pub struct PublishedError {
    pub year: i32,
    pub what: Refused,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_published_cycle_is_refused_and_the_message_names_year_and_reason() {
        for s in [Status::Draft, Status::Open, Status::Closed] {
            assert!(s.refuse_if_published(2024, Refused::NumbersFrozen).is_ok());
        }
        let refusal = Status::Published.refuse_if_published(2024, Refused::NoMoreResponses);
        assert_eq!(
            refusal.map_err(|e| e.to_string()),
            Err("cycle 2024 is published; it takes no more responses".to_string())
        );
    }

    #[test]
    fn actions_follow_the_status() {
        assert!(Status::Draft.can_open() && Status::Closed.can_open());
        assert!(!Status::Open.can_open() && !Status::Published.can_open());
        assert!(Status::Open.can_close() && !Status::Closed.can_close());
        assert!(!Status::Published.can_score() && Status::Closed.can_score());
        assert!(Status::Closed.can_publish(true) && !Status::Closed.can_publish(false));
        assert!(!Status::Published.can_publish(true));
        assert!(Status::Draft.can_send_letters() && Status::Open.can_send_letters());
        assert!(!Status::Closed.can_send_letters() && !Status::Published.can_send_letters());
    }
}
