//! The method page: `docs/method.md` (one text for the repository and the web), cut to the
//! page's language and rendered to HTML.

use crate::locale;

const METHOD: &str = include_str!("../../docs/method.md");

/// The title and shared introduction, then the section in `lang` (`vi` or `en`).
pub fn method_html(lang: &str) -> String {
    let text = METHOD.replace("(../../shared/METHODOLOGY.md)", "(#)");
    let text = text.replace("[`METHODOLOGY.md`](#)", "`METHODOLOGY.md`");
    let (head, rest) = text.split_once("\n## Tiếng Việt").unwrap_or((&text, ""));
    let (vi, en) = rest.split_once("\n## English").unwrap_or((rest, ""));
    let (heading, section) = locale::pick(lang, ("Tiếng Việt", vi), ("English", en));
    let body = format!("{head}\n## {heading}{section}");
    let parser = pulldown_cmark::Parser::new_ext(&body, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

#[cfg(test)]
mod tests {
    use super::method_html;

    #[test]
    fn each_language_gets_its_own_section() {
        let vi = method_html("vi");
        let en = method_html("en");
        assert!(vi.contains("<h2>Tiếng Việt</h2>") && !vi.contains("<h2>English</h2>"));
        assert!(en.contains("<h2>English</h2>") && !en.contains("<h2>Tiếng Việt</h2>"));
        assert!(!vi.contains("../../shared"));
    }
}
