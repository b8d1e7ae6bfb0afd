//! The two languages of ddci: Vietnamese, the default, and English on request. Fixed texts live
//! in `locales/*/main.ftl` (Fluent), compiled into the binary; texts that come in both
//! languages from elsewhere (a catalog's `name_vi`/`name_en`) are chosen with [`pick`].

use fluent_templates::{langid, LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Bidi isolation marks around placeables are for mixed-direction scripts; in
        // Vietnamese and English pages they would only be invisible noise in the HTML.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Of two versions of one thing, the one for `lang`: English for `en`, Vietnamese otherwise.
/// The only place that tells the languages apart, so every page, file and chart agrees.
pub fn pick<T>(lang: &str, vi: T, en: T) -> T {
    match lang {
        "en" => en,
        _ => vi,
    }
}

/// The Fluent text `key` in `lang`.
pub fn text(lang: &str, key: &str) -> String {
    let id: LanguageIdentifier = pick(lang, langid!("vi"), langid!("en"));
    LOCALES.lookup(&id, key)
}

/// The Fluent text `key` in `lang` with string arguments.
pub fn text_with(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    use fluent_templates::fluent_bundle::FluentValue;
    use std::borrow::Cow;
    use std::collections::HashMap;
    let id: LanguageIdentifier = pick(lang, langid!("vi"), langid!("en"));
    let args: HashMap<Cow<'static, str>, FluentValue> = (args.iter())
        .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.to_string())))
        .collect();
    LOCALES.lookup_with_args(&id, key, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_on_request_and_vietnamese_otherwise() {
        assert_eq!(pick("en", "vi", "en"), "en");
        assert_eq!(pick("vi", "vi", "en"), "vi");
        assert_eq!(pick("fr", "vi", "en"), "vi");
    }

    #[test]
    fn texts_come_from_the_locale_files() {
        assert_eq!(text("vi", "chart-trend-axis"), "điểm");
        assert_eq!(text("en", "chart-trend-axis"), "score");
    }

    #[test]
    fn texts_used_outside_templates_exist_in_both_languages() {
        let keys = [
            "chart-ranking-axis",
            "chart-components-axis",
            "chart-trend-total",
            "chart-trend-axis",
            "cli-unranked",
        ];
        for (lang, key) in ["vi", "en"].iter().flat_map(|l| keys.map(|k| (l, k))) {
            let id: LanguageIdentifier = lang.parse().expect("language");
            assert!(LOCALES.try_lookup(&id, key).is_some(), "{key} in {lang}");
        }
    }
}
