//! Email invitations and reminders (issue 14), apart from storage and HTTP: reading a contacts
//! file (contacts.rs), writing the messages (message.rs) and handing them to an SMTP server
//! (smtp.rs, lettre). `cycles::mailing` ties them to the database.

pub mod contacts;
pub mod message;
pub mod smtp;

pub use contacts::{read_contacts, Contact};
pub use message::{compose, Letter, MailKind};
pub use smtp::{MailSettings, Mailer, SendError};
