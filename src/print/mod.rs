//! Paper for the survey season: invitation letters with QR codes (`ddci invite --letters`),
//! the printed questionnaire and the spreadsheet template for keying paper forms
//! (`ddci questionnaire`). Pure: callers read the database and write the files.

pub mod fonts;
pub mod layout;
mod letter;
mod qr;
mod questionnaire;
mod template;

pub use letter::{letters_pdf, Letter};
pub use questionnaire::questionnaire_pdf;
pub use template::entry_template;

/// `text` in Unicode normalisation form C: letters typed with combining marks (some
/// keyboards, some exports) become the precomposed letters the fonts draw best and that
/// search and copy find.
pub fn nfc(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc().collect()
}
