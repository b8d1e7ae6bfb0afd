//! Who may answer: the one check of an invitation code, shared by the JSON API, the code form
//! and every page of the questionnaire. It takes plain facts that storage looked up.

/// What storage knows about the invitation that a code (or a session) points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationFacts {
    pub cycle_id: i64,
    pub submitted: bool,
}

/// The cycle the respondent is answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleFacts {
    pub id: i64,
    pub open: bool,
}

/// The outcome of the check, in the order the refusals are tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The code may answer this cycle now.
    Admitted,
    /// No such code for this cycle (or no code at all, or no such cycle): callers never say
    /// which, so that guessing learns nothing.
    Unknown,
    /// The code's questionnaire has already been submitted.
    Used,
    /// The code is right but the cycle does not take answers now.
    CycleNotOpen,
}

/// The check. `well_formed` is whether the typed code had a code's shape; the look-up is done
/// even for a malformed code, so every refusal takes the same time.
pub fn admit(
    well_formed: bool,
    invitation: Option<InvitationFacts>,
    cycle: Option<CycleFacts>,
) -> Admission {
    let (Some(invitation), Some(cycle)) = (invitation, cycle) else {
        return Admission::Unknown;
    };
    if !well_formed || invitation.cycle_id != cycle.id {
        Admission::Unknown
    } else if invitation.submitted {
        Admission::Used
    } else if !cycle.open {
        Admission::CycleNotOpen
    } else {
        Admission::Admitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: CycleFacts = CycleFacts { id: 7, open: true };
    const FRESH: InvitationFacts = InvitationFacts {
        cycle_id: 7,
        submitted: false,
    };

    #[test]
    fn a_fresh_code_of_the_open_cycle_is_admitted() {
        assert_eq!(admit(true, Some(FRESH), Some(OPEN)), Admission::Admitted);
    }

    #[test]
    fn refusals_come_in_order_unknown_used_not_open() {
        let used = InvitationFacts {
            submitted: true,
            ..FRESH
        };
        let closed = CycleFacts {
            open: false,
            ..OPEN
        };
        let other_cycle = InvitationFacts {
            cycle_id: 8,
            ..FRESH
        };
        assert_eq!(admit(false, Some(FRESH), Some(OPEN)), Admission::Unknown);
        assert_eq!(admit(true, None, Some(OPEN)), Admission::Unknown);
        assert_eq!(admit(true, Some(FRESH), None), Admission::Unknown);
        assert_eq!(
            admit(true, Some(other_cycle), Some(OPEN)),
            Admission::Unknown
        );
        assert_eq!(admit(true, Some(used), Some(closed)), Admission::Used);
        assert_eq!(
            admit(true, Some(FRESH), Some(closed)),
            Admission::CycleNotOpen
        );
    }
}
