//! The method pages: `docs/method.md` for readers and `docs/method-annex.md` (the technical
//! details), each one text for the repository and the web, cut to the page's language — its
//! part of the title and its section only — and rendered to HTML.

use crate::locale;

const METHOD: &str = include_str!("../../docs/method.md");
const ANNEX: &str = include_str!("../../docs/method-annex.md");

/// The web addresses of the two pages (the repository's links point at the files).
pub const METHOD_PATH: &str = "/method";
pub const ANNEX_PATH: &str = "/method/phu-luc";

/// `text`'s title in `lang` (the part of `# vi · en` before or after the dot) and its section in
/// `lang` (below `## Tiếng Việt` or `## English`, without that heading), as HTML.
fn one_language(text: &str, lang: &str) -> String {
    let text = text
        .replace("(../../shared/METHODOLOGY.md)", "(#)")
        .replace("[`METHODOLOGY.md`](#)", "`METHODOLOGY.md`")
        .replace("(method-annex.md)", &format!("({ANNEX_PATH})"))
        .replace("(method.md)", &format!("({METHOD_PATH})"));
    let (head, rest) = text.split_once("\n## Tiếng Việt\n").unwrap_or((&text, ""));
    let (vi, en) = rest.split_once("\n## English\n").unwrap_or((rest, ""));
    let title_line = head
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("# ");
    let (title_vi, title_en) = title_line
        .split_once(" · ")
        .unwrap_or((title_line, title_line));
    let (title, section) = locale::pick(lang, (title_vi, vi), (title_en, en));
    let section = section.trim_end().trim_end_matches("---").trim_end();
    let body = format!("# {title}\n\n{section}\n");
    let parser = pulldown_cmark::Parser::new_ext(&body, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// The method for readers in `lang` (`vi` or `en`).
pub fn method_html(lang: &str) -> String {
    one_language(METHOD, lang)
}

/// The technical annex in `lang`.
pub fn annex_html(lang: &str) -> String {
    one_language(ANNEX, lang)
}

#[cfg(test)]
mod tests {
    use super::{annex_html, method_html};

    #[test]
    fn each_language_gets_its_own_page() {
        let vi = method_html("vi");
        let en = method_html("en");
        assert!(
            vi.starts_with("<h1>Phương pháp tính điểm DDCI</h1>"),
            "{vi}"
        );
        assert!(en.starts_with("<h1>The DDCI scoring method</h1>"), "{en}");
        assert!(!vi.contains("Normalisation") && !en.contains("Chuẩn hóa"));
        assert!(!vi.contains("../../shared"));
    }

    #[test]
    fn technical_details_live_in_the_annex_linked_from_the_method() {
        for lang in ["vi", "en"] {
            let method = method_html(lang);
            let annex = annex_html(lang);
            assert!(method.contains("href=\"/method/phu-luc\""), "{lang}");
            for technical in ["ChaCha8", "_lerp", "src/scoring", "Lemire"] {
                assert!(
                    !method.contains(technical),
                    "{lang}: {technical} in the method"
                );
                assert!(
                    annex.contains(technical),
                    "{lang}: {technical} in the annex"
                );
            }
            assert!(annex.contains("href=\"/method\""));
        }
        assert!(annex_html("vi").starts_with("<h1>Phụ lục kỹ thuật</h1>"));
        assert!(annex_html("en").contains("Decisions where METHODOLOGY.md is silent"));
    }
}
