//! Handing messages to an SMTP server with lettre (never SMTP by hand): `DDCI_SMTP_URL`,
//! `DDCI_MAIL_FROM`, `DDCI_SMTP_PER_MINUTE`.

use lettre::message::{header::ContentType, Mailbox};
use lettre::{Message, SmtpTransport, Transport};
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

/// The mail settings (see `config::Settings`); each may be missing until mail is sent.
#[derive(Debug, Clone, Default)]
pub struct MailSettings {
    /// `DDCI_SMTP_URL`: `smtp://host:port` (no TLS), `smtp://…?tls=required` (STARTTLS),
    /// `smtps://host:port` (TLS), each with an optional `user:password@`.
    pub smtp_url: Option<String>,
    /// `DDCI_MAIL_FROM`: the sender, e.g. `Hiệp hội Doanh nghiệp <khaosat@example.vn>`.
    pub from: Option<String>,
    /// `DDCI_SMTP_PER_MINUTE`: at most this many messages a minute (providers have quotas).
    pub per_minute: Option<NonZeroU32>,
}

/// Why one message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The server answered with a refusal: the message was not taken, so it may be sent again.
    Refused(String),
    /// The connection broke without a refusal: the server may have taken the message, so the
    /// contact stays "sending" and is only sent again on request (`--retry`).
    Unknown(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Refused(reply) => write!(f, "refused by the server: {reply}"),
            SendError::Unknown(e) => write!(f, "outcome unknown: {e}"),
        }
    }
}

/// A checked connection to the SMTP server and the sender, pacing its messages.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    pace: Option<Duration>,
    last: Option<Instant>,
}

impl Mailer {
    /// Checks the settings and that the server answers — before any contact is marked
    /// "sending", so an unreachable server leaves nothing half-sent.
    pub fn connect(settings: &MailSettings) -> anyhow::Result<Mailer> {
        let from = settings.from.as_deref().map(str::trim).unwrap_or_default();
        anyhow::ensure!(
            !from.is_empty(),
            "DDCI_MAIL_FROM is not set: give the sender address of the invitations, e.g. \
             DDCI_MAIL_FROM=khaosat@hiephoi.example.vn (nothing was stored or sent)"
        );
        let from: Mailbox = from.parse().map_err(|e| {
            anyhow::anyhow!("DDCI_MAIL_FROM: `{from}` is not an email address ({e})")
        })?;
        let url = settings
            .smtp_url
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        anyhow::ensure!(
            !url.is_empty(),
            "DDCI_SMTP_URL is not set: give the mail server, e.g. smtps://user:password@mail.example.vn \
             (nothing was stored or sent)"
        );
        let shown = without_password(url);
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| anyhow::anyhow!("DDCI_SMTP_URL `{shown}` is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        match transport.test_connection() {
            Ok(true) => {}
            Ok(false) => anyhow::bail!(
                "the SMTP server of DDCI_SMTP_URL ({shown}) does not answer; nothing was stored or sent"
            ),
            Err(e) => anyhow::bail!(
                "cannot reach the SMTP server of DDCI_SMTP_URL ({shown}): {e}; nothing was stored or sent"
            ),
        }
        let pace = settings
            .per_minute
            .map(|n| Duration::from_secs(60) / n.get());
        Ok(Mailer {
            transport,
            from,
            pace,
            last: None,
        })
    }

    /// The sender, named in the personal-data notice as whom to contact.
    pub fn sender(&self) -> String {
        self.from.email.to_string()
    }

    /// Sends one plain-text UTF-8 message to `to`; Ok after the server's 250 reply.
    pub fn send(&mut self, to: &str, subject: &str, body: String) -> Result<(), SendError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| SendError::Refused(format!("`{to}` is not an email address ({e})")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| SendError::Refused(format!("the message could not be built: {e}")))?;
        self.wait_turn();
        match self.transport.send(&message) {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() || e.is_transient() => {
                Err(SendError::Refused(e.to_string()))
            }
            Err(e) => Err(SendError::Unknown(e.to_string())),
        }
    }

    /// Keeps to `DDCI_SMTP_PER_MINUTE`: each message waits until its turn.
    fn wait_turn(&mut self) {
        if let (Some(pace), Some(last)) = (self.pace, self.last) {
            if let Some(wait) = pace.checked_sub(last.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        self.last = Some(Instant::now());
    }
}

/// The URL as it may be shown: without the password.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &url[scheme + 3..at];
            let user = user.split(':').next().unwrap_or_default();
            format!("{}{user}:…@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            without_password("smtps://khaosat:bí-mật@mail.example.vn:465"),
            "smtps://khaosat:…@mail.example.vn:465"
        );
        assert_eq!(
            without_password("smtp://127.0.0.1:25"),
            "smtp://127.0.0.1:25"
        );
    }

    #[test]
    fn messages_keep_to_the_rate_per_minute() {
        // 1,200 a minute: one every 50 ms. No connection is made by pacing alone.
        let mut mailer = Mailer {
            transport: SmtpTransport::builder_dangerous("localhost").build(),
            from: "a@example.vn".parse().expect("address"),
            pace: Some(Duration::from_secs(60) / 1200),
            last: None,
        };
        let start = Instant::now();
        for _ in 0..3 {
            mailer.wait_turn();
        }
        assert!(
            start.elapsed() >= Duration::from_millis(100),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn a_missing_sender_is_named_before_anything_else() {
        let e = Mailer::connect(&MailSettings::default())
            .err()
            .expect("refused");
        assert!(
            e.to_string().starts_with("DDCI_MAIL_FROM is not set"),
            "{e}"
        );
    }
}
