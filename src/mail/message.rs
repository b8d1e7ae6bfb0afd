//! The messages: an invitation, and two reminders (with a fresh code for a business that has
//! not begun, without one for a business that has). Plain UTF-8 text, Vietnamese first, then
//! English, then the personal-data notice of Decree 13/2023/NĐ-CP in both; every sentence
//! comes from `locales/`.

use crate::locale;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Invitation,
    /// A reminder to a business that has not begun: it carries a new code.
    ReminderWithCode,
    /// A reminder to a business that has begun: no code (none is stored in a form that could be
    /// sent again); it asks to continue with the invitation's link.
    ReminderContinue,
}

/// What a message says about its cycle and its recipient.
#[derive(Debug, Clone)]
pub struct Letter<'a> {
    pub year: i32,
    /// `DDCI_PUBLIC_URL`, without a trailing slash.
    pub public_url: &'a str,
    /// The code, for an invitation and a reminder with a new code.
    pub code: Option<&'a str>,
    /// The cycle's deadline, `YYYY-MM-DD`.
    pub deadline: Option<&'a str>,
    /// Whom to ask about the address (DDCI_MAIL_FROM).
    pub contact: &'a str,
}

impl Letter<'_> {
    /// The survey link: with the code when the message carries one, as in the codes file.
    fn link(&self) -> String {
        match self.code {
            Some(code) => format!("{}/survey?code={code}", self.public_url),
            None => format!("{}/survey", self.public_url),
        }
    }
}

/// The subject and the text of a message.
pub fn compose(kind: MailKind, letter: &Letter<'_>) -> (String, String) {
    let subject_key = match kind {
        MailKind::Invitation => "mail-subject-invitation",
        _ => "mail-subject-reminder",
    };
    let year = letter.year.to_string();
    let subject = ["vi", "en"]
        .map(|l| locale::text_with(l, subject_key, &[("year", &year)]))
        .join(" / ");
    let rule = "-".repeat(40);
    let body = [
        part("vi", kind, letter),
        rule.clone(),
        part("en", kind, letter),
        rule,
        privacy("vi", letter),
        privacy("en", letter),
    ]
    .join("\n\n");
    (subject, body + "\n")
}

/// One language's part of a message.
fn part(lang: &str, kind: MailKind, letter: &Letter<'_>) -> String {
    let year = letter.year.to_string();
    let link = letter.link();
    let code = letter.code.unwrap_or_default();
    let t = |key: &str| {
        locale::text_with(
            lang,
            key,
            &[("year", &year), ("link", &link), ("code", code)],
        )
    };
    let mut paragraphs = vec![t("mail-greeting")];
    match kind {
        MailKind::Invitation => {
            paragraphs.extend([t("mail-invitation-intro"), t("mail-link"), t("mail-code")]);
        }
        MailKind::ReminderWithCode => {
            paragraphs.extend([t("mail-reminder-intro"), t("mail-link"), t("mail-new-code")]);
        }
        MailKind::ReminderContinue => {
            paragraphs.extend([t("mail-reminder-intro"), t("mail-continue")]);
        }
    }
    paragraphs.push(deadline(lang, letter.deadline));
    paragraphs.push(t("mail-confidential"));
    paragraphs.push(t("mail-signature"));
    paragraphs.join("\n\n")
}

/// The deadline in the language's own way of writing dates (31/12/2025, 31 December 2025).
fn deadline(lang: &str, date: Option<&str>) -> String {
    let parsed = date.and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match parsed {
        Some(d) => {
            let shown = d
                .format(locale::pick(lang, "%d/%m/%Y", "%-d %B %Y"))
                .to_string();
            locale::text_with(lang, "mail-deadline", &[("date", &shown)])
        }
        None => locale::text(lang, "mail-no-deadline"),
    }
}

/// The personal-data notice (Decree 13/2023/NĐ-CP): why the address is held, until when, whom
/// to ask.
fn privacy(lang: &str, letter: &Letter<'_>) -> String {
    let year = letter.year.to_string();
    locale::text_with(
        lang,
        "mail-privacy",
        &[("year", &year), ("contact", letter.contact)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(code: Option<&'static str>) -> Letter<'static> {
        Letter {
            year: 2025,
            public_url: "https://ddci.example.vn",
            code,
            deadline: Some("2025-12-31"),
            contact: "khaosat@hiephoi.example.vn",
        }
    }

    #[test]
    fn an_invitation_gives_link_code_and_deadline_in_vietnamese_then_english() {
        let (subject, body) = compose(MailKind::Invitation, &letter(Some("7KQ2-M9XD-4HT0-B31Z")));
        assert!(subject.contains("2025"), "{subject}");
        assert!(body.contains("https://ddci.example.vn/survey?code=7KQ2-M9XD-4HT0-B31Z"));
        let vi = body.find("31/12/2025").expect("Vietnamese date");
        let en = body.find("31 December 2025").expect("English date");
        assert!(vi < en, "Vietnamese first");
        assert!(body.contains("13/2023/NĐ-CP"));
        assert!(body.contains("khaosat@hiephoi.example.vn"));
    }

    #[test]
    fn a_reminder_to_a_business_that_began_carries_no_code() {
        let (_, body) = compose(MailKind::ReminderContinue, &letter(None));
        assert!(body.contains("https://ddci.example.vn/survey"));
        assert!(!body.contains("?code="));
    }
}
