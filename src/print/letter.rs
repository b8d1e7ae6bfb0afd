//! Invitation letters on paper: one A4 page per code, in Vietnamese with English beneath
//! each part, with the code large, a QR code of its survey link, the deadline and the same
//! confidentiality promise as the landing page.

use super::fonts::Face;
use super::layout::{render, wrap, wrap_at_most, Flow, Item, Page, Style, MARGIN, WIDTH};
use super::{nfc, qr};
use crate::locale::{text, text_with};

/// What one letter says that is its own.
#[derive(Debug, Clone)]
pub struct Letter {
    pub year: i32,
    pub code: String,
    /// The survey's address, typed by hand together with the code.
    pub address: String,
    /// The link with the code, in the QR code.
    pub link: String,
    /// The business the letter is addressed to, if known.
    pub label: Option<String>,
    /// The answer deadline as YYYY-MM-DD, if the cycle has one.
    pub closes_on: Option<String>,
    /// The day the letters are made, YYYY-MM-DD.
    pub dated: String,
}

const BODY: Style = Style::new(Face::Regular, 10.0);
const BODY_EN: Style = Style::new(Face::Regular, 8.5).grey();
const BOLD: Style = Style::new(Face::Bold, 10.0);
/// Room for a QR code (with its quiet zone) in the code box.
const QR_SIDE: f32 = 130.0;

/// The PDF of `letters`, one page each.
pub fn letters_pdf(letters: &[Letter]) -> anyhow::Result<Vec<u8>> {
    let mut pages = Vec::with_capacity(letters.len());
    for letter in letters {
        pages.push(letter_page(letter)?);
    }
    render(&pages, "DDCI — thư mời / invitation letters")
}

/// The one page of `letter`; refused (never split) if it would not fit one page.
pub fn letter_page(letter: &Letter) -> anyhow::Result<Page> {
    let mut flow = Flow::new();
    heading(&mut flow, letter);
    addressee(&mut flow, letter.label.as_deref());
    let year = letter.year.to_string();
    let args = [("year", year.as_str())];
    bilingual(&mut flow, "letter-purpose", &args);
    bilingual(&mut flow, "letter-invite", &[]);
    code_box(&mut flow, letter)?;
    let promise = |lang| {
        format!(
            "{} {}",
            text(lang, "landing-promise-title"),
            text(lang, "landing-promise")
        )
    };
    flow.paragraph(&promise("vi"), BODY, MARGIN);
    flow.paragraph(&promise("en"), BODY_EN, MARGIN);
    flow.gap(6.0);
    bilingual(&mut flow, "letter-paper", &[]);
    flow.gap(6.0);
    flow.paragraph(&text("vi", "letter-thanks"), BODY, MARGIN);
    flow.paragraph(&text("en", "letter-thanks"), BODY_EN, MARGIN);
    flow.gap(8.0);
    right_aligned(&mut flow, &text("vi", "letter-sender"), BOLD);
    anyhow::ensure!(
        flow.page_count() == 1,
        "the letter for code {} does not fit on one page",
        letter.code
    );
    Ok(flow.finish(|_, _| String::new()).remove(0))
}

/// Vietnamese paragraph `key`, then its English.
fn bilingual(flow: &mut Flow, key: &str, args: &[(&str, &str)]) {
    flow.paragraph(&text_with("vi", key, args), BODY, MARGIN);
    flow.paragraph(&text_with("en", key, args), BODY_EN, MARGIN);
    flow.gap(6.0);
}

/// The sender and the national title side by side, the date, and the letter's title.
fn heading(flow: &mut Flow, letter: &Letter) {
    let top = flow.y;
    let half = (WIDTH - 2.0 * MARGIN) / 2.0;
    let centred = |flow: &mut Flow, s: &str, style: Style, left: f32| {
        let x = left + (half - style.face.width(s, style.size)).max(0.0) / 2.0;
        flow.lines(&[s.to_string()], style, x);
    };
    let small = Style::new(Face::Bold, 9.0);
    centred(flow, &text("vi", "letter-sender"), small, MARGIN);
    centred(flow, &text("en", "letter-sender"), BODY_EN, MARGIN);
    flow.y = top;
    let right = MARGIN + half;
    centred(flow, &text("vi", "letter-nation"), small, right);
    centred(flow, &text("vi", "letter-motto"), BOLD, right);
    centred(flow, &text("en", "letter-nation"), BODY_EN, right);
    flow.gap(8.0);
    let date = vi_date(&letter.dated);
    let dated = text_with("vi", "letter-date", &[("date", date.as_str())]);
    right_aligned(flow, &dated, Style::new(Face::Regular, 9.5));
    flow.gap(10.0);
    let year = letter.year.to_string();
    let title = |lang| text_with(lang, "letter-title", &[("year", year.as_str())]);
    centred_page(flow, &title("vi"), Style::new(Face::Bold, 14.0));
    centred_page(flow, &title("en"), Style::new(Face::Regular, 10.0).grey());
    flow.gap(10.0);
}

/// "Kính gửi: …" with the label (at most two lines; cut with "…"), or the general greeting
/// in both languages.
fn addressee(flow: &mut Flow, label: Option<&str>) {
    match label.map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => {
            let line = text_with("vi", "letter-to", &[("name", nfc(l).as_str())]);
            let lines = wrap_at_most(&line, BOLD, WIDTH - 2.0 * MARGIN, 2);
            flow.lines(&lines, BOLD, MARGIN);
        }
        None => {
            for (lang, style) in [("vi", BOLD), ("en", BODY_EN)] {
                let name = text(lang, "letter-to-anyone");
                let line = text_with(lang, "letter-to", &[("name", name.as_str())]);
                flow.paragraph(&line, style, MARGIN);
            }
        }
    }
    flow.gap(6.0);
}

/// The framed box: code, address and deadline on the left, the QR code on the right.
fn code_box(flow: &mut Flow, letter: &Letter) -> anyhow::Result<()> {
    let top = flow.y + 4.0;
    let height = QR_SIDE + 10.0;
    flow.ensure(height + 8.0);
    let qr_x = WIDTH - MARGIN - QR_SIDE - 5.0;
    for item in qr::qr_items(&letter.link, qr_x, top + 5.0, QR_SIDE)? {
        flow.push(item);
    }
    let x = MARGIN + 12.0;
    let label = Style::new(Face::Regular, 9.0);
    flow.y = top + 6.0;
    flow.lines(&[bilingual_label("letter-code")], label, x);
    let code = Style::new(Face::Mono, 24.0);
    flow.lines(std::slice::from_ref(&letter.code), code, x);
    flow.gap(6.0);
    flow.lines(&[bilingual_label("letter-address")], label, x);
    let address = wrap(&letter.address, BOLD, qr_x - x - 8.0);
    flow.lines(&address[..address.len().min(2)], BOLD, x);
    flow.gap(6.0);
    let date = match &letter.closes_on {
        Some(d) => vi_date(d),
        None => String::new(),
    };
    for (lang, style) in [("vi", BOLD), ("en", BODY_EN)] {
        let shown = if date.is_empty() {
            text(lang, "letter-no-deadline")
        } else {
            date.clone()
        };
        let line = text_with(lang, "letter-deadline", &[("date", shown.as_str())]);
        flow.lines(&[line], style, x);
    }
    flow.push(Item::Rect {
        x: MARGIN,
        y: top,
        w: WIDTH - 2.0 * MARGIN,
        h: height,
        filled: false,
    });
    flow.y = top + height + 10.0;
    Ok(())
}

/// "Mã mời / Invitation code": the Vietnamese and English of a short label on one line.
fn bilingual_label(key: &str) -> String {
    format!("{} / {}", text("vi", key), text("en", key))
}

fn centred_page(flow: &mut Flow, s: &str, style: Style) {
    for line in wrap(s, style, WIDTH - 2.0 * MARGIN) {
        let x = (WIDTH - style.face.width(&line, style.size)) / 2.0;
        flow.lines(&[line], style, x);
    }
}

fn right_aligned(flow: &mut Flow, s: &str, style: Style) {
    let x = WIDTH - MARGIN - style.face.width(s, style.size) - 10.0;
    flow.lines(&[s.to_string()], style, x.max(MARGIN));
}

/// 2025-10-31 as 31/10/2025, as the survey page shows deadlines.
pub fn vi_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map_or_else(|_| iso.to_string(), |d| d.format("%d/%m/%Y").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::layout::HEIGHT;

    fn letter(label: Option<&str>) -> Letter {
        Letter {
            year: 2025,
            code: "7KQ2-M9XD-4HT0-B31Z".into(),
            address: "https://ddci.langson.gov.vn/survey".into(),
            link: "https://ddci.langson.gov.vn/survey?code=7KQ2-M9XD-4HT0-B31Z".into(),
            label: label.map(str::to_string),
            closes_on: Some("2025-10-31".into()),
            dated: "2025-09-01".into(),
        }
    }

    fn texts(page: &Page) -> Vec<&str> {
        page.items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                Item::Rect { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_letter_has_code_deadline_purpose_and_promise_in_both_languages() {
        let page = letter_page(&letter(Some("Công ty TNHH Hoàng Long"))).expect("page");
        let all = texts(&page).join("\n");
        for needle in [
            "7KQ2-M9XD-4HT0-B31Z",
            "Kính gửi: Công ty TNHH Hoàng Long",
            "Hạn trả lời: 31/10/2025",
            "Answer by: 31/10/2025",
            "230/KH-UBND",
            "HIỆP HỘI DOANH NGHIỆP TỈNH LẠNG SƠN",
            "https://ddci.langson.gov.vn/survey",
            "Bảo mật:",
            "Confidential:",
        ] {
            assert!(all.contains(needle), "{needle} missing in:\n{all}");
        }
        assert!(
            texts(&page).contains(&"7KQ2-M9XD-4HT0-B31Z"),
            "the code is one piece of text"
        );
    }

    #[test]
    fn without_a_deadline_the_letter_says_so() {
        let mut l = letter(None);
        l.closes_on = None;
        let all = texts(&letter_page(&l).expect("page")).join("\n");
        assert!(all.contains("Hạn trả lời: không hạn"), "{all}");
        assert!(all.contains("Answer by: no deadline"), "{all}");
        assert!(all.contains("Kính gửi: Quý doanh nghiệp"), "{all}");
    }

    #[test]
    fn a_very_long_label_is_cut_and_nothing_leaves_the_page() {
        let long = "Công ty Cổ phần Xuất nhập khẩu Nông lâm sản Đồng Đăng ".repeat(12);
        let page = letter_page(&letter(Some(&long))).expect("one page");
        assert!(texts(&page).iter().any(|t| t.ends_with('…')));
        for item in &page.items {
            assert!(item.right() <= WIDTH - MARGIN + 0.5, "{item:?}");
            if let Item::Text { y, .. } = item {
                assert!(*y < HEIGHT - MARGIN, "{item:?}");
            }
        }
    }

    #[test]
    fn labels_are_nfc_normalised() {
        // "Đồng Đăng" typed with combining marks (as some keyboards and Excel exports do).
        let decomposed = "Đo\u{0302}\u{0300}ng Đa\u{0306}ng";
        let page = letter_page(&letter(Some(decomposed))).expect("page");
        assert!(texts(&page).contains(&"Kính gửi: Đồng Đăng"));
    }
}
